import Foundation
import Testing
import TriageCore
@testable import TriageFormats

private func decode(_ text: String) throws -> CaseRecord {
    try CaseRecordJSON.decode(JSONParser().parse(text))
}

/// The shape problem decoding `text` gives, or nil when it decodes.
private func issue(_ text: String) throws -> FieldIssue? {
    let value = try JSONParser().parse(text)
    do throws(FieldIssue) {
        _ = try CaseRecordJSON.decode(value)
        return nil
    } catch {
        return error
    }
}

/// A parser that accepts Python's `NaN`, `Infinity` and `-Infinity`, as the importer's does.
private let pythonParser = JSONParser(limits: JSONLimits(allowsNonFiniteNumbers: true))

private func decodePython(_ text: String) throws -> CaseRecord {
    try CaseRecordJSON.decode(pythonParser.parse(text))
}

/// The shape problem decoding `text` (parsed with `pythonParser`) gives, or nil when it decodes.
private func pythonIssue(_ text: String) throws -> FieldIssue? {
    let value = try pythonParser.parse(text)
    do throws(FieldIssue) {
        _ = try CaseRecordJSON.decode(value)
        return nil
    } catch {
        return error
    }
}

private let exampleLine = #"""
{"case_id": "c_1", "policy": "gambling", "flagged_at": "2026-11-20T14:03:00Z",
 "merchant": {"id": "acct_9f", "name": "Lucky Spins", "country": "CA", "mcc": "7995", "url": "https://luckyspins.example", "description": "Spin to win"},
 "scores": [{"model": "supportability-xgb", "version": "2026-11-01", "score": 0.93, "threshold": 0.5}],
 "attributions": {"model": "supportability-xgb", "base_value": -1.5, "space": "logit",
                  "items": [{"feature": "chargeback_rate_90d", "value": 0.088, "contribution": 2.61}]},
 "rationales": [{"model": "policy-llm", "prompt_version": "v7", "text": "Real-money slots.", "evidence": ["e1"]}],
 "evidence": [{"id": "e1", "kind": "website", "source": "https://luckyspins.example", "text": "Deposit now"}],
 "features": {"chargeback_rate_90d": 0.088, "account_age_days": 136},
 "gold_label": "violation"}
"""#

/// A minimal valid line with `extra` spliced into the object.
private func line(_ extra: String = "", scores: String = #"[{"model": "m", "version": "v1", "score": 0.5}]"#) -> String {
    #"{"case_id": "c", "merchant": {"name": "N"}, "scores": \#(scores)\#(extra.isEmpty ? "" : ", " + extra)}"#
}

private let fullRecord = CaseRecord(
    caseID: "c_0000042", policy: "gambling", flaggedAt: Timestamp(milliseconds: 1_795_183_380_123),
    merchant: Merchant(id: "acct_9f", name: "Lucky \"Spins\" 😀\n", country: "CA", mcc: "7995",
                       url: "https://luckyspins.example/?a=1&b=2", description: "Spin\u{2028}to win \u{0}"),
    scores: [
        ModelScore(model: "supportability-xgb", version: "2026-10-01", score: 0.81),
        ModelScore(model: "supportability-xgb", version: "2026-11-01", score: 0.93, threshold: 0.5),
        ModelScore(model: "gambling-bert", version: "3", score: 1e-7, threshold: 0.25),
    ],
    attributions: [
        Attribution(model: "supportability-xgb", version: "2026-11-01", baseValue: -1.5, space: .logit, items: [
            AttributionItem(feature: "chargeback_rate_90d", value: .number(0.088), contribution: 2.61),
            AttributionItem(feature: "country", value: .string("CA"), contribution: -0.02),
            AttributionItem(feature: "has_licence", value: .bool(false), contribution: 0.5),
            AttributionItem(feature: "refund_rate", value: .null, contribution: 0),
            AttributionItem(feature: "unknown", value: nil, contribution: -0.0),
        ]),
        Attribution(model: "gambling-bert", version: "3", baseValue: 0.2, space: .probability, items: []),
    ],
    rationales: [
        Rationale(model: "policy-llm", promptVersion: "v7", text: "Real-money slots.", evidenceIDs: ["e1", "e2"],
                  createdAt: Timestamp(milliseconds: 1_795_183_400_000)),
        Rationale(model: "policy-llm", text: "Second opinion."),
    ],
    evidence: [
        Evidence(id: "e1", kind: "website", source: "https://luckyspins.example", text: "Deposit now"),
        Evidence(id: "e2"),
    ],
    features: [
        (name: "chargeback_rate_90d", value: .number(0.088)), (name: "account_age_days", value: .number(136)),
        (name: "country", value: .string("CA")), (name: "verified", value: .bool(true)), (name: "ratio", value: .null),
        (name: "big", value: .number(123_456_789_012)), (name: "tiny", value: .number(-0.0)),
    ],
    goldLabel: "violation"
)

@Suite("Case records in JSON")
struct CaseRecordJSONTests {
    @Test func decodesTheDocumentedExample() throws {
        let r = try decode(exampleLine.split(separator: "\n").joined(separator: " "))
        #expect(r.caseID == "c_1")
        #expect(r.policy == "gambling")
        #expect(r.flaggedAt == Timestamp.parse("2026-11-20T14:03:00Z"))
        #expect(r.merchant == Merchant(id: "acct_9f", name: "Lucky Spins", country: "CA", mcc: "7995",
                                       url: "https://luckyspins.example", description: "Spin to win"))
        #expect(r.scores == [ModelScore(model: "supportability-xgb", version: "2026-11-01", score: 0.93, threshold: 0.5)])
        #expect(r.attributions == [Attribution(
            model: "supportability-xgb", version: "2026-11-01", baseValue: -1.5, space: .logit,
            items: [AttributionItem(feature: "chargeback_rate_90d", value: .number(0.088), contribution: 2.61)])])
        #expect(r.rationales == [Rationale(model: "policy-llm", promptVersion: "v7", text: "Real-money slots.",
                                           evidenceIDs: ["e1"])])
        #expect(r.evidence == [Evidence(id: "e1", kind: "website", source: "https://luckyspins.example",
                                        text: "Deposit now")])
        #expect(r.features.map(\.name) == ["chargeback_rate_90d", "account_age_days"])
        #expect(r.features.map(\.value) == [.number(0.088), .number(136)])
        #expect(r.goldLabel == "violation")
    }

    @Test func minimalRecord() throws {
        let r = try decode(line())
        #expect(r == CaseRecord(caseID: "c", merchant: Merchant(name: "N"),
                                scores: [ModelScore(model: "m", version: "v1", score: 0.5)]))
    }

    @Test func roundTrip() throws {
        let text = CaseRecordJSON.encode(fullRecord)
        #expect(!text.contains("\n"))
        let back = try decode(text)
        #expect(back == fullRecord)
        #expect(back.attributions[0].items[3].value == .null)
        #expect(back.attributions[0].items[4].value == nil)
        #expect(back.features.last?.value == .number(-0.0))
        // Encoding is stable.
        #expect(CaseRecordJSON.encode(back) == text)
    }

    @Test func roundTripOfMinimalAndSingleAttributionRecords() throws {
        let minimal = CaseRecord(caseID: "x", merchant: Merchant(name: "M"), scores: [])
        #expect(CaseRecordJSON.encode(minimal) == #"{"case_id":"x","merchant":{"name":"M"},"scores":[]}"#)
        #expect(try decode(CaseRecordJSON.encode(minimal)) == minimal)

        var one = fullRecord
        one.attributions = [fullRecord.attributions[0]]
        let text = CaseRecordJSON.encode(one)
        #expect(text.contains(#""attributions":{"model":"supportability-xgb","version":"2026-11-01""#))
        #expect(try decode(text) == one)
    }

    @Test func encodesTheDocumentedShape() throws {
        let r = try decode(exampleLine.split(separator: "\n").joined(separator: " "))
        let v = try JSONParser().parse(CaseRecordJSON.encode(r))
        #expect(v.objectValue?.map(\.key) == ["case_id", "policy", "flagged_at", "merchant", "scores", "attributions",
                                              "rationales", "evidence", "features", "gold_label"])
        #expect(v["flagged_at"] == "2026-11-20T14:03:00.000Z")
        #expect(v["features"]?["account_age_days"] == 136)
        #expect(CaseRecordJSON.encode(r).contains(#""account_age_days":136}"#))
    }

    @Test func integerCaseIDBecomesItsDecimalString() throws {
        #expect(try decode(#"{"case_id": 12345, "merchant": {"name": "N"}, "scores": []}"#).caseID == "12345")
        #expect(try decode(#"{"case_id": -7, "merchant": {"name": "N"}, "scores": []}"#).caseID == "-7")
        #expect(try decode(#"{"case_id": 1e3, "merchant": {"name": "N"}, "scores": []}"#).caseID == "1000")
        let frac = try issue(#"{"case_id": 1.5, "merchant": {"name": "N"}, "scores": []}"#)
        #expect(frac == FieldIssue(field: "case_id", reason: "must be a string or an integer, got 1.5"))
        let big = try issue(#"{"case_id": 123456789012345678901, "merchant": {"name": "N"}, "scores": []}"#)
        #expect(big?.field == "case_id")
        #expect(big?.reason.contains("too large to be exact") == true)
    }

    @Test func nullIsTheSameAsAbsent() throws {
        let r = try decode(line(#""policy": null, "flagged_at": null, "attributions": null, "rationales": null, "#
            + #""evidence": null, "features": null, "gold_label": null"#,
            scores: #"[{"model": "m", "version": "v1", "score": 0.5, "threshold": null}]"#))
        #expect(r == CaseRecord(caseID: "c", merchant: Merchant(name: "N"),
                                scores: [ModelScore(model: "m", version: "v1", score: 0.5)]))
        #expect(try issue(#"{"case_id": null, "merchant": {"name": "N"}, "scores": []}"#)
            == FieldIssue(field: "case_id", reason: "missing"))
        #expect(try issue(#"{"case_id": "c", "merchant": {"name": null}, "scores": []}"#)
            == FieldIssue(field: "merchant.name", reason: "missing"))
    }

    @Test func unknownKeysAreIgnored() throws {
        let r = try decode(#"{"case_id": "c", "schema": 2, "merchant": {"name": "N", "extra": [1]}, "#
            + #""scores": [{"model": "m", "version": "v", "score": 0.5, "calibrated": true}], "future": {"a": null}}"#)
        #expect(r.caseID == "c")
        #expect(r.scores.count == 1)
    }

    @Test func flaggedAtAcceptsRFC3339AndEpochSeconds() throws {
        #expect(try decode(line(#""flagged_at": "2026-11-20T14:03:00+01:00""#)).flaggedAt
            == Timestamp.parse("2026-11-20T13:03:00Z"))
        #expect(try decode(line(#""flagged_at": "2026-11-20""#)).flaggedAt == Timestamp.parse("2026-11-20T00:00:00Z"))
        #expect(try decode(line(#""flagged_at": 1795183380"#)).flaggedAt == Timestamp(milliseconds: 1_795_183_380_000))
        #expect(try decode(line(#""flagged_at": 1795183380.25"#)).flaggedAt == Timestamp(milliseconds: 1_795_183_380_250))
        let bad = try issue(line(#""flagged_at": "yesterday""#))
        #expect(bad?.field == "flagged_at")
        #expect(bad?.reason.hasPrefix("must be an RFC 3339 date-time") == true)
        #expect(bad?.reason.hasSuffix("got \"yesterday\"") == true)
        #expect(try issue(line(#""flagged_at": 1e20"#))?.reason.hasSuffix("is out of range") == true)
        #expect(try issue(line(#""flagged_at": true"#))
            == FieldIssue(field: "flagged_at", reason: "must be an RFC 3339 string or a number of seconds, got boolean"))
    }

    struct ShapeCase: Sendable, CustomTestStringConvertible {
        var json: String
        var field: String
        var reason: String
        var testDescription: String { "\(field): \(reason)" }
    }

    static let shapeCases: [ShapeCase] = [
        ShapeCase(json: "[]", field: "", reason: "must be an object, got array"),
        ShapeCase(json: #"{"merchant": {"name": "N"}, "scores": []}"#, field: "case_id", reason: "missing"),
        ShapeCase(json: #"{"case_id": true, "merchant": {"name": "N"}, "scores": []}"#, field: "case_id",
                  reason: "must be a string or an integer, got boolean"),
        ShapeCase(json: #"{"case_id": "c", "scores": []}"#, field: "merchant", reason: "missing"),
        ShapeCase(json: #"{"case_id": "c", "merchant": "N", "scores": []}"#, field: "merchant",
                  reason: "must be an object, got string"),
        ShapeCase(json: #"{"case_id": "c", "merchant": {}, "scores": []}"#, field: "merchant.name", reason: "missing"),
        ShapeCase(json: #"{"case_id": "c", "merchant": {"name": 5}, "scores": []}"#, field: "merchant.name",
                  reason: "must be a string, got number"),
        ShapeCase(json: #"{"case_id": "c", "merchant": {"name": "N", "mcc": 7995}, "scores": []}"#,
                  field: "merchant.mcc", reason: "must be a string, got number"),
        ShapeCase(json: #"{"case_id": "c", "merchant": {"name": "N"}}"#, field: "scores", reason: "missing"),
        ShapeCase(json: line(scores: "{}"), field: "scores", reason: "must be an array, got object"),
        ShapeCase(json: line(scores: #"[{"model": "m", "version": "v", "score": "0.9"}]"#), field: "scores[0].score",
                  reason: "must be a number, got string"),
        ShapeCase(json: line(scores: #"[{"model": "m", "version": "v", "score": 0.9}, 5]"#), field: "scores[1]",
                  reason: "must be an object, got number"),
        ShapeCase(json: line(scores: #"[{"model": "m", "score": 0.9}]"#), field: "scores[0].version", reason: "missing"),
        ShapeCase(json: line(scores: #"[{"version": "v", "score": 0.9}]"#), field: "scores[0].model", reason: "missing"),
        ShapeCase(json: line(scores: #"[{"model": "m", "version": "v"}]"#), field: "scores[0].score", reason: "missing"),
        ShapeCase(json: line(scores: #"[{"model": "m", "version": 2, "score": 0.9}]"#), field: "scores[0].version",
                  reason: "must be a string, got number"),
        ShapeCase(json: line(scores: #"[{"model": "m", "version": "v", "score": 0.9, "threshold": "high"}]"#),
                  field: "scores[0].threshold", reason: "must be a number, got string"),
        ShapeCase(json: line(#""policy": ["a"]"#), field: "policy", reason: "must be a string, got array"),
        ShapeCase(json: line(#""gold_label": 1"#), field: "gold_label", reason: "must be a string, got number"),
        ShapeCase(json: line(#""attributions": 5"#), field: "attributions",
                  reason: "must be an object or an array of objects, got number"),
        ShapeCase(json: line(#""attributions": ["x"]"#), field: "attributions[0]", reason: "must be an object, got string"),
        ShapeCase(json: line(#""attributions": {"version": "v1", "base_value": 0, "items": []}"#),
                  field: "attributions.model", reason: "missing"),
        ShapeCase(json: line(#""attributions": {"model": "m", "items": []}"#), field: "attributions.base_value",
                  reason: "missing"),
        ShapeCase(json: line(#""attributions": {"model": "m", "base_value": 0}"#), field: "attributions.items",
                  reason: "missing"),
        ShapeCase(json: line(#""attributions": {"model": "m", "base_value": 0, "items": {}}"#),
                  field: "attributions.items", reason: "must be an array, got object"),
        ShapeCase(json: line(#""attributions": [{"model": "m", "base_value": 0, "items": []}, "#
                  + #"{"model": "m", "base_value": 0, "items": [{"feature": "f", "contribution": 1}, {"feature": "g"}]}]"#),
                  field: "attributions[1].items[1].contribution", reason: "missing"),
        ShapeCase(json: line(#""attributions": {"model": "m", "base_value": 0, "items": [{"contribution": 1}]}"#),
                  field: "attributions.items[0].feature", reason: "missing"),
        ShapeCase(json: line(#""attributions": {"model": "m", "base_value": 0, "items": [{"feature": "f", "value": [1], "contribution": 1}]}"#),
                  field: "attributions.items[0].value", reason: "must be a number, string, boolean or null, got array"),
        ShapeCase(json: line(#""attributions": {"model": "m", "base_value": 0, "space": "odds", "items": []}"#),
                  field: "attributions.space", reason: #"must be "logit" or "probability", got "odds""#),
        ShapeCase(json: line(#""attributions": {"model": "m", "base_value": "0", "items": []}"#),
                  field: "attributions.base_value", reason: "must be a number, got string"),
        ShapeCase(json: line(#""features": {"a": 1, "nested": {"x": 1}}"#), field: "features.nested",
                  reason: "must be a number, string, boolean or null, got object"),
        ShapeCase(json: line(#""features": {"list": [1, 2]}"#), field: "features.list",
                  reason: "must be a number, string, boolean or null, got array"),
        ShapeCase(json: line(#""features": [1]"#), field: "features", reason: "must be an object, got array"),
        ShapeCase(json: line(#""rationales": {"model": "m", "text": "t"}"#), field: "rationales",
                  reason: "must be an array, got object"),
        ShapeCase(json: line(#""rationales": [{"model": "m"}]"#), field: "rationales[0].text", reason: "missing"),
        ShapeCase(json: line(#""rationales": [{"text": "t"}]"#), field: "rationales[0].model", reason: "missing"),
        ShapeCase(json: line(#""rationales": [{"model": "m", "text": "t", "evidence": ["e1", 3]}]"#),
                  field: "rationales[0].evidence[1]", reason: "must be a string, got number"),
        ShapeCase(json: line(#""rationales": [{"model": "m", "text": "t", "evidence": "e1"}]"#),
                  field: "rationales[0].evidence", reason: "must be an array, got string"),
        ShapeCase(json: line(#""evidence": [{"kind": "website"}]"#), field: "evidence[0].id", reason: "missing"),
        ShapeCase(json: line(#""evidence": [{"id": "e1"}, {"id": "e2", "text": 4}]"#), field: "evidence[1].text",
                  reason: "must be a string, got number"),
    ]

    @Test(arguments: shapeCases)
    func shapeErrors(_ c: ShapeCase) throws {
        let found = try issue(c.json)
        #expect(found == FieldIssue(field: c.field, reason: c.reason))
    }

    // MARK: Attributions

    @Test func attributionVersionIsInferredFromTheOnlyScoreOfItsModel() throws {
        let scores = #"[{"model": "a", "version": "v1", "score": 0.5}, {"model": "b", "version": "v9", "score": 0.7}]"#
        let r = try decode(line(#""attributions": [{"model": "b", "base_value": 0, "items": []}, "#
            + #"{"model": "a", "base_value": 0, "items": []}]"#, scores: scores))
        #expect(r.attributions.map(\.version) == ["v9", "v1"])
        // An explicit version is kept, even one without a score (CaseRules reports that).
        let explicit = try decode(line(#""attributions": {"model": "a", "version": "v0", "base_value": 0, "items": []}"#,
                                       scores: scores))
        #expect(explicit.attributions.first?.version == "v0")
    }

    @Test func attributionVersionIsAnErrorWhenAmbiguous() throws {
        let scores = #"[{"model": "a", "version": "v1", "score": 0.5}, {"model": "a", "version": "v2", "score": 0.6}]"#
        let e = try issue(line(#""attributions": {"model": "a", "base_value": 0, "items": []}"#, scores: scores))
        #expect(e == FieldIssue(field: "attributions.version", reason: #"missing, and model "a" has 2 scores "#
            + #"(versions "v1", "v2"): say which one these attributions explain"#))
        let none = try issue(line(#""attributions": [{"model": "a", "base_value": 0, "items": []}, "#
            + #"{"model": "zz", "base_value": 0, "items": []}]"#, scores: #"[{"model": "a", "version": "v1", "score": 0.5}]"#))
        #expect(none == FieldIssue(field: "attributions[1].version",
                                   reason: #"missing, and there is no score for model "zz" to take it from"#))
    }

    @Test(arguments: [("logit", AttributionSpace.logit), ("log_odds", .logit), ("margin", .logit),
                      ("probability", .probability), ("proba", .probability), ("Logit", .logit)])
    func attributionSpaces(name: String, space: AttributionSpace) throws {
        let r = try decode(line(#""attributions": {"model": "m", "base_value": 0, "space": "\#(name)", "items": []}"#))
        #expect(r.attributions.first?.space == space)
    }

    @Test func attributionSpaceDefaultsToLogit() throws {
        let r = try decode(line(#""attributions": {"model": "m", "base_value": 0, "items": []}"#))
        #expect(r.attributions.first?.space == .logit)
    }

    // MARK: Non-finite numbers (Python's json.dumps)

    @Test func nonFiniteFeatureValuesAreMissing() throws {
        // What json.dumps writes for a GBM feature snapshot with missing values.
        let text = #"{"case_id": "c_7", "policy": "fraud", "merchant": {"name": "N"}, "#
            + #""scores": [{"model": "xgb", "version": "v1", "score": 0.62, "threshold": 0.5}], "#
            + #""attributions": {"model": "xgb", "base_value": 0.1, "items": ["#
            + #"{"feature": "refund_rate", "value": NaN, "contribution": 0.3}, "#
            + #"{"feature": "age_days", "value": Infinity, "contribution": 0.0}, "#
            + #"{"feature": "balance", "value": -Infinity, "contribution": 0.09}]}, "#
            + #""features": {"refund_rate": NaN, "age_days": Infinity, "balance": -Infinity, "mcc": "7995", "n": 3}}"#
        let r = try decodePython(text)
        #expect(r.features.map(\.name) == ["refund_rate", "age_days", "balance", "mcc", "n"])
        #expect(r.features.map(\.value) == [.null, .null, .null, .string("7995"), .number(3)])
        #expect(r.attributions.first?.items.map(\.value) == [.null, .null, .null])
        #expect(CaseRules(defaultPolicy: "fraud").issues(in: r).isEmpty)
        // The strict parser still rejects the line as a whole.
        #expect(throws: JSONError.self) { try JSONParser().parse(text) }
    }

    @Test func nonFiniteScoresAreReportedByCaseRulesNamingTheField() throws {
        let rules = CaseRules(defaultPolicy: "fraud")
        let nan = try decodePython(line(scores: #"[{"model": "m", "version": "v1", "score": NaN}]"#))
        #expect(nan.scores.first?.score.isNaN == true)
        #expect(rules.issues(in: nan) == [
            FieldIssue(field: "scores[0].score", reason: "NaN is not a score (must be a number in [0, 1])"),
        ])
        #expect(rules.issues(in: nan).first?.description == "scores[0].score: NaN is not a score (must be a number in [0, 1])")
        let thresholds = try decodePython(line(scores: #"[{"model": "m", "version": "v1", "score": Infinity, "#
            + #""threshold": -Infinity}]"#))
        #expect(rules.issues(in: thresholds) == [
            FieldIssue(field: "scores[0].score", reason: "Infinity is not a score (must be a number in [0, 1])"),
            FieldIssue(field: "scores[0].threshold", reason: "-Infinity is not a threshold (must be a number in [0, 1])"),
        ])
    }

    @Test func nonFiniteAttributionNumbersAreReportedByCaseRules() throws {
        let r = try decodePython(line(#""attributions": {"model": "m", "base_value": NaN, "items": ["#
            + #"{"feature": "a", "contribution": 0.1}, {"feature": "b", "contribution": -Infinity}]}"#))
        #expect(CaseRules(defaultPolicy: "fraud").issues(in: r) == [
            FieldIssue(field: "attributions.base_value", reason: "must be a finite number, got NaN"),
            FieldIssue(field: "attributions.items[1].contribution", reason: "must be a finite number, got -Infinity"),
        ])
    }

    @Test func nonFiniteTimestampsAndCaseIDsAreShapeErrors() throws {
        #expect(try pythonIssue(line(#""flagged_at": NaN"#))
            == FieldIssue(field: "flagged_at", reason: "must be a finite number of seconds since 1970, got NaN"))
        #expect(try pythonIssue(line(#""flagged_at": -Infinity"#))
            == FieldIssue(field: "flagged_at", reason: "must be a finite number of seconds since 1970, got -Infinity"))
        #expect(try pythonIssue(line(#""rationales": [{"model": "m", "text": "t", "created_at": Infinity}]"#))
            == FieldIssue(field: "rationales[0].created_at",
                          reason: "must be a finite number of seconds since 1970, got Infinity"))
        #expect(try pythonIssue(#"{"case_id": Infinity, "merchant": {"name": "N"}, "scores": []}"#)
            == FieldIssue(field: "case_id", reason: "must be a string or an integer, got Infinity"))
        #expect(try pythonIssue(#"{"case_id": NaN, "merchant": {"name": "N"}, "scores": []}"#)
            == FieldIssue(field: "case_id", reason: "must be a string or an integer, got NaN"))
    }

    @Test func decodedRecordsGoThroughCaseRules() throws {
        let r = try decode(line(scores: "[]"))
        let issues = CaseRules(defaultPolicy: "fraud").issues(in: r)
        #expect(issues == [FieldIssue(field: "scores", reason: "needs at least one {model, version, score}")])
    }
}

// MARK: - JSON Lines export

@Suite("JSON Lines export")
struct JSONLExportTests {
    private let label = LabelEvent(
        id: 42, caseID: "c_1", decision: "violation", reasonCodes: ["unlicensed_gambling", "false_positive"],
        note: "checked \"site\"\n", analyst: "ana", osUser: "ana.s", role: .analyst,
        createdAt: Timestamp(milliseconds: 1_795_183_512_345), dwellMs: 8200, blind: false,
        modelVersionsSeen: ["supportability-xgb@2026-11-01"], appVersion: "0.1.0")

    @Test func writesOneLinePerRowWithStableKeys() throws {
        var out = JSONLExportWriter()
        out.write(ExportRow(caseID: "c_1", merchantID: "acct_9f", policy: "gambling",
                            features: [(name: "chargeback_rate_90d", value: .number(0.088)),
                                       (name: "account_age_days", value: .number(136)), (name: "x", value: .null)],
                            scores: [ModelScore(model: "supportability-xgb", version: "2026-11-01", score: 0.93,
                                                threshold: 0.5)],
                            label: label, samplingWeight: 1))
        var undo = label
        undo.id = nil
        undo.decision = nil
        undo.note = nil
        undo.dwellMs = nil
        undo.reasonCodes = []
        undo.modelVersionsSeen = []
        undo.blind = true
        out.write(ExportRow(caseID: "c_2", merchantID: nil, policy: "fraud", features: [],
                            scores: [ModelScore(model: "m", version: "v", score: 0.25)], label: undo,
                            samplingWeight: 2.5))
        let text = String(decoding: out.bytes, as: UTF8.self)
        let lines = text.split(separator: "\n", omittingEmptySubsequences: false)
        #expect(lines.count == 3)
        #expect(lines[2].isEmpty)
        let expected = [
            #"{"case_id":"c_1","merchant_id":"acct_9f","policy":"gambling","decision":"violation","#,
            #""reason_codes":["unlicensed_gambling","false_positive"],"note":"checked \"site\"\n","labelled_by":"ana","#,
            #""os_user":"ana.s","role":"analyst","labelled_at":"2026-11-20T14:05:12.345Z","dwell_ms":8200,"#,
            #""blind":false,"model_versions_seen":["supportability-xgb@2026-11-01"],"label_event_id":42,"#,
            #""kind":"label","project":null,"queue_policy":null,"sampling_weight":1,"withdrawn":false,"withdrawn_at":null,"#,
            #""withdrawn_by_event":null,"scores":[{"model":"supportability-xgb","version":"2026-11-01","score":0.93,"#,
            #""threshold":0.5}],"features":{"chargeback_rate_90d":0.088,"account_age_days":136,"x":null}}"#,
        ].joined()
        #expect(String(lines[0]) == expected)
        for l in lines.dropLast() {
            let v = try JSONParser().parse(String(l))
            #expect(v.objectValue?.map(\.key) == JSONLExportWriter.keys)
        }
        let second = try JSONParser().parse(String(lines[1]))
        #expect(second["merchant_id"] == .null)
        #expect(second["decision"] == .null)
        #expect(second["label_event_id"] == .null)
        #expect(second["dwell_ms"] == .null)
        #expect(second["sampling_weight"] == 2.5)
        #expect(second["blind"] == true)
        #expect(second["scores"]?[0]?["threshold"] == .null)
        #expect(second["features"] == [:])

        #expect(out.takeBytes() == Array(text.utf8))
        #expect(out.bytes.isEmpty)
        out.write(ExportRow(caseID: "c_3", merchantID: nil, policy: "fraud", features: [], scores: [], label: label,
                            samplingWeight: 1))
        #expect(out.bytes.first == UInt8(ascii: "{"))
        out.removeAll()
        #expect(out.bytes.isEmpty)
    }

    /// The hand-written RFC 3339 formatter agrees with Foundation's on random times.
    @Test func timestampsMatchFoundationsFormatter() {
        let f = ISO8601DateFormatter()
        f.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        f.timeZone = TimeZone(identifier: "UTC")
        var rng = SystemRandomNumberGenerator()
        var samples: [Int64] = [0, -1, 1, 86_399_999, 86_400_000, -86_400_000, 951_782_400_000, 4_107_542_400_000,
                                253_402_300_799_999]
        for _ in 0..<5_000 { samples.append(Int64.random(in: 0...253_402_300_799_999, using: &rng)) }
        for ms in samples {
            let t = Timestamp(milliseconds: ms)
            #expect(t.iso8601 == f.string(from: t.date), "\(ms)")
        }
        #expect(Timestamp(milliseconds: 253_402_300_800_000).iso8601 == "10000-01-01T00:00:00.000Z")
        #expect(Timestamp(milliseconds: -62_167_219_200_001).iso8601 == "-0001-12-31T23:59:59.999Z")
    }
}
