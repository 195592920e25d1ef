import TriageCore

/// What a person may see of a case in the role in force, applied the same way by every command
/// and screen (on PostgreSQL the database applies it too, for labelers: ``PGSchema``).
///
/// A labeler produces independent ground truth, so outside their own work they see:
///
/// - no model output (scores, attributions, rationales) of a case in the policy area of a blind
///   project until they have labelled the case (after that, the labelling screen reveals it
///   anyway). The whole area, not only the cases a project drew: otherwise the model output
///   shown or not would tell the project's gold cases (served from the whole area) from the rest;
/// - no one else's label events, and not the case's status or current label in the analyst
///   queue (which are other people's decisions);
/// - never a gold label.
///
/// Analysts and leads see everything. Evidence and the feature snapshot are the case's facts,
/// not model output: everyone sees them.
///
/// ```swift
/// let d = Disclosure(viewer: "lou", role: .labeler, projects: try store.projects().map(\.project))
/// let shown = d.apply(to: detail)   // lou's own events only, no gold label, no scores if blind
/// ```
public struct Disclosure: Sendable, Equatable {
    public let viewer: String
    public let role: Role
    /// The labelling projects (their blindness and policy areas decide what a labeler sees).
    public let projects: [Project]

    public init(viewer: String, role: Role, projects: [Project]) {
        self.viewer = viewer
        self.role = role
        self.projects = projects
    }

    /// Sees everything (analysts and leads).
    public var isUnrestricted: Bool { role != .labeler }

    /// Whether the case's model output may be shown: always outside the labeler role; for a
    /// labeler, once they have labelled the case, or when no blind project covers its policy area.
    public func showsModel(_ detail: CaseDetail) -> Bool {
        guard !isUnrestricted else { return true }
        if detail.labels.contains(where: { $0.analyst == viewer && $0.kind == .label }) { return true }
        return !projects.contains { $0.blind && ($0.policy == nil || $0.policy == detail.case.policy) }
    }

    /// Whether the case's gold label, status and current label in the analyst queue may be shown.
    public var showsOthersDecisions: Bool { isUnrestricted }

    /// The label events the viewer may see: all of them, or (a labeler) their own.
    public func events(_ events: [LabelEvent]) -> [LabelEvent] {
        isUnrestricted ? events : events.filter { $0.analyst == viewer }
    }

    /// `detail` with what the viewer may not see taken out: model output, other people's events,
    /// the gold label. (The status is for the caller to leave unsaid: see ``showsOthersDecisions``.)
    public func apply(to detail: CaseDetail) -> CaseDetail {
        guard !isUnrestricted else { return detail }
        var d = detail
        if !showsModel(detail) {
            d.scores = []
            d.attributions = []
            d.rationales = []
        }
        d.labels = events(detail.labels)
        d.case.goldLabel = nil
        return d
    }

    /// `audit` with what the viewer may not see taken out (as for its detail), and only the
    /// viewer's own claims.
    public func apply(to audit: CaseAudit) -> CaseAudit {
        guard !isUnrestricted else { return audit }
        var a = audit
        a.detail = apply(to: audit.detail)
        a.claims = audit.claims.filter { $0.holder == viewer }
        return a
    }

    /// The refusal (for ``StoreError/notAllowed(_:)``) of a command that shows other people's
    /// decisions, model output across cases or gold labels (`stats`, `export`, `suspects`,
    /// `report`, `agreement`, `rationale`, `feedback`), for a labeler; nil for everyone else.
    public static func refusalOfOverview(_ what: String, person: String, role: Role) -> String? {
        guard role == .labeler else { return nil }
        return "\(person) works as a labeler, and \(what) shows other people's decisions, model output or gold labels: "
            + "a labeler sees their own work only (`triage project list` shows a project's progress); ask a lead"
    }
}
