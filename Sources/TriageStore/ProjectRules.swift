import TriageCore

/// A case's place in a labelling project, as a store read it: its live-label count and, for an
/// audit sample, the probability with which it was drawn.
public struct ProjectMembership: Sendable, Equatable {
    public var labelCount: Int
    public var inclusionProbability: Double?

    public init(labelCount: Int, inclusionProbability: Double?) {
        self.labelCount = labelCount
        self.inclusionProbability = inclusionProbability
    }
}

/// What a label, undo or adjudication in a project may go in as (``LabelDraft/projectPlan(in:casePolicy:member:live:isGold:target:)``).
public struct ProjectLabelPlan: Sendable, Equatable {
    /// The queue policy and inclusion probability the event records (the draft's, else the project's).
    public var queuePolicy: String?
    public var inclusionProbability: Double?
    /// How the case's live-label count changes: +1 for a labeler's first label on a project case,
    /// −1 for the undo of a label on one, else 0.
    public var countChange: Int

    public init(queuePolicy: String?, inclusionProbability: Double?, countChange: Int) {
        self.queuePolicy = queuePolicy
        self.inclusionProbability = inclusionProbability
        self.countChange = countChange
    }
}

extension StoreError {
    /// There is no project named `name`.
    public static func noProject(_ name: String) -> StoreError {
        .refused("no labelling project named '\(name)' (see `triage project list`)")
    }
}

extension LabelDraft {
    /// A labelling project's own rules for this draft (after ``refusal(taxonomy:policy:held:current:)``),
    /// the same on every store; the store reads what they need through the closures, only when
    /// they need it, and holds the case still (one writer, or a lock) while they run.
    ///
    /// - A label is the labeler role's, and names the person's own live label on the case (nil
    ///   for a first label); a first label needs the case to be in the project (`member`) with
    ///   fewer labels than the overlap, or to be a gold case of the project's policy area.
    /// - An undo names a live label of the person's own, or (for a lead) the live adjudication.
    /// - An adjudication is a lead's, and names the case's live adjudication (nil for the first).
    ///
    /// - Parameters:
    ///   - casePolicy: the case's policy area.
    ///   - member: the case's place in the project; nil when it is not one of its cases.
    ///   - live: the newest live event of a kind on the case in the project, by a person (nil: by anyone).
    ///   - isGold: whether the case is a gold case (has a known answer).
    ///   - target: the kind and author of event `id` when it is a live label or adjudication of
    ///     the case in the project (else nil).
    public func projectPlan(in p: Project, casePolicy: String, member: ProjectMembership?,
                            live: (_ kind: LabelEventKind, _ by: String?) throws -> Int64?,
                            isGold: () throws -> Bool,
                            target: (_ id: Int64) throws -> (kind: LabelEventKind, author: String)?) throws -> ProjectLabelPlan {
        var plan = ProjectLabelPlan(queuePolicy: queuePolicy, inclusionProbability: inclusionProbability, countChange: 0)
        switch kind {
        case .label:
            guard role == .labeler else {
                throw StoreError.notAllowed("labels in a project are made in the labeler role (`--role labeler`)")
            }
            let mine = try live(.label, analyst)
            guard supersedes == mine else {
                throw StoreError.labelConflict(caseID: caseID, current: mine, expected: supersedes)
            }
            if mine == nil {
                if let member {
                    guard member.labelCount < p.overlap else {
                        throw StoreError.refused("case '\(caseID)' already has the \(p.overlap) labels project '\(p.name)' needs")
                    }
                    plan.countChange = 1
                } else {
                    guard try isGold(), p.policy == nil || p.policy == casePolicy else {
                        throw StoreError.refused("case '\(caseID)' is not in project '\(p.name)'")
                    }
                }
            }
            // A gold case is served mixed into the project's queue: it records that queue's policy.
            plan.queuePolicy = queuePolicy ?? p.queuePolicy.rawValue
            if let member { plan.inclusionProbability = inclusionProbability ?? member.inclusionProbability }
        case .undo:
            guard let id = supersedes, let t = try target(id) else {
                throw StoreError.refused("nothing to undo: event \(supersedes.map(String.init) ?? "?") is not a live label of case '\(caseID)' in project '\(p.name)'")
            }
            if t.kind == .adjudication {
                guard role == .lead else { throw StoreError.notAllowed("only a lead may undo an adjudication") }
            } else {
                guard t.author == analyst else { throw StoreError.notAllowed("\(analyst) may undo only their own labels") }
                if member != nil { plan.countChange = -1 }
            }
        case .adjudication:
            guard role == .lead else { throw StoreError.notAllowed("only a lead may adjudicate (`--role lead`)") }
            let current = try live(.adjudication, nil)
            guard supersedes == current else {
                throw StoreError.labelConflict(caseID: caseID, current: current, expected: supersedes)
            }
        }
        return plan
    }
}

/// One project's label quality from its live labels: the agreement report and, for an audit
/// sample, its cases' final outcomes with their sampling weights (what recall is estimated
/// from). The same computation on every store.
public struct ProjectLabelAnalysis: Sendable {
    public var quality: ProjectQuality
    /// An audit project's cases with a final label that has an outcome: whether it is positive,
    /// and the case's sampling weight (1/inclusion probability).
    public var finals: [String: (positive: Bool, weight: Double)]

    /// Analyses `labels` (``CaseStore/projectLabels(_:)``) of project `name`.
    public init(project name: String, isAudit: Bool, labels: [ProjectLabel], taxonomy: Taxonomy) {
        let cases = ProjectAnalysis.consensus(labels, categories: taxonomy.decisions.map(\.key))
        var finals: [String: (positive: Bool, weight: Double)] = [:]
        if isAudit {
            for c in cases {
                guard let p = c.inclusionProbability, let d = c.finalDecision, let o = taxonomy.decision(d)?.outcome else { continue }
                finals[c.caseID] = (o == .positive, AuditSample.weight(inclusionProbability: p))
            }
        }
        quality = ProjectQuality(project: name, report: AgreementReport.build(labels, cases: cases))
        self.finals = finals
    }

    /// Adds one score of an audit project's case to the recall per model version: a case with a
    /// final outcome, weighted by 1/inclusion probability, `flagged` when the version scored it
    /// at or above its threshold (0.5 without one).
    public func addRecall(caseID: String, version: ModelVersion, flagged: Bool, into out: inout [ModelVersion: RecallEstimate]) {
        guard let f = finals[caseID] else { return }
        var e = out[version] ?? RecallEstimate(flaggedPositiveWeight: 0, positiveWeight: 0, cases: 0)
        e.cases += 1
        if f.positive {
            e.positiveWeight += f.weight
            if flagged { e.flaggedPositiveWeight += f.weight }
        }
        out[version] = e
    }
}
