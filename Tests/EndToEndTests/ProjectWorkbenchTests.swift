import Foundation
import Testing
import TriageCore

/// Ground truth in real terminals: two labelers in their own tmux sessions on one database with
/// overlap 2 and gold cases, a disagreement that reaches a lead, the adjudication, and the
/// consensus export; then the database is read.
@Suite(.serialized) struct ProjectWorkbenchTests {
    /// The case id on a labelling screen (its third line: `c_0000012 · gambling · open …`).
    func caseID(_ screen: String) -> String? {
        screen.split(separator: "\n").lazy.compactMap { line -> String? in
            guard let r = line.range(of: #"c_\d{7}"#, options: .regularExpression) else { return nil }
            return String(line[r])
        }.first
    }

    /// Labels the case on screen with `key` (no reasons) and `note`, waits for the reveal, moves on.
    func label(_ tmux: TmuxSession, _ key: String, note: String) throws {
        try tmux.send(key)
        try tmux.waitFor(text: "reasons:")
        try tmux.send("Enter")
        try tmux.type(note)
        try tmux.send("Enter")
        let revealed = try tmux.waitFor(text: "saved:")
        // Blind until the decision, the model's output after it.
        #expect(revealed.contains("model said"))
        try tmux.send("n")
    }

    /// Labels every case the session is served with `key`, until nothing is left; returns the ids.
    func labelAll(_ tmux: TmuxSession, _ key: String, who: String) throws -> [String] {
        var ids: [String] = []
        for _ in 0..<12 {
            try tmux.waitFor("a case or the end") { $0.contains("Nothing left") || ($0.contains("decide") && !$0.contains("saved:")) }
            let s = try tmux.settledScreen()
            if s.contains("Nothing left") { return ids }
            let id = try #require(caseID(s))
            #expect(!s.contains("Scores"), "model output shown before deciding:\n\(s)")
            ids.append(id)
            try label(tmux, key, note: "\(who) on \(id)")
            try tmux.waitFor("the next screen") { !$0.contains("saved:") }
        }
        Issue.record("more cases than expected")
        return ids
    }

    @Test func twoLabelersAGoldCaseADisagreementTheLeadAndTheConsensus() throws {
        let dir = try Harness.tempDir()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let db = dir + "/t.sqlite", cases = dir + "/cases.jsonl"
        try Harness.run(["sample", "--n", "80", "--seed", "11", "--out", cases])
        #expect(try Harness.run(["import", cases, "--db", db]).status == 0)
        _ = try Harness.sql(db, "UPDATE cases SET gold_label = NULL")
        _ = try Harness.sql(db, """
            UPDATE cases SET gold_label = 'violation' WHERE id IN
              (SELECT id FROM cases WHERE policy = 'gambling' ORDER BY score LIMIT 3)
            """)
        for (who, role) in [("lee", "lead"), ("ann", "labeler"), ("bob", "labeler")] {
            #expect(try Harness.run(["users", "add", who, "--role", role, "--db", db, "--analyst", "lee"]).status == 0)
        }
        let created = try Harness.run(["project", "create", "g", "--policy", "gambling", "--overlap", "2", "--limit", "2",
                                       "--gold-rate", "0.5", "--db", db, "--analyst", "lee"])
        #expect(created.status == 0, "\(created.stderr)")
        let env = ["LANG": "C.UTF-8", "TERM": "xterm-256color"]
        let ann = try TmuxSession(command: [Harness.binary, "--db", db, "--analyst", "ann", "--project", "g"], env: env)
        let bob = try TmuxSession(command: [Harness.binary, "--db", db, "--analyst", "bob", "--project", "g"], env: env)
        let a0 = try ann.waitFor(text: "project g (blind)")
        let b0 = try bob.waitFor(text: "project g (blind)")
        #expect(a0.contains("ann (labeler)") && b0.contains("bob (labeler)"))

        // Their first cases, labelled at the same time: where both got the same case (overlap 2
        // lets two people hold it), ann says violation and bob no violation: a disagreement.
        try ann.waitFor(text: "decide")
        try bob.waitFor(text: "decide")
        let annFirst = try #require(caseID(try ann.settledScreen()))
        let bobFirst = try #require(caseID(try bob.settledScreen()))
        try label(ann, "v", note: "ann on \(annFirst)")
        try label(bob, "n", note: "bob thinks \(bobFirst) is fine")
        let annRest = try labelAll(ann, "v", who: "ann")
        let bobRest = try labelAll(bob, "v", who: "bob")
        let annAll = [annFirst] + annRest, bobAll = [bobFirst] + bobRest
        // Nobody got a case twice; both labelled both project cases.
        #expect(Set(annAll).count == annAll.count && Set(bobAll).count == bobAll.count)
        let projectCases = try Harness.sql(db, "SELECT c.case_id FROM project_case p JOIN cases c ON c.id = p.case_row")
            .split(separator: "\n").map(String.init)
        #expect(Set(annAll).isSuperset(of: projectCases) && Set(bobAll).isSuperset(of: projectCases))
        // Gold cases were served exactly as the gold rate's draws say, and look like any case.
        func expectedGold(_ who: String) -> Int {
            var n = 0, gold = 0, normal = 0
            while true {
                if GoldMix.servesGold(labeler: who, served: n, rate: 0.5), gold < 3 { gold += 1 } else if normal < 2 { normal += 1 } else { break }
                n += 1
            }
            return gold
        }
        let goldLabels = try Harness.sql(db, """
            SELECT e.analyst, count(*) FROM label_event e JOIN cases c ON c.id = e.case_row
            WHERE c.gold_label IS NOT NULL GROUP BY e.analyst ORDER BY e.analyst
            """)
        let expected = [("ann", expectedGold("ann")), ("bob", expectedGold("bob"))].filter { $0.1 > 0 }
            .map { "\($0.0)|\($0.1)" }.joined(separator: "\n")
        #expect(goldLabels == expected)
        #expect(expectedGold("ann") + expectedGold("bob") > 0, "pick a gold rate that serves gold here")
        #expect(try Harness.sql(db, "SELECT count(*) FROM label_event WHERE blind = 0 OR project <> 'g' OR role <> 'labeler'") == "0")
        #expect(try Harness.sql(db, "SELECT min(dwell_ms) > 0 FROM label_event") == "1")
        // The analyst queue never saw these labels.
        #expect(try Harness.sql(db, "SELECT count(*) FROM cases WHERE status <> 'open' OR current_label IS NOT NULL") == "0")
        try ann.send("q")
        try ann.waitFor(text: "[exited 0]")
        try bob.send("q")
        try bob.waitFor(text: "[exited 0]")

        // The disagreement reaches the lead, with both labels and their notes side by side.
        let disputed = annFirst == bobFirst ? annFirst : nil
        let lee = try TmuxSession(command: [Harness.binary, "--db", db, "--analyst", "lee", "--role", "lead", "--project", "g"],
                                  env: env)
        if let disputed {
            // Wait for the body, not the header: a capture can land between the two.
            let q = try lee.waitFor(text: "bob thinks")
            #expect(q.contains("1 to settle"))
            #expect(q.contains(disputed))
            #expect(q.contains("ann") && q.contains("bob"))
            #expect(q.contains("bob thinks"), "\(q)")
            try lee.send("n")
            try lee.waitFor(text: "reasons:")
            try lee.send("Enter")
            try lee.type("licence checked")
            try lee.send("Enter")
            try lee.waitFor(text: "adjudicated \(disputed)")
            try lee.waitFor(text: "No disagreements to settle")
            #expect(try Harness.sql(db, "SELECT decision || ' ' || role || ' ' || note FROM label_event WHERE kind = 'adjudication'")
                    == "no_violation lead licence checked")
        } else {
            Issue.record("ann and bob were not served the same first case: \(annFirst) vs \(bobFirst)")
        }
        try lee.send("q")
        try lee.waitFor(text: "[exited 0]")

        // The consensus export: one row per labelled case; the adjudicated one carries the lead's
        // decision at confidence 1; gold cases carry their known answer.
        let export = try Harness.run(["export", "--consensus", "--project", "g", "--format", "csv", "--db", db])
        #expect(export.status == 0, "\(export.stderr)")
        let rows = export.stdout.split(separator: "\n").map(String.init)
        #expect(rows.count == 1 + Set(annAll + bobAll).count)
        if let disputed {
            let row = try #require(rows.first { $0.hasPrefix(disputed + ",") })
            #expect(row.contains(",no_violation,1,adjudication,2,"), "\(row)")
        }
        #expect(try Harness.sql(db, "PRAGMA integrity_check") == "ok")
    }
}
