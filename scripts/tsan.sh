#!/usr/bin/env bash
# ThreadSanitizer over the trainer/UI boundary: builds the tests with -sanitize=thread
# (in .build-tsan) and runs the concurrency tests (commands in, snapshots out, hammered
# from other threads) and the trainer's own tests. Any data race report fails the run.
#
# usage: scripts/tsan.sh [FILTER]     (default: TrainerConcurrencyTests|TrainerTests|TrainerCheckpointTests)
set -euo pipefail
cd "$(dirname "$0")/.."
filter=${1:-'TrainerConcurrencyTests|TrainerTests|TrainerCheckpointTests'}
swift build --build-tests --scratch-path .build-tsan -Xswiftc -sanitize=thread
export TSAN_OPTIONS="halt_on_error=1 second_deadlock_stack=1"
log=$(mktemp)
if swift test --skip-build --scratch-path .build-tsan --disable-swift-testing --filter "$filter" 2>&1 | tee "$log" | grep -E "Executed|WARNING: ThreadSanitizer"; then :; fi
if grep -q "WARNING: ThreadSanitizer" "$log"; then
  echo "ThreadSanitizer found a race (full output: $log)" >&2
  exit 1
fi
grep -q "with 0 failures" "$log" || { echo "tests failed (full output: $log)" >&2; exit 1; }
echo "ThreadSanitizer: no reports"
