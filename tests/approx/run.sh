#!/usr/bin/env bash
# `sharpsim compress` and `sharpsim decompose` on the shipped trained model,
# checked against numpy (tests/approx/check.py); the checker is shown to
# fail on a deliberately broken output; every class of bad input gives one
# line on stderr and exit status 2 and writes nothing; same inputs give
# byte-identical outputs.
set -uo pipefail
cd "$(dirname "$0")/../.."
BIN=build/sharpsim
PY=${PYTHON:-/usr/bin/python3}
M=workloads/models/sines_lstm
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
pass=0 fail=0
ok() { pass=$((pass + 1)); }
bad() { fail=$((fail + 1)); echo "approx: FAIL: $*"; }

# run NAME ARGS...: a compress run that must succeed, then numpy's verdict
compress_ok() {
  local name=$1
  shift
  if ! "$BIN" compress --in $M --out "$T/$name" "$@" >/dev/null 2>"$T/err"; then
    bad "compress $* failed: $(cat "$T/err")"; return
  fi
  if "$PY" tests/approx/check.py compress $M "$T/$name" >"$T/log" 2>&1; then ok; else bad "numpy disagrees with compress $*"; cat "$T/log"; fi
}

compress_ok mag --prune magnitude --sparsity 0.7 --bits 4 --scale row
compress_ok blk --prune block --sparsity 0.5 --block 8 --bits 8 --scale block --layout bsr
compress_ok rowcb --prune row --sparsity 0.75 --codebook kmeans --index-bits 3 --cb-group row --layout csc
compress_ok ese --prune ese --sparsity 0.9 --units 16 --codebook uniform --index-bits 2 --cb-group tensor --layout bitmask --tile 64x8
compress_ok q16 --bits 16 --scale tensor
compress_ok q2 --bits 2 --scale row --prune magnitude --sparsity 0.5 --tile 32x8
compress_ok r53 --ratio 5.3
compress_ok r16 --ratio 16 --cb-group row

# decompose: factors and progressive QoR against numpy
if "$BIN" decompose --workload $M/sines_lstm.yaml --nz 36 --steps 12 --out "$T/dec" --head $M/head --eval-every 4 \
  --inputs $M/test/x.npy --labels $M/test/labels.npy >/dev/null 2>"$T/err"; then
  if "$PY" tests/approx/check.py decompose $M "$T/dec" >"$T/log" 2>&1; then ok; else bad "numpy disagrees with decompose"; cat "$T/log"; fi
else
  bad "decompose failed: $(cat "$T/err")"
fi

# The checker must notice a wrong weight, a wrong byte count and a wrong QoR.
cp -r "$T/mag" "$T/broken"
"$PY" - "$T/broken/U.npy" <<'PY'
import sys, numpy as np
a = np.load(sys.argv[1]); a[3, 5] += 1e-9; np.save(sys.argv[1], a)
PY
if "$PY" tests/approx/check.py compress $M "$T/broken" >/dev/null 2>&1; then bad "checker passed a perturbed weight"; else ok; fi
cp -r "$T/mag" "$T/broken2"
sed -i 's/"csr": \([0-9]*\)/"csr": 1\1/' "$T/broken2/summary.json"
if "$PY" tests/approx/check.py compress $M "$T/broken2" >/dev/null 2>&1; then bad "checker passed a wrong byte count"; else ok; fi
cp -r "$T/dec" "$T/broken3"
sed -i '0,/"mean_kl": /s/"mean_kl": /"mean_kl": 1e-3+/' "$T/broken3/summary.json"
"$PY" - "$T/broken3/summary.json" <<'PY'
import json, sys
p = sys.argv[1]; s = open(p).read().replace("1e-3+", "")
d = json.loads(s); d["progressive"][0]["mean_kl"] *= 1.001; json.dump(d, open(p, "w"))
PY
if "$PY" tests/approx/check.py decompose $M "$T/broken3" >/dev/null 2>&1; then bad "checker passed a wrong KL"; else ok; fi

# run --functional on a progressive layer reports, per refinement, the
# same relative error and cosine as decompose on the same layer and inputs;
# on a two-layer workload it is file:line:col, exit 2.
"$BIN" decompose --workload $M/sines_lstm.yaml --nz 36 --steps 12 --out "$T/dec12" >/dev/null 2>&1
if "$BIN" run --hw configs/sharp-1k.yaml --workload $M/sines_lstm.yaml -w approx=svd_prune -w approx_nz=36 \
  -w approx_steps=12 --functional --no-energy --format json >"$T/run.json" 2>"$T/err" &&
  "$PY" - "$T/dec12/summary.json" "$T/run.json" <<'PY'
import json, sys
a = json.load(open(sys.argv[1]))["progressive"]
b = json.load(open(sys.argv[2]))["layers"][0]["progressive"]
assert len(b["rel_error"]) == len(a) == 12
assert all(abs(r["rel_error"] - x) <= 1e-8 * max(1, x) for r, x in zip(a, b["rel_error"]))
assert all(abs(r["cosine"] - x) <= 1e-9 for r, x in zip(a, b["cosine"]))
PY
then ok; else bad "run --functional's progressive QoR differs from decompose's: $(cat "$T/err")"; fi
# --dump-outputs writes the partial outputs themselves: h of every step
# after k = 1..N refinements and the exact layer's; the reported relative
# error of each k is recomputed from them (the last step, over the batch).
mkdir -p "$T/dump"
if "$BIN" run --hw configs/sharp-1k.yaml --workload $M/sines_lstm.yaml -w approx=svd_prune -w approx_nz=36 \
  -w approx_steps=12 --functional --no-energy --format json --dump-outputs "$T/dump" >"$T/run2.json" 2>"$T/err" &&
  cmp -s "$T/run.json" "$T/run2.json" && "$PY" tests/approx/check_dump.py "$T/dump" "$T/run.json"
then ok; else bad "run --functional --dump-outputs: the partial outputs do not give the reported errors: $(cat "$T/err")"; fi
# The check bites: the refinements in reverse order fail it.
if "$PY" tests/approx/check_dump.py "$T/dump" "$T/run.json" reversed >/dev/null 2>&1; then
  bad "check_dump.py passed refinements in reverse order"; else ok; fi
"$BIN" run --workload workloads/examples/lstm_stack2.yaml -w approx=svd_prune -w approx_nz=4 --functional \
  --no-energy >/dev/null 2>"$T/err"
rc=$?
if [ $rc -eq 2 ] && grep -Eq '^[^: ]+\.yaml:[0-9]+:[0-9]+: --functional evaluates a progressive layer' "$T/err"; then ok
else bad "a two-layer progressive --functional run: exit $rc, $(cat "$T/err")"; fi
# A progressive layer followed by an fc head and a softmax: run --functional
# reports per refinement the mean KL and the argmax agreement of the
# classifier's distributions, the same as decompose --head on the same layer
# and head (within 1e-9); a head with one bias moved by 1e-3 is caught (the
# negative control); a head that does not end in a softmax is the fc's
# file:line:col, exit 2. The fc's weights directory is the shipped head's
# Wc, bc as W, b (and the x.npy every weights directory holds).
mkdir -p "$T/cls/head" "$T/cls/moved"
"$PY" - $M "$T/cls" <<'PY'
import sys, numpy as np
m, d = sys.argv[1:]
W, b = np.load(f"{m}/head/Wc.npy"), np.load(f"{m}/head/bc.npy")
for sub, bb in (("head", b), ("moved", b + np.eye(len(b))[0] * 1e-3)):
    np.save(f"{d}/{sub}/W.npy", W)
    np.save(f"{d}/{sub}/b.npy", bb)
    np.save(f"{d}/{sub}/x.npy", np.zeros((32, 16, W.shape[1])))
PY
cls_yaml() { # head directory, last cell
  printf 'name: sines_classifier\nlayers:\n  - cell: lstm\n    input_size: 8\n    hidden_size: 64\n'
  printf '    timesteps: 32\n    batch_size: 16\n    weights: %s\n' "$PWD/$M"
  printf '    approx: svd_prune\n    approx_nz: 36\n    approx_steps: 12\n'
  printf '  - cell: fc\n    input_size: 64\n    hidden_size: 4\n    timesteps: 32\n    batch_size: 16\n'
  printf '    weights: %s\n' "$1"
  [ "$2" = softmax ] && printf '  - cell: softmax\n    input_size: 4\n    hidden_size: 4\n    timesteps: 32\n    batch_size: 16\n'
}
cls_yaml head softmax >"$T/cls/cls.yaml"
cls_yaml moved softmax >"$T/cls/moved.yaml"
cls_yaml head none >"$T/cls/nosoftmax.yaml"
"$BIN" decompose --workload $M/sines_lstm.yaml --nz 36 --steps 12 --out "$T/dech" --head $M/head >/dev/null 2>&1
cls_same() { # run.json: its kl and argmax_agreement equal decompose --head's within 1e-9
  "$PY" - "$T/dech/summary.json" "$1" <<'PY'
import json, sys
a = json.load(open(sys.argv[1]))["progressive"]
b = json.load(open(sys.argv[2]))["layers"][0]["progressive"]
assert len(b["kl"]) == len(b["argmax_agreement"]) == len(a) == 12
assert all(abs(r["mean_kl"] - x) <= 1e-9 * max(1, x) for r, x in zip(a, b["kl"])), (a, b["kl"])
assert all(abs(r["argmax_agreement"] - x) <= 1e-9 for r, x in zip(a, b["argmax_agreement"]))
PY
}
if "$BIN" run --hw configs/sharp-1k.yaml --workload "$T/cls/cls.yaml" --functional --no-energy --format json \
  >"$T/cls/run.json" 2>"$T/err" && cls_same "$T/cls/run.json" >"$T/log" 2>&1
then ok; else bad "run --functional's classifier KL differs from decompose --head's: $(cat "$T/err" "$T/log")"; fi
if "$BIN" run --hw configs/sharp-1k.yaml --workload "$T/cls/moved.yaml" --functional --no-energy --format json \
  >"$T/cls/moved.json" 2>"$T/err" && ! cls_same "$T/cls/moved.json" >/dev/null 2>&1
then ok; else bad "the KL check passed a head whose bias moved by 1e-3: $(cat "$T/err")"; fi
"$BIN" run --hw configs/sharp-1k.yaml --workload "$T/cls/nosoftmax.yaml" --functional --no-energy >/dev/null 2>"$T/err"
rc=$?
if [ $rc -eq 2 ] && grep -Eq '^[^: ]+nosoftmax\.yaml:12:5: --functional evaluates .* do not end in a softmax' "$T/err"; then ok
else bad "a progressive layer and an fc without softmax under --functional: exit $rc, $(cat "$T/err")"; fi

# approx_factors: decompose's factors give the same QoR as decomposing in
# the run; factors whose shapes disagree with the layer (another NZ, fewer
# steps than approx_steps, another R) are the layer's file:line:col, exit 2,
# timed or functional.
if "$BIN" run --hw configs/sharp-1k.yaml --workload $M/sines_lstm.yaml -w approx=svd_prune -w approx_nz=36 \
  -w approx_steps=12 -w approx_factors="$T/dec12" --functional --no-energy --format json >"$T/runf.json" 2>"$T/err" &&
  "$PY" -c 'import json, sys; a, b = (json.load(open(p))["layers"][0]["progressive"] for p in sys.argv[1:]); assert a["rel_error"] == b["rel_error"] and a["cosine"] == b["cosine"]' "$T/run.json" "$T/runf.json"
then ok; else bad "approx_factors gives another QoR than decomposing in the run: $(cat "$T/err")"; fi
factors_bad() { # pattern, -w overrides...
  local pattern=$1
  shift
  "$BIN" run --hw configs/sharp-1k.yaml --workload $M/sines_lstm.yaml -w approx=svd_prune -w approx_factors="$T/dec12" \
    "$@" --no-energy >/dev/null 2>"$T/err"
  local rc=$?
  if [ $rc -eq 2 ] && grep -Eq "^[^: ]+\.yaml:[0-9]+:[0-9]+: layer 1: approx_factors: $pattern" "$T/err"; then ok
  else bad "approx_factors $*: exit $rc, $(cat "$T/err")"; fi
}
factors_bad '.*/i_v\.npy: shape \(12, 36\), expected \(12, 20\)$' -w approx_nz=20 -w approx_steps=4
factors_bad '.*/i_sigma\.npy: shape \(12,\), expected \(N,\) with N >= approx_steps = 13$' -w approx_nz=36 -w approx_steps=13
factors_bad '.*/i_u\.npy: shape \(12, 64\), expected \(12, 32\)$' -w approx_nz=36 -w approx_steps=2 -w hidden_size=32 -w input_size=44

# Determinism.
"$BIN" compress --in $M --out "$T/d1" --ratio 8 >/dev/null && "$BIN" compress --in $M --out "$T/d2" --ratio 8 >/dev/null
if diff -r "$T/d1" "$T/d2" >/dev/null; then ok; else bad "two identical compress runs differ"; fi
"$BIN" decompose --workload $M/sines_lstm.yaml --nz 20 --steps 3 --out "$T/e1" >"$T/o1" &&
  "$BIN" decompose --workload $M/sines_lstm.yaml --nz 20 --steps 3 --out "$T/e2" >"$T/o2"
if diff -r "$T/e1" "$T/e2" >/dev/null && cmp -s "$T/o1" "$T/o2"; then ok; else bad "two identical decompose runs differ"; fi

# expect_error PATTERN ARGS...: exit 2, one stderr line matching PATTERN,
# nothing on stdout, no output directory.
expect_error() {
  local pattern=$1
  shift
  rm -rf "$T/out"
  "$BIN" "$@" >"$T/stdout" 2>"$T/stderr"
  local rc=$?
  if [ "$rc" -ne 2 ]; then bad "$* -> exit $rc, expected 2 ($(cat "$T/stderr"))"; return; fi
  if [ "$(wc -l <"$T/stderr")" -ne 1 ]; then bad "$* -> stderr not one line: $(cat "$T/stderr")"; return; fi
  if ! grep -Eq "$pattern" "$T/stderr"; then bad "$* -> '$(cat "$T/stderr")' does not match /$pattern/"; return; fi
  if [ -s "$T/stdout" ]; then bad "$* -> wrote to stdout"; return; fi
  if [ -e "$T/out" ]; then bad "$* -> left an output directory"; return; fi
  ok
}
C="compress --in $M --out $T/out"
expect_error "^option --sparsity '1': outside \[0, 1\)" $C --prune magnitude --sparsity 1
expect_error "^option --sparsity '-0.1': outside \[0, 1\)" $C --prune magnitude --sparsity -0.1
expect_error "^option --bits '3': bit width not supported, expected 16, 8, 4 or 2" $C --bits 3
expect_error "codebook of 17 entries is larger than 4-bit indices allow" $C --codebook kmeans --index-bits 4 --entries 17
expect_error "^option --ratio: compression ratio '4' is not offered" $C --ratio 4
expect_error "^option --prune 'random': unknown method" $C --prune random
expect_error "^option --prune without --sparsity" $C --prune row
expect_error "W.npy: 300 processing units for 256 rows" $C --prune ese --sparsity 0.5 --units 300
expect_error "options --bits and --codebook/--ratio exclude each other" $C --bits 4 --ratio 8
expect_error "^nope: no such directory" compress --in nope --out "$T/out"
expect_error "csr layout: 4-bit column indices cannot address 64" $C --prune row --sparsity 0.5 --index-width 4
mkdir -p "$T/badnpy" && printf 'not a numpy file' >"$T/badnpy/U.npy"
expect_error "^$T/badnpy/U.npy: not a .npy file \(bad magic\)" compress --in "$T/badnpy" --out "$T/out"
"$PY" -c "import numpy as np; np.save('$T/badnpy/U.npy', np.zeros(5, dtype='<f4'))"
expect_error "^$T/badnpy/U.npy: shape \(5,\), expected a 2-D weight matrix" compress --in "$T/badnpy" --out "$T/out"
D="decompose --workload $M/sines_lstm.yaml --out $T/out"
expect_error "^option --nz '73': NZ 73 exceeds the 72 columns of \[W_x W_h\]" $D --nz 73 --steps 4
expect_error "^option --steps '0': refine_steps must be at least 1" $D --nz 8 --steps 0
expect_error "^option --nz '0': NZ must be at least 1" $D --nz 0 --steps 4
expect_error "^workloads/networks/kws_gru.yaml:[0-9]+:[0-9]+: layer 1 is a gru layer, expected lstm or vanilla" \
  decompose --workload workloads/networks/kws_gru.yaml --out "$T/out" --nz 8 --steps 2
expect_error "^[^:]+\.yaml:[0-9]+:[0-9]+: " decompose --workload tests/fixtures/config/workload_bad_cell.yaml --out "$T/out" --nz 8 --steps 2
mkdir -p "$T/badhead" && "$PY" -c "import numpy as np; np.save('$T/badhead/Wc.npy', np.zeros((4, 63)))"
expect_error "^$T/badhead/Wc.npy: shape \(4, 63\), expected \(K, 64\)" $D --nz 8 --steps 2 --head "$T/badhead"
expect_error "^$M/test/labels.npy: shape \(256,\), expected \(16,\)" $D --nz 8 --steps 2 --head $M/head --labels $M/test/labels.npy
"$PY" -c "import numpy as np; np.save('$T/badnpy/x5.npy', np.zeros((5, 3, 8)))"
expect_error "^$T/badnpy/x5.npy: shape \(5, 3, 8\), expected \(32, B, 8\)" $D --nz 8 --steps 2 --inputs "$T/badnpy/x5.npy"
expect_error "^$T/nonexistent/Wc.npy: cannot open: .*expected a readable .npy file" $D --nz 8 --steps 2 --head "$T/nonexistent"
expect_error "^option --labels needs --head" $D --nz 8 --steps 2 --labels $M/test/labels.npy
expect_error "W.npy: shape \(256, 8\), expected \(128, 8\)" decompose --workload $M/sines_lstm.yaml -w hidden_size=32 --out "$T/out" --nz 8 --steps 2

echo "approx: $pass passed, $fail failed"
[ "$fail" -eq 0 ]
