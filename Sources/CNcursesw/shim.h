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
#ifndef NCURSES_WIDECHAR
#define NCURSES_WIDECHAR 1
#endif
#include <locale.h>
#include <wchar.h>
#include <signal.h>
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
#endif
