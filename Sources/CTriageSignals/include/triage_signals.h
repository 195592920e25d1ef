// Signal handling for the workbench, in C because a signal handler may only touch
// async-signal-safe state. The state lives in one object file (signals.c), so every Swift
// caller, in every build configuration, sees the same flag.
#ifndef TRIAGE_SIGNALS_H
#define TRIAGE_SIGNALS_H

/// Installs the handlers. SIGINT, SIGTERM and SIGHUP set a flag (see triage_take_quit_signal)
/// and interrupt a blocking read; SIGSEGV, SIGABRT, SIGBUS, SIGILL, SIGFPE and SIGTRAP restore
/// the terminal with endwin() and re-raise to the handler in force before. Also unblocks
/// SIGINT/SIGTERM/SIGHUP/SIGWINCH, which a parent may have left blocked.
void triage_install_signal_handlers(void);

/// Puts back the handlers in force before triage_install_signal_handlers().
void triage_restore_signal_handlers(void);

/// The quit signal received since the last call (0: none), and clears it.
int triage_take_quit_signal(void);

/// Ignores SIGXFSZ, so a write past `ulimit -f` fails with EFBIG (an error triage reports)
/// instead of killing the process.
void triage_ignore_file_size_signal(void);

/// True when standard input is a terminal that has hung up (its other end closed): reads will
/// never block again, so a loop waiting for keys must end.
int triage_stdin_hung_up(void);

/// Installs handlers for SIGINT, SIGTERM and SIGHUP that remove the registered temporary files
/// (see triage_temp_register) and then end the process as the signal would have. A signal the
/// parent ignores stays ignored. The workbench's own handlers (above) replace these while it runs
/// and put them back when it ends.
void triage_install_cleanup_handlers(void);

/// Replaces the runtime's crash backtrace (SIGSEGV, SIGABRT, SIGBUS, SIGILL, SIGFPE, SIGTRAP) by
/// one line on standard error, removes the registered temporary files, and ends the process with
/// the signal. (The runtime's own "Fatal error: …" line comes first.)
void triage_install_crash_reporter(void);

/// Registers a temporary file to remove if a quit signal ends the process; returns its slot (-1
/// when none is free or the path is too long: the file is then only removed on a normal exit).
int triage_temp_register(const char *path);

/// Forgets a registered file (it was renamed into place or removed).
void triage_temp_unregister(int slot);

#endif
