/// How many terminal columns text takes, and fitting text into a number of columns.
///
/// Widths follow `wcwidth` (see `WidthTables`): combining marks and other zero-width scalars are
/// 0 columns, East Asian Wide and Fullwidth characters and emoji with emoji presentation are 2,
/// everything else printable is 1. A `Character` (grapheme cluster) takes the width of its first
/// scalar, as ncurses does when it draws a base character with its combining marks in one cell.
/// Measure *sanitised* text (``Sanitize``): controls count as 0 columns here.
///
/// ```swift
/// DisplayWidth.of("東京")        // 4
/// DisplayWidth.of("e\u{301}")    // 1
/// "Lucky Star Casino".truncated(toWidth: 10)  // "Lucky Sta…"
/// ```
public enum DisplayWidth {
    /// Columns one scalar takes: 0, 1 or 2. Controls (C0, DEL, C1) are 0.
    public static func of(_ scalar: Unicode.Scalar) -> Int {
        let v = scalar.value
        if v < 0x300 {
            if v >= 0x20 && v < 0x7F { return 1 }
            if v < 0x20 || (v >= 0x7F && v < 0xA0) { return 0 }
            return 1
        }
        if WidthTables.contains(WidthTables.zero, v) { return 0 }
        if WidthTables.contains(WidthTables.wide, v) { return 2 }
        return 1
    }

    /// Columns one grapheme cluster takes: the width of its first scalar.
    public static func of(_ character: Character) -> Int {
        if let a = character.asciiValue { return a >= 0x20 && a < 0x7F ? 1 : 0 }
        return of(character.unicodeScalars.first!)
    }

    /// Columns a whole string takes.
    public static func of<S: StringProtocol>(_ text: S) -> Int {
        var ascii = true
        for b in text.utf8 where b < 0x20 || b >= 0x7F { ascii = false; break }
        if ascii { return text.utf8.count }
        var w = 0
        for c in text { w += of(c) }
        return w
    }
}

/// How text is placed in a wider field by ``Swift/String/padded(toWidth:alignment:)``.
public enum TextAlignment: Sendable {
    case left, right, center
}

extension String {
    /// The number of terminal columns the string takes (see ``DisplayWidth``).
    public var displayWidth: Int { DisplayWidth.of(self) }

    /// The string cut to at most `width` columns, ending in `ellipsis` when something was cut.
    /// A wide character is never split: when it does not fit, the result is one column shorter.
    ///
    /// ```swift
    /// "東京タワー".truncated(toWidth: 6)  // "東京…" (5 columns: "タ" would need 2 more)
    /// ```
    public func truncated(toWidth width: Int, ellipsis: Character = "…") -> String {
        guard width > 0 else { return "" }
        if displayWidth <= width { return self }
        let budget = width - DisplayWidth.of(ellipsis)
        var out = ""
        var used = 0
        for c in self {
            let w = DisplayWidth.of(c)
            if used + w > budget { break }
            out.append(c)
            used += w
        }
        out.append(ellipsis)
        return out
    }

    /// The string fitted to exactly `width` columns: truncated with an ellipsis when longer,
    /// padded with spaces when shorter.
    ///
    /// ```swift
    /// "0.97".padded(toWidth: 6, alignment: .right)  // "  0.97"
    /// ```
    public func padded(toWidth width: Int, alignment: TextAlignment = .left) -> String {
        guard width > 0 else { return "" }
        let t = truncated(toWidth: width)
        let gap = width - t.displayWidth
        guard gap > 0 else { return t }
        switch alignment {
        case .left: return t + String(repeating: " ", count: gap)
        case .right: return String(repeating: " ", count: gap) + t
        case .center:
            let left = gap / 2
            return String(repeating: " ", count: left) + t + String(repeating: " ", count: gap - left)
        }
    }

    /// The string cut to at most `width` columns without an ellipsis (never splitting a wide
    /// character).
    public func clipped(toWidth width: Int) -> String {
        guard width > 0 else { return "" }
        var out = ""
        var used = 0
        for c in self {
            let w = DisplayWidth.of(c)
            if used + w > width { break }
            out.append(c)
            used += w
        }
        return out
    }
}
