/// The one place that turns untrusted text (merchant names, descriptions, rationales, evidence,
/// notes) into text that is safe to draw on a terminal.
///
/// ncursesw passes `\r`, `\b`, `\n`, bidi overrides and zero-width characters straight to the
/// terminal, where they can move the cursor, reorder or hide text and so spoof other fields (a
/// name ending in `\r` and a fake score, a bidi override that reverses a URL). Every scalar that
/// could do that is replaced by a *visible* placeholder, so an analyst sees that the text carried
/// something odd instead of having it silently removed:
///
/// | input | shown as |
/// |---|---|
/// | TAB (U+0009) | spaces up to the next multiple of ``tabWidth`` columns |
/// | LF, CR LF | a line break in ``lines(_:)``; `␤` (U+2424) in ``line(_:)`` |
/// | any other C0 control U+0000–U+001F, including NUL, BEL, BS, lone CR, ESC | its control picture U+2400 + code: `␀` `␇` `␈` `␍` `␛`… |
/// | DEL (U+007F) | `␡` (U+2421) |
/// | C1 controls U+0080–U+009F (CSI, OSC, NEL…) | `�` (U+FFFD) |
/// | format characters (general category Cf): bidi embeddings, overrides and isolates U+202A–U+202E, U+2066–U+2069, marks U+200E, U+200F, U+061C; zero-width space, non-joiner and joiner U+200B–U+200D, word joiner U+2060, BOM U+FEFF, soft hyphen, tag characters… | `�` |
/// | line and paragraph separators U+2028, U+2029 | `�` |
/// | invisible Hangul fillers U+115F, U+1160, U+3164, U+FFA0 | `�` |
/// | unassigned code points and noncharacters | `�` |
/// | a character that would start with a zero-width mark (nothing to attach to) | that mark on `◌` (U+25CC) |
///
/// An escape sequence therefore loses its ESC and shows as plain text: `"\u{1b}]0;pwned\u{7}"`
/// becomes `␛]0;pwned␇`, which a terminal cannot interpret. Emoji joined with U+200D are shown as
/// separate emoji with `�` between them: terminals disagree on the width of such sequences, so
/// breaking them keeps columns aligned. Everything else (letters in any script, combining marks
/// after a base, emoji, private-use characters) is kept.
///
/// Sanitising is idempotent, and the result contains only scalars that are safe to draw.
public enum Sanitize {
    /// Tab stops, in columns.
    public static let tabWidth = 4
    /// Shown for a line break in single-line text.
    public static let newlinePlaceholder: Unicode.Scalar = "\u{2424}"
    /// Shown for controls and invisible characters without a control picture.
    public static let replacement: Unicode.Scalar = "\u{FFFD}"
    /// The base a leading combining mark is drawn on.
    public static let dottedCircle: Unicode.Scalar = "\u{25CC}"

    /// Sanitises text for a single-line context (a list column, a header): line breaks become `␤`.
    ///
    /// ```swift
    /// Sanitize.line("Casino\u{1b}]0;pwned\u{7}\nline 2")  // "Casino␛]0;pwned␇␤line 2"
    /// ```
    public static func line(_ text: String) -> String {
        if isPlainASCII(text) { return text }
        return sanitizeLine(text.unicodeScalars[...])
    }

    /// Sanitises multi-line text (a description, a rationale): returns its lines, split at LF and
    /// CR LF, each safe to draw and ready to be word-wrapped.
    ///
    /// ```swift
    /// Sanitize.lines("a\tb\r\nc\rd")  // ["a   b", "c␍d"]
    /// ```
    public static func lines(_ text: String) -> [String] {
        var out: [String] = []
        var rest = text.unicodeScalars[...]
        while true {
            guard let nl = rest.firstIndex(of: "\n") else {
                out.append(sanitizeLine(rest))
                return out
            }
            var end = nl
            if end > rest.startIndex, rest[rest.index(before: end)] == "\r" { end = rest.index(before: end) }
            out.append(sanitizeLine(rest[rest.startIndex..<end]))
            rest = rest[rest.index(after: nl)...]
        }
    }

    /// The placeholder drawn instead of `scalar`, or nil when the scalar is safe to draw as is.
    /// (TAB and LF have no single placeholder: see ``line(_:)`` and ``lines(_:)``.)
    public static func placeholder(for scalar: Unicode.Scalar) -> Unicode.Scalar? {
        let v = scalar.value
        if v >= 0x20 && v < 0x7F { return nil }
        if v < 0x20 { return Unicode.Scalar(0x2400 + v) }
        if v == 0x7F { return "\u{2421}" }
        if v < 0xA0 { return replacement }
        switch v {
        case 0x115F, 0x1160, 0x3164, 0xFFA0: return replacement
        case 0x061C, 0x200B...0x200F, 0x202A...0x202E, 0x2060...0x2069, 0xFEFF: return replacement
        default: break
        }
        switch scalar.properties.generalCategory {
        case .format, .lineSeparator, .paragraphSeparator, .unassigned, .surrogate, .control:
            return replacement
        default:
            return nil
        }
    }

    // MARK: - Implementation

    private static func isPlainASCII(_ text: String) -> Bool {
        text.utf8.allSatisfy { $0 >= 0x20 && $0 < 0x7F }
    }

    /// Sanitises one line's scalars (any LF left in them shows as `␤`).
    private static func sanitizeLine(_ scalars: Substring.UnicodeScalarView) -> String {
        var out = String.UnicodeScalarView()
        var column = 0
        var i = scalars.startIndex
        while i < scalars.endIndex {
            let s = scalars[i]
            i = scalars.index(after: i)
            switch s {
            case "\t":
                let n = tabWidth - column % tabWidth
                for _ in 0..<n { out.append(" ") }
                column += n
            case "\r" where i < scalars.endIndex && scalars[i] == "\n":
                continue // CR LF is one line break: the LF below shows it
            case "\n":
                out.append(newlinePlaceholder)
                column += 1
            default:
                let shown = placeholder(for: s) ?? s
                out.append(shown)
                column += DisplayWidth.of(shown)
            }
        }
        return baseLeadingMarks(String(out))
    }

    /// Puts every character that starts with a zero-width scalar (a combining mark with nothing
    /// before it, a stray variation selector) on a dotted circle, so no cell is zero columns wide
    /// and nothing combines with whatever is drawn to its left.
    private static func baseLeadingMarks(_ text: String) -> String {
        guard text.contains(where: { c in DisplayWidth.of(c.unicodeScalars.first!) == 0 }) else { return text }
        var out = String.UnicodeScalarView()
        for c in text {
            if DisplayWidth.of(c.unicodeScalars.first!) == 0 { out.append(dottedCircle) }
            out.append(contentsOf: c.unicodeScalars)
        }
        return String(out)
    }
}
