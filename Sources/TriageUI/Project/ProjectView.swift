import TriageCore
import TriageStore

extension ProjectScreen {
    /// Draws the whole screen for `state`: header, the case (labelling) or queue and case
    /// (adjudication), status bar, and the picker and help overlays when open.
    public static func render(_ state: ProjectState) -> Grid {
        var grid = Grid(width: state.size.width, height: state.size.height)
        let layout = WorkbenchLayout(size: state.size)
        guard layout.arrangement != .tooSmall else {
            Workbench.drawTooSmall(state.size, into: &grid)
            return grid
        }
        drawHeader(state, in: layout.header, into: &grid)
        if state.isAdjudication {
            ProjectQueueView.draw(state, in: layout.queue, into: &grid)
            let d = layout.divider
            if layout.arrangement == .sideBySide {
                for y in d.y..<(d.y + d.height) { grid.put("│", x: d.x, y: y, role: .border) }
            } else {
                grid.put(String(repeating: "─", count: d.width), x: d.x, y: d.y, role: .border)
            }
        }
        drawBody(state, in: detailRect(state), into: &grid)
        drawStatusBar(state, in: layout.statusBar, into: &grid)
        if let flow = state.labelFlow { ReasonPicker.draw(flow, into: &grid) }
        if state.helpVisible { HelpOverlay.draw(state.keymap, into: &grid) }
        return grid
    }

    /// Where the case is drawn: the whole body when labelling, the detail pane when adjudicating.
    static func detailRect(_ state: ProjectState) -> Rect {
        let layout = WorkbenchLayout(size: state.size)
        if state.isAdjudication { return layout.detail }
        return Rect(x: 0, y: 1, width: state.size.width, height: max(0, state.size.height - 2))
    }

    /// The lines of the case on screen (empty while nothing is shown).
    static func detailLines(_ state: ProjectState) -> [StyledLine] {
        let width = max(0, detailRect(state).width - 2)
        guard let detail = state.shownDetail, width > 0 else { return [] }
        var out: [StyledLine] = []
        if state.isAdjudication, let c = state.selectedConsensus, c.caseID == detail.case.caseID {
            out += ProjectLabelsView.lines(c, taxonomy: state.taxonomy, width: width)
            out.append(.blank)
        }
        return out + DetailView.lines(for: detail, width: width, now: state.now, options: state.detailOptions)
    }

    /// The message shown when a labeler has nothing left.
    public static func emptyMessage(_ project: String) -> String {
        "Nothing left for you in project \(Sanitize.line(project)): every case has its labels or you labelled it. q quits."
    }

    /// The message shown when a lead has nothing to settle.
    public static func nothingToSettle(_ project: String) -> String {
        "No disagreements to settle in project \(Sanitize.line(project))."
    }

    static func drawHeader(_ state: ProjectState, in rect: Rect, into grid: inout Grid) {
        grid.fill(x: rect.x, y: rect.y, width: rect.width, height: 1, role: .header)
        var parts = ["triage", Sanitize.line(state.databaseName)]
        let name = "project " + Sanitize.line(state.projectName)
        if state.isAdjudication {
            parts += [name, "adjudication"]
            if let q = state.queue { parts.append("\(Format.count(q.count)) to settle") }
            parts.append(Sanitize.line(state.person) + " (lead)")
        } else {
            parts.append(name + ((state.project?.blind ?? false) ? " (blind)" : ""))
            if let p = state.progress {
                parts += ["labelled \(Format.count(p.labelled))", "\(Format.count(p.remaining)) left"]
            }
            parts.append(Sanitize.line(state.person) + " (labeler)")
        }
        grid.put(" " + parts.joined(separator: " · "), x: rect.x, y: rect.y, maxWidth: rect.width - 1, role: .header)
    }

    static func drawBody(_ state: ProjectState, in rect: Rect, into grid: inout Grid) {
        let x = rect.x + 1, width = max(0, rect.width - 2)
        func say(_ text: String, _ role: StyleRole) {
            for (i, line) in text.wrapped(toWidth: max(1, width)).prefix(rect.height).enumerated() {
                grid.put(line, x: x, y: rect.y + 1 + i, maxWidth: width, role: role)
            }
        }
        if state.isAdjudication {
            guard let queue = state.queue else { return say("Loading the project's labels…", .dim) }
            if queue.isEmpty { return say(nothingToSettle(state.projectName), .message) }
        } else {
            switch state.phase {
            case .loading: return say("Finding your next case…", .dim)
            case .empty: return say(emptyMessage(state.projectName), .message)
            case .deciding, .revealed: break
            }
        }
        guard state.shownDetail != nil else {
            return say("Loading " + Sanitize.line(state.caseID ?? "") + "…", .dim)
        }
        let lines = detailLines(state)
        let first = min(state.detailScroll, max(0, lines.count - 1))
        for (i, line) in lines.dropFirst(first).prefix(rect.height).enumerated() {
            grid.draw(line, x: x, y: rect.y + i, width: width)
        }
    }

    /// `saved: violation · model said 0.93 — n next case · z undo`
    static func revealText(_ state: ProjectState) -> String? {
        guard case .revealed = state.phase else { return nil }
        let said = (state.shownDetail?.scores).flatMap(ModelScore.headline(of:)).map { "model said " + Format.score($0.score) }
            ?? "no model score"
        return "saved: " + Sanitize.line(state.revealedDecision ?? "label") + " · " + said + " — n next case · z undo"
    }

    static func drawStatusBar(_ state: ProjectState, in rect: Rect, into grid: inout Grid) {
        grid.fill(x: rect.x, y: rect.y, width: rect.width, height: 1, role: .statusBar)
        let room = rect.width - 2
        if let flow = state.labelFlow, state.status == nil || flow.asksQuestion {
            grid.put(" " + ReasonPicker.prompt(flow), x: rect.x, y: rect.y, maxWidth: room, role: .message)
            return
        }
        if let message = state.status {
            grid.put(" " + message.text, x: rect.x, y: rect.y, maxWidth: room,
                     role: message.kind == .error ? .error : .message)
            return
        }
        if let reveal = revealText(state) {
            grid.put(" " + reveal, x: rect.x, y: rect.y, maxWidth: room, role: .message)
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
}
