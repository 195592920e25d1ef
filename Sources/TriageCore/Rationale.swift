import Foundation

/// LLM-written text explaining why a case may be a violation, with the evidence it cites.
public struct Rationale: Sendable, Equatable {
    /// The stored row's id (nil before it is stored): what feedback on it refers to.
    public var id: Int64?
    /// The LLM that wrote it, e.g. `"policy-llm"`.
    public var model: String
    /// The version of the prompt template that produced it, e.g. `"v7"`.
    public var promptVersion: String?
    public var text: String
    /// Ids of the case's ``Evidence`` items that the text cites.
    public var evidenceIDs: [String]
    /// When it was written, if known.
    public var createdAt: Timestamp?
    /// Where it came from.
    public var origin: RationaleOrigin
    /// For a generated rationale: how it was made (latency, tokens, who asked).
    public var generation: RationaleGeneration?

    public init(id: Int64? = nil, model: String, promptVersion: String? = nil, text: String, evidenceIDs: [String] = [],
                createdAt: Timestamp? = nil, origin: RationaleOrigin = .imported, generation: RationaleGeneration? = nil) {
        self.id = id
        self.model = model
        self.promptVersion = promptVersion
        self.text = text
        self.evidenceIDs = evidenceIDs
        self.createdAt = createdAt
        self.origin = origin
        self.generation = generation
    }
}

/// Where a rationale came from.
public enum RationaleOrigin: String, Sendable, Equatable, CaseIterable {
    /// Written upstream and imported with the case.
    case imported = "import"
    /// Asked for from triage (`triage rationale`, or the workbench's `G`).
    case generated
}

/// How a generated rationale was made: the evaluation data that goes with it.
public struct RationaleGeneration: Sendable, Equatable {
    /// Request start to last byte, in milliseconds.
    public var latencyMs: Int
    public var promptTokens: Int?
    public var completionTokens: Int?
    /// Who asked for it.
    public var requestedBy: String

    public init(latencyMs: Int, promptTokens: Int? = nil, completionTokens: Int? = nil, requestedBy: String) {
        self.latencyMs = latencyMs
        self.promptTokens = promptTokens
        self.completionTokens = completionTokens
        self.requestedBy = requestedBy
    }
}

/// What a rationale's citations say about it, checked against its case's evidence.
public struct CitationCheck: Sendable, Equatable {
    /// Cited ids that are among the case's evidence.
    public var valid: [String]
    /// Cited ids that the case has no evidence for: the model made them up.
    public var invented: [String]

    /// True when the rationale cites nothing at all (an unsupported claim).
    public var citesNothing: Bool { valid.isEmpty && invented.isEmpty }

    public init(cited: [String], evidence: [Evidence]) {
        let known = Set(evidence.map(\.id))
        var seen = Set<String>()
        let unique = cited.filter { seen.insert($0).inserted }
        valid = unique.filter { known.contains($0) }
        invented = unique.filter { !known.contains($0) }
    }

    /// The evidence ids a text cites as `[id]` (or `[id1, id2]`), in order of first mention.
    /// Ids are 1–64 characters of letters, digits, `_ - . :`.
    public static func citations(in text: String) -> [String] {
        var out: [String] = []
        var seen = Set<String>()
        var rest = text[...]
        while let open = rest.firstIndex(of: "[") {
            let after = rest[rest.index(after: open)...]
            guard let close = after.firstIndex(of: "]") else { break }
            let inside = after[..<close]
            let parts = inside.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }
            if !parts.isEmpty, parts.allSatisfy(isID) {
                for p in parts where seen.insert(p).inserted { out.append(p) }
            }
            rest = after[after.index(after: close)...]
        }
        return out
    }

    private static func isID(_ s: String) -> Bool {
        (1...64).contains(s.count) && s.unicodeScalars.allSatisfy {
            ($0.properties.isAlphabetic && $0.isASCII) || ("0"..."9").contains($0) || "_-.:".unicodeScalars.contains($0)
        }
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
