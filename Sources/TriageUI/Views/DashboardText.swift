import TriageCore

/// The dashboard as plain text, the same lines the `D` screen shows (every section, one after
/// the other): what `triage report --format text` writes.
public enum DashboardText {
    /// `data` laid out `width` columns wide with `glyphs`; decisions are listed in `decisionOrder`
    /// (the taxonomy's order) where the figures name them.
    public static func render(_ data: Dashboard, width: Int, glyphs: Glyphs, decisionOrder: [String] = []) -> String {
        let content = DashboardView.content(data, width: max(40, width), glyphs: glyphs, decisionOrder: decisionOrder)
        return content.lines.map { line in
            var t = glyphs == .ascii ? Glyphs.asciiPunctuation(line.text) : line.text
            while t.last == " " { t.removeLast() }
            return t
        }.joined(separator: "\n") + "\n"
    }
}
