import Foundation
import PostgresNIO
import TriageCore
import TriageFormats
import TriageStore

extension PostgresStore {
    /// Records a label event in one transaction, committed (with `synchronous_commit` as the
    /// server has it, on by default) before this returns. The same checks as on SQLite, in the
    /// same order, with the case held still by a per-case advisory lock while they run; the case's
    /// status, current label and lease (in the analyst queue), or its live-label count and the
    /// labeler's claim (in a labelling project), are then updated by the database itself
    /// (`triage_label_applied`), which also refuses a queue event that does not supersede the
    /// case's current label, whoever inserts it.
    @discardableResult
    public func recordLabel(_ d: LabelDraft) throws -> LabelEvent {
        let now = Timestamp.now()
        return try transaction { c in try Self.recordLabel(c, d, now: now, seesDecisions: seesDecisions) }
    }

    private static func recordLabel(_ c: PGConnection, _ d: LabelDraft, now: Timestamp, seesDecisions: Bool) throws -> LabelEvent {
        var key = PostgresBindings()
        key.append(d.caseID)
        // One label at a time per case: the second waits here, then (the next statement reads a
        // new snapshot) sees the first's label.
        guard let found = try c.query("SELECT id, pg_advisory_xact_lock(id) FROM cases WHERE case_id = $1", key).first else {
            throw StoreError.caseNotFound(d.caseID)
        }
        let row = try PGRowReader(found).get(0, Int64.self)
        var lock = PostgresBindings()
        lock.append(row)
        var state = lock
        state.append(d.analyst)
        // A labeler may not read the case's current label in the analyst queue, where they never
        // label (the rules refuse them there).
        let (policy, current, role) = try c.query("""
            SELECT policy, \(seesDecisions ? "current_label" : "NULL::bigint"), (SELECT role FROM person WHERE name = $2)
            FROM cases WHERE id = $1
            """, state).first?.decode((String, Int64?, String?).self) ?? ("", nil, nil)
        let held = role.flatMap(Role.init(rawValue:))
        if let refusal = d.refusal(taxonomy: try readTaxonomy(c), policy: policy, held: held, current: current) { throw refusal }
        guard let project = d.project else {
            return try insertLabel(c, d, row: row, now: now, queuePolicy: d.queuePolicy, inclusion: d.inclusionProbability)
        }
        // A project's rules (shared with SQLite), on what this transaction reads under the case's lock.
        guard let p = try readProject(c, project) else { throw StoreError.noProject(project) }
        var b = PostgresBindings()
        b.append(project); b.append(row)
        let member = try c.query("SELECT label_count, inclusion_probability FROM project_case WHERE project = $1 AND case_row = $2", b)
            .first.map { r in
                let (count, inclusion) = try r.decode((Int, Double?).self)
                return ProjectMembership(labelCount: count, inclusionProbability: inclusion)
            }
        let plan = try d.projectPlan(in: p, casePolicy: policy, member: member, live: { kind, person in
            var args = PostgresBindings()
            args.append(project); args.append(row); args.append(kind.rawValue); args.append(person)
            return try c.query("""
                SELECT e.id FROM label_event e
                WHERE e.project = $1 AND e.case_row = $2 AND e.kind = $3 AND ($4::text IS NULL OR e.analyst = $4) AND \(liveEvent)
                ORDER BY e.id DESC LIMIT 1
                """, args).first?.decode(Int64.self)
        }, isGold: {
            try c.query("SELECT triage_case_is_gold($1)", lock).first?.decode(Bool?.self) ?? false
        }, target: { id in
            var args = PostgresBindings()
            args.append(id); args.append(project); args.append(row)
            return try c.query("""
                SELECT e.kind, e.analyst FROM label_event e
                WHERE e.id = $1 AND e.project = $2 AND e.case_row = $3 AND e.kind <> 'undo' AND \(liveEvent)
                """, args).first.map { r in
                let (kind, author) = try r.decode((String, String).self)
                return (LabelEventKind(rawValue: kind) ?? .label, author)
            }
        })
        // The live-label count (plan.countChange) and the end of the labeler's claim are the
        // trigger's work, the same rule in the database's terms.
        return try insertLabel(c, d, row: row, now: now, queuePolicy: plan.queuePolicy, inclusion: plan.inclusionProbability)
    }

    /// Appends `d` to case `row`'s log (in its project, if any) and returns the event.
    private static func insertLabel(_ c: PGConnection, _ d: LabelDraft, row: Int64, now: Timestamp, queuePolicy: String?,
                                    inclusion: Double?) throws -> LabelEvent {
        var b = PostgresBindings()
        b.append(row); b.append(d.kind.rawValue); b.append(d.decision); b.append(JSONText.encode(strings: d.reasonCodes))
        b.append(d.note); b.append(d.analyst); b.append(d.osUser); b.append(d.role.rawValue); b.append(now.milliseconds)
        b.append(d.dwellMs); b.append(d.blind); b.append(JSONText.encode(strings: d.modelVersionsSeen)); b.append(d.supersedes)
        b.append(queuePolicy); b.append(inclusion); b.append(TriageVersion.current); b.append(d.project)
        let id = try c.query("""
            INSERT INTO label_event(case_row, kind, decision, reason_codes, note, analyst, os_user, role, created_at,
                dwell_ms, blind, model_versions_seen, supersedes, queue_policy, inclusion_probability, app_version, project)
            VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17) RETURNING id
            """, b).first?.decode(Int64.self)
        return LabelEvent(id: id, caseID: d.caseID, kind: d.kind, decision: d.decision, reasonCodes: d.reasonCodes,
                          note: d.note, analyst: d.analyst, osUser: d.osUser, role: d.role, createdAt: now,
                          dwellMs: d.dwellMs, blind: d.blind, modelVersionsSeen: d.modelVersionsSeen,
                          supersedes: d.supersedes, queuePolicy: queuePolicy, inclusionProbability: inclusion,
                          appVersion: TriageVersion.current, project: d.project)
    }
}
