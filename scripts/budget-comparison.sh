#!/usr/bin/env bash
# Is the sensitivity budget worth having? One recipe (method and schedule as written),
# trained to each target with five ways of sharing the target among layers: global (one
# magnitude threshold), uniform, ERK, and the per-layer budgets `prunetop sensitivity
# --budget` derives from the recipe's own dense network by its two rules, threshold and
# cheapest (sensitivity/threshold/ and sensitivity/cheapest/). Several seeds each, the same
# training for every budget; prints the mean ± sample standard deviation of the final
# test accuracy per target and budget as a Markdown table. Runs' logs stay in OUT.
#
# usage: scripts/budget-comparison.sh [RECIPE] [-- --set KEY=VALUE ...]
#   env: TARGETS=0.95,0.98  SEEDS=3  OUT=runs/budget-comparison  BIN=.build/release/prunetop
#        BUDGETS=global,uniform,erk,threshold,cheapest (which budgets to train, in this order)
#        SENSITIVITY_ARGS="--finetune-steps 0" (more options for `prunetop sensitivity`)
#        REUSE=1: keep OUT's finished runs and its sensitivity table (budgets are derived
#        again from the table); delete a run's log to redo it
# e.g.   scripts/budget-comparison.sh examples/oneshot-finetune-90.yaml
#        scripts/budget-comparison.sh examples/resnet20-gradual-90.yaml -- --set epochs=2
# The --set options after `--` apply to the sensitivity run and to every training run.
set -euo pipefail
cd "$(dirname "$0")/.."
recipe=${1:-examples/oneshot-finetune-90.yaml}
shift || true
[ "${1:-}" = "--" ] && shift
sets=("$@")
targets=${TARGETS:-0.95,0.98}
seeds=${SEEDS:-3}
out=${OUT:-runs/budget-comparison}
bin=${BIN:-.build/release/prunetop}
if [ -z "${BIN:-}" ]; then swift build -c release --product prunetop >&2; fi
mkdir -p "$out/runs"

finished() { [ -n "${REUSE:-}" ] && [ -s "$1" ] && tail -n 1 "$1" | grep -q '"event":"done"'; }

IFS=',' read -r -a budget_list <<<"${BUDGETS:-global,uniform,erk,threshold,cheapest}"
rules=()
for budget in "${budget_list[@]}"; do
  case "$budget" in threshold | cheapest) rules+=("$budget") ;; global | uniform | erk) ;;
    *) echo "BUDGETS: unknown budget '$budget' (expected global, uniform, erk, threshold or cheapest)" >&2; exit 64 ;; esac
done
# The sensitivity table only when a sensitivity budget is trained.
if [ ${#rules[@]} -gt 0 ]; then
  if [ -n "${REUSE:-}" ] && [ -s "$out/sensitivity/sensitivity.jsonl" ]; then
    echo "== sensitivity: the table in $out/sensitivity" >&2
  else
    echo "== sensitivity of $recipe ${sets[*]}" >&2
    # shellcheck disable=SC2086
    "$bin" sensitivity "$recipe" "${sets[@]}" --out "$out/sensitivity" ${SENSITIVITY_ARGS:-} >&2
  fi
  for rule in "${rules[@]}"; do
    "$bin" sensitivity --table "$out/sensitivity/sensitivity.jsonl" --rule "$rule" --budget "$targets" --out "$out/sensitivity/$rule" >&2
  done
fi

# The --set options of a budget file: its `layers:` entries.
budget_sets() {
  awk '/^  layers:/ { inside = 1; next } inside && /^    [^ ]/ { sub(/^ +/, ""); split($0, kv, ": "); printf "--set budget.layers.%s=%s\n", kv[1], kv[2] }' "$1"
}

logs=()
IFS=',' read -r -a target_list <<<"$targets"
for target in "${target_list[@]}"; do
  for budget in "${budget_list[@]}"; do
    if [ "$budget" = threshold ] || [ "$budget" = cheapest ]; then
      budget_file="$out/sensitivity/$budget/$(printf 'budget-%.4f.yaml' "$target")"
      mapfile -t budget_args < <(echo "--set"; echo "budget.distribution=manual"; budget_sets "$budget_file" | tr ' ' '\n')
    else
      budget_args=(--set "budget=$budget")
    fi
    for ((seed = 0; seed < seeds; seed++)); do
      log="$out/runs/$target-$budget-seed$seed.jsonl"
      logs+=("$target|$budget|$log")
      if finished "$log"; then echo "== target $target, budget $budget, seed $seed: kept" >&2; continue; fi
      echo "== target $target, budget $budget, seed $seed" >&2
      "$bin" run "$recipe" "${sets[@]}" --set "schedule.final=$target" --set "seed=$seed" "${budget_args[@]}" \
        --jsonl "$log" --overwrite >&2
    done
  done
done

python3 - "${budget_list[*]}" "${logs[@]}" <<'PY'
import json, statistics, sys
budgets = sys.argv[1].split()
cells = {}
for entry in sys.argv[2:]:
    target, budget, path = entry.split("|")
    with open(path) as f:
        done = [json.loads(line) for line in f if line.strip()][-1]
    if done.get("event") != "done":
        sys.exit(f"{path}: the run did not finish (last event {done.get('event')})")
    cells.setdefault((target, budget), []).append((done["test_acc"], done["sparsity"]))
targets = sorted({t for t, _ in cells})
print("| target | " + " | ".join(budgets) + " |")
print("|---|" + "---|" * len(budgets))
for target in targets:
    row = []
    for budget in budgets:
        runs = cells[(target, budget)]
        accuracies = [100 * a for a, _ in runs]
        spread = statistics.stdev(accuracies) if len(accuracies) > 1 else float("nan")
        sparsity = statistics.mean(s for _, s in runs)
        row.append(f"{statistics.mean(accuracies):.2f} ± {spread:.2f} (n={len(runs)}, sparsity {100 * sparsity:.2f}%)")
    print(f"| {float(target):.0%} | " + " | ".join(row) + " |")
print("\nfinal test accuracy in %, mean ± sample standard deviation over seeds; sparsity: measured, of the prunable weights;")
print("threshold and cheapest: the sensitivity budgets (prunetop sensitivity --rule)")
PY
