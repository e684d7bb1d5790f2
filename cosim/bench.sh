#!/usr/bin/env bash
# bench.sh RUNS "ARGS" LABEL=BINARY:TILES... - co-simulation speed: runs every
# harness once per round, RUNS rounds (so that load on a shared machine
# hits every binary alike), and prints the best co-simulated cycles per
# second of each, two ways: per second of the process's own CPU time (user +
# system; what the code costs, little moved by other jobs) and per second of
# wall time (what a user waits, which other jobs on the machine stretch).
# Labels "X base" are older builds of X: their ratios are printed too.
set -euo pipefail
runs=$1 args=$2
shift 2
declare -A cpu wall
TIMEFORMAT='%U %S'
out=$(mktemp)
trap 'rm -f "$out"' EXIT
for r in $(seq "$runs"); do
	for spec in "$@"; do
		label=${spec%%=*} rest=${spec#*=}
		bin=${rest%:*} tiles=${rest##*:}
		# shellcheck disable=SC2086
		t=$( { time "$bin" $args --tiles "$tiles" > "$out"; } 2>&1 )
		cyc=$(sed -n 's/.*: \([0-9]*\) cycles in .*/\1/p' "$out")
		w=$(sed -n 's/.* = \([0-9]*\) co-simulated cycles\/s.*/\1/p' "$out")
		[ -n "$cyc" ] && [ -n "$w" ] || { echo "bench.sh: $bin printed no figure" >&2; exit 1; }
		c=$(awk -v n="$cyc" -v t="$t" 'BEGIN { split(t, a, " "); s = a[1] + a[2]; printf "%d", (s > 0 ? n / s : 0) }')
		echo "  round $r: $label $c cycles/s of CPU time, $w of wall time"
		[ "${cpu[$label]:-0}" -ge "$c" ] || cpu[$label]=$c
		[ "${wall[$label]:-0}" -ge "$w" ] || wall[$label]=$w
	done
done
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f", (b > 0 ? a / b : 0) }'; }
for spec in "$@"; do
	label=${spec%%=*}
	case $label in *" base") continue ;; esac
	line=$(printf 'cosim-bench %-6s %8d cycles/s (CPU time), %8d (wall), best of %d' \
		"$label" "${cpu[$label]}" "${wall[$label]}" "$runs")
	if [ -n "${cpu[$label base]:-}" ]; then
		line="$line; base ${cpu[$label base]} (CPU), ${wall[$label base]} (wall): ratio $(ratio "${cpu[$label]}" "${cpu[$label base]}") (CPU), $(ratio "${wall[$label]}" "${wall[$label base]}") (wall)"
	fi
	echo "$line"
done
