import TriageStore

/// Runs the queue's paging effects against a store.
enum QueuePager {
    /// Rows fetched per query while walking to the end.
    static let chunk = 1000

    /// The last window of the queue, found by walking forward from the current window and keeping
    /// only cursors (the store has no backwards page). Stops after `budget` rows; `reachedEnd`
    /// says whether the walk got to the end.
    static func lastWindow(_ r: EndRequest, store: any CaseStore, budget: Int)
        throws -> (request: PageRequest, rows: [QueueRow], reachedEnd: Bool, walked: Int) {
        let sort = r.query.sort
        var trail = r.trail
        var tail = r.rows // the last rows seen, at most windowSize of them
        var after = tail.last.map { $0.cursor(for: sort) } ?? trail.last
        var walked = 0
        var reachedEnd = false
        while walked < budget {
            let page = try store.queuePage(r.query, after: after, limit: chunk)
            walked += page.count
            tail += page
            if tail.count > r.windowSize {
                let spill = tail.count - r.windowSize
                trail += tail.prefix(spill).map { $0.cursor(for: sort) }
                tail.removeFirst(spill)
            }
            if page.count < chunk { reachedEnd = true; break }
            after = page.last!.cursor(for: sort)
        }
        let request = PageRequest(query: r.query, trail: trail, limit: r.windowSize + 1,
                                  select: .last, generation: r.generation)
        let rows = reachedEnd ? tail : try store.queuePage(r.query, after: trail.last, limit: r.windowSize + 1)
        return (request, rows, reachedEnd, walked)
    }
}
