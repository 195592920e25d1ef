import Foundation
import GRDB
import Testing
import TriageCore
import TriageFormats
import TriageSQLite
import TriageStore

@Suite struct RationaleStoreTests {
    static func generated(_ text: String, cited: [String]) -> Rationale {
        Rationale(model: "fake-llm", promptVersion: "rationale-v1", text: text, evidenceIDs: cited, origin: .generated,
                  generation: RationaleGeneration(latencyMs: 1234, promptTokens: 310, completionTokens: 85, requestedBy: "ana"))
    }

    /// Three cases: c_1 and c_2 without rationale (c_2 scores higher), c_3 with one.
    func store() throws -> TempDB {
        let t = try TempDB()
        var a = Fixture.record("c_1", score: 0.8), b = Fixture.record("c_2", policy: "weapons", score: 0.95)
        a.rationales = []
        b.rationales = []
        try QueueTests.write([a, b, Fixture.record("c_3")], to: t.store)
        return t
    }

    @Test func casesWithoutRationaleAreListedHighestScoreFirst() throws {
        let t = try store()
        #expect(try t.store.casesWithoutRationale(policy: nil, openOnly: true, limit: 10) == ["c_2", "c_1"])
        #expect(try t.store.casesWithoutRationale(policy: "gambling", openOnly: true, limit: 10) == ["c_1"])
        #expect(try t.store.casesWithoutRationale(policy: nil, openOnly: true, limit: 1) == ["c_2"])
        try t.store.recordLabel(draft("c_2", "violation", reasons: ["firearms"]))
        #expect(try t.store.casesWithoutRationale(policy: nil, openOnly: true, limit: 10) == ["c_1"])
        #expect(try t.store.casesWithoutRationale(policy: nil, openOnly: false, limit: 10) == ["c_2", "c_1"])
    }

    @Test func aGeneratedRationaleIsStoredWithItsFiguresAndSearchable() throws {
        let t = try store()
        let stored = try t.store.addRationale(caseID: "c_1", Self.generated("Sells real-money zebra slots [e1] [e7].", cited: ["e1", "e7"]))
        let id = try #require(stored.id)
        let d = try #require(try t.store.caseDetail(caseID: "c_1"))
        let r = try #require(d.rationales.last)
        #expect(r.id == id && r.origin == .generated && r.promptVersion == "rationale-v1" && r.evidenceIDs == ["e1", "e7"])
        #expect(r.generation == RationaleGeneration(latencyMs: 1234, promptTokens: 310, completionTokens: 85, requestedBy: "ana"))
        #expect(CitationCheck(cited: r.evidenceIDs, evidence: d.evidence).invented == ["e7"])
        // Imported rationales keep their origin.
        #expect(try t.store.caseDetail(caseID: "c_3")?.rationales.first?.origin == .imported)
        #expect(try t.store.casesWithoutRationale(policy: nil, openOnly: true, limit: 10) == ["c_2"])
        let hits = try t.store.queuePage(QueueQuery(search: "zebra"), after: nil, limit: 10)
        #expect(hits.map(\.caseID) == ["c_1"])
        #expect(throws: StoreError.caseNotFound("nope")) { try t.store.addRationale(caseID: "nope", Self.generated("x", cited: [])) }
        let q = try DatabaseQueue(path: t.path)
        try q.write { db in try db.execute(sql: "INSERT INTO case_search(case_search, rank) VALUES ('integrity-check', 1)") }
    }

    @Test func feedbackIsAppendOnlyAndExportedWithItsRationale() throws {
        let t = try store()
        let r = try t.store.addRationale(caseID: "c_1", Self.generated("Real-money slots [e1] [e9].", cited: ["e1", "e9"]))
        let imported = try #require(try t.store.caseDetail(caseID: "c_3")?.rationales.first?.id)
        let at = Timestamp.parse("2026-11-23T10:00:00Z")!
        _ = try t.store.recordRationaleFeedback(RationaleFeedback(rationaleID: r.id!, helpful: false, tags: [.hallucinatedEvidence, .tooVague],
                                                                  note: "e9?", analyst: "ana", osUser: "ana", createdAt: at))
        _ = try t.store.recordRationaleFeedback(RationaleFeedback(rationaleID: imported, helpful: true, tags: [.wellSupported],
                                                                  analyst: "bo", osUser: "bo", createdAt: Timestamp(milliseconds: at.milliseconds + 60_000)))
        #expect(throws: StoreError.self) {
            try t.store.recordRationaleFeedback(RationaleFeedback(rationaleID: 9999, helpful: true, analyst: "ana", osUser: "ana", createdAt: at))
        }
        var rows: [RationaleFeedbackRow] = []
        #expect(try t.store.exportRationaleFeedback(since: nil) { rows.append($0) } == 2)
        #expect(rows.map(\.caseID) == ["c_1", "c_3"])
        #expect(rows[0].feedback.tags == [.hallucinatedEvidence, .tooVague] && rows[0].feedback.note == "e9?" && !rows[0].feedback.helpful)
        #expect(rows[0].rationale.generation?.completionTokens == 85 && rows[0].citations.invented == ["e9"])
        #expect(rows[1].rationale.origin == .imported && rows[1].feedback.helpful)
        var later: [RationaleFeedbackRow] = []
        try t.store.exportRationaleFeedback(since: Timestamp(milliseconds: at.milliseconds + 30_000)) { later.append($0) }
        #expect(later.map(\.feedback.analyst) == ["bo"])
        // Append-only in SQL too.
        let q = try DatabaseQueue(path: t.path)
        #expect(throws: DatabaseError.self) { try q.write { db in try db.execute(sql: "UPDATE rationale_feedback SET helpful = 1") } }
        #expect(throws: DatabaseError.self) { try q.write { db in try db.execute(sql: "DELETE FROM rationale_feedback") } }

        // The export writer: JSON Lines keys in column order, CSV with the same header.
        var w = RationaleFeedbackExportWriter(format: .csv)
        w.writeHeader()
        for row in rows { w.write(row) }
        let csv = String(decoding: w.drain(), as: UTF8.self).split(separator: "\n")
        #expect(csv[0] == RationaleFeedbackExportWriter.columns.joined(separator: ","))
        #expect(csv[1].contains(",false,hallucinated_evidence|too_vague,e9?,") && csv[1].contains(",e1|e9,e9,"))
        var j = RationaleFeedbackExportWriter(format: .jsonl)
        j.write(rows[0])
        let line = String(decoding: j.drain(), as: UTF8.self)
        #expect(line.hasPrefix("{\"feedback_id\":") && line.contains("\"invented_evidence\":[\"e9\"]") && line.contains("\"prompt_version\":\"rationale-v1\""))
    }
}
