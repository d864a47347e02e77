#ifndef PRUNETOP_CNCURSES_SHIM_H
#define PRUNETOP_CNCURSES_SHIM_H
// Wide-character ncurses. Swift cannot import function-like macros or the
// NCURSES_BITS attribute constants, so they are re-exported here as functions.
#define NCURSES_WIDECHAR 1
#include <locale.h>
#include <wchar.h>
#include <langinfo.h>
#include <ncursesw/curses.h>
#include <ncursesw/term.h>

static inline attr_t prunetop_attr_bold(void) { return A_BOLD; }
static inline attr_t prunetop_attr_dim(void) { return A_DIM; }
static inline attr_t prunetop_attr_reverse(void) { return A_REVERSE; }
static inline attr_t prunetop_attr_underline(void) { return A_UNDERLINE; }
static inline attr_t prunetop_attr_normal(void) { return A_NORMAL; }

// ncurses' globals, read through functions (Swift 6 refuses shared mutable C globals).
static inline WINDOW *prunetop_stdscr(void) { return stdscr; }
static inline int prunetop_colors(void) { return COLORS; }
static inline int prunetop_color_pairs(void) { return COLOR_PAIRS; }

static inline int prunetop_max_y(WINDOW *w) { int y, x; getmaxyx(w, y, x); (void)x; return y; }
static inline int prunetop_max_x(WINDOW *w) { int y, x; getmaxyx(w, y, x); (void)y; return x; }

static inline mmask_t prunetop_mouse_mask(void) {
    return BUTTON1_PRESSED | BUTTON1_CLICKED | BUTTON4_PRESSED | BUTTON5_PRESSED;
}
static inline int prunetop_is_click(mmask_t state) { return (state & (BUTTON1_PRESSED | BUTTON1_CLICKED)) != 0; }
static inline int prunetop_is_wheel_up(mmask_t state) { return (state & BUTTON4_PRESSED) != 0; }
static inline int prunetop_is_wheel_down(mmask_t state) { return (state & BUTTON5_PRESSED) != 0; }

/// Writes one wide character at (y, x) with attributes and an extended colour pair
/// (passed through setcchar's opts pointer, since COLOR_PAIR() only holds 8 bits).
static inline int prunetop_put_cell(int y, int x, wchar_t character, attr_t attrs, int pair) {
    wchar_t text[2] = { character, 0 };
    cchar_t cell;
    if (setcchar(&cell, text, attrs, 0, &pair) != OK) return ERR;
    return mvadd_wch(y, x, &cell);
}

/// A curses screen that writes to /dev/null (benchmarks): `height` rows, `width` columns.
static inline int prunetop_open_null_screen(const char *term, int height, int width) {
    FILE *out = fopen("/dev/null", "w"), *in = fopen("/dev/null", "r");
    if (!out || !in) return ERR;
    if (newterm(term, out, in) == NULL) return ERR;
    return resizeterm(height, width);
}

/// Reads the terminfo entry for `term` without opening a screen.
/// Returns the number of colours it declares, or -1 when there is no entry.
static inline int prunetop_terminfo_colors(const char *term) {
    int status = 0;
    if (setupterm(term, -1, &status) != OK) return -1;
    int colors = tigetnum("colors");
    del_curterm(cur_term);
    return colors;
}

/// Whether the terminfo entry for `term` can move the cursor to any cell (`cup`), which a
/// full-screen program needs: 1 yes, 0 no (e.g. TERM=dumb), -1 no entry.
static inline int prunetop_terminfo_addresses_cursor(const char *term) {
    int status = 0;
    if (setupterm(term, -1, &status) != OK) return -1;
    char *cup = tigetstr("cup");
    del_curterm(cur_term);
    return (cup != NULL && cup != (char *)-1) ? 1 : 0;
}
#endif
