import Foundation
import Testing
import TriageCore

@Suite struct RulesTests {
    let rules = CaseRules(taxonomy: .standard)

    func valid() -> CaseRecord {
        let score = 0.93
        let base = -1.5
        return CaseRecord(
            caseID: "c_1", policy: "gambling", flaggedAt: Timestamp.parse("2026-11-20T14:03:00Z"),
            merchant: Merchant(id: "acct_9f", name: "Lucky Spins", country: "CA", mcc: "7995"),
            scores: [ModelScore(model: "supportability-xgb", version: "2026-11-01", score: score, threshold: 0.5)],
            attributions: [Attribution(model: "supportability-xgb", version: "2026-11-01", baseValue: base, space: .logit, items: [
                AttributionItem(feature: "gambling_keywords_score", value: .number(0.97), contribution: 2.0),
                AttributionItem(feature: "rest", contribution: Logit.logit(score) - base - 2.0)])],
            rationales: [Rationale(model: "policy-llm", promptVersion: "v7", text: "Slots [e1]", evidenceIDs: ["e1"])],
            evidence: [Evidence(id: "e1", kind: "website", source: "https://x", text: "spin to win")],
            goldLabel: "violation")
    }

    @Test func aValidRecordHasNoIssues() {
        #expect(rules.issues(in: valid()).isEmpty)
    }

    @Test func scoreOutsideTheUnitInterval() {
        var r = valid()
        r.scores[0].score = 1.3
        r.attributions = []
        #expect(rules.issues(in: r).map(\.field) == ["scores[0].score"])
        r.scores[0].score = .nan
        #expect(rules.issues(in: r).map(\.field) == ["scores[0].score"])
    }

    @Test func unknownPolicyNamesTheKnownOnes() throws {
        var r = valid()
        r.policy = "casinos"
        let issue = try #require(rules.issues(in: r).first)
        #expect(issue.field == "policy")
        #expect(issue.reason.contains("unknown policy 'casinos'"))
        #expect(issue.reason.contains("gambling"))
    }

    @Test func missingPolicyUsesTheDefault() {
        var r = valid()
        r.policy = nil
        #expect(rules.issues(in: r).map(\.field) == ["policy"])
        let withDefault = CaseRules(taxonomy: .standard, defaultPolicy: "fraud")
        #expect(withDefault.issues(in: r).isEmpty)
    }

    @Test func additivityBeyondTolerance() throws {
        var r = valid()
        r.attributions[0].items[0].contribution += 0.5
        let issue = try #require(rules.issues(in: r).first)
        #expect(issue.field == "attributions")
        #expect(issue.reason.contains("do not add up"))
        let lenient = CaseRules(taxonomy: .standard, additivityTolerance: 0.6)
        #expect(lenient.issues(in: r).isEmpty)
    }

    @Test func attributionWithoutItsScore() {
        var r = valid()
        r.attributions[0].version = "2025-01-01"
        #expect(rules.issues(in: r).map(\.field) == ["attributions.model"])
    }

    @Test func duplicatesAndEmpties() {
        var r = valid()
        r.scores.append(r.scores[0])
        r.evidence.append(r.evidence[0])
        r.merchant.name = ""
        r.goldLabel = "maybe"
        let fields = rules.issues(in: r).map(\.field)
        #expect(fields.contains("scores[1]"))
        #expect(fields.contains("evidence[1].id"))
        #expect(fields.contains("merchant.name"))
        #expect(fields.contains("gold_label"))
    }

    @Test func aFeatureNamedTwiceIsAnIssueOnThatFeature() {
        var r = valid()
        r.features = [("x", .number(1)), ("y", .null), ("x", .number(2)), ("z", .bool(true)), ("x", .null), ("y", .null)]
        #expect(rules.issues(in: r) == [
            FieldIssue(field: "features.x", reason: "appears twice"),
            FieldIssue(field: "features.y", reason: "appears twice"),
        ])
        r.features = [("x", .number(1)), ("X", .number(2)), ("y", .null)]
        #expect(rules.issues(in: r).isEmpty)
    }

    @Test func nonFiniteNumbersAreNamedAsPythonWritesThem() {
        var r = valid()
        r.scores[0].score = .nan
        r.scores[0].threshold = .infinity
        r.attributions[0].baseValue = -.infinity
        r.attributions[0].items[1].contribution = .nan
        #expect(rules.issues(in: r) == [
            FieldIssue(field: "scores[0].score", reason: "NaN is not a score (must be a number in [0, 1])"),
            FieldIssue(field: "scores[0].threshold", reason: "Infinity is not a threshold (must be a number in [0, 1])"),
            FieldIssue(field: "attributions.base_value", reason: "must be a finite number, got -Infinity"),
            FieldIssue(field: "attributions.items[1].contribution", reason: "must be a finite number, got NaN"),
        ])
    }

    @Test(arguments: ["c\u{1B}]0;x\u{07}", "c\t1", "c\n1", "c\u{7F}", "c\u{9B}31m"])
    func aCaseIDWithAControlCharacterIsRefused(id: String) {
        var r = valid()
        r.caseID = id
        #expect(rules.issues(in: r).map(\.field) == ["case_id"])
    }

    @Test func aCaseIDMayHoldAnyPrintableText() {
        var r = valid()
        r.caseID = "acct 9f/ünïcødé-支付-🙂"
        #expect(rules.issues(in: r).isEmpty)
    }

    @Test func noScores() {
        var r = valid()
        r.scores = []
        r.attributions = []
        #expect(rules.issues(in: r).map(\.field) == ["scores"])
    }
}

@Suite struct NULTests {
    @Test func nulInAnyTextFieldIsRefusedNotTruncated() {
        var r = RulesTests().valid()
        r.merchant.description = "line two\u{0}hidden"
        r.evidence[0].text = "a\u{0}b"
        r.features = [("f\u{0}", .string("x")), ("g", .string("y\u{0}"))]
        let fields = CaseRules(taxonomy: .standard).issues(in: r).map(\.field)
        #expect(fields.contains("merchant.description"))
        #expect(fields.contains("evidence[0].text"))
        #expect(fields.contains("features"))
        #expect(fields.contains("features.g"))
    }
}
