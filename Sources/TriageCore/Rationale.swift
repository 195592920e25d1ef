/// LLM-written text explaining why a case may be a violation, with the evidence it cites.
public struct Rationale: Sendable, Equatable {
    /// The LLM that wrote it, e.g. `"policy-llm"`.
    public var model: String
    /// The version of the prompt template that produced it, e.g. `"v7"`.
    public var promptVersion: String?
    public var text: String
    /// Ids of the case's ``Evidence`` items that the text cites.
    public var evidenceIDs: [String]
    /// When it was written, if known.
    public var createdAt: Timestamp?

    public init(model: String, promptVersion: String? = nil, text: String, evidenceIDs: [String] = [],
                createdAt: Timestamp? = nil) {
        self.model = model
        self.promptVersion = promptVersion
        self.text = text
        self.evidenceIDs = evidenceIDs
        self.createdAt = createdAt
    }
}

/// A piece of evidence about a merchant (a page of its website, a transaction pattern, a document).
public struct Evidence: Sendable, Equatable {
    /// Unique within its case, e.g. `"e1"`.
    public var id: String
    /// What kind of evidence: `website`, `transactions`, `documents`, `reviews`…
    public var kind: String?
    /// Where it came from (usually a URL).
    public var source: String?
    public var text: String?

    public init(id: String, kind: String? = nil, source: String? = nil, text: String? = nil) {
        self.id = id
        self.kind = kind
        self.source = source
        self.text = text
    }
}
