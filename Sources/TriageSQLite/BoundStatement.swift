import GRDB
import GRDBSQLite

/// A prepared statement bound and run through SQLite's C API, for the import's hot path: GRDB's
/// `StatementArguments` box every value of every row into an array of `DatabaseValue`s, which
/// costs more than the insert itself when a case writes a dozen rows.
///
/// The statement is the caller's own (made with `makeStatement`, never a cached one shared with
/// GRDB's own calls), so GRDB never sees it half-bound. Bind every parameter, then ``run()``,
/// which steps to the end, resets and clears the bindings.
struct BoundStatement {
    private let statement: Statement
    private let connection: OpaquePointer
    private var raw: OpaquePointer { statement.sqliteStatement }

    init(_ db: Database, sql: String) throws {
        statement = try db.makeStatement(sql: sql)
        connection = db.sqliteConnection!
    }

    /// SQLite copies the bytes before the bind returns.
    private static let transient = unsafeBitCast(-1, to: sqlite3_destructor_type.self)

    func bind(_ index: Int32, _ text: String?) {
        guard let text else { sqlite3_bind_null(raw, index); return }
        let bound: Int32? = text.utf8.withContiguousStorageIfAvailable { b in
            // An empty buffer may have no address, and a NULL pointer would bind NULL, not ''.
            if b.isEmpty { return sqlite3_bind_text(raw, index, "", 0, Self.transient) }
            return sqlite3_bind_text(raw, index, UnsafeRawPointer(b.baseAddress!).assumingMemoryBound(to: CChar.self),
                                     Int32(b.count), Self.transient)
        }
        if bound == nil { bind(index, Array(text.utf8)) }
    }

    private func bind(_ index: Int32, _ bytes: [UInt8]) {
        _ = bytes.withUnsafeBufferPointer { b in
            if b.isEmpty {
                sqlite3_bind_text(raw, index, "", 0, Self.transient)
            } else {
                sqlite3_bind_text(raw, index, UnsafeRawPointer(b.baseAddress!).assumingMemoryBound(to: CChar.self),
                                  Int32(b.count), Self.transient)
            }
        }
    }

    func bind(_ index: Int32, _ value: Double?) {
        if let value { sqlite3_bind_double(raw, index, value) } else { sqlite3_bind_null(raw, index) }
    }

    func bind(_ index: Int32, _ value: Int64?) {
        if let value { sqlite3_bind_int64(raw, index, value) } else { sqlite3_bind_null(raw, index) }
    }

    /// Steps the statement to its end; returns how many rows it changed. Throws GRDB's
    /// `DatabaseError` (so the store's error translation applies) when SQLite refuses.
    @discardableResult
    func run() throws -> Int {
        defer {
            sqlite3_reset(raw)
            sqlite3_clear_bindings(raw)
        }
        var code = sqlite3_step(raw)
        while code == SQLITE_ROW { code = sqlite3_step(raw) }
        guard code == SQLITE_DONE else {
            throw DatabaseError(resultCode: ResultCode(rawValue: code), message: String(cString: sqlite3_errmsg(connection)),
                                sql: statement.sql)
        }
        return Int(sqlite3_changes(connection))
    }
}
