#!/usr/bin/env bash
# `sharpsim run --hw configs/baselines/rnnaccel.yaml`: RNNAccel's own
# machine through the command line. The tiny cases' cycle counts are the
# closed forms derived in tests/test_machine_rnnaccel.c (GRU I=2 H=4 T=2 +
# fc 4->3: 38 + 3D; fc I=64 H=32 with 16-bit weights: 128 + 15 + D); the
# KWS run must report the workload's MACs exactly, a power in milliwatts
# for the accelerator's own classes, and the same bytes twice.
set -uo pipefail
cd "$(dirname "$0")/../.."
BIN=${SHARPSIM_BIN:-build/sharpsim}
HW=configs/baselines/rnnaccel.yaml
KWS=workloads/networks/rnnaccel_kws.yaml
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
pass=0 fail=0
ok() { pass=$((pass + 1)); }
bad() { fail=$((fail + 1)); echo "rnnaccel: FAIL: $*"; }

# json_get FILE EXPR: a Python expression over the report `d`.
json_get() { /usr/bin/python3 -c "import json,sys; d=json.load(open(sys.argv[1])); print($2)" "$1"; }

cat >"$T/tiny.yaml" <<'YAML'
name: tiny
layers:
  - cell: gru
    input_size: 2
    hidden_size: 4
    timesteps: 2
    batch_size: 1
  - cell: fc
    input_size: 4
    hidden_size: 3
    timesteps: 1
    batch_size: 1
YAML
cat >"$T/fc.yaml" <<'YAML'
name: fc
layers:
  - cell: fc
    input_size: 64
    hidden_size: 32
    timesteps: 1
    batch_size: 1
YAML

# expect_cycles N ARGS...
expect_cycles() {
  local want=$1
  shift
  if ! "$BIN" run --hw $HW --format json "$@" >"$T/r.json" 2>"$T/err"; then
    bad "$* failed: $(cat "$T/err")"
    return
  fi
  local got
  got=$(json_get "$T/r.json" "d['cycles']")
  if [ "$got" = "$want" ]; then ok; else bad "$* -> $got cycles, expected $want"; fi
}
expect_cycles 50 --workload "$T/tiny.yaml"
expect_cycles 59 --workload "$T/tiny.yaml" -p rnnaccel.act_depth=7
expect_cycles 99 --workload "$T/fc.yaml"
expect_cycles 147 --workload "$T/fc.yaml" -p rnnaccel.weight_bits=16

# KWS: the workload's MACs, 10 x (3 x 154 x 164 + 154 x 12) = 776160;
# idle causes that add up; the accelerator's power in milliwatts.
if "$BIN" run --hw $HW --workload $KWS --format json >"$T/kws.json" 2>"$T/err"; then
  [ "$(json_get "$T/kws.json" "d['useful_macs']")" = 776160 ] && ok || bad "kws useful MACs"
  [ "$(json_get "$T/kws.json" "d['machine']")" = rnnaccel ] && ok || bad "kws machine"
  mw=$(json_get "$T/kws.json" \
    "sum(d['energy']['classes'][c]['power_w'] for c in ('compute','sram','act'))*1e3")
  /usr/bin/python3 -c "import sys; sys.exit(not 0.1 < float(sys.argv[1]) < 100)" "$mw" && ok ||
    bad "kws accelerator power $mw mW is not milliwatts"
  u=$(json_get "$T/kws.json" "d['utilization']")
  /usr/bin/python3 -c "import sys; sys.exit(not 0 < float(sys.argv[1]) <= 1)" "$u" && ok || bad "kws utilization $u"
  "$BIN" run --hw $HW --workload $KWS --format json >"$T/kws2.json" 2>/dev/null
  cmp -s "$T/kws.json" "$T/kws2.json" && ok || bad "kws: two runs differ"
else
  bad "kws run failed: $(cat "$T/err")"
fi

# --cold adds exactly the load cycles.
w=$("$BIN" run --hw $HW --workload $KWS --format json 2>/dev/null | /usr/bin/python3 -c \
  "import json,sys; d=json.load(sys.stdin); print(d['cycles'] + d['load_cycles'])")
c=$("$BIN" run --hw $HW --workload $KWS --format json --cold 2>/dev/null | /usr/bin/python3 -c \
  "import json,sys; d=json.load(sys.stdin); print(d['cycles'])")
[ -n "$w" ] && [ "$w" = "$c" ] && ok || bad "--cold: $c cycles, expected warm + load = $w"

# A cell the machine does not have: one line naming the layer, exit 2.
printf 'name: p\nlayers:\n  - cell: lstm_peephole\n    input_size: 4\n    hidden_size: 4\n    timesteps: 2\n    batch_size: 1\n' \
  >"$T/peep.yaml"
"$BIN" run --hw $HW --workload "$T/peep.yaml" >"$T/out" 2>"$T/err"
rc=$?
if [ $rc -eq 2 ] && [ "$(wc -l <"$T/err")" -eq 1 ] && grep -q "layer 1: cell 'lstm_peephole' is not one RNNAccel's datapath computes" "$T/err" &&
  [ ! -s "$T/out" ]; then ok; else bad "peephole: exit $rc, '$(cat "$T/err")'"; fi

# The baseline file holds the table's defaults, key for key.
printf 'machine: rnnaccel\nname: rnnaccel\nclock_mhz: 250\n' >"$T/defaults.yaml"
if diff <("$BIN" config --hw "$T/defaults.yaml") <("$BIN" config --hw $HW) >"$T/diff"; then ok; else
  bad "$HW differs from the defaults: $(cat "$T/diff")"; fi

echo "rnnaccel: $pass passed, $fail failed"
[ "$fail" -eq 0 ]
