import Foundation
import TriageCore
import TriageFormats
import TriagePostgres
import TriageSQLite
import TriageStore
import TriageUI

// triage-bench: how triage performs on a big database, operation by operation (issue 10).
//
//   swift run -c release triage-bench [--cases N] [--into URL] [--db PATH|URL] [--reps R] [--json FILE] [--python]
//
// Without --db it writes N sample cases (default 100,000) with `triage sample`'s generator, times
// their import (end to end: parse, validate, write, full-text index) and then works on that
// database (a temporary SQLite file, or with --into the PostgreSQL database at URL, which must be
// empty or freshly initialized); with --db it works on an existing one, SQLite or PostgreSQL (it
// records --reps labels in it). A PostgreSQL password comes from PGPASSWORD or ~/.pgpass. Each operation
// runs R times (default 200) and reports p50, p99 and max; browsing runs in a child process of its
// own so its peak RSS is the workbench's, not the import's. --python also times
// Benchmarks/python_import.py on the same file (a plain json + sqlite3 loader).

struct Options {
    var cases = 100_000
    var db: String?
    var into: String?
    var reps = 200
    var json: String?
    var python = false
    var child: String?   // internal: "browse" or "first-frame"
}

func parseOptions() -> Options {
    var o = Options()
    var args = CommandLine.arguments.dropFirst()
    func value(_ flag: String) -> String {
        guard let v = args.popFirst() else { fail("\(flag) needs a value") }
        return v
    }
    while let a = args.popFirst() {
        switch a {
        case "--cases": o.cases = Int(value(a)) ?? { fail("--cases takes a number") }()
        case "--db": o.db = value(a)
        case "--into": o.into = value(a)
        case "--reps": o.reps = Int(value(a)) ?? { fail("--reps takes a number") }()
        case "--json": o.json = value(a)
        case "--python": o.python = true
        case "--child": o.child = value(a)
        case "-h", "--help":
            print("""
            usage: triage-bench [--cases N] [--into URL] [--db PATH|URL] [--reps R] [--json FILE] [--python]
              --cases N   cases to generate and import (default 100000; 1000000 for the README's table)
              --into URL  import them into this PostgreSQL database (empty or just `triage db init`ed)
                          instead of a temporary SQLite file
              --db DB     work on this existing database instead, a SQLite file or a postgres:// URL
                          (it gains --reps labels)
              --reps R    repetitions per operation (default 200)
              --json F    also write the results as JSON
              --python    also time Benchmarks/python_import.py on the same file
            """)
            exit(0)
        default: fail("unknown argument \(a) (see --help)")
        }
    }
    if o.into != nil, o.db != nil { fail("--into imports a new benchmark database; --db works on an existing one: give one of them") }
    if let into = o.into, postgresAddress(into) == nil { fail("--into takes a postgres:// URL") }
    if o.python, o.into != nil { fail("--python compares SQLite loaders; it does not go with --into") }
    return o
}

/// The PostgreSQL address in `db`, or nil when it names a SQLite file.
func postgresAddress(_ db: String) -> PostgresAddress? {
    guard case .postgres(let a)? = try? DatabaseLocation.parse(db, environment: ProcessInfo.processInfo.environment,
                                                                osUser: NSUserName()) else { return nil }
    return a
}

func postgresPassword(_ a: PostgresAddress) throws -> String? {
    try PostgresPassword.resolve(for: a, environment: ProcessInfo.processInfo.environment,
                                 home: FileManager.default.homeDirectoryForCurrentUser.path, configured: nil)
}

/// The store at `db`, as `triage` opens it: a SQLite file, or a postgres:// URL.
func openStore(_ db: String, create: Bool = false, interactive: Bool = false) throws -> any CaseStore {
    if let a = postgresAddress(db) {
        let password = try postgresPassword(a)
        if create, try PostgresStore.status(a, password: password) == nil {
            _ = try PostgresStore.initialize(a, password: password)
        }
        return try PostgresStore(address: a, password: password)
    }
    return try SQLiteStore(path: db, create: create, checkpointsInBackground: interactive)
}

func fail(_ message: String) -> Never {
    FileHandle.standardError.write(Data("triage-bench: \(message)\n".utf8))
    exit(2)
}

/// One operation's timings, in milliseconds.
struct Result: Codable {
    var name: String
    var unit = "ms"
    var p50: Double
    var p99: Double
    var max: Double
    var count: Int
    var note: String?

    init(_ name: String, samples: [Double], note: String? = nil) {
        let s = samples.sorted()
        self.name = name
        p50 = s.isEmpty ? 0 : s[(s.count - 1) / 2]
        p99 = s.isEmpty ? 0 : s[min(s.count - 1, Int((Double(s.count) * 0.99).rounded(.up)) - 1)]
        max = s.last ?? 0
        count = s.count
        self.note = note
    }

    init(_ name: String, value: Double, unit: String, note: String? = nil) {
        self.name = name
        self.unit = unit
        p50 = value
        p99 = value
        max = value
        count = 1
        self.note = note
    }
}

func millis(_ body: () throws -> Void) rethrows -> Double {
    let t = DispatchTime.now().uptimeNanoseconds
    try body()
    return Double(DispatchTime.now().uptimeNanoseconds - t) / 1e6
}

/// A memory figure of this process from /proc/self/status, in MB: `VmHWM` (the peak resident
/// set; not getrusage's ru_maxrss, which survives exec, so a child would report its parent's
/// peak) or `VmRSS` (resident now).
func statusMegabytes(_ field: String) -> Double {
    let status = (try? String(contentsOfFile: "/proc/self/status", encoding: .utf8)) ?? ""
    guard let line = status.split(separator: "\n").first(where: { $0.hasPrefix(field + ":") }),
          let kb = Double(line.split(separator: " ").dropFirst().first ?? "") else { return 0 }
    return kb / 1024
}

func peakRSSMegabytes() -> Double { statusMegabytes("VmHWM") }
func residentMegabytes() -> Double { statusMegabytes("VmRSS") }

func log(_ s: String) { FileHandle.standardError.write(Data((s + "\n").utf8)) }

// MARK: - Children

/// The name on the benchmark's labels: on PostgreSQL it must be the database user (the database
/// checks it), on SQLite "bench".
func analyst(_ db: String) -> String { postgresAddress(db)?.user ?? "bench" }

/// Opens the workbench on `db` and exits after the first complete frame (the parent times it).
func firstFrame(_ db: String) throws {
    let store = try openStore(db)
    let runtime = WorkbenchRuntime(store: store, options: WorkbenchOptions(analyst: analyst(db), databaseName: "bench"),
                                   size: TerminalSize(width: 160, height: 48))
    runtime.start()
    let frame = runtime.frame()
    guard runtime.state.selectedDetail != nil else { fail("the first frame has no case detail") }
    FileHandle.standardOutput.write(Data("frame \(frame.rowText(0).count)\n".utf8))
}

/// Browses `db` as an analyst would, timing each key, then prints the results as JSON.
func browse(_ db: String, reps: Int) throws {
    // As `triage open` opens it: on SQLite, checkpoints in the background, not inside a label's commit.
    let store = try openStore(db, interactive: true)
    let me = analyst(db)
    let runtime = WorkbenchRuntime(store: store, options: WorkbenchOptions(analyst: me, databaseName: "bench"),
                                   size: TerminalSize(width: 160, height: 48))
    runtime.start()
    var results: [Result] = []
    func key(_ k: Key) { runtime.handle(key: k); _ = runtime.frame() }
    func timed(_ name: String, _ n: Int, setup: () -> Void = {}, _ body: () -> Void) {
        var s: [Double] = []
        // One untimed repetition first: the targets are for a warm cache.
        for i in 0...n {
            setup()
            let t = millis { body(); _ = runtime.frame() }
            if i > 0 { s.append(t) }
        }
        // The peak so far, so that a growth in memory can be pinned on the operation that made it.
        results.append(Result(name, samples: s, note: "peak RSS so far \(Int(peakRSSMegabytes())) MB"))
    }
    func typeLine(_ text: String) { for c in text { runtime.handle(key: .char(c)) } }

    timed("next case (j)", reps) { runtime.handle(key: .char("j")) }
    timed("previous case (k)", reps) { runtime.handle(key: .char("k")) }
    timed("page down", reps) { runtime.handle(key: .pageDown) }
    timed("jump to the end (G)", min(reps, 50), setup: { key(.char("g")) }) { runtime.handle(key: .char("G")) }
    timed("sort change (o)", min(reps, 60)) { runtime.handle(key: .char("o")) }
    // The filters are measured on the queue in score order (the sort above cycles through all three).
    while runtime.state.query.sort != .score { key(.char("o")) }
    timed("policy filter (p)", min(reps, 60)) { runtime.handle(key: .char("p")) }
    while runtime.state.query.policy != nil { key(.char("p")) }
    for (name, filter) in [("score-range filter", "score>=0.8 score<=0.95"), ("country filter", "country=US")] {
        // Each repetition goes from the unfiltered queue to the filtered one.
        timed(name, min(reps, 40), setup: { key(.char("f")); key(.enter); key(.char("f")); typeLine(filter) }) {
            runtime.handle(key: .enter)
        }
        // Each repetition must really have applied the filter (else the timing means nothing).
        guard runtime.state.query.minScore != nil || runtime.state.query.country != nil else { fail("\(name) was not applied") }
        key(.char("f")); runtime.handle(key: .enter) // clear
    }
    for (name, term) in [("search, common term", "casino"), ("search, rare term", "zzyzx")] {
        timed(name, min(reps, 40), setup: { key(.char("/")); key(.enter); key(.char("/")); typeLine(term) }) {
            runtime.handle(key: .enter)
        }
        guard runtime.state.query.search == term else { fail("the search for \(term) was not applied") }
        key(.char("/")); runtime.handle(key: .enter)
    }
    // The target is for browsing; the dashboard's label quality (below) is measured apart.
    results.append(Result("peak RSS while browsing", value: peakRSSMegabytes(), unit: "MB"))
    timed("dashboard (D), queue and model figures", min(reps, 20), setup: { if runtime.state.dashboard != nil { key(.char("D")) } }) {
        runtime.handle(key: .char("D"))
    }
    key(.escape)
    // Every D above also started the label-quality figures (every project's consensus) on a
    // background thread; let them finish, then time them on their own.
    while runtime.isBusy { _ = runtime.poll(); usleep(5_000) }
    results.append(Result("peak RSS with the dashboard", value: peakRSSMegabytes(), unit: "MB",
                          note: "RSS now \(Int(residentMegabytes())) MB"))
    let fresh = try openStore(db)
    let cold = try millis { _ = try fresh.labelQuality() }
    results.append(Result("dashboard label quality, first time", value: cold, unit: "ms",
                          note: "background thread; the dashboard is already on screen; peak RSS so far \(Int(peakRSSMegabytes())) MB"))
    var lq: [Double] = []
    for _ in 0..<min(reps, 20) { lq.append(try millis { _ = try fresh.labelQuality() }) }
    results.append(Result("dashboard label quality, labels unchanged", samples: lq))

    // One durable label, the workbench's own transaction, on the next open cases.
    let ids = try store.queuePage(QueueQuery(), after: nil, limit: reps).map(\.caseID)
    var s: [Double] = []
    for id in ids {
        let d = LabelDraft(caseID: id, kind: .label, decision: "escalate", reasonCodes: ["needs_specialist"], note: nil,
                           analyst: me, osUser: "bench", role: .analyst, dwellMs: 1000, modelVersionsSeen: [])
        s.append(try millis { _ = try store.recordLabel(d) })
    }
    results.append(Result("label commit (durable)", samples: s))

    // Export of every label, to nowhere.
    var bytes = 0
    var rows = 0
    let t = try millis { rows = try CaseExporter(store: store).export(format: .jsonl, since: nil) { bytes += $0.count } }
    results.append(Result("export (JSON Lines)", value: Double(rows) / (t / 1000), unit: "rows/s",
                          note: "\(rows) rows, \(bytes >> 20) MiB in \(Int(t)) ms"))
    let data = try JSONEncoder().encode(results)
    print(String(decoding: data, as: UTF8.self))
}

// MARK: - Parent

func run(_ argv: [String]) throws -> (status: Int32, stdout: String) {
    let p = Process()
    p.executableURL = URL(fileURLWithPath: argv[0])
    p.arguments = Array(argv.dropFirst())
    let out = Pipe()
    p.standardOutput = out
    try p.run()
    let data = out.fileHandleForReading.readDataToEndOfFile()
    p.waitUntilExit()
    return (p.terminationStatus, String(decoding: data, as: UTF8.self))
}

func main() throws {
    let o = parseOptions()
    if let child = o.child {
        guard let db = o.db else { fail("--child needs --db") }
        switch child {
        case "first-frame": try firstFrame(db)
        case "browse": try browse(db, reps: o.reps)
        default: fail("unknown child \(child)")
        }
        return
    }
    let me = URL(fileURLWithPath: CommandLine.arguments[0]).resolvingSymlinksInPath().path
    var results: [Result] = []
    var db = o.db ?? ""
    var dir: String?
    if o.db == nil {
        let d = NSTemporaryDirectory() + "triage-bench-" + UUID().uuidString
        try FileManager.default.createDirectory(atPath: d, withIntermediateDirectories: true)
        dir = d
        db = o.into ?? d + "/bench.sqlite"
        let file = d + "/cases.jsonl"
        log("writing \(o.cases) sample cases to \(file)…")
        let gen = SampleGenerator(seed: 1)
        guard FileManager.default.createFile(atPath: file, contents: nil) else { fail("cannot create \(file)") }
        let h = FileHandle(forWritingAtPath: file)!
        var buffer = ""
        for i in 0..<o.cases {
            buffer += CaseRecordJSON.encode(gen.record(at: i)) + "\n"
            if buffer.utf8.count > 1 << 20 { h.write(Data(buffer.utf8)); buffer = "" }
        }
        h.write(Data(buffer.utf8))
        try h.close()
        log("importing into \(db)…")
        let store = try openStore(db, create: true)
        guard try store.stats().totalCases == 0 else { fail("\(db) already holds cases: --into wants an empty database") }
        var report: ImportReport?
        let t = try millis {
            report = try CaseImporter(store: store, options: ImportOptions(importedBy: analyst(db))).importFile(file)
        }
        try (store as? SQLiteStore)?.checkpoint()
        let n = report?.batch?.inserted ?? 0
        results.append(Result("import", value: Double(n) / (t / 1000), unit: "cases/s",
                              note: "\(n) cases in \(String(format: "%.1f", t / 1000)) s, peak RSS \(Int(peakRSSMegabytes())) MB"))
        if o.python {
            let script = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
                .deletingLastPathComponent().appendingPathComponent("Benchmarks/python_import.py").path
            log("importing with \(script)…")
            var out = ""
            let tp = try millis { out = try run(["/usr/bin/env", "python3", script, file, d + "/python.sqlite"]).stdout }
            results.append(Result("import, Python json + sqlite3", value: Double(o.cases) / (tp / 1000), unit: "cases/s",
                                  note: out.trimmingCharacters(in: .whitespacesAndNewlines)))
        }
        log("labelling a tenth of the cases for the dashboard…")
        let ids = try store.queuePage(QueueQuery(sort: .age), after: nil, limit: o.cases / 10).map(\.caseID)
        // On PostgreSQL the database user is the only name a label may carry.
        let pg = postgresAddress(db)
        for (i, id) in ids.enumerated() {
            let (decision, reason) = i % 3 == 0 ? ("escalate", "needs_specialist") : ("no_violation", "insufficient_evidence")
            _ = try store.recordLabel(LabelDraft(caseID: id, kind: .label, decision: decision, reasonCodes: [reason], note: nil,
                                                 analyst: pg?.user ?? "a\(i % 7)", osUser: "bench", role: .analyst,
                                                 dwellMs: Int64(2000 + i % 5000), modelVersionsSeen: []))
        }
    }
    log("first frame…")
    var frames: [Double] = []
    for i in 0...min(o.reps, 20) {
        let t = try millis {
            let r = try run([me, "--child", "first-frame", "--db", db])
            if r.status != 0 { fail("first-frame child failed") }
        }
        if i > 0 { frames.append(t) } // the first run warms the cache
    }
    results.append(Result("first frame (process start to frame)", samples: frames))
    log("browsing…")
    let b = try run([me, "--child", "browse", "--db", db, "--reps", "\(o.reps)"])
    guard b.status == 0, let data = b.stdout.split(separator: "\n").last.map({ Data($0.utf8) }) else { fail("browse child failed") }
    results += try JSONDecoder().decode([Result].self, from: data)

    let cases = try openStore(db).stats().totalCases
    print("triage-bench: \(cases) cases, \(ProcessInfo.processInfo.activeProcessorCount) cores, \(postgresAddress(db)?.description ?? db)")
    print("operation".padding(toLength: 40, withPad: " ", startingAt: 0) + "      p50       p99       max  unit")
    for r in results {
        let row = r.name.padding(toLength: 40, withPad: " ", startingAt: 0)
            + [r.p50, r.p99, r.max].map { String(format: "%9.2f", $0) }.joined(separator: " ") + "  " + r.unit
        print(row + (r.note.map { "  (\($0))" } ?? ""))
    }
    if let path = o.json {
        let enc = JSONEncoder()
        enc.outputFormatting = [.prettyPrinted, .sortedKeys]
        try enc.encode(results).write(to: URL(fileURLWithPath: path))
    }
    if let dir { try? FileManager.default.removeItem(atPath: dir) }
}

do { try main() } catch { fail("\(error)") }
