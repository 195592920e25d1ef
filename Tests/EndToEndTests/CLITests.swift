import Foundation
import Testing

/// The command-line interface, run as a separate process, checked through its output, exit codes
/// and the database it wrote.
@Suite struct CLITests {
    /// `--out` writes in place, as the shell's `>` does: a named pipe (or /dev/null) stays what it
    /// is. Foundation's createFile renames a new file over the path, which once turned the
    /// machine's /dev/null into an empty regular file; a pipe shows the same without that risk.
    @Test func outputToANamedPipeWritesIntoThePipe() throws {
        let dir = try Harness.tempDir()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let db = dir + "/t.sqlite", fifo = dir + "/out.fifo"
        #expect(try Harness.run(["sample", "--n", "20", "--out", dir + "/c.jsonl"]).status == 0)
        #expect(try Harness.run(["import", dir + "/c.jsonl", "--db", db]).status == 0)
        for args in [["sample", "--n", "5", "--out", fifo], ["export", "--db", db, "--format", "csv", "--out", fifo]] {
            try #require(mkfifo(fifo, 0o600) == 0)
            // The reader opens the pipe (blocking until the writer does) and reads to its end.
            let received = ReadBox()
            let reader = Thread {
                received.data = FileHandle(forReadingAtPath: fifo)?.readDataToEndOfFile() ?? Data()
                received.done.signal()
            }
            reader.start()
            let r = try Harness.run(args)
            #expect(r.status == 0, "\(args): \(r.stderr)")
            #expect(received.done.wait(timeout: .now() + 10) == .success)
            #expect(!received.data.isEmpty, "\(args) wrote nothing into the pipe")
            var st = stat()
            #expect(lstat(fifo, &st) == 0 && (st.st_mode & S_IFMT) == S_IFIFO, "\(args) replaced the pipe with a file")
            unlink(fifo)
        }
    }

    final class ReadBox: @unchecked Sendable {
        var data = Data()
        let done = DispatchSemaphore(value: 0)
    }

    @Test func sampleImportStatsExportRoundTrip() throws {
        let dir = try Harness.tempDir()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let db = dir + "/t.sqlite", cases = dir + "/cases.jsonl"
        let sample = try Harness.run(["sample", "--n", "200", "--seed", "5", "--out", cases])
        #expect(sample.status == 0, "\(sample.stderr)")
        // Deterministic for a seed.
        let again = try Harness.run(["sample", "--n", "200", "--seed", "5"])
        #expect(again.stdout == (try String(contentsOfFile: cases, encoding: .utf8)))

        let imp = try Harness.run(["import", cases, "--db", db])
        #expect(imp.status == 0, "\(imp.stderr)")
        #expect(imp.stdout.contains("read 200, accepted 200 (new 200, updated 0, unchanged 0), rejected 0"))
        #expect(try Harness.sql(db, "SELECT count(*) FROM cases") == "200")
        #expect(try Harness.sql(db, "SELECT read_count, inserted_count, rejected_count FROM import_batch") == "200|200|0")
        #expect(try Harness.sql(db, "SELECT sha256 FROM import_batch").count == 64)

        let reimp = try Harness.run(["import", cases, "--db", db])
        #expect(reimp.stdout.contains("unchanged 200"))

        let stats = try Harness.run(["stats", "--db", db])
        #expect(stats.status == 0)
        #expect(stats.stdout.contains("imports: 2"))
        #expect(stats.stdout.contains("all"))

        // Label two cases through SQL? No: through the store's own path is the TUI/CLI's job; the
        // export of an unlabelled database is empty but well-formed.
        let empty = try Harness.run(["export", "--db", db, "--format", "csv"])
        #expect(empty.status == 0)
        #expect(empty.stdout.hasPrefix("case_id,merchant_id,policy,decision"))
        #expect(empty.stdout.split(separator: "\n").count == 1)
    }

    /// `-` reads standard input: copied to a temporary file in TMPDIR (so it can be checked and
    /// then written), removed afterwards; a bad line still stores nothing.
    @Test func standardInputImportsLikeAFile() throws {
        let dir = try Harness.tempDir()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let db = dir + "/t.sqlite", tmp = dir + "/tmp"
        try FileManager.default.createDirectory(atPath: tmp, withIntermediateDirectories: true)
        let text = try Harness.run(["sample", "--n", "50", "--seed", "3"]).stdout
        let imp = try Harness.run(["import", "-", "--db", db], env: ["TMPDIR": tmp], stdin: text)
        #expect(imp.status == 0, "\(imp.stderr)")
        #expect(imp.stdout.contains("<stdin>: read 50, accepted 50 (new 50"), "\(imp.stdout)")
        #expect(try Harness.sql(db, "SELECT file_name, read_count, finished_at IS NOT NULL FROM import_batch") == "<stdin>|50|1")
        #expect(try FileManager.default.contentsOfDirectory(atPath: tmp).isEmpty, "the spooled copy was left behind")
        let bad = try Harness.run(["import", "-", "--db", db], env: ["TMPDIR": tmp], stdin: text + "{oops\n")
        #expect(bad.status == 65)
        #expect(bad.stderr.contains("<stdin>:51: not JSON"), "\(bad.stderr)")
        #expect(try Harness.sql(db, "SELECT count(*) FROM import_batch") == "1")
        #expect(try FileManager.default.contentsOfDirectory(atPath: tmp).isEmpty)
        let noTmp = try Harness.run(["import", "-", "--db", db], env: ["TMPDIR": dir + "/missing"], stdin: text)
        #expect(noTmp.status == 66, "\(noTmp.stderr)")
        #expect(noTmp.stderr.contains("TMPDIR"), "\(noTmp.stderr)")
    }

    @Test func badLinesExit65AndNameFileLineAndField() throws {
        let dir = try Harness.tempDir()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let db = dir + "/t.sqlite", cases = dir + "/cases.jsonl"
        try Harness.run(["sample", "--n", "3", "--out", cases])
        var lines = try String(contentsOfFile: cases, encoding: .utf8).split(separator: "\n").map(String.init)
        lines[1] = lines[1].replacingOccurrences(of: "\"score\":", with: "\"score\":7, \"x\":")
        lines.append("{oops")
        try (lines.joined(separator: "\n") + "\n").write(toFile: cases, atomically: true, encoding: .utf8)

        let r = try Harness.run(["import", cases, "--db", db])
        #expect(r.status == 65)
        #expect(r.stderr.contains("\(cases):2: scores[0].score"), "\(r.stderr)")
        #expect(r.stderr.contains("\(cases):4: not JSON"), "\(r.stderr)")
        #expect(r.stdout.contains("nothing stored"))
        #expect(try Harness.sql(db, "SELECT count(*) FROM cases") == "0")

        let skip = try Harness.run(["import", cases, "--db", db, "--skip-invalid"])
        #expect(skip.status == 0, "\(skip.stderr)")
        #expect(skip.stdout.contains("rejected 2"))
        #expect(try Harness.sql(db, "SELECT count(*) FROM cases") == "2")
        let rejects = try String(contentsOfFile: cases + ".rejects", encoding: .utf8)
        #expect(rejects == lines[1] + "\n" + lines[3] + "\n")
    }

    @Test func databaseProblemsAreOneClearLine() throws {
        let dir = try Harness.tempDir()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let missing = try Harness.run(["stats", "--db", dir + "/none.sqlite"])
        #expect(missing.status == 66)
        #expect(missing.stderr.hasPrefix("triage: no database at"))
        #expect(missing.stderr.split(separator: "\n").count == 1)

        let junk = dir + "/junk.sqlite"
        try "hello".write(toFile: junk, atomically: true, encoding: .utf8)
        let notDB = try Harness.run(["stats", "--db", junk])
        #expect(notDB.status == 69)
        #expect(notDB.stderr.contains("is not a triage database"))
        #expect(try String(contentsOfFile: junk, encoding: .utf8) == "hello")

        let noFile = try Harness.run(["import", dir + "/absent.jsonl", "--db", dir + "/t.sqlite"])
        #expect(noFile.status == 66)
        #expect(noFile.stderr.contains("absent.jsonl"))
    }

    @Test func databaseComesFromTheEnvironmentThenXDG() throws {
        let dir = try Harness.tempDir()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let cases = dir + "/c.jsonl"
        try Harness.run(["sample", "--n", "2", "--out", cases])
        let viaEnv = try Harness.run(["import", cases], env: ["TRIAGE_DB": dir + "/env.sqlite"])
        #expect(viaEnv.status == 0)
        #expect(FileManager.default.fileExists(atPath: dir + "/env.sqlite"))
        let viaXDG = try Harness.run(["import", cases], env: ["XDG_DATA_HOME": dir + "/xdg"])
        #expect(viaXDG.status == 0)
        #expect(FileManager.default.fileExists(atPath: dir + "/xdg/triage/triage.sqlite"))
    }

    @Test func taxonomyRoundTripsThroughTOML() throws {
        let dir = try Harness.tempDir()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let db = dir + "/t.sqlite"
        try Harness.run(["sample", "--n", "2", "--out", dir + "/c.jsonl"])
        try Harness.run(["import", dir + "/c.jsonl", "--db", db])
        let exported = try Harness.run(["taxonomy", "export", "--db", db])
        #expect(exported.status == 0)
        let edited = exported.stdout.replacingOccurrences(of: "label = \"Escalate\"", with: "label = \"Send to a lead\"")
        try edited.write(toFile: dir + "/t.toml", atomically: true, encoding: .utf8)
        let imp = try Harness.run(["taxonomy", "import", dir + "/t.toml", "--db", db])
        #expect(imp.status == 0, "\(imp.stderr)")
        #expect(try Harness.sql(db, "SELECT label FROM decision WHERE key = 'escalate'") == "Send to a lead")

        try "[[decision]]\nkey = \"x\"\nhotkey = \"xy\"\n".write(toFile: dir + "/bad.toml", atomically: true, encoding: .utf8)
        let bad = try Harness.run(["taxonomy", "import", dir + "/bad.toml", "--db", db])
        #expect(bad.status == 65)
        #expect(bad.stderr.contains("bad.toml"))
        #expect(bad.stderr.contains("line"))
    }

    @Test func helpTeachesAndUsageErrorsExit64() throws {
        let help = try Harness.run(["--help"])
        #expect(help.status == 0)
        #expect(help.stdout.contains("triage demo"))
        #expect(help.stdout.contains("Exit codes"))
        let importHelp = try Harness.run(["import", "--help"])
        #expect(importHelp.stdout.contains("--skip-invalid"))
        #expect(try Harness.run(["import", "--frobnicate"]).status == 64)
        #expect(try Harness.run(["export", "--since", "last tuesday"]).status == 64)
    }

    /// Every command's help, found by following each SUBCOMMANDS list from the top: it exits 0,
    /// shows no source-code line continuations (a stray `\\` at a line's end), and every
    /// workbench key it names ("(a in the workbench)") is a key the README's key table lists.
    @Test func everyCommandsHelpIsCleanAndNamesRealKeys() throws {
        let readme = try String(contentsOfFile: Harness.root + "/README.md", encoding: .utf8)
        var pending: [[String]] = [[]], seen = 0
        while let path = pending.popLast() {
            let r = try Harness.run(path + ["--help"])
            seen += 1
            #expect(r.status == 0, "\(path): \(r.stderr)")
            for line in r.stdout.split(separator: "\n") where line.hasSuffix("\\") {
                Issue.record("triage \(path.joined(separator: " ")) --help: stray continuation in \(line.debugDescription)")
            }
            for m in r.stdout.matches(of: /\(([A-Za-z]) in the workbench\)/) {
                #expect(readme.contains("| `\(m.output.1)` |"), "\(path): key \(m.output.1) is not in the README's key table")
            }
            guard let list = r.stdout.components(separatedBy: "SUBCOMMANDS:").dropFirst().first else { continue }
            for line in list.split(separator: "\n") {
                // "  name (default)    abstract": two spaces in, then a column gap.
                guard let m = line.wholeMatch(of: /\ \ ([a-z][a-z-]*)(?: \(default\))? {2,}\S.*/) else { continue }
                pending.append(path + [String(m.output.1)])
            }
        }
        #expect(seen > 25, "only \(seen) help pages found")
        // The keys the top-level help names are the ones that do those things.
        let top = try Harness.run(["--help"]).stdout.split(separator: "\n")
        func row(_ key: String) -> String { readme.split(separator: "\n").first { $0.hasPrefix("| `\(key)` |") }.map(String.init) ?? "" }
        #expect(top.contains { $0.contains("triage rationale CASE_ID") && $0.contains("(a in the workbench)") })
        #expect(row("a").contains("rationale"))
        #expect(top.contains { $0.contains("triage feedback ID") && $0.contains("(R in the workbench)") })
        #expect(row("R").contains("rate the case's newest rationale"))
    }

    /// A database of `n` sample cases, in a fresh directory the caller removes.
    func sampleDB(_ n: Int) throws -> (dir: String, db: String) {
        let dir = try Harness.tempDir()
        let db = dir + "/t.sqlite", cases = dir + "/cases.jsonl"
        try Harness.run(["sample", "--n", "\(n)", "--seed", "7", "--out", cases])
        let imp = try Harness.run(["import", cases, "--db", db])
        #expect(imp.status == 0, "\(imp.stderr)")
        return (dir, db)
    }

    /// A mistyped --policy is a usage error naming the policies there are, not an empty queue
    /// (exit 3) or an empty workbench; nothing is claimed.
    @Test func anUnknownPolicyIsExit64NotAnEmptyQueue() throws {
        let (dir, db) = try sampleDB(3)
        defer { try? FileManager.default.removeItem(atPath: dir) }
        for args in [["next", "--policy", "gamblng"], ["--policy", "gamblng"]] {
            let r = try Harness.run(args + ["--db", db, "--analyst", "ana"])
            #expect(r.status == 64, "\(args): \(r.status) \(r.stderr)")
            #expect(r.stderr.contains("unknown policy area 'gamblng'") && r.stderr.contains("gambling"), "\(r.stderr)")
        }
        #expect(try Harness.sql(db, "SELECT count(*) FROM assignment") == "0")
        #expect(try Harness.run(["next", "--policy", "gambling", "--db", db, "--analyst", "ana"]).status != 64)
    }

    /// A labeler's `next` without --project does not hand out an analyst-queue case they could
    /// not label: exit 77, pointing at projects, nothing claimed.
    @Test func aLabelersNextWithoutAProjectIsRefused() throws {
        let (dir, db) = try sampleDB(3)
        defer { try? FileManager.default.removeItem(atPath: dir) }
        #expect(try Harness.run(["users", "add", "lee", "--role", "lead", "--db", db, "--analyst", "lee"]).status == 0)
        #expect(try Harness.run(["users", "add", "lou", "--role", "labeler", "--db", db, "--analyst", "lee"]).status == 0)
        let r = try Harness.run(["next", "--db", db, "--analyst", "lou"])
        #expect(r.status == 77 && r.stderr.contains("--project"), "\(r.status) \(r.stderr)")
        #expect(try Harness.sql(db, "SELECT count(*) FROM assignment") == "0")
        #expect(try Harness.run(["next", "--db", db, "--analyst", "lee"]).status == 0, "a lead may take analyst-queue cases")
    }

    @Test func nextClaimsDistinctCasesUntilTheQueueIsEmpty() throws {
        let (dir, db) = try sampleDB(3)
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let top = try Harness.sql(db, "SELECT case_id FROM cases ORDER BY score DESC, id DESC LIMIT 1")
        let ana = try Harness.run(["next", "--db", db, "--analyst", "ana"])
        #expect(ana.status == 0, "\(ana.stderr)")
        #expect(ana.stdout == top + "\n")
        let bob = try Harness.run(["next", "--db", db, "--analyst", "bob", "--lease", "60"])
        #expect(bob.status == 0, "\(bob.stderr)")
        let bobCase = bob.stdout.trimmingCharacters(in: .whitespacesAndNewlines)
        #expect(!bobCase.isEmpty && bobCase != top)
        // Ana again: her own case back (a restarted script picks up where it was).
        #expect(try Harness.run(["next", "--db", db, "--analyst", "ana"]).stdout == top + "\n")
        #expect(try Harness.sql(db, "SELECT c.case_id, a.analyst FROM assignment a JOIN cases c ON c.id = a.case_row ORDER BY a.analyst")
                == "\(top)|ana\n\(bobCase)|bob")
        #expect(try Harness.sql(db, "SELECT (lease_until - claimed_at) / 1000 FROM assignment WHERE analyst = 'bob'") == "60")
        // The third case to Carol, then nothing left for Dan: the documented code, empty stdout.
        #expect(try Harness.run(["next", "--db", db, "--analyst", "carol"]).status == 0)
        let dan = try Harness.run(["next", "--db", db, "--analyst", "dan"])
        #expect(dan.status == 3, "\(dan.stderr)")
        #expect(dan.stdout.isEmpty)
        #expect(dan.stderr.contains("no open case"))
        #expect(try Harness.run(["next", "--db", db, "--lease", "0"]).status == 64)
        let help = try Harness.run(["next", "--help"]).stdout.replacingOccurrences(of: "\n", with: " ")
        #expect(help.contains("3 the queue has no open case"), "\(help)")
    }

    @Test func labelRecordsTheAuditTrailAndEndsTheClaim() throws {
        let (dir, db) = try sampleDB(2)
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let id = try Harness.run(["next", "--db", db, "--analyst", "ana"]).stdout.trimmingCharacters(in: .whitespacesAndNewlines)
        let r = try Harness.run(["label", id, "no_violation", "--reason", "false_positive", "--reason", "website_down",
                                 "--note", "checked the site, nothing sold", "--db", db, "--analyst", "ana"])
        #expect(r.status == 0, "\(r.stderr)")
        let event = try Harness.sql(db, "SELECT max(id) FROM label_event")
        #expect(r.stdout == "labelled \(id) no_violation (event \(event))\n")
        let osUser = try Harness.sql(db, "SELECT os_user FROM label_event")
        #expect(!osUser.isEmpty)
        #expect(try Harness.sql(db, """
            SELECT kind, decision, reason_codes, note, analyst, role, blind, supersedes IS NULL FROM label_event
            """) == "label|no_violation|[\"false_positive\",\"website_down\"]|checked the site, nothing sold|ana|analyst|0|1")
        // The model versions the case carried, as model@version.
        let seen = try Harness.sql(db, "SELECT model_versions_seen FROM label_event")
        let latest = try Harness.sql(db, """
            SELECT s.model || '@' || s.version FROM score s JOIN cases c ON c.id = s.case_row
            WHERE c.case_id = '\(id)' ORDER BY s.id DESC LIMIT 1
            """)
        #expect(seen.contains("\"\(latest)\""), "\(seen)")
        #expect(try Harness.sql(db, "SELECT status FROM cases WHERE case_id = '\(id)'") == "decided")
        #expect(try Harness.sql(db, "SELECT count(*) FROM assignment") == "0")
    }

    @Test func labelRefusesBadInputWithTheDocumentedCodes() throws {
        let (dir, db) = try sampleDB(1)
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let id = try Harness.sql(db, "SELECT case_id FROM cases")
        let unknownDecision = try Harness.run(["label", id, "maybe", "--db", db])
        #expect(unknownDecision.status == 65)
        #expect(unknownDecision.stderr.contains("unknown decision 'maybe'"), "\(unknownDecision.stderr)")
        #expect(unknownDecision.stderr.contains("no_violation"))
        let badReason = try Harness.run(["label", id, "violation", "--reason", "false_positive", "--db", db])
        #expect(badReason.status == 65)
        #expect(badReason.stderr.contains("false_positive"))
        let unknownCase = try Harness.run(["label", "no-such-case", "violation", "--db", db])
        #expect(unknownCase.status == 66)
        #expect(unknownCase.stderr.contains("no case with id 'no-such-case'"))
        #expect(try Harness.run(["label", id, "violation", "--db", dir + "/none.sqlite"]).status == 66)
        #expect(try Harness.sql(db, "SELECT count(*) FROM label_event") == "0")
    }

    @Test func relabellingNeedsCorrectAndSupersedes() throws {
        let (dir, db) = try sampleDB(1)
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let id = try Harness.sql(db, "SELECT case_id FROM cases")
        #expect(try Harness.run(["label", id, "violation", "--db", db, "--analyst", "ana"]).status == 0)
        let first = try Harness.sql(db, "SELECT id FROM label_event")
        let again = try Harness.run(["label", id, "no_violation", "--db", db, "--analyst", "bob"])
        #expect(again.status == 75)
        #expect(again.stderr.contains("already has a label"), "\(again.stderr)")
        #expect(again.stderr.contains("--correct"))
        #expect(again.stdout.isEmpty)
        #expect(try Harness.sql(db, "SELECT count(*) FROM label_event") == "1")

        let fix = try Harness.run(["label", id, "no_violation", "--reason", "false_positive", "--correct",
                                   "--db", db, "--analyst", "bob"])
        #expect(fix.status == 0, "\(fix.stderr)")
        let second = try Harness.sql(db, "SELECT max(id) FROM label_event")
        #expect(fix.stdout == "labelled \(id) no_violation (event \(second))\n")
        #expect(try Harness.sql(db, "SELECT supersedes, analyst, decision FROM label_event WHERE id = \(second)")
                == "\(first)|bob|no_violation")
        #expect(try Harness.sql(db, "SELECT current_label, status FROM cases") == "\(second)|decided")
        // Labelled cases are not claimed.
        #expect(try Harness.run(["next", "--db", db]).status == 3)

        // Undo: a new event superseding the correction; the case is open and claimable again.
        let undo = try Harness.run(["undo", id, "--db", db, "--analyst", "carol"])
        #expect(undo.status == 0, "\(undo.stderr)")
        let third = try Harness.sql(db, "SELECT max(id) FROM label_event")
        #expect(undo.stdout == "undid \(id) no_violation (event \(third) undoes event \(second))\n")
        #expect(try Harness.sql(db, "SELECT kind, decision IS NULL, supersedes, analyst FROM label_event WHERE id = \(third)")
                == "undo|1|\(second)|carol")
        #expect(try Harness.sql(db, "SELECT current_label IS NULL, status FROM cases") == "1|open")
        let nothing = try Harness.run(["undo", id, "--db", db])
        #expect(nothing.status == 65)
        #expect(nothing.stderr.contains("no label to undo"))
        #expect(try Harness.run(["next", "--db", db]).stdout == id + "\n")
    }
}
