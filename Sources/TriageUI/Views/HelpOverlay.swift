/// The `?` overlay: every binding of the ``Keymap``, by section, in a box over the screen.
enum HelpOverlay {
    /// The overlay's lines; `spaced` puts a blank line between sections.
    static func lines(_ keymap: Keymap, spaced: Bool = true) -> [StyledLine] {
        let keyWidth = min(22, keymap.bindings.map(\.keysLabel.displayWidth).max() ?? 0)
        var out: [StyledLine] = []
        for section in KeyBinding.Section.allCases {
            let bindings = mergingDecisions(keymap.bindings.filter { $0.section == section })
            guard !bindings.isEmpty else { continue }
            if spaced && !out.isEmpty { out.append(.blank) }
            out.append(StyledLine(section.rawValue, .title))
            for b in bindings {
                var l = StyledLine("  " + b.keysLabel.padded(toWidth: keyWidth), .statusKey)
                l.append("  " + b.help, .help)
                out.append(l)
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
        let w = min(grid.width - 4, max(40, (body.map(\.width).max() ?? 0) + 4))
        let h = min(room, body.count + 2)
        guard w > 10, h > 3 else { return }
        let x = (grid.width - w) / 2, y = (grid.height - h) / 2
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
        for (i, line) in body.prefix(h - 2).enumerated() {
            grid.draw(line, x: x + 2, y: y + 1 + i, width: w - 4)
        }
        for row in (y + 1)..<(y + h - 1) { // spans in other roles keep the overlay's background
            grid.highlight(x: x + 1, y: row, width: w - 2, role: .help)
        }
    }
}
