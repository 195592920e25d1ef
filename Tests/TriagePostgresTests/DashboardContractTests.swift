import Foundation
import GRDB
import Testing
import TriageCore
import TriageFormats
@testable import TriagePostgres
import TriageSQLite
import TriageStore
import TriageTestSupport

/// The dashboard's figures are the same on both backends: SQLite reads its trigger-kept
/// aggregates, PostgreSQL groups the rows themselves, and both must come to the same numbers
/// for the same cases, scores, leases and labels.
@Suite(.serialized) struct DashboardContractTests {
    /// The same history in a SQLite file and a PostgreSQL database: two imports (the second
    /// re-scores some cases and brings a new model version whose name sorts before the older
    /// ones), leases live and expired in the queue and in two projects, and queue labels,
    /// corrections and undos by four analysts.
    final class History {
        let pg: PostgresStore
        let lite: SQLiteStore
        let dir: String
        /// The case ids, in import order.
        let ids: [String]
        /// A time between the first and the second half of the labels (on both stores).
        let middle: Timestamp
        /// Just before the first label and just after the last.
        let labelsFrom: Timestamp, labelsTo: Timestamp

        static let analysts = ["ann", "bob", "cho", "dee"]
        static let decisions = ["violation", "no_violation", "violation", "escalate", "unsure", "no_violation", "violation"]

        init() throws {
            let a = try PG.emptyDatabase()
            _ = try PostgresStore.initialize(a, password: PG.password)
            let pg = try PostgresStore(address: a, password: PG.password)
            let dir = NSTemporaryDirectory() + "triage-pg-dashboard-" + UUID().uuidString
            try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
            let lite = try SQLiteStore(path: dir + "/t.sqlite", create: true)
            (self.pg, self.lite, self.dir) = (pg, lite, dir)

            // First import: 240 sample cases, some without a flag time, some in a policy area the
            // taxonomy does not know.
            var records = (0..<240).map { SampleGenerator(seed: 11).record(at: $0) }
            for i in records.indices {
                if i % 17 == 3 { records[i].flaggedAt = nil }
                if i % 23 == 5 { records[i].policy = "crypto_atm" }
            }
            let ids = records.map(\.caseID)
            self.ids = ids
            try History.importBoth(records, name: "first.jsonl", at: 1_795_000_000_000, pg, lite)
            // Second import: every fourth case gets a score from version "0-late" of its first
            // model (imported last, sorted first), every seventh a changed score.
            var second: [CaseRecord] = []
            for (i, r) in records.enumerated() where i % 4 == 0 || i % 7 == 0 {
                var r = r
                if i % 7 == 0, !r.scores.isEmpty {
                    r.scores[0].score = min(1, max(0, (r.scores[0].score * 0.9 + 0.07)))
                }
                if i % 4 == 0, let first = r.scores.first {
                    let s = Double((i * 7_919) % 1_000) / 1_000
                    r.scores.append(ModelScore(model: first.model, version: "0-late", score: s, threshold: i % 8 == 0 ? 0.6 : nil))
                }
                second.append(r)
            }
            try History.importBoth(second, name: "second.jsonl", at: 1_795_100_000_000, pg, lite)

            // Leases, the same rows in both: live and expired, in the queue and in two projects.
            let now = Timestamp.now().milliseconds
            let live = now + 3_600_000, gone = now - 3_600_000
            var sql = [
                "INSERT INTO project(name, overlap, queue_policy, created_by, created_at) VALUES ('p1', 2, 'score', 't', 0)",
                "INSERT INTO project(name, overlap, queue_policy, created_by, created_at) VALUES ('P2', 2, 'audit', 't', 0)",
            ]
            func lease(_ table: String, _ id: String, _ who: String, _ until: Int64, project: String? = nil) -> String {
                let cols = project == nil ? "case_row, analyst" : "project, case_row, labeler"
                let vals = project.map { "'\($0)', id, '\(who)'" } ?? "id, '\(who)'"
                return "INSERT INTO \(table)(\(cols), claimed_at, lease_until) SELECT \(vals), \(now - 60_000), \(until) FROM cases WHERE case_id = '\(id)'"
            }
            let leased = [ids[1], ids[2], ids[30], ids[31]]
            sql.append(lease("assignment", leased[0], "eve", live))
            sql.append(lease("assignment", leased[1], "fay", gone))
            sql.append(lease("assignment", leased[2], "eve", live))
            sql.append(lease("project_claim", leased[0], "amy", live, project: "p1"))
            sql.append(lease("project_claim", leased[0], "Zed", live, project: "p1"))
            sql.append(lease("project_claim", leased[0], "bea", live, project: "P2"))
            sql.append(lease("project_claim", leased[3], "bea", gone, project: "P2"))
            let queue = try DatabaseQueue(path: dir + "/t.sqlite")
            try queue.write { db in for s in sql { try db.execute(sql: s) } }
            for s in sql { try PG.cluster.psql(s, database: a.database) }

            // Labels get the clock's time inside recordLabel: start when the next clock hour is
            // more than two minutes away, so both stores' labels fall in the same hours and days.
            let intoHour = Timestamp.now().milliseconds % 3_600_000
            if intoHour > 3_600_000 - 120_000 { Thread.sleep(forTimeInterval: Double(3_600_000 - intoHour) / 1000 + 1) }
            labelsFrom = .now()
            let candidates = ids.enumerated().filter { i, id in
                records[i].policy != "crypto_atm" && !leased.contains(id)
            }.map(\.element)
            var current: [String: Int64] = [:]
            func record(_ d: LabelDraft) throws {
                let l = try lite.recordLabel(d)
                let p = try pg.recordLabel(d)
                guard l.id == p.id else { throw StoreError.storage("label ids differ: \(l.id ?? -1) vs \(p.id ?? -1)") }
                current[d.caseID] = d.kind == .undo ? nil : l.id
            }
            var half: Timestamp?
            for (k, id) in candidates.prefix(120).enumerated() {
                if k == 60 {
                    Thread.sleep(forTimeInterval: 0.01)
                    half = .now()
                    Thread.sleep(forTimeInterval: 0.01)
                }
                let policy = records[ids.firstIndex(of: id)!].policy ?? "gambling"
                let who = History.analysts[k % History.analysts.count]
                let dwell: Int64? = k % 6 == 0 ? nil : k == 7 ? 5_000_000 : Int64((k * 7_919) % 40_000 + 300)
                try record(History.draft(id, History.decisions[k % History.decisions.count], policy: policy, analyst: who, dwell: dwell))
                if k % 9 == 4 { // a correction by the next analyst
                    try record(History.draft(id, "violation", policy: policy, analyst: History.analysts[(k + 1) % 4],
                                          dwell: 1_200, supersedes: current[id]))
                }
                if k % 5 == 2 { // undone, and every other one labelled again
                    try record(History.draft(id, nil, policy: policy, analyst: who, kind: .undo, supersedes: current[id]))
                    if k % 10 == 2 {
                        try record(History.draft(id, "no_violation", policy: policy, analyst: History.analysts[(k + 2) % 4], dwell: 9_999))
                    }
                }
            }
            labelsTo = .now()
            middle = half!
        }

        deinit {
            pg.close()
            try? FileManager.default.removeItem(atPath: dir)
        }

        static func importBoth(_ records: [CaseRecord], name: String, at: Int64, _ pg: PostgresStore, _ lite: SQLiteStore) throws {
            let info = ImportBatchInfo(fileName: name, format: "jsonl", startedAt: Timestamp(milliseconds: at), importedBy: "t")
            let feed: (any ImportSink) throws -> ImportFeedResult = { sink in
                for r in records { _ = try sink.write(PreparedCase(r, policy: r.policy ?? "gambling")) }
                return ImportFeedResult(commit: true, sha256: name)
            }
            _ = try pg.importBatch(info, feed)
            _ = try lite.importBatch(info, feed)
        }

        /// A queue label with a reason the standard taxonomy allows for `decision` in `policy`.
        static func draft(_ id: String, _ decision: String?, policy: String, analyst: String, kind: LabelEventKind = .label,
                          dwell: Int64? = nil, supersedes: Int64? = nil) -> LabelDraft {
            let t = Taxonomy.standard
            let offered = t.globalReasons + (t.policies.first { $0.key == policy }?.reasons ?? [])
            let reason = offered.first { r in decision.map { r.decisions?.contains($0) ?? true } ?? false }?.code
            return LabelDraft(caseID: id, kind: kind, decision: decision,
                              reasonCodes: kind == .undo ? [] : reason.map { [$0] } ?? [], note: decision.map { "n \($0)" },
                              analyst: analyst, osUser: "os-" + analyst, dwellMs: dwell, modelVersionsSeen: ["m@1"],
                              supersedes: supersedes, queuePolicy: "score")
        }
    }

    /// Whether two sums of the same doubles are equal up to rounding.
    static func close(_ a: Double, _ b: Double) -> Bool {
        abs(a - b) <= 1e-9 * max(1, abs(a), abs(b))
    }

    /// `got` with its floating-point sums replaced by `want`'s where they agree up to rounding.
    /// Those sums cannot be compared bit for bit: SQLite's are running totals its triggers keep
    /// (a label's scores added, and subtracted again on an undo or a correction, in the order
    /// the events came), PostgreSQL's are summed afresh in whatever order its scan reads the rows.
    /// Every count, key and order is compared exactly.
    static func roundedLike(_ got: Dashboard, _ want: Dashboard) -> Dashboard {
        var g = got
        for i in g.models.indices where i < want.models.count {
            if close(g.models[i].squaredErrorSum, want.models[i].squaredErrorSum) {
                g.models[i].squaredErrorSum = want.models[i].squaredErrorSum
            }
            for j in g.models[i].calibration.indices where j < want.models[i].calibration.count {
                if close(g.models[i].calibration[j].scoreSum, want.models[i].calibration[j].scoreSum) {
                    g.models[i].calibration[j].scoreSum = want.models[i].calibration[j].scoreSum
                }
            }
        }
        for i in g.comparisons.indices where i < want.comparisons.count {
            if close(g.comparisons[i].scoreDifferenceSum, want.comparisons[i].scoreDifferenceSum) {
                g.comparisons[i].scoreDifferenceSum = want.comparisons[i].scoreDifferenceSum
            }
        }
        return g
    }

    @Test func figuresAgreeWithSQLiteAtManyTimes() throws {
        let h = try History()
        // The labels' clock hour is the same throughout (see History), so every count matches.
        #expect(h.labelsFrom.milliseconds / 3_600_000 == h.labelsTo.milliseconds / 3_600_000)
        let day: Int64 = 86_400_000
        let ref = SampleGenerator.referenceTime.milliseconds, labelled = h.labelsTo.milliseconds
        // The sample's flag times (ages, inflow, breaches), the labels' days (people, outflow),
        // the window's last day with the labels on its first, and the labels just out of it.
        let times: [Int64] = [ref, ref - 9 * day, ref + 5 * day + 3_600_000, labelled, labelled - 2 * day,
                              labelled + 13 * day, labelled + 14 * day, labelled + 400 * day]
        for t in times {
            let now = Timestamp(milliseconds: t)
            let want = try h.lite.dashboardFigures(now: now)
            let got = try h.pg.dashboardFigures(now: now)
            #expect(Self.roundedLike(got, want) == want, "at \(t)")
            #expect(got.labelQualityPending && got.projects.isEmpty && got.models.allSatisfy { $0.recall == nil })
        }
        // The comparisons meant something: every part of the dashboard had figures to compare.
        let atRef = try h.pg.dashboardFigures(now: Timestamp(milliseconds: ref))
        #expect(atRef.queue.policies.contains { $0.policy == "crypto_atm" })
        #expect(atRef.queue.policies.contains { $0.breaches > 0 && $0.ages.filter { $0 > 0 }.count > 1 })
        #expect(atRef.queue.days.contains { $0.inflow > 0 } && atRef.queue.oldest.count == 10)
        #expect(atRef.queue.policies.contains { $0.decided > 0 } && atRef.queue.policies.contains { $0.escalated > 0 })
        let atLabels = try h.pg.dashboardFigures(now: h.labelsTo)
        #expect(atLabels.people.map(\.person) == History.analysts)
        #expect(atLabels.queue.policies.reduce(0) { $0 + $1.claimed } == 2) // eve's two live leases; fay's has run out
        #expect(atLabels.people.allSatisfy { $0.labels > 0 && $0.activeHours == 1 && $0.medianDwellMs != nil })
        #expect(atLabels.people.contains { $0.undos > 0 } && atLabels.queue.days.last?.outflow ?? 0 > 0)
        #expect(atLabels.models.contains { $0.labelled > 0 && $0.positivesAbove > 0 && $0.negativesAbove > 0 })
        #expect(atLabels.models.contains { !$0.decisionsBelow.isEmpty })
        #expect(atLabels.models.contains { $0.version == "0-late" && $0.labelled > 0 })
        #expect(atLabels.comparisons.contains { $0.older != "0-late" && $0.newer == "0-late" && $0.olderPositives > 0 })
        // Past the window, nobody's activity shows.
        #expect(try h.pg.dashboardFigures(now: Timestamp(milliseconds: labelled + 14 * day)).people.isEmpty)
    }

    /// The check above can fail: a label recorded on one store only changes the figures.
    @Test func aLabelOnOneStoreOnlyShows() throws {
        let h = try History()
        let open = try #require(try h.pg.queuePage(QueueQuery(policy: "gambling"), after: nil, limit: 1).first)
        try h.pg.recordLabel(History.draft(open.caseID, "violation", policy: "gambling", analyst: "ann", dwell: 100))
        let now = Timestamp.now()
        let want = try h.lite.dashboardFigures(now: now), got = try h.pg.dashboardFigures(now: now)
        #expect(Self.roundedLike(got, want) != want)
        #expect(got.people.first { $0.person == "ann" }?.labels == (want.people.first { $0.person == "ann" }?.labels ?? 0) + 1)
    }

    @Test func anEmptyStoreHasEmptyFigures() throws {
        let a = try PG.emptyDatabase()
        _ = try PostgresStore.initialize(a, password: PG.password)
        let pg = try PostgresStore(address: a, password: PG.password)
        defer { pg.close() }
        let dir = NSTemporaryDirectory() + "triage-pg-dashboard-empty-" + UUID().uuidString
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let lite = try SQLiteStore(path: dir + "/t.sqlite", create: true)
        let now = Timestamp.now()
        #expect(try pg.dashboardFigures(now: now) == (try lite.dashboardFigures(now: now)))
    }

    /// The people figures are read on a second connection while the rest is read on the first
    /// (``PostgresStore/alongside(_:side:main:)``), in the first one's snapshot: a label committed
    /// meanwhile is in neither half, however late the second connection reads.
    @Test func theSecondConnectionReadsTheSameSnapshot() throws {
        let p = try QueueContractTests.Pair()
        let row = try #require(try p.pg.queuePage(QueueQuery(), after: nil, limit: 1).first)
        let writer = try PostgresStore(address: p.pg.address, password: PG.password)
        defer { writer.close() }
        let events: @Sendable (PGConnection) throws -> Int = { c in
            try c.query("SELECT count(*) FROM label_event").first?.decode(Int.self) ?? -1
        }
        let (before, seen) = try p.pg.snapshot { c in
            try p.pg.alongside(c, side: { spare in
                Thread.sleep(forTimeInterval: 0.5)
                return try events(spare)
            }) { () -> Int in
                let n = try events(c)
                _ = try writer.recordLabel(LabelContractTests().draft(row.caseID, "violation", policy: row.policy))
                return n
            }
        }
        #expect(seen == before)
        let after = try p.pg.snapshot { c in try events(c) }
        #expect(after == before + 1)
    }

    /// triage's connections run without JIT: the dashboard's count per policy area, whose cost
    /// the planner overestimates, spent 155 ms compiling itself before 60 ms of work.
    @Test func connectionsRunWithoutJIT() throws {
        let p = try QueueContractTests.Pair()
        #expect(try p.pg.snapshot { c in try c.query("SHOW jit").first?.decode(String.self) } == "off")
    }
}
