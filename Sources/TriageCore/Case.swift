/// A flagged merchant awaiting a decision: the unit of work in triage.
///
/// A case is identified outside triage by ``caseID`` (the id the scoring job gave it); it belongs to
/// one policy area (its queue), carries one or more model scores, and moves through ``CaseStatus``
/// as people label it.
public struct MerchantCase: Sendable, Equatable {
    /// The external, unique case id, e.g. `"c_1"`.
    public var caseID: String
    /// The policy area (queue) the case belongs to, e.g. `"gambling"`.
    public var policy: String
    /// When the model flagged the merchant.
    public var flaggedAt: Timestamp?
    public var merchant: Merchant
    public var status: CaseStatus
    /// The label the case is known to deserve (gold cases check labelers), or nil.
    public var goldLabel: String?

    public init(caseID: String, policy: String, flaggedAt: Timestamp?, merchant: Merchant,
                status: CaseStatus = .open, goldLabel: String? = nil) {
        self.caseID = caseID
        self.policy = policy
        self.flaggedAt = flaggedAt
        self.merchant = merchant
        self.status = status
        self.goldLabel = goldLabel
    }
}

/// The merchant a case is about. Every text field is untrusted (it comes from the open internet).
public struct Merchant: Sendable, Equatable {
    public var id: String?
    public var name: String
    /// ISO 3166-1 alpha-2 country code, e.g. `"CA"`.
    public var country: String?
    /// Merchant category code (four digits, ISO 18245), e.g. `"7995"`.
    public var mcc: String?
    public var url: String?
    public var description: String?

    public init(id: String? = nil, name: String, country: String? = nil, mcc: String? = nil,
                url: String? = nil, description: String? = nil) {
        self.id = id
        self.name = name
        self.country = country
        self.mcc = mcc
        self.url = url
        self.description = description
    }
}

/// Where a case stands. The status follows from the case's current label:
/// no label (or an undone one) is `open`; a final decision is `decided`; a decision that needs
/// someone else (unsure, escalate) is `escalated`.
public enum CaseStatus: String, Sendable, CaseIterable, Codable {
    case open
    case decided
    case escalated
}
