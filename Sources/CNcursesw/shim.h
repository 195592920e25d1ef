// The wide-character curses API as Swift can import it.
// pkg-config's -D_XOPEN_SOURCE does not reach the Clang importer, so define it here.
#ifndef TRIAGE_CNCURSESW_SHIM_H
#define TRIAGE_CNCURSESW_SHIM_H
#ifndef _XOPEN_SOURCE
#define _XOPEN_SOURCE 700
#endif
#ifndef _XOPEN_SOURCE_EXTENDED
#define _XOPEN_SOURCE_EXTENDED 1
#endif
/* _XOPEN_SOURCE alone turns glibc's __USE_MISC off, which renames fields of structs such as
 * mcontext_t (pulled in by <signal.h>); modules built without it (Foundation's CDispatch) then
 * clash with this one. _DEFAULT_SOURCE keeps those definitions identical. */
#ifndef _DEFAULT_SOURCE
#define _DEFAULT_SOURCE 1
#endif
#ifndef NCURSES_WIDECHAR
#define NCURSES_WIDECHAR 1
#endif
#include <locale.h>
#include <wchar.h>
#include <signal.h>
#include <pthread.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <langinfo.h>
#include <ncursesw/ncurses.h>

static inline WINDOW *triage_stdscr(void) { return stdscr; }
static inline int triage_lines(void) { return LINES; }
static inline int triage_cols(void) { return COLS; }
static inline int triage_colors(void) { return COLORS; }
static inline int triage_color_pairs(void) { return COLOR_PAIRS; }
static inline attr_t triage_a_normal(void) { return A_NORMAL; }
static inline attr_t triage_a_bold(void) { return A_BOLD; }
static inline attr_t triage_a_reverse(void) { return A_REVERSE; }
static inline attr_t triage_a_underline(void) { return A_UNDERLINE; }
static inline attr_t triage_a_dim(void) { return A_DIM; }
static inline attr_t triage_a_italic(void) { return A_ITALIC; }
static inline attr_t triage_color_pair(int n) { return COLOR_PAIR(n); }
/* stdin/stdout for newterm() (mutable C globals are not visible to Swift 6). */
static inline FILE *triage_stdin(void) { return stdin; }
static inline FILE *triage_stdout(void) { return stdout; }
/* The locale's character set, e.g. "UTF-8" or "ANSI_X3.4-1968". */
static inline const char *triage_codeset(void) { return nl_langinfo(CODESET); }

/* Signals. The state below is `static`: every object file that uses it gets its own copy, so
 * call these functions from ONE Swift source file only (TriageTerminal's Signals.swift). */
static inline volatile sig_atomic_t *triage_quit_flag(void) {
    static volatile sig_atomic_t flag = 0;
    return &flag;
}
/* The handlers in force before ours, by signal number (every signal handled here is below 32). */
static inline struct sigaction *triage_saved_action(int sig) {
    static struct sigaction saved[32];
    return &saved[sig];
}

/* SIGINT, SIGTERM, SIGHUP: remember the signal; the main loop sees it and leaves cleanly. No
 * SA_RESTART, so a blocking read returns at once. */
static inline void triage_on_quit_signal(int sig) { *triage_quit_flag() = sig; }

/* SIGSEGV, SIGABRT, SIGBUS, SIGILL, SIGFPE, SIGTRAP: restore the terminal, then let the previous
 * handler (the Swift runtime's backtracer, or the default action) deal with the signal.
 * endwin() is not async-signal-safe, but the process is dying and a usable terminal is worth it. */
static inline void triage_on_crash_signal(int sig) {
    endwin();
    static const char msg[] = "\ntriage: crashed; terminal restored\n";
    ssize_t ignored = write(2, msg, sizeof msg - 1);
    (void)ignored;
    sigaction(sig, triage_saved_action(sig), NULL);
    raise(sig); /* delivered to the previous action when this handler returns */
}

static inline void triage_install_signal_handlers(void) {
    static const int quit[] = {SIGINT, SIGTERM, SIGHUP};
    static const int crash[] = {SIGSEGV, SIGABRT, SIGBUS, SIGILL, SIGFPE, SIGTRAP};
    struct sigaction sa;
    /* A parent may have started us with these blocked (the mask is inherited): then a resize
     * would never be seen and SIGTERM would not end the workbench. Unblock what we rely on. */
    sigset_t wanted;
    sigemptyset(&wanted);
    sigaddset(&wanted, SIGINT);
    sigaddset(&wanted, SIGTERM);
    sigaddset(&wanted, SIGHUP);
    sigaddset(&wanted, SIGWINCH);
    pthread_sigmask(SIG_UNBLOCK, &wanted, NULL);
    *triage_quit_flag() = 0;
    for (unsigned i = 0; i < sizeof quit / sizeof quit[0]; i++) {
        memset(&sa, 0, sizeof sa);
        sa.sa_handler = triage_on_quit_signal;
        sigemptyset(&sa.sa_mask);
        sigaction(quit[i], &sa, triage_saved_action(quit[i]));
    }
    for (unsigned i = 0; i < sizeof crash / sizeof crash[0]; i++) {
        memset(&sa, 0, sizeof sa);
        sa.sa_handler = triage_on_crash_signal;
        sigemptyset(&sa.sa_mask);
        sigaction(crash[i], &sa, triage_saved_action(crash[i]));
    }
}

static inline void triage_restore_signal_handlers(void) {
    static const int all[] = {SIGINT, SIGTERM, SIGHUP, SIGSEGV, SIGABRT, SIGBUS, SIGILL, SIGFPE, SIGTRAP};
    for (unsigned i = 0; i < sizeof all / sizeof all[0]; i++) sigaction(all[i], triage_saved_action(all[i]), NULL);
}

/* The quit signal received since the last call (0: none). */
static inline int triage_take_quit_signal(void) {
    int sig = *triage_quit_flag();
    *triage_quit_flag() = 0;
    return sig;
}
#endif
