import Testing
import TriageCore
@testable import TriageFormats

/// The report's JSON and Markdown forms of a hand-made dashboard.
@Suite struct DashboardReportTests {
    static let now = Timestamp(milliseconds: 1_795_000_000_000)

    static func board() -> Dashboard {
        let days = (0..<Dashboard.days).map { i in
            DayFlow(day: Timestamp(milliseconds: now.milliseconds - Int64(13 - i) * 86_400_000), inflow: 2, outflow: i == 13 ? 5 : 3)
        }
        let queue = QueueHealth(
            policies: [PolicyHealth(policy: "gambling|x", open: 10, claimed: 2, decided: 5, escalated: 1, slaHours: 72,
                                    breaches: 3, ages: [4, 3, 2, 1, 0])],
            days: days,
            oldest: [AgedCase(caseID: "c_1", policy: "gambling", merchantName: "Evil\u{1B}[2J *bold*",
                              flaggedAt: Timestamp(milliseconds: now.milliseconds - 90 * 3_600_000))])
        var bins: [CalibrationBin] = []
        for i in 0..<10 {
            let last = i == 9
            bins.append(CalibrationBin(lower: Double(i) / 10, count: last ? 4 : 0, scoreSum: last ? 3.8 : 0,
                                       positives: last ? 3 : 0))
        }
        let model = ModelQuality(model: "m", version: "v1", scored: 20, labelled: 4, decisionsAbove: ["violation": 3, "no_violation": 1],
                                 decisionsBelow: [:], positivesAbove: 3, negativesAbove: 1, calibration: bins,
                                 squaredErrorSum: 0.9, histogram: ["violation": Array(repeating: 0, count: 19) + [3]],
                                 recall: RecallEstimate(flaggedPositiveWeight: 20, positiveWeight: 30, cases: 7))
        let person = PersonActivity(person: "ana", labels: 8, undos: 2, activeHours: 4, medianDwellMs: 4500,
                                    decisions: ["violation": 6, "no_violation": 2])
        return Dashboard(generatedAt: now, queue: queue, people: [person], projects: [], models: [model],
                         comparisons: [VersionComparison(model: "m", older: "v1", newer: "v2", both: 4, flaggedByBoth: 2,
                                                         olderOnly: 1, newerOnly: 0, scoreDifferenceSum: -0.4,
                                                         olderPositives: 2, olderNegatives: 1, newerPositives: 2,
                                                         newerNegatives: 0)])
    }

    @Test func jsonHasTheDocumentedShapeAndDerivedFigures() throws {
        let v = try JSONParser().parse(DashboardJSON.encode(Self.board()))
        #expect(v["schema"] == .string("triage.report/1"))
        #expect(v.objectValue?.map(\.key) == ["schema", "generated_at", "window_days", "queue", "people", "projects", "models",
                                               "comparisons"])
        let q = try #require(v["queue"])
        #expect(q["backlog"] == .number(10) && q["breaches"] == .number(3))
        // Net outflow per day: (13·1 + 3) / 14 = 16/14; ETA = 10 / (16/14) = 8.75 days.
        #expect(q["eta_days"] == .number(8.75))
        #expect(q["policies"]?[0]?["ages"]?["3-7d"] == .number(2))
        #expect(q["days"]?.arrayValue?.count == 14)
        #expect(q["days"]?[13]?["backlog"] == .number(10))
        #expect(q["oldest"]?[0]?["age_hours"] == .number(90))
        let p = try #require(v["people"]?[0])
        #expect(p["labels_per_hour"] == .number(2) && p["undo_rate"] == .number(0.25) && p["median_dwell_ms"] == .number(4500))
        let m = try #require(v["models"]?[0])
        #expect(m["precision"] == .number(0.75))
        #expect(m["recall"]?["estimate"] == .number(20.0 / 30.0))
        #expect(m["brier"] == .number(0.225))
        // ECE: one bin, mean 0.95 vs rate 0.75.
        guard case .number(let ece)? = m["ece"] else { Issue.record("no ece"); return }
        #expect(abs(ece - 0.2) < 1e-12)
        #expect(m["calibration"]?[0]?["mean_score"] == .null)
        #expect(m["histogram"]?["violation"]?[19] == .number(3))
        let c = try #require(v["comparisons"]?[0])
        #expect(c["flag_agreement"] == .number(0.75) && c["mean_score_change"] == .number(-0.1) && c["newer_precision"] == .number(1))
    }

    @Test func markdownTablesEscapeCaseText() {
        let md = DashboardMarkdown.render(Self.board())
        #expect(md.contains("| gambling\\|x | 10 | 2 | 5 | 1 | 72 | 3 | 4 | 3 | 2 | 1 | 0 |"))
        // Control characters never reach the file; Markdown punctuation is escaped.
        #expect(!md.contains("\u{1B}"))
        #expect(md.contains("Evil\u{FFFD}\\[2J \\*bold\\*"))
        #expect(md.contains("clears in about 8.8 days at the current rate"))
        #expect(md.contains("| m | v1 | 20 | 4 | 0.75 (0.30–0.95) | 0.67 (7 cases) | 0.200 | 0.225 |"))
        #expect(md.contains("No labelling projects."))
        #expect(Fixed.format(2.345, places: 2) == "2.35" || Fixed.format(2.345, places: 2) == "2.34")
        #expect(Fixed.format(-0.004, places: 2) == "0.00")
        #expect(Fixed.format(-1.5, places: 0) == "-2")
        // Line and paragraph separators (a line break to some renderers) and bidi overrides are
        // replaced in cells like control characters.
        #expect(DashboardMarkdown.cell("a\u{2028}b\u{2029}c\u{202E}d\u{85}e") == "a\u{FFFD}b\u{FFFD}c\u{FFFD}d\u{FFFD}e")
    }
}
