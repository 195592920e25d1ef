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

    /// Parses the file's text; errors name the file, the line (for syntax errors) and the key.
    public static func parse(text: String, fileName: String) throws(ConfigFileError) -> ConfigFile {
        let root: TOMLTable
        do {
            root = try TOMLTable(string: text)
        } catch let e as TOMLParseError {
            throw ConfigFileError(message: "\(fileName): line \(e.source.begin.line): TOML syntax error: \(e.description)")
        } catch {
            throw ConfigFileError(message: "\(fileName): cannot parse: \(error)")
        }
        var config = ConfigFile()
        for key in root.keys {
            switch key {
            case "theme":
                guard let s = root[key]?.string, !s.isEmpty else {
                    throw ConfigFileError(message: "\(fileName): \(lineNote(text, key))theme must be a non-empty string")
                }
                config.theme = s
            default:
                throw ConfigFileError(message: "\(fileName): \(lineNote(text, key))unknown key '\(key)' "
                                      + "(known: \(knownKeys.joined(separator: ", ")))")
            }
        }
        return config
    }

    /// "line N: " for the first line that sets `key`, or "" when it cannot be found.
    private static func lineNote(_ text: String, _ key: String) -> String {
        for (i, line) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            let t = line.drop { $0 == " " || $0 == "\t" }
            if t.hasPrefix(key), t.dropFirst(key.count).drop(while: { $0 == " " }).hasPrefix("=") {
                return "line \(i + 1): "
            }
        }
        return ""
    }
}

/// A settings file that cannot be used, with a message naming the file, line and key.
public struct ConfigFileError: Error, Sendable, Equatable, CustomStringConvertible {
    public var message: String
    public var description: String { message }
}
