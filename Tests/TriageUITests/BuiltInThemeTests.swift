import Foundation
import Testing
import TriageCore
import TriageFormats
@testable import TriageUI

/// The theme files in `Themes/`, the built-in themes they match, and switching themes.
@Suite("Themes")
struct BuiltInThemeTests {
    static let themesDirectory = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("Themes")

    /// The role names, wrapped into comment lines.
    static func roleLines() -> String {
        let indent: String = "#                  "
        var out: [String] = []
        var current: [String] = []
        for role in StyleRole.allCases {
            current.append(role.fileName)
            if current.count == 5 {
                out.append(indent + current.joined(separator: ", ") + ",")
                current = []
            }
        }
        if !current.isEmpty { out.append(indent + current.joined(separator: ", ")) }
        return out.joined(separator: "\n")
    }

    static let roleList: String = roleLines()

    static let header = """
    # A triage theme: how each semantic role looks (see README, "Themes"). Copy it to
    # $XDG_CONFIG_HOME/triage/themes/NAME.toml and run `triage --theme NAME`.
    #
    #   [roles.ROLE]   ROLE is one of:
    \(roleList)
    #   fg, bg         0–255 or a name: default, black, red, green, yellow, blue, magenta, cyan,
    #                  white, bright-black … bright-white
    #   bold, reverse, underline = true
    #   fg8, bg8, bold8, reverse8, underline8
    #                  optional: how the role looks on 8-colour terminals. Without them the
    #                  nearest of the 8 basic colours is used.
    # Roles left out are drawn in the terminal's own colours.


    """

    static func fileURL(_ theme: Theme) -> URL { themesDirectory.appendingPathComponent(theme.name + ".toml") }

    /// The looks that matter: every role at 256 colours and at 8.
    func expectSameLook(_ a: Theme, _ b: Theme, sourceLocation: SourceLocation = #_sourceLocation) {
        #expect(a.name == b.name, sourceLocation: sourceLocation)
        for colors in [256, 8] {
            let x = a.adapted(toColors: colors), y = b.adapted(toColors: colors)
            for role in StyleRole.allCases {
                #expect(x[role] == y[role], "\(a.name) at \(colors) colours: \(role.fileName)", sourceLocation: sourceLocation)
            }
        }
    }

    @Test(arguments: Theme.builtIns.map(\.name))
    func eachThemeFileParsesToItsBuiltInTheme(name: String) throws {
        let builtIn = try #require(Theme.builtIn(named: name))
        let url = Self.fileURL(builtIn)
        if ProcessInfo.processInfo.environment["TRIAGE_REGENERATE_SAMPLES"] == "1" {
            try builtIn.fileText(header: Self.header).write(to: url, atomically: true, encoding: .utf8)
        }
        let parsed = try Theme.load(path: url.path)
        expectSameLook(parsed, builtIn)
    }

    @Test func themesDirectoryHoldsExactlyTheBuiltIns() throws {
        let files = try FileManager.default.contentsOfDirectory(atPath: Self.themesDirectory.path)
            .filter { $0.hasSuffix(".toml") }.sorted()
        #expect(files == ["dark.toml", "high-contrast.toml", "light.toml", "monochrome.toml"])
    }

    @Test(arguments: Theme.builtIns.map(\.name))
    func fileTextRoundTrips(name: String) throws {
        let theme = try #require(Theme.builtIn(named: name))
        expectSameLook(try Theme.parse(text: theme.fileText(), fileName: name + ".toml"), theme)
    }

    @Test func roleNamesInFilesAreKebabCase() {
        #expect(StyleRole.scoreHigh.fileName == "score-high")
        #expect(StyleRole.selectionInactive.fileName == "selection-inactive")
        #expect(StyleRole.selection.fileName == "selection")
        #expect(StyleRole(fileName: "contribution-negative") == .contributionNegative)
        #expect(StyleRole(fileName: "scoreHigh") == nil)
        #expect(Set(StyleRole.allCases.map(\.fileName)).count == StyleRole.allCases.count)
    }

    @Test func aBadRoleInATheme() {
        #expect(throws: ThemeFileError.self) { try Theme.parse(text: "[roles.score-higher]\nfg = 1\n", fileName: "x.toml") }
        do {
            _ = try Theme.parse(text: "name = \"x\"\n[roles.score-higher]\nfg = 1\n", fileName: "x.toml")
        } catch {
            #expect(error.description.hasPrefix("x.toml: line 2: roles.score-higher is not a known role"))
        }
    }

    @Test func fallbackKeysMakeAnEightColourTable() throws {
        let t = try Theme.parse(text: """
        [roles.selection]
        fg = 231
        bg = 25
        reverse8 = true
        fg8 = "default"
        bg8 = "default"
        [roles.score-high]
        fg = 203
        """, fileName: "t.toml")
        #expect(t[.selection] == Style(fg: .index(231), bg: .index(25)))
        let basic = t.adapted(toColors: 8)
        #expect(basic[.selection] == Style(reverse: true))
        #expect(basic[.scoreHigh] == .fg(1)) // the nearest basic colour
        let auto = try Theme.parse(text: "[roles.score-high]\nfg = 203\n", fileName: "t.toml")
        #expect(auto.basicStyles == nil)
        #expect(auto.adapted(toColors: 8)[.scoreHigh] == .fg(1))
    }

    /// The selection bar must stand out from ordinary rows: reverse video, or a background of
    /// its own, at 256 colours, at 8 and without colour.
    @Test(arguments: Theme.builtIns.map(\.name))
    func theSelectionIsVisible(name: String) throws {
        let theme = try #require(Theme.builtIn(named: name))
        for colors in [256, 8, 0] {
            let t = theme.adapted(toColors: colors)
            let normal = t[.normal], sel = t.style(for: .normal, highlight: .selection)
            let visible = sel.reverse != normal.reverse
                || (sel.background != .default && sel.background != normal.background)
            #expect(visible, "\(name) at \(colors) colours: \(sel)")
            if sel.background != .default && !sel.reverse {
                #expect(sel.foreground != sel.background, "\(name) at \(colors) colours: text as bright as the bar")
            }
            // The inactive selection differs from both a plain row and the active bar.
            let inactive = t.style(for: .normal, highlight: .selectionInactive)
            #expect(inactive != normal && inactive != sel, "\(name) at \(colors) colours")
        }
    }

    @Test func theSelectionCellsCarryTheSelectionRole() {
        let grid = Workbench.render(Fixtures.state(width: 120, height: 40))
        let selected = (0..<grid.height).filter { y in (0..<grid.width).contains { grid[$0, y].highlight == .selection } }
        #expect(selected.count == 1)
    }

    @Test func theThemeKeyCyclesTheBuiltInThemes() {
        var s = Fixtures.state(width: 80, height: 24)
        #expect(s.theme.name == "dark")
        #expect(Keymap.standard.action(for: .char("T")).map { if case .cycleTheme = $0 { true } else { false } } == true)
        var seen: [String] = []
        for _ in Theme.builtIns {
            let effects = Workbench.update(&s, .cycleTheme)
            #expect(effects.isEmpty)
            seen.append(s.theme.name)
            #expect(s.status == .info("theme: \(s.theme.name)"))
        }
        #expect(seen == ["light", "high-contrast", "monochrome", "dark"])
        let grid = Workbench.render(s)
        #expect(grid.renderText().contains("theme: dark"))
    }

    @Test func aThemeFromAFileIsFollowedByTheFirstBuiltIn() {
        let custom = Theme(name: "solar", styles: [.selection: Style(reverse: true)])
        #expect(custom.nextBuiltIn.name == "dark")
    }

    @Test func theRuntimeStartsInTheOptionsTheme() throws {
        let store = try TempStore(cases: 0)
        let light = WorkbenchRuntime(store: store.store, options: WorkbenchOptions(analyst: "a", databaseName: "d", theme: .light),
                                     size: TerminalSize(width: 80, height: 24))
        #expect(light.state.theme.name == "light")
        let mono = WorkbenchRuntime(store: store.store, options: WorkbenchOptions(analyst: "a", databaseName: "d", monochrome: true, theme: .light),
                                    size: TerminalSize(width: 80, height: 24))
        #expect(mono.state.theme == .monochrome)
    }
}
