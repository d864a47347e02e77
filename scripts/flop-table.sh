#!/usr/bin/env bash
# The FLOP panel against an independent recount, per method, on lenet300 and lenet5 at 90%:
#   scripts/flop-table.sh [EPOCHS] [OLD_BINARY]
# Each method trains EPOCHS epochs (default 1) with its default schedule; the last
# evaluation's recorded frame gives the panel's inference and training reductions. The
# recount comes from the same evaluation's layers: non-zero weights as the forward pass
# multiplies them ("computed") times the positions each weight is used at, the input
# gradient likewise except for the first layer, the weight gradient at the activation
# density the method reports (1 unless it sparsifies activations). OLD_BINARY (a build
# from before the FLOP fix) adds its panel figures as "before".
set -euo pipefail
cd "$(dirname "$0")/.."
epochs=${1:-1}
old=${2:-}
new=.build/release/prunetop
out=$(mktemp -d)
methods=$($new methods | awk '/^[a-z]/ {print $1}')
for model in lenet300 lenet5; do
  for method in $methods; do
    target=0.9; [ "$method" = dense ] && target=0
    $new run --model $model --method $method --sparsity $target --epochs "$epochs" --jsonl "$out/new-$model-$method.jsonl" >/dev/null 2>&1
    if [ -n "$old" ]; then
      $old run --model $model --method $method --sparsity $target --epochs "$epochs" --jsonl "$out/old-$model-$method.jsonl" >/dev/null 2>&1 || true
    fi
  done
done
python3 - "$out" "$methods" <<'PY'
import json, sys, os
out, methods = sys.argv[1], sys.argv[2].split()
def last_eval(path):
    if not os.path.exists(path): return None
    evals = [json.loads(l) for l in open(path) if '"event":"eval"' in l]
    return evals[-1] if evals else None
def reductions(e):
    f = e["frame"]["flops"]
    d, s = f["dense"], f["sparse"]
    train = lambda m: m["forward"] + m["backwardInput"] + m["backwardWeight"]
    return 1 - s["forward"] / d["forward"], 1 - train(s) / train(d)
def recount(e):
    layers = e["frame"]["flops"]["layers"]
    fwd = fwd_dense = train = train_dense = 0.0
    for i, (L, F) in enumerate(zip(e["layers"], layers)):
        positions = F["dense"]["forward"] / L["params"]
        multiplied = L["computed"] * positions
        act = L.get("activation_density") or 1.0
        fwd += multiplied; fwd_dense += L["params"] * positions
        train += multiplied * (1 if i == 0 else 2) + L["params"] * positions * act
        train_dense += L["params"] * positions * (2 if i == 0 else 3)
    return 1 - fwd / fwd_dense, 1 - train / train_dense
pct = lambda x: f"{100 * x:.1f}%"
for model in ["lenet300", "lenet5"]:
    print(f"\n{model}, 90% (dense: 0%), last evaluation\n")
    print("| method | sparsified | before: inference / training | after: inference / training | recount: inference / training |")
    print("|---|---|---|---|---|")
    for m in methods:
        new, old = last_eval(f"{out}/new-{model}-{m}.jsonl"), last_eval(f"{out}/old-{model}-{m}.jsonl")
        if not new: print(f"| {m} | run failed | | | |"); continue
        a, r = reductions(new), recount(new)
        b = " / ".join(map(pct, reductions(old))) if old and old.get("frame") else "–"
        print(f"| {m} | {new.get('sparsified', '?')} | {b} | {pct(a[0])} / {pct(a[1])} | {pct(r[0])} / {pct(r[1])} |")
PY
rm -rf "$out"
