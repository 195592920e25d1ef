import GRDB
import GRDBSQLite

/// A prepared statement bound and run through SQLite's C API, for the hot paths of import and
/// export: GRDB's `StatementArguments` box every value of every row into an array of
/// `DatabaseValue`s, and its `Row`s are objects of their own, which costs more than the insert
/// itself when a case writes a dozen rows, and about a fifth of an export.
///
/// The statement is the caller's own (made with `makeStatement`, never a cached one shared with
/// GRDB's own calls), so GRDB never sees it half-bound. To write: bind every parameter, then
/// ``run()``, which steps to the end, resets and clears the bindings. To read: bind, then
/// ``step()`` while it returns true, reading columns by position, then ``reset()``.
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

    /// Moves to the next row: true when there is one, false at the end. Throws GRDB's
    /// `DatabaseError` when SQLite refuses.
    func step() throws -> Bool {
        let code = sqlite3_step(raw)
        if code == SQLITE_ROW { return true }
        guard code == SQLITE_DONE else {
            throw DatabaseError(resultCode: ResultCode(rawValue: code), message: String(cString: sqlite3_errmsg(connection)),
                                sql: statement.sql)
        }
        return false
    }

    /// Rewinds the statement after ``step()`` and clears its bindings.
    func reset() {
        sqlite3_reset(raw)
        sqlite3_clear_bindings(raw)
    }

    /// Whether column `i` (from 0) of the current row is NULL.
    func isNull(_ i: Int32) -> Bool { sqlite3_column_type(raw, i) == SQLITE_NULL }

    func int64(_ i: Int32) -> Int64 { sqlite3_column_int64(raw, i) }
    func int64OrNil(_ i: Int32) -> Int64? { isNull(i) ? nil : int64(i) }
    func double(_ i: Int32) -> Double { sqlite3_column_double(raw, i) }
    func doubleOrNil(_ i: Int32) -> Double? { isNull(i) ? nil : double(i) }

    /// Column `i` as text ("" for NULL).
    func text(_ i: Int32) -> String {
        // Text first, then its length: the order SQLite's documentation asks for.
        guard let p = sqlite3_column_text(raw, i) else { return "" }
        return String(decoding: UnsafeBufferPointer(start: p, count: Int(sqlite3_column_bytes(raw, i))), as: UTF8.self)
    }

    func textOrNil(_ i: Int32) -> String? { isNull(i) ? nil : text(i) }

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
