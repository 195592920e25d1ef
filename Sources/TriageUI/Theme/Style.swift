/// A terminal colour: the terminal's own default, or an index into the 256-colour palette
/// (0–7 the basic colours, 8–15 their bright versions, 16–231 a 6×6×6 cube, 232–255 greys).
public enum TerminalColor: Sendable, Hashable {
    case `default`
    case index(UInt8)

    /// The nearest of the first `count` palette colours (8 or 16), for terminals with fewer than
    /// 256 colours. Greys and cube colours are matched by RGB distance to xterm's basic colours.
    public func reduced(toCount count: Int) -> TerminalColor {
        guard case .index(let n) = self, Int(n) >= count else { return self }
        if count >= 16, n < 16 { return self }
        if n < 16 { return .index(n - 8) } // bright → basic
        let (r, g, b) = TerminalColor.rgb(n)
        var best = 0, bestDistance = Int.max
        for i in 0..<min(count, 16) {
            let (pr, pg, pb) = TerminalColor.basicRGB[i]
            let d = (r - pr) * (r - pr) + (g - pg) * (g - pg) + (b - pb) * (b - pb)
            if d < bestDistance { best = i; bestDistance = d }
        }
        return .index(UInt8(best))
    }

    /// xterm's RGB for basic colours 0–15.
    static let basicRGB: [(Int, Int, Int)] = [
        (0, 0, 0), (205, 0, 0), (0, 205, 0), (205, 205, 0), (0, 0, 238), (205, 0, 205), (0, 205, 205), (229, 229, 229),
        (127, 127, 127), (255, 0, 0), (0, 255, 0), (255, 255, 0), (92, 92, 255), (255, 0, 255), (0, 255, 255), (255, 255, 255),
    ]

    /// xterm's RGB for palette index `n` ≥ 16.
    static func rgb(_ n: UInt8) -> (Int, Int, Int) {
        if n >= 232 { let v = 8 + 10 * Int(n - 232); return (v, v, v) }
        let i = Int(n) - 16
        let level = { (c: Int) in c == 0 ? 0 : 55 + 40 * c }
        return (level(i / 36), level(i / 6 % 6), level(i % 6))
    }
}

/// How one role looks: colours and attributes.
public struct Style: Sendable, Hashable {
    /// Text colour.
    public var foreground: TerminalColor
    /// Cell colour behind the text.
    public var background: TerminalColor
    /// Bold (many terminals also brighten the colour).
    public var bold: Bool
    /// Swap foreground and background.
    public var reverse: Bool
    /// Underlined.
    public var underline: Bool

    /// A style; everything defaults to the terminal's own look.
    public init(fg: TerminalColor = .default, bg: TerminalColor = .default, bold: Bool = false,
                reverse: Bool = false, underline: Bool = false) {
        self.foreground = fg
        self.background = bg
        self.bold = bold
        self.reverse = reverse
        self.underline = underline
    }

    /// The terminal's default look.
    public static let plain = Style()

    /// Shorthand for a 256-colour foreground.
    public static func fg(_ n: UInt8, bold: Bool = false, underline: Bool = false) -> Style {
        Style(fg: .index(n), bold: bold, underline: underline)
    }

    /// This style with its colours dropped (attributes only).
    public var withoutColors: Style { Style(bold: bold, reverse: reverse, underline: underline) }
}
