import ArgumentParser
import Foundation
import TriageCore
import TriageSQLite
import TriageStore

/// Options every command takes.
struct GlobalOptions: ParsableArguments {
    @Option(name: .long, help: ArgumentHelp(
        "The database file (default: $TRIAGE_DB, else $XDG_DATA_HOME/triage/triage.sqlite).", valueName: "path"))
    var db: String?

    @Option(name: .long, help: ArgumentHelp("Your name on labels (default: the OS user).", valueName: "name"))
    var analyst: String?

    /// The database path in force, and where it came from (for messages).
    func databasePath() -> String {
        if let db { return Paths.expand(db) }
        if let env = ProcessInfo.processInfo.environment["TRIAGE_DB"], !env.isEmpty { return Paths.expand(env) }
        return Paths.dataDirectory() + "/triage.sqlite"
    }

    var analystName: String { analyst ?? Paths.osUser() }

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

    /// Opens the store; `create` makes a new database when the file does not exist.
    /// The store; `interactive` for the workbench, whose long session checkpoints the WAL in
    /// the background rather than inside a label's commit.
    func openStore(create: Bool, interactive: Bool = false) throws -> SQLiteStore {
        try SQLiteStore(path: databasePath(), create: create, checkpointsInBackground: interactive)
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
        case .databaseMissing, .caseNotFound: return noInput
        case .notADatabase, .newerSchema: return unavailable
        case .readOnly: return noPermission
        case .locked: return tempFailure
        case .invalidLabel, .refused: return dataError
        case .notAllowed: return noPermission
        case .labelConflict: return tempFailure
        case .storage: return ioError
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
        case .cannotWriteRejects: throw ExitCode(Exit.cantCreate)
        case .badHeader, .malformed, .changedWhileImporting: throw ExitCode(Exit.dataError)
        }
    } catch let e as CLIError {
        Console.error(e.message)
        throw ExitCode(e.code)
    }
}

/// An error a command reports as one line with its exit code.
struct CLIError: Error {
    var message: String
    var code: Int32
}

/// Writing to the terminal's streams.
enum Console {
    static func error(_ message: String) {
        FileHandle.standardError.write(Data("triage: \(message)\n".utf8))
    }

    static func info(_ message: String) {
        FileHandle.standardError.write(Data("\(message)\n".utf8))
    }

    static var stderrIsTerminal: Bool { isatty(2) == 1 }
}
