/// Every agreement figure of a labelling project, per policy area and per labeler, each with the
/// number of items (cases) behind it: what `triage agreement` prints.
public struct AgreementReport: Sendable, Equatable {
    /// Agreement among the labels of one policy area (or of the whole project: `policy` nil).
    public struct Area: Sendable, Equatable {
        public var policy: String?
        /// Cases with at least two labels (the ones agreement can be measured on).
        public var items: Int
        public var labelers: Int
        /// Cohen's kappa for every pair of labelers who share a case.
        public var pairs: [PairAgreement]
        /// Fleiss' kappa and Krippendorff's alpha (nominal) over all the labels at once.
        public var fleiss: AgreementFigure
        public var krippendorff: AgreementFigure
    }

    /// One labeler's figures.
    public struct Labeler: Sendable, Equatable {
        public var person: String
        /// Live labels they made (gold included).
        public var labels: Int
        /// Cohen's kappa against everyone they share cases with, pooled.
        public var peers: RaterAgreement
        /// Gold cases they labelled, and how many matched the known answer.
        public var goldCorrect: Int
        public var goldTotal: Int
        /// Share of gold answered correctly, nil without gold.
        public var goldAccuracy: Double? { goldTotal > 0 ? Double(goldCorrect) / Double(goldTotal) : nil }
    }

    /// The whole project first, then each policy area by key.
    public var areas: [Area]
    public var labelers: [Labeler]
    /// Cases with at least one label or adjudication.
    public var cases: Int
    /// Cases whose labels name more than one decision.
    public var disagreements: Int
    /// Cases waiting in the lead's adjudication queue, and cases a lead settled.
    public var toAdjudicate: Int
    public var adjudicated: Int

    /// The report for a project's live labels (``ProjectLabel``); `categories` are the decision keys.
    public static func build(_ labels: [ProjectLabel], categories: [String] = []) -> AgreementReport {
        build(labels, cases: ProjectAnalysis.consensus(labels, categories: categories))
    }

    /// The report for `labels` whose consensus (``ProjectAnalysis/consensus(_:categories:)``) is
    /// already computed: `cases`.
    public static func build(_ labels: [ProjectLabel], cases: [CaseConsensus]) -> AgreementReport {
        let ratings = ProjectAnalysis.ratings(labels)
        func area(_ policy: String?, _ rs: [Rating]) -> Area {
            var perItem: [String: Int] = [:]
            for r in rs { perItem[r.item, default: 0] += 1 }
            return Area(policy: policy, items: perItem.values.filter { $0 >= 2 }.count,
                        labelers: Set(rs.map(\.rater)).count, pairs: Agreement.pairwise(rs),
                        fleiss: Agreement.fleissKappa(rs), krippendorff: Agreement.krippendorffAlpha(rs))
        }
        var byPolicy: [String: [Rating]] = [:]
        let policyOf = Dictionary(labels.map { ($0.caseID, $0.policy) }, uniquingKeysWith: { a, _ in a })
        for r in ratings { byPolicy[policyOf[r.item] ?? "", default: []].append(r) }
        let areas = [area(nil, ratings)] + byPolicy.keys.sorted().map { area($0, byPolicy[$0]!) }

        let peers = Dictionary(Agreement.perRater(ratings).map { ($0.rater, $0) }, uniquingKeysWith: { a, _ in a })
        let gold = Dictionary(ProjectAnalysis.goldAccuracy(labels).map { ($0.person, ($0.correct, $0.total)) },
                              uniquingKeysWith: { a, _ in a })
        var counts: [String: Int] = [:]
        for r in ratings { counts[r.rater, default: 0] += 1 }
        let labelers = counts.keys.sorted().map { p in
            Labeler(person: p, labels: counts[p]!,
                    peers: peers[p] ?? RaterAgreement(rater: p, kappa: AgreementFigure(value: nil, items: 0), observed: nil),
                    goldCorrect: gold[p]?.0 ?? 0, goldTotal: gold[p]?.1 ?? 0)
        }
        return AgreementReport(areas: areas, labelers: labelers, cases: cases.count,
                               disagreements: cases.filter(\.disagrees).count,
                               toAdjudicate: ProjectAnalysis.adjudicationQueue(cases).count,
                               adjudicated: cases.filter(\.adjudicated).count)
    }
}
