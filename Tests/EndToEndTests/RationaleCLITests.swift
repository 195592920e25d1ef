import Foundation
import Testing

/// Rationales on demand, end to end: the real `triage` binary against a real local HTTP server
/// that speaks the chat-completions protocol (``FakeChatServer``), and the database it wrote.
@Suite struct RationaleCLITests {
    /// A database of `n` sample cases; the rationales of `without` of them removed.
    func database(_ dir: String, cases n: Int = 6, without: Int = 0) throws -> (db: String, ids: [String]) {
        let db = dir + "/t.sqlite"
        let s = try Harness.run(["sample", "--n", "\(n)", "--seed", "11", "--out", dir + "/cases.jsonl"])
        try #require(s.status == 0, "\(s.stderr)")
        let i = try Harness.run(["import", dir + "/cases.jsonl", "--db", db])
        try #require(i.status == 0, "\(i.stderr)")
        let ids = try Harness.sql(db, "SELECT case_id FROM cases ORDER BY score DESC, id").split(separator: "\n").map(String.init)
        if without > 0 {
            let list = ids.prefix(without).map { "'\($0)'" }.joined(separator: ",")
            _ = try Harness.sql(db, "DELETE FROM rationale WHERE case_row IN (SELECT id FROM cases WHERE case_id IN (\(list)))")
        }
        return (db, ids)
    }

    func llm(_ server: FakeChatServer) -> [String] { ["--llm-url", server.baseURL, "--llm-model", "fake-llm"] }

    @Test func oneRationaleStreamsToStdoutAndIsStoredWithItsFigures() throws {
        let dir = try Harness.tempDir()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let (db, ids) = try database(dir)
        let server = try FakeChatServer(replies: [.stream(chunks: ["The site sells ", "real-money slots [e1]", " and [e77]."], delay: 0.05)])
        defer { server.stop() }
        let caseID = ids[0]
        let r = try Harness.run(["rationale", caseID, "--db", db, "--analyst", "ana"] + llm(server),
                                env: ["TRIAGE_LLM_API_KEY": "sk-test-123"])
        #expect(r.status == 0, "\(r.stderr)")
        #expect(r.stdout.contains("The site sells real-money slots [e1] and [e77]."), "\(r.stdout)")
        #expect(r.stderr.contains("stored rationale"), "\(r.stderr)")
        #expect(r.stderr.contains("invented evidence ids: e77"), "\(r.stderr)")
        let row = try Harness.sql(db, """
            SELECT r.origin, r.model, r.prompt_version, r.evidence_ids, r.prompt_tokens, r.completion_tokens, r.requested_by,
                   r.latency_ms >= 100, r.text FROM rationale r JOIN cases c ON c.id = r.case_row
            WHERE c.case_id = '\(caseID)' AND r.origin = 'generated'
            """)
        #expect(row == "generated|fake-llm|rationale-v1|[\"e1\",\"e77\"]|12|34|ana|1|The site sells real-money slots [e1] and [e77].", "\(row)")
        // What was sent: the model, streaming, the key, and the case's context.
        let req = try #require(server.requests.first)
        #expect(req.path.hasSuffix("/chat/completions"))
        #expect(req.headers["authorization"] == "Bearer sk-test-123")
        #expect(req.body.contains("\"stream\":true") || req.body.contains("\"stream\": true"))
        let name = try Harness.sql(db, "SELECT merchant_name FROM cases WHERE case_id = '\(caseID)'")
        #expect(req.body.contains("rationale-v1") == false) // the version is ours, not sent
        #expect(req.body.contains(name.replacingOccurrences(of: "\"", with: "\\\"")), "\(req.body.prefix(400))")
        #expect(req.body.contains("[e1]"))
        // `audit` lists it with its number.
        let audit = try Harness.run(["audit", caseID, "--db", db])
        #expect(audit.stdout.contains("generated") && audit.stdout.contains("invented evidence ids: e77"), "\(audit.stdout)")
    }

    @Test func withoutAnEndpointItSaysHowToConfigureOneAndChangesNothing() throws {
        let dir = try Harness.tempDir()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let (db, ids) = try database(dir)
        let before = try Harness.sql(db, "SELECT count(*) FROM rationale")
        let r = try Harness.run(["rationale", ids[0], "--db", db], env: ["XDG_CONFIG_HOME": dir])
        #expect(r.status == 78, "\(r.stderr)")
        #expect(r.stderr.contains("no LLM endpoint is configured") && r.stderr.contains("[llm]"), "\(r.stderr)")
        #expect(try Harness.sql(db, "SELECT count(*) FROM rationale") == before)
    }

    @Test func theSettingsFileConfiguresTheEndpointAndABadOneNamesItsLine() throws {
        let dir = try Harness.tempDir()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let (db, ids) = try database(dir)
        let server = try FakeChatServer(replies: [.json(text: "Plain JSON reply [e1].")])
        defer { server.stop() }
        try FileManager.default.createDirectory(atPath: dir + "/triage", withIntermediateDirectories: true)
        try "[llm]\nbase_url = \"\(server.baseURL)\"\nmodel = \"from-config\"\nmax_tokens = 123\n"
            .write(toFile: dir + "/triage/config.toml", atomically: true, encoding: .utf8)
        let r = try Harness.run(["rationale", ids[1], "--db", db], env: ["XDG_CONFIG_HOME": dir])
        #expect(r.status == 0, "\(r.stderr)")
        #expect(r.stdout.contains("Plain JSON reply [e1]."))
        let body = try #require(server.requests.first?.body)
        #expect(body.contains("from-config") && body.contains("123"), "\(body.prefix(300))")
        try "[llm]\nmodel = \"m\"\nbase_url = \"ftp://nowhere\"\n".write(toFile: dir + "/triage/config.toml", atomically: true, encoding: .utf8)
        let bad = try Harness.run(["rationale", ids[1], "--db", db], env: ["XDG_CONFIG_HOME": dir])
        #expect(bad.status == 65, "\(bad.stderr)")
        #expect(bad.stderr.contains("config.toml: line 3: llm.base_url must start with http://"), "\(bad.stderr)")
    }

    @Test func errorsAreClearAndStoreNothing() throws {
        let dir = try Harness.tempDir()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let (db, ids) = try database(dir)
        let before = try Harness.sql(db, "SELECT count(*) FROM rationale")
        let server = try FakeChatServer(replies: [
            .hang,
            .raw(contentType: "application/json", body: "{\"choices\": \"not a list\"}"),
            .status(400, body: "{\"error\":{\"message\":\"model 'fake-llm' not found\"}}"),
            .stream(chunks: ["\u{1B}]0;pwned\u{07}Evil\u{1B}[2J text [e1]"]),
        ])
        defer { server.stop() }
        let args = ["--db", db, "--retries", "0"] + llm(server)
        let started = Date()
        let hang = try Harness.run(["rationale", ids[0], "--llm-timeout", "1"] + args)
        #expect(hang.status == 69, "\(hang.stderr)")
        #expect(Date().timeIntervalSince(started) < 8)
        #expect(hang.stderr.contains("nothing stored"), "\(hang.stderr)")
        let malformed = try Harness.run(["rationale", ids[0]] + args)
        #expect(malformed.status == 69, "\(malformed.stderr)")
        let notFound = try Harness.run(["rationale", ids[0]] + args)
        #expect(notFound.status == 69)
        #expect(notFound.stderr.contains("model 'fake-llm' not found"), "\(notFound.stderr)")
        #expect(try Harness.sql(db, "SELECT count(*) FROM rationale") == before)
        // A hostile reply is stored as it came, and printed without its escape sequences.
        let hostile = try Harness.run(["rationale", ids[0]] + args)
        #expect(hostile.status == 0, "\(hostile.stderr)")
        #expect(!hostile.stdout.contains("\u{1B}") && !hostile.stdout.contains("\u{07}"), "\(hostile.stdout.debugDescription)")
        #expect(hostile.stdout.contains("Evil"))
        let unknown = try Harness.run(["rationale", "c_nope"] + args)
        #expect(unknown.status == 66)
    }

    @Test func missingFillsInBulkWithRetriesAndASummary() throws {
        let dir = try Harness.tempDir()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let (db, ids) = try database(dir, cases: 8, without: 4)
        // One request at a time, so the replies meet the cases in order: the first case gets a
        // 503 and then a reply (a retry), the last a 400 (not retried).
        let server = try FakeChatServer(replies: [
            .status(503, body: "overloaded", retryAfter: 0),
            .stream(chunks: ["First [e1]."]),
            .stream(chunks: ["Second [e1]."]),
            .json(text: "Third, citing nothing."),
            .status(400, body: "{\"error\":{\"message\":\"context too long\"}}"),
        ])
        defer { server.stop() }
        let r = try Harness.run(["rationale", "--missing", "--concurrency", "1", "--db", db, "--analyst", "bo"] + llm(server))
        #expect(r.status == 75, "\(r.stdout)\n\(r.stderr)")
        #expect(r.stdout.contains("asked 4, stored 3, failed 1, retried 1 times; 0 cite invented evidence ids, 1 cite none"), "\(r.stdout)")
        #expect(r.stderr.contains("\(ids[3]): ") && r.stderr.contains("context too long"), "\(r.stderr)")
        #expect(server.requests.count == 5)
        #expect(try Harness.sql(db, "SELECT count(*) FROM rationale WHERE origin = 'generated' AND requested_by = 'bo'") == "3")
        // Run again: only the one still missing is asked for.
        let again = try Harness.run(["rationale", "--missing", "--db", db] + llm(server))
        #expect(again.status == 0, "\(again.stderr)")
        #expect(again.stdout.contains("asked 1, stored 1, failed 0"), "\(again.stdout)")
        let none = try Harness.run(["rationale", "--missing", "--db", db] + llm(server))
        #expect(none.stdout.contains("already has a rationale"), "\(none.stdout)")
    }

    @Test func feedbackIsRecordedAndExportedWithTheRationale() throws {
        let dir = try Harness.tempDir()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let (db, ids) = try database(dir)
        let server = try FakeChatServer(replies: [.stream(chunks: ["Cites [e1] and [e42]."])])
        defer { server.stop() }
        #expect(try Harness.run(["rationale", ids[0], "--db", db] + llm(server)).status == 0)
        let id = try Harness.sql(db, "SELECT max(id) FROM rationale")
        let rate = try Harness.run(["feedback", id, "unhelpful", "--tag", "hallucinated_evidence", "--tag", "too_vague",
                                    "--note", "e42 is made up", "--db", db, "--analyst", "ana"])
        #expect(rate.status == 0, "\(rate.stderr)")
        #expect(rate.stdout.contains("rated rationale \(id) unhelpful"))
        let badTag = try Harness.run(["feedback", id, "helpful", "--tag", "nice", "--db", db])
        #expect(badTag.status == 64 && badTag.stderr.contains("unknown tag 'nice'"), "\(badTag.stderr)")
        let missing = try Harness.run(["feedback", "99999", "helpful", "--db", db])
        #expect(missing.status == 65, "\(missing.stderr)")
        let csv = try Harness.run(["export", "--rationale-feedback", "--format", "csv", "--db", db])
        #expect(csv.status == 0, "\(csv.stderr)")
        let lines = csv.stdout.split(separator: "\n")
        #expect(lines.count == 2)
        #expect(lines.first?.hasPrefix("feedback_id,rated_at,analyst,os_user,helpful,tags,note,rationale_id,case_id,policy,model,prompt_version") == true)
        #expect(lines.last?.contains(",ana,") == true && lines.last?.contains(",false,hallucinated_evidence|too_vague,e42 is made up,\(id),\(ids[0]),") == true,
                "\(lines.last ?? "")")
        #expect(lines.last?.contains(",fake-llm,rationale-v1,generated,") == true && lines.last?.contains(",e1|e42,e42,") == true)
        let jsonl = try Harness.run(["export", "--rationale-feedback", "--db", db])
        #expect(jsonl.stdout.contains("\"invented_evidence\":[\"e42\"]"), "\(jsonl.stdout)")
    }

    /// The workbench in tmux: `a` streams a rationale into the detail pane, `R` rates it; `x`
    /// stops a slow one. Then the database holds what the screen said.
    @Test func theWorkbenchStreamsARationaleAndRatesIt() throws {
        let dir = try Harness.tempDir()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let (db, _) = try database(dir)
        let chunks = ["Streaming ", "word ", "by ", "word ", "from ", "the ", "model ", "citing ", "[e1]", "."]
        let server = try FakeChatServer(replies: [.stream(chunks: chunks, delay: 0.3), .stream(chunks: Array(repeating: "slow ", count: 100), delay: 0.3)])
        defer { server.stop() }
        let tui = try TmuxSession(command: [Harness.binary, "--db", db, "--analyst", "ana"] + llm(server),
                                  env: ["LANG": "C.UTF-8", "XDG_CONFIG_HOME": dir])
        try tui.waitFor(text: "Rationale")
        try tui.send("a")
        // Part of it shows while it streams, then all of it, stored.
        try tui.waitFor("a partial reply") { $0.contains("asking fake-llm") && $0.contains("Streaming word") && !$0.contains("citing [e1].") }
        let done = try tui.waitFor("the stored rationale", timeout: 15) { $0.contains("stored for") }
        let id = try Harness.sql(db, "SELECT max(id) FROM rationale WHERE origin = 'generated'")
        #expect(done.contains("Rationale #\(id)"), "\(done)")
        #expect(try Harness.sql(db, "SELECT text FROM rationale WHERE id = \(id)") == chunks.joined())
        try tui.send("R")
        try tui.waitFor(text: "rate rationale #\(id)")
        try tui.send("y")
        try tui.send("6")
        try tui.send("Enter")
        try tui.waitFor(text: "rated rationale #\(id) helpful")
        #expect(try Harness.sql(db, "SELECT helpful, tags, analyst FROM rationale_feedback") == "1|[\"well_supported\"]|ana")
        // A slow one, stopped with x: nothing stored.
        try tui.send("j")
        try tui.send("a")
        try tui.waitFor(text: "slow slow")
        try tui.send("x")
        try tui.waitFor(text: "stopped")
        #expect(try Harness.sql(db, "SELECT count(*) FROM rationale WHERE origin = 'generated'") == "1")
        try tui.send("q")
        try tui.waitFor(text: "[exited 0]")
    }
}
