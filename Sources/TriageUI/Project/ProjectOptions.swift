import TriageCore

/// How a project screen starts: who works, in which role, on which labelling project.
public struct ProjectOptions: Sendable {
    /// The person working, recorded on every label (and shown in the header).
    public var person: String
    /// The operating-system user, recorded on every label event.
    public var osUser: String
    /// `.labeler` labels the project's cases one at a time; `.lead` settles disagreements.
    public var role: Role
    /// The project's name.
    public var project: String
    /// The database as shown in the header.
    public var databaseName: String
    /// The colour theme (ignored when ``monochrome``).
    public var theme: Theme
    /// Draw without colour.
    public var monochrome: Bool
    /// How long a labeler's claim on the case on screen lasts (seconds).
    public var lease: Double

    /// Options for `person` working as `role` on `project`.
    public init(person: String, osUser: String = WorkbenchOptions.currentOSUser(), role: Role, project: String,
                databaseName: String, theme: Theme = .dark, monochrome: Bool = false, lease: Double = 600) {
        self.person = person
        self.osUser = osUser
        self.role = role
        self.project = project
        self.databaseName = databaseName
        self.theme = theme
        self.monochrome = monochrome
        self.lease = lease
    }
}
