#!/usr/bin/env bash
# Command-line behaviour of `sharpsim run`: every class of bad input gives
# exactly one line on stderr of the form "file:line:col: what is wrong,
# what was expected" (or, for options and missing files, naming the option
# or the file), exit status 2, nothing on stdout, and no --out file; a
# failed run leaves an existing --out file untouched; --trace writes valid
# Chrome trace JSON with a track per unit; the same inputs give
# byte-identical outputs.
set -uo pipefail
cd "$(dirname "$0")/../.."
BIN=${SHARPSIM_BIN:-build/sharpsim}
FX=tests/fixtures/config
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
pass=0 fail=0

ok() { pass=$((pass + 1)); }
bad() { fail=$((fail + 1)); echo "cli: FAIL: $*"; }

# expect_error PATTERN ARGS... : exit 2, one stderr line matching PATTERN
# (an extended regex), empty stdout, no --out file written.
expect_error() {
  local pattern=$1
  shift
  rm -f "$T/out.json"
  "$BIN" run "$@" --out "$T/out.json" >"$T/stdout" 2>"$T/stderr"
  local rc=$?
  local lines
  lines=$(wc -l <"$T/stderr")
  if [ "$rc" -ne 2 ]; then bad "$* -> exit $rc, expected 2"; return; fi
  if [ "$lines" -ne 1 ]; then bad "$* -> $lines stderr lines, expected 1: $(cat "$T/stderr")"; return; fi
  if ! grep -Eq "$pattern" "$T/stderr"; then bad "$* -> '$(cat "$T/stderr")' does not match /$pattern/"; return; fi
  if [ -s "$T/stdout" ]; then bad "$* -> wrote to stdout"; return; fi
  if ls "$T" | grep -q '^out.json'; then bad "$* -> left an --out file"; return; fi
  ok
}

LOC='^[^: ]+\.yaml:[0-9]+:[0-9]+: '
expect_error "${LOC}did not find expected key" --hw $FX/malformed.yaml
expect_error "${LOC}unknown key 'vs_unit' in compute, did you mean 'vs_units'\?" --hw $FX/unknown_key.yaml
expect_error "${LOC}value 'abc' of compute.vs_units is not an integer, expected" --hw $FX/wrong_type.yaml
expect_error "${LOC}value '1001' of mfu.latency is out of range, expected an integer from 1 to 1000" --hw $FX/out_of_range.yaml
expect_error "${LOC}compute.tile config1 .* expected a config N can form" --hw $FX/tile_inconsistent.yaml
expect_error "${LOC}duplicate key 'units' \(first at line 2\), expected each key once" --hw $FX/duplicate_key.yaml
expect_error "${LOC}unknown cell 'lsmt', expected one of lstm, gru, vanilla, fc, lstm_peephole, lstm_coupled, qrnn, softmax$" --workload $FX/workload_bad_cell.yaml
expect_error "${LOC}.*unknown key" --workload $FX/workload_unknown.yaml
# A softmax's program is SHARP's: another machine refuses it at the layer.
expect_error "${LOC}layer 3 is a softmax, which is modelled on SHARP's datapath, not on machine epur's" \
  --hw configs/baselines/epur-1k.yaml --workload workloads/cells/lstm_classifier.yaml
# A softmax has no weights: a weight-storage key on it is refused at the key,
# and a -w override of one applies to the layers that have weights.
sed '$a\    sparsity: 0.5' workloads/cells/lstm_classifier.yaml >"$T/smx_sparse.yaml"
expect_error "^$T/smx_sparse.yaml:[0-9]+:15: layer 3 is a softmax: it has no weights to store, expected no sparsity on it$" \
  --workload "$T/smx_sparse.yaml"
if "$BIN" run --workload workloads/cells/lstm_classifier.yaml -w sparsity=0.5 -w weight_bits=8 --format json >"$T/smx_w.json" 2>/dev/null &&
  grep -q '"sparsity": 0.5' "$T/smx_w.json"; then ok; else bad "-w sparsity on a network ending in a softmax"; fi
expect_error "${LOC}value '3' of weight_bits is not a valid choice, expected one of: 16, 8, 4, 2$" --workload $FX/workload_bad_bits.yaml
expect_error "${LOC}value 'foo' of weight_scale is not a valid choice, expected one of: row, block, tensor$" --workload $FX/workload_bad_scale.yaml
expect_error "${LOC}value '1.0' of sparsity is out of range, expected a number at least 0 and below 1$" --workload $FX/workload_bad_sparsity.yaml
expect_error "value '-0.1' of sparsity is out of range, expected a number at least 0 and below 1$" -w sparsity=-0.1
expect_error "^tests/fixtures/config/workload_bad_codebook.yaml:9:23: layer 1's codebook of 9 entries is larger than 3-bit indices can address, expected codebook_entries at most 8 \\(or codebook_bits larger\\)$" --workload $FX/workload_bad_codebook.yaml
expect_error "^option -w 'codebook_bits=9': value '9' is out of range, expected an integer from 1 to 8$" -w codebook_bits=9
expect_error "${LOC}layer 1 prunes its weights by magnitude \\(sparsity_mask: magnitude\\) but has no weights directory, expected 'weights: DIR' \\(or sparsity_mask: seeded\\)$" -w sparsity=0.5 -w sparsity_mask=magnitude
expect_error "^missing\.yaml: cannot open: No such file or directory, expected a readable YAML file" --hw missing.yaml
expect_error "^option -p 'compute.vs_units=abc': value 'abc' is not an integer" -p compute.vs_units=abc
expect_error "^option -p 'compute.vs_unit=3': unknown key 'compute.vs_unit', did you mean 'compute.vs_units'\?" -p compute.vs_unit=3
expect_error "^option -w 'timesteps=0': value '0' is out of range" -w timesteps=0
expect_error "^option --format 'xml': unknown format, expected text, json or csv" --format xml
expect_error "^unknown option '--bogus'" --bogus
expect_error "accumulators \(2\) is smaller than its batch_size \(4\)" -p compute.accumulators=2 -w batch_size=4
expect_error "stage_bytes .* smaller than one tile" -p memory.weights=stream -p memory.weight_buffer.stage_bytes=16

# Stored weights: fp16 written out hashes as the default (the keys are
# quiet at their default, so old config_hash values stay valid); 4 bits
# does not. An LSTM of H = I = 1536 exceeds the 26 MiB buffer at fp16 and
# fits at 4 bits: it runs resident and the report says it fits only
# compressed.
h0=$("$BIN" run --no-energy --format json | grep '"config_hash"')
h16=$("$BIN" run --no-energy --format json -w weight_bits=16 -w weight_scale=row | grep '"config_hash"')
h4=$("$BIN" run --no-energy --format json -w weight_bits=4 | grep '"config_hash"')
# The sparsity keys are quiet at their defaults too.
hs=$("$BIN" run --no-energy --format json -w sparsity=0 -w sparse_format=dense -w sparsity_seed=1 | grep '"config_hash"')
if [ "$h0" = "$hs" ]; then ok; else bad "sparsity defaults moved config_hash: '$h0' '$hs'"; fi
# So are the codebook keys; a codebook layer hashes apart.
hc=$("$BIN" run --no-energy --format json -w weight_codebook=none -w codebook_bits=4 -w codebook_entries=0 | grep '"config_hash"')
if [ "$h0" = "$hc" ]; then ok; else bad "codebook defaults moved config_hash: '$h0' '$hc'"; fi
hm=$("$BIN" run --no-energy --format json -w sparsity_mask=seeded | grep '"config_hash"')
if [ "$h0" = "$hm" ]; then ok; else bad "sparsity_mask default moved config_hash: '$h0' '$hm'"; fi
hk=$("$BIN" run --no-energy --format json -w weight_codebook=neu8 | grep '"config_hash"')
if [ "$h0" != "$hk" ]; then ok; else bad "a codebook layer hashes as the fp16 one"; fi
# Delta networks: the keys are quiet at their defaults; a NaN or negative
# threshold is file:line:col; a delta layer without --functional is refused
# at the layer's line (its skipped columns depend on the values).
hd=$("$BIN" run --no-energy --format json -w delta=false -w delta_threshold_x=0 -w delta_threshold_h=0 | grep '"config_hash"')
if [ "$h0" = "$hd" ]; then ok; else bad "delta defaults moved config_hash: '$h0' '$hd'"; fi
expect_error "${LOC}value '.nan' of layers\[0\].delta_threshold_x is not a number" --functional --workload $FX/workload_bad_delta.yaml
expect_error "value '-1' of delta_threshold_h is out of range, expected a number at least 0" -w delta_threshold_h=-1
expect_error "${LOC}layer 1 is a delta network \(delta: true\): which columns it skips depends on the values, expected a run with --functional$" -w delta=true
# Progressive layers: NZ beyond I + H, refine_steps below 1 and a budget
# shorter than one refinement step are file:line:col, exit 2; the keys are
# quiet at their defaults.
ha=$("$BIN" run --no-energy --format json -w approx=none -w approx_nz=0 -w approx_steps=1 | grep '"config_hash"')
if [ "$h0" = "$ha" ]; then ok; else bad "approx defaults moved config_hash: '$h0' '$ha'"; fi
expect_error "${LOC}approx_nz is 17, expected 1\.\.16 \(the columns of \[W_x W_h\], I \+ H\)$" --workload $FX/workload_bad_approx.yaml
expect_error "${LOC}value '0' of layers\[0\]\.approx_steps is out of range, expected an integer from 1 to 65535$" --workload $FX/workload_bad_approx_steps.yaml
expect_error "${LOC}layer 1: a time budget of 0.01 us is 5 cycles at 500 MHz, shorter than one refinement step" --workload $FX/workload_bad_approx.yaml -w approx_nz=4 --budget-us 0.01
expect_error "a time budget applies to progressive layers and the workload has none" --budget-us 1
# --anytime reads one dense layer's blocks; a progressive layer has its own curve.
expect_error "${LOC}--anytime reads a dense layer's h after each row block, expected a one-layer workload" --anytime --workload $FX/workload_bad_approx.yaml -w approx_nz=4
expect_error "${LOC}layer 1 is progressive \(approx: svd_prune\), which is modelled on SHARP's datapath, not on machine epur's" --hw configs/baselines/epur-1k.yaml --workload $FX/workload_bad_approx.yaml -w approx_nz=4
expect_error "${LOC}layer 1 is progressive \(approx: svd_prune\), which is modelled on SHARP's datapath, not on epur's" --scheduler epur --workload $FX/workload_bad_approx.yaml -w approx_nz=4
# refinement-major order keeps every row block of every sequence open: too few accumulators is a deadlock, refused at the layer
expect_error "${LOC}layer 1: no tile config can be formed .*approx_order: refinement keeps the sums of all 8 row blocks x batch 16 open over a step, 128 accumulator blocks, and compute.accumulators is 16, expected at least 128" --hw configs/sharp-1k.yaml --workload workloads/models/sines_lstm/sines_lstm.yaml -w approx=svd_prune -w approx_nz=36 -w approx_order=refinement
if [ "$h0" = "$h16" ] && [ "$h0" != "$h4" ]; then ok; else bad "weight_bits and config_hash: '$h0' '$h16' '$h4'"; fi
if "$BIN" run --no-energy --format json -w hidden_size=1536 -w input_size=1536 -w weight_bits=4 |
   grep -q '"weights": "resident", "weights_fit": true, .*"weight_bits": 4, "fp16_weight_bytes": 37748736, "fits_only_compressed": true}'; then
  ok; else bad "a 4-bit H = 1536 LSTM does not report resident, fits only compressed"; fi

# A failed run must not touch an existing results file.
echo keep >"$T/keep.json"
"$BIN" run -p compute.vs_units=abc --out "$T/keep.json" 2>/dev/null
if [ "$(cat "$T/keep.json")" = keep ] && [ "$(ls "$T" | grep -c keep)" -eq 1 ]; then ok; else bad "failed run changed --out"; fi

# Determinism: identical inputs give byte-identical outputs (all formats).
for fmt in json csv text; do
  "$BIN" run --format $fmt --out "$T/a.$fmt" && "$BIN" run --format $fmt --out "$T/b.$fmt"
  if cmp -s "$T/a.$fmt" "$T/b.$fmt"; then ok; else bad "two identical runs differ ($fmt)"; fi
done

# The trace is valid Chrome trace JSON with a track per unit and slices
# tagged with step, rows and config.
"$BIN" run --workload workloads/examples/lstm_tiny.yaml -w timesteps=2 --no-energy --trace "$T/trace.json" >/dev/null
if python3 - "$T/trace.json" <<'PY'
import json, sys
d = json.load(open(sys.argv[1]))
ev = d["traceEvents"]
names = {e["args"]["name"] for e in ev if e.get("name") == "thread_name"}
need = {"controller", "VS array", "VS array idle (cause)", "accumulators", "A-MFU", "cell updater"}
assert need <= names, names
vs = [e for e in ev if e.get("ph") == "X" and e["tid"] == 2]
assert vs and all({"step", "rows", "config"} <= set(e["args"]) for e in vs), "VS slices lack tags"
steps = {e["args"]["step"] for e in vs}
assert steps == {0, 1}, steps
for tid in (3, 4, 5, 6):
    assert any(e.get("ph") == "X" and e["tid"] == tid for e in ev), f"no slices on track {tid}"
PY
then ok; else bad "trace JSON"; fi

# The cells come from the registry: --help-workload lists every one; the
# LSTM variants run in timing and functional mode, and the coupled LSTM's
# trace names its three gates i, g, o (no f).
"$BIN" --help-workload >"$T/wl.txt"
if grep -Eq '^  cell +lstm \| gru \| vanilla \| fc \| lstm_peephole \| lstm_coupled \| qrnn \| softmax$' "$T/wl.txt"; then ok; else bad "--help-workload cell list"; fi
for c in peephole coupled; do
  if "$BIN" run --workload workloads/cells/lstm_$c.yaml --functional --no-energy >"$T/$c.txt" 2>&1 &&
     grep -q "lstm_$c I=16 H=32" "$T/$c.txt"; then ok; else bad "lstm_$c --functional: $(head -3 "$T/$c.txt")"; fi
done
# The double reference runs only with --reference: without it the report
# says its error was not computed (text and JSON), with it the error table
# is there; the datapath's own outputs are the same either way.
expect_error "^option --reference: needs --functional, expected both$" --reference --workload workloads/examples/lstm_tiny.yaml
"$BIN" run --workload workloads/examples/lstm_tiny.yaml --functional --no-energy >"$T/noref.txt" 2>&1
"$BIN" run --workload workloads/examples/lstm_tiny.yaml --functional --reference --no-energy >"$T/ref.txt" 2>&1
if grep -q '^values vs double reference   not computed (--reference runs it)$' "$T/noref.txt" &&
   ! grep -q 'h (all steps)' "$T/noref.txt" && grep -q '^  layer 1 h (all steps) ' "$T/ref.txt" &&
   [ "$(grep -v 'values vs double\|steps\?)' "$T/noref.txt")" = "$(grep -v 'values vs double\|steps\?)' "$T/ref.txt")" ]
then ok; else bad "--functional without and with --reference (text): $(head -3 "$T/noref.txt")"; fi
if "$BIN" run --workload workloads/examples/lstm_tiny.yaml --functional --no-energy --format json |
   python3 -c 'import json, sys; e = json.load(sys.stdin)["error"]; sys.exit(not (e["computed"] is False and "max_abs" not in e))' &&
   "$BIN" run --workload workloads/examples/lstm_tiny.yaml --functional --reference --no-energy --format json |
   python3 -c 'import json, sys; e = json.load(sys.stdin)["error"]; sys.exit(not ("computed" not in e and e["max_abs"] > 0))'
then ok; else bad "--functional without and with --reference (JSON error object)"; fi
# Many-to-one: kws_gru's fc (T = 1) reads the GRU's last h (T = 25) in a
# functional run, the reference too; a layer of other fewer steps than the
# one below is refused at the layer, with what is accepted.
if "$BIN" run --workload workloads/networks/kws_gru.yaml --functional --reference --no-energy >"$T/kws.txt" 2>&1 &&
   grep -q '^  layer 2 h (last step) ' "$T/kws.txt"; then ok; else bad "kws_gru --functional: $(head -3 "$T/kws.txt")"; fi
sed 's/timesteps: 1$/timesteps: 5/' workloads/networks/kws_gru.yaml >"$T/kws5.yaml"
expect_error "^$T/kws5.yaml:25:5: layer 2 has input_size 154, timesteps 5, batch_size 1; a functional run feeds it layer 1's h, expected input_size 154, batch_size 1 and timesteps 25 \(every step\) or 1 \(the last step\)$" \
  --workload "$T/kws5.yaml" --functional
"$BIN" run --workload workloads/cells/lstm_coupled.yaml --scheduler sequential -w timesteps=1 --no-energy \
  --trace "$T/coupled.json" >/dev/null
if python3 - "$T/coupled.json" <<'PY'
import json, sys
ev = json.load(open(sys.argv[1]))["traceEvents"]
names = {e["name"] for e in ev if e.get("ph") == "X" and e["tid"] == 2}
assert {"U.h i", "U.h g", "U.h o"} <= names, names
assert not any(n.endswith(" f") for n in names), names
PY
then ok; else bad "coupled LSTM trace gate names"; fi

# --workload MODEL.onnx imports into a temporary directory ($TMPDIR) that
# the run removes; the values are those of `import` + `run` on the same
# seed, bit for bit. T comes from -w timesteps when X's is symbolic.
ONNX=tests/fixtures/onnx/lstm_sym.onnx
mkdir -p "$T/tmp" "$T/d1" "$T/d2"
expect_error "^$ONNX: node 1 \(LSTM 'lstm'\): X dimension 0 is symbolic, expected a size from -w timesteps=T$" \
  --workload $ONNX
expect_error "^option --dump-config: $ONNX is imported into a temporary directory that the run removes, expected" \
  --workload $ONNX -w timesteps=5 --dump-config "$T/dc"
expect_error "^$T/nothing.onnx: " --workload "$T/nothing.onnx"
# E-PUR keeps every step's W.x in a store the values model lacks: refused, not wrong.
expect_error "functional mode does not compute the epur schedule" --workload workloads/examples/lstm_tiny.yaml --scheduler epur --functional
if TMPDIR="$T/tmp" "$BIN" run --workload $ONNX -w timesteps=5 --functional --seed 3 --dump-outputs "$T/d1" \
     --no-energy >"$T/onnx.txt" 2>&1 && grep -q 'lstm_peephole I=3 H=4 T=5 B=2' "$T/onnx.txt" &&
   [ -z "$(ls -A "$T/tmp")" ] &&
   "$BIN" import $ONNX --timesteps 5 --seed 3 --out "$T/imp" >/dev/null &&
   "$BIN" run --workload "$T/imp/workload.yaml" --functional --seed 3 --dump-outputs "$T/d2" --no-energy >/dev/null &&
   cmp -s "$T/d1/layer0_h.npy" "$T/d2/layer0_h.npy" && cmp -s "$T/d1/layer0_c.npy" "$T/d2/layer0_c.npy"
then ok; else bad "run --workload MODEL.onnx: $(head -3 "$T/onnx.txt"), left: $(ls -A "$T/tmp")"; fi

# A failed run leaves no trace behind.
"$BIN" run -p watchdog_cycles=1 -p memory.dram_latency=100 --cold --trace "$T/dead.json" >/dev/null 2>&1
if ! ls "$T" | grep -q dead; then ok; else bad "failed run left a trace file"; fi

# A DRAM-bound run says so: one warning line on stderr and dram_bound in
# the JSON; the same layer resident neither warns nor is flagged
# (RUN_DRAM_BOUND_FRACTION, docs/hardware.md §2.0). H = 1536 does not fit
# the 26 MiB buffer, so under memory.weights: auto it streams at 64K.
H1536=workloads/paper/lstm_h1536_t25.yaml
"$BIN" run --hw configs/sharp-64k.yaml --workload $H1536 --format json --out "$T/dram.json" 2>"$T/dram.err"
if [ "$(grep -c 'warning: DRAM-bound: [0-9.]* % of cycles waiting for weights at 1638.4 GB/s; ' "$T/dram.err")" -eq 1 ] &&
   grep -q '"dram_bound": true' "$T/dram.json"; then ok; else bad "streamed 64K run not flagged DRAM-bound: $(cat "$T/dram.err")"; fi
"$BIN" run --hw configs/sharp-64k.yaml --workload $H1536 -p memory.weights=resident --format json --out "$T/res.json" 2>"$T/res.err"
if ! grep -q 'DRAM-bound' "$T/res.err" && grep -q '"dram_bound": false' "$T/res.json"; then ok; else bad "resident run flagged DRAM-bound"; fi
"$BIN" run --hw configs/sharp-64k.yaml --workload $H1536 >"$T/dram.txt" 2>/dev/null
if grep -q '^DRAM wait .*(DRAM-bound)$' "$T/dram.txt"; then ok; else bad "text report lacks the DRAM-bound line"; fi

echo "cli: $pass passed, $fail failed"
[ "$fail" -eq 0 ]
