#!/usr/bin/env bash
# SCALE-Sim next to sharpsim on the same MVM work: one LSTM step's
# matrix-vector products at H = I = 512, B = 1 (the four gates' W.x and
# U.h: a 2048 x 1024 weight matrix times one 1024-vector) on a 32 x 32
# array. sharpsim runs configs/sharp-1k.yaml (N = 32 VS units of K = 32)
# on an LSTM layer with T = 1; SCALE-Sim runs the same product written as
# a 1 x 1 convolution (a 1 x 1 input of 1024 channels, 2048 filters of
# 1 x 1), weight-stationary, on a 32 x 32 systolic array. Each tool is timed
# as a whole process (/usr/bin/time: user + system CPU, peak RSS), best of
# RUNS rounds for sharpsim (each BATCH runs for the CPU time, default 200:
# /usr/bin/time counts in 10 ms ticks, so a batch of 50 resolved a 2 ms run
# to 0.2 ms, a tenth of the figure) and of
# SCALESIM_RUNS for SCALE-Sim (slow: seconds per run), and the ratios
# SCALE-Sim / sharpsim are printed. Beside them: /bin/true in the same loop
# (the floor every process pays there), and sharpsim's own CPU when no
# shell forks it (posix_spawn, the child's rusage from wait4).
#
# SCALE-Sim is used only when a `scalesim` Python package is importable by
# /usr/bin/python3: installed (pip install scalesim, in an environment of
# your own), or run from a source tree named by SCALESIM_SRC (the directory
# that holds the `scalesim` package, e.g. an unpacked scale-sim-v2
# checkout; it needs numpy, pandas, absl-py and tqdm, which Debian packages
# as python3-numpy, python3-pandas, python3-absl and python3-tqdm). There
# is no default source directory. Otherwise the script says so and exits
# 0. It never downloads anything.
#
#   bash scripts/bench-scalesim.sh
#   SCALESIM_SRC=path/to/scale-sim-v2 bash scripts/bench-scalesim.sh
#   BIN=build/sharpsim RUNS=5 SCALESIM_RUNS=1 bash scripts/bench-scalesim.sh
set -euo pipefail
cd "$(dirname "$0")/.."
BIN=${BIN:-build/sharpsim}
RUNS=${RUNS:-5}
SCALESIM_RUNS=${SCALESIM_RUNS:-1}
PY=/usr/bin/python3
if [ -n "${SCALESIM_SRC:-}" ]; then
	[ -d "$SCALESIM_SRC/scalesim" ] || {
		echo "bench-scalesim: SCALESIM_SRC=$SCALESIM_SRC has no scalesim/ package directory, expected a SCALE-Sim source tree" >&2
		exit 2
	}
	PYTHONPATH=$(cd "$SCALESIM_SRC" && pwd)${PYTHONPATH:+:$PYTHONPATH}
	export PYTHONPATH
fi
if ! err=$("$PY" -c 'import scalesim.scale_sim' 2>&1); then
	if [ -n "${SCALESIM_SRC:-}" ]; then
		echo "bench-scalesim: SCALE-Sim in $SCALESIM_SRC does not import with $PY: $(printf '%s' "$err" | tail -1)" >&2
		exit 2
	fi
	echo "bench-scalesim: SCALE-Sim is not installed (no importable scalesim package for $PY; SCALESIM_SRC names a source tree); skipped"
	exit 0
fi
[ "$BIN" != build/sharpsim ] || make -s build/sharpsim >/dev/null
out=build/bench/scalesim
rm -rf "$out"
mkdir -p "$out"

cat >"$out/lstm_h512_t1.yaml" <<'YAML'
name: lstm_h512_t1
layers:
  - cell: lstm
    input_size: 512
    hidden_size: 512
    timesteps: 1
    batch_size: 1
YAML
cat >"$out/lstm_step.csv" <<'CSV'
Layer name, IFMAP Height, IFMAP Width, Filter Height, Filter Width, Channels, Num Filter, Strides,
lstm_h512_step, 1, 1, 1, 1, 1024, 2048, 1,
CSV
cat >"$out/scale.cfg" <<'CFG'
[general]
run_name = lstm_h512_step_32x32

[architecture_presets]
ArrayHeight:    32
ArrayWidth:     32
IfmapSramSzkB:    64
FilterSramSzkB:   4096
OfmapSramSzkB:    64
IfmapOffset:    0
FilterOffset:   10000000
OfmapOffset:    20000000
Dataflow : ws
Bandwidth : 10
MemoryBanks: 1

[run_presets]
InterfaceBandwidth: CALC
CFG
# The driver passes only the arguments this SCALE-Sim's constructor takes
# (versions differ: v3 adds a layout file, some take input_type_gemm).
cat >"$out/run_scalesim.py" <<'PY'
import inspect, sys
from scalesim.scale_sim import scalesim
cfg, topo, logs = sys.argv[1:4]
want = dict(save_disk_space=True, verbose=False, config=cfg, topology=topo)
params = inspect.signature(scalesim.__init__).parameters
s = scalesim(**{k: v for k, v in want.items() if k in params})
s.run_scale(top_path=logs)
PY

# best CPU seconds per run and lowest peak RSS (KB) over N rounds of a
# command, each round BATCH runs in a row (/usr/bin/time counts CPU in
# 10 ms ticks, too coarse for one sharpsim run) and one run for the RSS:
# prints "cpu rss".
best_of() {
	local n=$1 batch=$2 bc= br= u s m c
	shift 2
	for _ in $(seq "$n"); do
		/usr/bin/time -f '%U %S' -o "$out/time.txt" bash -c \
			'for _ in $(seq "$0"); do "$@" >/dev/null 2>&1 || exit 1; done' "$batch" "$@" ||
			{ echo "bench-scalesim: failed: $*" >&2; exit 1; }
		read -r u s < <(tail -1 "$out/time.txt")
		c=$(awk -v u="$u" -v s="$s" -v b="$batch" 'BEGIN { printf "%.6f", (u + s) / b }')
		/usr/bin/time -f '%M' -o "$out/time.txt" "$@" >/dev/null 2>&1
		m=$(tail -1 "$out/time.txt")
		{ [ -z "$bc" ] || awk -v a="$c" -v b="$bc" 'BEGIN { exit !(a < b) }'; } && bc=$c
		{ [ -z "$br" ] || [ "$m" -lt "$br" ]; } && br=$m
	done
	echo "$bc $br"
}

read -r sc sr < <(best_of "$RUNS" "${BATCH:-200}" "$BIN" run --hw configs/sharp-1k.yaml --workload "$out/lstm_h512_t1.yaml")
# The floor under sharpsim's figure: an empty program (/bin/true) in the
# same loop pays the fork, the exec and its page faults too. Machines
# differ in it by several times (a page fault costs about 1 us on some,
# 10 us on others), so the ratio is only comparable between machines with
# it beside it.
read -r fc _ < <(best_of "$RUNS" "${BATCH:-200}" /bin/true)
# The process alone: each run started with posix_spawn (no copy of a
# shell's page tables) and its own CPU read from wait4's rusage, from the
# spawn to its exit, exec and start included; mean of BATCH runs, best of
# RUNS. This is the tool's own cost; the loop above adds the shell's fork.
own_cpu() {
	"$PY" scripts/spawn-cpu.py "$RUNS" "${BATCH:-200}" "$@"
}
so=$(own_cpu "$BIN" run --hw configs/sharp-1k.yaml --workload "$out/lstm_h512_t1.yaml")
fo=$(own_cpu /bin/true)
read -r pc pr < <(best_of "$SCALESIM_RUNS" 1 "$PY" "$out/run_scalesim.py" "$out/scale.cfg" "$out/lstm_step.csv" "$out/logs")
awk -v sc="$sc" -v sr="$sr" -v pc="$pc" -v pr="$pr" -v fc="$fc" -v so="$so" -v fo="$fo" 'BEGIN {
	printf "bench-scalesim: sharpsim  %10.4f s CPU %8.1f MB peak RSS\n", sc, sr / 1024
	printf "bench-scalesim: SCALE-Sim %10.4f s CPU %8.1f MB peak RSS\n", pc, pr / 1024
	printf "bench-scalesim: /bin/true %10.4f s CPU (the floor: fork, exec and start of an empty program)\n", fc
	printf "bench-scalesim: SCALE-Sim / sharpsim %.0fx CPU, %.0fx memory\n", pc / sc, pr / sr
	printf "bench-scalesim: the process alone (posix_spawn, wait4): sharpsim %.4f s CPU, /bin/true %.4f s\n", so, fo
	printf "bench-scalesim: SCALE-Sim / sharpsim, the process alone %.0fx CPU\n", pc / so }'
