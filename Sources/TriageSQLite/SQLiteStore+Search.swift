import GRDB
import TriageCore
import TriageStore

/// Full-text search (the `case_search` FTS5 table) as a queue filter, and finding one case's row.
extension SQLiteStore {
    /// The FTS5 query for what an analyst typed, or nil when it has no word to search for.
    ///
    /// The text is never passed as FTS5 syntax: it is cut into words (``SearchWords``) and each
    /// word becomes a quoted string; the last one is a prefix (`"tok"*`) so a word being typed
    /// matches. Words are ANDed.
    ///
    /// ```swift
    /// SQLiteStore.ftsQuery("Lucky  star-c")  // "\"lucky\" \"star\" \"c\"*"
    /// SQLiteStore.ftsQuery("\" * NEAR(")     // "\"NEAR\"*"
    /// SQLiteStore.ftsQuery("\"*-")           // nil
    /// ```
    public static func ftsQuery(_ text: String) -> String? {
        let words = SearchWords.words(text)
        guard !words.isEmpty else { return nil }
        let quoted = words.map { "\"" + $0.replacingOccurrences(of: "\"", with: "\"\"") + "\"" }
        return quoted.joined(separator: " ") + "*"
    }

    /// The condition (on `cases c`) restricting a queue to a search, or nil for no search. A
    /// search with no words (only punctuation) matches nothing. With `drives`, the condition is
    /// on the `case_search` table the query reads from (see ``source(searchDrives:)``).
    static func searchFilter(_ search: String?, drives: Bool = false)
        -> (condition: String, arguments: [any DatabaseValueConvertible])? {
        guard let search, !search.allSatisfy(\.isWhitespace) else { return nil }
        guard let fts = ftsQuery(search) else { return ("0", []) }
        if drives { return ("case_search MATCH ?", [fts]) }
        return ("c.id IN (SELECT rowid FROM case_search WHERE case_search MATCH ?)", [fts])
    }

    /// The condition (on `cases c`) keeping cases scored by `model@version` (the last `@` splits
    /// them), or nil for no such filter.
    static func modelVersionFilter(_ mv: String?) -> (condition: String, arguments: [any DatabaseValueConvertible])? {
        guard let mv, let at = mv.lastIndex(of: "@") else { return nil }
        return ("EXISTS (SELECT 1 FROM score s WHERE s.case_row = c.id AND s.model = ? AND s.version = ?)",
                [String(mv[..<at]), String(mv[mv.index(after: at)...])])
    }

    public func queueRow(caseID: String, matching query: QueueQuery) throws -> QueueRow? {
        var args: [any DatabaseValueConvertible] = [Timestamp.now().milliseconds, caseID]
        var (conditions, filterArgs) = Self.filters(query)
        conditions.insert("c.case_id = ?", at: 0)
        args += filterArgs
        let sql = "SELECT \(Self.queueColumns), a.analyst AS assignee\n"
            + "FROM cases c LEFT JOIN assignment a ON a.case_row = c.id AND a.lease_until > ?"
            + Self.whereClause(conditions)
        return try guarded {
            try pool.read { db in
                try Row.fetchOne(db.cachedStatement(sql: sql), arguments: StatementArguments(args)).map(Self.queueRow)
            }
        }
    }
}
