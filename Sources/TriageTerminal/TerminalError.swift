/// Why the workbench could not take over the terminal. Each message says what to do.
public enum TerminalError: Error, Sendable, Equatable, CustomStringConvertible {
    /// `TERM` is unset or `dumb`.
    case unsupportedTerminal(term: String?)
    /// stdin or stdout is not a terminal (piped, redirected, run from cron…).
    case notATerminal
    /// ncurses did not know the terminal type.
    case unknownTerminal(term: String)

    public var description: String {
        switch self {
        case .unsupportedTerminal(let term):
            let what = term.map { "TERM is '\($0)'" } ?? "TERM is not set"
            return "the workbench needs a full-screen terminal, but \(what): run it in a terminal emulator "
                + "(or set TERM, e.g. TERM=xterm-256color); the other triage commands work without one"
        case .notATerminal:
            return "the workbench needs a terminal on stdin and stdout (not a pipe or a file): "
                + "run it interactively; the other triage commands work without one"
        case .unknownTerminal(let term):
            return "the terminal type '\(term)' is unknown to ncurses: set TERM to one it knows, "
                + "e.g. TERM=xterm-256color"
        }
    }
}
