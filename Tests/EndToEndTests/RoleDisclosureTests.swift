import Foundation
import Testing
import TriageTestSupport

/// What a role may see, through the binary, on both backends: a labeler's `audit` shows their own
/// events only, no gold label, no status, and no model output of a case in a blind project's
/// area until they have labelled it; the commands that show everyone's labels or model output
/// (`export`, `suspects`, `report`, `agreement`) refuse them; their labels in a blind project are
/// recorded blind. A lead sees everything. Role changes record who made them.
@Suite(.serialized) struct RoleDisclosureTests {
    /// `args` with `options` added: before a `--` (after which everything is an argument), else at the end.
    static func with(_ args: [String], _ options: [String]) -> [String] {
        guard let dashes = args.firstIndex(of: "--") else { return args + options }
        return Array(args[..<dashes]) + options + Array(args[dashes...])
    }

    /// One backend as the scenario sees it: run a command as someone, read a number from the database.
    struct Backend {
        var name: String
        var run: (_ args: [String], _ user: String) throws -> Harness.Result
        var value: (_ sql: String) throws -> String
    }

    func scenario(_ b: Backend) throws {
        func ok(_ args: [String], _ user: String) throws -> Harness.Result {
            let r = try b.run(args, user)
            #expect(r.status == 0, "\(b.name) \(user) \(args): \(r.status) \(r.stderr)")
            return r
        }
        _ = try ok(["project", "create", "p", "--policy", "gambling", "--overlap", "2", "--limit", "20"], "lee")
        // ann decides a gambling case in the analyst queue (not one of the project's: it drew the
        // top 20 by score, and ann takes the 30th).
        let x = try b.value("SELECT case_id FROM cases WHERE policy = 'gambling' AND gold_label IS NULL ORDER BY score DESC LIMIT 1 OFFSET 30")
        _ = try ok(["label", "--reason", "unlicensed_gambling", "--note", "ann's secret note", "--", x, "violation"], "ann")
        let gold = try b.value("SELECT case_id FROM cases WHERE policy = 'gambling' AND gold_label IS NOT NULL ORDER BY id LIMIT 1")

        // lou, a labeler, takes a case of the blind project: audit shows no model output, no status.
        let y = try ok(["next", "--project", "p"], "lou").stdout.trimmingCharacters(in: .whitespacesAndNewlines)
        let before = try ok(["audit", "--", y], "lou").stdout
        #expect(before.contains("status not shown to labelers") && before.contains("scores (oldest first): not shown"), "\(b.name): \(before)")
        #expect(!before.contains("supportability-xgb 2026"), "\(b.name): \(before)")
        let json = try ok(["audit", "--format", "json", "--", y], "lou").stdout
        #expect(json.contains("\"status\":null") && json.contains("\"scores\":[]") && json.contains("\"hidden\":[\"status\""), "\(b.name): \(json)")
        // Her label in the blind project is recorded blind without her saying so; kim labels it too.
        _ = try ok(["label", "--project", "p", "--reason", "unlicensed_gambling", "--", y, "violation"], "lou")
        _ = try ok(["label", "--project", "p", "--", y, "no_violation"], "kim")
        let louBlind = try b.value("SELECT blind FROM label_event WHERE analyst = 'lou'")
        #expect(louBlind == "1" || louBlind == "t", "\(b.name): \(louBlind)")
        // Now she has labelled it: the model output is hers to see, kim's label is not.
        let after = try ok(["audit", "--", y], "lou").stdout
        #expect(after.contains("supportability-xgb") && after.contains("by lou") && !after.contains("by kim"), "\(b.name): \(after)")
        #expect(after.contains("yours only"), "\(b.name): \(after)")
        // A correction after she has seen the model is not blind.
        _ = try ok(["label", "--project", "p", "--correct", "--", y, "no_violation"], "lou")
        let corrected = try b.value("SELECT blind FROM label_event WHERE analyst = 'lou' ORDER BY id DESC LIMIT 1")
        #expect(corrected == "0" || corrected == "f", "\(b.name): \(corrected)")
        // ann's case: no status, no current label, no ann's event or note, no scores (gambling is a blind area).
        let annsCase = try ok(["audit", "--", x], "lou").stdout
        #expect(!annsCase.contains("ann") && !annsCase.contains("secret note") && !annsCase.contains("decided"), "\(b.name): \(annsCase)")
        #expect(annsCase.contains("scores (oldest first): not shown"), "\(b.name): \(annsCase)")
        // A gold case: never its gold label.
        let goldAudit = try ok(["audit", "--", gold], "lou").stdout
        #expect(!goldAudit.contains("gold label"), "\(b.name): \(goldAudit)")
        #expect(try ok(["audit", "--format", "json", "--", gold], "lou").stdout.contains("\"gold_label\":null"))
        // What shows everyone's labels, gold labels or model output across cases: refused.
        for args in [["stats"], ["export"], ["export", "--project", "p"], ["export", "--consensus", "--project", "p"], ["suspects"],
                     ["report"], ["agreement", "--project", "p"]] {
            let r = try b.run(args, "lou")
            #expect(r.status == 77 && r.stderr.contains("works as a labeler"), "\(b.name) \(args): \(r.status) \(r.stderr)")
            #expect(r.stdout.isEmpty, "\(b.name) \(args)")
        }
        // A lead sees it all.
        let lead = try ok(["audit", "--", y], "lee").stdout
        #expect(lead.contains("by lou") && lead.contains("by kim") && lead.contains("supportability-xgb"), "\(b.name): \(lead)")
        #expect(try ok(["audit", "--", gold], "lee").stdout.contains("gold label:"))
        #expect(try ok(["export", "--project", "p"], "lee").stdout.contains(y))
    }

    @Test func aLabelerSeesOnlyWhatTheRoleAllowsOnSQLite() throws {
        let dir = try Harness.tempDir()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let db = dir + "/t.sqlite"
        #expect(try Harness.run(["import", Harness.root + "/SampleData/cases.jsonl", "--db", db]).status == 0)
        for (who, role) in [("lee", "lead"), ("ann", "analyst"), ("lou", "labeler"), ("kim", "labeler")] {
            #expect(try Harness.run(["users", "add", who, "--role", role, "--db", db, "--analyst", "lee"]).status == 0)
        }
        try scenario(Backend(name: "SQLite", run: { args, user in
            try Harness.run(Self.with(args, ["--db", db, "--analyst", user]))
        }, value: { sql in try Harness.sql(db, sql) }))
    }

    @Test func aLabelerSeesOnlyWhatTheRoleAllowsOnPostgreSQL() throws {
        let c = try PostgresCluster.shared()
        let db = try c.createDatabase()
        let env = ["PGPASSWORD": PostgresCluster.superPassword, "NO_COLOR": "1"]
        let admin = c.url(database: db)
        #expect(try Harness.run(["db", "init", "--db", admin], env: env).status == 0)
        #expect(try Harness.run(["import", Harness.root + "/SampleData/cases.jsonl", "--db", admin], env: env).status == 0)
        for (who, role) in [("lee", "lead"), ("ann", "analyst"), ("lou", "labeler"), ("kim", "labeler")] {
            let r = try Harness.run(["users", "add", who, "--role", role, "--db", admin], env: env)
            #expect(r.status == 0, "\(r.stderr)")
        }
        try scenario(Backend(name: "PostgreSQL", run: { args, user in
            try Harness.run(Self.with(args, ["--db", "postgres://\(user)@/\(db)?host=\(c.directory)&port=\(c.port)"]), env: env)
        }, value: { sql in try c.psql(sql, database: db).trimmingCharacters(in: .whitespacesAndNewlines) }))
    }

    /// A labeler's workbench on PostgreSQL, where the database itself withholds the model output:
    /// blind before the decision, the model's output revealed after it (read again once the label
    /// is in), and the case's status never shown.
    @Test func aLabelersWorkbenchOnPostgreSQLRevealsTheModelAfterTheLabel() throws {
        let c = try PostgresCluster.shared()
        let db = try c.createDatabase()
        let env = ["PGPASSWORD": PostgresCluster.superPassword, "NO_COLOR": "1"]
        let admin = c.url(database: db)
        func url(_ user: String) -> String { "postgres://\(user)@/\(db)?host=\(c.directory)&port=\(c.port)" }
        #expect(try Harness.run(["db", "init", "--db", admin], env: env).status == 0)
        #expect(try Harness.run(["import", Harness.root + "/SampleData/cases.jsonl", "--db", admin], env: env).status == 0)
        for (who, role) in [("lee", "lead"), ("lou", "labeler")] {
            #expect(try Harness.run(["users", "add", who, "--role", role, "--db", admin], env: env).status == 0)
        }
        #expect(try Harness.run(["project", "create", "p", "--policy", "gambling", "--overlap", "1", "--limit", "3", "--db", url("lee")],
                                env: env).status == 0)
        let tmux = try TmuxSession(command: [Harness.binary, "--db", url("lou"), "--project", "p"], env: env.merging(["LANG": "C.UTF-8"]) { a, _ in a })
        let blind = try tmux.waitFor(text: "decide", timeout: 30)
        #expect(blind.contains("project p (blind)") && !blind.contains("Scores") && !blind.contains("· open"), "\(blind)")
        try tmux.send("v")
        try tmux.waitFor(text: "reasons:")
        try tmux.send("Enter")
        try tmux.send("Enter")
        let revealed = try tmux.waitFor("the model's output after the label") { $0.contains("saved:") && $0.contains("Scores") }
        #expect(revealed.contains("model said"), "\(revealed)")
        try tmux.send("q")
        try tmux.waitFor(text: "[exited 0]")
        #expect(try c.psql("SELECT analyst || ':' || blind FROM label_event", database: db).trimmingCharacters(in: .whitespacesAndNewlines) == "lou:true")
    }

    /// `users list` says who gave each person their current role: a demotion by eve says eve,
    /// not mallory who once added the person.
    @Test func roleChangesRecordWhoMadeThem() throws {
        let dir = try Harness.tempDir()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let db = dir + "/t.sqlite"
        try Harness.run(["sample", "--n", "3", "--out", dir + "/c.jsonl"])
        #expect(try Harness.run(["import", dir + "/c.jsonl", "--db", db]).status == 0)
        #expect(try Harness.run(["users", "add", "mallory", "--role", "lead", "--db", db, "--analyst", "mallory"]).status == 0)
        #expect(try Harness.run(["users", "add", "eve", "--role", "lead", "--db", db, "--analyst", "mallory"]).status == 0)
        #expect(try Harness.run(["users", "add", "sam", "--role", "lead", "--db", db, "--analyst", "mallory"]).status == 0)
        #expect(try Harness.run(["users", "add", "sam", "--role", "analyst", "--db", db, "--analyst", "eve"]).status == 0)
        let list = try Harness.run(["users", "list", "--db", db]).stdout
        let sam = try #require(list.split(separator: "\n").first { $0.hasPrefix("sam ") })
        #expect(sam.contains("analyst") && sam.contains("mallory") && sam.contains("eve ("), "\(list)")
        #expect(try Harness.sql(db, "SELECT group_concat(coalesce(previous_role, '-') || '>' || role || ' by ' || changed_by, ', ') FROM role_change WHERE name = 'sam'")
                == "->lead by mallory, lead>analyst by eve")
        // The history is append-only, even to sqlite3.
        let rewrite = try Spawn.run(["sqlite3", db, "UPDATE role_change SET changed_by = 'x'"])
        #expect(rewrite.status != 0 && rewrite.output.contains("append-only"), "\(rewrite.output)")
        let erase = try Spawn.run(["sqlite3", db, "DELETE FROM role_change"])
        #expect(erase.status != 0 && erase.output.contains("append-only"), "\(erase.output)")
        #expect(try Harness.sql(db, "SELECT count(*) FROM role_change") == "4")
    }
}
