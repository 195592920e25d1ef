import Foundation
import PostgresNIO
import TriageCore
import TriageStore

/// The leads' dashboard on PostgreSQL: the same figures as SQLite's. Model quality, version
/// comparisons, the cases per policy area and the people figures come from trigger-kept
/// counters, as on SQLite (``PGSchema/aggregates``); the open and escalated cases, claims and
/// inflow are counted from the indexes of `cases` and `assignment`. Everything is read in one
/// REPEATABLE READ READ ONLY transaction (one snapshot, so the figures agree with each other).
/// The derived figures are computed by ``Dashboard``'s types.
extension PostgresStore {
    /// Queue health, people, model quality and version comparisons at `now`, from one snapshot;
    /// label quality is left pending (``Dashboard/labelQualityPending``).
    public func dashboardFigures(now: Timestamp) throws -> Dashboard {
        try snapshot { c in try dashboardFigures(c, now: now) }
    }

    /// The whole dashboard, label quality included, from one snapshot.
    public func dashboard(now: Timestamp) throws -> Dashboard {
        try snapshot { c in
            var d = try dashboardFigures(c, now: now)
            d.apply(try labelQuality(c))
            return d
        }
    }

    /// Runs `body` in a REPEATABLE READ READ ONLY transaction on `c`: every query in it sees the
    /// same committed state. With `snapshot` (from ``exportSnapshot(_:)``), the state another
    /// transaction sees.
    static func readOnlySnapshot<T>(_ c: PGConnection, importing snapshot: String? = nil, _ body: () throws -> T) throws -> T {
        try c.query("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY")
        do {
            if let snapshot {
                // SET takes no parameters; the id is the server's own (hex digits and dashes).
                guard snapshot.allSatisfy({ $0.isHexDigit || $0 == "-" }) else {
                    throw StoreError.storage("unexpected snapshot id from the server")
                }
                try c.query("SET TRANSACTION SNAPSHOT '\(snapshot)'")
            }
            let result = try body()
            try c.query("COMMIT")
            return result
        } catch {
            _ = try? c.query("ROLLBACK")
            throw error
        }
    }

    /// Everything but label quality, read in `c`'s transaction. The people figures are read at
    /// the same time on a second connection, in the same snapshot, when the pool has one to
    /// spare (``alongside(_:side:main:)``).
    func dashboardFigures(_ c: PGConnection, now: Timestamp) throws -> Dashboard {
        let since = Self.windowStart(now)
        let (figures, people) = try alongside(c, side: { try Self.people($0, since: since) }) {
            let taxonomy = try Self.readTaxonomy(c)
            return (try Self.queueHealth(c, now: now, taxonomy: taxonomy), try Self.modelQuality(c), try Self.versionComparisons(c))
        }
        var d = Dashboard(generatedAt: now, queue: figures.0, people: people, projects: [], models: figures.1, comparisons: figures.2)
        d.labelQualityPending = true
        return d
    }

    /// Runs `main` on `c` (in its transaction) and, meanwhile, `side` on a spare connection of the
    /// pool in the same snapshot (`pg_export_snapshot()`); one after the other on `c` when the
    /// pool has none to spare or the server is a hot standby (which cannot export a snapshot).
    func alongside<A, B: Sendable>(_ c: PGConnection, side: @escaping @Sendable (PGConnection) throws -> B,
                                   main: () throws -> A) throws -> (A, B) {
        try pool.withSpare { spare in
            guard let spare, let snapshot = try Self.exportSnapshot(c) else { return (try main(), try side(c)) }
            let outcome = SideOutcome<B>()
            let done = DispatchSemaphore(value: 0)
            // A thread of its own, not the cooperative pool: the caller may be one of its threads.
            Thread.detachNewThread {
                outcome.result = Result { try Self.readOnlySnapshot(spare, importing: snapshot) { try side(spare) } }
                done.signal()
            }
            let a: A
            do {
                a = try main()
            } catch {
                done.wait()
                throw error
            }
            done.wait()
            return (a, try outcome.result!.get())
        }
    }

    /// The id of `c`'s snapshot for another session to share; nil on a hot standby.
    static func exportSnapshot(_ c: PGConnection) throws -> String? {
        try c.query("SELECT CASE WHEN pg_is_in_recovery() THEN NULL ELSE pg_export_snapshot() END").first?.decode(String?.self) ?? nil
    }

    private static let day: Int64 = 86_400_000
    private static let hour: Int64 = 3_600_000

    /// The first day of the window: UTC midnight ``Dashboard/days`` − 1 days before today's.
    private static func windowStart(_ now: Timestamp) -> Timestamp {
        let today = now.milliseconds - ((now.milliseconds % day) + day) % day
        return Timestamp(milliseconds: today - Int64(Dashboard.days - 1) * day)
    }


    // MARK: Queue health

    private static func queueHealth(_ c: PGConnection, now: Timestamp, taxonomy: Taxonomy) throws -> QueueHealth {
        // Cases per (policy, status): each area's open and escalated cases (and the open ones by
        // age bucket) counted from its range of cases_by_policy_age, the decided ones as the
        // area's kept total (agg_policy_cases) less those: the decided cases are most of a
        // long-running queue, and counting them took a pass over every case.
        // Bucket 0 is younger than the first edge (or flagged in the future), the last is at or
        // beyond the last edge: the same split as SQLite's range counts.
        let edges = PolicyHealth.ageBucketEdges.map { now.milliseconds - Int64($0 * 3_600_000) }
        var args = PGArguments()
        var buckets: [String] = []
        for i in 0...edges.count {
            var conditions: [String] = []
            if i < edges.count { conditions.append("flagged_at > " + args.add(edges[i])) }
            if i > 0 { conditions.append("flagged_at <= " + args.add(edges[i - 1])) }
            buckets.append("count(*) FILTER (WHERE \(conditions.joined(separator: " AND ")))")
        }
        var counts: [String: [String: Int]] = [:]
        var ages: [String: [Int]] = [:]
        for r in try c.query("""
            SELECT p.policy, p.n, x.status, x.n, \((0...edges.count).map { "x.b\($0)" }.joined(separator: ", "))
            FROM agg_policy_cases p LEFT JOIN LATERAL (
                SELECT status, count(*) AS n, \(buckets.enumerated().map { "\($1) AS b\($0)" }.joined(separator: ", "))
                FROM cases WHERE policy = p.policy AND status IN ('open', 'escalated') GROUP BY status) x ON true
            WHERE p.n > 0
            """, args.binds) {
            let row = PGRowReader(r)
            let policy = try row.get(0, String.self)
            var n = try counts[policy] ?? ["decided": row.get(1, Int.self)]
            if let status = try row.get(2, String?.self) {
                let count = try row.get(3, Int.self)
                n[status] = count
                n["decided", default: 0] -= count
                if status == CaseStatus.open.rawValue {
                    ages[policy] = try (0...edges.count).map { try row.get($0 + 4, Int.self) }
                }
            }
            counts[policy] = n
        }
        var b = PostgresBindings()
        b.append(now.milliseconds)
        var claimed: [String: Int] = [:]
        for r in try c.query("""
            SELECT c.policy, count(*) FROM assignment a JOIN cases c ON c.id = a.case_row
            WHERE a.lease_until > $1 AND c.status = 'open' GROUP BY c.policy
            """, b) {
            let (policy, n) = try r.decode((String, Int).self)
            claimed[policy] = n
        }
        let known = Set(taxonomy.policies.map(\.key))
        let keys = taxonomy.policies.map(\.key) + counts.keys.filter { !known.contains($0) }.sorted()
        var policies: [PolicyHealth] = []
        for key in keys {
            let sla = taxonomy.policy(key)?.slaHours ?? PolicyArea.defaultSLAHours
            let n = counts[key] ?? [:]
            guard !n.isEmpty else { continue }
            var q = PostgresBindings()
            q.append(key)
            q.append(now.milliseconds - Int64(sla * 3_600_000))
            let breaches = try c.query("SELECT count(*) FROM cases WHERE policy = $1 AND status = 'open' AND flagged_at <= $2", q)
                .first?.decode(Int.self) ?? 0
            let open = n["open"] ?? 0
            policies.append(PolicyHealth(policy: key, open: open, claimed: claimed[key] ?? 0,
                                         decided: n["decided"] ?? 0, escalated: n["escalated"] ?? 0, slaHours: sla,
                                         breaches: breaches,
                                         ages: open > 0 ? ages[key] ?? Array(repeating: 0, count: edges.count + 1)
                                             : Array(repeating: 0, count: edges.count + 1)))
        }
        // Inflow (flagged) and outflow (labels in the analyst queue) per UTC day, from the
        // window's first day on (no upper bound, as SQLite's aggregates: later days are simply
        // not shown). Every status is listed so that a short flagged_at range can run on cases_by_age.
        let start = windowStart(now).milliseconds
        var w = PostgresBindings()
        w.append(start)
        var inflow: [Int64: Int] = [:], outflow: [Int64: Int] = [:]
        for r in try c.query("""
            SELECT flagged_at / 86400000, count(*) FROM cases
            WHERE status IN ('open', 'decided', 'escalated') AND flagged_at >= $1 GROUP BY 1
            """, w) {
            let (d, n) = try r.decode((Int64, Int).self)
            inflow[d] = n
        }
        var firstDay = PostgresBindings()
        firstDay.append(start / day)
        for r in try c.query("""
            SELECT day, sum(n)::bigint FROM agg_person_day WHERE day >= $1 AND kind = 'label' AND track = '' GROUP BY 1
            """, firstDay) {
            let (d, n) = try r.decode((Int64, Int).self)
            outflow[d] = n
        }
        let days = (0..<Dashboard.days).map { i -> DayFlow in
            let d = start / day + Int64(i)
            return DayFlow(day: Timestamp(milliseconds: d * day), inflow: inflow[d] ?? 0, outflow: outflow[d] ?? 0)
        }
        let oldest = try c.query("""
            SELECT case_id, policy, merchant_name, flagged_at FROM cases
            WHERE status = 'open' AND flagged_at IS NOT NULL ORDER BY flagged_at, id LIMIT 10
            """).map { r in
            let (caseID, policy, name, flagged) = try r.decode((String, String, String, Int64).self)
            return AgedCase(caseID: caseID, policy: policy, merchantName: name, flaggedAt: Timestamp(milliseconds: flagged))
        }
        return QueueHealth(policies: policies, days: days, oldest: oldest)
    }

    // MARK: People

    /// Everyone with a label event (any kind, any track) since `since`, from their counters
    /// (``PGSchema/aggregates``), as SQLite reads them.
    private static func people(_ c: PGConnection, since: Timestamp) throws -> [PersonActivity] {
        var tally = PeopleTally()
        var b = PostgresBindings()
        b.append(since.milliseconds / day)
        for r in try c.query("""
            SELECT analyst, kind, decision, sum(n)::bigint FROM agg_person_day WHERE day >= $1 GROUP BY 1, 2, 3
            """, b) {
            let (who, kind, decision, n) = try r.decode((String, String, String, Int).self)
            tally.addEvents(person: who, kind: kind, decision: decision, count: n)
        }
        var h = PostgresBindings()
        h.append(since.milliseconds / hour)
        for r in try c.query("SELECT analyst, count(*) FROM agg_person_hour WHERE hour >= $1 GROUP BY 1", h) {
            let (who, hours) = try r.decode((String, Int).self)
            tally.setActiveHours(person: who, hours: hours)
        }
        for r in try c.query("SELECT analyst, bucket, sum(n)::bigint FROM agg_dwell WHERE day >= $1 GROUP BY 1, 2", b) {
            let (who, bucket, n) = try r.decode((String, Int, Int).self)
            tally.addDwell(person: who, bucket: bucket, count: n)
        }
        return tally.activity
    }

    // MARK: Model quality

    /// Per model version: the cases it scored, and the decided cases (their current label in the
    /// analyst queue) by decision, side of the threshold and 20 score bins, from the counters the
    /// triggers keep (``PGSchema/aggregates``). Recall is left to label quality.
    private static func modelQuality(_ c: PGConnection) throws -> [ModelQuality] {
        var scored: [ModelVersion: Int] = [:]
        for r in try c.query("SELECT model, version, n FROM agg_model_version WHERE n > 0") {
            let (model, version, n) = try r.decode((String, String, Int).self)
            scored[ModelVersion(model: model, version: version)] = n
        }
        var tally = ModelQualityTally()
        for r in try c.query("""
            SELECT g.model, g.version, g.decision, CASE d.outcome WHEN 'positive' THEN 1 WHEN 'negative' THEN 0 END,
                   g.above, g.bin, g.n, g.score_sum, g.score_sq
            FROM agg_outcome_bin g LEFT JOIN decision d ON d.key = g.decision
            WHERE g.n > 0
            ORDER BY g.model COLLATE "C", g.version COLLATE "C", g.decision COLLATE "C", g.above, g.bin
            """) {
            let g = PGRowReader(r)
            let key = ModelVersion(model: try g.get(0), version: try g.get(1))
            let decision: String = try g.get(2)
            let y = try g.get(3, Int?.self)
            let above: Bool = try g.get(4)
            let bin = try g.get(5, Int.self), n = try g.get(6, Int.self)
            let total = try g.get(7, Double.self), squares = try g.get(8, Double.self)
            tally.add(key, decision: decision, y: y, above: above, bin: bin, n: n, total: total, squares: squares)
        }
        return tally.qualities(scored: scored)
    }

    /// Every pair of versions of one model on the cases both scored; `older` is the version first
    /// imported: the lowest import batch among its score rows, as SQLite's recount
    /// (`recomputeAggregates`) has it. SQLite's triggers keep the first batch even when a later
    /// import re-scores a row (which moves the row's `batch_id`), so the two differ only when a
    /// later import changed every score of a version. Versions are compared byte-wise
    /// (COLLATE "C"), as SQLite compares text, whatever the database's collation.
    private static func versionComparisons(_ c: PGConnection) throws -> [VersionComparison] {
        var firstBatch: [ModelVersion: Int64] = [:]
        for r in try c.query("SELECT model, version, first_batch FROM agg_model_version") {
            let (model, version, batch) = try r.decode((String, String, Int64).self)
            firstBatch[ModelVersion(model: model, version: version)] = batch
        }
        // Outcomes of the pairs' decided cases: a_flag/b_flag × positive/negative.
        var outcome: [String: (aPos: Int, aNeg: Int, bPos: Int, bNeg: Int)] = [:]
        for r in try c.query("""
            SELECT p.model, p.va, p.vb, p.a_flag, p.b_flag, d.outcome, sum(p.n)::bigint
            FROM agg_version_pair_decision p JOIN decision d ON d.key = p.decision
            WHERE d.outcome IS NOT NULL AND p.n > 0 GROUP BY 1, 2, 3, 4, 5, 6
            """) {
            let (model, va, vb, aFlag, bFlag, o, n) = try r.decode((String, String, String, Bool, Bool, String, Int).self)
            let key = "\(model)\u{0}\(va)\u{0}\(vb)"
            let positive = o == Outcome.positive.rawValue
            var t = outcome[key] ?? (0, 0, 0, 0)
            if aFlag { if positive { t.aPos += n } else { t.aNeg += n } }
            if bFlag { if positive { t.bPos += n } else { t.bNeg += n } }
            outcome[key] = t
        }
        return try c.query("""
            SELECT model, va, vb, n, both_flag, a_only, b_only, diff_sum
            FROM agg_version_pair WHERE n > 0
            ORDER BY model COLLATE "C", va COLLATE "C", vb COLLATE "C"
            """).map { r in
            let (model, va, vb, n, both, aOnly, bOnly, diff) = try r.decode((String, String, String, Int, Int, Int, Int, Double).self)
            let aFirst = (firstBatch[ModelVersion(model: model, version: va)] ?? 0, va)
                <= (firstBatch[ModelVersion(model: model, version: vb)] ?? 0, vb)
            let o = outcome["\(model)\u{0}\(va)\u{0}\(vb)"] ?? (0, 0, 0, 0)
            return aFirst
                ? VersionComparison(model: model, older: va, newer: vb, both: n, flaggedByBoth: both, olderOnly: aOnly,
                                    newerOnly: bOnly, scoreDifferenceSum: diff, olderPositives: o.aPos, olderNegatives: o.aNeg,
                                    newerPositives: o.bPos, newerNegatives: o.bNeg)
                : VersionComparison(model: model, older: vb, newer: va, both: n, flaggedByBoth: both, olderOnly: bOnly,
                                    newerOnly: aOnly, scoreDifferenceSum: -diff, olderPositives: o.bPos, olderNegatives: o.bNeg,
                                    newerPositives: o.aPos, newerNegatives: o.aNeg)
        }
    }
}

/// What the side of ``PostgresStore/alongside(_:side:main:)`` gave, handed from its thread to the
/// caller's (the semaphore orders the write before the read).
private final class SideOutcome<B>: @unchecked Sendable {
    var result: Result<B, any Error>?
}
