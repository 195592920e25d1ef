import TOMLKit

/// The user's settings file, `$XDG_CONFIG_HOME/triage/config.toml`:
///
/// ```toml
/// theme = "light"      # a built-in theme, a name in themes/, or a path to a .toml file
///
/// [llm]                # an OpenAI-compatible chat-completions endpoint, for rationales
/// base_url = "http://127.0.0.1:8000/v1"
/// model = "qwen2.5-7b-instruct"
/// api_key_env = "TRIAGE_LLM_API_KEY"   # the variable holding the key (never the key itself)
/// timeout = 60                          # seconds per request
/// max_tokens = 400
/// temperature = 0.2
/// prompt_file = "~/prompts/rationale-v2.prompt"   # default: the built-in template
/// concurrency = 4                       # requests at once for `triage rationale --missing`
///
/// [database]           # where the data is, when neither --db nor $TRIAGE_DB says
/// url = "postgres://ana@db.internal:5432/risk?sslmode=verify-full"   # or a SQLite file path
/// password = "…"       # for PostgreSQL, after $PGPASSWORD and ~/.pgpass; the file must then be private (chmod 600)
/// ```
///
/// Every key is optional; an unknown key is an error (it is usually a typo). Command-line flags
/// win over the file.
public struct ConfigFile: Sendable, Equatable {
    /// The theme to start with.
    public var theme: String?
    /// The `[llm]` table.
    public var llm: LLMSettings
    /// The `[database]` table: `url`, `password`.
    public var databaseURL: String?
    public var databasePassword: String?

    public init(theme: String? = nil, llm: LLMSettings = LLMSettings(), databaseURL: String? = nil, databasePassword: String? = nil) {
        self.theme = theme
        self.llm = llm
        self.databaseURL = databaseURL
        self.databasePassword = databasePassword
    }

    public static let knownKeys = ["theme", "llm", "database"]
    public static let knownDatabaseKeys = ["url", "password"]

    /// Parses the file's text; errors name the file, the line and the key.
    public static func parse(text: String, fileName: String) throws(TOMLFileError) -> ConfigFile {
        let root = try TOMLFileError.table(text: text, fileName: fileName)
        /// A problem on the line that sets `key`; `named` puts the key in front of the message.
        func fail(_ key: String, named: Bool, _ message: String) -> TOMLFileError {
            TOMLFileError(fileName: fileName, problems: [.init(line: line(of: key, in: text), key: named ? key : nil,
                                                               message: message)])
        }
        var config = ConfigFile()
        for key in root.keys {
            switch key {
            case "theme":
                guard let s = root[key]?.string, !s.isEmpty else { throw fail("theme", named: true, "must be a non-empty string") }
                config.theme = s
            case "llm":
                guard let t = root[key]?.table else { throw fail("llm", named: true, "must be a table: [llm]") }
                config.llm = try LLMSettings.parse(t, text: text, fileName: fileName)
            case "database":
                guard let t = root[key]?.table else { throw fail("database", named: true, "must be a table: [database]") }
                for k in t.keys {
                    guard let v = t[k]?.string, !v.isEmpty else {
                        guard knownDatabaseKeys.contains(k) else {
                            throw fail(k, named: false, "unknown key 'database.\(k)' (known: \(knownDatabaseKeys.joined(separator: ", ")))")
                        }
                        throw TOMLFileError(fileName: fileName, problems: [.init(line: line(of: k, in: text), key: "database." + k,
                                                                                   message: "must be a non-empty string")])
                    }
                    switch k {
                    case "url": config.databaseURL = v
                    case "password": config.databasePassword = v
                    default:
                        throw fail(k, named: false, "unknown key 'database.\(k)' (known: \(knownDatabaseKeys.joined(separator: ", ")))")
                    }
                }
            default:
                throw fail(key, named: false, "unknown key '\(key)' (known: \(knownKeys.joined(separator: ", ")))")
            }
        }
        return config
    }

    /// The first line that sets top-level `key`, or nil when it cannot be found.
    static func line(of key: String, in text: String) -> Int? {
        for (i, line) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            let t = line.drop { $0 == " " || $0 == "\t" }
            if t.hasPrefix(key), t.dropFirst(key.count).drop(while: { $0 == " " }).hasPrefix("=") { return i + 1 }
        }
        return nil
    }
}

/// Where rationales are asked for: the `[llm]` table of the settings file, each value overridable
/// by a flag. Every field is optional here; a command checks that what it needs is set.
public struct LLMSettings: Sendable, Equatable {
    public var baseURL: String?
    public var model: String?
    /// The environment variable that holds the API key (default ``defaultAPIKeyVariable``).
    public var apiKeyEnv: String?
    public var timeout: Double?
    public var maxTokens: Int?
    public var temperature: Double?
    public var promptFile: String?
    public var concurrency: Int?

    public static let defaultAPIKeyVariable = "TRIAGE_LLM_API_KEY"
    public static let knownKeys = ["base_url", "model", "api_key_env", "timeout", "max_tokens", "temperature", "prompt_file", "concurrency"]

    public init(baseURL: String? = nil, model: String? = nil, apiKeyEnv: String? = nil, timeout: Double? = nil,
                maxTokens: Int? = nil, temperature: Double? = nil, promptFile: String? = nil, concurrency: Int? = nil) {
        self.baseURL = baseURL
        self.model = model
        self.apiKeyEnv = apiKeyEnv
        self.timeout = timeout
        self.maxTokens = maxTokens
        self.temperature = temperature
        self.promptFile = promptFile
        self.concurrency = concurrency
    }

    /// These settings with every value `other` sets put over them (flags over the file).
    public func overridden(by other: LLMSettings) -> LLMSettings {
        LLMSettings(baseURL: other.baseURL ?? baseURL, model: other.model ?? model, apiKeyEnv: other.apiKeyEnv ?? apiKeyEnv,
                    timeout: other.timeout ?? timeout, maxTokens: other.maxTokens ?? maxTokens,
                    temperature: other.temperature ?? temperature, promptFile: other.promptFile ?? promptFile,
                    concurrency: other.concurrency ?? concurrency)
    }

    /// What is wrong with the values (empty when nothing): each names its key.
    public var problems: [String] {
        var out: [String] = []
        if let u = baseURL, !(u.hasPrefix("http://") || u.hasPrefix("https://")) {
            out.append("base_url must start with http:// or https:// (got \(u))")
        }
        if let t = timeout, !(t > 0 && t <= 3600) { out.append("timeout must be between 0 and 3600 seconds") }
        if let m = maxTokens, m < 1 { out.append("max_tokens must be at least 1") }
        if let t = temperature, !(t >= 0 && t <= 2) { out.append("temperature must be between 0 and 2") }
        if let c = concurrency, !(1...64).contains(c) { out.append("concurrency must be between 1 and 64") }
        if let e = apiKeyEnv, e.isEmpty || !e.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "_") }) {
            out.append("api_key_env must name an environment variable (letters, digits, _)")
        }
        return out
    }

    static func parse(_ t: TOMLTable, text: String, fileName: String) throws(TOMLFileError) -> LLMSettings {
        func fail(_ key: String, _ message: String) -> TOMLFileError {
            TOMLFileError(fileName: fileName, problems: [.init(line: ConfigFile.line(of: key, in: text), key: "llm." + key, message: message)])
        }
        var s = LLMSettings()
        for key in t.keys {
            let v = t[key]
            switch key {
            case "base_url": guard let x = v?.string else { throw fail(key, "must be a string") }; s.baseURL = x
            case "model": guard let x = v?.string, !x.isEmpty else { throw fail(key, "must be a non-empty string") }; s.model = x
            case "api_key_env": guard let x = v?.string else { throw fail(key, "must be a string") }; s.apiKeyEnv = x
            case "prompt_file": guard let x = v?.string, !x.isEmpty else { throw fail(key, "must be a non-empty string") }; s.promptFile = x
            case "timeout":
                guard let x = v?.double ?? v?.int.map(Double.init) else { throw fail(key, "must be a number of seconds") }
                s.timeout = x
            case "temperature":
                guard let x = v?.double ?? v?.int.map(Double.init) else { throw fail(key, "must be a number") }
                s.temperature = x
            case "max_tokens": guard let x = v?.int else { throw fail(key, "must be a whole number") }; s.maxTokens = x
            case "concurrency": guard let x = v?.int else { throw fail(key, "must be a whole number") }; s.concurrency = x
            default:
                throw TOMLFileError(fileName: fileName, problems: [.init(line: ConfigFile.line(of: key, in: text), key: nil,
                    message: "unknown key 'llm.\(key)' (known: \(knownKeys.joined(separator: ", ")))")])
            }
        }
        if let p = s.problems.first {
            // "timeout must be…" reads "llm.timeout must be…" with the key in front.
            let key = knownKeys.first { p.hasPrefix($0 + " ") } ?? "llm"
            throw fail(key, String(p.dropFirst(key.count + 1)))
        }
        return s
    }
}
