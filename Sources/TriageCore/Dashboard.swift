/// Everything a lead's dashboard and `triage report` show: queue health, throughput per person,
/// label quality per labelling project, and model quality from decided cases. The store fills it
/// with aggregates (counts and sums, by indexed SQL); the figures derived from them (rates,
/// intervals, calibration error, an ETA) are computed here, so the screen and the report agree.
public struct Dashboard: Sendable, Equatable {
    /// When the figures were taken; ages and days are measured from it.
    public var generatedAt: Timestamp
    public var queue: QueueHealth
    /// Per person, over ``QueueHealth/days``'s window.
    public var people: [PersonActivity]
    /// One entry per labelling project.
    public var projects: [ProjectQuality]
    /// One entry per (model, version) that scored a decided case.
    public var models: [ModelQuality]
    /// Versions of one model against each other on the cases both scored.
    public var comparisons: [VersionComparison]
    /// Whether the label quality (``projects`` and each model's ``ModelQuality/recall``) is still
    /// to come: the quick figures are read first and label quality, which needs every project's
    /// labels and their consensus, follows (``apply(_:)``).
    public var labelQualityPending = false

    public init(generatedAt: Timestamp, queue: QueueHealth, people: [PersonActivity], projects: [ProjectQuality],
                models: [ModelQuality], comparisons: [VersionComparison]) {
        self.generatedAt = generatedAt
        self.queue = queue
        self.people = people
        self.projects = projects
        self.models = models
        self.comparisons = comparisons
    }

    /// How many days the flow charts and the activity figures cover.
    public static let days = 14

    /// Fills in the label quality: the projects, and each model version's recall.
    public mutating func apply(_ quality: LabelQuality) {
        projects = quality.projects
        for i in models.indices {
            models[i].recall = quality.recall[ModelVersion(model: models[i].model, version: models[i].version)]
        }
        labelQualityPending = false
    }

    /// Takes `old`'s projects and recall while this dashboard's own label quality is pending, so
    /// that a reload shows the last figures (still marked pending) rather than none.
    public mutating func keepLabelQuality(of old: Dashboard) {
        projects = old.projects
        for i in models.indices where models[i].recall == nil {
            models[i].recall = old.models.first { $0.model == models[i].model && $0.version == models[i].version }?.recall
        }
    }
}

/// The part of the dashboard that comes from every labelling project's live labels and their
/// consensus: agreement per project, and recall per model version from the audit projects'
/// final labels. Slower than the rest (it reads every project label), so a screen shows the
/// other figures first and this when it is ready (``Dashboard/apply(_:)``).
public struct LabelQuality: Sendable, Equatable {
    /// One entry per labelling project, by name.
    public var projects: [ProjectQuality]
    /// Per model version, from the audit projects (absent: no audited case it scored).
    public var recall: [ModelVersion: RecallEstimate]

    public init(projects: [ProjectQuality], recall: [ModelVersion: RecallEstimate]) {
        self.projects = projects
        self.recall = recall
    }
}

// MARK: - Queue health

/// The analyst queue's state: per policy area, flow per day, the oldest open cases.
public struct QueueHealth: Sendable, Equatable {
    public var policies: [PolicyHealth]
    /// The last ``Dashboard/days`` days, oldest first (UTC days; the last is today so far).
    public var days: [DayFlow]
    /// The open cases that have waited longest (at most 10), oldest first.
    public var oldest: [AgedCase]

    public init(policies: [PolicyHealth], days: [DayFlow], oldest: [AgedCase]) {
        self.policies = policies
        self.days = days
        self.oldest = oldest
    }

    /// Open cases in every policy area: the backlog.
    public var backlog: Int { policies.reduce(0) { $0 + $1.open } }
    /// Cases past their policy area's SLA.
    public var breaches: Int { policies.reduce(0) { $0 + $1.breaches } }

    /// Days to clear the backlog at the window's average net outflow (decided − flagged per day);
    /// nil when the backlog does not shrink at that rate (or the window is empty), 0 when there is
    /// no backlog.
    public var etaDays: Double? {
        if backlog == 0 { return 0 }
        guard !days.isEmpty else { return nil }
        let net = Double(days.reduce(0) { $0 + $1.outflow - $1.inflow }) / Double(days.count)
        return net > 0 ? Double(backlog) / net : nil
    }

    /// The backlog at the end of each day of the window, reconstructed backwards from today's:
    /// yesterday's = today's − today's inflow + today's outflow.
    public var backlogTrend: [Int] {
        var out: [Int] = []
        var b = backlog
        for d in days.reversed() {
            out.append(b)
            b = max(0, b - d.inflow + d.outflow)
        }
        return out.reversed()
    }
}

/// One policy area's queue.
public struct PolicyHealth: Sendable, Equatable {
    public var policy: String
    /// Open cases, those of them someone holds a live claim on, decided and escalated cases.
    public var open: Int
    public var claimed: Int
    public var decided: Int
    public var escalated: Int
    /// How long a case may wait (hours since flagged) before it breaches the SLA.
    public var slaHours: Double
    /// Open cases older than the SLA.
    public var breaches: Int
    /// Open cases by age, one count per bucket of ``PolicyHealth/ageBuckets``.
    public var ages: [Int]

    public init(policy: String, open: Int, claimed: Int, decided: Int, escalated: Int, slaHours: Double, breaches: Int,
                ages: [Int]) {
        self.policy = policy
        self.open = open
        self.claimed = claimed
        self.decided = decided
        self.escalated = escalated
        self.slaHours = slaHours
        self.breaches = breaches
        self.ages = ages
    }

    /// The age buckets' upper edges in hours (the last bucket is everything older): under a day,
    /// 1–3 days, 3–7 days, 7–14 days, 14 days and more.
    public static let ageBucketEdges: [Double] = [24, 72, 168, 336]
    /// The buckets' names, in order.
    public static let ageBucketNames = ["<1d", "1-3d", "3-7d", "7-14d", "14d+"]
}

/// Cases flagged (inflow) and decided (outflow) on one day.
public struct DayFlow: Sendable, Equatable {
    /// The day's start (UTC midnight).
    public var day: Timestamp
    public var inflow: Int
    public var outflow: Int

    public init(day: Timestamp, inflow: Int, outflow: Int) {
        self.day = day
        self.inflow = inflow
        self.outflow = outflow
    }
}

/// An open case and when it was flagged.
public struct AgedCase: Sendable, Equatable {
    public var caseID: String
    public var policy: String
    public var merchantName: String
    public var flaggedAt: Timestamp

    public init(caseID: String, policy: String, merchantName: String, flaggedAt: Timestamp) {
        self.caseID = caseID
        self.policy = policy
        self.merchantName = merchantName
        self.flaggedAt = flaggedAt
    }
}

// MARK: - People

/// One person's labelling over the window.
public struct PersonActivity: Sendable, Equatable {
    public var person: String
    /// Labels made (kind label, any track), undos made, and adjudications.
    public var labels: Int
    public var undos: Int
    /// Distinct clock hours (UTC) in which they made at least one label: their working time.
    public var activeHours: Int
    /// The median time a case was on screen before they labelled it.
    public var medianDwellMs: Int64?
    /// Labels per decision key.
    public var decisions: [String: Int]

    public init(person: String, labels: Int, undos: Int, activeHours: Int, medianDwellMs: Int64?, decisions: [String: Int]) {
        self.person = person
        self.labels = labels
        self.undos = undos
        self.activeHours = activeHours
        self.medianDwellMs = medianDwellMs
        self.decisions = decisions
    }

    /// Labels per hour of working time (hours with at least one label); nil without labels.
    public var labelsPerHour: Double? { activeHours > 0 ? Double(labels) / Double(activeHours) : nil }
    /// Undos per label made; nil without labels.
    public var undoRate: Double? { labels > 0 ? Double(undos) / Double(labels) : nil }
    /// The share of their labels with each decision.
    public func share(of decision: String) -> Double? {
        labels > 0 ? Double(decisions[decision] ?? 0) / Double(labels) : nil
    }
}

/// Builds the window's ``PersonActivity`` figures from the counters a store keeps per person
/// (events by kind and decision, clock hours with a label, dwell times in quarter-second
/// buckets). Every store feeds it the same rows, so the figures agree across stores.
public struct PeopleTally: Sendable {
    private struct Person { var labels = 0, undos = 0, hours = 0; var decisions: [String: Int] = [:]; var dwell: [Int: Int] = [:] }
    private var people: [String: Person] = [:]

    public init() {}

    /// The width of a dwell-time bucket (a quarter second) and the last bucket (one hour: longer
    /// dwell times count as one hour).
    public static let dwellBucketMs: Int64 = 250
    public static let lastDwellBucket = 14_400

    /// `count` events of `kind` by `person` with `decision` (empty: none). Adjudications are not
    /// counted as labels.
    public mutating func addEvents(person: String, kind: String, decision: String, count: Int) {
        var p = people[person] ?? Person()
        if kind == LabelEventKind.undo.rawValue {
            p.undos += count
        } else if kind == LabelEventKind.label.rawValue {
            p.labels += count
            if !decision.isEmpty { p.decisions[decision, default: 0] += count }
        }
        people[person] = p
    }

    /// `person` made labels in `hours` distinct clock hours.
    public mutating func setActiveHours(person: String, hours: Int) {
        people[person, default: Person()].hours = hours
    }

    /// `count` of `person`'s labels had a dwell time in `bucket` (``dwellBucketMs`` wide).
    public mutating func addDwell(person: String, bucket: Int, count: Int) {
        people[person, default: Person()].dwell[bucket, default: 0] += count
    }

    /// Everyone seen, by name.
    public var activity: [PersonActivity] {
        people.keys.sorted().map { who in
            let p = people[who]!
            return PersonActivity(person: who, labels: p.labels, undos: p.undos, activeHours: p.hours,
                                  medianDwellMs: Self.medianDwell(p.dwell), decisions: p.decisions)
        }
    }

    /// The lower median of bucketed dwell times, as the middle of its bucket (within 125 ms).
    static func medianDwell(_ buckets: [Int: Int]) -> Int64? {
        let total = buckets.values.reduce(0, +)
        guard total > 0 else { return nil }
        var seen = 0
        for b in buckets.keys.sorted() {
            seen += buckets[b]!
            // The lower median: the value an OFFSET (n − 1) / 2 would pick.
            if seen > (total - 1) / 2 { return Int64(b) * dwellBucketMs + dwellBucketMs / 2 }
        }
        return nil
    }
}

// MARK: - Label quality

/// A labelling project's agreement and adjudication figures.
public struct ProjectQuality: Sendable, Equatable {
    public var project: String
    public var report: AgreementReport

    public init(project: String, report: AgreementReport) {
        self.project = project
        self.report = report
    }
}

// MARK: - Model quality

/// How one model version does against the decisions people made (the analyst queue's current
/// labels), through each decision's ``Outcome``.
public struct ModelQuality: Sendable, Equatable {
    public var model: String
    public var version: String
    /// Cases this version scored, and those of them with a decided outcome (positive or negative).
    public var scored: Int
    public var labelled: Int
    /// Decisions (every key, outcome or not) on cases scored at or above the version's threshold
    /// (flagged), and below it. A score without a threshold counts against 0.5.
    public var decisionsAbove: [String: Int]
    public var decisionsBelow: [String: Int]
    /// Positive and negative outcomes at or above the threshold: precision's numerator and denominator.
    public var positivesAbove: Int
    public var negativesAbove: Int
    /// Ten equal-width score bins from 0 to 1: count, sum of scores, positive outcomes.
    public var calibration: [CalibrationBin]
    /// Σ (score − outcome)² over labelled cases.
    public var squaredErrorSum: Double
    /// Score histogram (20 equal-width bins) per decision key.
    public var histogram: [String: [Int]]
    /// Recall estimated from audit samples, when any audit project labelled this version's cases.
    public var recall: RecallEstimate?

    public init(model: String, version: String, scored: Int, labelled: Int, decisionsAbove: [String: Int],
                decisionsBelow: [String: Int], positivesAbove: Int, negativesAbove: Int, calibration: [CalibrationBin],
                squaredErrorSum: Double, histogram: [String: [Int]], recall: RecallEstimate?) {
        self.model = model
        self.version = version
        self.scored = scored
        self.labelled = labelled
        self.decisionsAbove = decisionsAbove
        self.decisionsBelow = decisionsBelow
        self.positivesAbove = positivesAbove
        self.negativesAbove = negativesAbove
        self.calibration = calibration
        self.squaredErrorSum = squaredErrorSum
        self.histogram = histogram
        self.recall = recall
    }

    /// Precision at the threshold: positives among flagged cases with an outcome; nil without any.
    public var precision: Double? {
        let n = positivesAbove + negativesAbove
        return n > 0 ? Double(positivesAbove) / Double(n) : nil
    }

    /// The 95% Wilson score interval of ``precision``.
    public var precisionInterval: ClosedRange<Double>? {
        Wilson.interval(successes: positivesAbove, trials: positivesAbove + negativesAbove)
    }

    /// Brier score: the mean squared error of the score as a probability of a positive outcome.
    public var brier: Double? { labelled > 0 ? squaredErrorSum / Double(labelled) : nil }

    /// Expected calibration error over the ten bins: Σ (n_b / N) |mean score_b − positive rate_b|.
    public var expectedCalibrationError: Double? { CalibrationBin.expectedCalibrationError(calibration) }
}

/// One bin of a reliability diagram.
public struct CalibrationBin: Sendable, Equatable {
    /// The bin's score range is [lower, lower + 0.1) (the last includes 1).
    public var lower: Double
    public var count: Int
    public var scoreSum: Double
    public var positives: Int

    public init(lower: Double, count: Int, scoreSum: Double, positives: Int) {
        self.lower = lower
        self.count = count
        self.scoreSum = scoreSum
        self.positives = positives
    }

    /// The bin's mean score (what the model predicted), nil when empty.
    public var meanScore: Double? { count > 0 ? scoreSum / Double(count) : nil }
    /// The share of positive outcomes (what happened), nil when empty.
    public var positiveRate: Double? { count > 0 ? Double(positives) / Double(count) : nil }

    /// Σ (n_b / N) |mean score_b − positive rate_b| over non-empty bins; nil when all are empty.
    public static func expectedCalibrationError(_ bins: [CalibrationBin]) -> Double? {
        let total = bins.reduce(0) { $0 + $1.count }
        guard total > 0 else { return nil }
        return bins.reduce(0.0) { sum, b in
            guard let s = b.meanScore, let r = b.positiveRate else { return sum }
            return sum + Double(b.count) / Double(total) * abs(s - r)
        }
    }
}

/// Recall estimated from audit samples: of the (weighted) positive outcomes among sampled cases,
/// the share the model flagged. Each sampled case weighs 1/inclusion probability
/// (Horvitz–Thompson), so the estimate covers the population the sample was drawn from.
public struct RecallEstimate: Sendable, Equatable {
    /// Weighted positives flagged (score ≥ threshold) and weighted positives in all.
    public var flaggedPositiveWeight: Double
    public var positiveWeight: Double
    /// Sampled cases with an outcome behind the estimate.
    public var cases: Int

    public init(flaggedPositiveWeight: Double, positiveWeight: Double, cases: Int) {
        self.flaggedPositiveWeight = flaggedPositiveWeight
        self.positiveWeight = positiveWeight
        self.cases = cases
    }

    public var recall: Double? { positiveWeight > 0 ? flaggedPositiveWeight / positiveWeight : nil }
}

/// Two versions of one model on the cases both scored.
public struct VersionComparison: Sendable, Equatable {
    public var model: String
    public var older: String
    public var newer: String
    /// Cases both versions scored; of them, flagged by both, by the older only, by the newer only.
    public var both: Int
    public var flaggedByBoth: Int
    public var olderOnly: Int
    public var newerOnly: Int
    /// Σ (newer score − older score) over the common cases.
    public var scoreDifferenceSum: Double
    /// Positive and negative outcomes among common cases each version flags (precision of each
    /// on the same cases).
    public var olderPositives: Int
    public var olderNegatives: Int
    public var newerPositives: Int
    public var newerNegatives: Int

    public init(model: String, older: String, newer: String, both: Int, flaggedByBoth: Int, olderOnly: Int, newerOnly: Int,
                scoreDifferenceSum: Double, olderPositives: Int, olderNegatives: Int, newerPositives: Int,
                newerNegatives: Int) {
        self.model = model
        self.older = older
        self.newer = newer
        self.both = both
        self.flaggedByBoth = flaggedByBoth
        self.olderOnly = olderOnly
        self.newerOnly = newerOnly
        self.scoreDifferenceSum = scoreDifferenceSum
        self.olderPositives = olderPositives
        self.olderNegatives = olderNegatives
        self.newerPositives = newerPositives
        self.newerNegatives = newerNegatives
    }

    /// The mean change in score from the older version to the newer.
    public var meanScoreChange: Double? { both > 0 ? scoreDifferenceSum / Double(both) : nil }
    /// The share of common cases both versions flag or both do not flag.
    public var flagAgreement: Double? { both > 0 ? Double(both - olderOnly - newerOnly) / Double(both) : nil }
    public var olderPrecision: Double? {
        olderPositives + olderNegatives > 0 ? Double(olderPositives) / Double(olderPositives + olderNegatives) : nil
    }
    public var newerPrecision: Double? {
        newerPositives + newerNegatives > 0 ? Double(newerPositives) / Double(newerPositives + newerNegatives) : nil
    }
}

/// The Wilson score interval for a binomial proportion.
public enum Wilson {
    /// The interval for `successes` of `trials` at confidence z (1.96: 95%); nil without trials.
    public static func interval(successes: Int, trials: Int, z: Double = 1.959_963_984_540_054) -> ClosedRange<Double>? {
        guard trials > 0 else { return nil }
        let n = Double(trials), p = Double(successes) / n, z2 = z * z
        let centre = (p + z2 / (2 * n)) / (1 + z2 / n)
        let half = z / (1 + z2 / n) * (p * (1 - p) / n + z2 / (4 * n * n)).squareRoot()
        return max(0, centre - half)...min(1, centre + half)
    }
}
