import GRDB
import TriageCore
import TriageFormats
import TriageStore

extension SQLiteStore {
    public func addRationale(caseID: String, _ r: Rationale) throws -> Rationale {
        try guarded {
            try write { db in
                guard let row = try Int64.fetchOne(db.cachedStatement(sql: "SELECT id FROM cases WHERE case_id = ?"),
                                                   arguments: [caseID]) else {
                    throw StoreError.caseNotFound(caseID)
                }
                let g = r.generation
                let oldText = try Self.searchText(db, row: row)
                try db.execute(sql: """
                    INSERT INTO rationale(case_row, model, prompt_version, text, evidence_ids, created_at, origin,
                                          latency_ms, prompt_tokens, completion_tokens, requested_by)
                    VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                    """, arguments: [row, r.model, r.promptVersion, r.text, JSONText.encode(strings: r.evidenceIDs),
                                     (r.createdAt ?? .now()).milliseconds, r.origin.rawValue, g?.latencyMs, g?.promptTokens,
                                     g?.completionTokens, g?.requestedBy])
                let id = db.lastInsertedRowID
                // The search index follows the case's text (rationales included).
                if let oldText { try Self.reindexSearch(db, row: row, old: oldText) }
                var stored = r
                stored.id = id
                if stored.createdAt == nil { stored.createdAt = .now() }
                return stored
            }
        }
    }

    public func casesWithoutRationale(policy: String?, openOnly: Bool, limit: Int) throws -> [String] {
        try guarded {
            try pool.read { db in
                var sql = "SELECT case_id FROM cases c WHERE NOT EXISTS (SELECT 1 FROM rationale r WHERE r.case_row = c.id)"
                var args: [(any DatabaseValueConvertible)?] = []
                if openOnly { sql += " AND c.status = 'open'" }
                if let policy {
                    sql += " AND c.policy = ?"
                    args.append(policy)
                }
                sql += " ORDER BY c.score DESC, c.id LIMIT ?"
                args.append(limit)
                return try String.fetchAll(db, sql: sql, arguments: StatementArguments(args))
            }
        }
    }

    public func recordRationaleFeedback(_ f: RationaleFeedback) throws -> RationaleFeedback {
        try guarded {
            try write { db in
                guard try Int.fetchOne(db, sql: "SELECT 1 FROM rationale WHERE id = ?", arguments: [f.rationaleID]) != nil else {
                    throw StoreError.refused("there is no rationale \(f.rationaleID)")
                }
                try db.execute(sql: """
                    INSERT INTO rationale_feedback(rationale_id, helpful, tags, note, analyst, os_user, created_at)
                    VALUES (?, ?, ?, ?, ?, ?, ?)
                    """, arguments: [f.rationaleID, f.helpful, JSONText.encode(strings: f.tags.map(\.rawValue)), f.note,
                                     f.analyst, f.osUser, f.createdAt.milliseconds])
                var stored = f
                stored.id = db.lastInsertedRowID
                return stored
            }
        }
    }

    @discardableResult
    public func exportRationaleFeedback(since: Timestamp?, _ row: (RationaleFeedbackRow) throws -> Void) throws -> Int {
        try guarded {
            try pool.read { db in
                let rows = try Row.fetchCursor(db, sql: """
                    SELECT f.id AS f_id, f.rationale_id, f.helpful, f.tags, f.note, f.analyst, f.os_user, f.created_at AS f_at,
                           r.*, c.case_id, c.policy
                    FROM rationale_feedback f JOIN rationale r ON r.id = f.rationale_id JOIN cases c ON c.id = r.case_row
                    WHERE f.created_at >= ? ORDER BY f.id
                    """, arguments: [since?.milliseconds ?? Int64.min])
                let evidence = try db.cachedStatement(sql: "SELECT evidence_id FROM evidence WHERE case_row = ?")
                var n = 0
                while let r = try rows.next() {
                    let rationale = try Self.rationale(r)
                    let ids = try String.fetchAll(evidence, arguments: [try r.checked("case_row") as Int64])
                    let feedback = RationaleFeedback(
                        id: try r.checked("f_id"), rationaleID: try r.checked("rationale_id"), helpful: try r.checked("helpful"),
                        tags: (JSONText.decodeStrings(try r.checked("tags")) ?? []).compactMap(RationaleFeedbackTag.init(rawValue:)),
                        note: try r.checked("note"), analyst: try r.checked("analyst"), osUser: try r.checked("os_user"), createdAt: Timestamp(milliseconds: try r.checked("f_at")))
                    try row(RationaleFeedbackRow(feedback: feedback, rationale: rationale, caseID: try r.checked("case_id"), policy: try r.checked("policy"),
                                                 citations: CitationCheck(cited: rationale.evidenceIDs, evidence: ids.map { Evidence(id: $0) })))
                    n += 1
                }
                return n
            }
        }
    }

    /// A `rationale` row.
    static func rationale(_ r: Row) throws -> Rationale {
        let origin = RationaleOrigin(rawValue: try r.checked("origin")) ?? .imported
        var generation: RationaleGeneration?
        if origin == .generated {
            generation = RationaleGeneration(latencyMs: try r.checked("latency_ms") ?? 0, promptTokens: try r.checked("prompt_tokens"),
                                             completionTokens: try r.checked("completion_tokens"), requestedBy: try r.checked("requested_by") ?? "")
        }
        return Rationale(id: try r.checked("id"), model: try r.checked("model"), promptVersion: try r.checked("prompt_version"), text: try r.checked("text"),
                         evidenceIDs: JSONText.decodeStrings(try r.checked("evidence_ids")) ?? [],
                         createdAt: (try r.checked("created_at") as Int64?).map(Timestamp.init(milliseconds:)),
                         origin: origin, generation: generation)
    }
}
