import Foundation
import Testing
import TriageCore
import TriageFormats
@testable import TriagePostgres
import TriageSQLite
import TriageStore
import TriageTestSupport

/// People are database users on PostgreSQL, the taxonomy and rationales behave as on SQLite, and
/// live refresh follows other sessions' commits through `LISTEN`/`NOTIFY`.
@Suite(.serialized) struct PeopleAndRefreshTests {
    typealias Pair = QueueContractTests.Pair

    func groups(_ user: String) throws -> String {
        try PG.cluster.psql("""
            SELECT string_agg(g.rolname, ',' ORDER BY g.rolname) FROM pg_auth_members m
            JOIN pg_roles u ON u.oid = m.member JOIN pg_roles g ON g.oid = m.roleid WHERE u.rolname = '\(user)'
            """).trimmingCharacters(in: .whitespacesAndNewlines)
    }

    @Test func addingAPersonMakesADatabaseUserInTheirRole() throws {
        let p = try Pair()
        let name = "pat_" + UUID().uuidString.prefix(6).lowercased()
        // The same answers as SQLite: the first lead by anyone, then only leads add people.
        for s in [p.pg as any CaseStore, p.lite as any CaseStore] {
            #expect(try s.addPerson("lead_" + name, role: .lead, actor: "postgres") == .added)
            #expect(try s.addPerson(name, role: .labeler, actor: "lead_" + name) == .added)
            #expect(try s.addPerson(name, role: .labeler, actor: "lead_" + name) == .unchanged)
            #expect(throws: StoreError.self) { try s.addPerson("x" + name, role: .analyst, actor: name) }
            #expect(throws: StoreError.self) { try s.addPerson(" spaced", role: .analyst, actor: "lead_" + name) }
            #expect(throws: StoreError.self) { try s.addPerson("lead_" + name, role: .analyst, actor: "lead_" + name) } // the only lead
        }
        #expect(try p.pg.people().map(\.name) == p.lite.people().map(\.name))
        #expect(try p.pg.people().map(\.role) == p.lite.people().map(\.role))
        #expect(try p.pg.role(of: name) == .labeler)
        #expect(try groups(name) == "triage_labeler")
        #expect(try p.pg.addPerson(name, role: .analyst, actor: "lead_" + name) == .changed(from: .labeler))
        #expect(try groups(name) == "triage_analyst")
        // The new user can connect and label as themselves, and only as themselves.
        let own = try PostgresStore(address: try PG.address(p.pg.address.database, user: name), password: nil)
        defer { own.close() }
        let row = try #require(try own.queuePage(QueueQuery(), after: nil, limit: 1).first)
        let reasons = ClaimContractTests.reasons("no_violation", row.policy)
        #expect(throws: StoreError.self) {
            try own.recordLabel(LabelDraft(caseID: row.caseID, decision: "no_violation", reasonCodes: reasons,
                                           analyst: "lead_" + name, osUser: "os", role: .analyst))
        }
        let event = try own.recordLabel(LabelDraft(caseID: row.caseID, decision: "no_violation", reasonCodes: reasons,
                                                   analyst: name, osUser: "os", role: .analyst))
        #expect(event.analyst == name)
        // An analyst may not add people: the app says so, and so would the server.
        #expect(throws: StoreError.self) { try own.addPerson("y" + name, role: .analyst, actor: name) }
    }

    @Test func taxonomyReplacementAndRationalesMatchSQLite() throws {
        let p = try Pair()
        var t = try p.lite.taxonomy()
        t.decisions[0].label = "Clearly fine"
        for s in [p.pg as any CaseStore, p.lite as any CaseStore] {
            try s.replaceTaxonomy(t, actor: "postgres")
            var dropping = t
            dropping.policies.removeAll { $0.key == "gambling" }
            #expect(throws: StoreError.self) { try s.replaceTaxonomy(dropping, actor: "postgres") }
        }
        #expect(try p.pg.taxonomy() == p.lite.taxonomy())
        #expect(try p.pg.taxonomy().decisions[0].label == "Clearly fine")

        let without = try p.lite.casesWithoutRationale(policy: nil, openOnly: true, limit: 500)
        #expect(try p.pg.casesWithoutRationale(policy: nil, openOnly: true, limit: 500) == without)
        #expect(try p.pg.casesWithoutRationale(policy: "gambling", openOnly: false, limit: 5)
                    == p.lite.casesWithoutRationale(policy: "gambling", openOnly: false, limit: 5))
        let target = try #require(try p.lite.queuePage(QueueQuery(), after: nil, limit: 1).first?.caseID)
        let word = "zyqxwordunique"
        let r = Rationale(model: "llm", promptVersion: "p1", text: "Sells \(word) chips", evidenceIDs: [],
                          createdAt: Timestamp(milliseconds: 1_700_000_000_000), origin: .generated,
                          generation: RationaleGeneration(latencyMs: 1200, promptTokens: 10, completionTokens: 5, requestedBy: "ann"))
        let a = try p.pg.addRationale(caseID: target, r), b = try p.lite.addRationale(caseID: target, r)
        #expect(a.text == b.text && a.createdAt == b.createdAt && a.id != nil)
        #expect(try p.pg.caseDetail(caseID: target)?.rationales.last == p.lite.caseDetail(caseID: target)?.rationales.last.map { x in
            var y = x; y.id = a.id; return y
        })
        // The rationale's words are searchable at once, on both.
        #expect(try p.pg.queuePage(QueueQuery(search: word), after: nil, limit: 5).map(\.caseID) == [target])
        #expect(try p.lite.queuePage(QueueQuery(search: word), after: nil, limit: 5).map(\.caseID) == [target])
        #expect(throws: StoreError.self) { try p.pg.addRationale(caseID: "nope", r) }
        // Feedback, and its export, as on SQLite.
        for (s, id) in [(p.pg as any CaseStore, a.id!), (p.lite as any CaseStore, b.id!)] {
            _ = try s.recordRationaleFeedback(RationaleFeedback(rationaleID: id, helpful: false, tags: [.tooVague], note: "no",
                                                                analyst: "postgres", osUser: "os",
                                                                createdAt: Timestamp(milliseconds: 1_700_000_000_500)))
            #expect(throws: StoreError.self) {
                try s.recordRationaleFeedback(RationaleFeedback(rationaleID: 999_999, helpful: true, tags: [], note: nil,
                                                                analyst: "postgres", osUser: "os", createdAt: .now()))
            }
        }
        var pgRows: [RationaleFeedbackRow] = [], liteRows: [RationaleFeedbackRow] = []
        #expect(try p.pg.exportRationaleFeedback(since: nil) { pgRows.append($0) } == 1)
        #expect(try p.lite.exportRationaleFeedback(since: nil) { liteRows.append($0) } == 1)
        #expect(pgRows.map(\.feedback.note) == liteRows.map(\.feedback.note))
        #expect(pgRows.map(\.caseID) == liteRows.map(\.caseID))
        #expect(pgRows.map(\.citations) == liteRows.map(\.citations))
        #expect(try p.pg.exportRationaleFeedback(since: Timestamp(milliseconds: 1_700_000_001_000)) { _ in } == 0)
    }

    /// Another session's commit moves the version on (delivered by NOTIFY); nothing else does.
    @Test func dataVersionFollowsOtherSessionsCommits() throws {
        let p = try Pair()
        let other = try PostgresStore(address: p.pg.address, password: PG.password)
        defer { other.close() }
        let v0 = try p.pg.dataVersion()
        Thread.sleep(forTimeInterval: 0.2)
        #expect(try p.pg.dataVersion() == v0)
        let row = try #require(try other.queuePage(QueueQuery(), after: nil, limit: 1).first)
        _ = try other.claim(caseID: row.caseID, analyst: "postgres", lease: 60)
        #expect(try waitForChange(p.pg, from: v0))
        let v1 = try p.pg.dataVersion()
        _ = try other.recordLabel(LabelDraft(caseID: row.caseID, decision: "escalate",
                                             reasonCodes: ClaimContractTests.reasons("escalate", row.policy),
                                             analyst: "postgres", osUser: "os", role: .analyst))
        #expect(try waitForChange(p.pg, from: v1))
    }

    /// A server restart: the version cannot be read while the server is down (a clear error,
    /// retried with backoff), then reads again, changed, and queries work again.
    @Test func aServerRestartIsReportedAndRecovered() throws {
        let (cluster, a) = try ownDatabase()
        defer { cluster.stop() }
        _ = try PostgresStore.initialize(a, password: PostgresCluster.superPassword)
        let s = try PostgresStore(address: a, password: PostgresCluster.superPassword)
        defer { s.close() }
        let v0 = try s.dataVersion()
        #expect(try s.queueCount(QueueQuery()) == 0)
        try cluster.restart(downFor: 0.5)
        // The old connections are gone; the first calls may fail while they are found dead.
        var recovered = false
        for _ in 0..<100 {
            if let v = try? s.dataVersion(), v != v0, (try? s.queueCount(QueueQuery())) == 0 { recovered = true; break }
            Thread.sleep(forTimeInterval: 0.1)
        }
        #expect(recovered)
        // While the server is down, the error says what is wrong.
        cluster.stop()
        var message = ""
        for _ in 0..<50 {
            do { _ = try s.queueCount(QueueQuery()) } catch { message = "\(error)"; break }
            Thread.sleep(forTimeInterval: 0.1)
        }
        #expect(message.contains("PostgreSQL"))
    }

    /// A crash of the server fails, within moments, both a query it was running and a query sent
    /// afterwards on the dead connection: nothing waits forever (PostgresNIO alone can leave the
    /// second kind hanging; ``PGConnection/wait(_:)`` watches the connection).
    @Test func aCrashFailsQueriesInsteadOfHangingThem() throws {
        let (cluster, a) = try ownDatabase()
        defer { cluster.stop() }
        let running = try PGConnection.connect(a, password: PostgresCluster.superPassword)
        let idle = try PGConnection.connect(a, password: PostgresCluster.superPassword)
        defer { running.close(); idle.close() }
        #expect(try idle.query("SELECT 1").count == 1)
        /// Runs `sql` on `c` in the background; the error it ended with, or nil if it is still waiting after 10 s.
        func outcome(_ c: PGConnection, _ sql: String, while work: () throws -> Void) rethrows -> String? {
            let done = DispatchSemaphore(value: 0)
            nonisolated(unsafe) var result = ""
            DispatchQueue.global().async {
                do { _ = try c.query(sql); result = "succeeded" } catch { result = "\(error)" }
                done.signal()
            }
            try work()
            return done.wait(timeout: .now() + 10) == .success ? result : nil
        }
        let inFlight = try outcome(running, "SELECT pg_sleep(30)") {
            Thread.sleep(forTimeInterval: 0.3)
            try cluster.restart(downFor: 0)
        }
        #expect(inFlight?.contains("PostgreSQL") == true, "\(String(describing: inFlight))")
        let afterwards = outcome(idle, "SELECT 1") {}
        #expect(afterwards?.contains("PostgreSQL") == true, "\(String(describing: afterwards))")
    }

    /// A streaming replica ("Beyond one server" in the README): stats, pages, the dashboard and
    /// exports read there as on the primary; a claim or a label is refused in one line that says
    /// the server is a replica, and nothing is written.
    @Test func aReplicaServesReadsAndRefusesWritesInOneLine() throws {
        let (primary, a) = try ownDatabase()
        defer { primary.stop() }
        let name = a.database
        _ = try PostgresStore.initialize(a, password: PostgresCluster.superPassword)
        let s = try PostgresStore(address: a, password: PostgresCluster.superPassword)
        defer { s.close() }
        let records = (0..<40).map { SampleGenerator(seed: 5).record(at: $0) }
        _ = try s.importBatch(ImportBatchInfo(fileName: "f", format: "jsonl", startedAt: .now(), importedBy: "postgres")) { sink in
            for r in records { _ = try sink.write(PreparedCase(r, policy: r.policy ?? "gambling")) }
            return ImportFeedResult(commit: true, sha256: "")
        }
        let first = try #require(try s.queuePage(QueueQuery(), after: nil, limit: 1).first)
        _ = try s.claim(caseID: first.caseID, analyst: "postgres", lease: 60)
        _ = try s.recordLabel(LabelDraft(caseID: first.caseID, decision: "escalate",
                                         reasonCodes: ClaimContractTests.reasons("escalate", first.policy),
                                         analyst: "postgres", osUser: "os", role: .analyst))

        let replica = try PostgresCluster(replicaOf: primary)
        defer { replica.stop() }
        #expect(try replica.psql("SELECT pg_is_in_recovery()").trimmingCharacters(in: .whitespacesAndNewlines) == "t")
        let r = try address(replica, name)
        let reader = try PostgresStore(address: r, password: PostgresCluster.superPassword)
        defer { reader.close() }
        #expect(try reader.stats().totalCases == 40)
        #expect(try reader.queuePage(QueueQuery(), after: nil, limit: 50).map(\.caseID) == s.queuePage(QueueQuery(), after: nil, limit: 50).map(\.caseID))
        #expect(try reader.dashboardFigures(now: .now()).queue.backlog == s.dashboardFigures(now: .now()).queue.backlog)
        var exported: [String] = []
        #expect(try CaseExporter(store: reader).export(format: .jsonl, since: nil) { exported.append(String(decoding: $0, as: UTF8.self)) } == 1)

        let next = try #require(try reader.queuePage(QueueQuery(), after: nil, limit: 1).first)
        for attempt in [{ _ = try reader.claim(caseID: next.caseID, analyst: "postgres", lease: 60) },
                        { _ = try reader.recordLabel(LabelDraft(caseID: next.caseID, decision: "no_violation", reasonCodes: [],
                                                                analyst: "postgres", osUser: "os", role: .analyst)) }] {
            do {
                try attempt()
                Issue.record("a write on a replica succeeded")
            } catch StoreError.unavailable(let message) {
                #expect(message.contains("is a read-only replica") && message.contains("need the primary"), "\(message)")
            }
        }
        #expect(try primary.psql("SELECT count(*) || ' ' || (SELECT count(*) FROM assignment) FROM label_event", database: name)
            .trimmingCharacters(in: .whitespacesAndNewlines) == "1 0")
    }

    /// A cluster of the test's own (to restart or crash it) with an empty database in it.
    func ownDatabase() throws -> (PostgresCluster, PostgresAddress) {
        let cluster = try PostgresCluster()
        do {
            return (cluster, try address(cluster, try cluster.createDatabase()))
        } catch {
            cluster.stop()
            throw error
        }
    }

    /// The superuser's TCP address of `database` in `cluster`.
    func address(_ cluster: PostgresCluster, _ database: String) throws -> PostgresAddress {
        guard case .postgres(let a) = try DatabaseLocation.parse(cluster.url(database: database), osUser: "nobody") else {
            throw NotAPostgresAddress(url: cluster.url(database: database))
        }
        return a
    }

    func waitForChange(_ s: PostgresStore, from v: Int64) throws -> Bool {
        for _ in 0..<100 {
            if try s.dataVersion() != v { return true }
            Thread.sleep(forTimeInterval: 0.02)
        }
        return false
    }
}

struct NotAPostgresAddress: Error { var url: String }
