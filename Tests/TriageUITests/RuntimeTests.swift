import TriageCore
import TriageStore
import Testing
@testable import TriageUI

/// The runtime against an in-memory store: keys in, windows of the queue out.
@Suite struct RuntimeTests {
    func runtime(count: Int, width: Int = 80, height: Int = 24) -> (WorkbenchRuntime, FakeStore) {
        let store = FakeStore(count: count)
        let r = WorkbenchRuntime(store: store, options: WorkbenchOptions(analyst: "ana", databaseName: "mem.db"),
                                 size: TerminalSize(width: width, height: height), clock: { Fixtures.now })
        r.start()
        return (r, store)
    }

    /// The ids on screen and the selected one.
    func window(_ r: WorkbenchRuntime) -> (ids: [Int64], selected: Int64?) {
        (r.state.rows.map(\.rowID), r.state.selectedRow?.rowID)
    }

    func press(_ r: WorkbenchRuntime, _ key: Key, times: Int = 1) {
        for _ in 0..<times { r.handle(key: key) }
    }

    @Test func startShowsTheFirstWindowAndItsDetail() {
        let (r, store) = runtime(count: 100)
        #expect(r.state.rows.map(\.caseID) == store.rows.prefix(8).map(\.caseID))
        #expect(r.state.hasMoreBelow)
        #expect(r.state.selectedDetail?.case.caseID == store.rows[0].caseID)
        #expect(r.state.queueCount == 100)
        #expect(store.rowsFetched == 9) // one window and one row to learn that more follow
    }

    @Test func movingDownAndUpAcrossWindowsKeepsTheQueueOrder() {
        let (r, store) = runtime(count: 100)
        press(r, .char("j"), times: 20)
        #expect(r.state.position == 21)
        #expect(r.state.selectedRow == store.rows[20])
        #expect(r.state.rows == Array(store.rows[13..<21]))
        press(r, .char("k"), times: 15)
        #expect(r.state.position == 6)
        #expect(r.state.selectedRow == store.rows[5])
        #expect(r.state.rows == Array(store.rows[5..<13]))
        press(r, .up, times: 10)
        #expect(r.state.position == 1 && r.state.trail.isEmpty)
        #expect(r.state.selectedDetail?.case.caseID == store.rows[0].caseID)
    }

    @Test func pagingDownAndUp() {
        let (r, store) = runtime(count: 100)
        press(r, .pageDown)
        #expect(r.state.rows == Array(store.rows[8..<16]) && r.state.position == 9)
        press(r, .char("j"), times: 2)
        press(r, .pageDown, times: 2)
        #expect(r.state.rows == Array(store.rows[24..<32]) && r.state.position == 27)
        press(r, .pageUp)
        #expect(r.state.rows == Array(store.rows[16..<24]) && r.state.position == 19)
        press(r, .ctrl("b"), times: 5)
        #expect(r.state.rows == Array(store.rows[0..<8]) && r.state.position == 1)
    }

    @Test func endJumpsToTheLastCaseAndHomeBack() {
        let (r, store) = runtime(count: 2500)
        press(r, .char("G"))
        #expect(r.state.rows == Array(store.rows.suffix(8)))
        #expect(r.state.selectedRow == store.rows.last)
        #expect(r.state.position == 2500 && !r.state.hasMoreBelow)
        #expect(r.state.status == nil)
        press(r, .char("k"), times: 10) // the trail lets us walk back up
        #expect(r.state.selectedRow == store.rows[2489])
        press(r, .char("g"))
        #expect(r.state.position == 1 && r.state.rows == Array(store.rows.prefix(8)))
    }

    @Test func endStopsAfterItsBudgetAndGoesOnWhenPressedAgain() {
        let (r, store) = runtime(count: 2500)
        r.endJumpBudget = 1000
        press(r, .end)
        #expect(r.state.status?.text.contains("press G again") == true)
        #expect(r.state.hasMoreBelow)
        let firstStop = r.state.position!
        #expect(firstStop > 1000 && firstStop < 2500)
        #expect(r.state.selectedRow == store.rows[firstStop - 1])
        press(r, .end, times: 2)
        #expect(r.state.position == 2500)
    }

    @Test func aShortQueueFitsInOneWindow() {
        let (r, store) = runtime(count: 3)
        #expect(!r.state.hasMoreBelow && r.state.rows.count == 3)
        press(r, .char("G"))
        #expect(r.state.selectedRow == store.rows[2])
        press(r, .pageDown)
        #expect(r.state.selectedRow == store.rows[2])
        press(r, .char("j"))
        #expect(r.state.position == 3)
    }

    @Test func anEmptyQueueSaysSo() {
        let (r, _) = runtime(count: 0)
        press(r, .char("j"))
        press(r, .char("G"))
        press(r, .enter)
        #expect(r.state.focus == .queue)
        #expect(r.frame().renderText().contains("No cases in this queue."))
    }

    @Test func resizeChangesTheWindowAndKeepsTheSelectedCase() {
        let (r, store) = runtime(count: 100)
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
        #expect(r.state.rows.first == store.rows[2])
    }

    @Test func growingAtTheEndOfTheQueueFillsTheWindowFromAbove() {
        let (r, store) = runtime(count: 100)
        press(r, .char("G"))
        press(r, .char("k"), times: 2)
        let selected = r.state.selectedRow
        press(r, .resize(width: 120, height: 40))
        #expect(r.state.rows == Array(store.rows.suffix(37)))
        #expect(r.state.selectedRow == selected && r.state.position == 98)
    }

    @Test func onlyVisibleRowsAreFetched() {
        let (r, store) = runtime(count: 100_000)
        press(r, .char("j"), times: 30)
        press(r, .pageDown, times: 10)
        #expect(store.rowsFetched < 30 * 9 + 10 * 9 + 9)
        #expect(r.state.rows.count == 8)
    }

    @Test func quitFinishes() {
        let (r, _) = runtime(count: 5)
        press(r, .char("?"))
        press(r, .char("q"))
        #expect(!r.isFinished) // the first q closes the help
        press(r, .char("q"))
        #expect(r.isFinished)
    }

    @Test func storeErrorsBecomeStatusMessages() {
        final class Broken: CaseStore, @unchecked Sendable {
            let inner = FakeStore(count: 3)
            var location: String { "broken" }
            func queuePage(_ q: QueueQuery, after c: QueueCursor?, limit: Int) throws -> [QueueRow] {
                throw StoreError.locked(path: "x.db")
            }
            func caseDetail(caseID: String) throws -> CaseDetail? { nil }
            func stats() throws -> StoreStats { try inner.stats() }
            func taxonomy() throws -> Taxonomy { .standard }
            func replaceTaxonomy(_ taxonomy: Taxonomy) throws {}
            func importBatch(_ info: ImportBatchInfo, _ feed: (any ImportSink) throws -> ImportFeedResult) throws -> ImportBatch {
                throw StoreError.storage("no")
            }
            func importBatches(limit: Int) throws -> [ImportBatch] { [] }
            func recordLabel(_ draft: LabelDraft) throws -> LabelEvent { throw StoreError.storage("no") }
            func labelEvents(caseID: String) throws -> [LabelEvent] { [] }
            func exportLabels(since: Timestamp?, _ row: (ExportRow) throws -> Void) throws -> Int { 0 }
            func exportColumns() throws -> ExportColumns { ExportColumns(scores: [], features: []) }
        }
        let r = WorkbenchRuntime(store: Broken(), options: WorkbenchOptions(analyst: "a", databaseName: "x.db"),
                                 size: TerminalSize(width: 80, height: 24), clock: { Fixtures.now })
        r.start()
        #expect(r.state.status?.kind == .error)
        #expect(r.frame().rowText(23).contains("locked by another process"))
    }
}
