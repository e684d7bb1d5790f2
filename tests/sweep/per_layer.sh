#!/usr/bin/env bash
# Per-layer rows of `sharpsim sweep` (--per-layer, per_layer: in the spec):
#   - after each point's row (row=run) come its passes' rows (row=layer),
#     1-based layer, forward then backward for a bidirectional layer, with
#     the point's swept columns; a pass's cycles and useful MACs add up to
#     the point's, whole-run columns (load_cycles, idle_*, energy) are empty;
#   - the point rows are the same bytes as a sweep without per-layer rows;
#   - per_layer: true and --per-layer write the same bytes; -j 1 and -j 2 too;
#   - a sweep killed after its 150th point has appended only lines of the
#     clean files, and resumes to them byte for byte;
#   - a directory keeps its setting: --resume with the other one is refused
#     (exit 2, the directory untouched), and so is merging directories of
#     both settings;
#   - --emit-jobs passes --per-layer on, and its points merged give the
#     whole sweep's files byte for byte.
# (The kill/resume test runs with --per-layer too: tests/sweep/kill_resume.sh.)
#   tests/sweep/per_layer.sh [BIN]
set -u
BIN=${1:-build/sharpsim}
PY=${PYTHON:-/usr/bin/python3}
F=tests/sweep/fixtures
T=$(mktemp -d "${TMPDIR:-/tmp}/sharpsim-sweep-pl.XXXXXX")
trap 'rm -rf "$T"' EXIT
fail=0
bad() { echo "sweep per-layer: FAIL: $*" >&2; fail=1; }

# tiny.yaml: 240 points; lstm_stack2 has 2 layers, the other four workloads 1.
"$BIN" sweep tests/sweep/tiny.yaml --per-layer --out "$T/t1" --quiet -j 1 || bad "tiny -j 1 failed"
"$BIN" sweep tests/sweep/tiny.yaml --per-layer --out "$T/t2" --quiet -j 2 || bad "tiny -j 2 failed"
"$BIN" sweep tests/sweep/tiny.yaml --out "$T/t0" --quiet -j 2 || bad "tiny without per-layer failed"
for f in results.csv results.jsonl; do
	cmp -s "$T/t1/$f" "$T/t2/$f" || bad "$f: -j 1 and -j 2 differ"
done
# The point rows do not change with per-layer rows beside them.
awk -F, 'NR == 1 || $4 != "layer"' "$T/t1/results.csv" | cmp -s - "$T/t0/results.csv" ||
	bad "results.csv without its layer rows differs from a sweep without --per-layer"
grep -v '"row": "layer"' "$T/t1/results.jsonl" | cmp -s - "$T/t0/results.jsonl" ||
	bad "results.jsonl without its layer rows differs from a sweep without --per-layer"

# A sweep killed mid-way has appended only lines of the clean run's files
# (a point and its layer rows, keys in the final order), and its resume is
# the clean run byte for byte (kill_resume.sh does this at random moments).
SHARPSIM_SWEEP_FAULT=journal:150 "$BIN" sweep tests/sweep/tiny.yaml --per-layer --out "$T/cut" --quiet -j 2 \
	2>/dev/null &
wait $! 2>/dev/null
[ $? = 137 ] || bad "the injected kill did not happen"
for f in results.csv results.jsonl; do
	[ -z "$(sort "$T/cut/$f" | comm -23 - <(sort "$T/t2/$f"))" ] ||
		bad "$f of a killed sweep has lines the clean run does not have"
done
"$BIN" sweep tests/sweep/tiny.yaml --per-layer --out "$T/cut" --resume --quiet -j 2 || bad "resume failed"
for f in results.csv results.jsonl; do
	cmp -s "$T/cut/$f" "$T/t2/$f" || bad "$f of the resumed sweep differs from the clean run's"
done

# check CSV JSONL POINTS LAYERS SWEPT...: the row structure, exact counts.
check() {
	"$PY" - "$@" <<'PY'
import csv, json, sys
path, jpath, points, layers = sys.argv[1], sys.argv[2], int(sys.argv[3]), int(sys.argv[4])
swept = sys.argv[5:]
rows = list(csv.DictReader(open(path)))
runs = [r for r in rows if r["row"] == "run"]
lays = [r for r in rows if r["row"] == "layer"]
assert len(runs) == points and len(lays) == layers and len(rows) == points + layers, (len(runs), len(lays))
jrows = [json.loads(l) for l in open(jpath)]
assert len(jrows) == len(rows), len(jrows)
whole = ["load_cycles", "idle_padding", "idle_dependency", "idle_fill_drain", "idle_backpressure",
         "idle_weight_fetch", "idle_decompress", "idle_zero_weight", "energy_uj", "avg_power_w", "area_mm2", "gflops_per_w"]
i = 0
while i < len(rows):
    run = rows[i]
    assert run["row"] == "run" and run["layer"] == "" and run["pass"] == "", run
    i += 1
    mine = []
    while i < len(rows) and rows[i]["row"] == "layer":
        mine.append(rows[i])
        i += 1
    bidir = run.get("w.direction") == "bidirectional"
    want = [("1", "forward"), ("1", "backward")] if bidir else \
        [("1", "forward"), ("2", "forward")] if run["workload"] == "lstm_stack2" else [("1", "forward")]
    assert [(l["layer"], l["pass"]) for l in mine] == want, (run, mine)
    # The passes partition the run: their cycles and MACs add up to its.
    for k in ("cycles", "useful_macs", "issued_macs"):
        assert sum(int(l[k]) for l in mine) == int(run[k]), (k, run, mine)
    for l in mine:
        for k in ["config_hash", "hw", "workload", "scheduler", "macs_per_cycle", "cold"] + swept:
            assert l[k] == run[k], (k, l, run)
        assert all(l[k] == "" for k in whole), l
        assert l["tile"] and l["utilization"] and l["latency_us"], l
        # latency = cycles / clock, as run --per-layer prints it
        assert abs(float(l["latency_us"]) - int(l["cycles"]) / float(l["eff_clock_mhz"])) < 1e-6, l
# JSONL: the same rows in the same order; layer rows say so, point rows as before.
for c, j in zip(rows, jrows):
    assert j["config_hash"] == c["config_hash"] and str(j["cycles"]) == c["cycles"], (c, j)
    assert j.get("row", "run") == c["row"], (c, j)
PY
}
check "$T/t1/results.csv" "$T/t1/results.jsonl" 240 288 compute.tile w.timesteps || bad "tiny.yaml's per-layer rows"

# per_layer: true in the spec (and bidirectional layers): 32 points, 16 of one
# pass and 16 of two.
"$BIN" sweep $F/per_layer.yaml --out "$T/p1" --quiet -j 2 || bad "per_layer.yaml failed"
check "$T/p1/results.csv" "$T/p1/results.jsonl" 32 48 compute.tile w.direction w.timesteps ||
	bad "per_layer.yaml's rows"
"$BIN" sweep $F/per_layer.yaml --per-layer --out "$T/p2" --quiet -j 1 || bad "per_layer.yaml --per-layer failed"
cmp -s "$T/p1/results.csv" "$T/p2/results.csv" || bad "per_layer: true and --per-layer differ"

# A directory keeps its setting.
cp -r "$T/t0" "$T/keep0"
"$BIN" sweep tests/sweep/tiny.yaml --per-layer --out "$T/t0" --resume --quiet 2>"$T/err"
[ $? = 2 ] && grep -q "holds results without per-layer rows and this sweep is with them" "$T/err" ||
	bad "--per-layer resume of a directory without: $(cat "$T/err")"
"$BIN" sweep tests/sweep/tiny.yaml --out "$T/t1" --resume --quiet 2>"$T/err"
[ $? = 2 ] && grep -q "holds results with per-layer rows and this sweep is without them" "$T/err" ||
	bad "resume without --per-layer of a per-layer directory: $(cat "$T/err")"
diff -r "$T/t0" "$T/keep0" >/dev/null || bad "a refused resume changed the directory"
"$BIN" merge "$T/t1" "$T/t0" --out "$T/mix" 2>"$T/err"
[ $? = 2 ] && grep -q "expected directories swept with the same per_layer setting" "$T/err" ||
	bad "merging both settings: $(cat "$T/err")"
# The same setting resumes: nothing left to run, the same bytes.
cp "$T/t1/results.csv" "$T/t1.csv"
"$BIN" sweep tests/sweep/tiny.yaml --per-layer --out "$T/t1" --resume --quiet || bad "per-layer resume failed"
cmp -s "$T/t1.csv" "$T/t1/results.csv" || bad "a per-layer resume with nothing to run changed results.csv"

# --emit-jobs carries --per-layer; its points merged are the whole sweep.
"$BIN" sweep $F/per_layer.yaml --emit-jobs="$T/jobs" --out "$T/e" || bad "--emit-jobs failed"
[ "$(grep -c -- ' --per-layer ' "$T/jobs")" = 32 ] || bad "emitted commands lack --per-layer: $(head -1 "$T/jobs")"
bash "$T/jobs" >/dev/null 2>&1 || bad "the emitted commands failed"
"$BIN" merge "$T"/e/points/* --out "$T/e" 2>/dev/null || bad "merging the emitted points failed"
for f in results.csv results.jsonl; do
	cmp -s "$T/p1/$f" "$T/e/$f" || bad "$f of the merged points differs from the whole sweep's"
done

[ "$fail" = 0 ] && echo "sweep per-layer: ok (row counts and sums, -j 1 = -j 2, resume/merge settings, emit-jobs)"
exit "$fail"
