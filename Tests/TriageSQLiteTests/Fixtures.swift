import Foundation
import TriageCore
import TriageFormats
import TriageSQLite
import TriageStore

/// A temporary directory with a fresh database file in it, removed when the test ends.
final class TempDB {
    let dir: String
    let path: String
    let store: SQLiteStore

    init() throws {
        dir = NSTemporaryDirectory() + "triage-test-" + UUID().uuidString
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        path = dir + "/t.sqlite"
        store = try SQLiteStore(path: path, create: true)
    }

    deinit { try? FileManager.default.removeItem(atPath: dir) }

    /// Writes `lines` to a file in the directory and returns its path.
    func file(_ name: String, _ lines: [String]) -> String {
        let p = dir + "/" + name
        _ = FileManager.default.createFile(atPath: p, contents: Data((lines.joined(separator: "\n") + "\n").utf8))
        return p
    }

    func importFile(_ path: String, skipInvalid: Bool = false, rejects: String? = nil, policy: String? = nil) throws -> ImportReport {
        try CaseImporter(store: store, options: ImportOptions(skipInvalid: skipInvalid, rejectsPath: rejects,
                                                              defaultPolicy: policy, importedBy: "tester")).importFile(path)
    }
}

enum Fixture {
    /// A valid case with additive attributions; `score` is the headline model's score.
    static func record(_ id: String, policy: String = "gambling", score: Double = 0.93, version: String = "2026-11-01",
                       name: String = "Lucky Spins") -> CaseRecord {
        let base = -1.5
        return CaseRecord(
            caseID: id, policy: policy, flaggedAt: Timestamp.parse("2026-11-20T14:03:00Z"),
            merchant: Merchant(id: "acct_\(id)", name: name, country: "CA", mcc: "7995", url: "https://lucky.example",
                               description: "Online slots and roulette"),
            scores: [ModelScore(model: "supportability-xgb", version: version, score: score, threshold: 0.5)],
            attributions: [Attribution(model: "supportability-xgb", version: version, baseValue: base, space: .logit, items: [
                AttributionItem(feature: "gambling_keywords_score", value: .number(0.97), contribution: 2.0),
                AttributionItem(feature: "account_age_days", value: .number(136), contribution: Logit.logit(score) - base - 2.0)])],
            rationales: [Rationale(model: "policy-llm", promptVersion: "v7", text: "The site offers slot games [e1].", evidenceIDs: ["e1"])],
            evidence: [Evidence(id: "e1", kind: "website", source: "https://lucky.example", text: "Spin to win real money")],
            features: [("gambling_keywords_score", .number(0.97)), ("account_age_days", .number(136)), ("kyc_ok", .bool(true))])
    }

    static func line(_ r: CaseRecord) -> String { CaseRecordJSON.encode(r) }
}

func draft(_ caseID: String, _ decision: String?, kind: LabelEventKind = .label, reasons: [String] = [],
           note: String? = nil, analyst: String = "ana", supersedes: Int64? = nil) -> LabelDraft {
    LabelDraft(caseID: caseID, kind: kind, decision: decision, reasonCodes: reasons, note: note, analyst: analyst,
               osUser: "tester", role: .analyst, dwellMs: 1200, modelVersionsSeen: ["supportability-xgb@2026-11-01"],
               supersedes: supersedes)
}
