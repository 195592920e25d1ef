import Foundation
import Testing
import TriageCore
import TriageFormats
@testable import TriagePostgres
@testable import TriageSQLite
import TriageStore

/// Increments fold: on both backends, 20 rounds of random labels, corrections, undos, project
/// labels, project corrections and undos, and adjudications, each round followed by an increment
/// (`since` the time the previous one began); applying the increments in order to a table
/// (keyed by case id for the retraining export, by label event id for a project's raw labels),
/// a row replacing and a withdrawal row deleting, gives exactly the full export.
@Suite(.serialized) struct IncrementFoldTests {
    typealias P = ProjectContractTests.P

    /// A small deterministic generator (the seed is in the failure message).
    struct Draws {
        var state: UInt64
        mutating func next(_ n: Int) -> Int {
            state &+= 0x9E37_79B9_7F4A_7C15
            var z = state
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE5_E4B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            return Int((z ^ (z >> 31)) % UInt64(max(1, n)))
        }
    }

    /// One random step on `store`; failures (a case taken meanwhile, nothing to undo) are fine.
    static func step(_ store: any CaseStore, _ draws: inout Draws, cases: [String]) {
        let id = cases[draws.next(cases.count)]
        let decisions = ["violation", "no_violation", "unsure", "escalate"]
        let decision = decisions[draws.next(decisions.count)]
        do {
            guard let detail = try store.caseDetail(caseID: id) else { return }
            switch draws.next(6) {
            case 0, 1: // an analyst decides, or corrects the current label
                let who = [P.dan, P.lee][draws.next(2)]
                _ = try store.recordLabel(LabelDraft(caseID: id, kind: .label, decision: decision, analyst: who, osUser: "os",
                                                     role: who == P.lee ? .lead : .analyst, supersedes: detail.currentLabel?.id))
            case 2: // an analyst undoes the current label
                guard let current = detail.currentLabel?.id else { return }
                _ = try store.recordLabel(LabelDraft(caseID: id, kind: .undo, decision: nil, analyst: P.dan, osUser: "os",
                                                     role: .analyst, supersedes: current))
            case 3: // a labeler labels in the project, or corrects their own live label
                let who = [P.ann, P.bea, P.cy][draws.next(3)]
                guard let claimed = try store.claimNext(inProject: "p", labeler: who, lease: 60, skipping: []) else { return }
                let mine = CurrentLabel.live(try store.labelEvents(caseID: claimed), project: "p")
                    .last { $0.kind == .label && $0.analyst == who }
                _ = try store.recordLabel(LabelDraft(caseID: claimed, kind: .label, decision: decision, analyst: who, osUser: "os",
                                                     role: .labeler, blind: true, supersedes: mine?.id, project: "p"))
            case 4: // a labeler undoes their own live project label
                for who in [P.ann, P.bea, P.cy] {
                    if let mine = CurrentLabel.live(detail.labels, project: "p").last(where: { $0.kind == .label && $0.analyst == who }) {
                        _ = try store.recordLabel(LabelDraft(caseID: id, kind: .undo, decision: nil, analyst: who, osUser: "os",
                                                             role: .labeler, supersedes: mine.id, project: "p"))
                        return
                    }
                }
            default: // the lead adjudicates, replacing a live adjudication
                let live = CurrentLabel.live(detail.labels, project: "p").last { $0.kind == .adjudication }
                _ = try store.recordLabel(LabelDraft(caseID: id, kind: .adjudication, decision: decision, analyst: P.lee, osUser: "os",
                                                     role: .lead, supersedes: live?.id, project: "p"))
            }
        } catch {}
    }

    /// What a row says, for comparing a folded table with the full export.
    static func shape(_ r: ExportRow) -> String {
        "\(r.caseID) #\(r.label.id ?? -1) \(r.label.kind) \(r.label.decision ?? "-") \(r.label.analyst)"
    }

    /// Runs the property on `store`.
    static func folds(_ store: any CaseStore, seed: UInt64) throws {
        var draws = Draws(state: seed)
        let cases = try store.queuePage(QueueQuery(status: nil), after: nil, limit: 40).map(\.caseID)
        var byCase: [String: String] = [:]       // the retraining export, keyed by case id
        var byEvent: [Int64: String] = [:]       // the project's raw labels, keyed by label event id
        var since: Timestamp?
        var withdrawals = 0
        for _ in 0..<20 {
            for _ in 0..<(3 + draws.next(10)) { step(store, &draws, cases: cases) }
            let started = Timestamp.now()
            _ = try store.exportLabels(since: since) { row in
                if row.withdrawal != nil { byCase[row.caseID] = nil; withdrawals += 1 } else { byCase[row.caseID] = shape(row) }
            }
            _ = try store.exportProjectLabels("p", since: since) { row in
                let key = row.label.id ?? -1
                if row.withdrawal != nil { byEvent[key] = nil; withdrawals += 1 } else { byEvent[key] = shape(row) }
            }
            since = started
        }
        var fullCases: [String: String] = [:], fullEvents: [Int64: String] = [:]
        _ = try store.exportLabels(since: nil) { row in
            #expect(row.withdrawal == nil)
            fullCases[row.caseID] = shape(row)
        }
        _ = try store.exportProjectLabels("p", since: nil) { fullEvents[$0.label.id ?? -1] = shape($0) }
        #expect(byCase == fullCases, "seed \(seed) on \(store.location)")
        #expect(byEvent == fullEvents, "seed \(seed) on \(store.location)")
        // The property was tried on something: labels, and withdrawals of corrected or undone ones.
        #expect(fullCases.count > 5 && fullEvents.count > 5 && withdrawals > 5, "\(fullCases.count) \(fullEvents.count) \(withdrawals)")
    }

    @Test(arguments: [UInt64(1), 7, 42])
    func incrementsFoldIntoTheFullExport(seed: UInt64) throws {
        let pair = try ProjectContractTests.Pair(cases: 60)
        for store in [pair.lite, pair.pg] as [any CaseStore] {
            _ = try store.createProject(ProjectContractTests.draft("p", policy: nil, overlap: 3, limit: 40), actor: P.lee)
            try Self.folds(store, seed: seed)
        }
    }

    /// Without the withdrawal rows the fold keeps labels that were undone or corrected: the
    /// property fails, so it tests something.
    @Test func withoutWithdrawalsTheFoldKeepsUndoneLabels() throws {
        let pair = try ProjectContractTests.Pair(cases: 10)
        let store = pair.lite
        let id = try store.queuePage(QueueQuery(), after: nil, limit: 1)[0].caseID
        let first = try store.recordLabel(LabelDraft(caseID: id, kind: .label, decision: "violation", analyst: P.dan, osUser: "os",
                                                     role: .analyst))
        var table: [String: Int64] = [:]
        _ = try store.exportLabels(since: nil) { table[$0.caseID] = $0.label.id }
        let since = Timestamp.now()
        _ = try store.recordLabel(LabelDraft(caseID: id, kind: .undo, decision: nil, analyst: P.dan, osUser: "os", role: .analyst,
                                             supersedes: first.id))
        var rows: [ExportRow] = []
        _ = try store.exportLabels(since: since) { rows.append($0) }
        #expect(rows.count == 1 && rows[0].withdrawal?.byEvent == (first.id ?? 0) + 1 && rows[0].label.id == first.id)
        for r in rows where r.withdrawal == nil { table[r.caseID] = r.label.id }
        #expect(table[id] == first.id, "ignoring withdrawals keeps the undone label")
        for r in rows where r.withdrawal != nil { table[r.caseID] = nil }
        #expect(table[id] == nil)
    }
}
