#!/bin/bash
# bench-functional.sh - functional mode's speed against a plain fp32 C loop.
#
# Runs the MVMs of one LSTM layer (H = 256, I = 256, T = 25, B = 1:
# 4*256*512*25 = 13.1 M MACs) three ways and prints MACs per host second:
#   plain fp32 loop   tests/bench/functional_loop.c at -O2 (two loop shapes)
#   sharpsim run      on sharp-1k (1K MACs), timing only and --functional
# and the ratio functional / plain (the issue's target: within 3x).
# The functional time includes building the weights, the double reference
# and the error report, i.e. everything `run --functional` does.
# Then functional mode's peak RSS (/usr/bin/time -f %M) for an LSTM with
# H = I = 512, B = 1 at T = 25 and T = 2500: memory should not grow with T
# beyond the input sequence x itself (T * I doubles, 10 MB at T = 2500).
# Given an OLD binary, it is measured beside the current one, runs
# interleaved (old, new, old, new, ...), best (lowest) of RSS_RUNS = 3.
# Usage: scripts/bench-functional.sh [OLD_BINARY]
#        (SHARPSIM=path overrides the binary)
set -euo pipefail
cd "$(dirname "$0")/.."
out=build/bench
mkdir -p "$out"
SHARPSIM=${SHARPSIM:-build/sharpsim}
[ "$SHARPSIM" != build/sharpsim ] || make --no-print-directory build/sharpsim >/dev/null
gcc -std=c11 -O2 -D_POSIX_C_SOURCE=200809L -o "$out/functional_loop" tests/bench/functional_loop.c -lm
cat > "$out/lstm_h256_t25.yaml" <<'YAML'
name: lstm_h256_t25
layers:
  - cell: lstm
    input_size: 256
    hidden_size: 256
    timesteps: 25
    batch_size: 1
YAML
macs=$((4 * 256 * 512 * 25))
"$out/functional_loop" 256 256 25 20 | tee "$out/plain.txt"

# best of N wall-clock runs, in seconds
best_of() {
	local n=$1; shift
	local best=
	for _ in $(seq "$n"); do
		local t0 t1
		t0=$(date +%s%N)
		"$@" >/dev/null
		t1=$(date +%s%N)
		local dt=$(( t1 - t0 ))
		if [ -z "$best" ] || [ "$dt" -lt "$best" ]; then best=$dt; fi
	done
	awk -v ns="$best" 'BEGIN { printf "%.6f", ns / 1e9 }'
}
run=("$SHARPSIM" run --hw configs/sharp-1k.yaml --workload "$out/lstm_h256_t25.yaml" --no-energy)
t_timing=$(best_of 5 "${run[@]}")
t_func=$(best_of 5 "${run[@]}" --functional)
plain_seq=$(awk '/sequential/ { print $2 }' "$out/plain.txt")
plain_tree=$(awk '/tree/ { print $2 }' "$out/plain.txt")
awk -v m="$macs" -v tt="$t_timing" -v tf="$t_func" -v ps="$plain_seq" -v pt="$plain_tree" 'BEGIN {
	printf "sharpsim_timing_only_macs_per_s %.4g  (%.1f ms)\n", m / tt, tt * 1e3
	printf "sharpsim_functional_macs_per_s %.4g  (%.1f ms)\n", m / tf, tf * 1e3
	printf "ratio_plain_sequential_over_functional %.2f\n", ps / (m / tf)
	printf "ratio_plain_tree_over_functional %.2f\n", pt / (m / tf)
}'
"${run[@]}" --functional --format json | awk '/"error"/ { print "error (h, last layer):", $0; exit }'

# Peak RSS against T. Set RSS_RUNS=0 to skip (each T = 2500 run takes ~10 s).
old=${1:-}
runs=${RSS_RUNS:-3}
[ "$runs" -gt 0 ] || exit 0
for t in 25 2500; do
	cat > "$out/lstm_h512_t$t.yaml" <<YAML
name: lstm_h512_t$t
layers:
  - cell: lstm
    input_size: 512
    hidden_size: 512
    timesteps: $t
    batch_size: 1
YAML
done
# peak RSS in KB of one run
rss() {
	local bin=$1 t=$2
	/usr/bin/time -f %M -o "$out/rss.txt" "$bin" run --hw configs/sharp-1k.yaml \
		--workload "$out/lstm_h512_t$t.yaml" --no-energy --functional >/dev/null
	cat "$out/rss.txt"
}
bins=("$SHARPSIM")
[ -z "$old" ] || bins=("$old" "$SHARPSIM")
for t in 25 2500; do
	declare -A best=()
	for _ in $(seq "$runs"); do
		for b in "${bins[@]}"; do
			kb=$(rss "$b" "$t")
			if [ -z "${best[$b]:-}" ] || [ "$kb" -lt "${best[$b]}" ]; then best[$b]=$kb; fi
		done
	done
	for b in "${bins[@]}"; do
		label=new
		[ "$b" != "$old" ] || label=old
		awk -v l="$label" -v t="$t" -v kb="${best[$b]}" 'BEGIN {
			printf "functional_peak_rss_%s_h512_t%s %.1f MB\n", l, t, kb / 1024 }'
	done
	unset best
done
