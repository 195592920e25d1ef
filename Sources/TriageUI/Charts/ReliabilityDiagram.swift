import TriageCore

/// A reliability diagram of ten calibration bins, one line per bin, every figure written out:
///
/// ```text
/// 0.3–0.4  n=   52  mean 0.35  obs 0.29  │███████▌  ┃          │
/// ```
///
/// The bar is filled to the bin's observed positive rate; the marker (`┃`, ascii `o`) stands at
/// its mean score. A calibrated model's marker sits at the bar's end.
public enum ReliabilityDiagram {
    /// The legend line.
    public static func legend(glyphs: Glyphs) -> StyledLine {
        var l = StyledLine("bar: observed positive rate   ", .dim)
        l.append(String(glyphs.marker), .chartMarker)
        l.append(" mean score", .dim)
        return l
    }

    /// The legend, then one line per bin; each at most `width` columns (the bar is left out
    /// when fewer than 5 cells remain for it, and is at most `maxBarCells` wide).
    public static func lines(_ bins: [CalibrationBin], width: Int, glyphs: Glyphs, maxBarCells: Int = 50) -> [StyledLine] {
        let countWidth = max(3, bins.map { Format.count($0.count).displayWidth }.max() ?? 1)
        var out = legend(glyphs: glyphs).wrapped(toWidth: width, indent: 0)
        for bin in bins {
            let upper = min(1, bin.lower + 0.1)
            var line = StyledLine(Format.fixed(bin.lower, 1) + "–" + Format.fixed(upper, 1), .label)
            line.append("  n=" + Format.count(bin.count).padded(toWidth: countWidth, alignment: .right))
            line.append("  mean " + (bin.meanScore.map(Format.score) ?? "   –"))
            line.append("  obs " + (bin.positiveRate.map(Format.score) ?? "   –"))
            let cells = min(maxBarCells, width - line.width - 4)
            if cells >= 5 {
                line.append("  " + String(glyphs.axis), .border)
                line.spans += bar(bin, cells: cells, glyphs: glyphs)
                line.append(String(glyphs.axis), .border)
            }
            out += line.wrapped(toWidth: width, indent: 2) // very narrow: the figures wrap, never cut
        }
        return out
    }

    /// The bar of one bin: filled to the observed rate, with the mean-score marker on it.
    static func bar(_ bin: CalibrationBin, cells: Int, glyphs: Glyphs) -> [StyledLine.Span] {
        guard let rate = bin.positiveRate, let mean = bin.meanScore else {
            return [StyledLine.Span(String(repeating: " ", count: cells))]
        }
        let chars = Array(glyphs.bar(rate, cells: cells))
        let at = min(max(0, Int((mean * Double(cells)).rounded(.down))), cells - 1)
        return [StyledLine.Span(String(chars[..<at]), .chartBar),
                StyledLine.Span(String(glyphs.marker), .chartMarker),
                StyledLine.Span(String(chars[(at + 1)...]), .chartBar)]
    }
}
