import Foundation
import TriageCore
import TriageSQLite
import TriageStore
import Testing
@testable import TriageUI

/// The dashboard's label quality (every project's labels and their consensus: seconds on a big
/// project) is computed off the UI thread: the other figures show at once, label quality follows.
@Suite struct DashboardLabelQualityTests {
    typealias F = ProjectFixtures

    func label(_ store: any CaseStore, _ caseID: String, _ decision: String, by who: String) throws {
        _ = try store.recordLabel(LabelDraft(caseID: caseID, decision: decision, analyst: who, osUser: "os",
                                             role: .labeler, blind: true, project: "p1"))
    }

    @Test func labelQualityFollowsTheOtherFiguresAndEveryNewLabel() async throws {
        let db = try F.store()
        try label(db.store, "c_6", "violation", by: "ann")
        try label(db.store, "c_6", "no_violation", by: "bob")
        let r = WorkbenchRuntime(store: db.store, options: WorkbenchOptions(analyst: "lee", databaseName: "cases.sqlite"),
                                 size: TerminalSize(width: 100, height: 60), clock: { Timestamp.now() })
        r.start()
        r.handle(key: .char("D"))
        // The figures are on screen; label quality is not applied before the runtime polls.
        let figures = try #require(r.state.dashboard?.data)
        #expect(figures.labelQualityPending && figures.projects.isEmpty)
        #expect(r.frame().renderText().contains("Computing label quality"))
        #expect(r.isBusy)

        await r.waitForBackground()
        let done = try #require(r.state.dashboard?.data)
        #expect(!done.labelQualityPending && !r.isBusy)
        #expect(done.projects.map(\.project) == ["p1"])
        #expect(done.projects.first?.report.cases == 1 && done.projects.first?.report.disagreements == 1)
        #expect(!r.frame().renderText().contains("Computing label quality"))

        // Two labels from another process: the next tick reloads the figures at once and keeps
        // the old label quality on screen, marked as updating, until the new one arrives.
        let other = try db.otherProcess()
        try label(other, "c_5", "violation", by: "ann")
        try label(other, "c_5", "violation", by: "bob")
        #expect(r.tick())
        let updating = try #require(r.state.dashboard?.data)
        #expect(updating.labelQualityPending && updating.projects.first?.report.cases == 1)
        #expect(r.frame().renderText().contains("Updating label quality"))
        await r.waitForBackground()
        let after = try #require(r.state.dashboard?.data)
        #expect(!after.labelQualityPending && after.projects.first?.report.cases == 2)
        #expect(after.projects.first?.report.disagreements == 1)
    }

    /// A store whose label quality waits until the test lets it go, counting the computations.
    final class Gated: CountingStore, @unchecked Sendable {
        let gate = DispatchSemaphore(value: 0)
        let lock = NSLock()
        var computations = 0
        override func labelQuality() throws -> LabelQuality {
            lock.withLock { computations += 1 }
            gate.wait()
            return try base.labelQuality()
        }
        var count: Int { lock.withLock { computations } }
    }

    /// Opening the dashboard five times while label quality is being computed runs one more
    /// computation when it ends, not five side by side.
    @Test func oneComputationAtATime() async throws {
        let db = try F.store()
        try label(db.store, "c_6", "violation", by: "ann")
        let store = Gated(db.store)
        let r = WorkbenchRuntime(store: store, options: WorkbenchOptions(analyst: "lee", databaseName: "c"),
                                 size: TerminalSize(width: 100, height: 60), clock: { Timestamp.now() })
        r.start()
        for _ in 0..<9 { r.handle(key: .char("D")) } // open, close, open, … : five openings
        #expect(r.state.dashboard != nil)
        let deadline = Date().addingTimeInterval(5)
        while store.count == 0 && Date() < deadline { try await Task.sleep(nanoseconds: 2_000_000) }
        try await Task.sleep(nanoseconds: 50_000_000)
        #expect(store.count == 1)
        store.gate.signal()
        store.gate.signal()
        await r.waitForBackground()
        #expect(store.count == 2)
        #expect(r.state.dashboard?.data?.labelQualityPending == false)
        #expect(r.state.dashboard?.data?.projects.map(\.project) == ["p1"])
    }
}
