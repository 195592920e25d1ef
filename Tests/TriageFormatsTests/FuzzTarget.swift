// The code path libFuzzer drives (Benchmarks/fuzz/run.sh compiles this file together with
// TriageCore and the parsing sources of TriageFormats and Benchmarks/fuzz/main.swift), and that
// FuzzCorpusTests replays over the seed corpus in Benchmarks/fuzz/corpus. It does per input what
// the importer does per line (JSON Lines) and per row (CSV), without the store, and checks a few
// invariants by trapping, so that libFuzzer reports them as crashes:
//
// - every rejection names a line (>= 1) and has a non-empty reason;
// - a CSV input gives the same records and errors whether it is fed whole or in small chunks;
// - a JSON record that passes the rules encodes to JSON that parses and decodes to the same record.

import TriageCore
import TriageFormats

enum FuzzTarget {
    /// What happened to one line (JSON Lines) or row (CSV).
    struct Outcome: Equatable, CustomStringConvertible {
        enum Kind: Equatable { case stored, rejected }
        var format: String
        var kind: Kind
        var line: Int
        /// The field (JSON path or CSV column); empty when the whole line or row is bad.
        var field: String
        var reason: String
        var description: String {
            "\(format):\(line): \(kind == .stored ? "ok" : field.isEmpty ? reason : "\(field): \(reason)")"
        }
    }

    static let rules = CaseRules(taxonomy: .standard, defaultPolicy: "fraud")
    /// The importer's parser: default limits, Python's NaN/Infinity accepted.
    static let lenient = JSONParser(limits: JSONLimits(allowsNonFiniteNumbers: true))
    static let strict = JSONParser()

    /// Runs `bytes` through both formats and returns every line's and row's outcome.
    @discardableResult
    static func run(_ bytes: UnsafeRawBufferPointer) -> [Outcome] {
        var out = jsonLines(bytes)
        // The whole input as one (possibly multi-line) document, for the line/column arithmetic.
        if case .failure(let e) = Result(catching: { () throws(JSONError) in try strict.parse(bytes) }) {
            check(e.line >= 1 && e.column >= 1 && e.offset >= 0 && e.offset <= bytes.count, "bad JSON error position \(e)")
        }
        out += csv(bytes)
        for o in out where o.kind == .rejected {
            check(o.line >= 1 && !o.reason.isEmpty, "rejection without a line or reason: \(o)")
        }
        return out
    }

    static func run(_ bytes: [UInt8]) -> [Outcome] { bytes.withUnsafeBytes { run($0) } }

    // MARK: JSON Lines

    /// Splits at LF (dropping one CR before it), skips blank lines, and parses, decodes and
    /// validates each line, as CaseImporter does.
    static func jsonLines(_ bytes: UnsafeRawBufferPointer) -> [Outcome] {
        var out: [Outcome] = []
        var start = 0, line = 0
        while start < bytes.count {
            var end = start
            while end < bytes.count && bytes[end] != 10 { end += 1 }
            let next = end + 1
            if end > start && bytes[end - 1] == 13 { end -= 1 }
            line += 1
            let slice = UnsafeRawBufferPointer(rebasing: bytes[start..<end])
            start = next
            if slice.allSatisfy({ $0 == 32 || $0 == 9 || $0 == 13 }) { continue }
            out.append(jsonLine(slice, line: line))
        }
        return out
    }

    static func jsonLine(_ bytes: UnsafeRawBufferPointer, line: Int) -> Outcome {
        let value: JSONValue
        do throws(JSONError) {
            value = try lenient.parse(bytes)
        } catch {
            check(error.offset >= 0 && error.offset <= bytes.count, "JSON error offset out of range: \(error)")
            return Outcome(format: "jsonl", kind: .rejected, line: line, field: "", reason: "not JSON: \(error)")
        }
        let record: CaseRecord
        do throws(FieldIssue) {
            record = try CaseRecordJSON.decode(value)
        } catch {
            return Outcome(format: "jsonl", kind: .rejected, line: line, field: error.field, reason: error.reason)
        }
        let issues = rules.issues(in: record)
        if let first = issues.first {
            return Outcome(format: "jsonl", kind: .rejected, line: line, field: first.field, reason: first.reason)
        }
        // Round trip: what the exporter would write must read back as the same record.
        let text = CaseRecordJSON.encode(record)
        switch Result(catching: { () throws(JSONError) in try strict.parse(text) }) {
        case .failure(let e):
            check(false, "re-encoded record does not parse: \(e)\n\(text)")
        case .success(let v):
            do throws(FieldIssue) {
                let again = try CaseRecordJSON.decode(v)
                check(again == record, "JSON round trip changed the record:\n\(record)\n\(again)")
            } catch {
                check(false, "re-encoded record does not decode: \(error)\n\(text)")
            }
        }
        return Outcome(format: "jsonl", kind: .stored, line: line, field: "", reason: "")
    }

    // MARK: CSV

    /// The first record is the header; each later record is decoded and validated, as
    /// CSVCaseReader and CaseImporter do.
    static func csv(_ bytes: UnsafeRawBufferPointer) -> [Outcome] {
        let whole = csvRecords(bytes, chunk: max(bytes.count, 1))
        // The chunk size comes from the input, so libFuzzer explores chunk boundaries.
        let chunk = bytes.isEmpty ? 1 : Int(bytes[0] % 7) + 1
        let chunked = csvRecords(bytes, chunk: chunk)
        check(whole == chunked, "CSV differs when fed in chunks of \(chunk):\n\(whole)\n\(chunked)")

        var out: [Outcome] = []
        var decoder: CaseRecordCSV?
        for r in whole {
            switch r {
            case .failure(let e):
                check(e.line >= 1 && e.recordLine >= 1, "CSV error without a line: \(e)")
                out.append(Outcome(format: "csv", kind: .rejected, line: e.recordLine, field: "", reason: e.description))
                if !e.isRecoverable { return out }
            case .success(let record):
                guard let d = decoder else {
                    do throws(CaseRecordCSV.HeaderError) {
                        decoder = try CaseRecordCSV(header: record)
                    } catch {
                        check(!error.issues.isEmpty, "header error without issues")
                        let i = error.issues[0]
                        out.append(Outcome(format: "csv", kind: .rejected, line: record.line, field: i.field,
                                           reason: i.reason))
                        return out
                    }
                    continue
                }
                do throws(CaseRecordCSV.RowError) {
                    let rec = try d.record(from: record)
                    if let first = rules.issues(in: rec).first {
                        out.append(Outcome(format: "csv", kind: .rejected, line: record.line, field: first.field,
                                           reason: first.reason))
                    } else {
                        out.append(Outcome(format: "csv", kind: .stored, line: record.line, field: "", reason: ""))
                    }
                } catch {
                    check(!error.issues.isEmpty && error.line == record.line, "row error without issues or line")
                    let i = error.issues[0]
                    out.append(Outcome(format: "csv", kind: .rejected, line: record.line, field: i.field, reason: i.reason))
                }
            }
        }
        return out
    }

    /// Every record (or error) of `bytes`, fed to a reader `chunk` bytes at a time; stops after
    /// a fatal error.
    static func csvRecords(_ bytes: UnsafeRawBufferPointer, chunk: Int) -> [Result<CSVRecord, CSVError>] {
        var reader = CSVReader()
        var out: [Result<CSVRecord, CSVError>] = []
        func drain() -> Bool {
            while true {
                do throws(CSVError) {
                    guard let r = try reader.next() else { return true }
                    out.append(.success(r))
                } catch {
                    out.append(.failure(error))
                    if !error.isRecoverable { return false }
                }
            }
        }
        var start = 0
        while start < bytes.count {
            let end = min(start + chunk, bytes.count)
            reader.feed(UnsafeRawBufferPointer(rebasing: bytes[start..<end]))
            start = end
            if !drain() { return out }
        }
        reader.finish()
        _ = drain()
        return out
    }

    /// Traps with `message` when `condition` is false (in release builds too).
    static func check(_ condition: Bool, _ message: @autoclosure () -> String) {
        if !condition { fatalError(message()) }
    }
}
