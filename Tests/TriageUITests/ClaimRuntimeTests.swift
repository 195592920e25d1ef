import Foundation
import TriageCore
@testable import TriageSQLite
import TriageStore
import Testing
@testable import TriageUI

/// Claims through two workbench sessions on one real SQLite file (two `SQLiteStore` instances,
/// as two processes would have): they never hold, nor label, the same case.
@Suite struct ClaimRuntimeTests {
    /// A clock both sessions and their stores share, moved by hand.
    final class Clock: @unchecked Sendable {
        var now = Timestamp.now()
        func advance(_ seconds: Double) { now = Timestamp(milliseconds: now.milliseconds + Int64(seconds * 1000)) }
    }

    /// The real store, claiming at the test's clock instead of the wall clock.
    final class ClockedStore: CountingStore, @unchecked Sendable {
        let clock: Clock
        init(_ base: SQLiteStore, clock: Clock) {
            self.clock = clock
            super.init(base)
        }
        override func claimNext(_ query: QueueQuery, analyst: String, lease: TimeInterval) throws -> QueueRow? {
            try base.claimNext(query, analyst: analyst, lease: lease, now: clock.now)
        }
        override func claim(caseID: String, analyst: String, lease: TimeInterval) throws -> String? {
            try base.claim(caseID: caseID, analyst: analyst, lease: lease, now: clock.now)
        }
        override func renewLease(caseID: String, analyst: String, lease: TimeInterval) throws -> Bool {
            try base.renewLease(caseID: caseID, analyst: analyst, lease: lease, now: clock.now)
        }
    }

    static let lease = 600.0

    /// A session of `analyst` on `store`, started.
    func session(_ store: SQLiteStore, _ analyst: String, _ clock: Clock) -> WorkbenchRuntime {
        var options = WorkbenchOptions(analyst: analyst, databaseName: "cases.sqlite", osUser: analyst + "_os")
        options.lease = Self.lease
        let r = WorkbenchRuntime(store: ClockedStore(store, clock: clock), options: options,
                                 size: TerminalSize(width: 100, height: 30), clock: { clock.now })
        r.start()
        return r
    }

    func press(_ r: WorkbenchRuntime, _ keys: Key...) { for k in keys { r.handle(key: k) } }

    /// Who holds `caseID` at the test clock (nil: nobody), as another session would learn it.
    func holder(_ db: TempStore, _ caseID: String, _ clock: Clock) throws -> String? {
        // A claim attempt by nobody-in-particular tells who holds it (and takes it if free: undo).
        let probe = try db.otherProcess()
        let h = try probe.claim(caseID: caseID, analyst: "probe", lease: 1, now: clock.now)
        if h == "probe" { try probe.releaseClaim(caseID: caseID, analyst: "probe"); return nil }
        return h
    }

    @Test func twoSessionsGetDifferentCasesAndNeverLabelTheSameOne() throws {
        let db = try TempStore(cases: 30)
        let clock = Clock()
        let queue = try db.queue()
        let ana = session(db.store, "ana", clock)
        let bo = session(try db.otherProcess(), "bo", clock)
        #expect(ana.state.selectedRow?.caseID == queue[0].caseID)
        #expect(bo.state.selectedRow?.caseID == queue[1].caseID)
        #expect(try holder(db, queue[0].caseID, clock) == "ana")
        #expect(try holder(db, queue[1].caseID, clock) == "bo")

        var labelled: [String] = []
        for round in 0..<4 {
            for r in round % 2 == 0 ? [ana, bo] : [bo, ana] {
                let id = try #require(r.state.selectedRow?.caseID)
                press(r, .char("v"), .enter, .enter)
                #expect(r.state.status == .info("saved: violation \(id)"))
                labelled.append(id)
                clock.advance(1)
                ana.tick()
                bo.tick()
                let a = try #require(ana.state.selectedRow?.caseID), b = try #require(bo.state.selectedRow?.caseID)
                #expect(a != b)
                #expect(try holder(db, a, clock) == "ana")
                #expect(try holder(db, b, clock) == "bo")
            }
        }
        #expect(Set(labelled).count == 8)
        // Each label by its claimant; no case labelled twice.
        for id in labelled { #expect(try db.store.labelEvents(caseID: id).count == 1) }
        // After a label the next case is the next free one in queue order.
        #expect(Set(labelled) == Set(queue.prefix(8).map(\.caseID)))
    }

    @Test func aCaseHeldByAnotherCanBeBrowsedButNotLabelled() throws {
        let db = try TempStore(cases: 30)
        let clock = Clock()
        let queue = try db.queue()
        let ana = session(db.store, "ana", clock)
        let bo = session(try db.otherProcess(), "bo", clock)
        clock.advance(1)
        bo.tick() // sees ana's claim in the queue
        #expect(bo.state.rows.first?.assignee == "ana")
        #expect(bo.frame().renderText().contains("held by ana"))
        press(bo, .char("k"))
        #expect(bo.state.selectedRow?.caseID == queue[0].caseID)
        #expect(bo.state.claim == CaseClaim(caseID: queue[0].caseID, holder: "ana", checkedAt: clock.now))
        #expect(bo.state.status == .info("\(queue[0].caseID) is held by ana"))
        press(bo, .char("v"))
        #expect(bo.state.labelFlow == nil)
        #expect(bo.state.status == .info("held by ana: cannot label"))
        #expect(try holder(db, queue[0].caseID, clock) == "ana")
        // Moving off gave bo's case back; moving onto it again claims it again.
        #expect(try holder(db, queue[1].caseID, clock) == nil)
        press(bo, .char("j"))
        #expect(try holder(db, queue[1].caseID, clock) == "bo")
        press(bo, .char("j"))
        #expect(try holder(db, queue[1].caseID, clock) == nil)
        #expect(try holder(db, queue[2].caseID, clock) == "bo")
        // Quitting gives the claim back.
        press(bo, .char("q"))
        #expect(bo.isFinished)
        #expect(try holder(db, queue[2].caseID, clock) == nil)
        #expect(try db.store.labelEvents(caseID: queue[0].caseID).isEmpty)
        _ = ana
    }

    @Test func anExpiredLeaseIsTakenOver() throws {
        let db = try TempStore(cases: 30)
        let clock = Clock()
        let queue = try db.queue()
        var dead: WorkbenchRuntime? = session(db.store, "ana", clock)
        #expect(dead?.state.selectedRow?.caseID == queue[0].caseID)
        dead = nil // the session dies without releasing its claim
        let bo = session(try db.otherProcess(), "bo", clock)
        #expect(bo.state.selectedRow?.caseID == queue[1].caseID)
        press(bo, .char("k"))
        #expect(bo.state.claim?.holder == "ana")
        // The lease runs out; bo's next check (every few seconds on the tick) takes the case over.
        clock.advance(Self.lease + 1)
        bo.tick()
        #expect(bo.state.claim == CaseClaim(caseID: queue[0].caseID, holder: "bo", checkedAt: clock.now))
        #expect(try holder(db, queue[0].caseID, clock) == "bo")
        press(bo, .char("v"))
        #expect(bo.state.labelFlow?.caseID == queue[0].caseID)
        // A session started after the lapse is handed the lapsed case first.
        let db2 = try TempStore(cases: 5)
        let first = try db2.queue()[0].caseID
        _ = session(db2.store, "ana", clock)
        clock.advance(Self.lease + 1)
        let cy = session(try db2.otherProcess(), "cy", clock)
        #expect(cy.state.selectedRow?.caseID == first)
        #expect(try holder(db2, first, clock) == "cy")
    }

    @Test func theTickRenewsTheLeaseBeforeItRunsOut() throws {
        let db = try TempStore(cases: 10)
        let clock = Clock()
        let queue = try db.queue()
        let ana = session(db.store, "ana", clock)
        for _ in 0..<4 { // 4 × 200 s: past the first lease, renewed on the way
            clock.advance(200)
            ana.tick()
        }
        #expect(try holder(db, queue[0].caseID, clock) == "ana")
        let bo = session(try db.otherProcess(), "bo", clock)
        #expect(bo.state.selectedRow?.caseID == queue[1].caseID)
    }

    @Test func syncClaimFollowsTheSelectionRenewsAtHalfTheLeaseAndStopsOnQuit() {
        var s = Fixtures.state(width: 120, height: 40)
        #expect(Workbench.syncClaim(&s).isEmpty) // no lease: no claims
        s.lease = 600
        let first = s.rows[0].caseID, second = s.rows[1].caseID
        #expect(Workbench.syncClaim(&s) == [.claim(caseID: first, releasing: nil)])
        _ = Workbench.update(&s, .claimed(caseID: first, holder: "ana"))
        #expect(Workbench.syncClaim(&s).isEmpty)
        s.selection = 1
        #expect(Workbench.syncClaim(&s) == [.claim(caseID: second, releasing: first)])
        _ = Workbench.update(&s, .claimed(caseID: second, holder: "ana"))
        s.now = Timestamp(milliseconds: s.now.milliseconds + 299_000)
        #expect(Workbench.syncClaim(&s).isEmpty)
        s.now = Timestamp(milliseconds: s.now.milliseconds + 1_000)
        #expect(Workbench.syncClaim(&s) == [.claim(caseID: second, releasing: nil)]) // renewed
        #expect(Workbench.syncClaim(&s).isEmpty)
        s.quitRequested = true
        s.selection = 0
        #expect(Workbench.syncClaim(&s).isEmpty)
    }
}
