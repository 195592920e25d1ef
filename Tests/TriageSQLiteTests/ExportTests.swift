import Foundation
import Testing
import TriageCore
import TriageFormats
import TriageSQLite
import TriageStore

@Suite struct ExportTests {
    /// import → label through the store → export → parse: what comes out is what went in.
    @Test func jsonlRoundTrip() throws {
        let t = try TempDB()
        _ = try t.importFile(t.file("cases.jsonl", (1...4).map { Fixture.line(Fixture.record("c_\($0)")) }))
        _ = try t.importFile(t.file("v2.jsonl", [Fixture.line(Fixture.record("c_2", score: 0.2, version: "2026-12-01"))]))
        let l1 = try t.store.recordLabel(draft("c_1", "violation", reasons: ["unlicensed_gambling", "website_down"], note: "a \"quoted\", note\nline 2"))
        try t.store.recordLabel(draft("c_2", "no_violation", reasons: ["false_positive"]))
        let l3 = try t.store.recordLabel(draft("c_3", "violation"))
        try t.store.recordLabel(draft("c_3", nil, kind: .undo, supersedes: l3.id))
        var out: [UInt8] = []
        let n = try CaseExporter(store: t.store).export(format: .jsonl, since: nil) { out += $0 }
        #expect(n == 2)
        let lines = String(decoding: out, as: UTF8.self).split(separator: "\n")
        #expect(lines.count == 2)
        let first = try JSONParser().parse(String(lines[0]))
        #expect(first["case_id"]?.stringValue == "c_1")
        #expect(first["decision"]?.stringValue == "violation")
        #expect(first["reason_codes"] == .array([.string("unlicensed_gambling"), .string("website_down")]))
        #expect(first["note"]?.stringValue == "a \"quoted\", note\nline 2")
        #expect(first["labelled_by"]?.stringValue == "ana")
        #expect(first["label_event_id"]?.doubleValue == Double(l1.id!))
        #expect(first["sampling_weight"]?.doubleValue == 1.0)
        #expect(first["blind"]?.boolValue == false)
        #expect(first["features"]?["account_age_days"]?.doubleValue == 136)
        let second = try JSONParser().parse(String(lines[1]))
        #expect(second["scores"]?.arrayValue?.count == 2)
        // Every line has the same keys in the same order.
        #expect(first.objectValue?.map(\.key) == second.objectValue?.map(\.key))
    }

    /// The JSON Lines export copies each stored feature snapshot as it is instead of parsing and
    /// rewriting it: the bytes must be exactly those the parse-and-rewrite path gives, for the
    /// sample generator's varied features (numbers, strings, booleans, nulls, escapes).
    @Test func copiedFeatureSnapshotsAreByteForByteTheRewrittenOnes() throws {
        let t = try TempDB()
        let gen = SampleGenerator(seed: 7)
        var records = (0..<300).map { gen.record(at: $0) }
        records[0].features = [("name \"quoted\"\u{1}", .string("line\nbreak \u{2028}")), ("x", .number(-0.0)),
                               ("big", .number(1e300)), ("tiny", .number(5e-324)), ("b", .bool(true)), ("n", .null)]
        _ = try t.importFile(t.file("cases.jsonl", records.map(CaseRecordJSON.encode)))
        for r in records { try t.store.recordLabel(draft(r.caseID, "violation")) }
        var copied = 0
        let n = try t.store.exportLabels(since: nil) { row in
            guard row.featuresJSON != nil else { return }
            copied += 1
            var spliced = JSONWriter(), rewritten = JSONWriter()
            JSONLExportWriter.encode(row, into: &spliced)
            var parsed = row
            parsed.features = row.features // the parsed snapshot: no stored text to copy
            #expect(parsed.featuresJSON == nil)
            JSONLExportWriter.encode(parsed, into: &rewritten)
            #expect(spliced.text == rewritten.text, "\(row.caseID)")
        }
        #expect(n == 300)
        #expect(copied == records.filter { !$0.features.isEmpty }.count)
        #expect(copied > 250)
    }

    /// A stored snapshot that is not one clean line of an object (edited by hand, say) is parsed
    /// and rewritten rather than copied, so it can never break a JSON Lines record.
    @Test func aSnapshotThatFailsTheGuardIsRewritten() {
        var w = JSONWriter()
        let refused = ["{\"a\":\n1}", "[1]", "{", "", "{\"a\":\"\u{1B}[2J\"}"].filter { !w.verbatim(object: $0) }
        #expect(refused.count == 5)
        #expect(w.bytes.isEmpty)
        let taken = w.verbatim(object: "{\"a\":1}")
        #expect(taken)
        #expect(w.text == "{\"a\":1}")
        let label = LabelEvent(caseID: "c", decision: "violation", analyst: "a", osUser: "a", role: .analyst,
                               createdAt: Timestamp(milliseconds: 0), appVersion: "t")
        let row = ExportRow(caseID: "c", merchantID: nil, policy: "p", featuresJSON: "{\"a\":\n 1}",
                            decode: JSONText.decodeFeatures, scores: [], label: label, samplingWeight: 1)
        var out = JSONLExportWriter()
        out.write(row)
        let text = String(decoding: out.bytes, as: UTF8.self)
        #expect(text.hasSuffix("\"features\":{\"a\":1}}\n"))
        #expect(text.filter { $0 == "\n" }.count == 1)
    }

    @Test func csvHasAStableHeaderAndOneRowPerLabelledCase() throws {
        let t = try TempDB()
        _ = try t.importFile(t.file("cases.jsonl", (1...3).map { Fixture.line(Fixture.record("c_\($0)")) }))
        try t.store.recordLabel(draft("c_1", "violation", reasons: ["unlicensed_gambling", "website_down"], note: "comma, and \"quote\""))
        var out: [UInt8] = []
        try CaseExporter(store: t.store).export(format: .csv, since: nil) { out += $0 }
        let rows = try CSVReader.records(in: out)
        #expect(rows.count == 2)
        let header = rows[0].fields
        #expect(header.prefix(4) == ["case_id", "merchant_id", "policy", "decision"])
        #expect(header.contains("score__supportability-xgb__2026-11-01"))
        #expect(header.contains("feature__account_age_days"))
        let row = Dictionary(uniqueKeysWithValues: zip(header, rows[1].fields))
        #expect(row["case_id"] == "c_1")
        #expect(row["reason_codes"] == "unlicensed_gambling|website_down")
        #expect(row["note"] == "comma, and \"quote\"")
        #expect(row["feature__kyc_ok"] == "true")
        #expect(row["score__supportability-xgb__2026-11-01"] == "0.93")
    }

    @Test func sinceFiltersByLabelTime() throws {
        let t = try TempDB()
        _ = try t.importFile(t.file("cases.jsonl", [Fixture.line(Fixture.record("c_1"))]))
        try t.store.recordLabel(draft("c_1", "violation"))
        let future = Timestamp(milliseconds: Timestamp.now().milliseconds + 60_000)
        #expect(try CaseExporter(store: t.store).export(format: .jsonl, since: future) { _ in } == 0)
        #expect(try CaseExporter(store: t.store).export(format: .jsonl, since: Timestamp(milliseconds: 0)) { _ in } == 1)
    }
}
