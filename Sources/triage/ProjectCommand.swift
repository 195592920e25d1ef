import ArgumentParser
import Foundation
import TriageCore
import TriageStore

extension QueuePolicy: ExpressibleByArgument {}
extension CaseStatus: ExpressibleByArgument {}

struct ProjectCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "project",
        abstract: "Labelling projects: cases that need k independent labels each, for ground truth.",
        discussion: """
        A lead creates a project from the cases of a policy area; labelers then work it with \
        `triage --role labeler --project NAME`: one case at a time, blind to the model unless the \
        project is unblinded, never a case twice, each case going to `overlap` different people. \
        Gold cases (imported with gold_label) are mixed in at --gold-rate and look like any other \
        case. `triage agreement` measures how well labelers agree, `triage --role lead --project \
        NAME` settles disagreements, `triage export --consensus` writes one label per case.
        """,
        subcommands: [ProjectList.self, ProjectCreate.self, ProjectSet.self],
        defaultSubcommand: ProjectList.self
    )
}

struct ProjectList: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "list", abstract: "Print every project with its progress.")

    @OptionGroup var global: GlobalOptions

    func run() throws {
        try runReporting {
            let store = try global.openStore(.readOnly)
            let all = try store.projects()
            if all.isEmpty {
                Console.out("no labelling project yet: a lead creates one with `triage project create NAME --policy POLICY`")
                return
            }
            for s in all { Console.out(ProjectList.describe(s)) }
        }
    }

    /// One line per project: settings, then progress.
    static func describe(_ s: ProjectSummary) -> String {
        let p = s.project
        var parts = [p.name, p.policy ?? "all policy areas", "overlap \(p.overlap)", p.blind ? "blind" : "unblinded",
                     "by \(p.queuePolicy.rawValue)" + (p.sampleRate.map { " (rate \(Fmt.decimal($0)))" } ?? "")]
        if p.goldRate > 0 { parts.append("gold \(Fmt.percent(p.goldRate))") }
        parts.append("\(s.cases) cases, \(s.complete) complete, \(s.labels) labels by \(s.labelers) labelers, \(s.adjudicated) adjudicated")
        return parts.map(TextTable.clean).joined(separator: " · ")
    }
}

struct ProjectCreate: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "create",
        abstract: "Create a labelling project (leads only).",
        discussion: """
        Takes the cases of --policy (default: every policy area) with --status (default: any), \
        except gold cases, which are mixed in at --gold-rate instead. The queue policy decides \
        which cases and in what order they are served: score (highest first), age (oldest \
        first), uncertainty (closest to the model's threshold first: active learning) — with \
        --limit N taking only the first N — or audit: a random sample in which each case is \
        drawn with probability --sample-rate, served in random order. Every label records the \
        queue policy and, for an audit, the inclusion probability, so estimates of precision \
        can weight each case by 1/probability (the export's sampling_weight). The same --seed \
        draws the same sample.

        Examples:
          triage project create gambling-nov --policy gambling --gold-rate 0.1
          triage project create audit-q4 --queue-policy audit --sample-rate 0.02
          triage project create hard --queue-policy uncertainty --limit 500
          triage suspects --format ids | triage project create rereview --cases -

        --cases FILE restricts the project to the listed case ids (one per line; '-' reads \
        standard input): re-reviewing suspect labels, say. An unknown id refuses the project.
        """
    )

    @OptionGroup var global: GlobalOptions

    @Argument(help: ArgumentHelp("The project's name (letters, digits, _, -, .).", valueName: "name"))
    var name: String

    @Option(help: ArgumentHelp("Take cases of this policy area only (default: all).", valueName: "policy"))
    var policy: String?

    @Option(help: ArgumentHelp("Only cases with this status: open, decided or escalated (default: any).", valueName: "status"))
    var status: CaseStatus?

    @Option(help: ArgumentHelp("Independent labels each case needs, from different labelers (1–20).", valueName: "k"))
    var overlap = 2

    @Flag(help: "Show labelers model scores, attributions and rationales before they decide (default: blind).")
    var unblinded = false

    @Option(name: .customLong("gold-rate"), help: ArgumentHelp("Share of each labeler's cases that are gold cases (0 to below 1).", valueName: "rate"))
    var goldRate = 0.0

    @Option(name: .customLong("queue-policy"), help: "How cases are chosen and served: score, age, uncertainty or audit.")
    var queuePolicy: QueuePolicy = .score

    @Option(name: .customLong("sample-rate"), help: ArgumentHelp("audit: the probability of drawing each case (0 to 1].", valueName: "rate"))
    var sampleRate: Double?

    @Option(help: ArgumentHelp("Take only the first N cases in the queue policy's order.", valueName: "n"))
    var limit: Int?

    @Option(help: ArgumentHelp("audit: the sample's seed (the same seed draws the same cases).", valueName: "n"))
    var seed: UInt64 = 1

    @Option(help: ArgumentHelp("Only the cases listed in this file, one id per line ('-': standard input), e.g. from `triage suspects --format ids`.",
                               valueName: "file"))
    var cases: String?

    /// The case ids in --cases: one per line; blank lines and `#` comments are skipped.
    func listedCases() throws -> [String]? {
        guard let cases else { return nil }
        let text: String
        if cases == "-" {
            text = String(decoding: FileHandle.standardInput.readDataToEndOfFile(), as: UTF8.self)
        } else {
            guard let data = FileManager.default.contents(atPath: cases) else {
                throw CLIError(message: "cannot read \(cases)", code: Exit.noInput)
            }
            text = String(decoding: data, as: UTF8.self)
        }
        let ids = text.split(whereSeparator: \.isNewline).map { $0.trimmingCharacters(in: .whitespaces) }
            .filter { !$0.isEmpty && !$0.hasPrefix("#") }
        guard !ids.isEmpty else { throw CLIError(message: "\(cases == "-" ? "standard input" : cases) lists no case ids", code: Exit.dataError) }
        return ids
    }

    func run() throws {
        try runReporting {
            let store = try global.openStore(.readWrite)
            let settings = Project(name: name, policy: policy, overlap: overlap, blind: !unblinded, goldRate: goldRate,
                                   queuePolicy: queuePolicy, sampleRate: sampleRate, createdBy: global.analystName,
                                   createdAt: .now())
            let s = try store.createProject(ProjectDraft(settings: settings, status: status, limit: limit, seed: seed,
                                                         caseIDs: try listedCases()),
                                            actor: global.analystName)
            Console.out("created " + ProjectList.describe(s))
        }
    }
}

struct ProjectSet: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "set",
        abstract: "Change a project's overlap, blindness or gold rate (leads only).",
        discussion: """
        Labels already made keep what they recorded (each says whether it was blind).

        Examples:
          triage project set gambling-nov --unblinded
          triage project set gambling-nov --overlap 3 --gold-rate 0.05
        """
    )

    @OptionGroup var global: GlobalOptions

    @Argument(help: ArgumentHelp("The project.", valueName: "name"))
    var name: String

    @Option(help: ArgumentHelp("Independent labels each case needs (1–20).", valueName: "k"))
    var overlap: Int?

    @Flag(inversion: .prefixedNo, exclusivity: .exclusive, help: "Hide (--blind) or show (--no-blind) model output to labelers.")
    var blind: Bool?

    @Flag(help: "Show labelers the model's output before they decide (the same as --no-blind).")
    var unblinded = false

    @Option(name: .customLong("gold-rate"), help: ArgumentHelp("Share of each labeler's cases that are gold cases.", valueName: "rate"))
    var goldRate: Double?

    func validate() throws {
        if unblinded && blind == true { throw ValidationError("--blind and --unblinded contradict each other") }
        if overlap == nil && blind == nil && !unblinded && goldRate == nil {
            throw ValidationError("nothing to change: give --overlap, --blind, --unblinded or --gold-rate")
        }
    }

    func run() throws {
        try runReporting {
            let store = try global.openStore(.readWrite)
            let change = ProjectChange(overlap: overlap, blind: unblinded ? false : blind, goldRate: goldRate)
            _ = try store.updateProject(name, change, actor: global.analystName)
            guard let s = try store.projects().first(where: { $0.project.name == name }) else { return }
            Console.out("changed " + ProjectList.describe(s))
        }
    }
}

/// Number formats for command output.
enum Fmt {
    static func decimal(_ x: Double, places: Int = 3) -> String {
        guard x.isFinite else { return "-" }
        var s = String(format: "%.\(places)f", x)
        while s.contains("."), s.hasSuffix("0") { s.removeLast() }
        if s.hasSuffix(".") { s.removeLast() }
        return s
    }

    static func percent(_ x: Double) -> String { String(format: "%.0f%%", x * 100) }

    static func figure(_ x: Double?) -> String { x.map { String(format: "%.3f", $0) } ?? "n/a" }
}
