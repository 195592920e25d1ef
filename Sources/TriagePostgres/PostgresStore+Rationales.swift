import Foundation
import PostgresNIO
import TriageCore
import TriageFormats
import TriageStore

/// Rationales asked for from triage, and analysts' feedback on them (append-only).
extension PostgresStore {
    public func addRationale(caseID: String, _ r: Rationale) throws -> Rationale {
        let createdAt = r.createdAt ?? .now()
        return try transaction { c in
            let row = try Self.caseRow(c, caseID)
            let g = r.generation
            var b = PostgresBindings()
            b.append(row); b.append(r.model); b.append(r.promptVersion); b.append(r.text); b.append(JSONText.encode(strings: r.evidenceIDs))
            b.append(createdAt.milliseconds); b.append(r.origin.rawValue); b.append(g.map { Int64($0.latencyMs) })
            b.append(g?.promptTokens.map(Int64.init)); b.append(g?.completionTokens.map(Int64.init)); b.append(g?.requestedBy)
            let id = try c.query("""
                INSERT INTO rationale(case_row, model, prompt_version, text, evidence_ids, created_at, origin,
                                      latency_ms, prompt_tokens, completion_tokens, requested_by)
                VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11) RETURNING id
                """, b).first?.decode(Int64.self)
            // The search words follow the case's text (rationales included), as on SQLite.
            var w = PostgresBindings()
            w.append(row)
            w.append(PGSearch.vector(words: PGSearch.words(r.text)))
            try c.query("SELECT triage_add_search_words($1, $2)", w)
            var stored = r
            stored.id = id
            stored.createdAt = createdAt
            return stored
        }
    }

    public func casesWithoutRationale(policy: String?, openOnly: Bool, limit: Int) throws -> [String] {
        var args = PGArguments()
        var sql = "SELECT case_id FROM cases c WHERE NOT EXISTS (SELECT 1 FROM rationale r WHERE r.case_row = c.id)"
        if openOnly { sql += " AND c.status = 'open'" }
        if let policy { sql += " AND c.policy = " + args.add(policy) }
        sql += " ORDER BY c.score DESC, c.id LIMIT " + args.add(max(0, limit))
        return try pool.with { c in try c.query(sql, args.binds).map { try $0.decode(String.self) } }
    }

    public func recordRationaleFeedback(_ f: RationaleFeedback) throws -> RationaleFeedback {
        try transaction { c in
            var key = PostgresBindings()
            key.append(f.rationaleID)
            guard !(try c.query("SELECT 1 FROM rationale WHERE id = $1", key)).isEmpty else {
                throw StoreError.refused("there is no rationale \(f.rationaleID)")
            }
            var b = PostgresBindings()
            b.append(f.rationaleID); b.append(f.helpful); b.append(JSONText.encode(strings: f.tags.map(\.rawValue))); b.append(f.note)
            b.append(f.analyst); b.append(f.osUser); b.append(f.createdAt.milliseconds)
            var stored = f
            stored.id = try c.query("""
                INSERT INTO rationale_feedback(rationale_id, helpful, tags, note, analyst, os_user, created_at)
                VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id
                """, b).first?.decode(Int64.self)
            return stored
        }
    }

    /// Streams feedback rows in pages of ``exportPage`` (keyset on the feedback id), so memory
    /// stays flat however long the history.
    @discardableResult
    public func exportRationaleFeedback(since: Timestamp?, _ row: (RationaleFeedbackRow) throws -> Void) throws -> Int {
        var n = 0
        var after: Int64 = 0
        while true {
            var b = PostgresBindings()
            b.append(since?.milliseconds ?? Int64.min); b.append(after); b.append(Self.exportPage)
            let page: [(RationaleFeedbackRow)] = try pool.with { c in
                let rows = try c.query("""
                    SELECT r.id, r.model, r.prompt_version, r.text, r.evidence_ids, r.created_at, r.origin, r.latency_ms,
                           r.prompt_tokens, r.completion_tokens, r.requested_by,
                           f.id, f.rationale_id, f.helpful, f.tags, f.note, f.analyst, f.os_user, f.created_at,
                           c.case_id, c.policy,
                           (SELECT coalesce(json_agg(e.evidence_id ORDER BY e.id), '[]')::text FROM evidence e WHERE e.case_row = r.case_row)
                    FROM rationale_feedback f JOIN rationale r ON r.id = f.rationale_id JOIN cases c ON c.id = r.case_row
                    WHERE f.created_at >= $1 AND f.id > $2 ORDER BY f.id LIMIT $3
                    """, b)
                return try rows.map { pr in
                    let rationale = try Self.rationale(pr)
                    let r = PGRowReader(pr)
                    let feedback = RationaleFeedback(
                        id: try r.get(11), rationaleID: try r.get(12), helpful: try r.get(13),
                        tags: (JSONText.decodeStrings(try r.get(14)) ?? []).compactMap(RationaleFeedbackTag.init(rawValue:)),
                        note: try r.get(15), analyst: try r.get(16), osUser: try r.get(17),
                        createdAt: Timestamp(milliseconds: try r.get(18)))
                    let ids = JSONText.decodeStrings(try r.get(21, String.self)) ?? []
                    return RationaleFeedbackRow(feedback: feedback, rationale: rationale, caseID: try r.get(19), policy: try r.get(20),
                                                citations: CitationCheck(cited: rationale.evidenceIDs, evidence: ids.map { Evidence(id: $0) }))
                }
            }
            for r in page { try row(r) }
            n += page.count
            guard page.count == Self.exportPage, let last = page.last?.feedback.id else { return n }
            after = last
        }
    }

    /// How many rows an export reads per query.
    static let exportPage = 2_000
}
