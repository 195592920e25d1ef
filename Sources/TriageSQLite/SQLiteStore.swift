import Foundation
import GRDB
import TriageCore
import TriageStore

/// The case store on a SQLite file, through GRDB: the embedded default.
///
/// One `DatabasePool` (WAL: readers never wait for the writer), every write a short IMMEDIATE
/// transaction with a busy timeout, `synchronous = FULL` so a label is durable when
/// ``recordLabel(_:)`` returns; plus one read-only connection that only answers
/// ``dataVersion()``. Several processes may open the same file at once.
public final class SQLiteStore: CaseStore, @unchecked Sendable {
    let pool: DatabasePool
    /// One connection kept open only to read `PRAGMA data_version` (see ``dataVersion()``): the
    /// value is per connection, and the pool's readers are several connections.
    private let versionReader: DatabaseQueue
    /// The file path.
    public let path: String
    /// Each labelling project's label quality as last computed (see ``labelQuality()``).
    let labelQualityCache = LabelQualityCache()
    public var location: String { path }

    /// How long a write waits for another process's write lock before giving up.
    public static let busyTimeout: TimeInterval = 10
    /// How often a waiting write tries the lock again. SQLite's own busy timeout backs off to
    /// 100 ms between tries, which would miss the short gaps an import leaves between its
    /// chunks; a steady 2 ms poll takes the lock within a gap.
    static let busyPollMicroseconds: UInt32 = 2_000

    /// Waits for a busy lock by polling every ``busyPollMicroseconds`` for up to ``busyTimeout``,
    /// and says so: every 50 ms of waiting it touches `wantedFile` (see ``lockWantedFile(_:)``),
    /// which tells an import holding the lock to commit its chunk now rather than later.
    static func busyMode(wantedFile: String) -> Database.BusyMode {
        .callback { tries in
            guard Double(tries) * Double(busyPollMicroseconds) < busyTimeout * 1_000_000 else { return false }
            if tries % 25 == 0 {
                // Create or touch; a failure (a read-only directory) only means the import
                // commits at its longest chunk instead.
                let fd = open(wantedFile, O_WRONLY | O_CREAT | O_CLOEXEC, 0o666)
                if fd >= 0 {
                    futimens(fd, nil)
                    close(fd)
                }
            }
            usleep(busyPollMicroseconds)
            return true
        }
    }

    /// The file whose modification time is the last moment a writer waited for this database's
    /// lock (`DB-wanted`, beside `DB-wal` and `DB-shm`).
    static func lockWantedFile(_ path: String) -> String { path + "-wanted" }

    /// The WAL size past which a background checkpoint runs (see `init`'s `checkpointsInBackground`).
    public static let backgroundCheckpointWALBytes: Int64 = 4 << 20
    /// Checkpoints the WAL from a connection of its own, off the write path (see `init`).
    private let checkpointer: Checkpointer?
    /// The `wal_autocheckpoint` of this store's connections (0 when checkpoints run in the
    /// background), which a bulk import restores after raising it.
    let autocheckpointPages: Int

    /// The identity of the database file and of its write-ahead log, as they were when this
    /// store opened them (see ``verifyFiles()``).
    private let files: FileIdentity

    /// Opens the database at `path` for `access`:
    ///
    /// - ``StoreAccess/create`` makes the file (and its missing directories) when there is none,
    ///   and the schema in a new or empty file;
    /// - ``StoreAccess/readWrite`` needs a triage database, and applies pending migrations;
    /// - ``StoreAccess/readOnly`` needs a triage database at the current schema, and opens it
    ///   read-only: nothing is written.
    ///
    /// A SQLite database that is not triage's (it has tables, but not triage's migrations) is
    /// refused before anything touches it (``StoreError/foreignDatabase(path:tables:)``): not
    /// switched to WAL, no table added.
    ///
    /// With `checkpointsInBackground` (for long sessions such as the workbench), no commit ever
    /// copies the WAL back into the database file itself: SQLite's automatic checkpoint runs
    /// inside the commit that crosses 1,000 WAL pages, which made one label commit in about 40
    /// take several milliseconds (a write and an fsync of the main file). A timer instead runs a
    /// passive checkpoint, which never waits for readers or writers, from its own connection
    /// once a second when the WAL has grown past 4 MiB. Short commands keep SQLite's automatic
    /// checkpoints (their process may exit before a timer fires).
    ///
    /// Throws ``StoreError`` with a message for people: no such file (without `create`), not a
    /// database, not triage's, read-only, locked for longer than the busy timeout, or a newer schema.
    public init(path: String, access: StoreAccess, checkpointsInBackground: Bool = false) throws {
        self.path = path
        let readOnly = access == .readOnly
        autocheckpointPages = checkpointsInBackground ? 0 : 1000
        let fm = FileManager.default
        var isDir: ObjCBool = false
        let exists = fm.fileExists(atPath: path, isDirectory: &isDir)
        if isDir.boolValue { throw StoreError.notADatabase(path: path) }
        if !exists {
            guard access == .create else { throw StoreError.databaseMissing(path: path) }
            let dir = (path as NSString).deletingLastPathComponent
            if !dir.isEmpty, !fm.fileExists(atPath: dir) {
                do { try fm.createDirectory(atPath: dir, withIntermediateDirectories: true) }
                catch { throw StoreError.storage("cannot create the directory \(dir): \(error.localizedDescription)") }
            }
        } else {
            switch try Self.contents(of: path) {
            case .empty where access != .create: throw StoreError.emptyDatabase(path: path)
            case .foreign(let tables): throw StoreError.foreignDatabase(path: path, tables: tables)
            case .empty, .triage: break
            }
            if !readOnly {
                if !fm.isWritableFile(atPath: path) { throw StoreError.readOnly(path: path) }
                let dir = (path as NSString).deletingLastPathComponent
                if !fm.isWritableFile(atPath: dir.isEmpty ? "." : dir) { throw StoreError.readOnly(path: dir.isEmpty ? "." : dir) }
            }
        }
        var config = Configuration()
        config.busyMode = readOnly ? .timeout(Self.busyTimeout) : Self.busyMode(wantedFile: Self.lockWantedFile(path))
        config.readonly = readOnly
        config.label = "triage"
        config.prepareDatabase { db in
            try db.execute(sql: "PRAGMA synchronous = FULL")
            if checkpointsInBackground { try db.execute(sql: "PRAGMA wal_autocheckpoint = 0") }
        }
        var versionConfig = Configuration()
        versionConfig.readonly = true
        versionConfig.busyMode = config.busyMode
        versionConfig.label = "triage.data_version"
        do {
            pool = try DatabasePool(path: path, configuration: config)
            try Self.migrate(pool, path: path, readOnly: readOnly)
            versionReader = try DatabaseQueue(path: path, configuration: versionConfig)
            checkpointer = checkpointsInBackground && !readOnly ? try Checkpointer(path: path, configuration: config) : nil
        } catch let e as StoreError {
            throw e
        } catch let e as DatabaseError {
            throw Self.translate(e, path: path)
        } catch let e as RowDecodingError {
            throw StoreError.damaged(path: path, detail: "a value cannot be read: \(e)")
        }
        files = FileIdentity(path: path)
    }

    /// Opens the database at `path`; `create` is ``StoreAccess/create``, otherwise
    /// ``StoreAccess/readWrite``.
    public convenience init(path: String, create: Bool, checkpointsInBackground: Bool = false) throws {
        try self.init(path: path, access: create ? .create : .readWrite, checkpointsInBackground: checkpointsInBackground)
    }

    /// What an existing file holds, read without changing it.
    private enum Contents {
        /// Zero bytes, or a SQLite database without tables.
        case empty
        case triage
        /// A SQLite database with tables but not triage's migrations.
        case foreign(tables: [String])
    }

    private static func contents(of path: String) throws -> Contents {
        var st = stat()
        if stat(path, &st) == 0 && st.st_size == 0 { return .empty }
        // SQLite files start with a 16-byte header; anything else is not ours to touch. (A file
        // we may not read at all gets SQLite's own word below.)
        if access(path, R_OK) == 0, !FileIO.hasSQLiteHeader(path) { throw StoreError.notADatabase(path: path) }
        var config = Configuration()
        config.readonly = true
        config.busyMode = .timeout(busyTimeout)
        do {
            let q = try DatabaseQueue(path: path, configuration: config)
            return try q.read { db in
                let tables = try String.fetchAll(db, sql: """
                    SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name
                    """)
                if tables.isEmpty { return .empty }
                // A triage database records its first migration; a newer triage's still does. (Read
                // by scanning the table, not its index: a damaged index must read as damaged.)
                if tables.contains("grdb_migrations"),
                   try String.fetchAll(db, sql: "SELECT identifier FROM grdb_migrations NOT INDEXED")
                       .contains(Schema.migrator.migrations.first ?? "") {
                    return .triage
                }
                return .foreign(tables: tables)
            }
        } catch let e as DatabaseError {
            throw translate(e, path: path)
        } catch let e as RowDecodingError {
            throw StoreError.damaged(path: path, detail: "a value cannot be read: \(e)")
        }
    }

    private static func migrate(_ pool: DatabasePool, path: String, readOnly: Bool) throws {
        let migrator = Schema.migrator
        let (superseded, complete) = try pool.read { db in
            (try migrator.hasBeenSuperseded(db), try migrator.hasCompletedMigrations(db))
        }
        if superseded {
            let applied = try pool.read { db in try migrator.appliedIdentifiers(db) }
            let unknown = applied.subtracting(migrator.migrations).sorted()
            throw StoreError.newerSchema(path: path, found: unknown.last ?? "unknown", known: Schema.latest)
        }
        if !complete {
            if readOnly { throw StoreError.needsMigration(path: path) }
            try migrator.migrate(pool)
            try pool.write { db in
                if try Int.fetchOne(db, sql: "SELECT count(*) FROM decision") == 0 {
                    try Self.writeTaxonomy(Taxonomy.standard, db)
                }
            }
        }
    }

    /// Runs `body` in a write transaction (IMMEDIATE, committed with `synchronous = FULL`), then
    /// checks that the commit went to the files others open (``verifyFiles()``). Every write of
    /// the store goes through here.
    func write<T>(_ body: (Database) throws -> T) throws -> T {
        try guarded {
            let result = try pool.write(body)
            try verifyFiles()
            return result
        }
    }

    /// Throws when the database file or its write-ahead log is no longer the one this store
    /// opened (removed, or replaced by another file of the same name): SQLite keeps writing to
    /// the files it holds open, so a commit would succeed into a file no one else can see and
    /// that is gone when this process ends. Two `stat` calls.
    public func verifyFiles() throws {
        if let problem = files.problem() { throw StoreError.storage(problem + ": what was just written is not saved in the database others open; quit, and check the file (nothing is saved until triage is started again)") }
    }

    /// Maps SQLite errors to messages for people.
    static func translate(_ e: DatabaseError, path: String) -> StoreError {
        switch e.resultCode {
        case .SQLITE_NOTADB: return .notADatabase(path: path)
        case .SQLITE_CORRUPT: return .damaged(path: path, detail: e.message ?? "SQLite reports corruption")
        case .SQLITE_READONLY, .SQLITE_PERM, .SQLITE_CANTOPEN: return .readOnly(path: path)
        case .SQLITE_BUSY, .SQLITE_LOCKED: return .locked(path: path)
        case .SQLITE_FULL: return .storage("the disk holding \(path) is full: nothing was saved; free some space and try again")
        case .SQLITE_IOERR:
            return .storage("cannot read or write \(path) (I/O error: \(e.message ?? "unknown")): nothing was saved; "
                            + "the disk may be full, over a quota or file-size limit, or failing")
        default: return .storage("database error on \(path): \(e.message ?? "\(e.resultCode)")")
        }
    }

    /// Runs `body` and maps SQLite errors to ``StoreError``. A value that cannot be decoded (a
    /// NULL where the schema forbids one) can only come from a damaged file.
    func guarded<T>(_ body: () throws -> T) throws -> T {
        do { return try body() }
        catch let e as DatabaseError { throw Self.translate(e, path: path) }
        catch let e as RowDecodingError { throw StoreError.damaged(path: path, detail: "a value cannot be read: \(e)") }
    }

    /// `PRAGMA data_version` on a connection of its own, which no one writes through: SQLite
    /// changes it whenever any other connection commits (other processes, other instances, and
    /// this store's pool writer); reading it is a read transaction that touches no table.
    public func dataVersion() throws -> Int64 {
        try guarded { try versionReader.unsafeRead { db in try Int64.fetchOne(db, sql: "PRAGMA data_version") ?? 0 } }
    }

    /// Writes the WAL back into the main file and truncates it, so the next process opens fast.
    public func checkpoint() throws {
        try guarded { _ = try pool.writeWithoutTransaction { db in try db.checkpoint(.truncate) } }
    }

    /// Runs `PRAGMA integrity_check`; returns "ok" when the file is sound.
    public func integrityCheck() throws -> String {
        try guarded { try pool.read { db in try String.fetchAll(db, sql: "PRAGMA integrity_check").joined(separator: "\n") } }
    }

    /// How many schema migrations the file at `path` has, read without changing it (0: none).
    public static func appliedMigrationCount(path: String) throws -> Int {
        guard FileManager.default.fileExists(atPath: path) else { throw StoreError.databaseMissing(path: path) }
        var config = Configuration()
        config.readonly = true
        do {
            let q = try DatabaseQueue(path: path, configuration: config)
            return try q.read { db in
                guard try db.tableExists("grdb_migrations") else { return 0 }
                return try Int.fetchOne(db, sql: "SELECT count(*) FROM grdb_migrations") ?? 0
            }
        } catch let e as DatabaseError {
            throw translate(e, path: path)
        }
    }

    /// The names of the schema migrations this build knows, oldest first.
    public static var knownMigrations: [String] { Schema.migrator.migrations }

    /// The schema migrations applied to this file.
    public func appliedMigrations() throws -> [String] {
        try guarded { try pool.read { db in try Schema.migrator.appliedMigrations(db) } }
    }
}

/// Runs a passive checkpoint once a second when the WAL has grown past 4 MiB, on a connection of
/// its own, so that checkpoints happen beside the commits instead of inside one of them.
final class Checkpointer: @unchecked Sendable {
    private let connection: DatabaseQueue
    private let walPath: String
    private let timer: DispatchSourceTimer

    init(path: String, configuration: Configuration) throws {
        var config = configuration
        config.label = "triage.checkpoint"
        connection = try DatabaseQueue(path: path, configuration: config)
        walPath = path + "-wal"
        timer = DispatchSource.makeTimerSource(queue: DispatchQueue(label: "triage.checkpoint", qos: .utility))
        timer.schedule(deadline: .now() + 1, repeating: 1, leeway: .milliseconds(200))
        let connection = connection, walPath = walPath
        timer.setEventHandler {
            var st = stat()
            guard stat(walPath, &st) == 0, Int64(st.st_size) > SQLiteStore.backgroundCheckpointWALBytes else { return }
            // Passive: copies what it can without waiting for anyone; a failure only means the
            // next tick tries again.
            _ = try? connection.writeWithoutTransaction { db in try db.checkpoint(.passive) }
        }
        timer.resume()
    }

    deinit { timer.cancel() }
}
