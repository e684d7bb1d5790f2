#!/usr/bin/env bash
# validate-check bites: a report regenerated just now passes `--check`; the
# same report with one number changed, with a row removed, or with a byte
# appended fails it (exit 1, naming the file and showing the difference).
set -uo pipefail
cd "$(dirname "$0")/../.."
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
pass=0 fail=0
ok() { pass=$((pass + 1)); }
bad() { fail=$((fail + 1)); echo "validate-check test: FAIL: $*"; }

bash scripts/validate.sh --out "$T/fresh.md" >/dev/null || { echo "validate-check test: generation failed"; exit 1; }
grep -q '^| F12-1k |' "$T/fresh.md" && ok || bad "fresh report lacks the F12-1k row"

bash scripts/validate.sh --check "$T/fresh.md" >/dev/null 2>"$T/err" && ok || bad "fresh report rejected: $(cat "$T/err")"

# One digit of one number changed (the first percentage of the F12-1k row).
sed '/^| F12-1k |/s/\([0-9]\)\.\([0-9]\) %/\1.\2 %X/; /^| F12-1k |/s/ %X/1 %/' "$T/fresh.md" >"$T/edited.md"
cmp -s "$T/fresh.md" "$T/edited.md" && bad "the edit did not change the copy"
bash scripts/validate.sh --check "$T/edited.md" >/dev/null 2>"$T/err"
rc=$?
[ $rc -eq 1 ] && ok || bad "edited report: exit $rc, expected 1"
grep -q "edited.md is stale or edited" "$T/err" && grep -q '^< | F12-1k |' "$T/err" && ok \
  || bad "edited report: message does not name the file and the changed row: $(cat "$T/err")"

# A row deleted, and a trailing byte added.
grep -v '^| BW-util |' "$T/fresh.md" >"$T/cut.md"
bash scripts/validate.sh --check "$T/cut.md" >/dev/null 2>&1 && bad "report without BW-util accepted" || ok
{ cat "$T/fresh.md"; printf ' '; } >"$T/extra.md"
bash scripts/validate.sh --check "$T/extra.md" >/dev/null 2>&1 && bad "report with a trailing byte accepted" || ok

# An explanation its numbers contradict fails the report: make the 1K,
# H = 1024 run without padding reconfiguration 5 % slower, so F10-max (still
# a FAIL, 1.05x against 1.22x) claims a gain within 0.001 of 1 that the
# numbers no longer show.
cp -r build/validate "$T/work"
/usr/bin/python3 - "$T/work/nopad_1k.csv" <<'PY'
import csv, sys
rows = list(csv.DictReader(open(sys.argv[1])))
for r in rows:
    if r["scheduler"] == "unfolded" and r["workload"] == "lstm_h1024_t25":
        r["latency_us"] = "%.6f" % (float(r["latency_us"]) * 1.05)
w = csv.DictWriter(open(sys.argv[1], "w", newline=""), fieldnames=list(rows[0]))
w.writeheader()
w.writerows(rows)
PY
python3 scripts/validate_report.py "$T/work" data/deepbench/deepbench_rnn_inference_gpu_results.csv x \
  "$T/contra.md" >/dev/null 2>"$T/err"
rc=$?
[ $rc -eq 1 ] && grep -q "explanation the numbers contradict: F10-max" "$T/err" && \
  grep -q "F10-max.*DOES NOT HOLD" "$T/contra.md" && ok || bad "a contradicted explanation passed (exit $rc): $(cat "$T/err")"

echo "validate-check test: $pass passed, $fail failed"
[ "$fail" -eq 0 ] && [ "$pass" -gt 0 ]
