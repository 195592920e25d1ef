import Foundation
import PostgresNIO
import TriageCore
import TriageFormats
import TriageStore

extension PostgresStore {
    /// Records a label event in one transaction, committed (with `synchronous_commit` as the
    /// server has it, on by default) before this returns. The same checks as on SQLite, in the
    /// same order; the case's status, current label and lease are then updated by the database
    /// itself (`triage_label_applied`), which also refuses an event that does not supersede the
    /// case's current label, whoever inserts it.
    ///
    /// Labels in labelling projects are not available on PostgreSQL yet.
    @discardableResult
    public func recordLabel(_ d: LabelDraft) throws -> LabelEvent {
        if d.project != nil {
            throw StoreError.unavailable("labelling projects are not available on PostgreSQL yet (team mode is being built)")
        }
        let now = Timestamp.now()
        return try pool.with { c in
            try c.query("BEGIN")
            do {
                let event = try Self.recordQueueLabel(c, d, now: now)
                try c.query("COMMIT")
                return event
            } catch {
                _ = try? c.query("ROLLBACK")
                throw error
            }
        }
    }

    private static func recordQueueLabel(_ c: PGConnection, _ d: LabelDraft, now: Timestamp) throws -> LabelEvent {
        var key = PostgresBindings()
        key.append(d.caseID)
        guard let found = try c.query("SELECT id FROM cases WHERE case_id = $1", key).first else {
            throw StoreError.caseNotFound(d.caseID)
        }
        let row = try found.decode(Int64.self)
        // One label at a time per case: the second waits here, then sees the first's label.
        var lock = PostgresBindings()
        lock.append(row)
        try c.query("SELECT pg_advisory_xact_lock($1)", lock)
        let (policy, current) = try c.query("SELECT policy, current_label FROM cases WHERE id = $1", lock).first?
            .decode((String, Int64?).self) ?? ("", nil)
        var who = PostgresBindings()
        who.append(d.analyst)
        let held = try c.query("SELECT role FROM person WHERE name = $1", who).first.flatMap { Role(rawValue: try $0.decode(String.self)) }
        if let refusal = d.refusal(taxonomy: try readTaxonomy(c), policy: policy, held: held, current: current) { throw refusal }
        var b = PostgresBindings()
        b.append(row); b.append(d.kind.rawValue); b.append(d.decision); b.append(JSONText.encode(strings: d.reasonCodes))
        b.append(d.note); b.append(d.analyst); b.append(d.osUser); b.append(d.role.rawValue); b.append(now.milliseconds)
        b.append(d.dwellMs); b.append(d.blind); b.append(JSONText.encode(strings: d.modelVersionsSeen)); b.append(d.supersedes)
        b.append(d.queuePolicy); b.append(d.inclusionProbability); b.append(TriageVersion.current)
        let id = try c.query("""
            INSERT INTO label_event(case_row, kind, decision, reason_codes, note, analyst, os_user, role, created_at,
                dwell_ms, blind, model_versions_seen, supersedes, queue_policy, inclusion_probability, app_version)
            VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16) RETURNING id
            """, b).first?.decode(Int64.self)
        return LabelEvent(id: id, caseID: d.caseID, kind: d.kind, decision: d.decision, reasonCodes: d.reasonCodes,
                          note: d.note, analyst: d.analyst, osUser: d.osUser, role: d.role, createdAt: now,
                          dwellMs: d.dwellMs, blind: d.blind, modelVersionsSeen: d.modelVersionsSeen,
                          supersedes: d.supersedes, queuePolicy: d.queuePolicy,
                          inclusionProbability: d.inclusionProbability, appVersion: TriageVersion.current)
    }
}
