import TriageStore

/// Runs the queue's page requests against a store: each window is one keyset page (two for
/// ``PageAnchor/at(_:)``), one row longer than the window to learn whether the queue goes on.
enum QueuePager {
    static func window(_ r: PageRequest, store: any CaseStore) throws -> QueueWindow {
        let q = r.query, size = r.windowSize
        guard size > 0 else { return QueueWindow(rows: [], moreAbove: false, moreBelow: false) }
        /// The window starting after `cursor`.
        func down(after cursor: QueueCursor?, moreAbove: Bool) throws -> QueueWindow {
            let rows = try store.queuePage(q, after: cursor, limit: size + 1)
            return QueueWindow(rows: Array(rows.prefix(size)), moreAbove: moreAbove, moreBelow: rows.count > size)
        }
        /// The window ending before `cursor`.
        func up(before cursor: QueueCursor?, moreBelow: Bool) throws -> QueueWindow {
            let rows = try store.queuePage(q, before: cursor, limit: size + 1)
            return QueueWindow(rows: Array(rows.suffix(size)), moreAbove: rows.count > size, moreBelow: moreBelow)
        }
        switch r.anchor {
        case .top:
            return try down(after: nil, moreAbove: false)
        case .after(let cursor):
            // The cursor's row was above (it was on screen); if it has left the queue since, a
            // move up finds out and goes to the top.
            return try down(after: cursor, moreAbove: true)
        case .at(let cursor):
            // The window starts after the row just above the cursor's, so the cursor's row is in
            // it if it still is in the queue.
            let previous = try store.queuePage(q, before: cursor, limit: 1).first
            return try down(after: previous?.cursor(for: q.sort), moreAbove: previous != nil)
        case .before(let cursor):
            return try up(before: cursor, moreBelow: true)
        case .end:
            return try up(before: nil, moreBelow: false)
        }
    }
}
