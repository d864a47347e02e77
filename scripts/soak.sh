#!/usr/bin/env bash
# Soak test: runs prunetop for a long time and samples its resident memory and open file
# descriptors every INTERVAL seconds, to show that neither grows.
#
# usage: scripts/soak.sh headless|dashboard MINUTES [OUT.csv]
#   headless   `prunetop run` on Fashion-MNIST (embedded digits when it is missing), logging to JSONL
#   dashboard  the dashboard in a detached tmux at 60 frames/s, with the same log
# Prints the first and last samples, the maximum, and the growth of RSS between the
# end of the first 10% of the run (after warm-up) and the end.
set -euo pipefail
cd "$(dirname "$0")/.."
mode=${1:?usage: scripts/soak.sh headless|dashboard MINUTES [OUT.csv]}
minutes=${2:?minutes}
out=${3:-/tmp/prunetop-soak-$mode.csv}
interval=${INTERVAL:-10}
bin=${PRUNETOP:-.build/release/prunetop}
work=$(mktemp -d)
data=()
[ -d /usr/share/datasets/fashion-mnist ] || data=(--data embedded)
args=("${data[@]}" --epochs 100000 --method magnitude --sparsity 0.9 --schedule agp:500:200000:200 --jsonl "$work/run.jsonl")

case "$mode" in
  headless)
    "$bin" run "${args[@]}" >"$work/out" 2>&1 &
    pid=$!
    ;;
  dashboard)
    socket="prunetop-soak-$$"
    tmux -L "$socket" new-session -d -s soak -x 200 -y 60 "TERM=xterm-256color $bin tui ${args[*]} --fps 60; sleep 5"
    trap 'tmux -L "$socket" kill-server 2>/dev/null || true' EXIT
    pid=""
    for _ in $(seq 100); do
      pid=$(pgrep -n -f "$bin tui .*--fps 60" || true)
      [ -n "$pid" ] && break
      sleep 0.1
    done
    [ -n "$pid" ] || { echo "the dashboard did not start" >&2; exit 1; }
    ;;
  *) echo "mode: headless or dashboard" >&2; exit 64 ;;
esac

echo "seconds,rss_kib,fds" >"$out"
end=$(( $(date +%s) + minutes * 60 ))
start=$(date +%s)
while [ "$(date +%s)" -lt "$end" ]; do
  if ! kill -0 "$pid" 2>/dev/null; then echo "prunetop ($pid) exited early" >&2; exit 1; fi
  rss=$(awk '/^VmRSS/ { print $2 }' "/proc/$pid/status")
  fds=$(ls "/proc/$pid/fd" | wc -l)
  echo "$(( $(date +%s) - start )),$rss,$fds" >>"$out"
  sleep "$interval"
done
steps=$(grep -o '"step":[0-9]*' "$work/run.jsonl" | tail -1 | cut -d: -f2)
kill -TERM "$pid" 2>/dev/null || true
python3 - "$out" "$mode" "$minutes" "${steps:-?}" <<'PY'
import csv, sys
rows = [(int(r["seconds"]), int(r["rss_kib"]), int(r["fds"])) for r in csv.DictReader(open(sys.argv[1]))]
warm = rows[max(len(rows) // 10, 1) - 1]
first, last = rows[0], rows[-1]
print(f"{sys.argv[2]} soak, {sys.argv[3]} min, {len(rows)} samples, trained to step {sys.argv[4]}")
print(f"RSS: start {first[1]/1024:.1f} MiB, after warm-up {warm[1]/1024:.1f} MiB, end {last[1]/1024:.1f} MiB, "
      f"max {max(r[1] for r in rows)/1024:.1f} MiB; growth after warm-up {(last[1]-warm[1])/1024:+.1f} MiB")
print(f"file descriptors: start {first[2]}, end {last[2]}, max {max(r[2] for r in rows)}")
PY
