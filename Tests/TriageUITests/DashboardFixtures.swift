import TriageCore
@testable import TriageUI

/// Hand-made dashboard figures with known results: a backlog of 64 clearing at 20 a day (3.2
/// days), precision 21 of 28 (0.75, Wilson 0.57–0.87), one project with two labelers.
enum DashboardFixtures {
    static let now = Fixtures.now
    static func daysAgo(_ n: Int64) -> Timestamp {
        let midnight = now.milliseconds - now.milliseconds % 86_400_000
        return Timestamp(milliseconds: midnight - n * 86_400_000)
    }

    /// Inflow 0, 1, …, 13; outflow 20 more each day.
    static let days: [DayFlow] = (0..<14).map { i in
        DayFlow(day: daysAgo(Int64(13 - i)), inflow: i, outflow: i + 20)
    }

    static let queue = QueueHealth(
        policies: [
            PolicyHealth(policy: "fraud", open: 40, claimed: 3, decided: 120, escalated: 4, slaHours: 24, breaches: 12,
                         ages: [28, 8, 4, 0, 0]),
            PolicyHealth(policy: "gambling", open: 24, claimed: 1, decided: 1_310, escalated: 0, slaHours: 72, breaches: 0,
                         ages: [10, 14, 0, 0, 0]),
        ],
        days: days,
        oldest: [
            AgedCase(caseID: "c_000017", policy: "fraud", merchantName: "Ace\u{1b}[2J Guns", flaggedAt: daysAgo(5)),
            AgedCase(caseID: "c_000042", policy: "gambling", merchantName: "東京ブランド市場", flaggedAt: daysAgo(2)),
        ])

    static let people = [
        PersonActivity(person: "ana", labels: 120, undos: 6, activeHours: 8, medianDwellMs: 12_500,
                       decisions: ["violation": 60, "no_violation": 48, "escalate": 12]),
        PersonActivity(person: "bo", labels: 40, undos: 0, activeHours: 5, medianDwellMs: 30_000,
                       decisions: ["violation": 10, "no_violation": 30]),
    ]

    static let projectLabels: [ProjectLabel] = {
        var out: [ProjectLabel] = []
        var id: Int64 = 0
        let plan: [(String, String, String, String)] = [
            ("c1", "fraud", "ann", "violation"), ("c1", "fraud", "ben", "violation"),
            ("c2", "fraud", "ann", "no_violation"), ("c2", "fraud", "ben", "no_violation"),
            ("c3", "gambling", "ann", "violation"), ("c3", "gambling", "ben", "no_violation"),
            ("c4", "gambling", "ann", "violation"), ("c4", "gambling", "ben", "violation"),
        ]
        for (c, policy, person, decision) in plan {
            id += 1
            out.append(ProjectLabel(eventID: id, caseID: c, policy: policy, person: person, decision: decision,
                                    createdAt: now, score: 0.7))
        }
        return out
    }()

    static let project = ProjectQuality(project: "audit-nov", report: AgreementReport.build(projectLabels))

    /// Bins 0.0–0.1 … 0.9–1.0: 10 cases each, mean score at the bin's middle, positives rising.
    static let calibration: [CalibrationBin] = (0..<10).map { i in
        let lower = Double(i) / 10
        return CalibrationBin(lower: lower, count: i == 9 ? 0 : 10, scoreSum: i == 9 ? 0 : (lower + 0.05) * 10,
                              positives: i == 9 ? 0 : i)
    }

    static let model = ModelQuality(
        model: "risk", version: "v2", scored: 1_000, labelled: 90,
        decisionsAbove: ["violation": 21, "no_violation": 7, "escalate": 2],
        decisionsBelow: ["violation": 3, "no_violation": 57],
        positivesAbove: 21, negativesAbove: 7, calibration: calibration, squaredErrorSum: 9,
        histogram: ["violation": [0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 1, 2, 2, 3, 4, 5, 6, 7, 8],
                    "no_violation": [8, 7, 6, 5, 4, 3, 2, 2, 1, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0]],
        recall: nil)

    static let comparison = VersionComparison(model: "risk", older: "v1", newer: "v2", both: 200, flaggedByBoth: 40,
                                              olderOnly: 6, newerOnly: 4, scoreDifferenceSum: 3.0,
                                              olderPositives: 30, olderNegatives: 16, newerPositives: 33,
                                              newerNegatives: 11)

    static let dashboard = Dashboard(generatedAt: now, queue: queue, people: people, projects: [project],
                                     models: [model], comparisons: [comparison])

    static let empty = Dashboard(generatedAt: now, queue: QueueHealth(policies: [], days: [], oldest: []),
                                 people: [], projects: [], models: [], comparisons: [])
}
