#define _DEFAULT_SOURCE 1
#include "triage_signals.h"

#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <string.h>
#include <unistd.h>

/* From ncursesw, in every binary that uses TriageTerminal. Declared here rather than by including
 * <ncurses.h>, so this file needs no curses headers; weak, so binaries without curses (the store's
 * tests, which use the temporary-file registry below) link too. */
extern int endwin(void) __attribute__((weak));

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
    if (endwin) endwin();
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

/* Temporary files to remove if a quit signal ends the process (see triage_temp_register). A
 * slot's path is written before its flag is set and the flag cleared before the slot is reused,
 * so the handler only ever reads complete paths. */
#define TEMP_SLOTS 8
#define TEMP_PATH_MAX 4096
static char temp_paths[TEMP_SLOTS][TEMP_PATH_MAX];
static volatile sig_atomic_t temp_used[TEMP_SLOTS];
static pthread_mutex_t temp_lock = PTHREAD_MUTEX_INITIALIZER;
static struct sigaction cleanup_saved[32];

int triage_temp_register(const char *path) {
    if (path == NULL || strlen(path) >= TEMP_PATH_MAX) return -1;
    pthread_mutex_lock(&temp_lock);
    int slot = -1;
    for (int i = 0; i < TEMP_SLOTS; i++) {
        if (!temp_used[i]) { slot = i; break; }
    }
    if (slot >= 0) {
        strcpy(temp_paths[slot], path);
        __sync_synchronize();
        temp_used[slot] = 1;
    }
    pthread_mutex_unlock(&temp_lock);
    return slot;
}

void triage_temp_unregister(int slot) {
    if (slot < 0 || slot >= TEMP_SLOTS) return;
    pthread_mutex_lock(&temp_lock);
    temp_used[slot] = 0;
    pthread_mutex_unlock(&temp_lock);
}

static void remove_temp_files(void) {
    for (int i = 0; i < TEMP_SLOTS; i++)
        if (temp_used[i]) unlink(temp_paths[i]);
}

/* Removes the registered files, then ends the process the way the signal would have. */
static void on_cleanup_signal(int sig) {
    remove_temp_files();
    sigaction(sig, &cleanup_saved[sig], NULL);
    raise(sig);
}

/* A crash outside the workbench: one line instead of the runtime's backtrace, the temporary
 * files removed, then the default action (the exit status still says which signal). */
static void on_fatal_signal(int sig) {
    remove_temp_files();
    static const char msg[] =
        "triage: internal error: triage stopped on a fatal error (a \"Fatal error\" line above says where). It is a bug, "
        "or a damaged database: check one with `sqlite3 FILE 'PRAGMA integrity_check'`. Set TRIAGE_BACKTRACE=1 "
        "for a backtrace.\n";
    ssize_t ignored = write(2, msg, sizeof msg - 1);
    (void)ignored;
    signal(sig, SIG_DFL);
    raise(sig);
}

void triage_install_crash_reporter(void) {
    struct sigaction sa;
    for (unsigned i = 0; i < sizeof crash_signals / sizeof crash_signals[0]; i++) {
        memset(&sa, 0, sizeof sa);
        sa.sa_handler = on_fatal_signal;
        sigemptyset(&sa.sa_mask);
        sigaction(crash_signals[i], &sa, NULL);
    }
}

void triage_install_cleanup_handlers(void) {
    struct sigaction sa, old;
    for (unsigned i = 0; i < sizeof quit_signals / sizeof quit_signals[0]; i++) {
        int sig = quit_signals[i];
        if (sigaction(sig, NULL, &old) != 0) continue;
        /* A signal the parent ignores (nohup, a background job) stays ignored. */
        if (old.sa_handler == SIG_IGN) continue;
        cleanup_saved[sig] = old;
        memset(&sa, 0, sizeof sa);
        sa.sa_handler = on_cleanup_signal;
        sigemptyset(&sa.sa_mask);
        sa.sa_flags = SA_RESTART;
        sigaction(sig, &sa, NULL);
    }
}

int triage_stdin_hung_up(void) {
    struct pollfd fd = {.fd = 0, .events = POLLIN, .revents = 0};
    if (poll(&fd, 1, 0) < 0) return 0;
    return (fd.revents & (POLLHUP | POLLERR | POLLNVAL)) != 0;
}
