import Foundation
import GRDB
import Testing
import TriageCore
import TriageFormats
import TriageSQLite
import TriageStore

/// Queue pages in both directions, counts and the data version, on a real database file.
@Suite struct QueueTests {
    /// `n` realistic sample cases (several policies and countries), with ties on every sort key:
    /// every 5th case has the same score and threshold (so the same margin), every 7th the same
    /// flag time. A few are decided or escalated, so status filters have something to filter.
    static func loaded(_ n: Int = 157) throws -> TempDB {
        let t = try TempDB()
        let gen = SampleGenerator(seed: 11)
        var records = (0..<n).map { gen.record(at: $0) }
        for i in records.indices {
            if i % 5 == 0 { records[i].scores = [ModelScore(model: "tie", version: "1", score: 0.9, threshold: 0.5)] }
            if i % 7 == 0 { records[i].flaggedAt = Timestamp.parse("2026-11-10T09:00:00Z") }
        }
        try write(records, to: t.store)
        for i in stride(from: 3, to: n, by: 11) {
            let id = records[i].caseID
            if i % 2 == 0 {
                try t.store.recordLabel(draft(id, "no_violation", reasons: ["insufficient_evidence"]))
            } else {
                try t.store.recordLabel(draft(id, "escalate", reasons: ["needs_specialist"]))
            }
        }
        return t
    }

    /// Writes records through the store's import API in one batch (no file, no validation).
    static func write(_ records: [CaseRecord], to store: SQLiteStore) throws {
        let info = ImportBatchInfo(fileName: "test", format: "jsonl", startedAt: .now(), importedBy: "tester")
        _ = try store.importBatch(info) { sink in
            for r in records { _ = try sink.write(PreparedCase(r, policy: r.policy ?? "gambling")) }
            return ImportFeedResult(commit: true, sha256: "")
        }
    }

    /// The whole queue, paging forward `size` rows at a time.
    func forward(_ store: SQLiteStore, _ q: QueueQuery, size: Int) throws -> [QueueRow] {
        var all: [QueueRow] = []
        var cursor: QueueCursor?
        while true {
            let page = try store.queuePage(q, after: cursor, limit: size)
            all += page
            guard page.count == size, let last = page.last else { return all }
            cursor = last.cursor(for: q.sort)
        }
    }

    /// The whole queue, paging backwards from the end `size` rows at a time; every page must come in
    /// queue order and meet the previous one exactly.
    func backward(_ store: SQLiteStore, _ q: QueueQuery, size: Int) throws -> [QueueRow] {
        var all: [QueueRow] = []
        var cursor: QueueCursor?
        while true {
            let page = try store.queuePage(q, before: cursor, limit: size)
            all = page + all
            guard page.count == size, let first = page.first else { return all }
            cursor = first.cursor(for: q.sort)
        }
    }

    /// Whether `a` comes strictly before `b` in the queue order of `sort`, computed here from the rows.
    func precedes(_ a: QueueRow, _ b: QueueRow, _ sort: QueueSort) -> Bool {
        switch sort {
        case .score: return (a.score, a.rowID) > (b.score, b.rowID)
        case .age: return (a.flaggedAt!.milliseconds, a.rowID) < (b.flaggedAt!.milliseconds, b.rowID)
        case .uncertainty:
            let ma = abs(a.score - (a.threshold ?? 0.5)), mb = abs(b.score - (b.threshold ?? 0.5))
            return (ma, a.rowID) < (mb, b.rowID)
        }
    }

    @Test(arguments: QueueSort.allCases)
    func pagingBackwardsMeetsEveryRowOfTheForwardWalk(sort: QueueSort) throws {
        let t = try Self.loaded()
        for status in [CaseStatus.open, nil] {
            let q = QueueQuery(status: status, sort: sort)
            let all = try forward(t.store, q, size: 1000)
            #expect(all.count == (status == nil ? 157 : 157 - 14))
            // The order is the one the sort promises, ties broken by row id.
            #expect(zip(all, all.dropFirst()).allSatisfy { precedes($0, $1, sort) })
            for size in [1, 3, 8, 13, 1000] {
                #expect(try forward(t.store, q, size: size) == all, "forward by \(size)")
                let back = try backward(t.store, q, size: size)
                #expect(back == all, "backward by \(size), \(sort), \(String(describing: status))")
            }
            // Walking one page back from anywhere gives the rows just above, in queue order.
            for i in stride(from: 0, to: all.count, by: 9) {
                let before = try t.store.queuePage(q, before: all[i].cursor(for: sort), limit: 5)
                #expect(before == Array(all[max(0, i - 5)..<i]))
            }
        }
    }

    @Test func theLastPage() throws {
        let t = try Self.loaded()
        for sort in QueueSort.allCases {
            let q = QueueQuery(sort: sort)
            let all = try forward(t.store, q, size: 1000)
            #expect(try t.store.queuePage(q, before: nil, limit: 8) == Array(all.suffix(8)))
            #expect(try t.store.queuePage(q, before: nil, limit: 1) == [all.last!])
            #expect(try t.store.queuePage(q, before: nil, limit: 10_000) == all)
            #expect(try t.store.queuePage(q, before: all[0].cursor(for: sort), limit: 8) == [])
            #expect(try t.store.queuePage(q, before: nil, limit: 0) == [])
            #expect(try t.store.queuePage(q, after: nil, limit: 0) == [])
        }
        let empty = try TempDB()
        #expect(try empty.store.queuePage(QueueQuery(), before: nil, limit: 8) == [])
        #expect(try empty.store.queueCount(QueueQuery()) == 0)
    }

    @Test func aCursorNeedNotBeAQueueRowAnyMore() throws {
        let t = try Self.loaded()
        let q = QueueQuery()
        let all = try forward(t.store, q, size: 1000)
        let gone = all[20]
        try t.store.recordLabel(draft(gone.caseID, "no_violation", reasons: ["insufficient_evidence"]))
        #expect(try t.store.queuePage(q, before: gone.cursor(for: .score), limit: 3) == Array(all[17..<20]))
        #expect(try t.store.queuePage(q, after: gone.cursor(for: .score), limit: 3) == Array(all[21..<24]))
    }

    @Test func filtersApplyBothWaysAndToTheCount() throws {
        let t = try Self.loaded()
        let everything = try forward(t.store, QueueQuery(status: nil), size: 1000)
        let policies = Set(everything.map(\.policy)).sorted()
        let countries = Set(everything.compactMap(\.country)).sorted()
        #expect(policies.count > 2 && countries.count > 2)
        var queries: [QueueQuery] = []
        for sort in QueueSort.allCases {
            queries += [
                QueueQuery(status: nil, sort: sort),
                QueueQuery(status: .open, sort: sort),
                QueueQuery(status: .decided, sort: sort),
                QueueQuery(status: .escalated, sort: sort),
                QueueQuery(policy: policies[0], sort: sort),
                QueueQuery(policy: policies[1], status: nil, country: countries[0], sort: sort),
                QueueQuery(country: countries[1], minScore: 0.5, sort: sort),
                QueueQuery(minScore: 0.3, maxScore: 0.9, sort: sort),
                QueueQuery(status: nil, minScore: 0.9, maxScore: 0.9, sort: sort),
                QueueQuery(policy: "no-such-policy", sort: sort),
            ]
        }
        for q in queries {
            let expected = everything.filter { r in
                (q.status == nil || r.status == q.status) && (q.policy == nil || r.policy == q.policy)
                    && (q.country == nil || r.country == q.country)
                    && (q.minScore.map { r.score >= $0 } ?? true) && (q.maxScore.map { r.score <= $0 } ?? true)
            }
            let rows = try forward(t.store, q, size: 7)
            #expect(Set(rows.map(\.caseID)) == Set(expected.map(\.caseID)), "\(q)")
            #expect(try backward(t.store, q, size: 7) == rows, "\(q)")
            #expect(try t.store.queuePage(q, before: nil, limit: 4) == Array(rows.suffix(4)), "\(q)")
            #expect(try t.store.queueCount(q) == expected.count, "\(q)")
        }
        // The ties are there: every 5th case scores exactly 0.9.
        #expect(try t.store.queueCount(QueueQuery(status: nil, minScore: 0.9, maxScore: 0.9)) >= 157 / 5)
    }

    /// A search with few matches (at most `SQLiteStore.fewMatches`) is read from its matches, one
    /// with many down the sort order's index: both must give the same pages, both ways, and counts.
    @Test func searchesWithFewAndManyMatchesPageAlike() throws {
        let t = try TempDB()
        let gen = SampleGenerator(seed: 5)
        let n = SQLiteStore.fewMatches + 120
        var records = (0..<n).map { gen.record(at: $0) }
        for i in records.indices {
            records[i].merchant.name = "Commonword \(i % 13 == 0 ? "Rareword" : "Shop") \(i)"
            if i % 5 == 0 { records[i].scores = [ModelScore(model: "tie", version: "1", score: 0.9, threshold: 0.5)] }
        }
        try Self.write(records, to: t.store)
        for id in records.prefix(40).map({ $0.caseID }) { try t.store.recordLabel(draft(id, "no_violation", reasons: ["insufficient_evidence"])) }
        for word in ["commonword", "rareword", "rarew", "nosuchword"] {
            for sort in QueueSort.allCases {
                let everything = try forward(t.store, QueueQuery(status: nil, sort: sort), size: 1000)
                for status in [CaseStatus.open, nil] {
                    let q = QueueQuery(status: status, sort: sort, search: word)
                    let expected = everything.filter {
                        $0.merchantName.lowercased().contains(word) && (status == nil || $0.status == status)
                    }
                    let rows = try forward(t.store, q, size: 17)
                    #expect(rows == expected, "\(q)")
                    #expect(try backward(t.store, q, size: 17) == rows, "\(q)")
                    #expect(try t.store.queueCount(q) == expected.count, "\(q)")
                }
            }
        }
        #expect(try t.store.queueCount(QueueQuery(status: nil, search: "commonword")) == n)
        #expect(try t.store.queueCount(QueueQuery(status: nil, search: "rareword")) == (n + 12) / 13)
    }

    @Test func theCountFollowsLabels() throws {
        let t = try Self.loaded(20)
        let open = try t.store.queueCount(QueueQuery())
        let first = try #require(try t.store.queuePage(QueueQuery(), after: nil, limit: 1).first)
        try t.store.recordLabel(draft(first.caseID, "no_violation", reasons: ["insufficient_evidence"]))
        #expect(try t.store.queueCount(QueueQuery()) == open - 1)
        #expect(try t.store.queueCount(QueueQuery(status: nil)) == 20)
    }

    @Test func theDataVersionChangesOnlyWhenSomeoneCommits() throws {
        let t = try Self.loaded(10)
        let v0 = try t.store.dataVersion()
        // Reads, here or elsewhere, commit nothing.
        _ = try t.store.queuePage(QueueQuery(), after: nil, limit: 5)
        _ = try t.store.queueCount(QueueQuery())
        #expect(try t.store.dataVersion() == v0)
        #expect(try t.store.dataVersion() == v0)

        // Another store instance on the same file (another process, as far as SQLite can tell).
        let other = try SQLiteStore(path: t.path, create: false)
        _ = try other.queuePage(QueueQuery(), after: nil, limit: 5)
        #expect(try t.store.dataVersion() == v0)
        let id = try #require(try other.queuePage(QueueQuery(), after: nil, limit: 1).first?.caseID)
        try other.recordLabel(draft(id, "escalate", reasons: ["needs_specialist"]))
        let v1 = try t.store.dataVersion()
        #expect(v1 != v0)
        #expect(try t.store.dataVersion() == v1)
        try Self.write([SampleGenerator(seed: 5).record(at: 500)], to: other)
        let v2 = try t.store.dataVersion()
        #expect(v2 != v1)

        // This store's own writes count too: they go through another connection.
        let id2 = try #require(try t.store.queuePage(QueueQuery(), after: nil, limit: 1).first?.caseID)
        try t.store.recordLabel(draft(id2, "escalate", reasons: ["needs_specialist"]))
        let v3 = try t.store.dataVersion()
        #expect(v3 != v2)
        #expect(try t.store.dataVersion() == v3)
        // A rolled-back import commits nothing.
        let info = ImportBatchInfo(fileName: "x", format: "jsonl", startedAt: .now(), importedBy: "tester")
        _ = try? other.importBatch(info) { sink in
            _ = try sink.write(PreparedCase(SampleGenerator(seed: 5).record(at: 501), policy: "gambling"))
            return ImportFeedResult(commit: false, sha256: "")
        }
        #expect(try t.store.dataVersion() == v3)
    }
}

extension QueueTests {
    /// The country filter counts and pages on its own index, never by scanning every open case
    /// (what made it cost 0.2 s at 1,000,000 cases).
    @Test func theCountryFilterUsesItsIndex() throws {
        let t = try TempDB()
        let q = try DatabaseQueue(path: t.path)
        let plans = try q.read { db in
            try ["SELECT count(*) FROM cases c WHERE c.status = 'open' AND c.merchant_country = 'US'",
                 "SELECT c.id FROM cases c WHERE c.status = 'open' AND c.merchant_country = 'US' ORDER BY c.score DESC, c.id DESC LIMIT 48"]
                .map { sql in try Row.fetchAll(db, sql: "EXPLAIN QUERY PLAN " + sql).map { $0["detail"] as String }.joined(separator: "; ") }
        }
        for plan in plans {
            #expect(plan.contains("cases_by_country_score") && !plan.contains("TEMP B-TREE"), "\(plan)")
        }
    }
}
