import Foundation
import Testing

/// `triage report` in its three formats, on a database the command line labelled.
@Suite struct ReportCLITests {
    @Test func reportFormatsAgreeWithTheDatabase() throws {
        let dir = try Harness.tempDir()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let db = dir + "/t.sqlite", cases = dir + "/cases.jsonl"
        try Harness.run(["sample", "--n", "120", "--seed", "8", "--out", cases])
        #expect(try Harness.run(["import", cases, "--db", db]).status == 0)
        // Three decisions today by dana, one undone.
        var ids: [String] = []
        for _ in 0..<3 {
            let id = try Harness.run(["next", "--db", db, "--analyst", "dana"]).stdout.trimmingCharacters(in: .whitespacesAndNewlines)
            ids.append(id)
            #expect(try Harness.run(["label", id, "violation", "--db", db, "--analyst", "dana"]).status == 0)
        }
        #expect(try Harness.run(["undo", ids[2], "--db", db, "--analyst", "dana"]).status == 0)

        let json = try Harness.run(["report", "--format", "json", "--db", db])
        #expect(json.status == 0, "\(json.stderr)")
        let root = try #require(try JSONSerialization.jsonObject(with: Data(json.stdout.utf8)) as? [String: Any])
        #expect(root["schema"] as? String == "triage.report/1")
        let queue = try #require(root["queue"] as? [String: Any])
        let open = Int(try Harness.sql(db, "SELECT count(*) FROM cases WHERE status = 'open'"))!
        #expect(queue["backlog"] as? Int == open)
        let days = try #require(queue["days"] as? [[String: Any]])
        #expect(days.count == 14)
        #expect(days.last?["outflow"] as? Int == 3) // three labels made today (one later undone)
        let people = try #require(root["people"] as? [[String: Any]])
        #expect(people.first?["person"] as? String == "dana")
        #expect(people.first?["labels"] as? Int == 3 && people.first?["undos"] as? Int == 1)
        let models = try #require(root["models"] as? [[String: Any]])
        let decided = Int(try Harness.sql(db, "SELECT count(*) FROM cases WHERE status = 'decided'"))!
        #expect(decided == 2)
        #expect(models.contains { ($0["labelled"] as? Int ?? 0) == 2 })

        let md = try Harness.run(["report", "--format", "markdown", "--db", db])
        #expect(md.status == 0)
        #expect(md.stdout.hasPrefix("# triage report"))
        #expect(md.stdout.contains("## Queue health") && md.stdout.contains("| dana | 3 |"))

        let out = dir + "/r.txt"
        let text = try Harness.run(["report", "--width", "90", "--out", out, "--db", db], env: ["TRIAGE_ASCII": "1"])
        #expect(text.status == 0, "\(text.stderr)")
        let body = try String(contentsOfFile: out, encoding: .utf8)
        #expect(body.contains("Queue") && body.contains("Models"))
        #expect(body.split(separator: "\n").allSatisfy { $0.count <= 90 })
        // Only letters (κ, α, names) may be non-ASCII: charts and punctuation are spelled in ASCII.
        #expect(body.unicodeScalars.allSatisfy { $0.isASCII || $0.properties.isAlphabetic },
                "non-ASCII chart or punctuation characters in ASCII mode: \(Set(body.unicodeScalars.filter { !$0.isASCII }))")
        #expect(!body.contains("█") && !body.contains("▁"))

        // In a UTF-8 locale the same report draws with block characters.
        let blocks = try Harness.run(["report", "--width", "90", "--db", db], env: ["LANG": "C.UTF-8"])
        #expect(blocks.stdout.contains("█") || blocks.stdout.contains("▁"))

        #expect(try Harness.run(["report", "--width", "5", "--db", db]).status == 64)
        #expect(try Harness.run(["report", "--db", dir + "/missing.sqlite"]).status == 66)
    }
}
