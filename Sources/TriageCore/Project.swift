/// How a queue chooses the next case to serve. Recorded on every label event it served
/// (`queue_policy`), so a label can be weighed by how its case was chosen.
public enum QueuePolicy: String, Sendable, CaseIterable, Codable {
    /// Highest headline score first: triage.
    case score
    /// Oldest flagged first: the service-level order.
    case age
    /// Closest to the model's threshold first: active learning.
    case uncertainty
    /// A random audit sample, each case drawn with a recorded inclusion probability, served in
    /// random order: unbiased estimates of precision (weight each label by 1/probability).
    case audit
}

/// A labelling project: a set of cases to be labelled by `overlap` different labelers each, to
/// produce ground truth whose agreement can be measured.
public struct Project: Sendable, Equatable {
    /// The project's name (letters, digits, `_`, `-`, `.`), unique in the database.
    public var name: String
    /// The policy area its cases come from; nil: every policy area.
    public var policy: String?
    /// How many independent labels, from different labelers, each case needs (k).
    public var overlap: Int
    /// Whether labelers decide without seeing model scores, attributions and rationales.
    public var blind: Bool
    /// The share of cases served to each labeler that are gold cases (known answer), 0..<1.
    public var goldRate: Double
    /// The order cases are served in (and, for `audit`, how they were drawn).
    public var queuePolicy: QueuePolicy
    /// For an audit sample: the probability with which each eligible case was drawn.
    public var sampleRate: Double?
    /// Who created it, and when.
    public var createdBy: String
    public var createdAt: Timestamp

    public init(name: String, policy: String? = nil, overlap: Int = 2, blind: Bool = true, goldRate: Double = 0,
                queuePolicy: QueuePolicy = .score, sampleRate: Double? = nil, createdBy: String,
                createdAt: Timestamp) {
        self.name = name
        self.policy = policy
        self.overlap = overlap
        self.blind = blind
        self.goldRate = goldRate
        self.queuePolicy = queuePolicy
        self.sampleRate = sampleRate
        self.createdBy = createdBy
        self.createdAt = createdAt
    }

    /// The largest overlap a project may ask for.
    public static let maximumOverlap = 20

    /// Problems that make the settings unusable (empty when they are fine).
    public func problems() -> [String] {
        var out: [String] = []
        if !Project.isValidName(name) {
            out.append("project name '\(name)' must be 1–64 letters, digits, '_', '-' or '.'")
        }
        if !(1...Project.maximumOverlap).contains(overlap) {
            out.append("overlap must be 1 to \(Project.maximumOverlap) labels per case (got \(overlap))")
        }
        if !(goldRate >= 0 && goldRate < 1) { out.append("gold rate must be at least 0 and below 1 (got \(goldRate))") }
        if queuePolicy == .audit {
            if let r = sampleRate, !(r > 0 && r <= 1) {
                out.append("sample rate must be above 0 and at most 1 (got \(r))")
            } else if sampleRate == nil {
                out.append("an audit sample needs a sample rate (the probability of drawing each case)")
            }
        } else if sampleRate != nil {
            out.append("a sample rate only applies to an audit project (queue policy audit)")
        }
        return out
    }

    /// Whether `name` can name a project: 1–64 ASCII letters, digits, `_`, `-` or `.`.
    public static func isValidName(_ name: String) -> Bool {
        !name.isEmpty && name.utf8.count <= 64 && name.utf8.allSatisfy { b in
            (b >= 0x30 && b <= 0x39) || (b >= 0x41 && b <= 0x5A) || (b >= 0x61 && b <= 0x7A) || b == 0x5F || b == 0x2D || b == 0x2E
        }
    }
}

/// One live label in a project (not withdrawn by an undo, not replaced by a correction), with
/// the facts about its case that agreement, consensus and model-quality figures need.
public struct ProjectLabel: Sendable, Equatable {
    public var eventID: Int64
    public var caseID: String
    /// The case's policy area.
    public var policy: String
    /// `label` (a labeler's) or `adjudication` (a lead's final decision).
    public var kind: LabelEventKind
    /// Who made it.
    public var person: String
    public var decision: String
    public var reasonCodes: [String]
    public var note: String?
    /// Whether model output was hidden when it was made.
    public var blind: Bool
    public var createdAt: Timestamp
    /// The case's known answer, when it is a gold case.
    public var goldLabel: String?
    /// The case's headline score and threshold.
    public var score: Double
    public var threshold: Double?
    /// How the case came to be served, and with what probability a sample drew it.
    public var queuePolicy: String?
    public var inclusionProbability: Double?

    public init(eventID: Int64, caseID: String, policy: String, kind: LabelEventKind = .label, person: String,
                decision: String, reasonCodes: [String] = [], note: String? = nil, blind: Bool = true,
                createdAt: Timestamp, goldLabel: String? = nil, score: Double, threshold: Double? = nil,
                queuePolicy: String? = nil, inclusionProbability: Double? = nil) {
        self.eventID = eventID
        self.caseID = caseID
        self.policy = policy
        self.kind = kind
        self.person = person
        self.decision = decision
        self.reasonCodes = reasonCodes
        self.note = note
        self.blind = blind
        self.createdAt = createdAt
        self.goldLabel = goldLabel
        self.score = score
        self.threshold = threshold
        self.queuePolicy = queuePolicy
        self.inclusionProbability = inclusionProbability
    }
}
