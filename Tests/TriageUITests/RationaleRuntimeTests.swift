import Foundation
import TriageCore
import TriageSQLite
import TriageStore
import Testing
@testable import TriageUI

/// Asking for a rationale and rating it through the runtime, on a real SQLite file, with a
/// generator that streams scripted pieces (the HTTP side is tested end to end elsewhere).
@Suite(.ownExecutor) struct RationaleRuntimeTests {
    /// Streams `pieces` with `delay` seconds between them; fails with `failure` when set.
    struct ScriptedGenerator: RationaleGenerator {
        var pieces: [String]
        var delay: Double = 0
        var failure: String?
        var summary: String { "scripted-llm at test" }

        struct Failed: Error, CustomStringConvertible { var description: String }

        func generate(for detail: CaseDetail, policy: PolicyArea?, requestedBy: String,
                      onEvent: @escaping @Sendable (RationaleStreamEvent) -> Void) async throws -> Rationale {
            onEvent(.retrying(attempt: 1, reason: "503 overloaded", delay: 0))
            for p in pieces {
                if delay > 0 { try await Task.sleep(nanoseconds: UInt64(delay * 1e9)) }
                try Task.checkCancellation()
                onEvent(.text(p))
            }
            if let failure { throw Failed(description: failure) }
            let text = pieces.joined()
            return Rationale(model: "scripted-llm", promptVersion: "rationale-v1", text: text, evidenceIDs: CitationCheck.citations(in: text),
                             createdAt: .now(), origin: .generated,
                             generation: RationaleGeneration(latencyMs: 42, promptTokens: 100, completionTokens: 20, requestedBy: requestedBy))
        }
    }

    func bench(_ generator: (any RationaleGenerator)?) throws -> (TempStore, WorkbenchRuntime) {
        let db = try TempStore(cases: 10)
        var options = WorkbenchOptions(analyst: "ana", databaseName: "cases.sqlite", osUser: "ana_os")
        options.rationaleGenerator = generator
        let r = WorkbenchRuntime(store: db.store, options: options, size: TerminalSize(width: 120, height: 40))
        r.start()
        return (db, r)
    }

    func screen(_ r: WorkbenchRuntime) -> String { r.frame().renderText() }

    @Test func theReplyStreamsIntoTheDetailAndIsStoredWithItsCitationsChecked() async throws {
        let pieces = ["Real-money ", "slots ", "are ", "offered ", "[e1]", "; see ", "also ", "[e99]", "."]
        let gen = ScriptedGenerator(pieces: pieces, delay: 0.1)
        let (db, r) = try bench(gen)
        let caseID = try #require(r.state.selectedRow?.caseID)
        let before = try #require(try db.store.caseDetail(caseID: caseID)).rationales.count
        r.handle(key: .char("a"))
        #expect(r.state.rationaleRequest?.caseID == caseID)
        #expect(r.isBusy)
        // Part of the text arrives while the analyst can still move around.
        var sawPartial = false
        let deadline = Date().addingTimeInterval(120)
        while r.isBusy && Date() < deadline {
            r.poll()
            if let t = r.state.rationaleRequest?.text, !t.isEmpty, t.count < pieces.joined().count {
                sawPartial = true
                #expect(screen(r).contains("asking scripted-llm at test"))
            }
            try await Task.sleep(nanoseconds: 10_000_000)
        }
        await r.waitForBackground(timeout: 120)
        #expect(sawPartial)
        #expect(r.state.rationaleRequest == nil)
        let detail = try #require(try db.store.caseDetail(caseID: caseID))
        #expect(detail.rationales.count == before + 1)
        let stored = try #require(detail.rationales.last)
        #expect(stored.origin == .generated && stored.text == "Real-money slots are offered [e1]; see also [e99].")
        #expect(stored.evidenceIDs == ["e1", "e99"] && stored.generation?.requestedBy == "ana")
        // The status names the invented id; the detail shows the new rationale with its number.
        let status = try #require(r.state.status)
        #expect(status.kind == .error && status.text.contains("invented evidence ids: e99"), "\(status)")
        #expect(screen(r).contains("Rationale #\(stored.id!)"))
    }

    @Test func xStopsItAndNothingIsStored() async throws {
        let (db, r) = try bench(ScriptedGenerator(pieces: Array(repeating: "word ", count: 200), delay: 0.02))
        let caseID = try #require(r.state.selectedRow?.caseID)
        let before = try #require(try db.store.caseDetail(caseID: caseID)).rationales.count
        r.handle(key: .char("a"))
        try await Task.sleep(nanoseconds: 100_000_000)
        r.handle(key: .char("j")) // the analyst keeps working meanwhile
        r.handle(key: .char("x"))
        await r.waitForBackground(timeout: 120)
        #expect(r.state.rationaleRequest == nil)
        #expect(r.state.status?.text.contains("stopped") == true, "\(String(describing: r.state.status))")
        #expect(try db.store.caseDetail(caseID: caseID)?.rationales.count == before)
    }

    @Test func aFailureIsShownAndNothingIsStored() async throws {
        let (db, r) = try bench(ScriptedGenerator(pieces: ["half "], failure: "the LLM endpoint answered 500\u{1B}[2J"))
        let caseID = try #require(r.state.selectedRow?.caseID)
        let before = try #require(try db.store.caseDetail(caseID: caseID)).rationales.count
        r.handle(key: .char("a"))
        await r.waitForBackground(timeout: 120)
        let status = try #require(r.state.status)
        #expect(status.kind == .error && status.text.contains("answered 500") && !status.text.contains("\u{1B}"))
        #expect(try db.store.caseDetail(caseID: caseID)?.rationales.count == before)
    }

    @Test func withoutAnEndpointTheKeySaysHowToConfigureOne() throws {
        let (_, r) = try bench(nil)
        r.handle(key: .char("a"))
        #expect(r.state.status?.text.contains("no LLM endpoint is configured") == true)
        #expect(!r.isBusy && r.state.rationaleRequest == nil)
    }

    @Test func rIsRatingTheNewestRationaleWithTags() throws {
        let (db, r) = try bench(nil)
        let detail = try #require(r.state.selectedDetail)
        let id = try #require(detail.rationales.last?.id)
        r.handle(key: .char("R"))
        #expect(screen(r).contains("rate rationale #\(id): y helpful"))
        r.handle(key: .char("n"))
        r.handle(key: .char("1"))
        r.handle(key: .char("3"))
        r.handle(key: .char("3"))
        r.handle(key: .char("3"))
        #expect(screen(r).contains("[x]1 hallucinated evidence"))
        r.handle(key: .enter)
        #expect(r.state.rating == nil)
        var rows: [RationaleFeedbackRow] = []
        try db.store.exportRationaleFeedback(since: nil) { rows.append($0) }
        #expect(rows.count == 1)
        #expect(rows.first?.feedback.rationaleID == id && rows.first?.feedback.helpful == false)
        #expect(rows.first?.feedback.tags == [.hallucinatedEvidence, .tooVague])
        #expect(rows.first?.feedback.analyst == "ana" && rows.first?.feedback.osUser == "ana_os")
        // Esc cancels without storing.
        r.handle(key: .char("R"))
        r.handle(key: .char("y"))
        r.handle(key: .escape)
        #expect(r.state.rating == nil)
        #expect(try db.store.exportRationaleFeedback(since: nil) { _ in } == 1)
    }
}
