#!/usr/bin/env bash
# Worst-case time and memory of the hostile-input limit cases (#11): each
# input is run RUNS times (default 3); the best wall time and the largest
# peak RSS are printed, with the exit status. With BASE=path/to/sharpsim an
# older binary is measured too, each run capped at CAP seconds (default 10)
# so that inputs it cannot handle show as a timeout instead of a hang.
#
# usage: scripts/bench-limits.sh [build/sharpsim]
set -uo pipefail
cd "$(dirname "$0")/.."
BIN=${1:-build/sharpsim}
BASE=${BASE:-}
RUNS=${RUNS:-3}
CAP=${CAP:-10}
PY=${PYTHON:-/usr/bin/python3}
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT

$PY - "$T" <<'PYEOF'
import sys
t = sys.argv[1]
open(t + "/deep10m.yaml", "w").write("a: " + "[" * (10 << 20) + "\n")
open(t + "/deep80k.yaml", "w").write("a: " + "[" * 80000 + "\n")
open(t + "/keys1m.yaml", "w").write("".join("k%d: 1\n" % i for i in range(10**6)))
open(t + "/keys50k.yaml", "w").write("".join("k%d: 1\n" % i for i in range(50000)))
ten = lambda f: "[" + ", ".join(f(v) for v in range(1, 11)) + "]"
axes = {"clock_mhz": ten(lambda v: str(100 * v)), "memory.dram_latency": ten(str),
        "memory.dram_gbps": ten(str), "name": ten(lambda v: "n%d" % v)}
wl_axes = {"timesteps": ten(str), "batch_size": ten(str), "hidden_size": ten(lambda v: str(8 * v))}
open(t + "/spec1e7.yaml", "w").write(
    "hw: [configs/sharp-1k.yaml]\nworkloads: [workloads/examples/lstm_tiny.yaml]\nenergy: false\nparams:\n" +
    "".join("  %s: %s\n" % kv for kv in axes.items()) + "workload_params:\n" +
    "".join("  %s: %s\n" % kv for kv in wl_axes.items()))
open(t + "/spec14k.yaml", "w").write(
    "hw: [configs/sharp-1k.yaml]\nworkloads: [workloads/examples/lstm_tiny.yaml]\nenergy: false\nparams:\n"
    "  clock_mhz: [%s]\n  memory.dram_latency: [%s]\n  memory.dram_gbps: [%s]\n"
    "workload_params:\n  timesteps: [%s]\n" % (", ".join(str(100 * v) for v in range(1, 13)),
    ", ".join(str(v) for v in range(1, 13)), ", ".join(str(v) for v in range(1, 11)),
    ", ".join(str(v) for v in range(1, 11))))
PYEOF

# measure LABEL BINARY ARGS...: best wall seconds, max RSS MB, exit status.
measure() {
  local label=$1 bin=$2
  shift 2
  local best="" rss=0 rc=0
  for _ in $(seq "$RUNS"); do
    /usr/bin/time -f "%e %M" -o "$T/time" timeout "$CAP" "$bin" "$@" >/dev/null 2>"$T/err"
    rc=$?
    read -r s kb < <(tail -n 1 "$T/time") || { s=$CAP; kb=0; }
    [ "$rc" -eq 124 ] && s=">$CAP"
    if [ -z "$best" ] || { [ "${s#>}" = "$s" ] && awk "BEGIN{exit !($s < ${best#>})}"; }; then best=$s; fi
    [ "${kb:-0}" -gt "$rss" ] && rss=$kb
  done
  printf '%-34s %-12s %8s s %8.1f MB  exit %s\n' "$label" "$(basename "$(dirname "$(dirname "$bin")")")/$(basename "$bin")" \
    "$best" "$(echo "$rss / 1024" | bc -l)" "$rc"
}

cases() {
  local b=$1
  measure "10 MB deep nesting (--hw)" "$b" run --hw "$T/deep10m.yaml"
  measure "80 KB deep nesting (--hw)" "$b" run --hw "$T/deep80k.yaml"
  measure "10^6 keys (--hw)" "$b" run --hw "$T/keys1m.yaml"
  measure "50,000 keys (--hw)" "$b" run --hw "$T/keys50k.yaml"
  measure "/dev/zero as --hw" "$b" run --hw /dev/zero
  measure "/dev/zero as --workload" "$b" run --workload /dev/zero
  measure "/dev/zero as a sweep spec" "$b" sweep /dev/zero --out "$T/s0" --quiet
  measure "10^7-point sweep spec" "$b" sweep "$T/spec1e7.yaml" --out "$T/s1" --quiet
  measure "14,400-point spec, expansion only" "$b" sweep "$T/spec14k.yaml" --emit-jobs="$T/jobs.sh" --quiet
}

echo "best of $RUNS runs; peak RSS; each run capped at $CAP s"
cases "$BIN"
[ -n "$BASE" ] && cases "$BASE"
exit 0
