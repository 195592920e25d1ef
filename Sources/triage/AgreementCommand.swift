import ArgumentParser
import Foundation
import TriageCore
import TriageFormats
import TriageStore

struct AgreementCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "agreement",
        abstract: "How well a project's labelers agree: kappas, alpha, gold accuracy.",
        discussion: """
        For the whole project and for each policy area: Cohen's kappa for every pair of labelers \
        who share cases, Fleiss' kappa and Krippendorff's alpha (nominal) over all labels; for \
        each labeler: Cohen's kappa against their peers (pooled) and their accuracy on gold \
        cases. Every figure comes with the number of cases (items) behind it; n/a means it is \
        undefined (no shared cases, or everyone gave one and the same label). Kappa and alpha \
        are 1 for perfect agreement and 0 for agreement no better than chance.

        Also counts the cases whose labels disagree, those waiting for a lead (disagreement or \
        a Dawid–Skene confidence below 0.8) and those adjudicated.

        Examples:
          triage agreement --project gambling-nov
          triage agreement --project gambling-nov --format json | jq '.labelers'
        """
    )

    @OptionGroup var global: GlobalOptions

    @Option(help: ArgumentHelp("The labelling project (default: the only one).", valueName: "name"))
    var project: String?

    @Option(help: "text (default) or json.")
    var format: ReportFormat = .text

    enum ReportFormat: String, ExpressibleByArgument { case text, json }

    func run() throws {
        try runReporting {
            let store = try global.openStore(.readOnly)
            try global.requireOverview(store, "`triage agreement`")
            let p = try global.resolveProject(store, project)
            let labels = try store.projectLabels(p.name)
            let report = AgreementReport.build(labels, categories: try store.taxonomy().decisions.map(\.key))
            let summary = try store.projects().first { $0.project.name == p.name }
            switch format {
            case .text: Console.out(Self.text(report, summary: summary))
            case .json: Console.out(Self.json(report, project: p.name))
            }
        }
    }

    static func text(_ r: AgreementReport, summary: ProjectSummary?) -> String {
        var out: [String] = []
        if let summary { out += ["project " + ProjectList.describe(summary), ""] }
        out.append("Agreement (items: cases with 2+ labels)")
        out.append("  " + TextTable.pad("policy area", 16) + TextTable.pad("items", 7, right: true)
                   + TextTable.pad("labelers", 10, right: true) + TextTable.pad("Fleiss κ", 11, right: true)
                   + TextTable.pad("Krippendorff α", 16, right: true))
        for a in r.areas {
            out.append("  " + TextTable.pad(TextTable.clean(a.policy ?? "all"), 16) + TextTable.pad(String(a.items), 7, right: true)
                       + TextTable.pad(String(a.labelers), 10, right: true)
                       + TextTable.pad(Fmt.figure(a.fleiss.value), 11, right: true)
                       + TextTable.pad(Fmt.figure(a.krippendorff.value), 16, right: true))
        }
        // With a single policy area its pairs are the whole project's: list them once.
        for a in (r.areas.count == 2 ? Array(r.areas.prefix(1)) : r.areas) where !a.pairs.isEmpty {
            out.append("")
            out.append("Pairs in \(TextTable.clean(a.policy ?? "all policy areas")) (Cohen's κ)")
            for pair in a.pairs {
                let who = TextTable.clean(pair.raterA) + " – " + TextTable.clean(pair.raterB)
                out.append("  " + TextTable.pad(who, 28) + TextTable.pad("κ " + Fmt.figure(pair.kappa.value), 10, right: true)
                           + "  on \(pair.kappa.items) cases" + (pair.observed.map { ", agree \(Fmt.percent($0))" } ?? ""))
            }
        }
        out.append("")
        out.append("Labelers")
        out.append("  " + TextTable.pad("labeler", 20) + TextTable.pad("labels", 7, right: true)
                   + TextTable.pad("κ vs peers", 12, right: true) + TextTable.pad("items", 7, right: true) + "  gold")
        for l in r.labelers {
            let gold = l.goldTotal == 0 ? "-" : "\(l.goldCorrect)/\(l.goldTotal) (\(Fmt.percent(l.goldAccuracy ?? 0)))"
            out.append("  " + TextTable.pad(TextTable.clean(l.person), 20) + TextTable.pad(String(l.labels), 7, right: true)
                       + TextTable.pad(Fmt.figure(l.peers.kappa.value), 12, right: true)
                       + TextTable.pad(String(l.peers.kappa.items), 7, right: true) + "  " + gold)
        }
        out.append("")
        out.append("\(r.cases) cases labelled · \(r.disagreements) with disagreeing labels · \(r.toAdjudicate) waiting for a lead · \(r.adjudicated) adjudicated")
        return out.joined(separator: "\n")
    }

    static func json(_ r: AgreementReport, project: String) -> String {
        var w = JSONWriter()
        DashboardJSON.project(project, r, into: &w) // the same shape as in `triage report --format json`
        return w.text
    }
}
