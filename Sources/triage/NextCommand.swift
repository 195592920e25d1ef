import ArgumentParser
import Foundation
import TriageCore
import TriageStore

struct Next: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Claim the next open case and print its id.",
        discussion: """
        Claims the first open case in the queue's order that nobody else holds, for --analyst \
        (default: your OS user), and prints its case id alone on standard output. The claim is a \
        lease: the case is yours for --lease seconds, then free for others again if you have not \
        labelled it. Labelling the case (triage label) ends the claim. Until then, running \
        triage next again gives you the same case back, with its lease renewed, so a script or \
        session that restarts picks up where it was. Two analysts, in any processes, are never \
        given the same case while its lease runs.

        Exit codes: 0 a case was claimed (its id is printed); 3 the queue has no open case free \
        for you (nothing is printed on standard output); 66 no such database; 75 the database \
        stayed locked too long (try again); others as in triage --help.

        Examples:
          triage next
          triage next --policy gambling --sort uncertainty --lease 600
          while id=$(triage next); do triage label "$id" "$(./decide "$id")"; done
          triage next --project gambling-nov      # as a labeler: overlap and gold apply
        """
    )

    @OptionGroup var global: GlobalOptions

    @Option(help: ArgumentHelp("Claim only from this policy area's queue.", valueName: "policy"))
    var policy: String?

    @Option(help: "Queue order: score (highest first), age (oldest first) or uncertainty (closest to the threshold).")
    var sort: QueueSort = .score

    @Option(help: ArgumentHelp("How long the claim lasts, in seconds, unless renewed by another triage next.",
                               valueName: "seconds"))
    var lease: Int = 900

    @Option(help: ArgumentHelp("Claim from this labelling project instead, as a labeler.", valueName: "name"))
    var project: String?

    func validate() throws {
        guard lease > 0, TimeInterval(lease) <= 365 * 24 * 3600 else {
            throw ValidationError("--lease must be a number of seconds from 1 to 31536000 (a year)")
        }
    }

    func run() throws {
        try runReporting {
            let store = try global.openStore(.readWrite)
            if let project {
                _ = try RoleOptions(role: .labeler).inForce(store, person: global.analystName)
                guard let id = try store.claimNext(inProject: project, labeler: global.analystName,
                                                   lease: TimeInterval(lease), skipping: []) else {
                    throw CLIError(message: "nothing left for \(global.analystName) in project \(project)", code: Exit.queueEmpty)
                }
                Console.out(id)
                return
            }
            // The analyst queue is for analysts (and leads); a labeler's cases come from projects.
            if try store.role(of: global.analystName) == .labeler {
                throw CLIError(message: "\(global.analystName) is a labeler: labelers claim from a labelling project "
                               + "(`triage next --project NAME`, see `triage project list`), not the analyst queue",
                               code: Exit.noPermission)
            }
            try requireKnownPolicy(policy, in: store)
            let query = QueueQuery(policy: policy, status: .open, sort: sort)
            guard let row = try store.claimNext(query, analyst: global.analystName, lease: TimeInterval(lease)) else {
                throw CLIError(message: "no open case to claim" + (policy.map { " in policy area '\($0)'" } ?? ""),
                               code: Exit.queueEmpty)
            }
            Console.out(row.caseID)
        }
    }
}
