import Foundation
import GRDB
import Testing
import TriageCore
import TriageFormats
import TriageSQLite
import TriageStore

@Suite struct LabelStoreTests {
    func loaded(_ n: Int = 3) throws -> TempDB {
        let t = try TempDB()
        _ = try t.importFile(t.file("cases.jsonl", (1...n).map { Fixture.line(Fixture.record("c_\($0)", score: 0.5 + Double($0) / 10)) }))
        return t
    }

    @Test func aLabelDecidesTheCaseAndIsTraceable() throws {
        let t = try loaded()
        let e = try t.store.recordLabel(draft("c_1", "violation", reasons: ["unlicensed_gambling"], note: "slots, no licence 日本"))
        #expect(e.id != nil)
        let d = try #require(try t.store.caseDetail(caseID: "c_1"))
        #expect(d.case.status == .decided)
        let stored = try #require(d.labels.first)
        #expect(stored == e)
        #expect(stored.analyst == "ana" && stored.osUser == "tester" && stored.role == .analyst)
        #expect(stored.note == "slots, no licence 日本")
        #expect(stored.modelVersionsSeen == ["supportability-xgb@2026-11-01"])
        #expect(stored.appVersion == TriageVersion.current)
        // Decided cases leave the open queue.
        #expect(try t.store.queuePage(QueueQuery(), after: nil, limit: 10).map(\.caseID) == ["c_3", "c_2"])
    }

    @Test func nonFinalDecisionsEscalate() throws {
        let t = try loaded()
        try t.store.recordLabel(draft("c_2", "escalate", reasons: ["needs_specialist"]))
        #expect(try t.store.caseDetail(caseID: "c_2")?.case.status == .escalated)
    }

    @Test func invalidLabelsAreRefusedWithReasons() throws {
        let t = try loaded()
        #expect(throws: StoreError.caseNotFound("nope")) { try t.store.recordLabel(draft("nope", "violation")) }
        do {
            try t.store.recordLabel(draft("c_1", "violation", reasons: ["licensed_operator"]))
            Issue.record("a reason for another decision was accepted")
        } catch let StoreError.invalidLabel(_, problems) {
            #expect(problems.first?.contains("licensed_operator") == true)
        }
        #expect(throws: StoreError.self) { try t.store.recordLabel(draft("c_1", "maybe")) }
        #expect(try t.store.labelEvents(caseID: "c_1").isEmpty)
    }

    @Test func aLabelIsNeverSilentlyOverwritten() throws {
        let t = try loaded()
        let first = try t.store.recordLabel(draft("c_1", "violation", analyst: "ana"))
        // Bob did not see Ana's label: refused.
        #expect(throws: StoreError.labelConflict(caseID: "c_1", current: first.id, expected: nil)) {
            try t.store.recordLabel(draft("c_1", "no_violation", analyst: "bob"))
        }
        // A correction that names the label it replaces is a new event; the old one stays.
        let fix = try t.store.recordLabel(draft("c_1", "no_violation", reasons: ["false_positive"], analyst: "bob", supersedes: first.id))
        let events = try t.store.labelEvents(caseID: "c_1")
        #expect(events.map(\.id) == [first.id, fix.id])
        #expect(try t.store.caseDetail(caseID: "c_1")?.currentLabel?.decision == "no_violation")
    }

    @Test func undoReturnsTheCaseToTheQueue() throws {
        let t = try loaded()
        let e = try t.store.recordLabel(draft("c_3", "violation"))
        let undo = try t.store.recordLabel(draft("c_3", nil, kind: .undo, supersedes: e.id))
        #expect(undo.kind == .undo)
        let d = try #require(try t.store.caseDetail(caseID: "c_3"))
        #expect(d.case.status == .open && d.currentLabel == nil && d.labels.count == 2)
        #expect(try t.store.queuePage(QueueQuery(), after: nil, limit: 1).first?.caseID == "c_3")
        // Undoing again without a current label is a conflict, not a silent no-op.
        #expect(throws: StoreError.self) { try t.store.recordLabel(draft("c_3", nil, kind: .undo, supersedes: e.id)) }
    }

    @Test func labelEventsAreAppendOnlyEvenThroughSQL() throws {
        let t = try loaded()
        try t.store.recordLabel(draft("c_1", "violation"))
        let q = try DatabaseQueue(path: t.path)
        #expect(throws: DatabaseError.self) { try q.write { db in try db.execute(sql: "UPDATE label_event SET decision = 'no_violation'") } }
        #expect(throws: DatabaseError.self) { try q.write { db in try db.execute(sql: "DELETE FROM label_event") } }
        #expect(try t.store.labelEvents(caseID: "c_1").first?.decision == "violation")
    }

    @Test func keysetPagesCoverTheQueueInOrder() throws {
        let t = try TempDB()
        let lines = (1...57).map { i in Fixture.line(Fixture.record(String(format: "c_%03d", i), score: Double(i % 10) / 10)) }
        _ = try t.importFile(t.file("many.jsonl", lines))
        for sort in QueueSort.allCases {
            var seen: [QueueRow] = []
            var cursor: QueueCursor?
            while true {
                let page = try t.store.queuePage(QueueQuery(sort: sort), after: cursor, limit: 10)
                if page.isEmpty { break }
                seen += page
                cursor = page.last!.cursor(for: sort)
            }
            #expect(seen.count == 57, "\(sort)")
            #expect(Set(seen.map(\.caseID)).count == 57)
            let keys = seen.map { $0.cursor(for: sort).key }
            switch sort {
            case .score: #expect(keys == keys.sorted(by: >))
            case .age, .uncertainty: #expect(keys == keys.sorted())
            }
        }
        let filtered = try t.store.queuePage(QueueQuery(minScore: 0.85), after: nil, limit: 100)
        #expect(filtered.count == 5 && filtered.allSatisfy { $0.score >= 0.85 })
        #expect(try t.store.queuePage(QueueQuery(policy: "weapons"), after: nil, limit: 100).isEmpty)
    }
}
