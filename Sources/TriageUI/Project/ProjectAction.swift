import TriageCore
import TriageStore

/// Everything that can change a project screen's state: keys (through its ``Keymap``) and the
/// results of ``ProjectEffect``s. ``ProjectScreen/update(_:_:)`` handles both.
public enum ProjectAction: Sendable {
    // MARK: People
    /// Labelling: scroll the case down a line. Adjudication: the next case of the queue.
    case moveDown
    /// Labelling: scroll up a line. Adjudication: the previous case.
    case moveUp
    /// Scroll the detail by this many lines (negative: up).
    case scrollDetail(Int)
    /// Scroll the detail a page down.
    case pageDown
    /// Scroll the detail a page up.
    case pageUp
    /// Labelling: the top of the case. Adjudication: the first case of the queue.
    case top
    /// Labelling: the end of the case. Adjudication: the last case of the queue.
    case bottom
    /// The terminal has a new size.
    case resize(width: Int, height: Int)
    /// Show or hide the key help.
    case toggleHelp
    /// The next built-in theme.
    case cycleTheme
    /// Leave (asks first when a note is half typed).
    case quit
    /// Start a label (or adjudication) with this decision key.
    case decide(String)
    /// A key typed while a label is being made.
    case labelInput(Key)
    /// Labelling: withdraw the label just made and show the case again.
    case undo
    /// Labelling: skip the case (claim the next one).
    case skip
    /// Labelling, after a save: the next case.
    case next
    /// Reload what is on screen.
    case refresh

    // MARK: Results of effects
    /// The taxonomy arrived.
    case taxonomyLoaded(Taxonomy)
    /// The project's settings (nil: no such project).
    case projectLoaded(Project?)
    /// The labeler's progress arrived.
    case progressLoaded(ProjectProgress)
    /// The case claimed for the labeler (nil: nothing left).
    case claimedNext(String?)
    /// A case's detail (nil: it no longer exists).
    case detailLoaded(caseID: String, CaseDetail?)
    /// Every live label of the project (for adjudication).
    case labelsLoaded([ProjectLabel])
    /// A label event was committed.
    case labelRecorded(LabelEvent)
    /// Recording failed; nothing was saved.
    case labelFailed(String)
    /// Something to say in the status bar.
    case showMessage(StatusMessage)
    /// The clock moved on.
    case tick(Timestamp)
    /// The store's data version (see ``CaseStore/dataVersion()``).
    case dataVersionRead(Int64)
    /// The data version could not be read: the database server cannot be reached.
    case databaseUnreachable(String)
}

/// Work ``ProjectScreen/update(_:_:)`` asks for; ``ProjectRuntime`` performs it against the store
/// and feeds the results back as ``ProjectAction``s.
public enum ProjectEffect: Sendable, Equatable {
    /// Read the taxonomy (``ProjectAction/taxonomyLoaded(_:)``).
    case loadTaxonomy
    /// Read the project's settings (``ProjectAction/projectLoaded(_:)``).
    case loadProject
    /// Read the labeler's progress (``ProjectAction/progressLoaded(_:)``).
    case loadProgress
    /// Claim the labeler's next case, never one of `skipping` (``ProjectAction/claimedNext(_:)``).
    case claimNext(skipping: Set<String>)
    /// Give the labeler's claim on a case back.
    case releaseClaim(caseID: String)
    /// Read the store's data version, to learn whether anyone committed since the last read.
    case checkDataVersion
    /// Extend the labeler's claim on the case being decided (its lease runs again from now).
    case renewClaim(caseID: String)
    /// Read a case's detail (``ProjectAction/detailLoaded(caseID:_:)``).
    case loadDetail(caseID: String)
    /// Read the project's live labels (``ProjectAction/labelsLoaded(_:)``).
    case loadLabels
    /// Commit a label event; the runtime stamps the dwell time of a label.
    case recordLabel(LabelDraft)
    /// Leave the screen (releasing any claim).
    case quit

    public static func == (a: ProjectEffect, b: ProjectEffect) -> Bool {
        switch (a, b) {
        case (.loadTaxonomy, .loadTaxonomy), (.loadProject, .loadProject), (.loadProgress, .loadProgress),
             (.loadLabels, .loadLabels), (.quit, .quit), (.checkDataVersion, .checkDataVersion): return true
        case let (.claimNext(x), .claimNext(y)): return x == y
        case let (.releaseClaim(x), .releaseClaim(y)), let (.renewClaim(x), .renewClaim(y)): return x == y
        case let (.loadDetail(x), .loadDetail(y)): return x == y
        case let (.recordLabel(x), .recordLabel(y)): return Effect.same(x, y)
        default: return false
        }
    }
}
