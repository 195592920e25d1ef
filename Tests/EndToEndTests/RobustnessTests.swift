import Foundation
import Testing
import TriageCore
import TriageFormats

/// Terminal and database trouble: unknown terminals, tiny windows, resize storms, a non-UTF-8
/// locale, escape sequences in every kind of case text, a newer schema, a long-held write lock.
@Suite(.serialized) struct RobustnessTests {
    func database(_ dir: String, cases n: Int = 30) throws -> String {
        let db = dir + "/t.sqlite"
        try Harness.run(["sample", "--n", String(n), "--seed", "6", "--out", dir + "/c.jsonl"])
        #expect(try Harness.run(["import", dir + "/c.jsonl", "--db", db]).status == 0)
        return db
    }

    @Test func anUnknownTerminalTypeIsAClearError() throws {
        let dir = try Harness.tempDir()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let db = try database(dir)
        let tmux = try TmuxSession(command: ["sh", "-c", "TERM=no-such-terminal-xyz exec '\(Harness.binary)' --db '\(db)'"],
                                   env: ["LANG": "C.UTF-8"])
        let end = try tmux.waitFor(text: "[exited 69]")
        #expect(end.contains("no-such-terminal-xyz"), "\(end)")
    }

    @Test func aTinyWindowAResizeStormAndACLocaleNeitherCrashNorGarble() throws {
        let dir = try Harness.tempDir()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let db = try database(dir)
        // A non-UTF-8 locale: triage switches to UTF-8 for curses itself; names still show.
        let tmux = try TmuxSession(command: [Harness.binary, "--db", db], width: 20, height: 5, env: ["LANG": "C"])
        try tmux.waitFor(text: "too small")
        for i in 0..<60 {
            try tmux.resize(width: 20 + (i * 7) % 120, height: 5 + (i * 5) % 40)
        }
        try tmux.resize(width: 120, height: 40)
        let screen = try tmux.waitFor("the workbench after the storm") { $0.contains("30 cases") && !$0.contains("too small") }
        #expect(screen.split(separator: "\n").allSatisfy { $0.count <= 120 })
        try tmux.send("j")
        try tmux.waitFor(text: "2 of 30")
        try tmux.send("q")
        try tmux.waitFor(text: "[exited 0]")
    }

    @Test func escapeSequencesInRationalesEvidenceAndNotesStayOffTheTerminal() throws {
        let dir = try Harness.tempDir()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let db = dir + "/t.sqlite"
        var r = SampleGenerator(seed: 12).record(at: 0)
        r.caseID = "c_evil"
        r.merchant.name = "Plain Name"
        r.rationales = [Rationale(model: "llm", promptVersion: "v1",
                                  text: "Rationale \u{1B}]0;owned-by-rationale\u{07}says \u{1B}[31mred\u{1B}[0m [e1]", evidenceIDs: ["e1"])]
        r.evidence = [Evidence(id: "e1", kind: "website", source: "https://x.example",
                               text: "Evidence \u{1B}]52;c;ZXZpbA==\u{07}clip \u{07}\u{07} bell \u{202E}txt.exe")]
        r.scores = [ModelScore(model: "m", version: "1", score: 0.99, threshold: 0.5)]
        r.attributions = []
        try (CaseRecordJSON.encode(r) + "\n").write(toFile: dir + "/evil.jsonl", atomically: true, encoding: .utf8)
        #expect(try Harness.run(["import", dir + "/evil.jsonl", "--db", db]).status == 0)
        // A note typed elsewhere (a script) with an OSC title and a carriage return.
        #expect(try Harness.run(["label", "c_evil", "unsure", "--note", "note \u{1B}]2;owned-by-note\u{07}\rOVERWRITE",
                                 "--db", db, "--analyst", "ana"]).status == 0)
        let tmux = try TmuxSession(command: [Harness.binary, "--db", db, "--analyst", "ana"], width: 140, height: 60,
                                   env: ["LANG": "C.UTF-8"])
        let before = try tmux.title()
        // The case is escalated (unsure): show every status, then the case is the queue's only one.
        try tmux.waitFor(text: "0 cases")
        try tmux.send("f")
        try tmux.type("status=all")
        try tmux.send("Enter")
        let screen = try tmux.waitFor(text: "Rationale")
        try tmux.send("Tab")
        try tmux.send("G") // the end of the detail: the label history with the note
        let end = try tmux.waitFor(text: "OVERWRITE")
        #expect(screen.contains("says") && screen.contains("red"))
        #expect(end.contains("note") && end.contains("OVERWRITE"))
        #expect(try tmux.title() == before)
        let title = try tmux.title()
        #expect(!title.contains("owned"))
        let raw = try tmux.screen(escapes: true)
        #expect(!raw.contains("\u{1B}]"), "an OSC sequence reached the terminal")
        #expect(!raw.contains("\u{07}"))
        try tmux.send("q")
        try tmux.waitFor(text: "[exited 0]")
    }

    /// Import errors quote the bad text (a cell, a column name, a policy, a model name): none of it
    /// may reach the terminal as an escape sequence, a bell or a C1 control.
    @Test func importErrorsQuotingHostileTextStayOffTheTerminal() throws {
        let dir = try Harness.tempDir()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let esc = "\u{1B}]0;owned\u{07}\u{1B}[31m\u{9B}2J"
        let csv = "case_id,merchant_name,model,model_version,score,flagged_at,shap__x\(esc)\n"
            + "c1,M,m,v,0.5\(esc),\(esc),1\(esc)\n"
        try csv.write(toFile: dir + "/evil.csv", atomically: true, encoding: .utf8)
        let jsonl = #"{"case_id": "c\u001b]0;x\u0007", "policy": "fraud", "merchant": {"name": "n"}, "scores": [{"model": "m", "version": "1", "score": 0.5}]}"#
            + "\n" + #"{"case_id": "c2", "policy": "p\u001b[31m", "merchant": {"name": "n"}, "scores": [{"model": "m\u001b]2;t\u0007", "version": "1", "score": 0.5}, {"model": "m\u001b]2;t\u0007", "version": "1", "score": 0.5}]}"#
            + "\n"
        try jsonl.write(toFile: dir + "/evil.jsonl", atomically: true, encoding: .utf8)
        for file in ["evil.csv", "evil.jsonl"] {
            let r = try Harness.run(["import", dir + "/" + file, "--db", dir + "/t.sqlite"])
            #expect(r.status == 65)
            let lines = r.stderr.split(separator: "\n")
            #expect(lines.count >= 3, "\(r.stderr)")
            #expect(!r.stderr.unicodeScalars.contains { $0.value == 0x1B || $0.value == 0x07 || (0x80...0x9F).contains($0.value) },
                    "\(file): a control character reached standard error: \(r.stderr.debugDescription)")
            #expect(r.stderr.contains("owned") || r.stderr.contains("]2;t"), "the text is still shown, made harmless")
        }
        #expect(try Harness.sql(dir + "/t.sqlite", "SELECT count(*) FROM cases") == "0")
    }

    /// Past `ulimit -f` a write fails with EFBIG, which triage reports (exit 74, the system's
    /// reason); without SIGXFSZ ignored the kernel would kill it (153) with no word.
    @Test func aFileSizeLimitIsAWriteErrorNotADeath() throws {
        let dir = try Harness.tempDir()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let shell = "ulimit -f 64; exec '\(Harness.binary)' sample --n 2000 --out '\(dir)/big.jsonl'"
        let r = try Spawn.run(["sh", "-c", shell])
        #expect(r.status == 74, "\(r.status): \(r.output)")
        #expect(r.output.contains("cannot write") && r.output.contains("File too large"), "\(r.output)")
    }

    /// A copy into a new SQLite file that fails part-way (here: past `ulimit -f`) removes the
    /// half-written file, so trying again is not refused as "already exists"; the retry works.
    @Test func aFailedCopyLeavesNoHalfWrittenFile() throws {
        let dir = try Harness.tempDir()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let db = try database(dir, cases: 1500)
        for limit in [200, 2000] { // while creating the schema, and part-way through the rows
            let r = try Spawn.run(["sh", "-c", "ulimit -f \(limit); exec '\(Harness.binary)' db copy --from '\(db)' --to '\(dir)/copy.sqlite'"])
            #expect(r.status == 74, "\(limit): \(r.status) \(r.output)")
            #expect(!FileManager.default.fileExists(atPath: dir + "/copy.sqlite"), "\(limit): \(r.output)")
        }
        let retry = try Harness.run(["db", "copy", "--from", db, "--to", dir + "/copy.sqlite"])
        #expect(retry.status == 0 && retry.stdout.contains("counts and checksums verified"), "\(retry.stderr)")
    }

    @Test func aNewerSchemaIsRefusedAndLeftAlone() throws {
        let dir = try Harness.tempDir()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let db = try database(dir, cases: 3)
        _ = try Harness.sql(db, "INSERT INTO grdb_migrations(identifier) VALUES ('v99 from the future')")
        let migrations = try Harness.sql(db, "SELECT group_concat(identifier, ',') FROM grdb_migrations")
        let r = try Harness.run(["stats", "--db", db])
        #expect(r.status == 69)
        #expect(r.stderr.contains("newer triage") && r.stderr.split(separator: "\n").count == 1, "\(r.stderr)")
        #expect(try Harness.run(["label", "c_0000001", "violation", "--db", db]).status == 69)
        #expect(try Harness.sql(db, "SELECT group_concat(identifier, ',') FROM grdb_migrations") == migrations)
        #expect(try Harness.sql(db, "SELECT count(*) FROM label_event") == "0")
        #expect(try Harness.sql(db, "SELECT count(*) FROM cases") == "3")
    }

    @Test func aWriterHoldingTheLockTooLongIsExit75NotACrash() throws {
        let dir = try Harness.tempDir()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let db = try database(dir, cases: 3)
        let id = try Harness.sql(db, "SELECT case_id FROM cases LIMIT 1")
        // Another program holds a write transaction for 14 s (longer than triage's 10 s busy timeout).
        let holder = Process()
        holder.executableURL = URL(fileURLWithPath: "/bin/sh")
        holder.arguments = ["-c", "(echo 'BEGIN IMMEDIATE; INSERT INTO person(name, role, created_at) VALUES (\"x\", \"analyst\", 0);'; sleep 14; echo 'ROLLBACK;') | sqlite3 '\(db)'"]
        try holder.run()
        defer { holder.terminate() }
        // Wait until the holder really has the lock (sqlite3 is slow to start on a loaded machine):
        // until then a write of our own succeeds; once it holds it, ours fails at once.
        func lockIsFree() throws -> Bool {
            let p = Process()
            p.executableURL = URL(fileURLWithPath: "/usr/bin/sqlite3")
            p.arguments = [db, "BEGIN IMMEDIATE; ROLLBACK;"]
            p.standardOutput = FileHandle.nullDevice
            p.standardError = FileHandle.nullDevice
            try p.run()
            p.waitUntilExit()
            return p.terminationStatus == 0
        }
        let ready = Date().addingTimeInterval(10)
        while try lockIsFree(), Date() < ready { usleep(50_000) }
        let started = Date()
        let r = try Harness.run(["label", id, "violation", "--db", db, "--analyst", "ana"])
        let waited = Date().timeIntervalSince(started)
        #expect(r.status == 75, "\(r.stderr)")
        #expect(r.stderr.contains("locked"), "\(r.stderr)")
        #expect(waited >= 9 && waited < 14)
        holder.waitUntilExit()
        // Nothing was acknowledged, so nothing is there; once the lock is gone the same label works.
        #expect(try Harness.sql(db, "SELECT count(*) FROM label_event") == "0")
        #expect(try Harness.run(["label", id, "violation", "--db", db, "--analyst", "ana"]).status == 0)
        #expect(try Harness.sql(db, "PRAGMA integrity_check") == "ok")
    }
}
