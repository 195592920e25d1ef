import Foundation
import PostgresNIO
import TriageCore
import TriageStore

/// Query text and its `$n` parameters, built together so the numbers always match.
struct PGArguments {
    private(set) var binds = PostgresBindings()

    /// Appends `value` and returns its placeholder.
    mutating func add<T: PostgresNonThrowingEncodable>(_ value: T) -> String {
        binds.append(value)
        return "$\(binds.count)"
    }

    mutating func add<T: PostgresNonThrowingEncodable>(_ value: T?) -> String {
        binds.append(value)
        return "$\(binds.count)"
    }
}

/// The queue on PostgreSQL: keyset pages both ways on the same `cases_by_*` indexes as SQLite
/// (a row-value comparison `(key, id) < ($n, $m)`, never OFFSET), and counts.
extension PostgresStore {
    public func queuePage(_ query: QueueQuery, after cursor: QueueCursor?, limit: Int) throws -> [QueueRow] {
        try queueRows(query, from: cursor, backward: false, limit: limit)
    }

    public func queuePage(_ query: QueueQuery, before cursor: QueueCursor?, limit: Int) throws -> [QueueRow] {
        try queueRows(query, from: cursor, backward: true, limit: limit)
    }

    public func queueCount(_ query: QueueQuery) throws -> Int {
        var args = PGArguments()
        let conditions = Self.filters(query, &args)
        return try pool.with { c in
            try c.query("SELECT count(*) FROM cases c" + Self.whereClause(conditions), args.binds).first?.decode(Int.self) ?? 0
        }
    }

    public func queueRow(caseID: String, matching query: QueueQuery) throws -> QueueRow? {
        var args = PGArguments()
        let now = args.add(Timestamp.now().milliseconds)
        var conditions = ["c.case_id = " + args.add(caseID)]
        conditions += Self.filters(query, &args)
        let sql = "SELECT \(Self.queueColumns), a.analyst FROM cases c LEFT JOIN assignment a ON a.case_row = c.id AND a.lease_until > \(now)"
            + Self.whereClause(conditions)
        return try pool.with { c in try c.query(sql, args.binds).first.map(Self.queueRow) }
    }

    private func queueRows(_ query: QueueQuery, from cursor: QueueCursor?, backward: Bool, limit: Int) throws -> [QueueRow] {
        guard limit > 0 else { return [] }
        let (key, queueDescending) = Self.sortKey(query.sort)
        let descending = queueDescending != backward
        let order = descending ? "DESC" : "ASC"
        var args = PGArguments()
        let now = args.add(Timestamp.now().milliseconds)
        var conditions = Self.filters(query, &args)
        if let cursor {
            let k: String
            if query.sort == .age {
                // Clamped: a cursor from a row without a flag time carries Int64.max as a Double.
                k = args.add(cursor.key >= 9.2e18 ? Int64.max : cursor.key <= -9.2e18 ? Int64.min : Int64(cursor.key))
            } else {
                k = args.add(cursor.key)
            }
            conditions.append("(\(key), c.id) \(descending ? "<" : ">") (\(k), \(args.add(cursor.rowID)))")
        }
        let sql = """
            SELECT \(Self.queueColumns), a.analyst
            FROM cases c LEFT JOIN assignment a ON a.case_row = c.id AND a.lease_until > \(now)
            """ + Self.whereClause(conditions) + """

            ORDER BY \(key) \(order), c.id \(order)
            LIMIT \(args.add(limit))
            """
        let rows = try pool.with { c in try c.query(sql, args.binds).map(Self.queueRow) }
        return backward ? rows.reversed() : rows
    }

    static let queueColumns = "c.id, c.case_id, c.policy, c.merchant_name, c.merchant_country, c.score, c.threshold, c.flagged_at, c.status"

    /// A queue row from ``queueColumns`` and the assignee.
    static func queueRow(_ row: PostgresRow) throws -> QueueRow {
        let (id, caseID, policy, name, country, score, threshold, flagged, status, assignee) =
            try row.decode((Int64, String, String, String, String?, Double, Double?, Int64?, String, String?).self)
        return QueueRow(rowID: id, caseID: caseID, policy: policy, merchantName: name, country: country, score: score,
                        threshold: threshold, flaggedAt: flagged.map(Timestamp.init(milliseconds:)),
                        status: CaseStatus(rawValue: status) ?? .open, assignee: assignee)
    }

    /// The conditions (on `cases c`) for `query`'s filters; their values go into `args`.
    static func filters(_ query: QueueQuery, _ args: inout PGArguments) -> [String] {
        var conditions: [String] = []
        if let s = query.status { conditions.append("c.status = " + args.add(s.rawValue)) }
        if let p = query.policy { conditions.append("c.policy = " + args.add(p)) }
        if let country = query.country { conditions.append("c.merchant_country = " + args.add(country)) }
        if let lo = query.minScore { conditions.append("c.score >= " + args.add(lo)) }
        if let hi = query.maxScore { conditions.append("c.score <= " + args.add(hi)) }
        if let search = query.search, !search.allSatisfy(\.isWhitespace) {
            if let q = PGSearch.query(search) {
                conditions.append("c.search @@ \(args.add(q))::tsquery")
            } else {
                conditions.append("false") // only punctuation: matches nothing, as on SQLite
            }
        }
        if let mv = query.modelVersion, let at = mv.lastIndex(of: "@") {
            let model = args.add(String(mv[..<at])), version = args.add(String(mv[mv.index(after: at)...]))
            conditions.append("EXISTS (SELECT 1 FROM score s WHERE s.case_row = c.id AND s.model = \(model) AND s.version = \(version))")
        }
        return conditions
    }

    static func whereClause(_ conditions: [String]) -> String {
        conditions.isEmpty ? "" : "\nWHERE " + conditions.joined(separator: " AND ")
    }

    /// The column a queue is sorted on, and whether the queue runs down it (as on SQLite).
    static func sortKey(_ sort: QueueSort) -> (column: String, descending: Bool) {
        (sort == .score ? "c.score" : sort == .age ? "c.flagged_at" : "c.margin", sort.descending)
    }
}
