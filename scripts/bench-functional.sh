#!/bin/bash
# bench-functional.sh - functional mode's speed against a plain fp32 C loop.
#
# Runs the MVMs of one LSTM layer (H = 256, I = 256, T = 25, B = 1:
# 4*256*512*25 = 13.1 M MACs) three ways and prints MACs per host second:
#   plain fp32 loop   tests/bench/functional_loop.c at -O3 (the issue's
#                     baseline) and at -O2, two loop shapes each
#   sharpsim run      on sharp-1k (1K MACs), timing only and --functional
# and the ratios plain / functional (how many times slower functional mode
# is than the plain loop; issue 17's target: at most 1.5 against the -O3
# sequential loop), on wall time and on CPU time (user + system; the plain
# loop's from CLOCK_PROCESS_CPUTIME_ID), which a loaded machine inflates
# less than wall time. The CPU time is taken two ways: in a shell loop (which
# charges each run its fork's copy of the shell) and as the process alone
# (scripts/spawn-cpu.py: posix_spawn, the child's rusage), beside /bin/true's
# as the floor any process pays. The functional time includes building the weights and
# everything else `run --functional` does, start-up included; since the
# double reference runs only when asked (--reference), a binary that has the
# option is also timed with it (`functional+reference`: what the run costs
# with the error report, the same work as a binary before the option).
# Every contender runs once per round, interleaved (plain -O3, plain -O2,
# [old,] new, in turn), ROUNDS rounds (default 7), and the best (lowest)
# time of each is kept, so that a change of load hits all of them alike.
# The plain loops time REPS (3) layers in-process per round and keep their
# best. Given an OLD binary, it runs in the same rounds and the old/new
# time ratio is printed too.
# Then functional mode's peak RSS (/usr/bin/time -f %M) for an LSTM with
# H = I = 512, B = 1 at T = 25 and T = 2500, three ways: unidirectional
# (`lstm`), a delta network (`delta`: delta_threshold_x = h = 0.1) and
# bidirectional (`bidir`: its backward pass reads x last step first): memory
# should not grow with T (random x is drawn a block of steps at a time, not
# held: T * I doubles would be 10 MB at T = 2500). With an OLD binary it is
# measured beside the current one, interleaved, best (lowest) of
# RSS_RUNS = 3.
# Usage: scripts/bench-functional.sh [OLD_BINARY]
#        (SHARPSIM=path overrides the binary; ROUNDS, REPS, CPU_RUNS, RSS_RUNS)
set -euo pipefail
cd "$(dirname "$0")/.."
out=build/bench
mkdir -p "$out"
SHARPSIM=${SHARPSIM:-build/sharpsim}
[ "$SHARPSIM" != build/sharpsim ] || make --no-print-directory build/sharpsim >/dev/null
old=${1:-}
rounds=${ROUNDS:-7}
reps=${REPS:-3}
for o in 3 2; do
	gcc -std=c11 -O$o -D_POSIX_C_SOURCE=200809L -o "$out/functional_loop_O$o" tests/bench/functional_loop.c -lm
done
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

# wall-clock ns of one run of "$@"
wall() {
	local t0 t1
	t0=$(date +%s%N)
	"$@" >/dev/null
	t1=$(date +%s%N)
	echo $((t1 - t0))
}
# keeps the lower of best[$1] and $2
keep() {
	if [ -z "${best[$1]:-}" ] || [ "$2" -lt "${best[$1]}" ]; then best[$1]=$2; fi
}
# CPU ns (user + system) of one run of "$@": the mean of CPU_RUNS (10) runs
# back to back, from bash's `times` over all of them (the kernel charges CPU
# time in scheduler ticks, several ms, so one run of about 10 ms is too short
# to time alone)
cpu_runs=${CPU_RUNS:-10}
cpu() {
	(for _ in $(seq "$cpu_runs"); do "$@" >/dev/null; done; times) | awk -v n="$cpu_runs" '{ l = $0 } END {
		split(l, t, " "); split(t[1], u, /[ms]/); split(t[2], s, /[ms]/)
		printf "%d", (u[1] * 60 + u[2] + s[1] * 60 + s[2]) * 1e9 / n }'
}
# CPU ns of one run of "$@" as the process alone: started with posix_spawn,
# its own rusage (scripts/spawn-cpu.py), the mean of CPU_RUNS runs. The
# shell loop above also charges each run the copy of the shell's page
# tables that its fork makes, which is the shell's cost, not the program's.
own() {
	/usr/bin/python3 scripts/spawn-cpu.py 1 "$cpu_runs" "$@" | awk '{ printf "%d", $1 * 1e9 }'
}
# best fs per MAC (wall, or with field 6 CPU) of a plain loop shape in the loop's output
plain_ns() {
	awk -v s="$1" -v f="${3:-3}" '$1 ~ "_" s "_" { sub(/^\(/, "", $f); print int($f * 1e6) }' "$2"
}
# whether binary $1 runs the double reference only with --reference
has_ref() {
	"$1" run --help 2>&1 | grep -q -- '--reference'
}
run=(run --hw configs/sharp-1k.yaml --workload "$out/lstm_h256_t25.yaml" --no-energy)
declare -A best=()
bins=("$SHARPSIM")
[ -z "$old" ] || bins=("$old" "$SHARPSIM")
for _ in $(seq "$rounds"); do
	for o in 3 2; do
		"$out/functional_loop_O$o" 256 256 25 "$reps" >"$out/plain.txt"
		for shape in sequential tree; do
			keep "plain_O${o}_$shape" "$(plain_ns "$shape" "$out/plain.txt")" # fs per MAC
			keep "plain_O${o}_${shape}_cpu" "$(plain_ns "$shape" "$out/plain.txt" 6)"
		done
	done
	for b in "${bins[@]}"; do
		label=new
		[ "$b" != "$old" ] || label=old
		keep "timing_$label" "$(wall "$b" "${run[@]}")"
		keep "func_$label" "$(wall "$b" "${run[@]}" --functional)"
		keep "func_cpu_$label" "$(cpu "$b" "${run[@]}" --functional)"
		keep "func_own_$label" "$(own "$b" "${run[@]}" --functional)"
		if has_ref "$b"; then
			keep "funcref_$label" "$(wall "$b" "${run[@]}" --functional --reference)"
			keep "funcref_cpu_$label" "$(cpu "$b" "${run[@]}" --functional --reference)"
		fi
	done
	keep true_own "$(own /bin/true)"
done
# plain loops: fs per MAC -> MACs/s; sharpsim: ns per run -> MACs/s
report() {
	awk -v m="$macs" -v l="$1" -v tt="${best[timing_$1]}" -v tf="${best[func_$1]}" \
		-v p3s="${best[plain_O3_sequential]}" -v p3t="${best[plain_O3_tree]}" \
		-v p2s="${best[plain_O2_sequential]}" -v p2t="${best[plain_O2_tree]}" \
		-v cf="${best[func_cpu_$1]}" -v c3s="${best[plain_O3_sequential_cpu]}" \
		-v co="${best[func_own_$1]}" -v ct="${best[true_own]}" 'BEGIN {
		fmac = m / (tf / 1e9)
		printf "sharpsim_%s_timing_only_macs_per_s %.4g  (%.1f ms)\n", l, m / (tt / 1e9), tt / 1e6
		printf "sharpsim_%s_functional_macs_per_s %.4g  (%.1f ms, %.3f ns/MAC)\n", l, fmac, tf / 1e6, tf / m
		printf "ratio_%s_plain_O3_sequential_over_functional %.2f\n", l, 1e15 / p3s / fmac
		printf "ratio_%s_plain_O3_tree_over_functional %.2f\n", l, 1e15 / p3t / fmac
		printf "ratio_%s_plain_O2_sequential_over_functional %.2f\n", l, 1e15 / p2s / fmac
		printf "ratio_%s_plain_O2_tree_over_functional %.2f\n", l, 1e15 / p2t / fmac
		printf "sharpsim_%s_functional_cpu %.1f ms  (%.3f ns/MAC)\n", l, cf / 1e6, cf / m
		printf "ratio_%s_plain_O3_sequential_over_functional_cpu %.2f\n", l, cf / m / (c3s / 1e6)
		printf "sharpsim_%s_functional_cpu_process_alone %.1f ms  (posix_spawn, wait4; /bin/true %.1f ms)\n", l,
			co / 1e6, ct / 1e6
		printf "ratio_%s_plain_O3_sequential_over_functional_cpu_process_alone %.2f\n", l, co / m / (c3s / 1e6)
	}'
	[ -n "${best[funcref_$1]:-}" ] || return 0
	awk -v m="$macs" -v l="$1" -v tf="${best[funcref_$1]}" -v cf="${best[funcref_cpu_$1]}" \
		-v p3s="${best[plain_O3_sequential]}" -v c3s="${best[plain_O3_sequential_cpu]}" 'BEGIN {
		printf "sharpsim_%s_functional+reference %.1f ms wall (%.3f ns/MAC), CPU %.1f ms\n", l, tf / 1e6, tf / m, cf / 1e6
		printf "ratio_%s_plain_O3_sequential_over_functional+reference %.2f  (CPU %.2f)\n", l, tf / m / (p3s / 1e6),
			cf / m / (c3s / 1e6)
	}'
}
echo "bench-functional: LSTM H = I = 256, T = 25, B = 1 ($macs MACs), best of $rounds interleaved rounds"
for o in 3 2; do
	for shape in sequential tree; do
		awk -v n="plain_fp32_O${o}_$shape" -v fs="${best[plain_O${o}_$shape]}" \
			-v cs="${best[plain_O${o}_${shape}_cpu]}" 'BEGIN {
			printf "%s_macs_per_s %.4g  (%.3f ns/MAC, CPU %.3f ns/MAC)\n", n, 1e15 / fs, fs / 1e6, cs / 1e6 }'
	done
done
[ -z "$old" ] || report old
report new
[ -z "$old" ] || awk -v o="${best[func_old]}" -v n="${best[func_new]}" \
	-v co="${best[func_cpu_old]}" -v cn="${best[func_cpu_new]}" 'BEGIN {
	printf "ratio_functional_time_old_over_new %.2f  (CPU %.2f)\n", o / n, co / cn }'
# the same work on both sides: old --functional against new --functional
# --reference when only the new binary has the option
[ -z "$old" ] || [ -n "${best[funcref_old]:-}" ] || [ -z "${best[funcref_new]:-}" ] ||
	awk -v o="${best[func_old]}" -v n="${best[funcref_new]}" \
		-v co="${best[func_cpu_old]}" -v cn="${best[funcref_cpu_new]}" 'BEGIN {
	printf "ratio_functional_time_old_over_new_with_reference %.2f  (CPU %.2f)\n", o / n, co / cn }'
# (awk reads to the end: exiting early would kill the run with SIGPIPE,
# which pipefail turns into the script's exit)
ref=()
! has_ref "$SHARPSIM" || ref=(--reference)
"$SHARPSIM" "${run[@]}" --functional "${ref[@]}" --format json | awk '/"error"/ && !n++ { print "error (h, last layer):", $0 }'

# Peak RSS against T. Set RSS_RUNS=0 to skip (each T = 2500 run takes seconds).
runs=${RSS_RUNS:-3}
[ "$runs" -gt 0 ] || exit 0
# the layer's extra workload keys per kind
declare -A kind=([lstm]="" [delta]="    delta: true
    delta_threshold_x: 0.1
    delta_threshold_h: 0.1" [bidir]="    direction: bidirectional")
for k in lstm delta bidir; do
	for t in 25 2500; do
		cat > "$out/rss_${k}_h512_t$t.yaml" <<YAML
name: rss_${k}_h512_t$t
layers:
  - cell: lstm
    input_size: 512
    hidden_size: 512
    timesteps: $t
    batch_size: 1
${kind[$k]}
YAML
	done
done
# peak RSS in KB of one run
rss() {
	local bin=$1 k=$2 t=$3
	if ! /usr/bin/time -f %M -o "$out/rss.txt" "$bin" run --hw configs/sharp-1k.yaml \
		--workload "$out/rss_${k}_h512_t$t.yaml" --no-energy --functional >/dev/null; then
		echo "bench-functional: $bin failed on $k at T = $t ($(tail -1 "$out/rss.txt"))" >&2
		return 1
	fi
	tail -1 "$out/rss.txt"
}
echo "load: $(uptime)"
for k in lstm delta bidir; do
	for t in 25 2500; do
		best=()
		for _ in $(seq "$runs"); do
			for b in "${bins[@]}"; do
				kb=$(rss "$b" "$k" "$t")
				keep "$b" "$kb"
			done
		done
		for b in "${bins[@]}"; do
			label=new
			[ "$b" != "$old" ] || label=old
			# the unidirectional LSTM keeps its figure's old name
			awk -v l="$label" -v k="$([ "$k" = lstm ] || echo "_$k")" -v t="$t" -v kb="${best[$b]}" 'BEGIN {
				printf "functional_peak_rss_%s%s_h512_t%s %.1f MB\n", l, k, t, kb / 1024 }'
		done
	done
done
