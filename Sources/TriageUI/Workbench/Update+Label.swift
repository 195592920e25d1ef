import TriageCore
import TriageStore

/// Labelling: decision hotkey → reason picker → note → a ``Effect/recordLabel(_:)`` the runtime
/// commits; undo and skip.
extension Workbench {
    /// The action a key stands for in `state`: while a label is being made every key goes to it
    /// (the note field takes text), otherwise the keymap decides.
    public static func action(for key: Key, in state: WorkbenchState) -> Action? {
        if case .resize(let w, let h) = key { return .resize(width: w, height: h) }
        if state.labelFlow != nil { return .labelInput(key) }
        if state.prompt != nil { return .promptInput(key) }
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
        var seen = Set<String>()
        let versions = detail.scores.map { "\($0.model)@\($0.version)" }.filter { seen.insert($0).inserted }
        state.labelFlow = LabelFlow(caseID: detail.case.caseID, policy: detail.case.policy, decision: decision,
                                    reasons: taxonomy.reasons(policy: detail.case.policy, decision: decision.key),
                                    supersedes: detail.currentLabel?.id, modelVersionsSeen: versions)
        return []
    }

    /// A key while the picker, the note field or the discard question is open.
    static func labelInput(_ state: inout WorkbenchState, _ key: Key) -> [Effect] {
        guard var flow = state.labelFlow else { return [] }
        switch flow.stage {
        case .reasons:
            switch key {
            case .escape:
                state.labelFlow = nil
                state.status = .info("label cancelled")
                return []
            case .enter:
                flow.stage = .note
            case .char(let c):
                guard let reason = flow.reasons.first(where: { $0.hotkey == c }) else {
                    state.status = .info("no reason on \(Sanitize.line(String(c))): press a listed key, Enter or Esc")
                    return []
                }
                if flow.selected.remove(reason.code) == nil { flow.selected.insert(reason.code) }
            default:
                return []
            }
        case .note:
            switch key {
            case .escape where !flow.note.isEmpty:
                // Never throw typed words away without asking.
                flow.stage = .confirmDiscard
                flow.quitAfterDiscard = false
            case .ctrl("d"):
                // q types into the note; Ctrl-D quits from here, and asks first. (Not Ctrl-Q:
                // with flow control on, the terminal swallows it.)
                return update(&state, .quit)
            case .escape:
                state.labelFlow = nil
                state.status = .info("label cancelled")
                return []
            case .enter:
                return commit(&state, flow)
            case .backspace, .ctrl("h"):
                if !flow.note.isEmpty { flow.note.removeLast() }
            case .char(let c):
                guard isPrintable(c) else { return [] }
                flow.note.append(c)
            default:
                return []
            }
        case .confirmDiscard:
            switch key {
            case .char("y"), .char("Y"):
                state.labelFlow = nil
                guard flow.quitAfterDiscard else {
                    state.status = .info("label cancelled, note discarded")
                    return []
                }
                state.quitRequested = true
                return [.quit]
            case .char("n"), .char("N"), .escape:
                flow.stage = .note
            default:
                return []
            }
        }
        state.status = nil
        state.labelFlow = flow
        return []
    }

    /// Whether `c` may go into a note: no control, format (bidi) or line-separator characters.
    static func isPrintable(_ c: Character) -> Bool {
        !c.unicodeScalars.contains { u in
            u.value < 0x20 || (0x7F...0x9F).contains(u.value)
                || [.format, .lineSeparator, .paragraphSeparator].contains(u.properties.generalCategory)
        }
    }

    /// Ends the flow with the effect that commits its label.
    static func commit(_ state: inout WorkbenchState, _ flow: LabelFlow) -> [Effect] {
        state.labelFlow = nil
        state.status = .info("saving…")
        let draft = LabelDraft(caseID: flow.caseID, kind: .label, decision: flow.decision.key,
                               reasonCodes: flow.selectedCodes, note: flow.note.isEmpty ? nil : flow.note,
                               analyst: state.analyst, osUser: state.osUser, role: .analyst, blind: false,
                               modelVersionsSeen: flow.modelVersionsSeen, supersedes: flow.supersedes)
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
                                        osUser: state.osUser, role: .analyst, supersedes: last.eventID))]
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
