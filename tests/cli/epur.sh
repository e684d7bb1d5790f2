#!/usr/bin/env bash
# The E-PUR machine through the command line (configs/baselines/epur-*.yaml,
# docs/baselines/epur.md):
#   - each budget runs the paper's LSTM H = 256 with the workload's MACs;
#   - at 1K (width 256, D = 1 + 8 + 1 = 10, L = D + 15 + 3 = 28) the cycles
#     are the closed form X + T*(Sh + L - 1), X = 256 slots * 25 steps * 1
#     segment = 6400, Sh = 256: 6400 + 25*(256 + 27) = 13475;
#   - a precompute store of 16 KiB holds 8 of the 25 steps (4 * 256 fp16 sums
#     a step = 2 KiB): one note line on stderr naming the key, 4 chunks;
#   - a store of 1 KiB holds no step: exit 2, one line naming the layer's
#     place in the file and the key; a GRU in reset_before_matmul form is
#     refused the same way;
#   - exact jumps over repeated steps give stepping's cycles and counters
#     (EESEN at 4K, --no-fast-forward against the default);
#   - the same inputs give byte-identical JSON.
set -uo pipefail
cd "$(dirname "$0")/../.."
BIN=${SHARPSIM_BIN:-build/sharpsim}
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
pass=0 fail=0
ok() { pass=$((pass + 1)); }
bad() { fail=$((fail + 1)); echo "epur: FAIL: $*"; }
wl=workloads/paper/lstm_h256_t25.yaml

field() { /usr/bin/python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); print(d[sys.argv[2]] if sys.argv[2] in d else d["counters"][sys.argv[2]])' "$@"; }

for b in 1k 4k 16k 64k; do
  if "$BIN" run --hw configs/baselines/epur-$b.yaml --workload $wl --format json --out "$T/$b.json" 2>"$T/err"; then
    [ "$(field "$T/$b.json" machine)" = epur ] && ok || bad "$b: machine is not epur"
    [ "$(field "$T/$b.json" useful_macs)" = 13107200 ] && ok || bad "$b: useful MACs $(field "$T/$b.json" useful_macs)"
  else
    bad "$b: run failed: $(cat "$T/err")"
  fi
done
[ "$(field "$T/1k.json" cycles)" = 13475 ] && ok || bad "1k: cycles $(field "$T/1k.json" cycles), expected 13475"

"$BIN" run --hw configs/baselines/epur-1k.yaml --workload $wl -p epur.precompute.bytes=16KiB --no-energy \
  --format json --out "$T/split.json" 2>"$T/err" || bad "split run failed: $(cat "$T/err")"
grep -q "epur.precompute.bytes) holds 8 of 25 steps; W.x ran in 4 chunks" "$T/err" && ok ||
  bad "split: note missing: $(cat "$T/err")"
[ "$(field "$T/split.json" precomp.chunks)" = 4 ] && ok || bad "split: chunks $(field "$T/split.json" precomp.chunks)"

expect_error() {
  local pattern=$1
  shift
  "$BIN" run "$@" --no-energy >"$T/stdout" 2>"$T/stderr"
  local rc=$?
  if [ "$rc" -ne 2 ]; then bad "$* -> exit $rc, expected 2"; return; fi
  if [ "$(wc -l <"$T/stderr")" -ne 1 ]; then bad "$* -> not one stderr line: $(cat "$T/stderr")"; return; fi
  grep -Eq "$pattern" "$T/stderr" && ok || bad "$* -> '$(cat "$T/stderr")' does not match /$pattern/"
}
expect_error '^workloads/paper/lstm_h256_t25.yaml:[0-9]+:[0-9]+: layer 1: .*epur.precompute.bytes' \
  --hw configs/baselines/epur-1k.yaml --workload $wl -p epur.precompute.bytes=1KiB
expect_error '^workloads/examples/gru_rbm.yaml:[0-9]+:[0-9]+: layer 1: .*gru_form' \
  --hw configs/baselines/epur-1k.yaml --workload workloads/examples/gru_rbm.yaml

# exact jumps: the cycles and every hardware counter of stepping
ee=workloads/networks/eesen_t300.yaml
"$BIN" run --hw configs/baselines/epur-4k.yaml --workload $ee --format json --no-energy --out "$T/ff.json" &&
  "$BIN" run --hw configs/baselines/epur-4k.yaml --workload $ee --format json --no-energy --no-fast-forward \
    --out "$T/step.json" || bad "eesen runs failed"
/usr/bin/python3 -c '
import json, sys
a, b = (json.load(open(p)) for p in sys.argv[1:])
diff = [k for k in a["counters"] if not k.startswith("sim.") and a["counters"][k] != b["counters"][k]]
sys.exit(1 if diff or a["cycles"] != b["cycles"] or a["counters"]["sim.jumped_cycles"] == 0 else 0)
' "$T/ff.json" "$T/step.json" && ok || bad "eesen 4k: jumping differs from stepping"

"$BIN" run --hw configs/baselines/epur-4k.yaml --workload $wl --format json --out "$T/again.json" 2>/dev/null
cmp -s "$T/4k.json" "$T/again.json" && ok || bad "4k: two runs differ"

# A sweep over a key of E-PUR's own section: checked against its table,
# one row per value, and the row engines shorten the padded run.
cat >"$T/sw.yaml" <<'EOF2'
hw: [configs/baselines/epur-4k.yaml]
workloads: [workloads/paper/lstm_h256_t25.yaml]
params:
  epur.dpu.rows: [1, 4]
EOF2
"$BIN" sweep "$T/sw.yaml" --out "$T/sw" >/dev/null 2>&1 &&
  /usr/bin/python3 -c '
import csv, sys
r = list(csv.DictReader(open(sys.argv[1])))
c = {x["epur.dpu.rows"]: int(x["cycles"]) for x in r}
sys.exit(0 if len(r) == 2 and c["4"] < c["1"] else 1)
' "$T/sw/results.csv" && ok || bad "sweep over epur.dpu.rows"
sed 's/epur.dpu.rows/epur.dpu.rowz/' "$T/sw.yaml" >"$T/sw_bad.yaml"
"$BIN" sweep "$T/sw_bad.yaml" --out "$T/sw_bad" >/dev/null 2>"$T/sw_bad.err"
[ $? -eq 2 ] && grep -q "sw_bad.yaml:4:3: unknown hardware key 'epur.dpu.rowz'" "$T/sw_bad.err" && ok ||
  bad "sweep with an unknown machine key: $(cat "$T/sw_bad.err")"

echo "epur: $pass passed, $fail failed"
[ "$fail" -eq 0 ]
