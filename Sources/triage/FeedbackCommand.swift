import ArgumentParser
import Foundation
import TriageCore
import TriageStore

struct FeedbackCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "feedback",
        abstract: "Rate a rationale: helpful or not, and why (evaluation data for the LLM system).",
        discussion: """
        Rationale ids are shown in the workbench (Rationale #7) and by `triage audit CASE_ID`. \
        Feedback is append-only: rating again adds a row, and the newest is your current opinion. \
        In the workbench, `R` rates the rationale of the selected case. Export it with \
        `triage export --rationale-feedback`.

        Reason tags: \(RationaleFeedbackTag.allCases.map { "\($0.rawValue) (\($0.title))" }.joined(separator: ", ")).

        Examples:
          triage feedback 7 helpful --tag well_supported
          triage feedback 7 unhelpful --tag hallucinated_evidence --tag too_vague --note "e9 does not exist"
        """)

    enum Verdict: String, ExpressibleByArgument, CaseIterable {
        case helpful, unhelpful
    }

    @OptionGroup var global: GlobalOptions

    @Argument(help: ArgumentHelp("The rationale's id.", valueName: "rationale-id"))
    var rationaleID: Int64

    @Argument(help: ArgumentHelp("helpful or unhelpful.", valueName: "verdict"))
    var verdict: Verdict

    @Option(name: .customLong("tag"), help: ArgumentHelp("A reason tag (repeatable).", valueName: "tag"))
    var tags: [String] = []

    @Option(help: ArgumentHelp("A note.", valueName: "text"))
    var note: String?

    func validate() throws {
        for t in tags where RationaleFeedbackTag(rawValue: t) == nil {
            throw ValidationError("unknown tag '\(t)' (known: \(RationaleFeedbackTag.allCases.map(\.rawValue).joined(separator: ", ")))")
        }
    }

    func run() throws {
        try runReporting {
            let store = try global.openStore(.readWrite)
            try global.requireOverview(store, "`triage feedback`")
            let f = try store.recordRationaleFeedback(RationaleFeedback(
                rationaleID: rationaleID, helpful: verdict == .helpful, tags: tags.compactMap(RationaleFeedbackTag.init(rawValue:)),
                note: note.flatMap { $0.isEmpty ? nil : $0 }, analyst: global.analystName, osUser: Paths.osUser(), createdAt: .now()))
            Console.out("rated rationale \(rationaleID) \(verdict.rawValue) (feedback \(f.id ?? 0))")
        }
    }
}
