#if canImport(Glibc)
import Glibc
#endif
import TriageCore
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
    /// The operating-system user running the workbench, recorded on every label event.
    public var osUser: String
    /// How long the workbench's claim on the selected case lasts without renewal (seconds); nil
    /// (the default here) claims nothing. `triage` sets ``defaultLease``.
    public var lease: Double?
    /// The role in force (analyst, or a lead settling escalated cases), recorded on every label.
    public var role: Role = .analyst
    /// The characters the dashboard's charts are drawn with: ``Glyphs/unicode`` by default; the
    /// terminal front end switches to ``Glyphs/ascii`` when the locale is not UTF-8 or
    /// `TRIAGE_ASCII=1` is set (see ``Glyphs``).
    public var glyphs: Glyphs = .unicode
    /// Where `a` asks for rationales; nil when no LLM endpoint is configured (then `a` says so).
    public var rationaleGenerator: (any RationaleGenerator)?
    /// The lease the `triage` command gives the workbench's claims: 10 minutes, renewed while the
    /// session runs.
    public static let defaultLease: Double = 600

    /// Options with the default queue (open cases by score) and the dark theme.
    public init(analyst: String, databaseName: String, monochrome: Bool = false,
                initialQuery: QueueQuery = QueueQuery(), theme: Theme = .dark,
                osUser: String = WorkbenchOptions.currentOSUser()) {
        self.analyst = analyst
        self.databaseName = databaseName
        self.monochrome = monochrome
        self.initialQuery = initialQuery
        self.theme = theme
        self.osUser = osUser
    }

    /// The effective user's login name (`$USER` when the password database has none).
    public static func currentOSUser() -> String {
        #if canImport(Glibc)
        if let pw = getpwuid(geteuid()), let name = pw.pointee.pw_name { return String(cString: name) }
        if let user = getenv("USER") { return String(cString: user) }
        return "uid\(geteuid())"
        #else
        return "unknown"
        #endif
    }
}
