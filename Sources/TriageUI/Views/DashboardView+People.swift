import TriageCore

extension DashboardView {
    /// Decision keys in taxonomy order, then any others by how often they occur.
    static func decisionKeys(_ counts: [[String: Int]], order: [String]) -> [String] {
        var total: [String: Int] = [:]
        for c in counts { for (k, v) in c { total[k, default: 0] += v } }
        let known = order.filter { total[$0] != nil }
        let others = total.keys.filter { !order.contains($0) }.sorted { (total[$0] ?? 0, $1) > (total[$1] ?? 0, $0) }
        return known + others
    }

    /// Per person: labels, labels per hour, median dwell, undo rate, share of each decision; then
    /// labels per person as bars.
    static func peopleLines(_ data: Dashboard, width: Int, glyphs: Glyphs, decisionOrder: [String]) -> [StyledLine] {
        var out = title(DashboardSection.people.title + " (last \(Dashboard.days) days)", width: width, glyphs: glyphs)
        guard !data.people.isEmpty else {
            out.append(StyledLine("No labels in the last \(Dashboard.days) days", .dim))
            return out
        }
        let keys = decisionKeys(data.people.map(\.decisions), order: decisionOrder)
        var columns: [TextTable.Column] = [.init("person", shrinkable: true), .init("labels", alignment: .right),
                                           .init("per h", alignment: .right), .init("dwell s", alignment: .right),
                                           .init("undo", alignment: .right)]
        columns += keys.map { .init(Sanitize.line($0), alignment: .right) }
        let rows = data.people.map { p -> [String] in
            [Sanitize.line(p.person), Format.count(p.labels), figure(p.labelsPerHour, 1),
             figure(p.medianDwellMs.map { Double($0) / 1000 }, 1), percent(p.undoRate)]
                + keys.map { percent(p.share(of: $0)) }
        }
        out += TextTable(columns: columns, rows: rows).lines(width: width)
        out += wrap(StyledLine("per h: labels per working hour · dwell: median seconds on screen · undo: undos per label;"
                               + " decision columns: share of each person's labels", .dim), width: width, indent: 0)
        out.append(.blank)
        out.append(StyledLine("Labels per person", .label))
        out += BarChart.lines(data.people.map { (Sanitize.line($0.person), $0.labels) }, width: width, glyphs: glyphs)
        return out
    }
}
