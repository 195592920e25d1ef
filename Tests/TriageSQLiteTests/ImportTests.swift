import Foundation
import GRDB
import Testing
import TriageCore
import TriageFormats
import TriageSQLite
import TriageStore

@Suite struct ImportTests {
    @Test func importsValidLinesAndRecordsTheBatch() throws {
        let t = try TempDB()
        let path = t.file("cases.jsonl", (1...5).map { Fixture.line(Fixture.record("c_\($0)", score: 0.5 + Double($0) / 20)) })
        let report = try t.importFile(path)
        let batch = try #require(report.batch)
        #expect(batch.read == 5 && batch.inserted == 5 && batch.rejected == 0)
        #expect(batch.sha256.count == 64)
        // sha256 of the file as sha256sum computes it.
        #expect(batch.sha256 == sha256sum(path))
        #expect(try t.store.stats().totalCases == 5)
        #expect(try t.store.importBatches(limit: 10).first == batch)
        let d = try #require(try t.store.caseDetail(caseID: "c_3"))
        #expect(d.case.merchant.name == "Lucky Spins")
        #expect(d.scores.count == 1 && d.attributions.first?.items.count == 2)
        #expect(d.rationales.first?.evidenceIDs == ["e1"])
        #expect(d.evidence.first?.text == "Spin to win real money")
        #expect(d.features.map(\.name) == ["gambling_keywords_score", "account_age_days", "kyc_ok"])
        #expect(d.features.last?.value == .bool(true))
        // Attributions survive the round trip well enough to stay additive.
        #expect(d.attributions[0].additivityGap(score: d.scores[0].score) < 1e-9)
    }

    @Test func reimportIsIdempotent() throws {
        let t = try TempDB()
        let path = t.file("cases.jsonl", (1...3).map { Fixture.line(Fixture.record("c_\($0)")) })
        _ = try t.importFile(path)
        let again = try #require(try t.importFile(path).batch)
        #expect(again.inserted == 0 && again.updated == 0 && again.unchanged == 3)
        let counts = try rowCounts(t.path)
        #expect(counts == ["cases": 3, "score": 3, "attribution": 3, "rationale": 3, "evidence": 3, "feature_snapshot": 3])
    }

    @Test func aNewModelVersionAddsAScoreAndKeepsHistory() throws {
        let t = try TempDB()
        _ = try t.importFile(t.file("v1.jsonl", [Fixture.line(Fixture.record("c_1", score: 0.9, version: "2026-10-01"))]))
        let b = try #require(try t.importFile(t.file("v2.jsonl", [Fixture.line(Fixture.record("c_1", score: 0.3, version: "2026-11-01"))])).batch)
        #expect(b.updated == 1 && b.inserted == 0)
        let d = try #require(try t.store.caseDetail(caseID: "c_1"))
        #expect(d.scores.map(\.version) == ["2026-10-01", "2026-11-01"])
        #expect(d.attributions.count == 2)
        // The queue orders by the model's latest version.
        let row = try #require(try t.store.queuePage(QueueQuery(), after: nil, limit: 10).first)
        #expect(row.score == 0.3)
    }

    @Test func anUpdatedProfileReplacesTheOldOneAndAbsentFieldsAreKept() throws {
        let t = try TempDB()
        _ = try t.importFile(t.file("a.jsonl", [Fixture.line(Fixture.record("c_1", name: "Old Name"))]))
        var r = Fixture.record("c_1", name: "New Name")
        r.merchant.description = nil
        _ = try t.importFile(t.file("b.jsonl", [Fixture.line(r)]))
        let d = try #require(try t.store.caseDetail(caseID: "c_1"))
        #expect(d.case.merchant.name == "New Name")
        #expect(d.case.merchant.description == "Online slots and roulette")
    }

    /// Each kind of bad line is named with file, line, field and reason, and nothing is stored.
    @Test(arguments: [
        ("{\"case_id\": \"c_9\", ", "", "not JSON"),
        ("{\"case_id\": \"c_9\", \"merchant\": {\"name\": \"X\"}, \"policy\": \"gambling\"}", "scores", "missing"),
        ("{\"case_id\": \"c_9\", \"scores\": [{\"model\": \"m\", \"version\": \"1\", \"score\": 0.5}], \"policy\": \"gambling\"}", "merchant", "missing"),
        ("{\"case_id\": \"c_9\", \"merchant\": {\"name\": \"X\"}, \"policy\": \"gambling\", \"scores\": [{\"model\": \"m\", \"version\": \"1\", \"score\": 1.7}]}", "scores[0].score", "outside [0, 1]"),
        ("{\"case_id\": \"c_9\", \"merchant\": {\"name\": \"X\"}, \"policy\": \"gambling\", \"flagged_at\": \"yesterday\", \"scores\": [{\"model\": \"m\", \"version\": \"1\", \"score\": 0.5}]}", "flagged_at", "RFC 3339"),
        ("{\"case_id\": \"c_9\", \"merchant\": {\"name\": \"X\"}, \"policy\": \"casinos\", \"scores\": [{\"model\": \"m\", \"version\": \"1\", \"score\": 0.5}]}", "policy", "unknown policy"),
        ("{\"case_id\": \"c_9\", \"merchant\": {\"name\": \"X\"}, \"policy\": \"gambling\", \"scores\": [{\"model\": \"m\", \"version\": \"1\", \"score\": 0.5}], \"attributions\": {\"model\": \"m\", \"base_value\": -1.0, \"items\": [{\"feature\": \"f\", \"contribution\": 0.2}]}}", "attributions", "do not add up"),
        ("{\"case_id\": \"c_9\", \"merchant\": {\"name\": \"X\"}, \"policy\": \"gambling\", \"scores\": [{\"model\": \"m\", \"version\": \"1\", \"score\": NaN}]}", "scores[0].score", "NaN is not a score"),
        ("{\"case_id\": \"c_9\", \"merchant\": {\"name\": \"X\"}, \"policy\": \"gambling\", \"scores\": [{\"model\": \"m\", \"version\": \"1\", \"score\": nan}]}", "", "not JSON: invalid number 'nan'"),
    ])
    func badLinesAreNamedAndNothingIsStored(line: String, field: String, reason: String) throws {
        let t = try TempDB()
        let good = Fixture.line(Fixture.record("c_1"))
        let path = t.file("mixed.jsonl", [good, line, good.replacingOccurrences(of: "\"c_1\"", with: "\"c_2\"")])
        let report = try t.importFile(path)
        #expect(report.batch == nil)
        #expect(report.read == 3 && report.rejected == 1)
        let p = try #require(report.problems.first)
        #expect(p.file == path && p.line == 2)
        #expect(p.field == field)
        #expect(p.reason.contains(reason), "\(p)")
        #expect(try t.store.stats().totalCases == 0)
        #expect(try t.store.importBatches(limit: 10).isEmpty)
    }

    /// Python's json.dumps writes NaN for missing feature values: such lines import, with the
    /// feature stored as null; a NaN score is rejected with the field named.
    @Test func pythonNaNFeaturesImportAsNullAndANaNScoreIsRejected() throws {
        let t = try TempDB()
        let lines = [
            #"{"case_id": "c_1", "policy": "gambling", "merchant": {"name": "X"}, "#
                + #""scores": [{"model": "m", "version": "1", "score": 0.5}], "features": {"x": NaN, "y": 1}}"#,
            #"{"case_id": "c_2", "policy": "gambling", "merchant": {"name": "Y"}, "#
                + #""scores": [{"model": "m", "version": "1", "score": NaN}], "features": {"x": 2, "y": 1}}"#,
        ]
        let rejects = t.dir + "/rejects.jsonl"
        let report = try t.importFile(t.file("python.jsonl", lines), skipInvalid: true, rejects: rejects)
        let b = try #require(report.batch)
        #expect(b.read == 2 && b.inserted == 1 && b.rejected == 1)
        #expect(report.problems.count == 1)
        let p = try #require(report.problems.first)
        #expect(p.line == 2)
        #expect(p.field == "scores[0].score")
        #expect(p.reason == "NaN is not a score (must be a number in [0, 1])")
        let d = try #require(try t.store.caseDetail(caseID: "c_1"))
        #expect(d.features.map(\.name) == ["x", "y"])
        #expect(d.features.map(\.value) == [.null, .number(1)])
        #expect(try t.store.caseDetail(caseID: "c_2") == nil)
        #expect(try String(contentsOfFile: rejects, encoding: .utf8) == lines[1] + "\n")
    }

    @Test func skipInvalidStoresTheGoodAndCopiesTheBadUntouched() throws {
        let t = try TempDB()
        let bad1 = "{\"case_id\": \"c_bad\", \"merchant\": {\"name\": \"Ünïcode\"}, \"scores\": []}"
        let bad2 = "not json at all \u{1B}[31m"
        let lines = [Fixture.line(Fixture.record("c_1")), bad1, Fixture.line(Fixture.record("c_2")), bad2]
        let rejects = t.dir + "/rejects.jsonl"
        let report = try t.importFile(t.file("mixed.jsonl", lines), skipInvalid: true, rejects: rejects)
        let b = try #require(report.batch)
        #expect(b.inserted == 2 && b.rejected == 2 && b.read == 4)
        #expect(Set(report.problems.map(\.line)) == [2, 4])
        let written = try String(contentsOfFile: rejects, encoding: .utf8)
        #expect(written == bad1 + "\n" + bad2 + "\n")
    }

    @Test func blankLinesAreIgnoredAndCRLFIsAccepted() throws {
        let t = try TempDB()
        let p = t.dir + "/crlf.jsonl"
        let text = Fixture.line(Fixture.record("c_1")) + "\r\n\r\n   \n\r\r\n \r\t\n" + Fixture.line(Fixture.record("c_2")) // no final newline
        _ = FileManager.default.createFile(atPath: p, contents: Data(text.utf8))
        let b = try #require(try t.importFile(p).batch)
        #expect(b.inserted == 2 && b.read == 2)
    }

    @Test func defaultPolicyAppliesToLinesWithout() throws {
        let t = try TempDB()
        var r = Fixture.record("c_1")
        r.policy = nil
        let path = t.file("nopolicy.jsonl", [Fixture.line(r)])
        #expect(try t.importFile(path).batch == nil)
        let b = try #require(try t.importFile(path, policy: "weapons").batch)
        #expect(b.inserted == 1)
        #expect(try t.store.caseDetail(caseID: "c_1")?.case.policy == "weapons")
    }

    @Test func missingFileIsAClearError() throws {
        let t = try TempDB()
        #expect(throws: ImportError.self) { try t.importFile(t.dir + "/absent.jsonl") }
    }

    @Test func csvImport() throws {
        let t = try TempDB()
        let csv = """
        case_id,policy,merchant_name,merchant_country,model,model_version,score,threshold,base_value,shap__f1,shap__f2,feature__f1,feature__f2,mystery
        c_1,gambling,"Spins, Inc.",CA,xgb,v1,0.5,0.5,-1.0,0.6,0.4,3,yes,?
        c_2,gambling,Bad Score,CA,xgb,v1,abc,0.5,,,,,,
        """
        let p = t.dir + "/cases.csv"
        _ = FileManager.default.createFile(atPath: p, contents: Data((csv + "\n").utf8))
        let report = try t.importFile(p, skipInvalid: true, rejects: t.dir + "/rej.csv")
        #expect(report.ignoredColumns == ["mystery"])
        let b = try #require(report.batch)
        #expect(b.inserted == 1 && b.rejected == 1)
        #expect(report.problems.first?.line == 3)
        #expect(report.problems.first?.field == "score")
        let d = try #require(try t.store.caseDetail(caseID: "c_1"))
        #expect(d.case.merchant.name == "Spins, Inc.")
        #expect(d.attributions.first?.items.count == 2)
        let rej = try String(contentsOfFile: t.dir + "/rej.csv", encoding: .utf8)
        #expect(rej.hasPrefix("case_id,policy,merchant_name"))
        #expect(rej.contains("c_2,gambling,Bad Score"))
    }

    @Test func searchIndexFollowsImportsAndUpdates() throws {
        let t = try TempDB()
        _ = try t.importFile(t.file("a.jsonl", [Fixture.line(Fixture.record("c_1", name: "Zebra Casino"))]))
        _ = try t.importFile(t.file("b.jsonl", [Fixture.line(Fixture.record("c_1", name: "Yak Casino"))]))
        let q = try DatabaseQueue(path: t.path)
        let zebra = try q.read { db in try Int.fetchOne(db, sql: "SELECT count(*) FROM case_search WHERE case_search MATCH 'zebra'") }
        let yak = try q.read { db in try Int.fetchOne(db, sql: "SELECT count(*) FROM case_search WHERE case_search MATCH 'yak'") }
        #expect(zebra == 0 && yak == 1)
        try q.write { db in try db.execute(sql: "INSERT INTO case_search(case_search, rank) VALUES ('integrity-check', 1)") }
    }

    /// The importer feeds the search index from the record's own text, not from the stored rows:
    /// for every shape of rationale and evidence list, what it fed must be exactly what the
    /// index's external content (the `case_search_source` view) gives, or a later update could
    /// not take the old entry out. FTS5's integrity check with rank 1 compares the two.
    @Test func searchIndexFedByTheImporterMatchesItsContent() throws {
        let t = try TempDB()
        func shaped(_ id: String, rationales: [String], evidence: [String?]) -> CaseRecord {
            var r = Fixture.record(id, name: "Shape \(id)")
            r.rationales = rationales.map { Rationale(model: "policy-llm", promptVersion: nil, text: $0, evidenceIDs: []) }
            r.evidence = evidence.enumerated().map { Evidence(id: "e\($0.offset)", kind: nil, source: nil, text: $0.element) }
            return r
        }
        let records = [
            shaped("c_none", rationales: [], evidence: []),
            shaped("c_two", rationales: ["First reason.", "Second reason."], evidence: ["alpha", "beta", "gamma"]),
            shaped("c_nil", rationales: ["Only one."], evidence: [nil, "kept", nil]),
            shaped("c_allnil", rationales: ["One."], evidence: [nil, nil]),
            shaped("c_empty", rationales: ["One."], evidence: ["", "after empty"]),
        ]
        _ = try t.importFile(t.file("a.jsonl", records.map(Fixture.line)))
        let q = try DatabaseQueue(path: t.path)
        try q.write { db in try db.execute(sql: "INSERT INTO case_search(case_search, rank) VALUES ('integrity-check', 1)") }
        #expect(try q.read { db in try Int.fetchOne(db, sql: "SELECT count(*) FROM case_search WHERE case_search MATCH 'gamma'") } == 1)
        // Updates take the fed entries out again: a mismatch would leave the index corrupt.
        let changed = records.map { r in
            var r = r
            r.evidence = r.evidence.map { Evidence(id: $0.id, kind: nil, source: nil, text: "replaced") }
            return r
        }
        _ = try t.importFile(t.file("b.jsonl", changed.map(Fixture.line)))
        try q.write { db in try db.execute(sql: "INSERT INTO case_search(case_search, rank) VALUES ('integrity-check', 1)") }
        #expect(try q.read { db in try Int.fetchOne(db, sql: "SELECT count(*) FROM case_search WHERE case_search MATCH 'gamma'") } == 0)
        #expect(try q.read { db in try Int.fetchOne(db, sql: "SELECT count(*) FROM case_search WHERE case_search MATCH 'replaced'") } == 4)
    }
}

func rowCounts(_ path: String) throws -> [String: Int] {
    let q = try DatabaseQueue(path: path)
    var out: [String: Int] = [:]
    try q.read { db in
        for t in ["cases", "score", "attribution", "rationale", "evidence", "feature_snapshot"] {
            out[t] = try Int.fetchOne(db, sql: "SELECT count(*) FROM \(t)")
        }
    }
    return out
}

func sha256sum(_ path: String) -> String {
    let p = Process()
    p.executableURL = URL(fileURLWithPath: "/usr/bin/sha256sum")
    p.arguments = [path]
    let pipe = Pipe()
    p.standardOutput = pipe
    try? p.run()
    p.waitUntilExit()
    let out = String(decoding: pipe.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
    return String(out.prefix(64))
}
