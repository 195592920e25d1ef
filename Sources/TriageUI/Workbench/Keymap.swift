/// Keys → actions, as data. The same table draws the status-bar hints (in table order, as many
/// as fit) and the `?` help overlay (by section), so what the screen says is what the keys do.
///
/// ```swift
/// Keymap.standard.action(for: .char("j"))  // .moveDown
/// ```
public struct Keymap: Sendable {
    /// The bindings, in the order hints are shown.
    public var bindings: [KeyBinding]

    /// A keymap of these bindings (a key listed twice triggers the first).
    public init(_ bindings: [KeyBinding]) { self.bindings = bindings }

    /// The action bound to `key` (the first binding that lists it), or nil.
    public func action(for key: Key) -> Action? {
        bindings.first { $0.keys.contains(key) }?.action
    }

    /// The status-bar hints in table order, each split into its keys and its words.
    public var hints: [(keys: String, text: String)] {
        bindings.compactMap { b in
            guard let h = b.hint else { return nil }
            let parts = h.split(separator: " ", maxSplits: 1)
            return (String(parts[0]), parts.count > 1 ? String(parts[1]) : "")
        }
    }

    /// The workbench's default keys (vi-style letters and the usual named keys).
    public static let standard = Keymap([
        KeyBinding([.char("?"), .function(1)], .toggleHelp, help: "Show or hide this help", section: .general, hint: "? help"),
        KeyBinding([.char("q")], .quit, help: "Quit (Ctrl-C too)", section: .general, hint: "q quit"),
        KeyBinding([.char("j"), .down], .moveDown, help: "Next case (detail: scroll down)", section: .queue, hint: "j/k move"),
        KeyBinding([.char("k"), .up], .moveUp, help: "Previous case (detail: scroll up)", section: .queue),
        KeyBinding([.enter, .char("l"), .right], .focusDetail, help: "Focus the detail pane", section: .detail, hint: "Enter detail"),
        KeyBinding([.escape, .char("h"), .left], .focusQueue, help: "Back to the queue (closes help)", section: .detail),
        KeyBinding([.tab, .backTab], .toggleFocus, help: "Switch focus between queue and detail", section: .detail, hint: "Tab focus"),
        KeyBinding([.pageDown, .ctrl("f"), .char(" ")], .pageDown, help: "Page down", section: .queue, hint: "PgDn/PgUp page"),
        KeyBinding([.pageUp, .ctrl("b")], .pageUp, help: "Page up", section: .queue),
        KeyBinding([.char("g"), .home], .top, help: "First case (detail: top)", section: .queue, hint: "g/G first/last"),
        KeyBinding([.char("G"), .end], .bottom, help: "Last case (detail: end)", section: .queue),
        KeyBinding([.char("J")], .scrollDetail(1), help: "Scroll the detail down a line", section: .detail),
        KeyBinding([.char("K")], .scrollDetail(-1), help: "Scroll the detail up a line", section: .detail),
        KeyBinding([.char("/")], .openPrompt(.search), help: "Search cases (empty clears)", section: .queue, hint: "/ search"),
        KeyBinding([.char(":")], .openPrompt(.jump), help: "Jump to a case id", section: .queue, hint: ": jump"),
        KeyBinding([.char("o")], .cycleSort, help: "Next sort order", section: .queue, hint: "o sort"),
        KeyBinding([.char("p")], .cyclePolicy, help: "Next policy filter", section: .queue),
        KeyBinding([.char("f")], .openPrompt(.filter), help: "Filters (empty clears)", section: .queue, hint: "f filter"),
        KeyBinding([.char("r"), .ctrl("l")], .refresh, help: "Reload queue, counts and detail", section: .general),
        KeyBinding([.char("D")], .openDashboard, help: "Dashboard: queue health, people, labels, model quality",
                   section: .dashboard),
        KeyBinding([.char("T")], .cycleTheme, help: "Next built-in colour theme (dark, light…)", section: .general),
        KeyBinding([.char("z")], .undo, help: "Undo your last label of this session", section: .label),
        KeyBinding([.char("s")], .skip, help: "Skip: next case without labelling", section: .label),
        KeyBinding([.char("a")], .askRationale, help: "Ask LLM for a rationale", section: .detail),
        KeyBinding([.char("x")], .cancelRationale, help: "Stop that rationale", section: .detail),
        KeyBinding([.char("R")], .rateRationale, help: "Rate the rationale", section: .detail),
    ])
}
