import Foundation
import Glibc
import TriageStore
import TriageUI

/// Runs the analyst workbench on the terminal until the analyst quits (`q`) or a SIGINT, SIGTERM
/// or SIGHUP arrives; the terminal is restored in every case, and on a crash.
///
/// Throws ``TerminalError`` before touching the screen when there is no usable terminal (`TERM`
/// unset or `dumb`, stdin/stdout not a terminal, a terminal type ncurses does not know). Colour is
/// off when `options.monochrome` is set or `NO_COLOR` is set to a non-empty value. Nothing is
/// written to stdout while curses owns the screen.
///
/// Returns how the session ended, so the command can pick its exit status (e.g. 128 + signal).
///
/// ```swift
/// try runWorkbench(store: store, options: WorkbenchOptions(analyst: "ana", databaseName: "cases.db"))
/// ```
@discardableResult
public func runWorkbench(store: any CaseStore, options: WorkbenchOptions) throws -> WorkbenchEnding {
    try runScreen(monochrome: options.monochrome) { size, glyphs in
        var options = options
        options.glyphs = glyphs // the terminal's choice (see ``Glyphs``)
        return WorkbenchRuntime(store: store, options: options, size: size)
    }
}

/// Runs a labelling project's screen on the terminal (labelling for a labeler, adjudication for
/// a lead, as `options.role` says) until the person quits or a signal arrives; like
/// ``runWorkbench(store:options:)`` in every other respect (the claim is given back however the
/// session ends).
///
/// ```swift
/// try runProjectScreen(store: store, options: ProjectOptions(person: "ann", role: .labeler,
///                                                            project: "p1", databaseName: "cases.db"))
/// ```
@discardableResult
public func runProjectScreen(store: any CaseStore, options: ProjectOptions) throws -> WorkbenchEnding {
    try runScreen(monochrome: options.monochrome) { size, _ in
        ProjectRuntime(store: store, options: options, size: size)
    }
}

/// The terminal loop shared by every screen: draw when dirty, read a key (or wake once a
/// second to tick), until the screen finishes or a quit signal arrives. `make` gets the terminal's
/// size and the chart glyphs it can show (``Glyphs``: ASCII when the user's locale is not UTF-8
/// or `TRIAGE_ASCII=1` is set).
func runScreen(monochrome: Bool, _ make: (TerminalSize, Glyphs) -> any ScreenRuntime) throws -> WorkbenchEnding {
    let noColor = getenv("NO_COLOR").map { $0.pointee != 0 } ?? false
    let terminal = try Terminal(monochrome: monochrome || noColor)
    defer { terminal.close() }
    let runtime = make(terminal.size, terminal.glyphs)
    runtime.start()
    defer { runtime.shutdown() } // give the claimed case back, however the session ends
    var dirty = true
    var shownMinute = runtime.now.milliseconds / 60_000
    var lastTick = Date()
    while !runtime.isFinished {
        let signal = terminal.takeQuitSignal()
        if signal != 0 { return .signal(signal) }
        if dirty {
            terminal.draw(runtime.frame(), theme: runtime.theme)
            dirty = false
        }
        // While background work streams in (a rationale), wake every 50 ms to show it.
        terminal.setReadTimeout(milliseconds: runtime.isBusy ? 50 : 1000)
        if let key = terminal.readKey() {
            runtime.handle(key: key)
            dirty = true
        } else if terminal.hungUp {
            return .signal(SIGHUP) // ends as a hang-up would: the claim is given back
        }
        if runtime.poll() { dirty = true }
        if Date().timeIntervalSince(lastTick) >= 1 {
            lastTick = Date()
            // Redraw when the data changed elsewhere (the window was reloaded) or the minute
            // turned (ages on screen count minutes).
            if runtime.tick() { dirty = true }
            let minute = runtime.now.milliseconds / 60_000
            if minute != shownMinute { shownMinute = minute; dirty = true }
        }
    }
    return .quit
}
