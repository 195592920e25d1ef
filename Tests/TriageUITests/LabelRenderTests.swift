import TriageCore
import TriageStore
import Testing
@testable import TriageUI

/// The reason picker and note field as a person sees them.
@Suite struct LabelRenderTests {
    func picking() -> WorkbenchState {
        var s = Fixtures.state(width: 80, height: 24, detail: Fixtures.openLuckyStar)
        _ = Workbench.update(&s, .taxonomyLoaded(Taxonomy.standard))
        for k: Key in [.char("v"), .char("1"), .char("w")] { _ = Workbench.update(&s, Workbench.action(for: k, in: s)!) }
        return s
    }

    @Test func theReasonPickerAt80x24() {
        let grid = Workbench.render(picking())
        RenderTests().expectScreen(grid, Self.pickerAt80x24)
        RenderTests().expectOnlySafeCells(grid)
    }

    @Test func theNoteFieldShowsWideTextAndThePrompt() {
        var s = picking()
        for k: Key in [.enter] + "Café 日本 🎰".map(Key.char) { _ = Workbench.update(&s, Workbench.action(for: k, in: s)!) }
        let grid = Workbench.render(s)
        #expect(grid.renderText().contains("Note: Café 日本 🎰▏"))
        #expect(grid.rowText(23).hasPrefix(" note: type (optional) · Enter: save"))
        RenderTests().expectOnlySafeCells(grid)
    }

    static let pickerAt80x24 =
        """
         triage · cases.db · queue: all · open · by score · 1,234 cases             ana
         score     policy      merchant                                         cc  age
        ▸0.97 ▕██▉ gambling    Lucky Star Casino                                CA   3d
         0.91 ▕██▊ weapons     Ace Guns␍0.01␛[2J␛]0;pwned␇␈␈�moc.live�          US   5h
         0.88 ▕██▋ counterfeit 東京ブランド市場                                 JP   2d
         0.64 ▕█▉  crypto      Café Zürich Exchange                             CH  45m
         0.42 ▕█▎  drugs       GreenLeaf CBD                                    US  12d

                        ┌─ Violation · c_101 · gambling ───────────────┐
                        │ [x] 1  Unlicensed online gambling            │
        ── c_101 ───────│ [ ] 2  Gambling disguised as sweepstakes     │────────────────
         Lucky Star Casi│ [x] w  Website unreachable                   │
         c_101 · gamblin│                                              │
         Country CA  MCC│ Note: (next, optional)                       │
         URL https://luc└──────────────────────────────────────────────┘
         Online casino with slots and live dealers.
         Accepts crypto deposits.

         Scores
           supportability-xgb 2026-10-01  0.91 ▲ above 0.80  superseded
           supportability-xgb 2026-11-01  0.97 ▲ above 0.80
           fraud-gbm          v3          0.12 ▽ below 0.50

         reasons: press their keys to toggle · Enter: note · Esc: cancel     1 of 1,234
        """
}

extension LabelRenderTests {
    /// With the taxonomy's decisions bound, the help still shows every key at 80×24.
    @Test func theHelpWithDecisionsFitsAt80x24() {
        var s = Fixtures.state(width: 80, height: 24)
        _ = Workbench.update(&s, .taxonomyLoaded(Taxonomy.standard))
        s.helpVisible = true
        let text = Workbench.render(s).renderText()
        #expect(text.contains("v, n, u"))
        #expect(text.contains("Decide: Violation/No"))
        for binding in Keymap.standard.bindings { // two columns, the help texts wrapped
            #expect(text.contains(binding.help.prefix(12)), "\(binding.help)")
        }
    }
}

extension LabelRenderTests {
    /// A long note shows its end (where the typing is), never spilling out of the box.
    @Test func aLongNoteShowsItsEnd() {
        var s = picking()
        let note = String(repeating: "日本語のメモ ", count: 20) + "END"
        for k: Key in [.enter] + note.map(Key.char) { _ = Workbench.update(&s, Workbench.action(for: k, in: s)!) }
        let grid = Workbench.render(s)
        let row = grid.renderText().split(separator: "\n").first { $0.contains("Note: ") }.map(String.init) ?? ""
        #expect(row.contains("Note: …") && row.contains("END▏"))
        #expect(row.displayWidth <= 80)
        #expect(s.labelFlow?.note == note)
    }
}
