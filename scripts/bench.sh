#!/usr/bin/env bash
# `make bench`: the speed figures a user feels, each printed with the
# machine's load average (1, 5, 15 min) at the moment it was measured,
# because these machines are shared and a figure means little without it.
#
#   1. time to result: one `sharpsim run` of a DeepBench LSTM (h1024 b1
#      t25, the default sharp-4k, fast-forward on, energy priced), wall
#      clock per run: mean of BATCH runs, best of RUNS batches, next to
#      the same binary's empty start (`sharpsim --version`), interleaved,
#      the page faults of each (exact, GNU time's %R), and the CPU of each
#      as the process alone, started without a shell (scripts/spawn-cpu.py);
#   2. stepping (--no-fast-forward) ns per simulated cycle at 1K and 64K
#      MACs: the same LSTM stretched so that a run has 14 to 33 M cycles
#      (start-up is then under 1 % of it), wall / cycles and CPU (user +
#      system) / cycles, best of RUNS each: on a loaded machine the wall
#      figure grows with the other jobs, the CPU figure much less;
#      the tile the table gives the layer at its own T, fixed with
#      -p compute.tile (a stretched T is another layer key, which the
#      table does not hold: without the fixed tile the figure would time
#      a tile exploration too);
#   3. the full DeepBench study (scripts/studies/deepbench.yaml through
#      `sharpsim sweep`, fast-forward), wall and CPU time (user + system of
#      the sweeper and its workers; scripts/bench-sweep.sh --ff-only);
#   4. functional mode's MACs per host second next to a plain C loop, and
#      its peak RSS at T = 25 and T = 2500, plain, delta and bidirectional
#      (scripts/bench-functional.sh);
#   5. co-simulation cycles per second at 8x8 and 32x32 (cosim/bench.sh)
#      when the Verilator harnesses are built, else a line saying so;
#   6. SCALE-Sim next to sharpsim on one LSTM step's MVMs
#      (scripts/bench-scalesim.sh) when SCALE-Sim is importable, else a
#      line saying so;
#   7. streamed weights: one run of DeepBench's LSTM h2048 at 1K MACs with
#      its weights streamed from DRAM every step, at T = 25, 250 and 2500,
#      wall (best of RUNS): flat in T when the steady-state jump covers
#      the streamed steps, linear when they are stepped.
#
#   bash scripts/bench.sh                   # everything, RUNS=5
#   RUNS=3 BATCH=10 RSS_RUNS=1 bash scripts/bench.sh
#   SECTIONS="1 2" bash scripts/bench.sh    # only some sections
#   BIN=path/to/sharpsim bash scripts/bench.sh
#
# The Makefile passes COSIM_BINS="8x8=PATH:TILES 32x32=PATH:TILES" (the
# harnesses `make cosim-bench` would run); they are never built here.
# To compare two builds, use scripts/bench-compare.sh OLD NEW (interleaved).
set -euo pipefail
cd "$(dirname "$0")/.."
BIN=${BIN:-build/sharpsim}
RUNS=${RUNS:-5}
BATCH=${BATCH:-20}
SECTIONS=${SECTIONS:-1 2 3 4 5 6 7}
[ "$BIN" != build/sharpsim ] || make -s build/sharpsim >/dev/null
[ -x "$BIN" ] || { echo "bench: $BIN: not an executable, expected a sharpsim binary" >&2; exit 2; }
out=build/bench
mkdir -p "$out"
# A private copy: a rebuild in this tree while the benchmark runs must
# not change what is timed.
cp "$BIN" "$out/sharpsim-bench"
BIN=$out/sharpsim-bench

loadavg() { cut -d' ' -f1-3 /proc/loadavg; }
# Appends the load average at the time each line is printed.
with_load() { while IFS= read -r l; do printf '%-78s load %s\n' "$l" "$(loadavg)"; done; }
figure() { printf '%-44s %14s %s\n' "$1" "$2" "$3" | with_load; }
want() { case " $SECTIONS " in *" $1 "*) return 0 ;; esac; return 1; }
now_ns() { date +%s%N; }
# lower NAME VALUE: NAME takes VALUE when it is empty or VALUE is smaller
# (the best of several runs; integers or decimals).
lower() {
	if [ -z "${!1}" ] || awk -v a="$2" -v b="${!1}" 'BEGIN { exit !(a < b) }'; then
		printf -v "$1" '%s' "$2"
	fi
}
# ns of one `sharpsim "$@"`: the mean of BATCH in a row.
batch_ns() {
	local t0 t1
	t0=$(now_ns)
	for _ in $(seq "$BATCH"); do "$BIN" "$@" >/dev/null; done
	t1=$(now_ns)
	echo $(((t1 - t0) / BATCH))
}
# The minor page faults of one `sharpsim "$@"` (GNU time's %R).
faults() {
	/usr/bin/time -f %R -o "$out/faults.txt" "$BIN" "$@" >/dev/null
	tail -1 "$out/faults.txt"
}
cycles_of() {
	"$BIN" "$@" --format csv |
		awk -F, 'NR == 1 { for (i = 1; i <= NF; i++) c[$i] = i; next } NR == 2 { print $c["cycles"] }'
}

LSTM=workloads/deepbench/lstm_h1024_b1_t25.yaml
echo "sharpsim bench: $(nproc) cores, $BIN ($("$BIN" --version 2>/dev/null | head -1))"

if want 1; then
	echo "== 1. time to result: sharpsim run --workload $LSTM (sharp-4k, fast-forward)"
	# Next to it, interleaved, the same binary's empty start
	# (`sharpsim --version`: exec, the program's start, exit): the floor
	# this machine puts under any run. Machines differ in it by several
	# times (a page fault costs about 1 us on some and 10 us on others), so
	# the run's figure is read against it.
	best= floor=
	for _ in $(seq "$RUNS"); do
		lower best "$(batch_ns run --workload "$LSTM")"
		lower floor "$(batch_ns --version)"
	done
	figure "time to result, one run" "$(awk -v n="$best" 'BEGIN { printf "%.3f", n / 1e6 }')" \
		"ms wall (mean of $BATCH, best of $RUNS)"
	figure "  an empty start (sharpsim --version)" "$(awk -v n="$floor" 'BEGIN { printf "%.3f", n / 1e6 }')" \
		"ms wall (the same, interleaved)"
	# Page faults are counted exactly (GNU time's %R, minor faults), unlike
	# time, and on a machine whose faults are dear they are most of a run.
	if [ -x /usr/bin/time ]; then
		figure "  page faults, one run / an empty start" \
			"$(faults run --workload "$LSTM") / $(faults --version)" "minor faults (GNU time %R)"
	fi
	# The same two as processes alone: no shell's fork (whose copy of the
	# shell's page tables the loop above charges to each run), each run's
	# own CPU from wait4 (scripts/spawn-cpu.py).
	if [ -x /usr/bin/python3 ]; then
		own() { /usr/bin/python3 scripts/spawn-cpu.py "$RUNS" "$BATCH" "$BIN" "$@"; }
		figure "  CPU of the process alone, run / empty start" \
			"$(own run --workload "$LSTM" | awk '{ printf "%.3f", $1 * 1e3 }') / $(own --version |
				awk '{ printf "%.3f", $1 * 1e3 }')" "ms (posix_spawn, wait4; best of $RUNS)"
	fi
fi

if want 2; then
	echo "== 2. stepping (--no-fast-forward), $LSTM stretched (weights resident, the table's tile fixed)"
	for spec in 1k:4000 64k:80000; do
		b=${spec%%:*} t=${spec#*:}
		tile=$("$BIN" run --hw "configs/sharp-$b.yaml" --workload "$LSTM" --no-energy --format json |
			sed -n 's/.*"tile": "\(config[0-9]\)".*/\1/p' | head -1)
		args=(run --hw "configs/sharp-$b.yaml" --workload "$LSTM" -w "timesteps=$t" -p "compute.tile=$tile"
			--no-energy --no-fast-forward)
		c=$(cycles_of "${args[@]}")
		bw= bc=
		for _ in $(seq "$RUNS"); do
			/usr/bin/time -f '%e %U %S' -o "$out/time.txt" "$BIN" "${args[@]}" >/dev/null 2>&1
			read -r w u sy <"$out/time.txt"
			cpu=$(awk -v u="$u" -v s="$sy" 'BEGIN { print u + s }')
			lower bw "$w"
			lower bc "$cpu"
		done
		figure "stepping at ${b^^} MACs, T = $t, $tile" \
			"$(awk -v w="$bw" -v p="$bc" -v c="$c" 'BEGIN { printf "%.1f / %.1f", w * 1e9 / c, p * 1e9 / c }')" \
			"ns / cycle wall / CPU ($c cycles, best of $RUNS)"
	done
fi

if want 3; then
	echo "== 3. full DeepBench study (scripts/studies/deepbench.yaml, fast-forward, -j $(nproc))"
	bash scripts/bench-sweep.sh "$BIN" --ff-only -j "$(nproc)" | grep -v '^bench-sweep: deepbench study' | with_load
fi

if want 4; then
	echo "== 4. functional mode against a plain fp32 loop; peak RSS against T"
	SHARPSIM=$BIN RSS_RUNS=${RSS_RUNS:-1} bash scripts/bench-functional.sh | with_load
fi

if want 5; then
	echo "== 5. co-simulation (Verilator RTL compute unit in lockstep with the C model)"
	specs=()
	for s in ${COSIM_BINS:-}; do
		p=${s#*=}
		[ -x "${p%:*}" ] && specs+=("$s")
	done
	if [ ${#specs[@]} -eq 0 ]; then
		echo "co-simulation: skipped, the Verilator harnesses are not built (make cosim-bench builds and runs them)" |
			with_load
	else
		bash cosim/bench.sh "$RUNS" "--bench --oracle-every 0 --special 2 --valid 100 --out-ready 100" \
			"${specs[@]}" | grep '^cosim-bench' | with_load
	fi
fi

if want 6; then
	echo "== 6. SCALE-Sim next to sharpsim, one LSTM step's MVMs (H = 512, 32x32)"
	BIN=$BIN bash scripts/bench-scalesim.sh | with_load
fi

if want 7; then
	echo "== 7. streamed weights: LSTM h2048 at 1K MACs, memory.weights=stream, against T"
	for t in 25 250 2500; do
		args=(run --hw configs/sharp-1k.yaml --workload workloads/deepbench/lstm_h2048_b1_t25.yaml
			-w "timesteps=$t" -p memory.weights=stream --no-energy)
		c=$(cycles_of "${args[@]}" 2>/dev/null)
		bw=
		for _ in $(seq "$RUNS"); do
			/usr/bin/time -f '%e' -o "$out/time.txt" "$BIN" "${args[@]}" >/dev/null 2>&1
			w=$(cat "$out/time.txt")
			lower bw "$w"
		done
		figure "streamed h2048 at 1K, T = $t" "$bw" "s wall ($c cycles, best of $RUNS)"
	done
fi
