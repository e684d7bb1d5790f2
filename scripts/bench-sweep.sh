#!/usr/bin/env bash
# Times the full DeepBench study (scripts/studies/deepbench.yaml: 71 shapes x
# 4 schedulers x 4 budgets = 1136 runs, weights resident), wall and CPU time
# (user + system of the sweeper and all its workers).
#
#   scripts/bench-sweep.sh [BIN] [--ff-only] [-j N]
#       with the exact fast-forward (the default) and, unless --ff-only,
#       stepping every cycle; checks that both give the same rows.
#   scripts/bench-sweep.sh [BIN] --old OLD_BIN [--runs N] [-j N]
#       compares BIN with OLD_BIN (say, the build of an earlier commit) with
#       fast-forward: N rounds (default 5), each running both binaries, in
#       alternating order so that a drift of the machine's load hits both;
#       prints the best of the N for each and the ratios old / new, and
#       checks that both write the same results.csv and results.jsonl.
# Machines are shared and noisy: trust the ratios of the best runs, not one
# run's seconds.
# Target: under 60 s with fast-forward on this 2-core machine.
set -eu
BIN=build/sharpsim
OLD=
RUNS=5
FF_ONLY=0
JOBS=()
while [ $# -gt 0 ]; do
	case $1 in
	--ff-only) FF_ONLY=1 ;;
	-j) JOBS=(-j "$2"); shift ;;
	--old) OLD=$2; shift ;;
	--runs) RUNS=$2; shift ;;
	*) BIN=$1 ;;
	esac
	shift
done
OUT=build/bench-sweep
rm -rf "$OUT"
mkdir -p "$OUT"
# Private copies of the binaries: a rebuild of BIN while the benchmark runs
# (other work in the same tree) must not change the results.
cp "$BIN" "$OUT/sharpsim"
BIN=$OUT/sharpsim
if [ -n "$OLD" ]; then
	cp "$OLD" "$OUT/sharpsim-old"
	OLD=$OUT/sharpsim-old
fi

# run BIN NAME [options]: one sweep into $OUT/NAME; sets WALL and CPU (s).
run() {
	local bin=$1 name=$2 t
	shift 2
	rm -rf "${OUT:?}/$name"
	t=$( { TIMEFORMAT='%R %U %S'; time "$bin" sweep scripts/studies/deepbench.yaml --out "$OUT/$name" --quiet \
		"${JOBS[@]}" "$@" >/dev/null; } 2>&1 )
	WALL=$(echo "$t" | awk '{ print $1 }')
	CPU=$(echo "$t" | awk '{ printf "%.3f", $2 + $3 }')
}

echo "bench-sweep: deepbench study, $(nproc) cores, load average $(cut -d' ' -f1-3 /proc/loadavg)"
if [ -n "$OLD" ]; then
	bw_old=; bc_old=; bw_new=; bc_new=
	min() { awk -v a="$1" -v b="$2" 'BEGIN { print (a == "" || b + 0 < a + 0) ? b : a }'; }
	for r in $(seq 1 "$RUNS"); do
		order="old new"
		[ $((r % 2)) = 0 ] && order="new old"
		for which in $order; do
			if [ "$which" = old ]; then
				run "$OLD" old
				bw_old=$(min "$bw_old" "$WALL"); bc_old=$(min "$bc_old" "$CPU")
			else
				run "$BIN" new
				bw_new=$(min "$bw_new" "$WALL"); bc_new=$(min "$bc_new" "$CPU")
			fi
			printf 'bench-sweep: round %d %-3s %6.2f s wall %6.2f s cpu\n' "$r" "$which" "$WALL" "$CPU"
		done
	done
	for f in results.csv results.jsonl; do
		cmp -s "$OUT/old/$f" "$OUT/new/$f" || { echo "bench-sweep: MISMATCH: old and new $f differ" >&2; exit 1; }
	done
	echo "bench-sweep: old and new write byte-identical results.csv and results.jsonl"
	awk -v wo="$bw_old" -v co="$bc_old" -v wn="$bw_new" -v cn="$bc_new" -v n="$RUNS" 'BEGIN {
		printf "bench-sweep: best of %d  old %6.2f s wall %6.2f s cpu\n", n, wo, co
		printf "bench-sweep: best of %d  new %6.2f s wall %6.2f s cpu\n", n, wn, cn
		printf "bench-sweep: old / new     %6.2fx wall %6.2fx cpu\n", wo / wn, co / cn }'
	exit 0
fi

run "$BIN" fast-forward
printf 'bench-sweep: %-14s %7.1f s wall %7.1f s cpu\n' fast-forward "$WALL" "$CPU"
if [ "$FF_ONLY" = 0 ]; then
	run "$BIN" step --no-fast-forward
	printf 'bench-sweep: %-14s %7.1f s wall %7.1f s cpu\n' step "$WALL" "$CPU"
	if cmp -s "$OUT/fast-forward/results.csv" "$OUT/step/results.csv"; then
		echo "bench-sweep: both modes give byte-identical results.csv"
	else
		echo "bench-sweep: MISMATCH between fast-forward and stepping results" >&2
		exit 1
	fi
fi
