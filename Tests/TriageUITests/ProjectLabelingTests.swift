import TriageCore
import TriageSQLite
import TriageStore
import Testing
@testable import TriageUI

/// A labeler's project screen on a real SQLite file: blind decisions, the reveal, undo, skip,
/// overlap between labelers, the empty state and gold cases.
@Suite struct ProjectLabelingTests {
    typealias F = ProjectFixtures

    @Test func blindHidesTheModelUntilTheLabelIsSavedThenRevealsIt() throws {
        let db = try F.store()
        let clock = F.Clock()
        let r = F.runtime(db, "ann", clock: clock)
        #expect(r.state.caseID == "c_6")
        var text = F.screen(r)
        #expect(text.contains("project p1 (blind)") && text.contains("ann (labeler)"))
        #expect(text.contains("labelled 0") && text.contains("6 left"))
        #expect(text.contains("Merchant c_6") && text.contains(F.evidenceText) && text.contains("domain_age_days"))
        #expect(!text.contains("Scores") && !text.contains("MODEL RATIONALE") && !text.contains("0.92"))
        #expect(!text.contains("supportability-xgb"))

        clock.now = Timestamp(milliseconds: Fixtures.now.milliseconds + 3_000)
        F.press(r, .char("v"), .enter)
        F.type(r, "looks bad")
        F.press(r, .enter)
        text = F.screen(r)
        #expect(text.contains("saved: violation · model said 0.92 — n next case · z undo"))
        #expect(text.contains("Scores") && text.contains("MODEL RATIONALE"))
        #expect(text.contains("labelled 1"))

        let e = try #require(try db.store.labelEvents(caseID: "c_6").last)
        #expect(e.kind == .label && e.decision == "violation" && e.note == "looks bad")
        #expect(e.blind && e.project == "p1" && e.role == .labeler && e.analyst == "ann" && e.osUser == "ann_os")
        #expect(e.modelVersionsSeen.isEmpty && e.supersedes == nil && e.dwellMs == 3_000)
        #expect(try db.store.projectLabels("p1").map(\.caseID) == ["c_6"])

        // n: the next case, blind again.
        F.press(r, .char("n"))
        #expect(r.state.caseID == "c_5")
        text = F.screen(r)
        #expect(text.contains("Merchant c_5") && !text.contains("Scores") && !text.contains("MODEL RATIONALE"))
    }

    @Test func undoThenRelabelRecordsANonBlindLabel() throws {
        let db = try F.store()
        let r = F.runtime(db, "ann")
        F.press(r, .char("v"), .enter, .enter)
        F.press(r, .char("z"))
        #expect(r.state.phase == .deciding && r.state.caseID == "c_6")
        #expect(r.state.status == .info("undone: relabel c_6"))
        #expect(F.screen(r).contains("Scores")) // the model was seen: it stays shown
        F.press(r, .char("n"), .enter, .enter)
        let events = try db.store.labelEvents(caseID: "c_6")
        #expect(events.map(\.kind) == [.label, .undo, .label])
        #expect(events[1].supersedes == events[0].id && events[1].project == "p1")
        #expect(events[0].blind && !events[2].blind && events[2].decision == "no_violation")
        #expect(events[2].modelVersionsSeen == ["supportability-xgb@v1"])
        #expect(try db.store.projectLabels("p1").map(\.decision) == ["no_violation"])
    }

    @Test func theClaimIsRenewedWhileTheLabelerReads() throws {
        let db = try F.store(overlap: 1)
        let clock = F.Clock()
        let r = F.runtime(db, "ann", clock: clock)
        #expect(r.state.caseID == "c_6")
        let first = try #require(r.state.claimedAt)
        // Before half the lease has gone nothing is renewed; after, the claim runs again from now.
        clock.now = Timestamp(milliseconds: first.milliseconds + Int64(r.state.lease * 400))
        r.tick()
        #expect(r.state.claimedAt == first)
        clock.now = Timestamp(milliseconds: first.milliseconds + Int64(r.state.lease * 600))
        r.tick()
        #expect(r.state.claimedAt == clock.now)
        // With overlap 1 the renewed claim still keeps c_6 from anyone else.
        let other = F.runtime(db, "bob")
        #expect(other.state.caseID == "c_5")
    }

    @Test func skipReleasesTheCaseAndClaimsAnother() throws {
        let db = try F.store()
        let r = F.runtime(db, "ann")
        F.press(r, .char("s"))
        #expect(r.state.caseID == "c_5" && r.state.skipped == ["c_6"])
        #expect(F.screen(r).contains("Merchant c_5"))
        // Released: the next labeler gets it.
        #expect(try db.store.claimNext(inProject: "p1", labeler: "bob", lease: 600, skipping: []) == "c_6")
        #expect(try db.store.labelEvents(caseID: "c_6").isEmpty)
    }

    @Test func twoLabelersShareTheTopCaseAThirdGetsTheNext() throws {
        let db = try F.store(overlap: 2)
        let ann = F.runtime(db, "ann"), bob = F.runtime(db, "bob"), carl = F.runtime(db, "carl")
        #expect(ann.state.caseID == "c_6" && bob.state.caseID == "c_6")
        #expect(carl.state.caseID == "c_5")
    }

    @Test func nothingLeftShowsTheEmptyState() throws {
        let db = try F.store(overlap: 1, limit: 1)
        let r = F.runtime(db, "ann")
        #expect(r.state.caseID == "c_6")
        F.press(r, .char("v"), .enter, .enter, .char("n"))
        #expect(r.state.phase == .empty)
        #expect(F.screen(r).contains("Nothing left for you in project p1: every case has its labels or you labelled it. q quits."))
        let other = F.runtime(db, "bob")
        #expect(other.state.phase == .empty)
        F.press(other, .char("q"))
        #expect(other.isFinished)
    }

    @Test func aGoldCaseLooksLikeAnyOther() throws {
        let db = try F.store(gold: 3, goldRate: 0.5)
        let r = F.runtime(db, "ann")
        var sawGold = false
        for _ in 0..<8 where !sawGold {
            if let id = r.state.caseID, id.hasPrefix("g_") {
                sawGold = true
                let text = F.screen(r)
                #expect(!text.lowercased().contains("gold") && !text.contains("escalate"))
                // Nor the case's status in the analyst queue: other people's decision.
                #expect(!r.state.detailOptions.showStatus)
                #expect(!text.contains(" · open") && !text.contains(" · decided"), "\(text)")
                let detail = try #require(r.state.shownDetail)
                #expect(detail.case.goldLabel == "escalate")
                var plain = detail
                plain.case.goldLabel = nil
                for options in [r.state.detailOptions, DetailOptions.workbench] {
                    #expect(DetailView.lines(for: detail, width: 98, now: Fixtures.now, options: options)
                            == DetailView.lines(for: plain, width: 98, now: Fixtures.now, options: options))
                }
            }
            F.press(r, .char("v"), .enter, .enter, .char("n"))
        }
        #expect(sawGold)
    }

    @Test func quitWithAHalfTypedNoteAsksAndReleasesTheClaim() throws {
        let db = try F.store()
        let r = F.runtime(db, "ann")
        F.press(r, .char("v"), .enter)
        F.type(r, "hm")
        F.press(r, .ctrl("d"))
        #expect(r.state.labelFlow?.stage == .confirmDiscard && !r.isFinished)
        F.press(r, .char("y"))
        #expect(r.isFinished)
        // Given back: with overlap 2, bob and carl may both hold it; a third then gets the next case.
        #expect(try db.store.claimNext(inProject: "p1", labeler: "bob", lease: 600, skipping: []) == "c_6")
        #expect(try db.store.claimNext(inProject: "p1", labeler: "carl", lease: 600, skipping: []) == "c_6")
        #expect(try db.store.claimNext(inProject: "p1", labeler: "dan", lease: 600, skipping: []) == "c_5")
    }
}

/// Keys that only change what is on screen.
@Suite struct ProjectScreenKeysTests {
    typealias F = ProjectFixtures

    @Test func helpOpensAndClosesAndKeysUnderItDoNothing() throws {
        let db = try F.store()
        let r = F.runtime(db, "ann", width: 80, height: 24)
        F.press(r, .char("?"))
        #expect(r.state.helpVisible && F.screen(r).contains("Keys · ? or Esc closes"))
        F.press(r, .char("v"))
        #expect(r.state.labelFlow == nil)
        F.press(r, .escape)
        #expect(!r.state.helpVisible)
        F.press(r, .char("T"))
        #expect(r.state.status?.text.hasPrefix("theme: ") == true)
    }

    @Test func scrollingStaysWithinTheCase() throws {
        let db = try F.store()
        let r = F.runtime(db, "ann", width: 80, height: 16)
        F.press(r, .char("v"), .enter, .enter) // revealed: the model's output makes the case longer
        F.press(r, .char("G"))
        let end = r.state.detailScroll
        #expect(end > 0)
        F.press(r, .char("j"))
        #expect(r.state.detailScroll == end)
        F.press(r, .char("g"))
        #expect(r.state.detailScroll == 0)
        F.press(r, .char(" "))
        #expect(r.state.detailScroll > 0)
        F.press(r, .char("b"))
        #expect(r.state.detailScroll == 0)
    }

    @Test func anUnknownProjectSaysSoInTheStatusBar() throws {
        let db = try F.store()
        let r = ProjectRuntime(store: db.store,
                               options: ProjectOptions(person: "ann", osUser: "os", role: .labeler, project: "nope",
                                                       databaseName: "cases.sqlite"),
                               size: TerminalSize(width: 100, height: 30))
        r.start()
        #expect(r.state.status?.kind == .error)
        #expect(F.screen(r).contains("nope"))
    }
}
