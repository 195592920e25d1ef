import TriageCore

extension DashboardView {
    /// Draws the dashboard over the whole screen: the title line (with when the figures were
    /// taken), the section tabs, the body from ``DashboardScreen/scroll``, the status bar.
    static func draw(_ state: WorkbenchState, into grid: inout Grid) {
        guard let screen = state.dashboard else { return }
        let size = state.size
        // Title line.
        grid.fill(x: 0, y: 0, width: size.width, height: 1, role: .header)
        var title = " triage · Dashboard · " + Sanitize.line(state.databaseName)
        if let data = screen.data { title += " · figures of " + Format.minute(data.generatedAt) + " UTC" }
        grid.put(title, x: 0, y: 0, maxWidth: size.width, role: .header)
        // Tabs.
        var col = 1
        for section in DashboardSection.allCases {
            let text = " \(section.key) \(section.title) "
            let role: StyleRole = section == screen.section ? .selection : .dim
            col += grid.put(text, x: col, y: 1, maxWidth: max(0, size.width - col), role: role) + 1
        }
        // Body.
        let content = self.content(state)
        let height = bodyHeight(size), width = textWidth(size)
        let first = min(screen.scroll, max(0, content.lines.count - 1))
        for (i, line) in content.lines.dropFirst(first).prefix(height).enumerated() {
            grid.draw(line, x: 1, y: 2 + i, width: width)
        }
        // Status bar: a message, or the keys; the position on the right.
        let y = size.height - 1
        grid.fill(x: 0, y: y, width: size.width, height: 1, role: .statusBar)
        let total = content.lines.count
        let right = "lines \(min(first + 1, total))–\(min(first + height, total)) of \(total) "
        grid.put(right, x: size.width - right.displayWidth, y: y, role: .statusBar)
        let room = size.width - right.displayWidth - 2
        if let message = state.status {
            grid.put(" " + message.text, x: 0, y: y, maxWidth: room, role: message.kind == .error ? .error : .message)
            return
        }
        var x = 1
        for hint in Keymap.dashboard.hints {
            let need = hint.keys.displayWidth + 1 + hint.text.displayWidth
            guard x + need <= room else { break }
            x += grid.put(hint.keys, x: x, y: y, role: .statusKey)
            x += grid.put(" " + hint.text, x: x, y: y, role: .statusBar) + 2
        }
    }
}
