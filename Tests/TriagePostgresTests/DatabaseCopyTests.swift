import Foundation
import Testing
import TriageCore
import TriageFormats
@testable import TriagePostgres
@testable import TriageSQLite
import TriageStore
import TriageTestSupport

/// `triage db copy`: a team's data moves SQLite → PostgreSQL → SQLite with every table's rows
/// and checksums unchanged, the destinations answer as the source does, and a copy that differs
/// is caught before anyone is told it is done.
@Suite(.serialized) struct DatabaseCopyTests {
    /// A SQLite team database: 150 sample cases, people, a changed taxonomy, queue labels with an
    /// undo and a correction, a blind project with two labelers, and rationale feedback.
    func teamDatabase(_ dir: String) throws -> SQLiteStore {
        let s = try SQLiteStore(path: dir + "/source.sqlite", create: true)
        let records = (0..<150).map { SampleGenerator(seed: 9).record(at: $0) }
        _ = try s.importBatch(ImportBatchInfo(fileName: "cases.jsonl", format: "jsonl", startedAt: .now(), importedBy: "ada")) { sink in
            for r in records { _ = try sink.write(PreparedCase(r, policy: r.policy ?? "gambling")) }
            return ImportFeedResult(commit: true, sha256: "abc")
        }
        try s.addPerson("lee", role: .lead, actor: "lee")
        try s.addPerson("lou", role: .labeler, actor: "lee")
        try s.addPerson("liz", role: .labeler, actor: "lee")
        try s.addPerson("ann", role: .analyst, actor: "lee")
        var t = try s.taxonomy()
        t.decisions[0].label = "Fine after all"
        try s.replaceTaxonomy(t, actor: "lee")
        let rows = try s.queuePage(QueueQuery(), after: nil, limit: 40)
        for (i, row) in rows.enumerated() {
            let decision = ["violation", "no_violation", "escalate"][i % 3]
            let e = try s.recordLabel(LabelDraft(caseID: row.caseID, decision: decision,
                                                 reasonCodes: ClaimContractTests.reasons(decision, row.policy),
                                                 analyst: i % 2 == 0 ? "ann" : "lee", osUser: "os", role: i % 2 == 0 ? .analyst : .lead,
                                                 dwellMs: Int64(1000 + i), modelVersionsSeen: ["m@1"]))
            if i % 5 == 0 {
                _ = try s.recordLabel(LabelDraft(caseID: row.caseID, kind: .undo, decision: nil, analyst: "ann", osUser: "os",
                                                 supersedes: e.id))
                if i % 10 == 0 { // labelled again after the undo
                    _ = try s.recordLabel(LabelDraft(caseID: row.caseID, decision: "violation",
                                                     reasonCodes: ClaimContractTests.reasons("violation", row.policy),
                                                     analyst: "ann", osUser: "os"))
                }
            }
        }
        _ = try s.createProject(ProjectDraft(settings: Project(name: "blind-1", policy: "gambling", overlap: 2, blind: true, goldRate: 0,
                                                               queuePolicy: .score, createdBy: "lee", createdAt: .now())), actor: "lee")
        for who in ["lou", "liz"] {
            for _ in 0..<6 {
                guard let id = try s.claimNext(inProject: "blind-1", labeler: who, lease: 60, skipping: []) else { break }
                _ = try s.recordLabel(LabelDraft(caseID: id, decision: who == "lou" ? "violation" : "no_violation",
                                                 analyst: who, osUser: "os", role: .labeler, blind: true, project: "blind-1"))
            }
        }
        let detail = try #require(try s.caseDetail(caseID: rows[0].caseID))
        if let r = detail.rationales.first?.id {
            _ = try s.recordRationaleFeedback(RationaleFeedback(rationaleID: r, helpful: false, tags: [.tooVague], note: "thin",
                                                                analyst: "ann", osUser: "os", createdAt: .now()))
        }
        return s
    }

    @Test func aTeamMovesToPostgresAndBackUnchanged() throws {
        let dir = NSTemporaryDirectory() + "triage-copy-" + UUID().uuidString
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let source = try teamDatabase(dir)
        let a = try PG.emptyDatabase()
        _ = try PostgresStore.initialize(a, password: PG.password)
        let pg = try PostgresStore(address: a, password: PG.password)
        defer { pg.close() }
        var copier = DatabaseCopier(source: source, destination: pg)
        copier.pageSize = 37 // many pages, and keyset paging on composite text keys
        let there = try copier.run()
        #expect(there.first { $0.table == "label_event" }?.rows ?? 0 > 40)
        #expect(there.first { $0.table == "project_case" }?.rows ?? 0 > 0)

        let back = try SQLiteStore(path: dir + "/back.sqlite", create: true)
        var returning = DatabaseCopier(source: pg, destination: back)
        returning.pageSize = 50
        let home = try returning.run()
        // Every table's rows and checksum are the same after the round trip.
        #expect(home == there)

        // The copies answer as the source does: queue, case details, people, projects, dashboard.
        for q in [QueueQuery(), QueueQuery(status: nil, sort: .age), QueueQuery(status: .decided), QueueQuery(status: nil, search: "casino")] {
            let want = try source.queuePage(q, after: nil, limit: 200).map(\.caseID)
            #expect(try pg.queuePage(q, after: nil, limit: 200).map(\.caseID) == want)
            #expect(try back.queuePage(q, after: nil, limit: 200).map(\.caseID) == want)
        }
        for row in try source.queuePage(QueueQuery(status: nil), after: nil, limit: 60) {
            let want = try #require(try source.caseDetail(caseID: row.caseID))
            for got in [try pg.caseDetail(caseID: row.caseID), try back.caseDetail(caseID: row.caseID)] {
                let got = try #require(got)
                #expect(got.case == want.case && got.scores == want.scores && got.attributions == want.attributions)
                #expect(got.rationales == want.rationales && got.evidence == want.evidence && got.labels == want.labels)
                #expect(got.features.map { "\($0.name)=\($0.value)" } == want.features.map { "\($0.name)=\($0.value)" })
            }
        }
        #expect(try pg.people() == source.people())
        #expect(try pg.taxonomy() == source.taxonomy())
        let now = Timestamp.now()
        #expect(try back.dashboardFigures(now: now) == source.dashboardFigures(now: now))
        #expect(try back.projects() == source.projects())
        #expect(try back.labelQuality() == source.labelQuality())
        // New rows in the copy continue after the copied ids.
        let open = try #require(try pg.queuePage(QueueQuery(), after: nil, limit: 1).first)
        let e = try pg.recordLabel(LabelDraft(caseID: open.caseID, decision: "escalate",
                                              reasonCodes: ClaimContractTests.reasons("escalate", open.policy),
                                              analyst: "postgres", osUser: "os"))
        #expect(e.id ?? 0 > Int64(there.first { $0.table == "label_event" }?.rows ?? 0))
    }

    @Test func aCopyIntoADatabaseWithDataIsRefused() throws {
        let dir = NSTemporaryDirectory() + "triage-copy-" + UUID().uuidString
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let source = try teamDatabase(dir)
        try FileManager.default.createDirectory(atPath: dir + "/other", withIntermediateDirectories: true)
        let other = try teamDatabase(dir + "/other") // any database with cases
        #expect(throws: StoreError.self) { try DatabaseCopier(source: source, destination: other).run() }
    }

    /// A destination that loses one value is caught by the verification.
    @Test func aCopyThatDiffersIsNotCalledDone() throws {
        let dir = NSTemporaryDirectory() + "triage-copy-" + UUID().uuidString
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let source = try teamDatabase(dir)
        let a = try PG.emptyDatabase()
        _ = try PostgresStore.initialize(a, password: PG.password)
        let pg = try PostgresStore(address: a, password: PG.password)
        defer { pg.close() }
        let lossy = Lossy(pg)
        do {
            _ = try DatabaseCopier(source: source, destination: lossy).run()
            Issue.record("a differing copy was called done")
        } catch let e as StoreError {
            #expect(e.description.contains("evidence"))
        }
    }

    /// Drops the text of the first evidence row it writes.
    final class Lossy: CopyEndpoint {
        let inner: any CopyEndpoint
        var dropped = false
        init(_ inner: any CopyEndpoint) { self.inner = inner }
        func copyCount(_ t: CopyTable) throws -> Int { try inner.copyCount(t) }
        func copyRows(_ t: CopyTable, after: [CopyValue]?, limit: Int) throws -> [[CopyValue]] { try inner.copyRows(t, after: after, limit: limit) }
        func copyPrepare() throws { try inner.copyPrepare() }
        func copyWrite(_ t: CopyTable, _ rows: [[CopyValue]]) throws {
            var rows = rows
            if t.name == "evidence", !dropped, !rows.isEmpty {
                rows[0][t.columnNames.firstIndex(of: "text")!] = .null
                dropped = true
            }
            try inner.copyWrite(t, rows)
        }
        func copySettle(_ t: CopyTable, _ rows: [[CopyValue]]) throws { try inner.copySettle(t, rows) }
        func copyFinish() throws { try inner.copyFinish() }
    }
}
