/// One cell of a ``Grid``: a grapheme and the role it is drawn in.
///
/// A wide character (2 columns) occupies its cell (`width == 2`) and the cell to its right, a
/// *continuation* cell (`width == 0`) that holds nothing of its own and is never drawn by itself.
public struct Cell: Sendable, Equatable {
    /// The grapheme shown; a space for a blank cell, ignored in a continuation cell.
    public var grapheme: Character
    /// Columns the grapheme takes: 1 or 2, or 0 for the continuation of a wide character.
    public var width: UInt8
    /// What the text is (its foreground style).
    public var role: StyleRole
    /// A role painted behind the text (the selection bar), merged with ``role`` by the theme.
    public var highlight: StyleRole?

    /// A cell showing `grapheme` (`width` 2 for a wide one, 0 for a continuation) in `role`.
    public init(grapheme: Character, width: UInt8 = 1, role: StyleRole = .normal, highlight: StyleRole? = nil) {
        self.grapheme = grapheme
        self.width = width
        self.role = role
        self.highlight = highlight
    }

    /// An empty cell in the normal role.
    public static let blank = Cell(grapheme: " ")

    /// Whether this is the right half of a wide character.
    public var isContinuation: Bool { width == 0 }
}
