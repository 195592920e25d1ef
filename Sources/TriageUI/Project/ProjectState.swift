import TriageCore
import TriageStore

/// Everything a project screen shows, as a value: ``ProjectScreen/update(_:_:)`` changes it and
/// ``ProjectScreen/render(_:)`` draws it. One state serves both flavours: labelling (one case at a
/// time, blind when the project says so) and adjudication (a lead's queue of disagreements).
public struct ProjectState: Sendable {
    /// Where a labeler is with the case on screen.
    public enum Phase: Sendable, Equatable {
        /// Waiting for the project, a claim or the case's detail.
        case loading
        /// The case is shown for a decision (model output hidden when the project is blind).
        case deciding
        /// A label was saved: the same case, model output shown, until `n` or `z`.
        case revealed(SessionLabel)
        /// Nothing left to label.
        case empty
    }

    /// The database as shown in the header.
    public var databaseName: String
    /// Who is working.
    public var person: String
    /// The OS user recorded on labels.
    public var osUser: String
    /// `.labeler` or `.lead` (anything but `.lead` labels).
    public var role: Role
    /// The project's name.
    public var projectName: String
    /// Claim lease, seconds.
    public var lease: Double
    /// When the claim on the case being decided was last taken or renewed (a tick renews it once
    /// half its lease has gone).
    public var claimedAt: Timestamp?
    /// The store's data version when last read: a change means someone committed (new labels
    /// for the lead's queue, progress for the labeler's header).
    public var dataVersion: Int64?
    /// The last data-version check could not reach the database.
    public var databaseUnreachable = false
    /// The terminal's size.
    public var size: TerminalSize
    /// The time ages are measured against.
    public var now: Timestamp
    /// The bindings (hints and help overlay).
    public var keymap: Keymap
    /// The colour theme.
    public var theme: Theme = .dark

    /// The taxonomy, once loaded.
    public var taxonomy: Taxonomy?
    /// The project's settings, once loaded.
    public var project: Project?
    /// The labeler's progress, for the header.
    public var progress: ProjectProgress?
    /// The case on screen: the labeler's claim, or the lead's selected case.
    public var caseID: String?
    /// The detail of the case on screen (may briefly belong to the previous case).
    public var detail: CaseDetail?
    /// First detail line shown.
    public var detailScroll = 0
    /// Labelling: where the labeler is.
    public var phase: Phase = .loading
    /// Labelling: whether model output was shown for the case on screen (after a reveal it stays
    /// shown, so a relabel is not blind).
    public var modelRevealed = false
    /// Labelling: the decision of the label just saved (for the reveal line).
    public var revealedDecision: String?
    /// Labelling: cases skipped in this session (never served again in it).
    public var skipped: Set<String> = []
    /// Adjudication: every live label of the project.
    public var labels: [ProjectLabel] = []
    /// Adjudication: the cases to settle, least sure first (nil until loaded).
    public var queue: [CaseConsensus]?
    /// Adjudication: the selected index in ``queue``.
    public var selection = 0
    /// Merchant names of cases whose detail was loaded (for the queue list).
    public var names: [String: String] = [:]
    /// The label being made, if any.
    public var labelFlow: LabelFlow?
    /// The status-bar message, until the next key.
    public var status: StatusMessage?
    /// Whether the `?` overlay is shown.
    public var helpVisible = false
    /// Set once the person asked to leave.
    public var quitRequested = false

    /// A state with nothing loaded (see ``ProjectScreen/start(_:)``).
    public init(options: ProjectOptions, size: TerminalSize, now: Timestamp) {
        databaseName = options.databaseName
        person = options.person
        osUser = options.osUser
        role = options.role
        projectName = options.project
        lease = options.lease
        self.size = size
        self.now = now
        keymap = options.role == .lead ? .adjudication : .labelling
        theme = options.monochrome ? .monochrome : options.theme
    }

    /// Whether this is the lead's adjudication screen.
    public var isAdjudication: Bool { role == .lead }

    /// Whether model output is hidden right now (a blind project, before the reveal).
    public var hidesModel: Bool {
        guard !isAdjudication else { return false }
        if case .revealed = phase { return false }
        return (project?.blind ?? true) && !modelRevealed
    }

    /// The detail of the case on screen, when it has arrived.
    public var shownDetail: CaseDetail? {
        guard let d = detail, d.case.caseID == caseID else { return nil }
        return d
    }

    /// Adjudication: the selected case's consensus.
    public var selectedConsensus: CaseConsensus? {
        guard let q = queue, q.indices.contains(selection) else { return nil }
        return q[selection]
    }

    /// What the detail pane shows.
    public var detailOptions: DetailOptions {
        DetailOptions(showModel: !hidesModel, showLabels: false, showFeatures: true, showStatus: isAdjudication)
    }
}
