import ArgumentParser
import Foundation
import TriagePostgres
import TriageSQLite
import TriageStore

/// `triage db`: prepare, upgrade and inspect a database, SQLite or PostgreSQL.
struct DbCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "db",
        abstract: "Prepare, upgrade and inspect a database (a SQLite file or a PostgreSQL server).",
        discussion: """
        A SQLite file is prepared and upgraded by any command that opens it; these commands make \
        that explicit. On PostgreSQL (team mode) they are needed: an administrator runs \
        `triage db init` once on an empty database, and `triage db migrate` after upgrading triage.

        Quote a URL that holds `?` or `&`: the shell treats them specially.

        Examples:
          createdb risk && triage db init --db 'postgres://admin@db.internal/risk?sslmode=verify-full'
          triage db migrate --db postgres://admin@db.internal/risk
          triage db status
          triage db copy --from ~/.local/share/triage/triage.sqlite --to postgres://admin@db.internal/risk
        """,
        subcommands: [DbInit.self, DbMigrate.self, DbStatus.self, DbCopy.self]
    )
}

struct DbInit: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "init",
        abstract: "Create triage's schema (and, on PostgreSQL, its roles) in an empty database.",
        discussion: """
        On PostgreSQL: creates the group roles triage_analyst, triage_labeler, triage_lead and \
        triage_admin when they do not exist (they are server-wide; this needs CREATEROLE), every \
        table with its indexes, the grants and row-level security that enforce who may write what, \
        and the standard taxonomy; the connecting user becomes a triage admin. The database must \
        hold no other tables. Idempotent: on a database already at this version it changes \
        nothing. Refuses a database written by a newer triage, and an older one (use migrate).

        On SQLite: creates the file (and its directory) with the current schema.

        Exit codes: 0 created, or already at this version; 65 the database holds other tables; \
        66 no such database on the server (createdb it first); 69 the server cannot be reached, or \
        the schema is newer than this triage or needs `triage db migrate`; 77 the user may not \
        create roles or tables.
        """
    )

    @OptionGroup var global: GlobalOptions

    func run() throws {
        try runReporting {
            switch try global.databaseLocation() {
            case .sqlite(let path):
                let existed = FileManager.default.fileExists(atPath: path)
                let store = try SQLiteStore(path: path, create: true)
                Console.out(existed ? "\(path): already a triage database (schema v\(try store.appliedMigrations().count))"
                              : "\(path): created (schema v\(SchemaVersion.current))")
            case .postgres(let a):
                let r = try PostgresStore.initialize(a, password: try global.postgresPassword(for: a))
                if r.from == nil {
                    Console.out("\(a): created schema v\(r.to)" + (r.rolesCreated.isEmpty ? "" : "; roles created: \(r.rolesCreated.joined(separator: ", "))"))
                    Console.out("next: add people (their database users) to triage_analyst, triage_labeler or triage_lead, then `triage import` as an admin")
                } else {
                    Console.out("\(a): already at schema v\(r.to); nothing to do")
                }
            }
        }
    }
}

struct DbMigrate: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "migrate",
        abstract: "Upgrade a database to this triage's schema.",
        discussion: """
        Applies every schema step the database lacks, in one transaction; changes nothing when it \
        is current. Refuses a database written by a newer triage (upgrade triage instead) and, on \
        PostgreSQL, one that `triage db init` has not prepared.

        Exit codes: 0 upgraded, or already current; 66 no such database; 69 the server cannot be \
        reached, the database has no triage schema (run init) or a newer one; 77 the user may not \
        change the schema (run it as the user who ran init).
        """
    )

    @OptionGroup var global: GlobalOptions

    func run() throws {
        try runReporting {
            switch try global.databaseLocation() {
            case .sqlite(let path):
                let before = try SQLiteStore.appliedMigrationCount(path: path)
                let store = try SQLiteStore(path: path, create: false)
                let after = try store.appliedMigrations().count
                Console.out(before == after ? "\(path): already at schema v\(after); nothing to do" : "\(path): upgraded from schema v\(before) to v\(after)")
            case .postgres(let a):
                let r = try PostgresStore.migrate(a, password: try global.postgresPassword(for: a))
                Console.out(r.from == r.to ? "\(a): already at schema v\(r.to); nothing to do"
                                     : "\(a): upgraded from schema v\(r.from ?? 0) to v\(r.to)")
            }
        }
    }
}

struct DbStatus: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "status",
        abstract: "Print which database is in force and its schema version.",
        discussion: "Exit code 0 when the database is at this triage's version, 69 when it needs init or migrate, or is newer."
    )

    @OptionGroup var global: GlobalOptions

    func run() throws {
        try runReporting {
            let location = try global.databaseLocation()
            let version: Int?
            switch location {
            case .sqlite(let path):
                guard FileManager.default.fileExists(atPath: path) else { throw StoreError.databaseMissing(path: path) }
                version = try SQLiteStore.appliedMigrationCount(path: path)
            case .postgres(let a):
                version = try PostgresStore.status(a, password: try global.postgresPassword(for: a))
            }
            let kind: String
            if case .sqlite = location { kind = "SQLite" } else { kind = "PostgreSQL" }
            Console.out("database: \(location) (\(kind))")
            Console.out("schema: " + (version.map { "v\($0)" } ?? "none") + "; this triage: v\(SchemaVersion.current)")
            guard let version else {
                throw CLIError(message: "not a triage database yet: run `triage db init`", code: Exit.unavailable)
            }
            if version < SchemaVersion.current {
                throw CLIError(message: "older than this triage: run `triage db migrate`", code: Exit.unavailable)
            }
            if version > SchemaVersion.current {
                throw CLIError(message: "written by a newer triage: upgrade triage", code: Exit.unavailable)
            }
        }
    }
}

struct DbCopy: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "copy",
        abstract: "Copy a whole team's data between databases (SQLite ↔ PostgreSQL), then verify it.",
        discussion: """
        Moves cases with their scores, attributions, rationales, evidence and feature snapshots, \
        every import's provenance, every label event (with who made it, when, in which role and \
        what they saw), rationale feedback, the taxonomy, people and their roles, and labelling \
        projects. Live claims are not copied (they lapse within minutes); search indexes and the \
        dashboard's aggregates are rebuilt at the destination. Rows stream in pages, with a \
        progress bar on a terminal. At the end every table is read back from the destination and \
        its row count and SHA-256 checksum compared with the source's; only then does it say done.

        The destination must be empty: a SQLite path that does not exist yet (it is created), or \
        a PostgreSQL database that is empty or fresh from `triage db init` (initialised here when \
        empty). On PostgreSQL the copy runs as the user who owns the schema (who ran init): it \
        writes other people's label events, which row-level security allows only to the owner; \
        the database replays every label event against its case, so a history that breaks the \
        rules is refused. People copied to PostgreSQL get their database users with \
        `triage users add NAME --role ROLE` (which creates the login role). Stop work on the \
        source while copying: a change made meanwhile shows up as a checksum mismatch.

        A copy that fails part-way removes the SQLite file it was writing; a PostgreSQL \
        destination keeps what was written, and the error says to drop and recreate it before \
        trying again.

        Exit codes: 0 copied and verified; 65 the destination is not empty, or differs from the \
        source after the copy, or the label history breaks the rules; 66 no source database; 69 a \
        server cannot be reached or a schema needs init/migrate; 77 the PostgreSQL user may not \
        write there (copy as the user who ran init).

        Examples:
          triage db copy --from ~/.local/share/triage/triage.sqlite --to postgres://admin@db.internal/risk
          triage db copy --from postgres://admin@db.internal/risk --to /backup/risk-2026-12.sqlite
        """
    )

    @Option(help: ArgumentHelp("The database to copy from: a SQLite file or a postgres:// URL.", valueName: "path|url"))
    var from: String

    @Option(help: ArgumentHelp("The empty database to copy into: a new SQLite file or a postgres:// URL.", valueName: "path|url"))
    var to: String

    @OptionGroup var global: GlobalOptions

    func run() throws {
        try runReporting {
            let source = try open(from, destination: false)
            // Not even a new file where the source's write-ahead log or journal goes.
            var sourceFiles = ProtectedFiles()
            if let path = source.sqlitePath { sourceFiles.database(path) }
            let destination = try open(to, destination: true, protecting: sourceFiles)
            var bar: (phase: DatabaseCopier.Phase, table: String, shown: Date)?
            let reports: [CopyTableReport]
            do {
                reports = try DatabaseCopier(source: source.endpoint, destination: destination.endpoint).run { phase, table, done, total in
                    guard Console.stderrIsTerminal else { return }
                    let now = Date()
                    if let b = bar, b.phase == phase, b.table == table, now.timeIntervalSince(b.shown) < 0.1, done < total { return }
                    bar = (phase, table, now)
                    let frac = total > 0 ? Double(done) / Double(total) : 1
                    Bar.show("\(phase.rawValue) \(table) " + Bar.draw(frac) + " \(done)/\(total)")
                }
            } catch {
                if Console.stderrIsTerminal { Bar.show("") }
                try cleanUp(after: error, destination: destination)
            }
            if Console.stderrIsTerminal { Bar.show("") }
            for r in reports {
                Console.out("\(r.table.padding(toLength: 20, withPad: " ", startingAt: 0)) \(String(r.rows).leftPadded(10))  sha256 \(r.checksum.prefix(16))")
            }
            Console.out("copied \(source.name) to \(destination.name): \(reports.count) tables, \(reports.reduce(0) { $0 + $1.rows }) rows; counts and checksums verified")
        }
    }

    /// A copy that failed part-way leaves a destination a retry would refuse as not empty: a
    /// SQLite file this copy created is removed; a PostgreSQL database is left for its owner to
    /// drop, and the error says so.
    private func cleanUp(after error: any Error, destination: (endpoint: any CopyEndpoint, name: String, createdFile: Bool, sqlitePath: String?)) throws -> Never {
        let note: String
        if destination.createdFile {
            for suffix in ["", "-wal", "-shm"] { try? FileManager.default.removeItem(atPath: destination.name + suffix) }
            note = "\(destination.name), not a verified copy, was removed"
        } else {
            note = "\(destination.name) now holds part of the copy: drop and recreate that database (dropdb, createdb) before copying again"
        }
        if let e = error as? StoreError {
            throw CLIError(message: "\(e.description); \(note)", code: Exit.code(for: e))
        }
        if let e = error as? CLIError { throw CLIError(message: "\(e.message); \(note)", code: e.code) }
        throw CLIError(message: "\(error); \(note)", code: 1)
    }

    /// A store on `text` as a copy's source or destination (a SQLite destination must not be one
    /// of the files `protecting` names).
    private func open(_ text: String, destination: Bool, protecting: ProtectedFiles = ProtectedFiles())
        throws -> (endpoint: any CopyEndpoint, name: String, createdFile: Bool, sqlitePath: String?) {
        let location: DatabaseLocation
        do {
            location = try DatabaseLocation.parse(text, environment: ProcessInfo.processInfo.environment, osUser: Paths.osUser())
        } catch {
            throw CLIError(message: error.description, code: Exit.usage)
        }
        switch location {
        case .sqlite(let raw):
            let path = Paths.expand(raw)
            if destination, FileManager.default.fileExists(atPath: path) {
                throw CLIError(message: "\(path) already exists: copy into a new file (the copy never writes over a database)", code: Exit.dataError)
            }
            if destination, let what = protecting.conflict(with: path) {
                throw CLIError(message: OutputFileError.protected(path: path, what: what).description, code: Exit.cantCreate)
            }
            do {
                // The source is only read: an older one is not upgraded behind the user's back.
                return (try SQLiteStore(path: path, access: destination ? .create : .readOnly), path, destination, path)
            } catch {
                // Not even the schema could be written (a full disk): leave no file behind.
                if destination { for suffix in ["", "-wal", "-shm"] { try? FileManager.default.removeItem(atPath: path + suffix) } }
                throw error
            }
        case .postgres(let a):
            let password = try global.postgresPassword(for: a)
            if destination, try PostgresStore.status(a, password: password) == nil {
                _ = try PostgresStore.initialize(a, password: password)
            }
            return (try PostgresStore(address: a, password: password), a.description, false, nil)
        }
    }
}

private extension String {
    func leftPadded(_ width: Int) -> String { count >= width ? self : String(repeating: " ", count: width - count) + self }
}
