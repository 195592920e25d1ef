import ArgumentParser
import Foundation
import TriageCore
import TriageStore

struct Export: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Write labelled cases for retraining (JSON Lines or CSV).",
        discussion: """
        One row per labelled case: case id, merchant id, policy, the current label (the latest \
        decision not superseded or undone) with its reason codes, note, who made it and when, \
        whether they were blind to the model, every model score with its version, the feature \
        snapshot, and a sampling weight (1.0 unless a sampling queue served the case). The file \
        loads as it is into pandas (read_json(lines=True) or read_csv) and Spark. Streams in \
        constant memory; a consistent snapshot even while others keep labelling.

        Examples:
          triage export --out labels.jsonl
          triage export --format csv --out labels.csv --since 2026-11-01
          triage export | jq .decision
        """
    )

    @OptionGroup var global: GlobalOptions

    @Option(help: "Output format (default: by --out extension, .csv is CSV, else JSON Lines).")
    var format: ExportFormat?

    @Option(help: ArgumentHelp("Where to write (default: standard output).", valueName: "file"))
    var out: String?

    @Option(help: ArgumentHelp("Only cases whose current label was made at or after this time (RFC 3339 or YYYY-MM-DD).", valueName: "time"))
    var since: String?

    func validate() throws {
        if let since, Timestamp.parse(since) == nil {
            throw ValidationError("--since '\(since)' is not a time: use RFC 3339 (2026-11-20T14:03:00Z) or a date (2026-11-20)")
        }
    }

    func run() throws {
        try runReporting {
            let store = try global.openStore(create: false)
            let output = try OutputFile(path: out)
            let n = try CaseExporter(store: store).export(format: format ?? ExportFormat.guess(path: out),
                                                          since: since.flatMap(Timestamp.parse), to: output.write)
            try output.close()
            if let out { Console.info("exported \(n) labelled cases to \(out)") }
        }
    }
}

extension ExportFormat: ExpressibleByArgument {}
