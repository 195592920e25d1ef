import Foundation

/// The files a command must never write over: the database it has open (with the `-wal`,
/// `-shm`, `-journal` and `-wanted` files SQLite and triage keep beside it) and the files it
/// reads. Every output path is checked against them before anything is created, by file identity
/// (so a symbolic or hard link to the database is caught) and by resolved path (so `DB-wal` is
/// caught before it exists). Any existing SQLite database, and the companion files beside one,
/// are protected too, whichever command writes: no output of triage's is ever a database.
///
/// ```swift
/// var protected = ProtectedFiles()
/// protected.database("/srv/triage/triage.sqlite")
/// protected.conflict(with: "/srv/triage/triage.sqlite-wal")  // "the database's write-ahead log …"
/// ```
public struct ProtectedFiles: Sendable {
    struct Entry: Sendable {
        var path: String
        var what: String
        /// The database's companions, by suffix, as named in messages.
        var companions: [(suffix: String, what: String)]
    }
    private var entries: [Entry] = []

    public init() {}

    /// Protects the SQLite database at `path` and its companion files.
    public mutating func database(_ path: String) {
        entries.append(Entry(path: path, what: "the database", companions: [
            ("-wal", "the database's write-ahead log"), ("-shm", "the database's shared-memory file"),
            ("-journal", "the database's rollback journal"), ("-wanted", "the database's lock-wanted file"),
        ]))
    }

    /// Protects an input file (`-`, standard input, when it is redirected from a file).
    public mutating func input(_ path: String) {
        entries.append(Entry(path: path, what: "an input of this command", companions: []))
    }

    /// What `output` would overwrite, described for a message ("the database (db.sqlite)"), or
    /// nil when it is safe to write.
    public func conflict(with output: String) -> String? {
        let target = FileID.of(output)
        let resolvedOutput = Self.resolved(output)
        for e in entries {
            if e.path == "-" {
                if let target, FileID.of(descriptor: 0) == target { return "\(e.what) (standard input)" }
                continue
            }
            if let target, FileID.of(e.path) == target { return "\(e.what) (\(e.path))" }
            let base = Self.resolved(e.path)
            if base == resolvedOutput { return "\(e.what) (\(e.path))" }
            for c in e.companions {
                if let target, FileID.of(e.path + c.suffix) == target { return "\(c.what) (\(e.path + c.suffix))" }
                if base + c.suffix == resolvedOutput { return "\(c.what) (\(e.path + c.suffix))" }
            }
        }
        // Whatever the command has open: no output of triage's is ever a SQLite database, or the
        // write-ahead log, shared memory or journal beside one.
        if FileIO.hasSQLiteHeader(output) { return "a SQLite database (\(output))" }
        for suffix in ["-wal", "-shm", "-journal"] where output.hasSuffix(suffix) {
            let base = String(output.dropLast(suffix.count))
            if FileIO.hasSQLiteHeader(base) { return "a file SQLite keeps beside the database \(base)" }
        }
        return nil
    }

    /// `path` with every link and `..` resolved; for a file that does not exist yet, its
    /// directory resolved and its name appended.
    static func resolved(_ path: String) -> String {
        if let r = realPath(path) { return r }
        let dir = (path as NSString).deletingLastPathComponent
        let name = (path as NSString).lastPathComponent
        return (realPath(dir.isEmpty ? "." : dir) ?? dir) + "/" + name
    }

    private static func realPath(_ path: String) -> String? {
        guard let p = realpath(path, nil) else { return nil }
        defer { free(p) }
        return String(cString: p)
    }
}
