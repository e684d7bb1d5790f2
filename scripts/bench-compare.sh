#!/usr/bin/env bash
# Two builds of sharpsim side by side, on what a user feels: the time to
# result of one default run (start-up, config and tile-table loading, the
# run, the report), the same for `make bench`'s run (a DeepBench LSTM with
# energy priced, so the technology table is read too), and the stepping
# cost per simulated cycle
# (--no-fast-forward) at 1K, 4K and 64K MACs. The stepped runs take the
# tile table's tile: a -p override would change the table's timing key and
# time a tile exploration as well. The two binaries are timed interleaved, best of
# RUNS rounds, so a noisy shared machine moves both alike; the figure that
# matters is the ratio NEW / OLD. The machine's load is printed with it.
#
#   bash scripts/bench-compare.sh OLD_BIN NEW_BIN
#   RUNS=7 BATCH=50 bash scripts/bench-compare.sh build-old/sharpsim build/sharpsim
#   STEPPING=0 RUNS=20 bash scripts/bench-compare.sh OLD NEW   # time to result only
#
# Both binaries must print the same cycle counts; the script stops if they
# do not (a speed-up that moves a result is a bug, not a speed-up).
set -euo pipefail
[ $# -eq 2 ] || { echo "usage: bench-compare.sh OLD_BIN NEW_BIN" >&2; exit 2; }
OLD=$1
NEW=$2
RUNS=${RUNS:-5}
BATCH=${BATCH:-20}
cd "$(dirname "$0")/.."
for b in "$OLD" "$NEW"; do
  [ -x "$b" ] || { echo "bench-compare: $b: not an executable, expected a sharpsim binary" >&2; exit 2; }
done

now_ns() { date +%s%N; }

# batch BIN ARGS...: ns for BATCH runs of BIN ARGS.
batch() {
  local bin=$1 t0 t1
  shift
  t0=$(now_ns)
  for _ in $(seq "$BATCH"); do "$bin" "$@" >/dev/null; done
  t1=$(now_ns)
  echo $((t1 - t0))
}

# batch_cpu BIN ARGS...: CPU seconds (user + system) of BATCH runs of BIN
# ARGS, the children's times as bash's `times` prints them (to the
# millisecond: /usr/bin/time's two decimals resolved a batch of 20 runs of
# about 2 ms to 0.5 ms a run, a quarter of the figure).
batch_cpu() {
  (
    for _ in $(seq "$BATCH"); do "$@" >/dev/null; done
    times
  ) | awk 'NR == 2 { split($1, u, /[ms]/); split($2, s, /[ms]/)
    printf "%.4f", u[1] * 60 + u[2] + s[1] * 60 + s[2] }'
}
lt() { awk -v a="$1" -v b="$2" 'BEGIN { exit !(b == "" || a < b) }'; }

cycles_of() {
  "$1" "${@:2}" --format csv |
    awk -F, 'NR == 1 { for (i = 1; i <= NF; i++) c[$i] = i; next } NR == 2 { print $c["cycles"] }'
}

printf 'load average: %s\n' "$(cut -d' ' -f1-3 /proc/loadavg)"

# 1. Time to result of the default run (no energy) and of make bench's run
# (bench.sh section 1: LSTM h1024 b1 t25, sharp-4k, energy priced); the
# two builds must print the same report, byte for byte.
ttr() {
  local label=$1 o n bo="" bn=""
  shift
  [ "$("$OLD" "$@" | md5sum)" = "$("$NEW" "$@" | md5sum)" ] ||
    { echo "bench-compare: the two builds disagree on the report of: $*" >&2; exit 1; }
  local co="" cn="" c
  for _ in $(seq "$RUNS"); do
    o=$(batch "$OLD" "$@")
    n=$(batch "$NEW" "$@")
    { [ -z "$bo" ] || [ "$o" -lt "$bo" ]; } && bo=$o
    { [ -z "$bn" ] || [ "$n" -lt "$bn" ]; } && bn=$n
    c=$(batch_cpu "$OLD" "$@")
    lt "$c" "$co" && co=$c
    c=$(batch_cpu "$NEW" "$@")
    lt "$c" "$cn" && cn=$c
  done
  awk -v o="$bo" -v n="$bn" -v b="$BATCH" -v l="$label" 'BEGIN {
    printf "%-34s %10.3f ms %10.3f ms   new/old %.3f   (wall)\n", l, o / b / 1e6, n / b / 1e6, n / o }'
  awk -v o="$co" -v n="$cn" -v b="$BATCH" 'BEGIN {
    printf "%-34s %10.3f ms %10.3f ms   new/old %.3f   (CPU, user + system)\n", "", o / b * 1e3, n / b * 1e3, n / o }'
}
ttr "time to result, default run" run --no-energy
ttr "time to result, make bench's run" run --workload workloads/deepbench/lstm_h1024_b1_t25.yaml
[ "${STEPPING:-1}" = 1 ] || exit 0

# 2. Stepping cost per simulated cycle, on layers long enough that
# start-up is a small part: DeepBench LSTM h1024 b1 at 1K (4000 steps), 4K
# (4000 steps) and 64K MACs (20000 steps), 0.2 to 0.7 s each, weights
# resident, the table's tile; wall and CPU time, each the best of RUNS.
# timed BIN ARGS...: "wall cpu" seconds of one run (cpu = user + system,
# which other jobs on the machine stretch far less than wall time). CPU is
# the child's as bash's `times` prints it, to the millisecond: these runs
# last 0.04 to 0.3 s, and /usr/bin/time's 10 ms ticks were 3 to 25 % of
# that.
timed() {
	local t0 t1 cpu
	t0=$(now_ns)
	cpu=$( (
		"$@" >/dev/null 2>&1
		times
	) | awk 'NR == 2 { split($1, u, /[ms]/); split($2, s, /[ms]/)
	  printf "%.4f", u[1] * 60 + u[2] + s[1] * 60 + s[2] }')
	t1=$(now_ns)
	awk -v w="$((t1 - t0))" -v c="$cpu" 'BEGIN { printf "%.4f %s\n", w / 1e9, c }'
}

# The stepped run fixes the tile the table gives the layer at its own T: a
# stretched T is another layer key, and without a fixed tile both builds
# would also time a tile exploration.
step_cost() {
	local hw=$1 steps=$2 label=$3 c ow oc nw nc bow="" boc="" bnw="" bnc="" tile
	tile=$("$NEW" run --hw "$hw" --workload workloads/deepbench/lstm_h1024_b1_t25.yaml --no-energy --format json |
		sed -n 's/.*"tile": "\(config[0-9]\)".*/\1/p' | head -1)
	local STEP=(run --hw "$hw" --workload workloads/deepbench/lstm_h1024_b1_t25.yaml
		-w "timesteps=$steps" -p "compute.tile=$tile" --no-energy --no-fast-forward)
	c=$(cycles_of "$NEW" "${STEP[@]}")
	[ "$(cycles_of "$OLD" "${STEP[@]}")" = "$c" ] ||
		{ echo "bench-compare: the two builds disagree on the stepped run's cycles ($label)" >&2; exit 1; }
	for _ in $(seq "$RUNS"); do
		read -r ow oc < <(timed "$OLD" "${STEP[@]}")
		read -r nw nc < <(timed "$NEW" "${STEP[@]}")
		lt "$ow" "$bow" && bow=$ow
		lt "$oc" "$boc" && boc=$oc
		lt "$nw" "$bnw" && bnw=$nw
		lt "$nc" "$bnc" && bnc=$nc
	done
	awk -v ow="$bow" -v oc="$boc" -v nw="$bnw" -v nc="$bnc" -v c="$c" -v l="$label" 'BEGIN {
	  printf "%-34s %10.2f ns %10.2f ns   new/old %.3f   (wall; %d cycles)\n", "stepping per cycle, " l, ow * 1e9 / c, nw * 1e9 / c, nw / ow, c
	  printf "%-34s %10.2f ns %10.2f ns   new/old %.3f   (CPU, user + system)\n", "", oc * 1e9 / c, nc * 1e9 / c, nc / oc }'
}
step_cost configs/sharp-1k.yaml 4000 "1K MACs"
step_cost configs/sharp-4k.yaml 4000 "4K MACs"
step_cost configs/sharp-64k.yaml 20000 "64K MACs"
printf 'load average: %s\n' "$(cut -d' ' -f1-3 /proc/loadavg)"
