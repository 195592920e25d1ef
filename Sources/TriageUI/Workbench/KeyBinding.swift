/// One entry of the ``Keymap``: the keys, the action they trigger, and how help and hints
/// describe it.
public struct KeyBinding: Sendable {
    /// The part of the help overlay the binding is listed in.
    public enum Section: String, Sendable, CaseIterable {
        case queue = "Queue"
        case detail = "Detail"
        case label = "Label"
        case dashboard = "Dashboard"
        case general = "General"
    }

    /// Every key that triggers the action (the first is shown in hints).
    public var keys: [Key]
    /// What the keys do.
    public var action: Action
    /// A line of help, e.g. `Next case (in the detail pane: scroll down)`.
    public var help: String
    /// Where the help overlay lists it.
    public var section: Section
    /// A short hint for the status bar, `keys` then words, e.g. `j/k move`; nil keeps it out.
    public var hint: String?

    /// A binding of `keys` to `action`.
    public init(_ keys: [Key], _ action: Action, help: String, section: Section, hint: String? = nil) {
        self.keys = keys
        self.action = action
        self.help = help
        self.section = section
        self.hint = hint
    }

    /// The keys as written in the help overlay, e.g. `j, ↓`.
    public var keysLabel: String { keys.map(\.label).joined(separator: ", ") }
}
