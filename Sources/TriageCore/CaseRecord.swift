/// Everything one line of an import file says about a case: the unit the importer validates and
/// the store writes. Field names follow the JSON Lines import format.
public struct CaseRecord: Sendable, Equatable {
    public var caseID: String
    /// The policy area; the importer's default policy when the line has none.
    public var policy: String?
    public var flaggedAt: Timestamp?
    public var merchant: Merchant
    public var scores: [ModelScore]
    public var attributions: [Attribution]
    public var rationales: [Rationale]
    public var evidence: [Evidence]
    /// The feature snapshot the model saw, in the order the file gave it.
    public var features: [(name: String, value: FeatureValue)]
    public var goldLabel: String?

    public init(caseID: String, policy: String? = nil, flaggedAt: Timestamp? = nil, merchant: Merchant,
                scores: [ModelScore], attributions: [Attribution] = [], rationales: [Rationale] = [],
                evidence: [Evidence] = [], features: [(name: String, value: FeatureValue)] = [],
                goldLabel: String? = nil) {
        self.caseID = caseID
        self.policy = policy
        self.flaggedAt = flaggedAt
        self.merchant = merchant
        self.scores = scores
        self.attributions = attributions
        self.rationales = rationales
        self.evidence = evidence
        self.features = features
        self.goldLabel = goldLabel
    }

    public static func == (a: CaseRecord, b: CaseRecord) -> Bool {
        a.caseID == b.caseID && a.policy == b.policy && a.flaggedAt == b.flaggedAt && a.merchant == b.merchant
            && a.scores == b.scores && a.attributions == b.attributions && a.rationales == b.rationales
            && a.evidence == b.evidence && a.goldLabel == b.goldLabel
            && a.features.map(\.name) == b.features.map(\.name) && a.features.map(\.value) == b.features.map(\.value)
    }

    /// The headline score that orders the queue: the highest among each model's latest score
    /// (for a model listed with several versions, the last one listed is its latest).
    public var headlineScore: ModelScore? { ModelScore.headline(of: scores) }
}
