import TOMLKit

/// The user's settings file, `$XDG_CONFIG_HOME/triage/config.toml`:
///
/// ```toml
/// theme = "light"      # a built-in theme, a name in themes/, or a path to a .toml file
/// ```
///
/// Every key is optional; an unknown key is an error (it is usually a typo). Command-line flags
/// win over the file.
public struct ConfigFile: Sendable, Equatable {
    /// The theme to start with.
    public var theme: String?

    public init(theme: String? = nil) { self.theme = theme }

    public static let knownKeys = ["theme"]

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
            default:
                throw fail(key, named: false, "unknown key '\(key)' (known: \(knownKeys.joined(separator: ", ")))")
            }
        }
        return config
    }

    /// The first line that sets top-level `key`, or nil when it cannot be found.
    private static func line(of key: String, in text: String) -> Int? {
        for (i, line) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            let t = line.drop { $0 == " " || $0 == "\t" }
            if t.hasPrefix(key), t.dropFirst(key.count).drop(while: { $0 == " " }).hasPrefix("=") { return i + 1 }
        }
        return nil
    }
}
