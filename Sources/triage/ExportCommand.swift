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

        With --since TIME the export is an increment: first a withdrawal row (withdrawn: true, \
        withdrawn_at, withdrawn_by_event) for every label undone or corrected at or after TIME, \
        then the labels made since. Applying increments in order to a table keyed by case_id (by \
        label_event_id for --project), a row replacing and a withdrawal deleting, gives exactly \
        the full export.

        With --project NAME: the project's raw labels instead, one row per live label (several \
        per case: one per labeler, plus a lead's adjudication), with the queue policy that served \
        the case and its sampling weight (1/inclusion probability for an audit sample's case).

        With --consensus (and --project, unless there is only one project): one row per case of \
        the project with its final label (a lead's adjudication, else the Dawid–Skene consensus, \
        else the majority), its confidence, the method, the number of labels and who made them, \
        whether it was adjudicated, the majority and Dawid–Skene labels side by side, the gold \
        label of a gold case, the score and the sampling weight.

        Examples:
          triage export --out labels.jsonl
          triage export --format csv --out labels.csv --since 2026-11-01
          triage export | jq .decision
          triage export --project gambling-nov --out raw.csv
          triage export --consensus --project gambling-nov --out consensus.csv
          triage export --rationale-feedback --out feedback.csv

        With --rationale-feedback: analysts' feedback on rationales instead, one row per rating \
        (helpful or not, reason tags, note, who, when) with the rationale it judges (model, prompt \
        version, origin, latency, tokens, cited and invented evidence ids, text): evaluation data \
        for the LLM system.
        """
    )

    @OptionGroup var global: GlobalOptions

    @Option(help: "Output format (default: by --out extension, .csv is CSV, else JSON Lines).")
    var format: ExportFormat?

    @Option(help: ArgumentHelp("Where to write (default: standard output).", valueName: "file"))
    var out: String?

    @Option(help: ArgumentHelp("Only cases whose current label was made at or after this time (RFC 3339 or YYYY-MM-DD).", valueName: "time"))
    var since: String?

    @Option(help: ArgumentHelp("Export this labelling project's labels (one row per label).", valueName: "name"))
    var project: String?

    @Flag(help: "One row per case of a project, with its consensus label (see above).")
    var consensus = false

    @Flag(help: "Analysts' feedback on rationales, with the rationales (see above).")
    var rationaleFeedback = false

    func validate() throws {
        if rationaleFeedback && (consensus || project != nil) {
            throw ValidationError("--rationale-feedback does not combine with --consensus or --project")
        }
        if consensus && since != nil { throw ValidationError("--since does not apply to --consensus (it covers every case)") }
        if let since, Timestamp.parse(since) == nil {
            throw ValidationError("--since '\(since)' is not a time: use RFC 3339 (2026-11-20T14:03:00Z) or a date (2026-11-20)")
        }
    }

    func run() throws {
        try runReporting {
            let store = try global.openStore(.readOnly)
            try global.requireOverview(store, "an export")
            let chosen = format ?? ExportFormat.guess(path: out)
            // Checked before the output file is created: --consensus may take the only project.
            let name = consensus || project != nil ? try global.resolveProject(store, project).name : nil
            let output = try OutputFile(path: out, protecting: global.protectedFiles())
            let exporter = CaseExporter(store: store)
            if rationaleFeedback {
                let n = try exporter.exportRationaleFeedback(format: chosen, since: since.flatMap(Timestamp.parse), to: output.write)
                try output.close()
                if let out { Console.info("exported \(n) rationale feedback rows to \(out)") }
                return
            }
            let n = consensus
                ? try exporter.exportConsensus(project: name!, format: chosen, to: output.write)
                : try exporter.export(format: chosen, since: since.flatMap(Timestamp.parse), project: name, to: output.write)
            try output.close()
            var what = consensus ? "cases with their consensus label" : name == nil ? "labelled cases" : "labels"
            if since != nil { what = "rows (\(what), after a withdrawal row for each label undone or corrected since then)" }
            if let out { Console.info("exported \(n) \(what) to \(out)") }
        }
    }
}

extension ExportFormat: ExpressibleByArgument {}
