/// A row of values as one line of ramp characters (see ``Glyphs/ramp``).
///
/// ```swift
/// Sparkline.text([0, 1, 2, 3, 4, 5, 6, 7], glyphs: .unicode)  // "▁▂▃▄▅▆▇█"
/// Sparkline.text([0, 1, 2, 3, 4, 5, 6, 7], glyphs: .ascii)    // " .:-=+*#"
/// ```
public enum Sparkline {
    /// One character per value (or `cellsPerValue`), scaled from 0 (or the smallest value, when negative) to the
    /// largest: the largest gets the top of the ramp, 0 the bottom. When there are more values
    /// than `width`, the last `width` are shown; `cellsPerValue` repeats each character (for a
    /// wider chart of few values).
    /// `scaleMax` sets the value that gets the top of the ramp (e.g. the largest of several rows
    /// drawn on one scale); by default it is the largest value shown.
    public static func text(_ values: [Double], width: Int? = nil, cellsPerValue: Int = 1, scaleMax: Double? = nil,
                            glyphs: Glyphs) -> String {
        let per = max(1, cellsPerValue)
        var shown = values
        if let width {
            let fit = max(0, width / per)
            if shown.count > fit { shown = Array(shown.suffix(fit)) }
        }
        guard !shown.isEmpty else { return "" }
        let ramp = glyphs.ramp
        let finite = shown.map { $0.isFinite ? $0 : 0 }
        let lo = min(0, finite.min() ?? 0), hi = max(scaleMax ?? -.infinity, finite.max() ?? 0)
        let span = hi - lo
        var out = ""
        for v in finite {
            let level = span > 0 ? Int(((v - lo) / span * Double(ramp.count - 1)).rounded()) : 0
            let c = ramp[min(max(level, 0), ramp.count - 1)]
            out += String(repeating: String(c), count: per)
        }
        return out
    }

    /// ``text(_:width:cellsPerValue:scaleMax:glyphs:)`` for counts.
    public static func text(_ values: [Int], width: Int? = nil, cellsPerValue: Int = 1, scaleMax: Int? = nil,
                            glyphs: Glyphs) -> String {
        text(values.map(Double.init), width: width, cellsPerValue: cellsPerValue, scaleMax: scaleMax.map(Double.init),
             glyphs: glyphs)
    }
}
