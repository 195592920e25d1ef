import TriageCore
import TriageSQLite
import TriageStore
@testable import TriageUI

/// A real SQLite store holding gambling cases c_1…c_n (c_n scores highest) with a rationale,
/// evidence and features, optional gold cases g_1…, a lead `lee`, and project `p1`.
enum ProjectFixtures {
    static let rationaleText = "MODEL RATIONALE: real-money slots offered"
    static let evidenceText = "Evidence text: the site lists slots"

    static func record(_ id: String, score: Double, gold: String? = nil) -> CaseRecord {
        CaseRecord(caseID: id, policy: "gambling", flaggedAt: Fixtures.ago(minutes: 60),
                   merchant: Merchant(id: "m_" + id, name: "Merchant " + id, country: "CA",
                                      description: "Online casino.\nSlots.\nLive dealers.\nCrypto deposits.\nNo licence shown."),
                   scores: [ModelScore(model: "supportability-xgb", version: "v1", score: score, threshold: 0.8)],
                   rationales: [Rationale(model: "policy-llm", text: rationaleText, evidenceIDs: ["e1"])],
                   evidence: [Evidence(id: "e1", kind: "website", source: "https://x.example", text: evidenceText)],
                   features: [(name: "domain_age_days", value: .number(12))], goldLabel: gold)
    }

    /// The store, with project `p1` created by `lee`.
    static func store(cases n: Int = 6, gold: Int = 0, overlap: Int = 2, goldRate: Double = 0,
                      limit: Int? = nil) throws -> TempStore {
        let db = try TempStore(cases: 0)
        var records = (1...n).map { record("c_\($0)", score: 0.5 + Double($0) * 0.07) }
        records += (0..<gold).map { record("g_\($0 + 1)", score: 0.7, gold: "escalate") }
        try TempStore.add(records, to: db.store)
        try db.store.addPerson("lee", role: .lead, actor: "lee")
        _ = try db.store.createProject(ProjectDraft(settings: Project(
            name: "p1", policy: "gambling", overlap: overlap, blind: true, goldRate: goldRate, queuePolicy: .score,
            sampleRate: nil, createdBy: "lee", createdAt: .now()), limit: limit), actor: "lee")
        return db
    }

    /// A clock the test moves by hand.
    final class Clock: @unchecked Sendable { var now = Fixtures.now }

    static func runtime(_ db: TempStore, _ person: String, role: Role = .labeler, width: Int = 100, height: Int = 40,
                        clock: Clock = Clock()) -> ProjectRuntime {
        let r = ProjectRuntime(store: db.store,
                               options: ProjectOptions(person: person, osUser: person + "_os", role: role,
                                                       project: "p1", databaseName: "cases.sqlite"),
                               size: TerminalSize(width: width, height: height), clock: { clock.now })
        r.start()
        return r
    }

    static func press(_ r: ProjectRuntime, _ keys: Key...) { for k in keys { r.handle(key: k) } }
    static func type(_ r: ProjectRuntime, _ text: String) { for c in text { r.handle(key: .char(c)) } }
    static func screen(_ r: ProjectRuntime) -> String { r.frame().renderText() }
}
