import Foundation
import GRDB
import TriageCore
import TriageFormats
import TriageStore

/// Labelling projects: their cases (`project_case`), the overlap claims that serve them
/// (`project_claim`), and their labels (`label_event.project`).
extension SQLiteStore {
    /// A label event no later event supersedes (an undo or a correction), as a condition on `e`.
    static let liveEvent = "NOT EXISTS (SELECT 1 FROM label_event s WHERE s.supersedes = e.id)"

    /// Whether `:me` has a live label on case `c` in project `:p`, as a condition.
    static let labelledByMe = """
        EXISTS (SELECT 1 FROM label_event e WHERE e.project = :p AND e.case_row = c.id AND e.analyst = :me
                AND e.kind = 'label' AND NOT EXISTS (SELECT 1 FROM label_event s WHERE s.supersedes = e.id))
        """

    public func createProject(_ draft: ProjectDraft, actor: String) throws -> ProjectSummary {
        let p = draft.settings
        let problems = p.problems() + (draft.limit.map { $0 > 0 ? [] : ["limit must be at least 1 (got \($0))"] } ?? [])
        guard problems.isEmpty else { throw StoreError.refused("project '\(p.name)' refused: " + problems.joined(separator: "; ")) }
        let now = Timestamp.now()
        return try guarded {
            try write { db in
                try Self.requireLead(db, actor, to: "create a labelling project")
                if try Self.readProject(db, p.name) != nil {
                    throw StoreError.refused("a project named '\(p.name)' already exists (see `triage project list`)")
                }
                if let policy = p.policy, try Self.readTaxonomy(db).policy(policy) == nil {
                    throw StoreError.refused("unknown policy area '\(policy)' (see `triage taxonomy show`)")
                }
                try db.execute(sql: """
                    INSERT INTO project(name, policy, overlap, blind, gold_rate, queue_policy, sample_rate, seed, created_by, created_at)
                    VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                    """, arguments: [p.name, p.policy, p.overlap, p.blind, p.goldRate, p.queuePolicy.rawValue, p.sampleRate,
                                     Int64(bitPattern: draft.seed), actor, now.milliseconds])
                var conditions = ["c.gold_label IS NULL"]
                var args: [any DatabaseValueConvertible] = []
                if let ids = draft.caseIDs {
                    try db.execute(sql: "DROP TABLE IF EXISTS temp.project_wanted; CREATE TEMP TABLE project_wanted(case_id TEXT PRIMARY KEY)")
                    let insert = try db.makeStatement(sql: "INSERT OR IGNORE INTO temp.project_wanted(case_id) VALUES (?)")
                    for id in ids { try insert.execute(arguments: [id]) }
                    let unknown = try String.fetchAll(db, sql: """
                        SELECT case_id FROM temp.project_wanted WHERE case_id NOT IN (SELECT case_id FROM cases) ORDER BY case_id LIMIT 6
                        """)
                    if !unknown.isEmpty {
                        throw StoreError.refused("no case with id " + unknown.prefix(5).map { "'\($0)'" }.joined(separator: ", ")
                                                 + (unknown.count > 5 ? " and more" : "") + ": nothing created")
                    }
                    conditions.append("c.case_id IN (SELECT case_id FROM temp.project_wanted)")
                }
                defer { if draft.caseIDs != nil { try? db.execute(sql: "DROP TABLE IF EXISTS temp.project_wanted") } }
                if let policy = p.policy { conditions.append("c.policy = ?"); args.append(policy) }
                if let status = draft.status { conditions.append("c.status = ?"); args.append(status.rawValue) }
                let whereSQL = " WHERE " + conditions.joined(separator: " AND ")
                if p.queuePolicy == .audit, let rate = p.sampleRate {
                    // Poisson sample: each case in with probability `rate`, served in draw order.
                    var drawn: [(draw: Double, row: Int64)] = []
                    let rows = try Row.fetchCursor(db, sql: "SELECT c.id, c.case_id FROM cases c" + whereSQL,
                                                   arguments: StatementArguments(args))
                    while let r = try rows.next() {
                        let d = AuditSample.draw(caseID: try r.checked("case_id"), seed: draft.seed)
                        if d < rate { drawn.append((d, try r.checked("id"))) }
                    }
                    drawn.sort { ($0.draw, $0.row) < ($1.draw, $1.row) }
                    let insert = try db.makeStatement(sql:
                        "INSERT INTO project_case(project, case_row, position, inclusion_probability) VALUES (?, ?, ?, ?)")
                    for (i, d) in drawn.prefix(draft.limit ?? Int.max).enumerated() {
                        try insert.execute(arguments: [p.name, d.row, i + 1, rate])
                    }
                } else {
                    let order: String
                    switch p.queuePolicy {
                    case .score: order = "c.score DESC, c.id"
                    case .age: order = "c.flagged_at IS NULL, c.flagged_at, c.id"
                    case .uncertainty, .audit: order = "c.margin, c.id"
                    }
                    try db.execute(sql: """
                        INSERT INTO project_case(project, case_row, position)
                        SELECT ?, c.id, ROW_NUMBER() OVER (ORDER BY \(order)) FROM cases c\(whereSQL)
                        ORDER BY \(order) LIMIT ?
                        """, arguments: StatementArguments([p.name] + args + [draft.limit ?? -1]))
                }
                let summary = try Self.summary(db, try Self.readProject(db, p.name)!)
                if summary.cases == 0 {
                    throw StoreError.refused("no case matches project '\(p.name)': check --policy, --status and the sample rate (gold cases are never project cases)")
                }
                return summary
            }
        }
    }

    public func projects() throws -> [ProjectSummary] {
        try guarded {
            try pool.read { db in
                try Row.fetchAll(db, sql: "SELECT * FROM project ORDER BY name").map { try Self.summary(db, Self.project($0)) }
            }
        }
    }

    public func project(named name: String) throws -> Project? {
        try guarded { try pool.read { db in try Self.readProject(db, name) } }
    }

    @discardableResult
    public func updateProject(_ name: String, _ change: ProjectChange, actor: String) throws -> Project {
        try guarded {
            try write { db in
                try Self.requireLead(db, actor, to: "change a labelling project")
                guard var p = try Self.readProject(db, name) else { throw Self.noProject(name) }
                if let k = change.overlap { p.overlap = k }
                if let b = change.blind { p.blind = b }
                if let g = change.goldRate { p.goldRate = g }
                let problems = p.problems()
                guard problems.isEmpty else { throw StoreError.refused("project '\(name)' unchanged: " + problems.joined(separator: "; ")) }
                try db.execute(sql: "UPDATE project SET overlap = ?, blind = ?, gold_rate = ? WHERE name = ?",
                               arguments: [p.overlap, p.blind, p.goldRate, name])
                return p
            }
        }
    }

    public func claimNext(inProject project: String, labeler: String, lease: TimeInterval, skipping: Set<String>) throws -> String? {
        try claimNext(inProject: project, labeler: labeler, lease: lease, skipping: skipping, now: .now())
    }

    /// ``claimNext(inProject:labeler:lease:skipping:)`` at a given time (tests pass a clock).
    func claimNext(inProject name: String, labeler: String, lease: TimeInterval, skipping: Set<String>,
                   now: Timestamp) throws -> String? {
        let until = try Self.leaseEnd(now, lease)
        let skipped = skipping.sorted()
        let notSkipped = skipped.isEmpty ? ""
            : " AND c.case_id NOT IN (" + skipped.indices.map { ":skip\($0)" }.joined(separator: ", ") + ")"
        func args(_ named: [String: (any DatabaseValueConvertible)?]) -> StatementArguments {
            var all = named
            for (i, id) in skipped.enumerated() { all["skip\(i)"] = id }
            return StatementArguments(all)
        }
        return try guarded {
            try write { db -> String? in
                guard let p = try Self.readProject(db, name) else { throw Self.noProject(name) }
                try Self.requireRole(db, labeler, .labeler)
                let base: [String: (any DatabaseValueConvertible)?] = ["p": name, "me": labeler, "now": now.milliseconds]
                // 1. A live claim of the labeler's own, on a case they have not labelled.
                var found = try Row.fetchOne(db, sql: """
                    SELECT c.id, c.case_id FROM project_claim pc JOIN cases c ON c.id = pc.case_row
                    WHERE pc.project = :p AND pc.labeler = :me AND pc.lease_until > :now AND NOT \(Self.labelledByMe)\(notSkipped)
                    ORDER BY pc.claimed_at, c.id LIMIT 1
                    """, arguments: args(base))
                // 2. A gold case, at the project's gold rate.
                if found == nil, p.goldRate > 0 {
                    let served = try Int.fetchOne(db, sql: """
                        SELECT count(*) FROM label_event
                        WHERE project = ? AND analyst = ? AND kind = 'label' AND supersedes IS NULL
                        """, arguments: [name, labeler]) ?? 0
                    if GoldMix.servesGold(labeler: labeler, served: served, rate: p.goldRate) {
                        var named = base
                        named.updateValue(p.policy, forKey: "policy") // (a nil subscript assignment would drop the key)
                        found = try Row.fetchOne(db, sql: """
                            SELECT c.id, c.case_id FROM cases c INDEXED BY cases_gold
                            WHERE c.gold_label IS NOT NULL AND (:policy IS NULL OR c.policy = :policy)
                              AND NOT \(Self.labelledByMe)\(notSkipped)
                            ORDER BY c.id LIMIT 1
                            """, arguments: args(named))
                    }
                }
                // 3. The project's next case that still needs labels, in serving order.
                if found == nil {
                    var named = base
                    named["k"] = p.overlap
                    found = try Row.fetchOne(db, sql: """
                        SELECT c.id, c.case_id FROM project_case pc JOIN cases c ON c.id = pc.case_row
                        WHERE pc.project = :p AND pc.label_count < :k
                          AND pc.label_count + (SELECT count(*) FROM project_claim o
                                                WHERE o.project = :p AND o.case_row = pc.case_row
                                                  AND o.labeler <> :me AND o.lease_until > :now) < :k
                          AND NOT \(Self.labelledByMe)\(notSkipped)
                        ORDER BY pc.position LIMIT 1
                        """, arguments: args(named))
                }
                guard let found else { return nil }
                try db.execute(sql: """
                    INSERT INTO project_claim(project, case_row, labeler, claimed_at, lease_until) VALUES (?, ?, ?, ?, ?)
                    ON CONFLICT(project, case_row, labeler) DO UPDATE SET lease_until = excluded.lease_until
                    """, arguments: [name, found["id"] as Int64, labeler, now.milliseconds, until])
                return try found.checked("case_id")
            }
        }
    }

    @discardableResult
    public func renewProjectClaim(project name: String, caseID: String, labeler: String, lease: TimeInterval) throws -> Bool {
        let now = Timestamp.now()
        let until = try Self.leaseEnd(now, lease)
        return try guarded {
            try write { db in
                guard let p = try Self.readProject(db, name) else { throw Self.noProject(name) }
                guard let row = try Int64.fetchOne(db, sql: "SELECT id FROM cases WHERE case_id = ?", arguments: [caseID]) else {
                    throw StoreError.caseNotFound(caseID)
                }
                let count = try Int.fetchOne(db, sql: "SELECT label_count FROM project_case WHERE project = ? AND case_row = ?",
                                             arguments: [name, row])
                let mine = try Bool.fetchOne(db, sql: "SELECT \(Self.labelledByMe) FROM cases c WHERE c.id = :row",
                                             arguments: ["p": name, "me": labeler, "row": row]) ?? false
                if mine || (count ?? 0) >= p.overlap { return false }
                try db.execute(sql: """
                    INSERT INTO project_claim(project, case_row, labeler, claimed_at, lease_until) VALUES (?, ?, ?, ?, ?)
                    ON CONFLICT(project, case_row, labeler) DO UPDATE SET lease_until = excluded.lease_until
                    """, arguments: [name, row, labeler, now.milliseconds, until])
                return true
            }
        }
    }

    public func releaseProjectClaim(project: String, caseID: String, labeler: String) throws {
        try guarded {
            try write { db in
                try db.execute(sql: """
                    DELETE FROM project_claim WHERE project = ? AND labeler = ?
                      AND case_row = (SELECT id FROM cases WHERE case_id = ?)
                    """, arguments: [project, labeler, caseID])
            }
        }
    }

    public func projectLabels(_ project: String) throws -> [ProjectLabel] {
        try guarded {
            try pool.read { db in
                guard try Self.readProject(db, project) != nil else { throw Self.noProject(project) }
                return try Self.projectLabels(db, project)
            }
        }
    }

    /// A project's live labels and adjudications, oldest first.
    static func projectLabels(_ db: Database, _ project: String) throws -> [ProjectLabel] {
        // A cursor, not fetchAll: a big project's rows are never all in memory beside their labels.
        try Array(Row.fetchCursor(db, sql: """
            SELECT e.id, e.kind, e.analyst, e.decision, e.reason_codes, e.note, e.blind, e.created_at,
                   e.queue_policy, e.inclusion_probability,
                   c.case_id, c.policy, c.gold_label, c.score, c.threshold
            FROM label_event e JOIN cases c ON c.id = e.case_row
            WHERE e.project = ? AND e.kind IN ('label', 'adjudication') AND \(liveEvent)
            ORDER BY e.id
            """, arguments: [project]).map { r in
            ProjectLabel(eventID: try r.checked("id"), caseID: try r.checked("case_id"), policy: try r.checked("policy"),
                         kind: LabelEventKind(rawValue: try r.checked("kind")) ?? .label, person: try r.checked("analyst"),
                         decision: try r.checked("decision") ?? "", reasonCodes: JSONText.decodeStrings(try r.checked("reason_codes")) ?? [],
                         note: try r.checked("note"), blind: try r.checked("blind"), createdAt: Timestamp(milliseconds: try r.checked("created_at")),
                         goldLabel: try r.checked("gold_label"), score: try r.checked("score"), threshold: try r.checked("threshold"),
                         queuePolicy: try r.checked("queue_policy"), inclusionProbability: try r.checked("inclusion_probability"))
        })
    }

    public func projectProgress(_ project: String, labeler: String) throws -> ProjectProgress {
        try guarded {
            try pool.read { db in
                guard let p = try Self.readProject(db, project) else { throw Self.noProject(project) }
                let labelled = try Int.fetchOne(db, sql: """
                    SELECT count(*) FROM label_event e
                    WHERE e.project = ? AND e.analyst = ? AND e.kind = 'label' AND \(Self.liveEvent)
                    """, arguments: [project, labeler]) ?? 0
                let remaining = try Int.fetchOne(db, sql: """
                    SELECT count(*) FROM project_case pc JOIN cases c ON c.id = pc.case_row
                    WHERE pc.project = :p AND pc.label_count < :k AND NOT \(Self.labelledByMe)
                    """, arguments: ["p": project, "k": p.overlap, "me": labeler]) ?? 0
                return ProjectProgress(labelled: labelled, remaining: remaining)
            }
        }
    }

    // MARK: - Helpers

    static func noProject(_ name: String) -> StoreError { .noProject(name) }

    static func readProject(_ db: Database, _ name: String) throws -> Project? {
        try Row.fetchOne(db.cachedStatement(sql: "SELECT * FROM project WHERE name = ?"), arguments: [name]).map(project)
    }

    static func project(_ r: Row) throws -> Project {
        Project(name: try r.checked("name"), policy: try r.checked("policy"), overlap: try r.checked("overlap"), blind: try r.checked("blind"), goldRate: try r.checked("gold_rate"),
                queuePolicy: QueuePolicy(rawValue: try r.checked("queue_policy")) ?? .score, sampleRate: try r.checked("sample_rate"),
                createdBy: try r.checked("created_by"), createdAt: Timestamp(milliseconds: try r.checked("created_at")))
    }

    static func summary(_ db: Database, _ p: Project) throws -> ProjectSummary {
        let r = try Row.fetchOne(db, sql: """
            SELECT (SELECT count(*) FROM project_case WHERE project = :p) AS cases,
                   (SELECT count(*) FROM project_case WHERE project = :p AND label_count >= :k) AS complete,
                   (SELECT count(*) FROM label_event e WHERE e.project = :p AND e.kind = 'label' AND \(liveEvent)) AS labels,
                   (SELECT count(DISTINCT e.analyst) FROM label_event e
                     WHERE e.project = :p AND e.kind = 'label' AND \(liveEvent)) AS labelers,
                   (SELECT count(DISTINCT e.case_row) FROM label_event e
                     WHERE e.project = :p AND e.kind = 'adjudication' AND \(liveEvent)) AS adjudicated
            """, arguments: ["p": p.name, "k": p.overlap])
        return ProjectSummary(project: p, cases: try r?.checked("cases") ?? 0, complete: try r?.checked("complete") ?? 0, labels: try r?.checked("labels") ?? 0,
                              labelers: try r?.checked("labelers") ?? 0, adjudicated: try r?.checked("adjudicated") ?? 0)
    }
}
