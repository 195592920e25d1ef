import TriageCore

/// One attribution as a signed horizontal bar chart, largest |contribution| first:
///
/// ```
/// Why supportability-xgb 2026-11-01 · logit space
///   base value                                     −2.10
///   kw_casino = true              │████████████    +2.31
///   chargeback_rate = 0.004    ▐██│                −0.41
///   other 7 features                               +0.25
///   = 3.48 (logit) → score 0.97
/// ```
///
/// Bars to the right push towards a violation (``StyleRole/contributionPositive``), to the left
/// away from it; the signed number is always written out too, so nothing depends on colour.
enum AttributionChart {
    /// Items shown before the rest fold into "other N features" (all of them when at most one
    /// more would be folded).
    static let maxItems = 8

    static func lines(_ a: Attribution, score: ModelScore?, width: Int) -> [StyledLine] {
        var out: [StyledLine] = []
        var title = StyledLine("Why ", .title)
        title.append(Sanitize.line(a.model) + " " + Sanitize.line(a.version), .title)
        title.append(" · \(a.space.rawValue) space", .dim)
        out.append(title)

        let sorted = a.itemsByMagnitude
        let shown = sorted.count <= maxItems + 1 ? sorted : Array(sorted.prefix(maxItems))
        let folded = sorted.dropFirst(shown.count)
        let labels = shown.map { item -> String in
            let f = Sanitize.line(item.feature)
            return item.value.map { f + " = " + Sanitize.line(Format.value($0)) } ?? f
        }
        let valueWidth = 7
        let indent = 2
        let labelWidth = min(max(labels.map(\.displayWidth).max() ?? 0, 16), max(8, width * 2 / 5))
        let half = max(2, min(14, (width - indent - labelWidth - 1 - 1 - 1 - valueWidth) / 2))
        let maxAbs = shown.map { abs($0.contribution) }.max() ?? 0
        let pad = String(repeating: " ", count: indent)

        func row(_ label: String, _ bar: StyledLine?, _ value: Double, role: StyleRole) -> StyledLine {
            var l = StyledLine(pad + label.padded(toWidth: labelWidth) + " ", role == .dim ? .dim : .normal)
            if let bar { l.spans += bar.spans } else { l.append(String(repeating: " ", count: 2 * half + 1)) }
            l.append(" " + Format.signed(value).padded(toWidth: valueWidth, alignment: .right), role)
            return l
        }

        out.append(row("base value", nil, a.baseValue, role: .dim))
        for (item, label) in zip(shown, labels) {
            let role: StyleRole = item.contribution >= 0 ? .contributionPositive : .contributionNegative
            out.append(row(label, bar(item.contribution, maxAbs: maxAbs, half: half), item.contribution, role: role))
        }
        if !folded.isEmpty {
            let rest = folded.reduce(0) { $0 + $1.contribution }
            out.append(row("other \(folded.count) features", nil, rest, role: .dim))
        }
        var total = StyledLine(pad + "= ")
        switch a.space {
        case .logit:
            total.append(Format.fixed(a.total, 2) + " (logit) → score " + Format.score(a.impliedScore))
        case .probability:
            total.append("score " + Format.score(a.total))
        }
        if let score, abs(score.score - a.impliedScore) >= 0.005 {
            total.append("  (model said " + Format.score(score.score) + ")", .error)
        }
        out.append(total)
        return out
    }

    /// The bar for one contribution: `half` cells left of the axis, the axis, `half` cells right,
    /// in half-cell steps (a non-zero contribution shows at least half a cell).
    static func bar(_ c: Double, maxAbs: Double, half: Int) -> StyledLine {
        var halves = maxAbs > 0 ? Int((abs(c) / maxAbs * Double(2 * half)).rounded()) : 0
        if c != 0 && halves == 0 { halves = 1 }
        let body = String(repeating: "█", count: halves / 2)
        var l = StyledLine()
        if c >= 0 {
            l.append(String(repeating: " ", count: half))
            l.append("│", .border)
            let drawn = body + (halves % 2 == 1 ? "▌" : "")
            l.append(drawn.padded(toWidth: half), .contributionPositive)
        } else {
            let drawn = (halves % 2 == 1 ? "▐" : "") + body
            l.append(drawn.padded(toWidth: half, alignment: .right), .contributionNegative)
            l.append("│", .border)
            l.append(String(repeating: " ", count: half))
        }
        return l
    }
}
