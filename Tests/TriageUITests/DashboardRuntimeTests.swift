import TriageCore
import TriageSQLite
import TriageStore
import Testing
@testable import TriageUI

/// The dashboard against a real SQLite store: it loads, and follows commits made elsewhere.
@Suite struct DashboardRuntimeTests {
    func decided(_ d: Dashboard?) -> Int { d?.queue.policies.reduce(0) { $0 + $1.decided } ?? -1 }

    @Test func dOpensTheDashboardOnTheStoreAndATickAfterALabelUpdatesIt() throws {
        let db = try TempStore(cases: 30)
        let r = WorkbenchRuntime(store: db.store, options: WorkbenchOptions(analyst: "ana", databaseName: "cases.sqlite"),
                                 size: TerminalSize(width: 100, height: 30), clock: { Timestamp.now() })
        r.start()
        r.handle(key: .char("D"))
        let before = try #require(r.state.dashboard?.data)
        #expect(before.queue.backlog == 30)
        #expect(decided(before) == 0 && before.queue.days.last?.outflow == 0)
        #expect(r.frame().rowText(2).hasPrefix(" Queue"))
        #expect(r.frame().renderText().contains("Backlog 30 open"))

        // Someone else labels a case: the next tick sees the new data version and reloads.
        let other = try db.otherProcess()
        let caseID = try #require(db.queue().first?.caseID)
        _ = try other.recordLabel(LabelDraft(caseID: caseID, decision: "no_violation",
                                             reasonCodes: ["insufficient_evidence"], analyst: "bo", osUser: "bo"))
        #expect(r.tick())
        let after = try #require(r.state.dashboard?.data)
        #expect(decided(after) == 1)
        #expect(after.queue.days.last?.outflow == 1)
        #expect(after.queue.backlog == 29)
        #expect(after.people.map(\.person) == ["bo"])
        #expect(r.frame().renderText().contains("Backlog 29 open"))

        // Closing goes back to the queue; q then quits.
        r.handle(key: .char("q"))
        #expect(r.state.dashboard == nil && !r.isFinished)
    }

    /// A store that cannot make a dashboard: the error shows in the status bar, the screen stays.
    @Test func aFailingLoadShowsInTheStatusBar() throws {
        let db = try TempStore(cases: 3)
        final class Failing: CountingStore, @unchecked Sendable {
            override func dashboardFigures(now: Timestamp) throws -> Dashboard { throw StoreError.caseNotFound("x") }
        }
        let r = WorkbenchRuntime(store: Failing(db.store), options: WorkbenchOptions(analyst: "ana", databaseName: "c"),
                                 size: TerminalSize(width: 80, height: 24), clock: { Fixtures.now })
        r.start()
        r.handle(key: .char("D"))
        #expect(r.state.dashboard != nil && r.state.dashboard?.data == nil)
        #expect(r.state.status?.kind == .error)
        #expect(r.frame().rowText(23).contains("could not load the dashboard"))
    }
}
