import GRDB
import TriageCore
import TriageStore

extension SQLiteStore {
    @discardableResult
    public func recordLabel(_ d: LabelDraft) throws -> LabelEvent {
        let now = Timestamp.now()
        return try guarded {
            // One short IMMEDIATE transaction: check, append, update the case. Committed (fsync'd,
            // synchronous = FULL) before this returns, so the caller may say "saved".
            try pool.write { db in
                guard let c = try Row.fetchOne(db.cachedStatement(sql:
                    "SELECT id, policy, current_label FROM cases WHERE case_id = ?"), arguments: [d.caseID]) else {
                    throw StoreError.caseNotFound(d.caseID)
                }
                let row: Int64 = c["id"]
                let policy: String = c["policy"]
                let current: Int64? = c["current_label"]
                let taxonomy = try Self.readTaxonomy(db)
                let problems = d.problems(taxonomy: taxonomy, policy: policy)
                guard problems.isEmpty else { throw StoreError.invalidLabel(caseID: d.caseID, problems: problems) }
                // Never overwrite silently: a new label must name the current one it replaces.
                guard d.supersedes == current else {
                    throw StoreError.labelConflict(caseID: d.caseID, current: current, expected: d.supersedes)
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
