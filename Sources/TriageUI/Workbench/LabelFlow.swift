import TriageCore
import TriageStore

/// A label being made on one case: the decision picked by its hotkey, then reasons toggled in the
/// picker, then an optional note. Nothing reaches the store until it is committed.
public struct LabelFlow: Sendable, Equatable {
    /// Where the flow is.
    public enum Stage: Sendable, Equatable {
        /// The reason picker: reason hotkeys toggle, Enter goes on to the note, Esc cancels.
        case reasons
        /// The note field: text is typed, Backspace deletes, Enter commits, Esc cancels.
        case note
        /// "discard the note? y/n": Esc or a quit with a half-typed note asks first.
        case confirmDiscard
        /// "Correct bob's no_violation (#80)? y/n": the case already has a live label, and the new
        /// one would replace it; asked before anything else, so nobody replaces a label unawares.
        case confirmCorrection(Correction)
    }

    /// The live label a new one would replace, as the correction question names it.
    public struct Correction: Sendable, Equatable {
        public var eventID: Int64
        public var author: String
        public var decision: String
        /// Whether the person deciding made it themselves.
        public var own: Bool

        public init(eventID: Int64, author: String, decision: String, own: Bool) {
            self.eventID = eventID
            self.author = author
            self.decision = decision
            self.own = own
        }

        /// `bob's no_violation (#80)`, or `your violation (#80)`.
        public var described: String {
            (own ? "your " : Sanitize.line(author) + "'s ") + Sanitize.line(decision) + " (#\(eventID))"
        }
    }

    /// The case being labelled.
    public var caseID: String
    /// Its policy area (which reasons are offered).
    public var policy: String
    /// The decision picked.
    public var decision: Decision
    /// The reasons offered for that policy and decision, in taxonomy order.
    public var reasons: [ReasonCode]
    /// The codes picked so far.
    public var selected: Set<String> = []
    /// The note typed so far.
    public var note = ""
    /// Where the flow is.
    public var stage: Stage = .reasons
    /// Whether "y" to the discard question also quits (it was asked by a quit, not by Esc).
    public var quitAfterDiscard = false
    /// The case's current label when the flow started (the new label supersedes it).
    public var supersedes: Int64?
    /// The `model@version` of every score shown for the case.
    public var modelVersionsSeen: [String]

    /// A flow for `caseID` in `policy` with `decision`, offering `reasons`.
    public init(caseID: String, policy: String, decision: Decision, reasons: [ReasonCode],
                supersedes: Int64? = nil, modelVersionsSeen: [String] = []) {
        self.caseID = caseID
        self.policy = policy
        self.decision = decision
        self.reasons = reasons
        self.supersedes = supersedes
        self.modelVersionsSeen = modelVersionsSeen
    }

    /// A flow for `detail`'s case with `decision`, offering the taxonomy's reasons for its policy
    /// area; `modelShown` records the model versions on screen (none when the model is hidden).
    /// When `replacing` (the label the new one would supersede) is given, the flow first asks
    /// whether to correct it.
    public static func start(_ detail: CaseDetail, decision: Decision, taxonomy: Taxonomy, supersedes: Int64?,
                             modelShown: Bool = true, replacing: Correction? = nil) -> LabelFlow {
        var seen = Set<String>()
        let versions = modelShown ? detail.scores.map { "\($0.model)@\($0.version)" }.filter { seen.insert($0).inserted } : []
        var flow = LabelFlow(caseID: detail.case.caseID, policy: detail.case.policy, decision: decision,
                             reasons: taxonomy.reasons(policy: detail.case.policy, decision: decision.key),
                             supersedes: supersedes, modelVersionsSeen: versions)
        if let replacing { flow.stage = .confirmCorrection(replacing) }
        return flow
    }

    /// A quit was asked for while this flow is open: with a half-typed note, turns to the
    /// "discard the note?" question (whose yes then quits) and returns true; else returns false
    /// (nothing typed would be lost: quit at once).
    public mutating func holdsQuit() -> Bool {
        guard !note.isEmpty else { return false }
        stage = .confirmDiscard
        quitAfterDiscard = true
        return true
    }

    /// Whether the flow waits for a y/n answer (the status bar shows the question whatever else
    /// it was saying).
    public var asksQuestion: Bool {
        switch stage {
        case .confirmDiscard, .confirmCorrection: return true
        case .reasons, .note: return false
        }
    }

    /// The picked codes in the order the picker lists them.
    public var selectedCodes: [String] { reasons.map(\.code).filter { selected.contains($0) } }
}

/// A label made in this session, remembered so that `z` can undo it.
public struct SessionLabel: Sendable, Equatable {
    /// The label event's id.
    public var eventID: Int64
    /// Its case.
    public var caseID: String
    /// The case's queue row when it was labelled (where an undo brings it back).
    public var row: QueueRow?

    /// The label `eventID` on `caseID`, whose queue row was `row`.
    public init(eventID: Int64, caseID: String, row: QueueRow? = nil) {
        self.eventID = eventID
        self.caseID = caseID
        self.row = row
    }
}
