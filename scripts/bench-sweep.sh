#!/usr/bin/env bash
# Times the full DeepBench study (scripts/studies/deepbench.yaml: 71 shapes x
# 4 schedulers x 4 budgets = 1136 runs, weights resident) with the exact
# fast-forward (the default) and, unless --ff-only, stepping every cycle;
# checks that both give the same rows, and prints the wall times.
#
#   scripts/bench-sweep.sh [BIN] [--ff-only] [-j N]
# Target: under 60 s with fast-forward on this 2-core machine.
set -eu
BIN=build/sharpsim
FF_ONLY=0
JOBS=()
while [ $# -gt 0 ]; do
	case $1 in
	--ff-only) FF_ONLY=1 ;;
	-j) JOBS=(-j "$2"); shift ;;
	*) BIN=$1 ;;
	esac
	shift
done
OUT=build/bench-sweep
rm -rf "$OUT"
mkdir -p "$OUT"
# One private copy of the binary for both modes: a rebuild of BIN while the
# benchmark runs (other work in the same tree) must not change the results.
cp "$BIN" "$OUT/sharpsim"
BIN=$OUT/sharpsim

run() { # name, extra options
	local name=$1
	shift
	local t0 t1
	t0=$(date +%s%N)
	"$BIN" sweep scripts/studies/deepbench.yaml --out "$OUT/$name" --quiet "${JOBS[@]}" "$@"
	t1=$(date +%s%N)
	awk -v ns=$((t1 - t0)) -v n="$name" 'BEGIN { printf "bench-sweep: %-14s %7.1f s wall\n", n, ns / 1e9 }'
}

echo "bench-sweep: deepbench study, $(nproc) cores, load average $(cut -d' ' -f1-3 /proc/loadavg)"
run fast-forward
if [ "$FF_ONLY" = 0 ]; then
	run step --no-fast-forward
	if cmp -s "$OUT/fast-forward/results.csv" "$OUT/step/results.csv"; then
		echo "bench-sweep: both modes give byte-identical results.csv"
	else
		echo "bench-sweep: MISMATCH between fast-forward and stepping results" >&2
		exit 1
	fi
fi
