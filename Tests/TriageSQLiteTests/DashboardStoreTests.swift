import Foundation
import GRDB
import Testing
import TriageCore
import TriageFormats
@testable import TriageSQLite
import TriageStore

/// The dashboard's aggregates on a real database, against values computed by hand.
@Suite struct DashboardStoreTests {
    let now = Timestamp.now()
    func hoursAgo(_ h: Double) -> Timestamp { Timestamp(milliseconds: now.milliseconds - Int64(h * 3_600_000)) }

    /// Cases: gambling g1…g4 flagged 2h, 30h, 100h, 400h ago (SLA 72h: two breaches); fraud f1
    /// flagged 30h ago (SLA 24h: a breach). Scores: g1 0.95, g2 0.85, g3 0.65, g4 0.15, f1 0.55,
    /// all with threshold 0.5 from model m version v1; g1 and g2 also scored by v2 (0.40, 0.90).
    func loaded() throws -> TempDB {
        let t = try TempDB()
        func rec(_ id: String, _ policy: String, _ hours: Double, _ score: Double) -> CaseRecord {
            var r = Fixture.record(id, policy: policy, score: score)
            r.flaggedAt = hoursAgo(hours)
            r.scores = [ModelScore(model: "m", version: "v1", score: score, threshold: 0.5)]
            r.attributions = []
            return r
        }
        let first = [rec("g1", "gambling", 2, 0.95), rec("g2", "gambling", 30, 0.85), rec("g3", "gambling", 100, 0.65),
                     rec("g4", "gambling", 400, 0.15), rec("f1", "fraud", 30, 0.55)]
        _ = try t.importFile(t.file("a.jsonl", first.map(Fixture.line)))
        var second = [first[0], first[1]]
        second[0].scores = [ModelScore(model: "m", version: "v2", score: 0.40, threshold: 0.5)]
        second[1].scores = [ModelScore(model: "m", version: "v2", score: 0.90, threshold: 0.5)]
        _ = try t.importFile(t.file("b.jsonl", second.map(Fixture.line)))
        return t
    }

    func decide(_ t: TempDB, _ id: String, _ decision: String, by who: String = "ana", dwell: Int64 = 1000) throws -> LabelEvent {
        var d = draft(id, decision, analyst: who)
        d.dwellMs = dwell
        return try t.store.recordLabel(d)
    }

    @Test func queueHealthCountsBreachesAgesAndFlow() throws {
        let t = try loaded()
        _ = try decide(t, "g3", "violation")
        _ = try t.store.claim(caseID: "g1", analyst: "bob", lease: 600)
        let q = try t.store.dashboard(now: now).queue
        let g = try #require(q.policies.first { $0.policy == "gambling" })
        #expect(g.open == 3 && g.decided == 1 && g.claimed == 1 && g.escalated == 0)
        #expect(g.slaHours == 72 && g.breaches == 1) // g4 (400h); g3 (100h) is decided
        #expect(g.ages == [1, 1, 0, 0, 1]) // 2h, 30h, 400h
        let f = try #require(q.policies.first { $0.policy == "fraud" })
        #expect(f.slaHours == 24 && f.breaches == 1)
        #expect(q.backlog == 4 && q.breaches == 2)
        #expect(q.oldest.map(\.caseID) == ["g4", "g2", "f1", "g1"] || q.oldest.map(\.caseID) == ["g4", "f1", "g2", "g1"])
        // Inflow by flagging day within the 14 days (g4 is older); outflow today: one decision.
        #expect(q.days.count == 14)
        #expect(q.days.reduce(0) { $0 + $1.inflow } == 4)
        #expect(q.days.last?.outflow == 1)
        #expect(q.backlogTrend.last == 4)
    }

    @Test func peopleThroughputDwellUndoAndDecisionShares() throws {
        let t = try loaded()
        _ = try decide(t, "g1", "violation", dwell: 4000)
        let e = try decide(t, "g2", "no_violation", dwell: 1000)
        _ = try decide(t, "g3", "violation", dwell: 9000)
        _ = try t.store.recordLabel(draft("g2", nil, kind: .undo, supersedes: e.id))
        _ = try decide(t, "f1", "violation", by: "bob", dwell: 500)
        let people = try t.store.dashboard(now: now).people
        let ana = try #require(people.first { $0.person == "ana" })
        #expect(ana.labels == 3 && ana.undos == 1)
        // Kept as quarter-second buckets: the median is its bucket's middle, within 125 ms.
        #expect(abs((ana.medianDwellMs ?? 0) - 4000) <= 125)
        #expect(ana.decisions == ["violation": 2, "no_violation": 1])
        #expect(ana.activeHours >= 1 && ana.activeHours <= 2) // the labels may straddle an hour
        #expect(ana.undoRate == 1.0 / 3)
        #expect(people.map(\.person) == ["ana", "bob"])
    }

    @Test func modelQualityPrecisionCalibrationAndVersions() throws {
        let t = try loaded()
        // v1 flags g1, g2, g3, f1 (≥ 0.5); people say g1, g3 violation, g2 and f1 not, g4 not.
        for (id, d) in [("g1", "violation"), ("g2", "no_violation"), ("g3", "violation"), ("f1", "no_violation"),
                        ("g4", "no_violation")] {
            _ = try decide(t, id, d)
        }
        let board = try t.store.dashboard(now: now)
        let v1 = try #require(board.models.first { $0.version == "v1" })
        #expect(v1.scored == 5 && v1.labelled == 5)
        #expect(v1.positivesAbove == 2 && v1.negativesAbove == 2 && v1.precision == 0.5)
        #expect(v1.decisionsAbove == ["violation": 2, "no_violation": 2] && v1.decisionsBelow == ["no_violation": 1])
        // Wilson 95% for 2/4: centre (0.5 + z²/8)/(1 + z²/4) = 0.5; half ≈ 0.3496.
        let ci = try #require(v1.precisionInterval)
        #expect(abs(ci.lowerBound - 0.1500) < 1e-3 && abs(ci.upperBound - 0.8500) < 1e-3)
        // Brier: (0.95−1)² + (0.85−0)² + (0.65−1)² + (0.55−0)² + (0.15−0)² = 0.0025 + 0.7225 + 0.1225 + 0.3025 + 0.0225
        #expect(abs((v1.brier ?? 0) - 1.1725 / 5) < 1e-12)
        // Bins: 0.1 {0.15: 0}, 0.5 {0.55: 0}, 0.6 {0.65: 1}, 0.8 {0.85: 0}, 0.9 {0.95: 1}.
        #expect(v1.calibration.map(\.count) == [0, 1, 0, 0, 0, 1, 1, 0, 1, 1])
        #expect(v1.calibration[6].positives == 1 && v1.calibration[8].positives == 0)
        // ECE = (1/5)(|0.15−0| + |0.55−0| + |0.65−1| + |0.85−0| + |0.95−1|) = 1.95 / 5
        #expect(abs((v1.expectedCalibrationError ?? 0) - 0.39) < 1e-12)
        #expect(v1.histogram["violation"]?[19] == 1 && v1.histogram["no_violation"]?[3] == 1)
        // v2 on g1 (0.40: not flagged, a violation) and g2 (0.90: flagged, no violation).
        let cmp = try #require(board.comparisons.first)
        #expect(cmp.older == "v1" && cmp.newer == "v2" && cmp.both == 2)
        #expect(cmp.flaggedByBoth == 1 && cmp.olderOnly == 1 && cmp.newerOnly == 0)
        #expect(abs((cmp.meanScoreChange ?? 0) - ((0.40 - 0.95) + (0.90 - 0.85)) / 2) < 1e-12)
        #expect(cmp.olderPrecision == 0.5 && cmp.newerPrecision == 0)
        #expect(v1.recall == nil)
    }

    @Test func recallComesFromAnAuditSampleWeightedByInclusionProbability() throws {
        let t = try loaded()
        try t.store.addPerson("lee", role: .lead, actor: "lee")
        let draft = ProjectDraft(settings: Project(name: "audit", overlap: 1, queuePolicy: .audit, sampleRate: 1,
                                                   createdBy: "lee", createdAt: now))
        _ = try t.store.createProject(draft, actor: "lee")
        // Truth: g1, g3, g4 are violations; v1 flags g1 and g3 but not g4 (0.15): recall 2/3.
        for (id, d) in [("g1", "violation"), ("g2", "no_violation"), ("g3", "violation"), ("g4", "violation"),
                        ("f1", "no_violation")] {
            _ = try t.store.recordLabel(LabelDraft(caseID: id, decision: d, analyst: "lou", osUser: "os", role: .labeler,
                                                   project: "audit"))
        }
        let v1 = try #require(try t.store.dashboard(now: now).models.first { $0.version == "v1" })
        let r = try #require(v1.recall)
        #expect(r.cases == 5 && r.positiveWeight == 3 && r.flaggedPositiveWeight == 2)
        #expect(try t.store.dashboard(now: now).projects.map(\.project) == ["audit"])
    }

    /// Label quality is kept between calls (a big project's consensus takes seconds), but any new
    /// label, another process's included, shows in the next call: it always equals what a fresh
    /// store (nothing kept) computes.
    @Test func labelQualityIsKeptButFollowsEveryNewLabel() throws {
        let t = try loaded()
        try t.store.addPerson("lee", role: .lead, actor: "lee")
        _ = try t.store.createProject(ProjectDraft(settings: Project(name: "audit", overlap: 2, queuePolicy: .audit, sampleRate: 1,
                                                                     createdBy: "lee", createdAt: now)), actor: "lee")
        func label(_ store: SQLiteStore, _ id: String, _ d: String, by who: String) throws {
            _ = try store.recordLabel(LabelDraft(caseID: id, decision: d, analyst: who, osUser: "os", role: .labeler, project: "audit"))
        }
        try label(t.store, "g1", "violation", by: "lou")
        try label(t.store, "g3", "violation", by: "lou")
        func fresh() throws -> LabelQuality { try SQLiteStore(path: t.path, create: false).labelQuality() }
        let first = try t.store.labelQuality()
        #expect(first.projects.first?.report.cases == 2 && first.projects.first?.report.disagreements == 0)
        #expect(try t.store.labelQuality() == first)

        // A second labeler, writing through another connection, disagrees on g3.
        let other = try SQLiteStore(path: t.path, create: false)
        try label(other, "g3", "no_violation", by: "max")
        let second = try t.store.labelQuality(), secondFresh = try fresh()
        #expect(second != first && second == secondFresh)
        #expect(second.projects.first?.report.disagreements == 1)

        // An undo is one more event of the project: the kept result is computed again.
        let mine = try #require(try t.store.labelEvents(caseID: "g1").last { $0.analyst == "lou" })
        _ = try t.store.recordLabel(LabelDraft(caseID: "g1", kind: .undo, decision: nil, analyst: "lou", osUser: "os",
                                               role: .labeler, supersedes: mine.id, project: "audit"))
        let third = try t.store.labelQuality(), thirdFresh = try fresh()
        #expect(third == thirdFresh && third.projects.first?.report.cases == 1)
    }

    /// Every aggregate table's rows (zero counts dropped, sums rounded), for comparing.
    func aggregates(_ t: TempDB) throws -> [String: [String]] {
        let tables = ["agg_policy_status", "agg_flag_day", "agg_person_day", "agg_person_hour", "agg_dwell", "agg_outcome_bin",
                      "agg_model_version", "agg_version_pair", "agg_version_pair_decision"]
        return try DatabaseQueue(path: t.path).read { db in
            var out: [String: [String]] = [:]
            for table in tables {
                out[table] = try Row.fetchAll(db, sql: "SELECT * FROM \(table)").compactMap { row -> String? in
                    if let n = row["n"] as Int?, n == 0 { return nil }
                    return row.columnNames.map { c in
                        let v = row[c] as DatabaseValue
                        if case .double(let d) = v.storage { return String(format: "%.9f", d) }
                        return v.description
                    }.joined(separator: "|")
                }.sorted()
            }
            return out
        }
    }

    @Test func triggersKeepTheAggregatesEqualToARecount() throws {
        let t = try loaded()
        // Labels, a correction, an undo, project labels, a rescoring that changes a score in place,
        // a new version, a new case, a profile change of the flagged time.
        _ = try decide(t, "g1", "violation")
        let e = try decide(t, "g2", "violation")
        var fix = draft("g2", "no_violation", supersedes: e.id)
        fix.dwellMs = 2500
        _ = try t.store.recordLabel(fix)
        let u = try decide(t, "g3", "unsure")
        _ = try t.store.recordLabel(draft("g3", nil, kind: .undo, supersedes: u.id))
        try t.store.addPerson("lee", role: .lead, actor: "lee")
        _ = try t.store.createProject(ProjectDraft(settings: Project(name: "p", overlap: 2, createdBy: "lee", createdAt: now)),
                                      actor: "lee")
        _ = try t.store.recordLabel(LabelDraft(caseID: "f1", decision: "violation", analyst: "lou", osUser: "os", role: .labeler,
                                               dwellMs: 700, project: "p"))
        var rescored = Fixture.record("g1", score: 0.30)
        rescored.flaggedAt = hoursAgo(5)
        rescored.scores = [ModelScore(model: "m", version: "v1", score: 0.30, threshold: 0.6),
                           ModelScore(model: "m", version: "v3", score: 0.77, threshold: 0.5)]
        rescored.attributions = []
        var fresh = Fixture.record("n1", policy: "weapons", score: 0.66)
        fresh.scores = [ModelScore(model: "m", version: "v1", score: 0.66, threshold: nil)]
        fresh.attributions = []
        _ = try t.importFile(t.file("c.jsonl", [Fixture.line(rescored), Fixture.line(fresh)]))
        _ = try decide(t, "n1", "no_violation")

        let kept = try aggregates(t)
        #expect(kept["agg_outcome_bin"]?.isEmpty == false && kept["agg_version_pair"]?.isEmpty == false)
        try DatabaseQueue(path: t.path).write { db in try Schema.recomputeAggregates(db) }
        let recounted = try aggregates(t)
        for (table, rows) in recounted { #expect(kept[table] == rows, "\(table) drifted from a recount") }
    }
}
