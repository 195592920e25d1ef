import Foundation
import Testing
import TriageCore
@testable import TriageUI

/// The dashboard's sections drawn from hand-made figures (``DashboardFixtures``), at 80 and 140
/// columns in both glyph styles: key rows exactly, and every line within the width.
@Suite struct DashboardRenderTests {
    static let sizes = [80, 140]

    func lines(_ section: DashboardSection, width: Int, glyphs: Glyphs,
               _ data: Dashboard = DashboardFixtures.dashboard) -> [String] {
        DashboardView.lines(section, data, width: width - 2, glyphs: glyphs,
                            decisionOrder: ["violation", "no_violation", "unsure", "escalate"]).map(\.text)
    }

    /// A state with the dashboard open on `data`.
    func state(width: Int, height: Int = 24, glyphs: Glyphs = .unicode,
               _ data: Dashboard? = DashboardFixtures.dashboard) -> WorkbenchState {
        var s = Fixtures.state(width: width, height: height)
        s.glyphs = glyphs
        s.dashboard = DashboardScreen(data: data)
        return s
    }

    @Test(arguments: [60] + sizes, Glyphs.allCases)
    func everyLineFitsTheWidth(width: Int, glyphs: Glyphs) {
        for data in [DashboardFixtures.dashboard, DashboardFixtures.empty] {
            let content = DashboardView.content(data, width: width - 2, glyphs: glyphs)
            for line in content.lines { #expect(line.width <= width - 2, "\(glyphs) \(width): \(line.text)") }
            #expect(content.starts.count == 4 && content.starts == content.starts.sorted())
        }
    }

    @Test(arguments: sizes, Glyphs.allCases)
    func queueSection(width: Int, glyphs: Glyphs) {
        let l = lines(.queue, width: width, glyphs: glyphs)
        #expect(l[0] == "Queue")
        #expect(l.contains("Backlog 64 open · 12 past their SLA · clears in ~3.2 days at the current rate"))
        let gap = width < 100 ? " " : "  "
        let header = ["policy ", "open", "claimed", "decided", "escal.", "SLA h", "breach", "<1d", "1-3d", "3-7d", "7-14d", "14d+"]
        #expect(l.contains { $0.hasPrefix("policy") && $0.hasSuffix("7-14d" + gap + "14d+") })
        if width == 80 {
            #expect(l.contains("policy   open claimed decided escal. SLA h breach <1d 1-3d 3-7d 7-14d 14d+"))
            #expect(l.contains("fraud      40       3     120      4    24     12  28    8    4     0    0"))
        } else {
            #expect(l.contains(header.joined(separator: "  ").replacingOccurrences(of: "policy   ", with: "policy    ")))
        }
        #expect(l.contains { $0.hasPrefix("gambling") && $0.contains("1,310") && $0.hasSuffix("0") })
        #expect(l.contains { $0.hasPrefix("total") && $0.contains("1,430") })
        // Inflow 0…13 and outflow 20…33 on one scale; the numbers of the last day and the totals.
        let per = width >= 120 ? 3 : 2
        let inflow = Sparkline.text(Array(0...13), cellsPerValue: per, scaleMax: 33, glyphs: glyphs)
        #expect(l.contains("Inflow  " + inflow + "  today 13 · 14 days 91"))
        #expect(l.contains { $0.hasPrefix("Outflow ") && $0.hasSuffix("  today 33 · 14 days 371") })
        #expect(l.contains { $0.hasPrefix("Backlog ") && $0.hasSuffix("now 64 · 14 days ago 324") })
        // The oldest cases, their merchant names sanitised.
        #expect(l.contains { $0.hasPrefix("c_000017") && $0.contains("Ace␛[2J Guns") && $0.hasSuffix("5d") })
        #expect(!l.joined().contains("\u{1b}"))
    }

    @Test func sparklineCharactersForKnownValues() {
        let unicode = lines(.queue, width: 80, glyphs: .unicode)
        #expect(unicode.contains("Inflow  ▁▁▁▁▁▁▂▂▂▂▂▂▂▂▂▂▃▃▃▃▃▃▃▃▄▄▄▄  today 13 · 14 days 91"))
        #expect(unicode.contains("Outflow ▅▅▅▅▆▆▆▆▆▆▆▆▇▇▇▇▇▇▇▇▇▇██████  today 33 · 14 days 371"))
        let ascii = lines(.queue, width: 80, glyphs: .ascii)
        #expect(ascii.contains("Inflow        ..........::::::::----  today 13 · 14 days 91"))
        #expect(ascii.contains("Backlog ####****++++======----::::..  now 64 · 14 days ago 324"))
    }

    @Test func etaTexts() {
        #expect(DashboardView.etaText(DashboardFixtures.queue) == "clears in ~3.2 days at the current rate")
        var growing = DashboardFixtures.queue
        growing.days = growing.days.map { DayFlow(day: $0.day, inflow: $0.outflow, outflow: $0.inflow) }
        #expect(DashboardView.etaText(growing) == "not clearing at the current rate")
        #expect(DashboardView.etaText(QueueHealth(policies: [], days: [], oldest: [])) == "no backlog")
    }

    @Test(arguments: sizes, Glyphs.allCases)
    func peopleSection(width: Int, glyphs: Glyphs) {
        let l = lines(.people, width: width, glyphs: glyphs)
        #expect(l[0] == "People (last 14 days)")
        #expect(l[2] == "person  labels  per h  dwell s  undo  violation  no_violation  escalate")
        #expect(l[3] == "ana        120   15.0     12.5  5.0%        50%           40%       10%")
        #expect(l[4] == "bo          40    8.0     30.0    0%        25%           75%        0%")
        let bar = glyphs == .unicode ? "█" : "#"
        #expect(l.contains { $0.hasPrefix("ana " + bar) && $0.hasSuffix(" 120") })
        #expect(l.contains { $0.hasPrefix("bo  " + bar) && $0.hasSuffix("  40") })
    }

    @Test(arguments: sizes, Glyphs.allCases)
    func labelsSection(width: Int, glyphs: Glyphs) {
        let l = lines(.labels, width: width, glyphs: glyphs)
        #expect(l[0] == "Labels")
        #expect(l.contains("Project audit-nov"))
        #expect(l.contains("4 cases · 1 disagreements · 1 waiting for a lead · 0 adjudicated"))
        #expect(l.contains("area      items  labelers  pairs  Fleiss κ  Krippendorff α"))
        #expect(l.contains("fraud         2         2      1      1.00            1.00"))
        #expect(l.contains("labeler  labels  κ vs peers  shared  gold accuracy"))
        #expect(l.contains("ann           4        0.50       4              –"))
        let empty = lines(.labels, width: width, glyphs: glyphs, DashboardFixtures.empty)
        #expect(empty.last == "No labelling projects yet")
    }

    @Test(arguments: sizes, Glyphs.allCases)
    func modelsSection(width: Int, glyphs: Glyphs) {
        let l = lines(.models, width: width, glyphs: glyphs)
        #expect(l[0] == "Models")
        #expect(l.contains("risk@v2  scored 1,000 · labelled 90"))
        #expect(l.contains("  precision 0.75 (0.57–0.87) of 28 flagged and decided"))
        #expect(l.contains("  recall: no audit sample"))
        #expect(l.contains("  violation                     21      3"))
        #expect(l.contains("  Calibration  ECE 0.050 · Brier 0.100"))
        let marker = glyphs == .unicode ? "┃" : "o"
        #expect(l.contains { $0.hasPrefix("  0.3–0.4  n= 10  mean 0.35  obs 0.30  ") && $0.contains(marker) })
        #expect(l.contains { $0.hasPrefix("  violation     ") && $0.hasSuffix("  n=39") })
        let arrow = glyphs == .unicode ? " → " : " -> "
        #expect(l.contains { $0.hasPrefix("risk   v1" + arrow + "v2") && $0.hasSuffix("+0.015         0.65         0.75") })
    }

    @Test func recallWhenAnAuditSampleExists() {
        var data = DashboardFixtures.dashboard
        data.models[0].recall = RecallEstimate(flaggedPositiveWeight: 40, positiveWeight: 50, cases: 64)
        #expect(lines(.models, width: 80, glyphs: .unicode, data).contains("  recall 0.80 from 64 audited cases"))
    }

    @Test func emptyDashboardSaysSo() {
        let text = DashboardView.content(DashboardFixtures.empty, width: 78, glyphs: .unicode).lines.map(\.text)
        #expect(text.contains("Backlog 0 open · 0 past their SLA · no backlog"))
        #expect(text.contains("No labels in the last 14 days"))
        #expect(text.contains("No labelling projects yet"))
        #expect(text.contains("No model scores on decided cases yet"))
    }

    @Test(arguments: sizes)
    func screenHasTabsBodyAndKeys(width: Int) {
        let grid = Workbench.render(state(width: width))
        #expect(grid.rowText(0).hasPrefix(" triage · Dashboard · cases.db · figures of 2026-11-23 12:00 UTC"))
        #expect(grid.rowText(1).hasPrefix("  1 Queue   2 People   3 Labels   4 Models"))
        #expect(grid[2, 1].highlight == .selection || grid[2, 1].role == .selection)
        #expect(grid.rowText(2).hasPrefix(" Queue"))
        #expect(grid.rowText(23).contains("D/Esc close"))
        #expect(grid.rowText(23).hasSuffix("lines 1–21 of \(DashboardView.content(state(width: width)).lines.count)"))
    }

    @Test func loadingScreenBeforeTheFigures() {
        let grid = Workbench.render(state(width: 80, nil))
        #expect(grid.rowText(2).hasPrefix(" Loading the dashboard…"))
    }
}

