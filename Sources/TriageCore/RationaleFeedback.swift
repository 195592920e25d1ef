/// An analyst's judgement of a rationale they used: evaluation data for the LLM system.
///
/// Feedback is append-only, like labels: rating the same rationale again adds a row, and the
/// newest row per (rationale, analyst) is that analyst's current opinion.
public struct RationaleFeedback: Sendable, Equatable {
    /// The stored row's id (nil before it is stored).
    public var id: Int64?
    /// The rationale judged (``Rationale/id``).
    public var rationaleID: Int64
    public var helpful: Bool
    /// Why (``RationaleFeedbackTag`` keys); may be empty.
    public var tags: [RationaleFeedbackTag]
    public var note: String?
    public var analyst: String
    public var osUser: String
    public var createdAt: Timestamp

    public init(id: Int64? = nil, rationaleID: Int64, helpful: Bool, tags: [RationaleFeedbackTag] = [], note: String? = nil,
                analyst: String, osUser: String, createdAt: Timestamp) {
        self.id = id
        self.rationaleID = rationaleID
        self.helpful = helpful
        self.tags = tags
        self.note = note
        self.analyst = analyst
        self.osUser = osUser
        self.createdAt = createdAt
    }
}

/// Why a rationale was (not) helpful: a fixed vocabulary, so prompt versions can be compared.
public enum RationaleFeedbackTag: String, Sendable, Equatable, CaseIterable {
    case hallucinatedEvidence = "hallucinated_evidence"
    case wrongPolicy = "wrong_policy"
    case tooVague = "too_vague"
    case wrongFacts = "wrong_facts"
    case missedEvidence = "missed_evidence"
    case wellSupported = "well_supported"
    case other

    /// The words on screen and in `--help`.
    public var title: String {
        switch self {
        case .hallucinatedEvidence: return "hallucinated evidence"
        case .wrongPolicy: return "wrong policy"
        case .tooVague: return "too vague"
        case .wrongFacts: return "wrong facts"
        case .missedEvidence: return "missed key evidence"
        case .wellSupported: return "well supported"
        case .other: return "other"
        }
    }
}
