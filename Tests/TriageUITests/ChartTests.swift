import Testing
import TriageCore
@testable import TriageUI

/// The chart functions on their own: glyph ramps, bar widths, and that nothing exceeds its width.
@Suite struct ChartTests {
    @Test func sparklineOfARampMapsToTheRampEnds() {
        #expect(Sparkline.text([0, 1, 2, 3, 4, 5, 6, 7], glyphs: .unicode) == "▁▂▃▄▅▆▇█")
        #expect(Sparkline.text([0, 1, 2, 3, 4, 5, 6, 7], glyphs: .ascii) == " .:-=+*#")
        let long = Sparkline.text(Array(0...100), glyphs: .unicode)
        #expect(long.first == "▁" && long.last == "█")
    }

    @Test func sparklineEdgeCases() {
        #expect(Sparkline.text([Int](), glyphs: .unicode) == "")
        #expect(Sparkline.text([0, 0, 0], glyphs: .unicode) == "▁▁▁")
        #expect(Sparkline.text([5, 5], glyphs: .ascii) == "##")
        // More values than room: the latest are shown.
        #expect(Sparkline.text([7, 0, 1, 2], width: 3, glyphs: .unicode) == "▁▅█")
        // Repeated cells, and a shared scale.
        #expect(Sparkline.text([0, 7], cellsPerValue: 2, glyphs: .unicode) == "▁▁██")
        #expect(Sparkline.text([0, 7], scaleMax: 14, glyphs: .unicode) == "▁▅")
    }

    @Test func barsFillInEighths() {
        #expect(Glyphs.unicode.bar(0.5, cells: 4) == "██  ")
        #expect(Glyphs.unicode.bar(1.0 / 32, cells: 4) == "▏   ")
        #expect(Glyphs.ascii.bar(0.5, cells: 4) == "##  ")
        #expect(Glyphs.unicode.bar(2, cells: 3) == "███")
        #expect(Glyphs.unicode.bar(.nan, cells: 3) == "   ")
    }

    @Test(arguments: [20, 40, 80, 140])
    func chartsNeverExceedTheirWidth(width: Int) {
        for glyphs in Glyphs.allCases {
            let bars = BarChart.lines([("ana", 120), ("a very long person name indeed", 4), ("bo", 1_234_567)],
                                      width: width, glyphs: glyphs)
            let diagram = ReliabilityDiagram.lines(DashboardFixtures.calibration, width: width, glyphs: glyphs)
            let histogram = ScoreHistogram.lines(DashboardFixtures.model.histogram, width: width, glyphs: glyphs)
            for line in bars + diagram + histogram {
                #expect(line.width <= width, "\(glyphs) at \(width): \(line.text)")
            }
            // The counts are whole, however narrow.
            #expect(bars[2].text.hasSuffix("1,234,567"))
        }
    }

    @Test func barChartScalesToTheLargestAndWritesTheCount() {
        let lines = BarChart.lines([("ana", 8), ("bo", 4)], width: 12, glyphs: .unicode).map(\.text)
        #expect(lines == ["ana ██████ 8", "bo  ███    4"])
        let ascii = BarChart.lines([("ana", 8), ("bo", 4)], width: 12, glyphs: .ascii).map(\.text)
        #expect(ascii == ["ana ###### 8", "bo  ###    4"])
    }

    @Test func reliabilityDiagramWritesEveryFigureAndMarksTheMeanScore() {
        let lines = ReliabilityDiagram.lines(DashboardFixtures.calibration, width: 60, glyphs: .ascii).map(\.text)
        #expect(lines.count == 11)
        #expect(lines[0] == "bar: observed positive rate   o mean score")
        #expect(lines[4] == "0.3–0.4  n= 10  mean 0.35  obs 0.30  |###### o             |")
        #expect(lines[10] == "0.9–1.0  n=  0  mean    –  obs    –  |                     |")
        let unicode = ReliabilityDiagram.lines(DashboardFixtures.calibration, width: 60, glyphs: .unicode).map(\.text)
        #expect(unicode[4] == "0.3–0.4  n= 10  mean 0.35  obs 0.30  │██████▎┃             │")
        // Too narrow for a bar: the numbers alone.
        let narrow = ReliabilityDiagram.lines(DashboardFixtures.calibration, width: 40, glyphs: .unicode).map(\.text)
        #expect(narrow.contains("0.3–0.4  n= 10  mean 0.35  obs 0.30"))
    }

    @Test func histogramRowsShareOneScaleAndAnAxis() {
        let lines = ScoreHistogram.lines(["a": [0, 2, 4], "b": [4, 0, 0]], order: ["b", "a"], width: 30, glyphs: .unicode)
            .map(\.text)
        #expect(lines == ["b  ███▁▁▁▁▁▁  n=4", "a  ▁▁▁▅▅▅███  n=6", "   0  0.5  1"])
    }

    @Test func tableShortensNamesThenSplitsColumnsButNeverCutsANumber() {
        let t = TextTable(columns: [.init("name", shrinkable: true), .init("alpha", alignment: .right),
                                    .init("beta", alignment: .right)],
                          rows: [["a rather long merchant name", "1,234,567", "89"]])
        #expect(t.lines(width: 80).map(\.text) == ["name                             alpha  beta",
                                                   "a rather long merchant name  1,234,567    89"])
        #expect(t.lines(width: 30).map(\.text) == ["name               alpha  beta", "a rather lon…  1,234,567    89"])
        // Narrower than the name's minimum and both numbers: the columns go in two blocks.
        #expect(t.lines(width: 20).map(\.text) == ["name        alpha", "a rat…  1,234,567", "", "name    beta",
                                                    "a rat…    89"])
        for w in [20, 24, 30] {
            let lines = t.lines(width: w)
            #expect(lines.allSatisfy { $0.width <= w }, "width \(w)")
            let text = lines.map(\.text).joined(separator: "\n")
            #expect(text.contains("1,234,567") && text.contains("89"), "width \(w)")
        }
    }
}
