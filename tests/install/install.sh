#!/usr/bin/env bash
# make install works and an installed sharpsim stands on its own: install
# into a temporary prefix (its own build directory, so that the data
# directory compiled in is the prefix's), build examples/api_example.c with
# `pkg-config --cflags --libs sharpsim`, linked shared and static, run it
# from an empty directory with only the installed data (no SHARPSIM_DATA,
# the executable away from the source tree), and require the report that
# `build/sharpsim run --format json` writes for the same inputs, byte for
# byte. The installed binary must do the same from /. Then uninstall must
# leave no file behind.
#
#   tests/install/install.sh [MAKE]
set -uo pipefail
cd "$(dirname "$0")/../.."
root=$(pwd)
MAKE=${1:-make}
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
prefix=$T/prefix
ibuild=build/install-test
pass=0 fail=0
ok() { pass=$((pass + 1)); }
bad() { fail=$((fail + 1)); echo "install-test: FAIL: $*"; }
die() { echo "install-test: FAIL: $*"; exit 1; }

$MAKE --no-print-directory BUILD=$ibuild PREFIX="$prefix" install >"$T/make.log" 2>&1 ||
  { tail -20 "$T/make.log"; die "make install failed"; }
ver=$(cat VERSION)
for f in bin/sharpsim lib/libsharpsim.a "lib/libsharpsim.so.$ver" include/sharpsim/sharpsim.h \
  lib/pkgconfig/sharpsim.pc share/man/man1/sharpsim.1 share/sharpsim/configs/sharp-4k.yaml \
  share/sharpsim/configs/tiles/sharp-4k.yaml share/sharpsim/configs/tech/sharp-32nm.yaml \
  share/sharpsim/workloads/examples/lstm_tiny.yaml share/sharpsim/data/deepbench/deepbench_rnn_shapes.csv; do
  [ -f "$prefix/$f" ] && ok || bad "make install did not write $f"
done
[ "$(readlink "$prefix/lib/libsharpsim.so.${ver%%.*}")" = "libsharpsim.so.$ver" ] && ok ||
  bad "lib/libsharpsim.so.${ver%%.*} does not point at libsharpsim.so.$ver"
soname=$(readelf -d "$prefix/lib/libsharpsim.so.$ver" | sed -n 's/.*SONAME.*\[\(.*\)\]/\1/p')
[ "$soname" = "libsharpsim.so.${ver%%.*}" ] && ok || bad "soname '$soname', expected libsharpsim.so.${ver%%.*}"
grep -q 'generated\|Generated' "$prefix/share/man/man1/sharpsim.1" && grep -q 'compute.vs_units' "$prefix/share/man/man1/sharpsim.1" &&
  ok || bad "the man page does not hold the parameter table"

export PKG_CONFIG_PATH=$prefix/lib/pkgconfig
cflags=$(pkg-config --cflags sharpsim) || die "pkg-config does not know sharpsim"
libs=$(pkg-config --libs sharpsim)
slibs=$(pkg-config --static --libs sharpsim | sed 's/-lsharpsim/-Wl,-Bstatic -lsharpsim -Wl,-Bdynamic/')
mkdir -p "$T/x/bin" "$T/run"
# shellcheck disable=SC2086
cc -std=c11 -Wall -Wextra -Werror $cflags examples/api_example.c -o "$T/x/bin/ex-shared" $libs \
  -Wl,-rpath,"$prefix/lib" || die "cannot build the example against the shared library"
# shellcheck disable=SC2086
cc -std=c11 -Wall -Wextra -Werror $cflags examples/api_example.c -o "$T/x/bin/ex-static" $slibs ||
  die "cannot build the example against the static library"
readelf -d "$T/x/bin/ex-shared" | grep -q "NEEDED.*libsharpsim.so.${ver%%.*}" && ok || bad "ex-shared does not need the soname"
readelf -d "$T/x/bin/ex-static" | grep -q 'NEEDED.*libsharpsim' && bad "ex-static needs libsharpsim.so" || ok

hw=configs/sharp-1k.yaml wl=workloads/examples/lstm_tiny.yaml
build/sharpsim run --hw $hw --workload $wl -p scheduler=batch --format json >"$T/ref.json" || die "build/sharpsim failed"
want=$(sed -n 's/^  "cycles": \([0-9]*\),$/\1/p' "$T/ref.json")
for kind in shared static; do
  (cd "$T/run" && env -u SHARPSIM_DATA "$T/x/bin/ex-$kind" $hw $wl scheduler=batch --json "$T/$kind.json") \
    >"$T/$kind.out" 2>&1 || { bad "ex-$kind failed: $(cat "$T/$kind.out")"; continue; }
  got=$(sed -n 's/^cycles //p' "$T/$kind.out")
  [ "$got" = "$want" ] && ok || bad "ex-$kind: $got cycles, build/sharpsim run: $want"
  cmp -s "$T/$kind.json" "$T/ref.json" && ok || bad "ex-$kind: the JSON report differs from build/sharpsim run's"
  grep -q "refused as expected: option -p 'compute.vs_units=lots'" "$T/$kind.out" && ok ||
    bad "ex-$kind: the bad override was not refused with a message"
done

build/sharpsim run --format json >"$T/ref-default.json" || die "build/sharpsim failed"
(cd / && env -u SHARPSIM_DATA "$prefix/bin/sharpsim" run --format json) >"$T/root.json" 2>"$T/root.err"
cmp -s "$T/root.json" "$T/ref-default.json" && ok || bad "the installed binary run from / differs: $(cat "$T/root.err")"

$MAKE --no-print-directory BUILD=$ibuild PREFIX="$prefix" uninstall >"$T/un.log" 2>&1 || bad "make uninstall failed"
left=$(find "$prefix" -type f -o -type l | wc -l)
[ "$left" -eq 0 ] && ok || bad "make uninstall left $left files: $(find "$prefix" -type f -o -type l | head -3)"

echo "install-test: $pass passed, $fail failed ($(sed -n 's/^cycles //p' "$T/shared.out") cycles from the installed library, shared and static)"
[ "$fail" -eq 0 ]
