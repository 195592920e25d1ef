import TriageStore

/// How the workbench starts: who is working, on what, and how it should look.
public struct WorkbenchOptions: Sendable {
    /// The analyst's name, shown in the header (and recorded on labels later).
    public var analyst: String
    /// The database as shown in the header, e.g. `cases.db` or a path.
    public var databaseName: String
    /// Draw without colour (bold, reverse and underline only). `NO_COLOR` in the environment
    /// forces it too.
    public var monochrome: Bool
    /// The queue shown first.
    public var initialQuery: QueueQuery
    /// The colour theme (ignored when ``monochrome``).
    public var theme: Theme

    /// Options with the default queue (open cases by score) and the dark theme.
    public init(analyst: String, databaseName: String, monochrome: Bool = false,
                initialQuery: QueueQuery = QueueQuery(), theme: Theme = .dark) {
        self.analyst = analyst
        self.databaseName = databaseName
        self.monochrome = monochrome
        self.initialQuery = initialQuery
        self.theme = theme
    }
}
