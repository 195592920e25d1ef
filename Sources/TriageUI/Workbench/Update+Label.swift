import TriageCore
import TriageStore

/// Labelling: decision hotkey → reason picker → note → a ``Effect/recordLabel(_:)`` the runtime
/// commits; undo and skip.
extension Workbench {
    /// The action a key stands for in `state`: while a label is being made every key goes to it
    /// (the note field takes text), otherwise the keymap decides.
    public static func action(for key: Key, in state: WorkbenchState) -> Action? {
        if case .resize(let w, let h) = key { return .resize(width: w, height: h) }
        if state.dashboard != nil { return Keymap.dashboard.action(for: key) }
        if state.labelFlow != nil { return .labelInput(key) }
        if state.prompt != nil { return .promptInput(key) }
        if state.rating != nil { return .ratingInput(key) }
        return state.keymap.action(for: key)
    }

    /// Opens the reason picker for the selected case and `decisionKey`.
    static func decide(_ state: inout WorkbenchState, _ decisionKey: String) -> [Effect] {
        guard let taxonomy = state.taxonomy, let decision = taxonomy.decision(decisionKey) else {
            state.status = .error("the taxonomy is not loaded: cannot label")
            return []
        }
        if let holder = heldByOther(state) {
            state.status = .info("held by \(Sanitize.line(holder)): cannot label")
            return []
        }
        guard let detail = state.selectedDetail else {
            state.status = .info(state.selectedRow == nil ? "no case to label" : "the case is still loading")
            return []
        }
        // A case that already has a live label (reached with `f status=all`, search or `:`):
        // ask before replacing it, naming whose it is; a role that may not decide here is told so.
        let current = detail.currentLabel
        if current != nil, state.role == .labeler {
            state.status = .info("labelers label in labelling projects: this case's label stays")
            return []
        }
        let replacing = current.flatMap { c in
            c.id.map { LabelFlow.Correction(eventID: $0, author: c.analyst, decision: c.decision ?? "?", own: c.analyst == state.analyst) }
        }
        state.labelFlow = LabelFlow.start(detail, decision: decision, taxonomy: taxonomy, supersedes: current?.id, replacing: replacing)
        return []
    }

    /// A key while the picker, the note field or the discard question is open.
    static func labelInput(_ state: inout WorkbenchState, _ key: Key) -> [Effect] {
        guard var flow = state.labelFlow else { return [] }
        switch flow.handle(key) {
        case .edited:
            state.status = nil
            state.labelFlow = flow
            return []
        case .ignored:
            return []
        case .refused(let message):
            state.status = .info(message)
            return []
        case .cancelled(let message):
            state.labelFlow = nil
            state.status = .info(message)
            return []
        case .commit:
            return commit(&state, flow)
        case .quit:
            return update(&state, .quit)
        case .discardAndQuit:
            state.labelFlow = nil
            state.quitRequested = true
            return [.quit]
        }
    }

    /// Whether `c` may go into a note: no control, format (bidi) or line-separator characters.
    static func isPrintable(_ c: Character) -> Bool { LabelFlow.isPrintable(c) }

    /// Ends the flow with the effect that commits its label.
    static func commit(_ state: inout WorkbenchState, _ flow: LabelFlow) -> [Effect] {
        state.labelFlow = nil
        state.status = .info("saving…")
        let draft = LabelDraft(caseID: flow.caseID, kind: .label, decision: flow.decision.key,
                               reasonCodes: flow.selectedCodes, note: flow.note.isEmpty ? nil : flow.note,
                               analyst: state.analyst, osUser: state.osUser, role: state.role, blind: false,
                               modelVersionsSeen: flow.modelVersionsSeen, supersedes: flow.supersedes,
                               queuePolicy: state.query.sort.rawValue) // the queue's order served the case
        return [.recordLabel(draft)]
    }

    /// Withdraws the last label of this session.
    static func undo(_ state: inout WorkbenchState) -> [Effect] {
        state.labelFlow = nil
        guard let last = state.lastLabel else {
            state.status = .info("nothing to undo in this session")
            return []
        }
        state.status = .info("undoing…")
        return [.recordLabel(LabelDraft(caseID: last.caseID, kind: .undo, decision: nil, analyst: state.analyst,
                                        osUser: state.osUser, role: state.role, supersedes: last.eventID))]
    }

    /// A label (or undo) is in the store: say so, and move on (after a label: to the next case;
    /// after an undo: to the case that came back, when it is in the window).
    static func labelRecorded(_ state: inout WorkbenchState, _ event: LabelEvent) -> [Effect] {
        let select: SelectionTarget
        var anchor = inPlace(state)
        if event.kind == .undo {
            // The case is back in the queue where it was: take the window with it on the selected row.
            if let row = state.lastLabel?.row, row.caseID == event.caseID {
                anchor = .at(row.cursor(for: state.query.sort), row: state.selection)
            }
            state.lastLabel = nil
            state.status = .info("undone: \(Sanitize.line(event.caseID))")
            select = .caseID(event.caseID, fallback: state.selection)
        } else {
            if let id = event.id {
                state.lastLabel = SessionLabel(eventID: id, caseID: event.caseID,
                                               row: state.rows.first { $0.caseID == event.caseID })
            }
            state.status = .info("saved: \(event.decision ?? "") \(Sanitize.line(event.caseID))")
            // The next case: the row after the labelled one if the window has it (whether or not the
            // labelled case leaves this queue), else whatever takes the labelled case's place.
            let i = state.rows.firstIndex { $0.caseID == event.caseID } ?? state.selection
            select = state.rows.indices.contains(i + 1) ? .caseID(state.rows[i + 1].caseID, fallback: i) : .index(i)
        }
        state.detail = nil // its label history changed: read it again
        var effects: [Effect] = [.loadCount(state.query)]
        effects += reload(&state, anchor, select: select, rowsAbove: state.rowsAbove)
        if event.kind == .label, state.lease != nil {
            // The label ended the claim: the next case is the next free one in queue order.
            state.claim = nil
            effects.append(.claimNext(state.query))
        }
        return effects
    }
}
