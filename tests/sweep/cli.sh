#!/usr/bin/env bash
# Shell tests of `sharpsim sweep / merge / plot` beyond kill/resume:
#   - every bad spec of tests/sweep/fixtures/bad_*.yaml fails with exit
#     status 2 and a "file:line:col: " message before anything runs (no
#     results directory appears);
#   - a group of keys set together gives one row per item, duplicates of an
#     effective config run once, and the budget column is N x K;
#   - merging the two halves of tiny.yaml (and the whole again, overlapping)
#     gives tiny.yaml's clean results byte for byte;
#   - --emit-jobs writes one runnable command per point, and running them
#     all and merging gives the clean results byte for byte;
#   - the worker pool: -j 1, -j 2 and -j 3 write the same bytes; a point
#     whose worker crashes (SHARPSIM_SWEEP_FAULT=crash:I) or hangs past
#     --timeout (hang:I) is reported as failed with its status while every
#     other point of the run completes (a fresh worker takes over, even at
#     -j 1), as is a point that fails with an error (fail:I: its message
#     and status 2), and --resume then gives the clean results byte for
#     byte; the workers of a SIGKILLed sweeper exit;
#   - `sharpsim plot` writes a PNG and an SVG per figure (when gnuplot is
#     installed).
#   tests/sweep/cli.sh [BIN]
set -u
BIN=${1:-build/sharpsim}
F=tests/sweep/fixtures
T=$(mktemp -d "${TMPDIR:-/tmp}/sharpsim-sweep-cli.XXXXXX")
trap 'rm -rf "$T"' EXIT
fail=0
bad() { echo "sweep cli: FAIL: $*" >&2; fail=1; }

n=0
for spec in "$F"/bad_*.yaml; do
	"$BIN" sweep "$spec" --out "$T/bad" --quiet 2>"$T/err"
	st=$?
	[ "$st" = 2 ] || bad "$spec: exit status $st, expected 2"
	grep -Eq "^$spec:[0-9]+:[0-9]+: " "$T/err" || bad "$spec: no file:line:col message: $(cat "$T/err")"
	[ -e "$T/bad" ] && bad "$spec: a results directory was created before the spec was checked"
	n=$((n + 1))
done
[ "$n" -ge 8 ] || bad "only $n bad-spec fixtures"
# The locations are the offending tokens (line:col of the fixture text).
grep -q "bad_param_key.yaml:4:3: unknown hardware key 'compute.tiel', did you mean 'compute.tile'?" \
	<("$BIN" sweep "$F/bad_param_key.yaml" 2>&1) || bad "bad_param_key: wrong message"
grep -q "bad_param_value.yaml:4:26: value '0'" <("$BIN" sweep "$F/bad_param_value.yaml" 2>&1) ||
	bad "bad_param_value: wrong location"
grep -q "bad_group_key.yaml:6:31: unknown hardware key 'compute.vs_unit', did you mean 'compute.vs_units'?" \
	<("$BIN" sweep "$F/bad_group_key.yaml" 2>&1) || bad "bad_group_key: wrong message"
"$BIN" sweep tests/sweep/tiny.yaml --point 240 --out "$T/p" --quiet 2>/dev/null
[ $? = 2 ] || bad "--point past the last point was not refused with status 2"

# Groups: 4 items, one a duplicate config -> 3 rows; budget 1024 each.
"$BIN" sweep "$F/group.yaml" --out "$T/group" --quiet || bad "group.yaml failed"
[ "$(($(wc -l < "$T/group/results.csv") - 1))" = 3 ] || bad "group.yaml: expected 3 rows"
awk -F, 'NR == 1 { for (i = 1; i <= NF; i++) c[$i] = i; next }
	{ if ($c["macs_per_cycle"] != 1024 || $c["compute.vs_units"] * $c["compute.vs_width"] != 1024) exit 1 }' \
	"$T/group/results.csv" || bad "group.yaml: a row is not a 1024-MAC design"
head -1 "$T/group/results.csv" | grep -q '^schema,version,config_hash,row,layer,pass,hw,workload,scheduler,design,name,compute.vs_units,compute.vs_width,compute.tile,macs_per_cycle,' ||
	bad "group.yaml: unexpected columns $(head -1 "$T/group/results.csv")"

# A delta network's threshold swept (functional: true): theta = 0 skips
# nothing, theta = 1e30 skips every x column after the first of 10 steps
# (h is encoded at theta_h = 0: nothing), so 90 of 200 columns a sequence.
"$BIN" sweep "$F/delta.yaml" --out "$T/delta" --quiet || bad "delta.yaml failed"
awk -F, 'NR == 1 { for (i = 1; i <= NF; i++) c[$i] = i; next }
	{ r[NR - 1] = $c["delta_skip_ratio"] }
	END { if (NR != 4 || r[1] != "0.000000" || !(r[2] > 0) || r[3] != "0.450000") exit 1 }' \
	"$T/delta/results.csv" || bad "delta.yaml: unexpected delta_skip_ratio column"

# Merge: halves, and overlapping directories.
"$BIN" sweep tests/sweep/tiny.yaml --out "$T/full" --quiet || bad "tiny.yaml failed"
"$BIN" sweep "$F/half1.yaml" --out "$T/h1" --quiet || bad "half1 failed"
"$BIN" sweep "$F/half2.yaml" --out "$T/h2" --quiet || bad "half2 failed"
"$BIN" merge "$T/h2" "$T/h1" --out "$T/m" 2>/dev/null || bad "merge failed"
for f in results.csv results.jsonl; do
	cmp -s "$T/full/$f" "$T/m/$f" || bad "merge of the halves: $f differs from the whole sweep"
done
"$BIN" merge "$T/full" "$T/h1" --out "$T/m2" 2>"$T/merge.err" || bad "overlapping merge failed"
grep -q "(120 duplicates dropped)" "$T/merge.err" || bad "overlapping merge: $(cat "$T/merge.err")"
cmp -s "$T/full/results.csv" "$T/m2/results.csv" || bad "overlapping merge: results.csv differs"

# emit-jobs: run every line (two at a time), merge the per-point directories.
"$BIN" sweep "$F/half1.yaml" --emit-jobs="$T/jobs.txt" --out "$T/jobs" || bad "--emit-jobs failed"
[ "$(wc -l < "$T/jobs.txt")" = 120 ] || bad "--emit-jobs: expected 120 lines"
xargs -P 2 -d '\n' -n 1 bash -c < "$T/jobs.txt" || bad "an emitted job failed"
"$BIN" merge "$T"/jobs/points/* --out "$T/jobs" 2>/dev/null || bad "merge of the jobs failed"
cmp -s "$T/h1/results.csv" "$T/jobs/results.csv" || bad "emit-jobs + merge: results.csv differs from the sweep"
cmp -s "$T/h1/results.jsonl" "$T/jobs/results.jsonl" || bad "emit-jobs + merge: results.jsonl differs"

# The worker pool. Determinism: the rows do not depend on how many workers
# ran them, nor on which points a worker ran before.
for j in 1 2 3; do
	"$BIN" sweep tests/sweep/tiny.yaml --out "$T/j$j" --quiet -j "$j" || bad "-j $j failed"
	for f in results.csv results.jsonl; do
		cmp -s "$T/full/$f" "$T/j$j/$f" || bad "-j $j: $f differs from the default -j"
	done
done
total=$(( $(wc -l < "$T/full/results.csv") - 1 ))
# pool_fault FAULT JOBS STATUS MESSAGE [OPTIONS]: the faulty point fails with
# STATUS and MESSAGE, every other row is written, --resume completes it.
pool_fault() {
	local fault=$1 j=$2 want=$3 msg=$4 d="$T/pool-$1-$2"
	shift 4
	SHARPSIM_SWEEP_FAULT=$fault "$BIN" sweep tests/sweep/tiny.yaml --out "$d" --quiet -j "$j" "$@" 2>"$d.err"
	local st=$?
	[ "$st" = "$want" ] || bad "$fault -j $j: exit status $st, expected $want"
	grep -q "$msg" "$d.err" || bad "$fault -j $j: no '$msg' in: $(cat "$d.err")"
	grep -q "^1 of $total points failed" "$d.err" || bad "$fault -j $j: expected one failed point: $(cat "$d.err")"
	# Exactly the faulty point's row is missing; the others are the clean ones.
	local gone extra
	gone=$(diff "$T/full/results.csv" "$d/results.csv" | grep -c '^<')
	extra=$(diff "$T/full/results.csv" "$d/results.csv" | grep -c '^>')
	[ "$gone" = 1 ] && [ "$extra" = 0 ] || bad "$fault -j $j: $gone rows missing, $extra rows unexpected, expected 1 and 0"
	"$BIN" sweep tests/sweep/tiny.yaml --out "$d" --quiet --resume -j "$j" || bad "$fault -j $j: resume failed"
	for f in results.csv results.jsonl; do
		cmp -s "$T/full/$f" "$d/$f" || bad "$fault -j $j: after --resume, $f differs from the clean run"
	done
}
k=$(( RANDOM % total ))
pool_fault "crash:$k" 2 5 "point $k killed by signal 11"
pool_fault "crash:0" 1 5 "point 0 killed by signal 11"
pool_fault "crash:$(( total - 1 ))" 1 5 "point $(( total - 1 )) killed by signal 11"
pool_fault "fail:$k" 1 2 "point $k (.*): injected failure"
pool_fault "hang:$k" 2 4 "point $k (.*): no result after 1 s (--timeout), stopped" --timeout 1
# A SIGKILLed sweeper's workers see their socket close and exit.
"$BIN" sweep tests/sweep/tiny.yaml --out "$T/orphans" --quiet -j 2 &
pid=$!
sleep 0.1
kill -KILL "$pid"
wait "$pid" 2>/dev/null
for _ in $(seq 1 50); do
	pgrep -f -- "--out $T/orphans" >/dev/null || break
	sleep 0.1
done
pgrep -f -- "--out $T/orphans" >/dev/null && bad "workers of a SIGKILLed sweeper are still running after 5 s"

if command -v gnuplot >/dev/null; then
	"$BIN" plot "$T/full" > "$T/plots" || bad "plot failed"
	[ "$(wc -l < "$T/plots")" -ge 5 ] || bad "plot: expected speedup figures per hw and utilization"
	for png in "$T"/full/figures/*.png; do
		head -c 8 "$png" | od -An -c | grep -q 'P   N   G' || bad "$png is not a PNG"
		[ -s "${png%.png}.svg" ] || bad "${png%.png}.svg missing"
	done
fi

[ "$fail" = 0 ] && echo "sweep cli: ok ($n bad specs, groups, merge, emit-jobs, worker pool, plot)"
exit "$fail"
