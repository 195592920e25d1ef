import Foundation
import TOMLKit

/// Problems in a theme file, each naming the file, the line and the key.
public typealias ThemeFileError = TOMLFileError

/// A colour as a theme file writes it: the terminal's default or a 256-colour palette index.
public enum ThemeFileColor: Sendable, Hashable {
    case `default`
    case index(UInt8)

    /// The names a theme file may use for palette colours 0–15.
    public static let names = [
        "black", "red", "green", "yellow", "blue", "magenta", "cyan", "white",
        "bright-black", "bright-red", "bright-green", "bright-yellow", "bright-blue", "bright-magenta",
        "bright-cyan", "bright-white",
    ]

    /// The colour as written in a file: `"default"`, a name for 0–15, a number above.
    public var toml: String {
        switch self {
        case .default: return "\"default\""
        case .index(let n): return n < 16 ? "\"\(Self.names[Int(n)])\"" : String(n)
        }
    }
}

/// One role's table in a theme file. Absent keys are nil.
public struct ThemeFileRole: Sendable, Hashable {
    public var fg: ThemeFileColor?
    public var bg: ThemeFileColor?
    public var bold: Bool?
    public var reverse: Bool?
    public var underline: Bool?
    /// The 8-colour fallbacks (`fg8`, `bg8`, `bold8`, `reverse8`, `underline8`).
    public var fg8: ThemeFileColor?
    public var bg8: ThemeFileColor?
    public var bold8: Bool?
    public var reverse8: Bool?
    public var underline8: Bool?

    public init() {}

    /// Whether any 8-colour key is set.
    public var hasFallback: Bool {
        fg8 != nil || bg8 != nil || bold8 != nil || reverse8 != nil || underline8 != nil
    }
}

/// What a theme file says, before it becomes a `Theme` (which lives in TriageUI).
public struct ThemeFileContents: Sendable, Hashable {
    /// `name = "…"`, else the file name without `.toml`.
    public var name: String
    /// Role name (as in the file, e.g. `score-high`) → its table.
    public var roles: [String: ThemeFileRole]

    public init(name: String, roles: [String: ThemeFileRole]) {
        self.name = name
        self.roles = roles
    }
}

/// The theme file: a name and one table per semantic role, in TOML.
///
/// ```toml
/// name = "dark"
/// [roles.selection]
/// fg = 231        # 0–255, or a name: default, black, red, … white, bright-black, … bright-white
/// bg = 25
/// bold = true     # also reverse, underline
/// fg8 = "white"   # optional 8-colour fallbacks: fg8, bg8, bold8, reverse8, underline8
/// bg8 = "blue"
/// ```
///
/// Roles left out are drawn plain. Unknown roles and keys, colours outside 0–255 or not a
/// known name, and values of the wrong type are errors naming the file, the line and the key.
public enum ThemeFile {
    static let colorKeys = ["fg", "bg", "fg8", "bg8"]
    static let boolKeys = ["bold", "reverse", "underline", "bold8", "reverse8", "underline8"]

    /// Parses a theme file; `roles` are the role names it may use (e.g. `selection`, `score-high`).
    public static func parse(text: String, fileName: String, roles known: [String]) throws(ThemeFileError) -> ThemeFileContents {
        func fail(_ p: [ThemeFileError.Problem]) -> ThemeFileError { ThemeFileError(fileName: fileName, problems: p) }
        let root = try TOMLFileError.table(text: text, fileName: fileName)
        let lines = TaxonomyFile.LineIndex(text: text)
        var problems: [ThemeFileError.Problem] = []
        func problem(_ key: String, _ message: String) {
            problems.append(.init(line: lines.line(of: key), key: key, message: message))
        }
        func describe(_ v: TOMLValueConvertible) -> String {
            switch v.type {
            case .string: return TaxonomyFile.quoted(v.string ?? "")
            case .int: return v.int.map(String.init) ?? "an integer"
            case .double: return "a number with a fraction"
            case .bool: return v.bool == true ? "true" : "false"
            case .array: return "an array"
            case .table: return "a table"
            default: return "a \(v.type)"
            }
        }

        for k in root.keys.sorted() where !["name", "description", "roles"].contains(k) {
            problem(k, "is not a known key (expected name, description, roles)")
        }
        var name = fileName.hasSuffix(".toml") ? String(fileName.dropLast(5)) : fileName
        if let v = root["name"] {
            if let s = v.string, !s.trimmingCharacters(in: .whitespaces).isEmpty { name = s } else {
                problem("name", "must be a non-empty string, not \(describe(v))")
            }
        }
        if let v = root["description"], v.string == nil {
            problem("description", "must be a string, not \(describe(v))")
        }
        var roles: [String: ThemeFileRole] = [:]
        if let v = root["roles"] {
            if let table = v.table {
                for roleName in table.keys.sorted() {
                    let path = "roles.\(roleName)"
                    guard known.contains(roleName) else {
                        problem(path, "is not a known role (expected one of \(known.joined(separator: ", ")))")
                        continue
                    }
                    guard let t = table[roleName]?.table else {
                        problem(path, "must be a table, written [\(path)]")
                        continue
                    }
                    var role = ThemeFileRole()
                    for key in t.keys.sorted() {
                        let full = "\(path).\(key)"
                        guard let value = t[key] else { continue }
                        if colorKeys.contains(key) {
                            var color: ThemeFileColor?
                            if let n = value.int {
                                if (0...255).contains(n) { color = .index(UInt8(n)) }
                            } else if let s = value.string?.lowercased() {
                                if s == "default" { color = .default } else if let i = ThemeFileColor.names.firstIndex(of: s) {
                                    color = .index(UInt8(i))
                                }
                            }
                            guard let color else {
                                problem(full, "must be 0–255 or a colour name (default, black, red, green, yellow, blue, magenta, cyan, white, bright-black … bright-white), not \(describe(value))")
                                continue
                            }
                            switch key {
                            case "fg": role.fg = color
                            case "bg": role.bg = color
                            case "fg8": role.fg8 = color
                            default: role.bg8 = color
                            }
                        } else if boolKeys.contains(key) {
                            guard let b = value.bool else {
                                problem(full, "must be true or false, not \(describe(value))")
                                continue
                            }
                            switch key {
                            case "bold": role.bold = b
                            case "reverse": role.reverse = b
                            case "underline": role.underline = b
                            case "bold8": role.bold8 = b
                            case "reverse8": role.reverse8 = b
                            default: role.underline8 = b
                            }
                        } else {
                            problem(full, "is not a known key (expected \((colorKeys + boolKeys).joined(separator: ", ")))")
                        }
                    }
                    roles[roleName] = role
                }
            } else {
                problem("roles", "must be a table of roles, written [roles.ROLE]")
            }
        }
        if !problems.isEmpty {
            throw fail(problems.enumerated().sorted { ($0.element.line, $0.offset) < ($1.element.line, $1.offset) }.map(\.element))
        }
        return ThemeFileContents(name: name, roles: roles)
    }

    /// Reads and parses the file at `path` (named by its path as given, in errors).
    public static func load(path: String, roles: [String]) throws -> ThemeFileContents {
        let text = try String(contentsOfFile: path, encoding: .utf8)
        return try parse(text: text, fileName: path, roles: roles)
    }
}
