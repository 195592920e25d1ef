import Foundation
import Testing
import TriageCore
import TriageFormats
@testable import TriagePostgres
import TriageSQLite
import TriageStore
import TriageTestSupport

/// Exports and case audits read the same on both backends, for the history of
/// ``DashboardContractTests/History`` (two imports, leases, labels, corrections and undos).
@Suite(.serialized) struct ExportAuditContractTests {
    typealias History = DashboardContractTests.History

    /// `got` with its time stamp taken from `want` when both are within a minute: recordLabel
    /// stamps each store's event with that store's own clock reading, a few milliseconds apart.
    /// Everything else about the event is compared exactly.
    func sameClock(_ got: LabelEvent, as want: LabelEvent) -> LabelEvent {
        var g = got
        if abs(g.createdAt.milliseconds - want.createdAt.milliseconds) < 60_000 { g.createdAt = want.createdAt }
        return g
    }

    /// An export row as comparable text, its label's time from `like` (see ``sameClock(_:as:)``).
    func shape(_ r: ExportRow, like: ExportRow? = nil) -> String {
        let label = like.map { sameClock(r.label, as: $0.label) } ?? r.label
        return "\(r.caseID)|\(r.merchantID ?? "-")|\(r.policy)|\(r.featuresJSON ?? "decoded")|"
            + r.features.map { "\($0.name)=\($0.value)" }.joined(separator: ",")
            + "|\(r.scores)|\(label)|\(r.samplingWeight)"
    }

    func rows(_ export: ((ExportRow) throws -> Void) throws -> Int) throws -> (count: Int, rows: [ExportRow]) {
        var out: [ExportRow] = []
        let n = try export { out.append($0) }
        return (n, out)
    }

    func expectSame(_ got: (count: Int, rows: [ExportRow]), _ want: (count: Int, rows: [ExportRow]), _ what: String) {
        #expect(got.count == want.count && got.rows.count == want.rows.count, "\(what): \(got.count) rows, SQLite \(want.count)")
        for (g, w) in zip(got.rows, want.rows) {
            #expect(shape(g, like: w) == shape(w), "\(what)")
        }
    }

    @Test func exportsAgreeWithSQLite() throws {
        let h = try History()
        #expect(try h.pg.exportColumns() == (try h.lite.exportColumns()))
        #expect(try h.pg.exportColumns().scores.contains(ModelVersion(model: "supportability-xgb", version: "0-late")))

        let all = try rows { try h.lite.exportLabels(since: nil, $0) }
        expectSame(try rows { try h.pg.exportLabels(since: nil, $0) }, all, "all")
        // Keyset pages of every size give the same rows: one case a page, a few, and a page
        // ending exactly at the last row.
        for size in [1, 7, all.count, all.count + 1] {
            expectSame(try rows { try h.pg.exportLabels(since: nil, pageSize: size, $0) }, all, "pages of \(size)")
        }
        let later = try rows { try h.lite.exportLabels(since: h.middle, $0) }
        expectSame(try rows { try h.pg.exportLabels(since: h.middle, pageSize: 5, $0) }, later, "since the middle")
        #expect(later.count > 0 && later.count < all.count)
        #expect(try h.pg.exportLabels(since: Timestamp(milliseconds: h.labelsTo.milliseconds + 60_000)) { _ in } == 0)

        // The export meant something: rows in label order, with features, several scores,
        // corrections (a label that supersedes another) and labels after an undo.
        #expect(all.count > 80)
        #expect(all.rows.map { $0.label.id ?? 0 } == all.rows.map { $0.label.id ?? 0 }.sorted())
        #expect(all.rows.contains { $0.featuresJSON != nil && $0.scores.count > 1 })
        #expect(all.rows.contains { $0.label.supersedes != nil })
        #expect(all.rows.contains { $0.label.kind == .label && $0.label.dwellMs == nil })

        // A body that throws stops the export, and the store stays usable.
        struct Stop: Error {}
        var seen = 0
        #expect(throws: Stop.self) {
            try h.pg.exportLabels(since: nil, pageSize: 3) { _ in seen += 1; if seen == 5 { throw Stop() } }
        }
        #expect(seen == 5)
        expectSame(try rows { try h.pg.exportLabels(since: nil, $0) }, all, "after a stopped export")
    }

    @Test func caseAuditsAgreeWithSQLite() throws {
        let h = try History()
        var withLabels = 0, withClaims = 0, withTwoImports = 0
        for id in h.ids {
            let want = try #require(try h.lite.caseAudit(caseID: id))
            let got = try #require(try h.pg.caseAudit(caseID: id))
            let (g, w) = (got.detail, want.detail)
            #expect(g.case == w.case && g.scores == w.scores && g.attributions == w.attributions, "\(id)")
            #expect(g.rationales == w.rationales && g.evidence == w.evidence, "\(id)")
            #expect(g.features.map { "\($0.name)=\($0.value)" } == w.features.map { "\($0.name)=\($0.value)" }, "\(id)")
            #expect(g.labels.count == w.labels.count && zip(g.labels, w.labels).allSatisfy { sameClock($0, as: $1) == $1 }, "\(id)")
            // An import's end is stamped by each store's own clock; the rest is the same.
            func unstamped(_ b: [ImportBatch]) -> [ImportBatch] {
                b.map { var b = $0; #expect(b.finishedAt != nil); b.finishedAt = nil; return b }
            }
            #expect(unstamped(got.imports) == unstamped(want.imports), "\(id)")
            #expect(got.claims == want.claims, "\(id)")
            if !w.labels.isEmpty { withLabels += 1 }
            if !want.claims.isEmpty { withClaims += 1 }
            if want.imports.count > 1 { withTwoImports += 1 }
        }
        #expect(withLabels > 80 && withClaims == 2 && withTwoImports > 40)
        // The case with three live leases lists the queue's first, then each project's by name
        // and labeler, byte-wise as on SQLite ("P2" before "p1", "Zed" before "amy").
        let claims = try #require(try h.pg.caseAudit(caseID: h.ids[1])).claims
        #expect(claims.map { "\($0.project ?? "-") \($0.holder)" } == ["- eve", "P2 bea", "p1 Zed", "p1 amy"])
        #expect(try h.pg.caseAudit(caseID: "no-such-case") == nil)
    }
}
