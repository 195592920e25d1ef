/// The label overlay: the decision, the reasons offered for the case's policy and that decision
/// (each with its hotkey and a check box), and the note field once reasons are confirmed.
enum ReasonPicker {
    /// The overlay's lines; a note wider than `noteRoom` columns shows its end, after `…`.
    static func lines(_ flow: LabelFlow, noteRoom: Int = .max) -> [StyledLine] {
        var out: [StyledLine] = []
        if flow.reasons.isEmpty { out.append(StyledLine("(no reason codes for this decision)", .dim)) }
        for r in flow.reasons {
            let on = flow.selected.contains(r.code)
            var l = StyledLine(on ? "[x] " : "[ ] ", on ? .label : .help)
            l.append(Sanitize.line(String(r.hotkey)), .statusKey)
            l.append("  " + Sanitize.line(r.label), on ? .label : .help)
            out.append(l)
        }
        out.append(.blank)
        var note = StyledLine("Note: ", .title)
        switch flow.stage {
        case .reasons:
            note.append(flow.note.isEmpty ? "(next, optional)" : Sanitize.line(flow.note), .dim)
        case .note, .confirmDiscard:
            note.append(tail(Sanitize.line(flow.note), room: noteRoom - 1) + "▏", .help)
        case .confirmCorrection(let c):
            note.append("(after the correction is confirmed: replaces " + c.described + ")", .dim)
        }
        out.append(note)
        return out
    }

    /// The end of `text` that fits `room` columns, after a `…` when some is left out.
    static func tail(_ text: String, room: Int) -> String {
        guard text.displayWidth > room, room > 1 else { return text }
        var out = "", width = 0
        for c in text.reversed() {
            let cw = DisplayWidth.of(c)
            if width + cw > room - 1 { break }
            out.insert(c, at: out.startIndex)
            width += cw
        }
        return "…" + out
    }

    /// The one-line prompt for the status bar.
    static func prompt(_ flow: LabelFlow) -> String {
        switch flow.stage {
        case .reasons: return "reasons: press their keys to toggle · Enter: note · Esc: cancel"
        case .note: return "note: type (optional) · Enter: save · Backspace: delete · Esc: cancel · Ctrl-D: quit"
        case .confirmDiscard: return "discard the note? y/n"
        case .confirmCorrection(let c): return "Correct \(c.described)? y/n (the new label replaces it; both stay in the log)"
        }
    }

    static func draw(_ flow: LabelFlow, into grid: inout Grid) {
        var body = lines(flow)
        let title = " " + Sanitize.line(flow.decision.label) + " · " + Sanitize.line(flow.caseID) + " · "
            + Sanitize.line(flow.policy) + " "
        let w = min(grid.width - 4, max(48, (body.map(\.width).max() ?? 0) + 4, title.displayWidth + 4))
        let h = min(grid.height - 2, body.count + 2)
        guard w > 10, h > 3 else { return }
        body = lines(flow, noteRoom: w - 4 - "Note: ".count)
        let x = (grid.width - w) / 2, y = (grid.height - h) / 2
        grid.fill(x: x, y: y, width: w, height: h, role: .help)
        let rule = String(repeating: "─", count: w - 2)
        grid.put("┌" + rule + "┐", x: x, y: y, role: .border)
        grid.put("└" + rule + "┘", x: x, y: y + h - 1, role: .border)
        for row in (y + 1)..<(y + h - 1) {
            grid.put("│", x: x, y: row, role: .border)
            grid.put("│", x: x + w - 1, y: row, role: .border)
        }
        grid.put(title, x: x + 2, y: y, maxWidth: w - 4, role: .title)
        for (i, line) in body.prefix(h - 2).enumerated() {
            grid.draw(line, x: x + 2, y: y + 1 + i, width: w - 4)
        }
        for row in (y + 1)..<(y + h - 1) { // spans in other roles keep the overlay's background
            grid.highlight(x: x + 1, y: row, width: w - 2, role: .help)
        }
    }
}
