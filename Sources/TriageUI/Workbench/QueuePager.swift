import TriageStore

/// Runs the queue's page requests against a store: each window is one keyset page (two for
/// ``PageAnchor/at(_:row:)``), one row longer than the window to learn whether the queue goes on.
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
        case .at(let cursor, let row):
            // `row` rows above the cursor stay above it; the window starts after the one before
            // them (at the top when there are not that many).
            let index = min(max(0, row), size - 1)
            let above = try store.queuePage(q, before: cursor, limit: index + 1)
            guard above.count > index else { return try down(after: nil, moreAbove: false) }
            return try down(after: above[0].cursor(for: q.sort), moreAbove: true)
        case .before(let cursor):
            return try up(before: cursor, moreBelow: true)
        case .end:
            return try up(before: nil, moreBelow: false)
        }
    }
}
