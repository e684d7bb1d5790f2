#!/usr/bin/env bash
# Shell tests of `sharpsim plot` (needs gnuplot; skipped, saying so, without):
#   - hostile text: a hardware name and a title holding backquotes, quotes,
#     gnuplot's `system`, newlines and a path are drawn as text; no command
#     runs (marker files stay absent), no file lands outside FIGDIR, and the
#     SVG shows the words literally;
#   - the collapse case (tests/plot/collapse.yaml: N x mfu.units x
#     schedulers): the speedup figure keeps all 18 bar groups, and each bar
#     equals sequential cycles / cycles recomputed from results.csv;
#   - a view that leaves a varying column off the figure is refused (exit
#     2) naming the column and --where; energy against a swept key as PDF
#     works once the column is placed; --where filters, a typo is an error.
#   tests/plot/plot.sh [BIN]
set -u
BIN=${1:-build/sharpsim}
T=$(mktemp -d "${TMPDIR:-/tmp}/sharpsim-plot.XXXXXX")
trap 'rm -rf "$T"' EXIT
fail=0
bad() { echo "plot test: FAIL: $*" >&2; fail=1; }
if ! command -v gnuplot >/dev/null; then
	echo "plot test: skipped (gnuplot not installed; scripts/install-deps.sh installs it)"
	exit 0
fi

# Hostile names. Each payload would create a file in $T/cwd if it ran.
mkdir -p "$T/cwd" "$T/hw"
sed -e "s|^name: .*|name: \"h\\\\\"; system \\\\\"touch PWNED1\\\\\"; x=\\\\\"\`touch PWNED2\`'q''\\\\n../../evil\"|" \
	-e 's|^  tile_table: .*|  tile_table: "'"$PWD"'/configs/tiles/sharp-1k.yaml"|' configs/sharp-1k.yaml > "$T/hw/evil.yaml"
cat > "$T/evil.yaml" <<SPEC
title: "T \`touch PWNED3\` \\" ; system \\"touch PWNED4\\""
hw: [hw/evil.yaml]
workloads: [$PWD/workloads/examples/lstm_tiny.yaml]
schedulers: [sequential, unfolded]
params:
  compute.tile: [config4]
energy: false
SPEC
"$BIN" sweep "$T/evil.yaml" --out "$T/evil" --quiet || bad "the hostile sweep failed"
title=$(printf 'U `touch PWNED5` '"'"'it'"'"'s" system("touch PWNED6")\nsecond line')
(cd "$T/cwd" && "$OLDPWD/$BIN" plot ../evil --out figs --title "$title" --format svg > ../plot.out) ||
	bad "plot of hostile names failed: $(cat "$T/plot.out")"
(cd "$T/cwd" && "$OLDPWD/$BIN" plot ../evil --out figs2 --spec-title --format svg > /dev/null) ||
	bad "plot --spec-title of a hostile title failed"
found=$(find "$T" -name 'PWNED*' -o -name 'evil*' -path '*figs*' -o -name '*.svg' -not -path '*/figs*/*')
[ -z "$found" ] || bad "a payload ran or a figure escaped FIGDIR: $found"
svg=$(ls "$T"/cwd/figs/speedup-*.svg 2>/dev/null | head -1)
[ -n "$svg" ] || bad "no speedup figure: $(ls -R "$T/cwd")"
if [ -n "$svg" ]; then
	grep -q 'U `touch PWNED5` .it.*s&quot; system(&quot;touch PWNED6&quot;)\|U `touch PWNED5` '"'"'it'"'"'s" system("touch PWNED6")' "$svg" ||
		bad "the title is not drawn literally in $svg"
	grep -q 'second line' "$svg" || bad "the title's second line is missing"
	grep -q 'system .*touch PWNED1.*touch PWNED2' "$svg" || bad "the hardware name is not drawn literally"
	case "$svg" in *[\"\'\`\ \;]*) bad "unsafe characters in a figure file name: $svg" ;; esac
fi
grep -q 'touch PWNED3' "$T"/cwd/figs2/*.svg || bad "the spec's title is not drawn literally"
# The scripts hold untrusted text only inside single quotes: no double
# quote and no backquote outside them (awk drops the quoted spans).
for gp in "$T"/cwd/figs/*.gp "$T"/cwd/figs2/*.gp; do
	sed "s/'[^']*'//g" "$gp" | grep -v '^set title \|^set xtics' | grep -n '[`]\|system' &&
		bad "$gp: a backquote or system outside a single-quoted string"
	sed "s/'[^']*'//g" "$gp" | grep -q '"\\n"' || true
done

# The collapse case.
"$BIN" sweep tests/plot/collapse.yaml --out "$T/c" --quiet || bad "collapse.yaml failed"
"$BIN" plot "$T/c" > /dev/null || bad "plot of the collapse case failed"
dat="$T/c/figures/speedup-sharp-4k.dat"
[ "$(grep -vc '^#' "$dat")" = 18 ] || bad "collapse: $(grep -vc '^#' "$dat") bar groups, expected 18"
# Independent check: speedup = sequential cycles / cycles per (workload, N, mfu.units).
awk -F, 'NR == 1 { for (i = 1; i <= NF; i++) c[$i] = i; next }
	{ k = $c["workload"] " vs_units=" $c["compute.vs_units"] " mfu.units=" $c["mfu.units"]
	  cyc[k, $c["scheduler"]] = $c["cycles"]; keys[k] = 1 }
	END { for (k in keys) printf "%s %.6g %.6g %.6g %.6g\n", k, 1, cyc[k, "sequential"] / cyc[k, "batch"],
	      cyc[k, "sequential"] / cyc[k, "intergate"], cyc[k, "sequential"] / cyc[k, "unfolded"] }' \
	"$T/c/results.csv" | sort > "$T/expect"
sed -n 's/^[0-9]* \(.*\)  # \(.*\)$/\2 \1/p' "$dat" | sort > "$T/got"
cmp -s "$T/expect" "$T/got" || bad "collapse: bars differ from results.csv: $(diff "$T/expect" "$T/got" | head -4)"

# Views.
"$BIN" plot "$T/c" --y cycles --x compute.vs_units --group scheduler 2> "$T/err" > /dev/null
st=$?
[ "$st" = 2 ] || bad "a view hiding a varying column: exit $st, expected 2"
grep -q "column 'workload' varies (lstm_tiny, vanilla) .*--where workload=VALUE" "$T/err" ||
	grep -q "column 'mfu.units' varies" "$T/err" || bad "the refusal does not name the column: $(cat "$T/err")"
"$BIN" plot "$T/c" --y cycles --x compute.vs_units --group scheduler --facet workload,mfu.units \
	--format pdf > "$T/out" || bad "a faceted view failed"
head -c 5 "$T/c/figures/cycles-vs-compute.vs_units.pdf" | grep -q '%PDF' || bad "no PDF written"
[ "$(grep -c '^# panel' "$T/c/figures/cycles-vs-compute.vs_units.dat")" = 6 ] || bad "expected 6 facet panels"
"$BIN" plot "$T/c" --y cycles --x compute.vs_units --group scheduler --where workload=vanilla \
	--where mfu.units=64 --name w > /dev/null || bad "a view with --where failed"
[ "$(grep -vc '^#' "$T/c/figures/w.dat" | tr -d ' ')" = 3 ] || bad "--where: expected 3 points of N"
"$BIN" plot "$T/c" --y cycles --where workload=vanila 2> "$T/err" > /dev/null
[ $? = 2 ] && grep -q "no row has this value" "$T/err" || bad "--where with a typo was not refused"
"$BIN" plot "$T/c" --y energy --x compute.vs_units 2> "$T/err" > /dev/null
[ $? = 2 ] && grep -q "energy: false" "$T/err" || bad "--y energy of an unpriced sweep: $(cat "$T/err")"

# Energy against a swept parameter, as PDF; the points are results.csv's.
"$BIN" sweep tests/plot/energy.yaml --out "$T/e" --quiet || bad "energy.yaml failed"
"$BIN" plot "$T/e" --y energy --x compute.vs_units --group scheduler --format pdf > "$T/out" ||
	bad "energy against N failed"
grep -q 'energy_uj-vs-compute.vs_units.pdf$' "$T/out" || bad "no PDF named: $(cat "$T/out")"
head -c 5 "$T/e/figures/energy_uj-vs-compute.vs_units.pdf" | grep -q '%PDF' || bad "the energy PDF is not a PDF"
awk -F, 'NR == 1 { for (i = 1; i <= NF; i++) c[$i] = i; next }
	{ printf "%s %s %.6g\n", $c["compute.vs_units"], $c["scheduler"], $c["energy_uj"] }' "$T/e/results.csv" |
	sort > "$T/expect"
grep -v '^#' "$T/e/figures/energy_uj-vs-compute.vs_units.dat" |
	awk '{ print $1, "sequential", $2; print $1, "unfolded", $3 }' | sort > "$T/got"
cmp -s "$T/expect" "$T/got" || bad "energy points differ from results.csv: $(diff "$T/expect" "$T/got" | head -3)"
grep -q "hw sharp-1k (N x K and clock as swept)" "$T/e/figures/energy_uj-vs-compute.vs_units.gp" ||
	bad "the caption does not say N varies on the preset"

[ "$fail" = 0 ] && echo "plot test: ok (hostile names, 18-group collapse case, views, facets, energy pdf, --where)"
exit "$fail"
