/// Errors a store reports to people. Each message says what happened and what to do.
public enum StoreError: Error, Sendable, Equatable, CustomStringConvertible {
    case databaseMissing(path: String)
    /// A PostgreSQL server answered but has no database of that name (`server`: where it is;
    /// `url`: the --db given).
    case serverDatabaseMissing(database: String, server: String, url: String)
    case notADatabase(path: String)
    /// A database whose pages or values cannot be read as written (`detail`: SQLite's words).
    case damaged(path: String, detail: String)
    /// A SQLite database that is not triage's (it holds other tables): left untouched.
    case foreignDatabase(path: String, tables: [String])
    /// An empty file or database opened by a command that does not create one.
    case emptyDatabase(path: String)
    /// A database from an older triage, opened by a command that only reads.
    case needsMigration(path: String)
    case readOnly(path: String)
    case locked(path: String)
    case newerSchema(path: String, found: String, known: String)
    case caseNotFound(String)
    case invalidLabel(caseID: String, problems: [String])
    /// The case's current label is not the one the draft expected (someone else labelled it).
    case labelConflict(caseID: String, current: Int64?, expected: Int64?)
    /// The request breaks a rule of the data (e.g. a taxonomy that drops a policy area in use).
    case refused(String)
    /// The person may not do this in their role (see `triage users list`).
    case notAllowed(String)
    case storage(String)
    /// The database server cannot be reached, refused the connection, or lost it.
    case unavailable(String)

    public var description: String {
        switch self {
        case .databaseMissing(let p):
            return "no database at \(p): run `triage import FILE --db \(p)` to create one, or check --db / $TRIAGE_DB"
        case .serverDatabaseMissing(let name, let server, let url):
            return "PostgreSQL at \(server) has no database '\(name)': create it (`createdb \(name)` as a user who may, "
                + "or CREATE DATABASE in psql), then run `triage db init --db '\(url)'`"
        case .notADatabase(let p):
            return "\(p) is not a triage database (not SQLite, or damaged): check the path given with --db or $TRIAGE_DB"
        case .damaged(let p, let detail):
            return "\(p) is damaged (\(detail)): this command stopped and changed nothing more; check it with "
                + "`sqlite3 \(p) 'PRAGMA integrity_check'`, and restore a backup or recover it (`sqlite3 \(p) .recover`)"
        case .foreignDatabase(let p, let tables):
            let shown = tables.prefix(3).joined(separator: ", ") + (tables.count > 3 ? ", …" : "")
            return "\(p) is a SQLite database but not triage's (it has \(tables.count) other table\(tables.count == 1 ? "" : "s"): \(shown)); "
                + "it was left untouched: check --db or $TRIAGE_DB"
        case .emptyDatabase(let p):
            return "\(p) is empty, not yet a triage database: create it with `triage import FILE --db \(p)` or `triage db init --db \(p)`"
        case .needsMigration(let p):
            return "\(p) was written by an older triage: upgrade it with `triage db migrate --db \(p)` (commands that only read never change it)"
        case .readOnly(let p):
            return "\(p) is read-only for you: ask its owner for write access (group-writable file and directory)"
        case .locked(let p):
            return "\(p) is locked by another process for too long: wait for it (an import?) and try again"
        case .newerSchema(let p, let found, let known):
            return "\(p) was written by a newer triage (schema \(found); this one knows up to \(known)): upgrade triage"
        case .caseNotFound(let id):
            return "no case with id '\(id)'"
        case .invalidLabel(let id, let problems):
            return "label for '\(id)' refused: " + problems.joined(separator: "; ")
        case .labelConflict(let id, let current, let expected):
            let cur = current.map { "event \($0)" } ?? "no label"
            let exp = expected.map { "event \($0)" } ?? "no label"
            return "case '\(id)' changed meanwhile: its current label is \(cur), not \(exp) as expected; reload and decide again"
        case .refused(let m), .notAllowed(let m), .storage(let m), .unavailable(let m):
            return m
        }
    }
}
