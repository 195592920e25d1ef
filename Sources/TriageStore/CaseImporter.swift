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
    /// The rejects file could not be written (or would overwrite the database or an input).
    case output(OutputFileError)
    case badHeader(path: String, reason: String)
    /// The file cannot be split into records past some point (an unterminated CSV quote):
    /// nothing of it is stored.
    case malformed(path: String, reason: String)
    /// A record that was good when checked was bad when written: the file changed during the
    /// import. What was written before it stays, as an unfinished import.
    case changedWhileImporting(path: String, problem: String)
    /// Writing stopped (a full disk, a file-size limit, an I/O error) after `stored` records of
    /// the input were committed: they stay, as an unfinished import that running the same import
    /// again resumes. `reason` is the store's error.
    case interrupted(path: String, stored: Int, reason: StoreError)

    public var description: String {
        switch self {
        case .cannotRead(let p, let r): return "cannot read \(p): \(r)"
        case .output(let e): return "rejects file: \(e)"
        case .badHeader(let p, let r): return "\(p): line 1: \(r)"
        case .malformed(let p, let r): return "\(p): \(r); nothing from this file was stored"
        case .interrupted(let p, let stored, let reason):
            // The store's words for the failure, without its "nothing was saved" (true of one
            // transaction, not of an import that commits in chunks).
            let why = reason.description.replacingOccurrences(of: ": nothing was saved; ", with: "; ")
                .replacingOccurrences(of: ": nothing was saved", with: "")
            return "\(p): writing stopped before the end: \(why). The first \(stored) records of the file are stored, "
                + "as an unfinished import (`triage stats` lists it); run the same `triage import` again to resume after them"
        case .changedWhileImporting(let p, let problem):
            return "\(p) changed while it was being imported (\(problem)); the records before that line are stored "
                + "as an unfinished import: fix the file and import it again"
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
    /// Files the rejects file must not overwrite (the database); the input is added by the importer.
    public var protectedFiles: ProtectedFiles

    public init(format: ImportFormat? = nil, skipInvalid: Bool = false, rejectsPath: String? = nil,
                defaultPolicy: String? = nil, additivityTolerance: Double = CaseRules.defaultTolerance,
                importedBy: String, maxProblemsKept: Int = 1000, protectedFiles: ProtectedFiles = ProtectedFiles()) {
        self.format = format
        self.skipInvalid = skipInvalid
        self.rejectsPath = rejectsPath
        self.defaultPolicy = defaultPolicy
        self.additivityTolerance = additivityTolerance
        self.importedBy = importedBy
        self.maxProblemsKept = maxProblemsKept
        self.protectedFiles = protectedFiles
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
    /// When this import resumed an interrupted one of the same input: how many records that one
    /// had already handled (0 for a fresh import).
    public var resumedAfter: Int
    /// How long the check of every record took, and the writing after it.
    public var checkSeconds: Double
    public var writeSeconds: Double
}

/// Progress of a running import, for a progress bar.
public struct ImportProgress: Sendable {
    /// What an import is doing: reading standard input into a temporary file, checking every
    /// record (no lock held), or writing them.
    public enum Phase: String, Sendable {
        case reading, checking, writing
    }
    public var file: String
    public var phase: Phase
    public var bytesRead: Int64
    public var totalBytes: Int64?
    public var linesRead: Int
}

/// Reads case files, validates every line and writes the good ones through a ``CaseStore``.
///
/// Two passes over the input. The first checks every record without touching the store: by
/// default a file with any bad line stores nothing (every problem is still reported, with file,
/// line, field and reason); with ``ImportOptions/skipInvalid`` the bad lines are copied, byte for
/// byte, to the rejects file. The second writes the good records through the store, which commits
/// them in short chunks so that people keep labelling during a long import. An import that is
/// killed leaves an unfinished batch; importing the same input again resumes it where it stopped.
/// Standard input is first copied to a temporary file (in `TMPDIR`) so it can be read twice.
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
        let display = path == "-" ? "<stdin>" : path
        // Standard input is read from a copy, removed when this returns (or on a quit signal).
        let spool = path == "-" ? try spoolStandardInput(format: format) : nil
        let readPath = spool?.path ?? path
        defer { spool?.remove() }

        // Pass 1: check everything, hold no lock.
        let clock = ContinuousClock()
        let checkStart = clock.now
        let check = try checkPass(readPath, display: display, format: format, rules: rules)
        let checkSeconds = Self.seconds(clock.now - checkStart)
        if check.rejected > 0 && !options.skipInvalid {
            return ImportReport(file: display, batch: nil, read: check.read, rejected: check.rejected,
                                problems: check.problems, ignoredColumns: check.ignored, resumedAfter: 0,
                                checkSeconds: checkSeconds, writeSeconds: 0)
        }
        let writeStart = clock.now

        // Pass 2: write, in the store's chunks; resume an interrupted import of the same input.
        let source = try ByteSource(path: readPath)
        let info = ImportBatchInfo(fileName: display, format: format.rawValue, startedAt: .now(),
                                   importedBy: options.importedBy, sha256: check.sha256)
        var resumedAfter = 0
        var changedAt: ImportProblem?
        var ticker = Ticker(file: display, phase: .writing, source: source, progress: progress)
        let batch: ImportBatch
        var committed = 0
        do {
            batch = try store.importBatch(info) { sink in
                resumedAfter = sink.resumeAfter
                defer { committed = sink.committed }
                try scan(source, display: display, format: format, rules: rules, prepare: true, stage: sink.stage,
                         skip: sink.resumeAfter) { item in
                    ticker.tick(item.line)
                    if let prepared = item.prepared {
                        _ = try sink.write(prepared)
                        return true
                    }
                    if options.skipInvalid {
                        try sink.reject()
                        return true
                    }
                    // Pass 1 found this record good: the file changed under us.
                    changedAt = ImportProblem(file: display, line: item.line, field: item.issues.first?.field ?? "",
                                              reason: item.issues.first?.reason ?? "bad record")
                    return false
                }
                return ImportFeedResult(commit: changedAt == nil, sha256: source.sha256Hex())
            }
        } catch is ImportRolledBackSignal {
            throw ImportError.changedWhileImporting(path: display, problem: changedAt?.description ?? "")
        } catch let e as StoreError where committed > 0 {
            throw ImportError.interrupted(path: display, stored: committed, reason: e)
        }
        return ImportReport(file: display, batch: batch, read: batch.read, rejected: batch.rejected,
                            problems: check.problems, ignoredColumns: check.ignored, resumedAfter: resumedAfter,
                            checkSeconds: checkSeconds, writeSeconds: Self.seconds(clock.now - writeStart))
    }

    private static func seconds(_ d: Duration) -> Double {
        Double(d.components.seconds) + Double(d.components.attoseconds) / 1e18
    }

    /// What the first pass found.
    private struct Check {
        var read = 0, rejected = 0
        var problems: [ImportProblem] = []
        var ignored: [String] = []
        var sha256 = ""
    }

    /// Decodes and validates every record; copies bad ones to the rejects file (`--skip-invalid`).
    private func checkPass(_ path: String, display: String, format: ImportFormat, rules: CaseRules) throws -> Check {
        let source = try ByteSource(path: path)
        var check = Check()
        var rejects: RejectsWriter?
        if options.skipInvalid, let r = options.rejectsPath {
            var protected = options.protectedFiles
            protected.input(path)
            if display != path { protected.input("-") }
            rejects = try RejectsWriter(path: r, protecting: protected)
        }
        var ticker = Ticker(file: display, phase: .checking, source: source, progress: progress)
        check.ignored = try scan(source, display: display, format: format, rules: rules, prepare: false, skip: 0,
                                 header: { rejects?.header = $0 }) { item in
            check.read += 1
            ticker.tick(item.line)
            if item.issues.isEmpty { return true }
            check.rejected += 1
            for i in item.issues where check.problems.count < options.maxProblemsKept {
                check.problems.append(ImportProblem(file: display, line: item.line, field: i.field, reason: i.reason))
            }
            try rejects?.write(item.raw)
            return true
        }
        check.sha256 = source.sha256Hex()
        try rejects?.close()
        return check
    }

    /// One record of the input as the scan hands it over: decoded and checked against the rules.
    /// A good record has no issues (and, when the scan prepares, its ``PreparedCase``).
    private struct Item: Sendable {
        var line: Int
        var record: CaseRecord?
        var issues: [FieldIssue]
        var raw: ArraySlice<UInt8>
        var prepared: PreparedCase?
    }

    /// Splits the input into records, decodes and checks each (JSON Lines on worker threads, in
    /// batches, handed back in input order), and calls `body` until it returns false. The first
    /// `skip` records are read (and hashed) but not decoded. With `prepare`, good records come
    /// with their ``PreparedCase``, staged by `stage` where there is one (on the worker threads
    /// too, for JSON Lines). Returns the CSV columns that were not understood.
    @discardableResult
    private func scan(_ source: ByteSource, display: String, format: ImportFormat, rules: CaseRules, prepare: Bool,
                      stage: (@Sendable (PreparedCase) -> any Sendable)? = nil,
                      skip: Int, header: ([UInt8]?) -> Void = { _ in }, _ body: (inout Item) throws -> Bool) throws -> [String] {
        let check = RecordCheck(rules: rules, prepare: prepare, stage: stage, defaultPolicy: options.defaultPolicy)
        var skip = skip
        switch format {
        case .jsonl:
            var lines = LineReader(source: source)
            let work = OrderedWork<[Item]>()
            var atEnd = false
            while true {
                // Keep a few batches decoding ahead of the one handed over.
                while !atEnd && work.inFlight < OrderedWork<[Item]>.depth {
                    let batch = try LineBatch.read(from: &lines, skip: &skip)
                    if batch.entries.isEmpty { atEnd = true } else { work.submit { check.decode(batch) } }
                }
                guard let items = work.next() else { return [] }
                for var item in items {
                    if try !body(&item) { return [] }
                }
                // Freeing a batch's records (tens of thousands of strings) is left to another
                // thread too: this one is the store's writer.
                let done = consume items
                DispatchQueue.global(qos: .utility).async { withExtendedLifetime(done) {} }
            }
        case .csv:
            var csv = try CSVCaseReader(source: source, fileName: display)
            header(csv.headerBytes)
            while let (n, decoded, raw) = try csv.next() {
                if skip > 0 { skip -= 1; continue }
                var item = Item(line: n, issues: [], raw: raw)
                switch decoded {
                case .record(let r): check.judge(r, into: &item)
                case .issues(let i): item.issues = i
                }
                if try !body(&item) { break }
            }
            return csv.ignoredColumns
        }
    }

    /// Decodes and checks records; safe to run on any thread.
    private struct RecordCheck: Sendable {
        let rules: CaseRules
        let prepare: Bool
        let stage: (@Sendable (PreparedCase) -> any Sendable)?
        let defaultPolicy: String?
        // Python's json.dumps writes NaN/Infinity for non-finite floats (a missing feature is
        // NaN); accept exactly those, and let the decoder and rules judge them.
        let parser = JSONParser(limits: JSONLimits(allowsNonFiniteNumbers: true))

        func judge(_ record: CaseRecord, into item: inout Item) {
            item.record = record
            item.issues = rules.issues(in: record)
            if prepare && item.issues.isEmpty {
                var prepared = PreparedCase(record, policy: record.policy ?? defaultPolicy ?? "")
                if let stage { prepared.staged = stage(prepared) }
                item.prepared = prepared
            }
        }

        func decode(_ batch: LineBatch) -> [Item] {
            batch.entries.map { entry in
                switch entry {
                case .tooLong(let line, let bytes, let limit):
                    return Item(line: line, issues: [FieldIssue(field: "", reason: "line longer than \(limit >> 20) MiB (at least \(bytes) bytes); not read")], raw: [])
                case .line(let line, let range):
                    let bytes = batch.bytes[range]
                    var item = Item(line: line, issues: [], raw: bytes)
                    do throws(JSONError) {
                        let value = try parser.parse(bytes)
                        do throws(FieldIssue) {
                            judge(try CaseRecordJSON.decode(value), into: &item)
                        } catch {
                            item.issues = [error]
                        }
                    } catch {
                        item.issues = [FieldIssue(field: "", reason: "not JSON: \(error)")]
                    }
                    return item
                }
            }
        }
    }

    /// Records of a JSON Lines input, copied out of the reader's buffer so that another thread
    /// can decode them: about 1 MiB or 512 records at a time.
    private struct LineBatch: Sendable {
        enum Entry: Sendable {
            case line(Int, Range<Int>)
            case tooLong(line: Int, bytes: Int, limit: Int)
        }
        var bytes: [UInt8] = []
        var entries: [Entry] = []

        /// The next batch; empty at the end of the input. Blank lines (spaces, tabs, stray
        /// carriage returns) are passed over, and so is a byte-order mark at the start of the
        /// file; the first `skip` records are counted off without being copied.
        static func read(from lines: inout LineReader, skip: inout Int) throws -> LineBatch {
            var batch = LineBatch()
            batch.bytes.reserveCapacity(1 << 20 + 1 << 16)
            while batch.bytes.count < 1 << 20 && batch.entries.count < 512, let next = try lines.next() {
                let n = lines.lineNumber
                switch next {
                case .tooLong(let bytes):
                    if skip > 0 { skip -= 1; continue }
                    batch.entries.append(.tooLong(line: n, bytes: bytes, limit: lines.maxLineBytes))
                case .line(let bytes):
                    let blank = n == 1 && bytes.starts(with: [0xEF, 0xBB, 0xBF]) ? bytes.dropFirst(3) : bytes
                    if blank.allSatisfy({ $0 == 32 || $0 == 9 || $0 == 13 }) { continue }
                    if skip > 0 { skip -= 1; continue }
                    let start = batch.bytes.count
                    batch.bytes.append(contentsOf: bytes)
                    batch.entries.append(.line(n, start..<batch.bytes.count))
                }
            }
            return batch
        }
    }

    /// The longest physical line standard input may have, in any format: no valid case file has
    /// one anywhere near (a JSON Lines line is at most 16 MiB, a CSV field 1 MiB), and an input
    /// without line breaks (`/dev/zero`) must not be copied for ever.
    public static let standardInputLineLimit: Int64 = 1 << 30

    /// Copies standard input to a temporary file in `TMPDIR` (so the import can read it twice)
    /// and returns it; the file is removed when it is released, and by the quit signals' handlers
    /// if the process is ended meanwhile (``TemporaryFile``).
    ///
    /// The copy is bounded: it stops (storing nothing) at a line longer than
    /// ``standardInputLineLimit``, and, for JSON Lines without `--skip-invalid`, at the first line
    /// longer than the line limit (the import would store nothing anyway); with it, only the
    /// first limit + 1 bytes of such a line are copied (the check reports it as too long, as for
    /// a file). A full disk is a clear error.
    private func spoolStandardInput(format: ImportFormat) throws -> TemporaryFile {
        let dir = ProcessInfo.processInfo.environment["TMPDIR"].flatMap { $0.isEmpty ? nil : $0 } ?? "/tmp"
        let spool: TemporaryFile
        do { spool = try TemporaryFile(directory: dir, prefix: "triage-stdin-") }
        catch {
            throw ImportError.cannotRead(path: "<stdin>", reason: "cannot create a temporary file in \(dir) (TMPDIR): \(error.reason)")
        }
        let source = try ByteSource(path: "-")
        var ticker = Ticker(file: "<stdin>", phase: .reading, source: source, progress: progress)
        // Where the copy stops (storing nothing), and how much of one line it keeps: a JSON Lines
        // line past the line limit is reported as too long without being read, so its first
        // limit + 1 bytes are all the check needs.
        let maxLine = Int64(LineReader(source: source).maxLineBytes)
        let stopAt: Int64 = format == .jsonl && !options.skipInvalid ? maxLine : Self.standardInputLineLimit
        let keepPerLine: Int64 = format == .jsonl ? maxLine + 1 : .max
        var buffer: [UInt8] = [], kept: [UInt8] = []
        buffer.reserveCapacity(ByteSource.chunkSize)
        kept.reserveCapacity(ByteSource.chunkSize)
        var line = 1
        var lineBytes: Int64 = 0
        while try source.read(into: &buffer) {
            kept.removeAll(keepingCapacity: true)
            var tooLong = false
            buffer.withUnsafeBufferPointer { p in
                guard let base = p.baseAddress else { return }
                var k = 0
                while k < p.count {
                    let nl = memchr(base + k, 10, p.count - k).map { UnsafePointer($0.assumingMemoryBound(to: UInt8.self)) - base }
                    let end = nl ?? p.count
                    let keep = Int(max(0, min(Int64(end - k), keepPerLine - lineBytes)))
                    kept.append(contentsOf: UnsafeBufferPointer(start: base + k, count: keep))
                    lineBytes += Int64(end - k)
                    if lineBytes > stopAt {
                        tooLong = true
                        return
                    }
                    guard let nl else { return }
                    kept.append(10)
                    line += 1
                    lineBytes = 0
                    k = nl + 1
                }
            }
            if tooLong {
                let what = stopAt == Self.standardInputLineLimit ? "1 GiB (is it a case file?)"
                    : "\(stopAt >> 20) MiB, so this import would store nothing"
                throw ImportError.malformed(path: "<stdin>", reason: "line \(line) is longer than \(what); standard input was read no further")
            }
            if let e = FileIO.writeAll(spool.fd, kept) {
                throw ImportError.cannotRead(path: "<stdin>", reason: "cannot copy it to \(dir) (TMPDIR): \(String(cString: strerror(e)))")
            }
            buffer.removeAll(keepingCapacity: true)
            ticker.tick(0)
        }
        return spool
    }
}

/// Reports progress at most every 100 ms.
private struct Ticker {
    let file: String
    let phase: ImportProgress.Phase
    let source: ByteSource
    let progress: ((ImportProgress) -> Void)?
    var last = Date.distantPast

    init(file: String, phase: ImportProgress.Phase, source: ByteSource, progress: ((ImportProgress) -> Void)?) {
        self.file = file
        self.phase = phase
        self.source = source
        self.progress = progress
    }

    mutating func tick(_ lines: Int) {
        guard let progress else { return }
        let now = Date()
        guard now.timeIntervalSince(last) >= 0.1 else { return }
        last = now
        progress(ImportProgress(file: file, phase: phase, bytesRead: source.bytesRead, totalBytes: source.totalBytes, linesRead: lines))
    }
}

/// Runs closures on other threads and hands their results back in the order they were submitted,
/// with at most ``depth`` in flight: the importer's decoding runs on the spare cores while the
/// calling thread writes (or tallies) the batch before.
final class OrderedWork<T: Sendable> {
    /// How many results may be pending at once: enough to keep every core busy.
    static var depth: Int { 2 * max(1, ProcessInfo.processInfo.activeProcessorCount) + 1 }

    private final class Slot: @unchecked Sendable {
        // Written once by the worker before `done` is signalled, read after waiting on it.
        var value: T?
        let done = DispatchSemaphore(value: 0)
    }
    private var slots: [Slot] = []
    private var head = 0

    /// Results not yet taken by ``next()``.
    var inFlight: Int { slots.count - head }

    func submit(_ work: @escaping @Sendable () -> T) {
        let slot = Slot()
        slots.append(slot)
        DispatchQueue.global(qos: .userInitiated).async {
            slot.value = work()
            slot.done.signal()
        }
    }

    /// The oldest pending result, waiting for it; nil when none is pending.
    func next() -> T? {
        guard head < slots.count else { return nil }
        let slot = slots[head]
        head += 1
        if head > 64 {
            slots.removeFirst(head)
            head = 0
        }
        slot.done.wait()
        return slot.value
    }
}

/// Backends throw an error conforming to this when the feed asked for a rollback.
public protocol ImportRolledBackSignal: Error {}

/// Copies rejected lines, untouched, to the rejects file (written beside it and renamed into
/// place when the check ends, never over the database or the input: see ``AtomicFileWriter``).
final class RejectsWriter {
    let path: String
    private let file: AtomicFileWriter
    private var buffer: [UInt8] = []
    private var wroteAny = false

    init(path: String, protecting: ProtectedFiles) throws {
        self.path = path
        do { file = try AtomicFileWriter(path: path, protecting: protecting) }
        catch { throw ImportError.output(error) }
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
        do { try file.write(buffer) } catch { throw ImportError.output(error) }
        buffer.removeAll(keepingCapacity: true)
    }

    func close() throws {
        try flush()
        do { try file.commit() } catch { throw ImportError.output(error) }
    }
}

/// One line of input after decoding: a record to check against the rules, or what is wrong with
/// its shape.
enum DecodedLine {
    case record(CaseRecord)
    case issues([FieldIssue])
}
