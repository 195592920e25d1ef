import Testing
import TriageFormats

@Suite struct ConfigFileTests {
    @Test func readsTheTheme() throws {
        #expect(try ConfigFile.parse(text: "# mine\ntheme = \"light\"\n", fileName: "config.toml") == ConfigFile(theme: "light"))
        #expect(try ConfigFile.parse(text: "", fileName: "config.toml") == ConfigFile())
    }

    @Test func badFilesNameFileLineAndKey() {
        func message(_ text: String) -> String {
            do { _ = try ConfigFile.parse(text: text, fileName: "config.toml"); return "" } catch { return error.description }
        }
        #expect(message("theme = 3\n").contains("config.toml: line 1: theme must be a non-empty string"))
        #expect(message("\nthem = \"x\"\n").contains("config.toml: line 2: unknown key 'them'"))
        #expect(message("theme = \"light\n").hasPrefix("config.toml: line 1, column "))
        #expect(message("theme = \"light\n").contains("TOML syntax error"))
    }
}
