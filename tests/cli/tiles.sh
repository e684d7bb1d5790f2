#!/usr/bin/env bash
# `tile: auto` never silently uses a stale tile table (docs/architecture.md,
# "Tile tables"): every committed table carries its preset's timing key; a
# table explored under the run's key is used as written; one explored under
# another key, or an old table without a key, is not used: the run says so
# once on stderr and each layer is explored on the fly, so the tile is the
# one exploration picks; `sharpsim explore -v` says why each tile won.
set -uo pipefail
cd "$(dirname "$0")/../.."
BIN=${SHARPSIM_BIN:-build/sharpsim}
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
pass=0 fail=0
ok() { pass=$((pass + 1)); }
bad() { fail=$((fail + 1)); echo "tiles: FAIL: $*"; }

W=workloads/paper/lstm_h256_t25.yaml
HW=configs/sharp-4k.yaml
# tile ARGS...: the tile config of layer 1 (stderr to $T/err).
tile() { "$BIN" run --workload $W "$@" 2>"$T/err" | sed -n 's/^  layer 1 .* tile \(config[1-4]\) .*/\1/p'; }

# Every committed table is current for its preset (else `make tables`).
for b in 1k 4k 16k 64k 96k; do
  tile --hw configs/sharp-$b.yaml >/dev/null
  if ! grep -q 'tile table' "$T/err"; then ok; else bad "configs/tiles/sharp-$b.yaml is stale: $(cat "$T/err")"; fi
done

# What exploration picks (a name without a table: every layer explored).
explored=$(tile --hw $HW -p name=no-table)
explored4=$(tile --hw $HW -p name=no-table -p compute.accumulators=4)
# A table planted with a choice exploration does not make, under the
# preset's key: used means the planted choice, explored means the other.
# (The committed tables hold DeepBench's layers, each at its own T and
# batch; this workload's layer is explored into a table of its own.)
planted=config1
[ "$explored" = config1 ] && planted=config4
"$BIN" explore --hw $HW --workload $W --out "$T/w4k.yaml" 2>/dev/null
sed "s/best: config[1-4]/best: $planted/" "$T/w4k.yaml" >"$T/planted.yaml"

# Matching key: the table is used, nothing explored, nothing said.
got=$(tile --hw $HW -p compute.tile_table="$T/planted.yaml")
if [ "$got" = "$planted" ] && [ ! -s "$T/err" ]; then ok; else bad "matching table not used: $got, $(cat "$T/err")"; fi

# Stale key (the table was explored at accumulators: auto): not used.
got=$(tile --hw $HW -p compute.tile_table="$T/planted.yaml" -p compute.accumulators=4)
if [ "$got" = "$explored4" ]; then ok; else bad "stale table: tile $got, exploration picks $explored4"; fi
if [ "$(grep -c "^note: tile table $T/planted.yaml was explored for another configuration (timing key 0x[0-9a-f]\{16\}, this run 0x[0-9a-f]\{16\}); exploring each layer instead$" "$T/err")" -eq 1 ] &&
   [ "$(wc -l <"$T/err")" -eq 1 ]; then ok; else bad "stale table note: $(cat "$T/err")"; fi
# A layer the committed table does not hold (T = 25, batch 1 of H = 256 is
# not a DeepBench shape) is explored, at its own T, silently.
got=$(tile --hw $HW)
if [ "$got" = "$explored" ] && [ ! -s "$T/err" ]; then ok; else bad "missing entry: tile $got, exploration picks $explored, $(cat "$T/err")"; fi
# A table from before layer keys (entries keyed by shape only) is refused
# where it stands, with exit 2: its entries cannot say which T and batch
# they were explored at.
sed 's/ timesteps: [0-9]*, batch: [0-9]*, layer_key: "0x[0-9a-f]*",//' "$T/w4k.yaml" >"$T/shape-only.yaml"
"$BIN" run --workload $W --hw $HW -p compute.tile_table="$T/shape-only.yaml" >/dev/null 2>"$T/err"
rc=$?
if [ $rc -eq 2 ] && grep -q "^$T/shape-only.yaml:[0-9]*:[0-9]*: tile entry has no timesteps, .*run \`sharpsim explore\` again)$" "$T/err"; then ok; else
  bad "shape-only table: exit $rc, $(cat "$T/err")"; fi

# Old format (no timing_key): the machine is unknown, so not used either.
grep -v '^timing_key:' "$T/planted.yaml" >"$T/old.yaml"
got=$(tile --hw $HW -p compute.tile_table="$T/old.yaml")
if [ "$got" = "$explored" ] && grep -q "^note: tile table $T/old.yaml has no timing key" "$T/err"; then ok; else
  bad "old-format table: tile $got, $(cat "$T/err")"; fi

# explore writes the key of its effective config (-p included) and says
# why each tile won with -v.
"$BIN" explore --hw $HW -p compute.accumulators=4 --workload $W --out "$T/acc4.yaml" -v 2>"$T/explore.err"
if grep -q '^timing_key: "0x[0-9a-f]\{16\}"$' "$T/acc4.yaml" &&
   grep -q "^explore: N=128 K=32 unfolded lstm I=256 H=256 T=25 B=1: config1 [0-9]* config2 [0-9]*\* config3 [0-9]* config4 [0-9]* -> config2$" "$T/explore.err"; then ok; else
  bad "explore -v: $(head -3 "$T/explore.err")"; fi
got=$(tile --hw $HW -p compute.tile_table="$T/acc4.yaml" -p compute.accumulators=4)
if [ "$got" = "$explored4" ] && [ ! -s "$T/err" ]; then ok; else bad "table explored at accumulators=4 not used there: $got, $(cat "$T/err")"; fi

echo "tiles: $pass passed, $fail failed"
[ "$fail" -eq 0 ]
