#!/usr/bin/env bash
# `sharpsim compare`: every row equals `sharpsim run` on the same inputs
# (cycles, latency, utilization, energy, power: an independent path through
# the same kernel), the ratios are the ones the header defines (recomputed
# here from the rows), --scheduler belongs to the --hw before it, a
# directory expands to its .yaml files in name order, the three formats
# agree, and bad input gives exit 2, one line on stderr, nothing on stdout
# and no --out file (an existing one is left untouched).
set -uo pipefail
cd "$(dirname "$0")/../.."
BIN=build/sharpsim
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
pass=0 fail=0
ok() { pass=$((pass + 1)); }
bad() { fail=$((fail + 1)); echo "compare: FAIL: $*"; }

HW4=configs/sharp-4k.yaml
HW1=configs/sharp-1k.yaml
WL=workloads/examples/lstm_stack2.yaml
WL2=workloads/examples/gru_rbm.yaml

# legacy FILE: the CSV's columns that this test reads, by name, in a fixed
# order (the CSV schema may add columns; positions below are this order's).
legacy() {
  awk -F, 'NR == 1 { for (i = 1; i <= NF; i++) c[$i] = i
      n = split("workload design hw scheduler eff_clock_mhz macs_per_cycle cycles latency_us utilization " \
        "useful_macs issued_macs weights_fit energy_uj avg_power_w area_mm2 speedup energy_ratio power_ratio", k, " ")
      if (!("schema" in c)) { print "no schema column" > "/dev/stderr"; exit 1 } }
    { line = ""; for (j = 1; j <= n; j++) line = line (j > 1 ? "," : "") $c[k[j]]; print line }' "$1" > "$1.legacy" &&
  mv "$1.legacy" "$1"
}

# json_num FILE KEY: the first top-level numeric KEY of a run report.
json_num() { sed -n "s/^  \"$2\": \([0-9.e+-]*\),\{0,1\}$/\1/p" "$1" | head -1; }

# 1. Rows equal `run`. Designs: 4K sequential, 4K unfolded, 1K (file's scheduler).
"$BIN" compare --hw $HW4 --scheduler sequential --hw $HW4 --scheduler unfolded --hw $HW1 \
  --workload $WL --workload $WL2 -p memory.weights=resident --format csv >"$T/c.csv" 2>"$T/err"
[ $? -eq 0 ] && ok || bad "compare exited non-zero: $(cat "$T/err")"
legacy "$T/c.csv" || bad "compare's CSV lacks the schema's columns"
[ "$(wc -l <"$T/c.csv")" -eq 7 ] && ok || bad "expected a header and 6 rows, got $(wc -l <"$T/c.csv") lines"
row=1
for wl in $WL $WL2; do
  for d in "$HW4 sequential" "$HW4 unfolded" "$HW1 unfolded"; do
    set -- $d
    row=$((row + 1))
    "$BIN" run --hw "$1" --scheduler "$2" --workload "$wl" -p memory.weights=resident --format json >"$T/r.json" 2>/dev/null
    line=$(sed -n "${row}p" "$T/c.csv")
    IFS=, read -r w des hw sch mhz mpc cyc lat util um im fit e p area sp er pr <<<"$line"
    [ "$sch" = "$2" ] && ok || bad "row $row: scheduler $sch, expected $2"
    [ "$cyc" = "$(json_num "$T/r.json" cycles)" ] && ok || bad "row $row ($des, $w): cycles $cyc, run says $(json_num "$T/r.json" cycles)"
    [ "$lat" = "$(json_num "$T/r.json" latency_us)" ] && ok || bad "row $row: latency $lat vs run $(json_num "$T/r.json" latency_us)"
    [ "$util" = "$(json_num "$T/r.json" utilization)" ] && ok || bad "row $row: utilization $util vs run $(json_num "$T/r.json" utilization)"
    # run prints energy with 6 decimals too: compare as numbers to 1e-6 relative.
    awk -v a="$e" -v b="$(json_num "$T/r.json" energy_uj)" 'BEGIN { exit !(b > 0 && (a - b) / b < 1e-6 && (b - a) / b < 1e-6) }' \
      && ok || bad "row $row: energy $e vs run $(json_num "$T/r.json" energy_uj)"
    awk -v a="$p" -v b="$(json_num "$T/r.json" avg_power_w)" 'BEGIN { exit !(b > 0 && (a - b) / b < 1e-6 && (b - a) / b < 1e-6) }' \
      && ok || bad "row $row: power $p vs run $(json_num "$T/r.json" avg_power_w)"
  done
done

# 2. Ratios against the first design of each workload, recomputed from the rows:
# speedup = lat0 / lat, energy_ratio = e / e0, power_ratio = p / p0. The rows
# print 6 decimals, so a ratio of printed values may differ from the tool's
# (computed before rounding) in the 6th digit: compare to 1e-5 relative.
awk -F, 'function off(a, b) { return (a - b) / b > 1e-5 || (b - a) / b > 1e-5 }
NR > 1 {
  if ($1 != w) { w = $1; l0 = $8; e0 = $13; p0 = $14 }
  if (off(l0 / $8, $16) || off($13 / e0, $17) || off($14 / p0, $18)) {
    print "row " NR ": " $16 "," $17 "," $18 " vs " l0 / $8 "," $13 / e0 "," $14 / p0; bad = 1 }
} END { exit bad }' "$T/c.csv" && ok || bad "ratios do not match their definition"
# The first design's own ratios are exactly 1.
awk -F, 'NR == 2 || NR == 5 { if ($16 != "1.000000" || $17 != "1.000000" || $18 != "1.000000") exit 1 }' "$T/c.csv" \
  && ok || bad "reference rows do not have ratio 1"

# 3. JSON and text carry the same numbers as CSV.
"$BIN" compare --hw $HW4 --scheduler sequential --hw $HW4 --scheduler unfolded --hw $HW1 \
  --workload $WL --workload $WL2 -p memory.weights=resident --format json >"$T/c.json" 2>/dev/null
python3 - "$T/c.json" "$T/c.csv" <<'EOF' && ok || bad "JSON disagrees with CSV"
import csv, json, sys
j = json.load(open(sys.argv[1]))
rows = list(csv.DictReader(open(sys.argv[2])))
flat = [r for w in j["workloads"] for r in w["results"]]
assert len(flat) == len(rows) == 6
for a, b in zip(flat, rows):
    assert a["design"] == b["design"] and a["cycles"] == int(b["cycles"]), (a, b)
    assert abs(a["speedup"] - float(b["speedup"])) < 1e-6 and abs(a["energy_ratio"] - float(b["energy_ratio"])) < 1e-6
EOF
"$BIN" compare --hw $HW4 --scheduler sequential --hw $HW4 --scheduler unfolded --hw $HW1 \
  --workload $WL -p memory.weights=resident >"$T/c.txt" 2>/dev/null
c2=$(sed -n 3p "$T/c.csv" | cut -d, -f7)
grep -Eq "^  sharp-4k/unfolded +$c2 " "$T/c.txt" && ok || bad "text report lacks sharp-4k/unfolded with $c2 cycles"

# 4. A directory expands to its .yaml files in name order.
"$BIN" compare --hw $HW4 --hw $HW1 --workload workloads/examples --format csv --no-energy >"$T/d.csv" 2>/dev/null
legacy "$T/d.csv" || bad "compare's CSV lacks the schema's columns"
got=$(awk -F, 'NR > 1 && NR % 2 == 0 { print $1 }' "$T/d.csv" | tr '\n' ' ')
want=$(for f in $(ls workloads/examples/*.yaml | sort); do sed -n 's/^name: *\([^ #]*\).*/\1/p' "$f"; done | tr '\n' ' ')
[ "$got" = "$want" ] && ok || bad "directory order: '$got', expected '$want'"
# --no-energy leaves the energy columns empty but keeps the speedup.
awk -F, 'NR > 1 && ($13 != "" || $16 == "") { exit 1 }' "$T/d.csv" && ok || bad "--no-energy columns"

# 5. Bad input: exit 2, one located line, no stdout, no --out file.
expect_error() {
  local pattern=$1
  shift
  rm -f "$T/out.csv"
  "$BIN" compare "$@" --out "$T/out.csv" >"$T/stdout" 2>"$T/stderr"
  local rc=$?
  if [ $rc -ne 2 ]; then bad "$* -> exit $rc, expected 2"; return; fi
  if [ "$(wc -l <"$T/stderr")" -ne 1 ]; then bad "$* -> stderr: $(cat "$T/stderr")"; return; fi
  if ! grep -Eq "$pattern" "$T/stderr"; then bad "$* -> '$(cat "$T/stderr")' does not match /$pattern/"; return; fi
  if [ -s "$T/stdout" ] || [ -e "$T/out.csv" ]; then bad "$* -> wrote output"; return; fi
  ok
}
LOC='^[^: ]+\.yaml:[0-9]+:[0-9]+: '
expect_error "^compare needs at least two designs" --hw $HW4 --workload $WL
expect_error "^compare needs a workload" --hw $HW4 --hw $HW1
expect_error "^option --scheduler 'batch' before any --hw" --scheduler batch --hw $HW4 --hw $HW1 --workload $WL
expect_error "already has --scheduler sequential, expected one --scheduler per --hw" \
  --hw $HW4 --scheduler sequential --scheduler batch --hw $HW1 --workload $WL
expect_error "^option -p 'scheduler=bogus': value 'bogus' of scheduler is not a valid choice" \
  --hw $HW4 --scheduler bogus --hw $HW1 --workload $WL
expect_error "${LOC}unknown key 'vs_unit' in compute" --hw $HW4 --hw tests/fixtures/config/unknown_key.yaml --workload $WL
expect_error "${LOC}unknown cell 'lsmt', expected one of lstm, gru" --hw $HW4 --hw $HW1 \
  --workload $WL --workload tests/fixtures/config/workload_bad_cell.yaml
expect_error "^missing\.yaml: cannot open" --hw $HW4 --hw $HW1 --workload missing.yaml
expect_error "^option --format 'xml': unknown format" --hw $HW4 --hw $HW1 --workload $WL --format xml
expect_error "^unknown option '--bogus'" --hw $HW4 --hw $HW1 --workload $WL --bogus
"$BIN" compare --hw $HW4 --hw $HW1 --workload $WL --out >"$T/stdout" 2>"$T/stderr"
[ $? -eq 2 ] && grep -q "^option --out: missing value, expected --out VALUE$" "$T/stderr" && [ ! -s "$T/stdout" ] \
  && ok || bad "--out without a value: $(cat "$T/stderr")"

# Designs of different machines: a -p applies to the designs whose machine
# has the key. SHARP's memory.weights passes E-PUR's design by, E-PUR's
# epur.dpu.rows passes SHARP's, and each design's row equals its own run
# with the overrides it takes; a key no design has is an error.
EP=configs/baselines/epur-1k.yaml
"$BIN" compare --hw $HW1 --hw $EP --workload $WL -p memory.weights=resident -p epur.dpu.rows=2 \
  --no-energy --format csv >"$T/mix.csv" 2>"$T/mix.err" || bad "mixed-machine compare failed: $(cat "$T/mix.err")"
"$BIN" run --hw $HW1 --workload $WL -p memory.weights=resident --no-energy --format csv >"$T/mix_s.csv" 2>/dev/null
"$BIN" run --hw $EP --workload $WL -p epur.dpu.rows=2 --no-energy --format csv >"$T/mix_e.csv" 2>/dev/null
cyc() { awk -F, -v col="$2" 'NR == 1 { for (i = 1; i <= NF; i++) c[$i] = i; next } NR == '"$3"' { print $c[col] }' "$1"; }
[ -n "$(cyc "$T/mix.csv" cycles 2)" ] && [ "$(cyc "$T/mix.csv" cycles 2)" = "$(cyc "$T/mix_s.csv" cycles 2)" ] &&
  [ "$(cyc "$T/mix.csv" cycles 3)" = "$(cyc "$T/mix_e.csv" cycles 2)" ] && [ "$(cyc "$T/mix.csv" scheduler 3)" = epur ] &&
  ok || bad "mixed-machine compare rows differ from their runs"
expect_error "^option -p 'epur.bogus=1': no design's machine has this key" --hw $HW4 --hw $EP --workload $WL -p epur.bogus=1

# A failed compare (the second workload is bad) leaves an existing --out alone.
echo keep >"$T/keep.csv"
"$BIN" compare --hw $HW4 --hw $HW1 --workload $WL --workload missing.yaml --out "$T/keep.csv" 2>/dev/null
[ "$(cat "$T/keep.csv")" = keep ] && [ "$(ls "$T" | grep -c keep)" -eq 1 ] && ok || bad "failed compare changed --out"

echo "compare: $pass passed, $fail failed"
[ "$fail" -eq 0 ] && [ "$pass" -gt 0 ]
