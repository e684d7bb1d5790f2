#!/usr/bin/env bash
# vbuild.sh LOG WHAT -- COMMAND... - runs a long build (a Verilator build
# takes from 20 s to several minutes) with its output in LOG, printing a
# progress line every VBUILD_EVERY seconds (default 30) so that a terminal
# or a CI log is never silent for minutes. On failure prints the log's last
# 40 lines. Exit status: the command's.
set -uo pipefail
log=$1 what=$2
shift 2
[ "${1:-}" = "--" ] && shift
every=${VBUILD_EVERY:-30}
mkdir -p "$(dirname "$log")"
start=$(date +%s)
"$@" > "$log" 2>&1 &
pid=$!
while kill -0 "$pid" 2>/dev/null; do
	for _ in $(seq "$every"); do
		sleep 1
		kill -0 "$pid" 2>/dev/null || break
	done
	if kill -0 "$pid" 2>/dev/null; then
		# The last compiled file the generated makefile named, if any.
		last=$(grep -oE '[A-Za-z0-9_]+\.(cpp|o)\b' "$log" 2>/dev/null | tail -1)
		echo "  ...     $what: $(( $(date +%s) - start )) s${last:+, at $last}"
	fi
done
wait "$pid"
rc=$?
if [ $rc -ne 0 ]; then
	tail -40 "$log"
	echo "  FAILED  $what after $(( $(date +%s) - start )) s (log: $log)"
fi
exit $rc
