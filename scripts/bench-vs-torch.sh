#!/usr/bin/env bash
# Training throughput of prunetop against PyTorch 2.13 CPU, every zoo model with its PyTorch
# equivalent (same layers, batch, thread count, optimizer), in one run on the same machine.
# The two are interleaved ROUNDS times (which goes first alternates) so drift in the
# machine's speed hits both alike; medians, their ratio, prunetop's GFLOP/s and that as a
# share of `prunetop doctor`'s sgemm figure are printed last.
#
# Peers: lenet300 is ../shared/bench/peer_torch.py, lenet5 ../shared/bench/peer_torch_cnn.py
# (both held out: written apart from prunetop); the others scripts/peer_torch_zoo.py, which
# builds scripts/torch_zoo.py (checked layer for layer against the zoo by ZooTests' counts).
# 1x28x28 runs on Fashion-MNIST; 3x32x32 on random images in CIFAR-10's format (a temporary
# directory) for prunetop and random tensors for PyTorch: speed does not depend on pixels.
#
# usage: scripts/bench-vs-torch.sh [ROUNDS]
#   env: MODELS="lenet300 lenet5 resnet20 resnet20@3x32x32 vgg-small"  THREADS="1 2"  BATCH=128
#        VENV=dir (default: scripts/python-env.sh's)
set -euo pipefail
cd "$(dirname "$0")/.."
rounds=${1:-5}
batch=${BATCH:-128}
models=${MODELS:-lenet300 lenet5 resnet20 resnet20@3x32x32 vgg-small}
thread_counts=${THREADS:-1 2}
if [ -n "${VENV:-}" ]; then python=$VENV/bin/python; else python=$(scripts/python-env.sh); fi
swift build -c release --product prunetop >&2
bin=.build/release/prunetop
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
"$python" - "$work/cifar" <<'PY'
import os, sys
import numpy as np
os.makedirs(sys.argv[1])
rng = np.random.default_rng(0)
for name, count in [("data_batch_1.bin", 10000), ("test_batch.bin", 1000)]:
    records = rng.integers(0, 256, size=(count, 3073), dtype=np.uint8)
    records[:, 0] %= 10
    records.tofile(os.path.join(sys.argv[1], name))
PY

ours() {  # model shape threads -> "samples_per_s gflops"
    local data=() timing=(--steps 10 --repeats 3 --warmup 3)
    [ "$2" = 3x32x32 ] && data=(--data "$work/cifar")
    case "$1" in lenet300) timing=(--steps 200 --repeats 3) ;; lenet5) timing=(--steps 100 --repeats 3) ;; esac
    "$bin" bench --json --model "$1" --batch "$batch" --threads "$3" "${timing[@]}" "${data[@]}" \
        | python3 -c 'import json,sys; d=json.load(sys.stdin); print(d["samples_per_s"], d["gflops"], d["blas_core"])'
}
theirs() {  # model shape threads -> samples_per_s
    local command
    case "$1@$2" in
        lenet300@1x28x28) command=(../shared/bench/peer_torch.py --epochs 1) ;;
        lenet5@1x28x28) command=(../shared/bench/peer_torch_cnn.py --steps 100) ;;
        *) command=(scripts/peer_torch_zoo.py --model "$1" --shape "$2" --steps 10 --repeats 3 --warmup 3) ;;
    esac
    "$python" "${command[@]}" --threads "$3" --batch "$batch" | sed -n 's/.*samples_per_s=\([0-9.]*\).*/\1/p'
}

results=$work/results
for round in $(seq "$rounds"); do
    for entry in $models; do
        model=${entry%@*}; shape=1x28x28
        [ "$entry" != "$model" ] && shape=${entry#*@}
        for threads in $thread_counts; do
            if [ $((round % 2)) = 1 ]; then
                read -r rate gflops core < <(ours "$model" "$shape" "$threads"); peer=$(theirs "$model" "$shape" "$threads")
            else
                peer=$(theirs "$model" "$shape" "$threads"); read -r rate gflops core < <(ours "$model" "$shape" "$threads")
            fi
            echo "$model $shape $threads $rate $gflops $peer $core" >> "$results"
            echo "round $round: $model $shape threads=$threads: prunetop $rate samples/s, torch $peer samples/s" >&2
        done
    done
done
sgemm=$("$bin" doctor --json | python3 -c 'import json,sys; print(json.load(sys.stdin).get("sgemm_gflops_1_thread", 0))')
python3 - "$results" "$batch" "$rounds" "$sgemm" <<'PY'
import statistics, sys
rows = {}
for line in open(sys.argv[1]):
    model, shape, threads, rate, gflops, peer, core = line.split()
    rows.setdefault((model, shape, int(threads), core), []).append((float(rate), float(gflops), float(peer)))
sgemm = float(sys.argv[4])
print(f"batch={sys.argv[2]} rounds={sys.argv[3]} doctor sgemm={sgemm:.1f} GFLOP/s (1 thread, the dense kernel)")
print(f"{'model':<10} {'input':<8} {'threads':>7} {'prunetop':>10} {'torch':>10} {'ratio':>6} {'GFLOP/s':>8} {'of sgemm':>8} {'BLAS core':>10}")
for (model, shape, threads, core), runs in rows.items():
    ours = statistics.median(r for r, _, _ in runs)
    gflops = statistics.median(g for _, g, _ in runs)
    theirs = statistics.median(p for _, _, p in runs)
    share = f"{100 * gflops / (sgemm * threads):.0f}%" if sgemm else "n/a"
    print(f"{model:<10} {shape:<8} {threads:>7} {ours:>10,.0f} {theirs:>10,.0f} {ours / theirs:>5.2f}x {gflops:>8.1f} {share:>8} {core:>10}")
PY
