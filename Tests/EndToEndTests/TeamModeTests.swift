import Foundation
import Testing
import TriageTestSupport

/// Team mode through the built binary: an administrator prepares a PostgreSQL database, imports
/// cases and adds people; analysts on their own database users label from the command line and
/// in the workbench (tmux); the database holds exactly what they acknowledged, and the team moves
/// to a SQLite file and back with `triage db copy`.
@Suite(.serialized) struct TeamModeTests {
    @Test func aTeamWorksOnPostgreSQL() throws {
        let c = try PostgresCluster.shared()
        let db = try c.createDatabase()
        let admin = c.url(database: db)
        let env = ["PGPASSWORD": PostgresCluster.superPassword, "NO_COLOR": "1"]
        /// A person's URL over the server's trusted socket (their users have no password here).
        func url(_ user: String) -> String { "postgres://\(user)@/\(db)?host=\(c.directory)&port=\(c.port)" }
        func run(_ args: [String], as user: String? = nil) throws -> Harness.Result {
            try Harness.run(args + ["--db", user.map(url) ?? admin], env: env)
        }

        #expect(try run(["db", "init"]).status == 0)
        let imported = try run(["import", Harness.root + "/SampleData/cases.jsonl"])
        #expect(imported.status == 0, "\(imported.stderr)")
        #expect(try run(["users", "add", "lee", "--role", "lead"]).status == 0)
        let added = try run(["users", "add", "ann", "--role", "analyst"])
        #expect(added.status == 0, "\(added.stderr)")
        #expect(try run(["users", "add", "bob", "--role", "analyst"]).status == 0)
        // A lead may manage people, but on PostgreSQL that creates database users: without
        // CREATEROLE the lead is refused (77) and told why, and nothing is added.
        let byLead = try run(["users", "add", "zoe", "--role", "analyst"], as: "lee")
        #expect(byLead.status == 77 && byLead.stderr.contains("CREATEROLE"), "\(byLead.status) \(byLead.stderr)")
        #expect(try c.psql("SELECT count(*) FROM person WHERE name = 'zoe'", database: db).trimmingCharacters(in: .whitespacesAndNewlines) == "0")
        let stats = try run(["stats"], as: "ann")
        #expect(stats.status == 0 && (stats.stdout.contains("1,000") || stats.stdout.contains("1000")), "\(stats.stdout)\(stats.stderr)")

        // ann claims and labels from the command line under her own database user.
        let next = try run(["next"], as: "ann")
        #expect(next.status == 0, "\(next.stderr)")
        let caseID = next.stdout.trimmingCharacters(in: .whitespacesAndNewlines)
        // bob is handed another case.
        let other = try run(["next"], as: "bob")
        #expect(other.status == 0 && other.stdout.trimmingCharacters(in: .whitespacesAndNewlines) != caseID)
        let label = try run(["label", caseID, "escalate"], as: "ann")
        #expect(label.status == 0, "\(label.stderr)")
        // Nobody labels under someone else's name: refused before the server would.
        let forged = try Harness.run(["label", caseID, "no_violation", "--correct", "--analyst", "bob", "--db", url("ann")], env: env)
        #expect(forged.status == 77 && forged.stderr.contains("database user"))

        // In the workbench (tmux), bob labels the case at the top of his queue.
        let tmux = try TmuxSession(command: [Harness.binary, "--db", url("bob")], env: env)
        let first = try tmux.waitFor(text: "cases", timeout: 30)
        #expect(first.contains("bob"))
        try tmux.send("n")
        try tmux.waitFor(text: "No violation ·")
        try tmux.send("Enter")
        try tmux.waitFor(text: "note: type")
        try tmux.send("Enter")
        let saved = try tmux.waitFor(text: "saved: no_violation ")
        let bobsCase = try #require(saved.firstMatch(of: /saved: no_violation (\S+)/)).output.1
        try tmux.send("q")
        Thread.sleep(forTimeInterval: 0.5)

        let events = try c.psql("SELECT analyst || ':' || decision FROM label_event ORDER BY id", database: db)
            .split(separator: "\n").map(String.init)
        #expect(events == ["ann:escalate", "bob:no_violation"])
        #expect(try c.psql("SELECT analyst FROM label_event e JOIN cases c ON c.id = e.case_row WHERE c.case_id = '\(bobsCase)'",
                           database: db).trimmingCharacters(in: .whitespacesAndNewlines) == "bob")

        // Exports and reports read the same database.
        let export = try run(["export"], as: "lee")
        #expect(export.status == 0 && export.stdout.contains(caseID), "\(export.stderr)")
        let report = try run(["report"], as: "lee")
        #expect(report.status == 0, "\(report.stderr)")

        // The team moves to a SQLite file and back to a new PostgreSQL database, verified.
        let dir = try Harness.tempDir()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let toFile = try Harness.run(["db", "copy", "--from", admin, "--to", dir + "/team.sqlite"], env: env)
        #expect(toFile.status == 0 && toFile.stdout.contains("counts and checksums verified"), "\(toFile.stderr)")
        #expect(try Harness.sql(dir + "/team.sqlite", "SELECT count(*) FROM label_event") == String(events.count))
        let again = try Harness.run(["db", "copy", "--from", admin, "--to", dir + "/team.sqlite"], env: env)
        #expect(again.status == 65 && again.stderr.contains("already exists"))
        let back = c.url(database: try c.createDatabase())
        let toServer = try Harness.run(["db", "copy", "--from", dir + "/team.sqlite", "--to", back], env: env)
        #expect(toServer.status == 0 && toServer.stdout.contains("counts and checksums verified"), "\(toServer.stderr)")
        // People arrive on record without a login on the new server (here: one written in as
        // db copy writes them, under a name no login has): `users add` creates the login with
        // the role and says so, rather than "already".
        let newcomer = "zed" + UUID().uuidString.prefix(6).lowercased()
        let backDB = String(back.split(separator: "/").last!.split(separator: "?")[0])
        try c.psql("INSERT INTO person(name, role, created_at, added_by) VALUES ('\(newcomer)', 'analyst', 0, 'copy')", database: backDB)
        let regrant = try Harness.run(["users", "add", newcomer, "--role", "analyst", "--db", back], env: env)
        #expect(regrant.status == 0 && regrant.stdout.contains("on record as an analyst") && regrant.stdout.contains("login now has the role"),
                "\(regrant.stdout)\(regrant.stderr)")
        #expect(try c.psql("SELECT pg_has_role('\(newcomer)', 'triage_analyst', 'MEMBER')").trimmingCharacters(in: .whitespacesAndNewlines) == "t")
        let same = try Harness.run(["users", "add", newcomer, "--role", "analyst", "--db", back], env: env)
        #expect(same.stdout.contains("\(newcomer) is already an analyst"), "\(same.stdout)")
    }
}
