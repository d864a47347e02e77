#!/usr/bin/env bash
# Heap allocations per training step: runs `prunetop bench` for N and 2N timed steps with
# a malloc/calloc/realloc counter preloaded (a small C shim built here with gcc), and
# prints (count at 2N - count at N) / N. Valgrind cannot read Swift 6's DWARF, hence the shim.
#
# usage: scripts/count-allocations.sh [MODEL] [N]     (default lenet5 100; binary: .build/release/prunetop)
set -euo pipefail
cd "$(dirname "$0")/.."
model=${1:-lenet5}
steps=${2:-100}
bin=${PRUNETOP:-.build/release/prunetop}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cat > "$work/count.c" <<'C'
#define _GNU_SOURCE
#include <dlfcn.h>
#include <stdio.h>
#include <stdatomic.h>
static atomic_long calls;
static void *(*real_malloc)(size_t);
static void *(*real_calloc)(size_t, size_t);
static void *(*real_realloc)(void *, size_t);
static char bootstrap[4096];
static size_t used;
void *malloc(size_t n) { if (!real_malloc) real_malloc = dlsym(RTLD_NEXT, "malloc"); atomic_fetch_add(&calls, 1); return real_malloc(n); }
void *calloc(size_t a, size_t b) {
    /* dlsym itself calls calloc: serve that one from a static buffer. */
    if (!real_calloc) { void *p = bootstrap + used; used += a * b; real_calloc = dlsym(RTLD_NEXT, "calloc"); return p; }
    atomic_fetch_add(&calls, 1); return real_calloc(a, b);
}
void *realloc(void *p, size_t n) { if (!real_realloc) real_realloc = dlsym(RTLD_NEXT, "realloc"); atomic_fetch_add(&calls, 1); return real_realloc(p, n); }
__attribute__((destructor)) static void report(void) { fprintf(stderr, "ALLOCATIONS %ld\n", (long)calls); }
C
gcc -O2 -shared -fPIC -o "$work/count.so" "$work/count.c" -ldl
count() {
    # The kernel is fixed so prunetop does not re-execute itself (that would count twice).
    OPENBLAS_CORETYPE=${OPENBLAS_CORETYPE:-HASWELL} LD_PRELOAD="$work/count.so" "$bin" bench --model "$model" --steps "$1" --repeats 1 2>&1 >/dev/null \
        | sed -n 's/^ALLOCATIONS //p'
}
one=$(count "$steps")
two=$(count $((2 * steps)))
echo "$model: $one allocations with $steps timed steps, $two with $((2 * steps)): $(( (two - one) / steps )) per training step"
