import TriageCore

/// A label someone wants to record; the store stamps the id and time.
public struct LabelDraft: Sendable {
    public var caseID: String
    public var kind: LabelEventKind
    public var decision: String?
    public var reasonCodes: [String]
    public var note: String?
    public var analyst: String
    public var osUser: String
    public var role: Role
    public var dwellMs: Int64?
    public var blind: Bool
    public var modelVersionsSeen: [String]
    /// The event this one replaces: required to correct or undo a case's current label, and must
    /// then be that label's id (so two people cannot silently overwrite each other).
    public var supersedes: Int64?
    public var queuePolicy: String?
    public var inclusionProbability: Double?
    /// The labelling project the label belongs to (nil: the case's own track, the analyst
    /// queue). In a project the store fills in ``queuePolicy`` and ``inclusionProbability`` from
    /// the project when they are nil.
    public var project: String?

    public init(caseID: String, kind: LabelEventKind = .label, decision: String?, reasonCodes: [String] = [],
                note: String? = nil, analyst: String, osUser: String, role: Role = .analyst, dwellMs: Int64? = nil,
                blind: Bool = false, modelVersionsSeen: [String] = [], supersedes: Int64? = nil,
                queuePolicy: String? = nil, inclusionProbability: Double? = nil, project: String? = nil) {
        self.caseID = caseID
        self.kind = kind
        self.decision = decision
        self.reasonCodes = reasonCodes
        self.note = note
        self.analyst = analyst
        self.osUser = osUser
        self.role = role
        self.dwellMs = dwellMs
        self.blind = blind
        self.modelVersionsSeen = modelVersionsSeen
        self.supersedes = supersedes
        self.queuePolicy = queuePolicy
        self.inclusionProbability = inclusionProbability
        self.project = project
    }

    /// Every check a store makes before it appends this draft to a case's log, in order: the
    /// taxonomy (for a case in `policy`), the person's role (`held`: their registered role), and,
    /// in the analyst queue (no project), that it is no adjudication, not a labeler's, and that it
    /// supersedes exactly the case's `current` label (never an overwrite). nil when it may go in;
    /// a project's own rules are the store's.
    public func refusal(taxonomy: Taxonomy, policy: String, held: Role?, current: Int64?) -> StoreError? {
        let problems = problems(taxonomy: taxonomy, policy: policy)
        guard problems.isEmpty else { return .invalidLabel(caseID: caseID, problems: problems) }
        if let why = Role.refusal(person: analyst, holds: held, actingAs: role) { return .notAllowed(why) }
        guard project == nil else { return nil }
        guard kind != .adjudication else {
            return .refused("an adjudication settles a labelling project's case: give its project")
        }
        guard role != .labeler else {
            return .notAllowed("labelers label in a labelling project (see `triage project list`), not in the analyst queue")
        }
        guard supersedes == current else { return .labelConflict(caseID: caseID, current: current, expected: supersedes) }
        return nil
    }

    /// Checks the draft against the taxonomy for a case in `policy`. Returns the problems found.
    public func problems(taxonomy: Taxonomy, policy: String) -> [String] {
        var out: [String] = []
        switch kind {
        case .undo:
            if decision != nil { out.append("an undo carries no decision") }
            if supersedes == nil { out.append("an undo must name the event it undoes") }
        case .label, .adjudication:
            guard let key = decision else { out.append("a label needs a decision"); break }
            guard taxonomy.decision(key) != nil else {
                out.append("unknown decision '\(key)' (known: \(taxonomy.decisions.map(\.key).joined(separator: ", ")))")
                break
            }
            let allowed = Set(taxonomy.reasons(policy: policy, decision: key).map(\.code))
            for code in reasonCodes where !allowed.contains(code) {
                out.append("reason '\(code)' is not a reason for '\(key)' in policy '\(policy)' (allowed: \(allowed.sorted().joined(separator: ", ")))")
            }
            if Set(reasonCodes).count != reasonCodes.count { out.append("a reason code is given twice") }
        }
        if note?.utf8.contains(0) == true { out.append("the note contains a NUL character (U+0000), which cannot be stored") }
        if let p = inclusionProbability, !(p > 0 && p <= 1) { out.append("inclusion probability must be in (0, 1]") }
        return out
    }
}


/// Everything recorded about one case, for `triage audit`.
public struct CaseAudit: Sendable {
    /// The case, its scores, evidence and every label event, oldest first.
    public var detail: CaseDetail
    /// The imports that brought the case or changed it (a score, evidence, a feature snapshot),
    /// oldest first.
    public var imports: [ImportBatch]
    /// Leases held on the case now: in the analyst queue (project nil) or in a labelling project.
    public var claims: [Claim]

    /// A lease on a case.
    public struct Claim: Sendable, Equatable {
        public var project: String?
        public var holder: String
        public var claimedAt: Timestamp
        public var leaseUntil: Timestamp

        public init(project: String?, holder: String, claimedAt: Timestamp, leaseUntil: Timestamp) {
            self.project = project
            self.holder = holder
            self.claimedAt = claimedAt
            self.leaseUntil = leaseUntil
        }
    }

    public init(detail: CaseDetail, imports: [ImportBatch], claims: [Claim]) {
        self.detail = detail
        self.imports = imports
        self.claims = claims
    }
}
