/// Score histograms (20 equal-width bins from 0 to 1), one row per decision, on one scale so the
/// rows compare; each row ends with its number of cases, and an axis line marks 0, 0.5 and 1:
///
/// ```text
/// violation      ▁▁▁▁▁▁▁▁▁▁▂▂▃▃▄▅▆▇██  n=412
/// no_violation   ██▇▆▅▄▃▂▂▁▁▁▁▁▁▁▁▁▁▁  n=380
///                0        0.5        1
/// ```
public enum ScoreHistogram {
    /// The rows in `order` (keys missing from `histogram` are skipped; keys not in `order` follow,
    /// sorted), then the axis; each line at most `width` columns. Each bin takes 1–3 cells, as
    /// the width allows.
    public static func lines(_ histogram: [String: [Int]], order: [String] = [], width: Int, glyphs: Glyphs,
                             maxLabelWidth: Int = 16) -> [StyledLine] {
        let keys = order.filter { histogram[$0] != nil } + histogram.keys.filter { !order.contains($0) }.sorted()
        guard !keys.isEmpty else { return [] }
        let bins = max(1, histogram.values.map(\.count).max() ?? 20)
        let trailers = keys.map { k in "n=" + Format.count((histogram[k] ?? []).reduce(0, +)) }
        let trailerWidth = trailers.map(\.displayWidth).max() ?? 0
        let labelWidth = max(0, min(maxLabelWidth, keys.map(\.displayWidth).max() ?? 0, width - bins - trailerWidth - 4))
        let room = width - labelWidth - trailerWidth - 4
        let per = max(1, min(3, room / bins))
        let top = histogram.values.flatMap { $0 }.max() ?? 0
        var out: [StyledLine] = []
        for (k, key) in keys.enumerated() {
            var line = StyledLine(Sanitize.line(key).padded(toWidth: labelWidth), .label)
            line.append("  ")
            line.append(Sparkline.text(histogram[key] ?? [], cellsPerValue: per, scaleMax: top, glyphs: glyphs), .chartBar)
            if line.width + 2 + trailers[k].displayWidth <= width {
                line.append("  " + trailers[k])
                out.append(line)
            } else { // too narrow: the count on a line of its own, never cut
                out.append(StyledLine(line.text.clipped(toWidth: width)))
                out.append(StyledLine(String(repeating: " ", count: min(labelWidth + 2, max(0, width - 1))) + trailers[k]))
            }
        }
        let axisLine = axis(indent: labelWidth + 2, cells: bins * per)
        out.append(StyledLine(axisLine.text.clipped(toWidth: width), .dim))
        return out
    }

    /// `0`, `0.5` and `1` under the start, middle and end of a chart `cells` wide.
    static func axis(indent: Int, cells: Int) -> StyledLine {
        var chars = Array(repeating: Character(" "), count: max(cells, 5))
        func put(_ s: String, at i: Int) {
            for (k, c) in s.enumerated() where i + k >= 0 && i + k < chars.count { chars[i + k] = c }
        }
        put("0", at: 0)
        put("0.5", at: cells / 2 - 1)
        put("1", at: cells - 1)
        var text = String(repeating: " ", count: indent) + String(chars)
        while text.hasSuffix(" ") { text.removeLast() }
        return StyledLine(text, .dim)
    }
}
