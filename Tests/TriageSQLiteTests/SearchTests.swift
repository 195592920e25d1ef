import Foundation
import Testing
import TriageCore
import TriageSQLite
import TriageStore

/// Full-text search as a queue filter (`QueueQuery.search`) and finding one case's row.
@Suite struct SearchTests {
    /// Three cases with distinct names, descriptions and evidence.
    static func loaded() throws -> TempDB {
        let t = try TempDB()
        var a = Fixture.record("c_1", score: 0.9, name: "Lucky Spins Casino")
        a.evidence = [Evidence(id: "e1", kind: "website", source: "https://a.example", text: "Jackpot payouts in bitcoin")]
        var b = Fixture.record("c_2", score: 0.8, name: "Crème Brûlée Café")
        b.merchant.description = "Pastries and coffee"
        b.evidence = [Evidence(id: "e1", kind: "website", source: "https://b.example", text: "Fresh croissants daily")]
        var c = Fixture.record("c_3", policy: "weapons", score: 0.7, version: "2026-12-01",
                               name: "Northern Outfitters")
        c.merchant.description = "Hunting rifles and ammunition"
        c.merchant.country = "US"
        c.evidence = [Evidence(id: "e1", kind: "website", source: "https://c.example", text: "Ships rifles nationwide")]
        try QueueTests.write([a, b, c], to: t.store)
        return t
    }

    func ids(_ t: TempDB, _ search: String?, _ more: (inout QueueQuery) -> Void = { _ in }) throws -> [String] {
        var q = QueueQuery(search: search)
        more(&q)
        let rows = try t.store.queuePage(q, after: nil, limit: 50).map(\.caseID)
        #expect(try t.store.queueCount(q) == rows.count)
        #expect(try t.store.queuePage(q, before: nil, limit: 50).map(\.caseID) == rows)
        return rows
    }

    @Test func matchesByNameEvidenceDescriptionAndPrefix() throws {
        let t = try Self.loaded()
        #expect(try ids(t, "lucky") == ["c_1"])
        #expect(try ids(t, "bitcoin") == ["c_1"]) // evidence text
        #expect(try ids(t, "ammunition") == ["c_3"]) // description
        #expect(try ids(t, "rifl") == ["c_3"]) // the last word is a prefix
        #expect(try ids(t, "northern rifles") == ["c_3"]) // words are ANDed
        #expect(try ids(t, "northern bitcoin") == [])
        #expect(try ids(t, nil) == ["c_1", "c_2", "c_3"])
        #expect(try ids(t, "   ") == ["c_1", "c_2", "c_3"]) // blank: no search
        #expect(try ids(t, "slot") == ["c_1", "c_2", "c_3"]) // the shared rationale "slot games"
        #expect(try ids(t, "slot") { $0.sort = .uncertainty } == ["c_3", "c_2", "c_1"]) // in the query's order
        #expect(try ids(t, "slot") { $0.policy = "weapons" } == ["c_3"]) // with the other filters
    }

    @Test func accentInsensitive() throws {
        let t = try Self.loaded()
        #expect(try ids(t, "creme brulee") == ["c_2"])
        #expect(try ids(t, "CRÈME") == ["c_2"])
        #expect(try ids(t, "cafe") == ["c_2"])
    }

    @Test func hostileInputNeverThrowsAndIsNotSyntax() throws {
        let t = try Self.loaded()
        for s in ["\"", "*", "NEAR(", "-", "lucky OR", "\"lucky", "a:b", "^", "(", ")", "NOT", "AND lucky",
                  "name:lucky", "lucky*", "{name}", "'; DROP TABLE cases; --", "\u{0}", "💥"] {
            _ = try ids(t, s)
        }
        #expect(try ids(t, "\"*-()^") == []) // only punctuation matches nothing
        #expect(try ids(t, "lucky OR") == []) // OR is a word here, not an operator
        #expect(try ids(t, "\"lucky") == ["c_1"])
        #expect(try ids(t, "NEAR(lucky") == [])
        #expect(SQLiteStore.ftsQuery("Lucky  star-c") == "\"Lucky\" \"star\" \"c\"*")
        #expect(SQLiteStore.ftsQuery("\" * NEAR(") == "\"NEAR\"*")
        #expect(SQLiteStore.ftsQuery("\"*-") == nil)
    }

    @Test func modelVersionFilter() throws {
        let t = try Self.loaded()
        #expect(try ids(t, nil) { $0.modelVersion = "supportability-xgb@2026-12-01" } == ["c_3"])
        #expect(try ids(t, nil) { $0.modelVersion = "supportability-xgb@2026-11-01" } == ["c_1", "c_2"])
        #expect(try ids(t, "rifles") { $0.modelVersion = "supportability-xgb@2026-11-01" } == [])
        #expect(try ids(t, nil) { $0.modelVersion = "other@1" } == [])
    }

    @Test func queueRowOfACaseMatchingTheFilters() throws {
        let t = try Self.loaded()
        let row = try #require(try t.store.queueRow(caseID: "c_2", matching: QueueQuery()))
        #expect(row.caseID == "c_2" && row.merchantName == "Crème Brûlée Café")
        let second = try t.store.queuePage(QueueQuery(), after: nil, limit: 2).last
        #expect(row == second)
        #expect(try t.store.queueRow(caseID: "c_2", matching: QueueQuery(policy: "weapons")) == nil)
        #expect(try t.store.queueRow(caseID: "c_2", matching: QueueQuery(search: "rifles")) == nil)
        #expect(try t.store.queueRow(caseID: "c_3", matching: QueueQuery(search: "rifles"))?.caseID == "c_3")
        #expect(try t.store.queueRow(caseID: "nope", matching: QueueQuery(status: nil)) == nil)
    }
}
