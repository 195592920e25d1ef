import Foundation
import Testing

/// Roles, labelling projects, overlap, gold, agreement, adjudication and the consensus export,
/// through the command line, checked in its output, exit codes and the database it wrote.
@Suite struct GroundTruthCLITests {
    /// A database with `n` sample cases, a lead (lee) and two labelers (ann, bob).
    func team(_ n: Int = 60) throws -> (dir: String, db: String) {
        let dir = try Harness.tempDir()
        let db = dir + "/t.sqlite", cases = dir + "/cases.jsonl"
        try Harness.run(["sample", "--n", String(n), "--seed", "3", "--out", cases])
        #expect(try Harness.run(["import", cases, "--db", db]).status == 0)
        #expect(try Harness.run(["users", "add", "lee", "--role", "lead", "--db", db, "--analyst", "lee"]).status == 0)
        for who in ["ann", "bob"] {
            #expect(try Harness.run(["users", "add", who, "--role", "labeler", "--db", db, "--analyst", "lee"]).status == 0)
        }
        return (dir, db)
    }

    @Test func onlyLeadsManagePeopleAndProjectsAndRolesAreEnforced() throws {
        let (dir, db) = try team()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let list = try Harness.run(["users", "list", "--db", db])
        #expect(list.stdout.contains("ann   labeler"), "\(list.stdout)")
        // A labeler cannot add people or create projects: exit 77 and a message naming why.
        let add = try Harness.run(["users", "add", "eve", "--role", "lead", "--db", db, "--analyst", "ann"])
        #expect(add.status == 77)
        #expect(add.stderr.contains("only a lead"))
        let create = try Harness.run(["project", "create", "p", "--db", db, "--analyst", "ann"])
        #expect(create.status == 77)
        // A labeler cannot work as an analyst in the queue.
        let label = try Harness.run(["label", "c_0000001", "violation", "--db", db, "--analyst", "ann"])
        #expect(label.status == 77, "\(label.stderr)")
        #expect(label.stderr.contains("labelers label in a labelling project"), "\(label.stderr)")
        let asAnalyst = try Harness.run(["label", "c_0000001", "violation", "--role", "analyst", "--db", db, "--analyst", "ann"])
        #expect(asAnalyst.status == 77)
        #expect(asAnalyst.stderr.contains("ann is a labeler and cannot work in the analyst role"), "\(asAnalyst.stderr)")
        #expect(try Harness.sql(db, "SELECT count(*) FROM label_event") == "0")
        // Bad settings: exit 65 naming the setting.
        let bad = try Harness.run(["project", "create", "p", "--overlap", "0", "--db", db, "--analyst", "lee"])
        #expect(bad.status == 65)
        #expect(bad.stderr.contains("overlap"))
    }

    @Test func twoLabelersAGoldCaseADisagreementAnAdjudicationAndTheConsensusExport() throws {
        let (dir, db) = try team()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        // Make one case gold (as an import with gold_label would).
        let gold = try Harness.sql(db, "SELECT case_id FROM cases WHERE policy = 'gambling' ORDER BY id LIMIT 1")
        _ = try Harness.sql(db, "UPDATE cases SET gold_label = 'violation' WHERE case_id = '\(gold)'")
        let created = try Harness.run(["project", "create", "g", "--policy", "gambling", "--overlap", "2", "--limit", "3",
                                       "--db", db, "--analyst", "lee"])
        #expect(created.status == 0, "\(created.stderr)")
        #expect(created.stdout.contains("3 cases"))

        // Each labeler works through the project: ann says violation, bob no_violation on his
        // second case (a disagreement), and both answer the gold case if it is served.
        var served: [String: [String]] = [:]
        for who in ["ann", "bob"] {
            while true {
                let next = try Harness.run(["next", "--project", "g", "--db", db, "--analyst", who])
                if next.status == 3 { break }
                #expect(next.status == 0, "\(next.stderr)")
                let id = next.stdout.trimmingCharacters(in: .whitespacesAndNewlines)
                served[who, default: []].append(id)
                let decision = who == "bob" && served[who]!.count == 2 ? "no_violation" : "violation"
                let r = try Harness.run(["label", id, decision, "--project", "g", "--blind", "--note", "by \(who)",
                                         "--db", db, "--analyst", who])
                #expect(r.status == 0, "\(r.stderr)")
            }
        }
        // Overlap 2: each of the three cases went to both; nobody got a case twice.
        let project = try Harness.sql(db, "SELECT c.case_id FROM project_case p JOIN cases c ON c.id = p.case_row ORDER BY position")
            .split(separator: "\n").map(String.init)
        for who in ["ann", "bob"] {
            #expect(Set(served[who]!).isSuperset(of: project))
            #expect(Set(served[who]!).count == served[who]!.count)
        }
        #expect(try Harness.sql(db, "SELECT min(label_count), max(label_count) FROM project_case") == "2|2")
        // A third labeler gets nothing: every case has its two labels.
        #expect(try Harness.run(["users", "add", "cy", "--role", "labeler", "--db", db, "--analyst", "lee"]).status == 0)
        let third = try Harness.run(["next", "--project", "g", "--db", db, "--analyst", "cy"])
        #expect(third.status == 3 || served.values.allSatisfy { !$0.contains(third.stdout.trimmingCharacters(in: .whitespacesAndNewlines)) })
        // Labels are blind, carry the project and its queue policy; the analyst queue is untouched.
        #expect(try Harness.sql(db, "SELECT DISTINCT blind || role || project || queue_policy FROM label_event") == "1labelergscore")
        #expect(try Harness.sql(db, "SELECT count(*) FROM cases WHERE status <> 'open'") == "0")

        let agreement = try Harness.run(["agreement", "--project", "g", "--db", db])
        #expect(agreement.status == 0, "\(agreement.stderr)")
        #expect(agreement.stdout.contains("ann – bob"))
        #expect(agreement.stdout.contains("1 with disagreeing labels"), "\(agreement.stdout)")
        let json = try Harness.run(["agreement", "--project", "g", "--db", db, "--format", "json"])
        let parsed = try JSONSerialization.jsonObject(with: Data(json.stdout.utf8)) as? [String: Any]
        #expect(parsed?["disagreements"] as? Int == 1)
        #expect(parsed?["to_adjudicate"] as? Int == 1)

        // The lead settles the disagreement; a labeler may not.
        let disputed = served["bob"]![1]
        let refused = try Harness.run(["label", disputed, "violation", "--project", "g", "--adjudicate", "--db", db, "--analyst", "ann"])
        #expect(refused.status == 77)
        let adj = try Harness.run(["label", disputed, "no_violation", "--project", "g", "--adjudicate", "--note", "licence checked",
                                   "--db", db, "--analyst", "lee"])
        #expect(adj.status == 0, "\(adj.stderr)")
        #expect(try Harness.sql(db, "SELECT kind || ' ' || role || ' ' || analyst FROM label_event ORDER BY id DESC LIMIT 1")
                == "adjudication lead lee")

        // Consensus: one row per case; the adjudicated one carries the lead's decision at confidence 1.
        let out = dir + "/consensus.csv"
        let export = try Harness.run(["export", "--consensus", "--project", "g", "--out", out, "--db", db])
        #expect(export.status == 0, "\(export.stderr)")
        let rows = try String(contentsOfFile: out, encoding: .utf8).split(separator: "\n").map(String.init)
        #expect(rows[0].hasPrefix("case_id,project,policy,label,confidence,method,labels,labelers,adjudicated"))
        let caseCount = Set(served["ann"]! + served["bob"]!).count
        #expect(rows.count == 1 + caseCount)
        let settled = try #require(rows.first { $0.hasPrefix(disputed + ",") })
        #expect(settled.contains(",no_violation,1,adjudication,2,ann|bob,true,lee,"), "\(settled)")
        // The gold case, when served, carries its known answer.
        if let goldRow = rows.first(where: { $0.hasPrefix(gold + ",") }) { #expect(goldRow.contains(",violation,")) }

        // The raw per-label export of the project: one row per live label, plus the adjudication.
        let raw = try Harness.run(["export", "--project", "g", "--format", "csv", "--db", db])
        let rawRows = raw.stdout.split(separator: "\n")
        let labelCount = Int(try Harness.sql(db, "SELECT count(*) FROM label_event WHERE kind = 'label'"))!
        #expect(rawRows.count == 1 + labelCount + 1)

        // Undo: bob withdraws his own label; the case needs a label again.
        let undo = try Harness.run(["undo", served["bob"]![0], "--project", "g", "--db", db, "--analyst", "bob"])
        #expect(undo.status == 0, "\(undo.stderr)")
        #expect(try Harness.sql(db, "SELECT min(label_count) FROM project_case") == "1")
    }

    @Test func anAuditSampleCarriesInverseProbabilityWeights() throws {
        let (dir, db) = try team(200)
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let created = try Harness.run(["project", "create", "audit", "--queue-policy", "audit", "--sample-rate", "0.1",
                                       "--overlap", "1", "--db", db, "--analyst", "lee"])
        #expect(created.status == 0, "\(created.stderr)")
        let id = try Harness.run(["next", "--project", "audit", "--db", db, "--analyst", "ann"]).stdout
            .trimmingCharacters(in: .whitespacesAndNewlines)
        #expect(try Harness.run(["label", id, "violation", "--project", "audit", "--db", db, "--analyst", "ann"]).status == 0)
        #expect(try Harness.sql(db, "SELECT queue_policy, inclusion_probability FROM label_event") == "audit|0.1")
        let raw = try Harness.run(["export", "--project", "audit", "--db", db])
        let row = try JSONSerialization.jsonObject(with: Data(raw.stdout.utf8)) as? [String: Any]
        #expect(row?["sampling_weight"] as? Double == 10)
        #expect(row?["queue_policy"] as? String == "audit")
        let consensus = try Harness.run(["export", "--consensus", "--db", db])
        #expect(consensus.stdout.contains("\"sampling_weight\":10"), "\(consensus.stdout)")
    }

    @Test func suspectLabelsFeedAReReviewProject() throws {
        let (dir, db) = try team(40)
        defer { try? FileManager.default.removeItem(atPath: dir) }
        // Five analyst decisions: four follow the score, the highest-scored case is called fine.
        let ids = try Harness.sql(db, "SELECT case_id FROM cases WHERE gold_label IS NULL ORDER BY score DESC LIMIT 5")
            .split(separator: "\n").map(String.init)
        for (i, id) in ids.enumerated() {
            let decision = i == 0 ? "no_violation" : "violation"
            #expect(try Harness.run(["label", id, decision, "--db", db, "--analyst", "dana"]).status == 0)
        }
        let low = try Harness.sql(db, "SELECT case_id FROM cases WHERE gold_label IS NULL ORDER BY score LIMIT 1")
        #expect(try Harness.run(["label", low, "no_violation", "--db", db, "--analyst", "dana"]).status == 0)
        let table = try Harness.run(["suspects", "--db", db])
        #expect(table.status == 0, "\(table.stderr)")
        #expect(table.stdout.contains(ids[0]) && table.stdout.contains("no_violation"), "\(table.stdout)")
        let list = try Harness.run(["suspects", "--format", "ids", "--db", db])
        #expect(list.stdout == ids[0] + "\n")
        // The list becomes a re-review project; an unknown id refuses it, naming the id.
        let created = try Harness.run(["project", "create", "rereview", "--cases", "-", "--unblinded", "--db", db, "--analyst", "lee"],
                                      stdin: list.stdout)
        #expect(created.status == 0, "\(created.stderr)")
        #expect(created.stdout.contains("1 cases") && created.stdout.contains("unblinded"))
        let bad = try Harness.run(["project", "create", "bad", "--cases", "-", "--db", db, "--analyst", "lee"],
                                  stdin: ids[1] + "\nc_nope\n")
        #expect(bad.status == 65)
        #expect(bad.stderr.contains("'c_nope'"))
        #expect(try Harness.sql(db, "SELECT count(*) FROM project") == "1")
    }
}
