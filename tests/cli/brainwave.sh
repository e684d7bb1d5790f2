#!/usr/bin/env bash
# The brainwave machine from the command line (docs/baselines/brainwave.md):
# its two configs load and run; the closed-form cycle count of the
# machine_brainwave suite (248 + 222 (T - 1) for an LSTM with H, I <= 400,
# batch 1) comes out of `sharpsim run`; the time per step is the same at
# H = 64 and 400 (native padding) and larger at 512; stepping
# (--no-fast-forward) prints the same report; input errors name the key or
# the layer and exit 2.
set -uo pipefail
cd "$(dirname "$0")/../.."
BIN=${SHARPSIM_BIN:-build/sharpsim}
BW=configs/baselines/brainwave-s10.yaml
NPU=configs/baselines/fpga-npu.yaml
WL=workloads/paper/lstm_h256_t25.yaml
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
pass=0 fail=0
ok() { pass=$((pass + 1)); }
bad() { fail=$((fail + 1)); echo "brainwave-cli: FAIL: $*"; }

# field CSV NAME: the run row's field NAME.
field() {
  /usr/bin/python3 -c '
import csv, sys
print([r for r in csv.DictReader(open(sys.argv[1])) if r["row"] == "run"][0][sys.argv[2]])' "$1" "$2"
}

# cycles HW H [args]: cycles of the LSTM at I = H.
cycles() {
  local hw=$1 h=$2
  shift 2
  "$BIN" run --hw "$hw" --workload "$WL" -w "hidden_size=$h" -w "input_size=$h" --format csv --no-energy "$@" \
    >"$T/c.csv" 2>"$T/err" || { bad "run $hw H=$h $*: $(cat "$T/err")"; echo 0; return; }
  field "$T/c.csv" cycles
}

c256=$(cycles $BW 256)
[ "$c256" = $((248 + 222 * 24)) ] && ok || bad "H=256 T=25: $c256 cycles, expected 248 + 222 * 24 = 5576"
c256h=$(cycles $BW 256 -p brainwave.program=hoisted)
[ "$c256h" = $((248 + 184 * 24)) ] && ok || bad "H=256 T=25 hoisted: $c256h cycles, expected 248 + 184 * 24 = 4664"
[ "$(cycles $BW 64)" = "$c256" ] && ok || bad "H=64 and H=256 differ (both pad to one native vector)"
[ "$(cycles $BW 400)" = "$c256" ] && ok || bad "H=400 and H=256 differ (both pad to one native vector)"
c512=$(cycles $BW 512)
[ "$c512" -gt "$c256" ] && ok || bad "H=512 ($c512) not slower than H=256 ($c256)"

# Stepping and fast-forward: the same report, byte for byte.
for hw in $BW $NPU; do
  "$BIN" run --hw $hw --workload workloads/deepbench/gru_h1024_b2_t1500.yaml --format json >"$T/fast.json" 2>/dev/null
  "$BIN" run --hw $hw --workload workloads/deepbench/gru_h1024_b2_t1500.yaml --format json --no-fast-forward \
    >"$T/step.json" 2>/dev/null
  if [ -s "$T/fast.json" ] && cmp -s "$T/fast.json" "$T/step.json"; then ok; else bad "$hw: stepping differs from fast-forward"; fi
done

# The report names the machine and its MAC units; energy is priced.
"$BIN" run --hw $BW --workload "$WL" >"$T/out.txt" 2>&1
grep -q "machine brainwave, 96000 MAC units, 250 MHz" "$T/out.txt" && ok || bad "text report lacks the machine line"
grep -q "technology brainwave" "$T/out.txt" && ok || bad "text report lacks the brainwave energy terms"

# Input errors: exit 2, one line naming what to change.
expect_error() { # PATTERN ARGS...
  local pattern=$1
  shift
  "$BIN" run "$@" >"$T/stdout" 2>"$T/stderr"
  local rc=$?
  if [ $rc -ne 2 ]; then bad "$* -> exit $rc, expected 2"; return; fi
  if [ "$(wc -l <"$T/stderr")" -ne 1 ]; then bad "$* -> stderr: $(cat "$T/stderr")"; return; fi
  grep -Eq "$pattern" "$T/stderr" && ok || bad "$* -> '$(cat "$T/stderr")' does not match /$pattern/"
}
expect_error "brainwave.lanes: must divide brainwave.native_dim" --hw $BW -p brainwave.lanes=30
expect_error "layer 1: cell lstm_peephole is not a BrainWave program" --hw $BW --workload "$WL" -w cell=lstm_peephole
expect_error "compute.vs_units" --hw $BW -p compute.vs_units=3

echo "brainwave-cli: $pass passed, $fail failed"
[ "$fail" -eq 0 ]
