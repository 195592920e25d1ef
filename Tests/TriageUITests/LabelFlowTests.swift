import TriageCore
import TriageStore
import Testing
@testable import TriageUI

/// Labelling through `Workbench.update`, on plain values: decision key → reason picker → note →
/// the commit effect; Esc, undo, skip, and quitting with a half-typed note.
@Suite struct LabelFlowTests {
    /// c_101 (gambling, open: no label yet) selected, with the standard taxonomy loaded.
    func labelling() -> WorkbenchState {
        var s = Fixtures.state(width: 80, height: 24, detail: Fixtures.openLuckyStar)
        s.osUser = "ana_os"
        _ = Workbench.update(&s, .taxonomyLoaded(Taxonomy.standard))
        return s
    }

    /// Presses `keys` the way the runtime does: through `Workbench.action(for:in:)`.
    func press(_ s: inout WorkbenchState, _ keys: Key...) -> [Effect] {
        var effects: [Effect] = []
        for k in keys {
            guard let a = Workbench.action(for: k, in: s) else { continue }
            effects += Workbench.update(&s, a)
        }
        return effects
    }

    func type(_ s: inout WorkbenchState, _ text: String) {
        for c in text { _ = press(&s, .char(c)) }
    }

    @Test func theDecisionKeysAreInTheKeymapOnceTheTaxonomyIsLoaded() {
        let s = labelling()
        for (key, decision) in [("v", "violation"), ("n", "no_violation"), ("u", "unsure"), ("e", "escalate")] {
            guard case .decide(let d)? = s.keymap.action(for: .char(Character(key))) else {
                Issue.record("\(key) is not bound"); continue
            }
            #expect(d == decision)
        }
        #expect(s.keymap.hints.contains { $0.keys == "v/n/u/e" && $0.text == "decide" })
        if case .undo? = s.keymap.action(for: .char("z")) {} else { Issue.record("z is not undo") }
        if case .skip? = s.keymap.action(for: .char("s")) {} else { Issue.record("s is not skip") }
    }

    @Test func decideReasonsNoteAndCommit() {
        var s = labelling()
        #expect(press(&s, .char("v")).isEmpty)
        let flow = try! #require(s.labelFlow)
        #expect(flow.caseID == "c_101" && flow.decision.key == "violation" && flow.stage == .reasons)
        // Gambling's reasons for a violation, then the global ones that apply.
        #expect(flow.reasons.map(\.code) == ["unlicensed_gambling", "sweepstakes_disguise", "website_down"])
        // Hotkeys toggle; several can be picked.
        _ = press(&s, .char("2"), .char("1"), .char("w"), .char("w"))
        #expect(s.labelFlow?.selectedCodes == ["unlicensed_gambling", "sweepstakes_disguise"])
        _ = press(&s, .enter)
        #expect(s.labelFlow?.stage == .note)
        // Text, with accents, CJK and emoji; Backspace removes one character (a whole grapheme).
        type(&s, "Café 日本 no licence xx")
        _ = press(&s, .backspace, .backspace, .backspace)
        type(&s, " 🎰")
        _ = press(&s, .backspace)
        type(&s, "👍🏽")
        #expect(s.labelFlow?.note == "Café 日本 no licence 👍🏽")
        // Keys the keymap binds (q, j, v…) are text in the note field.
        _ = press(&s, .char("q"), .backspace)
        #expect(s.labelFlow?.note == "Café 日本 no licence 👍🏽" && !s.quitRequested)
        let effects = press(&s, .enter)
        let expected = LabelDraft(caseID: "c_101", kind: .label, decision: "violation",
                                  reasonCodes: ["unlicensed_gambling", "sweepstakes_disguise"],
                                  note: "Café 日本 no licence 👍🏽", analyst: "ana", osUser: "ana_os", role: .analyst,
                                  blind: false,
                                  modelVersionsSeen: ["supportability-xgb@2026-10-01", "supportability-xgb@2026-11-01",
                                                      "fraud-gbm@v3"],
                                  supersedes: nil, queuePolicy: "score") // the queue's order served it
        #expect(effects == [.recordLabel(expected)])
        #expect(s.labelFlow == nil)
        #expect(s.status?.text.contains("saved") != true) // not before the store says so
    }

    /// A case that already has a live label is never decided again unawares: the decision key
    /// asks first, naming whose label it is; n (or Esc) leaves it, y goes on and the label
    /// supersedes it. A labeler is told they cannot.
    @Test func decidingALabelledCaseAsksToCorrectItFirst() {
        var bobs = Fixtures.luckyStar // its current label is event 2
        for i in bobs.labels.indices { bobs.labels[i].analyst = "bob" }
        var s = Fixtures.state(width: 120, height: 40, detail: bobs)
        _ = Workbench.update(&s, .taxonomyLoaded(Taxonomy.standard))
        #expect(press(&s, .char("n")).isEmpty)
        guard case .confirmCorrection(let c)? = s.labelFlow?.stage else {
            Issue.record("no question: \(String(describing: s.labelFlow?.stage))"); return
        }
        #expect(c.eventID == 2 && c.author == "bob" && !c.own)
        let bar = Workbench.render(s).rowText(39)
        #expect(bar.contains("Correct bob's violation (#2)? y/n"), "\(bar)")
        // Keys other than y/n do nothing: no reason gets ticked, no text typed.
        #expect(press(&s, .char("1"), .enter).isEmpty)
        #expect(s.labelFlow?.selected.isEmpty == true)
        _ = press(&s, .char("n"))
        #expect(s.labelFlow == nil && s.status?.text.contains("left as it is: bob's violation (#2)") == true)
        // Asked again, and confirmed: the label supersedes bob's.
        _ = press(&s, .char("n"), .char("y"))
        #expect(s.labelFlow?.stage == .reasons)
        let effects = press(&s, .enter, .enter)
        guard case .recordLabel(let draft)? = effects.first else { Issue.record("\(effects)"); return }
        #expect(draft.supersedes == 2 && draft.decision == "no_violation")
        // Your own label: "your".
        var own = Fixtures.state(width: 120, height: 40)
        _ = Workbench.update(&own, .taxonomyLoaded(Taxonomy.standard))
        _ = press(&own, .char("v"))
        #expect(Workbench.render(own).rowText(39).contains("Correct your violation (#2)? y/n"))
        // A labeler in the analyst queue is told, and nothing opens.
        var labeler = Fixtures.state(width: 120, height: 40, detail: bobs)
        labeler.role = .labeler
        _ = Workbench.update(&labeler, .taxonomyLoaded(Taxonomy.standard))
        _ = press(&labeler, .char("v"))
        #expect(labeler.labelFlow == nil && labeler.status?.text.contains("labelers label in labelling projects") == true)
    }

    @Test func enterEnterCommitsWithoutReasonsOrNote() {
        var s = labelling()
        let effects = press(&s, .char("n"), .enter, .enter)
        guard case .recordLabel(let d)? = effects.first, effects.count == 1 else {
            Issue.record("expected one commit, got \(effects)"); return
        }
        #expect(d.decision == "no_violation" && d.reasonCodes.isEmpty && d.note == nil)
    }

    @Test func escCancelsTheWholeLabelAtEitherStage() {
        var s = labelling()
        #expect(press(&s, .char("v"), .char("1"), .escape).isEmpty)
        #expect(s.labelFlow == nil && s.status?.text == "label cancelled")
        // With words typed, Esc asks first; y discards.
        #expect(press(&s, .char("e"), .enter, .char("x"), .escape).isEmpty)
        #expect(s.labelFlow?.stage == .confirmDiscard)
        #expect(press(&s, .char("y")).isEmpty)
        #expect(s.labelFlow == nil && !s.quitRequested)
        // Keys act on the queue again.
        #expect(press(&s, .char("j")) == [.loadDetail(caseID: "c_102")])
    }

    @Test func savedAdvancesToTheNextCaseAndRemembersTheLabel() {
        var s = labelling()
        _ = press(&s, .char("v"), .enter, .enter)
        let event = LabelEvent(id: 7, caseID: "c_101", decision: "violation", analyst: "ana", osUser: "ana_os",
                               role: .analyst, createdAt: Fixtures.now, appVersion: "0.1.0")
        let effects = Workbench.update(&s, .labelRecorded(event))
        #expect(s.status == .info("saved: violation c_101"))
        #expect(s.lastLabel == SessionLabel(eventID: 7, caseID: "c_101", row: Fixtures.rows[0]))
        // The window is reloaded where it is, selecting the case after the labelled one.
        #expect(effects.contains(.loadCount(s.query)))
        let page = effects.compactMap { e -> PageRequest? in if case .loadPage(let r) = e { return r } else { return nil } }
        #expect(page.count == 1 && page.first?.select == .caseID("c_102", fallback: 0))
    }

    @Test func aFailedCommitSaysSoAndNeverSaved() {
        var s = labelling()
        _ = press(&s, .char("v"), .enter, .enter)
        _ = Workbench.update(&s, .labelFailed("could not save the label: database is locked"))
        #expect(s.status == .error("could not save the label: database is locked"))
        #expect(s.lastLabel == nil)
    }

    @Test func undoWithdrawsTheLastLabelOfTheSession() {
        var s = labelling()
        #expect(press(&s, .char("z")).isEmpty)
        #expect(s.status == .info("nothing to undo in this session"))
        s.lastLabel = SessionLabel(eventID: 7, caseID: "c_101")
        let effects = press(&s, .char("z"))
        #expect(effects == [.recordLabel(LabelDraft(caseID: "c_101", kind: .undo, decision: nil, analyst: "ana",
                                                    osUser: "ana_os", role: .analyst, supersedes: 7))])
        let undo = LabelEvent(id: 8, caseID: "c_101", kind: .undo, decision: nil, analyst: "ana", osUser: "ana_os",
                              role: .analyst, createdAt: Fixtures.now, supersedes: 7, appVersion: "0.1.0")
        _ = Workbench.update(&s, .labelRecorded(undo))
        #expect(s.status == .info("undone: c_101") && s.lastLabel == nil)
    }

    @Test func skipMovesOnWithoutLabelling() {
        var s = labelling()
        #expect(press(&s, .char("s")) == [.loadDetail(caseID: "c_102")])
        #expect(s.selection == 1 && s.labelFlow == nil)
    }

    @Test func quittingWithAHalfTypedNoteAsksFirst() {
        var s = labelling()
        _ = press(&s, .char("v"), .enter)
        type(&s, "half")
        #expect(Workbench.update(&s, .quit).isEmpty)
        #expect(s.labelFlow?.stage == .confirmDiscard && !s.quitRequested)
        #expect(Workbench.render(s).rowText(23).contains("discard the note? y/n"))
        _ = press(&s, .char("n"))
        #expect(s.labelFlow?.stage == .note && s.labelFlow?.note == "half")
        _ = Workbench.update(&s, .quit)
        #expect(press(&s, .char("y")) == [.quit])
        #expect(s.quitRequested && s.labelFlow == nil)
        // Without a note, quit just quits.
        var t = labelling()
        _ = press(&t, .char("v"))
        #expect(Workbench.update(&t, .quit) == [.quit])
    }

    @Test func decidingNeedsTheCaseLoaded() {
        var s = labelling()
        s.detail = nil
        #expect(press(&s, .char("v")).isEmpty)
        #expect(s.labelFlow == nil && s.status == .info("the case is still loading"))
    }
}

@Suite struct NoteDiscardTests {
    /// A label flow in its note stage with `note` typed.
    func noting(_ note: String) -> WorkbenchState {
        var s = Fixtures.state(width: 120, height: 40)
        var flow = LabelFlow(caseID: "c_1", policy: "gambling", decision: Taxonomy.standard.decisions[0],
                             reasons: Taxonomy.standard.reasons(policy: "gambling", decision: "violation"))
        flow.stage = .note
        flow.note = note
        s.labelFlow = flow
        return s
    }

    @Test func escapeWithATypedNoteAsksAndNoCancelsNothing() {
        var s = noting("half a tho")
        _ = Workbench.update(&s, .labelInput(.escape))
        #expect(s.labelFlow?.stage == .confirmDiscard)
        _ = Workbench.update(&s, .labelInput(.char("n")))
        #expect(s.labelFlow?.stage == .note && s.labelFlow?.note == "half a tho")
        _ = Workbench.update(&s, .labelInput(.escape))
        let effects = Workbench.update(&s, .labelInput(.char("y")))
        #expect(s.labelFlow == nil && !s.quitRequested && effects.isEmpty)
    }

    @Test func escapeWithAnEmptyNoteCancelsAtOnce() {
        var s = noting("")
        _ = Workbench.update(&s, .labelInput(.escape))
        #expect(s.labelFlow == nil)
    }

    @Test func ctrlDInTheNoteAsksThenQuits() {
        var s = noting("typed")
        _ = Workbench.update(&s, .labelInput(.ctrl("d")))
        #expect(s.labelFlow?.stage == .confirmDiscard && !s.quitRequested)
        let effects = Workbench.update(&s, .labelInput(.char("y")))
        #expect(s.quitRequested && effects.contains(.quit))
    }
}
