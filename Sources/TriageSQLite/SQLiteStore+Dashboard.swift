import Foundation
import GRDB
import TriageCore
import TriageStore

/// The leads' dashboard: queue, people and model figures come from the trigger-kept `agg_*`
/// tables and index range counts, never from a scan of every case (``dashboardFigures(now:)``);
/// label quality is computed from each project's live labels (one consensus per project, shared
/// by the agreement report and the audit recall) and kept until they change (``labelQuality()``).
/// The derived figures (rates, intervals, calibration error) are computed by ``Dashboard``'s
/// types. ``dashboard(now:)`` reads both in one read transaction, so the figures agree.
extension SQLiteStore {
    public func dashboard(now: Timestamp) throws -> Dashboard {
        try guarded {
            try pool.read { db in
                var d = try Self.figures(db, now: now)
                d.apply(try labelQuality(db))
                return d
            }
        }
    }

    public func dashboardFigures(now: Timestamp) throws -> Dashboard {
        try guarded { try pool.read { db in try Self.figures(db, now: now) } }
    }

    public func labelQuality() throws -> LabelQuality {
        try guarded { try pool.read { db in try labelQuality(db) } }
    }

    /// Everything but label quality: from the `agg_*` tables and index range counts.
    static func figures(_ db: Database, now: Timestamp) throws -> Dashboard {
        let taxonomy = try readTaxonomy(db)
        var d = Dashboard(generatedAt: now, queue: try queueHealth(db, now: now, taxonomy: taxonomy),
                          people: try people(db, since: windowStart(now)), projects: [],
                          models: try modelQuality(db), comparisons: try versionComparisons(db, taxonomy: taxonomy))
        d.labelQualityPending = true
        return d
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
        for r in try Row.fetchAll(db, sql: "SELECT policy, status, n FROM agg_policy_status WHERE n > 0") {
            counts[try r.checked("policy"), default: [:]][try r.checked("status")] = try r.checked("n")
        }
        var claimed: [String: Int] = [:]
        for r in try Row.fetchAll(db, sql: """
            SELECT c.policy, count(*) AS n FROM assignment a JOIN cases c ON c.id = a.case_row
            WHERE a.lease_until > ? AND c.status = 'open' GROUP BY c.policy
            """, arguments: [now.milliseconds]) {
            claimed[try r.checked("policy")] = try r.checked("n")
        }
        // Open cases by age bucket: per policy area, one index range count per bucket edge
        // (cases_by_policy_age is (policy, status, flagged_at)), never a scan of every case.
        let edges = PolicyHealth.ageBucketEdges.map { now.milliseconds - Int64($0 * 3_600_000) }
        let policyKeys = Array(counts.keys)
        var ages: [String: [Int]] = [:]
        let countOlder = try db.cachedStatement(sql: """
            SELECT count(*) FROM cases WHERE policy = ? AND status = 'open' AND flagged_at IS NOT NULL AND flagged_at <= ?
            """)
        for key in policyKeys where (counts[key]?["open"] ?? 0) > 0 {
            // older[i]: open cases flagged at or before edge i (i.e. at least that old); older[0] counts every dated one.
            var older = [try Int.fetchOne(countOlder, arguments: [key, Int64.max]) ?? 0]
            for edge in edges { older.append(try Int.fetchOne(countOlder, arguments: [key, edge]) ?? 0) }
            ages[key] = (0...edges.count).map { i in older[i] - (i + 1 < older.count ? older[i + 1] : 0) }
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
        for r in try Row.fetchAll(db, sql: "SELECT day AS d, n FROM agg_flag_day WHERE day >= ?", arguments: [start / day]) {
            inflow[try r.checked("d")] = try r.checked("n")
        }
        for r in try Row.fetchAll(db, sql: """
            SELECT day AS d, sum(n) AS n FROM agg_person_day
            WHERE day >= ? AND kind = 'label' AND track = '' GROUP BY day
            """, arguments: [start / day]) {
            outflow[try r.checked("d")] = try r.checked("n")
        }
        let days = (0..<Dashboard.days).map { i -> DayFlow in
            let d = start / day + Int64(i)
            return DayFlow(day: Timestamp(milliseconds: d * day), inflow: inflow[d] ?? 0, outflow: outflow[d] ?? 0)
        }
        let oldest = try Row.fetchAll(db, sql: """
            SELECT case_id, policy, merchant_name, flagged_at FROM cases
            WHERE status = 'open' AND flagged_at IS NOT NULL ORDER BY flagged_at, id LIMIT 10
            """).map { r in
            AgedCase(caseID: try r.checked("case_id"), policy: try r.checked("policy"), merchantName: try r.checked("merchant_name"),
                     flaggedAt: Timestamp(milliseconds: try r.checked("flagged_at")))
        }
        return QueueHealth(policies: policies, days: days, oldest: oldest)
    }

    // MARK: People

    static func people(_ db: Database, since: Timestamp) throws -> [PersonActivity] {
        var tally = PeopleTally()
        let firstDay = since.milliseconds / day
        for r in try Row.fetchAll(db, sql: """
            SELECT analyst, kind, decision, sum(n) AS n FROM agg_person_day WHERE day >= ? GROUP BY analyst, kind, decision
            """, arguments: [firstDay]) {
            tally.addEvents(person: try r.checked("analyst"), kind: try r.checked("kind"), decision: try r.checked("decision"), count: try r.checked("n"))
        }
        for r in try Row.fetchAll(db, sql: """
            SELECT analyst, count(*) AS h FROM agg_person_hour WHERE hour >= ? GROUP BY analyst
            """, arguments: [since.milliseconds / hour]) {
            tally.setActiveHours(person: try r.checked("analyst"), hours: try r.checked("h"))
        }
        for r in try Row.fetchAll(db, sql: """
            SELECT analyst, bucket, sum(n) AS n FROM agg_dwell WHERE day >= ? GROUP BY analyst, bucket
            """, arguments: [firstDay]) {
            tally.addDwell(person: try r.checked("analyst"), bucket: try r.checked("bucket"), count: try r.checked("n"))
        }
        return tally.activity
    }

    // MARK: Label quality

    /// Each project's agreement report and (for an audit project) its cases' final outcomes,
    /// from the cache while the project's labels, the taxonomy and the imported cases are as they
    /// were; computed again (every live label, their consensus) when one of them changed.
    func labelQuality(_ db: Database) throws -> LabelQuality {
        let taxonomy = try Self.readTaxonomy(db)
        let dependsOn = LabelQualityCache.dependsOn(
            lastImport: try Int64.fetchOne(db, sql: "SELECT coalesce(max(id), 0) FROM import_batch") ?? 0, taxonomy: taxonomy)
        var projects: [ProjectQuality] = []
        var recall: [ModelVersion: RecallEstimate] = [:]
        for r in try Row.fetchAll(db, sql: "SELECT name, queue_policy FROM project ORDER BY name") {
            let name: String = try r.checked("name")
            let isAudit = try r.checked("queue_policy") == QueuePolicy.audit.rawValue
            let mark = try Row.fetchOne(db, sql: """
                SELECT coalesce(max(id), 0) AS top, count(*) AS n FROM label_event WHERE project = ?
                """, arguments: [name])
            let key = LabelQualityCache.key(top: try mark?.checked("top") ?? 0, count: try mark?.checked("n") ?? 0, dependsOn: dependsOn)
            let analysis = try labelQualityCache.analysis(of: name, key: key) {
                ProjectLabelAnalysis(project: name, isAudit: isAudit, labels: try Self.projectLabels(db, name), taxonomy: taxonomy)
            }
            projects.append(analysis.quality)
            if isAudit { try Self.addRecall(db, project: name, analysis, into: &recall) }
        }
        return LabelQuality(projects: projects, recall: recall)
    }

    // MARK: Model quality

    /// Per model version, from the kept aggregates; recall (which needs the audit projects'
    /// consensus) is left to ``labelQuality(_:)``.
    static func modelQuality(_ db: Database) throws -> [ModelQuality] {
        var scored: [ModelVersion: Int] = [:]
        for r in try Row.fetchAll(db, sql: "SELECT model, version, n FROM agg_model_version WHERE n > 0") {
            scored[ModelVersion(model: try r.checked("model"), version: try r.checked("version"))] = try r.checked("n")
        }
        var tally = ModelQualityTally()
        // Decided cases (their current label) per score row, grouped into 20 score bins.
        for r in try Row.fetchAll(db, sql: """
            SELECT g.model, g.version, g.decision,
                   (SELECT CASE d.outcome WHEN 'positive' THEN 1 WHEN 'negative' THEN 0 END FROM decision d WHERE d.key = g.decision) AS y,
                   g.above, g.bin, g.n, g.score_sum AS total, g.score_sq AS squares
            FROM agg_outcome_bin g WHERE g.n > 0
            """) {
            let key = ModelVersion(model: try r.checked("model"), version: try r.checked("version"))
            let decision: String = try r.checked("decision")
            let y: Int? = try r.checked("y")
            let above: Bool = try r.checked("above")
            let bin: Int = try r.checked("bin"), n: Int = try r.checked("n")
            let total: Double = try r.checked("total"), squares: Double = try r.checked("squares")
            tally.add(key, decision: decision, y: y, above: above, bin: bin, n: n, total: total, squares: squares)
        }
        return tally.qualities(scored: scored)
    }

    /// Adds an audit project's cases to the recall per model version
    /// (``ProjectLabelAnalysis/addRecall(caseID:version:flagged:into:)``).
    static func addRecall(_ db: Database, project: String, _ analysis: ProjectLabelAnalysis,
                          into out: inout [ModelVersion: RecallEstimate]) throws {
        guard !analysis.finals.isEmpty else { return }
        for r in try Row.fetchAll(db, sql: """
            SELECT c.case_id, s.model, s.version, s.score >= coalesce(s.threshold, 0.5) AS flagged
            FROM project_case pc JOIN cases c ON c.id = pc.case_row JOIN score s ON s.case_row = pc.case_row
            WHERE pc.project = ?
            """, arguments: [project]) {
            analysis.addRecall(caseID: try r.checked("case_id"), version: ModelVersion(model: try r.checked("model"), version: try r.checked("version")),
                               flagged: try r.checked("flagged"), into: &out)
        }
    }

    /// Every pair of versions of one model on the cases both scored; `older` is the version first
    /// imported (the lowest import batch).
    static func versionComparisons(_ db: Database, taxonomy: Taxonomy) throws -> [VersionComparison] {
        var firstBatch: [ModelVersion: Int64] = [:]
        for r in try Row.fetchAll(db, sql: "SELECT model, version, first_batch AS b FROM agg_model_version") {
            firstBatch[ModelVersion(model: try r.checked("model"), version: try r.checked("version"))] = try r.checked("b")
        }
        // Outcomes of the pairs' decided cases: a_flag/b_flag × positive/negative.
        var outcome: [String: (aPos: Int, aNeg: Int, bPos: Int, bNeg: Int)] = [:]
        for r in try Row.fetchAll(db, sql: """
            SELECT p.model, p.va, p.vb, p.a_flag, p.b_flag, d.outcome, sum(p.n) AS n
            FROM agg_version_pair_decision p JOIN decision d ON d.key = p.decision
            WHERE d.outcome IS NOT NULL AND p.n > 0 GROUP BY 1, 2, 3, 4, 5, 6
            """) {
            let key = "\(try r.checked("model") as String)\u{0}\(try r.checked("va") as String)\u{0}\(try r.checked("vb") as String)"
            let positive = (try r.checked("outcome") as String) == Outcome.positive.rawValue
            let aFlag: Bool = try r.checked("a_flag"), bFlag: Bool = try r.checked("b_flag"), n: Int = try r.checked("n")
            var o = outcome[key] ?? (0, 0, 0, 0)
            if aFlag { if positive { o.aPos += n } else { o.aNeg += n } }
            if bFlag { if positive { o.bPos += n } else { o.bNeg += n } }
            outcome[key] = o
        }
        return try Row.fetchAll(db, sql: """
            SELECT model, va, vb, n, both_flag, a_only, b_only, diff_sum AS diff
            FROM agg_version_pair WHERE n > 0 ORDER BY model, va, vb
            """).map { r in
            let model: String = try r.checked("model"), va: String = try r.checked("va"), vb: String = try r.checked("vb")
            let aFirst = (firstBatch[ModelVersion(model: model, version: va)] ?? 0, va)
                <= (firstBatch[ModelVersion(model: model, version: vb)] ?? 0, vb)
            let n: Int = try r.checked("n"), both: Int = try r.checked("both_flag") ?? 0, aOnly: Int = try r.checked("a_only") ?? 0, bOnly: Int = try r.checked("b_only") ?? 0
            let diff: Double = try r.checked("diff") ?? 0
            let o = outcome["\(model)\u{0}\(va)\u{0}\(vb)"] ?? (0, 0, 0, 0)
            let aPos = o.aPos, aNeg = o.aNeg, bPos = o.bPos, bNeg = o.bNeg
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
