/// Which row of a freshly loaded window gets the selection.
public enum SelectionTarget: Sendable, Equatable {
    /// The row at this index, clamped to the rows that came.
    case index(Int)
    /// The last row.
    case last
    /// The row of this case if it is in the window, else the row at `fallback` (clamped).
    case caseID(String, fallback: Int)
}
