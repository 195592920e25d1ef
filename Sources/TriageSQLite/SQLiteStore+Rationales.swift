import GRDB
import TriageCore
import TriageFormats
import TriageStore

extension SQLiteStore {
    public func addRationale(caseID: String, _ r: Rationale) throws -> Rationale {
        try guarded {
            try pool.write { db in
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
            try pool.write { db in
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
                    let rationale = Self.rationale(r)
                    let ids = try String.fetchAll(evidence, arguments: [r["case_row"]])
                    let feedback = RationaleFeedback(
                        id: r["f_id"], rationaleID: r["rationale_id"], helpful: r["helpful"],
                        tags: (JSONText.decodeStrings(r["tags"]) ?? []).compactMap(RationaleFeedbackTag.init(rawValue:)),
                        note: r["note"], analyst: r["analyst"], osUser: r["os_user"], createdAt: Timestamp(milliseconds: r["f_at"]))
                    try row(RationaleFeedbackRow(feedback: feedback, rationale: rationale, caseID: r["case_id"], policy: r["policy"],
                                                 citations: CitationCheck(cited: rationale.evidenceIDs, evidence: ids.map { Evidence(id: $0) })))
                    n += 1
                }
                return n
            }
        }
    }

    /// A `rationale` row.
    static func rationale(_ r: Row) -> Rationale {
        let origin = RationaleOrigin(rawValue: r["origin"]) ?? .imported
        var generation: RationaleGeneration?
        if origin == .generated {
            generation = RationaleGeneration(latencyMs: r["latency_ms"] ?? 0, promptTokens: r["prompt_tokens"],
                                             completionTokens: r["completion_tokens"], requestedBy: r["requested_by"] ?? "")
        }
        return Rationale(id: r["id"], model: r["model"], promptVersion: r["prompt_version"], text: r["text"],
                         evidenceIDs: JSONText.decodeStrings(r["evidence_ids"]) ?? [],
                         createdAt: (r["created_at"] as Int64?).map(Timestamp.init(milliseconds:)),
                         origin: origin, generation: generation)
    }
}
