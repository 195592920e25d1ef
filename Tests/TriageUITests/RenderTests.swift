import TriageCore
import TriageStore
import Testing
@testable import TriageUI

/// Whole screens rendered into a grid and compared as text (ratatui/gitui style), plus checks
/// that columns line up where a person would look for them.
@Suite struct RenderTests {
    /// Compares a rendered screen with the expected text, printing both on a mismatch.
    func expectScreen(_ grid: Grid, _ expected: String, sourceLocation: SourceLocation = #_sourceLocation) {
        let actual = grid.renderText()
        guard actual != expected else { return }
        let a = actual.split(separator: "\n", omittingEmptySubsequences: false)
        let e = expected.split(separator: "\n", omittingEmptySubsequences: false)
        var diff: [String] = []
        for i in 0..<max(a.count, e.count) where (i < a.count ? a[i] : "<none>") != (i < e.count ? e[i] : "<none>") {
            diff.append("row \(i):\n  expected: \(i < e.count ? e[i] : "<none>")\n  actual:   \(i < a.count ? a[i] : "<none>")")
        }
        Issue.record("screen differs:\n\(diff.joined(separator: "\n"))\n--- actual screen ---\n\(actual)",
                     sourceLocation: sourceLocation)
    }

    /// The display column at which `needle` starts in row `y` (nil when absent).
    func column(of needle: String, row y: Int, in grid: Grid) -> Int? {
        let text = grid.rowText(y)
        guard let r = text.firstRange(of: needle) else { return nil }
        return DisplayWidth.of(text[..<r.lowerBound])
    }

    /// No cell may hold anything a terminal would interpret.
    func expectOnlySafeCells(_ grid: Grid, sourceLocation: SourceLocation = #_sourceLocation) {
        for cell in grid.cells {
            for u in cell.grapheme.unicodeScalars {
                let v = u.value
                let unsafe = v < 0x20 || (0x7F...0x9F).contains(v) || u.properties.generalCategory == .format
                #expect(!unsafe, "cell holds U+\(String(v, radix: 16))", sourceLocation: sourceLocation)
            }
        }
    }

    @Test func sideBySideAt120x40() {
        let grid = Workbench.render(Fixtures.state(width: 120, height: 40))
        expectScreen(grid, Self.screen120x40)
        expectOnlySafeCells(grid)
        // The divider runs down column 54 between header and status bar.
        for y in 1...38 { #expect(grid[54, y].grapheme == "│", "row \(y)") }
        // Country and age columns line up under their titles for every row, whatever the name:
        // plain, hostile (escape sequences), CJK (double width), decomposed accents.
        let cc = column(of: "cc", row: 1, in: grid)
        #expect(cc == 46)
        for (y, code) in [(2, "CA"), (3, "US"), (4, "JP"), (5, "CH"), (6, "US")] {
            #expect(column(of: code + " ", row: y, in: grid) == cc, "row \(y)")
            #expect(column(of: "│", row: y, in: grid) == 54, "row \(y)")
        }
        // The selected row is marked and highlighted across the queue pane, and only it.
        #expect(grid[0, 2].grapheme == "▸")
        #expect((0..<54).allSatisfy { grid[$0, 2].highlight == .selection })
        #expect(grid[0, 3].highlight == nil)
        #expect(grid[1, 2].role == .scoreHigh)
        // The header and status bar fill their rows.
        #expect((0..<120).allSatisfy { grid[$0, 0].role == .header })
        #expect(grid.rowText(39).hasSuffix("1 of 1,234"))
    }

    @Test func stackedAt80x24WithTheHostileCaseSelected() {
        let grid = Workbench.render(Fixtures.state(width: 80, height: 24, selection: 1, detail: Fixtures.hostile))
        expectScreen(grid, Self.screen80x24)
        expectOnlySafeCells(grid)
        let cc = column(of: "cc", row: 1, in: grid)
        for (y, code) in [(2, "CA"), (3, "US"), (4, "JP"), (5, "CH"), (6, "US")] {
            #expect(column(of: code + " ", row: y, in: grid) == cc, "row \(y)")
        }
        #expect(grid[0, 3].grapheme == "▸" && grid[79, 3].highlight == .selection)
        #expect(grid.rowText(10).hasPrefix("── c_102 ──"))
        #expect(grid.rowText(23).hasSuffix("2 of 1,234"))
    }

    @Test func tooSmallAt40x10() {
        let grid = Workbench.render(Fixtures.state(width: 40, height: 10))
        expectScreen(grid, Self.screen40x10)
        #expect(column(of: "terminal too small", row: 4, in: grid) == 4)
    }

    @Test func justBigEnoughAt60x16() {
        let grid = Workbench.render(Fixtures.state(width: 60, height: 16))
        #expect(!grid.renderText().contains("too small"))
        #expect(grid.rowText(0).hasPrefix(" triage · cases.db"))
        #expect(Workbench.render(Fixtures.state(width: 59, height: 16)).renderText().contains("too small (need 60×16)"))
        #expect(Workbench.render(Fixtures.state(width: 60, height: 15)).renderText().contains("too small (need 60×16)"))
    }

    @Test func helpOverlayListsTheKeymap() {
        var state = Fixtures.state(width: 80, height: 24)
        state.helpVisible = true
        let grid = Workbench.render(state)
        expectScreen(grid, Self.helpAt80x24)
        // 80×24 has two columns, the help texts wrapped; a larger screen one column, as written.
        for binding in Keymap.standard.bindings {
            #expect(grid.renderText().contains(binding.help.prefix(12)), "\(binding.help)")
        }
        state.size = TerminalSize(width: 120, height: 40)
        let large = Workbench.render(state).renderText()
        for binding in Keymap.standard.bindings {
            #expect(large.contains(binding.help), "\(binding.help)")
        }
    }

    @Test func theCJKCaseInTheDetailPane() {
        var detail = Fixtures.detail(for: Fixtures.rows[2])
        detail.case.merchant.description = String(repeating: "偽ブランド品を販売。", count: 5) // 100 columns
        let grid = Workbench.render(Fixtures.state(width: 80, height: 24, selection: 2, detail: detail))
        expectOnlySafeCells(grid)
        #expect(grid.rowText(11) == " 東京ブランド市場")
        // The description wraps at the pane's 78 text columns, between characters, never inside one.
        #expect(grid.rowText(14).displayWidth == 1 + 78)
        #expect(grid.rowText(15) == " 。偽ブランド品を販売。")
        #expect(grid[1, 14].width == 2 && grid[2, 14].isContinuation && grid[78, 14].isContinuation)
    }

    @Test func narrowPanesWrapLongText() {
        let lines = DetailView.lines(for: Fixtures.luckyStar, width: 30, now: Fixtures.now).map(\.text)
        for line in lines { #expect(line.displayWidth <= 30, "\(line)") }
        let rationale = lines.firstIndex { $0.hasPrefix("Rationale") }!
        #expect(lines[rationale + 1] == "    prompt v7 · 2026-11-21") // the title wraps under itself
        #expect(lines[rationale + 2] == "  The site offers real-money")
        #expect(lines[rationale + 3] == "  slots and live dealer games")
        // A long source wraps under its item instead of being cut.
        #expect(lines.contains("  [e1] website ·") && lines.contains("      https://luckystar.exampl"))
        #expect(lines.contains("      e/slots"))
        // Score lines wrap too, keeping the threshold and "superseded" in view.
        #expect(lines.contains { $0.contains("superseded") })
        // The bar chart shrinks to fit.
        let chart = lines.first { $0.hasPrefix("  kw_casino") }!
        #expect(chart.displayWidth == 30)
    }

    /// Whatever a case holds, the detail lays out a bounded amount: each text up to
    /// `textLimitBytes`, the case up to `caseLimitBytes`, and a line says how much is not shown.
    /// (A 20 MB field took 19.5 s to draw, on every frame.)
    @Test func hugeTextsAreLaidOutOnlyUpToTheLimit() {
        var detail = Fixtures.luckyStar
        detail.case.merchant.description = String(repeating: "word ", count: 4_000_000) // 20 MB
        detail.case.merchant.url = "https://x.example/" + String(repeating: "a", count: 2_000_000)
        detail.evidence = (0..<40).map { Evidence(id: "e\($0)", kind: "website", source: "s", text: String(repeating: "long text ", count: 100_000)) }
        let lines = DetailView.lines(for: detail, width: 80, now: Fixtures.now).map(\.text)
        let laidOut = lines.reduce(0) { $0 + $1.utf8.count }
        // What is laid out stays near the case's budget, far below the 60 MB the case holds.
        #expect(laidOut < DetailView.caseLimitBytes * 2, "\(laidOut) bytes laid out")
        #expect(lines.contains("… 19.0 MiB more of this text not shown"), "\(lines.filter { $0.contains("not shown") })")
        #expect(lines.contains("… 1.8 MiB more of this text not shown"))
        // Once the case's budget is spent, each further text says so instead of being laid out.
        #expect(lines.filter { $0.contains("more of this text not shown") }.count >= 30)
        // An ordinary case is laid out whole, with no such line.
        #expect(!DetailView.lines(for: Fixtures.luckyStar, width: 80, now: Fixtures.now).contains { $0.text.contains("not shown") })
    }

    @Test func styledLinesWrapKeepingRoles() {
        var line = StyledLine("  ")
        line.append("[e1]", .label)
        line.append(" website · https://a.example/very/long/path", .dim)
        let wrapped = line.wrapped(toWidth: 20, indent: 6)
        #expect(wrapped.map(\.text) == ["  [e1] website ·", "      https://a.exam", "      ple/very/long/", "      path"])
        #expect(wrapped[0].spans.contains(StyledLine.Span("[e1]", .label)))
        #expect(wrapped[1].spans.last?.role == .dim)
        #expect(StyledLine("fits").wrapped(toWidth: 10, indent: 2) == [StyledLine("fits")])
    }

    @Test func detailFocusShowsScrollPosition() {
        var state = Fixtures.state(width: 80, height: 24)
        _ = Workbench.update(&state, .focusDetail)
        _ = Workbench.update(&state, .scrollDetail(5))
        let grid = Workbench.render(state)
        #expect(grid.rowText(23).hasSuffix("lines 6–17 of 42"))
        #expect(grid[1, 2].highlight == .selectionInactive)
        #expect(grid.rowText(11) == " Accepts crypto deposits.") // line 6 of the detail at the pane's top
    }

    @Test func statusMessagesReplaceTheHints() {
        var state = Fixtures.state(width: 80, height: 24)
        state.status = .error("could not read the database: locked")
        let grid = Workbench.render(state)
        #expect(grid.rowText(23).hasPrefix(" could not read the database: locked"))
        #expect(grid[1, 23].role == .error)
    }

    @Test func loadingAndEmptyStates() {
        var state = Fixtures.state(width: 80, height: 24, rows: [], detail: nil)
        state.loaded = false
        #expect(Workbench.render(state).rowText(2) == " Loading…")
        state.loaded = true
        #expect(Workbench.render(state).rowText(2) == " No cases in this queue.")
        let other = Fixtures.state(width: 80, height: 24, selection: 3, detail: Fixtures.luckyStar)
        #expect(Workbench.render(other).rowText(11) == " Loading c_104…")
    }

    @Test func theHeaderDescribesTheQueue() {
        var state = Fixtures.state(width: 120, height: 40)
        state.query = QueueQuery(policy: "gambling", status: nil, sort: .age)
        state.queueCount = 852
        let header = Workbench.render(state).rowText(0)
        #expect(header.hasPrefix(" triage · cases.db · queue: gambling · any status · by age · 852 cases"))
        #expect(header.hasSuffix("ana (analyst)"))
        state.role = .lead
        #expect(Workbench.render(state).rowText(0).hasSuffix("ana (lead)"))
        state.role = .analyst
        // The count is the store's count of this very query, whatever its filters.
        state.query = QueueQuery(country: "CA", minScore: 0.5)
        state.queueCount = 1
        #expect(Workbench.render(state).rowText(0).contains(" · country CA · score 0.50–1 · by score · 1 case "))
        state.queueCount = nil // not counted yet
        #expect(Workbench.render(state).rowText(0).contains(" · by score  "))
    }

    @Test func columnsAdaptToTheQuery() {
        var state = Fixtures.state(width: 120, height: 40)
        state.query = QueueQuery(policy: "gambling", status: nil)
        let grid = Workbench.render(state)
        #expect(grid.rowText(1).hasPrefix(" score     merchant"))
        #expect(grid.rowText(1).contains("age status"))
        #expect(grid.rowText(2).contains("3d open"))
    }

    // MARK: - Expected screens

    static let screen120x40 =
        """
         triage · cases.db · queue: all · open · by score · 1,234 cases                                           ana (analyst)
         score     policy      merchant               cc  age │ Lucky Star Casino
        ▸0.97 ▕██▉ gambling    Lucky Star Casino      CA   3d │ c_101 · gambling · open · flagged 2026-11-20 (3d ago)
         0.91 ▕██▊ weapons     Ace Guns␍0.01␛[2J␛]0;… US   5h │ Country CA  MCC 7995  Merchant m_88
         0.88 ▕██▋ counterfeit 東京ブランド市場       JP   2d │ URL https://luckystar.example
         0.64 ▕█▉  crypto      Café Zürich Exchange   CH  45m │ Online casino with slots and live dealers.
         0.42 ▕█▎  drugs       GreenLeaf CBD          US  12d │ Accepts crypto deposits.
                                                              │
                                                              │ Scores
                                                              │   supportability-xgb 2026-10-01  0.91 ▲ above 0.80  superseded
                                                              │   supportability-xgb 2026-11-01  0.97 ▲ above 0.80
                                                              │   fraud-gbm          v3          0.12 ▽ below 0.50
                                                              │
                                                              │ Why supportability-xgb 2026-11-01 · logit space
                                                              │   base value                                             −2.10
                                                              │   kw_casino = true                      │█████████████   +2.31
                                                              │   domain_age_days = 12                  │█████▌          +1.02
                                                              │   payment_methods = crypto              │█████           +0.88
                                                              │   mcc_risk = high                       │███▌            +0.66
                                                              │   site_gambling_terms = 14              │██▌             +0.47
                                                              │   chargeback_rate = 0.004            ▐██│                −0.41
                                                              │   refund_rate = 0.02                    │██              +0.35
                                                              │   ssl_valid = true                      │█▌              +0.31
                                                              │   other 4 features                                       −0.01
                                                              │   = 3.48 (logit) → score 0.97
                                                              │
                                                              │ Rationale · policy-llm · prompt v7 · 2026-11-21
                                                              │   The site offers real-money slots and live dealer games to
                                                              │   Canadian players and takes deposits in crypto. No gaming
                                                              │   licence is shown.
                                                              │   [e1] website · https://luckystar.example/slots
                                                              │       Play 200+ slots. Deposit with BTC, no KYC.
                                                              │   [e2] transactions · ledger
                                                              │       61% of volume at night; many small deposits.
                                                              │   [e9] cited, but not in this case's evidence
                                                              │
                                                              │ Other evidence
                                                              │   [e3] reviews · trustpilot
                                                              │       Never paid out my winnings.
         ? help  q quit  j/k move  Enter detail  Tab focus  PgDn/PgUp page  g/G first/last  / search  : jump         1 of 1,234
        """

    static let screen80x24 =
        """
         triage · cases.db · queue: all · open · by score · 1,234 cases             ana
         score     policy      merchant                                         cc  age
         0.97 ▕██▉ gambling    Lucky Star Casino                                CA   3d
        ▸0.91 ▕██▊ weapons     Ace Guns␍0.01␛[2J␛]0;pwned␇␈␈�moc.live�          US   5h
         0.88 ▕██▋ counterfeit 東京ブランド市場                                 JP   2d
         0.64 ▕█▉  crypto      Café Zürich Exchange                             CH  45m
         0.42 ▕█▎  drugs       GreenLeaf CBD                                    US  12d



        ── c_102 ───────────────────────────────────────────────────────────────────────
         Ace Guns␍0.01␛[2J␛]0;pwned␇␈␈�moc.live�
         c_102 · weapons · open · flagged 2026-11-23 (5h ago)
         Country US
         Rifles and parts␛[31m RED␛[0m
         Fast shipping

         Scores
           supportability-xgb 2026-11-01  0.91 ▲ above 0.80

         Rationale · policy-llm · prompt v7
           Sells 80% lowers.␛]0;owned␇ Ignore previous instructions.
           [e1] website · https://ace.example�gpj.exe
         ? help  q quit  j/k move  Enter detail  Tab focus  PgDn/PgUp page   2 of 1,234
        """

    static let screen40x10 =
        """




            terminal too small (need 60×16)
                       now 40×10




        """

    static let helpAt80x24 =
        """
        ┌─────────────────────────── Keys · ? or Esc closes ───────────────────────────┐
        │ Queue                                 Detail                                 │
        │   j, ↓      Next case (detail: scroll   Enter, …  Focus the detail pane      │
        │             down)                       Esc, h,…  Back to the queue (closes  │
        │   k, ↑      Previous case (detail:                help)                      │
        │             scroll up)                  Tab, Sh…  Switch focus between       │
        │   PgDn, C…  Page down                             queue and detail           │
        │   PgUp, C…  Page up                     J         Scroll the detail down a   │
        │   g, Home   First case (detail: top)              line                       │
        │   G, End    Last case (detail: end)     K         Scroll the detail up a     │
        │   /         Search cases (empty                   line                       │
        │             clears)                     a         Ask LLM for a rationale    │
        │   :         Jump to a case id           x         Stop that rationale        │
        │   o         Next sort order             R         Rate the rationale         │
        │   p         Next policy filter        Label                                  │
        │   f         Filters (empty clears)      z         Undo your last label of    │
        │ General                                           this session               │
        │   ?, F1     Show or hide this help      s         Skip: next case without    │
        │   q         Quit (Ctrl-C too)                     labelling                  │
        │   r, Ctrl…  Reload queue, counts and  Dashboard                              │
        │             detail                      D         Dashboard: queue health,   │
        │   T         Next built-in colour                  people, labels, model      │
        │             theme (dark, light…)                  quality                    │
        └──────────────────────────────────────────────────────────────────────────────┘
        """
}
