#!/usr/bin/env bash
# Monkey test of the live dashboard: random keys (the whole keymap, typed knob values,
# unbound keys, function keys, UTF-8), SGR mouse events and random resizes (10x5 up to
# 250x70), sent through tmux to the real binary, then checks that it is still alive,
# redraws all six panels at 120x40, quits with q q (exit code 0) and leaves the terminal
# on its normal screen.
#
#   scripts/monkey.sh [EVENTS] [SEED]        (default 20000 events, seed 1)
#
# Deterministic given SEED: the event stream comes from a 32-bit LCG in awk. Every
# SYNC_EVERY events (default 500) the script resizes to 120x40, opens the help overlay and
# waits (with a timeout) until the dashboard shows it: a liveness and responsiveness check
# that also keeps the dashboard from falling minutes behind the input.
#
# Environment: PRUNETOP (the binary; default .build/release/prunetop, else
# .build/debug/prunetop), SYNC_EVERY, TIMEOUT (seconds per wait, default 60), KEEP=1
# (keep the temporary directory), DRY_RUN=1 (print the event stream, run nothing).
set -u

EVENTS=${1:-20000}
SEED=${2:-1}
SYNC_EVERY=${SYNC_EVERY:-500}
TIMEOUT=${TIMEOUT:-60}
case "$EVENTS$SEED$SYNC_EVERY$TIMEOUT" in *[!0-9]*) echo "usage: $0 [EVENTS] [SEED] (non-negative integers)" >&2; exit 64 ;; esac

ROOT=$(cd "$(dirname "$0")/.." && pwd)
BIN=${PRUNETOP:-}
if [ -z "$BIN" ]; then
    BIN="$ROOT/.build/release/prunetop"
    [ -x "$BIN" ] || BIN="$ROOT/.build/debug/prunetop"
fi
[ -x "$BIN" ] || { echo "monkey: no prunetop binary at $BIN (swift build -c release --product prunetop)" >&2; exit 2; }
command -v tmux >/dev/null || { echo "monkey: tmux is not installed" >&2; exit 2; }

WORK=$(mktemp -d "${TMPDIR:-/tmp}/prunetop-monkey.XXXXXX")
SOCKET="prunetop-monkey-$$"
SESSION=monkey
EXIT_FILE="$WORK/exit"
T() { tmux -f /dev/null -L "$SOCKET" "$@"; }
cleanup() {
    T kill-server >/dev/null 2>&1
    rm -f "${TMUX_TMPDIR:-/tmp}/tmux-$(id -u)/$SOCKET"
    if [ "${KEEP:-0}" = 1 ]; then echo "monkey: kept $WORK"; else rm -rf "$WORK"; fi
}
trap cleanup EXIT
trap 'exit 130' INT TERM

now_ms() { date +%s%3N; }
START_MS=$(now_ms)
SENT=0

screen() { T capture-pane -p -t "$SESSION" 2>/dev/null; }

fail() {
    echo "monkey: FAIL after $SENT of $EVENTS events (seed $SEED, $(( ($(now_ms) - START_MS) / 1000 )) s): $*"
    if [ -s "$EXIT_FILE" ]; then
        local code; code=$(cat "$EXIT_FILE")
        echo "monkey: prunetop exited with $code$([ "$code" -gt 128 ] 2>/dev/null && echo " (killed by signal $((code - 128)): $(kill -l $((code - 128)) 2>/dev/null))")"
    fi
    echo "monkey: last screen:"
    screen | sed 's/^/  | /'
    if [ -s "$WORK/stderr" ]; then echo "monkey: prunetop's stderr:"; tail -n 20 "$WORK/stderr" | sed 's/^/  ! /'; fi
    exit 1
}

# wait_for DESCRIPTION COMMAND...: polls COMMAND (every 50 ms) until it succeeds; fails
# after TIMEOUT seconds, or as soon as prunetop has exited (unless the wait is for that).
wait_for() {
    local what=$1; shift
    local deadline=$(( $(now_ms) + TIMEOUT * 1000 ))
    while ! "$@"; do
        if [ "$what" != "the exit" ] && [ -f "$EXIT_FILE" ]; then fail "prunetop ended while waiting for $what"; fi
        [ "$(now_ms)" -lt "$deadline" ] || fail "timed out after $TIMEOUT s waiting for $what"
        sleep 0.05
    done
}
shows_help() { screen | grep -q 'undo switch'; }
shows_panels() {
    local s; s=$(screen)
    for title in "Sparsity" "Weights" "Occam's hill" "Speedup" "Loss" "Knobs"; do
        case "$s" in *"$title"*) ;; *) return 1 ;; esac
    done
    case "$s" in *'undo switch'*) return 1 ;; esac
}
asks_to_quit() { screen | grep -q 'press q again'; }
exited() { [ -s "$EXIT_FILE" ]; }

# The event stream: one line per tmux invocation ("T", the events sent so far, then the
# arguments: send-keys -H with hex bytes and resize-window, joined by ";"), or "SYNC n"
# after n events.
generate() {
    LC_ALL=C awk -v events="$EVENTS" -v seed="$SEED" -v sync_every="$SYNC_EVERY" -v target="$SESSION" '
    function rnd(n) { state = (state * 69069 + 1) % 4294967296; return int(state / 4294967296 * n) }
    function hex(s,   i, out) { out = ""; for (i = 1; i <= length(s); i++) out = out sprintf(" %02x", ord[substr(s, i, 1)]); return out }
    function key(h) { if (substr(h, 1, 1) != " ") h = " " h; pending = pending h; nbytes += split(h, _tmp, " "); count++ }
    function flush_keys() { if (pending != "") { cmd = cmd (cmd == "" ? "" : " ;") " send-keys -t " target " -H" pending; pending = "" } }
    function flush_all() { flush_keys(); if (cmd != "") print "T " count " " cmd; cmd = ""; nbytes = 0 }
    function resize(   w, h, r) {
        r = rnd(100)
        if (r < 5) { w = 10; h = 5 }
        else if (r < 10) { w = 80; h = 24 }
        else if (r < 35) { w = 10 + rnd(70); h = 5 + rnd(19) }   # below 80x24
        else { w = 10 + rnd(241); h = 5 + rnd(66) }
        width = w; height = h
        flush_keys()
        cmd = cmd (cmd == "" ? "" : " ;") " resize-window -t " target " -x " w " -y " h
        count++; resizes++
    }
    function mouse(   b, x, y, r, final) {
        r = rnd(100)
        b = r < 45 ? 0 : r < 60 ? 64 : r < 75 ? 65 : r < 82 ? 2 : r < 88 ? 1 : r < 94 ? 32 : 35
        x = rnd(10) == 0 ? 1 + rnd(999) : 1 + rnd(width + 2)
        y = rnd(10) == 0 ? 1 + rnd(999) : 1 + rnd(height + 2)
        final = rnd(50) == 0 ? "u" : "M"      # now and then a final byte ncurses does not expect
        key(hex("\033[<" b ";" x ";" y final))
        if (b < 3 && final == "M") pending = pending hex("\033[<" b ";" x ";" y "m")   # the release
        mice++
    }
    function typed(   n, i, s) {   # Enter, a value, then Enter or Esc
        key(hex("\r"))
        n = rnd(7)
        for (i = 0; i < n && count < events - 1; i++) {
            s = rnd(4) == 0 ? substr(valuechars, 1 + rnd(length(valuechars)), 1) : substr("0123456789.", 1 + rnd(11), 1)
            key(rnd(25) == 0 ? "7f" : hex(s))   # with a backspace now and then
        }
        key(rnd(3) == 0 ? hex("\033") : hex("\r"))
        values++
    }
    BEGIN {
        for (i = 1; i < 256; i++) ord[sprintf("%c", i)] = i
        state = seed % 4294967296
        for (i = 0; i < 10; i++) rnd(2)
        width = 120; height = 40
        # The keymap, weighted: each entry is one key as hex bytes.
        n = 0
        nb = split("? h s S + = - _ m l 1 2 3 4 5 6 7 8 9 0 e g d i r t", bound, " ")
        for (i = 1; i <= nb; i++) { w = (bound[i] == "S") ? 1 : 4; for (j = 0; j < w; j++) keys[n++] = hex(bound[i]) }
        for (j = 0; j < 8; j++) keys[n++] = hex(" ")                       # pause / resume
        for (j = 0; j < 6; j++) keys[n++] = hex("\t")                      # Tab
        for (j = 0; j < 4; j++) keys[n++] = hex("\033[Z")                  # Shift-Tab
        for (j = 0; j < 8; j++) { keys[n++] = hex("\033OA"); keys[n++] = hex("\033OB"); keys[n++] = hex("\033OC"); keys[n++] = hex("\033OD") }
        keys[n++] = hex("\033[A"); keys[n++] = hex("\033[D")              # arrows in normal cursor mode
        for (j = 0; j < 4; j++) keys[n++] = hex("\033")                    # Esc
        keys[n++] = "7f"                                                   # Backspace
        keys[n++] = hex("\033OP"); keys[n++] = hex("\033[15~"); keys[n++] = hex("\033[H"); keys[n++] = hex("\033[6~")   # F1, F5, Home, PgDn
        keys[n++] = "c3 a9"; keys[n++] = "e2 86 92"; keys[n++] = "f0 9f 98 80"   # é → 😀
        nkeys = n
        # Other printable ASCII (unbound), never q or y: q is only ever sent as "q, then another key".
        other = ""
        for (i = 33; i < 127; i++) { c = sprintf("%c", i); if (c != "q" && c != "y") other = other c }
        valuechars = "0123456789.-+e:abcxyz ,%"
        gsub(/y/, "", valuechars)
        safe_after_q = "xzbcfjknouvw"
        count = 0; next_sync = sync_every
        while (count < events) {
            r = rnd(1000)
            if (r < 60) resize()
            else if (r < 160) mouse()
            else if (r < 190 && count < events - 2) typed()
            else if (r < 205 && count < events - 1) { key(hex("q")); key(hex(substr(safe_after_q, 1 + rnd(length(safe_after_q)), 1))); quits++ }
            else if (r < 260) key(hex(substr(other, 1 + rnd(length(other)), 1)))
            else key(keys[rnd(nkeys)])
            # Never end a batch on a lone Esc (ncurses would wait ESCDELAY for the rest).
            if (pending ~ / 1b$/) continue
            if (nbytes >= 400 || count - last_flush >= 120) { flush_all(); last_flush = count }
            if (count >= next_sync && sync_every > 0 && count < events) { flush_all(); print "SYNC " count; next_sync = count + sync_every }
        }
        if (pending ~ / 1b$/) key(hex("x"))
        flush_all()
        print "STATS " count " " resizes + 0 " " mice + 0 " " values + 0 " " quits + 0
    }'
}

# DRY_RUN=1 prints the event stream (tmux arguments) instead of running it.
if [ "${DRY_RUN:-0}" = 1 ]; then generate; exit 0; fi

# The dashboard, in its own tmux server; the pane stays open after prunetop exits so the
# terminal state can be checked.
T new-session -d -s "$SESSION" -x 120 -y 40 \
    "cd '$WORK' && TERM=xterm-256color '$BIN' --data embedded --epochs 100000 --checkpoint-dir '$WORK/checkpoints' 2>'$WORK/stderr'; echo \$? > '$EXIT_FILE'; exec sleep 3600" \
    || { echo "monkey: tmux new-session failed" >&2; exit 2; }
wait_for "the dashboard to start" shows_panels

STATS=""
SYNCS=0
WORST_SYNC_MS=0
while read -r kind rest; do
    case "$kind" in
        T)
            count=${rest%% *}; rest=${rest#* }
            # shellcheck disable=SC2086 # the arguments are words without spaces or globs
            T $rest >/dev/null 2>&1 || { [ -f "$EXIT_FILE" ] && fail "prunetop exited"; fail "tmux refused: ${rest:0:200}"; }
            SENT=$count
            ;;
        SYNC)
            [ -f "$EXIT_FILE" ] && fail "prunetop exited"
            begin=$(now_ms)
            T resize-window -t "$SESSION" -x 120 -y 40 \; send-keys -t "$SESSION" -H 1b 78 3f   # Esc x ?: no typing, no help, then help
            wait_for "the help overlay (sync after $rest events)" shows_help
            T send-keys -t "$SESSION" -H 78                                                    # x closes it
            took=$(( $(now_ms) - begin ))
            [ "$took" -gt "$WORST_SYNC_MS" ] && WORST_SYNC_MS=$took
            SYNCS=$((SYNCS + 1))
            ;;
        STATS) STATS=$rest ;;
    esac
done < <(generate)
[ -n "$STATS" ] || fail "the event generator failed"
read -r SENT RESIZES MICE VALUES QUITS <<< "$STATS"

# The end: still alive, responsive at 120x40, quits with q q and restores the terminal.
[ -f "$EXIT_FILE" ] && fail "prunetop exited"
begin=$(now_ms)
T resize-window -t "$SESSION" -x 120 -y 40 \; send-keys -t "$SESSION" -H 1b 78   # leave typing and help
wait_for "the six panels at 120x40" shows_panels
REDRAW_MS=$(( $(now_ms) - begin ))
T send-keys -t "$SESSION" q
wait_for "the quit confirmation" asks_to_quit
T send-keys -t "$SESSION" q
wait_for "the exit" exited
CODE=$(cat "$EXIT_FILE")
[ "$CODE" = 0 ] || fail "prunetop exited with $CODE, not 0"
ALT=$(T display-message -p -t "$SESSION" '#{alternate_on}')
[ "$ALT" = 0 ] || fail "the terminal is still on the alternate screen (alternate_on=$ALT)"
SECONDS_TAKEN=$(( ($(now_ms) - START_MS) / 1000 ))
echo "monkey: PASS seed $SEED: $SENT events ($RESIZES resizes, $MICE mouse, $VALUES typed values, $QUITS q+key) in $SECONDS_TAKEN s;" \
     "$SYNCS syncs (slowest $WORST_SYNC_MS ms), panels redrawn at 120x40 in $REDRAW_MS ms, exit code 0, terminal restored"
