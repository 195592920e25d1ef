import Testing
@testable import TriageUI

@Suite struct GridTests {
    @Test func putWritesTextAndRenderTextTrimsTrailingSpaces() {
        var g = Grid(width: 10, height: 2)
        #expect(g.put("hello", x: 2, y: 0, role: .title) == 5)
        #expect(g.renderText() == "  hello\n")
        #expect(g[2, 0].role == .title)
        #expect(g[1, 0] == .blank)
    }

    @Test func wideCharactersTakeTwoCellsWithAContinuation() {
        var g = Grid(width: 8, height: 1)
        #expect(g.put("東京x", x: 0, y: 0) == 5)
        #expect(g[0, 0].grapheme == "東" && g[0, 0].width == 2)
        #expect(g[1, 0].isContinuation)
        #expect(g[2, 0].grapheme == "京" && g[3, 0].isContinuation)
        #expect(g[4, 0].grapheme == "x")
        #expect(g.renderText() == "東京x")
    }

    @Test func textIsTruncatedWithAnEllipsisAtMaxWidthOrTheEdge() {
        var g = Grid(width: 5, height: 2)
        g.put("ab東京", x: 0, y: 0)
        #expect(g.rowText(0) == "ab東…")
        g.put("東京タワー", x: 0, y: 1, maxWidth: 4)
        #expect(g.rowText(1) == "東…")
        #expect(!g[2, 1].isContinuation && g[2, 1].grapheme == "…")
    }

    @Test func clippingNeverLeavesHalfAWideCharacter() {
        var g = Grid(width: 3, height: 1)
        g.put("東京", x: 0, y: 0, clip: true)
        #expect(g.rowText(0) == "東")
        #expect(g[2, 0] == .blank)
    }

    @Test func overwritingHalfAWideCharacterBlanksTheOtherHalf() {
        var g = Grid(width: 6, height: 2)
        g.put("東京", x: 0, y: 0)
        g.put("x", x: 1, y: 0) // lands on 東's right half
        #expect(g.rowText(0) == " x京")
        #expect(g[0, 0].width == 1)
        g.put("東京", x: 0, y: 1)
        g.put("y", x: 2, y: 1) // lands on 京's left half
        #expect(g.rowText(1) == "東y")
        #expect(!g[3, 1].isContinuation)
    }

    @Test func nothingIsDrawnOutsideTheGrid() {
        var g = Grid(width: 4, height: 1)
        #expect(g.put("abc", x: 4, y: 0) == 0)
        #expect(g.put("abc", x: -1, y: 0) == 0)
        #expect(g.put("abc", x: 0, y: 1) == 0)
        #expect(g.put("abcdef", x: 2, y: 0) == 2)
        #expect(g.rowText(0) == "  a…")
    }

    @Test func putSanitisesWhateverItIsGiven() {
        var g = Grid(width: 40, height: 1)
        g.put(Fixtures.hostileName, x: 0, y: 0)
        let text = g.renderText()
        #expect(text == "Ace Guns␍0.01␛[2J␛]0;pwned␇␈␈�moc.live�")
        #expect(!text.unicodeScalars.contains { $0.value < 0x20 || (0x7F...0x9F).contains($0.value) })
    }

    @Test func highlightKeepsTextAndRoles() {
        var g = Grid(width: 6, height: 1)
        g.put("ab", x: 0, y: 0, role: .scoreHigh)
        g.highlight(x: 0, y: 0, width: 6, role: .selection)
        #expect(g[0, 0].role == .scoreHigh && g[0, 0].highlight == .selection)
        #expect(g[5, 0].highlight == .selection)
        #expect(g.rowText(0) == "ab")
    }
}

@Suite struct ThemeTests {
    @Test func highlightMergesUnderARolesOwnColours() {
        let t = Theme.dark
        let s = t.style(for: .scoreHigh, highlight: .selection)
        #expect(s.foreground == t[.scoreHigh].foreground)
        #expect(s.background == t[.selection].background)
        #expect(t.style(for: .normal, highlight: .selection) == t[.selection])
    }

    @Test func monochromeUsesNoColourAndMarksSelectionAndHeaderByAttributes() {
        let m = Theme.monochrome
        #expect(!m.usesColor)
        #expect(m[.selection].reverse && m[.header].reverse)
        #expect(m.adapted(toColors: 256) == m)
    }

    @Test func fewerColoursUseTheBasicTableOrNearestColours() {
        #expect(Theme.dark.adapted(toColors: 256) == Theme.dark)
        let basic = Theme.dark.adapted(toColors: 8)
        for style in basic.styles.values {
            for c in [style.foreground, style.background] {
                if case .index(let n) = c { #expect(n < 8) }
            }
        }
        #expect(Theme.dark.adapted(toColors: 2) == .monochrome)
        var custom = Theme.dark
        custom.basicStyles = nil
        for style in custom.adapted(toColors: 8).styles.values {
            if case .index(let n) = style.foreground { #expect(n < 8) }
        }
        #expect(TerminalColor.index(196).reduced(toCount: 8) == .index(1)) // bright red → red
        #expect(TerminalColor.index(21).reduced(toCount: 8) == .index(4))  // blue → blue
        #expect(TerminalColor.index(9).reduced(toCount: 8) == .index(1))
        #expect(TerminalColor.index(232).reduced(toCount: 8) == .index(0)) // near-black grey
    }
}
