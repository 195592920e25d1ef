/// One row of the retraining export: a labelled case with its features, scores and current label.
public struct ExportRow: Sendable {
    public var caseID: String
    public var merchantID: String?
    public var policy: String
    public var features: [(name: String, value: FeatureValue)]
    /// Every score the case carries, oldest first.
    public var scores: [ModelScore]
    /// The current label.
    public var label: LabelEvent
    /// Inverse inclusion probability (1.0 unless a sampling policy served the case).
    public var samplingWeight: Double

    public init(caseID: String, merchantID: String?, policy: String, features: [(name: String, value: FeatureValue)],
                scores: [ModelScore], label: LabelEvent, samplingWeight: Double) {
        self.caseID = caseID
        self.merchantID = merchantID
        self.policy = policy
        self.features = features
        self.scores = scores
        self.label = label
        self.samplingWeight = samplingWeight
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
