import ArgumentParser
import Foundation
import TriageCore
import TriageStore

struct Suspects: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "List labels the model contradicts strongly, for re-review, most suspect first.",
        discussion: """
        Confident learning (Northcutt et al.): each decision is mapped to the model's classes by \
        its outcome in the taxonomy (violation: positive, no_violation: negative; unsure and \
        escalate are left out). Each class's threshold is the model's mean probability of it \
        over the cases labelled with it; a case belongs to the likeliest class whose probability \
        reaches its threshold, and is suspect when that is not its label. Ranked by the model's \
        probability of the given label, lowest first. This assumes the model is \
        reasonably calibrated: check its calibration before acting on the list.

        Without --project: the analyst queue's current labels. With --project: the project's \
        final labels (adjudication, else consensus).

        Prints: rank, case id, label, score, the model's probability of that label. Re-review \
        a case in the workbench with `:` and its id.

        Examples:
          triage suspects --limit 20
          triage suspects --project gambling-nov
          triage suspects --format ids | triage project create rereview --cases -
        """
    )

    @OptionGroup var global: GlobalOptions

    @Option(help: ArgumentHelp("Use this labelling project's final labels.", valueName: "name"))
    var project: String?

    @Option(help: ArgumentHelp("Show at most N (default 50).", valueName: "n"))
    var limit = 50

    @Option(help: "text (a ranked table, default) or ids (one case id per line, for `triage project create --cases -`).")
    var format: ListFormat = .text

    enum ListFormat: String, ExpressibleByArgument { case text, ids }

    func validate() throws {
        guard limit > 0 else { throw ValidationError("--limit must be at least 1") }
    }

    func run() throws {
        try runReporting {
            let store = try global.openStore(.readOnly)
            try global.requireOverview(store, "`triage suspects`")
            let taxonomy = try store.taxonomy()
            var labelOf: [String: String] = [:]
            let found: [SuspectLabel]
            if let project {
                let cases = ProjectAnalysis.consensus(try store.projectLabels(project), categories: taxonomy.decisions.map(\.key))
                for c in cases { labelOf[c.caseID] = c.finalDecision }
                found = ProjectAnalysis.suspects(cases, taxonomy: taxonomy)
            } else {
                var input: [(item: String, positive: Bool, score: Double)] = []
                try store.exportLabels(since: nil) { row in
                    guard let d = row.label.decision, let o = taxonomy.decision(d)?.outcome,
                          let score = ModelScore.headline(of: row.scores)?.score else { return }
                    labelOf[row.caseID] = d
                    input.append((item: row.caseID, positive: o == .positive, score: score))
                }
                found = SuspectLabels.find(input)
            }
            if format == .ids {
                for s in found.prefix(limit) { Console.out(s.item) }
                return
            }
            if found.isEmpty {
                Console.out("no suspect labels" + (project.map { " in project \($0)" } ?? ""))
                return
            }
            let width = min(40, max(7, found.prefix(limit).map { $0.item.count }.max() ?? 0))
            Console.out("rank  " + TextTable.pad("case id", width) + "  " + TextTable.pad("label", 14) + "  score  p(label)")
            for (i, s) in found.prefix(limit).enumerated() {
                Console.out(TextTable.pad(String(i + 1), 4, right: true) + "  " + TextTable.pad(TextTable.clean(s.item), width) + "  "
                      + TextTable.pad(TextTable.clean(labelOf[s.item] ?? "?"), 14) + "  "
                      + String(format: "%.3f  %.3f", s.score, s.selfConfidence))
            }
            if found.count > limit { Console.out("… \(found.count - limit) more (--limit)") }
        }
    }
}
