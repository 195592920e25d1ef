import ArgumentParser
import Foundation
import TriageCore
import TriageLLM
import TriageSQLite
import TriageStore
import TriageTerminal
import TriageUI

/// Options shared by the commands that open the workbench.
struct WorkbenchArguments: ParsableArguments {
    @Option(help: ArgumentHelp("Show only this policy area's queue.", valueName: "policy"))
    var policy: String?

    @Option(help: "Queue order: score (highest first), age (oldest first) or uncertainty (closest to the threshold).")
    var sort: QueueSort = .score

    @Flag(name: .customLong("no-color"), help: "No colour (also when $NO_COLOR is set).")
    var noColor = false

    @Option(help: ArgumentHelp(
        "Colour theme: dark (default), light, high-contrast, monochrome, a name in $XDG_CONFIG_HOME/triage/themes/NAME.toml, or a path to a .toml file (default: `theme` in $XDG_CONFIG_HOME/triage/config.toml). T in the workbench cycles the built-in themes.",
        valueName: "name|path"))
    var theme: String?

    @OptionGroup(title: "LLM endpoint for rationales (else the [llm] settings)") var llm: LLMOptions

    func options(analyst: String, database: String, role: Role = .analyst) throws -> WorkbenchOptions {
        let (mono, chosen) = try look()
        var options = WorkbenchOptions(analyst: analyst, databaseName: database, monochrome: mono,
                                       initialQuery: QueueQuery(policy: policy, sort: sort), theme: chosen)
        options.lease = WorkbenchOptions.defaultLease // claim the selected case (see Update+Claims.swift)
        options.role = role
        // `a` asks for rationales when an endpoint is configured; otherwise it says how to set one.
        let settings = try llm.settings()
        if settings.baseURL != nil && settings.model != nil {
            options.rationaleGenerator = LLMRationaleGenerator(endpoint: try LLMOptions.endpoint(settings),
                                                               template: try LLMOptions.template(settings))
        }
        return options
    }

    /// Whether to draw without colour, and the theme: --theme wins over the settings file's
    /// `theme`; the default is dark.
    func look() throws -> (monochrome: Bool, theme: Theme) {
        let env = ProcessInfo.processInfo.environment
        let mono = noColor || !(env["NO_COLOR"] ?? "").isEmpty
        return (mono, try (theme ?? Config.load().theme).map(ThemeLookup.theme) ?? .dark)
    }
}

extension QueueSort: ExpressibleByArgument {}

struct Open: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Open the workbench on the database (the default command).",
        discussion: """
        Keys: j/k or arrows move, PgUp/PgDn page, g/G top/bottom, Enter focuses the detail pane, \
        ? shows every key, q quits.

        The screen depends on the role in force (--role, else your role in `triage users list`):
        an analyst (or a lead) gets the analyst queue; a labeler gets a labelling project's \
        cases one at a time (--project, or the only project), blind to the model where the \
        project says so; a lead with --project gets the project's adjudication queue. An \
        analyst who gives --project works in it as a labeler.

        Examples:
          triage
          triage --policy gambling --sort uncertainty
          triage --role labeler --project gambling-nov
          triage --role lead --project gambling-nov
        """
    )

    @OptionGroup var global: GlobalOptions
    @OptionGroup var workbench: WorkbenchArguments
    @OptionGroup var roles: RoleOptions

    @Option(help: ArgumentHelp("Work in this labelling project (as a labeler; as a lead: its adjudication queue).",
                               valueName: "name"))
    var project: String?

    func run() throws {
        try runReporting {
            try openScreen(store: try global.openStore(.readWrite, interactive: true), global: global, workbench: workbench, roles: roles,
                           project: project)
        }
    }
}

/// Opens the screen the role in force calls for: the workbench (analyst, or lead without
/// `project`), a labelling project's cases (labeler), or its adjudication queue (lead).
func openScreen(store: any CaseStore, global: GlobalOptions, workbench: WorkbenchArguments, roles: RoleOptions,
                project: String?) throws {
    let person = global.analystName
    var chosen = roles
    // An analyst who names a project labels in it.
    if chosen.role == nil, project != nil, (try store.role(of: person) ?? .unregistered) == .analyst {
        chosen.role = .labeler
    }
    let role = try chosen.inForce(store, person: person)
    try requireKnownPolicy(workbench.policy, in: store)
    let database = Paths.display(store.location)
    switch role {
    case _ where role == .labeler || (role == .lead && project != nil):
        let p = try global.resolveProject(store, project)
        let (mono, theme) = try workbench.look()
        try openProjectScreen(store: store, options: ProjectOptions(
            person: person, role: role, project: p.name, databaseName: database, theme: theme, monochrome: mono))
    case .analyst where project != nil:
        throw CLIError(message: "--project works in the labeler role (--role labeler) or, for a lead, the lead role",
                       code: Exit.usage)
    default:
        try openWorkbench(store: store, options: try workbench.options(analyst: person, database: database, role: role))
    }
}

/// Runs a full-screen project screen (labelling or adjudication), like ``openWorkbench(store:options:)``.
func openProjectScreen(store: any CaseStore, options: ProjectOptions) throws {
    do {
        if case .signal(let n) = try runProjectScreen(store: store, options: options) {
            throw ExitCode(128 + n)
        }
    } catch let e as TerminalError {
        throw CLIError(message: e.description, code: Exit.unavailable)
    }
}

/// Runs the full-screen workbench, turning terminal problems into one clear line.
func openWorkbench(store: any CaseStore, options: WorkbenchOptions) throws {
    do {
        // Ended by a signal (SIGTERM, SIGHUP, Ctrl-C): the terminal is restored; exit as shells expect.
        if case .signal(let n) = try runWorkbench(store: store, options: options) {
            throw ExitCode(128 + n)
        }
    } catch let e as TerminalError {
        throw CLIError(message: e.description, code: Exit.unavailable)
    }
}

struct Demo: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Open the workbench on bundled sample data (created on first use).",
        discussion: """
        The first run creates a demo database from SampleData/ (1,000 synthetic cases across seven \
        policy areas, and the standard taxonomy) at $XDG_DATA_HOME/triage/demo.sqlite, or at --db. \
        Later runs reopen it, with your labels. Your real database ($TRIAGE_DB) is never touched. \
        Use --reset to start again from the sample data.

        You are the demo database's lead, and it has a blind labelling project, demo-gambling \
        (40 gambling cases, overlap 2, gold rate 0.1), to try the other screens:
          triage demo --role labeler --project demo-gambling
          triage demo --role lead --project demo-gambling     (after some labels disagree)
          triage demo --analyst someone-else --project demo-gambling
        """
    )

    @OptionGroup var global: GlobalOptions
    @OptionGroup var workbench: WorkbenchArguments

    @Flag(help: "Delete the demo database first and load the sample data again.")
    var reset = false

    @Flag(name: .customLong("no-open"), help: "Create the demo database and print its path, without opening the workbench.")
    var noOpen = false

    @OptionGroup var roles: RoleOptions

    @Option(help: ArgumentHelp("Work in this labelling project (e.g. demo-gambling).", valueName: "name"))
    var project: String?

    func run() throws {
        try runReporting {
            if let db = global.db, db.hasPrefix("postgres://") || db.hasPrefix("postgresql://") {
                throw CLIError(message: "the demo runs on a SQLite file of its own; give --db a path, or none", code: Exit.usage)
            }
            let path = global.db.map(Paths.expand) ?? Paths.dataDirectory() + "/demo.sqlite"
            if reset {
                for suffix in ["", "-wal", "-shm"] { try? FileManager.default.removeItem(atPath: path + suffix) }
            }
            let store = try SQLiteStore(path: path, create: true, checkpointsInBackground: !noOpen)
            if try store.stats().totalCases == 0 {
                try DemoData.load(into: store, importedBy: global.analystName)
            }
            if noOpen {
                Console.out(path)
                return
            }
            try openScreen(store: store, global: global, workbench: workbench, roles: roles, project: project)
        }
    }
}
