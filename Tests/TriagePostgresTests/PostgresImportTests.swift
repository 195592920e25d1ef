import Foundation
import GRDB
import Testing
import TriageCore
import TriageFormats
@testable import TriagePostgres
import TriageSQLite
import TriageStore
import TriageTestSupport

/// The PostgreSQL import stores what the SQLite import stores, row for row, and re-importing
/// changes nothing.
@Suite(.serialized) struct PostgresImportTests {
    static let generator = SampleGenerator(seed: 11)

    func feed(_ records: [CaseRecord]) -> (any ImportSink) throws -> ImportFeedResult {
        { sink in
            for r in records.dropFirst(sink.resumeAfter) { _ = try sink.write(PreparedCase(r, policy: r.policy ?? "gambling")) }
            return ImportFeedResult(commit: true, sha256: "")
        }
    }

    func info() -> ImportBatchInfo { ImportBatchInfo(fileName: "cases.jsonl", format: "jsonl", startedAt: .now(), importedBy: "tester") }

    /// Rows of both databases that must agree: per table counts, and each case's fields.
    func summary(pg db: String) throws -> [String] {
        let c = try PG.cluster
        var out: [String] = []
        for t in ["cases", "score", "attribution", "rationale", "evidence", "feature_snapshot", "feature_name"] {
            out.append(t + "=" + (try c.psql("SELECT count(*) FROM \(t)", database: db)).trimmingCharacters(in: .whitespacesAndNewlines))
        }
        out += try c.psql("""
            SELECT c.case_id || '|' || c.policy || '|' || c.merchant_name || '|' || c.status || '|' ||
                   (SELECT count(*) FROM score s WHERE s.case_row = c.id) || '|' || (SELECT count(*) FROM evidence e WHERE e.case_row = c.id)
                   || '|' || (SELECT string_agg(s.model || ':' || s.version, ',' ORDER BY s.id) FROM score s WHERE s.case_row = c.id)
            FROM cases c ORDER BY c.case_id COLLATE "C"
            """, database: db).split(separator: "\n").map(String.init)
        return out
    }

    func summary(sqlite path: String) throws -> [String] {
        try DatabaseQueue(path: path).read { db in
            var out: [String] = []
            for t in ["cases", "score", "attribution", "rationale", "evidence", "feature_snapshot", "feature_name"] {
                out.append(t + "=" + String(try Int.fetchOne(db, sql: "SELECT count(*) FROM \(t)") ?? -1))
            }
            out += try String.fetchAll(db, sql: """
                SELECT c.case_id || '|' || c.policy || '|' || c.merchant_name || '|' || c.status || '|' ||
                       (SELECT count(*) FROM score s WHERE s.case_row = c.id) || '|' || (SELECT count(*) FROM evidence e WHERE e.case_row = c.id)
                       || '|' || (SELECT group_concat(x, ',') FROM (SELECT s.model || ':' || s.version AS x FROM score s
                                                                      WHERE s.case_row = c.id ORDER BY s.id))
                FROM cases c ORDER BY c.case_id
                """)
            return out
        }
    }

    @Test func theSameRowsAsSQLiteAndReimportingChangesNothing() throws {
        let a = try PG.emptyDatabase()
        _ = try PostgresStore.initialize(a, password: PG.password)
        let pg = try PostgresStore(address: a, password: PG.password)
        defer { pg.close() }
        let dir = NSTemporaryDirectory() + "triage-pg-import-" + UUID().uuidString
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let lite = try SQLiteStore(path: dir + "/t.sqlite", create: true)

        let records = (0..<120).map { Self.generator.record(at: $0) }
        let first = try pg.importBatch(info(), feed(records))
        #expect(first.inserted == 120 && first.read == 120 && first.finishedAt != nil)
        _ = try lite.importBatch(info(), feed(records))
        let pgRows = try summary(pg: a.database)
        #expect(pgRows == (try summary(sqlite: dir + "/t.sqlite")))
        #expect(pgRows.count == 7 + 120)

        // The same file again: every case unchanged, no row added.
        let again = try pg.importBatch(info(), feed(records))
        #expect(again.unchanged == 120 && again.inserted == 0 && again.updated == 0)
        #expect(try summary(pg: a.database) == pgRows)

        // A rescoring file (a new model version for every third case, nothing else): those cases
        // are updated, keep their profile, and take the new headline score when it is higher.
        let rescored = records.enumerated().compactMap { i, r -> CaseRecord? in
            guard i % 3 == 0 else { return nil }
            var x = CaseRecord(caseID: r.caseID, policy: r.policy, merchant: Merchant(id: nil, name: r.merchant.name),
                               scores: [ModelScore(model: r.scores[0].model, version: "v99", score: 0.999, threshold: 0.5)])
            x.flaggedAt = nil
            return x
        }
        let third = try pg.importBatch(info(), feed(rescored))
        _ = try lite.importBatch(info(), feed(rescored))
        #expect(third.updated == 40 && third.unchanged == 0)
        #expect(try summary(pg: a.database) == (try summary(sqlite: dir + "/t.sqlite")))
        let headline = try PG.cluster.psql("SELECT DISTINCT score FROM cases WHERE case_id = '\(records[0].caseID)'", database: a.database)
        #expect(headline == "0.999\n")
        #expect(try pg.importBatches(limit: 10).map(\.id).count == 3)
    }

    @Test func theSearchVectorHoldsNameDescriptionRationalesAndEvidence() throws {
        let a = try PG.emptyDatabase()
        _ = try PostgresStore.initialize(a, password: PG.password)
        let pg = try PostgresStore(address: a, password: PG.password)
        defer { pg.close() }
        var r = Self.generator.record(at: 0)
        r.merchant.name = "Zyxwine Traders"
        r.merchant.description = "Sells qwertyfoo online"
        r.rationales = [Rationale(model: "m", text: "mentions plughbar", evidenceIDs: [])]
        r.evidence = [Evidence(id: "e9", kind: "website", source: "https://x", text: "page says snarkle")]
        _ = try pg.importBatch(info(), feed([r]))
        for term in ["zyxwine", "qwertyfoo", "plughbar", "snarkle"] {
            let n = try PG.cluster.psql("SELECT count(*) FROM cases WHERE search @@ to_tsquery('simple', '\(term)')", database: a.database)
            #expect(n == "1\n", "term \(term)")
        }
        // New evidence on re-import is searchable too.
        r.evidence.append(Evidence(id: "e10", kind: "website", source: "https://y", text: "later finding: glorptastic"))
        #expect(try pg.importBatch(info(), feed([r])).updated == 1)
        #expect(try PG.cluster.psql("SELECT count(*) FROM cases WHERE search @@ to_tsquery('simple', 'glorptastic')",
                                    database: a.database) == "1\n")
    }

    /// `triage import` prepares each new case's `COPY` rows on its worker threads
    /// (``PGStagedCase``); text that needs `COPY`'s escapes (tab, newline, carriage return,
    /// backslash, a literal `\N`) and text that does not must come back exactly, through the
    /// staged path and through the writer's own path alike.
    @Test func stagedCopyRowsKeepEveryCharacter() throws {
        let hostile = ["tab\there", "new\nline", "carriage\rreturn", "back\\slash", "\\N", "\\.", "plain text", "émoji 🎲 ünïcode",
                       "ends with backslash\\", "\t\n\r"]
        var records: [CaseRecord] = []
        for (i, text) in hostile.enumerated() {
            var r = Self.generator.record(at: i)
            r.merchant.name = "name " + text
            r.merchant.description = text
            r.merchant.url = "https://x.example/" + text
            r.rationales = [Rationale(model: "llm", promptVersion: text, text: "rationale " + text, evidenceIDs: ["e1"])]
            r.evidence = [Evidence(id: "e1", kind: "website", source: text, text: "evidence " + text)]
            records.append(r)
        }
        let dir = NSTemporaryDirectory() + "triage-pg-staged-" + UUID().uuidString
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let file = dir + "/hostile.jsonl"
        try records.map(CaseRecordJSON.encode).joined(separator: "\n").write(toFile: file, atomically: true, encoding: .utf8)

        let staged = try PG.emptyDatabase(), direct = try PG.emptyDatabase()
        for a in [staged, direct] { _ = try PostgresStore.initialize(a, password: PG.password) }
        let viaImporter = try PostgresStore(address: staged, password: PG.password)
        let viaFeed = try PostgresStore(address: direct, password: PG.password)
        defer { viaImporter.close(); viaFeed.close() }
        let report = try CaseImporter(store: viaImporter, options: ImportOptions(importedBy: "tester")).importFile(file)
        #expect(report.batch?.inserted == records.count)
        _ = try viaFeed.importBatch(info(), feed(records))

        for r in records {
            for store in [viaImporter, viaFeed] {
                let d = try #require(try store.caseDetail(caseID: r.caseID))
                #expect(d.case.merchant.name == r.merchant.name)
                #expect(d.case.merchant.description == r.merchant.description)
                #expect(d.case.merchant.url == r.merchant.url)
                #expect(d.rationales.map(\.text) == r.rationales.map(\.text))
                #expect(d.rationales.map(\.promptVersion) == r.rationales.map(\.promptVersion))
                #expect(d.evidence.map(\.text) == r.evidence.map(\.text))
                #expect(d.evidence.map(\.source) == r.evidence.map(\.source))
                #expect(d.scores.map(\.score) == r.scores.map(\.score))
                #expect(d.attributions.map(\.items) == r.attributions.map(\.items))
                #expect(d.features.map(\.name) == r.features.map(\.name))
            }
        }
    }

    /// A case repeated inside one file, its text changed, is applied in order on both backends,
    /// whether the lines are next to each other (one write chunk: on SQLite the search index
    /// then held the first text only when the second came, and deleting it corrupted the index,
    /// reported as a damaged database) or far apart: the case ends with the last line's text,
    /// search finds that text and not the first.
    @Test func aCaseRepeatedInOneFileIsAppliedInOrder() throws {
        let dir = NSTemporaryDirectory() + "triage-repeat-" + UUID().uuidString
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: dir) }
        var lines: [String] = []
        for i in 0..<1200 {
            var r = Self.generator.record(at: i)
            r.caseID = "c_\(i)"
            lines.append(CaseRecordJSON.encode(r))
        }
        func changed(_ i: Int, _ word: String) -> String {
            var r = Self.generator.record(at: i)
            r.caseID = "c_\(i)"
            r.merchant.description = "now selling \(word)"
            r.evidence = r.evidence.map { var e = $0; e.text = "evidence \(word)"; return e }
            return CaseRecordJSON.encode(r)
        }
        lines[0] = changed(0, "zebrafirst")
        lines[10] = changed(10, "zebrafirst")
        lines.insert(changed(0, "yakchanged"), at: 2)        // next to it
        lines.append(changed(10, "yakchanged"))              // a thousand lines later
        let file = dir + "/repeat.jsonl"
        try lines.joined(separator: "\n").write(toFile: file, atomically: true, encoding: .utf8)

        let a = try PG.emptyDatabase()
        _ = try PostgresStore.initialize(a, password: PG.password)
        let pg = try PostgresStore(address: a, password: PG.password)
        defer { pg.close() }
        let sqlitePath = dir + "/t.sqlite"
        let sqlite = try SQLiteStore(path: sqlitePath, access: .create)
        for store in [pg, sqlite] as [any CaseStore] {
            let report = try CaseImporter(store: store, options: ImportOptions(importedBy: "tester")).importFile(file)
            #expect(report.batch?.read == 1202, "\(store.location)")
            #expect(report.batch?.inserted == 1200 && report.rejected == 0, "\(store.location): \(String(describing: report.batch))")
            for id in ["c_0", "c_10"] {
                let d = try #require(try store.caseDetail(caseID: id))
                #expect(d.case.merchant.description == "now selling yakchanged", "\(store.location) \(id)")
                #expect(!d.evidence.isEmpty && d.evidence.allSatisfy { $0.text == "evidence yakchanged" })
            }
            #expect(try store.queueCount(QueueQuery(search: "yakchanged")) == 2, "\(store.location)")
            #expect(try store.queueCount(QueueQuery(search: "zebrafirst")) == 0, "\(store.location)")
        }
        try DatabaseQueue(path: sqlitePath).write { db in
            try db.execute(sql: "INSERT INTO case_search(case_search) VALUES ('integrity-check')")
            #expect(try String.fetchOne(db, sql: "PRAGMA integrity_check") == "ok")
        }
    }
}
