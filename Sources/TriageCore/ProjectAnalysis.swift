/// Where one case of a labelling project stands: its labels, their consensus, and a lead's
/// adjudication if there is one.
public struct CaseConsensus: Sendable, Equatable {
    public var caseID: String
    public var policy: String
    /// The live labels, one per labeler, oldest first.
    public var labels: [ProjectLabel]
    /// The lead's live adjudication, if any: it is final.
    public var adjudication: ProjectLabel?
    /// The plain majority of the labels (category nil on a tie).
    public var majority: ConsensusLabel
    /// The Dawid–Skene consensus (labels weighed by each labeler's estimated accuracy); nil while
    /// the project has fewer than ``ProjectAnalysis/minimumOverlapForDawidSkene`` cases with two
    /// or more labels.
    public var dawidSkene: ConsensusLabel?
    /// The case's known answer, when it is a gold case.
    public var goldLabel: String?
    /// The headline score and threshold of the case.
    public var score: Double
    public var threshold: Double?
    /// The probability a sampling policy drew the case with (nil: not sampled).
    public var inclusionProbability: Double?

    /// Whether the labels name more than one decision.
    public var disagrees: Bool { Set(labels.map(\.decision)).count > 1 }
    /// Whether a lead settled it.
    public var adjudicated: Bool { adjudication != nil }

    /// The case's final label: the adjudication if any, else the Dawid–Skene consensus, else the
    /// majority; nil when there is none (no labels, or a tie nobody settled).
    public var finalDecision: String? {
        adjudication?.decision ?? dawidSkene?.category ?? majority.category
    }

    /// How sure the final label is: 1 for an adjudication, else the consensus's confidence.
    public var confidence: Double {
        if adjudication != nil { return 1 }
        return dawidSkene?.confidence ?? majority.confidence
    }
}

/// Consensus, adjudication queue and final labels of a labelling project, from its live labels
/// (``ProjectLabel``): pure functions, so a screen, a report and an export all agree.
public enum ProjectAnalysis {
    /// The ratings behind agreement and consensus: every live label (not adjudications).
    public static func ratings(_ labels: [ProjectLabel]) -> [Rating] {
        labels.filter { $0.kind == .label }.map { Rating(item: $0.caseID, rater: $0.person, category: $0.decision) }
    }

    /// The fewest cases with two or more labels on which Dawid–Skene is fitted: with fewer, the
    /// per-labeler confusion matrices rest on too little overlap and its posteriors are
    /// overconfident, so consensus falls back to the majority vote.
    public static let minimumOverlapForDawidSkene = 20

    /// One ``CaseConsensus`` per case with at least one live label or adjudication, by case id.
    /// `categories`: every decision key (so Dawid–Skene knows the categories nobody used).
    public static func consensus(_ labels: [ProjectLabel], categories: [String] = []) -> [CaseConsensus] {
        let ratings = ratings(labels)
        let majority = Dictionary(MajorityVote.consensus(ratings).map { ($0.item, $0) }, uniquingKeysWith: { a, _ in a })
        let overlapping = majority.values.filter { $0.ratings >= 2 }.count
        let ds = overlapping < minimumOverlapForDawidSkene ? [:]
            : Dictionary(DawidSkene.fit(ratings, categories: categories, maxIterations: 300, tolerance: 1e-4).consensus().map { ($0.item, $0) },
                         uniquingKeysWith: { a, _ in a })
        var byCase: [String: [ProjectLabel]] = [:]
        for l in labels { byCase[l.caseID, default: []].append(l) }
        return byCase.keys.sorted().map { id in
            let all = byCase[id]!.sorted { $0.eventID < $1.eventID }
            let own = all.filter { $0.kind == .label }
            let first = all[0]
            return CaseConsensus(
                caseID: id, policy: first.policy, labels: own, adjudication: all.last { $0.kind == .adjudication },
                majority: majority[id] ?? ConsensusLabel(item: id, category: nil, confidence: 0, ratings: 0),
                dawidSkene: ds[id], goldLabel: first.goldLabel, score: first.score, threshold: first.threshold,
                inclusionProbability: own.first?.inclusionProbability)
        }
    }

    /// The lead's adjudication queue: cases not yet adjudicated, with at least two labels, whose
    /// labels disagree or whose consensus confidence is below `minimumConfidence`. Least sure first
    /// (then by case id).
    public static func adjudicationQueue(_ cases: [CaseConsensus], minimumConfidence: Double = 0.8) -> [CaseConsensus] {
        cases.filter { c in
            !c.adjudicated && c.labels.count >= 2 && (c.disagrees || c.confidence < minimumConfidence)
        }.sorted { ($0.confidence, $0.caseID) < ($1.confidence, $1.caseID) }
    }

    /// Per labeler: gold cases they labelled, and how many they got right.
    public static func goldAccuracy(_ labels: [ProjectLabel]) -> [(person: String, correct: Int, total: Int)] {
        var tally: [String: (Int, Int)] = [:]
        for l in labels where l.kind == .label {
            guard let gold = l.goldLabel else { continue }
            let t = tally[l.person] ?? (0, 0)
            tally[l.person] = (t.0 + (l.decision == gold ? 1 : 0), t.1 + 1)
        }
        return tally.keys.sorted().map { (person: $0, correct: tally[$0]!.0, total: tally[$0]!.1) }
    }

    /// Suspect final labels: cases whose final label (mapped to the model's classes through each
    /// decision's ``Outcome``) the model's score contradicts strongly, most suspect first. Cases
    /// whose final decision has no outcome (unsure, escalate) are left out.
    public static func suspects(_ cases: [CaseConsensus], taxonomy: Taxonomy) -> [SuspectLabel] {
        SuspectLabels.find(cases.compactMap { c in
            guard let d = c.finalDecision, let o = taxonomy.decision(d)?.outcome else { return nil }
            return (item: c.caseID, positive: o == .positive, score: c.score)
        })
    }
}
