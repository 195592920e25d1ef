import TriageCore
import TriageStore
@testable import TriageUI

/// An in-memory `CaseStore` with a correct keyset `queuePage`, for runtime tests. Counts every
/// query so tests can check that only visible windows are fetched.
final class FakeStore: CaseStore, @unchecked Sendable {
    let location = "memory"
    let rows: [QueueRow] // in queue order (score descending, then row id descending)
    var pageQueries = 0
    var rowsFetched = 0
    var detailQueries: [String] = []

    init(count: Int) {
        rows = (0..<count).map { i in
            Fixtures.row(Int64(i + 1), "Merchant \(i + 1)", score: 1 - Double(i) / Double(count * 2))
        }.sorted { ($0.score, $0.rowID) > ($1.score, $1.rowID) }
    }

    func queuePage(_ query: QueueQuery, after cursor: QueueCursor?, limit: Int) throws -> [QueueRow] {
        pageQueries += 1
        let start = cursor.map { c in rows.firstIndex { ($0.score, $0.rowID) < (c.key, c.rowID) } ?? rows.count } ?? 0
        let page = Array(rows[start..<min(rows.count, start + limit)])
        rowsFetched += page.count
        return page
    }

    func caseDetail(caseID: String) throws -> CaseDetail? {
        detailQueries.append(caseID)
        guard let r = rows.first(where: { $0.caseID == caseID }) else { return nil }
        let c = MerchantCase(caseID: r.caseID, policy: r.policy, flaggedAt: r.flaggedAt,
                             merchant: Merchant(name: r.merchantName), status: r.status)
        return CaseDetail(case: c, scores: [ModelScore(model: "m", version: "1", score: r.score, threshold: 0.8)],
                          attributions: [], rationales: [], evidence: [], features: [], labels: [])
    }

    func stats() throws -> StoreStats {
        StoreStats(cases: [PolicyStatusCount(policy: "gambling", status: .open, count: rows.count)],
                   labelEvents: 0, imports: 1, lastImport: nil)
    }

    func taxonomy() throws -> Taxonomy { .standard }
    func replaceTaxonomy(_ taxonomy: Taxonomy) throws {}
    func importBatch(_ info: ImportBatchInfo, _ feed: (any ImportSink) throws -> ImportFeedResult) throws -> ImportBatch {
        throw StoreError.storage("not in the fake")
    }
    func importBatches(limit: Int) throws -> [ImportBatch] { [] }
    func recordLabel(_ draft: LabelDraft) throws -> LabelEvent { throw StoreError.storage("not in the fake") }
    func labelEvents(caseID: String) throws -> [LabelEvent] { [] }
    func exportLabels(since: Timestamp?, _ row: (ExportRow) throws -> Void) throws -> Int { 0 }
    func exportColumns() throws -> ExportColumns { ExportColumns(scores: [], features: []) }
}
