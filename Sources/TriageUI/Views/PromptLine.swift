/// The prompt line at the bottom of the screen (`/` search, `:` jump, `f` filter): its label, the
/// text typed so far (its end, when it is wider than the line) and a block for the cursor.
enum PromptLine {
    static func draw(_ prompt: Prompt, x: Int, y: Int, width: Int, into grid: inout Grid) {
        grid.fill(x: x, y: y, width: width, height: 1, role: .statusBar)
        let hint = "  Enter apply · Esc cancel"
        let label = " " + prompt.kind.label
        var text = Sanitize.line(prompt.text)
        let room = max(1, width - label.displayWidth - 2 - (width > 60 ? hint.displayWidth : 0))
        while text.displayWidth > room - 1, !text.isEmpty { text.removeFirst() }
        var col = x + grid.put(label, x: x, y: y, role: .statusKey)
        col += grid.put(text, x: col, y: y, role: .message)
        col += grid.put("█", x: col, y: y, role: .message)
        if width > 60 { grid.put(hint, x: col, y: y, maxWidth: max(0, x + width - col), role: .statusBar) }
    }
}
