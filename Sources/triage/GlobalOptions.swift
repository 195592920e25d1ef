import ArgumentParser
import Foundation
import TriageCore
import TriagePostgres
import TriageSQLite
import TriageStore
import TriageUI

/// Options every command takes.
struct GlobalOptions: ParsableArguments {
    @Option(name: .long, help: ArgumentHelp(
        "The database: a SQLite file, or postgres://USER@HOST:PORT/DBNAME?sslmode=MODE for team mode (default: $TRIAGE_DB, else url under [database] in config.toml, else $XDG_DATA_HOME/triage/triage.sqlite). A PostgreSQL password comes from $PGPASSWORD, ~/.pgpass or config.toml, never from here.",
        valueName: "path|url"))
    var db: String?

    @Option(name: .long, help: ArgumentHelp("Your name on labels (default: the OS user).", valueName: "name"))
    var analyst: String?

    /// The database text in force: --db, else $TRIAGE_DB, else `url` under [database] in the
    /// settings file, else the default SQLite file.
    func databaseText() throws -> String {
        if let db { return db }
        if let env = ProcessInfo.processInfo.environment["TRIAGE_DB"], !env.isEmpty { return env }
        if let url = try Config.load().databaseURL { return url }
        return Paths.dataDirectory() + "/triage.sqlite"
    }

    /// Where the data is: a SQLite file or a PostgreSQL server.
    func databaseLocation() throws -> DatabaseLocation {
        do {
            switch try DatabaseLocation.parse(try databaseText(), environment: ProcessInfo.processInfo.environment,
                                              osUser: Paths.osUser()) {
            case .sqlite(let path): return .sqlite(path: Paths.expand(path))
            case .postgres(let a): return .postgres(a)
            }
        } catch let e as DatabaseLocationError {
            throw CLIError(message: e.description, code: Exit.usage)
        }
    }


    /// The password for a PostgreSQL location: $PGPASSWORD, ~/.pgpass, then `password` under
    /// [database] in the settings file (which must then be private to its owner).
    func postgresPassword(for address: PostgresAddress) throws -> String? {
        let config = try Config.load()
        if config.databasePassword != nil, let mode = (try? FileManager.default.attributesOfItem(atPath: Config.path))?[.posixPermissions] as? Int,
           mode & 0o077 != 0 {
            throw CLIError(message: "\(Config.path) holds a database password but others may read it (mode \(String(mode & 0o777, radix: 8))): run `chmod 600 \(Config.path)`",
                           code: Exit.noPermission)
        }
        return try PostgresPassword.resolve(for: address, environment: ProcessInfo.processInfo.environment, home: Paths.home(),
                                            configured: config.databasePassword)
    }

    /// Your name on labels: --analyst, else on PostgreSQL your database user, else the OS user.
    var analystName: String {
        if let analyst { return analyst }
        if case .postgres(let a)? = try? databaseLocation() { return a.user }
        return Paths.osUser()
    }

    /// The project `name` names, or the only project when `name` is nil; a clear error otherwise.
    func resolveProject(_ store: any CaseStore, _ name: String?) throws -> Project {
        if let name {
            guard let p = try store.project(named: name) else {
                throw StoreError.refused("no labelling project named '\(name)' (see `triage project list`)")
            }
            return p
        }
        let all = try store.projects()
        guard all.count == 1 else {
            throw CLIError(message: all.isEmpty
                           ? "there is no labelling project yet: a lead creates one with `triage project create NAME`"
                           : "name the project with --project (one of: \(all.map(\.project.name).joined(separator: ", ")))",
                           code: Exit.usage)
        }
        return all[0].project
    }

    /// The role the person works in for commands that only read: the role the database lists
    /// for them (people it does not list are analysts).
    func readingRole(_ store: any CaseStore) throws -> Role {
        try store.role(of: analystName) ?? Role.unregistered
    }

    /// Refuses (exit 77) a command that shows other people's labels, model output across cases
    /// or gold labels (`what`) to someone who works as a labeler (see ``Disclosure``).
    func requireOverview(_ store: any CaseStore, _ what: String) throws {
        if let why = Disclosure.refusalOfOverview(what, person: analystName, role: try readingRole(store)) {
            throw CLIError(message: why, code: Exit.noPermission)
        }
    }

    /// What the person may see of a case (see ``Disclosure``).
    func disclosure(_ store: any CaseStore) throws -> Disclosure {
        let role = try readingRole(store)
        return Disclosure(viewer: analystName, role: role, projects: role == .labeler ? try store.projects().map(\.project) : [])
    }

    /// The files an output of this command must not overwrite: the SQLite database in force and
    /// its companion files, and `inputs`.
    func protectedFiles(inputs: [String] = []) -> ProtectedFiles {
        var p = ProtectedFiles()
        if case .sqlite(let path)? = try? databaseLocation() { p.database(path) }
        for i in inputs { p.input(i) }
        return p
    }

    /// Opens the store for `access` (see ``StoreAccess``: only commands that create a database
    /// make one, and commands that only read never write); `interactive` for the workbench,
    /// whose long session checkpoints the WAL in the background rather than inside a label's
    /// commit.
    ///
    /// On PostgreSQL the database must have been prepared with `triage db init`, and your name
    /// on labels is your database user: the server's row-level security refuses any other, so
    /// an --analyst that differs is refused here first (exit 77).
    func openStore(_ access: StoreAccess, interactive: Bool = false) throws -> any CaseStore {
        switch try databaseLocation() {
        case .sqlite(let path):
            return try SQLiteStore(path: path, access: access, checkpointsInBackground: interactive)
        case .postgres(let a):
            if let analyst, analyst != a.user {
                throw CLIError(message: "on PostgreSQL your name on labels is your database user (\(a.user)), not --analyst \(analyst): connect as \(analyst) instead (postgres://\(analyst)@…)",
                               code: Exit.noPermission)
            }
            var address = a
            address.readOnly = access == .readOnly
            return try PostgresStore(address: address, password: try postgresPassword(for: a))
        }
    }
}

/// The role to work in, for the commands that record or serve labels.
struct RoleOptions: ParsableArguments {
    @Option(name: .long, help: ArgumentHelp(
        "The role to work in: analyst, labeler or lead (default: your role in `triage users list`, else analyst).",
        valueName: "role"))
    var role: Role?

    init() {}

    /// Options asking for `role` (commands that know the role they need).
    init(role: Role?) {
        self.role = role
    }

    /// The role in force for `person`: --role, else the role the database lists for them, else
    /// analyst. Refuses (exit 77) a role the person does not hold.
    func inForce(_ store: any CaseStore, person: String) throws -> Role {
        let held = try store.role(of: person)
        let acting = role ?? held ?? Role.unregistered
        if let why = Role.refusal(person: person, holds: held, actingAs: acting) {
            throw CLIError(message: why, code: Exit.noPermission)
        }
        return acting
    }
}

/// XDG base directories and the OS user.
enum Paths {
    /// `$XDG_DATA_HOME/triage`, else `~/.local/share/triage`.
    static func dataDirectory() -> String {
        let env = ProcessInfo.processInfo.environment
        if let x = env["XDG_DATA_HOME"], x.hasPrefix("/") { return x + "/triage" }
        return home() + "/.local/share/triage"
    }

    static func home() -> String {
        ProcessInfo.processInfo.environment["HOME"].flatMap { $0.isEmpty ? nil : $0 } ?? NSHomeDirectory()
    }

    /// A path as the workbench header shows it: `~` for the home directory, and only the file
    /// name when it is long, so the header's counts stay visible.
    static func display(_ p: String) -> String {
        let home = home()
        let shown = p.hasPrefix(home + "/") ? "~" + p.dropFirst(home.count) : p
        guard shown.count > 40, let name = shown.split(separator: "/").last else { return shown }
        return "…/" + name
    }

    static func expand(_ p: String) -> String {
        p == "~" ? home() : p.hasPrefix("~/") ? home() + p.dropFirst(1) : p
    }

    /// The operating-system user running the program.
    static func osUser() -> String {
        if let pw = getpwuid(geteuid()), let name = pw.pointee.pw_name { return String(cString: name) }
        return ProcessInfo.processInfo.environment["USER"] ?? "uid\(geteuid())"
    }
}

/// Process exit codes (sysexits.h), documented in `triage --help` and the README.
enum Exit {
    static let failure: Int32 = 1
    /// `triage next`: no open case is free to claim (not an error; not a sysexits code, so a
    /// script can tell "done" from every failure).
    static let queueEmpty: Int32 = 3
    static let usage: Int32 = 64
    static let dataError: Int32 = 65
    static let noInput: Int32 = 66
    static let unavailable: Int32 = 69
    static let cantCreate: Int32 = 73
    static let ioError: Int32 = 74
    static let tempFailure: Int32 = 75
    static let noPermission: Int32 = 77
    /// Something needed is not configured (no LLM endpoint).
    static let config: Int32 = 78

    /// The exit code for a store error.
    static func code(for e: StoreError) -> Int32 {
        switch e {
        case .databaseMissing, .serverDatabaseMissing, .caseNotFound: return noInput
        case .notADatabase, .damaged, .newerSchema, .foreignDatabase, .emptyDatabase, .needsMigration: return unavailable
        case .readOnly: return noPermission
        case .locked: return tempFailure
        case .invalidLabel, .refused: return dataError
        case .notAllowed: return noPermission
        case .labelConflict: return tempFailure
        case .storage: return ioError
        case .unavailable: return unavailable
        }
    }
}

/// Runs a command body, turning known errors into one clear line on stderr and an exit code
/// (never a stack trace).
func runReporting(_ body: () throws -> Void) throws {
    do {
        try body()
    } catch let e as StoreError {
        Console.error(e.description)
        throw ExitCode(Exit.code(for: e))
    } catch let e as ImportError {
        Console.error(e.description)
        switch e {
        case .cannotRead: throw ExitCode(Exit.noInput)
        case .output(.cannotWrite): throw ExitCode(Exit.ioError)
        case .output: throw ExitCode(Exit.cantCreate)
        case .badHeader, .malformed, .changedWhileImporting: throw ExitCode(Exit.dataError)
        case .interrupted(_, _, let reason): throw ExitCode(Exit.code(for: reason))
        }
    } catch let e as CLIError {
        Console.error(e.message)
        throw ExitCode(e.code)
    }
}

/// Why a file operation failed, as the system says it ("File too large", "No space left on
/// device"): Foundation wraps the errno in a generic Cocoa error ("The operation could not be
/// completed"), so the POSIX error underneath is preferred when there is one.
func systemReason(_ error: any Error) -> String {
    var current: NSError? = error as NSError
    while let e = current {
        if e.domain == NSPOSIXErrorDomain { return String(cString: strerror(Int32(e.code))) }
        current = e.userInfo[NSUnderlyingErrorKey] as? NSError
    }
    return error.localizedDescription
}

/// Refuses a `--policy` the taxonomy does not define (exit 64, naming the ones it does), so a
/// typo is not mistaken for an empty queue.
func requireKnownPolicy(_ policy: String?, in store: any CaseStore) throws {
    guard let policy else { return }
    let taxonomy = try store.taxonomy()
    guard taxonomy.policy(policy) == nil else { return }
    let known = taxonomy.policies.map(\.key).joined(separator: ", ")
    throw CLIError(message: "unknown policy area '\(policy)' for --policy; the taxonomy has: \(known) (see `triage taxonomy show`)",
                   code: Exit.usage)
}

/// An error a command reports as one line with its exit code.
struct CLIError: Error {
    var message: String
    var code: Int32
}
