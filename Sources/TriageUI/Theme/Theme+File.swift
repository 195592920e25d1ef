import Foundation
import TriageFormats

extension StyleRole {
    /// The role's name in theme files: the case name in kebab case, e.g. `score-high`.
    public var fileName: String {
        var out = ""
        for c in rawValue {
            if c.isUppercase { out += "-" + c.lowercased() } else { out.append(c) }
        }
        return out
    }

    /// The role a theme file names, e.g. `selection-inactive`.
    public init?(fileName: String) {
        guard let r = StyleRole.allCases.first(where: { $0.fileName == fileName }) else { return nil }
        self = r
    }
}

extension TerminalColor {
    init(_ c: ThemeFileColor) {
        switch c {
        case .default: self = .default
        case .index(let n): self = .index(n)
        }
    }

    var fileColor: ThemeFileColor {
        switch self {
        case .default: return .default
        case .index(let n): return .index(n)
        }
    }
}

extension Theme {
    /// The built-in themes, in the order the theme key cycles through them. Each is also a file
    /// in `Themes/` (a test keeps the two the same).
    public static let builtIns: [Theme] = [.dark, .light, .highContrast, .monochrome]

    /// The built-in theme called `name`, if any.
    public static func builtIn(named name: String) -> Theme? {
        builtIns.first { $0.name == name }
    }

    /// The built-in theme after this one (by name; a theme from a file is followed by the first).
    public var nextBuiltIn: Theme {
        guard let i = Theme.builtIns.firstIndex(where: { $0.name == name }) else { return Theme.builtIns[0] }
        return Theme.builtIns[(i + 1) % Theme.builtIns.count]
    }

    /// The styles of `styles` with every colour moved to the nearest of the 8 basic colours.
    public static func reducedToBasic(_ styles: [StyleRole: Style]) -> [StyleRole: Style] {
        styles.mapValues { s in
            var r = s
            r.foreground = s.foreground.reduced(toCount: 8)
            r.background = s.background.reduced(toCount: 8)
            return r
        }
    }

    /// A theme from a parsed theme file. When any role sets an 8-colour key (`fg8`, `bg8`,
    /// `bold8`, `reverse8`, `underline8`), the theme gets an 8-colour table: each role's colours
    /// moved to the nearest basic colour, overridden by those keys; otherwise the nearest basic
    /// colours are used on terminals with fewer than 256 colours (see ``adapted(toColors:)``).
    public init(file: ThemeFileContents) {
        var styles: [StyleRole: Style] = [:]
        var basic: [StyleRole: Style] = [:]
        for (key, r) in file.roles {
            guard let role = StyleRole(fileName: key) else { continue }
            let s = Style(fg: r.fg.map(TerminalColor.init) ?? .default, bg: r.bg.map(TerminalColor.init) ?? .default,
                          bold: r.bold ?? false, reverse: r.reverse ?? false, underline: r.underline ?? false)
            if s != .plain { styles[role] = s }
            let b = Style(fg: r.fg8.map(TerminalColor.init) ?? s.foreground.reduced(toCount: 8),
                          bg: r.bg8.map(TerminalColor.init) ?? s.background.reduced(toCount: 8),
                          bold: r.bold8 ?? s.bold, reverse: r.reverse8 ?? s.reverse,
                          underline: r.underline8 ?? s.underline)
            if b != .plain { basic[role] = b }
        }
        let hasFallback = file.roles.values.contains { $0.hasFallback }
        self.init(name: file.name, styles: styles, basicStyles: hasFallback ? basic : nil)
    }

    /// The role names a theme file may use.
    public static var fileRoleNames: [String] { StyleRole.allCases.map(\.fileName) }

    /// Parses a theme file (see ``ThemeFile``).
    public static func parse(text: String, fileName: String) throws(ThemeFileError) -> Theme {
        Theme(file: try ThemeFile.parse(text: text, fileName: fileName, roles: fileRoleNames))
    }

    /// Reads and parses the theme file at `path`.
    public static func load(path: String) throws -> Theme {
        Theme(file: try ThemeFile.load(path: path, roles: fileRoleNames))
    }

    /// This theme as a theme file that ``parse(text:fileName:)`` reads back as the same theme.
    /// 8-colour keys are written only where the 8-colour table differs from the nearest colours.
    public func fileText(header: String = "") -> String {
        var out = header
        out += "name = \(TaxonomyFile.quoted(name))\n"
        for role in StyleRole.allCases {
            let s = self[role]
            let auto = Theme.reducedToBasic([role: s])[role]!
            let b = basicStyles.map { $0[role] ?? .plain }
            var lines: [String] = []
            if s.foreground != .default { lines.append("fg = \(s.foreground.fileColor.toml)") }
            if s.background != .default { lines.append("bg = \(s.background.fileColor.toml)") }
            if s.bold { lines.append("bold = true") }
            if s.reverse { lines.append("reverse = true") }
            if s.underline { lines.append("underline = true") }
            if let b {
                if b.foreground != auto.foreground { lines.append("fg8 = \(b.foreground.fileColor.toml)") }
                if b.background != auto.background { lines.append("bg8 = \(b.background.fileColor.toml)") }
                if b.bold != auto.bold { lines.append("bold8 = \(b.bold)") }
                if b.reverse != auto.reverse { lines.append("reverse8 = \(b.reverse)") }
                if b.underline != auto.underline { lines.append("underline8 = \(b.underline)") }
            }
            guard !lines.isEmpty else { continue }
            out += "\n[roles.\(role.fileName)]\n" + lines.map { $0 + "\n" }.joined()
        }
        return out
    }
}
