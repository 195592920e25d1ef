import Foundation
import Testing
import TriageTestSupport

/// "No label is ever lost" (issue 7): the real binary under concurrency, SIGKILL and write errors.
/// Every check counts rows in the database with sqlite3 and compares them with what the programs
/// acknowledged (exit 0 and "labelled CASE DECISION (event N)", or the workbench's "saved:").
///
/// The scripted labellers are `Benchmarks/label-loop.sh` (the README's `next` + `label` loop, which
/// logs claims, acknowledgements and failures); `Benchmarks/stress.sh` runs the concurrency check
/// at a much larger size with the release binary.
@Suite(.serialized) struct ReliabilityTests {
    static let loopScript = Harness.root + "/Benchmarks/label-loop.sh"

    // MARK: 1. concurrency

    /// 8 processes looping `triage next` + `triage label`, each as its own analyst, and one
    /// workbench labelling with `v` Enter Enter, all on one file at once.
    @Test func eightLoopsAndAWorkbenchNeverLoseOrDoubleALabel() throws {
        let procs = 8
        let perLoop = Int(ProcessInfo.processInfo.environment["RELIABILITY_LABELS"] ?? "") ?? 30
        let dir = try Harness.tempDir()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let db = dir + "/t.sqlite", out = dir + "/out"
        try FileManager.default.createDirectory(atPath: out, withIntermediateDirectories: true)
        try makeDatabase(db, cases: procs * perLoop + 150, dir: dir)

        let started = Date()
        let loops = try (1...procs).map { i in
            try Background(["/bin/sh", Self.loopScript, Harness.binary, db, "a\(i)", "\(perLoop)", out],
                           stdout: out + "/a\(i).stdout")
        }
        defer { for l in loops { l.killGroup() } }
        let tui = try TmuxSession(command: [Harness.binary, "--db", db, "--analyst", "tui"], env: ["LANG": "C.UTF-8"])
        try tui.waitFor("the workbench's first case") { shownCase($0) != nil }
        var tuiSaved: [String] = []
        while loops.contains(where: { $0.isRunning }) && tuiSaved.count < 200 {
            guard let id = try labelInWorkbench(tui, previous: tuiSaved) else { break }
            tuiSaved.append(id)
        }
        let statuses = loops.map { $0.wait() }
        let elapsed = Date().timeIntervalSince(started)
        try tui.send("q")
        try tui.waitFor(text: "[exited 0]")

        var acks: [Ack] = [], claims: [(caseID: String, analyst: String)] = [], stderrText = "", failures = ""
        for i in 1...procs {
            let a = "a\(i)"
            let mine = parseAcks(read(out + "/\(a).acks"), analyst: a)
            #expect(mine.count == perLoop, "\(a) acknowledged \(mine.count) of \(perLoop) labels; stdout: \(read(out + "/\(a).stdout"))")
            acks += mine
            claims += lines(out + "/\(a).claims").compactMap { l in
                let f = l.split(separator: " ")
                return f.count == 3 ? (String(f[1]), String(f[2])) : nil
            }
            let e = read(out + "/\(a).err")
            if !e.isEmpty { stderrText += "--- \(a) stderr:\n" + e }
            let f = read(out + "/\(a).fail")
            if !f.isEmpty { failures += "--- \(a) failed runs (command, exit, case):\n" + f }
        }
        print("reliability: \(acks.count) CLI labels + \(tuiSaved.count) workbench labels in \(String(format: "%.1f", elapsed)) s")
        #expect(statuses.allSatisfy { $0 == 0 }, "loop exit statuses: \(statuses)")
        #expect(!stderrText.lowercased().contains("locked") && !stderrText.lowercased().contains("busy"), "\(stderrText)")
        #expect(stderrText.isEmpty, "\(stderrText)")
        #expect(failures.isEmpty, "\(failures)")
        #expect(tuiSaved.count >= 1, "the workbench saved nothing while the loops ran")

        // Every acknowledged label is a row, and every row was acknowledged, exactly once.
        #expect(Set(acks.map(\.event)).count == acks.count, "an event id was acknowledged twice")
        let rows = try eventRows(db)
        #expect(rows.count == acks.count + tuiSaved.count,
                "label_event has \(rows.count) rows; \(acks.count) CLI + \(tuiSaved.count) workbench labels were acknowledged")
        for a in acks {
            #expect(rows[a.event].map { $0.caseID == a.caseID && $0.analyst == a.analyst && $0.decision == a.decision } == true,
                    "acknowledged \(a.line) but the database has \(String(describing: rows[a.event]))")
        }
        let tuiRows = rows.values.filter { $0.analyst == "tui" }.map(\.caseID)
        #expect(Set(tuiRows) == Set(tuiSaved) && tuiRows.count == tuiSaved.count,
                "the workbench said saved: \(tuiSaved); the database has \(tuiRows.sorted())")
        // No case labelled twice: no two 'label' events without supersedes, none by two people.
        let doubled = try Harness.sql(db, "SELECT case_row, group_concat(analyst) FROM label_event GROUP BY case_row HAVING count(*) > 1")
        #expect(try Harness.sql(db, """
            SELECT count(*) FROM (SELECT case_row FROM label_event WHERE project IS NULL AND kind = 'label' AND supersedes IS NULL
                                  GROUP BY case_row HAVING count(*) > 1)
            """) == "0", "cases (row|analysts) with several events: \(doubled)")
        #expect(try Harness.sql(db, """
            SELECT count(*) FROM (SELECT case_row FROM label_event WHERE project IS NULL AND supersedes IS NULL
                                  GROUP BY case_row HAVING count(DISTINCT analyst) > 1)
            """) == "0")
        #expect(try Harness.sql(db, "SELECT count(*) FROM cases WHERE status <> 'open'") == "\(rows.count)")
        #expect(try Harness.sql(db, "SELECT count(*) FROM assignment") == "0", "claims left behind")
        // Every claim `next` handed out went to one analyst only, and only once (each was labelled).
        var holders: [String: Set<String>] = [:]
        for c in claims { holders[c.caseID, default: []].insert(c.analyst) }
        let shared = holders.filter { $0.value.count > 1 }
        #expect(shared.isEmpty, "cases handed to several analysts: \(shared)")
        #expect(claims.count == acks.count, "\(claims.count) claims for \(acks.count) labels")
        #expect(Set(claims.map(\.caseID)).isDisjoint(with: tuiSaved), "a case both claimed by a loop and saved by the workbench")
        #expect(try Harness.sql(db, "PRAGMA integrity_check") == "ok")
    }

    // MARK: 2. import while labelling

    /// A 30,000-case import while two loops and a workbench label. The import commits in chunks
    /// of a fraction of a second and pauses between them, so no labeller ever reports "locked"
    /// (the busy timeout is 10 s, the import takes longer than that) and the workbench keeps
    /// saving labels within a short wait.
    @Test func importWhileTwoLoopsAndAWorkbenchLabel() throws {
        let n = Int(ProcessInfo.processInfo.environment["RELIABILITY_IMPORT"] ?? "") ?? 30_000
        let dir = try Harness.tempDir()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let db = dir + "/t.sqlite", out = dir + "/out"
        try FileManager.default.createDirectory(atPath: out, withIntermediateDirectories: true)
        try makeDatabase(db, cases: 400, dir: dir)
        let big = dir + "/big.jsonl"
        try makeFile(big, cases: n, prefix: "big_")

        // Labels only go to the first 400 cases (the big file's cases have other ids, and are
        // queued too: the loops stop at their count).
        let loops = try (1...2).map { i in
            try Background(["/bin/sh", Self.loopScript, Harness.binary, db, "i\(i)", "100000", out], stdout: out + "/i\(i).stdout")
        }
        defer { for l in loops { l.killGroup() } }
        let tui = try TmuxSession(command: [Harness.binary, "--db", db, "--analyst", "tui"], env: ["LANG": "C.UTF-8"])
        try tui.waitFor("the workbench's first case") { shownCase($0) != nil }
        usleep(300_000)
        let t0 = Date()
        let imp = try Background([Harness.binary, "import", big, "--db", db], stdout: dir + "/imp.out", stderr: dir + "/imp.err")
        // Label in the workbench while the import runs, timing each save (keystroke to "saved").
        var tuiSaved: [String] = [], slowest = 0.0, duringImport = 0
        while imp.isRunning && tuiSaved.count < 400 {
            let started = Date()
            guard let id = try labelInWorkbench(tui, previous: tuiSaved) else { break }
            slowest = max(slowest, Date().timeIntervalSince(started))
            tuiSaved.append(id)
            if imp.isRunning { duringImport += 1 }
        }
        let impStatus = imp.wait()
        let importSeconds = Date().timeIntervalSince(t0)
        usleep(300_000)
        for l in loops { l.killGroup(SIGTERM) }
        for l in loops { _ = l.wait() }
        try tui.send("q")

        var stderrText = "", failures = "", acks: [Ack] = []
        for i in 1...2 {
            acks += parseAcks(read(out + "/i\(i).acks"))
            let e = read(out + "/i\(i).err"), f = read(out + "/i\(i).fail")
            if !e.isEmpty { stderrText += "--- i\(i) stderr:\n" + e }
            if !f.isEmpty { failures += "--- i\(i) failed runs:\n" + f }
        }
        print("reliability: import of \(n) cases took \(String(format: "%.1f", importSeconds)) s while 2 loops and a workbench labelled; "
              + "\(acks.count) CLI labels acknowledged, \(duringImport) workbench labels saved during the import, "
              + "slowest workbench save \(String(format: "%.2f", slowest)) s")
        #expect(impStatus == 0, "\(read(dir + "/imp.err"))")
        #expect(try Harness.sql(db, "SELECT count(*) FROM cases") == "\(400 + n)")
        #expect(try Harness.sql(db, "SELECT count(*) FROM import_batch WHERE finished_at IS NOT NULL") == "2")
        #expect(acks.count > 0)
        #expect(duringImport > 0, "the workbench saved nothing while the import ran")
        let rows = try eventRows(db)
        let cliRows = rows.values.filter { $0.analyst != "tui" }
        #expect(cliRows.count >= acks.count && cliRows.count <= acks.count + 2, "\(cliRows.count) events, \(acks.count) acknowledged")
        for a in acks { #expect(rows[a.event]?.caseID == a.caseID, "acknowledged \(a.line), not in the database") }
        let tuiRows = Set(rows.values.filter { $0.analyst == "tui" }.map(\.caseID))
        for id in tuiSaved { #expect(tuiRows.contains(id), "the workbench said saved for \(id), not in the database") }
        #expect(try Harness.sql(db, "PRAGMA integrity_check") == "ok")
        // No labeller waited out the busy timeout, however long the import ran.
        #expect(failures.isEmpty && stderrText.isEmpty, "\(failures)\n\(stderrText)")
        #expect(slowest < SQLiteBusyTimeout.seconds / 2, "a workbench save took \(slowest) s during the import")
    }

    // MARK: 3. kill -9

    /// A labelling loop killed with SIGKILL (with its triage child) at random moments, 30 times
    /// or more, started again each time: whatever it acknowledged is in the database.
    @Test func aLoopKilledThirtyTimesLosesNoAcknowledgedLabel() throws {
        let dir = try Harness.tempDir()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let db = dir + "/t.sqlite", out = dir + "/out"
        try FileManager.default.createDirectory(atPath: out, withIntermediateDirectories: true)
        try makeDatabase(db, cases: 1_000, dir: dir)
        var rng = SplitMix(seed: UInt64(Date().timeIntervalSince1970 * 1000))
        let seed = rng.state
        var killed = 0, runs = 0
        // 30 kills at least, and more (up to 120) until 30 labels were acknowledged: on a loaded
        // machine a run may be killed before its first label.
        while runs < 30 || (parseAcks(read(out + "/k.acks")).count < 30 && runs < 120) {
            runs += 1
            let loop = try Background(["/bin/sh", Self.loopScript, Harness.binary, db, "k", "100000", out],
                                      stdout: out + "/k.stdout")
            usleep(UInt32(50_000 + rng.next() % 550_000))
            if loop.isRunning { killed += 1 }
            loop.killGroup()
            _ = loop.wait()
        }
        let acks = parseAcks(read(out + "/k.acks"))
        let rows = try eventRows(db)
        print("reliability: \(runs) SIGKILLs (seed \(seed)), \(acks.count) labels acknowledged, \(rows.count) in the database")
        #expect(killed == runs, "the loop ended by itself before being killed (\(read(out + "/k.stdout")))")
        #expect(acks.count >= 30, "too few labels to mean anything")
        #expect(Set(acks.map(\.event)).count == acks.count)
        for a in acks {
            #expect(rows[a.event].map { $0.caseID == a.caseID && $0.decision == a.decision } == true,
                    "acknowledged \(a.line); the database has \(String(describing: rows[a.event]))")
        }
        // At most one label per kill can have committed without its acknowledgement being logged.
        #expect(rows.count >= acks.count && rows.count <= acks.count + 30, "\(rows.count) events, \(acks.count) acknowledged")
        #expect(try Harness.sql(db, "SELECT count(*) - count(DISTINCT case_row) FROM label_event") == "0")
        #expect(read(out + "/k.fail").isEmpty, "\(read(out + "/k.fail"))\n\(read(out + "/k.err"))")
        #expect(try Harness.sql(db, "PRAGMA integrity_check") == "ok")
    }

    /// The workbench killed with SIGKILL right after it said "saved": the label is there, and a
    /// new session picks up where the killed one was.
    @Test func theWorkbenchKilledRightAfterSavedKeepsTheLabel() throws {
        let dir = try Harness.tempDir()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let db = dir + "/t.sqlite"
        try makeDatabase(db, cases: 20, dir: dir)
        var saved: [String] = []
        for _ in 1...3 {
            let tmux = try TmuxSession(command: [Harness.binary, "--db", db, "--analyst", "ana"], env: ["LANG": "C.UTF-8"])
            try tmux.waitFor("the first case") { shownCase($0) != nil }
            let id = try #require(try labelInWorkbench(tmux, previous: saved))
            let pane = try #require(Int32(try tmux.tmux(["display-message", "-p", "-t", "0", "#{pane_pid}"])
                .trimmingCharacters(in: .whitespacesAndNewlines)))
            let triage = try #require(Harness.children(of: pane).first, "no triage process under the pane")
            kill(triage, SIGKILL)
            try tmux.waitFor(text: "[exited 137]")
            saved.append(id)
            #expect(try Harness.sql(db, "SELECT e.analyst || ':' || e.decision FROM label_event e JOIN cases c ON c.id = e.case_row WHERE c.case_id = '\(id)'")
                    == "ana:violation", "the screen said saved: violation \(id)")
        }
        #expect(Set(saved).count == 3)
        #expect(try Harness.sql(db, "SELECT count(*) FROM label_event") == "3")
        #expect(try Harness.sql(db, "SELECT count(*) FROM cases WHERE status = 'decided'") == "3")
        #expect(try Harness.sql(db, "PRAGMA integrity_check") == "ok")
    }

    /// `kill -9` of an import: while it checks the file nothing is stored; once it writes,
    /// the committed chunks stay as an unfinished batch (never reported as finished), the file is
    /// sound, and running the same import again resumes that batch and completes it.
    @Test func anImportKilledHalfWayResumes() throws {
        // Big enough that an import cannot finish between two looks at the database even when it
        // commits only every 2 s (if the lock-wanted signal is slow to be seen).
        let n = 20_000
        let dir = try Harness.tempDir()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let db = dir + "/t.sqlite", big = dir + "/big.jsonl"
        try makeDatabase(db, cases: 30, dir: dir)
        try makeFile(big, cases: n, prefix: "big_")

        // 1. Killed while checking (before any write): nothing stored.
        var imp = try Background([Harness.binary, "import", big, "--db", db], stdout: dir + "/imp.out", stderr: dir + "/imp.err")
        usleep(100_000)
        #expect(imp.isRunning, "the import finished in under 100 ms: make the file bigger")
        #expect(try Harness.sql(db, "SELECT count(*) FROM import_batch") == "1", "the import wrote within 100 ms: make the file bigger")
        imp.killGroup()
        #expect(imp.wait() == 128 + SIGKILL)
        #expect(try Harness.sql(db, "SELECT count(*) FROM cases") == "30")
        #expect(try Harness.sql(db, "SELECT count(*) FROM import_batch") == "1")

        // 2. Killed while writing, twice: a prefix of the file is stored, as an unfinished batch.
        var stored: [Int] = []
        for _ in 0..<2 {
            imp = try Background([Harness.binary, "import", big, "--db", db], stdout: dir + "/imp.out", stderr: dir + "/imp.err")
            let before = Int(try Harness.sql(db, "SELECT count(*) FROM cases")) ?? 0
            let deadline = Date().addingTimeInterval(60)
            // Alone, an import commits every 2 s; say a writer waits (as a labeller's busy handler
            // does, by touching DB-wanted), so that it commits in short chunks and can be killed
            // between them.
            while imp.isRunning && Date() < deadline,
                  (Int(try Harness.sql(db, "SELECT count(*) FROM cases")) ?? 0) < before + 500 {
                FileManager.default.createFile(atPath: db + "-wanted", contents: nil)
                usleep(20_000)
            }
            try #require(imp.isRunning, "the import finished before it could be killed: make the file bigger")
            imp.killGroup()
            #expect(imp.wait() == 128 + SIGKILL)
            let count = Int(try Harness.sql(db, "SELECT count(*) FROM cases")) ?? 0
            stored.append(count - 30)
            #expect(count > before && count < 30 + n, "\(count) cases after the kill")
            // One unfinished batch, whose counts are exactly what is stored (they commit together).
            #expect(try Harness.sql(db, "SELECT count(*) FROM import_batch WHERE finished_at IS NULL") == "1")
            #expect(try Harness.sql(db, "SELECT inserted_count, read_count FROM import_batch WHERE finished_at IS NULL")
                    == "\(count - 30)|\(count - 30)")
            #expect(try Harness.sql(db, "SELECT count(*) FROM cases WHERE case_id NOT LIKE 'big_%'") == "30")
            // The stored cases are the file's first ones, in order, and searchable.
            #expect(try Harness.sql(db, "SELECT max(case_id) FROM cases WHERE case_id LIKE 'big_%'")
                    == String(format: "big_%07d", count - 30))
            #expect(try Harness.sql(db, "SELECT count(*) FROM case_search") == "\(count)")
            #expect(try Harness.sql(db, "PRAGMA integrity_check") == "ok")
        }
        #expect(stored[1] > stored[0], "the second run resumed and stored more: \(stored)")
        // `stats` and the audit trail never count an unfinished batch as an import.
        let stats = try Harness.run(["stats", "--db", db])
        #expect(stats.stdout.contains("interrupted"), "\(stats.stdout)")

        // 3. Run again: it resumes the same batch and completes it.
        let again = try Harness.run(["import", big, "--db", db])
        #expect(again.status == 0, "\(again.stderr)")
        #expect(again.stdout.contains("resumed an interrupted import of this file (batch 2) after \(stored[1]) lines"), "\(again.stdout)")
        #expect(again.stdout.contains("read \(n), accepted \(n) (new \(n), updated 0, unchanged 0)"), "\(again.stdout)")
        #expect(try Harness.sql(db, "SELECT count(*) FROM cases") == "\(30 + n)")
        #expect(try Harness.sql(db, "SELECT count(*), sum(inserted_count) FROM import_batch WHERE finished_at IS NOT NULL") == "2|\(30 + n)")
        #expect(try Harness.sql(db, "SELECT count(*) FROM import_batch") == "2")
        #expect(try Harness.sql(db, "SELECT count(*) FROM case_search") == "\(30 + n)")
        #expect(try Harness.sql(db, "PRAGMA integrity_check") == "ok")
        // A second import of the same file is a new batch that changes nothing.
        let third = try Harness.run(["import", big, "--db", db])
        #expect(third.stdout.contains("new 0, updated 0, unchanged \(n)"), "\(third.stdout)")
    }

    // MARK: 4. write errors

    /// A database the user cannot write (run as `nobody`: root ignores chmod): exit 77, one clear
    /// line, nothing acknowledged or recorded.
    @Test func aReadOnlyDatabaseRefusesTheLabel() throws {
        let dir = try Harness.tempDir()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let db = dir + "/t.sqlite"
        try makeDatabase(db, cases: 5, dir: dir)
        let first = try Harness.sql(db, "SELECT case_id FROM cases ORDER BY id LIMIT 1")
        let second = try Harness.sql(db, "SELECT case_id FROM cases ORDER BY id LIMIT 1 OFFSET 1")
        let earlier = try Harness.run(["label", first, "violation", "--db", db, "--analyst", "ana"])
        try #require(earlier.status == 0, "\(earlier.stderr)")
        chmod(db, 0o444)
        chmod(dir, 0o555)
        defer { chmod(dir, 0o755) }
        let asNobody = ["setpriv", "--reuid=nobody", "--regid=nogroup", "--clear-groups", Harness.binary]
        let label = try Spawn.runSplit(asNobody + ["label", second, "violation", "--db", db, "--analyst", "ro"])
        #expect(label.status == 77, "exit \(label.status); stderr: \(label.stderr)")
        #expect(label.stderr.contains("read-only"), "\(label.stderr)")
        #expect(label.stderr.split(separator: "\n").count == 1, "\(label.stderr)")
        #expect(!label.stdout.contains("labelled"), "\(label.stdout)")
        let next = try Spawn.runSplit(asNobody + ["next", "--db", db, "--analyst", "ro"])
        #expect(next.status == 77, "exit \(next.status); stderr: \(next.stderr)")
        #expect(next.stdout.isEmpty)
        #expect(try Harness.sql(db, "SELECT count(*) FROM label_event") == "1")
        #expect(try Harness.sql(db, "SELECT status FROM cases WHERE case_id = '\(second)'") == "open")
        #expect(try Harness.sql(db, "PRAGMA integrity_check") == "ok")
    }

    /// A full disk, emulated with a file-size limit (SIGXFSZ ignored, so writes fail with EFBIG):
    /// the label is refused with a clear message and not acknowledged; every earlier label stays,
    /// and the file is sound and usable afterwards.
    @Test func aFullDiskRefusesTheLabelAndKeepsEveryEarlierOne() throws {
        let dir = try Harness.tempDir()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let db = dir + "/t.sqlite"
        try makeDatabase(db, cases: 40, dir: dir)
        let ids = try Harness.sql(db, "SELECT case_id FROM cases ORDER BY id LIMIT 7").split(separator: "\n").map(String.init)
        var acks: [Ack] = []
        for id in ids.prefix(5) {
            let r = try Harness.run(["label", id, "violation", "--db", db, "--analyst", "ana"])
            try #require(r.status == 0, "\(r.stderr)")
            acks += parseAcks(r.stdout)
        }
        let limited = ["sh", "-c", "trap '' XFSZ; exec prlimit --fsize=\(Self.fileSizeLimit) \"$0\" \"$@\"", Harness.binary]
        let full = try Spawn.runSplit(limited + ["label", ids[5], "violation", "--db", db, "--analyst", "ana"])
        print("reliability: label under a file-size limit: exit \(full.status), stderr: \(full.stderr)")
        #expect(full.status == 74, "exit \(full.status); stderr: \(full.stderr)")
        #expect(!full.stdout.contains("labelled"), "\(full.stdout)")
        #expect(full.stderr.contains("nothing was saved"), "\(full.stderr)")
        #expect(full.stderr.split(separator: "\n").count == 1, "\(full.stderr)")
        #expect(try Harness.sql(db, "SELECT count(*) FROM label_event") == "5")
        #expect(try Harness.sql(db, "SELECT status FROM cases WHERE case_id = '\(ids[5])'") == "open")
        let rows = try eventRows(db)
        for a in acks { #expect(rows[a.event]?.caseID == a.caseID) }
        #expect(try Harness.sql(db, "PRAGMA integrity_check") == "ok")
        // Space again: the same label goes through.
        let after = try Harness.run(["label", ids[5], "violation", "--db", db, "--analyst", "ana"])
        #expect(after.status == 0, "\(after.stderr)")
        #expect(try Harness.sql(db, "SELECT count(*) FROM label_event") == "6")
    }

    /// Enough for SQLite's 32 KiB shared-memory file, not for a label's WAL frames.
    static let fileSizeLimit = 32_768

    // MARK: helpers

    struct Ack {
        var line: String, caseID: String, decision: String, event: Int64
        var analyst: String = ""
    }

    /// The "labelled CASE DECISION (event N)" lines of a log (analyst from the file name).
    func parseAcks(_ text: String, analyst: String = "") -> [Ack] {
        text.split(separator: "\n").compactMap { l in
            guard let m = l.wholeMatch(of: /labelled (\S+) (\S+) \(event (\d+)\)/), let e = Int64(m.output.3) else { return nil }
            return Ack(line: String(l), caseID: String(m.output.1), decision: String(m.output.2), event: e, analyst: analyst)
        }
    }

    struct EventRow: CustomStringConvertible {
        var caseID: String, analyst: String, decision: String
        var description: String { "\(caseID) \(decision) by \(analyst)" }
    }

    /// Every label event by id.
    private func eventRows(_ db: String) throws -> [Int64: EventRow] {
        var rows: [Int64: EventRow] = [:]
        for l in try Harness.sql(db, "SELECT e.id, c.case_id, e.analyst, coalesce(e.decision, '-') FROM label_event e JOIN cases c ON c.id = e.case_row")
            .split(separator: "\n") {
            let f = l.split(separator: "|").map(String.init)
            if f.count == 4, let id = Int64(f[0]) { rows[id] = EventRow(caseID: f[1], analyst: f[2], decision: f[3]) }
        }
        return rows
    }

    private func makeDatabase(_ db: String, cases: Int, dir: String) throws {
        let s = try Harness.run(["sample", "--n", "\(cases)", "--out", dir + "/base.jsonl"])
        try #require(s.status == 0, "\(s.stderr)")
        let i = try Harness.run(["import", dir + "/base.jsonl", "--db", db])
        try #require(i.status == 0, "\(i.stderr)")
    }

    /// `triage sample` cases whose ids start with `prefix` instead of "c_" (sample numbers from 1).
    private func makeFile(_ path: String, cases: Int, prefix: String) throws {
        let s = try Harness.run(["sample", "--n", "\(cases)", "--out", path, "--seed", "5"])
        try #require(s.status == 0, "\(s.stderr)")
        let sed = try Spawn.runSplit(["sed", "-i", "s/^{\"case_id\":\"c_/{\"case_id\":\"\(prefix)/", path])
        try #require(sed.status == 0, "\(sed.stderr)")
    }

    func read(_ path: String) -> String { (try? String(contentsOfFile: path, encoding: .utf8)) ?? "" }
    func lines(_ path: String) -> [String] { read(path).split(separator: "\n").map(String.init) }

    func shownCase(_ screen: String) -> String? { screen.firstMatch(of: /c_\d{7}/).map { String($0.output) } }

    /// `v` Enter Enter on the selected case; the id from the new "saved: violation ID" message.
    func labelInWorkbench(_ t: TmuxSession, previous: [String]) throws -> String? {
        try t.send("v")
        try t.waitFor(text: "Violation ·")
        try t.send("Enter")
        try t.waitFor(text: "note: type")
        try t.send("Enter")
        let screen = try t.waitFor("a new case saved", timeout: 20) { s in
            s.firstMatch(of: /saved: violation ((?:c|big)_\d{7})/).map { !previous.contains(String($0.output.1)) } ?? false
        }
        guard let m = screen.firstMatch(of: /saved: violation ((?:c|big)_\d{7})/), !previous.contains(String(m.output.1)) else { return nil }
        return String(m.output.1)
    }
}

/// The store's busy timeout (SQLiteStore.busyTimeout), as the tests see it.
enum SQLiteBusyTimeout { static let seconds = 10.0 }

/// A program started with posix_spawn in its own process group (so SIGKILL reaches its children
/// too), output to files, with the small clean environment of `Harness.run`.
final class Background {
    let pid: pid_t
    private var status: Int32?

    init(_ argv: [String], stdin: String = "/dev/null", stdout: String = "/dev/null", stderr: String = "/dev/null",
         env extra: [String] = []) throws {
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, stdin, O_RDONLY, 0)
        posix_spawn_file_actions_addopen(&actions, 1, stdout, O_WRONLY | O_CREAT | O_APPEND, 0o644)
        posix_spawn_file_actions_addopen(&actions, 2, stderr, O_WRONLY | O_CREAT | O_APPEND, 0o644)
        var attr = SpawnAttributes.clean(newProcessGroup: true)
        defer { posix_spawnattr_destroy(&attr) }
        let args = (["/usr/bin/env"] + argv).map { strdup($0) } + [nil]
        defer { for a in args { free(a) } }
        let envStrings = ["PATH=/usr/local/bin:/usr/bin:/bin:/usr/sbin:/sbin", "HOME=" + NSTemporaryDirectory(), "LANG=C.UTF-8"] + extra
        let env: [UnsafeMutablePointer<CChar>?] = envStrings.map { strdup($0) } + [nil]
        defer { for e in env { free(e) } }
        var p: pid_t = 0
        let rc = posix_spawn(&p, "/usr/bin/env", &actions, &attr, args, env)
        guard rc == 0 else { throw TmuxError(message: "cannot run \(argv[0]): \(String(cString: strerror(rc)))") }
        pid = p
    }

    /// Still running (not yet reaped)?
    var isRunning: Bool {
        if status != nil { return false }
        var s: Int32 = 0
        let r = waitpid(pid, &s, WNOHANG)
        if r == pid { status = Self.decode(s); return false }
        return r == 0
    }

    /// Waits for the exit: the exit status, or 128 + the signal.
    @discardableResult
    func wait() -> Int32 {
        if let status { return status }
        var s: Int32 = 0
        while waitpid(pid, &s, 0) < 0 && errno == EINTR {}
        status = Self.decode(s)
        return status!
    }

    /// Sends `signal` to the whole process group (the shell loop and the triage it runs).
    func killGroup(_ signal: Int32 = SIGKILL) {
        if status == nil { kill(-pid, signal) }
    }

    private static func decode(_ s: Int32) -> Int32 { (s & 0x7f) == 0 ? (s >> 8) & 0xff : 128 + (s & 0x7f) }
}

extension Spawn {
    /// Runs a program to completion with stdout and stderr kept apart.
    static func runSplit(_ argv: [String]) throws -> (status: Int32, stdout: String, stderr: String) {
        let base = NSTemporaryDirectory() + "triage-split-\(UUID().uuidString)"
        defer { unlink(base + ".out"); unlink(base + ".err") }
        let p = try Background(argv, stdout: base + ".out", stderr: base + ".err")
        let status = p.wait()
        return (status, (try? String(contentsOfFile: base + ".out", encoding: .utf8)) ?? "",
                (try? String(contentsOfFile: base + ".err", encoding: .utf8)) ?? "")
    }
}

/// A small seeded generator, so a failing run's kill delays can be told (the seed is printed).
struct SplitMix {
    var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt32 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE5_E4B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return UInt32(truncatingIfNeeded: z ^ (z >> 31))
    }
}
