#!/usr/bin/env bash
# Training throughput of prunetop against the PyTorch peer (../shared/bench/peer_torch.py),
# same model (LeNet-300-100), batch and thread count, on the same machine in one run.
# The two are interleaved ROUNDS times so drift in the machine's speed hits both alike;
# medians and their ratio are printed last.
#
# usage: scripts/bench-vs-torch.sh [ROUNDS]     (env: BATCH=128 THREADS=1 PEER=path VENV=dir)
set -euo pipefail
cd "$(dirname "$0")/.."
rounds=${1:-5}
batch=${BATCH:-128}
threads=${THREADS:-1}
peer=${PEER:-../shared/bench/peer_torch.py}
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
  rate=$("$bin" bench --json --batch "$batch" --threads "$threads" | python3 -c 'import json,sys; print(json.load(sys.stdin)["samples_per_s"])')
  ours+=("$rate")
  peer_rate=$("$venv/bin/python" "$peer" --epochs 1 --threads "$threads" --batch "$batch" | sed -n 's/.*samples_per_s=\([0-9]*\).*/\1/p')
  theirs+=("$peer_rate")
  echo "round $round: prunetop $rate samples/s, torch $peer_rate samples/s" >&2
done
python3 - "${ours[*]}" "${theirs[*]}" "$batch" "$threads" "$("$bin" doctor --json | python3 -c 'import json,sys; print(json.load(sys.stdin)["blas_core"])')" <<'PY'
import statistics, sys
ours = [float(x) for x in sys.argv[1].split()]
theirs = [float(x) for x in sys.argv[2].split()]
mo, mt = statistics.median(ours), statistics.median(theirs)
print(f"lenet300 batch={sys.argv[3]} threads={sys.argv[4]} blas_core={sys.argv[5]} rounds={len(ours)}")
print(f"prunetop median {mo:,.0f} samples/s (runs {', '.join(f'{x:,.0f}' for x in ours)})")
print(f"torch    median {mt:,.0f} samples/s (runs {', '.join(f'{x:,.0f}' for x in theirs)})")
print(f"ratio prunetop/torch = {mo / mt:.2f}x")
PY
