import ArgumentParser
import Foundation
import TriageCore
import TriageFormats
import TriageLLM

/// Where rationales are asked for: flags over the settings file's `[llm]` table.
struct LLMOptions: ParsableArguments {
    @Option(name: .customLong("llm-url"), help: ArgumentHelp("Base URL of an OpenAI-compatible API, e.g. http://127.0.0.1:8000/v1 (else [llm] base_url).", valueName: "url"))
    var baseURL: String?

    @Option(name: .customLong("llm-model"), help: ArgumentHelp("Model name to ask for (else [llm] model).", valueName: "name"))
    var model: String?

    @Option(name: .customLong("llm-key-env"), help: ArgumentHelp("Environment variable holding the API key (else [llm] api_key_env, else TRIAGE_LLM_API_KEY).", valueName: "var"))
    var apiKeyEnv: String?

    @Option(name: .customLong("llm-timeout"), help: ArgumentHelp("Seconds one request may take (default 60).", valueName: "s"))
    var timeout: Double?

    @Option(name: .customLong("max-tokens"), help: ArgumentHelp("Longest reply, in tokens (default: the server's).", valueName: "n"))
    var maxTokens: Int?

    @Option(help: ArgumentHelp("Sampling temperature (default: the server's).", valueName: "t"))
    var temperature: Double?

    @Option(help: ArgumentHelp("A prompt template file (default: the built-in rationale-v1).", valueName: "file"))
    var prompt: String?

    /// The settings in force: the file's `[llm]` table with the flags over it.
    func settings(concurrency: Int? = nil) throws -> LLMSettings {
        let flags = LLMSettings(baseURL: baseURL, model: model, apiKeyEnv: apiKeyEnv, timeout: timeout, maxTokens: maxTokens,
                                temperature: temperature, promptFile: prompt, concurrency: concurrency)
        let s = try Config.load().llm.overridden(by: flags)
        if let p = s.problems.first { throw CLIError(message: p, code: Exit.usage) }
        return s
    }

    /// The endpoint, or a clear "not configured" error (exit 78).
    static func endpoint(_ s: LLMSettings) throws -> LLMEndpoint {
        guard let url = s.baseURL, let model = s.model else {
            throw CLIError(message: """
                no LLM endpoint is configured: set base_url and model in the [llm] table of \(Config.path), \
                or pass --llm-url and --llm-model (any OpenAI-compatible server: vLLM, llama.cpp, Ollama, a hosted API)
                """, code: Exit.config)
        }
        let variable = s.apiKeyEnv ?? LLMSettings.defaultAPIKeyVariable
        let key = ProcessInfo.processInfo.environment[variable].flatMap { $0.isEmpty ? nil : $0 }
        return LLMEndpoint(baseURL: url, model: model, apiKey: key, timeout: s.timeout ?? 60, maxTokens: s.maxTokens,
                           temperature: s.temperature)
    }

    /// The prompt template: the file the settings name, else the built-in one.
    static func template(_ s: LLMSettings) throws -> PromptTemplate {
        guard let file = s.promptFile else { return .builtin }
        let path = (file as NSString).expandingTildeInPath
        let text: String
        do { text = try String(contentsOfFile: path, encoding: .utf8) }
        catch { throw CLIError(message: "cannot read the prompt template \(path): \(systemReason(error))", code: Exit.noInput) }
        do { return try PromptTemplate.parse(text, fileName: path) }
        catch { throw CLIError(message: "bad prompt template: \(error.description)", code: Exit.dataError) }
    }
}

/// Runs async work from a synchronous command and returns its result.
func runBlocking<T: Sendable>(_ body: @escaping @Sendable () async throws -> T) throws -> T {
    nonisolated(unsafe) var result: Result<T, any Error>?
    let done = DispatchSemaphore(value: 0)
    Task {
        do { result = .success(try await body()) } catch { result = .failure(error) }
        done.signal()
    }
    done.wait()
    return try result!.get()
}
