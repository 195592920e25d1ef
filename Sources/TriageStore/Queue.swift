import TriageCore

/// The order a queue is served in.
public enum QueueSort: String, Sendable, CaseIterable {
    /// Highest headline score first.
    case score
    /// Oldest flagged first (SLA).
    case age
    /// Closest to the model's threshold first (active learning).
    case uncertainty

    /// Whether the queue runs down its key (highest first); the row id breaks ties in the same
    /// direction. Every backend pages on (key, row id) this way.
    public var descending: Bool { self == .score }
}

/// Which cases a queue shows and in what order.
public struct QueueQuery: Sendable, Equatable {
    public var policy: String?
    /// nil shows every status.
    public var status: CaseStatus?
    public var country: String?
    /// Inclusive bounds on the headline score.
    public var minScore: Double?
    public var maxScore: Double?
    public var sort: QueueSort
    /// Full-text search over merchant name, description, rationale and evidence, as the analyst
    /// typed it (the store makes a safe query of it); nil or blank: no search.
    public var search: String?
    /// Only cases scored by this model version, `model@version` (e.g. `supportability-xgb@2026-11-01`).
    public var modelVersion: String?

    public init(policy: String? = nil, status: CaseStatus? = .open, country: String? = nil,
                minScore: Double? = nil, maxScore: Double? = nil, sort: QueueSort = .score, search: String? = nil,
                modelVersion: String? = nil) {
        self.policy = policy
        self.status = status
        self.country = country
        self.minScore = minScore
        self.maxScore = maxScore
        self.sort = sort
        self.search = search
        self.modelVersion = modelVersion
    }
}

/// Where a page ended: the sort key and the store's row id of its last row.
public struct QueueCursor: Sendable, Equatable {
    public var key: Double
    public var rowID: Int64

    public init(key: Double, rowID: Int64) {
        self.key = key
        self.rowID = rowID
    }
}

/// One row of the queue list.
public struct QueueRow: Sendable, Equatable {
    public var rowID: Int64
    public var caseID: String
    public var policy: String
    public var merchantName: String
    public var country: String?
    /// The headline score (see ``ModelScore/headline(of:)``) and its threshold.
    public var score: Double
    public var threshold: Double?
    public var flaggedAt: Timestamp?
    public var status: CaseStatus
    /// Who holds a live lease on the case, if anyone.
    public var assignee: String?

    public init(rowID: Int64, caseID: String, policy: String, merchantName: String, country: String?,
                score: Double, threshold: Double?, flaggedAt: Timestamp?, status: CaseStatus, assignee: String?) {
        self.rowID = rowID
        self.caseID = caseID
        self.policy = policy
        self.merchantName = merchantName
        self.country = country
        self.score = score
        self.threshold = threshold
        self.flaggedAt = flaggedAt
        self.status = status
        self.assignee = assignee
    }

    /// The cursor that continues a page after this row, in `sort` order.
    public func cursor(for sort: QueueSort) -> QueueCursor {
        switch sort {
        case .score: return QueueCursor(key: score, rowID: rowID)
        case .age: return QueueCursor(key: Double(flaggedAt?.milliseconds ?? Int64.max), rowID: rowID)
        case .uncertainty: return QueueCursor(key: abs(score - (threshold ?? 0.5)), rowID: rowID)
        }
    }
}

/// Everything the detail pane shows about one case.
public struct CaseDetail: Sendable {
    public var `case`: MerchantCase
    /// Every score, oldest first (history across model versions).
    public var scores: [ModelScore]
    public var attributions: [Attribution]
    public var rationales: [Rationale]
    public var evidence: [Evidence]
    /// The latest feature snapshot.
    public var features: [(name: String, value: FeatureValue)]
    /// Label events, oldest first.
    public var labels: [LabelEvent]

    public init(case c: MerchantCase, scores: [ModelScore], attributions: [Attribution], rationales: [Rationale],
                evidence: [Evidence], features: [(name: String, value: FeatureValue)], labels: [LabelEvent]) {
        self.case = c
        self.scores = scores
        self.attributions = attributions
        self.rationales = rationales
        self.evidence = evidence
        self.features = features
        self.labels = labels
    }

    /// The current label (nil when open).
    public var currentLabel: LabelEvent? { CurrentLabel.of(labels) }
}

/// Counts for `triage stats`.
public struct StoreStats: Sendable, Equatable {
    /// Cases per (policy, status).
    public var cases: [PolicyStatusCount]
    public var labelEvents: Int
    public var imports: Int
    public var lastImport: Timestamp?
    /// Imports that stopped before the end of their input (killed, or the file changed), oldest
    /// first: what they stored stays; importing the same input again resumes them.
    public var unfinishedImports: [ImportBatch]

    public init(cases: [PolicyStatusCount], labelEvents: Int, imports: Int, lastImport: Timestamp?,
                unfinishedImports: [ImportBatch] = []) {
        self.cases = cases
        self.labelEvents = labelEvents
        self.imports = imports
        self.lastImport = lastImport
        self.unfinishedImports = unfinishedImports
    }

    public var totalCases: Int { cases.reduce(0) { $0 + $1.count } }
}

public struct PolicyStatusCount: Sendable, Equatable {
    public var policy: String
    public var status: CaseStatus
    public var count: Int

    public init(policy: String, status: CaseStatus, count: Int) {
        self.policy = policy
        self.status = status
        self.count = count
    }
}
