import Foundation
import GRDB
import TriageCore
import TriageStore

/// The leads' dashboard: every figure is an aggregate computed by SQLite over an index (counts
/// and sums grouped in SQL), never a scan of rows in Swift; the derived figures (rates,
/// intervals, calibration error) are computed by ``Dashboard``'s types. One read transaction, so
/// the figures agree with each other.
extension SQLiteStore {
    public func dashboard(now: Timestamp) throws -> Dashboard {
        try guarded {
            try pool.read { db in
                let taxonomy = try Self.readTaxonomy(db)
                return Dashboard(generatedAt: now,
                                 queue: try Self.queueHealth(db, now: now, taxonomy: taxonomy),
                                 people: try Self.people(db, since: Self.windowStart(now)),
                                 projects: try Self.projectQuality(db, taxonomy: taxonomy),
                                 models: try Self.modelQuality(db, taxonomy: taxonomy),
                                 comparisons: try Self.versionComparisons(db, taxonomy: taxonomy))
            }
        }
    }

    static let day: Int64 = 86_400_000
    static let hour: Int64 = 3_600_000

    /// The first day of the window: UTC midnight ``Dashboard/days`` − 1 days before today's.
    static func windowStart(_ now: Timestamp) -> Timestamp {
        let today = now.milliseconds - ((now.milliseconds % day) + day) % day
        return Timestamp(milliseconds: today - Int64(Dashboard.days - 1) * day)
    }

    // MARK: Queue health

    static func queueHealth(_ db: Database, now: Timestamp, taxonomy: Taxonomy) throws -> QueueHealth {
        var counts: [String: [String: Int]] = [:]
        for r in try Row.fetchAll(db, sql: "SELECT policy, status, count(*) AS n FROM cases GROUP BY policy, status") {
            counts[r["policy"], default: [:]][r["status"]] = r["n"]
        }
        var claimed: [String: Int] = [:]
        for r in try Row.fetchAll(db, sql: """
            SELECT c.policy, count(*) AS n FROM assignment a JOIN cases c ON c.id = a.case_row
            WHERE a.lease_until > ? AND c.status = 'open' GROUP BY c.policy
            """, arguments: [now.milliseconds]) {
            claimed[r["policy"]] = r["n"]
        }
        // Open cases by age bucket: one range per bucket edge, each an index range (policy, status, flagged_at).
        let edges = PolicyHealth.ageBucketEdges.map { now.milliseconds - Int64($0 * 3_600_000) }
        var ages: [String: [Int]] = [:]
        let bucketSQL = "CASE " + edges.enumerated().map { "WHEN flagged_at > \($0.element) THEN \($0.offset)" }.joined(separator: " ")
            + " ELSE \(edges.count) END"
        for r in try Row.fetchAll(db, sql: """
            SELECT policy, \(bucketSQL) AS bucket, count(*) AS n FROM cases
            WHERE status = 'open' AND flagged_at IS NOT NULL GROUP BY policy, bucket
            """) {
            var a = ages[r["policy"]] ?? Array(repeating: 0, count: edges.count + 1)
            a[r["bucket"]] = r["n"]
            ages[r["policy"]] = a
        }
        let known = Set(taxonomy.policies.map(\.key))
        let keys = taxonomy.policies.map(\.key) + counts.keys.filter { !known.contains($0) }.sorted()
        var policies: [PolicyHealth] = []
        for key in keys {
            let sla = taxonomy.policy(key)?.slaHours ?? PolicyArea.defaultSLAHours
            let c = counts[key] ?? [:]
            guard !c.isEmpty else { continue }
            let breaches = try Int.fetchOne(db, sql: """
                SELECT count(*) FROM cases WHERE policy = ? AND status = 'open' AND flagged_at <= ?
                """, arguments: [key, now.milliseconds - Int64(sla * 3_600_000)]) ?? 0
            policies.append(PolicyHealth(policy: key, open: c["open"] ?? 0, claimed: claimed[key] ?? 0,
                                         decided: c["decided"] ?? 0, escalated: c["escalated"] ?? 0, slaHours: sla,
                                         breaches: breaches, ages: ages[key] ?? Array(repeating: 0, count: edges.count + 1)))
        }
        // Inflow (flagged) and outflow (decisions in the analyst queue) per UTC day.
        let start = windowStart(now).milliseconds
        var inflow: [Int64: Int] = [:], outflow: [Int64: Int] = [:]
        for r in try Row.fetchAll(db, sql: """
            SELECT flagged_at / ? AS d, count(*) AS n FROM cases
            WHERE status IN ('open', 'decided', 'escalated') AND flagged_at >= ? GROUP BY d
            """, arguments: [day, start]) {
            inflow[r["d"]] = r["n"]
        }
        for r in try Row.fetchAll(db, sql: """
            SELECT created_at / ? AS d, count(*) AS n FROM label_event
            WHERE created_at >= ? AND kind = 'label' AND project IS NULL GROUP BY d
            """, arguments: [day, start]) {
            outflow[r["d"]] = r["n"]
        }
        let days = (0..<Dashboard.days).map { i -> DayFlow in
            let d = start / day + Int64(i)
            return DayFlow(day: Timestamp(milliseconds: d * day), inflow: inflow[d] ?? 0, outflow: outflow[d] ?? 0)
        }
        let oldest = try Row.fetchAll(db, sql: """
            SELECT case_id, policy, merchant_name, flagged_at FROM cases
            WHERE status = 'open' AND flagged_at IS NOT NULL ORDER BY flagged_at, id LIMIT 10
            """).map { r in
            AgedCase(caseID: r["case_id"], policy: r["policy"], merchantName: r["merchant_name"],
                     flaggedAt: Timestamp(milliseconds: r["flagged_at"]))
        }
        return QueueHealth(policies: policies, days: days, oldest: oldest)
    }

    // MARK: People

    static func people(_ db: Database, since: Timestamp) throws -> [PersonActivity] {
        struct Tally { var labels = 0, undos = 0, hours = 0; var decisions: [String: Int] = [:] }
        var tally: [String: Tally] = [:]
        for r in try Row.fetchAll(db, sql: """
            SELECT analyst, kind, decision, count(*) AS n FROM label_event WHERE created_at >= ?
            GROUP BY analyst, kind, decision
            """, arguments: [since.milliseconds]) {
            let who: String = r["analyst"], kind: String = r["kind"], n: Int = r["n"]
            var t = tally[who] ?? Tally()
            if kind == LabelEventKind.undo.rawValue {
                t.undos += n
            } else if kind == LabelEventKind.label.rawValue {
                t.labels += n
                if let d: String = r["decision"] { t.decisions[d, default: 0] += n }
            }
            tally[who] = t
        }
        for r in try Row.fetchAll(db, sql: """
            SELECT analyst, count(DISTINCT created_at / ?) AS h FROM label_event
            WHERE created_at >= ? AND kind = 'label' GROUP BY analyst
            """, arguments: [hour, since.milliseconds]) {
            tally[r["analyst"], default: Tally()].hours = r["h"]
        }
        return try tally.keys.sorted().map { who in
            let t = tally[who]!
            let n = try Int.fetchOne(db, sql: """
                SELECT count(*) FROM label_event
                WHERE analyst = ? AND created_at >= ? AND kind = 'label' AND dwell_ms IS NOT NULL
                """, arguments: [who, since.milliseconds]) ?? 0
            let median: Int64? = n == 0 ? nil : try Int64.fetchOne(db, sql: """
                SELECT dwell_ms FROM label_event
                WHERE analyst = ? AND created_at >= ? AND kind = 'label' AND dwell_ms IS NOT NULL
                ORDER BY dwell_ms LIMIT 1 OFFSET ?
                """, arguments: [who, since.milliseconds, (n - 1) / 2])
            return PersonActivity(person: who, labels: t.labels, undos: t.undos, activeHours: t.hours,
                                  medianDwellMs: median, decisions: t.decisions)
        }
    }

    // MARK: Label quality

    static func projectQuality(_ db: Database, taxonomy: Taxonomy) throws -> [ProjectQuality] {
        try String.fetchAll(db, sql: "SELECT name FROM project ORDER BY name").map { name in
            ProjectQuality(project: name, report: AgreementReport.build(try projectLabels(db, name),
                                                                        categories: taxonomy.decisions.map(\.key)))
        }
    }

    // MARK: Model quality

    /// `outcome` of a decision key, as SQL over the decision table: 1 positive, 0 negative, NULL neither.
    static let outcomeSQL = "(SELECT CASE d.outcome WHEN 'positive' THEN 1 WHEN 'negative' THEN 0 END FROM decision d WHERE d.key = e.decision)"

    static func modelQuality(_ db: Database, taxonomy: Taxonomy) throws -> [ModelQuality] {
        var scored: [ModelVersion: Int] = [:]
        for r in try Row.fetchAll(db, sql: "SELECT model, version, count(*) AS n FROM score GROUP BY model, version") {
            scored[ModelVersion(model: r["model"], version: r["version"])] = r["n"]
        }
        struct Acc {
            var labelled = 0, positivesAbove = 0, negativesAbove = 0
            var above: [String: Int] = [:], below: [String: Int] = [:]
            var bins = (0..<10).map { CalibrationBin(lower: Double($0) / 10, count: 0, scoreSum: 0, positives: 0) }
            var squared = 0.0
            var histogram: [String: [Int]] = [:]
        }
        var acc: [ModelVersion: Acc] = [:]
        // Decided cases (their current label) per score row, grouped into 20 score bins.
        for r in try Row.fetchAll(db, sql: """
            SELECT s.model, s.version, e.decision, \(outcomeSQL) AS y,
                   s.score >= coalesce(s.threshold, 0.5) AS above,
                   min(19, CAST(s.score * 20 AS INTEGER)) AS bin,
                   count(*) AS n, sum(s.score) AS total, sum(s.score * s.score) AS squares
            FROM cases c INDEXED BY cases_by_current_label
            JOIN label_event e ON e.id = c.current_label
            JOIN score s ON s.case_row = c.id
            WHERE c.current_label IS NOT NULL AND e.decision IS NOT NULL
            GROUP BY s.model, s.version, e.decision, above, bin
            """) {
            let key = ModelVersion(model: r["model"], version: r["version"])
            let decision: String = r["decision"]
            let y: Int? = r["y"]
            let above: Bool = r["above"]
            let bin: Int = r["bin"], n: Int = r["n"]
            let total: Double = r["total"], squares: Double = r["squares"]
            var a = acc[key] ?? Acc()
            if above { a.above[decision, default: 0] += n } else { a.below[decision, default: 0] += n }
            var h = a.histogram[decision] ?? Array(repeating: 0, count: 20)
            h[bin] += n
            a.histogram[decision] = h
            if let y {
                a.labelled += n
                if above { if y == 1 { a.positivesAbove += n } else { a.negativesAbove += n } }
                a.bins[bin / 2].count += n
                a.bins[bin / 2].scoreSum += total
                a.bins[bin / 2].positives += y * n
                // Σ (s − y)² = Σ s² − 2y Σ s + y² n
                a.squared += squares - 2 * Double(y) * total + Double(y * y * n)
            }
            acc[key] = a
        }
        let recall = try recallEstimates(db, taxonomy: taxonomy)
        return scored.keys.sorted().map { key in
            let a = acc[key] ?? Acc()
            return ModelQuality(model: key.model, version: key.version, scored: scored[key] ?? 0, labelled: a.labelled,
                                decisionsAbove: a.above, decisionsBelow: a.below, positivesAbove: a.positivesAbove,
                                negativesAbove: a.negativesAbove, calibration: a.bins, squaredErrorSum: a.squared,
                                histogram: a.histogram, recall: recall[key])
        }
    }

    /// Recall per model version from the audit projects' final labels, each case weighted by
    /// 1/inclusion probability.
    static func recallEstimates(_ db: Database, taxonomy: Taxonomy) throws -> [ModelVersion: RecallEstimate] {
        var out: [ModelVersion: RecallEstimate] = [:]
        let audits = try String.fetchAll(db, sql: "SELECT name FROM project WHERE queue_policy = 'audit' ORDER BY name")
        for name in audits {
            let cases = ProjectAnalysis.consensus(try projectLabels(db, name), categories: taxonomy.decisions.map(\.key))
            var final: [String: (positive: Bool, weight: Double)] = [:]
            for c in cases {
                guard let p = c.inclusionProbability, let d = c.finalDecision, let o = taxonomy.decision(d)?.outcome else { continue }
                final[c.caseID] = (o == .positive, AuditSample.weight(inclusionProbability: p))
            }
            guard !final.isEmpty else { continue }
            for r in try Row.fetchAll(db, sql: """
                SELECT c.case_id, s.model, s.version, s.score >= coalesce(s.threshold, 0.5) AS flagged
                FROM project_case pc JOIN cases c ON c.id = pc.case_row JOIN score s ON s.case_row = pc.case_row
                WHERE pc.project = ?
                """, arguments: [name]) {
                guard let f = final[r["case_id"]] else { continue }
                let key = ModelVersion(model: r["model"], version: r["version"])
                var e = out[key] ?? RecallEstimate(flaggedPositiveWeight: 0, positiveWeight: 0, cases: 0)
                e.cases += 1
                if f.positive {
                    e.positiveWeight += f.weight
                    if r["flagged"] as Bool { e.flaggedPositiveWeight += f.weight }
                }
                out[key] = e
            }
        }
        return out
    }

    /// Every pair of versions of one model on the cases both scored; `older` is the version first
    /// imported (the lowest import batch).
    static func versionComparisons(_ db: Database, taxonomy: Taxonomy) throws -> [VersionComparison] {
        var firstBatch: [ModelVersion: Int64] = [:]
        for r in try Row.fetchAll(db, sql: "SELECT model, version, min(batch_id) AS b FROM score GROUP BY model, version") {
            firstBatch[ModelVersion(model: r["model"], version: r["version"])] = r["b"]
        }
        let flagA = "a.score >= coalesce(a.threshold, 0.5)", flagB = "b.score >= coalesce(b.threshold, 0.5)"
        return try Row.fetchAll(db, sql: """
            SELECT a.model, a.version AS va, b.version AS vb, count(*) AS n,
                   sum(\(flagA) AND \(flagB)) AS both_flag, sum(\(flagA) AND NOT \(flagB)) AS a_only,
                   sum(\(flagB) AND NOT \(flagA)) AS b_only, sum(b.score - a.score) AS diff,
                   sum(\(flagA) AND y = 1) AS a_pos, sum(\(flagA) AND y = 0) AS a_neg,
                   sum(\(flagB) AND y = 1) AS b_pos, sum(\(flagB) AND y = 0) AS b_neg
            FROM score a
            JOIN score b ON b.case_row = a.case_row AND b.model = a.model AND b.version > a.version
            LEFT JOIN (SELECT c.id AS case_row, \(outcomeSQL) AS y
                       FROM cases c INDEXED BY cases_by_current_label JOIN label_event e ON e.id = c.current_label
                       WHERE c.current_label IS NOT NULL) o ON o.case_row = a.case_row
            GROUP BY a.model, a.version, b.version
            ORDER BY a.model, a.version, b.version
            """).map { r in
            let model: String = r["model"], va: String = r["va"], vb: String = r["vb"]
            let aFirst = (firstBatch[ModelVersion(model: model, version: va)] ?? 0, va)
                <= (firstBatch[ModelVersion(model: model, version: vb)] ?? 0, vb)
            let n: Int = r["n"], both: Int = r["both_flag"] ?? 0, aOnly: Int = r["a_only"] ?? 0, bOnly: Int = r["b_only"] ?? 0
            let diff: Double = r["diff"] ?? 0
            let aPos: Int = r["a_pos"] ?? 0, aNeg: Int = r["a_neg"] ?? 0, bPos: Int = r["b_pos"] ?? 0, bNeg: Int = r["b_neg"] ?? 0
            return aFirst
                ? VersionComparison(model: model, older: va, newer: vb, both: n, flaggedByBoth: both, olderOnly: aOnly,
                                    newerOnly: bOnly, scoreDifferenceSum: diff, olderPositives: aPos, olderNegatives: aNeg,
                                    newerPositives: bPos, newerNegatives: bNeg)
                : VersionComparison(model: model, older: vb, newer: va, both: n, flaggedByBoth: both, olderOnly: bOnly,
                                    newerOnly: aOnly, scoreDifferenceSum: -diff, olderPositives: bPos, olderNegatives: bNeg,
                                    newerPositives: aPos, newerNegatives: aNeg)
        }
    }
}
