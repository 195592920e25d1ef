import TriageCore

/// The lead's adjudication queue: one line per case to settle, least sure first:
///
/// ```
///  case       merchant              labels  conf
/// ▸c_12       Lucky Star Casino     v·n     0.50
/// ```
enum ProjectQueueView {
    static func draw(_ state: ProjectState, in rect: Rect, into grid: inout Grid) {
        guard rect.height > 0 else { return }
        let idWidth = 12, labelsWidth = 9, confWidth = 5
        let nameWidth = max(4, rect.width - 1 - idWidth - 1 - labelsWidth - 1 - confWidth - 1)
        grid.fill(x: rect.x, y: rect.y, width: rect.width, height: 1, role: .columnHeader)
        let title = " " + "case".padded(toWidth: idWidth) + " " + "merchant".padded(toWidth: nameWidth) + " "
            + "labels".padded(toWidth: labelsWidth) + " " + "conf"
        grid.put(title, x: rect.x, y: rect.y, maxWidth: rect.width, role: .columnHeader)
        guard let queue = state.queue else { return }
        let first = max(0, state.selection - (rect.height - 2))
        for (i, c) in queue.enumerated().dropFirst(first).prefix(rect.height - 1) {
            let y = rect.y + 1 + i - first
            let selected = i == state.selection
            let name = state.names[c.caseID].map(Sanitize.line) ?? Sanitize.line(c.policy)
            let line = (selected ? QueueView.selectionMarker : " ")
                + Sanitize.line(c.caseID).truncated(toWidth: idWidth).padded(toWidth: idWidth) + " "
                + name.truncated(toWidth: nameWidth).padded(toWidth: nameWidth) + " "
                + summary(c, taxonomy: state.taxonomy).truncated(toWidth: labelsWidth).padded(toWidth: labelsWidth) + " "
                + Format.score(c.confidence)
            if selected { grid.fill(x: rect.x, y: y, width: rect.width, height: 1, role: .selection) }
            grid.put(line, x: rect.x, y: y, maxWidth: rect.width, role: selected ? .selection : .normal)
        }
    }

    /// The labels as decision hotkeys, e.g. `v·n`.
    static func summary(_ c: CaseConsensus, taxonomy: Taxonomy?) -> String {
        c.labels.map { l in
            taxonomy?.decision(l.decision).map { String($0.hotkey) } ?? Sanitize.line(l.decision)
        }.joined(separator: "·")
    }
}
