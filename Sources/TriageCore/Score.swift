import Foundation

/// One model's score for a case: one per (case, model, model version). A newer version adds a
/// score; older ones are kept as history.
public struct ModelScore: Sendable, Equatable {
    public var model: String
    public var version: String
    /// The model's probability that the case is a violation, in [0, 1].
    public var score: Double
    /// The score at and above which the model flags a case; nil when the job did not say.
    public var threshold: Double?

    public init(model: String, version: String, score: Double, threshold: Double? = nil) {
        self.model = model
        self.version = version
        self.score = score
        self.threshold = threshold
    }

    /// Whether the score is at or above its threshold (nil when there is no threshold).
    public var isAboveThreshold: Bool? { threshold.map { score >= $0 } }

    /// The score that orders the queue among `scores` listed oldest first: each model's latest
    /// (last listed) score, then the highest of those. Ties keep the first model listed.
    public static func headline(of scores: [ModelScore]) -> ModelScore? {
        var latest: [String: Int] = [:]
        for (i, s) in scores.enumerated() { latest[s.model] = i }
        var best: ModelScore?
        for (i, s) in scores.enumerated() where latest[s.model] == i {
            if best == nil || s.score > best!.score { best = s }
        }
        return best
    }

    /// Distance from the threshold (0.5 when none is known): small means uncertain.
    public var margin: Double { abs(score - (threshold ?? 0.5)) }
}

/// The space an attribution's base value and contributions are expressed in.
public enum AttributionSpace: String, Sendable, Codable, CaseIterable {
    /// Log-odds: base + Σ contributions = logit(score). What TreeSHAP gives for gradient-boosted trees.
    case logit
    /// Probability: base + Σ contributions = score.
    case probability
}

/// A value from a feature snapshot or an attribution item: a number, a string, a boolean or null.
public enum FeatureValue: Sendable, Equatable, Hashable {
    case number(Double)
    case string(String)
    case bool(Bool)
    case null
}

/// One feature's signed contribution to a score (SHAP-style).
public struct AttributionItem: Sendable, Equatable {
    public var feature: String
    /// The feature's value for this case, when known.
    public var value: FeatureValue?
    public var contribution: Double

    public init(feature: String, value: FeatureValue? = nil, contribution: Double) {
        self.feature = feature
        self.value = value
        self.contribution = contribution
    }
}

/// Per-feature attributions for one (case, model, version): a base value plus signed contributions.
public struct Attribution: Sendable, Equatable {
    public var model: String
    public var version: String
    public var baseValue: Double
    public var space: AttributionSpace
    public var items: [AttributionItem]

    public init(model: String, version: String, baseValue: Double, space: AttributionSpace,
                items: [AttributionItem]) {
        self.model = model
        self.version = version
        self.baseValue = baseValue
        self.space = space
        self.items = items
    }

    /// base value + Σ contributions, in ``space``.
    public var total: Double { items.reduce(baseValue) { $0 + $1.contribution } }

    /// The score these attributions add up to: the sigmoid of ``total`` in logit space, ``total``
    /// itself in probability space.
    public var impliedScore: Double {
        switch space {
        case .logit: return Logit.sigmoid(total)
        case .probability: return total
        }
    }

    /// How far the attributions are from adding up to `score`, measured in ``space``
    /// (|total − logit(score)| in logit space, |total − score| in probability space).
    public func additivityGap(score: Double) -> Double {
        switch space {
        case .logit: return abs(total - Logit.logit(score))
        case .probability: return abs(total - score)
        }
    }

    /// Whether the attributions add up to `score` within `tolerance` (in ``space``).
    ///
    /// In logit space a score stored as a 32-bit float (as XGBoost and LightGBM return it) loses
    /// the logit near 0 and 1: a margin of 18 gives 0.99999998, which rounds to 1.0. So a logit
    /// total whose sigmoid matches the score to float32 precision (1e-6) also adds up.
    public func addsUp(to score: Double, tolerance: Double) -> Bool {
        if additivityGap(score: score) <= tolerance { return true }
        return space == .logit && abs(impliedScore - score) <= Attribution.float32ProbabilityPrecision
    }

    /// The precision of a probability written as a 32-bit float.
    public static let float32ProbabilityPrecision = 1e-6

    /// Items sorted by |contribution|, largest first (ties by feature name, for a stable display).
    public var itemsByMagnitude: [AttributionItem] {
        items.sorted { a, b in
            let x = abs(a.contribution), y = abs(b.contribution)
            return x != y ? x > y : a.feature < b.feature
        }
    }
}

/// The logistic function and its inverse.
public enum Logit {
    /// Scores this close to 0 or 1 are clamped before taking the logit, so it stays finite.
    public static let epsilon = 1e-12

    public static func logit(_ p: Double) -> Double {
        let q = min(max(p, epsilon), 1 - epsilon)
        return Foundation.log(q / (1 - q))
    }

    public static func sigmoid(_ x: Double) -> Double { 1 / (1 + Foundation.exp(-x)) }
}
