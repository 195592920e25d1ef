extension Theme {
    /// For terminals with a light background: darker text colours, a light-blue selection bar.
    /// On 8-colour terminals the nearest colours are used, except for the bars (reverse, cyan).
    public static let light: Theme = {
        let styles: [StyleRole: Style] = [
            .header: Style(fg: .index(231), bg: .index(25), bold: true),
            .columnHeader: .fg(24, bold: true),
            .statusBar: Style(fg: .index(235), bg: .index(253)),
            .statusKey: Style(fg: .index(124), bg: .index(253), bold: true),
            .selection: Style(fg: .index(16), bg: .index(153), bold: true),
            .selectionInactive: Style(bg: .index(254), underline: true),
            .scoreHigh: .fg(160),
            .scoreMedium: .fg(130),
            .scoreLow: .fg(28),
            .aboveThreshold: .fg(160, bold: true),
            .belowThreshold: .fg(28),
            .contributionPositive: .fg(160),
            .contributionNegative: .fg(25),
            .dim: .fg(243),
            .label: .fg(24),
            .title: .fg(25, bold: true),
            .error: Style(fg: .index(231), bg: .index(160), bold: true),
            .message: .fg(130, bold: true),
            .border: .fg(248),
            .help: Style(fg: .index(235), bg: .index(255)),
            .currentLabel: .fg(90, bold: true),
            .chartBar: .fg(25),
            .chartMarker: .fg(160, bold: true),
        ]
        var basic = reducedToBasic(styles)
        basic[.statusBar] = Style(reverse: true)
        basic[.statusKey] = Style(bold: true, reverse: true)
        basic[.selection] = Style(fg: .index(0), bg: .index(6), bold: true)
        basic[.selectionInactive] = Style(underline: true)
        basic[.help] = .plain
        basic[.dim] = .plain
        basic[.border] = .plain
        return Theme(name: "light", styles: styles, basicStyles: basic.filter { $0.value != .plain })
    }()

    /// Maximum contrast: bright colours, black on yellow for the selection, bold everywhere it
    /// helps. On 8-colour terminals the nearest colours are used.
    public static let highContrast = Theme(
        name: "high-contrast",
        styles: [
            .header: Style(fg: .index(231), bg: .index(19), bold: true),
            .columnHeader: .fg(231, bold: true, underline: true),
            .statusBar: Style(fg: .index(16), bg: .index(231)),
            .statusKey: Style(fg: .index(16), bg: .index(226), bold: true),
            .selection: Style(fg: .index(16), bg: .index(226), bold: true),
            .selectionInactive: Style(bold: true, underline: true),
            .scoreHigh: .fg(196, bold: true),
            .scoreMedium: .fg(226),
            .scoreLow: .fg(46),
            .aboveThreshold: .fg(196, bold: true),
            .belowThreshold: .fg(46),
            .contributionPositive: .fg(196),
            .contributionNegative: .fg(51),
            .dim: .fg(250),
            .label: .fg(51),
            .title: .fg(231, bold: true, underline: true),
            .error: Style(fg: .index(231), bg: .index(160), bold: true),
            .message: .fg(226, bold: true),
            .border: .fg(231),
            .help: Style(fg: .index(231), bg: .index(16)),
            .currentLabel: .fg(226, bold: true),
            .chartBar: .fg(51),
            .chartMarker: .fg(226, bold: true),
        ]
    )
}
