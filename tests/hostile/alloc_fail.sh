#!/usr/bin/env bash
# Allocation failure, every one in turn: a small priced run of sharpsim (a
# fixed tile, so that no tile table is read: about 1100 allocations)
# (tests/alloc/failalloc.c makes its k-th allocation return NULL) is run once
# for each k from 1 to the number of allocations the run makes. Each run must
# either succeed with exactly the report of a normal run (a failure the code
# may absorb, e.g. a suggestion it skips), or fail cleanly: a non-zero status
# other than the sanitizers', exactly one line on stderr, nothing on stdout.
# ASan/LSan/UBSan run in the binary: a crash, a use of the NULL, or a leak on
# the error path fails the test.
#
# usage: alloc_fail.sh build/asan/sharpsim-failalloc
set -uo pipefail
cd "$(dirname "$0")/../.."
BIN=$1
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
RUN=(run --hw configs/sharp-1k.yaml -p compute.tile=config4 --workload workloads/examples/lstm_tiny.yaml
     --tech configs/tech/sharp-32nm.yaml --format json)
# 86: ASan and LSan found something; UBSan aborts (134).
export ASAN_OPTIONS=exitcode=86:detect_leaks=1 LSAN_OPTIONS=exitcode=86 UBSAN_OPTIONS=halt_on_error=1

SHARPSIM_FAIL_ALLOC=count "$BIN" "${RUN[@]}" >"$T/ref.json" 2>"$T/count" || { echo "alloc-fail: the reference run failed"; cat "$T/count"; exit 1; }
n=$(sed -n 's/^failalloc: \([0-9]*\) allocations$/\1/p' "$T/count")
[ -n "$n" ] && [ "$n" -gt 100 ] || { echo "alloc-fail: could not count allocations ($n)"; exit 1; }

# check K: one run with the K-th allocation failing; prints a failure line.
check() {
  local k=$1 out="$T/o.$1" err="$T/e.$1"
  SHARPSIM_FAIL_ALLOC=$k "$BIN" "${RUN[@]}" >"$out" 2>"$err"
  local rc=$?
  if [ "$rc" -eq 0 ]; then
    cmp -s "$out" "$T/ref.json" || echo "k=$k: exit 0 but the report differs from a normal run's"
  elif [ "$rc" -eq 86 ] || [ "$rc" -ge 128 ] || [ "$rc" -eq 1 ]; then
    echo "k=$k: exit $rc (sanitizer or crash): $(head -c 300 "$err")"
  elif [ "$(wc -l <"$err")" -ne 1 ] || [ -s "$out" ]; then
    echo "k=$k: exit $rc, expected one line on stderr and no stdout: $(head -c 300 "$err")"
  fi
  rm -f "$out" "$err"
}
export -f check
export BIN T
export RUN_ARGS="${RUN[*]}"
fails=$(seq 1 "$n" | xargs -P 2 -I{} bash -c 'RUN=($RUN_ARGS); check {}')
if [ -n "$fails" ]; then
  echo "$fails" | head -20
  echo "alloc-fail: FAIL ($(echo "$fails" | wc -l) of $n runs)"
  exit 1
fi
echo "alloc-fail: ok ($n runs, allocation k failing for every k, no crash, leak or multi-line error)"
