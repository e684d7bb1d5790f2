#!/usr/bin/env bash
# sharpsim runs the same from any directory (sim/common/datadir.h): the
# default config, workload, tile table and technology table, and a relative
# --hw, are found from another directory through the executable's location
# or $SHARPSIM_DATA, and give byte-identical reports; a file in the working
# directory wins; without any way to the data the run fails cleanly.
#
#   tests/cli/datadir.sh BIN INSTALLED_DATADIR
set -uo pipefail
cd "$(dirname "$0")/../.."
root=$(pwd)
BIN=$root/$1
installed=$2
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
pass=0 fail=0
ok() { pass=$((pass + 1)); }
bad() { fail=$((fail + 1)); echo "datadir: FAIL: $*"; }

"$BIN" run --format json --out "$T/ref-default.json" || exit 1
"$BIN" run --hw configs/sharp-1k.yaml --format json --out "$T/ref-1k.json" || exit 1

# From another directory: the source tree beside build/sharpsim.
mkdir -p "$T/elsewhere"
(cd "$T/elsewhere" && "$BIN" run --format json) >"$T/a.json" 2>"$T/a.err"
cmp -s "$T/a.json" "$T/ref-default.json" && ok || bad "default run from another directory differs: $(cat "$T/a.err")"
(cd "$T/elsewhere" && "$BIN" run --hw configs/sharp-1k.yaml --format json) >"$T/b.json" 2>"$T/b.err"
cmp -s "$T/b.json" "$T/ref-1k.json" && ok || bad "--hw configs/sharp-1k.yaml from another directory differs"

# A copy of the binary away from the tree finds nothing by itself...
mkdir -p "$T/bin" "$T/data"
cp "$BIN" "$T/bin/sharpsim"
if [ ! -d "$installed" ]; then
  (cd "$T/elsewhere" && "$T/bin/sharpsim" run --format json) >"$T/c.json" 2>"$T/c.err"
  rc=$?
  if [ $rc -eq 2 ] && [ "$(wc -l <"$T/c.err")" -eq 1 ] && grep -q 'configs/.*: cannot open' "$T/c.err" &&
    [ ! -s "$T/c.json" ]; then ok; else bad "a lone binary: exit $rc, '$(cat "$T/c.err")', expected exit 2 and one line"; fi
fi
# ...and everything through SHARPSIM_DATA.
cp -r configs workloads "$T/data/"
(cd "$T/elsewhere" && SHARPSIM_DATA="$T/data" "$T/bin/sharpsim" run --format json) >"$T/d.json" 2>"$T/d.err"
cmp -s "$T/d.json" "$T/ref-default.json" && ok || bad "SHARPSIM_DATA run differs: $(cat "$T/d.err")"
(cd "$T/elsewhere" && SHARPSIM_DATA="$T/data" "$T/bin/sharpsim" run --hw configs/sharp-1k.yaml --format json) \
  >"$T/e.json" 2>"$T/e.err"
cmp -s "$T/e.json" "$T/ref-1k.json" && ok || bad "SHARPSIM_DATA --hw run differs: $(cat "$T/e.err")"

# The working directory wins over the data: a local configs/sharp-1k.yaml
# with 64 VS units is the one that runs.
mkdir -p "$T/elsewhere/configs"
sed 's/^  vs_units: 32 /  vs_units: 64 /' configs/sharp-1k.yaml >"$T/elsewhere/configs/sharp-1k.yaml"
(cd "$T/elsewhere" && SHARPSIM_DATA="$T/data" "$T/bin/sharpsim" config --hw configs/sharp-1k.yaml) >"$T/f.txt" 2>&1
grep -Eq 'vs_units: +64' "$T/f.txt" && ok || bad "a local configs/sharp-1k.yaml did not win: $(head -c 300 "$T/f.txt")"

echo "datadir: $pass passed, $fail failed"
[ "$fail" -eq 0 ]
