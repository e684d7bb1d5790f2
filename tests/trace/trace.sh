#!/usr/bin/env bash
# Shell tests of `sharpsim run --trace` and its window:
#   - a window traced with fast-forward is byte-identical to the same window
#     stepped every cycle (--no-fast-forward), the run fast-forwarded
#     outside it (sim.jumped_cycles > 0), every slice lies in the window,
#     and the counter tracks (DRAM, weight buffer, intermediate buffer,
#     FIFO, accumulators, utilization) and the cell updater's and MFU's
#     slices are there;
#   - --trace-layer 2 traces exactly layer 2's cycles (from the JSON
#     report's per-layer cycles); --trace-steps keeps only those steps;
#   - a long stepped window is announced on stderr with the cycle count;
#     --trace-max-mb caps the file (valid JSON, a truncation marker, a
#     note on stderr);
#   - --vcd without --cosim/--rtl, and --trace-* without --trace, exit 2;
#   - four runs writing one --trace path at once all succeed and leave one
#     whole, valid trace and no temporary file;
#   - a run whose --out fails leaves no trace behind;
#   - traces and reports are created 0666 & ~umask (0644 under 022, 0640
#     under 027).
#   tests/trace/trace.sh [BIN]
set -u
BIN=${1:-build/sharpsim}
PY=${PYTHON:-/usr/bin/python3}
T=$(mktemp -d "${TMPDIR:-/tmp}/sharpsim-trace.XXXXXX")
trap 'rm -rf "$T"' EXIT
fail=0
bad() { echo "trace test: FAIL: $*" >&2; fail=1; }
W=(--workload workloads/examples/lstm_tiny.yaml -w timesteps=400 --no-energy)

# The window, with and without fast-forward.
"$BIN" run "${W[@]}" --format json --trace "$T/ff.json" --trace-from 8000 --trace-cycles 3000 > "$T/ff.out" ||
	bad "windowed trace failed"
"$BIN" run "${W[@]}" --no-fast-forward --trace "$T/step.json" --trace-from 8000 --trace-cycles 3000 \
	> /dev/null 2>&1 || bad "stepped windowed trace failed"
cmp -s "$T/ff.json" "$T/step.json" || bad "the window differs with and without fast-forward"
grep -q '"sim.jumped_cycles": [1-9]' "$T/ff.out" || bad "the run did not fast-forward outside the window"
"$PY" - "$T/ff.json" <<'PY' || bad "windowed trace content"
import json, sys
ev = json.load(open(sys.argv[1]))["traceEvents"]
x = [e for e in ev if e.get("ph") == "X"]
assert len(x) > 50, len(x)
# the cell updater's and the MFU's slices
names = {e["name"] for e in x}
assert {"cell update", "activate"} <= names, names
for e in x:
    a = e["args"]
    assert 8000 <= a["cycle"] and a["cycle"] + a["cycles"] <= 11000, a
c = {e["name"] for e in ev if e.get("ph") == "C"}
need = {"DRAM", "weight buffer", "intermediate buffer", "accumulators -> MFU FIFO", "accumulators",
        "VS array utilization"}
assert need <= c, c
u = [e["args"]["utilization"] for e in ev if e.get("name") == "VS array utilization"]
assert u and all(0 <= v <= 1 for v in u) and max(u) > 0, u
PY

# Layer and step filters.
L=(--workload workloads/examples/lstm_stack2.yaml --no-energy)
"$BIN" run "${L[@]}" --format json --trace "$T/l2.json" --trace-layer 2 > "$T/l2.out" || bad "--trace-layer failed"
"$PY" - "$T/l2.json" "$T/l2.out" <<'PY' || bad "--trace-layer 2 is not layer 2's cycles"
import json, sys
ev = json.load(open(sys.argv[1]))["traceEvents"]
layers = json.load(open(sys.argv[2]))["layers"]
lo, hi = layers[0]["cycles"], layers[0]["cycles"] + layers[1]["cycles"]
x = [e["args"] for e in ev if e.get("ph") == "X"]
assert x and all(lo <= a["cycle"] and a["cycle"] + a["cycles"] <= hi for a in x), (lo, hi)
assert min(a["cycle"] for a in x) < lo + 50, "layer 2's first cycles are missing"
# Segments name their layer as --trace-layer and the reports count it.
seg = [a for a in x if "layer" in a]
assert seg and all(a["layer"] == 2 and a["pass"] == "forward" for a in seg), seg[:1]
PY
"$BIN" run "${L[@]}" --trace "$T/s.json" --trace-steps 2:3 > /dev/null || bad "--trace-steps failed"
"$PY" - "$T/s.json" <<'PY' || bad "--trace-steps 2:3 kept other steps"
import json, sys
ev = json.load(open(sys.argv[1]))["traceEvents"]
steps = {e["args"]["step"] for e in ev if e.get("ph") == "X" and "step" in e["args"]}
assert steps == {2, 3}, steps
PY

# The warning and the cap: 1.2 M stepped cycles announced, capped at 1 MB
# (the run fast-forwards once the cap is hit).
"$BIN" run --workload workloads/examples/lstm_tiny.yaml -w timesteps=40000 --no-energy --trace "$T/cap.json" \
	--trace-cycles 1200000 --trace-max-mb 1 > /dev/null 2> "$T/cap.err" || bad "capped trace failed"
grep -q "warning: --trace turns fast-forward off inside its window: 1200000 of the run's" "$T/cap.err" ||
	bad "no warning for a long stepped window: $(cat "$T/cap.err")"
grep -q "reached its cap of 1 MB" "$T/cap.err" || bad "no note when the cap is hit"
size=$(stat -c %s "$T/cap.json")
[ "$size" -le 1049000 ] || bad "capped trace is $size bytes"
"$PY" -c 'import json,sys; ev=json.load(open(sys.argv[1]))["traceEvents"]; assert "truncated" in ev[-1]["name"]' \
	"$T/cap.json" || bad "capped trace is not valid JSON with a truncation marker"

# Refusals.
"$BIN" run --vcd "$T/w.vcd" 2> "$T/err" > /dev/null
[ $? = 2 ] && grep -q -- "--vcd.*expected --cosim or --rtl" "$T/err" || bad "--vcd without --rtl: $(cat "$T/err")"
[ -e "$T/w.vcd" ] && bad "--vcd without --rtl wrote a file"
"$BIN" run --trace-from 5 2> "$T/err" > /dev/null
[ $? = 2 ] || bad "--trace-from without --trace was accepted"
"$BIN" run --trace "$T/x.json" --trace-steps 3:1 2> "$T/err" > /dev/null
[ $? = 2 ] || bad "--trace-steps 3:1 was accepted"

# Four runs, one trace path.
for t in 40 60 80 100; do
	"$BIN" run --workload workloads/examples/lstm_tiny.yaml -w timesteps=$t --no-energy --trace "$T/shared.json" \
		> /dev/null 2> "$T/shared.$t.err" &
done
wait
for t in 40 60 80 100; do [ -s "$T/shared.$t.err" ] && bad "run $t: $(cat "$T/shared.$t.err")"; done
"$PY" -c 'import json,sys; json.load(open(sys.argv[1]))' "$T/shared.json" || bad "the shared trace is corrupt"
left=$(ls "$T" | grep -v '^shared\.json$' | grep shared | grep -v '\.err$')
[ -z "$left" ] || bad "temporary files left behind: $left"

# --out fails: no trace.
"$BIN" run --no-energy --workload workloads/examples/lstm_tiny.yaml --trace "$T/orphan.json" \
	--out "$T/no/such/dir/r.json" > /dev/null 2>&1
[ $? != 0 ] || bad "--out into a missing directory succeeded"
[ -e "$T/orphan.json" ] && bad "a trace was left behind by a run whose --out failed"

# Modes.
for m in 022:644 027:640; do
	(umask "${m%%:*}" && "$BIN" run --no-energy --workload workloads/examples/lstm_tiny.yaml --format json \
		--out "$T/m${m%%:*}.json" --trace "$T/t${m%%:*}.json") || bad "run under umask ${m%%:*} failed"
	for f in "$T/m${m%%:*}.json" "$T/t${m%%:*}.json"; do
		[ "$(stat -c %a "$f")" = "${m##*:}" ] || bad "$f: mode $(stat -c %a "$f"), expected ${m##*:}"
	done
done

[ "$fail" = 0 ] && echo "trace test: ok (window = stepped, layer/step filters, warning, cap, refusals, shared path, modes)"
exit "$fail"
