import Testing
import TriageCore

@Suite struct SuspectLabelsTests {
    /// Scores are multiples of 1/8 so the thresholds and comparisons are exact.
    ///
    ///     labelled positive: a 1.0, b 0.75, c 0.25, i 0.5   → t_pos = 2.5/4 = 0.625
    ///     labelled negative: d 0.0, e 0.75, f 0.25, g 0.625, h 0.5
    ///                        1 − score = 1, 0.25, 0.75, 0.375, 0.5 → t_neg = 2.875/5 = 0.575
    ///
    /// Negatives with score ≥ 0.625: e (0.75, self-confidence 0.25) and g (exactly 0.625: ≥, self 0.375).
    /// Positives with 1 − score ≥ 0.575: c (0.75, self 0.25); i (0.5) and b (0.25) are not.
    /// Ranked by self-confidence, ties by item: c (0.25), e (0.25), g (0.375).
    @Test func handComputedExample() {
        let labels: [(item: String, positive: Bool, score: Double)] = [
            ("g", false, 0.625), ("e", false, 0.75), ("a", true, 1.0), ("b", true, 0.75), ("d", false, 0.0),
            ("c", true, 0.25), ("f", false, 0.25), ("h", false, 0.5), ("i", true, 0.5),
        ]
        let suspects = SuspectLabels.find(labels)
        #expect(suspects == [
            SuspectLabel(item: "c", labelIsPositive: true, score: 0.25, selfConfidence: 0.25),
            SuspectLabel(item: "e", labelIsPositive: false, score: 0.75, selfConfidence: 0.25),
            SuspectLabel(item: "g", labelIsPositive: false, score: 0.625, selfConfidence: 0.375),
        ])
    }

    @Test func aMissingClassFlagsNothingInTheOther() {
        // Only positives: t_neg is undefined, so no positive is suspect however low its score.
        #expect(SuspectLabels.find([("a", true, 0.01), ("b", true, 0.9)]).isEmpty)
        // Only negatives: t_pos is undefined.
        #expect(SuspectLabels.find([("a", false, 0.99), ("b", false, 0.1)]).isEmpty)
        #expect(SuspectLabels.find([]).isEmpty)
    }

    @Test func aWellSeparatedSetHasNoSuspects() {
        // t_pos = 0.85, t_neg = 0.85: every score is on the side of its label by more than that.
        let labels: [(item: String, positive: Bool, score: Double)] = [
            ("p1", true, 0.9), ("p2", true, 0.8), ("n1", false, 0.1), ("n2", false, 0.2),
        ]
        #expect(SuspectLabels.find(labels).isEmpty)
    }

    /// A rare class with a tiny threshold must not make every item of the other class suspect:
    /// the item belongs to its likeliest candidate class (the confident joint's argmax).
    @Test func aTinyThresholdDoesNotFlagConfidentItems() {
        // Negatives: scores 0.96 and 0.98 → t_neg = mean(1 − s) = 0.03. Positives: 0.9, 0.8, 0.3
        // → t_pos = 2/3. For the 0.9 positive, both classes reach their thresholds (0.9 ≥ 0.667,
        // 0.1 ≥ 0.03) and positive is the likelier: not suspect. For the 0.3 positive, only the
        // negative class does (0.7 ≥ 0.03, 0.3 < 0.667): suspect. The negatives at 0.96 and 0.98 have
        // both classes as candidates and positive likelier: suspect.
        let found = SuspectLabels.find([
            (item: "p1", positive: true, score: 0.9), (item: "p2", positive: true, score: 0.8),
            (item: "p3", positive: true, score: 0.3),
            (item: "n1", positive: false, score: 0.96), (item: "n2", positive: false, score: 0.98),
        ])
        #expect(found.map(\.item) == ["n2", "n1", "p3"])
    }
}
