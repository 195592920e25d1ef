import Foundation
import PostgresNIO
import TriageFormats
import TriageStore

/// PostgreSQL's side of `triage db copy` (``CopyEndpoint``). Writing needs the user who owns the
/// schema (who ran `triage db init`): the copy inserts other people's label events, which
/// row-level security allows only to the owner.
///
/// Label events are inserted in id order with the cases open and unlabelled, so the database's
/// own rule (`triage_label_applied`) replays each event against its case, refusing a history
/// in which an event does not supersede its case's current label; the settle step then restores
/// the source's exact values.
extension PostgresStore: CopyEndpoint {
    public func copyCount(_ table: CopyTable) throws -> Int {
        try pool.with { c in try c.query("SELECT count(*) FROM \(table.name)").first?.decode(Int.self) ?? 0 }
    }

    public func copyRows(_ table: CopyTable, after: [CopyValue]?, limit: Int) throws -> [[CopyValue]] {
        let select = table.columns.map { column -> String in
            switch column.kind {
            case .boolean: return "\(column.name)::int::bigint"
            case .integer: return "\(column.name)::bigint"
            case .real, .text: return column.name
            }
        }
        let kinds = Dictionary(uniqueKeysWithValues: table.columns.map { ($0.name, $0.kind) })
        // Text keys bytewise, as SQLite orders them, so both sides stream rows in one order.
        let key = table.key.map { kinds[$0] == .text ? "\($0) COLLATE \"C\"" : $0 }
        var args = PGArguments()
        var sql = "SELECT \(select.joined(separator: ", ")) FROM \(table.name)"
        if let after {
            let placeholders = after.map { v -> String in
                switch v {
                case .integer(let i): return args.add(i)
                case .text(let s): return args.add(s)
                case .real(let d): return args.add(d)
                case .null: return "NULL"
                }
            }
            sql += " WHERE (\(key.joined(separator: ", "))) > (\(placeholders.joined(separator: ", ")))"
        }
        sql += " ORDER BY \(key.joined(separator: ", ")) LIMIT \(args.add(limit))"
        return try pool.with { c in
            try c.query(sql, args.binds).map { row in
                let r = row.makeRandomAccess()
                return try table.columns.enumerated().map { i, column -> CopyValue in
                    switch column.kind {
                    case .integer, .boolean: return (try r[i].decode(Int64?.self)).map(CopyValue.integer) ?? .null
                    case .real: return (try r[i].decode(Double?.self)).map(CopyValue.real) ?? .null
                    case .text: return (try r[i].decode(String?.self)).map(CopyValue.text) ?? .null
                    }
                }
            }
        }
    }

    public func copyPrepare() throws {
        try transaction { c in
            for t in ["import_batch", "cases", "label_event", "person", "project"] {
                let n = try c.query("SELECT count(*) FROM \(t)").first?.decode(Int.self) ?? 0
                guard n == 0 else { throw StoreError.refused("\(location) is not empty (\(t) has \(n) rows): copy into a new database") }
            }
            try c.execute(script: "DELETE FROM reason_code; DELETE FROM policy_area; DELETE FROM decision; DELETE FROM feature_name;")
        }
    }

    public func copyWrite(_ table: CopyTable, _ rows: [[CopyValue]]) throws {
        guard !rows.isEmpty else { return }
        let names = table.columnNames
        // Cases arrive open and unlabelled and project cases uncounted: the label events' trigger
        // then brings each to where its history leads (see copySettle).
        var fixed: [Int: CopyValue] = [:]
        if table.name == "cases" {
            fixed[names.firstIndex(of: "status")!] = .text("open")
            fixed[names.firstIndex(of: "current_label")!] = .null
        } else if table.name == "project_case" {
            fixed[names.firstIndex(of: "label_count")!] = .integer(0)
        }
        var args = PGArguments()
        var tuples: [String] = []
        for row in rows {
            var cells: [String] = []
            for (i, column) in table.columns.enumerated() {
                cells.append(Self.placeholder(fixed[i] ?? row[i], column.kind, &args))
            }
            tuples.append("(" + cells.joined(separator: ", ") + ")")
        }
        let sql = "INSERT INTO \(table.name) (\(names.joined(separator: ", "))) VALUES " + tuples.joined(separator: ",\n")
        try transaction { c in try c.query(sql, args.binds) }
    }

    public func copySettle(_ table: CopyTable, _ rows: [[CopyValue]]) throws {
        guard !rows.isEmpty else { return }
        let names = table.columnNames
        func at(_ n: String) -> Int { names.firstIndex(of: n)! }
        var args = PGArguments()
        let sql: String
        switch table.name {
        case "cases":
            let tuples = rows.map { r in
                "(" + [Self.placeholder(r[at("id")], .integer, &args), Self.placeholder(r[at("status")], .text, &args),
                       Self.placeholder(r[at("current_label")], .integer, &args), Self.placeholder(r[at("updated_at")], .integer, &args)]
                    .joined(separator: ", ") + ")"
            }
            sql = """
                UPDATE cases AS c SET status = v.status, current_label = v.current_label, updated_at = v.updated_at
                FROM (VALUES \(tuples.joined(separator: ", "))) AS v(id, status, current_label, updated_at) WHERE c.id = v.id
                """
        case "project_case":
            let tuples = rows.map { r in
                "(" + [Self.placeholder(r[at("project")], .text, &args), Self.placeholder(r[at("case_row")], .integer, &args),
                       Self.placeholder(r[at("label_count")], .integer, &args)].joined(separator: ", ") + ")"
            }
            sql = """
                UPDATE project_case AS p SET label_count = v.label_count
                FROM (VALUES \(tuples.joined(separator: ", "))) AS v(project, case_row, label_count)
                WHERE p.project = v.project AND p.case_row = v.case_row
                """
        default:
            return
        }
        try transaction { c in try c.query(sql, args.binds) }
    }

    public func copyFinish() throws {
        // Search vectors, a page of cases at a time.
        var after: Int64 = 0
        while true {
            var b = PostgresBindings()
            b.append(after)
            let page: [(Int64, String)] = try pool.with { c in
                try c.query("""
                    SELECT c.id, c.merchant_name, c.merchant_description,
                           (SELECT coalesce(json_agg(r.text ORDER BY r.id), '[]')::text FROM rationale r WHERE r.case_row = c.id),
                           (SELECT coalesce(json_agg(e.text ORDER BY e.id) FILTER (WHERE e.text IS NOT NULL), '[]')::text
                            FROM evidence e WHERE e.case_row = c.id)
                    FROM cases c WHERE c.id > $1 ORDER BY c.id LIMIT 2000
                    """, b).map { row in
                    let (id, name, description, rationales, evidence) = try row.decode((Int64, String, String?, String, String).self)
                    return (id, PGSearch.vector(name: name, description: description, rationales: JSONText.decodeStrings(rationales) ?? [],
                                              evidence: JSONText.decodeStrings(evidence) ?? []))
                }
            }
            guard let last = page.last else { break }
            var args = PGArguments()
            let tuples = page.map { "(\(args.add($0.0))::bigint, \(args.add($0.1))::text)" }
            try transaction { c in
                try c.query("""
                    UPDATE cases AS c SET search = v.words::tsvector
                    FROM (VALUES \(tuples.joined(separator: ", "))) AS v(id, words) WHERE c.id = v.id
                    """, args.binds)
            }
            after = last.0
        }
        // The dashboard's counters, from the copied rows (``PGSchema/aggregates``).
        try transaction { c in try c.query("SELECT triage_recompute_aggregates()") }
        // New rows continue after the copied ids.
        try pool.with { c in
            for table in CopyPlan.tables where table.key == ["id"] {
                try c.query("SELECT setval(pg_get_serial_sequence('\(table.name)', 'id'), (SELECT coalesce(max(id), 0) + 1 FROM \(table.name)), false)")
            }
        }
    }

    /// A typed placeholder for `value` in a column of `kind`.
    static func placeholder(_ value: CopyValue, _ kind: CopyKind, _ args: inout PGArguments) -> String {
        let type: String
        switch kind {
        case .integer: type = "bigint"
        case .real: type = "double precision"
        case .text: type = "text"
        case .boolean: type = "boolean"
        }
        switch value {
        case .null: return "NULL::\(type)"
        case .integer(let i): return kind == .boolean ? args.add(i != 0) + "::boolean" : args.add(i) + "::\(type)"
        case .real(let d): return args.add(d) + "::\(type)"
        case .text(let s): return args.add(s) + "::\(type)"
        }
    }
}
