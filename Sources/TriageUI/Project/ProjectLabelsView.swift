import TriageCore

/// The top of a lead's case: every live label side by side (one column per label when the pane
/// is wide enough, else one block per label), then the consensus line.
enum ProjectLabelsView {
    /// The narrowest column a label gets side by side.
    static let minimumColumn = 30

    static func lines(_ c: CaseConsensus, taxonomy: Taxonomy?, width: Int) -> [StyledLine] {
        var out = [StyledLine("Labels", .title)]
        let n = c.labels.count
        let gap = 2
        let column = n > 0 ? (width - gap * (n - 1)) / n : 0
        if n > 1, column >= minimumColumn {
            let blocks = c.labels.map { block($0, width: column) }
            let height = blocks.map(\.count).max() ?? 0
            for row in 0..<height {
                var line = StyledLine()
                for (i, b) in blocks.enumerated() {
                    let cell = row < b.count ? b[row] : ("", StyleRole.normal)
                    let text = i == blocks.count - 1 ? cell.0 : cell.0.padded(toWidth: column) + "  "
                    line.append(text, cell.1)
                }
                out.append(line)
            }
        } else {
            for (i, l) in c.labels.enumerated() {
                if i > 0 { out.append(.blank) }
                out += block(l, width: max(1, width - 2)).map { StyledLine("  " + $0.0, $0.1) }
            }
        }
        out.append(.blank)
        out.append(consensusLine(c))
        return out
    }

    /// One label's lines, each at most `width` columns: person, decision, reasons, note, blind, date.
    static func block(_ l: ProjectLabel, width: Int) -> [(String, StyleRole)] {
        var out: [(String, StyleRole)] = []
        func add(_ text: String, _ role: StyleRole) {
            for line in text.wrapped(toWidth: max(1, width)) { out.append((line, role)) }
        }
        add(Sanitize.line(l.person), .label)
        add(Sanitize.line(l.decision), .currentLabel)
        if !l.reasonCodes.isEmpty { add("reasons: " + l.reasonCodes.map(Sanitize.line).joined(separator: ", "), .normal) }
        if let note = l.note, !note.isEmpty {
            for line in Sanitize.lines("“" + note + "”") { add(line, .normal) }
        }
        add("blind: " + (l.blind ? "yes" : "no"), .dim)
        add(Format.minute(l.createdAt), .dim)
        return out
    }

    /// `majority: tie · Dawid–Skene: violation 0.62`
    static func consensusLine(_ c: CaseConsensus) -> StyledLine {
        var l = StyledLine("majority: ", .label)
        l.append(c.majority.category.map(Sanitize.line) ?? "tie")
        l.append(" · ", .dim)
        l.append("Dawid–Skene: ", .label)
        if let ds = c.dawidSkene {
            l.append((ds.category.map(Sanitize.line) ?? "none") + " " + Format.score(ds.confidence))
        } else {
            // Fitted only once enough cases have two or more labels (see ProjectAnalysis).
            l.append("too few overlapping cases yet", .dim)
        }
        return l
    }
}
