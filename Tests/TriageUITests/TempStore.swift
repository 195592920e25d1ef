import Foundation
import TriageCore
import TriageFormats
import TriageSQLite
import TriageStore
@testable import TriageUI

/// A real `SQLiteStore` on a fresh file in a temporary directory, holding sample cases; the
/// directory is removed when the value goes away.
final class TempStore {
    let dir: String
    let path: String
    let store: SQLiteStore

    /// A store with the first `count` cases of the sample generator (seed 7): realistic records of
    /// every policy, all open.
    init(cases count: Int) throws {
        dir = NSTemporaryDirectory() + "triage-ui-test-" + UUID().uuidString
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        path = dir + "/cases.sqlite"
        store = try SQLiteStore(path: path, create: true)
        try Self.add((0..<count).map { Self.generator.record(at: $0) }, to: store)
    }

    deinit { try? FileManager.default.removeItem(atPath: dir) }

    static let generator = SampleGenerator(seed: 7)

    /// Writes `records` through the store's import API, as one import.
    static func add(_ records: [CaseRecord], to store: any CaseStore) throws {
        let info = ImportBatchInfo(fileName: "sample", format: "jsonl", startedAt: .now(), importedBy: "tester")
        _ = try store.importBatch(info) { sink in
            for r in records { _ = try sink.write(PreparedCase(r, policy: r.policy ?? "gambling")) }
            return ImportFeedResult(commit: true, sha256: "")
        }
    }

    /// The whole queue in order, read forward through the store: what the workbench should show.
    func queue(_ query: QueueQuery = QueueQuery()) throws -> [QueueRow] {
        var all: [QueueRow] = []
        while true {
            let page = try store.queuePage(query, after: all.last?.cursor(for: query.sort), limit: 500)
            all += page
            if page.count < 500 { return all }
        }
    }

    /// Another store on the same file: as far as SQLite can tell, another process.
    func otherProcess() throws -> SQLiteStore { try SQLiteStore(path: path, create: false) }
}

/// The real store, with every queue read counted on the way through: for tests that check how
/// much the workbench reads. Nothing is faked; every call reaches the SQLite file.
class CountingStore: CaseStore, @unchecked Sendable {
    let base: SQLiteStore
    var pageQueries = 0
    var rowsFetched = 0

    init(_ base: SQLiteStore) { self.base = base }

    var location: String { base.location }
    func queuePage(_ query: QueueQuery, after cursor: QueueCursor?, limit: Int) throws -> [QueueRow] {
        let rows = try base.queuePage(query, after: cursor, limit: limit)
        pageQueries += 1
        rowsFetched += rows.count
        return rows
    }
    func queuePage(_ query: QueueQuery, before cursor: QueueCursor?, limit: Int) throws -> [QueueRow] {
        let rows = try base.queuePage(query, before: cursor, limit: limit)
        pageQueries += 1
        rowsFetched += rows.count
        return rows
    }
    func queueCount(_ query: QueueQuery) throws -> Int { try base.queueCount(query) }
    func analystCounts(analyst: String, since: Timestamp) throws -> AnalystCounts {
        try base.analystCounts(analyst: analyst, since: since)
    }
    func queueRow(caseID: String, matching query: QueueQuery) throws -> QueueRow? {
        try base.queueRow(caseID: caseID, matching: query)
    }
    func dataVersion() throws -> Int64 { try base.dataVersion() }
    func caseDetail(caseID: String) throws -> CaseDetail? { try base.caseDetail(caseID: caseID) }
    func stats() throws -> StoreStats { try base.stats() }
    func taxonomy() throws -> Taxonomy { try base.taxonomy() }
    func replaceTaxonomy(_ taxonomy: Taxonomy, actor: String) throws { try base.replaceTaxonomy(taxonomy, actor: actor) }
    func importBatch(_ info: ImportBatchInfo, _ feed: (any ImportSink) throws -> ImportFeedResult) throws -> ImportBatch {
        try base.importBatch(info, feed)
    }
    func importBatches(limit: Int) throws -> [ImportBatch] { try base.importBatches(limit: limit) }
    func recordLabel(_ draft: LabelDraft) throws -> LabelEvent { try base.recordLabel(draft) }
    func labelEvents(caseID: String) throws -> [LabelEvent] { try base.labelEvents(caseID: caseID) }
    func exportLabels(since: Timestamp?, _ row: (ExportRow) throws -> Void) throws -> Int {
        try base.exportLabels(since: since, row)
    }
    func exportColumns() throws -> ExportColumns { try base.exportColumns() }
    func addRationale(caseID: String, _ rationale: Rationale) throws -> Rationale { try base.addRationale(caseID: caseID, rationale) }
    func casesWithoutRationale(policy: String?, openOnly: Bool, limit: Int) throws -> [String] {
        try base.casesWithoutRationale(policy: policy, openOnly: openOnly, limit: limit)
    }
    func recordRationaleFeedback(_ feedback: RationaleFeedback) throws -> RationaleFeedback { try base.recordRationaleFeedback(feedback) }
    func exportRationaleFeedback(since: Timestamp?, _ row: (RationaleFeedbackRow) throws -> Void) throws -> Int {
        try base.exportRationaleFeedback(since: since, row)
    }
    func exportProjectLabels(_ project: String, since: Timestamp?, _ row: (ExportRow) throws -> Void) throws -> Int {
        try base.exportProjectLabels(project, since: since, row)
    }
    func claimNext(_ query: QueueQuery, analyst: String, lease: TimeInterval) throws -> QueueRow? {
        try base.claimNext(query, analyst: analyst, lease: lease)
    }
    func claim(caseID: String, analyst: String, lease: TimeInterval) throws -> String? {
        try base.claim(caseID: caseID, analyst: analyst, lease: lease)
    }
    func renewLease(caseID: String, analyst: String, lease: TimeInterval) throws -> Bool {
        try base.renewLease(caseID: caseID, analyst: analyst, lease: lease)
    }
    func releaseClaim(caseID: String, analyst: String) throws { try base.releaseClaim(caseID: caseID, analyst: analyst) }
    func people() throws -> [Person] { try base.people() }
    func caseAudit(caseID: String) throws -> CaseAudit? { try base.caseAudit(caseID: caseID) }
    func dashboard(now: Timestamp) throws -> Dashboard { try base.dashboard(now: now) }
    func dashboardFigures(now: Timestamp) throws -> Dashboard { try base.dashboardFigures(now: now) }
    func labelQuality() throws -> LabelQuality { try base.labelQuality() }
    func role(of name: String) throws -> Role? { try base.role(of: name) }
    func addPerson(_ name: String, role: Role, actor: String) throws -> PersonChange {
        try base.addPerson(name, role: role, actor: actor)
    }
    func createProject(_ draft: ProjectDraft, actor: String) throws -> ProjectSummary {
        try base.createProject(draft, actor: actor)
    }
    func projects() throws -> [ProjectSummary] { try base.projects() }
    func project(named name: String) throws -> Project? { try base.project(named: name) }
    func updateProject(_ name: String, _ change: ProjectChange, actor: String) throws -> Project {
        try base.updateProject(name, change, actor: actor)
    }
    func claimNext(inProject project: String, labeler: String, lease: TimeInterval, skipping: Set<String>) throws -> String? {
        try base.claimNext(inProject: project, labeler: labeler, lease: lease, skipping: skipping)
    }
    func renewProjectClaim(project: String, caseID: String, labeler: String, lease: TimeInterval) throws -> Bool {
        try base.renewProjectClaim(project: project, caseID: caseID, labeler: labeler, lease: lease)
    }
    func releaseProjectClaim(project: String, caseID: String, labeler: String) throws {
        try base.releaseProjectClaim(project: project, caseID: caseID, labeler: labeler)
    }
    func projectLabels(_ project: String) throws -> [ProjectLabel] { try base.projectLabels(project) }
    func projectProgress(_ project: String, labeler: String) throws -> ProjectProgress {
        try base.projectProgress(project, labeler: labeler)
    }
}
