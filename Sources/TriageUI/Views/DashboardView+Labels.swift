import TriageCore

extension DashboardView {
    /// Per labelling project: the counts, agreement per area, and per labeler κ and gold accuracy.
    static func labelLines(_ data: Dashboard, width: Int, glyphs: Glyphs) -> [StyledLine] {
        var out = title(DashboardSection.labels.title, width: width, glyphs: glyphs)
        if data.labelQualityPending {
            // Label quality follows the other figures (every project's labels and their consensus).
            out += wrap(StyledLine(data.projects.isEmpty ? "Computing label quality (every project's labels and their consensus)…"
                                   : "Updating label quality…", .dim), width: width)
            if data.projects.isEmpty { return out }
        }
        guard !data.projects.isEmpty else {
            out.append(StyledLine("No labelling projects yet", .dim))
            return out
        }
        for (i, project) in data.projects.enumerated() {
            if i > 0 { out.append(.blank) }
            let r = project.report
            out += wrap(StyledLine("Project " + Sanitize.line(project.project), .label), width: width)
            let head = StyledLine("\(Format.count(r.cases)) cases · \(Format.count(r.disagreements)) disagreements · "
                        + "\(Format.count(r.toAdjudicate)) waiting for a lead · \(Format.count(r.adjudicated)) adjudicated")
            out += wrap(head, width: width)
            let areaRows = r.areas.map { a -> [String] in
                [a.policy.map(Sanitize.line) ?? "all", Format.count(a.items), Format.count(a.labelers),
                 Format.count(a.pairs.count), figure(a.fleiss.value), figure(a.krippendorff.value)]
            }
            out += TextTable(columns: [.init("area", shrinkable: true), .init("items", alignment: .right),
                                       .init("labelers", alignment: .right), .init("pairs", alignment: .right),
                                       .init("Fleiss κ", alignment: .right), .init("Krippendorff α", alignment: .right)],
                             rows: areaRows, rowRoles: [.label]).lines(width: width)
            guard !r.labelers.isEmpty else { continue }
            out.append(.blank)
            let labelerRows = r.labelers.map { l -> [String] in
                let gold = l.goldAccuracy.map { Format.fixed($0, 2) + " (\(l.goldCorrect)/\(l.goldTotal))" } ?? "–"
                return [Sanitize.line(l.person), Format.count(l.labels), figure(l.peers.kappa.value),
                        Format.count(l.peers.kappa.items), gold]
            }
            out += TextTable(columns: [.init("labeler", shrinkable: true), .init("labels", alignment: .right),
                                       .init("κ vs peers", alignment: .right), .init("shared", alignment: .right),
                                       .init("gold accuracy", alignment: .right)],
                             rows: labelerRows).lines(width: width)
        }
        return out
    }
}
