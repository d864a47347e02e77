#!/usr/bin/env bash
# Smoke test for CI: runs every examples/*.yaml headless for a short while and prints one
# line per example with its test accuracy. Exits non-zero if any example fails (bad
# recipe, crash, divergence, or no result in its JSONL). It checks that each recipe
# loads and trains, not that it reaches its target (a short run ends before most
# schedules get going).
#
# usage: scripts/run-examples.sh [--jobs N] [--keep DIR] [EXAMPLE.yaml ...]
#   --jobs N    examples run side by side (default 2; each uses one BLAS thread)
#   --keep DIR  keep each run's JSONL and output in DIR (default: a temporary directory)
#   env PRUNETOP  the binary (default .build/release/prunetop; build it with
#                 `swift build -c release --product prunetop`)
#
# Fashion-MNIST (Debian's dataset-fashion-mnist) is used when installed, else the
# embedded digits (--data embedded). A few seconds on 2 cores.
set -euo pipefail
caller=$PWD
cd "$(dirname "$0")/.."

# The arguments every example runs with: 50 steps each, evaluated at step 50 (a few
# seconds in all). For a longer check: RUN_ARGS=(--set epochs=1) (about a minute).
RUN_ARGS=(--stop-after-steps 50 --set "eval_every=50 steps")

bin=${PRUNETOP:-.build/release/prunetop}
case "$bin" in
  /*) ;;
  */*) if [ -n "${PRUNETOP:-}" ]; then bin="$caller/$bin"; fi ;;
  *) bin=$(command -v "$bin" || echo "$bin") ;;
esac
jobs=2
keep=""
examples=()
while [ $# -gt 0 ]; do
  case "$1" in
    --jobs) jobs=${2:?--jobs needs a number}; shift 2 ;;
    --keep) keep=${2:?--keep needs a directory}; [[ "$keep" = /* ]] || keep="$caller/$keep"; shift 2 ;;
    -h|--help) sed -n '2,16p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    -*) echo "run-examples.sh: unknown option $1 (see --help)" >&2; exit 64 ;;
    /*) examples+=("$1"); shift ;;
    *) examples+=("$caller/$1"); shift ;;
  esac
done
if ! [[ "$jobs" =~ ^[1-9][0-9]*$ ]]; then
  echo "run-examples.sh: --jobs: expected an integer >= 1, found '$jobs'" >&2
  exit 64
fi
if [ ${#examples[@]} -eq 0 ]; then
  shopt -s nullglob
  examples=(examples/*.yaml)
  shopt -u nullglob
fi
if [ ${#examples[@]} -eq 0 ]; then
  echo "run-examples.sh: no examples/*.yaml found" >&2
  exit 1
fi
if [ ! -x "$bin" ]; then
  echo "run-examples.sh: $bin not found; run: swift build -c release --product prunetop (or set PRUNETOP)" >&2
  exit 1
fi

data_args=()
if [ ! -d /usr/share/datasets/fashion-mnist ]; then
  echo "note: Fashion-MNIST is not installed; using --data embedded" >&2
  data_args=(--data embedded)
fi

if [ -n "$keep" ]; then
  mkdir -p "$keep"
  out=$keep
else
  out=$(mktemp -d)
  trap 'rm -rf "$out"' EXIT
fi

# Runs one example; leaves NAME.jsonl, NAME.log (stdout and stderr), NAME.rc and NAME.time.
run_one() {
  local file=$1 name start status=0
  name=$(basename "$file" .yaml)
  start=$(date +%s.%N)
  "$bin" run "$file" "${RUN_ARGS[@]}" "${data_args[@]}" --jsonl "$out/$name.jsonl" >"$out/$name.log" 2>&1 || status=$?
  echo "$status" >"$out/$name.rc"
  awk -v s="$start" -v e="$(date +%s.%N)" 'BEGIN { printf "%.1f", e - s }' >"$out/$name.time"
}

# The last numeric value of a JSON field among the log's eval/done/stopped events.
field() {
  grep -E '"event":"(eval|done|stopped)"' "$1" 2>/dev/null | grep -oE "\"$2\":-?[0-9][0-9.eE+-]*" \
    | tail -n 1 | cut -d: -f2
}

# How the run ended: done, stopped (--stop-after-steps), diverged, or nothing.
ending() {
  grep -oE '"event":"(done|stopped|diverged)"' "$1" 2>/dev/null | tail -n 1 | cut -d'"' -f4
}

running=0
for file in "${examples[@]}"; do
  run_one "$file" &
  running=$((running + 1))
  if [ "$running" -ge "$jobs" ]; then
    wait -n || true
    running=$((running - 1))
  fi
done
wait

failed=0
for file in "${examples[@]}"; do
  name=$(basename "$file" .yaml)
  rc=$(cat "$out/$name.rc" 2>/dev/null || echo 1)
  seconds=$(cat "$out/$name.time" 2>/dev/null || echo "?")
  end=$(ending "$out/$name.jsonl" || true)
  accuracy=$(field "$out/$name.jsonl" test_acc || true)
  sparsity=$(field "$out/$name.jsonl" sparsity || true)
  # A run cut short on purpose ends "stopped" with exit code 0.
  if [ "$rc" = 0 ] && { [ "$end" = done ] || [ "$end" = stopped ]; }; then
    if [ -n "$accuracy" ]; then
      accuracy=$(awk -v a="$accuracy" 'BEGIN { printf "%6.2f%%", a * 100 }')
    else
      accuracy="    n/a"
    fi
    printf '%-24s ok    test acc %s  sparsity %.3f  %5ss\n' "$name" "$accuracy" "${sparsity:-0}" "$seconds"
  else
    failed=$((failed + 1))
    printf '%-24s FAIL  exit %s  %5ss\n' "$name" "$rc" "$seconds"
    tail -n 8 "$out/$name.log" | sed 's/^/    /'
  fi
done

if [ "$failed" -gt 0 ]; then
  echo "$failed of ${#examples[@]} examples failed" >&2
  exit 1
fi
echo "all ${#examples[@]} examples ran" >&2
