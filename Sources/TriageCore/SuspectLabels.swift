// Labels a model contradicts strongly: confident learning (Northcutt, Jiang & Chuang 2021),
// binary case, with per-class thresholds. Standard library only.

/// A label that a well-calibrated model contradicts strongly (confident learning, Northcutt et al. 2021, binary case).
public struct SuspectLabel: Sendable, Equatable {
    /// The item (case id).
    public var item: String
    /// The final label given: true when labelled positive (e.g. a violation).
    public var labelIsPositive: Bool
    /// The model's probability that the item is positive.
    public var score: Double
    /// The model's probability of the given label: `score` if labelled positive, `1 − score` if
    /// negative. The lower it is, the more the model disagrees with the label.
    public var selfConfidence: Double

    /// A suspect label of `item`.
    public init(item: String, labelIsPositive: Bool, score: Double, selfConfidence: Double) {
        self.item = item
        self.labelIsPositive = labelIsPositive
        self.score = score
        self.selfConfidence = selfConfidence
    }
}

/// Finds labels worth a second look because the model confidently says the other class.
public enum SuspectLabels {
    /// Input: (item, final label positive?, model score in [0, 1]). Per-class thresholds as in
    /// confident learning: t_pos = the mean score over items labelled positive, t_neg = the mean
    /// (1 − score) over items labelled negative — how confident the model typically is on each class.
    /// A class is a candidate for an item when the model's probability of it reaches the class's
    /// threshold (score ≥ t_pos; 1 − score ≥ t_neg), and the item belongs to its likeliest
    /// candidate (Northcutt et al.'s confident joint). It is suspect when that class is the other
    /// one: labelled negative with score ≥ t_pos and (1 − score < t_neg or score > 1 − score);
    /// labelled positive likewise. If a class has no items its threshold is undefined and nothing
    /// labelled the other class is suspect. Returned ranked most suspect first: by selfConfidence ascending,
    /// ties by item (then input order). Items are not deduplicated: each input entry is judged on its own.
    public static func find(_ labels: [(item: String, positive: Bool, score: Double)]) -> [SuspectLabel] {
        var positiveSum = 0.0, positiveCount = 0
        var negativeSum = 0.0, negativeCount = 0
        for l in labels {
            if l.positive {
                positiveSum += l.score
                positiveCount += 1
            } else {
                negativeSum += 1 - l.score
                negativeCount += 1
            }
        }
        let tPositive: Double? = positiveCount > 0 ? positiveSum / Double(positiveCount) : nil
        let tNegative: Double? = negativeCount > 0 ? negativeSum / Double(negativeCount) : nil
        var suspects: [(offset: Int, label: SuspectLabel)] = []
        for (offset, l) in labels.enumerated() {
            // As in confident learning's confident joint: the classes whose probability reaches their
            // threshold are the candidates, and the item belongs to the likeliest of them. It is
            // suspect when that is not the class it was given.
            let p = l.score, q = 1 - l.score
            let positiveCandidate = tPositive.map { p >= $0 } ?? false
            let negativeCandidate = tNegative.map { q >= $0 } ?? false
            let suspect: Bool
            if l.positive {
                suspect = negativeCandidate && (!positiveCandidate || q > p)
            } else {
                suspect = positiveCandidate && (!negativeCandidate || p > q)
            }
            if suspect {
                suspects.append((offset, SuspectLabel(item: l.item, labelIsPositive: l.positive, score: l.score,
                                                      selfConfidence: l.positive ? l.score : 1 - l.score)))
            }
        }
        suspects.sort { a, b in
            if a.label.selfConfidence != b.label.selfConfidence { return a.label.selfConfidence < b.label.selfConfidence }
            if a.label.item != b.label.item { return a.label.item < b.label.item }
            return a.offset < b.offset
        }
        return suspects.map(\.label)
    }
}
