import TriageCore
import TriageSQLite
import TriageStore
import Testing
@testable import TriageUI

/// Search, jump, sort and filters through the runtime against a real SQLite store.
@Suite struct QueryRuntimeTests {
    func runtime(_ db: TempStore) -> WorkbenchRuntime {
        let r = WorkbenchRuntime(store: db.store,
                                 options: WorkbenchOptions(analyst: "ana", databaseName: "cases.sqlite", initialQuery: QueueQuery()),
                                 size: TerminalSize(width: 80, height: 24), clock: { Fixtures.now })
        r.start()
        return r
    }

    func type(_ r: WorkbenchRuntime, _ text: String) {
        for c in text { r.handle(key: .char(c)) }
    }

    @Test func searchNarrowsTheRowsAndTheCount() throws {
        let db = try TempStore(cases: 60)
        let r = runtime(db)
        let all = try db.queue()
        // A word of some merchant's name.
        let word = try #require(all[7].merchantName.split(separator: " ").first.map(String.init))
        let expected = try db.queue(QueueQuery(search: word))
        #expect(!expected.isEmpty && expected.count < all.count)
        r.handle(key: .char("/"))
        type(r, word)
        r.handle(key: .enter)
        #expect(r.state.rows == Array(expected.prefix(8)))
        #expect(r.state.queueCount == expected.count)
        #expect(r.frame().rowText(0).contains("search \"\(word)\""))
        // Cleared: the whole queue again.
        r.handle(key: .char("/"))
        for _ in word { r.handle(key: .backspace) }
        r.handle(key: .enter)
        #expect(r.state.rows == Array(all.prefix(8)) && r.state.queueCount == all.count)
    }

    @Test func sortAndFiltersChangeTheRowsAndTheCount() throws {
        let db = try TempStore(cases: 60)
        let r = runtime(db)
        r.handle(key: .char("o"))
        #expect(r.state.rows == Array(try db.queue(QueueQuery(sort: .age)).prefix(8)))
        r.handle(key: .char("p"))
        let policy = try #require(r.state.query.policy)
        let byPolicy = try db.queue(QueueQuery(policy: policy, sort: .age))
        #expect(r.state.rows == Array(byPolicy.prefix(8)) && r.state.queueCount == byPolicy.count)
        r.handle(key: .char("f"))
        r.handle(key: .ctrl("u"))
        type(r, "score>=0.6 score<=0.9 status=all")
        r.handle(key: .enter)
        let q = QueueQuery(status: nil, minScore: 0.6, maxScore: 0.9, sort: .age)
        let filtered = try db.queue(q)
        #expect(r.state.query == q)
        #expect(r.state.rows == Array(filtered.prefix(8)) && r.state.queueCount == filtered.count)
        #expect(filtered.allSatisfy { $0.score >= 0.6 && $0.score <= 0.9 })
    }

    @Test func jumpSelectsACaseFarDownTheQueueOrSaysWhyNot() throws {
        let db = try TempStore(cases: 60)
        let r = runtime(db)
        let all = try db.queue()
        let target = all[40]
        r.handle(key: .char(":"))
        type(r, target.caseID)
        r.handle(key: .enter)
        #expect(r.state.selectedRow?.caseID == target.caseID)
        #expect(r.state.selectedDetail?.case.caseID == target.caseID)
        let i = try #require(all.firstIndex(of: r.state.rows[0]))
        #expect(r.state.rows == Array(all[i..<(i + 8)]))
        // Filtered out.
        r.handle(key: .char("f"))
        r.handle(key: .ctrl("u"))
        type(r, "policy=" + (Taxonomy.standard.policies.map(\.key).first { $0 != target.policy } ?? "x"))
        r.handle(key: .enter)
        r.handle(key: .char(":"))
        type(r, target.caseID)
        r.handle(key: .enter)
        #expect(r.state.status?.text.contains("not in this queue") == true)
        // Unknown.
        r.handle(key: .char(":"))
        type(r, "c_nope")
        r.handle(key: .enter)
        #expect(r.state.status == .error("no case c_nope"))
    }
}
