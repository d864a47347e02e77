#!/usr/bin/env bash
# Training throughput of prunetop against the PyTorch peer, same model, batch and thread
# count, on the same machine in one run: LeNet-300-100 against ../shared/bench/peer_torch.py,
# or with MODEL=lenet5 LeNet-5 against ../shared/bench/peer_torch_cnn.py. The two are
# interleaved ROUNDS times so drift in the machine's speed hits both alike; medians and
# their ratio are printed last.
#
# usage: scripts/bench-vs-torch.sh [ROUNDS]     (env: MODEL=lenet300|lenet5 BATCH=128 THREADS=1 PEER=path VENV=dir)
set -euo pipefail
cd "$(dirname "$0")/.."
rounds=${1:-5}
batch=${BATCH:-128}
threads=${THREADS:-1}
model=${MODEL:-lenet300}
case "$model" in
  lenet300) peer=${PEER:-../shared/bench/peer_torch.py}; peer_args=(--epochs 1) ;;
  lenet5) peer=${PEER:-../shared/bench/peer_torch_cnn.py}; peer_args=(--steps 200) ;;
  *) echo "bench-vs-torch.sh: MODEL is lenet300 or lenet5, not $model" >&2; exit 64 ;;
esac
venv=${VENV:-$HOME/.cache/prunetop/torch-venv}

if [ ! -x "$venv/bin/python" ]; then
  echo "creating $venv with torch==2.13.0+cpu (once)" >&2
  python3 -m venv "$venv"
  "$venv/bin/pip" install -q numpy 'torch==2.13.0+cpu'
fi
swift build -c release --product prunetop >&2
bin=.build/release/prunetop

ours=(); theirs=()
for round in $(seq "$rounds"); do
  rate=$("$bin" bench --json --model "$model" --batch "$batch" --threads "$threads" | python3 -c 'import json,sys; print(json.load(sys.stdin)["samples_per_s"])')
  ours+=("$rate")
  peer_rate=$("$venv/bin/python" "$peer" "${peer_args[@]}" --threads "$threads" --batch "$batch" | sed -n 's/.*samples_per_s=\([0-9]*\).*/\1/p')
  theirs+=("$peer_rate")
  echo "round $round: prunetop $rate samples/s, torch $peer_rate samples/s" >&2
done
python3 - "${ours[*]}" "${theirs[*]}" "$batch" "$threads" "$model" "$("$bin" doctor --json | python3 -c 'import json,sys; print(json.load(sys.stdin)["blas_core"])')" <<'PY'
import statistics, sys
ours = [float(x) for x in sys.argv[1].split()]
theirs = [float(x) for x in sys.argv[2].split()]
mo, mt = statistics.median(ours), statistics.median(theirs)
print(f"{sys.argv[5]} batch={sys.argv[3]} threads={sys.argv[4]} blas_core={sys.argv[6]} rounds={len(ours)}")
print(f"prunetop median {mo:,.0f} samples/s (runs {', '.join(f'{x:,.0f}' for x in ours)})")
print(f"torch    median {mt:,.0f} samples/s (runs {', '.join(f'{x:,.0f}' for x in theirs)})")
print(f"ratio prunetop/torch = {mo / mt:.2f}x")
PY
