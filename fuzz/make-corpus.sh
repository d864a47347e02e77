#!/usr/bin/env bash
# Regenerates the seed corpora under fuzz/corpus/<target>/ from real files: the example
# recipes and bundled themes, the head of Fashion-MNIST's IDX files, and checkpoints, run
# logs and a sweep table written by prunetop itself (on the embedded digits, so it runs
# anywhere). Large files are shrunk so the corpus stays small (see fuzz/README.md):
# checkpoints keep their structure with 1-4 values per tensor (one full LeNet-5
# checkpoint, 988 kB, is kept so resuming is reached), run logs keep their frames at
# 2x3-cell heatmaps.
#
#   fuzz/make-corpus.sh [PRUNETOP]     (default: .build/release/prunetop)
set -euo pipefail
cd "$(dirname "$0")/.."
PRUNETOP=${1:-.build/release/prunetop}
[ -x "$PRUNETOP" ] || { echo "make-corpus: no prunetop binary at $PRUNETOP (swift build -c release first)" >&2; exit 1; }
PRUNETOP=$(cd "$(dirname "$PRUNETOP")" && pwd)/$(basename "$PRUNETOP")
CORPUS=fuzz/corpus
WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT

rm -rf "$CORPUS"
mkdir -p "$CORPUS"/{recipes,themes,idx,checkpoints,runlogs}

# Recipes: every example; two with --set overrides (NUL-separated after the YAML, as the
# recipes target reads them).
cp examples/*.yaml "$CORPUS/recipes/"
{ cat examples/gradual-magnitude-90.yaml; printf '\0schedule.final=0.95\0method.alpha=0.4'; } > "$CORPUS/recipes/overrides-agp.yaml"
{ cat examples/rigl-erk-90.yaml; printf '\0budget.layers.fc1.weight=0.95\0optimizer.momentum=~\0epochs=2'; } > "$CORPUS/recipes/overrides-rigl.yaml"

# Themes: the bundled ones.
cp themes/*.theme "$CORPUS/themes/"

# Checkpoints and run logs, written by prunetop on the embedded digits.
run() { (cd "$WORK" && "$PRUNETOP" run --data embedded --epochs 1 "$@" >/dev/null 2>&1); }
run --model lenet5 --method magnitude --sparsity 0.5 --eval-every 3 --stop-after-steps 5 \
    --checkpoint-every 5 --checkpoint-dir ck/magnitude-lenet5 --jsonl lenet5-magnitude.jsonl
run --model lenet5 --method rigl --sparsity 0.9 --optimizer adam --stop-after-steps 3 \
    --checkpoint-every 3 --checkpoint-dir ck/rigl-adam-lenet5
for method in dropback lottery movement set dsd swat iht nm snip; do
    run --model lenet5 --method "$method" --sparsity 0.75 --stop-after-steps 3 \
        --checkpoint-every 3 --checkpoint-dir "ck/$method-lenet5" || true
done
run --model lenet300 --method magnitude --sparsity 0.9 --batch 256 --eval-every 2 --stop-after-steps 4 \
    --jsonl lenet300-magnitude.jsonl
run --model lenet300 --method dense --batch 512 --epochs 2 --jsonl lenet300-dense.jsonl
run --model lenet300 --method magnitude --sparsity 0.5 --lr 1000 --stop-after-steps 6 --jsonl diverged.jsonl || true
# A run of a recipe with --set overrides (its start event carries "recipe"), and its
# resumption from a checkpoint (whose start event carries "resumed_from" as well).
cp examples/gradual-magnitude-90.yaml "$WORK/agp.yaml"
run agp.yaml --set schedule.final=0.95 --set "schedule.every=2 steps" --stop-after-steps 4 --eval-every 2 \
    --checkpoint-every 4 --checkpoint-dir ck/recipe-agp-lenet300 --jsonl recipe-agp.jsonl
(cd "$WORK" && "$PRUNETOP" run --resume ck/recipe-agp-lenet300/step-000004.ckpt --stop-after-steps 6 --jsonl resumed-agp.jsonl >/dev/null 2>&1)
cat > "$WORK/sweep.yaml" <<'EOF'
model: lenet300
data: embedded
epochs: 1
batch: 256
method: magnitude
schedule:
  final: 0.9
  kind: oneshot
  at: 2 steps
EOF
(cd "$WORK" && "$PRUNETOP" sweep sweep.yaml --sparsities 0,0.5,0.9 --out sweep >/dev/null 2>&1)

python3 - "$WORK" "$CORPUS" <<'EOF'
import glob, gzip, json, os, struct, sys, zlib

work, corpus = sys.argv[1], sys.argv[2]

# --- IDX: the head of Fashion-MNIST (or made-up images when it is not installed) ---
def idx(dims, body):
    return bytes([0, 0, 8, len(dims)]) + b"".join(struct.pack(">I", d) for d in dims) + body

fashion = "/usr/share/datasets/fashion-mnist"
try:
    images = gzip.open(f"{fashion}/t10k-images-idx3-ubyte.gz").read(16 + 3 * 784)[16:]
    labels = gzip.open(f"{fashion}/t10k-labels-idx1-ubyte.gz").read(8 + 10)[8:]
except OSError:
    images = bytes((i * 7) % 256 for i in range(3 * 784))
    labels = bytes(range(10))
seeds = {
    "images-3x28x28.idx3": idx([3, 28, 28], images),
    "labels-10.idx1": idx([10], labels),
    "images-2x2x3.idx3": idx([2, 2, 3], bytes(range(12))),
    "empty-0.idx1": idx([0], b""),
    "scalar.idx0": idx([], b"\x2a"),
}
for name, data in list(seeds.items()):
    if name.startswith(("images-3", "labels")):
        seeds[name + ".gz"] = gzip.compress(data, mtime=0)
seeds["labels-10.idx1.zlib"] = zlib.compress(idx([10], labels))
seeds["two-members.idx1.gz"] = gzip.compress(idx([4], b"\x00\x01")[:8], mtime=0) + gzip.compress(idx([4], b"\x00\x01\x02\x03")[8:], mtime=0)
for name, data in seeds.items():
    open(f"{corpus}/idx/{name}", "wb").write(data)

# --- Checkpoints: decode, shrink every tensor to a few values, encode again ---
class Reader:
    def __init__(self, b): self.b, self.o = b, 0
    def take(self, n): v = self.b[self.o:self.o + n]; self.o += n; return v
    def u8(self): return self.take(1)[0]
    def u32(self): return struct.unpack("<I", self.take(4))[0]
    def u64(self): return struct.unpack("<Q", self.take(8))[0]
    def i64(self): return struct.unpack("<q", self.take(8))[0]
    def f64(self): return struct.unpack("<d", self.take(8))[0]
    def string(self): return self.take(self.u64()).decode()
    def floats(self): n = self.u64(); return list(struct.unpack(f"<{n}f", self.take(4 * n)))
    def section(self, name): assert self.string() == name, name

class Writer:
    def __init__(self): self.b = bytearray()
    def u8(self, v): self.b += bytes([v])
    def u64(self, v): self.b += struct.pack("<Q", v)
    def i64(self, v): self.b += struct.pack("<q", v)
    def f64(self, v): self.b += struct.pack("<d", v)
    def string(self, s): s = s.encode(); self.u64(len(s)); self.b += s
    def floats(self, v): self.u64(len(v)); self.b += struct.pack(f"<{len(v)}f", *v)

def copy_state(r, w, keep):
    n = r.u64(); w.u64(n)
    for _ in range(n):
        w.string(r.string()); kind = r.u8(); w.u8(kind)
        if kind == 0:
            m = r.u64(); w.u64(m)
            for _ in range(m): w.floats(r.floats()[:keep])
        elif kind in (1, 2):
            m = r.u64(); vals = [r.take(8) for _ in range(m)][:keep]; w.u64(len(vals)); w.b += b"".join(vals)
        else:
            w.u8(r.u8())

def shrink(data, keep=4):
    r = Reader(data); assert r.take(12) == b"PRUNETOPCKPT"; version = r.u32(); r.u64(); r.u32()
    w = Writer()
    for name in ["config"]: r.section(name); w.string(name); w.string(r.string())
    r.section("provenance"); w.string("provenance")
    has = r.u8(); w.u8(has)
    if has: w.string(r.string())
    n = r.u64(); w.u64(n)
    for _ in range(n): w.string(r.string())
    r.section("dataset"); w.string("dataset"); w.string(r.string()); w.i64(r.i64()); w.i64(r.i64())
    if version >= 3:  # the data's content: rows, columns, classes, 4 x (CRC-32, byte count)
        has = r.u8(); w.u8(has)
        if has:
            [w.i64(r.i64()) for _ in range(3)]
            for _ in range(4): w.b += r.take(4); w.i64(r.i64())
    r.section("session"); w.string("session"); w.i64(r.i64()); w.i64(r.i64())
    r.section("parameters"); w.string("parameters")
    n = r.u64(); w.u64(n)
    for _ in range(n):
        w.string(r.string()); dims = [r.i64() for _ in range(r.u64())]; values = r.floats()[:keep]
        w.u64(1); w.i64(len(values)); w.floats(values)
    r.section("sparsity"); w.string("sparsity")
    w.i64(r.i64()); w.u64(r.u64()); w.u8(r.u8()); has = r.u8(); w.u8(has)
    if has: w.i64(r.i64())
    w.i64(r.i64())
    n = r.u64(); w.u64(n)
    for _ in range(n): w.floats(r.floats()[:keep])
    if version >= 3:  # the values at pruning, one array per mask
        has = r.u8(); w.u8(has)
        if has:
            for _ in range(n): w.floats(r.floats()[:keep])
    r.section("method state"); w.string("method state"); copy_state(r, w, keep)
    r.section("optimizer state"); w.string("optimizer state"); copy_state(r, w, keep)
    r.section("progress"); w.string("progress")
    w.f64(r.f64()); [w.i64(r.i64()) for _ in range(4)]; w.f64(r.f64()); has = r.u8(); w.u8(has)
    if has:
        w.i64(r.i64()); w.f64(r.f64()); w.f64(r.f64())
        preds = r.take(r.u64())[:keep]; w.u64(len(preds)); w.b += preds
        n = r.u64(); w.u64(n)
        for _ in range(n): w.string(r.string()); w.i64(r.i64()); w.i64(r.i64())
        if version >= 2:
            has = r.u8(); w.u8(has)
            if has: w.f64(r.f64())
    if version >= 2:
        r.section("compute"); w.string("compute")
        w.i64(r.i64()); w.f64(r.f64()); n = r.u64(); w.u64(n)
        for _ in range(n): w.f64(r.f64()); w.f64(r.f64())
        r.section("evaluations"); w.string("evaluations")
        n = r.u64(); w.u64(n)
        for _ in range(n):
            w.i64(r.i64()); w.f64(r.f64()); w.f64(r.f64()); has = r.u8(); w.u8(has)
            if has: w.f64(r.f64())
            w.string(r.string())
    r.section("end"); w.string("end"); assert r.o == len(data)
    payload = bytes(w.b)
    return b"PRUNETOPCKPT" + struct.pack("<IQI", version, len(payload), zlib.crc32(payload)) + payload

for path in sorted(glob.glob(f"{work}/ck/*/*.ckpt")):
    name = os.path.basename(os.path.dirname(path))
    data = open(path, "rb").read()
    if name == "magnitude-lenet5":
        open(f"{corpus}/checkpoints/{name}-full.ckpt", "wb").write(data)
    open(f"{corpus}/checkpoints/{name}-shrunk.ckpt", "wb").write(shrink(data))

# --- Run logs: frames shrunk to 2x3-cell heatmaps and 5-bin histograms ---
def shrink_event(event):
    frame = event.get("frame")
    if isinstance(frame, dict):
        for grid in frame.get("heatmaps", {}).values():
            grid["rows"], grid["columns"] = 2, 3
            for key in ("keptCount", "keptMagnitudeSum", "magnitudeSum", "weightCount"):
                grid[key] = grid[key][:6]
        for histogram in frame.get("histograms", {}).values():
            histogram["kept"], histogram["pruned"] = histogram["kept"][18:23], histogram["pruned"][18:23]
        if isinstance(frame.get("inputMap"), dict):
            m = frame["inputMap"]
            for key, value in list(m.items()):
                if isinstance(value, list) and len(value) > 16: m[key] = value[:16]
            if "rows" in m and "columns" in m: m["rows"], m["columns"] = 4, 4
    for layer in event.get("layers", []):
        if isinstance(layer.get("histogram"), dict):
            h = layer["histogram"]; h["kept"], h["pruned"] = h["kept"][18:23], h["pruned"][18:23]
    return event

for path in sorted(glob.glob(f"{work}/*.jsonl")):
    lines = [json.loads(line) for line in open(path) if line.strip()]
    # At most the start, two progress lines, two evaluations and the end.
    kept, progress, evals = [], 0, 0
    for event in lines:
        kind = event.get("event")
        if kind == "progress":
            progress += 1
            if progress > 2: continue
        if kind == "eval":
            evals += 1
            if evals > 2: continue
        kept.append(shrink_event(event))
    text = "".join(json.dumps(e, separators=(",", ":")) + "\n" for e in kept)
    open(f"{corpus}/runlogs/{os.path.basename(path)}", "w").write(text)
for path in sorted(glob.glob(f"{work}/sweep/*.jsonl")):
    name = os.path.basename(path)
    if name == "sweep.jsonl":
        open(f"{corpus}/runlogs/sweep.jsonl", "w").write(open(path).read())
EOF
for target in recipes themes idx checkpoints runlogs; do
    printf '%-12s %3d files, %8d bytes, largest %d\n' "$target" "$(ls "$CORPUS/$target" | wc -l)" \
        "$(cat "$CORPUS/$target"/* | wc -c)" "$(wc -c "$CORPUS/$target"/* | sort -n | tail -2 | head -1 | awk '{print $1}')"
done
