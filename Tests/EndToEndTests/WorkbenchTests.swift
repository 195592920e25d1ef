import Foundation
import Testing
import TriageCore
import TriageFormats

/// The real binary in a real terminal (tmux): what a person sees, and what the database holds after.
@Suite(.serialized) struct WorkbenchTests {
    @Test func demoOpensOnTheSampleDataMovesAndQuitsCleanly() throws {
        let dir = try Harness.tempDir()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let db = dir + "/demo.sqlite"
        let tmux = try TmuxSession(command: ["sh", "-c", "cd '\(Harness.root)' && exec '\(Harness.binary)' demo --db '\(db)'"],
                                   env: ["LANG": "C.UTF-8", "TERM": "xterm-256color"])
        let first = try tmux.waitFor(text: "1,000 cases", timeout: 30)
        #expect(first.contains("1 of 1,000"))
        let firstSelected = selectedRow(first)
        try tmux.send("j")
        let moved = try tmux.waitFor(text: "2 of 1,000")
        #expect(selectedRow(moved) != firstSelected)
        try tmux.send("G")
        try tmux.waitFor(text: "1,000 of 1,000")
        try tmux.send("g")
        try tmux.waitFor(text: "1 of 1,000")
        try tmux.send("?")
        try tmux.waitFor(text: "Quit")
        try tmux.send("Escape")
        // Esc then q within the escape delay would read as Alt-q: wait for the overlay to close.
        try tmux.waitFor("the help overlay to close") { !$0.contains("Quit (") }
        try tmux.send("q")
        let end = try tmux.waitFor(text: "[exited 0]")
        // The terminal was given back: the workbench's screen is gone (alternate screen or cleared).
        #expect(!end.contains("1 of 1,000"))
        #expect(try Harness.sql(db, "SELECT count(*) FROM cases") == "1000")
        #expect(try Harness.sql(db, "SELECT file_name LIKE '%SampleData/cases.jsonl', inserted_count FROM import_batch") == "1|1000")
        #expect(try Harness.sql(db, "SELECT count(DISTINCT policy) FROM cases") == "7")
        // The demo comes with its user as lead and a labelling project to try.
        #expect(try Harness.sql(db, "SELECT count(*) FROM person WHERE role = 'lead'") == "1")
        #expect(try Harness.sql(db, "SELECT name, overlap, blind, (SELECT count(*) FROM project_case) FROM project") == "demo-gambling|2|1|40")
        #expect(try Harness.sql(db, "PRAGMA integrity_check") == "ok")
    }

    @Test func hostileTextNeverReachesTheTerminal() throws {
        let dir = try Harness.tempDir()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let db = dir + "/t.sqlite"
        var r = SampleGenerator(seed: 3).record(at: 0)
        r.merchant.name = "Evil\u{1B}]0;pwned\u{07}Corp\u{1B}[2J\r\u{202E}exe.gnp"
        r.merchant.description = "price 0.91\u{08}\u{08}\u{08}\u{08}0.12 \u{1B}]52;c;aGk=\u{07} \u{9B}31m red"
        r.scores = [ModelScore(model: "m", version: "1", score: 0.99, threshold: 0.5)]
        r.attributions = []
        try (CaseRecordJSON.encode(r) + "\n").write(toFile: dir + "/evil.jsonl", atomically: true, encoding: .utf8)
        let imp = try Harness.run(["import", dir + "/evil.jsonl", "--db", db])
        #expect(imp.status == 0, "\(imp.stderr)")

        let tmux = try TmuxSession(command: [Harness.binary, "--db", db], env: ["LANG": "C.UTF-8"])
        let titleBefore = try tmux.title()
        let screen = try tmux.waitFor(text: "Evil")
        // The name is shown with visible placeholders, on one line, with what follows it intact.
        let line = try #require(screen.split(separator: "\n").first { $0.contains("Evil") })
        #expect(line.contains("Corp"))
        #expect(screen.contains("triage"))        // the header was not wiped by ESC[2J
        #expect(try tmux.title() == titleBefore)  // OSC 0 did not set the window title
        #expect(!(try tmux.title()).contains("pwned"))
        let colours = try tmux.screen(escapes: true)
        #expect(!colours.contains("\u{1B}]52"))
        try tmux.send("q")
        try tmux.waitFor(text: "[exited 0]")
    }

    @Test func resizeRedrawsAndTooSmallSaysSo() throws {
        let dir = try Harness.tempDir()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let db = dir + "/t.sqlite"
        try Harness.run(["sample", "--n", "50", "--out", dir + "/c.jsonl"])
        try Harness.run(["import", dir + "/c.jsonl", "--db", db])
        let tmux = try TmuxSession(command: [Harness.binary, "--db", db], env: ["LANG": "C.UTF-8"])
        try tmux.waitFor(text: "50 cases")
        try tmux.resize(width: 40, height: 10)
        try tmux.waitFor(text: "too small")
        try tmux.resize(width: 90, height: 30)
        let narrow = try tmux.waitFor("the queue redrawn at 90 columns") { $0.contains("cc  age") && !$0.contains("too small") }
        #expect(narrow.split(separator: "\n").allSatisfy { $0.count <= 90 })
        try tmux.send("q")
        try tmux.waitFor(text: "[exited 0]")
    }

    @Test func noColorMeansNoColour() throws {
        let dir = try Harness.tempDir()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let db = dir + "/t.sqlite"
        try Harness.run(["sample", "--n", "20", "--out", dir + "/c.jsonl"])
        try Harness.run(["import", dir + "/c.jsonl", "--db", db])
        func colourCodes(_ env: [String: String]) throws -> Int {
            let tmux = try TmuxSession(command: [Harness.binary, "--db", db], env: env)
            try tmux.waitFor(text: "20 cases")
            let s = try tmux.screen(escapes: true)
            try tmux.send("q")
            try tmux.waitFor(text: "[exited 0]")
            let n = colourSequences(in: s)
            return n
        }
        #expect(try colourCodes(["LANG": "C.UTF-8", "TERM": "xterm-256color"]) > 0)
        #expect(try colourCodes(["LANG": "C.UTF-8", "TERM": "xterm-256color", "NO_COLOR": "1"]) == 0)
    }

    @Test func ctrlCRestoresTheTerminalAndExits130() throws {
        let dir = try Harness.tempDir()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let db = dir + "/t.sqlite"
        try Harness.run(["sample", "--n", "5", "--out", dir + "/c.jsonl"])
        try Harness.run(["import", dir + "/c.jsonl", "--db", db])
        let tmux = try TmuxSession(command: [Harness.binary, "--db", db], env: ["LANG": "C.UTF-8"])
        try tmux.waitFor(text: "5 cases")
        try tmux.send("C-c")
        let end = try tmux.waitFor(text: "[exited 130]")
        #expect(!end.contains("5 cases"))
    }

    @Test func labelUndoAndLabelAgainFromTheKeyboard() throws {
        let dir = try Harness.tempDir()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let db = dir + "/t.sqlite"
        try Harness.run(["sample", "--n", "20", "--out", dir + "/c.jsonl"])
        try Harness.run(["import", dir + "/c.jsonl", "--db", db])
        let tmux = try TmuxSession(command: [Harness.binary, "--db", db, "--analyst", "ana"], env: ["LANG": "C.UTF-8"])
        try tmux.waitFor(text: "20 cases")
        // v opens the reason picker; 1 (every policy's first violation reason) ticks a reason.
        try tmux.send("v")
        try tmux.waitFor(text: "Violation ·")
        try tmux.send("1")
        try tmux.waitFor(text: "[x] 1")
        try tmux.send("Enter")
        try tmux.waitFor(text: "note: type")
        try tmux.type("café é 日本")
        try tmux.waitFor(text: "café é 日本")
        try tmux.send("Enter")
        let saved = try tmux.waitFor(text: "saved: violation ")
        let first = try #require(saved.firstMatch(of: /saved: violation (\S+)/)).output.1
        #expect(try Harness.sql(db, "SELECT status FROM cases WHERE case_id = '\(first)'") == "decided")
        #expect(try Harness.sql(db, "SELECT count(*) FROM cases WHERE status = 'open'") == "19")
        // z withdraws it: the case is open again.
        try tmux.send("z")
        try tmux.waitFor(text: "undone: \(first)")
        #expect(try Harness.sql(db, "SELECT status FROM cases WHERE case_id = '\(first)'") == "open")
        // Skip it, and label the next case "no violation" with Enter, Enter (no reason, no note).
        try tmux.send("s")
        try tmux.waitFor("the next case") { !$0.contains("undone") }
        try tmux.send("n")
        try tmux.waitFor(text: "No violation ·")
        try tmux.send("Enter")
        try tmux.waitFor(text: "note: type")
        try tmux.send("Enter")
        let second = try tmux.waitFor(text: "saved: no_violation ")
        let other = try #require(second.firstMatch(of: /saved: no_violation (\S+)/)).output.1
        #expect(other != first)
        try tmux.send("q")
        try tmux.waitFor(text: "[exited 0]")

        // What the database holds: two labels and one undo, in that order, from this session.
        let events = try Harness.sql(db, """
            SELECT c.case_id, e.kind, coalesce(e.decision, '-'), e.reason_codes, coalesce(e.note, '-'),
                   e.analyst, e.role, coalesce(e.supersedes = (SELECT min(id) FROM label_event), 0)
            FROM label_event e JOIN cases c ON c.id = e.case_row ORDER BY e.id
            """).split(separator: "\n").map(String.init)
        let policy = try Harness.sql(db, "SELECT policy FROM cases WHERE case_id = '\(first)'")
        let reason = try #require(Taxonomy.standard.reasons(policy: policy, decision: "violation").first { $0.hotkey == "1" })
        #expect(events == [
            "\(first)|label|violation|[\"\(reason.code)\"]|café é 日本|ana|analyst|0",
            "\(first)|undo|-|[]|-|ana|analyst|1",
            "\(other)|label|no_violation|[]|-|ana|analyst|0",
        ])
        #expect(try Harness.sql(db, "SELECT count(*) FROM label_event WHERE kind = 'label'") == "2")
        #expect(try Harness.sql(db, "SELECT count(*) FROM label_event WHERE kind = 'undo'") == "1")
        #expect(try Harness.sql(db, "SELECT status, current_label IS NULL FROM cases WHERE case_id = '\(first)'") == "open|1")
        #expect(try Harness.sql(db, "SELECT status, current_label IS NOT NULL FROM cases WHERE case_id = '\(other)'") == "decided|1")
        #expect(try Harness.sql(db, "SELECT count(*) FROM label_event WHERE dwell_ms IS NOT NULL AND kind = 'label'") == "2")
        #expect(try Harness.sql(db, "SELECT count(*) FROM label_event WHERE model_versions_seen LIKE '[\"%@%\"%'") == "2")
    }

    @Test func twoAnalystsOnOneDatabaseAreHandedDifferentCases() throws {
        let dir = try Harness.tempDir()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let db = dir + "/t.sqlite"
        try Harness.run(["sample", "--n", "20", "--out", dir + "/c.jsonl"])
        try Harness.run(["import", dir + "/c.jsonl", "--db", db])
        /// The case id in the detail pane (the selected case), or in the last "saved:" message.
        func shownCase(_ screen: String) -> String? {
            screen.firstMatch(of: /c_\d{7}/).map { String($0.output) }
        }
        let ana = try TmuxSession(command: [Harness.binary, "--db", db, "--analyst", "ana"], env: ["LANG": "C.UTF-8"])
        let anaFirst = try #require(shownCase(try ana.waitFor("ana's case") { $0.contains("20 cases") && shownCase($0) != nil }))
        let bo = try TmuxSession(command: [Harness.binary, "--db", db, "--analyst", "bo"], env: ["LANG": "C.UTF-8"])
        let boFirst = try #require(shownCase(try bo.waitFor("bo's case") { $0.contains("20 cases") && shownCase($0) != nil }))
        #expect(anaFirst != boFirst)
        // Each sees the other's claim in the queue (ana's within a second, by the refresh).
        try ana.waitFor(text: "held by bo")
        try bo.waitFor(text: "held by ana")
        #expect(try Harness.sql(db, "SELECT a.analyst || ':' || c.case_id FROM assignment a JOIN cases c ON c.id = a.case_row ORDER BY a.analyst")
                == "ana:\(anaFirst)\nbo:\(boFirst)")

        var saved: [String] = []
        /// Labels the selected case "violation" with no reason and no note: v, Enter, Enter.
        func label(_ t: TmuxSession) throws {
            try t.send("v")
            try t.waitFor(text: "Violation ·")
            try t.send("Enter")
            try t.waitFor(text: "note: type")
            try t.send("Enter")
            let screen = try t.waitFor("a new case saved") { s in
                s.firstMatch(of: /saved: violation (c_\d{7})/).map { !saved.contains(String($0.output.1)) } ?? false
            }
            saved.append(String(try #require(screen.firstMatch(of: /saved: violation (c_\d{7})/)).output.1))
        }
        try label(ana)
        try label(bo)
        try label(ana)
        try label(bo)
        #expect(saved.first == anaFirst && saved[1] == boFirst)
        try ana.send("q")
        try ana.waitFor(text: "[exited 0]")
        try bo.send("q")
        try bo.waitFor(text: "[exited 0]")

        #expect(Set(saved).count == 4)
        #expect(try Harness.sql(db, "SELECT count(*), count(DISTINCT case_row) FROM label_event WHERE kind = 'label'") == "4|4")
        #expect(try Harness.sql(db, "SELECT analyst, count(*) FROM label_event GROUP BY analyst ORDER BY analyst") == "ana|2\nbo|2")
        #expect(try Harness.sql(db, "SELECT count(*) FROM assignment") == "0") // quitting gave the claims back
    }

    @Test func theSettingsFileChoosesTheThemeAndABadOneIsNamed() throws {
        let dir = try Harness.tempDir()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let db = dir + "/t.sqlite"
        try Harness.run(["sample", "--n", "5", "--out", dir + "/c.jsonl"])
        try Harness.run(["import", dir + "/c.jsonl", "--db", db])
        try FileManager.default.createDirectory(atPath: dir + "/config/triage", withIntermediateDirectories: true)
        try "theme = \"monochrome\"\n".write(toFile: dir + "/config/triage/config.toml", atomically: true, encoding: .utf8)
        let tmux = try TmuxSession(command: [Harness.binary, "--db", db],
                                   env: ["LANG": "C.UTF-8", "TERM": "xterm-256color", "XDG_CONFIG_HOME": dir + "/config"])
        try tmux.waitFor(text: "5 cases")
        #expect(colourSequences(in: try tmux.screen(escapes: true)) == 0)
        try tmux.send("q")
        try tmux.waitFor(text: "[exited 0]")

        try "\ntheme = 7\n".write(toFile: dir + "/config/triage/config.toml", atomically: true, encoding: .utf8)
        let bad = try Harness.run(["--db", db], env: ["TERM": "xterm", "XDG_CONFIG_HOME": dir + "/config"])
        #expect(bad.status == 65)
        #expect(bad.stderr.contains("config.toml: line 2: theme must be a non-empty string"), "\(bad.stderr)")
    }

    @Test func aDumbTerminalGetsAClearError() throws {
        let dir = try Harness.tempDir()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let db = dir + "/t.sqlite"
        try Harness.run(["sample", "--n", "2", "--out", dir + "/c.jsonl"])
        try Harness.run(["import", dir + "/c.jsonl", "--db", db])
        let dumb = try Harness.run(["--db", db], env: ["TERM": "dumb"])
        #expect(dumb.status == 69)
        #expect(dumb.stderr.contains("TERM"))
        let unset = try Harness.run(["--db", db])
        #expect(unset.status == 69)
    }

    /// How many SGR sequences on the screen set a colour (30–37, 38;…, 40–47, 48;…, 90–97, 100–107).
    private func colourSequences(in screen: String) -> Int {
        var n = 0
        for m in screen.matches(of: /\x1B\[([0-9;]*)m/) {
            let params = m.output.1.split(separator: ";").compactMap { Int($0) }
            if params.contains(where: { (30...38).contains($0) || (40...48).contains($0) || (90...97).contains($0) || (100...107).contains($0) }) {
                n += 1
            }
        }
        return n
    }

    @Test func searchSortAndJump() throws {
        let dir = try Harness.tempDir()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let db = dir + "/t.sqlite"
        try Harness.run(["sample", "--n", "80", "--out", dir + "/c.jsonl"])
        try Harness.run(["import", dir + "/c.jsonl", "--db", db])
        // A word of a merchant's name (letters only), and the open cases the search finds.
        let name = try Harness.sql(db, "SELECT merchant_name FROM cases WHERE status = 'open' ORDER BY id LIMIT 1")
        let word = try #require(name.split { !$0.isLetter }.map(String.init).first { $0.count >= 3 })
        let matches = """
            FROM cases c WHERE c.status = 'open'
            AND c.id IN (SELECT rowid FROM case_search WHERE case_search MATCH '"\(word)"*')
            """
        let n = try #require(Int(try Harness.sql(db, "SELECT count(*) " + matches)))
        #expect(n >= 1 && n < 80)
        let tmux = try TmuxSession(command: [Harness.binary, "--db", db], env: ["LANG": "C.UTF-8"])
        try tmux.waitFor(text: "80 cases")
        try tmux.send("/")
        try tmux.type(word)
        try tmux.waitFor(text: "/" + word)
        try tmux.send("Enter")
        // Wait for the whole frame (the header is drawn before the status bar): a capture can fall
        // between the two while the machine is busy.
        let found = try tmux.waitFor("the search results") { $0.contains("\(n) case" + (n == 1 ? "" : "s")) && $0.contains("1 of \(n)") }
        #expect(found.contains("search \"\(word)\""))
        try tmux.send("o")
        try tmux.waitFor(text: "by age")
        // The last match in age order: jump to it.
        let last = try Harness.sql(db, "SELECT c.case_id " + matches + " ORDER BY c.flagged_at DESC, c.id DESC LIMIT 1")
        try tmux.send(":")
        try tmux.type(last)
        try tmux.waitFor(text: ":" + last)
        try tmux.send("Enter")
        try tmux.waitFor(text: "\(n) of \(n)")
        // An unknown case id is reported.
        try tmux.send(":")
        try tmux.type("c_nope")
        try tmux.send("Enter")
        try tmux.waitFor(text: "no case c_nope")
        try tmux.send("q")
        try tmux.waitFor(text: "[exited 0]")
    }

    /// A case someone already decided, reached with a filter and `:`, is not decided again
    /// unawares: the decision key asks "Correct bob's no_violation (#1)? y/n"; n leaves it, y
    /// records a correction that supersedes bob's label (both stay in the log).
    @Test func decidingSomeoneElsesCaseAsksToCorrectIt() throws {
        let dir = try Harness.tempDir()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let db = dir + "/t.sqlite"
        try Harness.run(["sample", "--n", "5", "--seed", "21", "--out", dir + "/c.jsonl"])
        #expect(try Harness.run(["import", dir + "/c.jsonl", "--db", db]).status == 0)
        let x = try Harness.sql(db, "SELECT case_id FROM cases ORDER BY id LIMIT 1")
        #expect(try Harness.run(["label", "--db", db, "--analyst", "bob", "--", x, "no_violation"]).status == 0)
        let tmux = try TmuxSession(command: [Harness.binary, "--db", db, "--analyst", "ann"], env: ["LANG": "C.UTF-8"])
        try tmux.waitFor(text: "4 cases")
        try tmux.send("f")
        try tmux.type("status=all")
        try tmux.send("Enter")
        try tmux.waitFor(text: "5 cases")
        try tmux.send(":")
        try tmux.type(x)
        try tmux.send("Enter")
        try tmux.waitFor("the decided case selected") { self.selectedRow($0).contains(String(x.suffix(3))) || $0.contains("no_violation") }
        try tmux.send("v")
        try tmux.waitFor(text: "Correct bob's no_violation (#1)? y/n")
        try tmux.send("n")
        try tmux.waitFor(text: "left as it is")
        #expect(try Harness.sql(db, "SELECT count(*) FROM label_event") == "1")
        try tmux.send("v")
        try tmux.waitFor(text: "Correct bob's no_violation (#1)? y/n")
        try tmux.send("y")
        try tmux.waitFor(text: "reasons:")
        try tmux.send("Enter")
        try tmux.waitFor(text: "note: type")
        try tmux.send("Enter")
        try tmux.waitFor(text: "saved: violation \(x)")
        try tmux.send("q")
        try tmux.waitFor(text: "[exited 0]")
        #expect(try Harness.sql(db, "SELECT group_concat(id || ':' || analyst || ':' || decision || ':' || coalesce(supersedes, '-'), ' ') FROM label_event")
                == "1:bob:no_violation:- 2:ann:violation:1")
    }

    /// The row marked as selected (the one with the ▸ marker).
    private func selectedRow(_ screen: String) -> String {
        screen.split(separator: "\n").first { $0.contains("▸") }.map(String.init) ?? ""
    }
}
