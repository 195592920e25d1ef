import Testing
@testable import TriageUI

@Suite struct SanitizeTests {
    @Test func csiSequenceLosesItsEscape() {
        #expect(Sanitize.line("a\u{1b}[2Jb") == "a␛[2Jb")
        #expect(Sanitize.line("\u{1b}[31mred\u{1b}[0m") == "␛[31mred␛[0m")
    }

    @Test func oscTitleSetIsShownNotSent() {
        #expect(Sanitize.line("\u{1b}]0;pwned\u{7}") == "␛]0;pwned␇")
        #expect(Sanitize.line("\u{1b}]0;pwned\u{1b}\\") == "␛]0;pwned␛\\")
    }

    @Test func eightBitCSIAndOtherC1ControlsAreReplaced() {
        #expect(Sanitize.line("a\u{9b}2Jb") == "a�2Jb")
        #expect(Sanitize.line("\u{9d}0;x\u{9c}") == "�0;x�")
        #expect(Sanitize.line("next\u{85}line") == "next�line") // NEL
        for v: UInt32 in 0x80...0x9F {
            #expect(Sanitize.line(String(Unicode.Scalar(v)!)) == "�")
        }
    }

    @Test func bellCarriageReturnAndBackspaceBecomeControlPictures() {
        #expect(Sanitize.line("ding\u{7}") == "ding␇")
        #expect(Sanitize.line("Casino\r0.01") == "Casino␍0.01")
        // `score 0.91\b\b\b\b0.12` would show "score 0.12" on a terminal.
        #expect(Sanitize.line("score 0.91\u{8}\u{8}\u{8}\u{8}0.12") == "score 0.91␈␈␈␈0.12")
    }

    @Test func everyC0ControlAndDelHasAVisiblePlaceholder() {
        for v: UInt32 in 0..<0x20 where v != 0x09 && v != 0x0A {
            let out = Sanitize.line("x" + String(Unicode.Scalar(v)!) + "y")
            #expect(out == "x" + String(Unicode.Scalar(0x2400 + v)!) + "y")
        }
        #expect(Sanitize.line("del\u{7f}") == "del␡")
    }

    @Test func nulDoesNotEndTheText() {
        #expect(Sanitize.line("before\u{0}after") == "before␀after")
    }

    @Test func bidiControlsAreReplaced() {
        #expect(Sanitize.line("invoice\u{202E}fdp.exe") == "invoice�fdp.exe")
        let bidi: [UInt32] = [0x202A, 0x202B, 0x202C, 0x202D, 0x202E, 0x2066, 0x2067, 0x2068, 0x2069,
                              0x200E, 0x200F, 0x061C]
        for v in bidi {
            #expect(Sanitize.line("a" + String(Unicode.Scalar(v)!) + "b") == "a�b", "U+\(String(v, radix: 16))")
        }
    }

    @Test func zeroWidthCharactersAreReplaced() {
        #expect(Sanitize.line("pay\u{200B}pal") == "pay�pal")
        for v: UInt32 in [0x200B, 0x200C, 0x200D, 0x2060, 0xFEFF, 0x00AD, 0x180E, 0xE0041] {
            #expect(Sanitize.line("a" + String(Unicode.Scalar(v)!) + "b") == "a�b", "U+\(String(v, radix: 16))")
        }
        // Invisible "letters" used for blank-looking names.
        #expect(Sanitize.line("\u{3164}\u{3164}") == "��")
    }

    @Test func tabsExpandToTabStops() {
        #expect(Sanitize.line("a\tb") == "a   b")
        #expect(Sanitize.line("abcd\te") == "abcd    e")
        #expect(Sanitize.line("東\tx") == "東  x") // the wide character counts two columns
    }

    @Test func lineBreaksArePlaceholdersInOneLineAndLinesOtherwise() {
        #expect(Sanitize.line("a\nb") == "a␤b")
        #expect(Sanitize.line("a\r\nb") == "a␤b")
        #expect(Sanitize.lines("a\r\nb\nc") == ["a", "b", "c"])
        #expect(Sanitize.lines("x\ry") == ["x␍y"])
        #expect(Sanitize.lines("a\n\nb\n") == ["a", "", "b", ""])
        #expect(Sanitize.lines("t\tx\ny\tz") == ["t   x", "y   z"])
    }

    @Test func ordinaryTextIsKept() {
        for s in ["Lucky Star Casino", "Café", "Cafe\u{301}", "東京ブランド市場", "한국어", "Ελληνικά",
                  "😀 👍🏽", "🇨🇦", "مرحبا", "❤️", "a\u{301}\u{302}", "\u{E000}"] {
            #expect(Sanitize.line(s) == s)
        }
    }

    @Test func aLeadingCombiningMarkGetsADottedCircle() {
        #expect(Sanitize.line("\u{301}x") == "◌\u{301}x")
        #expect(DisplayWidth.of(Sanitize.line("\u{301}x")) == 2)
        #expect(Sanitize.lines("a\n\u{308}b") == ["a", "◌\u{308}b"])
    }

    @Test func emojiJoinedWithZWJAreShownApart() {
        #expect(Sanitize.line("👨\u{200D}👩\u{200D}👧") == "👨�👩�👧")
    }

    @Test func sanitisingIsIdempotent() {
        for s in [Fixtures.hostileName, "a\tb\nc", "\u{301}x", "\u{1b}]0;t\u{7}", "東\tx"] {
            #expect(Sanitize.line(Sanitize.line(s)) == Sanitize.line(s))
        }
    }

    /// Random strings drawn from every dangerous range: nothing dangerous survives, and every
    /// character left takes at least one column.
    @Test func nothingUnsafeSurvivesRandomInput() {
        var rng = SplitMix(seed: 42)
        let pools: [ClosedRange<UInt32>] = [0...0x7F, 0x80...0xFF, 0x200B...0x206F, 0xFE00...0xFEFF,
                                            0x300...0x36F, 0x3000...0x30FF, 0x1F300...0x1F6FF, 0xE0000...0xE007F]
        for _ in 0..<2000 {
            var s = String.UnicodeScalarView()
            for _ in 0..<Int(rng.next() % 12) {
                let pool = pools[Int(rng.next() % UInt64(pools.count))]
                let v = pool.lowerBound + UInt32(rng.next() % UInt64(pool.count))
                if let u = Unicode.Scalar(v) { s.append(u) }
            }
            let out = Sanitize.line(String(s))
            for u in out.unicodeScalars {
                let v = u.value
                #expect(v >= 0x20 && v != 0x7F && !(0x80...0x9F).contains(v))
                #expect(u.properties.generalCategory != .format)
                #expect(!(0x202A...0x202E).contains(v) && !(0x2066...0x2069).contains(v))
            }
            for c in out { #expect(DisplayWidth.of(c) >= 1) }
        }
    }
}

/// A small deterministic random number generator for property tests.
struct SplitMix: RandomNumberGenerator {
    var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
