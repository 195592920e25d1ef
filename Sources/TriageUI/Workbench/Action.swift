import TriageCore
import TriageStore

/// Everything that can change the workbench's state: what a person asked for (through the
/// ``Keymap``) and what a finished ``Effect`` brought back. ``Workbench/update(_:_:)`` handles both.
///
/// Movement actions mean "move in the focused pane": in the queue they move the selection, in the
/// detail pane they scroll it.
public enum Action: Sendable {
    // MARK: People
    /// The next case (detail focus: scroll down a line).
    case moveDown
    /// The previous case (detail focus: scroll up a line).
    case moveUp
    /// A screenful further (queue or detail).
    case pageDown
    /// A screenful back.
    case pageUp
    /// The first case of the queue (detail focus: the top of the detail).
    case top
    /// The last case of the queue (detail focus: the end of the detail).
    case bottom
    /// Move the focus to the detail pane.
    case focusDetail
    /// Move the focus back to the queue.
    case focusQueue
    /// Switch the focus between queue and detail.
    case toggleFocus
    /// Scroll the detail pane by this many lines (negative: up), whatever has the focus.
    case scrollDetail(Int)
    /// The terminal has a new size.
    case resize(width: Int, height: Int)
    /// Show or hide the key help.
    case toggleHelp
    /// Reload the queue window, the counts and the detail.
    case refresh
    /// Switch to the next built-in theme (``Theme/builtIns``).
    case cycleTheme
    /// Leave the workbench (asks first when a note is half typed).
    case quit
    /// Start labelling the selected case with this decision (its key, e.g. `violation`): opens
    /// the reason picker.
    case decide(String)
    /// A key typed while a label is being made (reason picker, note field, discard question).
    case labelInput(Key)
    /// Withdraw the last label made in this session.
    case undo
    /// Move to the next case without labelling.
    case skip
    /// Open a prompt at the bottom: `/` search, `:` jump to a case, `f` filters.
    case openPrompt(Prompt.Kind)
    /// A key typed while a prompt is open.
    case promptInput(Key)
    /// The next sort order (score → age → uncertainty).
    case cycleSort
    /// The next policy filter (all → each taxonomy policy).
    case cyclePolicy
    /// Open the dashboard screen (``WorkbenchState/dashboard``) and load its figures.
    case openDashboard
    /// Close the dashboard, back to the queue.
    case closeDashboard
    /// Scroll the dashboard by this many lines (negative: up).
    case dashboardScroll(Int)
    /// Scroll the dashboard by this many screenfuls (negative: up).
    case dashboardPage(Int)
    /// The dashboard's first line.
    case dashboardTop
    /// The dashboard's last screenful.
    case dashboardBottom
    /// Scroll the dashboard to a section's title.
    case dashboardSection(DashboardSection)
    /// Scroll the dashboard to the next (1) or previous (-1) section.
    case dashboardNextSection(Int)
    /// Load the dashboard's figures again.
    case reloadDashboard
    /// Ask the LLM for a rationale for the selected case (streams into the detail pane).
    case askRationale
    /// Stop the rationale being written.
    case cancelRationale
    /// Rate the selected case's newest rationale.
    case rateRationale
    /// A key typed while a rating is open.
    case ratingInput(Key)

    // MARK: Results of effects
    /// The window that a ``PageRequest`` asked for.
    case pageLoaded(PageRequest, QueueWindow)
    /// The dashboard's figures (answer to ``Effect/loadDashboard``).
    case dashboardLoaded(Dashboard)
    /// The dashboard's label quality, computed in the background after its other figures.
    case labelQualityLoaded(LabelQuality)
    /// A case's detail (nil: the case no longer exists).
    case detailLoaded(caseID: String, CaseDetail?)
    /// How many cases this queue has (for the header).
    case countLoaded(QueueQuery, Int)
    /// The analyst's own counts for the header arrived.
    case analystCountsLoaded(AnalystCounts)
    /// The store's data version (see ``CaseStore/dataVersion()``): when it differs from the last
    /// one read, someone committed, and the window, the count and the detail are reloaded.
    case dataVersionRead(Int64)
    /// The data version could not be read: the database server cannot be reached (team mode on
    /// PostgreSQL); the store reconnects with backoff on the following ticks.
    case databaseUnreachable(String)
    /// Something to tell the analyst in the status bar.
    case showMessage(StatusMessage)
    /// The store's taxonomy (decisions and reasons), read once at start.
    case taxonomyLoaded(Taxonomy)
    /// A label event (label or undo) was committed to the store.
    case labelRecorded(LabelEvent)
    /// Recording a label failed; nothing was saved.
    case labelFailed(String)
    /// The clock moved on (about once a second); ages are computed against it, and the data
    /// version is checked.
    case tick(Timestamp)
    /// A claim effect's answer: who holds `caseID` now (this analyst when claimed, someone else,
    /// or nil when it cannot be claimed).
    case claimed(caseID: String, holder: String?)
    /// The case ``Effect/claimNext(_:)`` claimed for this analyst (nil: none is free).
    case claimedNext(QueueRow?)
    /// Where a jump to `caseID` landed: its row in `query` (nil: not in it), and whether it exists.
    case caseLocated(caseID: String, QueueQuery, row: QueueRow?, exists: Bool)
    /// A rationale being written reported progress.
    case rationaleEvent(caseID: String, RationaleStreamEvent)
    /// The rationale for `caseID` was written and stored.
    case rationaleStored(caseID: String, Rationale, CitationCheck)
    /// Writing it failed (or was cancelled); nothing was stored.
    case rationaleFailed(caseID: String, String)
    /// Feedback on a rationale was stored.
    case feedbackRecorded(RationaleFeedback)
}
