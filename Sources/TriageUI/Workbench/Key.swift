/// A key press (or a resize), as the workbench sees it. The terminal backend translates its own
/// key codes into these, so nothing in `TriageUI` knows about ncurses.
public enum Key: Sendable, Hashable {
    /// A printable character, e.g. `"j"`, `"G"`, `"?"`, `"é"`.
    case char(Character)
    /// A control chord, e.g. `.ctrl("f")` for Ctrl-F (always a lowercase letter).
    case ctrl(Character)
    case up, down, left, right
    case pageUp, pageDown, home, end
    case enter, escape, backspace, tab, backTab, delete, insert
    /// A function key, F1 = `function(1)`.
    case function(Int)
    /// The terminal now has this many columns and rows.
    case resize(width: Int, height: Int)

    /// How the key is written in hints and the help overlay: `j`, `↓`, `PgDn`, `Ctrl-F`, `Enter`…
    public var label: String {
        switch self {
        case .char(" "): return "Space"
        case .char(let c): return String(c)
        case .ctrl(let c): return "Ctrl-" + String(c).uppercased()
        case .up: return "↑"
        case .down: return "↓"
        case .left: return "←"
        case .right: return "→"
        case .pageUp: return "PgUp"
        case .pageDown: return "PgDn"
        case .home: return "Home"
        case .end: return "End"
        case .enter: return "Enter"
        case .escape: return "Esc"
        case .backspace: return "Backspace"
        case .tab: return "Tab"
        case .backTab: return "Shift-Tab"
        case .delete: return "Del"
        case .insert: return "Ins"
        case .function(let n): return "F\(n)"
        case .resize: return "resize"
        }
    }
}
