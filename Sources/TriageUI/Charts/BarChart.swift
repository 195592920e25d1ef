/// Labelled horizontal bars with their counts written out, e.g.
///
/// ```text
/// ana    ████████████▌       125
/// bo     ████▏                41
/// ```
public enum BarChart {
    /// One line per item: the label (shortened when it must be, never the count), a bar scaled to
    /// the largest value (``StyleRole/chartBar``, at most `maxBarCells` wide), the count. Every
    /// line is at most `width` columns.
    public static func lines(_ items: [(label: String, value: Int)], width: Int, glyphs: Glyphs,
                             maxLabelWidth: Int = 20, maxBarCells: Int = 50) -> [StyledLine] {
        guard !items.isEmpty else { return [] }
        let counts = items.map { Format.count($0.value) }
        let countWidth = counts.map(\.displayWidth).max() ?? 1
        let naturalLabel = min(maxLabelWidth, items.map(\.label.displayWidth).max() ?? 0)
        // label, space, bar (at least 1), space, count
        let labelWidth = max(0, min(naturalLabel, width - countWidth - 3))
        let barCells = max(0, min(maxBarCells, width - labelWidth - countWidth - 2))
        let top = items.map(\.value).max() ?? 0
        return items.indices.map { i in
            var line = StyledLine(items[i].label.padded(toWidth: labelWidth), .label)
            if labelWidth > 0 { line.append(" ") }
            if barCells > 0 {
                let fraction = top > 0 ? Double(max(0, items[i].value)) / Double(top) : 0
                line.append(glyphs.bar(fraction, cells: barCells), .chartBar)
                line.append(" ")
            }
            line.append(counts[i].padded(toWidth: countWidth, alignment: .right))
            return line
        }
    }
}
