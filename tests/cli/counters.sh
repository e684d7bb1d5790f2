#!/usr/bin/env bash
# Counter descriptions and units are shown: `sharpsim --help-counters` lists
# every counter of a run (plain and functional, LSTM and GRU, streamed
# weights, E-PUR) with a unit from the closed set of docs/outputs.md and a
# description; `run --describe-counters` adds the same units and texts
# (JSON: counter_units and counter_descriptions, same keys in the same order
# as counters; text: a counters section) and a plain run's JSON has neither
# key. The comparison must reject a help list with one counter missing, and
# one with a unit outside the set.
#
#   tests/cli/counters.sh BIN
set -uo pipefail
cd "$(dirname "$0")/../.."
BIN=$1
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
wl=workloads/examples/lstm_tiny.yaml

"$BIN" --help-counters >"$T/help.txt" || { echo "counters: FAIL: --help-counters failed"; exit 1; }
i=0
for args in "" "--functional" "--scheduler epur" "-p memory.weights=stream" "--workload workloads/examples/gru_lbr.yaml"; do
  i=$((i + 1))
  # shellcheck disable=SC2086
  "$BIN" run --workload $wl $args --no-energy --format json --out "$T/run$i.json" 2>/dev/null ||
    { echo "counters: FAIL: run $args"; exit 1; }
done
"$BIN" run --workload $wl --no-energy --format json --describe-counters --out "$T/desc.json" || exit 1
"$BIN" run --workload $wl --no-energy --describe-counters >"$T/desc.txt" || exit 1

CHECK='
import json, sys
help_path, desc_path, runs = sys.argv[1], sys.argv[2], sys.argv[3:]
UNITS = {"cycles", "lane-cycles", "bytes", "MACs", "ops", "values", "events"}
lines = open(help_path).read().splitlines()[1:]
helped, units = {}, {}
for l in lines:
    name, unit, text = (l.split(None, 2) + ["", ""])[:3]
    helped[name], units[name] = text.strip(), unit
bad = []
for r in runs:
    for name in json.load(open(r))["counters"]:
        if not helped.get(name):
            bad.append("%s (in %s) is not listed with a description" % (name, r))
        elif units.get(name) not in UNITS:
            bad.append("%s (in %s): unit %r is not one of %s" % (name, r, units.get(name), sorted(UNITS)))
d = json.load(open(desc_path))
if list(d["counter_descriptions"]) != list(d["counters"]):
    bad.append("counter_descriptions keys differ from counters")
if list(d["counter_units"]) != list(d["counters"]):
    bad.append("counter_units keys differ from counters")
for name, text in d["counter_descriptions"].items():
    if text != helped.get(name):
        bad.append("%s: --describe-counters says %r, --help-counters %r" % (name, text, helped.get(name)))
for name, unit in d["counter_units"].items():
    if unit not in UNITS or unit != units.get(name):
        bad.append("%s: --describe-counters unit %r, --help-counters %r" % (name, unit, units.get(name)))
plain = json.load(open(runs[0]))
for key in ("counter_descriptions", "counter_units"):
    if key in plain:
        bad.append("a plain run reports " + key)
if bad:
    print("\n".join(bad[:5]))
    sys.exit(1)
print(len(helped))
'
n=$(python3 -c "$CHECK" "$T/help.txt" "$T/desc.json" "$T"/run*.json) || { echo "counters: FAIL: $n"; exit 1; }
grep -q '^counters$' "$T/desc.txt" && grep -q '^  vs.tile_cycles .* cycles  *cycles the VS array' "$T/desc.txt" &&
  grep -q '^  idle.padding .* lane-cycles  *lane-cycles idle' "$T/desc.txt" ||
  { echo "counters: FAIL: the text report has no counters section"; exit 1; }
# The check bites: drop one counter from the help list.
sed '/^  tree.adds /d' "$T/help.txt" >"$T/help-broken.txt"
if python3 -c "$CHECK" "$T/help-broken.txt" "$T/desc.json" "$T"/run*.json >"$T/broken.log"; then
  echo "counters: FAIL: a help list without tree.adds was accepted"
  exit 1
fi
# And a unit outside the set.
sed 's/^\(  tree.adds  *\)ops /\1furlongs /' "$T/help.txt" >"$T/help-badunit.txt"
cmp -s "$T/help.txt" "$T/help-badunit.txt" && { echo "counters: FAIL: could not break the unit of tree.adds"; exit 1; }
if python3 -c "$CHECK" "$T/help-badunit.txt" "$T/desc.json" "$T"/run*.json >"$T/badunit.log"; then
  echo "counters: FAIL: a help list with an unknown unit was accepted"
  exit 1
fi
echo "counters: $n counters described with units, in --help-counters and --describe-counters (rejected: $(head -1 "$T/broken.log"); $(head -1 "$T/badunit.log"))"
