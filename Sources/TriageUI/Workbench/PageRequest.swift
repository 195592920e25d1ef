import TriageStore

/// One window of the queue to fetch, described completely: a keyset page starting after the last
/// cursor of ``trail``.
///
/// The store pages forward only (``CaseStore/queuePage(_:after:limit:)``), so the workbench keeps
/// the cursor of every row above the window it shows — the *trail* — to page back up: moving up
/// one row drops the trail's last cursor, a page up drops a window's worth.
public struct PageRequest: Sendable, Equatable {
    public var query: QueueQuery
    /// The cursors of every row above the window, in queue order (empty at the top).
    public var trail: [QueueCursor]
    /// Rows to fetch: the window's height plus one, to learn whether more follow.
    public var limit: Int
    /// Which row to select once the rows arrive.
    public var select: SelectionTarget
    /// Requests are numbered; a result for an older request than the latest is ignored.
    public var generation: Int

    public init(query: QueueQuery, trail: [QueueCursor], limit: Int, select: SelectionTarget, generation: Int) {
        self.query = query
        self.trail = trail
        self.limit = limit
        self.select = select
        self.generation = generation
    }

    /// The cursor the page starts after (nil: the top of the queue).
    public var after: QueueCursor? { trail.last }
    /// The window's height.
    public var windowSize: Int { max(0, limit - 1) }
}

/// Which row of a freshly loaded window gets the selection.
public enum SelectionTarget: Sendable, Equatable {
    /// The row at this index, clamped to the rows that came.
    case index(Int)
    /// The last row.
    case last
    /// The row of this case if it is in the window, else the row at `fallback` (clamped).
    case caseID(String, fallback: Int)
}

/// A request for the queue's last window. Without a backwards page in the store, the runtime
/// walks forward from where the window is, keeping only cursors, for at most `budget` rows.
public struct EndRequest: Sendable, Equatable {
    public var query: QueueQuery
    /// The trail above the current window.
    public var trail: [QueueCursor]
    /// The rows of the current window (the walk continues after the last of them).
    public var rows: [QueueRow]
    /// The window's height.
    public var windowSize: Int
    public var generation: Int

    public init(query: QueueQuery, trail: [QueueCursor], rows: [QueueRow], windowSize: Int, generation: Int) {
        self.query = query
        self.trail = trail
        self.rows = rows
        self.windowSize = windowSize
        self.generation = generation
    }
}
