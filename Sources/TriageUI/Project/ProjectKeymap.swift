/// The project screens' keys. They are written with the workbench's ``Action``s (so the help
/// overlay and hints draw them alike); ``ProjectScreen/action(for:in:)`` reads them as
/// ``ProjectAction``s.
extension Keymap {
    /// A labeler's keys: one case at a time, scrolled; decide, skip, undo, next.
    public static let labelling = Keymap([
        KeyBinding([.char("?"), .function(1)], .toggleHelp, help: "Show or hide this help", section: .general, hint: "? help"),
        KeyBinding([.char("q")], .quit, help: "Quit (gives the case back)", section: .general, hint: "q quit"),
        KeyBinding([.char("j"), .down], .moveDown, help: "Scroll down a line", section: .detail, hint: "j/k scroll"),
        KeyBinding([.char("k"), .up], .moveUp, help: "Scroll up a line", section: .detail),
        KeyBinding([.pageDown, .char(" "), .ctrl("f")], .pageDown, help: "Page down", section: .detail),
        KeyBinding([.pageUp, .char("b"), .ctrl("b")], .pageUp, help: "Page up", section: .detail),
        KeyBinding([.char("g"), .home], .top, help: "Top of the case", section: .detail),
        KeyBinding([.char("G"), .end], .bottom, help: "End of the case", section: .detail),
        KeyBinding([.char("s")], .skip, help: "Skip this case (not shown again this session)", section: .label, hint: "s skip"),
        KeyBinding([.char("z")], .undo, help: "Undo the label just saved and relabel", section: .label),
        KeyBinding([.enter], .focusDetail, help: "After a save: next case (n too)", section: .label),
        KeyBinding([.char("T")], .cycleTheme, help: "Next built-in colour theme", section: .general),
    ])

    /// A lead's keys: a queue of disagreements on the left, the case and its labels on the right.
    public static let adjudication = Keymap([
        KeyBinding([.char("?"), .function(1)], .toggleHelp, help: "Show or hide this help", section: .general, hint: "? help"),
        KeyBinding([.char("q")], .quit, help: "Quit", section: .general, hint: "q quit"),
        KeyBinding([.char("j"), .down], .moveDown, help: "Next case to settle", section: .queue, hint: "j/k move"),
        KeyBinding([.char("k"), .up], .moveUp, help: "Previous case to settle", section: .queue),
        KeyBinding([.char("g"), .home], .top, help: "First case", section: .queue),
        KeyBinding([.char("G"), .end], .bottom, help: "Last case", section: .queue),
        KeyBinding([.char("J")], .scrollDetail(1), help: "Scroll the detail down a line", section: .detail),
        KeyBinding([.char("K")], .scrollDetail(-1), help: "Scroll the detail up a line", section: .detail),
        KeyBinding([.pageDown, .char(" "), .ctrl("f")], .pageDown, help: "Scroll the detail a page down", section: .detail, hint: "Space page"),
        KeyBinding([.pageUp, .char("b"), .ctrl("b")], .pageUp, help: "Scroll the detail a page up", section: .detail),
        KeyBinding([.char("r"), .ctrl("l")], .refresh, help: "Reload the labels and the queue", section: .general),
        KeyBinding([.char("T")], .cycleTheme, help: "Next built-in colour theme", section: .general),
    ])
}
