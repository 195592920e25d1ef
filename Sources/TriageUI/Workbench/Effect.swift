import TriageCore
import TriageStore

/// Work that ``Workbench/update(_:_:)`` asks for instead of doing it: the ``WorkbenchRuntime``
/// performs effects against the store and feeds their results back as ``Action``s. Keeping them
/// values makes `update` pure and testable.
public enum Effect: Sendable, Equatable {
    /// Fetch one window of the queue (answered by ``Action/pageLoaded(_:_:)``).
    case loadPage(PageRequest)
    /// Fetch the detail of one case (answered by ``Action/detailLoaded(caseID:_:)``).
    case loadDetail(caseID: String)
    /// Count the cases of this queue, for the header (answered by ``Action/countLoaded(_:_:)``).
    case loadCount(QueueQuery)
    /// Read the store's data version, to learn whether anyone committed since the last read
    /// (answered by ``Action/dataVersionRead(_:)``).
    case checkDataVersion
    /// Read the store's taxonomy (answered by ``Action/taxonomyLoaded(_:)``).
    case loadTaxonomy
    /// Commit a label event (a label or an undo) durably (answered by
    /// ``Action/labelRecorded(_:)`` or ``Action/labelFailed(_:)``). The runtime stamps the dwell
    /// time from its clock: the time since the case was shown.
    case recordLabel(LabelDraft)
    /// Find a case's row in this queue (answered by ``Action/caseLocated(caseID:_:row:exists:)``).
    case locateCase(caseID: String, QueueQuery)
    /// Read the dashboard's figures through ``CaseStore/dashboardFigures(now:)`` (answered by
    /// ``Action/dashboardLoaded(_:)``; a failure shows in the status bar), then its label quality
    /// in the background (``CaseStore/labelQuality()``, answered by ``Action/labelQualityLoaded(_:)``).
    case loadDashboard
    /// Leave the workbench.
    case quit
    /// Release `releasing` (if this analyst holds it) and claim `caseID` (answered by
    /// ``Action/claimed(caseID:holder:)``); also renews a claim.
    case claim(caseID: String, releasing: String?)
    /// Give a claim back to the queue.
    case releaseClaim(caseID: String)
    /// Claim the next free case of the queue (answered by ``Action/claimedNext(_:)``).
    case claimNext(QueueQuery)
    /// Start writing a rationale for `caseID` in the background (progress comes back as
    /// ``Action/rationaleEvent(caseID:_:)``, the end as ``Action/rationaleStored(caseID:_:_:)``
    /// or ``Action/rationaleFailed(caseID:_:)``).
    case generateRationale(caseID: String)
    /// Stop the rationale being written.
    case cancelRationale
    /// Store feedback on a rationale (answered by ``Action/feedbackRecorded(_:)``).
    case recordFeedback(RationaleFeedback)

    public static func == (a: Effect, b: Effect) -> Bool {
        switch (a, b) {
        case let (.loadPage(x), .loadPage(y)): return x == y
        case let (.loadDetail(x), .loadDetail(y)): return x == y
        case let (.loadCount(x), .loadCount(y)): return x == y
        case (.checkDataVersion, .checkDataVersion), (.loadTaxonomy, .loadTaxonomy), (.quit, .quit),
             (.loadDashboard, .loadDashboard): return true
        case let (.recordLabel(x), .recordLabel(y)): return Self.same(x, y)
        case let (.claim(x, r), .claim(y, s)): return x == y && r == s
        case let (.releaseClaim(x), .releaseClaim(y)): return x == y
        case let (.claimNext(x), .claimNext(y)): return x == y
        case let (.locateCase(x, p), .locateCase(y, q)): return x == y && p == q
        case let (.generateRationale(x), .generateRationale(y)): return x == y
        case (.cancelRationale, .cancelRationale): return true
        case let (.recordFeedback(x), .recordFeedback(y)): return x == y
        default: return false
        }
    }

    /// Field-by-field equality of two drafts (`LabelDraft` itself is not `Equatable`).
    static func same(_ x: LabelDraft, _ y: LabelDraft) -> Bool {
        x.caseID == y.caseID && x.kind == y.kind && x.decision == y.decision && x.reasonCodes == y.reasonCodes
            && x.note == y.note && x.analyst == y.analyst && x.osUser == y.osUser && x.role == y.role
            && x.dwellMs == y.dwellMs && x.blind == y.blind && x.modelVersionsSeen == y.modelVersionsSeen
            && x.supersedes == y.supersedes && x.queuePolicy == y.queuePolicy
            && x.inclusionProbability == y.inclusionProbability && x.project == y.project
    }
}
