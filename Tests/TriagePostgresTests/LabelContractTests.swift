import Foundation
import Testing
import TriageCore
import TriageFormats
@testable import TriagePostgres
import TriageSQLite
import TriageStore
import TriageTestSupport

/// Labels in the analyst queue behave the same on both backends, and on PostgreSQL the database
/// itself keeps a case in step with its label events.
@Suite(.serialized) struct LabelContractTests {
    typealias Pair = QueueContractTests.Pair

    /// A draft with a reason code the standard taxonomy allows for `decision` in `policy`.
    func draft(_ id: String, _ decision: String?, policy: String = "gambling", kind: LabelEventKind = .label,
               supersedes: Int64? = nil, role: Role = .analyst) -> LabelDraft {
        let t = Taxonomy.standard
        let offered = t.globalReasons + (t.policies.first { $0.key == policy }?.reasons ?? [])
        let reason = offered.first { r in decision.map { r.decisions?.contains($0) ?? true } ?? false }?.code
        return LabelDraft(caseID: id, kind: kind, decision: decision, reasonCodes: kind == .undo ? [] : reason.map { [$0] } ?? [],
                          analyst: "postgres", osUser: "os", role: role, supersedes: supersedes)
    }

    /// What a store answered: the event's id, or the kind of refusal.
    func outcome(_ body: () throws -> LabelEvent) -> String {
        do { return "ok \(try body().id ?? -1)" } catch let e as StoreError {
            switch e {
            case .labelConflict: return "conflict"
            case .invalidLabel: return "invalid"
            case .notAllowed: return "not allowed"
            case .caseNotFound: return "no case"
            default: return "other \(e)"
            }
        } catch { return "error \(error)" }
    }

    @Test func theSameSequenceGivesTheSameAnswersAndTheSameQueue() throws {
        let p = try Pair()
        let rows = try p.lite.queuePage(QueueQuery(), after: nil, limit: 3)
        let (a, b, c) = (rows[0].caseID, rows[1].caseID, rows[2].caseID)
        let (pa, pb, pc) = (rows[0].policy, rows[1].policy, rows[2].policy)
        let steps: [LabelDraft] = [
            draft(a, "no_violation", policy: pa),                  // 1
            draft(b, "escalate", policy: pb),                      // 2: not final, the case is escalated
            draft(a, "violation", policy: pa),                     // stale: a has label 1 now → conflict
            draft(a, nil, policy: pa, kind: .undo, supersedes: 1), // 3: a is open again
            draft(a, "violation", policy: pa),                     // 4
            draft(c, "no_such_decision", policy: pc),              // invalid
            draft(c, "no_violation", policy: pc, role: .labeler),  // labelers label in projects
            draft("no-such-case", "no_violation"),                 // unknown case
        ]
        var answers: [String] = []
        for s in steps {
            let lite = outcome { try p.lite.recordLabel(s) }
            let pg = outcome { try p.pg.recordLabel(s) }
            #expect(pg == lite, "\(s.caseID) \(s.kind) \(s.decision ?? "-")")
            answers.append(pg)
        }
        #expect(answers == ["ok 1", "ok 2", "conflict", "ok 3", "ok 4", "invalid", "not allowed", "no case"])
        for q in [QueueQuery(), QueueQuery(status: .decided), QueueQuery(status: .escalated), QueueQuery(status: nil)] {
            #expect(try p.pg.queuePage(q, after: nil, limit: 200) == (try p.lite.queuePage(q, after: nil, limit: 200)), "\(q)")
            #expect(try p.pg.queueCount(q) == (try p.lite.queueCount(q)))
        }
        func shape(_ e: [LabelEvent]) -> [String] {
            e.map { "\($0.id ?? 0) \($0.kind) \($0.decision ?? "-") \($0.reasonCodes) \($0.supersedes ?? 0) \($0.analyst) \($0.role)" }
        }
        for id in [a, b, c] {
            #expect(shape(try p.pg.labelEvents(caseID: id)) == shape(try p.lite.labelEvents(caseID: id)))
        }
        #expect(try p.pg.caseDetail(caseID: a)?.case.status == .decided)
        #expect(try p.pg.caseDetail(caseID: b)?.case.status == .escalated)
        #expect(try p.pg.stats().labelEvents == 4)
    }

    /// Eight analysts label one case at the same moment: one label is stored, seven are told the
    /// case changed; nothing is overwritten.
    @Test func concurrentLabelsOnOneCaseStoreExactlyOne() throws {
        let p = try Pair()
        let first = try #require(try p.pg.queuePage(QueueQuery(), after: nil, limit: 1).first)
        let id = first.caseID
        let drafts = (0..<8).map { i in draft(id, i % 2 == 0 ? "violation" : "no_violation", policy: first.policy) }
        let pg = p.pg
        let results = NSLock()
        nonisolated(unsafe) var answers: [String] = []
        DispatchQueue.concurrentPerform(iterations: 8) { i in
            let a = outcome { try pg.recordLabel(drafts[i]) }
            results.withLock { answers.append(a) }
        }
        #expect(answers.filter { $0.hasPrefix("ok") }.count == 1, "\(answers)")
        #expect(answers.filter { $0 == "conflict" }.count == 7, "\(answers)")
        #expect(try p.pg.labelEvents(caseID: id).count == 1)
    }

    /// Someone inserting label events with psql cannot overwrite a label either: the database
    /// refuses an event that does not supersede the current one, and keeps the case in step.
    @Test func theDatabaseKeepsCasesInStepWithTheirEvents() throws {
        let p = try Pair()
        let c = try PG.cluster
        let db = p.pg.address.database
        let row = try c.psql("SELECT id FROM cases ORDER BY id LIMIT 1", database: db).trimmingCharacters(in: .whitespacesAndNewlines)
        func insert(_ supersedes: String, kind: String = "label") throws {
            try c.psql("""
                INSERT INTO label_event(case_row, kind, decision, analyst, os_user, role, created_at, app_version, supersedes)
                VALUES (\(row), '\(kind)', \(kind == "undo" ? "NULL" : "'violation'"), 'postgres', 'os', 'analyst', 0, 'psql', \(supersedes))
                """, database: db)
        }
        try insert("NULL")
        #expect(try c.psql("SELECT status || ' ' || current_label FROM cases WHERE id = \(row)", database: db) == "decided 1\n")
        #expect(throws: (any Error).self) { try insert("NULL") } // would overwrite event 1
        let caseID = try c.psql("SELECT case_id FROM cases WHERE id = \(row)", database: db).trimmingCharacters(in: .whitespacesAndNewlines)
        do { try insert("NULL") } catch { #expect("\(error)".contains("case '\(caseID)' changed meanwhile"), "\(error)") }
        try insert("1", kind: "undo")
        #expect(try c.psql("SELECT status || ' ' || coalesce(current_label::text, '-') FROM cases WHERE id = \(row)", database: db) == "open -\n")
        #expect(try c.psql("SELECT count(*) FROM label_event", database: db) == "2\n")
    }
}
