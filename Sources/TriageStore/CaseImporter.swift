import Foundation
import TriageCore
import TriageFormats

/// The file formats `triage import` reads.
public enum ImportFormat: String, Sendable, CaseIterable {
    /// JSON Lines: one case object per line (the canonical format).
    case jsonl
    /// CSV with a header row of flat columns (one score per row).
    case csv

    /// The format a file name suggests: `.csv` (also `.csv.gz`-less) is CSV, anything else JSON Lines.
    public static func guess(path: String) -> ImportFormat {
        path.lowercased().hasSuffix(".csv") ? .csv : .jsonl
    }
}

/// Errors that stop an import as a whole (as opposed to a bad line).
public enum ImportError: Error, Sendable, CustomStringConvertible {
    case cannotRead(path: String, reason: String)
    case cannotWriteRejects(path: String, reason: String)
    case badHeader(path: String, reason: String)
    /// The file cannot be split into records past some point (an unterminated CSV quote):
    /// nothing of it is stored.
    case malformed(path: String, reason: String)

    public var description: String {
        switch self {
        case .cannotRead(let p, let r): return "cannot read \(p): \(r)"
        case .cannotWriteRejects(let p, let r): return "cannot write the rejects file \(p): \(r)"
        case .badHeader(let p, let r): return "\(p): line 1: \(r)"
        case .malformed(let p, let r): return "\(p): \(r); nothing from this file was stored"
        }
    }
}

/// A bad line: where it is and what is wrong with it.
public struct ImportProblem: Sendable, Equatable, CustomStringConvertible {
    public var file: String
    public var line: Int
    /// The field (JSON path or CSV column); empty when the whole line is bad (not JSON…).
    public var field: String
    public var reason: String

    public init(file: String, line: Int, field: String, reason: String) {
        self.file = file
        self.line = line
        self.field = field
        self.reason = reason
    }

    /// `file:line: field: reason`, the form editors and `grep -n` understand.
    public var description: String {
        field.isEmpty ? "\(file):\(line): \(reason)" : "\(file):\(line): \(field): \(reason)"
    }
}

/// How an import behaves.
public struct ImportOptions: Sendable {
    public var format: ImportFormat?
    /// Store the good lines and write the bad ones to `rejectsPath`, instead of storing nothing.
    public var skipInvalid: Bool
    public var rejectsPath: String?
    /// The policy area for lines that name none.
    public var defaultPolicy: String?
    public var additivityTolerance: Double
    /// Who runs the import (recorded on the batch).
    public var importedBy: String
    /// At most this many problems are kept for the report (all are counted).
    public var maxProblemsKept: Int

    public init(format: ImportFormat? = nil, skipInvalid: Bool = false, rejectsPath: String? = nil,
                defaultPolicy: String? = nil, additivityTolerance: Double = CaseRules.defaultTolerance,
                importedBy: String, maxProblemsKept: Int = 1000) {
        self.format = format
        self.skipInvalid = skipInvalid
        self.rejectsPath = rejectsPath
        self.defaultPolicy = defaultPolicy
        self.additivityTolerance = additivityTolerance
        self.importedBy = importedBy
        self.maxProblemsKept = maxProblemsKept
    }
}

/// What an import did.
public struct ImportReport: Sendable {
    public var file: String
    /// The stored batch; nil when nothing was stored (bad lines without `--skip-invalid`).
    public var batch: ImportBatch?
    public var read: Int
    public var rejected: Int
    /// The first problems found (see ``ImportOptions/maxProblemsKept``).
    public var problems: [ImportProblem]
    /// Names of CSV columns that were not understood (ignored).
    public var ignoredColumns: [String]
}

/// Progress of a running import, for a progress bar.
public struct ImportProgress: Sendable {
    public var file: String
    public var bytesRead: Int64
    public var totalBytes: Int64?
    public var linesRead: Int
}

/// Reads case files, validates every line and writes the good ones through a ``CaseStore``.
///
/// One transaction per file: by default a file with any bad line stores nothing (every problem
/// is still reported, with file, line, field and reason); with ``ImportOptions/skipInvalid`` the
/// good lines are stored and the bad ones are copied, byte for byte, to the rejects file.
public struct CaseImporter {
    public let store: any CaseStore
    public let options: ImportOptions
    public var progress: ((ImportProgress) -> Void)?

    public init(store: any CaseStore, options: ImportOptions, progress: ((ImportProgress) -> Void)? = nil) {
        self.store = store
        self.options = options
        self.progress = progress
    }

    /// Imports one file (`-` reads standard input).
    public func importFile(_ path: String) throws -> ImportReport {
        let taxonomy = try store.taxonomy()
        let rules = CaseRules(taxonomy: taxonomy, additivityTolerance: options.additivityTolerance,
                              defaultPolicy: options.defaultPolicy)
        let format = options.format ?? ImportFormat.guess(path: path)
        let source = try ByteSource(path: path)
        let display = path == "-" ? "<stdin>" : path
        var rejects: RejectsWriter?
        if options.skipInvalid, let r = options.rejectsPath { rejects = try RejectsWriter(path: r) }
        var problems: [ImportProblem] = []
        var read = 0, rejected = 0
        var ignored: [String] = []
        var lastReport = Date.distantPast
        let info = ImportBatchInfo(fileName: display, format: format.rawValue, startedAt: .now(), importedBy: options.importedBy)

        func report(_ line: Int, _ issues: [FieldIssue]) {
            for i in issues where problems.count < options.maxProblemsKept {
                problems.append(ImportProblem(file: display, line: line, field: i.field, reason: i.reason))
            }
        }
        func tick(_ lines: Int) {
            guard let progress else { return }
            let now = Date()
            if now.timeIntervalSince(lastReport) >= 0.1 {
                lastReport = now
                progress(ImportProgress(file: display, bytesRead: source.bytesRead, totalBytes: source.totalBytes, linesRead: lines))
            }
        }

        var batch: ImportBatch?
        do {
            batch = try store.importBatch(info) { sink in
                var writing = true
                func handle(_ decoded: DecodedLine, line: Int, raw: () -> ArraySlice<UInt8>) throws {
                    read += 1
                    var issues: [FieldIssue] = []
                    switch decoded {
                    case .issues(let i): issues = i
                    case .record(let record):
                        issues = rules.issues(in: record)
                        if issues.isEmpty {
                            if writing { _ = try sink.write(record, policy: record.policy ?? options.defaultPolicy ?? "") }
                            return
                        }
                    }
                    rejected += 1
                    report(line, issues)
                    if options.skipInvalid { try rejects?.write(raw()) } else { writing = false }
                }
                switch format {
                case .jsonl:
                    var lines = LineReader(source: source)
                    // Python's json.dumps writes NaN/Infinity for non-finite floats (a missing
                    // feature is NaN); accept exactly those, and let the decoder and rules judge them.
                    let parser = JSONParser(limits: JSONLimits(allowsNonFiniteNumbers: true))
                    while let next = try lines.next() {
                        let n = lines.lineNumber
                        switch next {
                        case .tooLong(let bytes):
                            read += 1
                            rejected += 1
                            report(n, [FieldIssue(field: "", reason: "line longer than \(lines.maxLineBytes >> 20) MiB (at least \(bytes) bytes); not read")])
                            if !options.skipInvalid { writing = false }
                        case .line(let bytes):
                            // Blank lines (spaces, tabs, stray carriage returns) are allowed, and so is
                            // a byte-order mark at the start of the file (a file of only a BOM is empty).
                            let blank = n == 1 && bytes.starts(with: [0xEF, 0xBB, 0xBF]) ? bytes.dropFirst(3) : bytes
                            if blank.allSatisfy({ $0 == 32 || $0 == 9 || $0 == 13 }) { continue }
                            let decoded: DecodedLine
                            do throws(JSONError) {
                                let value = try parser.parse(bytes)
                                do throws(FieldIssue) {
                                    decoded = .record(try CaseRecordJSON.decode(value))
                                } catch {
                                    decoded = .issues([error])
                                }
                            } catch {
                                decoded = .issues([FieldIssue(field: "", reason: "not JSON: \(error)")])
                            }
                            try handle(decoded, line: n, raw: { bytes })
                        }
                        tick(n)
                    }
                case .csv:
                    var csv = try CSVCaseReader(source: source, fileName: display)
                    ignored = csv.ignoredColumns
                    rejects?.header = csv.headerBytes
                    while let (n, decoded, raw) = try csv.next() {
                        try handle(decoded, line: n, raw: { raw })
                        tick(n)
                    }
                }
                return ImportFeedResult(commit: writing, read: read, rejected: rejected, sha256: source.sha256Hex())
            }
        } catch is ImportRolledBackSignal {
            batch = nil
        }
        try rejects?.close()
        return ImportReport(file: display, batch: batch, read: read, rejected: rejected, problems: problems,
                            ignoredColumns: ignored)
    }
}

/// Backends throw an error conforming to this when the feed asked for a rollback.
public protocol ImportRolledBackSignal: Error {}

/// Copies rejected lines, untouched, to the rejects file.
final class RejectsWriter {
    let path: String
    private var handle: FileHandle
    private var buffer: [UInt8] = []
    private var wroteAny = false

    init(path: String) throws {
        self.path = path
        guard FileManager.default.createFile(atPath: path, contents: nil),
              let h = FileHandle(forWritingAtPath: path) else {
            throw ImportError.cannotWriteRejects(path: path, reason: String(cString: strerror(errno)))
        }
        handle = h
    }

    /// For CSV: the header row, written before the first rejected row so the rejects file can be
    /// fixed and imported again.
    var header: [UInt8]?

    func write(_ line: ArraySlice<UInt8>) throws {
        if !wroteAny, let header {
            buffer.append(contentsOf: header)
            buffer.append(10)
        }
        buffer.append(contentsOf: line)
        buffer.append(10)
        wroteAny = true
        if buffer.count > 1 << 20 { try flush() }
    }

    private func flush() throws {
        try handle.write(contentsOf: buffer)
        buffer.removeAll(keepingCapacity: true)
    }

    func close() throws {
        do {
            try flush()
            try handle.close()
        } catch {
            throw ImportError.cannotWriteRejects(path: path, reason: "\(error)")
        }
    }
}

/// One line of input after decoding: a record to check against the rules, or what is wrong with
/// its shape.
enum DecodedLine {
    case record(CaseRecord)
    case issues([FieldIssue])
}
