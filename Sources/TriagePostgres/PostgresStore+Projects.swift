import Foundation
import PostgresNIO
import TriageCore
import TriageFormats
import TriageStore

/// Labelling projects on PostgreSQL: the same tables and answers as on SQLite (`project`,
/// `project_case`, `project_claim`, `label_event.project`). Claims in a project are made one at a
/// time per project under a transaction-scoped advisory lock (labelers may not lock
/// `project_case` rows: they hold no UPDATE on it), so the overlap holds across processes and
/// hosts; labels hold the case's advisory lock (``recordLabel(_:)``), and the database keeps each
/// case's live-label count and ends the labeler's claim (`triage_label_applied`). Reads run in
/// one repeatable-read snapshot, as SQLite's read transactions do.
extension PostgresStore {
    /// A label event no later event supersedes (an undo or a correction), as a condition on `e`.
    static let liveEvent = "NOT EXISTS (SELECT 1 FROM label_event s WHERE s.supersedes = e.id)"

    /// Whether `me` has a live label on case `c` in project `p` (placeholders), as a condition.
    static func labelledBy(_ me: String, project p: String) -> String {
        """
        EXISTS (SELECT 1 FROM label_event e WHERE e.project = \(p) AND e.case_row = c.id AND e.analyst = \(me)
                AND e.kind = 'label' AND \(liveEvent))
        """
    }

    public func createProject(_ draft: ProjectDraft, actor: String) throws -> ProjectSummary {
        let p = draft.settings
        let problems = p.problems() + (draft.limit.map { $0 > 0 ? [] : ["limit must be at least 1 (got \($0))"] } ?? [])
        guard problems.isEmpty else { throw StoreError.refused("project '\(p.name)' refused: " + problems.joined(separator: "; ")) }
        let now = Timestamp.now()
        return try transaction { c in
            try Self.lockProject(c, p.name) // two leads creating the same name: the second is told it exists
            try Self.requireLead(c, actor, to: "create a labelling project")
            if try Self.readProject(c, p.name) != nil {
                throw StoreError.refused("a project named '\(p.name)' already exists (see `triage project list`)")
            }
            if let policy = p.policy, try Self.readTaxonomy(c).policy(policy) == nil {
                throw StoreError.refused("unknown policy area '\(policy)' (see `triage taxonomy show`)")
            }
            var b = PostgresBindings()
            b.append(p.name); b.append(p.policy); b.append(p.overlap); b.append(p.blind); b.append(p.goldRate)
            b.append(p.queuePolicy.rawValue); b.append(p.sampleRate); b.append(Int64(bitPattern: draft.seed)); b.append(actor)
            b.append(now.milliseconds)
            try c.query("""
                INSERT INTO project(name, policy, overlap, blind, gold_rate, queue_policy, sample_rate, seed, created_by, created_at)
                VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)
                """, b)
            var args = PGArguments()
            var conditions = ["c.gold_label IS NULL"]
            if let ids = draft.caseIDs {
                var w = PostgresBindings()
                w.append(ids)
                let unknown = try c.query("""
                    SELECT u.id FROM (SELECT DISTINCT unnest($1::text[]) AS id) u
                    WHERE NOT EXISTS (SELECT 1 FROM cases c WHERE c.case_id = u.id) ORDER BY u.id COLLATE "C" LIMIT 6
                    """, w).map { try $0.decode(String.self) }
                if !unknown.isEmpty {
                    throw StoreError.refused("no case with id " + unknown.prefix(5).map { "'\($0)'" }.joined(separator: ", ")
                                             + (unknown.count > 5 ? " and more" : "") + ": nothing created")
                }
                conditions.append("c.case_id = ANY(\(args.add(ids)))")
            }
            if let policy = p.policy { conditions.append("c.policy = " + args.add(policy)) }
            if let status = draft.status { conditions.append("c.status = " + args.add(status.rawValue)) }
            if p.queuePolicy == .audit, let rate = p.sampleRate {
                try Self.insertAuditSample(c, project: p.name, rate: rate, seed: draft.seed, limit: draft.limit,
                                           conditions: conditions, args: args)
            } else {
                let order: String
                switch p.queuePolicy {
                case .score: order = "c.score DESC, c.id"
                case .age: order = "c.flagged_at IS NULL, c.flagged_at, c.id"
                case .uncertainty, .audit: order = "c.margin, c.id"
                }
                let name = args.add(p.name)
                let sql = "INSERT INTO project_case(project, case_row, position)\n"
                    + "SELECT \(name), c.id, ROW_NUMBER() OVER (ORDER BY \(order)) FROM cases c" + Self.whereClause(conditions)
                    + "\nORDER BY \(order) LIMIT \(args.add(draft.limit.map(Int64.init)))"
                try c.query(sql, args.binds)
            }
            guard let created = try Self.readProject(c, p.name) else { throw StoreError.noProject(p.name) }
            let summary = try Self.summary(c, created)
            if summary.cases == 0 {
                throw StoreError.refused("no case matches project '\(p.name)': check --policy, --status and the sample rate (gold cases are never project cases)")
            }
            return summary
        }
    }

    /// An audit project's Poisson sample: each matching case in with probability `rate` (its
    /// draw, ``AuditSample/draw(caseID:seed:)``), served in draw order. The cases are read in
    /// keyset pages, so only the drawn ones are ever held.
    private static func insertAuditSample(_ c: PGConnection, project: String, rate: Double, seed: UInt64, limit: Int?,
                                          conditions: [String], args: PGArguments) throws {
        var drawn: [(draw: Double, row: Int64)] = []
        var last = Int64.min
        while true {
            var a = args
            let sql = "SELECT c.id, c.case_id FROM cases c" + whereClause(conditions + ["c.id > " + a.add(last)])
                + "\nORDER BY c.id LIMIT 5000"
            let rows = try c.query(sql, a.binds)
            for r in rows {
                let (id, caseID) = try r.decode((Int64, String).self)
                let d = AuditSample.draw(caseID: caseID, seed: seed)
                if d < rate { drawn.append((d, id)) }
                last = id
            }
            if rows.count < 5000 { break }
        }
        drawn.sort { ($0.draw, $0.row) < ($1.draw, $1.row) }
        let chosen = drawn.prefix(limit ?? Int.max).map(\.row)
        for start in stride(from: 0, to: chosen.count, by: 10_000) {
            var b = PostgresBindings()
            b.append(project); b.append(rate); b.append(Array(chosen[start..<min(start + 10_000, chosen.count)]))
            b.append(Int64(start))
            try c.query("""
                INSERT INTO project_case(project, case_row, position, inclusion_probability)
                SELECT $1, t.r, t.n + $4, $2 FROM unnest($3::bigint[]) WITH ORDINALITY AS t(r, n)
                """, b)
        }
    }

    public func projects() throws -> [ProjectSummary] {
        try snapshot { c in
            try c.query("SELECT \(Self.projectColumns) FROM project ORDER BY name COLLATE \"C\"").map(Self.project)
                .map { try Self.summary(c, $0) }
        }
    }

    public func project(named name: String) throws -> Project? {
        try pool.with { c in try Self.readProject(c, name) }
    }

    @discardableResult
    public func updateProject(_ name: String, _ change: ProjectChange, actor: String) throws -> Project {
        try transaction { c in
            try Self.requireLead(c, actor, to: "change a labelling project")
            var b = PostgresBindings()
            b.append(name)
            // The row's lock orders two leads' changes (leads may update projects).
            guard var p = try c.query("SELECT \(Self.projectColumns) FROM project WHERE name = $1 FOR UPDATE", b).first.map(Self.project) else {
                throw StoreError.noProject(name)
            }
            if let k = change.overlap { p.overlap = k }
            if let blind = change.blind { p.blind = blind }
            if let g = change.goldRate { p.goldRate = g }
            let problems = p.problems()
            guard problems.isEmpty else { throw StoreError.refused("project '\(name)' unchanged: " + problems.joined(separator: "; ")) }
            var u = PostgresBindings()
            u.append(p.overlap); u.append(p.blind); u.append(p.goldRate); u.append(name)
            try c.query("UPDATE project SET overlap = $1, blind = $2, gold_rate = $3 WHERE name = $4", u)
            return p
        }
    }

    // MARK: - Claims

    public func claimNext(inProject project: String, labeler: String, lease: TimeInterval, skipping: Set<String>) throws -> String? {
        try claimNext(inProject: project, labeler: labeler, lease: lease, skipping: skipping, now: .now())
    }

    /// ``claimNext(inProject:labeler:lease:skipping:)`` at a given time (tests pass a clock).
    func claimNext(inProject name: String, labeler: String, lease: TimeInterval, skipping: Set<String>,
                   now: Timestamp) throws -> String? {
        let until = try Lease.end(now, lease)
        return try transaction { c -> String? in
            guard let p = try Self.readProject(c, name) else { throw StoreError.noProject(name) }
            if let why = Role.refusal(person: labeler, holds: try Self.storedRole(c, labeler), actingAs: .labeler) {
                throw StoreError.notAllowed(why)
            }
            // One claim at a time per project, from any process: what the others hold is then
            // exactly what is committed (labels only lower what a case still needs).
            try Self.lockProject(c, name)
            var base = PGArguments()
            let pArg = base.add(name), me = base.add(labeler), at = base.add(now.milliseconds)
            let notSkipped = skipping.isEmpty ? "" : " AND c.case_id <> ALL(\(base.add(skipping.sorted())))"
            let mine = Self.labelledBy(me, project: pArg)
            // 1. A live claim of the labeler's own, on a case they have not labelled.
            var found = try c.query("""
                SELECT c.id, c.case_id FROM project_claim pc JOIN cases c ON c.id = pc.case_row
                WHERE pc.project = \(pArg) AND pc.labeler = \(me) AND pc.lease_until > \(at) AND NOT \(mine)\(notSkipped)
                ORDER BY pc.claimed_at, c.id LIMIT 1
                """, base.binds).first
            // 2. A gold case, at the project's gold rate.
            if found == nil, p.goldRate > 0 {
                var b = PostgresBindings()
                b.append(name); b.append(labeler)
                let served = try c.query("""
                    SELECT count(*) FROM label_event
                    WHERE project = $1 AND analyst = $2 AND kind = 'label' AND supersedes IS NULL
                    """, b).first?.decode(Int.self) ?? 0
                if GoldMix.servesGold(labeler: labeler, served: served, rate: p.goldRate) {
                    // Through the database's function: which cases are gold is not a labeler's
                    // to read.
                    // (It takes at most 50 skipped cases; a session that skipped more may be
                    // served a skipped gold case again.)
                    var a = PostgresBindings()
                    a.append(name); a.append(labeler); a.append(Array(skipping.sorted().prefix(50)))
                    found = try c.query("SELECT id, case_id FROM triage_next_gold_case($1, $2, $3)", a).first
                }
            }
            // 3. The project's next case that still needs labels, in serving order.
            if found == nil {
                var a = base
                let k = a.add(p.overlap)
                found = try c.query("""
                    SELECT c.id, c.case_id FROM project_case pc JOIN cases c ON c.id = pc.case_row
                    WHERE pc.project = \(pArg) AND pc.label_count < \(k)
                      AND pc.label_count + (SELECT count(*) FROM project_claim o
                                            WHERE o.project = \(pArg) AND o.case_row = pc.case_row
                                              AND o.labeler <> \(me) AND o.lease_until > \(at)) < \(k)
                      AND NOT \(mine)\(notSkipped)
                    ORDER BY pc.position LIMIT 1
                    """, a.binds).first
            }
            guard let found else { return nil }
            let (row, caseID) = try found.decode((Int64, String).self)
            try Self.takeProjectClaim(c, project: name, row: row, labeler: labeler, now: now, until: until)
            return caseID
        }
    }

    @discardableResult
    public func renewProjectClaim(project name: String, caseID: String, labeler: String, lease: TimeInterval) throws -> Bool {
        let now = Timestamp.now()
        let until = try Lease.end(now, lease)
        return try transaction { c in
            guard let p = try Self.readProject(c, name) else { throw StoreError.noProject(name) }
            let row = try Self.caseRow(c, caseID)
            try Self.lockProject(c, name)
            var b = PostgresBindings()
            b.append(name); b.append(labeler); b.append(row)
            let (count, mine) = try c.query("""
                SELECT (SELECT label_count FROM project_case WHERE project = $1 AND case_row = $3),
                       \(Self.labelledBy("$2", project: "$1"))
                FROM cases c WHERE c.id = $3
                """, b).first?.decode((Int?, Bool).self) ?? (nil, false)
            if mine || (count ?? 0) >= p.overlap { return false }
            try Self.takeProjectClaim(c, project: name, row: row, labeler: labeler, now: now, until: until)
            return true
        }
    }

    public func releaseProjectClaim(project: String, caseID: String, labeler: String) throws {
        try pool.with { c in
            var b = PostgresBindings()
            b.append(project); b.append(labeler); b.append(caseID)
            try c.query("""
                DELETE FROM project_claim WHERE project = $1 AND labeler = $2
                  AND case_row = (SELECT id FROM cases WHERE case_id = $3)
                """, b)
        }
    }

    /// Records (or extends) `labeler`'s claim on case `row` until `until`; a live claim keeps
    /// when it began, as on SQLite.
    private static func takeProjectClaim(_ c: PGConnection, project: String, row: Int64, labeler: String, now: Timestamp,
                                         until: Int64) throws {
        var b = PostgresBindings()
        b.append(project); b.append(row); b.append(labeler); b.append(now.milliseconds); b.append(until)
        try c.query("""
            INSERT INTO project_claim(project, case_row, labeler, claimed_at, lease_until) VALUES ($1, $2, $3, $4, $5)
            ON CONFLICT (project, case_row, labeler) DO UPDATE SET lease_until = excluded.lease_until
            """, b)
    }

    /// Waits for project `name`'s lock, held until the transaction ends (its own key space:
    /// two 32-bit keys, 7325 and the name's hash; other projects never wait on it).
    private static func lockProject(_ c: PGConnection, _ name: String) throws {
        var b = PostgresBindings()
        b.append(name)
        try c.query("SELECT pg_advisory_xact_lock(7325, hashtext($1))", b)
    }

    // MARK: - Labels and progress

    public func projectLabels(_ project: String) throws -> [ProjectLabel] {
        try snapshot { c in
            guard try Self.readProject(c, project) != nil else { throw StoreError.noProject(project) }
            return try Self.projectLabels(c, project)
        }
    }

    /// A project's live labels and adjudications, oldest first, read in keyset pages.
    static func projectLabels(_ c: PGConnection, _ project: String) throws -> [ProjectLabel] {
        var out: [ProjectLabel] = []
        var last: Int64 = 0
        while true {
            var b = PostgresBindings()
            b.append(project); b.append(last)
            let rows = try c.query("""
                SELECT e.id, e.kind, e.analyst, e.decision, e.reason_codes, e.note, e.blind, e.created_at,
                       e.queue_policy, e.inclusion_probability,
                       c.case_id, c.policy, c.gold_label, c.score, c.threshold
                FROM label_event e JOIN cases c ON c.id = e.case_row
                WHERE e.project = $1 AND e.kind IN ('label', 'adjudication') AND \(liveEvent) AND e.id > $2
                ORDER BY e.id LIMIT 2000
                """, b)
            for row in rows {
                let r = PGRowReader(row)
                let id: Int64 = try r.get(0)
                out.append(ProjectLabel(
                    eventID: id, caseID: try r.get(10), policy: try r.get(11), kind: LabelEventKind(rawValue: try r.get(1)) ?? .label,
                    person: try r.get(2), decision: try r.get(3, String?.self) ?? "",
                    reasonCodes: JSONText.decodeStrings(try r.get(4)) ?? [], note: try r.get(5), blind: try r.get(6),
                    createdAt: Timestamp(milliseconds: try r.get(7)), goldLabel: try r.get(12), score: try r.get(13),
                    threshold: try r.get(14), queuePolicy: try r.get(8), inclusionProbability: try r.get(9)))
                last = id
            }
            if rows.count < 2000 { return out }
        }
    }

    public func projectProgress(_ project: String, labeler: String) throws -> ProjectProgress {
        try snapshot { c in
            guard let p = try Self.readProject(c, project) else { throw StoreError.noProject(project) }
            var b = PostgresBindings()
            b.append(project); b.append(labeler); b.append(p.overlap)
            let (labelled, remaining) = try c.query("""
                SELECT (SELECT count(*) FROM label_event e
                        WHERE e.project = $1 AND e.analyst = $2 AND e.kind = 'label' AND \(Self.liveEvent)),
                       (SELECT count(*) FROM project_case pc JOIN cases c ON c.id = pc.case_row
                        WHERE pc.project = $1 AND pc.label_count < $3 AND NOT \(Self.labelledBy("$2", project: "$1")))
                """, b).first?.decode((Int, Int).self) ?? (0, 0)
            return ProjectProgress(labelled: labelled, remaining: remaining)
        }
    }

    // MARK: - Export

    @discardableResult
    public func exportProjectLabels(_ project: String, since: Timestamp?, _ body: (ExportRow) throws -> Void) throws -> Int {
        try snapshot { c in
            guard try Self.readProject(c, project) != nil else { throw StoreError.noProject(project) }
            let decode: @Sendable (String) -> [(name: String, value: FeatureValue)] = JSONText.decodeFeatures
            var n = try Self.exportWithdrawals(c, project: project, since: since, pageSize: 1000, body)
            var last: Int64 = 0
            while true {
                var b = PostgresBindings()
                b.append(project); b.append(since?.milliseconds); b.append(last)
                // One page of labels with their cases, then every score of the page's cases at once.
                let rows = try c.query("""
                    SELECT c.id, c.case_id, c.merchant_id, c.policy,
                           (SELECT f.features FROM feature_snapshot f WHERE f.case_row = c.id ORDER BY f.id DESC LIMIT 1),
                           e.id, e.kind, e.decision, e.reason_codes, e.note, e.analyst, e.os_user, e.role, e.created_at,
                           e.dwell_ms, e.blind, e.model_versions_seen, e.supersedes, e.queue_policy, e.inclusion_probability,
                           e.app_version, e.project
                    FROM label_event e JOIN cases c ON c.id = e.case_row
                    WHERE e.project = $1 AND e.kind IN ('label', 'adjudication') AND \(Self.liveEvent)
                      AND ($2::bigint IS NULL OR e.created_at >= $2) AND e.id > $3
                    ORDER BY e.id LIMIT 1000
                    """, b).map(PGRowReader.init)
                var caseRows: [Int64] = []
                for r in rows { caseRows.append(try r.get(0)) }
                var scores: [Int64: [ModelScore]] = [:]
                if !caseRows.isEmpty {
                    var s = PostgresBindings()
                    s.append(Array(Set(caseRows)))
                    for row in try c.query("""
                        SELECT case_row, model, version, score, threshold FROM score WHERE case_row = ANY($1) ORDER BY case_row, id
                        """, s) {
                        let (caseRow, model, version, score, threshold) = try row.decode((Int64, String, String, Double, Double?).self)
                        scores[caseRow, default: []].append(ModelScore(model: model, version: version, score: score, threshold: threshold))
                    }
                }
                for r in rows {
                    let caseID: String = try r.get(1)
                    let label = LabelEvent(
                        id: try r.get(5), caseID: caseID, kind: LabelEventKind(rawValue: try r.get(6)) ?? .label,
                        decision: try r.get(7), reasonCodes: JSONText.decodeStrings(try r.get(8)) ?? [], note: try r.get(9),
                        analyst: try r.get(10), osUser: try r.get(11), role: Role(rawValue: try r.get(12)) ?? .analyst,
                        createdAt: Timestamp(milliseconds: try r.get(13)), dwellMs: try r.get(14), blind: try r.get(15),
                        modelVersionsSeen: JSONText.decodeStrings(try r.get(16)) ?? [], supersedes: try r.get(17),
                        queuePolicy: try r.get(18), inclusionProbability: try r.get(19), appVersion: try r.get(20),
                        project: try r.get(21))
                    let caseScores = scores[try r.get(0, Int64.self)] ?? []
                    let weight = AuditSample.weight(inclusionProbability: label.inclusionProbability)
                    let merchantID: String? = try r.get(2), policy: String = try r.get(3)
                    if let features = try r.get(4, String?.self) {
                        try body(ExportRow(caseID: caseID, merchantID: merchantID, policy: policy, featuresJSON: features,
                                           decode: decode, scores: caseScores, label: label, samplingWeight: weight))
                    } else {
                        try body(ExportRow(caseID: caseID, merchantID: merchantID, policy: policy, features: [], scores: caseScores,
                                           label: label, samplingWeight: weight))
                    }
                    n += 1
                    last = label.id ?? last
                }
                if rows.count < 1000 { return n }
            }
        }
    }

    // MARK: - Label quality

    /// Each project's agreement report and, for an audit project, the recall its cases' final
    /// outcomes give each model version, from one snapshot; kept per project until its labels,
    /// the decisions or the imported cases change, as on SQLite (``LabelQualityCache``).
    public func labelQuality() throws -> LabelQuality {
        try snapshot { c in try labelQuality(c) }
    }

    /// Label quality as `c` sees it (``ProjectLabelAnalysis``), a project's analysis taken from
    /// the cache when its key is the one it was computed under.
    func labelQuality(_ c: PGConnection) throws -> LabelQuality {
        let taxonomy = try Self.readTaxonomy(c)
        let dependsOn = LabelQualityCache.dependsOn(
            lastImport: try c.query("SELECT coalesce(max(id), 0) FROM import_batch").first?.decode(Int64.self) ?? 0,
            taxonomy: taxonomy)
        var projects: [ProjectQuality] = []
        var recall: [ModelVersion: RecallEstimate] = [:]
        let all = try c.query("SELECT name, queue_policy FROM project ORDER BY name COLLATE \"C\"").map { try $0.decode((String, String).self) }
        for (name, queuePolicy) in all {
            let isAudit = queuePolicy == QueuePolicy.audit.rawValue
            var p = PostgresBindings()
            p.append(name)
            let (top, count) = try c.query("SELECT coalesce(max(id), 0), count(*) FROM label_event WHERE project = $1", p)
                .first?.decode((Int64, Int).self) ?? (Int64(0), 0)
            let analysis = try labelQualityCache.analysis(of: name, key: LabelQualityCache.key(top: top, count: count, dependsOn: dependsOn)) {
                ProjectLabelAnalysis(project: name, isAudit: isAudit, labels: try Self.projectLabels(c, name), taxonomy: taxonomy)
            }
            projects.append(analysis.quality)
            guard isAudit, !analysis.finals.isEmpty else { continue }
            for r in try c.query("""
                SELECT c.case_id, s.model, s.version, s.score >= coalesce(s.threshold, 0.5)
                FROM project_case pc JOIN cases c ON c.id = pc.case_row JOIN score s ON s.case_row = pc.case_row
                WHERE pc.project = $1
                """, p) {
                let (caseID, model, version, flagged) = try r.decode((String, String, String, Bool).self)
                analysis.addRecall(caseID: caseID, version: ModelVersion(model: model, version: version), flagged: flagged, into: &recall)
            }
        }
        return LabelQuality(projects: projects, recall: recall)
    }

    // MARK: - Helpers

    static let projectColumns = "name, policy, overlap, blind, gold_rate, queue_policy, sample_rate, created_by, created_at"

    static func readProject(_ c: PGConnection, _ name: String) throws -> Project? {
        var b = PostgresBindings()
        b.append(name)
        return try c.query("SELECT \(projectColumns) FROM project WHERE name = $1", b).first.map(project)
    }

    /// A project read with ``projectColumns``.
    static func project(_ row: PostgresRow) throws -> Project {
        let r = PGRowReader(row)
        return Project(name: try r.get(0), policy: try r.get(1), overlap: try r.get(2), blind: try r.get(3), goldRate: try r.get(4),
                       queuePolicy: QueuePolicy(rawValue: try r.get(5)) ?? .score, sampleRate: try r.get(6),
                       createdBy: try r.get(7), createdAt: Timestamp(milliseconds: try r.get(8)))
    }

    static func summary(_ c: PGConnection, _ p: Project) throws -> ProjectSummary {
        var b = PostgresBindings()
        b.append(p.name); b.append(p.overlap)
        // The label counts through the database's function: figures, which a labeler (who reads
        // only their own label events) may see too.
        let (cases, complete, labels, labelers, adjudicated) = try c.query("""
            SELECT (SELECT count(*) FROM project_case WHERE project = $1),
                   (SELECT count(*) FROM project_case WHERE project = $1 AND label_count >= $2),
                   n.labels, n.labelers, n.adjudicated
            FROM triage_project_counts($1) n
            """, b).first?.decode((Int, Int, Int, Int, Int).self) ?? (0, 0, 0, 0, 0)
        return ProjectSummary(project: p, cases: cases, complete: complete, labels: labels, labelers: labelers, adjudicated: adjudicated)
    }

    /// Runs `body` in one read-only repeatable-read transaction: every query sees the same
    /// committed state, as in one of SQLite's read transactions.
    func snapshot<T>(_ body: (PGConnection) throws -> T) throws -> T {
        try pool.with { c in try Self.readOnlySnapshot(c) { try body(c) } }
    }
}
