#!/usr/bin/env bash
# The baselines study (scripts/studies/baselines.sh) runs from the tree and
# draws: every compare row lands in its CSV (4 budgets x 5 LSTMs x 2 designs
# + 7 sizes x 2 + 2 = 56), each design under its machine's name, the figure
# is a PDF, and a bad --format is refused with exit 2.
set -uo pipefail
cd "$(dirname "$0")/../.."
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
pass=0 fail=0
ok() { pass=$((pass + 1)); }
bad() { fail=$((fail + 1)); echo "baselines study: FAIL: $*"; }

SHARPSIM=${1:-build/sharpsim} bash scripts/studies/baselines.sh --out "$T/s" >"$T/out" 2>"$T/err" ||
  bad "the study failed: $(tail -3 "$T/err")"
/usr/bin/python3 - "$T/s/baselines.csv" <<'PY' && ok || bad "the study's CSV is not every compare row"
import csv, sys
r = list(csv.DictReader(open(sys.argv[1])))
names = {x["scheduler"] for x in r}
assert len(r) == 56, len(r)
assert {"epur", "brainwave", "rnnaccel", "unfolded"} <= names, names
PY
file "$T/s/baselines.pdf" | grep -q "PDF document" && ok || bad "no PDF figure"
grep -q "^(a) E-PUR against SHARP" "$T/out" && ok || bad "no table printed"
bash scripts/studies/baselines.sh --out "$T/x" --format gif >/dev/null 2>"$T/err2"
[ $? -eq 2 ] && grep -q "expected pdf, png or svg" "$T/err2" && ok || bad "--format gif accepted"

echo "baselines study: $pass passed, $fail failed"
[ "$fail" -eq 0 ] && [ "$pass" -gt 0 ]
