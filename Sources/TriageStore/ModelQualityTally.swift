import TriageCore

/// Model quality put together from grouped rows, the same way on every backend: each backend
/// reads decided cases per (model, version, decision, above threshold, score bin) with the count,
/// the sum of scores and the sum of squared scores, and hands them over here.
public struct ModelQualityTally {
    private struct Acc {
        var labelled = 0, positivesAbove = 0, negativesAbove = 0
        var above: [String: Int] = [:], below: [String: Int] = [:]
        var bins = (0..<10).map { CalibrationBin(lower: Double($0) / 10, count: 0, scoreSum: 0, positives: 0) }
        var squared = 0.0
        var histogram: [String: [Int]] = [:]
    }

    private var acc: [ModelVersion: Acc] = [:]

    public init() {}

    /// Adds `n` score rows of `key` whose case's current decision is `decision` (outcome `y`: 1
    /// positive, 0 negative, nil neither), above or below the threshold, in score bin `bin`
    /// (0–19: the score × 20, truncated), whose scores sum to `total` and squares to `squares`.
    public mutating func add(_ key: ModelVersion, decision: String, y: Int?, above: Bool, bin: Int, n: Int,
                             total: Double, squares: Double) {
        var a = acc[key] ?? Acc()
        if above { a.above[decision, default: 0] += n } else { a.below[decision, default: 0] += n }
        var h = a.histogram[decision] ?? Array(repeating: 0, count: 20)
        h[bin] += n
        a.histogram[decision] = h
        if let y {
            a.labelled += n
            if above { if y == 1 { a.positivesAbove += n } else { a.negativesAbove += n } }
            a.bins[bin / 2].count += n
            a.bins[bin / 2].scoreSum += total
            a.bins[bin / 2].positives += y * n
            // Σ (s − y)² = Σ s² − 2y Σ s + y² n
            a.squared += squares - 2 * Double(y) * total + Double(y * y * n)
        }
        acc[key] = a
    }

    /// One ``ModelQuality`` per model version in `scored` (how many cases each scored), in order.
    public func qualities(scored: [ModelVersion: Int]) -> [ModelQuality] {
        scored.keys.sorted().map { key in
            let a = acc[key] ?? Acc()
            return ModelQuality(model: key.model, version: key.version, scored: scored[key] ?? 0, labelled: a.labelled,
                                decisionsAbove: a.above, decisionsBelow: a.below, positivesAbove: a.positivesAbove,
                                negativesAbove: a.negativesAbove, calibration: a.bins, squaredErrorSum: a.squared,
                                histogram: a.histogram, recall: nil)
        }
    }
}
