import GRDB
import TriageCore
import TriageSQLite
import TriageStore
import Testing
@testable import TriageUI

/// The runtime against a real SQLite store on a temporary file: keys in, windows of the queue out.
@Suite struct RuntimeTests {
    /// A workbench (80×24 unless told: a window of 8 rows) on a store of `count` sample cases.
    /// `queue` is the whole queue in order, read through the store, for the expectations.
    struct Bench {
        let db: TempStore
        let store: CountingStore
        let runtime: WorkbenchRuntime
        let queue: [QueueRow]
    }

    func bench(count: Int, width: Int = 80, height: Int = 24, query: QueueQuery = QueueQuery()) throws -> Bench {
        let db = try TempStore(cases: count)
        let store = CountingStore(db.store)
        let r = WorkbenchRuntime(store: store,
                                 options: WorkbenchOptions(analyst: "ana", databaseName: "cases.sqlite", initialQuery: query),
                                 size: TerminalSize(width: width, height: height), clock: { Fixtures.now })
        r.start()
        return Bench(db: db, store: store, runtime: r, queue: try db.queue(query))
    }

    func press(_ r: WorkbenchRuntime, _ key: Key, times: Int = 1) {
        for _ in 0..<times { r.handle(key: key) }
    }

    func label(_ caseID: String, in store: SQLiteStore) throws {
        try store.recordLabel(LabelDraft(caseID: caseID, decision: "no_violation", reasonCodes: ["insufficient_evidence"],
                                         analyst: "bo", osUser: "bo"))
    }

    @Test func startShowsTheFirstWindowAndItsDetail() throws {
        let b = try bench(count: 100)
        let r = b.runtime
        #expect(b.queue.count == 100)
        #expect(r.state.rows == Array(b.queue.prefix(8)))
        #expect(r.state.hasMoreBelow && !r.state.hasMoreAbove)
        #expect(r.state.selectedDetail?.case.caseID == b.queue[0].caseID)
        #expect(r.state.selectedDetail?.rationales.isEmpty == false) // a real record, read back whole
        #expect(r.state.queueCount == 100 && r.state.position == 1)
        #expect(b.store.pageQueries == 1 && b.store.rowsFetched == 9) // one window and one row to learn that more follow
        #expect(r.frame().rowText(0).contains("100 cases"))
    }

    @Test func movingDownAndUpAcrossWindowsKeepsTheQueueOrder() throws {
        let b = try bench(count: 100)
        let r = b.runtime
        press(r, .char("j"), times: 20)
        #expect(r.state.position == 21)
        #expect(r.state.selectedRow == b.queue[20])
        #expect(r.state.rows == Array(b.queue[13..<21]))
        press(r, .char("k"), times: 15)
        #expect(r.state.position == 6)
        #expect(r.state.selectedRow == b.queue[5])
        #expect(r.state.rows == Array(b.queue[5..<13]))
        press(r, .up, times: 10)
        #expect(r.state.position == 1 && !r.state.hasMoreAbove)
        #expect(r.state.rows == Array(b.queue.prefix(8)))
        #expect(r.state.selectedDetail?.case.caseID == b.queue[0].caseID)
    }

    @Test func pagingDownAndUp() throws {
        let b = try bench(count: 100)
        let r = b.runtime
        press(r, .pageDown)
        #expect(r.state.rows == Array(b.queue[8..<16]) && r.state.position == 9)
        press(r, .char("j"), times: 2)
        press(r, .pageDown, times: 2)
        #expect(r.state.rows == Array(b.queue[24..<32]) && r.state.position == 27)
        press(r, .pageUp)
        #expect(r.state.rows == Array(b.queue[16..<24]) && r.state.position == 19)
        press(r, .ctrl("b"), times: 5)
        #expect(r.state.rows == Array(b.queue[0..<8]) && r.state.position == 1)
    }

    @Test func pagingUpNearTheTopShowsTheFirstWindow() throws {
        let b = try bench(count: 100)
        let r = b.runtime
        press(r, .char("j"), times: 10) // rows 3..<11, the 11th case selected on the last row
        #expect(r.state.rows == Array(b.queue[3..<11]) && r.state.selection == 7)
        press(r, .pageUp) // only 3 rows above: the first window, the selection on the same screen row
        #expect(r.state.rows == Array(b.queue[0..<8]) && r.state.selection == 7 && r.state.position == 8)
        #expect(!r.state.hasMoreAbove)
    }

    @Test func endJumpsToTheLastCaseInOneQueryAndHomeBack() throws {
        let b = try bench(count: 2500)
        let r = b.runtime
        let (queries, fetched) = (b.store.pageQueries, b.store.rowsFetched)
        press(r, .char("G"))
        #expect(b.store.pageQueries == queries + 1 && b.store.rowsFetched == fetched + 9)
        #expect(r.state.rows == Array(b.queue.suffix(8)))
        #expect(r.state.selectedRow == b.queue.last)
        #expect(r.state.position == 2500 && !r.state.hasMoreBelow && r.state.hasMoreAbove)
        #expect(r.state.status == nil)
        #expect(r.frame().rowText(23).hasSuffix("2,500 of 2,500"))
        press(r, .char("k"), times: 10) // paging backwards from the end
        #expect(r.state.selectedRow == b.queue[2489] && r.state.position == 2490)
        #expect(r.state.rows == Array(b.queue[2489..<2497]))
        press(r, .end)
        #expect(r.state.position == 2500)
        press(r, .char("g"))
        #expect(r.state.position == 1 && r.state.rows == Array(b.queue.prefix(8)))
    }

    @Test func walkingUpFromTheEndMeetsEveryCase() throws {
        let b = try bench(count: 60)
        let r = b.runtime
        press(r, .char("G"))
        var seen: [QueueRow] = []
        for _ in 0..<59 {
            seen.append(r.state.selectedRow!)
            press(r, .char("k"))
        }
        seen.append(r.state.selectedRow!)
        #expect(seen == b.queue.reversed())
        #expect(r.state.position == 1)
    }

    @Test func aShortQueueFitsInOneWindow() throws {
        let b = try bench(count: 3)
        let r = b.runtime
        #expect(!r.state.hasMoreBelow && !r.state.hasMoreAbove && r.state.rows.count == 3)
        press(r, .char("G"))
        #expect(r.state.selectedRow == b.queue[2])
        press(r, .pageDown)
        #expect(r.state.selectedRow == b.queue[2])
        press(r, .char("j"))
        #expect(r.state.position == 3)
        #expect(b.store.pageQueries == 1) // the whole queue was on screen from the start
    }

    @Test func anEmptyQueueSaysSo() throws {
        let b = try bench(count: 0)
        let r = b.runtime
        press(r, .char("j"))
        press(r, .char("G"))
        press(r, .enter)
        #expect(r.state.focus == .queue)
        #expect(r.frame().renderText().contains("No cases in this queue."))
        #expect(r.state.queueCount == 0)
    }

    @Test func resizeChangesTheWindowAndKeepsTheSelectedCase() throws {
        let b = try bench(count: 100)
        let r = b.runtime
        press(r, .char("j"), times: 6)
        let selected = r.state.selectedRow
        press(r, .resize(width: 120, height: 40))
        #expect(r.state.rows.count == 37 && r.state.selectedRow == selected)
        press(r, .resize(width: 70, height: 16))
        #expect(r.state.rows.count == 5 && r.state.selectedRow == selected)
        #expect(r.state.rows.last == selected)
        press(r, .resize(width: 30, height: 8))
        #expect(r.frame().renderText().contains("terminal too small"))
        press(r, .resize(width: 80, height: 24))
        #expect(r.state.selectedRow == selected)
        #expect(r.state.rows.first == b.queue[2])
        #expect(r.state.position == 7)
    }

    @Test func growingAtTheEndOfTheQueueFillsTheWindowFromAbove() throws {
        let b = try bench(count: 100)
        let r = b.runtime
        press(r, .char("G"))
        press(r, .char("k"), times: 2)
        let selected = r.state.selectedRow
        press(r, .resize(width: 120, height: 40))
        #expect(r.state.rows == Array(b.queue.suffix(37)))
        #expect(r.state.selectedRow == selected && r.state.position == 98)
    }

    @Test func onlyVisibleRowsAreFetched() throws {
        let b = try bench(count: 1000)
        let r = b.runtime
        press(r, .char("j"), times: 30)
        press(r, .pageDown, times: 10)
        press(r, .char("k"), times: 30)
        press(r, .pageUp, times: 3)
        // One window (and a row) per move that leaves the window, never more.
        #expect(b.store.pageQueries == 1 + 23 + 10 + 23 + 3)
        #expect(b.store.rowsFetched == 9 * b.store.pageQueries)
        #expect(r.state.rows == Array(b.queue[56..<64]) && r.state.position == 57)
    }

    @Test func theHeaderCountsTheFilteredQueue() throws {
        let db = try TempStore(cases: 300)
        let all = try db.queue(QueueQuery(status: nil))
        let policy = all[0].policy
        let country = try #require(all.first { $0.policy == policy }?.country)
        let query = QueueQuery(policy: policy, country: country, minScore: 0.2, sort: .age)
        let expected = all.filter { $0.policy == policy && $0.country == country && $0.score >= 0.2 }.count
        #expect(expected > 0)
        let r = WorkbenchRuntime(store: db.store,
                                 options: WorkbenchOptions(analyst: "ana", databaseName: "cases.sqlite", initialQuery: query),
                                 size: TerminalSize(width: 120, height: 24), clock: { Fixtures.now })
        r.start()
        #expect(r.state.queueCount == expected)
        let n = expected == 1 ? "1 case" : "\(expected) cases"
        #expect(r.frame().rowText(0).contains(n))
        press(r, .char("G"))
        #expect(r.state.position == expected)
        #expect(r.frame().rowText(23).hasSuffix("\(expected) of \(expected)"))
    }

    @Test func aCommitElsewhereReloadsTheWindowKeepingTheSelectedCase() throws {
        let b = try bench(count: 100)
        let r = b.runtime
        let other = try b.db.otherProcess()
        press(r, .char("j"), times: 3)
        let selected = b.queue[3]
        #expect(r.state.selectedRow == selected)
        let queries = b.store.pageQueries
        #expect(!r.tick()) // nothing changed: nothing read but the data version
        #expect(b.store.pageQueries == queries)

        // Someone decides a case above the selection: it leaves the queue, the selection stays.
        try label(b.queue[1].caseID, in: other)
        #expect(r.tick())
        var now = try b.db.queue()
        #expect(r.state.rows == Array(now.prefix(8)))
        #expect(r.state.selectedRow == selected && r.state.selection == 2)
        #expect(r.state.queueCount == 99 && r.state.position == 3)
        #expect(r.frame().rowText(0).contains("99 cases"))

        // Someone decides the selected case: the selection stays on the same screen row.
        try label(selected.caseID, in: other)
        #expect(r.tick())
        now = try b.db.queue()
        #expect(r.state.rows == Array(now.prefix(8)))
        #expect(r.state.selection == 2 && r.state.selectedRow == now[2])
        #expect(r.state.selectedDetail?.case.caseID == now[2].caseID)
        #expect(r.state.queueCount == 98)
        #expect(!r.tick())

        // A new import elsewhere: the count grows; the selected case stays on its screen row.
        let kept = r.state.selectedRow
        try TempStore.add((100..<110).map { TempStore.generator.record(at: $0) }, to: other)
        #expect(r.tick())
        #expect(r.state.queueCount == 108)
        #expect(r.state.selectedRow == kept && r.state.selection == 2)
        now = try b.db.queue()
        let first = try #require(now.firstIndex(of: r.state.rows[0]))
        #expect(r.state.rows == Array(now[first..<(first + 8)]))
    }

    @Test func aCommitElsewhereAtTheEndKeepsTheLastCaseAndItsPosition() throws {
        let b = try bench(count: 100)
        let r = b.runtime
        press(r, .char("G"))
        press(r, .char("k"), times: 2)
        let kept = try #require(r.state.selectedRow)
        #expect(r.state.selection == 5 && r.state.position == 98)
        // New cases, scored all over the queue: some land in the window, above the selection.
        try TempStore.add((100..<160).map { TempStore.generator.record(at: $0) }, to: b.db.otherProcess())
        #expect(r.tick())
        let now = try b.db.queue()
        let index = try #require(now.firstIndex(of: kept))
        #expect(r.state.selectedRow == kept && r.state.selection == 5)
        #expect(r.state.rows == Array(now[(index - 5)..<min(now.count, index + 3)]))
        #expect(r.state.queueCount == 160)
        if !r.state.hasMoreBelow { #expect(r.state.position == index + 1) } // exact at the end
    }

    @Test func theDetailFollowsALabelElsewhere() throws {
        // Every status: an escalated case stays in this queue.
        let b = try bench(count: 20, query: QueueQuery(status: nil))
        let r = b.runtime
        let id = try #require(r.state.selectedRow?.caseID)
        #expect(r.state.selectedDetail?.labels.isEmpty == true)
        try b.db.otherProcess().recordLabel(LabelDraft(caseID: id, decision: "escalate", reasonCodes: ["needs_specialist"],
                                                       analyst: "bo", osUser: "bo"))
        #expect(r.tick())
        #expect(r.state.selectedRow?.caseID == id && r.state.selectedRow?.status == .escalated)
        #expect(r.state.selectedDetail?.labels.map(\.decision) == ["escalate"])
        #expect(r.state.queueCount == 20)
    }

    @Test func refreshReloadsInPlace() throws {
        let b = try bench(count: 100)
        let r = b.runtime
        press(r, .pageDown)
        press(r, .char("j"), times: 2)
        let before = r.state.rows
        let selected = r.state.selectedRow
        press(r, .char("r"))
        #expect(r.state.rows == before && r.state.selectedRow == selected && r.state.position == 11)
    }

    @Test func quitFinishes() throws {
        let b = try bench(count: 5)
        let r = b.runtime
        press(r, .char("?"))
        press(r, .char("q"))
        #expect(!r.isFinished) // the first q closes the help
        press(r, .char("q"))
        #expect(r.isFinished)
    }

    @Test func storeErrorsBecomeStatusMessages() throws {
        let db = try TempStore(cases: 3)
        // Another program breaks the database under the workbench: its cases table is gone.
        let raw = try DatabaseQueue(path: db.path)
        try raw.write { try $0.execute(sql: "ALTER TABLE cases RENAME TO cases_moved") }
        let r = WorkbenchRuntime(store: db.store, options: WorkbenchOptions(analyst: "a", databaseName: "x.db"),
                                 size: TerminalSize(width: 80, height: 24), clock: { Fixtures.now })
        r.start()
        #expect(r.state.status?.kind == .error)
        #expect(r.frame().rowText(23).contains("could not read the database"))
        #expect(r.state.status?.text.hasSuffix("no such table: cases") == true)
        #expect(!r.state.loaded && r.state.rows.isEmpty)
    }
}
