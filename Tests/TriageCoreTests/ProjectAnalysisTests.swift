import Testing
import TriageCore

/// Consensus, the adjudication queue, gold accuracy and the agreement report, from live labels.
@Suite struct ProjectAnalysisTests {
    var nextID: Int64 = 0

    mutating func label(_ caseID: String, _ person: String, _ decision: String, kind: LabelEventKind = .label,
                        gold: String? = nil, score: Double = 0.8, policy: String = "gambling",
                        p: Double? = nil) -> ProjectLabel {
        nextID += 1
        return ProjectLabel(eventID: nextID, caseID: caseID, policy: policy, kind: kind, person: person, decision: decision,
                            createdAt: Timestamp(milliseconds: nextID), goldLabel: gold, score: score,
                            inclusionProbability: p)
    }

    @Test mutating func aSmallProjectUsesTheMajorityAndQueuesDisagreementsForALead() {
        let labels = [
            label("c1", "ann", "violation"), label("c1", "bob", "violation"),
            label("c2", "ann", "violation"), label("c2", "bob", "no_violation"),
            label("c3", "ann", "no_violation"),
        ]
        let cases = ProjectAnalysis.consensus(labels, categories: ["violation", "no_violation"])
        #expect(cases.map(\.caseID) == ["c1", "c2", "c3"])
        // Too little overlap for Dawid–Skene: the majority decides.
        #expect(cases.allSatisfy { $0.dawidSkene == nil })
        #expect(cases[0].finalDecision == "violation" && cases[0].confidence == 1)
        #expect(cases[1].finalDecision == nil && cases[1].confidence == 0.5 && cases[1].disagrees)
        // One label is not a disagreement, and not enough to adjudicate.
        #expect(ProjectAnalysis.adjudicationQueue(cases).map(\.caseID) == ["c2"])
    }

    @Test mutating func anAdjudicationIsFinalAndLeavesTheQueue() {
        var labels = [label("c2", "ann", "violation"), label("c2", "bob", "no_violation")]
        labels.append(label("c2", "lee", "no_violation", kind: .adjudication))
        let c = ProjectAnalysis.consensus(labels)[0]
        #expect(c.adjudicated && c.finalDecision == "no_violation" && c.confidence == 1)
        #expect(c.labels.count == 2) // the adjudication is not a label
        #expect(ProjectAnalysis.adjudicationQueue([c]).isEmpty)
    }

    @Test mutating func dawidSkeneTakesOverWithEnoughOverlapAndDiscountsASpammer() {
        // 30 cases: ann and cy agree on the truth, bob always says violation.
        var labels: [ProjectLabel] = []
        for i in 0..<30 {
            let truth = i % 3 == 0 ? "violation" : "no_violation"
            labels += [label("c\(i)", "ann", truth), label("c\(i)", "bob", "violation"), label("c\(i)", "cy", truth)]
        }
        let cases = ProjectAnalysis.consensus(labels)
        #expect(cases.allSatisfy { $0.dawidSkene != nil })
        #expect(cases.allSatisfy { $0.finalDecision == $0.majority.category })
        // Where bob is outvoted, Dawid–Skene is surer than the 2/3 vote share.
        let outvoted = cases.first { $0.majority.category == "no_violation" }!
        #expect(outvoted.confidence > 0.9)
        #expect(outvoted.majority.confidence < 0.7)
        // Disagreeing cases still go to a lead.
        #expect(ProjectAnalysis.adjudicationQueue(cases).count == 20)
    }

    @Test mutating func goldAccuracyPerLabeler() {
        let labels = [
            label("g1", "ann", "violation", gold: "violation"), label("g2", "ann", "violation", gold: "no_violation"),
            label("g1", "bob", "violation", gold: "violation"), label("c1", "bob", "violation"),
        ]
        let gold = ProjectAnalysis.goldAccuracy(labels)
        #expect(gold.map(\.person) == ["ann", "bob"])
        #expect(gold.map(\.correct) == [1, 1])
        #expect(gold.map(\.total) == [2, 1])
    }

    @Test mutating func suspectsUseTheDecisionsOutcome() {
        // Labelled positive: scores 0.9, 0.8 (mean 0.85). Negative: 0.1, 0.2 and a 0.95 that the
        // model contradicts (its score is above the positive mean).
        let labels = [
            label("p1", "ann", "violation", score: 0.9), label("p2", "ann", "violation", score: 0.8),
            label("n1", "ann", "no_violation", score: 0.1), label("n2", "ann", "no_violation", score: 0.2),
            label("n3", "ann", "no_violation", score: 0.95), label("u1", "ann", "unsure", score: 0.99),
        ]
        let suspects = ProjectAnalysis.suspects(ProjectAnalysis.consensus(labels), taxonomy: .standard)
        #expect(suspects.map(\.item) == ["n3"])
        #expect(abs(suspects[0].selfConfidence - 0.05) < 1e-12)
    }

    @Test mutating func theAgreementReportCountsItemsPerAreaAndLabeler() {
        let labels = [
            label("c1", "ann", "violation"), label("c1", "bob", "violation"),
            label("c2", "ann", "no_violation"), label("c2", "bob", "no_violation"),
            label("w1", "ann", "violation", policy: "weapons"), label("w1", "bob", "no_violation", policy: "weapons"),
            label("w2", "ann", "violation", policy: "weapons"),
            label("g1", "bob", "violation", gold: "violation"),
        ]
        let r = AgreementReport.build(labels)
        #expect(r.areas.map(\.policy) == [nil, "gambling", "weapons"])
        #expect(r.areas.map(\.items) == [3, 2, 1])
        // Gambling: perfect agreement on two categories.
        #expect(r.areas[1].pairs.first?.kappa.value == 1)
        // All: 2 agree of 3; p_e = (2/3·1/3 + 1/3·2/3)… computed by Agreement, here only the sign.
        #expect((r.areas[0].pairs.first?.observed ?? 0) > 0.66)
        #expect(r.labelers.map(\.person) == ["ann", "bob"])
        #expect(r.labelers.map(\.labels) == [4, 4])
        #expect(r.labelers[1].goldTotal == 1 && r.labelers[1].goldAccuracy == 1)
        #expect(r.disagreements == 1 && r.toAdjudicate == 1 && r.cases == 5)
    }

    @Test func auditWeightsAndDrawsAreStable() {
        #expect(AuditSample.weight(inclusionProbability: 0.25) == 4)
        #expect(AuditSample.weight(inclusionProbability: nil) == 1)
        let d = AuditSample.draw(caseID: "c_1", seed: 7)
        #expect(d == AuditSample.draw(caseID: "c_1", seed: 7))
        #expect(d != AuditSample.draw(caseID: "c_1", seed: 8))
        // Close to uniform: about a tenth of 10,000 ids fall below 0.1.
        let n = (0..<10_000).filter { AuditSample.includes(caseID: "c_\($0)", rate: 0.1, seed: 1) }.count
        #expect((900...1100).contains(n))
        let gold = (0..<10_000).filter { GoldMix.servesGold(labeler: "ann", served: $0, rate: 0.2) }.count
        #expect((1850...2150).contains(gold))
        #expect(!GoldMix.servesGold(labeler: "ann", served: 0, rate: 0))
    }

    @Test func rolesAndProjectSettings() {
        #expect(Role.lead.mayWorkAs(.labeler) && Role.analyst.mayWorkAs(.labeler) && !Role.labeler.mayWorkAs(.analyst))
        #expect(!Role.analyst.mayWorkAs(.lead))
        #expect(Role.refusal(person: "ann", holds: nil, actingAs: .analyst) == nil)
        #expect(Role.refusal(person: "ann", holds: nil, actingAs: .lead)?.contains("not registered") == true)
        let ok = Project(name: "p-1.x", createdBy: "lee", createdAt: Timestamp(milliseconds: 0))
        #expect(ok.problems().isEmpty)
        var bad = ok
        bad.name = "p 1"
        bad.goldRate = 1
        bad.queuePolicy = .audit
        #expect(bad.problems().count == 3)
        bad = ok
        bad.sampleRate = 0.5
        #expect(bad.problems() == ["a sample rate only applies to an audit project (queue policy audit)"])
    }
}
