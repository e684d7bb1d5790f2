#!/usr/bin/env bash
# Output files and small things (docs/outputs.md):
#   - run, compare and sweep CSVs share one schema: the same head columns
#     (schema first, value 4) and the same result columns in the same order;
#   - run --per-layer adds one row=layer row per pass, whose cycles and
#     useful MACs add up to the run row's;
#   - --dump-config writes the effective config as files that load back
#     with the same config_hash and cycles;
#   - -j2 is accepted like -j 2, -jx refused;
#   - the demo table's columns line up;
#   - sweep results, journal and figures are 0666 & ~umask (0640 under 027).
#   tests/tools/outputs.sh [BIN]
set -u
BIN=${1:-build/sharpsim}
PY=${PYTHON:-/usr/bin/python3}
T=$(mktemp -d "${TMPDIR:-/tmp}/sharpsim-outputs.XXXXXX")
trap 'rm -rf "$T"' EXIT
fail=0
bad() { echo "outputs test: FAIL: $*" >&2; fail=1; }
WL=workloads/examples/lstm_stack2.yaml

"$BIN" run --workload $WL --format csv --per-layer > "$T/run.csv" || bad "run --per-layer failed"
"$BIN" compare --hw configs/sharp-1k.yaml --hw configs/sharp-4k.yaml --workload $WL --format csv \
	> "$T/cmp.csv" 2>/dev/null || bad "compare failed"
(umask 027 && "$BIN" sweep tests/sweep/fixtures/group.yaml --out "$T/sw" --quiet -j2) || bad "sweep -j2 failed"
"$PY" - "$T/run.csv" "$T/cmp.csv" "$T/sw/results.csv" <<'PY' || bad "the three CSVs do not share one schema"
import csv, sys
heads = [next(csv.reader(open(p))) for p in sys.argv[1:]]
run, cmp, sw = heads
assert run[:10] == ["schema", "version", "config_hash", "row", "layer", "pass", "hw", "workload", "scheduler",
                    "design"], run
assert cmp[:len(run)] == run, cmp
assert sw[:10] == run[:10], sw
# The sweep's swept keys sit between the head and the results.
results = run[10:]
assert sw[-len(results):] == results, sw
for p in sys.argv[1:]:
    rows = list(csv.DictReader(open(p)))
    assert rows and all(r["schema"] == "4" for r in rows), p
PY
"$PY" - "$T/run.csv" <<'PY' || bad "per-layer rows do not add up to the run row"
import csv, sys
rows = list(csv.DictReader(open(sys.argv[1])))
run = [r for r in rows if r["row"] == "run"]
layers = [r for r in rows if r["row"] == "layer"]
assert len(run) == 1 and [r["layer"] for r in layers] == ["1", "2"], rows
assert sum(int(r["cycles"]) for r in layers) == int(run[0]["cycles"])
assert sum(int(r["useful_macs"]) for r in layers) == int(run[0]["useful_macs"])
assert all(r["tile"] and r["pass"] == "forward" and r["energy_uj"] == "" for r in layers)
PY
"$BIN" run --per-layer 2>/dev/null >/dev/null
[ $? = 2 ] || bad "--per-layer without --format csv was accepted"

# --dump-config loads back.
"$BIN" run --workload $WL -p compute.vs_units=64 -w timesteps=7 --no-energy --format json \
	--dump-config "$T/cfg" > "$T/a.json" || bad "--dump-config failed"
"$BIN" run --hw "$T/cfg/hw.yaml" --workload "$T/cfg/workload.yaml" --no-energy --format json > "$T/b.json" ||
	bad "the dumped config does not load"
for k in config_hash cycles; do
	[ "$(grep -m1 "\"$k\"" "$T/a.json")" = "$(grep -m1 "\"$k\"" "$T/b.json")" ] ||
		bad "dumped config: $k differs"
done

# -jN.
"$BIN" sweep tests/sweep/fixtures/group.yaml --out "$T/jx" -jx 2> "$T/err"
[ $? = 2 ] && grep -q "option -j 'x'" "$T/err" || bad "-jx was not refused"

# The demo table.
DEMO_TABLE_ONLY=1 DEMO_WORKLOADS="workloads/examples/lstm_tiny.yaml workloads/examples/vanilla.yaml" \
	bash scripts/demo.sh > "$T/demo" 2>&1 || bad "demo failed: $(cat "$T/demo")"
# Past the shape column, every header and data line ends its fields at the
# same positions (all cells are right-aligned under their headers).
sed -n 4,6p "$T/demo" | awk '{ $0 = $0 " "; for (i = 23; i < length($0); i++)
		if (substr($0, i, 1) != " " && substr($0, i + 1, 1) == " ") e[NR] = e[NR] i "," }
	END { for (n = 2; n <= NR; n++) if (e[n] != e[1] || e[1] == "") exit 1 }' ||
	bad "the demo table's columns do not line up: $(sed -n 3,7p "$T/demo")"
[ "$(sed -n 4,6p "$T/demo" | awk '{ print length($0) }' | sort -u | wc -l)" = 1 ] || bad "demo lines differ in width"

# Modes under umask 027.
(umask 027 && "$BIN" plot "$T/sw" --y cycles --x compute.vs_width --group compute.tile --where compute.vs_units=32 \
	--format svg > /dev/null) || bad "plot under umask 027 failed"
for f in "$T/sw/results.csv" "$T/sw/results.jsonl" "$T/sw/journal" "$T"/sw/figures/*; do
	[ "$(stat -c %a "$f")" = 640 ] || bad "$f: mode $(stat -c %a "$f"), expected 640 under umask 027"
done

[ "$fail" = 0 ] && echo "outputs test: ok (one CSV schema, per-layer rows, dump-config, -j2, demo table, modes)"
exit "$fail"
