import TriageCore
import TriageSQLite
import TriageStore
import Testing
@testable import TriageUI

/// A lead's adjudication screen on a real SQLite file.
@Suite struct ProjectAdjudicationTests {
    typealias F = ProjectFixtures

    func disagreeing() throws -> TempStore {
        let db = try F.store()
        for (who, decision, note) in [("ann", "violation", "ann says casino"), ("bob", "no_violation", "bob says fine")] {
            try db.store.recordLabel(LabelDraft(caseID: "c_6", decision: decision, note: note, analyst: who,
                                                osUser: "os", role: .labeler, blind: true, project: "p1"))
        }
        // An agreeing case stays out of the queue.
        for who in ["ann", "bob"] {
            try db.store.recordLabel(LabelDraft(caseID: "c_5", decision: "violation", analyst: who, osUser: "os",
                                                role: .labeler, blind: true, project: "p1"))
        }
        return db
    }

    @Test func theQueueShowsTheDisagreementWithBothLabelsSideBySide() throws {
        let db = try disagreeing()
        let r = F.runtime(db, "lee", role: .lead, width: 160, height: 40)
        #expect(r.state.queue?.map(\.caseID) == ["c_6"])
        let text = F.screen(r)
        #expect(text.contains("project p1 · adjudication · 1 to settle · lee (lead)"))
        #expect(text.contains("c_6") && text.contains("v·n") && !text.contains("c_5 "))
        // The two labels share rows: one column each.
        let rows = text.split(separator: "\n")
        #expect(rows.contains { $0.contains("ann") && $0.contains("bob") })
        #expect(rows.contains { $0.contains("“ann says casino”") && $0.contains("“bob says fine”") })
        #expect(rows.contains { $0.contains("violation") && $0.contains("no_violation") })
        #expect(text.contains("majority: tie · Dawid–Skene:"))
        #expect(text.contains("blind: yes"))
        // Unblinded: the model's output is there.
        #expect(text.contains("Scores") && text.contains("MODEL RATIONALE"))
    }

    @Test func aDisagreementMadeWhileTheLeadWatchesJoinsTheQueueAtTheNextTick() throws {
        let db = try F.store()
        let r = F.runtime(db, "lee", role: .lead, width: 160, height: 40)
        #expect(r.state.queue?.isEmpty == true)
        #expect(!r.tick()) // nothing changed: nothing to draw
        for (who, decision) in [("ann", "violation"), ("bob", "no_violation")] {
            try db.store.recordLabel(LabelDraft(caseID: "c_4", decision: decision, analyst: who, osUser: "os",
                                                role: .labeler, blind: true, project: "p1"))
        }
        #expect(r.tick())
        #expect(r.state.queue?.map(\.caseID) == ["c_4"])
        #expect(F.screen(r).contains("1 to settle"))
    }

    @Test func aNarrowPaneShowsOneBlockPerLabel() throws {
        let db = try disagreeing()
        let r = F.runtime(db, "lee", role: .lead, width: 60, height: 60)
        let rows = F.screen(r).split(separator: "\n")
        #expect(rows.contains { $0.contains("ann says casino") })
        #expect(rows.contains { $0.contains("bob says fine") })
        #expect(!rows.contains { $0.contains("ann says casino") && $0.contains("bob says fine") })
    }

    @Test func anAdjudicationIsStoredAndLeavesTheQueue() throws {
        let db = try disagreeing()
        let r = F.runtime(db, "lee", role: .lead, width: 160, height: 40)
        F.press(r, .char("v"), .enter)
        F.type(r, "licence missing")
        F.press(r, .enter)
        #expect(r.state.status == .info("adjudicated c_6: violation"))
        #expect(r.state.queue?.isEmpty == true)
        let text = F.screen(r)
        #expect(text.contains("adjudicated c_6: violation"))
        #expect(text.contains("No disagreements to settle in project p1."))
        #expect(text.contains("0 to settle"))
        let adj = try #require(try db.store.projectLabels("p1").first { $0.kind == .adjudication })
        #expect(adj.caseID == "c_6" && adj.person == "lee" && adj.decision == "violation" && adj.note == "licence missing")
        let e = try #require(try db.store.labelEvents(caseID: "c_6").last)
        #expect(e.kind == .adjudication && e.role == .lead && e.project == "p1" && e.supersedes == nil && !e.blind)
    }

    @Test func nothingToSettle() throws {
        let db = try F.store()
        let r = F.runtime(db, "lee", role: .lead, width: 160, height: 40)
        #expect(F.screen(r).contains("No disagreements to settle in project p1."))
    }

    @Test func hostileNotesAndNamesAreSanitised() throws {
        let db = try F.store()
        for (who, decision) in [("ann", "violation"), ("bob\u{1b}[2J", "no_violation")] {
            try db.store.recordLabel(LabelDraft(caseID: "c_6", decision: decision, note: Fixtures.hostileName,
                                                analyst: who, osUser: "os", role: .labeler, blind: true, project: "p1"))
        }
        let r = F.runtime(db, "lee", role: .lead, width: 160, height: 40)
        let text = F.screen(r)
        #expect(r.state.queue?.count == 1)
        #expect(!text.unicodeScalars.contains { $0.value == 0x1B || $0.value == 0x07 || $0.value == 0x202E || $0.value == 0x0D })
    }
}
