import Testing
@testable import TriageCore

/// The people figures every store builds from its per-person counters.
struct PeopleTallyTests {
    @Test func countsLabelsUndosAndDecisionsButNotAdjudications() {
        var t = PeopleTally()
        t.addEvents(person: "bo", kind: "label", decision: "violation", count: 3)
        t.addEvents(person: "bo", kind: "label", decision: "no_violation", count: 2)
        t.addEvents(person: "bo", kind: "label", decision: "", count: 1)
        t.addEvents(person: "bo", kind: "undo", decision: "", count: 2)
        t.addEvents(person: "ana", kind: "adjudication", decision: "violation", count: 5)
        t.setActiveHours(person: "bo", hours: 2)
        let people = t.activity
        #expect(people.map(\.person) == ["ana", "bo"])
        #expect(people[0].labels == 0 && people[0].decisions.isEmpty)
        #expect(people[1] == PersonActivity(person: "bo", labels: 6, undos: 2, activeHours: 2, medianDwellMs: nil,
                                            decisions: ["violation": 3, "no_violation": 2]))
    }

    /// The lower median of the buckets, as the middle of its quarter-second bucket.
    @Test func medianDwellIsTheLowerMedianBucketsMiddle() {
        #expect(PeopleTally.medianDwell([:]) == nil)
        #expect(PeopleTally.medianDwell([4: 3]) == Int64(1_125))
        // Two values: the lower one, as SQLite's OFFSET (n − 1) / 2 and percentile_disc(0.5) pick.
        #expect(PeopleTally.medianDwell([1: 1, 9: 1]) == 375)
        #expect(PeopleTally.medianDwell([1: 1, 9: 2]) == Int64(2_375))
        var t = PeopleTally()
        t.addDwell(person: "bo", bucket: 9, count: 2)
        t.addDwell(person: "bo", bucket: 1, count: 1)
        t.addDwell(person: "bo", bucket: 1, count: 2)
        #expect(t.activity.first?.medianDwellMs == 375)
    }
}
