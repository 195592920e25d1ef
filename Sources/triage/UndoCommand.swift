import ArgumentParser
import Foundation
import TriageCore
import TriageStore

struct Undo: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Undo a case's current label: the case is open again.",
        discussion: """
        Appends an undo event that supersedes the case's current label (nothing is deleted: both \
        stay in the log and the export), and reopens the case for the queue. Records --analyst \
        and your OS user like a label.

        Exit codes: 0 undone; 65 the case has no label to undo; 66 no such case, or no such \
        database; 75 someone labelled the case meanwhile, or the database stayed locked too long; \
        others as in triage --help.

        Example:
          triage undo c_1
        """
    )

    @OptionGroup var global: GlobalOptions

    @Argument(help: ArgumentHelp("The case whose label to undo.", valueName: "case-id"))
    var caseID: String

    func run() throws {
        try runReporting {
            let store = try global.openStore(create: false)
            guard let detail = try store.caseDetail(caseID: caseID) else { throw StoreError.caseNotFound(caseID) }
            guard let current = detail.currentLabel, let currentID = current.id else {
                throw CLIError(message: "case '\(caseID)' has no label to undo", code: Exit.dataError)
            }
            let event = try store.recordLabel(LabelDraft(
                caseID: caseID, kind: .undo, decision: nil, analyst: global.analystName, osUser: Paths.osUser(),
                role: .analyst, blind: false, modelVersionsSeen: Label.modelVersionsSeen(detail.scores),
                supersedes: currentID))
            print("undid \(caseID) \(current.decision ?? "?") (event \(event.id.map(String.init) ?? "?") undoes event \(currentID))")
        }
    }
}
