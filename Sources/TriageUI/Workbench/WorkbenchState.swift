import TriageCore
import TriageStore

/// Everything the workbench shows, as a value: ``Workbench/update(_:_:)`` changes it and
/// ``Workbench/render(_:)`` draws it.
///
/// Only the queue rows on screen are held (``rows``), with the cursors to page from (``trail``);
/// a queue of a million cases costs a window of rows, not a million.
public struct WorkbenchState: Sendable {
    /// The database as shown in the header.
    public var databaseName: String
    public var analyst: String
    /// The queue being worked.
    public var query: QueueQuery
    public var size: TerminalSize
    /// The time ages are measured against (updated by ticks, so rendering stays pure).
    public var now: Timestamp
    /// The bindings, which also draw the status-bar hints and the help overlay.
    public var keymap: Keymap

    /// The queue rows in the window, in queue order (at most the window's height).
    public var rows: [QueueRow] = []
    /// The cursors of every row above the window (see ``PageRequest``).
    public var trail: [QueueCursor] = []
    /// Whether rows follow the window.
    public var hasMoreBelow = false
    /// Index of the selected row in ``rows``.
    public var selection = 0
    /// Whether the first window has arrived.
    public var loaded = false
    /// The selected case's detail, once loaded (it may briefly belong to the previous case).
    public var detail: CaseDetail?
    public var focus: Focus = .queue
    /// First detail line shown.
    public var detailScroll = 0
    public var status: StatusMessage?
    public var helpVisible = false
    /// Counts for the header, once loaded.
    public var stats: StoreStats?
    /// The number of the latest page request (older results are ignored).
    public var generation = 0
    /// Set once the analyst asked to leave.
    public var quitRequested = false

    public init(databaseName: String, analyst: String, query: QueueQuery, size: TerminalSize,
                now: Timestamp, keymap: Keymap = .standard) {
        self.databaseName = databaseName
        self.analyst = analyst
        self.query = query
        self.size = size
        self.now = now
        self.keymap = keymap
    }

    /// The selected queue row, if any.
    public var selectedRow: QueueRow? { rows.indices.contains(selection) ? rows[selection] : nil }

    /// The selected case's detail when it has arrived (nil while it is loading).
    public var selectedDetail: CaseDetail? {
        guard let d = detail, let row = selectedRow, d.case.caseID == row.caseID else { return nil }
        return d
    }

    /// 1-based position of the selected row in the whole queue.
    public var position: Int? { selectedRow == nil ? nil : trail.count + selection + 1 }

    /// The screen's layout at the current size.
    public var layout: WorkbenchLayout { WorkbenchLayout(size: size) }

    /// Cases in the queue according to the counts, or nil when unknown (no counts yet, or a
    /// filter the counts do not cover: country, score bounds).
    public var queueCount: Int? {
        guard let stats, query.country == nil, query.minScore == nil, query.maxScore == nil else { return nil }
        return stats.cases.filter { c in
            (query.policy == nil || c.policy == query.policy) && (query.status == nil || c.status == query.status)
        }.reduce(0) { $0 + $1.count }
    }
}
