import GRDB
import TriageStore

/// SQLite's side of `triage db copy` (``CopyEndpoint``).
extension SQLiteStore: CopyEndpoint {
    public func copyCount(_ table: CopyTable) throws -> Int {
        try guarded { try pool.read { db in try Int.fetchOne(db, sql: "SELECT count(*) FROM \(table.name)") ?? 0 } }
    }

    public func copyRows(_ table: CopyTable, after: [CopyValue]?, limit: Int) throws -> [[CopyValue]] {
        let key = table.key.joined(separator: ", ")
        var sql = "SELECT \(table.columnNames.joined(separator: ", ")) FROM \(table.name)"
        var args: [DatabaseValue] = []
        if let after {
            sql += " WHERE (\(key)) > (\(Array(repeating: "?", count: after.count).joined(separator: ", ")))"
            args = after.map(Self.databaseValue)
        }
        sql += " ORDER BY \(key) LIMIT ?"
        args.append(limit.databaseValue)
        return try guarded {
            try pool.read { db in
                try Row.fetchAll(db.cachedStatement(sql: sql), arguments: StatementArguments(args)).map { row in
                    table.columns.enumerated().map { i, column in Self.copyValue(row[i] as DatabaseValue, column.kind) }
                }
            }
        }
    }

    public func copyPrepare() throws {
        try guarded {
            try write { db in
                for t in ["import_batch", "cases", "label_event", "person", "project"] {
                    let n = try Int.fetchOne(db, sql: "SELECT count(*) FROM \(t)") ?? 0
                    guard n == 0 else {
                        throw StoreError.refused("\(path) is not empty (\(t) has \(n) rows): copy into a new database")
                    }
                }
                try db.execute(sql: "DELETE FROM reason_code; DELETE FROM policy_area; DELETE FROM decision; DELETE FROM feature_name;")
            }
        }
    }

    public func copyWrite(_ table: CopyTable, _ rows: [[CopyValue]]) throws {
        let names = table.columnNames
        let sql = "INSERT INTO \(table.name) (\(names.joined(separator: ", "))) VALUES (\(Array(repeating: "?", count: names.count).joined(separator: ", ")))"
        // A case arrives open and unlabelled, as an import leaves it; its label events then
        // arrive and copySettle gives it its status, so the dashboard's aggregates (kept by
        // triggers) follow the same steps as when the labels were made.
        let status = table.name == "cases" ? names.firstIndex(of: "status") : nil
        let current = table.name == "cases" ? names.firstIndex(of: "current_label") : nil
        try guarded {
            try write { db in
                let statement = try db.cachedStatement(sql: sql)
                for row in rows {
                    var values = row.map(Self.databaseValue)
                    if let status { values[status] = "open".databaseValue }
                    if let current { values[current] = .null }
                    try statement.execute(arguments: StatementArguments(values))
                }
            }
        }
    }

    public func copySettle(_ table: CopyTable, _ rows: [[CopyValue]]) throws {
        let names = table.columnNames
        func at(_ n: String) -> Int { names.firstIndex(of: n)! }
        try guarded {
            try write { db in
                switch table.name {
                case "cases":
                    let statement = try db.cachedStatement(sql: "UPDATE cases SET status = ?, current_label = ?, updated_at = ? WHERE id = ?")
                    for r in rows {
                        try statement.execute(arguments: StatementArguments([r[at("status")], r[at("current_label")], r[at("updated_at")],
                                                                             r[at("id")]].map(Self.databaseValue)))
                    }
                case "project_case":
                    let statement = try db.cachedStatement(sql: "UPDATE project_case SET label_count = ? WHERE project = ? AND case_row = ?")
                    for r in rows {
                        try statement.execute(arguments: StatementArguments([r[at("label_count")], r[at("project")], r[at("case_row")]]
                            .map(Self.databaseValue)))
                    }
                default:
                    break
                }
            }
        }
    }

    public func copyFinish() throws {
        try guarded {
            try write { db in try db.execute(sql: "INSERT INTO case_search(case_search) VALUES ('rebuild')") }
        }
    }

    static func databaseValue(_ v: CopyValue) -> DatabaseValue {
        switch v {
        case .null: return .null
        case .integer(let i): return i.databaseValue
        case .real(let d): return d.databaseValue
        case .text(let s): return s.databaseValue
        }
    }

    /// A stored value as `kind` (a REAL column may hold an integer-valued number as an integer).
    static func copyValue(_ v: DatabaseValue, _ kind: CopyKind) -> CopyValue {
        switch v.storage {
        case .null: return .null
        case .int64(let i): return kind == .real ? .real(Double(i)) : .integer(i)
        case .double(let d): return kind == .real ? .real(d) : .integer(Int64(d))
        case .string(let s): return .text(s)
        case .blob(let b): return .text(String(decoding: b, as: UTF8.self))
        }
    }
}
