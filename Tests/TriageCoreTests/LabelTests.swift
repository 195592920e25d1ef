import Testing
import TriageCore

@Suite struct LabelTests {
    func event(_ id: Int64, _ kind: LabelEventKind = .label, _ decision: String? = "violation", supersedes: Int64? = nil) -> LabelEvent {
        LabelEvent(id: id, caseID: "c", kind: kind, decision: decision, analyst: "ana", osUser: "ana", role: .analyst,
                   createdAt: Timestamp(milliseconds: id), supersedes: supersedes, appVersion: "t")
    }

    @Test func currentLabelIsTheLatestLiveEvent() {
        #expect(CurrentLabel.of([]) == nil)
        #expect(CurrentLabel.of([event(1)])?.id == 1)
        // A correction supersedes the first label.
        #expect(CurrentLabel.of([event(1), event(2, .label, "no_violation", supersedes: 1)])?.decision == "no_violation")
        // An undo withdraws it: the case is open again.
        #expect(CurrentLabel.of([event(1), event(2, .undo, nil, supersedes: 1)]) == nil)
        // A label after the undo is current; order of the input does not matter.
        #expect(CurrentLabel.of([event(3), event(1), event(2, .undo, nil, supersedes: 1)])?.id == 3)
    }

    @Test func projectEventsLiveBesideTheCasesOwnTrack() {
        func inProject(_ e: LabelEvent, by who: String) -> LabelEvent {
            var e = e
            e.project = "p"
            e.analyst = who
            return e
        }
        let events = [
            event(1),                                                             // the analyst queue
            inProject(event(2), by: "ann"),
            inProject(event(3, .label, "no_violation"), by: "bob"),
            inProject(event(4, .label, "no_violation", supersedes: 2), by: "ann"),  // ann corrects hers
            inProject(event(5, .undo, nil, supersedes: 3), by: "bob"),             // bob withdraws his
            inProject(event(6, .adjudication, "violation"), by: "lee"),
        ]
        // The case's own label ignores the project's events…
        #expect(CurrentLabel.of(events)?.id == 1)
        // …and the project's live events are ann's correction and the adjudication.
        #expect(CurrentLabel.live(events, project: "p").map(\.id) == [4, 6])
        #expect(CurrentLabel.live(events, project: "other").isEmpty)
    }

    @Test func taxonomyHasNoProblemsAndFindsHotkeys() {
        let t = Taxonomy.standard
        #expect(t.problems().isEmpty)
        #expect(t.decision(hotkey: "v")?.key == "violation")
        #expect(t.decision("unsure")?.resultingStatus == .escalated)
        #expect(t.decision("no_violation")?.resultingStatus == .decided)
        #expect(t.reasons(policy: "gambling", decision: "violation").map(\.code).contains("unlicensed_gambling"))
        #expect(!t.reasons(policy: "gambling", decision: "no_violation").map(\.code).contains("unlicensed_gambling"))
        #expect(t.reasons(policy: "gambling").map(\.code).contains("website_down"))
    }

    @Test func taxonomyProblemsAreFound() {
        var t = Taxonomy.standard
        t.decisions.append(Decision(key: "violation", label: "Again", hotkey: "v", isFinal: true))
        t.globalReasons.append(ReasonCode(code: "x", label: "X", hotkey: "1", decisions: ["nope"]))
        let p = t.problems()
        #expect(p.contains("decision 'violation' is defined twice"))
        #expect(p.contains("decision hotkey 'v' is used twice"))
        #expect(p.contains { $0.contains("unknown decision 'nope'") })
        #expect(p.contains { $0.contains("reason hotkey '1' is used twice in policy 'fraud'") })
    }
}
