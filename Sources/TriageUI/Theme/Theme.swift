/// How every ``StyleRole`` looks: a plain value (role → ``Style``) that the terminal backend
/// applies when it copies a ``Grid`` to the screen.
///
/// Built in: ``dark`` (256 colours, with a hand-made 8-colour version) and ``monochrome``
/// (bold, reverse and underline only: for `NO_COLOR` and terminals without colour). Use
/// ``adapted(toColors:)`` to fit a theme to what the terminal supports.
///
/// ```swift
/// let theme = Theme.dark.adapted(toColors: 8)
/// theme[.scoreHigh]  // red foreground
/// ```
public struct Theme: Sendable, Equatable {
    /// A name for messages and theme files, e.g. `dark`.
    public var name: String
    /// Styles for terminals with 256 colours (roles missing here are drawn plain).
    public var styles: [StyleRole: Style]
    /// Styles for terminals with 8 or 16 colours; nil derives them by nearest colour.
    public var basicStyles: [StyleRole: Style]?

    /// A theme from its role tables.
    public init(name: String, styles: [StyleRole: Style], basicStyles: [StyleRole: Style]? = nil) {
        self.name = name
        self.styles = styles
        self.basicStyles = basicStyles
    }

    /// The style of `role` (plain when the theme does not mention it).
    public subscript(role: StyleRole) -> Style { styles[role] ?? .plain }

    /// The style of a cell: its role's style over its highlight's (the selection bar). The role's
    /// colours win where it sets them; bold and underline add up; reverse in both cancels out.
    public func style(for role: StyleRole, highlight: StyleRole?) -> Style {
        let base = self[role]
        guard let highlight else { return base }
        let back = self[highlight]
        return Style(fg: base.foreground == .default ? back.foreground : base.foreground,
                     bg: base.background == .default ? back.background : base.background,
                     bold: base.bold || back.bold, reverse: base.reverse != back.reverse,
                     underline: base.underline || back.underline)
    }

    /// Whether any role sets a colour.
    public var usesColor: Bool {
        styles.values.contains { $0.foreground != .default || $0.background != .default }
    }

    /// This theme for a terminal with `count` colours: unchanged at 256 or more; the
    /// ``basicStyles`` (or the nearest basic colours) at 8 to 255; ``monochrome`` below 8.
    public func adapted(toColors count: Int) -> Theme {
        if count >= 256 || !usesColor { return self }
        if count < 8 { return .monochrome }
        if let basicStyles { return Theme(name: name + "-basic", styles: basicStyles) }
        var reduced: [StyleRole: Style] = [:]
        for (role, s) in styles {
            var r = s
            r.foreground = s.foreground.reduced(toCount: min(count, 16))
            r.background = s.background.reduced(toCount: min(count, 16))
            reduced[role] = r
        }
        return Theme(name: name + "-basic", styles: reduced)
    }
}

extension Theme {
    /// The default theme for dark terminals, with a hand-made 8-colour version.
    public static let dark = Theme(
        name: "dark",
        styles: [
            .header: Style(fg: .index(231), bg: .index(24), bold: true),
            .columnHeader: .fg(110, bold: true),
            .statusBar: Style(fg: .index(252), bg: .index(236)),
            .statusKey: Style(fg: .index(221), bg: .index(236), bold: true),
            .selection: Style(fg: .index(231), bg: .index(25)),
            .selectionInactive: Style(bg: .index(238)),
            .scoreHigh: .fg(203),
            .scoreMedium: .fg(215),
            .scoreLow: .fg(114),
            .aboveThreshold: .fg(203, bold: true),
            .belowThreshold: .fg(114),
            .contributionPositive: .fg(203),
            .contributionNegative: .fg(75),
            .dim: .fg(244),
            .label: .fg(110),
            .title: .fg(117, bold: true),
            .error: Style(fg: .index(231), bg: .index(124), bold: true),
            .message: .fg(221, bold: true),
            .border: .fg(240),
            .help: Style(fg: .index(252), bg: .index(235)),
            .currentLabel: .fg(229, bold: true),
            .chartBar: .fg(110),
            .chartMarker: .fg(221, bold: true),
        ],
        basicStyles: [
            .header: Style(fg: .index(7), bg: .index(4), bold: true),
            .columnHeader: .fg(6, bold: true),
            .statusBar: Style(reverse: true),
            .statusKey: Style(bold: true, reverse: true),
            .selection: Style(fg: .index(7), bg: .index(4), bold: true),
            .selectionInactive: Style(underline: true),
            .scoreHigh: .fg(1),
            .scoreMedium: .fg(3),
            .scoreLow: .fg(2),
            .aboveThreshold: .fg(1, bold: true),
            .belowThreshold: .fg(2),
            .contributionPositive: .fg(1),
            .contributionNegative: .fg(6),
            .label: .fg(6),
            .title: .fg(6, bold: true),
            .error: Style(fg: .index(7), bg: .index(1), bold: true),
            .message: .fg(3, bold: true),
            .currentLabel: .fg(3, bold: true),
            .chartBar: .fg(6),
            .chartMarker: .fg(3, bold: true),
        ]
    )

    /// Attributes only, no colour: for `NO_COLOR`, `--monochrome` and terminals without colour.
    /// Nothing on screen depends on colour alone: above/below threshold and the sign of a
    /// contribution are also written out as text.
    public static let monochrome = Theme(
        name: "monochrome",
        styles: [
            .header: Style(bold: true, reverse: true),
            .columnHeader: Style(underline: true),
            .statusBar: Style(reverse: true),
            .statusKey: Style(bold: true, reverse: true),
            .selection: Style(bold: true, reverse: true),
            .selectionInactive: Style(underline: true),
            .scoreHigh: Style(bold: true),
            .aboveThreshold: Style(bold: true),
            .contributionPositive: Style(bold: true),
            .title: Style(bold: true, underline: true),
            .error: Style(bold: true, reverse: true),
            .message: Style(bold: true),
            .currentLabel: Style(bold: true),
            .chartMarker: Style(bold: true),
        ]
    )
}
