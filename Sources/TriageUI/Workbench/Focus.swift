/// Which pane the movement keys act on.
public enum Focus: Sendable, Equatable {
    /// j/k move the selection through the queue.
    case queue
    /// j/k scroll the selected case's detail.
    case detail
}
