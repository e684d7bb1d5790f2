#!/usr/bin/env bash
# `sharpsim compare --per-layer` (docs/outputs.md):
#   - CSV: after each design's row (row=run), a row per layer pass
#     (row=layer, 1-based layer, forward then backward for a bidirectional
#     layer): 2 designs x a 2-layer workload = 2 run rows + 4 layer rows;
#   - one writer: every row, run or layer, is byte for byte the row
#     `run --per-layer` writes for the same inputs, but for compare's own
#     columns (design, speedup, energy_ratio, power_ratio);
#   - a pass's cycles and MACs add up to its run's (warm and --cold: the
#     first pass then includes the initial load, as in run);
#   - a layer row's speedup is the first design's latency of that pass over
#     this design's; its energy and power ratios are empty (whole-run only);
#   - without --per-layer the run rows are the same bytes;
#   - text: a table of every pass on every design; JSON: layers[] per
#     result, the same numbers as the CSV's layer rows; without --per-layer
#     the JSON has no layers[].
#   tests/compare/per_layer.sh [BIN]
set -u
cd "$(dirname "$0")/../.."
BIN=${1:-build/sharpsim}
PY=${PYTHON:-/usr/bin/python3}
T=$(mktemp -d "${TMPDIR:-/tmp}/sharpsim-cmp-pl.XXXXXX")
trap 'rm -rf "$T"' EXIT
fail=0
bad() { echo "compare per-layer: FAIL: $*" >&2; fail=1; }
HW1=configs/sharp-1k.yaml
HW4=configs/sharp-4k.yaml
WL=workloads/examples/lstm_stack2.yaml
WB=workloads/examples/lstm_tiny.yaml

# cmp_run NAME WL PASSES [OPTION...]: compare's rows of sharp-1k and
# sharp-4k/sequential against run --per-layer of each, column by column.
cmp_run() {
	local name=$1 wl=$2 passes=$3
	shift 3
	"$BIN" compare --hw $HW1 --hw $HW4 --scheduler sequential --workload "$wl" --per-layer --format csv "$@" \
		>"$T/$name.csv" 2>/dev/null || { bad "$name: compare failed"; return; }
	"$BIN" run --hw $HW1 --workload "$wl" --per-layer --format csv "$@" >"$T/$name.r1" 2>/dev/null &&
		"$BIN" run --hw $HW4 --scheduler sequential --workload "$wl" --per-layer --format csv "$@" \
			>"$T/$name.r2" 2>/dev/null || { bad "$name: run failed"; return; }
	"$PY" - "$T/$name.csv" "$T/$name.r1" "$T/$name.r2" "$passes" <<'PY' || bad "$name: compare's rows disagree with run's"
import csv, sys
rows = list(csv.DictReader(open(sys.argv[1])))
runs = [list(csv.DictReader(open(p))) for p in sys.argv[2:4]]
passes = int(sys.argv[4])
# Exact counts and order: each design's run row, then its passes.
assert len(rows) == 2 * (1 + passes), len(rows)
assert [r["row"] for r in rows] == (["run"] + ["layer"] * passes) * 2, [r["row"] for r in rows]
own = {"design", "speedup", "energy_ratio", "power_ratio"}
for d in range(2):
    mine, ref = rows[d * (1 + passes):(d + 1) * (1 + passes)], runs[d]
    assert len(ref) == len(mine), (len(ref), len(mine))
    for a, b in zip(mine, ref):
        for k in b:
            assert k in own or a[k] == b[k], (k, a[k], b[k])
        assert a["design"] == a["hw"] + "/" + a["scheduler"], a
    run, layers = mine[0], mine[1:]
    for k in ("cycles", "useful_macs", "issued_macs"):
        assert sum(int(l[k]) for l in layers) == int(run[k]), (k, run, layers)
    for l in layers:
        assert l["energy_ratio"] == "" and l["power_ratio"] == "" and l["energy_uj"] == "", l
        assert l["load_cycles"] == "" and l["idle_dependency"] == "" and l["tile"], l
# A pass's speedup: the first design's latency of the same pass over this one's.
base = rows[1:1 + passes]
for d in range(2):
    for i, l in enumerate(rows[d * (1 + passes) + 1:(d + 1) * (1 + passes)]):
        b = base[i]
        assert (l["layer"], l["pass"]) == (b["layer"], b["pass"]), (l, b)
        want = float(b["latency_us"]) / float(l["latency_us"])
        assert abs(float(l["speedup"]) - want) <= 1e-5 * want, (l["speedup"], want)
PY
}
cmp_run warm "$WL" 2
cmp_run cold "$WL" 2 --cold
cmp_run bidir "$WB" 2 -w direction=bidirectional
cut -d, -f4-6 "$T/bidir.csv" | tr '\n' ' ' | grep -q "^row,layer,pass run,, layer,1,forward layer,1,backward run,, layer,1,forward layer,1,backward $" ||
	bad "bidirectional rows: $(cut -d, -f4-6 "$T/bidir.csv" | tr '\n' ' ')"

# Without --per-layer: the same run rows, byte for byte.
"$BIN" compare --hw $HW1 --hw $HW4 --scheduler sequential --workload $WL --format csv >"$T/plain.csv" 2>/dev/null
awk -F, '$4 != "layer"' "$T/warm.csv" | cmp -s - "$T/plain.csv" || bad "run rows change with --per-layer"

# Text: the summary, then a row per pass and design.
"$BIN" compare --hw $HW1 --hw $HW4 --scheduler sequential --workload $WL --per-layer >"$T/t.txt" 2>/dev/null ||
	bad "text --per-layer failed"
[ "$(grep -Ec '^  [12] +forward +sharp-(1k/unfolded|4k/sequential) +[0-9]+ ' "$T/t.txt")" = 4 ] ||
	bad "the text table lacks its 4 pass rows: $(cat "$T/t.txt")"
c=$(awk -F, '$4 == "layer" && $5 == 2 && $10 == "sharp-4k/sequential" { print $19 }' "$T/warm.csv")
grep -Eq "^  2 +forward +sharp-4k/sequential +$c " "$T/t.txt" || bad "text layer 2 on sharp-4k lacks $c cycles"

# JSON: layers[] per result, as the CSV's layer rows (bidirectional: 2 passes).
"$BIN" compare --hw $HW1 --hw $HW4 --scheduler sequential --workload $WB -w direction=bidirectional --per-layer \
	--format json >"$T/b.json" 2>/dev/null || bad "json --per-layer failed"
"$BIN" compare --hw $HW1 --hw $HW4 --scheduler sequential --workload $WB -w direction=bidirectional \
	--format json >"$T/b0.json" 2>/dev/null || bad "json failed"
"$PY" - "$T/b.json" "$T/bidir.csv" "$T/b0.json" <<'PY' || bad "JSON layers[] disagree with the CSV's layer rows"
import csv, json, sys
j = json.load(open(sys.argv[1]))
rows = [r for r in csv.DictReader(open(sys.argv[2])) if r["row"] == "layer"]
layers = [(r["design"], l) for w in j["workloads"] for r in w["results"] for l in r["layers"]]
assert len(layers) == len(rows) == 4, (len(layers), len(rows))
for (design, l), c in zip(layers, rows):
    assert design == c["design"] and str(l["layer"]) == c["layer"] and l["pass"] == c["pass"], (l, c)
    assert str(l["cycles"]) == c["cycles"] and l["tile"] == c["tile"] and l["weights"] == c["weights"], (l, c)
    for k in ("latency_us", "utilization", "speedup"):
        assert abs(l[k] - float(c[k])) < 1e-6, (k, l, c)
plain = json.load(open(sys.argv[3]))
assert all("layers" not in r for w in plain["workloads"] for r in w["results"])
for w in j["workloads"]:
    for r in w["results"]:
        del r["layers"]
assert j == plain, "--per-layer changed the JSON besides layers[]"
PY

[ "$fail" = 0 ] && echo "compare per-layer: ok (row counts, one writer with run, sums, pass speedups, text, json)"
exit "$fail"
