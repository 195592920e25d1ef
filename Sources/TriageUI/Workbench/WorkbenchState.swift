import TriageCore
import TriageStore

/// Everything the workbench shows, as a value: ``Workbench/update(_:_:)`` changes it and
/// ``Workbench/render(_:)`` draws it.
///
/// Only the queue rows on screen are held (``rows``): every other window is reached by a keyset
/// page from one of their cursors (see ``PageAnchor``), so a queue of a million cases costs a
/// window of rows, not a million.
public struct WorkbenchState: Sendable {
    /// The database as shown in the header.
    public var databaseName: String
    /// Who is working (shown in the header).
    public var analyst: String
    /// The queue being worked.
    public var query: QueueQuery
    /// The terminal's size.
    public var size: TerminalSize
    /// The time ages are measured against (updated by ticks, so rendering stays pure).
    public var now: Timestamp
    /// The bindings, which also draw the status-bar hints and the help overlay.
    public var keymap: Keymap

    /// The queue rows in the window, in queue order (at most the window's height).
    public var rows: [QueueRow] = []
    /// Whether rows precede the window.
    public var hasMoreAbove = false
    /// Whether rows follow the window.
    public var hasMoreBelow = false
    /// How many rows precede the window, as counted while the window moved (see ``rowsAbove``):
    /// it can be off by the cases others moved into or out of the queue above the window since
    /// it was last at the top or the end.
    public var offset: Int?
    /// Index of the selected row in ``rows``.
    public var selection = 0
    /// Whether the first window has arrived.
    public var loaded = false
    /// The selected case's detail, once loaded (it may briefly belong to the previous case).
    public var detail: CaseDetail?
    /// Which pane the movement keys act on.
    public var focus: Focus = .queue
    /// First detail line shown.
    public var detailScroll = 0
    /// The status-bar message, until the next key.
    public var status: StatusMessage?
    /// Whether the `?` overlay is shown.
    public var helpVisible = false
    /// Cases in the queue (with every filter of ``query``), once counted.
    public var queueCount: Int?
    /// The analyst's own counts (cases held, labels today), for the header.
    public var analystCounts: AnalystCounts?
    /// The store's data version when last read (see ``Action/dataVersionRead(_:)``).
    public var dataVersion: Int64?
    /// The last data-version check could not reach the database (see ``Action/databaseUnreachable(_:)``).
    public var databaseUnreachable = false
    /// The number of the latest page request (older results are ignored).
    public var generation = 0
    /// Set once the analyst asked to leave.
    public var quitRequested = false
    /// The colour theme the screen is drawn with (`T` cycles the built-in ones).
    public var theme: Theme = .dark
    /// The OS user recorded on labels.
    public var osUser = ""
    /// The role in force, shown in the header and recorded on labels.
    public var role: Role = .analyst
    /// The store's taxonomy, loaded once at start (nil until then).
    public var taxonomy: Taxonomy?
    /// The label being made (reason picker, note field), if any.
    public var labelFlow: LabelFlow?
    /// The open prompt (`/` search, `:` jump, `f` filter), if any.
    public var prompt: Prompt?
    /// The last label made in this session, which `z` undoes.
    public var lastLabel: SessionLabel?
    /// How long a claim's lease runs (seconds); nil: the workbench claims nothing.
    public var lease: Double?
    /// The claim on the selected case (see ``Workbench/syncClaim(_:)``).
    public var claim: CaseClaim?
    /// The dashboard screen, while it is open (`D`); it covers the whole screen and takes the
    /// keys (``Keymap/dashboard``).
    public var dashboard: DashboardScreen?
    /// The characters charts are drawn with (see ``Glyphs``).
    public var glyphs: Glyphs = .unicode
    /// Whether an LLM endpoint is configured (`a` asks it for a rationale); its description.
    public var rationaleGenerator: String?
    /// The rationale being written, if any.
    public var rationaleRequest: RationaleRequest?
    /// The rating being given to a rationale (`R`), if any.
    public var rating: RationaleRating?

    /// A state with nothing loaded yet (see ``Workbench/start(_:)``).
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

    /// How many rows of the queue precede the window, or nil when unknown: 0 at the top, the
    /// count less the window at the end, else ``offset``.
    public var rowsAbove: Int? {
        if !hasMoreAbove { return 0 }
        if !hasMoreBelow, let n = queueCount { return max(1, n - rows.count) }
        return offset
    }

    /// 1-based position of the selected row in the whole queue, when known.
    public var position: Int? {
        guard selectedRow != nil, let above = rowsAbove else { return nil }
        return above + selection + 1
    }

    /// The screen's layout at the current size.
    public var layout: WorkbenchLayout { WorkbenchLayout(size: size) }
}
