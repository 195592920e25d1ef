import GRDB
import TriageCore
import TriageFormats
import TriageStore

extension SQLiteStore {
    @discardableResult
    public func recordLabel(_ d: LabelDraft) throws -> LabelEvent {
        let now = Timestamp.now()
        return try guarded {
            // One short IMMEDIATE transaction: check, append, update the case. Committed (fsync'd,
            // synchronous = FULL) before this returns, so the caller may say "saved".
            try write { db in
                guard let c = try Row.fetchOne(db.cachedStatement(sql:
                    "SELECT id, policy, current_label FROM cases WHERE case_id = ?"), arguments: [d.caseID]) else {
                    throw StoreError.caseNotFound(d.caseID)
                }
                let row: Int64 = try c.checked("id")
                let policy: String = try c.checked("policy")
                let current: Int64? = try c.checked("current_label")
                let taxonomy = try Self.readTaxonomy(db)
                // Never overwrite silently: a new label must name the current one it replaces.
                if let refusal = d.refusal(taxonomy: taxonomy, policy: policy, held: try Self.storedRole(db, d.analyst),
                                           current: current) {
                    throw refusal
                }
                if let project = d.project {
                    return try Self.recordProjectLabel(db, d, project: project, row: row, policy: policy, now: now)
                }
                try db.cachedStatement(sql: """
                    INSERT INTO label_event(case_row, kind, decision, reason_codes, note, analyst, os_user, role, created_at,
                        dwell_ms, blind, model_versions_seen, supersedes, queue_policy, inclusion_probability, app_version)
                    VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                    """).execute(arguments: [
                        row, d.kind.rawValue, d.decision, JSONText.encode(strings: d.reasonCodes), d.note, d.analyst,
                        d.osUser, d.role.rawValue, now.milliseconds, d.dwellMs, d.blind,
                        JSONText.encode(strings: d.modelVersionsSeen), d.supersedes, d.queuePolicy,
                        d.inclusionProbability, TriageVersion.current])
                let id = db.lastInsertedRowID
                let status: CaseStatus
                let newCurrent: Int64?
                if d.kind == .undo {
                    status = .open
                    newCurrent = nil
                } else {
                    status = taxonomy.decision(d.decision ?? "")?.resultingStatus ?? .decided
                    newCurrent = id
                    try db.cachedStatement(sql: "DELETE FROM assignment WHERE case_row = ?").execute(arguments: [row])
                }
                try db.cachedStatement(sql: "UPDATE cases SET status = ?, current_label = ?, updated_at = ? WHERE id = ?")
                    .execute(arguments: [status.rawValue, newCurrent, now.milliseconds, row])
                return LabelEvent(id: id, caseID: d.caseID, kind: d.kind, decision: d.decision, reasonCodes: d.reasonCodes,
                                  note: d.note, analyst: d.analyst, osUser: d.osUser, role: d.role, createdAt: now,
                                  dwellMs: d.dwellMs, blind: d.blind, modelVersionsSeen: d.modelVersionsSeen,
                                  supersedes: d.supersedes, queuePolicy: d.queuePolicy,
                                  inclusionProbability: d.inclusionProbability, appVersion: TriageVersion.current)
            }
        }
    }

    /// Records a label, undo or adjudication in a labelling project, under the project's rules
    /// (``LabelDraft/projectPlan(in:casePolicy:member:live:isGold:target:)``). Project events
    /// never touch the case's status or current label: they are ground truth gathered beside the
    /// analyst queue.
    private static func recordProjectLabel(_ db: Database, _ d: LabelDraft, project name: String, row: Int64,
                                           policy: String, now: Timestamp) throws -> LabelEvent {
        guard let p = try readProject(db, name) else { throw noProject(name) }
        let member = try Row.fetchOne(db.cachedStatement(sql:
            "SELECT inclusion_probability, label_count FROM project_case WHERE project = ? AND case_row = ?"),
            arguments: [name, row]).map { ProjectMembership(labelCount: try $0.checked("label_count"), inclusionProbability: try $0.checked("inclusion_probability")) }
        let plan = try d.projectPlan(in: p, casePolicy: policy, member: member, live: { kind, person in
            try Int64.fetchOne(db.cachedStatement(sql: """
                SELECT e.id FROM label_event e
                WHERE e.project = ? AND e.case_row = ? AND e.kind = ? AND (?4 IS NULL OR e.analyst = ?4) AND \(liveEvent)
                ORDER BY e.id DESC LIMIT 1
                """), arguments: [name, row, kind.rawValue, person])
        }, isGold: {
            try Bool.fetchOne(db, sql: "SELECT gold_label IS NOT NULL FROM cases WHERE id = ?", arguments: [row]) ?? false
        }, target: { id in
            try Row.fetchOne(db, sql: """
                SELECT e.kind, e.analyst FROM label_event e
                WHERE e.id = ? AND e.project = ? AND e.case_row = ? AND e.kind <> 'undo' AND \(liveEvent)
                """, arguments: [id, name, row]).map { (LabelEventKind(rawValue: try $0.checked("kind")) ?? .label, try $0.checked("analyst")) }
        })
        let queuePolicy = plan.queuePolicy, inclusion = plan.inclusionProbability, countChange = plan.countChange
        try db.cachedStatement(sql: """
            INSERT INTO label_event(case_row, kind, decision, reason_codes, note, analyst, os_user, role, created_at,
                dwell_ms, blind, model_versions_seen, supersedes, queue_policy, inclusion_probability, app_version, project)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
            """).execute(arguments: [
                row, d.kind.rawValue, d.decision, JSONText.encode(strings: d.reasonCodes), d.note, d.analyst,
                d.osUser, d.role.rawValue, now.milliseconds, d.dwellMs, d.blind,
                JSONText.encode(strings: d.modelVersionsSeen), d.supersedes, queuePolicy,
                inclusion, TriageVersion.current, name])
        let id = db.lastInsertedRowID
        if countChange != 0 {
            try db.cachedStatement(sql: "UPDATE project_case SET label_count = label_count + ? WHERE project = ? AND case_row = ?")
                .execute(arguments: [countChange, name, row])
        }
        if d.kind == .label {
            try db.cachedStatement(sql: "DELETE FROM project_claim WHERE project = ? AND case_row = ? AND labeler = ?")
                .execute(arguments: [name, row, d.analyst])
        }
        return LabelEvent(id: id, caseID: d.caseID, kind: d.kind, decision: d.decision, reasonCodes: d.reasonCodes,
                          note: d.note, analyst: d.analyst, osUser: d.osUser, role: d.role, createdAt: now,
                          dwellMs: d.dwellMs, blind: d.blind, modelVersionsSeen: d.modelVersionsSeen,
                          supersedes: d.supersedes, queuePolicy: queuePolicy, inclusionProbability: inclusion,
                          appVersion: TriageVersion.current, project: name)
    }

    public func labelEvents(caseID: String) throws -> [LabelEvent] {
        try guarded {
            try pool.read { db in
                guard let row = try Int64.fetchOne(db, sql: "SELECT id FROM cases WHERE case_id = ?", arguments: [caseID]) else {
                    throw StoreError.caseNotFound(caseID)
                }
                return try Self.labelEvents(db, row, caseID: caseID)
            }
        }
    }
}
