import Glibc
import Testing
@testable import TriageUI

@Suite struct DisplayWidthTests {
    @Test func widthsOfCommonText() {
        #expect(DisplayWidth.of("abc") == 3)
        #expect(DisplayWidth.of("東京") == 4)             // CJK: East Asian Wide
        #expect(DisplayWidth.of("ブランド") == 8)
        #expect(DisplayWidth.of("한국어") == 6)
        #expect(DisplayWidth.of("ＡＢ") == 4)             // Fullwidth
        #expect(DisplayWidth.of("😀") == 2)               // emoji presentation
        #expect(DisplayWidth.of("👍🏽") == 2)               // with a skin-tone modifier: one cell pair
        #expect(DisplayWidth.of("e\u{301}") == 1)         // combining acute
        #expect(DisplayWidth.of("Café") == 4)             // precomposed é
        #expect(DisplayWidth.of("Zu\u{308}rich") == 6)    // decomposed ü
        #expect(DisplayWidth.of("Ελληνικά") == 8)
        #expect(DisplayWidth.of("") == 0)
    }

    @Test func widthsOfScalars() {
        #expect(DisplayWidth.of(Unicode.Scalar(0x301)!) == 0)
        #expect(DisplayWidth.of(Unicode.Scalar(0x1B)!) == 0)
        #expect(DisplayWidth.of(Unicode.Scalar(0x9B)!) == 0)
        #expect(DisplayWidth.of(Unicode.Scalar(0x3000)!) == 2)
        #expect(DisplayWidth.of(Unicode.Scalar(0x1F600)!) == 2)
        #expect(DisplayWidth.of(Unicode.Scalar(0x2764)!) == 1) // ❤ has text presentation
        #expect(DisplayWidth.of(Unicode.Scalar(0x20000)!) == 2)
    }

    /// The tables must agree with the C library's `wcwidth`, which ncurses uses to place cells.
    @Test func agreesWithLibcWcwidthForEveryScalar() throws {
        guard let handle = dlopen(nil, RTLD_NOW), let sym = dlsym(handle, "wcwidth") else {
            Issue.record("wcwidth not found")
            return
        }
        typealias WcWidth = @convention(c) (Int32) -> Int32
        let wcwidth = unsafeBitCast(sym, to: WcWidth.self)
        let saved = String(cString: setlocale(LC_CTYPE, nil))
        defer { setlocale(LC_CTYPE, saved) }
        try #require(setlocale(LC_CTYPE, "C.UTF-8") != nil)
        var mismatches: [String] = []
        for v in UInt32(0x20)...0x10FFFF where !(0xD800...0xDFFF).contains(v) && !(0x7F...0x9F).contains(v) {
            let libc = Int(wcwidth(Int32(v)))
            guard libc >= 0 else { continue } // unassigned or unprintable: sanitised, or replaced at draw time
            let ours = DisplayWidth.of(Unicode.Scalar(v)!)
            if ours != libc && mismatches.count < 20 { mismatches.append("U+\(String(v, radix: 16)): \(ours) vs \(libc)") }
        }
        #expect(mismatches.isEmpty, "\(mismatches)")
    }
}

@Suite struct TruncationTests {
    @Test func truncatesWithAnEllipsis() {
        #expect("Lucky Star Casino".truncated(toWidth: 10) == "Lucky Sta…")
        #expect("Lucky Star Casino".truncated(toWidth: 17) == "Lucky Star Casino")
        #expect("Lucky Star Casino".truncated(toWidth: 1) == "…")
        #expect("Lucky Star Casino".truncated(toWidth: 0) == "")
        #expect("abc".truncated(toWidth: 3) == "abc")
    }

    @Test func neverSplitsAWideCharacter() {
        #expect("東京タワー".truncated(toWidth: 6) == "東京…")    // "タ" would end at column 7
        #expect("東京タワー".truncated(toWidth: 5) == "東京…")
        #expect("東京タワー".truncated(toWidth: 4) == "東…")
        #expect("東京タワー".truncated(toWidth: 2) == "…")
        #expect("東京タワー".truncated(toWidth: 10) == "東京タワー")
        #expect("ab東京".truncated(toWidth: 4) == "ab…")
    }

    @Test func keepsCombiningMarksWithTheirBase() {
        #expect("Cafe\u{301} Zu\u{308}rich".truncated(toWidth: 6) == "Cafe\u{301} …")
    }

    @Test func resultsNeverExceedTheWidth() {
        for s in ["東京ブランド市場", "a東b京c", "😀x😀y", "Cafe\u{301}", Sanitize.line(Fixtures.hostileName)] {
            for w in 0...20 {
                let t = s.truncated(toWidth: w)
                #expect(t.displayWidth <= w)
                #expect(t.displayWidth >= min(w, s.displayWidth) - 1) // at most the wide char's half is lost
                if t != s { #expect(s.hasPrefix(t.dropLast())) }
            }
        }
    }

    @Test func padsToAnExactWidth() {
        #expect("0.97".padded(toWidth: 6, alignment: .right) == "  0.97")
        #expect("ab".padded(toWidth: 5, alignment: .center) == " ab  ")
        #expect("東京".padded(toWidth: 6) == "東京  ")
        #expect("東京タワー".padded(toWidth: 6) == "東京… ")
        for w in 1...12 { #expect("東京タワー".padded(toWidth: w).displayWidth == w) }
    }
}

@Suite struct WordWrapTests {
    @Test func wrapsAtSpaces() {
        #expect("the quick brown fox".wrapped(toWidth: 10) == ["the quick", "brown fox"])
        #expect("the quick brown fox".wrapped(toWidth: 19) == ["the quick brown fox"])
        #expect("the   quick".wrapped(toWidth: 20) == ["the quick"])
    }

    @Test func breaksWordsLongerThanTheLine() {
        #expect("abcdefghij".wrapped(toWidth: 4) == ["abcd", "efgh", "ij"])
        #expect("see https://example.com/very/long".wrapped(toWidth: 12) == ["see", "https://exam", "ple.com/very", "/long"])
    }

    @Test func wrapsWideCharactersWithoutSplittingThem() {
        #expect("東京タワー".wrapped(toWidth: 5) == ["東京", "タワ", "ー"])
        #expect("東京".wrapped(toWidth: 1) == ["東", "京"])
        for line in "東京ブランド市場 は 偽物 を 売る".wrapped(toWidth: 7) { #expect(line.displayWidth <= 7) }
    }

    @Test func keepsParagraphsAndEmptyLines() {
        #expect("a\n\nb".wrapped(toWidth: 5) == ["a", "", "b"])
        #expect("".wrapped(toWidth: 5) == [""])
        #expect("abc".wrapped(toWidth: 0) == [])
    }
}
