import TriageCore
import TriageStore

/// The workbench's logic and drawing as pure functions of its state (bubbletea's Model/Update/View):
/// ``update(_:_:)`` applies an ``Action`` and returns the ``Effect``s to perform, ``render(_:)``
/// draws the state into a ``Grid``. Neither touches the store or the terminal.
public enum Workbench {
    /// The effects that load the first screen: the data version (first, so that any commit after
    /// it is noticed), the count and the top of the queue.
    public static func start(_ state: inout WorkbenchState) -> [Effect] {
        [.checkDataVersion, .loadTaxonomy, .loadCount(state.query)] + reload(&state, .top, select: .index(0), rowsAbove: 0)
    }

    /// Applies `action` to `state`; returns what must be done next (load a page, a detail…).
    ///
    /// ```swift
    /// var s = WorkbenchState(...)
    /// let effects = Workbench.update(&s, .moveDown)  // [.loadDetail(caseID: "c_2")]
    /// ```
    public static func update(_ state: inout WorkbenchState, _ action: Action) -> [Effect] {
        switch action {
        case .pageLoaded, .detailLoaded, .countLoaded, .analystCountsLoaded, .dataVersionRead, .databaseUnreachable, .showMessage, .tick, .resize,
             .taxonomyLoaded, .labelRecorded, .labelFailed, .caseLocated,
             .claimed, .claimedNext, .dashboardLoaded, .labelQualityLoaded, .rationaleEvent:
            break
        default:
            state.status = nil // a key press clears the last message
        }
        if state.helpVisible {
            switch action {
            case .toggleHelp, .focusQueue, .quit, .closeDashboard:
                state.helpVisible = false
                return []
            case .moveDown, .moveUp, .pageDown, .pageUp, .top, .bottom, .focusDetail, .toggleFocus,
                 .scrollDetail, .refresh, .decide, .undo, .skip, .openPrompt, .cycleSort, .cyclePolicy,
                 .openDashboard, .dashboardScroll, .dashboardPage, .dashboardTop, .dashboardBottom, .dashboardSection,
                 .dashboardNextSection, .reloadDashboard, .askRationale, .cancelRationale, .rateRationale:
                return [] // keys other than those closing the help do nothing under it
            default:
                break
            }
        }
        switch action {
        case .moveDown:
            return state.focus == .detail ? scrollDetail(&state, by: 1) : moveSelection(&state, by: 1)
        case .moveUp:
            return state.focus == .detail ? scrollDetail(&state, by: -1) : moveSelection(&state, by: -1)
        case .pageDown:
            return state.focus == .detail ? scrollDetail(&state, by: detailPage(state)) : pageDown(&state)
        case .pageUp:
            return state.focus == .detail ? scrollDetail(&state, by: -detailPage(state)) : pageUp(&state)
        case .top:
            if state.focus == .detail { state.detailScroll = 0; return [] }
            return top(&state)
        case .bottom:
            if state.focus == .detail { state.detailScroll = maxDetailScroll(state); return [] }
            return bottom(&state)
        case .focusDetail:
            if state.selectedRow != nil { state.focus = .detail }
            return []
        case .focusQueue:
            state.focus = .queue
            return []
        case .toggleFocus:
            state.focus = state.focus == .queue && state.selectedRow != nil ? .detail : .queue
            return []
        case .scrollDetail(let n):
            return scrollDetail(&state, by: n)
        case .resize(let w, let h):
            return resize(&state, TerminalSize(width: w, height: h))
        case .toggleHelp:
            state.helpVisible = true // (hiding is handled above)
            return []
        case .refresh:
            return reloadInPlace(&state)
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
        case .decide(let decision):
            return decide(&state, decision)
        case .labelInput(let key):
            return labelInput(&state, key)
        case .undo:
            return undo(&state)
        case .skip:
            state.labelFlow = nil
            return moveSelection(&state, by: 1)
        case .taxonomyLoaded(let taxonomy):
            state.taxonomy = taxonomy
            state.keymap = state.keymap.addingDecisions(of: taxonomy)
            return []
        case .labelRecorded(let event):
            return labelRecorded(&state, event)
        case .labelFailed(let message):
            state.status = .error(message)
            return []
        case .pageLoaded(let request, let window):
            return pageLoaded(&state, request, window)
        case .detailLoaded(let caseID, let detail):
            guard caseID == state.selectedRow?.caseID else { return [] }
            state.detail = detail
            if detail == nil { state.status = .error("case \(caseID) is no longer in the database; press r to reload") }
            state.detailScroll = min(state.detailScroll, maxDetailScroll(state))
            return []
        case .countLoaded(let query, let count):
            if query == state.query { state.queueCount = count }
            return []
        case .analystCountsLoaded(let counts):
            state.analystCounts = counts
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
            // Someone committed: what is on screen may be stale. (The first read only sets the mark.)
            guard let previous, previous != version else { return [] }
            // The open dashboard follows the data too.
            return reloadInPlace(&state) + (state.dashboard != nil ? [.loadDashboard] : [])
        case .showMessage(let message):
            state.status = message
            return []
        case .openPrompt(let kind): return openPrompt(&state, kind)
        case .promptInput(let key): return promptInput(&state, key)
        case .cycleSort: return cycleSort(&state)
        case .cyclePolicy: return cyclePolicy(&state)
        case let .caseLocated(id, query, row, exists):
            return caseLocated(&state, caseID: id, query: query, row: row, exists: exists)
        case .claimed(let caseID, let holder):
            return claimed(&state, caseID: caseID, holder: holder)
        case .claimedNext(let row):
            return claimedNext(&state, row)
        case .tick(let now):
            state.now = now
            return [.checkDataVersion]
        case .openDashboard, .closeDashboard, .dashboardScroll, .dashboardPage, .dashboardTop, .dashboardBottom,
             .dashboardSection, .dashboardNextSection, .reloadDashboard, .dashboardLoaded, .labelQualityLoaded:
            return dashboard(&state, action)
        case .askRationale, .cancelRationale, .rateRationale, .ratingInput, .rationaleEvent, .rationaleStored,
             .rationaleFailed, .feedbackRecorded:
            return rationale(&state, action)
        }
    }

    // MARK: - Queue movement

    /// Moves the selection by `delta` rows, paging the window when it leaves it.
    static func moveSelection(_ state: inout WorkbenchState, by delta: Int) -> [Effect] {
        guard !state.rows.isEmpty else { return [] }
        let n = state.rows.count
        let target = state.selection + delta
        if state.rows.indices.contains(target) {
            return select(&state, target)
        }
        if target >= n {
            guard state.hasMoreBelow else { return select(&state, n - 1) }
            // Scroll down: the window starts after the rows that scroll off its top.
            let shift = min(target - (n - 1), n)
            return reload(&state, .after(cursor(state, shift - 1)), select: .index(n - 1),
                          rowsAbove: state.rowsAbove.map { $0 + shift })
        }
        guard state.hasMoreAbove else { return select(&state, 0) }
        // Scroll up: the window ends just above the rows that scroll off its bottom.
        let shift = min(-target, n)
        return reload(&state, .before(cursor(state, n - shift)), select: .index(0),
                      rowsAbove: state.rowsAbove.map { $0 - shift })
    }

    static func pageDown(_ state: inout WorkbenchState) -> [Effect] {
        guard !state.rows.isEmpty else { return [] }
        guard state.hasMoreBelow else { return select(&state, state.rows.count - 1) }
        return reload(&state, .after(cursor(state, state.rows.count - 1)), select: .index(state.selection),
                      rowsAbove: state.rowsAbove.map { $0 + state.rows.count })
    }

    static func pageUp(_ state: inout WorkbenchState) -> [Effect] {
        guard !state.rows.isEmpty else { return [] }
        guard state.hasMoreAbove else { return select(&state, 0) }
        return reload(&state, .before(cursor(state, 0)), select: .index(state.selection),
                      rowsAbove: state.rowsAbove.map { $0 - state.layout.queueRows })
    }

    static func top(_ state: inout WorkbenchState) -> [Effect] {
        guard state.hasMoreAbove else { return state.rows.isEmpty ? [] : select(&state, 0) }
        return reload(&state, .top, select: .index(0), rowsAbove: 0)
    }

    /// The last window of the queue: one backwards page from the end.
    static func bottom(_ state: inout WorkbenchState) -> [Effect] {
        guard !state.rows.isEmpty else { return [] }
        guard state.hasMoreBelow else { return select(&state, state.rows.count - 1) }
        return reload(&state, .end, select: .last, rowsAbove: nil)
    }

    /// Reloads the window where it is, the count, and the selected case's detail, keeping the
    /// selected case on the same screen row if it is still in the queue, else selecting the case
    /// that took its place (refresh, or data changed elsewhere).
    static func reloadInPlace(_ state: inout WorkbenchState) -> [Effect] {
        var effects: [Effect] = [.loadCount(state.query)]
        let select: SelectionTarget = state.selectedRow.map { .caseID($0.caseID, fallback: state.selection) }
            ?? .index(state.selection)
        effects += reload(&state, inPlace(state), select: select, rowsAbove: state.rowsAbove)
        if let row = state.selectedRow { effects.append(.loadDetail(caseID: row.caseID)) }
        return effects
    }

    /// The window where it is: the selected row's cursor, at the selection's screen row.
    static func inPlace(_ state: WorkbenchState) -> PageAnchor {
        guard state.selectedRow != nil else { return state.rows.isEmpty ? .top : .at(cursor(state, 0), row: 0) }
        return .at(cursor(state, state.selection), row: state.selection)
    }

    /// The cursor of the window's row `index`, in the queue's order.
    static func cursor(_ state: WorkbenchState, _ index: Int) -> QueueCursor {
        state.rows[index].cursor(for: state.query.sort)
    }

    /// Selects a row of the current window; loads its detail if it is another case.
    static func select(_ state: inout WorkbenchState, _ index: Int) -> [Effect] {
        let before = state.selectedRow?.caseID
        state.selection = index
        guard let row = state.selectedRow, row.caseID != before || state.detail?.case.caseID != row.caseID
        else { return [] }
        state.detailScroll = 0
        return [.loadDetail(caseID: row.caseID)]
    }

    /// Asks for the window at `anchor` at the current window height.
    static func reload(_ state: inout WorkbenchState, _ anchor: PageAnchor, select: SelectionTarget,
                       rowsAbove: Int?) -> [Effect] {
        let window = state.layout.queueRows
        guard window > 0 else { return [] }
        state.generation += 1
        return [.loadPage(PageRequest(query: state.query, anchor: anchor, windowSize: window, select: select,
                                      generation: state.generation, rowsAbove: rowsAbove.map { max(0, $0) }))]
    }

    static func pageLoaded(_ state: inout WorkbenchState, _ request: PageRequest, _ page: QueueWindow) -> [Effect] {
        guard request.generation == state.generation, request.query == state.query else { return [] }
        let rows = page.rows
        if rows.count < request.windowSize && (page.moreAbove || page.moreBelow) {
            // A short window with rows beyond it: near an end of the queue with room to spare (a
            // resize, rows that went away, paging up near the top). Take the window at that end
            // instead, so it is full, keeping the same case selected.
            if page.moreAbove {
                let wanted = pick(request.select, in: rows)
                let select: SelectionTarget = rows.isEmpty ? .last
                    : .caseID(rows[wanted].caseID, fallback: wanted + request.windowSize - rows.count)
                return reload(&state, .end, select: select, rowsAbove: nil)
            }
            // These rows are the top of the queue; the selection means the same there.
            return reload(&state, .top, select: request.select, rowsAbove: 0)
        }
        let previous = state.selectedRow?.caseID
        state.loaded = true
        state.rows = rows
        state.hasMoreAbove = page.moreAbove
        state.hasMoreBelow = page.moreBelow
        state.offset = page.moreAbove ? request.rowsAbove.map { max(1, $0) } : 0
        state.selection = pick(request.select, in: state.rows)
        guard let row = state.selectedRow else {
            state.detail = nil
            state.focus = .queue
            return []
        }
        if row.caseID != previous { state.detailScroll = 0 }
        return row.caseID == state.detail?.case.caseID && row.caseID == previous ? [] : [.loadDetail(caseID: row.caseID)]
    }

    /// The index `target` designates among `rows` (0 when there are none).
    static func pick(_ target: SelectionTarget, in rows: [QueueRow]) -> Int {
        let last = max(0, rows.count - 1)
        switch target {
        case .index(let i): return min(max(0, i), last)
        case .last: return last
        case .caseID(let id, let fallback): return rows.firstIndex { $0.caseID == id } ?? min(max(0, fallback), last)
        }
    }

    // MARK: - Detail scrolling and resizing

    static func scrollDetail(_ state: inout WorkbenchState, by n: Int) -> [Effect] {
        state.detailScroll = min(max(0, state.detailScroll + n), maxDetailScroll(state))
        return []
    }

    /// Lines a page of detail scrolls: the pane's height less one line of overlap.
    static func detailPage(_ state: WorkbenchState) -> Int { max(1, state.layout.detail.height - 1) }

    /// The largest useful scroll offset: the detail's last line at the pane's bottom.
    static func maxDetailScroll(_ state: WorkbenchState) -> Int {
        let layout = state.layout
        guard let detail = state.selectedDetail, layout.arrangement != .tooSmall else { return 0 }
        let lines = detailLines(state, detail, width: layout.detailTextWidth).count
        return max(0, lines - layout.detail.height)
    }

    static func resize(_ state: inout WorkbenchState, _ size: TerminalSize) -> [Effect] {
        let oldWindow = state.layout.queueRows
        state.size = size
        let window = state.layout.queueRows
        state.detailScroll = min(state.detailScroll, maxDetailScroll(state))
        guard window > 0 else { return [] }
        if !state.loaded { return reload(&state, .top, select: .index(0), rowsAbove: 0) } // started too small
        guard window != oldWindow || state.rows.count > window else { return [] }
        if state.selection >= window {
            // Keep the selected case on screen: scroll it to the window's last row.
            let shift = state.selection - window + 1
            return reload(&state, .after(cursor(state, shift - 1)), select: .index(window - 1),
                          rowsAbove: state.rowsAbove.map { $0 + shift })
        }
        let select: SelectionTarget = state.selectedRow.map { .caseID($0.caseID, fallback: state.selection) }
            ?? .index(0)
        return reload(&state, inPlace(state), select: select, rowsAbove: state.rowsAbove)
    }
}
