import Foundation
import Testing
import TriageCore
import TriageFormats
@testable import TriagePostgres
import TriageStore
import TriageTestSupport

/// The dashboard's counters on PostgreSQL (``PGSchema/aggregates``: model quality, cases per
/// policy area, people) are what a recount from the rows gives, after imports by COPY, labels,
/// corrections, undos and a re-import that re-scores cases, moves some to another policy area
/// and brings a new model version.
@Suite(.serialized) struct AggregateTests {
    typealias Pair = QueueContractTests.Pair
    let labels = LabelContractTests()

    /// Every counter row that is not zero, as text (sums rounded: a running sum and a recount may
    /// differ in the last bits).
    func counters(_ db: String) throws -> [String] {
        try PG.cluster.psql("""
            SELECT 'v ' || model || ' ' || version || ' ' || n || ' ' || first_batch FROM agg_model_version WHERE n <> 0
            UNION ALL SELECT 'o ' || model || ' ' || version || ' ' || decision || ' ' || above || ' ' || bin || ' ' || n
                || ' ' || round(score_sum::numeric, 6) || ' ' || round(score_sq::numeric, 6) FROM agg_outcome_bin WHERE n <> 0
            UNION ALL SELECT 'p ' || model || ' ' || va || ' ' || vb || ' ' || n || ' ' || both_flag || ' ' || a_only || ' ' || b_only
                || ' ' || round(diff_sum::numeric, 6) FROM agg_version_pair WHERE n <> 0
            UNION ALL SELECT 'c ' || policy || ' ' || n FROM agg_policy_cases WHERE n <> 0
            UNION ALL SELECT 'e ' || analyst || ' ' || day || ' ' || track || ' ' || kind || ' ' || decision || ' ' || n
                FROM agg_person_day WHERE n <> 0
            UNION ALL SELECT 'h ' || analyst || ' ' || hour FROM agg_person_hour
            UNION ALL SELECT 'w ' || analyst || ' ' || day || ' ' || bucket || ' ' || n FROM agg_dwell WHERE n <> 0
            UNION ALL SELECT 'd ' || model || ' ' || va || ' ' || vb || ' ' || decision || ' ' || a_flag || ' ' || b_flag || ' ' || n
                FROM agg_version_pair_decision WHERE n <> 0
            ORDER BY 1
            """, database: db).split(separator: "\n").map(String.init)
    }

    @Test func theCountersAgreeWithARecount() throws {
        let p = try Pair()
        let db = p.pg.address.database
        let rows = try p.pg.queuePage(QueueQuery(), after: nil, limit: 40)
        var events: [String: Int64] = [:]
        for (i, r) in rows.enumerated() {
            let decision = i % 3 == 0 ? "escalate" : i % 3 == 1 ? "no_violation" : "violation"
            var draft = labels.draft(r.caseID, decision, policy: r.policy)
            draft.dwellMs = i % 4 == 3 ? nil : Int64(i) * 1_700
            events[r.caseID] = try p.pg.recordLabel(draft).id
        }
        // Corrections and undos move cases between decisions and out of the counts.
        for r in rows.prefix(6) {
            events[r.caseID] = try p.pg.recordLabel(labels.draft(r.caseID, "no_violation", policy: r.policy,
                                                                 supersedes: events[r.caseID])).id
        }
        for r in rows.dropFirst(6).prefix(4) {
            _ = try p.pg.recordLabel(labels.draft(r.caseID, nil, policy: r.policy, kind: .undo, supersedes: events[r.caseID]))
        }
        // A re-import: a third of the cases re-scored under their first model's version, and a new version of it.
        let records = (0..<150).map { SampleGenerator(seed: 5).record(at: $0) }
        let rescored = records.enumerated().compactMap { i, r -> CaseRecord? in
            guard i % 3 == 0 else { return nil }
            var x = r
            // Every other one moves to another policy area.
            if i % 6 == 0 { x.policy = r.policy == "weapons" ? "fraud" : "weapons" }
            x.scores = [ModelScore(model: r.scores[0].model, version: r.scores[0].version, score: 1 - r.scores[0].score,
                                   threshold: r.scores[0].threshold),
                        ModelScore(model: r.scores[0].model, version: "v99", score: 0.999, threshold: 0.5)]
            return x
        }
        _ = try p.pg.importBatch(ImportBatchInfo(fileName: "again", format: "jsonl", startedAt: .now(), importedBy: "t")) { sink in
            for r in rescored { _ = try sink.write(PreparedCase(r, policy: r.policy ?? "gambling")) }
            return ImportFeedResult(commit: true, sha256: "")
        }
        let kept = try counters(db)
        #expect(kept.contains { $0.hasPrefix("p ") && $0.contains(" v99 ") }, "no pair with the new version: \(kept)")
        #expect(kept.contains { $0.hasPrefix("d ") }, "no decided pair: \(kept)")
        #expect(kept.filter { $0.hasPrefix("o ") }.count > 5)
        #expect(kept.filter { $0.hasPrefix("c ") }.count > 1)
        #expect(kept.contains { $0.hasPrefix("e ") && $0.hasSuffix(" undo  4") }, "no undos counted: \(kept)")
        #expect(kept.contains { $0.hasPrefix("h ") } && kept.contains { $0.hasPrefix("w ") })
        try PG.cluster.psql("SELECT triage_recompute_aggregates()", database: db)
        #expect(try counters(db) == kept)
    }
}
