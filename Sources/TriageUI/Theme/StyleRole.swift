/// What a piece of the screen *is*, never what colour it has: views draw in roles and a
/// ``Theme`` decides how each role looks.
public enum StyleRole: String, Sendable, Hashable, CaseIterable {
    /// Ordinary text.
    case normal
    /// The top line: database, queue, sort, counts.
    case header
    /// Column titles of the queue list.
    case columnHeader
    /// The bottom line with key hints.
    case statusBar
    /// A key inside the status bar or help overlay, e.g. `j`.
    case statusKey
    /// The selected queue row while the queue has the focus.
    case selection
    /// The selected queue row while the detail pane has the focus.
    case selectionInactive
    /// A score at or above 0.8.
    case scoreHigh
    /// A score from 0.5 up to 0.8.
    case scoreMedium
    /// A score below 0.5.
    case scoreLow
    /// A score at or above its model's threshold (the model flags the case).
    case aboveThreshold
    /// A score below its model's threshold.
    case belowThreshold
    /// A feature contribution pushing towards a violation.
    case contributionPositive
    /// A feature contribution pushing away from a violation.
    case contributionNegative
    /// Secondary text: superseded scores, ids, hints.
    case dim
    /// A field name, e.g. `Country`.
    case label
    /// A section or pane title, e.g. `Scores`.
    case title
    /// An error message.
    case error
    /// An informational status message.
    case message
    /// Lines between panes and around the help overlay.
    case border
    /// The help overlay's body.
    case help
    /// The current (live) label of a case in its history.
    case currentLabel
    /// The filled part of a chart: sparklines, bars, histograms (see ``Sparkline``, ``BarChart``).
    case chartBar
    /// A marker drawn on a chart, e.g. the mean score on a reliability-diagram bar.
    case chartMarker
}
