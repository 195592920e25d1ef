import Foundation
import Testing
import TriageCore
import TriageFormats
@testable import TriagePostgres
import TriageSQLite
import TriageStore
import TriageTestSupport

/// Claims (leases) behave the same on both backends, and on PostgreSQL many sessions claiming at
/// once never get the same case.
@Suite(.serialized) struct ClaimContractTests {
    typealias Pair = QueueContractTests.Pair

    /// A reason code the standard taxonomy offers for `decision` in `policy`.
    static func reasons(_ decision: String, _ policy: String) -> [String] {
        let t = Taxonomy.standard
        return (t.globalReasons + (t.policies.first { $0.key == policy }?.reasons ?? []))
            .first { $0.decisions?.contains(decision) ?? true }.map { [$0.code] } ?? []
    }

    /// What a claim call answered, as text both backends can be compared on.
    func answer(_ body: () throws -> Any?) -> String {
        do {
            switch try body() {
            case let row as QueueRow: return "row \(row.caseID) \(row.assignee ?? "-")"
            case let s as String: return "holder \(s)"
            case let b as Bool: return "renewed \(b)"
            case nil: return "nil"
            case let other?: return "\(other)"
            }
        } catch let e as StoreError {
            switch e {
            case .caseNotFound: return "no case"
            case .refused: return "refused"
            default: return "error \(e)"
            }
        } catch { return "error \(error)" }
    }

    @Test func theSameClaimsGiveTheSameAnswers() throws {
        let p = try Pair()
        let top = try p.lite.queuePage(QueueQuery(), after: nil, limit: 3).map(\.caseID)
        let gambling = QueueQuery(policy: "gambling", sort: .age)
        func steps(_ s: any CaseStore) -> [String] {
            var out: [String] = []
            out.append(answer { try s.claimNext(QueueQuery(), analyst: "ann", lease: 60) })
            out.append(answer { try s.claimNext(QueueQuery(), analyst: "ann", lease: 60) })  // the same case again
            out.append(answer { try s.claimNext(QueueQuery(), analyst: "bob", lease: 60) })  // the next one
            out.append(answer { try s.claim(caseID: top[0], analyst: "bob", lease: 60) })    // held by ann
            out.append(answer { try s.claim(caseID: top[2], analyst: "bob", lease: 60) })
            out.append(answer { try s.renewLease(caseID: top[0], analyst: "ann", lease: 120) })
            out.append(answer { try s.renewLease(caseID: top[0], analyst: "bob", lease: 120) })
            out.append(answer { try s.claimNext(gambling, analyst: "cid", lease: 60) })
            out.append(answer { try s.releaseClaim(caseID: top[0], analyst: "bob") })       // not bob's: nothing
            out.append(answer { try s.queueRow(caseID: top[0], matching: QueueQuery()) })
            out.append(answer { try s.releaseClaim(caseID: top[0], analyst: "ann") })
            out.append(answer { try s.queueRow(caseID: top[0], matching: QueueQuery()) })
            out.append(answer { try s.claimNext(QueueQuery(), analyst: "dee", lease: 60) })  // top[0] is free again
            out.append(answer { try s.claim(caseID: "nope", analyst: "dee", lease: 60) })
            out.append(answer { try s.claim(caseID: top[1], analyst: "dee", lease: 0) })
            out.append(answer { try s.renewLease(caseID: "nope", analyst: "dee", lease: 60) })
            // A label ends the claim, and a labelled case is not claimed again.
            let policy = (try? s.caseDetail(caseID: top[1]))??.case.policy ?? "gambling"
            out.append(answer { try s.recordLabel(LabelDraft(caseID: top[1], decision: "no_violation",
                                                             reasonCodes: Self.reasons("no_violation", policy),
                                                             analyst: "postgres", osUser: "os", role: .analyst)).decision })
            out.append(answer { try s.renewLease(caseID: top[1], analyst: "bob", lease: 60) })
            out.append(answer { try s.claim(caseID: top[1], analyst: "bob", lease: 60) })
            out.append(answer { try s.queueCount(QueueQuery()) })
            return out
        }
        let pg = steps(p.pg), lite = steps(p.lite)
        #expect(pg == lite)
        #expect(lite[0] == "row \(top[0]) ann" && lite[1] == lite[0] && lite[2] == "row \(top[1]) bob")
        #expect(lite[3] == "holder ann" && lite[13] == "no case" && lite[14] == "refused")
    }

    /// Eight sessions, each with its own store (its own connections), claim until the queue is
    /// empty: every open case is handed out exactly once.
    @Test func eightSessionsNeverGetTheSameCase() throws {
        let p = try Pair()
        let open = try p.pg.queueCount(QueueQuery())
        #expect(open > 100)
        let stores = try (0..<8).map { _ in try PostgresStore(address: p.pg.address, password: PG.password, maxConnections: 1) }
        final class Tally: @unchecked Sendable {
            let lock = NSLock()
            var got: [String: [String]] = [:]
            var failures: [String] = []
        }
        let tally = Tally()
        DispatchQueue.concurrentPerform(iterations: 8) { i in
            let who = "s\(i)"
            while true {
                do {
                    guard let row = try stores[i].claimNext(QueueQuery(), analyst: who, lease: 600) else { return }
                    tally.lock.withLock { tally.got[row.caseID, default: []].append(who) }
                    // Labelling it ends the claim (a claim of one's own would come back first);
                    // had someone else been handed the same case, one of the two labels would fail.
                    try stores[i].recordLabel(LabelDraft(caseID: row.caseID, decision: "escalate",
                                                         reasonCodes: Self.reasons("escalate", row.policy),
                                                         analyst: who, osUser: "os", role: .analyst))
                } catch {
                    tally.lock.withLock { tally.failures.append("\(who): \(error)") }
                    return
                }
            }
        }
        for s in stores { s.close() }
        #expect(tally.failures.isEmpty)
        #expect(tally.got.count == open)
        #expect(tally.got.values.allSatisfy { $0.count == 1 })
        #expect(try p.pg.queueCount(QueueQuery()) == 0)
    }

    /// The database keeps leases honest for a person connecting on their own: they cannot take
    /// over someone's live lease, nor touch the case rows their claim locks.
    @Test func aPersonCannotStealALiveLeaseWithPsql() throws {
        let p = try Pair()
        let c = try PG.cluster
        for who in ["ann", "bob"] {
            _ = try p.pg.addPerson(who, role: .analyst, actor: "postgres")
        }
        let db = p.pg.address.database
        let ann = try PostgresStore(address: try PG.address(db, user: "ann"), password: nil)
        defer { ann.close() }
        let row = try #require(try ann.claimNext(QueueQuery(), analyst: "ann", lease: 600))
        #expect(row.assignee == "ann")
        // Through triage, bob is told who holds it.
        let bob = try PostgresStore(address: try PG.address(db, user: "bob"), password: nil)
        defer { bob.close() }
        #expect(try bob.claim(caseID: row.caseID, analyst: "bob", lease: 600) == "ann")
        // Through psql, bob can neither rewrite ann's lease nor insert one in his name over it.
        let steal = "UPDATE assignment SET analyst = 'bob' WHERE case_row = \(row.rowID)"
        let out = try? c.psql(steal + " RETURNING case_row", database: db, user: "bob")
        #expect(out?.trimmingCharacters(in: .whitespacesAndNewlines) ?? "" == "")
        #expect(throws: (any Error).self) { try c.psql("UPDATE cases SET updated_at = 0 WHERE id = \(row.rowID)", database: db, user: "bob") }
        _ = try c.psql("DELETE FROM assignment WHERE case_row = \(row.rowID)", database: db, user: "bob") // row-level security: no row
        #expect(try c.psql("SELECT analyst FROM assignment WHERE case_row = \(row.rowID)", database: db)
                    .trimmingCharacters(in: .whitespacesAndNewlines) == "ann")
        // Claiming as someone else through triage is refused by the database too.
        #expect(throws: StoreError.self) { try bob.claimNext(QueueQuery(), analyst: "ann", lease: 600) }
    }
}

