import Foundation
import Testing
import TriageCore
import TriageFormats
@testable import TriagePostgres
@testable import TriageSQLite
import TriageStore
import TriageTestSupport

/// Labelling projects behave the same on both backends: the same projects, claims, labels,
/// refusals, progress, exports and label quality for the same sequence of calls; and on
/// PostgreSQL many sessions claiming in one project at once never exceed its overlap.
@Suite(.serialized) struct ProjectContractTests {
    /// The same 120 sample cases in a SQLite file and a PostgreSQL database: three in four in
    /// gambling, the rest weapons; one in five a gold case (some of each area); the same people
    /// registered in both.
    final class Pair {
        let pg: PostgresStore
        let lite: SQLiteStore
        let dir: String
        init(cases: Int = 120) throws {
            let a = try PG.emptyDatabase()
            _ = try PostgresStore.initialize(a, password: PG.password)
            pg = try PostgresStore(address: a, password: PG.password)
            dir = NSTemporaryDirectory() + "triage-pg-projects-" + UUID().uuidString
            try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
            lite = try SQLiteStore(path: dir + "/t.sqlite", create: true)
            let records = (0..<cases).map { i -> CaseRecord in
                var r = SampleGenerator(seed: 11).record(at: i)
                r.policy = i % 4 == 3 ? "weapons" : "gambling"
                r.goldLabel = [4, 7].contains(i % 10) ? (i % 20 < 10 ? "violation" : "no_violation") : nil
                return r
            }
            let info = ImportBatchInfo(fileName: "f", format: "jsonl", startedAt: .now(), importedBy: "t")
            let feed: (any ImportSink) throws -> ImportFeedResult = { sink in
                for r in records { _ = try sink.write(PreparedCase(r, policy: r.policy ?? "gambling")) }
                return ImportFeedResult(commit: true, sha256: "")
            }
            _ = try pg.importBatch(info, feed)
            _ = try lite.importBatch(info, feed)
            for s in [pg as any ProjectSurface, lite as any ProjectSurface] {
                _ = try s.addPerson(P.lee, role: .lead, actor: P.lee)
                for who in [P.ann, P.bea, P.cy] { _ = try s.addPerson(who, role: .labeler, actor: P.lee) }
                _ = try s.addPerson(P.dan, role: .analyst, actor: P.lee)
            }
        }
        deinit {
            pg.close()
            try? FileManager.default.removeItem(atPath: dir)
        }
    }

    /// People of this suite only (database users are server-wide, other suites add their own).
    enum P {
        static let lee = "prj_lee", ann = "prj_ann", bea = "prj_bea", cy = "prj_cy", dan = "prj_dan"
    }

    /// What a store answered, as text both backends can be compared on.
    static func answer(_ body: () throws -> Any?) -> String {
        do {
            switch try body() {
            case let e as LabelEvent:
                return "event \(e.id ?? -1) \(e.kind) \(e.decision ?? "-") \(e.project ?? "-") \(e.queuePolicy ?? "-") \(e.inclusionProbability ?? -1)"
            case let s as ProjectSummary: return summary(s)
            case let p as Project: return "project \(p.name) k=\(p.overlap) blind=\(p.blind) gold=\(p.goldRate)"
            case let s as String: return s
            case let b as Bool: return "\(b)"
            case nil: return "nil"
            case let other?: return "\(other)"
            }
        } catch let e as StoreError {
            switch e {
            case .labelConflict: return "conflict"
            case .invalidLabel: return "invalid"
            case .notAllowed(let m): return "not allowed: \(m)"
            case .refused(let m): return "refused: \(m)"
            case .caseNotFound: return "no case"
            default: return "error \(e)"
            }
        } catch { return "error \(error)" }
    }

    static func summary(_ s: ProjectSummary) -> String {
        let p = s.project
        return "\(p.name) \(p.policy ?? "*") k=\(p.overlap) gold=\(p.goldRate) \(p.queuePolicy) rate=\(p.sampleRate ?? 0) by \(p.createdBy): "
            + "cases \(s.cases) complete \(s.complete) labels \(s.labels) labelers \(s.labelers) adjudicated \(s.adjudicated)"
    }

    static func draft(_ name: String, policy: String? = "gambling", overlap: Int = 2, gold: Double = 0,
                      queue: QueuePolicy = .score, rate: Double? = nil, limit: Int? = nil, status: CaseStatus? = nil,
                      ids: [String]? = nil) -> ProjectDraft {
        ProjectDraft(settings: Project(name: name, policy: policy, overlap: overlap, blind: true, goldRate: gold, queuePolicy: queue,
                                       sampleRate: rate, createdBy: P.lee, createdAt: .now()),
                     status: status, limit: limit, seed: 3, caseIDs: ids)
    }

    static func label(_ id: String, _ decision: String?, by who: String, project: String? = "p1", kind: LabelEventKind = .label,
                      supersedes: Int64? = nil, role: Role = .labeler) -> LabelDraft {
        LabelDraft(caseID: id, kind: kind, decision: kind == .undo ? nil : decision, analyst: who, osUser: "os", role: role,
                   blind: true, supersedes: supersedes, project: project)
    }

    /// The whole sequence on one store; every answer in order.
    static func steps(_ s: any ProjectSurface) -> [String] {
        var out: [String] = []
        func say(_ body: () throws -> Any?) { out.append(answer(body)) }
        // Creating and changing projects: leads only, settings checked.
        say { try s.createProject(draft("p1"), actor: P.ann) }
        say { try s.createProject(draft("p1"), actor: P.lee) }
        say { try s.createProject(draft("p1"), actor: P.lee) }
        say { try s.createProject(draft("p2", overlap: 0), actor: P.lee) }
        say { try s.createProject(draft("p3", policy: "knitting"), actor: P.lee) }
        say { try s.createProject(draft("p4", queue: .audit), actor: P.lee) }
        say { try s.createProject(draft("p5", limit: 0), actor: P.lee) }
        say { try s.createProject(draft("age", policy: nil, overlap: 1, queue: .age, limit: 5, status: .open), actor: P.lee) }
        say { try s.createProject(draft("unc", policy: "weapons", queue: .uncertainty, limit: 4), actor: P.lee) }
        say { try s.createProject(draft("a1", policy: nil, overlap: 1, queue: .audit, rate: 0.3), actor: P.lee) }
        say { try s.createProject(draft("ids", queue: .uncertainty, ids: ["c_0000002", "c_0000001", "c_0000002", "c_0000003"]), actor: P.lee) }
        say { try s.createProject(draft("bad", ids: ["c_0000001", "nope", "also-nope"]), actor: P.lee) }
        say { try s.createProject(draft("none", policy: "fraud"), actor: P.lee) }
        say { try s.updateProject("p1", ProjectChange(blind: false), actor: P.ann) }
        say { try s.updateProject("p1", ProjectChange(overlap: 0), actor: P.lee) }
        say { try s.updateProject("nope", ProjectChange(overlap: 3), actor: P.lee) }
        say { try s.updateProject("unc", ProjectChange(overlap: 3, blind: false, goldRate: 0.1), actor: P.lee) }
        say { try s.project(named: "unc") }
        say { try s.project(named: "nope") }
        // Claims: k = 2 labelers may hold a case at once, a third is served the next one.
        let t0 = Timestamp(milliseconds: 1_900_000_000_000)
        let first = (try? s.claimNext(inProject: "p1", labeler: P.ann, lease: 60, skipping: [], now: t0)) ?? nil
        out.append(first ?? "nil")
        say { try s.claimNext(inProject: "p1", labeler: P.ann, lease: 60, skipping: [], now: t0) } // the same again
        say { try s.claimNext(inProject: "p1", labeler: P.bea, lease: 60, skipping: [], now: t0) }
        say { try s.claimNext(inProject: "p1", labeler: P.cy, lease: 60, skipping: [], now: t0) }
        say { try s.claimNext(inProject: "p1", labeler: P.ann, lease: 60, skipping: [first ?? ""], now: t0) }
        say { try s.claimNext(inProject: "p1", labeler: P.lee, lease: 60, skipping: [], now: t0) }   // a lead may label
        say { try s.claimNext(inProject: "nope", labeler: P.ann, lease: 60, skipping: [], now: t0) }
        say { try s.claimNext(inProject: "p1", labeler: P.ann, lease: 0, skipping: [], now: t0) }
        // Expired leases free their place: after a minute dan (an analyst may label) gets the
        // case ann and bea held.
        let later = Timestamp(milliseconds: t0.milliseconds + 61_000)
        say { try s.claimNext(inProject: "p1", labeler: P.dan, lease: 60, skipping: [], now: later) }
        guard let c1 = first else { return out }
        // Labels: one's own, corrections naming it, at most k, undo only one's own.
        var ann1: Int64?
        say { let e = try s.recordLabel(label(c1, "violation", by: P.ann)); ann1 = e.id; return e }
        say { try s.recordLabel(label(c1, "violation", by: P.ann)) }                       // must name her label
        say { let e = try s.recordLabel(label(c1, "no_violation", by: P.ann, supersedes: ann1)); ann1 = e.id; return e }
        say { try s.recordLabel(label(c1, "violation", by: P.bea)) }
        say { try s.recordLabel(label(c1, "violation", by: P.cy)) }                        // it has its two labels
        say { try s.recordLabel(label(c1, "violation", by: P.dan, role: .analyst)) }        // labels are the labeler role's
        say { try s.recordLabel(label(c1, nil, by: P.bea, kind: .undo, supersedes: ann1)) } // not hers
        say { try s.recordLabel(label(c1, nil, by: P.ann, kind: .undo, supersedes: 999)) }  // nothing to undo
        say { try s.recordLabel(label(c1, nil, by: P.ann, kind: .undo, supersedes: ann1)) }
        say { try s.recordLabel(label(c1, "violation", by: P.cy)) }                        // a place is free again
        say { try s.recordLabel(label(c1, "violation", by: P.cy, project: "nope")) }
        say { try s.recordLabel(label(c1, "maybe", by: P.cy)) }
        say { try s.recordLabel(label("c_0000004", "violation", by: P.cy)) }               // weapons: not in p1
        say { try s.recordLabel(label("c_0000005", "violation", by: P.cy)) }               // gambling gold: mixed in
        say { try s.recordLabel(label("c_0000008", "violation", by: P.cy)) }               // weapons gold: not p1's
        say { try s.recordLabel(label("no-such-case", "violation", by: P.cy)) }
        // Adjudication: a lead's, replaced only by naming it, undone only by a lead.
        var adj: Int64?
        say { try s.recordLabel(label(c1, "violation", by: P.bea, kind: .adjudication, role: .lead)) }
        say { try s.recordLabel(label(c1, "violation", by: P.lee, kind: .adjudication, role: .labeler)) }
        say { let e = try s.recordLabel(label(c1, "violation", by: P.lee, kind: .adjudication, role: .lead)); adj = e.id; return e }
        say { try s.recordLabel(label(c1, "no_violation", by: P.lee, kind: .adjudication, role: .lead)) }
        say { let e = try s.recordLabel(label(c1, "no_violation", by: P.lee, kind: .adjudication, supersedes: adj, role: .lead)); adj = e.id; return e }
        say { try s.recordLabel(label(c1, nil, by: P.bea, kind: .undo, supersedes: adj)) }
        say { try s.recordLabel(label(c1, nil, by: P.lee, kind: .undo, supersedes: adj, role: .lead)) }
        say { try s.recordLabel(label(c1, "violation", by: P.lee, kind: .adjudication, role: .lead)) }
        // Renewing and releasing.
        let now = Timestamp.now()
        let held = (try? s.claimNext(inProject: "p1", labeler: P.bea, lease: 60, skipping: [], now: now)) ?? nil
        out.append(held ?? "nil")
        say { try s.renewProjectClaim(project: "p1", caseID: held ?? "", labeler: P.bea, lease: 600) }
        say { try s.renewProjectClaim(project: "p1", caseID: c1, labeler: P.bea, lease: 600) }  // she labelled it
        say { try s.renewProjectClaim(project: "p1", caseID: c1, labeler: P.dan, lease: 600) }  // it has its labels
        say { try s.renewProjectClaim(project: "p1", caseID: "no-such-case", labeler: P.bea, lease: 600) }
        say { try s.renewProjectClaim(project: "nope", caseID: c1, labeler: P.bea, lease: 600) }
        say { try s.renewProjectClaim(project: "p1", caseID: c1, labeler: P.bea, lease: -1) }
        say { try s.releaseProjectClaim(project: "p1", caseID: held ?? "", labeler: P.bea) }
        say { try s.claimNext(inProject: "p1", labeler: P.bea, lease: 60, skipping: [], now: now) }
        // Labelling through whole projects: cy through p1 (gold now mixed in at 0.3), ann through
        // the audit sample, where a lead then adjudicates every other case.
        say { try s.updateProject("p1", ProjectChange(goldRate: 0.3), actor: P.lee) }
        var served: [String] = []
        while served.count < 200, let id = try? s.claimNext(inProject: "p1", labeler: P.cy, lease: 60, skipping: []) {
            served.append(id)
            out.append(answer { try s.recordLabel(label(id, served.count % 3 == 0 ? "no_violation" : "violation", by: P.cy)) })
        }
        out.append("cy served \(served.joined(separator: ","))")
        var audited = 0
        while audited < 200, let id = try? s.claimNext(inProject: "a1", labeler: P.ann, lease: 60, skipping: []) {
            audited += 1
            out.append(answer { try s.recordLabel(label(id, audited % 4 == 0 ? "no_violation" : "violation", by: P.ann, project: "a1")) })
            if audited % 2 == 0 {
                say { try s.recordLabel(label(id, audited % 3 == 0 ? "no_violation" : "violation", by: P.lee, project: "a1",
                                              kind: .adjudication, role: .lead)) }
            }
        }
        out.append("ann audited \(audited)")
        for who in [P.ann, P.bea, P.cy, P.dan] {
            say { let g = try s.projectProgress("p1", labeler: who); return "progress \(who) \(g.labelled) \(g.remaining)" }
        }
        say { try s.projectProgress("nope", labeler: P.ann) }
        say { try s.projectLabels("nope") }
        return out
    }

    /// A project label without its times (each store stamps its own).
    static func shape(_ l: ProjectLabel) -> String {
        "\(l.eventID) \(l.caseID) \(l.policy) \(l.kind) \(l.person) \(l.decision) \(l.reasonCodes) \(l.note ?? "-") \(l.blind) "
            + "\(l.goldLabel ?? "-") \(l.score) \(l.threshold ?? -1) \(l.queuePolicy ?? "-") \(l.inclusionProbability ?? -1)"
    }

    static func shape(_ r: ExportRow) -> String {
        let l = r.label
        return "\(r.caseID) \(r.merchantID ?? "-") \(r.policy) \(r.featuresJSON ?? "-") \(r.scores) \(r.samplingWeight) | "
            + "\(l.id ?? 0) \(l.kind) \(l.decision ?? "-") \(l.reasonCodes) \(l.analyst) \(l.role) \(l.blind) \(l.supersedes ?? 0) "
            + "\(l.queuePolicy ?? "-") \(l.inclusionProbability ?? -1) \(l.project ?? "-")"
    }

    @Test func theSameSequenceGivesTheSameAnswers() throws {
        let p = try Pair()
        let lite = Self.steps(p.lite), pg = Self.steps(p.pg)
        #expect(pg.count == lite.count)
        for (i, (a, b)) in zip(pg, lite).enumerated() where a != b {
            Issue.record("step \(i): PostgreSQL said \(a), SQLite said \(b)")
        }
        // The answers are the ones the rules call for (checked on SQLite, the reference).
        #expect(lite[0].hasPrefix("not allowed: only a lead may create a labelling project"))
        #expect(lite[1] == "p1 gambling k=2 gold=0.0 score rate=0.0 by prj_lee: cases 72 complete 0 labels 0 labelers 0 adjudicated 0")
        #expect(lite[2].hasPrefix("refused: a project named 'p1' already exists"))
        #expect(lite[3...6].allSatisfy { $0.hasPrefix("refused: ") })
        #expect(lite[7].contains("cases 5 "))
        #expect(lite[8].contains("cases 4 "))
        #expect(lite[10].contains("cases 3 "))
        #expect(lite[11] == "refused: no case with id 'also-nope', 'nope': nothing created")
        #expect(lite[12].hasPrefix("refused: no case matches project 'none'"))
        #expect(lite[13].hasPrefix("not allowed: "))
        #expect(lite[14].hasPrefix("refused: project 'p1' unchanged"))
        #expect(lite[15].hasPrefix("refused: no labelling project named 'nope'"))
        #expect(lite[16] == "project unc k=3 blind=false gold=0.1" && lite[17] == lite[16] && lite[18] == "nil")
        let c1 = lite[19]
        #expect(c1.hasPrefix("c_") && lite[20] == c1 && lite[21] == c1)
        #expect(lite[22] != c1 && lite[23] != c1 && lite[22].hasPrefix("c_"))
        #expect(lite[26].hasPrefix("refused: a lease"))
        #expect(lite[27] == c1) // ann's and bea's leases lapsed
        #expect(lite[28].hasPrefix("event ") && lite[28].hasSuffix("label violation p1 score -1.0"))
        #expect(lite[29] == "conflict" && lite[30].hasPrefix("event "))
        #expect(lite[31].hasPrefix("event ") && lite[32].hasPrefix("refused: case '\(c1)' already has the 2 labels"))
        #expect(lite[33].hasPrefix("not allowed: labels in a project are made in the labeler role"))
        #expect(lite[34].hasPrefix("not allowed: prj_bea may undo only their own labels"))
        #expect(lite[35].hasPrefix("refused: nothing to undo"))
        #expect(lite[36].hasPrefix("event ") && lite[37].hasPrefix("event "))
        #expect(lite[38].hasPrefix("refused: no labelling project named 'nope'") && lite[39] == "invalid")
        #expect(lite[40].hasPrefix("refused: case 'c_0000004' is not in project 'p1'"))
        #expect(lite[41].hasSuffix("label violation p1 score -1.0"))
        #expect(lite[42].hasPrefix("refused: case 'c_0000008' is not in project 'p1'") && lite[43] == "no case")
        #expect(lite[44].hasPrefix("not allowed: ") && lite[45].hasPrefix("not allowed: only a lead may adjudicate"))
        #expect(lite[46].contains(" adjudication violation p1 ") && lite[47] == "conflict" && lite[48].hasPrefix("event "))
        #expect(lite[49].hasPrefix("not allowed: only a lead may undo an adjudication") && lite[50].hasPrefix("event "))
        #expect(lite[51].hasPrefix("event "))
        #expect(lite[53...57] == ["true", "false", "false", "no case", "refused: no labelling project named 'nope' (see `triage project list`)"])
        #expect(lite[58].hasPrefix("refused: a lease") && lite[59] == "()" && lite[60] == lite[52])
        #expect(lite[61] == "project p1 k=2 blind=true gold=0.3")
        let cy = try #require(lite.first { $0.hasPrefix("cy served ") }).dropFirst("cy served ".count).split(separator: ",")
        #expect(cy.count > 60 && !cy.contains("c_0000005") && Set(cy).count == cy.count)
        #expect(cy.contains { ["c_0000015", "c_0000018", "c_0000025"].contains(String($0)) }) // gold mixed in
        #expect(lite.contains { $0.hasPrefix("event ") && $0.hasSuffix(" a1 audit 0.3") })

        // Then everything read back agrees.
        func normalised(_ s: [ProjectSummary]) -> [String] { s.map(Self.summary) }
        #expect(normalised(try p.pg.projects()) == normalised(try p.lite.projects()))
        #expect(try p.lite.projects().map(\.project.name) == ["a1", "age", "ids", "p1", "unc"])
        for name in ["p1", "a1", "age", "unc", "ids"] {
            let pgLabels = try p.pg.projectLabels(name).map(Self.shape), liteLabels = try p.lite.projectLabels(name).map(Self.shape)
            #expect(pgLabels == liteLabels, "\(name)")
            for who in [P.ann, P.bea, P.cy, P.dan] {
                #expect(try p.pg.projectProgress(name, labeler: who) == (try p.lite.projectProgress(name, labeler: who)), "\(name) \(who)")
            }
            for since in [nil, Timestamp(milliseconds: 0), Timestamp(milliseconds: Int64.max / 2)] {
                var pgRows: [String] = [], liteRows: [String] = []
                let n = try p.pg.exportProjectLabels(name, since: since) { pgRows.append(Self.shape($0)) }
                _ = try p.lite.exportProjectLabels(name, since: since) { liteRows.append(Self.shape($0)) }
                #expect(pgRows == liteRows, "\(name) since \(String(describing: since))")
                #expect(n == pgRows.count)
            }
        }
        #expect(try p.lite.projectLabels("p1").count > 20)
        #expect(throws: StoreError.self) { try p.pg.exportProjectLabels("nope", since: nil) { _ in } }
        let quality = try p.pg.labelQuality()
        #expect(quality == (try p.lite.labelQuality()))
        #expect(quality.projects.map(\.project) == ["a1", "age", "ids", "p1", "unc"])
        #expect(!quality.recall.isEmpty) // the audit sample's adjudicated cases
        // The database kept the live-label counts the same way SQLite's code did.
        let db = p.pg.address.database
        let counts = try PG.cluster.psql("""
            SELECT string_agg(pc.project || ':' || c.case_id || '=' || pc.label_count, ',' ORDER BY pc.project COLLATE "C", c.case_id COLLATE "C")
            FROM project_case pc JOIN cases c ON c.id = pc.case_row WHERE pc.label_count > 0
            """, database: db).trimmingCharacters(in: .whitespacesAndNewlines)
        var expected: [String] = []
        for s in try p.lite.projects() {
            var perCase: [String: Int] = [:]
            for l in try p.lite.projectLabels(s.project.name) where l.kind == .label && l.goldLabel == nil { perCase[l.caseID, default: 0] += 1 }
            expected += perCase.map { "\(s.project.name):\($0.key)=\($0.value)" }
        }
        #expect(counts == expected.sorted().joined(separator: ","))

        // Kept while the labels are as they were (as on SQLite); a label written by anyone else
        // shows in the next call, which then equals what a store with nothing kept computes.
        #expect(try p.pg.labelQuality() == quality)
        try PG.cluster.psql("""
            INSERT INTO label_event(case_row, kind, decision, reason_codes, analyst, os_user, role, created_at, dwell_ms, blind,
                                    app_version, queue_policy, project)
            SELECT case_row, kind, CASE decision WHEN 'violation' THEN 'no_violation' ELSE 'violation' END, reason_codes, 'zed',
                   os_user, role, created_at + 1, dwell_ms, blind, app_version, queue_policy, project
            FROM label_event WHERE project = 'p1' AND kind = 'label' ORDER BY id LIMIT 1
            """, database: p.pg.address.database)
        let after = try p.pg.labelQuality()
        let fresh = try PostgresStore(address: p.pg.address, password: PG.password)
        defer { fresh.close() }
        let recomputed = try fresh.labelQuality()
        #expect(after != quality && after == recomputed)
    }

    /// Eight sessions, each with its own store, label through one project of overlap 2 at once:
    /// every case is served to exactly two different labelers, never to one twice, and every
    /// label goes in (a third label on a case would be refused).
    @Test func eightSessionsNeverExceedTheOverlap() throws {
        let p = try Pair(cases: 80)
        let summary = try p.pg.createProject(Self.draft("race", policy: nil, overlap: 2), actor: P.lee)
        #expect(summary.cases == 64) // every case but the gold ones
        let stores = try (0..<8).map { _ in try PostgresStore(address: p.pg.address, password: PG.password, maxConnections: 1) }
        final class Tally: @unchecked Sendable {
            let lock = NSLock()
            var servedTo: [String: [String]] = [:]
            var failures: [String] = []
        }
        let tally = Tally()
        DispatchQueue.concurrentPerform(iterations: 8) { i in
            let who = "prj_s\(i)"
            while true {
                do {
                    guard let id = try stores[i].claimNext(inProject: "race", labeler: who, lease: 600, skipping: []) else { return }
                    tally.lock.withLock { tally.servedTo[id, default: []].append(who) }
                    try stores[i].recordLabel(Self.label(id, i % 2 == 0 ? "violation" : "no_violation", by: who, project: "race"))
                } catch {
                    tally.lock.withLock { tally.failures.append("\(who): \(error)") }
                    return
                }
            }
        }
        #expect(tally.failures.isEmpty, "\(tally.failures)")
        // Bursts: all eight ask at the same instant in a fresh project of three cases; six
        // are served, each case to two of them, and two get nothing.
        for round in 0..<12 {
            let name = "burst\(round)"
            _ = try p.pg.createProject(Self.draft(name, policy: nil, overlap: 2, limit: 3), actor: P.lee)
            final class Gate: @unchecked Sendable { let ready = NSCondition(); var waiting = 0 }
            let gate = Gate()
            let burst = Tally()
            // Threads of their own: concurrentPerform runs only as many at once as there are cores.
            let done = DispatchGroup()
            for i in 0..<8 {
                done.enter()
                Thread {
                    gate.ready.lock()
                    gate.waiting += 1
                    if gate.waiting == 8 { gate.ready.broadcast() } else { while gate.waiting < 8 { gate.ready.wait() } }
                    gate.ready.unlock()
                    let who = "prj_s\(i)"
                    do {
                        if let id = try stores[i].claimNext(inProject: name, labeler: who, lease: 600, skipping: []) {
                            burst.lock.withLock { burst.servedTo[id, default: []].append(who) }
                        }
                    } catch {
                        burst.lock.withLock { burst.failures.append("\(who): \(error)") }
                    }
                    done.leave()
                }.start()
            }
            done.wait()
            #expect(burst.failures.isEmpty, "\(burst.failures)")
            #expect(burst.servedTo.count == 3 && burst.servedTo.values.allSatisfy { $0.count == 2 }, "\(name): \(burst.servedTo)")
        }
        for s in stores { s.close() }
        #expect(tally.servedTo.count == 64)
        #expect(tally.servedTo.values.allSatisfy { $0.count == 2 && Set($0).count == 2 }, "\(tally.servedTo.filter { $0.value.count != 2 })")
        let after = try #require(try p.pg.projects().first { $0.project.name == "race" })
        #expect(after.complete == 64 && after.labels == 128)
        #expect(try p.pg.projectLabels("race").count == 128)
    }
}

/// The part of the store these tests drive on both backends.
protocol ProjectSurface {
    func addPerson(_ name: String, role: Role, actor: String) throws -> PersonChange
    func createProject(_ draft: ProjectDraft, actor: String) throws -> ProjectSummary
    func projects() throws -> [ProjectSummary]
    func project(named name: String) throws -> Project?
    func updateProject(_ name: String, _ change: ProjectChange, actor: String) throws -> Project
    func claimNext(inProject project: String, labeler: String, lease: TimeInterval, skipping: Set<String>) throws -> String?
    func claimNext(inProject name: String, labeler: String, lease: TimeInterval, skipping: Set<String>, now: Timestamp) throws -> String?
    func renewProjectClaim(project: String, caseID: String, labeler: String, lease: TimeInterval) throws -> Bool
    func releaseProjectClaim(project: String, caseID: String, labeler: String) throws
    func recordLabel(_ draft: LabelDraft) throws -> LabelEvent
    func projectLabels(_ project: String) throws -> [ProjectLabel]
    func projectProgress(_ project: String, labeler: String) throws -> ProjectProgress
}
extension SQLiteStore: ProjectSurface {}
extension PostgresStore: ProjectSurface {}
