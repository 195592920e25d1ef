/// The characters charts are drawn with.
///
/// ``unicode`` (the default) draws with block elements: `▁▂▃▄▅▆▇█` for sparklines and eighths of
/// a cell (`▏▎▍▌▋▊▉█`) for horizontal bars. ``ascii`` draws with 7-bit characters only: the ramp
/// ` .:-=+*#` for sparklines, `#` (and `=` for a part cell) for bars, `|` for axes, `o` for markers.
///
/// The terminal front end (`TriageTerminal`) picks ``ascii`` when the user's locale character
/// set (as `nl_langinfo(CODESET)` reports it *before* triage switches to `C.UTF-8` for curses)
/// is not UTF-8, or when the environment sets `TRIAGE_ASCII=1`; otherwise ``unicode``.
/// Charts never depend on the glyphs alone: every figure they show is also written out.
public enum Glyphs: String, Sendable, Equatable, CaseIterable {
    case unicode
    case ascii

    /// `text` with the typographic punctuation triage's own wording uses (`·`, `…`, `Δ`, `–`, `—`,
    /// `≥`, `≤`, `→`, `±`, `×`, curly quotes) spelled in ASCII, for output in ``ascii`` mode.
    /// Other characters (merchant names, say) are left as they are.
    public static func asciiPunctuation(_ text: String) -> String {
        guard text.unicodeScalars.contains(where: { !$0.isASCII }) else { return text }
        var out = ""
        out.reserveCapacity(text.utf8.count)
        for ch in text {
            switch ch {
            case "·": out += "|"
            case "…": out += "~" // one column, as the ellipsis was: tables stay aligned
            case "Δ": out += "d"
            case "–", "—", "−": out += "-"
            case "≥": out += ">="
            case "≤": out += "<="
            case "→": out += "->"
            case "←": out += "<-"
            case "±": out += "+/-"
            case "×": out += "x"
            case "‘", "’": out += "'"
            case "“", "”": out += "\""
            default: out.append(ch)
            }
        }
        return out
    }

    /// The sparkline ramp, lowest to highest (eight levels).
    public var ramp: [Character] {
        switch self {
        case .unicode: return ["▁", "▂", "▃", "▄", "▅", "▆", "▇", "█"]
        case .ascii: return [" ", ".", ":", "-", "=", "+", "*", "#"]
        }
    }

    /// Partial cells of a horizontal bar, in eighths: index 0 is empty, 8 a full cell.
    public var eighths: [Character] {
        switch self {
        case .unicode: return [" ", "▏", "▎", "▍", "▌", "▋", "▊", "▉", "█"]
        case .ascii: return [" ", " ", " ", " ", "=", "=", "=", "=", "#"]
        }
    }

    /// A full bar cell.
    public var full: Character { self == .unicode ? "█" : "#" }

    /// A vertical axis or frame edge.
    public var axis: Character { self == .unicode ? "│" : "|" }

    /// A marker placed on a bar (e.g. the mean score of a reliability-diagram bin).
    public var marker: Character { self == .unicode ? "┃" : "o" }

    /// A horizontal rule.
    public var rule: Character { self == .unicode ? "─" : "-" }

    /// A horizontal bar `cells` wide filled to `fraction` (0…1, clamped) in eighths of a cell,
    /// padded with spaces to exactly `cells` columns.
    ///
    /// ```swift
    /// Glyphs.unicode.bar(0.5, cells: 4)  // "██  "
    /// Glyphs.ascii.bar(0.5, cells: 4)    // "##  "
    /// ```
    public func bar(_ fraction: Double, cells: Int) -> String {
        guard cells > 0 else { return "" }
        let f = fraction.isFinite ? min(max(fraction, 0), 1) : 0
        let units = Int((f * Double(cells * 8)).rounded())
        var s = String(repeating: full, count: units / 8)
        if units % 8 > 0 { s.append(eighths[units % 8]) }
        let used = (units + 7) / 8
        return s + String(repeating: " ", count: max(0, cells - used))
    }
}
