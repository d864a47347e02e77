#!/usr/bin/env bash
# The sparsity engine's evidence table: every method the issue names, on LeNet-300-100
# and Fashion-MNIST, the same epochs and seed for each row. Prints a Markdown table of
# method, target, measured sparsity, test accuracy and the gap to the dense baseline;
# each run's JSONL is kept in OUT.
#
# usage: scripts/sparsity-table.sh [EPOCHS] [SEED]      (env: OUT=dir, DATA=dir)
set -euo pipefail
cd "$(dirname "$0")/.."
epochs=${1:-10}
seed=${2:-0}
out=${OUT:-runs/sparsity-table}
data_flag=()
[ -n "${DATA:-}" ] && data_flag=(--data "$DATA")
mkdir -p "$out"
swift build -c release --product prunetop >&2
bin=.build/release/prunetop
steps_per_epoch=$(( 60000 / 128 ))
half=$(( epochs * steps_per_epoch / 2 ))

# label | target shown | arguments
rows=(
  "dense|0|--method dense"
  "magnitude, gradual (AGP)|0.9|--method magnitude --sparsity 0.9"
  "magnitude, one-shot + fine-tune|0.9|--method magnitude --sparsity 0.9 --schedule oneshot:$half"
  "random|0.9|--method random --sparsity 0.9"
  "lottery, 3 rounds, rewind to init|0.9|--method lottery --sparsity 0.9 --option rewind=0"
  "snip|0.9|--method snip --sparsity 0.9"
  "synflow|0.9|--method synflow --sparsity 0.9"
  "set|0.9|--method set --sparsity 0.9"
  "rigl|0.9|--method rigl --sparsity 0.9"
  "dropback, 25x|0.96|--method dropback --sparsity 0.96"
  "swat-u (first layer dense)|0.9|--method swat --sparsity 0.9"
  "swat-erk|0.9|--method swat --sparsity 0.9 --option variant=1"
  "2:4|0.5|--method nm --sparsity 0.5"
  "structured neurons|0.5|--method structured --sparsity 0.5"
)

results=()
for row in "${rows[@]}"; do
  IFS='|' read -r label target arguments <<<"$row"
  file="$out/$(echo "$label" | tr -c 'a-zA-Z0-9\n' '-' | tr -s '-').jsonl"
  echo "== $label" >&2
  # shellcheck disable=SC2086
  if "$bin" run --headless --epochs "$epochs" --seed "$seed" "${data_flag[@]}" $arguments --jsonl "$file" --overwrite >&2; then
    results+=("$label|$target|$file")
  else
    echo "   failed (exit $?): $arguments" >&2
    results+=("$label|$target|FAILED")
  fi
done

python3 - "$epochs" "$seed" "${results[@]}" <<'PY'
import json, sys
epochs, seed, rows = sys.argv[1], sys.argv[2], sys.argv[3:]
def done(path):
    try:
        with open(path) as f:
            return [json.loads(l) for l in f if l.strip()][-1]
    except Exception:
        return None
parsed = []
for row in rows:
    label, target, path = row.split("|")
    parsed.append((label, float(target), None if path == "FAILED" else done(path)))
dense = next((d for l, t, d in parsed if l == "dense" and d), None)
dense_acc = dense["test_acc"] if dense else None
print(f"lenet300 on Fashion-MNIST, {epochs} epochs, seed {seed}; dense baseline {dense_acc * 100:.2f}%" if dense_acc else "no dense baseline")
print()
print("| method | target | measured sparsity | test accuracy | vs dense | samples/s |")
print("|---|---|---|---|---|---|")
for label, target, d in parsed:
    if not d or d.get("event") != "done":
        print(f"| {label} | {target:.2f} | - | {'failed' if not d else d.get('event')} | - | - |")
        continue
    acc, sparsity = d["test_acc"], d["sparsity"]
    delta = f"{(acc - dense_acc) * 100:+.2f}" if dense_acc else "-"
    flag = "" if abs(sparsity - target) <= 0.005 else " (off target)"
    print(f"| {label} | {target:.2f} | {sparsity:.4f}{flag} | {acc * 100:.2f}% | {delta} | {d['samples_per_s']:,.0f} |")
PY
