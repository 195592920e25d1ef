import CNcursesw
import TriageUI

/// Colour pairs allocated on first use: a theme needs a few dozen (foreground, background)
/// combinations, far fewer than the terminal offers.
struct ColorPairs {
    private struct Combination: Hashable {
        var foreground: Int16
        var background: Int16
    }

    /// Colours the terminal has (0 when drawing without colour).
    let colors: Int
    private var pairs: [Combination: Int16] = [:]
    private var next: Int16 = 1
    private let limit: Int

    init(colors: Int) {
        self.colors = colors
        limit = colors > 0 ? min(Int(Int16.max), Int(triage_color_pairs())) : 0
    }

    /// The pair for a style's colours (0, the terminal's default pair, when there are no
    /// colours, both are default, or the pairs ran out).
    mutating func pair(for style: Style) -> Int16 {
        guard colors > 0 else { return 0 }
        let c = Combination(foreground: number(style.foreground), background: number(style.background))
        if c.foreground == -1 && c.background == -1 { return 0 }
        if let p = pairs[c] { return p }
        guard Int(next) < limit else { return 0 }
        let p = next
        next += 1
        init_pair(p, c.foreground, c.background)
        pairs[c] = p
        return p
    }

    /// The curses colour number: -1 for the default (with `use_default_colors`).
    private func number(_ color: TerminalColor) -> Int16 {
        switch color {
        case .default: return -1
        case .index(let n):
            if Int(n) < colors { return Int16(n) }
            if case .index(let m) = color.reduced(toCount: min(colors, 16)) { return Int16(m) }
            return -1
        }
    }
}
