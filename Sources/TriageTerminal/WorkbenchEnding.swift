/// How a workbench session ended.
public enum WorkbenchEnding: Sendable, Equatable {
    /// The analyst quit (`q`).
    case quit
    /// A SIGINT, SIGTERM or SIGHUP arrived (its number); the terminal was restored.
    case signal(Int32)
}
