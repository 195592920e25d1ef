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

        Examples:
          createdb risk && triage db init --db postgres://admin@db.internal/risk?sslmode=verify-full
          triage db migrate --db postgres://admin@db.internal/risk
          triage db status
        """,
        subcommands: [DbInit.self, DbMigrate.self, DbStatus.self]
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
        """
    )

    @OptionGroup var global: GlobalOptions

    func run() throws {
        try runReporting {
            switch try global.databaseLocation() {
            case .sqlite(let path):
                let existed = FileManager.default.fileExists(atPath: path)
                let store = try SQLiteStore(path: path, create: true)
                print(existed ? "\(path): already a triage database (schema v\(try store.appliedMigrations().count))"
                              : "\(path): created (schema v\(SchemaVersion.current))")
            case .postgres(let a):
                let r = try PostgresStore.initialize(a, password: try global.postgresPassword(for: a))
                if r.from == nil {
                    print("\(a): created schema v\(r.to)" + (r.rolesCreated.isEmpty ? "" : "; roles created: \(r.rolesCreated.joined(separator: ", "))"))
                    print("next: add people (their database users) to triage_analyst, triage_labeler or triage_lead, then `triage import` as an admin")
                } else {
                    print("\(a): already at schema v\(r.to); nothing to do")
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
                print(before == after ? "\(path): already at schema v\(after); nothing to do" : "\(path): upgraded from schema v\(before) to v\(after)")
            case .postgres(let a):
                let r = try PostgresStore.migrate(a, password: try global.postgresPassword(for: a))
                print(r.from == r.to ? "\(a): already at schema v\(r.to); nothing to do"
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
            print("database: \(location) (\(kind))")
            print("schema: " + (version.map { "v\($0)" } ?? "none") + "; this triage: v\(SchemaVersion.current)")
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
