import GRDB
import TriageCore
import TriageStore

/// The queue: keyset pages in both directions and counts, all on the `cases_by_*` indexes.
///
/// Every queue order is a sort key then the row id, both in the same direction, so a page is one
/// index walk from a row-value comparison `(key, id) < (?, ?)` — never an OFFSET, which costs as
/// many rows as it skips. A backwards page walks the same index the other way and is reversed here.
extension SQLiteStore {
    public func queuePage(_ query: QueueQuery, after cursor: QueueCursor?, limit: Int) throws -> [QueueRow] {
        try queueRows(query, from: cursor, direction: .forward, limit: limit)
    }

    public func queuePage(_ query: QueueQuery, before cursor: QueueCursor?, limit: Int) throws -> [QueueRow] {
        try queueRows(query, from: cursor, direction: .backward, limit: limit)
    }

    public func queueCount(_ query: QueueQuery) throws -> Int {
        try guarded {
            try pool.read { db in
                // Filtered by status and policy area at most (the workbench's usual queue): the
                // trigger-kept counts answer at once, where counting the index range costs
                // milliseconds per 100,000 open cases.
                if query.country == nil && query.minScore == nil && query.maxScore == nil && query.search == nil
                    && query.modelVersion == nil {
                    return try Int.fetchOne(db.cachedStatement(sql: """
                        SELECT coalesce(sum(n), 0) FROM agg_policy_status WHERE (?1 IS NULL OR status = ?1) AND (?2 IS NULL OR policy = ?2)
                        """), arguments: [query.status?.rawValue, query.policy]) ?? 0
                }
                let drive = try Self.searchDrives(db, query)
                let (conditions, args) = Self.filters(query, searchDrives: drive)
                let sql = "SELECT count(*) FROM " + Self.source(searchDrives: drive) + Self.whereClause(conditions)
                return try Int.fetchOne(db.cachedStatement(sql: sql), arguments: StatementArguments(args)) ?? 0
            }
        }
    }

    /// The most matches a search may have for the queue to be read from the search index's
    /// matches rather than down the sort order's index (see ``searchDrives(_:_:)``).
    public static let fewMatches = 500

    /// Whether `query`'s search has few enough matches (at most ``fewMatches``) that its pages
    /// and count are best read from the matches, sorted afterwards. A common word is best found
    /// walking the sort order's index and keeping the rows that match (the first page fills at
    /// once), but a rare one would then walk every case to fill nothing: at 1,000,000 cases,
    /// 13 ms for a word that matches none, against 0.2 ms from the matches. Finding out costs a
    /// read of at most 501 row ids from the index (about 1 ms for a common word).
    static func searchDrives(_ db: Database, _ query: QueueQuery) throws -> Bool {
        guard let fts = query.search.flatMap(ftsQuery) else { return false }
        let n = try Int.fetchOne(db.cachedStatement(sql:
            "SELECT count(*) FROM (SELECT rowid FROM case_search WHERE case_search MATCH ? LIMIT ?)"),
                                 arguments: [fts, fewMatches + 1]) ?? 0
        return n <= fewMatches
    }

    /// The FROM clause of a queue read: the cases, or (when the search drives) the search's
    /// matches joined to their cases, in that order (CROSS JOIN fixes the order for SQLite).
    static func source(searchDrives: Bool) -> String {
        searchDrives ? "case_search CROSS JOIN cases c ON c.id = case_search.rowid" : "cases c"
    }

    /// Which way a page runs from its cursor.
    private enum PageDirection {
        /// In queue order, after the cursor.
        case forward
        /// Against queue order, before the cursor (the rows come back reversed into queue order).
        case backward
    }

    /// The one builder of queue pages: `limit` rows next to `cursor` in `direction` (nil: from the
    /// top going forward, from the end going backward), returned in queue order.
    private func queueRows(_ query: QueueQuery, from cursor: QueueCursor?, direction: PageDirection,
                           limit: Int) throws -> [QueueRow] {
        guard limit > 0 else { return [] } // SQLite reads a negative LIMIT as "no limit"
        let (key, queueDescending) = Self.sortKey(query.sort)
        // Backwards is the queue order reversed: the rows nearest the cursor come first.
        let descending = queueDescending != (direction == .backward)
        let order = descending ? "DESC" : "ASC"
        // Arguments in the order their `?` appear: the lease time in the join, the filters, the
        // cursor, the limit.
        let rows = try guarded {
            try pool.read { db in
                let drive = try Self.searchDrives(db, query)
                var args: [any DatabaseValueConvertible] = [Timestamp.now().milliseconds]
                var (conditions, filterArgs) = Self.filters(query, searchDrives: drive)
                args += filterArgs
                if let cursor {
                    conditions.append("(\(key), c.id) \(descending ? "<" : ">") (?, ?)")
                    args.append(Self.keyValue(cursor.key, sort: query.sort))
                    args.append(cursor.rowID)
                }
                args.append(limit)
                let sql = """
                    SELECT c.id, c.case_id, c.policy, c.merchant_name, c.merchant_country, c.score, c.threshold, c.flagged_at,
                           c.status, a.analyst AS assignee
                    FROM \(Self.source(searchDrives: drive)) LEFT JOIN assignment a ON a.case_row = c.id AND a.lease_until > ?
                    """ + Self.whereClause(conditions) + """

                    ORDER BY \(key) \(order), c.id \(order)
                    LIMIT ?
                    """
                return try Row.fetchAll(db.cachedStatement(sql: sql), arguments: StatementArguments(args)).map(Self.queueRow)
            }
        }
        return direction == .backward ? rows.reversed() : rows
    }

    /// The columns a ``QueueRow`` is read from (on `cases c`); the caller adds `assignee`.
    static let queueColumns = """
        c.id, c.case_id, c.policy, c.merchant_name, c.merchant_country, c.score, c.threshold, c.flagged_at, c.status
        """

    /// A queue row from a row with ``queueColumns`` and `assignee`.
    static func queueRow(_ r: Row) throws -> QueueRow {
        QueueRow(rowID: try r.checked("id"), caseID: try r.checked("case_id"), policy: try r.checked("policy"), merchantName: try r.checked("merchant_name"),
                 country: try r.checked("merchant_country"), score: try r.checked("score"), threshold: try r.checked("threshold"),
                 flaggedAt: (try r.checked("flagged_at") as Int64?).map(Timestamp.init(milliseconds:)),
                 status: CaseStatus(rawValue: try r.checked("status")) ?? .open, assignee: try r.checked("assignee"))
    }

    /// The conditions (on `cases c`) and their arguments for `query`'s filters, shared by pages,
    /// counts and claims. With `searchDrives`, the search is a condition on `case_search` (read
    /// from ``source(searchDrives:)``).
    static func filters(_ query: QueueQuery, searchDrives: Bool = false)
        -> (conditions: [String], arguments: [any DatabaseValueConvertible]) {
        var conditions: [String] = []
        var args: [any DatabaseValueConvertible] = []
        if let s = query.status { conditions.append("c.status = ?"); args.append(s.rawValue) }
        if let p = query.policy { conditions.append("c.policy = ?"); args.append(p) }
        if let c = query.country { conditions.append("c.merchant_country = ?"); args.append(c) }
        if let lo = query.minScore { conditions.append("c.score >= ?"); args.append(lo) }
        if let hi = query.maxScore { conditions.append("c.score <= ?"); args.append(hi) }
        if let s = searchFilter(query.search, drives: searchDrives) { conditions.append(s.condition); args += s.arguments }
        if let m = modelVersionFilter(query.modelVersion) { conditions.append(m.condition); args += m.arguments }
        return (conditions, args)
    }

    static func whereClause(_ conditions: [String]) -> String {
        conditions.isEmpty ? "" : "\nWHERE " + conditions.joined(separator: " AND ")
    }

    /// The column a queue is sorted on, and whether the queue runs down it (highest first).
    /// The row id breaks ties in the same direction. See ``QueueRow/cursor(for:)`` for the keys.
    static func sortKey(_ sort: QueueSort) -> (column: String, descending: Bool) {
        (sort == .score ? "c.score" : sort == .age ? "c.flagged_at" : "c.margin", sort.descending)
    }

    /// A cursor's key as the column stores it: `flagged_at` is integer milliseconds.
    private static func keyValue(_ key: Double, sort: QueueSort) -> any DatabaseValueConvertible {
        guard sort == .age else { return key }
        // Clamped: a cursor from a row without a flag time carries Int64.max as a Double (2^63).
        return key >= 9.2e18 ? Int64.max : key <= -9.2e18 ? Int64.min : Int64(key)
    }
}
