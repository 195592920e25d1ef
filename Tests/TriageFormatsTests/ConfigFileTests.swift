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

    @Test func readsTheLLMTable() throws {
        let text = """
        theme = "dark"
        [llm]
        base_url = "http://127.0.0.1:8000/v1"
        model = "qwen2.5"
        api_key_env = "MY_KEY"
        timeout = 30
        max_tokens = 400
        temperature = 0.2
        prompt_file = "~/p.prompt"
        concurrency = 8
        """
        let c = try ConfigFile.parse(text: text, fileName: "config.toml")
        #expect(c.llm == LLMSettings(baseURL: "http://127.0.0.1:8000/v1", model: "qwen2.5", apiKeyEnv: "MY_KEY", timeout: 30,
                                     maxTokens: 400, temperature: 0.2, promptFile: "~/p.prompt", concurrency: 8))
        // Flags win over the file, value by value.
        let over = c.llm.overridden(by: LLMSettings(model: "llama3.1", timeout: 5))
        #expect(over.model == "llama3.1" && over.timeout == 5 && over.baseURL == "http://127.0.0.1:8000/v1" && over.concurrency == 8)
    }

    @Test func badLLMSettingsNameTheLineAndKey() {
        func message(_ text: String) -> String {
            do { _ = try ConfigFile.parse(text: text, fileName: "config.toml"); return "" } catch { return error.description }
        }
        #expect(message("[llm]\nbase_url = \"ftp://x\"\n").contains("line 2: llm.base_url must start with http:// or https://"))
        #expect(message("[llm]\nmodel = \"m\"\ntimeout = -1\n").contains("line 3: llm.timeout must be between"))
        #expect(message("[llm]\nmodle = \"m\"\n").contains("line 2: unknown key 'llm.modle'"))
        #expect(message("[llm]\nconcurrency = 0\n").contains("llm.concurrency"))
        #expect(message("[llm]\napi_key_env = \"sk-abc def\"\n").contains("api_key_env must name an environment variable"))
        #expect(message("llm = 3\n").contains("llm must be a table"))
    }
}
