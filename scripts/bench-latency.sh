#!/usr/bin/env bash
# Key-to-screen latency of the dashboard while it trains: the release binary runs in a
# detached tmux; each round sends one key and polls capture-pane until its effect shows.
# The time includes tmux's own send-keys and capture-pane (a few ms each), so it is an
# upper bound on what a user sees. Two kinds of key, alternated:
#   e      a view toggle (Occam's hill says "error" / "accuracy")
#   + / -  the target-sparsity knob, which goes through the trainer's command queue
#          (status line "of 0.950" / "of 0.900")
# Medians and maxima are printed last, in milliseconds.
#
# usage: scripts/bench-latency.sh [ROUNDS]      (default 20 of each kind)
set -euo pipefail
cd "$(dirname "$0")/.."
rounds=${1:-20}
swift build -c release --product prunetop >&2
socket="prunetop-latency-$$"
tmux_() { tmux -L "$socket" "$@"; }
trap 'tmux_ kill-server 2>/dev/null || true' EXIT
tmux_ new-session -d -s bench -x 160 -y 48 "TERM=xterm-256color .build/release/prunetop --epochs 5000"

now_ms() { echo $(( $(date +%s%N) / 1000000 )); }
# wait_for PATTERN: polls the screen until it contains PATTERN (10 s at most).
wait_for() {
  local deadline=$(( $(now_ms) + 10000 ))
  until tmux_ capture-pane -p -t bench | grep -qF -- "$1"; do
    if [ "$(now_ms)" -gt "$deadline" ]; then echo "timed out waiting for '$1'" >&2; exit 1; fi
  done
}
# measure KEY PATTERN: milliseconds from sending KEY to PATTERN on screen.
measure() {
  local start; start=$(now_ms)
  tmux_ send-keys -t bench "$1"
  wait_for "$2"
  echo $(( $(now_ms) - start ))
}

wait_for "RUNNING"
wait_for "test acc"
toggle=(); knob=()
for _ in $(seq "$rounds"); do
  toggle+=("$(measure e 'error ')")
  toggle+=("$(measure e 'accuracy ')")
  knob+=("$(measure + 'of 0.950')")
  knob+=("$(measure - 'of 0.900')")
done
tmux_ capture-pane -p -t bench | head -1 >&2

summary() {
  python3 -c 'import statistics,sys; v=[int(x) for x in sys.argv[2:]]; print(f"{sys.argv[1]}: median {statistics.median(v):.0f} ms, max {max(v)} ms over {len(v)} presses: {v}")' "$@"
}
summary "view toggle (e)" "${toggle[@]}"
summary "knob (+/-)    " "${knob[@]}"
