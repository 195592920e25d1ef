import Foundation
import Testing
import TriageTestSupport

/// "No label is ever lost" (issue 7) on PostgreSQL (issue 11), through the built binary: 8
/// processes looping `triage next` + `triage label`, each under its own database user, and two
/// workbenches in tmux, all on one database; two loops killed with SIGKILL and started again; and
/// the server itself crashed (`pg_ctl stop -m immediate`) and started again in the middle. Every
/// check reads the database with psql and compares it with what the programs acknowledged.
///
/// Part of the serialized ``ReliabilityTests`` suite: it runs after the SQLite checks, not beside
/// them (each holds a thread of the test runner's pool for its whole run).
extension ReliabilityTests {
    @Test func onPostgreSQLEightLoopsTwoWorkbenchesKillsAndAServerCrashLoseNothing() throws {
        let procs = 8
        let perLoop = Int(ProcessInfo.processInfo.environment["RELIABILITY_LABELS"] ?? "") ?? 30
        // A cluster of its own: this test crashes it.
        let c = try PostgresCluster()
        defer { c.stop() }
        let db = try c.createDatabase()
        let admin = c.url(database: db)
        let env = ["PGPASSWORD": PostgresCluster.superPassword]
        /// A person's URL over the server's trusted socket (no password needed).
        func url(_ user: String) -> String { "postgres://\(user)@/\(db)?host=\(c.directory)&port=\(c.port)" }
        func sql(_ q: String) throws -> String { try c.psql(q, database: db).trimmingCharacters(in: .whitespacesAndNewlines) }

        let dir = try Harness.tempDir()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let out = dir + "/out"
        try FileManager.default.createDirectory(atPath: out, withIntermediateDirectories: true)
        try #require(try Harness.run(["db", "init", "--db", admin], env: env).status == 0)
        let sample = try Harness.run(["sample", "--n", "\(procs * perLoop + 400)", "--out", dir + "/cases.jsonl"])
        try #require(sample.status == 0, "\(sample.stderr)")
        let imported = try Harness.run(["import", dir + "/cases.jsonl", "--db", admin], env: env)
        try #require(imported.status == 0, "\(imported.stderr)")
        let people = (1...procs).map { "a\($0)" } + ["t1", "t2"]
        for p in people {
            let r = try Harness.run(["users", "add", p, "--role", "analyst", "--db", admin], env: env)
            try #require(r.status == 0, "\(r.stderr)")
        }

        func startLoop(_ a: String) throws -> Background {
            try Background(["/bin/sh", ReliabilityTests.loopScript, Harness.binary, url(a), a, "\(perLoop)", out],
                           stdout: out + "/\(a).stdout")
        }
        var loops = try (1...procs).map { try startLoop("a\($0)") }
        defer { for l in loops { l.killGroup() } }
        let tuis = try ["t1", "t2"].map { try TmuxSession(command: [Harness.binary, "--db", url($0)], env: ["LANG": "C.UTF-8"]) }
        for t in tuis { try t.waitFor("the workbench's first case") { shownCase($0) != nil } }
        func acknowledged() -> Int { (1...procs).reduce(0) { $0 + parseAcks(read(out + "/a\($1).acks")).count } }

        var saved: [String: [String]] = ["t1": [], "t2": []]
        func labelInBoth() throws {
            for (t, name) in zip(tuis, ["t1", "t2"]) {
                if let id = try labelInWorkbench(t, previous: saved[name]!) { saved[name]!.append(id) }
            }
        }
        // Phase 1: everyone labels; then two loops are killed with SIGKILL and started again.
        while acknowledged() < procs * perLoop / 4 && saved["t1"]!.count < 10 { try labelInBoth() }
        let deadline = Date().addingTimeInterval(120)
        while acknowledged() < procs * perLoop / 4 && Date() < deadline { usleep(100_000) }
        print("team reliability: phase 1: \(acknowledged()) CLI labels, \(saved) in the workbenches")
        for i in [0, 1] {
            loops[i].killGroup()
            _ = loops[i].wait()
            loops[i] = try startLoop("a\(i + 1)")
        }
        try labelInBoth()

        // Phase 2: the server crashes and stays down 3 s. Both workbenches say so, then say it is
        // back; the loops' commands fail meanwhile (exit 69, nothing acknowledged) and go on.
        let before = acknowledged()
        let restarted = DispatchSemaphore(value: 0)
        nonisolated(unsafe) var restartError: Error?
        DispatchQueue.global().async {
            do { try c.restart(downFor: 3) } catch { restartError = error }
            restarted.signal()
        }
        for t in tuis { try t.waitFor(text: "offline, retrying", timeout: 15) }
        print("team reliability: both workbenches say offline")
        restarted.wait()
        try #require(restartError == nil, "\(String(describing: restartError))")
        for t in tuis { try t.waitFor(text: "back online", timeout: 20) }

        // After the crash: every workbench save either says saved (and is in the database) or
        // says it could not save (and is not); they go on saving.
        var refused = 0
        for (t, name) in zip(tuis, ["t1", "t2"]) {
            for _ in 0..<3 {
                switch try saveOrRefusal(t, previous: saved[name]!) {
                case .saved(let id): saved[name]!.append(id)
                case .refused: refused += 1
                }
            }
        }
        let statuses = loops.map { $0.wait() }
        for t in tuis {
            try t.send("q")
            try t.waitFor(text: "[exited 0]")
        }

        var acks: [ReliabilityTests.Ack] = [], claims: [(caseID: String, analyst: String)] = [], failedLabels = 0
        var unexpected = ""
        for i in 1...procs {
            let a = "a\(i)"
            let mine = parseAcks(read(out + "/\(a).acks"), analyst: a)
            #expect(mine.count == perLoop, "\(a) acknowledged \(mine.count) of \(perLoop); stdout: \(read(out + "/\(a).stdout"))")
            acks += mine
            claims += lines(out + "/\(a).claims").compactMap { l in
                let f = l.split(separator: " ")
                return f.count == 3 ? (String(f[1]), String(f[2])) : nil
            }
            // The only failures allowed are the server's absence: exit 69 (unavailable).
            for l in lines(out + "/\(a).fail") {
                let f = l.split(separator: " ")
                if f.count >= 2 && f[1] == "69" { if f[0] == "label" { failedLabels += 1 } } else { unexpected += "\(a): \(l)\n" }
            }
            for l in lines(out + "/\(a).err") where !l.contains("PostgreSQL") { unexpected += "\(a) stderr: \(l)\n" }
        }
        let tuiSaved = saved.values.reduce(0) { $0 + $1.count }
        print("team reliability: \(acks.count) CLI labels (\(before) before the crash) + \(tuiSaved) workbench labels; "
              + "\(failedLabels) CLI labels and \(refused) workbench saves refused while the server was away")
        #expect(statuses.allSatisfy { $0 == 0 }, "loop exit statuses: \(statuses)")
        #expect(unexpected.isEmpty, "\(unexpected)")
        #expect(acks.count > before, "no label was acknowledged after the crash")
        #expect(saved.values.allSatisfy { $0.count >= 2 }, "\(saved)")

        // Every acknowledged label is a row; every row was acknowledged, but for labels whose
        // commit reached the server before the crash cut the reply (each then counts as failed).
        #expect(Set(acks.map(\.event)).count == acks.count, "an event id was acknowledged twice")
        var rows: [Int64: (caseID: String, analyst: String, decision: String)] = [:]
        for l in try sql("SELECT e.id, c.case_id, e.analyst, coalesce(e.decision, '-') FROM label_event e JOIN cases c ON c.id = e.case_row")
            .split(separator: "\n") {
            let f = l.split(separator: "|").map(String.init)
            if f.count == 4, let id = Int64(f[0]) { rows[id] = (f[1], f[2], f[3]) }
        }
        for a in acks {
            #expect(rows[a.event].map { $0.caseID == a.caseID && $0.analyst == a.analyst && $0.decision == a.decision } == true,
                    "acknowledged \(a.line); the database has \(String(describing: rows[a.event]))")
        }
        let cliRows = rows.values.filter { $0.analyst.hasPrefix("a") }.count
        #expect(cliRows >= acks.count && cliRows <= acks.count + failedLabels, "\(cliRows) CLI events, \(acks.count) acknowledged")
        for name in ["t1", "t2"] {
            let mine = rows.values.filter { $0.analyst == name }.map(\.caseID)
            #expect(Set(mine).isSuperset(of: saved[name]!), "\(name) said saved: \(saved[name]!); the database has \(mine.sorted())")
            #expect(mine.count <= saved[name]!.count + refused)
        }
        // No case labelled twice, none by two people; every claim went to one analyst only.
        let doubled = try sql("SELECT case_row, string_agg(analyst, ',') FROM label_event GROUP BY case_row HAVING count(*) > 1")
        #expect(try sql("""
            SELECT count(*) FROM (SELECT case_row FROM label_event WHERE project IS NULL AND supersedes IS NULL
                                  GROUP BY case_row HAVING count(*) > 1) d
            """) == "0", "cases with several first labels: \(doubled)")
        #expect(try sql("SELECT count(*) FROM cases WHERE status <> 'open'") == "\(rows.count)")
        var holders: [String: Set<String>] = [:]
        for c in claims { holders[c.caseID, default: []].insert(c.analyst) }
        #expect(holders.filter { $0.value.count > 1 }.isEmpty, "cases handed to several analysts: \(holders.filter { $0.value.count > 1 })")
        let tuiCases = Set(saved.values.joined())
        #expect(Set(claims.map(\.caseID)).isDisjoint(with: tuiCases), "a case both claimed by a loop and saved in a workbench")
        // The crash lost nothing the server had acknowledged: its log shows the recovery.
        #expect((try? String(contentsOfFile: c.directory + "/server.log", encoding: .utf8))?.contains("database system was not properly shut down") == true)
    }

    enum Save { case saved(String), refused }

    /// `v` Enter Enter in `t`: the case saved (a new "saved: violation ID"), or "could not save".
    func saveOrRefusal(_ t: TmuxSession, previous: [String]) throws -> Save {
        try t.send("v")
        try t.waitFor(text: "Violation ·")
        try t.send("Enter")
        try t.waitFor(text: "note: type")
        try t.send("Enter")
        var result: Save?
        try t.waitFor("saved or could not save", timeout: 20) { s in
            if let m = s.firstMatch(of: /saved: violation (c_\d{7})/), !previous.contains(String(m.output.1)) {
                result = .saved(String(m.output.1))
            } else if s.contains("could not save") {
                result = .refused
            } else {
                result = nil
            }
            return result != nil
        }
        guard let result else { throw TmuxError(message: "neither saved nor refused") }
        if case .refused = result { try t.send("Escape") }
        return result
    }
}
