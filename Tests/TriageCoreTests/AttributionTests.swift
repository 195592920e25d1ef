import Foundation
import Testing
import TriageCore

@Suite struct AttributionTests {
    /// A TreeSHAP explanation in logit space: base −1.5 plus contributions must equal logit(0.93).
    @Test func logitAdditivity() {
        let target = log(0.93 / 0.07) // 2.5867…
        let items = [AttributionItem(feature: "chargeback_rate_90d", value: .number(0.088), contribution: 2.61),
                     AttributionItem(feature: "account_age_days", value: .number(136), contribution: 0.9),
                     AttributionItem(feature: "rest", contribution: target + 1.5 - 2.61 - 0.9)]
        let a = Attribution(model: "m", version: "1", baseValue: -1.5, space: .logit, items: items)
        #expect(abs(a.additivityGap(score: 0.93)) < 1e-12)
        #expect(abs(a.impliedScore - 0.93) < 1e-12)
        #expect(a.additivityGap(score: 0.5) > 2.5)
    }

    @Test func probabilityAdditivity() {
        let a = Attribution(model: "m", version: "1", baseValue: 0.2, space: .probability,
                            items: [AttributionItem(feature: "x", contribution: 0.5), AttributionItem(feature: "y", contribution: 0.1)])
        #expect(abs(a.additivityGap(score: 0.8)) < 1e-12)
        #expect(abs(a.additivityGap(score: 0.7) - 0.1) < 1e-12)
    }

    @Test func itemsSortByMagnitude() {
        let a = Attribution(model: "m", version: "1", baseValue: 0, space: .logit, items: [
            AttributionItem(feature: "b", contribution: 0.1), AttributionItem(feature: "a", contribution: -2),
            AttributionItem(feature: "c", contribution: 1), AttributionItem(feature: "d", contribution: -0.1)])
        #expect(a.itemsByMagnitude.map(\.feature) == ["a", "c", "b", "d"])
    }

    @Test func logitIsFiniteAtTheEdges() {
        #expect(Logit.logit(0).isFinite)
        #expect(Logit.logit(1).isFinite)
        #expect(abs(Logit.sigmoid(Logit.logit(0.3)) - 0.3) < 1e-12)
    }

    @Test func headlineIsTheHighestLatestScorePerModel() {
        let scores = [ModelScore(model: "a", version: "1", score: 0.9), ModelScore(model: "b", version: "1", score: 0.6),
                      ModelScore(model: "a", version: "2", score: 0.4)]
        // a's latest is version 2 (0.4); b's is 0.6: the headline is b.
        #expect(ModelScore.headline(of: scores)?.model == "b")
        #expect(ModelScore.headline(of: []) == nil)
        #expect(ModelScore(model: "a", version: "1", score: 0.55, threshold: 0.5).margin.isApproximately(0.05))
        #expect(ModelScore(model: "a", version: "1", score: 0.45, threshold: 0.5).isAboveThreshold == false)
    }
}

extension Double {
    func isApproximately(_ x: Double) -> Bool { abs(self - x) < 1e-9 }
}

@Suite struct Float32ScoreTests {
    /// XGBoost returns float32 probabilities: a margin of 18 comes back as exactly 1.0.
    @Test func saturatedFloat32ScoresStillAddUp() {
        let a = Attribution(model: "m", version: "1", baseValue: -2, space: .logit,
                            items: [AttributionItem(feature: "x", contribution: 20)])
        let score = Double(Float(Logit.sigmoid(18)))
        #expect(score == 1.0)
        #expect(a.additivityGap(score: score) > 1)
        #expect(a.addsUp(to: score, tolerance: 0.01))
        // But a total that is really off is still caught.
        let b = Attribution(model: "m", version: "1", baseValue: -2, space: .logit,
                            items: [AttributionItem(feature: "x", contribution: 5)])
        #expect(!b.addsUp(to: score, tolerance: 0.01))
    }
}
