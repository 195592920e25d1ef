import TriageCore

/// The dashboard screen (`D`): a title line with the section tabs, the figures as scrollable
/// lines (Queue, People, Labels, Models; see ``Dashboard``), and a status bar with the keys.
/// Every line is built to fit the terminal's width: labels are shortened or lines wrapped, a
/// number is never cut.
enum DashboardView {
    /// The body's lines and where each section starts among them.
    struct Content {
        var lines: [StyledLine]
        /// The first line of each section, by ``DashboardSection/rawValue``.
        var starts: [Int]

        func start(of section: DashboardSection) -> Int {
            section.rawValue < starts.count ? starts[section.rawValue] : 0
        }

        /// The section line `line` belongs to.
        func section(at line: Int) -> DashboardSection {
            var found = DashboardSection.queue
            for s in DashboardSection.allCases where start(of: s) <= line { found = s }
            return found
        }
    }

    /// Rows of body between the tab line and the status bar.
    static func bodyHeight(_ size: TerminalSize) -> Int { max(1, size.height - 3) }

    /// The columns the body's text may take (a column of margin each side).
    static func textWidth(_ size: TerminalSize) -> Int { max(10, size.width - 2) }

    /// The body for the state's figures (a single "Loading…" line until they arrive).
    static func content(_ state: WorkbenchState) -> Content {
        guard let data = state.dashboard?.data else {
            return Content(lines: [StyledLine("Loading the dashboard…", .dim)], starts: [0, 0, 0, 0])
        }
        let order = state.taxonomy?.decisions.map(\.key) ?? []
        return content(data, width: textWidth(state.size), glyphs: state.glyphs, decisionOrder: order)
    }

    /// The body for `data` at `width` columns: each section's lines, a blank line between them.
    static func content(_ data: Dashboard, width: Int, glyphs: Glyphs, decisionOrder: [String] = []) -> Content {
        var lines: [StyledLine] = []
        var starts: [Int] = []
        for section in DashboardSection.allCases {
            if !lines.isEmpty { lines.append(.blank) }
            starts.append(lines.count)
            lines += self.lines(section, data, width: width, glyphs: glyphs, decisionOrder: decisionOrder)
        }
        return Content(lines: lines, starts: starts)
    }

    /// One section's lines, its title first.
    static func lines(_ section: DashboardSection, _ data: Dashboard, width: Int, glyphs: Glyphs,
                      decisionOrder: [String] = []) -> [StyledLine] {
        switch section {
        case .queue: return queueLines(data, width: width, glyphs: glyphs)
        case .people: return peopleLines(data, width: width, glyphs: glyphs, decisionOrder: decisionOrder)
        case .labels: return labelLines(data, width: width, glyphs: glyphs)
        case .models: return modelLines(data, width: width, glyphs: glyphs, decisionOrder: decisionOrder)
        }
    }

    // MARK: - Helpers shared by the sections

    /// A section's title line, underlined by the rule.
    static func title(_ text: String, width: Int, glyphs: Glyphs) -> [StyledLine] {
        [StyledLine(text, .title), StyledLine(String(repeating: String(glyphs.rule), count: min(width, text.displayWidth + 2)), .border)]
    }

    /// Text wrapped at spaces to `width`, continuation lines indented by `indent`.
    static func wrap(_ line: StyledLine, width: Int, indent: Int = 2) -> [StyledLine] {
        line.wrapped(toWidth: width, indent: indent)
    }

    /// A figure or `–` when there is none.
    static func figure(_ x: Double?, _ decimals: Int = 2) -> String { x.map { Format.fixed($0, decimals) } ?? "–" }

    /// A share as a percentage, e.g. `45%` (`4.5%` below 10%), or `–`.
    static func percent(_ x: Double?) -> String {
        guard let x else { return "–" }
        let p = x * 100
        return (p > 0 && p < 10 ? Format.fixed(p, 1) : Format.fixed(p, 0)) + "%"
    }

    /// A proportion with its interval, e.g. `0.75 (0.57–0.87)`.
    static func withInterval(_ x: Double?, _ interval: ClosedRange<Double>?) -> String {
        guard let x else { return "–" }
        guard let i = interval else { return Format.fixed(x, 2) }
        return Format.fixed(x, 2) + " (" + Format.fixed(i.lowerBound, 2) + "–" + Format.fixed(i.upperBound, 2) + ")"
    }

    /// The arrow between two versions.
    static func arrow(_ glyphs: Glyphs) -> String { glyphs == .unicode ? " → " : " -> " }
}
