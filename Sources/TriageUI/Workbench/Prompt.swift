/// A one-line prompt at the bottom of the screen (`/` search, `:` jump, `f` filter): text is
/// typed, Backspace deletes, Enter applies, Esc cancels.
public struct Prompt: Sendable, Equatable {
    /// What the prompt is for.
    public enum Kind: Sendable, Equatable {
        /// Full-text search of the queue (`/`).
        case search
        /// Jump to a case id (`:`).
        case jump
        /// Filters: `country=CA score>=0.8 status=open policy=gambling` (`f`).
        case filter

        /// What the prompt line shows before the text.
        public var label: String {
            switch self {
            case .search: "/"
            case .jump: ":"
            case .filter: "filter: "
            }
        }
    }

    /// What the prompt is for.
    public var kind: Kind
    /// The text typed so far.
    public var text: String

    /// A prompt of `kind` starting with `text`.
    public init(_ kind: Kind, text: String = "") {
        self.kind = kind
        self.text = text
    }
}
