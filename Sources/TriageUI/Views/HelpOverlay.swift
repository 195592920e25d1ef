/// The `?` overlay: every binding of the ``Keymap``, by section, in a box over the screen.
enum HelpOverlay {
    /// The overlay's lines; `spaced` puts a blank line between sections.
    /// `wrapWidth` wraps each help text to lines of that width, under itself.
    static func lines(_ keymap: Keymap, spaced: Bool = true, maxKeyWidth: Int = 22,
                      sections: [KeyBinding.Section] = KeyBinding.Section.allCases, wrapWidth: Int? = nil) -> [StyledLine] {
        let keyWidth = min(maxKeyWidth, keymap.bindings.map(\.keysLabel.displayWidth).max() ?? 0)
        var out: [StyledLine] = []
        for section in sections {
            let bindings = mergingDecisions(keymap.bindings.filter { $0.section == section })
            guard !bindings.isEmpty else { continue }
            if spaced && !out.isEmpty { out.append(.blank) }
            out.append(StyledLine(section.rawValue, .title))
            for b in bindings {
                var l = StyledLine("  " + b.keysLabel.padded(toWidth: keyWidth), .statusKey)
                guard let wrapWidth else {
                    l.append("  " + b.help, .help)
                    out.append(l)
                    continue
                }
                let wrapped = b.help.wrapped(toWidth: max(8, wrapWidth - keyWidth - 4))
                l.append("  " + (wrapped.first ?? ""), .help)
                out.append(l)
                for more in wrapped.dropFirst() { out.append(StyledLine(String(repeating: " ", count: keyWidth + 4) + more, .help)) }
            }
        }
        return out
    }

    /// The decision bindings as one line (`v, n, u, e  Decide: Violation/No violation/…`), so
    /// the whole help fits 80×24.
    static func mergingDecisions(_ bindings: [KeyBinding]) -> [KeyBinding] {
        let decisions = bindings.filter(\.action.isDecide)
        guard decisions.count > 1, let first = bindings.firstIndex(where: \.action.isDecide) else { return bindings }
        let labels = decisions.map { $0.help.hasPrefix("Decide: ") ? String($0.help.dropFirst(8)) : $0.help }
        let merged = KeyBinding(decisions.flatMap(\.keys), decisions[0].action,
                                help: "Decide: " + labels.joined(separator: "/"), section: decisions[0].section)
        var out = bindings.filter { !$0.action.isDecide }
        out.insert(merged, at: first)
        return out
    }

    static func draw(_ keymap: Keymap, into grid: inout Grid) {
        // Sections without blank lines between them, over the header and status bar too, when
        // that is what it takes to show every key (80×24).
        var body = lines(keymap)
        var room = grid.height - 2
        if body.count + 2 > room {
            body = lines(keymap, spaced: false)
            room = grid.height
        }
        if body.count + 2 > room, grid.width >= 60 {
            drawTwoColumns(keymap, into: &grid)
            return
        }
        let w = min(grid.width - 4, max(40, (body.map(\.width).max() ?? 0) + 4))
        let h = min(room, body.count + 2)
        guard w > 10, h > 3 else { return }
        let x = (grid.width - w) / 2, y = (grid.height - h) / 2
        drawBox(x: x, y: y, w: w, h: h, columns: [(x + 2, w - 4, body)], into: &grid)
    }

    /// The help in two columns (queue and general keys on the left, detail, label and dashboard keys on the right), filling the
    /// screen: when one column cannot show every key (80×24 with the find and filter keys).
    static func drawTwoColumns(_ keymap: Keymap, into grid: inout Grid) {
        let w = grid.width, h = grid.height
        let columnWidth = (w - 5) / 2
        let left = lines(keymap, spaced: false, maxKeyWidth: 8, sections: [.queue, .general], wrapWidth: columnWidth)
        let right = lines(keymap, spaced: false, maxKeyWidth: 8, sections: [.detail, .label, .dashboard],
                          wrapWidth: columnWidth)
        drawBox(x: 0, y: 0, w: w, h: h, columns: [(2, columnWidth, left), (3 + columnWidth, columnWidth, right)], into: &grid)
    }

    /// The overlay's box at (`x`, `y`), `w`×`h`, with its title and `columns` of lines inside.
    static func drawBox(x: Int, y: Int, w: Int, h: Int, columns: [(x: Int, width: Int, lines: [StyledLine])],
                        into grid: inout Grid) {
        grid.fill(x: x, y: y, width: w, height: h, role: .help)
        let rule = String(repeating: "─", count: w - 2)
        grid.put("┌" + rule + "┐", x: x, y: y, role: .border)
        grid.put("└" + rule + "┘", x: x, y: y + h - 1, role: .border)
        for row in (y + 1)..<(y + h - 1) {
            grid.put("│", x: x, y: row, role: .border)
            grid.put("│", x: x + w - 1, y: row, role: .border)
        }
        let title = " Keys · ? or Esc closes "
        grid.put(title, x: x + max(1, (w - title.displayWidth) / 2), y: y, maxWidth: w - 2, role: .title)
        for column in columns {
            for (i, line) in column.lines.prefix(h - 2).enumerated() {
                grid.draw(line, x: column.x, y: y + 1 + i, width: column.width)
            }
        }
        for row in (y + 1)..<(y + h - 1) { // spans in other roles keep the overlay's background
            grid.highlight(x: x + 1, y: row, width: w - 2, role: .help)
        }
    }
}
