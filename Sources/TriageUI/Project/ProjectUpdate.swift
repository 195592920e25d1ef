import TriageCore
import TriageStore

/// The project screens' logic and drawing as pure functions of ``ProjectState``:
/// ``update(_:_:)`` applies a ``ProjectAction`` and returns the ``ProjectEffect``s to perform,
/// ``render(_:)`` draws the state. Neither touches the store or the terminal.
public enum ProjectScreen {
    /// The effects that load the first screen: taxonomy and project, then the labeler's first
    /// claim (labelling) or the project's labels (adjudication).
    public static func start(_ state: inout ProjectState) -> [ProjectEffect] {
        [.checkDataVersion] + (state.isAdjudication ? [.loadTaxonomy, .loadProject, .loadLabels]
            : [.loadTaxonomy, .loadProject, .loadProgress, .claimNext(skipping: state.skipped)])
    }

    /// The action a key stands for: while a label is being made every key goes to it; after a
    /// save `n` and Enter mean the next case; otherwise the keymap decides.
    public static func action(for key: Key, in state: ProjectState) -> ProjectAction? {
        if case .resize(let w, let h) = key { return .resize(width: w, height: h) }
        if state.labelFlow != nil { return .labelInput(key) }
        if state.helpVisible, key == .escape { return .toggleHelp }
        if case .revealed = state.phase, !state.helpVisible, key == .char("n") || key == .enter { return .next }
        guard let action = state.keymap.action(for: key) else { return nil }
        switch action {
        case .moveDown: return .moveDown
        case .moveUp: return .moveUp
        case .scrollDetail(let n): return .scrollDetail(n)
        case .pageDown: return .pageDown
        case .pageUp: return .pageUp
        case .top: return .top
        case .bottom: return .bottom
        case .toggleHelp: return .toggleHelp
        case .cycleTheme: return .cycleTheme
        case .quit: return .quit
        case .decide(let d): return .decide(d)
        case .undo: return .undo
        case .skip: return .skip
        case .refresh: return .refresh
        case .focusDetail: return .next
        default: return nil
        }
    }

    /// Applies `action` to `state`; returns what must be done next.
    public static func update(_ state: inout ProjectState, _ action: ProjectAction) -> [ProjectEffect] {
        switch action {
        case .taxonomyLoaded, .projectLoaded, .progressLoaded, .claimedNext, .detailLoaded, .labelsLoaded,
             .labelRecorded, .labelFailed, .showMessage, .tick, .resize, .dataVersionRead, .databaseUnreachable:
            break
        default:
            state.status = nil // a key press clears the last message
        }
        if state.helpVisible {
            switch action {
            case .toggleHelp, .quit:
                state.helpVisible = false
                return []
            case .moveDown, .moveUp, .scrollDetail, .pageDown, .pageUp, .top, .bottom, .decide, .undo, .skip,
                 .next, .refresh, .cycleTheme, .labelInput:
                return []
            default:
                break
            }
        }
        switch action {
        case .moveDown:
            return state.isAdjudication ? select(&state, state.selection + 1) : scroll(&state, by: 1)
        case .moveUp:
            return state.isAdjudication ? select(&state, state.selection - 1) : scroll(&state, by: -1)
        case .scrollDetail(let n):
            return scroll(&state, by: n)
        case .pageDown:
            return scroll(&state, by: detailPage(state))
        case .pageUp:
            return scroll(&state, by: -detailPage(state))
        case .top:
            if state.isAdjudication { return select(&state, 0) }
            state.detailScroll = 0
            return []
        case .bottom:
            if state.isAdjudication { return select(&state, (state.queue?.count ?? 1) - 1) }
            state.detailScroll = maxDetailScroll(state)
            return []
        case .resize(let w, let h):
            state.size = TerminalSize(width: w, height: h)
            state.detailScroll = min(state.detailScroll, maxDetailScroll(state))
            return []
        case .toggleHelp:
            state.helpVisible = true
            return []
        case .cycleTheme:
            state.theme = state.theme.nextBuiltIn
            state.status = .info("theme: \(state.theme.name)")
            return []
        case .quit:
            if var flow = state.labelFlow, flow.holdsQuit() { // a half-typed note: ask first
                state.labelFlow = flow
                return []
            }
            state.labelFlow = nil
            state.quitRequested = true
            return [.quit]
        case .decide(let key):
            return decide(&state, key)
        case .labelInput(let key):
            return labelInput(&state, key)
        case .undo:
            return undo(&state)
        case .skip:
            return skip(&state)
        case .next:
            guard case .revealed = state.phase else { return [] }
            return claimNext(&state)
        case .refresh:
            if state.isAdjudication { return [.loadLabels] }
            return [.loadProgress] + (state.caseID.map { [.loadDetail(caseID: $0)] } ?? [])
        case .taxonomyLoaded(let taxonomy):
            state.taxonomy = taxonomy
            state.keymap = state.keymap.addingDecisions(of: taxonomy)
            return state.queue == nil ? [] : recomputeQueue(&state)
        case .projectLoaded(let project):
            state.project = project
            if project == nil {
                state.status = .error("no project named '\(Sanitize.line(state.projectName))' in this database")
            }
            return []
        case .progressLoaded(let progress):
            state.progress = progress
            return []
        case .claimedNext(let caseID):
            return claimed(&state, caseID)
        case .detailLoaded(let caseID, let detail):
            if let detail { state.names[caseID] = detail.case.merchant.name }
            guard caseID == state.caseID else { return [] }
            state.detail = detail
            if detail == nil { state.status = .error("case \(Sanitize.line(caseID)) is no longer in the database") }
            state.detailScroll = min(state.detailScroll, maxDetailScroll(state))
            return []
        case .labelsLoaded(let labels):
            state.labels = labels
            return recomputeQueue(&state)
        case .labelRecorded(let event):
            return labelRecorded(&state, event)
        case .labelFailed(let message):
            state.status = .error(message)
            return []
        case .showMessage(let message):
            state.status = message
            return []
        case .databaseUnreachable(let message):
            state.databaseUnreachable = true
            state.status = .offline(message)
            return []
        case .dataVersionRead(let version):
            if state.databaseUnreachable {
                state.databaseUnreachable = false
                state.status = .backOnline
            }
            let previous = state.dataVersion
            state.dataVersion = version
            guard let previous, previous != version else { return [] }
            // Someone committed: the lead's queue follows the labels, the labeler's header the progress.
            return state.isAdjudication ? [.loadLabels] : [.loadProgress]
        case .tick(let now):
            state.now = now
            var effects: [ProjectEffect] = [.checkDataVersion]
            // Keep the claim on the case being decided while the labeler reads it.
            if state.phase == .deciding, let id = state.caseID, let at = state.claimedAt,
               Double(now.milliseconds - at.milliseconds) >= state.lease * 500 {
                state.claimedAt = now
                effects.append(.renewClaim(caseID: id))
            }
            return effects
        }
    }

    // MARK: - Labelling

    /// Asks for the labeler's next case (the session's skips left out).
    static func claimNext(_ state: inout ProjectState) -> [ProjectEffect] {
        state.phase = .loading
        return [.claimNext(skipping: state.skipped)]
    }

    static func claimed(_ state: inout ProjectState, _ caseID: String?) -> [ProjectEffect] {
        state.detailScroll = 0
        state.modelRevealed = false
        guard let caseID else {
            state.phase = .empty
            state.caseID = nil
            state.detail = nil
            return [.loadProgress]
        }
        state.phase = .deciding
        state.caseID = caseID
        state.claimedAt = state.now
        return [.loadDetail(caseID: caseID), .loadProgress]
    }

    static func skip(_ state: inout ProjectState) -> [ProjectEffect] {
        guard !state.isAdjudication, let id = state.caseID else { return [] }
        if case .revealed = state.phase { return claimNext(&state) } // labelled: nothing to give back
        guard state.phase == .deciding else { return [] }
        state.skipped.insert(id)
        state.status = .info("skipped \(Sanitize.line(id))")
        return [.releaseClaim(caseID: id)] + claimNext(&state)
    }

    static func undo(_ state: inout ProjectState) -> [ProjectEffect] {
        guard !state.isAdjudication else { return [] }
        guard case .revealed(let last) = state.phase else {
            state.status = .info("nothing to undo: z undoes the label just saved")
            return []
        }
        state.status = .info("undoing…")
        return [.recordLabel(LabelDraft(caseID: last.caseID, kind: .undo, decision: nil, analyst: state.person,
                                        osUser: state.osUser, role: .labeler, supersedes: last.eventID,
                                        project: state.projectName))]
    }

    /// Opens the reason picker for the case on screen and `decisionKey`.
    static func decide(_ state: inout ProjectState, _ decisionKey: String) -> [ProjectEffect] {
        guard let taxonomy = state.taxonomy, let decision = taxonomy.decision(decisionKey) else {
            state.status = .error("the taxonomy is not loaded: cannot label")
            return []
        }
        if !state.isAdjudication, case .revealed = state.phase {
            state.status = .info("saved already: n next case · z undo and relabel")
            return []
        }
        guard let detail = state.shownDetail else {
            state.status = .info(state.caseID == nil ? "no case to label" : "the case is still loading")
            return []
        }
        state.labelFlow = LabelFlow.start(detail, decision: decision, taxonomy: taxonomy,
                                          supersedes: state.isAdjudication ? state.selectedConsensus?.adjudication?.eventID : nil,
                                          modelShown: !state.hidesModel)
        return []
    }

    /// A key while the picker, the note field or the discard question is open.
    static func labelInput(_ state: inout ProjectState, _ key: Key) -> [ProjectEffect] {
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
            state.labelFlow = nil
            state.status = .info("saving…")
            return [.recordLabel(draft(state, flow))]
        case .quit:
            return update(&state, .quit)
        case .discardAndQuit:
            state.labelFlow = nil
            state.quitRequested = true
            return [.quit]
        }
    }

    /// The label (labeler) or adjudication (lead) a finished flow describes.
    static func draft(_ state: ProjectState, _ flow: LabelFlow) -> LabelDraft {
        let note = flow.note.isEmpty ? nil : flow.note
        if state.isAdjudication {
            return LabelDraft(caseID: flow.caseID, kind: .adjudication, decision: flow.decision.key,
                              reasonCodes: flow.selectedCodes, note: note, analyst: state.person, osUser: state.osUser,
                              role: .lead, blind: false, modelVersionsSeen: flow.modelVersionsSeen,
                              supersedes: flow.supersedes, project: state.projectName)
        }
        let blind = state.hidesModel
        return LabelDraft(caseID: flow.caseID, kind: .label, decision: flow.decision.key,
                          reasonCodes: flow.selectedCodes, note: note, analyst: state.person, osUser: state.osUser,
                          role: .labeler, blind: blind, modelVersionsSeen: blind ? [] : flow.modelVersionsSeen,
                          project: state.projectName)
    }

    static func labelRecorded(_ state: inout ProjectState, _ event: LabelEvent) -> [ProjectEffect] {
        if state.isAdjudication {
            state.status = .info("adjudicated \(Sanitize.line(event.caseID)): \(Sanitize.line(event.decision ?? "?"))")
            return [.loadLabels]
        }
        guard event.caseID == state.caseID else { return [.loadProgress] }
        if event.kind == .undo {
            // The case again, to relabel: the model was seen, so the next label is not blind.
            state.phase = .deciding
            state.modelRevealed = true
            state.status = .info("undone: relabel \(Sanitize.line(event.caseID))")
        } else if let id = event.id {
            state.phase = .revealed(SessionLabel(eventID: id, caseID: event.caseID))
            state.modelRevealed = true
            state.revealedDecision = event.decision
            state.status = nil // the reveal line says it
            state.detailScroll = 0
            // Read the case again: a store that withholds model output from a labeler until they
            // have labelled the case (PostgreSQL does) hands it over now.
            return [.loadProgress, .loadDetail(caseID: event.caseID)]
        }
        return [.loadProgress]
    }

    // MARK: - Adjudication

    /// Recomputes the adjudication queue from the labels, keeping the selected case when it is
    /// still in it (else the one that took its place).
    static func recomputeQueue(_ state: inout ProjectState) -> [ProjectEffect] {
        let categories = state.taxonomy?.decisions.map(\.key) ?? []
        let queue = ProjectAnalysis.adjudicationQueue(ProjectAnalysis.consensus(state.labels, categories: categories))
        state.queue = queue
        let index = state.caseID.flatMap { id in queue.firstIndex { $0.caseID == id } } ?? state.selection
        return select(&state, index, force: true)
    }

    /// Selects the queue's case `index` (clamped); loads its detail when it is another case.
    static func select(_ state: inout ProjectState, _ index: Int, force: Bool = false) -> [ProjectEffect] {
        guard let queue = state.queue, !queue.isEmpty else {
            state.caseID = nil
            state.detail = nil
            state.selection = 0
            return []
        }
        state.selection = min(max(0, index), queue.count - 1)
        let id = queue[state.selection].caseID
        guard id != state.caseID || (force && state.detail?.case.caseID != id) else { return [] }
        state.caseID = id
        state.detailScroll = 0
        return [.loadDetail(caseID: id)]
    }

    // MARK: - Scrolling

    static func scroll(_ state: inout ProjectState, by n: Int) -> [ProjectEffect] {
        state.detailScroll = min(max(0, state.detailScroll + n), maxDetailScroll(state))
        return []
    }

    static func detailPage(_ state: ProjectState) -> Int { max(1, detailRect(state).height - 1) }

    static func maxDetailScroll(_ state: ProjectState) -> Int {
        max(0, detailLines(state).count - detailRect(state).height)
    }
}
