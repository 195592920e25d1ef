/// One row of the retraining export: a labelled case with its features, scores and current label.
public struct ExportRow: Sendable {
    public var caseID: String
    public var merchantID: String?
    public var policy: String
    /// The case's latest feature snapshot, in its own order. A store may hand the snapshot over
    /// as the JSON object text it keeps (``featuresJSON``); it is then parsed only when read here
    /// (the CSV writer needs the values, the JSON Lines writer copies the text).
    public var features: [(name: String, value: FeatureValue)] {
        get {
            switch snapshot {
            case .decoded(let f): return f
            case .json(let text, let decode): return decode(text)
            }
        }
        set { snapshot = .decoded(newValue) }
    }
    /// The snapshot as the JSON object text the store keeps, when that is how it came (nil when
    /// it came parsed): a writer may copy it into its output as is.
    public var featuresJSON: String? {
        if case .json(let text, _) = snapshot { return text }
        return nil
    }
    /// Every score the case carries, oldest first.
    public var scores: [ModelScore]
    /// The current label.
    public var label: LabelEvent
    /// Inverse inclusion probability (1.0 unless a sampling policy served the case).
    public var samplingWeight: Double
    /// Set on a withdrawal row of an increment (`export --since T`): ``label`` was undone or
    /// superseded at or after T, so a table keyed as the export documents drops its row. A
    /// withdrawal row carries no scores and no features.
    public var withdrawal: Withdrawal?

    private enum Snapshot: Sendable {
        case decoded([(name: String, value: FeatureValue)])
        case json(String, @Sendable (String) -> [(name: String, value: FeatureValue)])
    }
    private var snapshot: Snapshot

    public init(caseID: String, merchantID: String?, policy: String, features: [(name: String, value: FeatureValue)],
                scores: [ModelScore], label: LabelEvent, samplingWeight: Double) {
        self.caseID = caseID
        self.merchantID = merchantID
        self.policy = policy
        snapshot = .decoded(features)
        self.scores = scores
        self.label = label
        self.samplingWeight = samplingWeight
    }

    /// A row whose snapshot is the JSON object text `featuresJSON` (one `{"name": value, …}`
    /// object, as the store's writer made it), parsed by `decode` if ``features`` is read.
    public init(caseID: String, merchantID: String?, policy: String, featuresJSON: String,
                decode: @escaping @Sendable (String) -> [(name: String, value: FeatureValue)],
                scores: [ModelScore], label: LabelEvent, samplingWeight: Double) {
        self.caseID = caseID
        self.merchantID = merchantID
        self.policy = policy
        snapshot = .json(featuresJSON, decode)
        self.scores = scores
        self.label = label
        self.samplingWeight = samplingWeight
    }
}

/// When and by which event a label stopped being live (see ``ExportRow/withdrawal``).
public struct Withdrawal: Sendable, Equatable {
    /// The time of the event that undid or superseded it.
    public var at: Timestamp
    /// That event's id.
    public var byEvent: Int64

    public init(at: Timestamp, byEvent: Int64) {
        self.at = at
        self.byEvent = byEvent
    }
}

extension ExportRow {
    /// A withdrawal row: `label` (of case `caseID`) stopped being live with `withdrawal`.
    public static func withdrawn(caseID: String, merchantID: String?, policy: String, label: LabelEvent,
                                 withdrawal: Withdrawal) -> ExportRow {
        var row = ExportRow(caseID: caseID, merchantID: merchantID, policy: policy, features: [], scores: [], label: label,
                            samplingWeight: AuditSample.weight(inclusionProbability: label.inclusionProbability))
        row.withdrawal = withdrawal
        return row
    }
}

/// The column vocabulary of an export (see ``CaseStore/exportColumns()``).
public struct ExportColumns: Sendable, Equatable {
    /// (model, version) pairs, sorted.
    public var scores: [ModelVersion]
    /// Feature names, sorted.
    public var features: [String]

    public init(scores: [ModelVersion], features: [String]) {
        self.scores = scores
        self.features = features
    }
}

public struct ModelVersion: Sendable, Hashable, Comparable {
    public var model: String
    public var version: String

    public init(model: String, version: String) {
        self.model = model
        self.version = version
    }

    public static func < (a: ModelVersion, b: ModelVersion) -> Bool {
        (a.model, a.version) < (b.model, b.version)
    }
}
