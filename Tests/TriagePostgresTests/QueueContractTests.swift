import Foundation
import Testing
import TriageCore
import TriageFormats
@testable import TriagePostgres
import TriageSQLite
import TriageStore
import TriageTestSupport

/// The queue reads the same on both backends: the same cases, in the same order, page by page
/// in both directions, with the same counts, for every sort and filter the workbench offers.
@Suite(.serialized) struct QueueContractTests {
    /// The same 150 sample cases in a SQLite file and a PostgreSQL database.
    final class Pair {
        let pg: PostgresStore
        let lite: SQLiteStore
        let dir: String
        init() throws {
            let a = try PG.emptyDatabase()
            _ = try PostgresStore.initialize(a, password: PG.password)
            pg = try PostgresStore(address: a, password: PG.password)
            dir = NSTemporaryDirectory() + "triage-pg-queue-" + UUID().uuidString
            try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
            lite = try SQLiteStore(path: dir + "/t.sqlite", create: true)
            let records = (0..<150).map { SampleGenerator(seed: 5).record(at: $0) }
            let info = ImportBatchInfo(fileName: "f", format: "jsonl", startedAt: .now(), importedBy: "t")
            let feed: (any ImportSink) throws -> ImportFeedResult = { sink in
                for r in records { _ = try sink.write(PreparedCase(r, policy: r.policy ?? "gambling")) }
                return ImportFeedResult(commit: true, sha256: "")
            }
            _ = try pg.importBatch(info, feed)
            _ = try lite.importBatch(info, feed)
        }
        deinit {
            pg.close()
            try? FileManager.default.removeItem(atPath: dir)
        }
    }

    typealias Pages = (_ q: QueueQuery, _ after: QueueCursor?, _ limit: Int) throws -> [QueueRow]

    /// Every row of `query`, read forward in pages of `size`.
    func forward(_ page: Pages, _ q: QueueQuery, size: Int = 7) throws -> [QueueRow] {
        var all: [QueueRow] = [], cursor: QueueCursor?
        while true {
            let rows = try page(q, cursor, size)
            all += rows
            guard rows.count == size, let last = rows.last else { return all }
            cursor = last.cursor(for: q.sort)
        }
    }

    func backward(_ page: Pages, _ q: QueueQuery, size: Int = 7) throws -> [QueueRow] {
        var all: [QueueRow] = [], cursor: QueueCursor?
        while true {
            let rows = try page(q, cursor, size)
            all = rows + all
            guard rows.count == size, let first = rows.first else { return all }
            cursor = first.cursor(for: q.sort)
        }
    }

    static let queries: [QueueQuery] = {
        var out: [QueueQuery] = []
        for sort in QueueSort.allCases {
            out.append(QueueQuery(sort: sort))
            out.append(QueueQuery(policy: "gambling", sort: sort))
            out.append(QueueQuery(status: nil, minScore: 0.5, maxScore: 0.9, sort: sort))
            out.append(QueueQuery(country: "US", sort: sort))
            out.append(QueueQuery(sort: sort, search: "casino"))
            out.append(QueueQuery(sort: sort, search: "cas"))
            out.append(QueueQuery(sort: sort, search: "online gam"))
            out.append(QueueQuery(sort: sort, search: "\"*-"))
        }
        return out
    }()

    @Test func pagesCountsAndRowsAgreeWithSQLite() throws {
        let p = try Pair()
        var nonEmpty = 0
        for q in Self.queries {
            let want = try forward({ try p.lite.queuePage($0, after: $1, limit: $2) }, q)
            let got = try forward({ try p.pg.queuePage($0, after: $1, limit: $2) }, q)
            #expect(got == want, "forward \(q)")
            #expect(try backward({ try p.pg.queuePage($0, before: $1, limit: $2) }, q) == want, "backward \(q)")
            #expect(try p.pg.queueCount(q) == want.count, "count \(q)")
            if let mid = want.dropFirst(want.count / 2).first {
                #expect(try p.pg.queueRow(caseID: mid.caseID, matching: q) == mid)
            }
            if !want.isEmpty { nonEmpty += 1 }
        }
        // The comparison means something: most queries find cases.
        #expect(nonEmpty >= Self.queries.count / 2)
        #expect(try p.pg.queueRow(caseID: "no-such-case", matching: QueueQuery()) == nil)
    }

    @Test func caseDetailsAndStatsAgreeWithSQLite() throws {
        let p = try Pair()
        let ids = try forward({ try p.lite.queuePage($0, after: $1, limit: $2) }, QueueQuery(status: nil)).map(\.caseID)
        #expect(ids.count == 150)
        for id in ids {
            let want = try #require(try p.lite.caseDetail(caseID: id))
            let got = try #require(try p.pg.caseDetail(caseID: id))
            #expect(got.case == want.case, "\(id)")
            #expect(got.scores == want.scores && got.attributions == want.attributions, "\(id)")
            #expect(got.rationales == want.rationales && got.evidence == want.evidence, "\(id)")
            #expect(got.features.map { "\($0.name)=\($0.value)" } == want.features.map { "\($0.name)=\($0.value)" }, "\(id)")
            #expect(got.labels == want.labels, "\(id)")
        }
        #expect(try p.pg.caseDetail(caseID: "no-such-case") == nil)
        let (a, b) = (try p.pg.stats(), try p.lite.stats())
        #expect(a.cases == b.cases && a.labelEvents == b.labelEvents && a.imports == b.imports && a.unfinishedImports.isEmpty)
        #expect(a.cases.reduce(0) { $0 + $1.count } == 150)
    }
}
