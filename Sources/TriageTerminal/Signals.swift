import CTriageSignals

/// Signal handling for the workbench, over the `CTriageSignals` C target (one object file holds
/// the handlers and their flag, so every caller sees the same state in every build).
enum Signals {
    /// Installs the handlers: SIGINT/SIGTERM/SIGHUP set a flag the main loop checks (see
    /// ``takeQuitSignal()``); SIGSEGV/SIGABRT/SIGBUS/SIGILL/SIGFPE/SIGTRAP restore the terminal
    /// with `endwin` and re-raise. Install before curses starts, so ncurses keeps its hands off
    /// SIGINT and SIGTERM.
    static func install() { triage_install_signal_handlers() }

    /// Puts back whatever handled these signals before ``install()``.
    static func restore() { triage_restore_signal_handlers() }

    /// The quit signal received since the last call, or 0.
    static func takeQuitSignal() -> Int32 { triage_take_quit_signal() }

    /// Whether the terminal on standard input has hung up (its other end is gone).
    static var stdinHungUp: Bool { triage_stdin_hung_up() != 0 }
}
