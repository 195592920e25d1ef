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

        With --project NAME: withdraws your own label on the case in that labelling project (the \
        case needs a label again), or with --adjudication a lead's adjudication.

        Examples:
          triage undo c_1
          triage undo c_7 --project gambling-nov
        """
    )

    @OptionGroup var global: GlobalOptions

    @Argument(help: ArgumentHelp("The case whose label to undo.", valueName: "case-id"))
    var caseID: String

    @OptionGroup var roles: RoleOptions

    @Option(help: ArgumentHelp("Undo your label in this labelling project.", valueName: "name"))
    var project: String?

    @Flag(help: "With --project: undo the case's adjudication (leads only).")
    var adjudication = false

    func validate() throws {
        if adjudication && project == nil { throw ValidationError("--adjudication needs --project") }
    }

    func run() throws {
        try runReporting {
            let store = try global.openStore(.readWrite)
            if let project {
                let person = global.analystName
                _ = try global.resolveProject(store, project)
                guard let detail = try store.caseDetail(caseID: caseID) else { throw StoreError.caseNotFound(caseID) }
                let live = CurrentLabel.live(detail.labels, project: project)
                guard let target = adjudication ? live.last(where: { $0.kind == .adjudication })
                        : live.last(where: { $0.kind == .label && $0.analyst == person }), let targetID = target.id else {
                    throw CLIError(message: "case '\(caseID)' has no \(adjudication ? "adjudication" : "label of yours") to undo in project \(project)",
                                   code: Exit.dataError)
                }
                let role = try RoleOptions(role: adjudication ? .lead : .labeler).inForce(store, person: person)
                let event = try store.recordLabel(LabelDraft(
                    caseID: caseID, kind: .undo, decision: nil, analyst: person, osUser: Paths.osUser(), role: role,
                    supersedes: targetID, project: project))
                Console.out("undid \(caseID) \(target.decision ?? "?") in project \(project) (event \(event.id.map(String.init) ?? "?") undoes event \(targetID))")
                return
            }
            guard let detail = try store.caseDetail(caseID: caseID) else { throw StoreError.caseNotFound(caseID) }
            guard let current = detail.currentLabel, let currentID = current.id else {
                throw CLIError(message: "case '\(caseID)' has no label to undo", code: Exit.dataError)
            }
            let event = try store.recordLabel(LabelDraft(
                caseID: caseID, kind: .undo, decision: nil, analyst: global.analystName, osUser: Paths.osUser(),
                role: try roles.inForce(store, person: global.analystName), blind: false, modelVersionsSeen: Label.modelVersionsSeen(detail.scores),
                supersedes: currentID))
            Console.out("undid \(caseID) \(current.decision ?? "?") (event \(event.id.map(String.init) ?? "?") undoes event \(currentID))")
        }
    }
}
