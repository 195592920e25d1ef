import Foundation
import Testing

/// `triage audit`: a case's whole history, and a log that SQL cannot rewrite.
@Suite struct AuditCLITests {
    @Test func auditPrintsEveryEventAndTheLogRefusesChanges() throws {
        let dir = try Harness.tempDir()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let db = dir + "/t.sqlite", cases = dir + "/cases.jsonl"
        try Harness.run(["sample", "--n", "20", "--seed", "4", "--out", cases])
        #expect(try Harness.run(["import", cases, "--db", db]).status == 0)
        let id = try Harness.sql(db, "SELECT case_id FROM cases ORDER BY id LIMIT 1")
        #expect(try Harness.run(["label", id, "violation", "--note", "first \u{1B}]0;pwned\u{07}look", "--db", db, "--analyst", "ana"]).status == 0)
        #expect(try Harness.run(["undo", id, "--db", db, "--analyst", "ana"]).status == 0)
        #expect(try Harness.run(["label", id, "no_violation", "--db", db, "--analyst", "bo"]).status == 0)

        let text = try Harness.run(["audit", id, "--db", db])
        #expect(text.status == 0, "\(text.stderr)")
        #expect(text.stdout.contains("label events (3, oldest first):"))
        #expect(text.stdout.contains("#1 ") && text.stdout.contains("label violation"))
        #expect(text.stdout.contains("undo (undoes #1)"))
        #expect(text.stdout.contains("by bo (OS user "))
        #expect(text.stdout.contains("current label (analyst queue): #3 no_violation by bo"))
        #expect(text.stdout.contains("cases.jsonl · sha256 "))
        // The note's escape sequence is shown defused, never raw.
        #expect(!text.stdout.contains("\u{1B}") && !text.stdout.contains("\u{07}"))

        let json = try Harness.run(["audit", id, "--format", "json", "--db", db])
        let root = try #require(try JSONSerialization.jsonObject(with: Data(json.stdout.utf8)) as? [String: Any])
        let events = try #require(root["events"] as? [[String: Any]])
        #expect(events.map { $0["kind"] as? String } == ["label", "undo", "label"])
        #expect(events[1]["supersedes"] as? Int == 1)
        #expect(events.allSatisfy { $0["app_version"] as? String == "0.1.0" && $0["os_user"] is String })
        #expect(root["current_label"] as? Int == 3)

        // The log is append-only even for someone with sqlite3 and the file.
        for sql in ["UPDATE label_event SET decision = 'violation' WHERE id = 3", "DELETE FROM label_event WHERE id = 1"] {
            let p = Process()
            p.executableURL = URL(fileURLWithPath: "/usr/bin/env")
            p.arguments = ["sqlite3", db, sql]
            let err = Pipe()
            p.standardError = err
            try p.run()
            p.waitUntilExit()
            #expect(p.terminationStatus != 0)
            #expect(String(decoding: err.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self).contains("append-only"))
        }
        #expect(try Harness.sql(db, "SELECT count(*), max(decision) FROM label_event WHERE id = 3") == "1|no_violation")
        #expect(try Harness.run(["audit", "nope", "--db", db]).status == 66)
    }
}
