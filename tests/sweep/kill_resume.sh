#!/usr/bin/env bash
# Kill/resume test of `sharpsim sweep`: a sweep interrupted at any moment
# and resumed must end with exactly the rows of a clean run (none lost, none
# doubled, none torn), byte for byte in results.csv and results.jsonl, and
# with a journal that verifies whole (no torn tail left behind).
#
#   tests/sweep/kill_resume.sh [BIN] [ROUNDS] [SWEEP OPTION...]
#
# Options after ROUNDS go to every sweep: with --per-layer, each point's
# layer rows must come back with it (they share its journal record), so
# the resumed files are again byte for byte the clean run's.
#
# Interruptions (ROUNDS defaults to 20):
#   1. ROUNDS times, SIGKILL of the sweeper after a random delay within a
#      clean run's duration, twice in a row (the second during the resume);
#   2. ROUNDS/2 times, the injected fault SHARPSIM_SWEEP_FAULT=journal:K / csv:K: the sweeper
#      SIGKILLs itself between the journal append and the csv append, or
#      between the csv and the jsonl appends, of its K-th point;
#   3. ROUNDS/2 times, a torn journal: the clean journal cut at a random byte (a power loss
#      mid-append), or with one byte of its last record flipped (the CRC
#      must catch it), resumed with no csv/jsonl at all.
set -u
BIN=${1:-build/sharpsim}
ROUNDS=${2:-20}
shift 2 2>/dev/null || shift $#
OPTS=("$@")
SPEC=tests/sweep/tiny.yaml
T=$(mktemp -d "${TMPDIR:-/tmp}/sharpsim-sweep.XXXXXX")
trap 'rm -rf "$T"' EXIT
fail=0
bad() { echo "kill_resume: FAIL: $*" >&2; fail=1; }

t0=$(date +%s%N)
"$BIN" sweep "$SPEC" "${OPTS[@]}" --out "$T/ref" --quiet -j 2 || { echo "kill_resume: clean run failed" >&2; exit 1; }
t1=$(date +%s%N)
ref_ms=$(( (t1 - t0) / 1000000 ))
rows=$(( $(wc -l < "$T/ref/results.csv") - 1 ))
[ "$rows" -gt 100 ] || bad "the clean run has only $rows rows"
# Points (row=run); with --per-layer the rows also count each point's passes.
points=$(awk -F, 'NR > 1 && $4 == "run"' "$T/ref/results.csv" | wc -l)

# A second clean run gives the same bytes (canonical order, deterministic rows).
"$BIN" sweep "$SPEC" "${OPTS[@]}" --out "$T/ref2" --quiet -j 2
cmp -s "$T/ref/results.csv" "$T/ref2/results.csv" || bad "two clean runs differ"

# Re-running into a full directory without --resume is refused (exit 2).
"$BIN" sweep "$SPEC" "${OPTS[@]}" --out "$T/ref2" --quiet 2>/dev/null
[ $? -eq 2 ] || bad "a second run into a full directory was not refused with status 2"

# Finishes $1 with --resume and checks it against the clean run.
check() {
	local d=$1 what=$2
	"$BIN" sweep "$SPEC" "${OPTS[@]}" --out "$d" --resume --quiet -j 2 2>"$d.err" || { bad "$what: resume failed: $(cat "$d.err")"; return; }
	cmp -s "$T/ref/results.csv" "$d/results.csv" || bad "$what: results.csv differs from the clean run"
	cmp -s "$T/ref/results.jsonl" "$d/results.jsonl" || bad "$what: results.jsonl differs from the clean run"
	# The journal itself must now verify whole and hold each point once.
	"$BIN" merge "$d" --out "$d.m" 2>"$d.merge" || bad "$what: merge failed"
	grep -q "torn tail" "$d.merge" && bad "$what: the journal still has a torn tail"
	grep -q "^sharpsim merge: $points rows from 1 directories (0 duplicates" "$d.merge" ||
		bad "$what: journal holds $(cat "$d.merge")"
	rm -rf "$d" "$d.m" "$d.err" "$d.merge"
}

kills=0
for i in $(seq 1 "$ROUNDS"); do
	d="$T/kill$i"
	for pass in 1 2; do
		opt=; [ "$pass" = 2 ] && opt=--resume
		"$BIN" sweep "$SPEC" "${OPTS[@]}" --out "$d" $opt --quiet -j 2 2>/dev/null &
		pid=$!
		ms=$(( RANDOM % (ref_ms + 20) ))
		sleep "$(printf '0.%03d' "$ms")"
		kill -KILL "$pid" 2>/dev/null && kills=$((kills + 1))
		wait "$pid" 2>/dev/null
	done
	check "$d" "SIGKILL round $i"
done

HALF=$(( (ROUNDS + 1) / 2 ))
for i in $(seq 1 "$HALF"); do
	where=journal; [ $((i % 2)) = 0 ] && where=csv
	k=$(( 1 + RANDOM % (points - 1) ))
	d="$T/fault$i"
	SHARPSIM_SWEEP_FAULT="$where:$k" "$BIN" sweep "$SPEC" "${OPTS[@]}" --out "$d" --quiet -j 2 2>/dev/null &
	wait $! 2>/dev/null
	st=$?
	[ "$st" = 137 ] || bad "fault $where:$k: expected the sweeper to die of SIGKILL, exit status $st"
	n=$(grep -c '"config_hash"' "$d/results.jsonl")
	[ "$n" -lt "$rows" ] || bad "fault $where:$k: the interrupted run already had every row"
	check "$d" "fault $where:$k"
done

size=$(stat -c %s "$T/ref/journal")
for i in $(seq 1 "$HALF"); do
	d="$T/torn$i"
	mkdir -p "$d"
	cut=$(( (RANDOM * 32768 + RANDOM) % size ))
	head -c "$cut" "$T/ref/journal" > "$d/journal"
	check "$d" "journal cut at byte $cut of $size"
done
d="$T/flip"
mkdir -p "$d"
cp "$T/ref/journal" "$d/journal"
printf 'X' | dd of="$d/journal" bs=1 seek=$((size - 10)) conv=notrunc 2>/dev/null
check "$d" "flipped byte in the last record"

echo "kill_resume${OPTS[*]:+ (${OPTS[*]})}: $rows rows of $points points; $kills SIGKILLs, $HALF injected faults, $((HALF + 1)) torn journals (clean run ${ref_ms} ms)"
[ "$fail" = 0 ] && echo "kill_resume: ok"
exit "$fail"
