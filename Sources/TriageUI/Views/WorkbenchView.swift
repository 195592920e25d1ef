import TriageCore
import TriageStore

extension Workbench {
    /// Draws the whole screen for `state`: header, queue, detail, status bar and, when shown,
    /// the help overlay — or only a "terminal too small" message below 60×16. Colours come later,
    /// from a ``Theme``, when a backend copies the grid to the terminal.
    public static func render(_ state: WorkbenchState) -> Grid {
        var grid = Grid(width: state.size.width, height: state.size.height)
        let layout = state.layout
        guard layout.arrangement != .tooSmall else {
            drawTooSmall(state.size, into: &grid)
            return grid
        }
        if state.dashboard != nil {
            DashboardView.draw(state, into: &grid)
            if state.helpVisible { HelpOverlay.draw(Keymap.dashboard, into: &grid) }
            return grid
        }
        drawHeader(state, in: layout.header, into: &grid)
        QueueView.draw(state, in: layout.queue, into: &grid)
        drawDivider(state, layout, into: &grid)
        drawDetail(state, in: layout.detail, into: &grid)
        drawStatusBar(state, in: layout.statusBar, into: &grid)
        if let flow = state.labelFlow { ReasonPicker.draw(flow, into: &grid) }
        if state.helpVisible { HelpOverlay.draw(state.keymap, into: &grid) }
        return grid
    }

    /// The detail pane's lines: the case, and the rationale being written for it, if any.
    static func detailLines(_ state: WorkbenchState, _ detail: CaseDetail, width: Int) -> [StyledLine] {
        var pending: RationaleRequest?
        if let r = state.rationaleRequest, r.caseID == detail.case.caseID { pending = r }
        return DetailView.lines(for: detail, width: width, now: state.now, options: .workbench, pending: pending)
    }

    /// The message shown instead of the workbench when the terminal is too small.
    public static let tooSmallMessage =
        "terminal too small (need \(WorkbenchLayout.minimumWidth)×\(WorkbenchLayout.minimumHeight))"

    static func drawTooSmall(_ size: TerminalSize, into grid: inout Grid) {
        let lines = [tooSmallMessage, "now \(size.width)×\(size.height)"]
        let top = max(0, (size.height - lines.count) / 2)
        for (i, text) in lines.enumerated() {
            let x = max(0, (size.width - text.displayWidth) / 2)
            grid.put(text, x: x, y: top + i, role: i == 0 ? .error : .dim)
        }
    }

    static func drawHeader(_ state: WorkbenchState, in rect: Rect, into grid: inout Grid) {
        grid.fill(x: rect.x, y: rect.y, width: rect.width, height: 1, role: .header)
        let q = state.query
        var parts = ["triage", Sanitize.line(state.databaseName), "queue: " + (q.policy.map(Sanitize.line) ?? "all")]
        parts.append(q.status?.rawValue ?? "any status")
        if let c = q.country { parts.append("country " + Sanitize.line(c)) }
        if q.minScore != nil || q.maxScore != nil {
            parts.append("score " + (q.minScore.map(Format.score) ?? "0") + "–" + (q.maxScore.map(Format.score) ?? "1"))
        }
        if let s = q.search, !s.isEmpty { parts.append("search \"" + Sanitize.line(s) + "\"") }
        if let m = q.modelVersion { parts.append("model " + Sanitize.line(m)) }
        parts.append("by " + q.sort.rawValue)
        if let n = state.queueCount { parts.append(Format.count(n) + (n == 1 ? " case" : " cases")) }
        // Lowest priority last: on a narrow terminal these are what the ellipsis cuts.
        if let mine = state.analystCounts {
            parts.append("mine \(Format.count(mine.held)) · done today \(Format.count(mine.labelled))")
        }
        // The role in force, when it fits.
        let right = Sanitize.line(state.analyst) + (rect.width >= 100 ? " (\(state.role.rawValue)) " : " ")
        let rightWidth = min(right.displayWidth, rect.width / 3)
        grid.put(" " + parts.joined(separator: " · "), x: rect.x, y: rect.y,
                 maxWidth: rect.width - rightWidth - 1, role: .header)
        grid.put(right, x: rect.x + rect.width - rightWidth, y: rect.y, maxWidth: rightWidth, role: .header)
    }

    static func drawDivider(_ state: WorkbenchState, _ layout: WorkbenchLayout, into grid: inout Grid) {
        let d = layout.divider
        let role: StyleRole = state.focus == .detail ? .title : .border
        if layout.arrangement == .sideBySide {
            for y in d.y..<(d.y + d.height) { grid.put("│", x: d.x, y: y, role: role) }
        } else {
            grid.put(String(repeating: "─", count: d.width), x: d.x, y: d.y, role: role)
            if let row = state.selectedRow {
                grid.put(" " + Sanitize.line(row.caseID) + " ", x: d.x + 2, y: d.y, maxWidth: d.width - 4, role: role)
            }
        }
    }

    static func drawDetail(_ state: WorkbenchState, in rect: Rect, into grid: inout Grid) {
        guard let row = state.selectedRow else { return }
        let x = rect.x + 1, width = max(0, rect.width - 2)
        guard let detail = state.selectedDetail else {
            grid.put("Loading " + Sanitize.line(row.caseID) + "…", x: x, y: rect.y, maxWidth: width, role: .dim)
            return
        }
        let lines = detailLines(state, detail, width: width)
        let first = min(state.detailScroll, max(0, lines.count - 1))
        for (i, line) in lines.dropFirst(first).prefix(rect.height).enumerated() {
            grid.draw(line, x: x, y: rect.y + i, width: width)
        }
    }

    static func drawStatusBar(_ state: WorkbenchState, in rect: Rect, into grid: inout Grid) {
        grid.fill(x: rect.x, y: rect.y, width: rect.width, height: 1, role: .statusBar)
        let right = positionText(state)
        let rightWidth = right.displayWidth
        grid.put(right, x: rect.x + rect.width - rightWidth, y: rect.y, role: .statusBar)
        let room = rect.width - rightWidth - 2
        if let prompt = state.prompt { PromptLine.draw(prompt, x: rect.x, y: rect.y, width: rect.width, into: &grid); return }
        if let rating = state.rating, state.status == nil {
            grid.put(" " + rating.prompt, x: rect.x, y: rect.y, maxWidth: room, role: .message)
            return
        }
        if let flow = state.labelFlow, state.status == nil || flow.asksQuestion {
            grid.put(" " + ReasonPicker.prompt(flow), x: rect.x, y: rect.y, maxWidth: room, role: .message)
            return
        }
        if let message = state.status {
            grid.put(" " + message.text, x: rect.x, y: rect.y, maxWidth: room,
                     role: message.kind == .error ? .error : .message)
            return
        }
        var col = rect.x + 1
        for hint in state.keymap.hints {
            let need = hint.keys.displayWidth + 1 + hint.text.displayWidth
            guard col + need <= rect.x + room else { break }
            col += grid.put(hint.keys, x: col, y: rect.y, role: .statusKey)
            col += grid.put(" " + hint.text, x: col, y: rect.y, role: .statusBar) + 2
        }
    }

    /// `12 of 1,234` (or `row 12` without counts) in the queue, `lines 1–30 of 57` in the detail pane.
    static func positionText(_ state: WorkbenchState) -> String {
        if state.focus == .detail, let detail = state.selectedDetail {
            let layout = state.layout
            let total = detailLines(state, detail, width: layout.detailTextWidth).count
            let first = min(state.detailScroll + 1, total)
            let last = min(state.detailScroll + layout.detail.height, total)
            return "lines \(first)–\(last) of \(total) "
        }
        guard let position = state.position else { return "" }
        if let n = state.queueCount, n >= position { return "\(Format.count(position)) of \(Format.count(n)) " }
        return "row " + Format.count(position) + " "
    }
}
