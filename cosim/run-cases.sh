#!/usr/bin/env bash
# run-cases.sh CASES SUITE XML - runs the regression's cases and writes a
# JUnit XML report (the format CI systems show as test results).
#
# CASES holds one case per line, three tab-separated fields:
#   NAME    pass|caught    COMMAND
# `pass`: the command must exit 0. `caught`: a deliberately broken design
# (a mutant) that the checks must reject: the command must exit 1 and print
# a divergence and a command that reproduces it from any directory
# (`make -C DIR cosim-run ... RTL_DIR=...`). Every case runs even after a
# failure, so the report is complete; one progress line per case. Exit
# status 1 when any case failed.
# A failed case's output (its divergence line, the command that reproduces
# it with a waveform) goes to the report and to the terminal.
set -uo pipefail
cases=$1 suite=$2 xml=$3
total=$(grep -c . "$cases")
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
xml_escape() { sed -e 's/&/\&amp;/g' -e 's/</\&lt;/g' -e 's/>/\&gt;/g' -e 's/"/\&quot;/g'; }
i=0 failed=0 t_all=0
: > "$tmp/cases.xml"
while IFS=$'\t' read -r name expect cmd; do
	[ -n "$name" ] || continue
	i=$((i + 1))
	s=$(date +%s%N)
	bash -c "$cmd" > "$tmp/out" 2>&1 < /dev/null
	rc=$?
	ms=$(( ($(date +%s%N) - s) / 1000000 ))
	t_all=$((t_all + ms))
	secs=$(printf '%d.%03d' $((ms / 1000)) $((ms % 1000)))
	verdict=ok why=
	if [ "$expect" = caught ]; then
		if [ $rc -eq 1 ] && grep -q DIVERGENCE "$tmp/out"; then
			verdict="caught (expected divergence: $(grep -m1 DIVERGENCE "$tmp/out" | sed 's/ (N=.*)//' | cut -c1-70))"
			# The divergence must come with a command that reproduces it
			# from any directory (make -C, the mutant's RTL_DIR).
			grep -q "reproduce with a waveform: make -C $(pwd) cosim-run .* RTL_DIR=" "$tmp/out" ||
				verdict=FAILED why="the divergence has no 'reproduce with a waveform: make -C $(pwd) ... RTL_DIR=' line"
		else
			verdict=FAILED why="the broken design was NOT caught (exit $rc)"
		fi
	elif [ $rc -ne 0 ]; then
		verdict=FAILED why="exit status $rc: $(grep -m1 -E 'DIVERGENCE|error|usage' "$tmp/out" | cut -c1-200)"
	fi
	printf '  [%3d/%d] %-44s %s (%s s)\n' "$i" "$total" "$name" "$verdict" "$secs"
	{
		printf '    <testcase classname="%s" name="%s" time="%s">\n' "$suite" "$(printf '%s' "$name" | xml_escape)" "$secs"
		if [ "$verdict" = FAILED ]; then
			failed=$((failed + 1))
			printf '      <failure message="%s">' "$(printf '%s' "$why" | xml_escape)"
			{ echo "command: $cmd"; head -c 20000 "$tmp/out"; } | xml_escape
			printf '</failure>\n'
			sed 's/^/      | /' "$tmp/out" | head -30 >&2
		fi
		printf '      <system-out>'
		{ echo "command: $cmd"; head -c 4000 "$tmp/out"; } | xml_escape
		printf '</system-out>\n    </testcase>\n'
	} >> "$tmp/cases.xml"
done < "$cases"
mkdir -p "$(dirname "$xml")"
{
	echo '<?xml version="1.0" encoding="UTF-8"?>'
	printf '<testsuites name="%s" tests="%d" failures="%d" time="%d.%03d">\n' "$suite" "$i" "$failed" $((t_all / 1000)) $((t_all % 1000))
	printf '  <testsuite name="%s" tests="%d" failures="%d" errors="0" skipped="0" time="%d.%03d">\n' "$suite" "$i" "$failed" $((t_all / 1000)) $((t_all % 1000))
	cat "$tmp/cases.xml"
	echo '  </testsuite>'
	echo '</testsuites>'
} > "$xml.tmp" && mv "$xml.tmp" "$xml"
echo "  $suite: $((i - failed)) of $i cases passed; JUnit report: $xml"
[ "$failed" -eq 0 ]
