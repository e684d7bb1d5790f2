#!/usr/bin/env bash
# apply.sh NAME SRC DST - builds mutant NAME: copies the RTL in SRC to DST and
# applies rtl/mutants/NAME.sed to the one file its "# file:" line names.
# Fails when the sed script changes nothing (it no longer matches the RTL),
# so a mutant can never silently turn into the original design.
set -euo pipefail
name=$1 src=$2 dst=$3
script="$(dirname "$0")/$name.sed"
[ -f "$script" ] || { echo "apply.sh: no mutant $name ($script)" >&2; exit 2; }
target=$(sed -n 's/^# file: //p' "$script")
mkdir -p "$dst"
cp "$src"/*.sv "$src"/*.svh "$dst"/
sed -f "$script" "$src/$target" > "$dst/$target"
if cmp -s "$src/$target" "$dst/$target"; then
  echo "apply.sh: mutant $name changes nothing in $target: update $script" >&2
  exit 1
fi
