import Foundation
import TriageFormats
import TriageUI

extension Paths {
    /// `$XDG_CONFIG_HOME/triage`, else `~/.config/triage`.
    static func configDirectory() -> String {
        let env = ProcessInfo.processInfo.environment
        if let x = env["XDG_CONFIG_HOME"], x.hasPrefix("/") { return x + "/triage" }
        return home() + "/.config/triage"
    }
}

/// Finds the theme `--theme` names: a path (with a `/` or ending in `.toml`) is read as a theme
/// file; a name is looked up in `$XDG_CONFIG_HOME/triage/themes/NAME.toml`, then among the
/// built-in themes.
enum ThemeLookup {
    static func theme(_ spec: String) throws -> Theme {
        if spec.contains("/") || spec.hasSuffix(".toml") {
            let path = Paths.expand(spec)
            guard FileManager.default.fileExists(atPath: path) else {
                throw CLIError(message: "theme file \(spec) does not exist", code: Exit.noInput)
            }
            return try load(path)
        }
        let user = Paths.configDirectory() + "/themes/\(spec).toml"
        if FileManager.default.fileExists(atPath: user) { return try load(user) }
        if let builtIn = Theme.builtIn(named: spec) { return builtIn }
        let names = Theme.builtIns.map(\.name).joined(separator: ", ")
        throw CLIError(message: "unknown theme \"\(spec)\": not in \(Paths.display(Paths.configDirectory() + "/themes")) "
                       + "and not built in (\(names)); or give a path to a .toml file", code: Exit.usage)
    }

    private static func load(_ path: String) throws -> Theme {
        do {
            return try Theme.load(path: path)
        } catch let e as ThemeFileError {
            throw CLIError(message: "bad theme file:\n" + e.description, code: Exit.dataError)
        } catch {
            throw CLIError(message: "cannot read theme file \(path): \(systemReason(error))", code: Exit.noInput)
        }
    }
}

/// The settings file, `$XDG_CONFIG_HOME/triage/config.toml` (absent is fine).
enum Config {
    static var path: String { Paths.configDirectory() + "/config.toml" }

    static func load() throws -> ConfigFile {
        guard FileManager.default.fileExists(atPath: path) else { return ConfigFile() }
        let text: String
        do { text = try String(contentsOfFile: path, encoding: .utf8) }
        catch { throw CLIError(message: "cannot read \(path): \(systemReason(error))", code: Exit.noInput) }
        do { return try ConfigFile.parse(text: text, fileName: path) }
        catch { throw CLIError(message: "bad settings file:\n" + error.description, code: Exit.dataError) }
    }
}
