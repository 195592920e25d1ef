import ArgumentParser
import Foundation
import TriageCore
import TriageFormats
import TriageStore

struct TaxonomyCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "taxonomy",
        abstract: "Show, export or replace the decisions, policy areas and reason codes.",
        discussion: """
        A new database starts with the standard taxonomy (SampleData/taxonomy.toml holds the \
        same as a file). To change it: export it, edit the TOML, import it. Existing labels are \
        never changed by a new taxonomy.

        Examples:
          triage taxonomy show
          triage taxonomy export --out taxonomy.toml
          triage taxonomy import taxonomy.toml
        """,
        subcommands: [Show.self, ExportTaxonomy.self, ImportTaxonomy.self],
        defaultSubcommand: Show.self
    )

    struct Show: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Print the taxonomy in force as a table.")
        @OptionGroup var global: GlobalOptions

        func run() throws {
            try runReporting {
                let t = try global.openStore(.readOnly).taxonomy()
                Console.out("decisions:")
                for d in t.decisions {
                    Console.out("  [\(d.hotkey)] \(d.key.padding(toLength: 14, withPad: " ", startingAt: 0)) \(d.label)\(d.isFinal ? "" : "  (sends the case to a lead)")")
                }
                func reasons(_ rs: [ReasonCode]) {
                    for r in rs {
                        let only = r.decisions.map { " (for \($0.joined(separator: ", ")))" } ?? ""
                        Console.out("    [\(r.hotkey)] \(r.code.padding(toLength: 24, withPad: " ", startingAt: 0)) \(r.label)\(only)")
                    }
                }
                Console.out("reasons in every policy area:")
                reasons(t.globalReasons)
                for p in t.policies {
                    Console.out("policy \(p.key): \(p.name)" + (p.summary.map { " — \($0)" } ?? ""))
                    reasons(p.reasons)
                }
            }
        }
    }

    struct ExportTaxonomy: ParsableCommand {
        static let configuration = CommandConfiguration(commandName: "export", abstract: "Write the taxonomy in force as TOML.")
        @OptionGroup var global: GlobalOptions
        @Option(help: ArgumentHelp("Where to write (default: standard output).", valueName: "file"))
        var out: String?

        func run() throws {
            try runReporting {
                let t = try global.openStore(.readOnly).taxonomy()
                let output = try OutputFile(path: out, protecting: global.protectedFiles())
                try output.write(Array(TaxonomyFile.render(t).utf8))
                try output.close()
            }
        }
    }

    struct ImportTaxonomy: ParsableCommand {
        static let configuration = CommandConfiguration(commandName: "import", abstract: "Replace the taxonomy with a TOML file's.")
        @OptionGroup var global: GlobalOptions
        @Argument(help: ArgumentHelp("The taxonomy file.", valueName: "file"))
        var file: String

        func run() throws {
            try runReporting {
                let taxonomy: Taxonomy
                do {
                    taxonomy = try TaxonomyFile.load(path: file)
                } catch let e as TaxonomyFileError {
                    throw CLIError(message: e.description, code: Exit.dataError)
                } catch {
                    throw CLIError(message: "cannot read \(file): \(systemReason(error))", code: Exit.noInput)
                }
                let store = try global.openStore(.create)
                try store.replaceTaxonomy(taxonomy, actor: global.analystName)
                Console.out("taxonomy replaced: \(taxonomy.decisions.count) decisions, \(taxonomy.policies.count) policy areas, "
                      + "\(taxonomy.policies.reduce(taxonomy.globalReasons.count) { $0 + $1.reasons.count }) reason codes")
            }
        }
    }
}
