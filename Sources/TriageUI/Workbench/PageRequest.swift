import TriageStore

/// Where a window of the queue is taken from: a keyset position, so that any window, anywhere in
/// a queue of millions, is one or two short index walks (``CaseStore/queuePage(_:after:limit:)``
/// and ``CaseStore/queuePage(_:before:limit:)``). The workbench holds no cursors but those of
/// the rows on screen.
public enum PageAnchor: Sendable, Equatable {
    /// The first rows of the queue.
    case top
    /// The rows right after this cursor (scrolling or paging down).
    case after(QueueCursor)
    /// The window with this cursor's row at index `row` (or the row that now follows that
    /// position, if the cursor's row has left the queue; nearer the top when fewer rows precede
    /// it): the window reloaded in place with the selected case where it was on screen (refresh,
    /// data changed elsewhere, resize).
    case at(QueueCursor, row: Int)
    /// The rows right before this cursor, the window ending just above it (scrolling or paging up).
    case before(QueueCursor)
    /// The last rows of the queue.
    case end
}

/// One window of the queue to fetch, described completely.
public struct PageRequest: Sendable, Equatable {
    /// The queue.
    public var query: QueueQuery
    /// Where the window is taken from.
    public var anchor: PageAnchor
    /// The window's height: rows to show.
    public var windowSize: Int
    /// Which row to select once the rows arrive.
    public var select: SelectionTarget
    /// Requests are numbered; a result for an older request than the latest is ignored.
    public var generation: Int
    /// How many rows of the queue should be above the window, as far as the workbench knows (for
    /// the position shown); nil when unknown, e.g. at the end before the count is known.
    public var rowsAbove: Int?

    /// A request for the window at `anchor`.
    public init(query: QueueQuery, anchor: PageAnchor, windowSize: Int, select: SelectionTarget, generation: Int,
                rowsAbove: Int?) {
        self.query = query
        self.anchor = anchor
        self.windowSize = windowSize
        self.select = select
        self.generation = generation
        self.rowsAbove = rowsAbove
    }
}

/// The rows a ``PageRequest`` brought back, and whether the queue goes on beyond them.
public struct QueueWindow: Sendable, Equatable {
    /// At most the request's window size, in queue order.
    public var rows: [QueueRow]
    /// Whether rows of the queue precede the window.
    public var moreAbove: Bool
    /// Whether rows of the queue follow the window.
    public var moreBelow: Bool

    /// A window of `rows`.
    public init(rows: [QueueRow], moreAbove: Bool, moreBelow: Bool) {
        self.rows = rows
        self.moreAbove = moreAbove
        self.moreBelow = moreBelow
    }
}
