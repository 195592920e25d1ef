#define _DEFAULT_SOURCE 1
#include "triage_signals.h"

#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <string.h>
#include <unistd.h>

/* From ncursesw (linked into every binary that uses TriageTerminal). Declared here rather than
 * by including <ncurses.h>, so this file needs no curses headers. */
extern int endwin(void);

static volatile sig_atomic_t quit_flag = 0;
/* The handlers in force before ours, by signal number (every signal handled here is below 32). */
static struct sigaction saved[32];

static const int quit_signals[] = {SIGINT, SIGTERM, SIGHUP};
static const int crash_signals[] = {SIGSEGV, SIGABRT, SIGBUS, SIGILL, SIGFPE, SIGTRAP};

/* SIGINT, SIGTERM, SIGHUP: remember the signal; the main loop sees it and leaves cleanly. No
 * SA_RESTART, so a blocking read returns at once. */
static void on_quit_signal(int sig) { quit_flag = sig; }

/* Restore the terminal, then let the previous handler (the Swift runtime's backtracer, or the
 * default action) deal with the signal. endwin() is not async-signal-safe, but the process is
 * dying and a usable terminal is worth it. */
static void on_crash_signal(int sig) {
    endwin();
    static const char msg[] = "\ntriage: crashed; terminal restored\n";
    ssize_t ignored = write(2, msg, sizeof msg - 1);
    (void)ignored;
    sigaction(sig, &saved[sig], NULL);
    raise(sig); /* delivered to the previous action when this handler returns */
}

void triage_install_signal_handlers(void) {
    sigset_t wanted;
    sigemptyset(&wanted);
    sigaddset(&wanted, SIGINT);
    sigaddset(&wanted, SIGTERM);
    sigaddset(&wanted, SIGHUP);
    sigaddset(&wanted, SIGWINCH);
    pthread_sigmask(SIG_UNBLOCK, &wanted, NULL);
    quit_flag = 0;
    struct sigaction sa;
    for (unsigned i = 0; i < sizeof quit_signals / sizeof quit_signals[0]; i++) {
        memset(&sa, 0, sizeof sa);
        sa.sa_handler = on_quit_signal;
        sigemptyset(&sa.sa_mask);
        sigaction(quit_signals[i], &sa, &saved[quit_signals[i]]);
    }
    for (unsigned i = 0; i < sizeof crash_signals / sizeof crash_signals[0]; i++) {
        memset(&sa, 0, sizeof sa);
        sa.sa_handler = on_crash_signal;
        sigemptyset(&sa.sa_mask);
        sigaction(crash_signals[i], &sa, &saved[crash_signals[i]]);
    }
}

void triage_restore_signal_handlers(void) {
    for (unsigned i = 0; i < sizeof quit_signals / sizeof quit_signals[0]; i++)
        sigaction(quit_signals[i], &saved[quit_signals[i]], NULL);
    for (unsigned i = 0; i < sizeof crash_signals / sizeof crash_signals[0]; i++)
        sigaction(crash_signals[i], &saved[crash_signals[i]], NULL);
}

int triage_take_quit_signal(void) {
    int sig = quit_flag;
    quit_flag = 0;
    return sig;
}

void triage_ignore_file_size_signal(void) { signal(SIGXFSZ, SIG_IGN); }

int triage_stdin_hung_up(void) {
    struct pollfd fd = {.fd = 0, .events = POLLIN, .revents = 0};
    if (poll(&fd, 1, 0) < 0) return 0;
    return (fd.revents & (POLLHUP | POLLERR | POLLNVAL)) != 0;
}
