import ArgumentParser
import Foundation
import TriageCore
import TriageFormats
import TriageStore
import TriageTerminal
import TriageUI

struct Report: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Write the leads' dashboard as text, Markdown or JSON.",
        discussion: """
        The same figures as the dashboard (D in the workbench), for people who are not at a \
        terminal: queue health (cases by policy area and status, SLA breaches, open cases by age, \
        14 days of cases flagged and decided, the backlog's trend and an ETA, the oldest open \
        cases), activity per person (labels per hour, median dwell time, undo rate, decision \
        shares), label quality per labelling project (kappas, alpha, gold accuracy, \
        disagreements, adjudications) and model quality from decided cases (precision at the \
        threshold with a Wilson interval, recall from audit samples, the decision mix above and \
        below the threshold, calibration with ECE and Brier score, the score distribution by \
        decision, versions compared on the cases both scored).

        --format text (default) draws the dashboard's charts at --width columns (default: the \
        terminal's width, else 100), in ASCII when TRIAGE_ASCII=1 or the locale is not UTF-8; \
        markdown writes headings and tables; json writes the stable, documented schema \
        "triage.report/1" (see the README) for other tools.

        Examples:
          triage report
          triage report --format markdown --out report.md
          triage report --format json | jq '.models[] | {version, precision}'
        """
    )

    @OptionGroup var global: GlobalOptions

    enum Format: String, ExpressibleByArgument { case text, markdown, json }

    @Option(help: "text (default), markdown or json.")
    var format: Format = .text

    @Option(help: ArgumentHelp("Where to write (default: standard output).", valueName: "file"))
    var out: String?

    @Option(help: ArgumentHelp("Text width in columns (text format).", valueName: "n"))
    var width: Int?

    func validate() throws {
        if let width, !(40...1000).contains(width) { throw ValidationError("--width must be 40 to 1000 columns") }
    }

    func run() throws {
        try runReporting {
            let store = try global.openStore(.readOnly)
            try global.requireOverview(store, "the report")
            let data = try store.dashboard(now: .now())
            let text: String
            switch format {
            case .json: text = DashboardJSON.encode(data) + "\n"
            case .markdown: text = DashboardMarkdown.render(data)
            case .text:
                let columns = width ?? Self.terminalWidth() ?? 100
                text = DashboardText.render(data, width: columns, glyphs: userGlyphs(),
                                            decisionOrder: try store.taxonomy().decisions.map(\.key))
            }
            let output = try OutputFile(path: out, protecting: global.protectedFiles())
            try output.write(Array(text.utf8))
            try output.close()
            if let out { Console.info("wrote the report to \(out)") }
        }
    }

    /// The width of the terminal on standard output, if it is one.
    static func terminalWidth() -> Int? {
        var ws = winsize()
        guard isatty(1) == 1, ioctl(1, UInt(TIOCGWINSZ), &ws) == 0, ws.ws_col >= 40 else { return nil }
        return Int(ws.ws_col)
    }
}
