import Foundation
import GRDB
import Testing
import TriageCore
import TriageFormats
@testable import TriageSQLite
import TriageStore

/// Claims with leases: one case per analyst at a time, never the same case to two people while a
/// lease runs, across store instances (as across processes) on one file.
@Suite struct ClaimTests {
    /// `n` gambling cases; c_n has the highest score, so the score queue runs c_n, c_(n-1)… c_1.
    func loaded(_ n: Int = 3) throws -> TempDB {
        let t = try TempDB()
        let lines = (1...n).map { Fixture.line(Fixture.record("c_\($0)", score: 0.5 + Double($0) / Double(2 * n + 2))) }
        _ = try t.importFile(t.file("cases.jsonl", lines))
        return t
    }

    func assignment(_ t: TempDB, _ caseID: String) throws -> Row? {
        try DatabaseQueue(path: t.path).read { db in
            try Row.fetchOne(db, sql: """
                SELECT a.analyst, a.claimed_at, a.lease_until FROM assignment a JOIN cases c ON c.id = a.case_row
                WHERE c.case_id = ?
                """, arguments: [caseID])
        }
    }

    let t0 = Timestamp(milliseconds: 1_800_000_000_000)
    func at(_ seconds: Double) -> Timestamp { Timestamp(milliseconds: t0.milliseconds + Int64(seconds * 1000)) }

    @Test func twoStoresOnOneFileClaimDisjointCases() throws {
        let t = try loaded(6)
        let other = try SQLiteStore(path: t.path, create: false)
        var got: [String] = []
        for i in 0..<3 {
            got.append(try #require(try t.store.claimNext(QueueQuery(), analyst: "ana\(i)", lease: 900)).caseID)
            got.append(try #require(try other.claimNext(QueueQuery(), analyst: "bob\(i)", lease: 900)).caseID)
        }
        // In queue order, each to one person.
        #expect(got == ["c_6", "c_5", "c_4", "c_3", "c_2", "c_1"])
        #expect(try t.store.claimNext(QueueQuery(), analyst: "carol", lease: 900) == nil)
        #expect(try other.claimNext(QueueQuery(), analyst: "carol", lease: 900) == nil)
        // The queue shows who holds what.
        let rows = try t.store.queuePage(QueueQuery(), after: nil, limit: 10)
        #expect(rows.map(\.assignee) == ["ana0", "bob0", "ana1", "bob1", "ana2", "bob2"])
    }

    @Test func theClaimHonoursTheQueryFiltersAndOrder() throws {
        let t = try TempDB()
        _ = try t.importFile(t.file("c.jsonl", [
            Fixture.line(Fixture.record("g_hi", score: 0.9)),
            Fixture.line(Fixture.record("w_lo", policy: "weapons", score: 0.6)),
            Fixture.line(Fixture.record("w_hi", policy: "weapons", score: 0.95)),
        ]))
        let claimed = try #require(try t.store.claimNext(QueueQuery(policy: "weapons", sort: .uncertainty), analyst: "ana", lease: 60))
        #expect(claimed.caseID == "w_lo")
        #expect(claimed.assignee == "ana")
        // Another policy's queue is another queue; `status` in the query does not widen a claim.
        #expect(try t.store.claimNext(QueueQuery(policy: "gambling", status: nil), analyst: "bob", lease: 60)?.caseID == "g_hi")
        #expect(throws: StoreError.self) { try t.store.claimNext(QueueQuery(), analyst: "x", lease: 0) }
    }

    @Test func anOwnLiveLeaseComesBackFirst() throws {
        let t = try loaded()
        let first = try #require(try t.store.claimNext(QueueQuery(), analyst: "ana", lease: 60, now: t0))
        #expect(first.caseID == "c_3")
        #expect(try t.store.claimNext(QueueQuery(), analyst: "bob", lease: 60, now: at(1))?.caseID == "c_2")
        // A restarted session (a new store instance, as a new process) gets its case back, with
        // the lease extended and the claim time kept.
        let restarted = try SQLiteStore(path: t.path, create: false)
        #expect(try restarted.claimNext(QueueQuery(), analyst: "ana", lease: 60, now: at(30))?.caseID == "c_3")
        let a = try #require(try assignment(t, "c_3"))
        #expect(a["analyst"] as String == "ana")
        #expect(a["claimed_at"] as Int64 == t0.milliseconds)
        #expect(a["lease_until"] as Int64 == at(90).milliseconds)
        // Even in another order, the held case comes first.
        #expect(try restarted.claimNext(QueueQuery(sort: .age), analyst: "ana", lease: 60, now: at(31))?.caseID == "c_3")
    }

    @Test func expiredLeasesAreFreeAgain() throws {
        let t = try loaded()
        #expect(try t.store.claimNext(QueueQuery(), analyst: "ana", lease: 60, now: t0)?.caseID == "c_3")
        #expect(try t.store.claimNext(QueueQuery(), analyst: "bob", lease: 60, now: at(30))?.caseID == "c_2")
        // At t0+60 s Ana's lease has run out: her case is the top free one again.
        #expect(try t.store.claimNext(QueueQuery(), analyst: "carol", lease: 60, now: at(60))?.caseID == "c_3")
        #expect(try assignment(t, "c_3")?["claimed_at"] as Int64? == at(60).milliseconds)
        // Ana lost it: no renewing it, and her next claim is another case.
        #expect(try t.store.renewLease(caseID: "c_3", analyst: "ana", lease: 60, now: at(61)) == false)
        #expect(try t.store.claimNext(QueueQuery(), analyst: "ana", lease: 60, now: at(61))?.caseID == "c_1")
        // Bob renews in time and keeps his.
        #expect(try t.store.renewLease(caseID: "c_2", analyst: "bob", lease: 60, now: at(80)) == true)
        #expect(try t.store.claimNext(QueueQuery(), analyst: "dan", lease: 60, now: at(100)) == nil)
        // A lapsed lease that nobody took can still be renewed by its holder.
        #expect(try t.store.renewLease(caseID: "c_1", analyst: "ana", lease: 60, now: at(500)) == true)
        #expect(throws: StoreError.caseNotFound("nope")) { try t.store.renewLease(caseID: "nope", analyst: "ana", lease: 60) }
    }

    @Test func expiryWorksOnTheRealClock() throws {
        let t = try loaded(1)
        // A lease long enough that a busy machine (CI runs the suites in parallel on 2 cores) cannot
        // let it lapse between the first two calls; a 50 ms one once did.
        #expect(try t.store.claimNext(QueueQuery(), analyst: "ana", lease: 2)?.caseID == "c_1")
        #expect(try t.store.claimNext(QueueQuery(), analyst: "bob", lease: 60) == nil)
        usleep(2_200_000)
        #expect(try t.store.claimNext(QueueQuery(), analyst: "bob", lease: 60)?.caseID == "c_1")
    }

    @Test func aReleasedCaseGoesBackToTheQueue() throws {
        let t = try loaded()
        #expect(try t.store.claimNext(QueueQuery(), analyst: "ana", lease: 60)?.caseID == "c_3")
        try t.store.releaseClaim(caseID: "c_3", analyst: "bob") // not Bob's: nothing happens
        #expect(try t.store.claimNext(QueueQuery(), analyst: "bob", lease: 60)?.caseID == "c_2")
        try t.store.releaseClaim(caseID: "c_3", analyst: "ana")
        #expect(try assignment(t, "c_3") == nil)
        #expect(try t.store.renewLease(caseID: "c_3", analyst: "ana", lease: 60) == false)
        #expect(try t.store.claimNext(QueueQuery(), analyst: "carol", lease: 60)?.caseID == "c_3")
        #expect(throws: StoreError.caseNotFound("nope")) { try t.store.releaseClaim(caseID: "nope", analyst: "ana") }
    }

    @Test func decidedCasesAreNeverClaimed() throws {
        let t = try loaded()
        #expect(try t.store.claimNext(QueueQuery(), analyst: "ana", lease: 60)?.caseID == "c_3")
        // Labelling ends the claim, so Ana's next claim is a new case.
        try t.store.recordLabel(draft("c_3", "violation", analyst: "ana"))
        #expect(try assignment(t, "c_3") == nil)
        #expect(try t.store.renewLease(caseID: "c_3", analyst: "ana", lease: 60) == false)
        try t.store.recordLabel(draft("c_2", "escalate", analyst: "bob"))
        #expect(try t.store.claimNext(QueueQuery(), analyst: "ana", lease: 60)?.caseID == "c_1")
        #expect(try t.store.claimNext(QueueQuery(), analyst: "bob", lease: 60) == nil)
        // An undo reopens a case: claimable again.
        let current = try #require(try t.store.caseDetail(caseID: "c_3")?.currentLabel?.id)
        try t.store.recordLabel(draft("c_3", nil, kind: .undo, analyst: "ana", supersedes: current))
        #expect(try t.store.claimNext(QueueQuery(), analyst: "bob", lease: 60)?.caseID == "c_3")
    }

    /// Several threads, each with its own store (its own connections, as separate processes
    /// would have), claim until the queue is exhausted: every case is handed out exactly once
    /// and the busy timeout absorbs the contention (no error).
    @Test func concurrentClaimersNeverShareACase() throws {
        let n = 200, workers = 4
        let t = try loaded(n)
        let results = Results()
        let group = DispatchGroup()
        for w in 0..<workers {
            let store = try SQLiteStore(path: t.path, create: false)
            group.enter()
            let thread = Thread {
                defer { group.leave() }
                do {
                    var k = 0
                    while true {
                        // Even workers label what they claim; odd ones claim under a new name each
                        // time and leave the lease running.
                        let analyst = w % 2 == 0 ? "w\(w)" : "w\(w)-\(k)"
                        guard let row = try store.claimNext(QueueQuery(), analyst: analyst, lease: 900) else { break }
                        results.add(row.caseID)
                        if w % 2 == 0 { try store.recordLabel(draft(row.caseID, "no_violation", analyst: analyst)) }
                        k += 1
                    }
                } catch {
                    results.fail("\(error)")
                }
            }
            thread.start()
        }
        group.wait()
        #expect(results.errors.isEmpty, "\(results.errors)")
        #expect(results.claimed.count == n)
        #expect(Set(results.claimed).count == n)
        #expect(Set(results.claimed) == Set((1...n).map { "c_\($0)" }))
    }

    @Test func claimingOneCaseTakesItOnlyWhenFreeOrLapsed() throws {
        let t = try loaded(3)
        let other = try SQLiteStore(path: t.path, create: false)
        #expect(try t.store.claim(caseID: "c_2", analyst: "ana", lease: 60, now: t0) == "ana")
        // Someone else is told who holds it; nothing changes.
        #expect(try other.claim(caseID: "c_2", analyst: "bob", lease: 60, now: at(10)) == "ana")
        #expect(try assignment(t, "c_2")?["analyst"] == "ana")
        // Claiming again extends the holder's own lease, keeping when it began.
        #expect(try t.store.claim(caseID: "c_2", analyst: "ana", lease: 60, now: at(30)) == "ana")
        let row = try #require(try assignment(t, "c_2"))
        #expect(row["claimed_at"] == t0.milliseconds && row["lease_until"] == at(90).milliseconds)
        // claimNext skips it; once the lease lapses it is anyone's.
        #expect(try other.claimNext(QueueQuery(), analyst: "bob", lease: 60, now: at(31))?.caseID == "c_3")
        #expect(try other.claim(caseID: "c_2", analyst: "bob", lease: 60, now: at(90)) == "bob")
        #expect(try t.store.claim(caseID: "c_2", analyst: "ana", lease: 60, now: at(91)) == "bob")
        // A labelled case cannot be claimed; an unknown one is an error; a lease must be positive.
        try other.recordLabel(LabelDraft(caseID: "c_1", decision: "violation", analyst: "bob", osUser: "bob"))
        #expect(try t.store.claim(caseID: "c_1", analyst: "ana", lease: 60, now: at(92)) == nil)
        #expect(try assignment(t, "c_1") == nil)
        #expect(throws: StoreError.self) { try t.store.claim(caseID: "nope", analyst: "ana", lease: 60) }
        #expect(throws: StoreError.self) { try t.store.claim(caseID: "c_3", analyst: "ana", lease: 0) }
    }
}

/// What the claiming threads report, under a lock.
private final class Results: @unchecked Sendable {
    private let lock = NSLock()
    private(set) var claimed: [String] = []
    private(set) var errors: [String] = []
    func add(_ id: String) { lock.withLock { claimed.append(id) } }
    func fail(_ e: String) { lock.withLock { errors.append(e) } }
}
