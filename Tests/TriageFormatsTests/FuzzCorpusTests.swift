import Foundation
import Testing
import TriageCore
import TriageFormats

/// Replays the libFuzzer seed corpus (Benchmarks/fuzz/corpus) through the fuzz target's entry
/// point: no input may crash (FuzzTarget traps on a broken invariant), and every line or row is
/// either accepted or rejected with a line number and a reason.
@Suite struct FuzzCorpusTests {
    static let corpus = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .appendingPathComponent("../../Benchmarks/fuzz/corpus").standardized

    static func inputs() throws -> [URL] {
        try FileManager.default.contentsOfDirectory(at: corpus, includingPropertiesForKeys: nil)
            .filter { !$0.lastPathComponent.hasPrefix(".") }
            .sorted { $0.lastPathComponent < $1.lastPathComponent }
    }

    @Test func corpusIsThere() throws {
        #expect(try Self.inputs().count >= 30)
    }

    @Test func everyCorpusInputDecodesOrIsRejectedWithALine() throws {
        var accepted = 0, rejected = 0
        for url in try Self.inputs() {
            let bytes = [UInt8](try Data(contentsOf: url))
            for o in FuzzTarget.run(bytes) {
                switch o.kind {
                case .stored: accepted += 1
                case .rejected:
                    rejected += 1
                    #expect(o.line >= 1 && !o.reason.isEmpty, "\(url.lastPathComponent): \(o)")
                }
            }
        }
        // The corpus holds valid cases from SampleData as well as broken ones.
        #expect(accepted >= 10)
        #expect(rejected >= 30)
    }

    /// A few seeds whose outcome is known, so that the replay also pins behaviour.
    @Test(arguments: [
        ("jsonl-duplicate-key.jsonl", "jsonl:1: not JSON: duplicate key \"case_id\" at byte 15 (column 16)"),
        ("jsonl-deep.jsonl", "jsonl:1: not JSON: nesting deeper than 64 at byte 64 (column 65)"),
        ("jsonl-nan-score.jsonl", "jsonl:1: scores[0].score: NaN is not a score (must be a number in [0, 1])"),
        ("jsonl-1e999.jsonl", "jsonl:1: not JSON: number out of range at byte 84 (column 85)"),
        ("csv-unterminated-quote.csv", "csv:2: unterminated quoted field starting at line 2, column 5"),
        ("csv-invalid-utf8.csv", "csv:2: invalid UTF-8 in field starting at line 2, column 5"),
        ("jsonl-option-like-id.jsonl", "jsonl:1: case_id: must not start with '-' (a command would read it as an option)"),
        ("jsonl-option-like-id.jsonl", "jsonl:2: case_id: must not start with '-' (a command would read it as an option)"),
        ("csv-repeated-case.csv", "csv:5: case_id: must not start with '-' (a command would read it as an option)"),
    ])
    func knownOutcomes(file: String, expected: String) throws {
        let bytes = [UInt8](try Data(contentsOf: Self.corpus.appendingPathComponent(file)))
        let outcomes = FuzzTarget.run(bytes).filter { $0.kind == .rejected }
        #expect(outcomes.map(\.description).contains(expected), "\(outcomes)")
    }

    /// Regression (found with the fuzz target's round-trip check): times before year 0000 or
    /// after 9999 were accepted, then exported as `-1199-02-15T…` or `10000-01-01T…`, which no
    /// importer reads back. They are now rejected, naming the field.
    @Test(arguments: [
        (#"-1e11"#, "flagged_at: -100000000000.0 seconds since 1970 is out of range"),
        (#"-62167219200.001"#, "flagged_at: -62167219200.001 seconds since 1970 is out of range"),
        (#""9999-12-31T23:30:00-01:00""#, "flagged_at: must be an RFC 3339 date-time such as 2026-11-20T14:03:00Z, "
            + "or seconds since 1970, got \"9999-12-31T23:30:00-01:00\""),
        (#""0000-01-01T00:30:00+01:00""#, "flagged_at: must be an RFC 3339 date-time such as 2026-11-20T14:03:00Z, "
            + "or seconds since 1970, got \"0000-01-01T00:30:00+01:00\""),
        (#"-62167219200"#, nil),
        (#""9999-12-31T23:59:59.999Z""#, nil),
        (#"253402300799.999"#, nil),
    ])
    func timesOutsideFourDigitYearsAreRejected(flaggedAt: String, expected: String?) throws {
        let line = #"{"case_id":"c","merchant":{"name":"M"},"scores":[{"model":"m","version":"1","score":0.5}],"flagged_at":"#
            + flaggedAt + "}"
        let outcomes = FuzzTarget.run(Array(line.utf8)).filter { $0.format == "jsonl" }
        #expect(outcomes.map(\.description) == ["jsonl:1: " + (expected ?? "ok")])
    }

    @Test func csvEpochSecondsOutsideFourDigitYearsAreRejected() throws {
        let csv = "case_id,merchant_name,model,model_version,score,flagged_at\nc,M,m,1,0.5,-100000000000\nc,M,m,1,0.5,-62167219200\n"
        let outcomes = FuzzTarget.run(Array(csv.utf8)).filter { $0.format == "csv" }
        #expect(outcomes.map(\.description) == [
            "csv:2: flagged_at: not an RFC 3339 timestamp (2026-11-20T14:03:00Z) or epoch seconds: \"-100000000000\"",
            "csv:3: ok",
        ])
    }

    /// A row of 100,000 fields is one recoverable error, not 100,000 strings in memory.
    @Test func tooManyFieldsIsRecoverable() throws {
        var reader = CSVReader()
        reader.feed(Array("a,b\n".utf8) + [UInt8](repeating: 0x2C, count: 100_000) + Array("\nc,d\n".utf8))
        reader.finish()
        #expect(try reader.next()?.fields == ["a", "b"])
        #expect(throws: CSVError(kind: .tooManyFields(limit: 10_000), line: 2, column: 10_001, recordLine: 2)) {
            try reader.next()
        }
        #expect(try reader.next() == CSVRecord(line: 3, fields: ["c", "d"]))
        #expect(try reader.next() == nil)
    }

    @Test func aRecordTooLongIsRejectedAndReadingGoesOn() throws {
        var reader = CSVReader(maxFieldBytes: 100, maxRecordBytes: 250)
        reader.feed(Array("x\n".utf8) + Array((0..<4).map { _ in String(repeating: "y", count: 90) }.joined(separator: ",").utf8)
                    + Array("\nz\n".utf8))
        reader.finish()
        #expect(try reader.next()?.fields == ["x"])
        let e = CSVError(kind: .recordTooLong(limit: 250), line: 2, column: nil, recordLine: 2)
        #expect(throws: e) { try reader.next() }
        #expect(try reader.next()?.fields == ["z"])
        #expect(try reader.next() == nil)
    }
}
