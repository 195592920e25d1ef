import CNcursesw
import Glibc
import TriageUI

/// The terminal, through ncursesw: the only code in triage that calls curses.
///
/// Starting it checks that there is a usable terminal (before curses could print anything),
/// installs the signal handlers, sets a UTF-8 locale and puts the terminal in cbreak, no-echo,
/// keypad mode with a short Esc delay and no cursor. ``close()`` (also run on SIGINT/SIGTERM/
/// SIGHUP through the main loop, and by the crash handler) gives the terminal back.
final class Terminal {
    private var screen: OpaquePointer?
    private var pairs: ColorPairs
    /// Colours the terminal has (0: drawing without colour, always in the monochrome theme).
    private let colors: Int
    /// The last theme asked for, and that theme fitted to the terminal's colours.
    private var requested: Theme?
    private var fitted: Theme = .monochrome
    /// The characters charts are drawn with on this terminal (see ``glyphs(codeset:environment:)``).
    let glyphs: Glyphs

    /// Takes over the terminal. `monochrome` draws with attributes only.
    init(monochrome: Bool) throws {
        let term = getenv("TERM").map { String(cString: $0) }
        guard let term, !term.isEmpty, term != "dumb" else { throw TerminalError.unsupportedTerminal(term: term) }
        guard isatty(0) == 1, isatty(1) == 1 else { throw TerminalError.notATerminal }
        setlocale(LC_ALL, "")
        // The user's own character set, before it is forced to UTF-8 below: it decides the glyphs.
        let codeset = String(cString: triage_codeset())
        glyphs = Self.glyphs(codeset: codeset, asciiRequested: getenv("TRIAGE_ASCII").map { String(cString: $0) })
        if codeset != "UTF-8" {
            setlocale(LC_CTYPE, "C.UTF-8") // wide characters need a UTF-8 locale
        }
        Signals.install()
        guard let s = newterm(nil, triage_stdout(), triage_stdin()) else {
            Signals.restore()
            throw TerminalError.unknownTerminal(term: term)
        }
        screen = s
        set_term(s)
        let win = triage_stdscr()
        cbreak()
        noecho()
        nonl()
        keypad(win, true)
        intrflush(win, false)
        leaveok(win, true)
        set_escdelay(25)
        curs_set(0)
        wtimeout(win, 1000) // wake once a second for periodic work; no busy loop

        var colors = 0
        if !monochrome && has_colors() {
            start_color()
            use_default_colors()
            colors = Int(triage_colors())
        }
        pairs = ColorPairs(colors: colors)
        self.colors = colors
    }

    deinit { close() }

    /// The glyphs for charts: ``Glyphs/ascii`` when the user's locale character set (`codeset`,
    /// as `nl_langinfo(CODESET)` reports it after `setlocale(LC_ALL, "")` and before triage
    /// switches to `C.UTF-8` for wide characters) is not UTF-8, or when `TRIAGE_ASCII` is `1`;
    /// ``Glyphs/unicode`` otherwise.
    static func glyphs(codeset: String, asciiRequested: String?) -> Glyphs {
        if asciiRequested == "1" { return .ascii }
        let normalized = String(codeset.uppercased().filter { $0 != "-" })
        return normalized == "UTF8" ? .unicode : .ascii
    }

    /// Gives the terminal back (idempotent).
    func close() {
        guard let s = screen else { return }
        endwin()
        delscreen(s)
        screen = nil
        Signals.restore()
    }

    /// The terminal's size now.
    var size: TerminalSize { TerminalSize(width: Int(triage_cols()), height: Int(triage_lines())) }

    /// How long ``readKey()`` waits for a key (1 s unless changed).
    func setReadTimeout(milliseconds: Int32) {
        guard milliseconds != readTimeout else { return }
        readTimeout = milliseconds
        wtimeout(triage_stdscr(), milliseconds)
    }
    private var readTimeout: Int32 = 1000

    /// The next key, or nil when none came within the read timeout (or a signal interrupted the wait).
    func readKey() -> Key? {
        var value: wint_t = 0
        let status = wget_wch(triage_stdscr(), &value)
        return KeyDecoder.decode(status: status, value: UInt32(value), size: { size })
    }

    /// A quit signal (SIGINT, SIGTERM, SIGHUP) received since the last call, or 0.
    func takeQuitSignal() -> Int32 { Signals.takeQuitSignal() }

    /// Whether the terminal has hung up (an SSH session or tmux pane closed without a SIGHUP
    /// reaching us): every read would fail at once, so the loop must end rather than spin.
    var hungUp: Bool { Signals.stdinHungUp }

    /// The theme as it is drawn on this terminal: monochrome without colour, else `theme`
    /// fitted to the terminal's colours (256, or the 8-colour fallback).
    func fit(_ theme: Theme) -> Theme {
        if theme != requested {
            requested = theme
            fitted = colors == 0 ? .monochrome : theme.adapted(toColors: colors)
        }
        return fitted
    }

    /// Copies `grid` to the screen in `theme` (ncurses sends only what changed).
    func draw(_ grid: Grid, theme requestedTheme: Theme) {
        let theme = fit(requestedTheme)
        let win = triage_stdscr()
        let rows = min(grid.height, Int(triage_lines()))
        let cols = min(grid.width, Int(triage_cols()))
        var line: [cchar_t] = []
        line.reserveCapacity(cols + 1)
        for y in 0..<rows {
            line.removeAll(keepingCapacity: true)
            var x = 0
            while x < cols {
                let cell = grid[x, y]
                let width = max(1, Int(cell.width))
                let style = theme.style(for: cell.role, highlight: cell.highlight)
                let attrs = attributes(style)
                let pair = pairs.pair(for: style)
                let fits = x + width <= cols
                if cell.isContinuation { // a half whose head is gone (the grid avoids this): a blank
                    line.append(Self.cchar([0x20, 0], attrs, pair))
                } else if fits, let chars = Self.wideChars(cell.grapheme, width: width) {
                    line.append(Self.cchar(chars, attrs, pair))
                } else {
                    // libc disagrees about the width (or it does not fit): keep the columns.
                    line.append(Self.cchar([0xFFFD, 0], attrs, pair))
                    if width == 2 && fits { line.append(Self.cchar([0x20, 0], attrs, pair)) }
                }
                x += width
            }
            line.append(cchar_t())
            _ = line.withUnsafeBufferPointer { buf in
                mvwadd_wchnstr(win, Int32(y), 0, buf.baseAddress, Int32(buf.count - 1))
            }
        }
        wnoutrefresh(win)
        doupdate()
    }

    /// The curses attributes of a style.
    private func attributes(_ s: Style) -> attr_t {
        var a = triage_a_normal()
        if s.bold { a |= triage_a_bold() }
        if s.reverse { a |= triage_a_reverse() }
        if s.underline { a |= triage_a_underline() }
        return a
    }

    /// The grapheme as a NUL-terminated `wchar_t` string for `setcchar`: the base character and
    /// at most four zero-width characters after it (what a cell holds), or nil when the C
    /// library's `wcwidth` does not give the base the width the grid gave it.
    static func wideChars(_ g: Character, width: Int) -> [wchar_t]? {
        var out: [wchar_t] = []
        for s in g.unicodeScalars {
            let c = wchar_t(bitPattern: s.value)
            if out.isEmpty {
                if s.value >= 0x80 && Int(wcwidth(c)) != width { return nil }
                if s.value < 0x20 || s.value == 0x7F { return nil }
            } else if wcwidth(c) != 0 || out.count >= 5 {
                break
            }
            out.append(c)
        }
        guard !out.isEmpty else { return nil }
        out.append(0)
        return out
    }

    private static func cchar(_ chars: [wchar_t], _ attrs: attr_t, _ pair: Int16) -> cchar_t {
        var cc = cchar_t()
        _ = chars.withUnsafeBufferPointer { setcchar(&cc, $0.baseAddress, attrs, pair, nil) }
        return cc
    }
}

/// The chart glyphs for output that is not a curses screen (e.g. `triage report`), chosen by the
/// same rule as the workbench's: ASCII when the user's locale character set is not UTF-8 or
/// `TRIAGE_ASCII=1`. Sets the process's locale from the environment (`setlocale(LC_ALL, "")`).
public func userGlyphs() -> Glyphs {
    setlocale(LC_ALL, "")
    return Terminal.glyphs(codeset: String(cString: triage_codeset()),
                           asciiRequested: getenv("TRIAGE_ASCII").map { String(cString: $0) })
}
