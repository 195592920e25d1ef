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
#include <stdio.h>
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

#endif
