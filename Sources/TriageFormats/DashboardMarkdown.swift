import TriageCore

/// The leads' report as Markdown (`triage report --format markdown`): the dashboard's figures as
/// headings and tables, for a wiki page or a ticket. Every cell from the database is escaped so
/// it cannot break a table or inject markup.
public enum DashboardMarkdown {
    public static func render(_ d: Dashboard) -> String {
        var out: [String] = []
        out.append("# triage report")
        out.append("")
        out.append("Generated \(d.generatedAt.iso8601); activity over the last \(Dashboard.days) days (UTC).")
        out.append("")
        queue(d.queue, now: d.generatedAt, into: &out)
        people(d.people, into: &out)
        projects(d.projects, into: &out)
        models(d.models, d.comparisons, into: &out)
        return out.joined(separator: "\n") + "\n"
    }

    /// Text safe in a table cell: no control characters, format characters (bidi overrides) or
    /// line and paragraph separators (U+2028, U+2029: a line break to some renderers), pipes and
    /// Markdown punctuation escaped.
    public static func cell(_ s: String) -> String {
        var out = ""
        for u in s.unicodeScalars {
            let category = u.properties.generalCategory
            if u.value < 0x20 || (0x7F...0x9F).contains(u.value) || category == .format
                || category == .lineSeparator || category == .paragraphSeparator {
                out.append("\u{FFFD}")
            } else if "\\`*_{}[]<>()#+-.!|~".unicodeScalars.contains(u) {
                out.append("\\")
                out.unicodeScalars.append(u)
            } else {
                out.unicodeScalars.append(u)
            }
        }
        return out
    }

    static func num(_ x: Double?, _ places: Int = 2) -> String {
        guard let x, x.isFinite else { return "–" }
        return Fixed.format(x, places: places)
    }

    static func pct(_ x: Double?) -> String {
        guard let x, x.isFinite else { return "–" }
        return Fixed.format(x * 100, places: 0) + "%"
    }

    static func table(_ header: [String], _ rows: [[String]], into out: inout [String]) {
        out.append("| " + header.joined(separator: " | ") + " |")
        out.append("|" + header.map { _ in "---" }.joined(separator: "|") + "|")
        for r in rows { out.append("| " + r.joined(separator: " | ") + " |") }
        out.append("")
    }

    static func queue(_ q: QueueHealth, now: Timestamp, into out: inout [String]) {
        out.append("## Queue health")
        out.append("")
        let eta = q.etaDays.map { $0 == 0 ? "no backlog" : "clears in about \(num($0, 1)) days at the current rate" }
            ?? "not clearing at the current rate"
        out.append("Backlog \(q.backlog) open cases, \(q.breaches) past their SLA; \(eta).")
        out.append("")
        table(["policy area", "open", "claimed", "decided", "escalated", "SLA (h)", "breaches"] + PolicyHealth.ageBucketNames,
              q.policies.map { p in
                  [cell(p.policy), "\(p.open)", "\(p.claimed)", "\(p.decided)", "\(p.escalated)", num(p.slaHours, 0),
                   "\(p.breaches)"] + p.ages.map(String.init)
              }, into: &out)
        table(["day", "flagged", "decided", "backlog"], zip(q.days, q.backlogTrend).map { d, b in
            [d.day.isoDate, "\(d.inflow)", "\(d.outflow)", "\(b)"]
        }, into: &out)
        if !q.oldest.isEmpty {
            out.append("Oldest open cases:")
            out.append("")
            table(["case", "policy area", "merchant", "waiting (h)"], q.oldest.map { c in
                [cell(c.caseID), cell(c.policy), cell(c.merchantName),
                 num(Double(now.milliseconds - c.flaggedAt.milliseconds) / 3_600_000, 0)]
            }, into: &out)
        }
    }

    static func people(_ people: [PersonActivity], into out: inout [String]) {
        out.append("## People")
        out.append("")
        guard !people.isEmpty else {
            out.append("No labels in the window.")
            out.append("")
            return
        }
        let decisions = Set(people.flatMap { $0.decisions.keys }).sorted()
        table(["person", "labels", "labels/hour", "median dwell (s)", "undo rate"] + decisions.map(cell), people.map { p in
            [cell(p.person), "\(p.labels)", num(p.labelsPerHour, 1), num(p.medianDwellMs.map { Double($0) / 1000 }, 1),
             pct(p.undoRate)] + decisions.map { pct(p.share(of: $0)) }
        }, into: &out)
    }

    static func projects(_ projects: [ProjectQuality], into out: inout [String]) {
        out.append("## Label quality")
        out.append("")
        guard !projects.isEmpty else {
            out.append("No labelling projects.")
            out.append("")
            return
        }
        for p in projects {
            let r = p.report
            out.append("### Project \(cell(p.project))")
            out.append("")
            out.append("\(r.cases) cases labelled, \(r.disagreements) with disagreeing labels, \(r.toAdjudicate) waiting for a lead, \(r.adjudicated) adjudicated.")
            out.append("")
            table(["policy area", "cases (2+ labels)", "labelers", "Fleiss κ", "Krippendorff α"], r.areas.map { a in
                [cell(a.policy ?? "all"), "\(a.items)", "\(a.labelers)", num(a.fleiss.value, 3), num(a.krippendorff.value, 3)]
            }, into: &out)
            table(["labeler", "labels", "κ vs peers", "cases", "gold"], r.labelers.map { l in
                [cell(l.person), "\(l.labels)", num(l.peers.kappa.value, 3), "\(l.peers.kappa.items)",
                 l.goldTotal == 0 ? "–" : "\(l.goldCorrect)/\(l.goldTotal) (\(pct(l.goldAccuracy)))"]
            }, into: &out)
        }
    }

    static func models(_ models: [ModelQuality], _ comparisons: [VersionComparison], into out: inout [String]) {
        out.append("## Model quality")
        out.append("")
        guard !models.isEmpty else {
            out.append("No scores.")
            out.append("")
            return
        }
        table(["model", "version", "scored", "decided", "precision (95% CI)", "recall (audit)", "ECE", "Brier"], models.map { m in
            let ci = m.precisionInterval.map { " (\(num($0.lowerBound))–\(num($0.upperBound)))" } ?? ""
            let recall = m.recall.map { "\(num($0.recall)) (\($0.cases) cases)" } ?? "no audit sample"
            return [cell(m.model), cell(m.version), "\(m.scored)", "\(m.labelled)", num(m.precision) + ci, recall,
                    num(m.expectedCalibrationError, 3), num(m.brier, 3)]
        }, into: &out)
        for m in models where m.labelled > 0 {
            out.append("### Calibration: \(cell(m.model)) \(cell(m.version))")
            out.append("")
            table(["scores", "cases", "mean score", "violation rate"], m.calibration.map { b in
                ["\(num(b.lower, 1))–\(num(b.lower + 0.1, 1))", "\(b.count)", num(b.meanScore), num(b.positiveRate)]
            }, into: &out)
        }
        if !comparisons.isEmpty {
            out.append("### Versions compared on the cases both scored")
            out.append("")
            table(["model", "older", "newer", "cases", "flag agreement", "mean score change", "precision older", "precision newer"],
                  comparisons.map { c in
                      [cell(c.model), cell(c.older), cell(c.newer), "\(c.both)", pct(c.flagAgreement),
                       num(c.meanScoreChange, 3), num(c.olderPrecision), num(c.newerPrecision)]
                  }, into: &out)
        }
    }
}

/// Fixed-point formatting without Foundation: `format(0.12345, places: 2)` is `0.12`.
public enum Fixed {
    public static func format(_ x: Double, places: Int) -> String {
        guard x.isFinite else { return "–" }
        guard abs(x) < 1e15, places >= 0, places <= 6 else { return String(x) }
        var scale = 1.0
        for _ in 0..<places { scale *= 10 }
        let r = (abs(x) * scale).rounded()
        let whole = Int64(r / scale), frac = Int64(r.truncatingRemainder(dividingBy: scale))
        var s = (x < 0 && r != 0 ? "-" : "") + String(whole)
        if places > 0 {
            let f = String(frac)
            s += "." + String(repeating: "0", count: places - f.count) + f
        }
        return s
    }
}
