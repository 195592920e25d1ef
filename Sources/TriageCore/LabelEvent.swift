/// The roles people hold. The role decides which screens and actions a person has.
public enum Role: String, Sendable, CaseIterable, Codable {
    /// Triages the queue: decides cases quickly with reason codes.
    case analyst
    /// Produces ground truth, blind to the model where asked.
    case labeler
    /// Watches queue health and model quality, settles disagreements, edits the taxonomy.
    case lead
}

extension Role {
    /// Whether a person who holds this role may work in `other`: a lead in any role, an analyst
    /// as an analyst or a labeler, a labeler only as a labeler.
    public func mayWorkAs(_ other: Role) -> Bool {
        switch self {
        case .lead: return true
        case .analyst: return other != .lead
        case .labeler: return other == .labeler
        }
    }

    /// The role of someone the database does not list: people work as analysts until a lead
    /// registers them (`triage users add`).
    public static let unregistered: Role = .analyst

    /// Why `person`, who holds `held` (nil: not registered), may not work as `acting`; nil when
    /// they may.
    public static func refusal(person: String, holds held: Role?, actingAs acting: Role) -> String? {
        let role = held ?? unregistered
        guard !role.mayWorkAs(acting) else { return nil }
        let who = held == nil ? "\(person) is not registered (so works as an analyst)" : "\(person) is a \(role.rawValue)"
        return "\(who) and cannot work in the \(acting.rawValue) role; a lead can change that with `triage users add \(person) --role \(acting.rawValue)`"
    }
}

/// What kind of change a label event records.
public enum LabelEventKind: String, Sendable, CaseIterable, Codable {
    /// A person's decision on a case.
    case label
    /// Withdraws an earlier event (the one it supersedes); the case returns to the queue.
    case undo
    /// A lead's final decision on a case whose labels disagree.
    case adjudication
}

/// One entry of the append-only label log. Corrections and undo are new events that supersede
/// earlier ones; nothing is ever updated or deleted.
public struct LabelEvent: Sendable, Equatable {
    /// The store's id for the event (increasing in commit order); nil before it is stored.
    public var id: Int64?
    public var caseID: String
    public var kind: LabelEventKind
    /// The decision key (nil for an undo).
    public var decision: String?
    public var reasonCodes: [String]
    public var note: String?
    /// Who: the analyst's name in triage…
    public var analyst: String
    /// …and the operating-system user who ran the program.
    public var osUser: String
    /// The role in force when the event was made.
    public var role: Role
    public var createdAt: Timestamp
    /// How long the case was on screen before the decision, in milliseconds.
    public var dwellMs: Int64?
    /// Whether model scores, attributions and rationales were hidden when deciding.
    public var blind: Bool
    /// The model versions shown, e.g. `["supportability-xgb@2026-11-01"]`.
    public var modelVersionsSeen: [String]
    /// The id of the event this one supersedes (a correction or undo), if any.
    public var supersedes: Int64?
    /// The queue policy that served the case (score, oldest, uncertainty, audit…).
    public var queuePolicy: String?
    /// The probability with which a sampling policy included the case (nil for non-sampled queues).
    public var inclusionProbability: Double?
    /// The version of triage that recorded the event.
    public var appVersion: String
    /// The labelling project the event belongs to; nil for the analyst queue's decisions (the
    /// case's own label track).
    public var project: String?

    public init(id: Int64? = nil, caseID: String, kind: LabelEventKind = .label, decision: String?,
                reasonCodes: [String] = [], note: String? = nil, analyst: String, osUser: String,
                role: Role, createdAt: Timestamp, dwellMs: Int64? = nil, blind: Bool = false,
                modelVersionsSeen: [String] = [], supersedes: Int64? = nil, queuePolicy: String? = nil,
                inclusionProbability: Double? = nil, appVersion: String, project: String? = nil) {
        self.id = id
        self.caseID = caseID
        self.kind = kind
        self.decision = decision
        self.reasonCodes = reasonCodes
        self.note = note
        self.analyst = analyst
        self.osUser = osUser
        self.role = role
        self.createdAt = createdAt
        self.dwellMs = dwellMs
        self.blind = blind
        self.modelVersionsSeen = modelVersionsSeen
        self.supersedes = supersedes
        self.queuePolicy = queuePolicy
        self.inclusionProbability = inclusionProbability
        self.appVersion = appVersion
        self.project = project
    }
}

/// The current label of a case, derived from its events: the latest event that no later event
/// supersedes, unless it is an undo. Only the case's own track counts (events outside any
/// labelling project): project labels are ground truth gathered beside it, see ``ProjectLabel``.
public enum CurrentLabel {
    /// Folds a case's events (in any order) into its current label event, or nil when the case
    /// has none (never labelled, or the last label was undone).
    public static func of(_ events: [LabelEvent]) -> LabelEvent? {
        let track = events.filter { $0.project == nil }
        let superseded = Set(track.compactMap(\.supersedes))
        let live = track.filter { e in e.id.map { !superseded.contains($0) } ?? true }
        guard let last = live.max(by: { ($0.id ?? 0) < ($1.id ?? 0) }) else { return nil }
        return last.kind == .undo ? nil : last
    }

    /// A case's live events in `project` (labels and adjudications no later event supersedes),
    /// oldest first: each labeler's current label, and the current adjudication.
    public static func live(_ events: [LabelEvent], project: String) -> [LabelEvent] {
        let track = events.filter { $0.project == project }
        let superseded = Set(track.compactMap(\.supersedes))
        return track.filter { e in e.kind != .undo && !(e.id.map(superseded.contains) ?? false) }
            .sorted { ($0.id ?? 0) < ($1.id ?? 0) }
    }
}

/// The version of triage, recorded on every label event.
public enum TriageVersion {
    public static let current = "0.1.0"
}
