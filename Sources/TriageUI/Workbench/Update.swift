import TriageCore
import TriageStore

/// The workbench's logic and drawing as pure functions of its state (bubbletea's Model/Update/View):
/// ``update(_:_:)`` applies an ``Action`` and returns the ``Effect``s to perform, ``render(_:)``
/// draws the state into a ``Grid``. Neither touches the store or the terminal.
public enum Workbench {
    /// The effects that load the first screen: counts and the top of the queue.
    public static func start(_ state: inout WorkbenchState) -> [Effect] {
        [.loadStats] + reload(&state, trail: [], select: .index(0))
    }

    /// Applies `action` to `state`; returns what must be done next (load a page, a detail…).
    ///
    /// ```swift
    /// var s = WorkbenchState(...)
    /// let effects = Workbench.update(&s, .moveDown)  // [.loadDetail(caseID: "c_2")]
    /// ```
    public static func update(_ state: inout WorkbenchState, _ action: Action) -> [Effect] {
        switch action {
        case .pageLoaded, .detailLoaded, .statsLoaded, .showMessage, .tick, .resize:
            break
        default:
            state.status = nil // a key press clears the last message
        }
        if state.helpVisible {
            switch action {
            case .toggleHelp, .focusQueue, .quit:
                state.helpVisible = false
                return []
            case .moveDown, .moveUp, .pageDown, .pageUp, .top, .bottom, .focusDetail, .toggleFocus,
                 .scrollDetail, .refresh:
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
            var effects: [Effect] = [.loadStats]
            let select: SelectionTarget = state.selectedRow.map { .caseID($0.caseID, fallback: state.selection) }
                ?? .index(state.selection)
            effects += reload(&state, trail: state.trail, select: select)
            if let row = state.selectedRow { effects.append(.loadDetail(caseID: row.caseID)) }
            return effects
        case .quit:
            state.quitRequested = true
            return [.quit]
        case .pageLoaded(let request, let rows):
            return pageLoaded(&state, request, rows)
        case .detailLoaded(let caseID, let detail):
            guard caseID == state.selectedRow?.caseID else { return [] }
            state.detail = detail
            if detail == nil { state.status = .error("case \(caseID) is no longer in the database; press r to reload") }
            state.detailScroll = min(state.detailScroll, maxDetailScroll(state))
            return []
        case .statsLoaded(let stats):
            state.stats = stats
            return []
        case .showMessage(let message):
            state.status = message
            return []
        case .tick(let now):
            state.now = now
            return []
        }
    }

    // MARK: - Queue movement

    /// Moves the selection by `delta` rows, paging the window when it leaves it.
    static func moveSelection(_ state: inout WorkbenchState, by delta: Int) -> [Effect] {
        guard !state.rows.isEmpty else { return [] }
        let target = state.selection + delta
        if state.rows.indices.contains(target) {
            return select(&state, target)
        }
        if target >= state.rows.count {
            guard state.hasMoreBelow else { return select(&state, state.rows.count - 1) }
            let shift = min(target - (state.rows.count - 1), state.rows.count)
            let trail = state.trail + state.rows.prefix(shift).map { $0.cursor(for: state.query.sort) }
            return reload(&state, trail: trail, select: .index(state.rows.count - 1))
        }
        guard !state.trail.isEmpty else { return select(&state, 0) }
        let shift = min(-target, state.trail.count)
        return reload(&state, trail: Array(state.trail.dropLast(shift)), select: .index(0))
    }

    static func pageDown(_ state: inout WorkbenchState) -> [Effect] {
        guard !state.rows.isEmpty else { return [] }
        guard state.hasMoreBelow else { return select(&state, state.rows.count - 1) }
        let trail = state.trail + state.rows.map { $0.cursor(for: state.query.sort) }
        return reload(&state, trail: trail, select: .index(state.selection))
    }

    static func pageUp(_ state: inout WorkbenchState) -> [Effect] {
        guard !state.trail.isEmpty else { return state.rows.isEmpty ? [] : select(&state, 0) }
        let shift = min(max(1, state.layout.queueRows), state.trail.count)
        return reload(&state, trail: Array(state.trail.dropLast(shift)), select: .index(state.selection))
    }

    static func top(_ state: inout WorkbenchState) -> [Effect] {
        guard !state.trail.isEmpty else { return state.rows.isEmpty ? [] : select(&state, 0) }
        return reload(&state, trail: [], select: .index(0))
    }

    static func bottom(_ state: inout WorkbenchState) -> [Effect] {
        guard !state.rows.isEmpty else { return [] }
        guard state.hasMoreBelow else { return select(&state, state.rows.count - 1) }
        state.generation += 1
        return [.loadLastPage(EndRequest(query: state.query, trail: state.trail, rows: state.rows,
                                         windowSize: state.layout.queueRows, generation: state.generation))]
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

    /// Asks for the window after `trail` at the current window height.
    static func reload(_ state: inout WorkbenchState, trail: [QueueCursor], select: SelectionTarget) -> [Effect] {
        let window = state.layout.queueRows
        guard window > 0 else { return [] }
        state.generation += 1
        return [.loadPage(PageRequest(query: state.query, trail: trail, limit: window + 1, select: select,
                                      generation: state.generation))]
    }

    static func pageLoaded(_ state: inout WorkbenchState, _ request: PageRequest, _ rows: [QueueRow]) -> [Effect] {
        guard request.generation == state.generation, request.query == state.query else { return [] }
        let window = request.windowSize
        if rows.count < window && !request.trail.isEmpty {
            // Near the end of the queue with room to spare (after a resize, or rows that went
            // away): start the window earlier so it is full, keeping the same case selected.
            let wanted = pick(request.select, in: rows)
            let missing = min(window - rows.count, request.trail.count)
            let select: SelectionTarget = rows.isEmpty ? .last
                : .caseID(rows[wanted].caseID, fallback: wanted + missing)
            return reload(&state, trail: Array(request.trail.dropLast(missing)), select: select)
        }
        let previous = state.selectedRow?.caseID
        state.loaded = true
        state.trail = request.trail
        state.rows = Array(rows.prefix(window))
        state.hasMoreBelow = rows.count > window
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
        let lines = DetailView.lines(for: detail, width: layout.detailTextWidth, now: state.now).count
        return max(0, lines - layout.detail.height)
    }

    static func resize(_ state: inout WorkbenchState, _ size: TerminalSize) -> [Effect] {
        let oldWindow = state.layout.queueRows
        state.size = size
        let window = state.layout.queueRows
        state.detailScroll = min(state.detailScroll, maxDetailScroll(state))
        guard window > 0 else { return [] }
        if !state.loaded { return reload(&state, trail: [], select: .index(0)) } // started too small
        guard window != oldWindow || state.rows.count > window else { return [] }
        if state.selection >= window {
            // Keep the selected case on screen: scroll it to the window's last row.
            let shift = state.selection - window + 1
            let trail = state.trail + state.rows.prefix(shift).map { $0.cursor(for: state.query.sort) }
            return reload(&state, trail: trail, select: .index(window - 1))
        }
        let select: SelectionTarget = state.selectedRow.map { .caseID($0.caseID, fallback: state.selection) }
            ?? .index(0)
        return reload(&state, trail: state.trail, select: select)
    }
}
