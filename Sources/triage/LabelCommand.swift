import ArgumentParser
import Foundation
import TriageCore
import TriageStore

struct Label: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Record a decision on a case, as the workbench does.",
        discussion: """
        Appends a label event to the case (the log is append-only) and updates its status, with \
        the same checks and audit trail as the workbench: the decision and reason codes must be \
        in the taxonomy for the case's policy area (triage taxonomy show), and the event records \
        --analyst (default: your OS user), your OS user, and the model versions whose scores the \
        case carried. Labelling ends any claim on the case (triage next), also one held by someone \
        else: a claim keeps the queue from handing the case out twice, it does not lock it (the \
        workbench, which shows who holds it, refuses there). Whoever labels second is refused, \
        never overwritten.

        A case that already has a label is refused unless --correct is given: the new event then \
        supersedes the current one (both stay in the log). Prints "labelled CASE_ID DECISION \
        (event N)" on success.

        Exit codes: 0 recorded; 65 an unknown decision or a reason code that does not apply (the \
        message lists the allowed ones); 66 no such case, or no such database; 75 the case already \
        has a label (use --correct to supersede it), someone labelled it meanwhile, or the database \
        stayed locked too long; 77 the database is read-only for you; others as in triage --help.

        In a labelling project (--project NAME) the label is the person's own, beside the other \
        labelers' (it never changes the case's status in the analyst queue), made in the labeler \
        role; --correct replaces their own earlier label. A lead settles a case with \
        --adjudicate (the final label; --correct replaces an earlier adjudication). --blind \
        records that the decision was made without seeing the model's output. A labeler's label \
        is recorded blind when triage has not shown them the model's output for the case (in a \
        blind project's policy area, before their first label on it) unless --saw-model says \
        they saw it.

        Examples:
          triage label c_1 violation --reason unlicensed_gambling
          triage label c_2 no_violation --reason licensed_operator --note "licence MGA/B2C/123"
          triage label c_1 no_violation --reason licensed_operator --correct
          triage label c_7 violation --project gambling-nov --blind
          triage label c_7 no_violation --project gambling-nov --adjudicate
        """
    )

    @OptionGroup var global: GlobalOptions

    @Argument(help: ArgumentHelp("The case to label.", valueName: "case-id"))
    var caseID: String

    @Argument(help: ArgumentHelp("A decision key from the taxonomy (e.g. violation, no_violation, unsure, escalate).",
                                 valueName: "decision"))
    var decision: String

    @Option(name: .customLong("reason"), help: ArgumentHelp("A reason code (repeat for several).", valueName: "code"))
    var reasons: [String] = []

    @Option(help: ArgumentHelp("A free-text note kept with the label.", valueName: "text"))
    var note: String?

    @Flag(help: "Supersede the case's current label instead of refusing.")
    var correct = false

    @OptionGroup var roles: RoleOptions

    @Option(help: ArgumentHelp("Label in this labelling project (as a labeler, or a lead with --adjudicate).", valueName: "name"))
    var project: String?

    @Flag(help: "A lead's final decision on a project's case (needs --project).")
    var adjudicate = false

    @Flag(help: "Record that you decided without seeing the model's output.")
    var blind = false

    @Flag(help: "In a blind project: record that you saw the model's output before deciding (labels there are blind otherwise).")
    var sawModel = false

    func validate() throws {
        if adjudicate && project == nil { throw ValidationError("--adjudicate needs --project") }
        if blind && sawModel { throw ValidationError("--blind and --saw-model contradict each other") }
        if sawModel && project == nil { throw ValidationError("--saw-model applies to labels in a blind project (--project)") }
    }

    func run() throws {
        try runReporting {
            let store = try global.openStore(.readWrite)
            guard let detail = try store.caseDetail(caseID: caseID) else { throw StoreError.caseNotFound(caseID) }
            if let project {
                try labelInProject(store, detail, project)
                return
            }
            let current = detail.currentLabel
            var draft = LabelDraft(
                caseID: caseID, kind: .label, decision: decision, reasonCodes: reasons,
                note: note.flatMap { $0.isEmpty ? nil : $0 }, analyst: global.analystName, osUser: Paths.osUser(),
                role: try roles.inForce(store, person: global.analystName), blind: blind,
                modelVersionsSeen: blind ? [] : Self.modelVersionsSeen(detail.scores), queuePolicy: nil)
            // Bad input first, whatever the case's state: the message lists what is allowed.
            let problems = draft.problems(taxonomy: try store.taxonomy(), policy: detail.case.policy)
            if !problems.isEmpty { throw StoreError.invalidLabel(caseID: caseID, problems: problems) }
            if let current, !correct {
                let who = current.analyst
                let when = current.createdAt.iso8601
                throw CLIError(
                    message: "case '\(caseID)' already has a label (event \(current.id.map(String.init) ?? "?"): "
                        + "\(current.decision ?? "?") by \(who) at \(when)); nothing recorded. "
                        + "Use --correct to supersede it",
                    code: Exit.code(for: .labelConflict(caseID: caseID, current: current.id, expected: nil)))
            }
            // The store checks atomically that the current label is still the one read above.
            draft.supersedes = current?.id
            let event = try store.recordLabel(draft)
            Console.out("labelled \(caseID) \(decision) (event \(event.id.map(String.init) ?? "?"))")
        }
    }

    /// A label (or, with --adjudicate, an adjudication) in a labelling project.
    private func labelInProject(_ store: any CaseStore, _ detail: CaseDetail, _ project: String) throws {
        let person = global.analystName
        var r = roles
        if r.role == nil { r.role = adjudicate ? .lead : .labeler }
        let role = try r.inForce(store, person: person)
        _ = try global.resolveProject(store, project)
        // A labeler is shown the model's output by triage only where Disclosure allows (`triage
        // audit` hides the rest): before their first label on a case of a blind project's area,
        // their label is blind unless they say they saw it; a correction after that is not.
        let disclosure = Disclosure(viewer: person, role: role, projects: try store.projects().map(\.project))
        let blind = self.blind || (role == .labeler && !adjudicate && !sawModel && !disclosure.showsModel(detail))
        let live = CurrentLabel.live(detail.labels, project: project)
        let mine = adjudicate ? live.last { $0.kind == .adjudication } : live.last { $0.kind == .label && $0.analyst == person }
        if let mine, !correct {
            let what = adjudicate ? "an adjudication" : "your label"
            throw CLIError(message: "case '\(caseID)' already has \(what) in project \(project) (event \(mine.id.map(String.init) ?? "?"): "
                           + "\(mine.decision ?? "?") by \(mine.analyst)); nothing recorded. Use --correct to supersede it",
                           code: Exit.tempFailure)
        }
        let draft = LabelDraft(
            caseID: caseID, kind: adjudicate ? .adjudication : .label, decision: decision, reasonCodes: reasons,
            note: note.flatMap { $0.isEmpty ? nil : $0 }, analyst: person, osUser: Paths.osUser(), role: role,
            blind: blind, modelVersionsSeen: blind ? [] : Self.modelVersionsSeen(detail.scores),
            supersedes: mine?.id, project: project)
        let event = try store.recordLabel(draft)
        let verb = adjudicate ? "adjudicated" : "labelled"
        Console.out("\(verb) \(caseID) \(decision) in project \(project) (event \(event.id.map(String.init) ?? "?"))")
    }

    /// Each model's latest score as "model@version", models in the order they first scored the case.
    static func modelVersionsSeen(_ scores: [ModelScore]) -> [String] {
        var order: [String] = []
        var latest: [String: String] = [:]
        for s in scores {
            if latest[s.model] == nil { order.append(s.model) }
            latest[s.model] = s.version
        }
        return order.map { "\($0)@\(latest[$0]!)" }
    }
}
