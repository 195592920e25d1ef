import Testing
@testable import TriageFormats

@Suite("Theme file")
struct ThemeFileTests {
    static let roles = ["normal", "selection", "score-high", "status-bar"]

    func problems(_ text: String, fileName: String = "bad.toml") -> [String] {
        do {
            _ = try ThemeFile.parse(text: text, fileName: fileName, roles: Self.roles)
            return []
        } catch {
            return error.description.split(separator: "\n").map(String.init)
        }
    }

    @Test func readsColoursNamesAndAttributes() throws {
        let t = try ThemeFile.parse(text: """
        name = "mine"
        [roles.selection]
        fg = 231        # a palette index
        bg = "blue"
        bold = true
        fg8 = "bright-white"
        bg8 = "default"
        [roles.score-high]
        fg = "RED"
        """, fileName: "mine.toml", roles: Self.roles)
        #expect(t.name == "mine")
        var sel = ThemeFileRole()
        sel.fg = .index(231)
        sel.bg = .index(4)
        sel.bold = true
        sel.fg8 = .index(15)
        sel.bg8 = .default
        #expect(t.roles["selection"] == sel)
        #expect(t.roles["score-high"]?.fg == .index(1))
        #expect(t.roles["score-high"]?.hasFallback == false)
    }

    @Test func theNameDefaultsToTheFileName() throws {
        #expect(try ThemeFile.parse(text: "", fileName: "solar.toml", roles: Self.roles).name == "solar")
    }

    @Test func aSyntaxErrorGivesTheFileLineAndColumn() {
        let p = problems("name = \"x\"\n[roles.selection]\nfg = = 3\n")
        #expect(p.count == 1)
        #expect(p.first?.hasPrefix("bad.toml: line 3, column") == true, "\(p)")
        #expect(p.first?.contains("TOML syntax error") == true)
    }

    @Test func anUnknownRoleIsNamedWithItsLine() {
        let p = problems("name = \"x\"\n\n[roles.selected]\nfg = 1\n")
        #expect(p.count == 1)
        #expect(p.first?.hasPrefix("bad.toml: line 3: roles.selected is not a known role (expected one of normal, selection") == true, "\(p)")
    }

    @Test func aColourOutOfRangeIsNamedWithItsLineAndKey() {
        let p = problems("[roles.selection]\nbold = true\nfg = 300\n")
        #expect(p == ["bad.toml: line 3: roles.selection.fg must be 0–255 or a colour name (default, black, red, green, yellow, blue, magenta, cyan, white, bright-black … bright-white), not 300"])
    }

    @Test func anUnknownColourNameIsNamedWithItsLineAndKey() {
        let p = problems("name = \"x\"\n[roles.status-bar]\nfg = 7\nbg = \"blue-ish\"\n")
        #expect(p.count == 1)
        #expect(p.first?.hasPrefix("bad.toml: line 4: roles.status-bar.bg must be 0–255 or a colour name") == true, "\(p)")
        #expect(p.first?.hasSuffix("not \"blue-ish\"") == true, "\(p)")
    }

    @Test func wrongTypesAndUnknownKeysAreEachReportedInFileOrder() {
        let p = problems("""
        name = 3
        colour = "x"
        [roles.selection]
        bold = "yes"
        fg = 1.5
        italic = true
        [roles.score-high]
        bg = -1
        """)
        #expect(p == [
            "bad.toml: line 1: name must be a non-empty string, not 3",
            "bad.toml: line 2: colour is not a known key (expected name, description, roles)",
            "bad.toml: line 4: roles.selection.bold must be true or false, not \"yes\"",
            "bad.toml: line 5: roles.selection.fg must be 0–255 or a colour name (default, black, red, green, yellow, blue, magenta, cyan, white, bright-black … bright-white), not a number with a fraction",
            "bad.toml: line 6: roles.selection.italic is not a known key (expected fg, bg, fg8, bg8, bold, reverse, underline, bold8, reverse8, underline8)",
            "bad.toml: line 8: roles.score-high.bg must be 0–255 or a colour name (default, black, red, green, yellow, blue, magenta, cyan, white, bright-black … bright-white), not -1",
        ])
    }

    @Test func aRoleThatIsNotATableIsAnError() {
        #expect(problems("[roles]\nselection = 4\n") == ["bad.toml: line 2: roles.selection must be a table, written [roles.selection]"])
    }
}
