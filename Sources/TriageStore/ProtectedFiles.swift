import Foundation

/// The files a command must never write over: the database it has open (with the `-wal`,
/// `-shm`, `-journal` and `-wanted` files SQLite and triage keep beside it) and the files it
/// reads. Every output path is checked against them before anything is created, by file identity
/// (so a symbolic or hard link to the database is caught) and by resolved path (so `DB-wal` is
/// caught before it exists). Any existing SQLite database is protected too, whichever command
/// writes: no output of triage's is ever a database.
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
        let target = Self.identity(of: output)
        let resolvedOutput = Self.resolved(output)
        for e in entries {
            if e.path == "-" {
                var st = stat()
                if let target, fstat(0, &st) == 0, (st.st_mode & S_IFMT) == S_IFREG, st.st_dev == target.dev, st.st_ino == target.ino {
                    return "\(e.what) (standard input)"
                }
                continue
            }
            if let target, let id = Self.identity(of: e.path), id == target { return "\(e.what) (\(e.path))" }
            let base = Self.resolved(e.path)
            if base == resolvedOutput { return "\(e.what) (\(e.path))" }
            for c in e.companions {
                if let target, let id = Self.identity(of: e.path + c.suffix), id == target { return "\(c.what) (\(e.path + c.suffix))" }
                if base + c.suffix == resolvedOutput { return "\(c.what) (\(e.path + c.suffix))" }
            }
        }
        if let target, target.isRegular, Self.isSQLiteDatabase(output) { return "a SQLite database (\(output))" }
        return nil
    }

    struct Identity: Equatable {
        var dev: UInt64
        var ino: UInt64
        var isRegular: Bool
        static func == (a: Identity, b: Identity) -> Bool { a.dev == b.dev && a.ino == b.ino }
    }

    /// The device and inode `path` names (following links); nil when it does not exist.
    static func identity(of path: String) -> Identity? {
        var st = stat()
        guard stat(path, &st) == 0 else { return nil }
        return Identity(dev: UInt64(st.st_dev), ino: UInt64(st.st_ino), isRegular: (st.st_mode & S_IFMT) == S_IFREG)
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

    /// Whether the file at `path` starts with SQLite's 16-byte header.
    static func isSQLiteDatabase(_ path: String) -> Bool {
        let fd = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK)
        guard fd >= 0 else { return false }
        defer { close(fd) }
        var head = [UInt8](repeating: 0, count: 16)
        let n = read(fd, &head, 16)
        return n == 16 && head == Array("SQLite format 3\u{0}".utf8)
    }
}
