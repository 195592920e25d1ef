import ArgumentParser
import Foundation
import TriageCore
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

    func options(analyst: String, database: String) throws -> WorkbenchOptions {
        let env = ProcessInfo.processInfo.environment
        let mono = noColor || !(env["NO_COLOR"] ?? "").isEmpty
        // --theme wins over the settings file's `theme`; the default is dark.
        let chosen = try (theme ?? Config.load().theme).map(ThemeLookup.theme) ?? .dark
        var options = WorkbenchOptions(analyst: analyst, databaseName: database, monochrome: mono,
                                       initialQuery: QueueQuery(policy: policy, sort: sort), theme: chosen)
        options.lease = WorkbenchOptions.defaultLease // claim the selected case (see Update+Claims.swift)
        return options
    }
}

extension QueueSort: ExpressibleByArgument {}

struct Open: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Open the workbench on the database (the default command).",
        discussion: """
        Keys: j/k or arrows move, PgUp/PgDn page, g/G top/bottom, Enter focuses the detail pane, \
        ? shows every key, q quits.
        """
    )

    @OptionGroup var global: GlobalOptions
    @OptionGroup var workbench: WorkbenchArguments

    func run() throws {
        try runReporting {
            let store = try global.openStore(create: false)
            try openWorkbench(store: store, options: try workbench.options(analyst: global.analystName, database: Paths.display(store.location)))
        }
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
        """
    )

    @OptionGroup var global: GlobalOptions
    @OptionGroup var workbench: WorkbenchArguments

    @Flag(help: "Delete the demo database first and load the sample data again.")
    var reset = false

    @Flag(name: .customLong("no-open"), help: "Create the demo database and print its path, without opening the workbench.")
    var noOpen = false

    func run() throws {
        try runReporting {
            let path = global.db.map(Paths.expand) ?? Paths.dataDirectory() + "/demo.sqlite"
            if reset {
                for suffix in ["", "-wal", "-shm"] { try? FileManager.default.removeItem(atPath: path + suffix) }
            }
            let store = try SQLiteStore(path: path, create: true)
            if try store.stats().totalCases == 0 {
                try DemoData.load(into: store, importedBy: global.analystName)
            }
            if noOpen {
                print(path)
                return
            }
            try openWorkbench(store: store, options: try workbench.options(analyst: global.analystName, database: Paths.display(path)))
        }
    }
}
