import TriageCore
import TriageSQLite
import TriageStore
import Testing
@testable import TriageUI

/// Labelling through the runtime on a real SQLite file: what the keys leave in the database.
@Suite struct LabelRuntimeTests {
    /// A clock the test moves by hand.
    final class ManualClock: @unchecked Sendable {
        var now = Fixtures.now
    }

    func bench(count: Int = 30) throws -> (TempStore, WorkbenchRuntime, ManualClock) {
        let db = try TempStore(cases: count)
        let clock = ManualClock()
        let r = WorkbenchRuntime(store: db.store,
                                 options: WorkbenchOptions(analyst: "ana", databaseName: "cases.sqlite", osUser: "ana_os"),
                                 size: TerminalSize(width: 80, height: 24), clock: { clock.now })
        r.start()
        return (db, r, clock)
    }

    func press(_ r: WorkbenchRuntime, _ keys: Key...) { for k in keys { r.handle(key: k) } }
    func type(_ r: WorkbenchRuntime, _ text: String) { for c in text { r.handle(key: .char(c)) } }

    @Test func aLabelIsInTheDatabaseWithReasonsAndNoteAndTheCaseLeavesTheQueue() throws {
        let (db, r, clock) = try bench()
        let before = try db.queue()
        let first = before[0]
        #expect(r.state.taxonomy != nil && r.state.selectedDetail?.case.caseID == first.caseID)
        clock.now = Timestamp(milliseconds: Fixtures.now.milliseconds + 4_250) // 4.25 s on the case
        press(r, .char("v"))
        let reason = try #require(r.state.labelFlow?.reasons.first)
        press(r, .char(reason.hotkey), .enter)
        type(r, "é 日本")
        press(r, .enter)
        #expect(r.state.status == .info("saved: violation \(first.caseID)"))

        let events = try db.store.labelEvents(caseID: first.caseID)
        let e = try #require(events.last)
        #expect(events.count == 1 && e.kind == .label && e.decision == "violation")
        #expect(e.reasonCodes == [reason.code] && e.note == "é 日本")
        #expect(e.analyst == "ana" && e.osUser == "ana_os" && e.role == .analyst && !e.blind)
        #expect(e.dwellMs == 4_250)
        let detail = try #require(try db.store.caseDetail(caseID: first.caseID))
        #expect(e.modelVersionsSeen == detail.scores.map { "\($0.model)@\($0.version)" })
        #expect(detail.case.status == .decided)
        // The case left the open queue; the cursor is on the case after it.
        let after = try db.queue()
        #expect(after.count == before.count - 1 && !after.contains { $0.caseID == first.caseID })
        #expect(r.state.selectedRow?.caseID == before[1].caseID)
        #expect(r.state.queueCount == before.count - 1)
        #expect(r.state.lastLabel == SessionLabel(eventID: try #require(e.id), caseID: first.caseID, row: first))
    }

    @Test func undoReopensTheCase() throws {
        let (db, r, _) = try bench()
        let first = try db.queue()[0]
        press(r, .char("e"), .enter, .enter)
        #expect(try db.store.caseDetail(caseID: first.caseID)?.case.status == .escalated)
        press(r, .char("z"))
        #expect(r.state.status == .info("undone: \(first.caseID)"))
        let events = try db.store.labelEvents(caseID: first.caseID)
        #expect(events.map(\.kind) == [.label, .undo])
        #expect(events[1].supersedes == events[0].id)
        let detail = try #require(try db.store.caseDetail(caseID: first.caseID))
        #expect(detail.case.status == .open && detail.currentLabel == nil)
        #expect(try db.queue().contains { $0.caseID == first.caseID })
        #expect(r.state.selectedRow?.caseID == first.caseID) // back in the window, selected
        // Nothing more to undo.
        press(r, .char("z"))
        #expect(r.state.status == .info("nothing to undo in this session"))
    }

    @Test func skipLeavesTheCaseInTheQueue() throws {
        let (db, r, _) = try bench()
        let queue = try db.queue()
        press(r, .char("s"))
        #expect(r.state.selectedRow?.caseID == queue[1].caseID)
        #expect(try db.queue() == queue)
        #expect(try db.store.labelEvents(caseID: queue[0].caseID).isEmpty)
    }

    @Test func aConflictIsShownAndNothingSaysSaved() throws {
        let (db, r, _) = try bench()
        let first = try db.queue()[0]
        press(r, .char("n"), .enter)
        // Someone else labels the case meanwhile.
        _ = try db.otherProcess().recordLabel(LabelDraft(caseID: first.caseID, decision: "violation", analyst: "bo", osUser: "bo"))
        press(r, .enter)
        #expect(r.state.status?.kind == .error)
        #expect(r.state.status?.text.hasPrefix("could not save the label: case '\(first.caseID)' changed meanwhile") == true)
        #expect(!r.frame().renderText().contains("saved"))
        #expect(try db.store.labelEvents(caseID: first.caseID).count == 1)
        #expect(r.state.lastLabel == nil)
    }
}

/// The header's own counts: labels made today by this analyst, read from the store.
@Suite struct AnalystCountTests {
    @Test func doneTodayCountsThisAnalystsLabels() throws {
        let db = try TempStore(cases: 10)
        let r = WorkbenchRuntime(store: db.store,
                                 options: WorkbenchOptions(analyst: "ana", databaseName: "cases.sqlite", osUser: "ana_os"),
                                 size: TerminalSize(width: 160, height: 40))
        r.start()
        #expect(r.state.analystCounts == AnalystCounts(held: 0, labelled: 0))
        let rows = try db.queue()
        try db.store.recordLabel(LabelDraft(caseID: rows[3].caseID, decision: "violation", analyst: "ana", osUser: "t"))
        try db.store.recordLabel(LabelDraft(caseID: rows[4].caseID, decision: "violation", analyst: "bo", osUser: "t"))
        r.handle(key: .char("r"))
        #expect(r.state.analystCounts?.labelled == 1)
        #expect(r.frame().rowText(0).contains("done today 1"))
    }
}
