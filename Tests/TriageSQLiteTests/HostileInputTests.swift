import Foundation
import GRDB
import Testing
import TriageCore
import TriageFormats
import TriageSQLite
import TriageStore

/// Hostile and broken input through the real importer, on real database files (issue 7).
///
/// Limits in force (see the report in the README): a JSON Lines line is at most 16 MiB
/// (`LineReader.maxLineBytes`); a JSON document at most 16 MiB, nesting 64, 10,000 members per
/// array or object, strings 1 MiB (`JSONLimits.default`); a CSV field at most 64 MiB, a CSV record
/// at most 10,000 fields and 64 MiB (`CSVReader.defaultMaxFieldBytes`, `defaultMaxFields`,
/// `defaultMaxRecordBytes`).
@Suite struct HostileInputTests {
    static let good1 = Fixture.line(Fixture.record("c_1"))
    static let good2 = Fixture.line(Fixture.record("c_2"))

    /// Writes raw bytes to a file in the test directory.
    static func write(_ t: TempDB, _ name: String, _ bytes: [UInt8]) -> String {
        let p = t.dir + "/" + name
        _ = FileManager.default.createFile(atPath: p, contents: Data(bytes))
        return p
    }

    static func bytes(_ s: String) -> [UInt8] { Array(s.utf8) }

    /// The UTF-8 offset of the first occurrence of `part` in `s`.
    static func offset(of part: String, in s: String) -> Int {
        s.utf8.distance(from: s.startIndex, to: s.range(of: part)!.lowerBound)
    }

    /// good line, `bad`, good line: by default nothing is stored and the problem is `expected`;
    /// with --skip-invalid the two good lines are stored and the bad one goes to the rejects file.
    static func checkSandwiched(_ bad: [UInt8], _ expected: (String) -> String, file: String = "bad.jsonl",
                                sourceLocation: SourceLocation = #_sourceLocation) throws {
        let t = try TempDB()
        let path = write(t, file, bytes(good1 + "\n") + bad + bytes("\n" + good2 + "\n"))
        let report = try t.importFile(path)
        #expect(report.batch == nil, sourceLocation: sourceLocation)
        #expect(report.read == 3 && report.rejected == 1, sourceLocation: sourceLocation)
        #expect(report.problems.map(\.description) == [expected(path)], sourceLocation: sourceLocation)
        #expect(try storedCaseIDs(t).isEmpty, sourceLocation: sourceLocation)
        #expect(try t.store.importBatches(limit: 10).isEmpty, sourceLocation: sourceLocation)

        let rejects = t.dir + "/rejects.jsonl"
        let skipping = try t.importFile(path, skipInvalid: true, rejects: rejects)
        let b = try #require(skipping.batch, sourceLocation: sourceLocation)
        #expect(b.inserted == 2 && b.rejected == 1, sourceLocation: sourceLocation)
        #expect(try storedCaseIDs(t) == ["c_1", "c_2"], sourceLocation: sourceLocation)
        #expect(skipping.problems.map(\.description) == [expected(path)], sourceLocation: sourceLocation)
    }

    static func storedCaseIDs(_ t: TempDB) throws -> [String] {
        try DatabaseQueue(path: t.path).read { db in try String.fetchAll(db, sql: "SELECT case_id FROM cases ORDER BY 1") }
    }

    /// A valid line with `member` (e.g. `"x": 1`) added to its top-level object.
    static func lineWith(_ member: String, _ line: String = good1) -> String {
        String(line.dropLast()) + ", " + member + "}"
    }

    // MARK: Size

    /// A 10 MB line is read (lines up to 16 MiB are), and rejected by the JSON parser's 1 MiB
    /// string limit, naming the line and the byte where the string starts.
    @Test func tenMegabyteLine() throws {
        let prefix = #"{"case_id": "c_big", "merchant": {"name": "X", "description": ""#
        let line = Self.bytes(prefix) + [UInt8](repeating: 0x61, count: 10_000_000) + Self.bytes(#""}}"#)
        try Self.checkSandwiched(line) { "\($0):2: not JSON: string longer than 1 MiB at byte 62 (column 63)" }
    }

    /// A 10 MB line made of many small values hits the per-array limit instead.
    @Test func tenMegabyteLineOfNumbers() throws {
        let numbers = [String](repeating: "123456789", count: 1_000_000).joined(separator: ",")
        let line = Self.lineWith(#""extra": [\#(numbers)]"#)
        // The 10,001st element, each "123456789," taking 10 bytes.
        let at = Self.offset(of: "[123456789", in: line) + 1 + 10_000 * 10
        try Self.checkSandwiched(Self.bytes(line)) {
            "\($0):2: not JSON: more than 10000 elements in an array at byte \(at) (column \(at + 1))"
        }
    }

    /// A line over 16 MiB is never buffered whole: it is skipped with a clear error.
    @Test func lineOverTheLineLimit() throws {
        let t = try TempDB()
        let huge = [UInt8](repeating: 0x20, count: 17 << 20)
        let path = Self.write(t, "huge.jsonl", Self.bytes(Self.good1 + "\n") + huge + Self.bytes("\n" + Self.good2 + "\n"))
        let report = try t.importFile(path)
        #expect(report.batch == nil && report.read == 3 && report.rejected == 1)
        let p = try #require(report.problems.first)
        #expect(p.file == path && p.line == 2 && p.field == "")
        #expect(p.reason.hasPrefix("line longer than 16 MiB (at least "), "\(p)")
        #expect(try Self.storedCaseIDs(t).isEmpty)
        let b = try #require(try t.importFile(path, skipInvalid: true).batch)
        #expect(b.inserted == 2 && b.rejected == 1)
    }

    /// 100,000 attribution items: over the 10,000-element limit, rejected at the array's 10,001st
    /// element (quickly: the parser stops there).
    @Test func hundredThousandAttributionItems() throws {
        let item = #"{"feature": "f", "contribution": 0}"#
        let items = [String](repeating: item, count: 100_000).joined(separator: ", ")
        let line = #"{"case_id": "c_9", "policy": "gambling", "merchant": {"name": "X"}, "#
            + #""scores": [{"model": "m", "version": "1", "score": 0.5}], "#
            + #""attributions": {"model": "m", "base_value": 0, "items": ["# + items + "]}}"
        let at = line.utf8.count - items.utf8.count - 3 + 10_000 * (item.utf8.count + 2)
        let start = ContinuousClock.now
        try Self.checkSandwiched(Self.bytes(line)) {
            "\($0):2: not JSON: more than 10000 elements in an array at byte \(at) (column \(at + 1))"
        }
        print("100,000 attribution items: two imports in \(ContinuousClock.now - start)")
    }

    /// 10,000 attribution items (the limit) import, and in reasonable time.
    @Test func tenThousandAttributionItemsImport() throws {
        let t = try TempDB()
        let items = (0..<10_000).map { #"{"feature": "f\#($0)", "value": \#($0), "contribution": \#($0 == 0 ? 1 : 0)}"# }
        let line = #"{"case_id": "c_9", "policy": "gambling", "merchant": {"name": "X"}, "#
            + #""scores": [{"model": "m", "version": "1", "score": 0.5}], "#
            + #""attributions": {"model": "m", "base_value": -1, "items": ["# + items.joined(separator: ", ") + "]}}"
        let start = ContinuousClock.now
        let b = try #require(try t.importFile(t.file("wide.jsonl", [line])).batch)
        let elapsed = ContinuousClock.now - start
        print("10,000 attribution items (\(line.utf8.count) bytes): imported in \(elapsed)")
        #expect(b.inserted == 1)
        #expect(try t.store.caseDetail(caseID: "c_9")?.attributions.first?.items.count == 10_000)
        #expect(elapsed < .seconds(30))
    }

    // MARK: Encoding

    @Test func invalidUTF8NamesLineAndByte() throws {
        // "c_\xFF": byte 15 of the line is the 0xFF.
        let line = Self.bytes(#"{"case_id": "c_"#) + [0xFF] + Self.bytes(#"", "merchant": {"name": "X"}}"#)
        try Self.checkSandwiched(line) { "\($0):2: not JSON: invalid UTF-8 at byte 15 (column 16)" }
    }

    @Test func invalidUTF8OutsideAStringAndOverlongForms() throws {
        try Self.checkSandwiched([0xC0, 0xAF]) { "\($0):2: not JSON: invalid UTF-8 at byte 0 (column 1)" }
        // An encoded surrogate (U+D800 as ED A0 80) inside a string.
        try Self.checkSandwiched(Self.bytes(#"{"case_id": ""#) + [0xED, 0xA0, 0x80] + Self.bytes(#""}"#)) {
            "\($0):2: not JSON: invalid UTF-8 at byte 13 (column 14)"
        }
    }

    @Test func rawNULByteIsRejected() throws {
        let line = Self.bytes(#"{"case_id": "c_"#) + [0] + Self.bytes(#""}"#)
        try Self.checkSandwiched(line) {
            "\($0):2: not JSON: control character U+0000 in string must be escaped at byte 15 (column 16)"
        }
        try Self.checkSandwiched([0]) { "\($0):2: not JSON: expected a value, found U+0000 at byte 0 (column 1)" }
    }

    /// `\u0000` is valid JSON, but SQLite text would end there: the field is named.
    @Test func escapedNULIsRejectedNamingTheField() throws {
        let line = Self.good2.replacingOccurrences(of: "\"Lucky Spins\"", with: #""Lucky\u0000Spins""#)
        try Self.checkSandwiched(Self.bytes(line)) {
            "\($0):2: merchant.name: contains a NUL character (U+0000), which cannot be stored"
        }
    }

    @Test func csvInvalidUTF8AndNUL() throws {
        let t = try TempDB()
        let header = "case_id,policy,merchant_name,model,model_version,score\n"
        let path = Self.write(t, "bad.csv", Self.bytes(header + "c_1,gambling,Good,m,1,0.5\n")
            + Self.bytes("c_2,gambling,Bad") + [0xFF] + Self.bytes(",m,1,0.5\n")
            + Self.bytes("c_3,gambling,Nul") + [0] + Self.bytes(",m,1,0.5\nc_4,gambling,Good,m,1,0.5\n"))
        let report = try t.importFile(path)
        #expect(report.batch == nil && report.read == 4 && report.rejected == 2)
        #expect(report.problems.map(\.description) == [
            "\(path):3: invalid UTF-8 in field starting at line 3, column 14",
            "\(path):4: merchant.name: contains a NUL character (U+0000), which cannot be stored",
        ])
        #expect(try Self.storedCaseIDs(t).isEmpty)
        let b = try #require(try t.importFile(path, skipInvalid: true).batch)
        #expect(b.inserted == 2 && b.rejected == 2)
        #expect(try Self.storedCaseIDs(t) == ["c_1", "c_4"])
    }

    // MARK: Structure

    /// 10,000 nested arrays: a depth error at the 64th level, no recursion, no stack overflow.
    @Test func tenThousandDeepNesting() throws {
        let prefix = String(Self.lineWith(#""x": "#).dropLast())
        let line: String = prefix + String(repeating: "[", count: 10_000) + String(repeating: "]", count: 10_000) + "}"
        // The record object is level 1, so the 64th "[" is one too many.
        let at = prefix.utf8.count + 63
        try Self.checkSandwiched(Self.bytes(line)) { "\($0):2: not JSON: nesting deeper than 64 at byte \(at) (column \(at + 1))" }
        let objects: String = prefix + String(repeating: #"{"a":"#, count: 10_000) + "1" + String(repeating: "}", count: 10_001)
        try Self.checkSandwiched(Self.bytes(objects)) {
            "\($0):2: not JSON: nesting deeper than 64 at byte \(at * 1 + 63 * 4) (column \(at + 63 * 4 + 1))"
        }
    }

    /// The documented leniency: Python's NaN/Infinity are accepted by the parser; in features
    /// they are missing values, in scores, thresholds, base values and contributions they are
    /// rejected naming the field; 1e999 (too big for a Double) is not a number at all.
    @Test(arguments: [
        (#""score":0.93"#, #""score":NaN"#, "scores[0].score: NaN is not a score (must be a number in [0, 1])"),
        (#""score":0.93"#, #""score":Infinity"#, "scores[0].score: Infinity is not a score (must be a number in [0, 1])"),
        (#""threshold":0.5"#, #""threshold":-Infinity"#,
         "scores[0].threshold: -Infinity is not a threshold (must be a number in [0, 1])"),
        (#""base_value":-1.5"#, #""base_value":NaN"#, "attributions.base_value: must be a finite number, got NaN"),
        (#""contribution":2}"#, #""contribution":Infinity}"#,
         "attributions.items[0].contribution: must be a finite number, got Infinity"),
        (#""score":0.93"#, #""score":1e999"#, "not JSON: number out of range at byte ~"),
        (#""score":0.93"#, #""score":nan"#,
         "not JSON: invalid number 'nan' (only NaN, Infinity and -Infinity are accepted) at byte ~"),
        (#""flagged_at":"2026-11-20T14:03:00.000Z""#, #""flagged_at":NaN"#,
         "flagged_at: must be a finite number of seconds since 1970, got NaN"),
    ])
    func nonFiniteNumbers(original: String, replacement: String, expected: String) throws {
        #expect(Self.good2.contains(original), "fixture changed: \(Self.good2)")
        let line = Self.good2.replacingOccurrences(of: original, with: replacement)
        var message = expected
        if message.hasSuffix("~") {
            // The error points at the number: right after the key and its colon.
            let at = Self.offset(of: replacement, in: line) + replacement.utf8.count
                - replacement.split(separator: ":", maxSplits: 1)[1].utf8.count
            message = String(message.dropLast()) + "\(at) (column \(at + 1))"
        }
        try Self.checkSandwiched(Self.bytes(line)) { "\($0):2: \(message)" }
    }

    @Test func nonFiniteFeatureValuesAreMissing() throws {
        let t = try TempDB()
        #expect(Self.good1.contains(#""features":{"#))
        let line = Self.good1.replacingOccurrences(of: #""features":{"#, with: #""features":{"a":NaN,"b":Infinity,"c":-Infinity,"#)
        let b = try #require(try t.importFile(t.file("nan.jsonl", [line])).batch)
        #expect(b.inserted == 1)
        let d = try #require(try t.store.caseDetail(caseID: "c_1"))
        #expect(d.features.prefix(4).map(\.value) == [.null, .null, .null, .number(0.97)])
    }

    /// Duplicate keys are rejected (RFC 8259 leaves them undefined; Python keeps the last one,
    /// JavaScript too — guessing could import a score the model did not give), naming the key.
    @Test func duplicateKeys() throws {
        let line = Self.good2.replacingOccurrences(of: #""score":0.93"#, with: #""score":0.93,"score":0.1"#)
        let at = Self.offset(of: #""score":0.1"#, in: line)
        try Self.checkSandwiched(Self.bytes(line)) {
            "\($0):2: not JSON: duplicate key \"score\" at byte \(at) (column \(at + 1))"
        }
        let top = Self.lineWith(#""case_id": "c_other""#, Self.good2)
        let at2 = top.utf8.count - #""case_id": "c_other"}"#.utf8.count
        try Self.checkSandwiched(Self.bytes(top)) {
            "\($0):2: not JSON: duplicate key \"case_id\" at byte \(at2) (column \(at2 + 1))"
        }
    }

    // MARK: CSV structure

    static let csvHeader = "case_id,policy,merchant_name,model,model_version,score"

    /// A quote never closed: the rest of the file cannot be split into rows, so the import stops
    /// with an error naming where the quoted field starts, and stores nothing, even with
    /// --skip-invalid.
    @Test func csvQuoteNeverClosed() throws {
        let t = try TempDB()
        let path = t.file("open.csv", [Self.csvHeader, "c_1,gambling,Good,m,1,0.5", #"c_2,gambling,"Open quote,m,1,0.5"#,
                                       "c_3,gambling,Good,m,1,0.5"])
        for skip in [false, true] {
            do {
                _ = try t.importFile(path, skipInvalid: skip)
                Issue.record("expected an error")
            } catch let e as ImportError {
                #expect(e.description
                    == "\(path): unterminated quoted field starting at line 3, column 14; nothing from this file was stored")
            }
            #expect(try Self.storedCaseIDs(t).isEmpty)
            #expect(try t.store.importBatches(limit: 10).isEmpty)
        }
    }

    /// A row with 100,000 columns: one error at its line (the reader keeps at most 10,000 fields
    /// of a record, so memory stays bounded), and the rows around it import with --skip-invalid.
    @Test func csvRowWithHundredThousandColumns() throws {
        let t = try TempDB()
        let wide = "c_2,gambling,Wide,m,1,0.5" + String(repeating: ",x", count: 100_000)
        let path = t.file("wide.csv", [Self.csvHeader, "c_1,gambling,Good,m,1,0.5", wide, "c_3,gambling,Good,m,1,0.5"])
        let start = ContinuousClock.now
        let report = try t.importFile(path)
        print("CSV row of 100,006 columns: import in \(ContinuousClock.now - start)")
        #expect(report.batch == nil && report.read == 3 && report.rejected == 1)
        #expect(report.problems.map(\.description) == ["\(path):3: record starting at line 3 has more than 10000 fields"])
        #expect(try Self.storedCaseIDs(t).isEmpty)
        let rejects = t.dir + "/rejects.csv"
        let b = try #require(try t.importFile(path, skipInvalid: true, rejects: rejects).batch)
        #expect(b.inserted == 2 && b.rejected == 1)
        #expect(try Self.storedCaseIDs(t) == ["c_1", "c_3"])
    }

    /// A row with more fields than the header (but under the limit) is named with its count.
    @Test func csvRowWithExtraColumns() throws {
        let t = try TempDB()
        let path = t.file("extra.csv", [Self.csvHeader, "c_1,gambling,Good,m,1,0.5" + String(repeating: ",", count: 500)])
        let report = try t.importFile(path)
        #expect(report.problems.map(\.description) == ["\(path):2: row has 506 fields but the header has 6"])
    }

    @Test func csvHeaderWithHundredThousandColumns() throws {
        let t = try TempDB()
        let header = Self.csvHeader + (0..<100_000).map { ",feature__f\($0)" }.joined()
        let path = t.file("wideheader.csv", [header, "c_1,gambling,Good,m,1,0.5"])
        #expect(throws: ImportError.self) { try t.importFile(path) }
        do { _ = try t.importFile(path) } catch {
            #expect("\(error)" == "\(path): line 1: record starting at line 1 has more than 10000 fields")
        }
        #expect(try Self.storedCaseIDs(t).isEmpty)
    }

    // MARK: Empty and odd files

    @Test(arguments: ["empty", "newlines", "crlf", "bom", "bom-newlines"])
    func emptyJSONLinesFilesImportNothing(kind: String) throws {
        let t = try TempDB()
        let content: [UInt8] = switch kind {
        case "empty": []
        case "newlines": [UInt8](repeating: 10, count: 1000)
        case "crlf": Array(String(repeating: "\r\n", count: 1000).utf8)
        case "bom": [0xEF, 0xBB, 0xBF]
        default: [0xEF, 0xBB, 0xBF, 10, 10, 13, 10]
        }
        let path = Self.write(t, "\(kind).jsonl", content)
        let report = try t.importFile(path)
        #expect(report.problems.isEmpty, "\(report.problems)")
        #expect(report.read == 0 && report.rejected == 0)
        #expect(try Self.storedCaseIDs(t).isEmpty)
    }

    @Test(arguments: ["empty", "newlines", "bom"])
    func emptyCSVFilesAreAHeaderError(kind: String) throws {
        let t = try TempDB()
        let content: [UInt8] = switch kind {
        case "empty": []
        case "newlines": Array("\n\r\n\n".utf8)
        default: [0xEF, 0xBB, 0xBF]
        }
        let path = Self.write(t, "\(kind).csv", content)
        do {
            _ = try t.importFile(path)
            Issue.record("expected an error")
        } catch {
            #expect("\(error)" == "\(path): line 1: the file is empty: a CSV import needs a header row")
        }
        #expect(try Self.storedCaseIDs(t).isEmpty)
    }

    @Test func byteOrderMarkIsSkipped() throws {
        let t = try TempDB()
        let jsonl = Self.write(t, "bom.jsonl", [0xEF, 0xBB, 0xBF] + Self.bytes(Self.good1 + "\n" + Self.good2 + "\n"))
        #expect(try t.importFile(jsonl).batch?.inserted == 2)
        let csv = Self.write(t, "bom.csv", [0xEF, 0xBB, 0xBF] + Self.bytes(Self.csvHeader + "\nc_3,gambling,Good,m,1,0.5\n"))
        #expect(try t.importFile(csv).batch?.inserted == 1)
        #expect(try Self.storedCaseIDs(t) == ["c_1", "c_2", "c_3"])
    }

    /// A BOM anywhere but at the start of a line is not whitespace.
    @Test func byteOrderMarkInsideALine() throws {
        let line = Self.bytes(#"{"case_id": "#) + [0xEF, 0xBB, 0xBF] + Self.bytes(#""c_9"}"#)
        try Self.checkSandwiched(line) { "\($0):2: not JSON: expected a value, found U+FEFF at byte 12 (column 13)" }
    }
}
