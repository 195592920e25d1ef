import Foundation
import GRDB
import Testing
import TriageCore
import TriageFormats
@testable import TriageSQLite
import TriageStore

/// People and roles, labelling projects, overlap claims, project labels, gold mixing and audit
/// samples, on real database files.
@Suite struct ProjectStoreTests {
    /// `n` gambling cases c_1…c_n (c_n scores highest) and `gold` gold cases g_1…g_gold.
    func loaded(_ n: Int = 6, gold: Int = 0) throws -> TempDB {
        let t = try TempDB()
        var lines = (1...n).map { Fixture.line(Fixture.record("c_\($0)", score: 0.5 + Double($0) / Double(2 * n + 2))) }
        for i in stride(from: 1, through: gold, by: 1) {
            var r = Fixture.record("g_\(i)", score: 0.7)
            r.goldLabel = i % 2 == 0 ? "no_violation" : "violation"
            lines.append(Fixture.line(r))
        }
        _ = try t.importFile(t.file("cases.jsonl", lines))
        try t.store.addPerson("lee", role: .lead, actor: "lee")
        return t
    }

    func project(_ name: String = "p1", overlap: Int = 2, gold: Double = 0, policy: QueuePolicy = .score,
                 rate: Double? = nil) -> ProjectDraft {
        ProjectDraft(settings: Project(name: name, policy: "gambling", overlap: overlap, blind: true, goldRate: gold,
                                       queuePolicy: policy, sampleRate: rate, createdBy: "lee", createdAt: .now()))
    }

    func label(_ caseID: String, _ decision: String, by who: String, project: String = "p1", supersedes: Int64? = nil,
               kind: LabelEventKind = .label, role: Role = .labeler) -> LabelDraft {
        LabelDraft(caseID: caseID, kind: kind, decision: kind == .undo ? nil : decision, analyst: who, osUser: "os",
                   role: role, blind: true, supersedes: supersedes, project: project)
    }

    // MARK: People

    @Test func theFirstLeadMayBeAddedByAnyoneThenOnlyLeadsAddPeople() throws {
        let t = try TempDB()
        #expect(try t.store.addPerson("lee", role: .lead, actor: "whoever") == .added)
        #expect(throws: StoreError.self) { try t.store.addPerson("mallory", role: .lead, actor: "mallory") }
        #expect(try t.store.addPerson("bob", role: .labeler, actor: "lee") == .added)
        #expect(try t.store.addPerson("bob", role: .labeler, actor: "lee") == .unchanged)
        #expect(try t.store.addPerson("bob", role: .analyst, actor: "lee") == .changed(from: .labeler))
        // The last lead cannot be demoted (nobody could add one again).
        #expect(throws: StoreError.self) { try t.store.addPerson("lee", role: .analyst, actor: "lee") }
        #expect(try t.store.people().map(\.name) == ["bob", "lee"])
        #expect(try t.store.people().first?.addedBy == "lee")
        #expect(try t.store.role(of: "bob") == .analyst)
        #expect(try t.store.role(of: "nobody") == nil)
        #expect(throws: StoreError.self) { try t.store.addPerson(" spaced", role: .labeler, actor: "lee") }
    }

    @Test func rolesLimitWhatPeopleMayRecord() throws {
        let t = try loaded()
        _ = try t.store.createProject(project(), actor: "lee")
        try t.store.addPerson("lou", role: .labeler, actor: "lee")
        // A labeler cannot decide analyst-queue cases, nor act as an analyst.
        var d = draft("c_1", "violation", analyst: "lou")
        d.role = .analyst
        #expect(throws: StoreError.self) { try t.store.recordLabel(d) }
        d.role = .labeler
        #expect(throws: StoreError.self) { try t.store.recordLabel(d) }
        // An unregistered person may not act as a lead, nor adjudicate.
        #expect(throws: StoreError.self) {
            try t.store.recordLabel(label("c_1", "violation", by: "ana", kind: .adjudication, role: .lead))
        }
        // Labels in a project are the labeler role's (an analyst may take it).
        #expect(throws: StoreError.self) { try t.store.recordLabel(label("c_1", "violation", by: "ana", role: .analyst)) }
        #expect(try t.store.recordLabel(label("c_1", "violation", by: "ana")).project == "p1")
        // Only leads create or change projects.
        #expect(throws: StoreError.self) { try t.store.createProject(project("p2"), actor: "lou") }
        #expect(throws: StoreError.self) { try t.store.updateProject("p1", ProjectChange(blind: false), actor: "ana") }
        #expect(try t.store.updateProject("p1", ProjectChange(blind: false), actor: "lee").blind == false)
    }

    @Test func onlyLeadsEditTheTaxonomyOnceALeadExists() throws {
        let t = try TempDB()
        var edited = Taxonomy.standard
        edited.decisions[0].label = "Breach"
        try t.store.replaceTaxonomy(edited, actor: "anyone") // setting up: no lead yet
        try t.store.addPerson("lee", role: .lead, actor: "lee")
        edited.decisions[0].label = "Violation!"
        #expect(throws: StoreError.notAllowed("only a lead may edit the taxonomy, and ana is not one (see `triage users list`)")) {
            try t.store.replaceTaxonomy(edited, actor: "ana")
        }
        #expect(try t.store.taxonomy().decisions[0].label == "Breach")
        try t.store.replaceTaxonomy(edited, actor: "lee")
        #expect(try t.store.taxonomy().decisions[0].label == "Violation!")
    }

    // MARK: Projects

    @Test func aProjectTakesItsCasesInQueueOrderAndRefusesBadSettings() throws {
        let t = try loaded(6, gold: 2)
        let s = try t.store.createProject(project(), actor: "lee")
        #expect(s.cases == 6) // gold cases are mixed in, never members
        #expect(s.complete == 0 && s.labels == 0)
        #expect(throws: StoreError.self) { try t.store.createProject(project(), actor: "lee") } // name in use
        var bad = project("p2", overlap: 0)
        #expect(throws: StoreError.self) { try t.store.createProject(bad, actor: "lee") }
        bad = project("p3")
        bad.settings.policy = "knitting"
        #expect(throws: StoreError.self) { try t.store.createProject(bad, actor: "lee") }
        #expect(throws: StoreError.self) { try t.store.createProject(project("p4", policy: .audit), actor: "lee") } // no rate
        var limited = project("top2")
        limited.limit = 2
        #expect(try t.store.createProject(limited, actor: "lee").cases == 2)
        #expect(try t.store.claimNext(inProject: "top2", labeler: "ana", lease: 60, skipping: []) == "c_6")
        #expect(try t.store.projects().map(\.project.name) == ["p1", "top2"])
    }

    @Test func auditSamplesAreReproducibleAndCarryTheirInclusionProbability() throws {
        let t = try loaded(400)
        let a = try t.store.createProject(project("a1", policy: .audit, rate: 0.25), actor: "lee")
        // About a quarter, and exactly the cases whose draw is below the rate.
        let expected = (1...400).filter { AuditSample.includes(caseID: "c_\($0)", rate: 0.25, seed: 1) }
        #expect(a.cases == expected.count)
        #expect((70...130).contains(a.cases))
        let b = try t.store.createProject(project("a2", policy: .audit, rate: 0.25), actor: "lee")
        #expect(b.cases == a.cases)
        // Served in draw order; the label carries policy and probability.
        let first = try #require(try t.store.claimNext(inProject: "a1", labeler: "ana", lease: 60, skipping: []))
        let lowest = expected.min { AuditSample.draw(caseID: "c_\($0)", seed: 1) < AuditSample.draw(caseID: "c_\($1)", seed: 1) }!
        #expect(first == "c_\(lowest)")
        let e = try t.store.recordLabel(label(first, "violation", by: "ana", project: "a1"))
        #expect(e.queuePolicy == "audit")
        #expect(e.inclusionProbability == 0.25)
        #expect(try t.store.labelEvents(caseID: first).last?.inclusionProbability == 0.25)
    }

    @Test func overlapServesEachCaseToKDifferentLabelersAndNoOneTwice() throws {
        let t = try loaded(3)
        _ = try t.store.createProject(project(overlap: 2), actor: "lee")
        // Two labelers may hold the same case at once; a third may not while both hold it.
        #expect(try t.store.claimNext(inProject: "p1", labeler: "ann", lease: 60, skipping: []) == "c_3")
        #expect(try t.store.claimNext(inProject: "p1", labeler: "bea", lease: 60, skipping: []) == "c_3")
        #expect(try t.store.claimNext(inProject: "p1", labeler: "cy", lease: 60, skipping: []) == "c_2")
        // A claim comes back to its holder until they label it.
        #expect(try t.store.claimNext(inProject: "p1", labeler: "ann", lease: 60, skipping: []) == "c_3")
        let a = try t.store.recordLabel(label("c_3", "violation", by: "ann"))
        // Never handed a case twice: ann's next is c_2, never c_3 again.
        #expect(try t.store.claimNext(inProject: "p1", labeler: "ann", lease: 60, skipping: []) == "c_2")
        _ = try t.store.recordLabel(label("c_3", "no_violation", by: "bea"))
        // c_3 has its two labels: a third labeler's own label is refused.
        #expect(throws: StoreError.self) { try t.store.recordLabel(label("c_3", "violation", by: "cy")) }
        // ann corrects her own label (names it), then undoes it: the count follows.
        let fixed = try t.store.recordLabel(label("c_3", "no_violation", by: "ann", supersedes: a.id))
        #expect(throws: StoreError.self) { try t.store.recordLabel(label("c_3", "violation", by: "ann")) } // must name her label
        var summary = try #require(try t.store.projects().first)
        #expect(summary.labels == 2 && summary.complete == 1 && summary.labelers == 2)
        // bea cannot undo ann's label.
        #expect(throws: StoreError.self) {
            try t.store.recordLabel(label("c_3", "", by: "bea", supersedes: fixed.id, kind: .undo))
        }
        _ = try t.store.recordLabel(label("c_3", "", by: "ann", supersedes: fixed.id, kind: .undo))
        summary = try #require(try t.store.projects().first)
        #expect(summary.labels == 1 && summary.complete == 0)
        // The case's own track is untouched by project labels.
        #expect(try t.store.caseDetail(caseID: "c_3")?.case.status == .open)
        #expect(try t.store.caseDetail(caseID: "c_3")?.currentLabel == nil)
        #expect(try t.store.projectLabels("p1").map(\.person) == ["bea"])
        #expect(try t.store.projectProgress("p1", labeler: "bea") == ProjectProgress(labelled: 1, remaining: 2))
    }

    @Test func skippingAndReleasingHandTheCaseOn() throws {
        let t = try loaded(3)
        _ = try t.store.createProject(project(overlap: 1), actor: "lee")
        #expect(try t.store.claimNext(inProject: "p1", labeler: "ann", lease: 60, skipping: []) == "c_3")
        #expect(try t.store.claimNext(inProject: "p1", labeler: "ann", lease: 60, skipping: ["c_3"]) == "c_2")
        // ann still holds c_3 (k = 1): bea gets c_1.
        #expect(try t.store.claimNext(inProject: "p1", labeler: "bea", lease: 60, skipping: []) == "c_1")
        try t.store.releaseProjectClaim(project: "p1", caseID: "c_3", labeler: "ann")
        #expect(try t.store.claimNext(inProject: "p1", labeler: "cy", lease: 60, skipping: []) == "c_3")
    }

    @Test func aRenewedClaimKeepsItsPlaceUntilTheCaseHasItsLabels() throws {
        let t = try loaded(2)
        _ = try t.store.createProject(project(overlap: 1), actor: "lee")
        let t0 = Timestamp(milliseconds: 1_900_000_000_000)
        #expect(try t.store.claimNext(inProject: "p1", labeler: "ann", lease: 60, skipping: [], now: t0) == "c_2")
        #expect(try t.store.renewProjectClaim(project: "p1", caseID: "c_2", labeler: "ann", lease: 3600))
        // Renewed from now for an hour: still ann's after the first minute.
        #expect(try t.store.claimNext(inProject: "p1", labeler: "bea", lease: 60, skipping: [],
                                      now: Timestamp(milliseconds: Timestamp.now().milliseconds + 120_000)) == "c_1")
        _ = try t.store.recordLabel(label("c_2", "violation", by: "ann"))
        #expect(try !t.store.renewProjectClaim(project: "p1", caseID: "c_2", labeler: "ann", lease: 60))
        #expect(try !t.store.renewProjectClaim(project: "p1", caseID: "c_2", labeler: "cy", lease: 60))
    }

    @Test func expiredProjectClaimsFreeTheirPlace() throws {
        let t = try loaded(1)
        _ = try t.store.createProject(project(overlap: 1), actor: "lee")
        let t0 = Timestamp(milliseconds: 1_900_000_000_000)
        #expect(try t.store.claimNext(inProject: "p1", labeler: "ann", lease: 60, skipping: [], now: t0) == "c_1")
        #expect(try t.store.claimNext(inProject: "p1", labeler: "bea", lease: 60, skipping: [], now: t0) == nil)
        let later = Timestamp(milliseconds: t0.milliseconds + 61_000)
        #expect(try t.store.claimNext(inProject: "p1", labeler: "bea", lease: 60, skipping: [], now: later) == "c_1")
    }

    @Test func goldCasesAreMixedInAtTheRateAndCheckedAgainstTheirAnswer() throws {
        let t = try loaded(40, gold: 30)
        _ = try t.store.createProject(project(overlap: 1, gold: 0.3), actor: "lee")
        var served: [String] = []
        while let id = try t.store.claimNext(inProject: "p1", labeler: "ann", lease: 60, skipping: []) {
            served.append(id)
            _ = try t.store.recordLabel(label(id, "violation", by: "ann"))
        }
        let gold = served.filter { $0.hasPrefix("g_") }
        // Every project case once, and gold cases among them at about the rate.
        #expect(served.filter { $0.hasPrefix("c_") }.count == 40)
        #expect(Set(served).count == served.count)
        #expect((5...30).contains(gold.count))
        let expected = (0..<served.count).filter { GoldMix.servesGold(labeler: "ann", served: $0, rate: 0.3) }.count
        #expect(gold.count <= expected)
        let labels = try t.store.projectLabels("p1")
        #expect(labels.filter { $0.goldLabel != nil }.count == gold.count)
        #expect(labels.first { $0.goldLabel != nil }?.queuePolicy == "score")
        // A gold case outside the project's policy is not the project's.
        var other = Fixture.record("g_w", policy: "weapons")
        other.goldLabel = "violation"
        _ = try t.importFile(t.file("w.jsonl", [Fixture.line(other)]))
        #expect(throws: StoreError.self) { try t.store.recordLabel(label("g_w", "violation", by: "bea")) }
    }

    @Test func aProjectOverEveryPolicyAreaMixesInGoldOfAnyArea() throws {
        let t = try loaded(10, gold: 10)
        var draft = project(overlap: 1, gold: 0.5)
        draft.settings.policy = nil
        _ = try t.store.createProject(draft, actor: "lee")
        var served: [String] = []
        while let id = try t.store.claimNext(inProject: "p1", labeler: "ann", lease: 60, skipping: []) {
            served.append(id)
            _ = try t.store.recordLabel(label(id, "violation", by: "ann"))
        }
        #expect(served.filter { $0.hasPrefix("c_") }.count == 10)
        #expect(served.contains { $0.hasPrefix("g_") })
    }

    @Test func adjudicationIsALeadsFinalDecisionAndCanBeReplacedOnlyByNamingIt() throws {
        let t = try loaded(2)
        _ = try t.store.createProject(project(), actor: "lee")
        _ = try t.store.recordLabel(label("c_2", "violation", by: "ann"))
        _ = try t.store.recordLabel(label("c_2", "no_violation", by: "bea"))
        try t.store.addPerson("bea", role: .labeler, actor: "lee")
        #expect(throws: StoreError.self) {
            try t.store.recordLabel(label("c_2", "violation", by: "bea", kind: .adjudication, role: .lead))
        }
        let adj = try t.store.recordLabel(label("c_2", "violation", by: "lee", kind: .adjudication, role: .lead))
        #expect(adj.kind == .adjudication && adj.project == "p1")
        #expect(throws: StoreError.self) { // a second one must name the first
            try t.store.recordLabel(label("c_2", "no_violation", by: "lee", kind: .adjudication, role: .lead))
        }
        _ = try t.store.recordLabel(label("c_2", "no_violation", by: "lee", supersedes: adj.id, kind: .adjudication, role: .lead))
        let live = try t.store.projectLabels("p1")
        #expect(live.filter { $0.kind == .adjudication }.map(\.decision) == ["no_violation"])
        #expect(try t.store.projects().first?.adjudicated == 1)
        // Nothing was overwritten: every event is still in the log.
        #expect(try t.store.labelEvents(caseID: "c_2").count == 4)
    }

    @Test func aVersionOneDatabaseGainsProjectsAndOutcomes() throws {
        let dir = NSTemporaryDirectory() + "triage-v1-" + UUID().uuidString
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let path = dir + "/old.sqlite"
        let pool = try DatabasePool(path: path)
        try Schema.migrator.migrate(pool, upTo: Schema.migrator.migrations[0])
        try pool.write { db in try db.execute(sql: """
            INSERT INTO decision(key, label, hotkey, is_final, position) VALUES
                ('violation', 'Violation', 'v', 1, 0), ('no_violation', 'No violation', 'n', 1, 1)
            """) }
        try pool.close()
        let store = try SQLiteStore(path: path, create: false)
        #expect(try store.taxonomy().decision("violation")?.outcome == .positive)
        #expect(try store.taxonomy().decision("no_violation")?.outcome == .negative)
        #expect(try store.projects().isEmpty)
    }
}
