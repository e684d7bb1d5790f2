#!/usr/bin/env bash
# ONNX import and conformance (docs/onnx.md):
#
#   conformance  every LSTM/GRU/RNN node test of the ONNX backend suite
#                (Debian's libonnx-testdata, found with dpkg -L) through
#                `sharpsim check`, on the hardware's fp16 datapath and on
#                the fp32 one (precision.mul=fp32), each held to its own
#                derived bound: each passes, or is in the SKIP list below
#                and is refused as unsupported with its reason printed; a
#                listed test that starts passing, or a refusal of an
#                unlisted one, fails
#   checker      the same comparison given a perturbed expected output fails
#                (by 0.005 on fp16; by 1e-5 on fp32, which fp16 passes);
#                bf16 is checked against its own bound, fixed point refused
#   round trip   `sharpsim import` then `sharpsim run --functional`, by hand
#   unsupported  models with each refused feature: one line, exit 2
#   variants     LSTM models with peepholes and with input_forget = 1, with
#                sequence_lens below T (forward, reverse, bidirectional,
#                and a bidirectional layer into a forward one), LSTM
#                and RNN with direction reverse, alone and in a chain
#                (tests/onnx/lstm_variants.py,
#                numpy reference) pass on fp16 and fp32
#   pytorch      small torch.nn.LSTM/GRU/RNN models exported to ONNX
#                (tests/onnx/torch_e2e.py), among them a GRU with an
#                nn.Linear head on every step (MatMul + Add; Reshape +
#                Gemm), the same heads under torch.softmax (a Softmax node:
#                a softmax layer without weights; probabilities moved by
#                0.01 fail), bidirectional GRU and LSTM and a relu RNN,
#                match torch's float32 outputs on fp16 and fp32 (a
#                bidirectional Y with its directions swapped fails);
#                skipped, with the reason, when torch or onnx is missing
#   lstmp        torch.nn.LSTM(proj_size=P)'s parameters as a weights
#                directory (torch exports no proj_size to ONNX): sharpsim's
#                h and c match torch's on fp32 and fp16
#                (tests/onnx/torch_lstmp.py); sequence_lens: LSTM, LSTMP,
#                GRU and bidirectional LSTM on a padded batch of uneven
#                lengths match torch's packed sequences, 0 past each length,
#                and bidirectional LSTM and GRU ONNX nodes with a
#                sequence_lens input pass `sharpsim check` against torch's
#                packed Y, Y_h, Y_c (tests/onnx/torch_lens.py); skipped
#                without torch
#   softmax      an fc layer with torch.nn.Linear's parameters and a softmax
#                layer match torch.softmax's probabilities on fp32 and fp16
#                (tests/onnx/torch_softmax.py; the checker rejects logits
#                moved by 0.01); skipped without torch
#   cleanup      no check leaves anything in its temporary directory ($TMPDIR)
#
# usage: tests/onnx/run.sh [BIN]
set -uo pipefail
cd "$(dirname "$0")/../.."
BIN=${1:-build/sharpsim}
PY=${PYTHON:-/usr/bin/python3}
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
# check's temporary directories go here; each must be removed again.
export TMPDIR="$T/tmp"
mkdir -p "$TMPDIR"
pass=0 fail=0 skipped=0
ok() { pass=$((pass + 1)); }
bad() { fail=$((fail + 1)); echo "onnx: FAIL: $*"; }

# check_all LIST LABEL: `sharpsim check` of every test directory in LIST,
# at the hardware's fp16 and at fp32, each held to its own derived bound.
check_all() {
  local d prec out
  while read -r d; do
    for prec in fp16 fp32; do
      out=$("$BIN" check "$d" -p precision.mul=$prec 2>&1)
      # A pass must also say it was held to this precision's bound.
      if [ $? -eq 0 ] && grep -q ": pass: .*$prec)" <<<"$out"; then
        ok; echo "onnx: $prec $2$(basename "$d"): ${out#*: pass: }"
      else bad "$prec $2$(basename "$d"): $out"; fi
    done
  done <"$1"
}

# The node tests sharpsim cannot run, and why (docs/onnx.md lists them too):
# [test_name]="reason". Empty since peepholes map to lstm_peephole.
declare -A SKIP=()

# ------------------------------------------------------------ conformance
NODE=$(dpkg -L libonnx-testdata 2>/dev/null | grep -E '/data/node/test_[a-z0-9_]*(lstm|gru|rnn)[a-z0-9_]*$' | sort)
if [ -z "$NODE" ]; then
  echo "onnx: FAIL: no ONNX node tests found (dpkg -L libonnx-testdata); scripts/install-deps.sh installs them"
  exit 1
fi
for prec in fp16 fp32; do
ntests=0 npass=0 nskip=0
for d in $NODE; do
  name=$(basename "$d")
  ntests=$((ntests + 1))
  out=$("$BIN" check "$d" -p precision.mul=$prec 2>&1)
  rc=$?
  if [ -n "${SKIP[$name]:-}" ]; then
    if [ "$rc" -eq 2 ] && grep -q 'is unsupported, expected' <<<"$out"; then
      skipped=$((skipped + 1))
      nskip=$((nskip + 1))
      echo "onnx: $prec skip $name: ${SKIP[$name]}"
    elif [ "$rc" -eq 0 ]; then
      bad "$name passes now: remove it from the SKIP list of tests/onnx/run.sh and docs/onnx.md"
    else
      bad "$name (listed as unsupported) gave exit $rc: $out"
    fi
  elif [ "$rc" -eq 0 ] && grep -q ": pass: .*$prec)" <<<"$out"; then
    ok
    npass=$((npass + 1))
    echo "onnx: $prec $name: ${out#*: pass: }"
  else
    bad "$prec $name: exit $rc: $out"
  fi
done
echo "onnx: node tests $prec: $ntests LSTM/GRU/RNN, $npass pass, $nskip skipped (unsupported)"
done

# ---------------------------------------------------------------- checker
# The last 4 bytes of an expected-output TensorProto are the last float of
# its raw_data (protobuf writes fields in number order; raw_data is field
# 9, the last set). Moving it by 0.005, several times the largest
# tolerance of that test, must make the check fail.
LSTM=$(grep '/test_lstm_defaults$' <<<"$NODE")
cp -r "$LSTM" "$T/perturbed"
chmod -R u+w "$T/perturbed"
$PY - "$T/perturbed/test_data_set_0/output_0.pb" <<'PYEOF'
import struct, sys
p = sys.argv[1]
b = bytearray(open(p, "rb").read())
(v,) = struct.unpack("<f", b[-4:])
b[-4:] = struct.pack("<f", v + 0.005)
open(p, "wb").write(bytes(b))
PYEOF
out=$("$BIN" check "$T/perturbed" 2>&1)
rc=$?
if [ "$rc" -eq 1 ] && grep -q ': FAIL: .*tolerance' <<<"$out"; then
  ok
  echo "onnx: a perturbed expected output fails (expected): ${out#*: FAIL: }"
else
  bad "a perturbed expected output gave exit $rc: $out"
fi
# fp32's bound is about 2^13 times tighter: a move of 1e-5, far inside the
# fp16 tolerance, fails it (the fp32 run is not held to fp16's bound).
$PY - "$T/perturbed/test_data_set_0/output_0.pb" "$LSTM/test_data_set_0/output_0.pb" <<'PYEOF'
import struct, sys
b = bytearray(open(sys.argv[2], "rb").read())
(v,) = struct.unpack("<f", b[-4:])
b[-4:] = struct.pack("<f", v + 1e-5)
open(sys.argv[1], "wb").write(bytes(b))
PYEOF
out=$("$BIN" check "$T/perturbed" -p precision.mul=fp32 2>&1)
rc=$?
out16=$("$BIN" check "$T/perturbed" 2>&1)
if [ "$rc" -eq 1 ] && grep -q ': FAIL: .*fp32)' <<<"$out" && grep -q ': pass: ' <<<"$out16"; then
  ok
  echo "onnx: an expected output moved by 1e-5 fails fp32 (expected), passes fp16: ${out#*: FAIL: }"
else
  bad "an expected output moved by 1e-5: fp32 gave exit $rc: $out; fp16: $out16"
fi

# The bf16 datapath has its own bound (u = 2^-8); fixed point has none, so
# check refuses it instead of passing it against the wrong one.
out=$("$BIN" check "$LSTM" -p precision.mul=bf16 2>&1)
if [ $? -eq 0 ] && grep -q ': pass: .*bf16)' <<<"$out"; then ok; echo "onnx: bf16 test_lstm_defaults: ${out#*: pass: }"
else bad "bf16 check: $out"; fi
out=$("$BIN" check "$LSTM" -p precision.mul=fix16x8 2>&1)
if [ $? -eq 2 ] && grep -q 'precision.mul is not fp16, bf16 or fp32' <<<"$out"; then ok
else bad "fixed-point check not refused: $out"; fi

# ------------------------------------------------------------- round trip
GRU=$(grep '/test_gru_defaults$' <<<"$NODE")
if "$BIN" import "$GRU/model.onnx" --data "$GRU/test_data_set_0" --out "$T/imp" >"$T/log" 2>&1 &&
   [ -s "$T/imp/workload.yaml" ] && [ -s "$T/imp/weights/layer0/W.npy" ] &&
   "$BIN" run --workload "$T/imp/workload.yaml" --functional --no-energy >"$T/run.log" 2>&1; then ok
else bad "import + run --functional: $(cat "$T/log" "$T/run.log" 2>/dev/null | head -3)"; fi
if "$BIN" import --help | grep -q '^usage: sharpsim import' && "$BIN" check --help | grep -q '^usage: sharpsim check'; then ok
else bad "import/check --help"; fi

# ------------------------------------------------------------ unsupported
# refused NAME PATTERN ARGS...: exit 2, one line on stderr matching PATTERN.
refused() {
  local name=$1 pattern=$2
  shift 2
  "$BIN" "$@" >"$T/stdout" 2>"$T/stderr"
  local rc=$?
  if [ "$rc" -ne 2 ] || [ "$(wc -l <"$T/stderr")" -ne 1 ] || [ -s "$T/stdout" ] ||
     ! grep -Eq -- "$pattern" "$T/stderr"; then
    bad "$name: exit $rc, stderr '$(head -c 300 "$T/stderr")', expected exit 2 and /$pattern/"
  else ok; fi
}
if $PY -c 'import onnx' 2>/dev/null; then
  $PY - "$T" <<'PYEOF'
import sys
import numpy as np
from onnx import helper, numpy_helper, TensorProto, save
t = sys.argv[1]
H, I = 3, 2
def model(name, op="LSTM", G=4, inputs=("X", "W", "R"), extra=(), nd=1, out="Y_h", **attrs):
    W = numpy_helper.from_array(np.full((nd, G * H, I), 0.1, np.float32), "W")
    R = numpy_helper.from_array(np.full((nd, G * H, H), 0.1, np.float32), "R")
    axes = numpy_helper.from_array(np.array([1], np.int64), "axes")
    node = helper.make_node(op, list(inputs), ["Y", "Y_h"], hidden_size=H, **attrs)
    g = helper.make_graph([node] + list(extra), name,
        [helper.make_tensor_value_info("X", TensorProto.FLOAT, [3, 1, I])],
        [helper.make_tensor_value_info(out, TensorProto.FLOAT, None)], [W, R, axes])
    save(helper.make_model(g), "%s/%s.onnx" % (t, name))
# direction reverse in a chain, before and after a forward layer
for name, d1, d2 in (("rev_first", "reverse", "forward"), ("rev_second", "forward", "reverse")):
    W1 = numpy_helper.from_array(np.full((1, 4 * H, I), 0.1, np.float32), "W1")
    W2 = numpy_helper.from_array(np.full((1, 4 * H, H), 0.1, np.float32), "W2")
    R = numpy_helper.from_array(np.full((1, 4 * H, H), 0.1, np.float32), "R")
    axes = numpy_helper.from_array(np.array([1], np.int64), "axes")
    nodes = [helper.make_node("LSTM", ["X", "W1", "R"], ["Y1"], hidden_size=H, direction=d1),
             helper.make_node("Squeeze", ["Y1", "axes"], ["Y1s"]),
             helper.make_node("LSTM", ["Y1s", "W2", "R"], ["Y", "Y_h"], hidden_size=H, direction=d2)]
    g = helper.make_graph(nodes, name, [helper.make_tensor_value_info("X", TensorProto.FLOAT, [3, 1, I])],
        [helper.make_tensor_value_info("Y_h", TensorProto.FLOAT, [1, 1, H])], [W1, W2, R, axes])
    save(helper.make_model(g), "%s/%s.onnx" % (t, name))
model("bidir", direction="bidirectional", nd=2)
# a bidirectional Y squeezed as if it had one direction
model("bidir_squeeze", direction="bidirectional", nd=2, out="Ys",
      extra=[helper.make_node("Squeeze", ["Y", "axes"], ["Ys"])])
model("bidir_wshape", direction="bidirectional")
model("clip", clip=1.0)
model("acts", activations=["Relu", "Tanh", "Tanh"])
model("acts_gelu", activations=["Gelu", "Tanh", "Tanh"])
model("acts_dirs", direction="bidirectional", nd=2,
      activations=["Sigmoid", "Tanh", "Tanh", "Sigmoid", "Relu", "Tanh"])
model("acts_hsig0", activations=["HardSigmoid", "Tanh", "Tanh"], activation_alpha=[0.2], activation_beta=[0.0])
# (refused before P's value is looked for)
model("forget_peep", inputs=("X", "W", "R", "", "", "", "", "P"), input_forget=1)
model("gru_acts", op="GRU", G=3, activations=["HardSigmoid", "LeakyRelu"], activation_alpha=[0.25, 0.1])
# variable sequence lengths whose longest is below T: a graph input, given by a data set
seq = helper.make_tensor("L", TensorProto.INT32, [1], [2])
W = numpy_helper.from_array(np.full((1, 4 * H, I), 0.1, np.float32), "W")
R = numpy_helper.from_array(np.full((1, 4 * H, H), 0.1, np.float32), "R")
node = helper.make_node("LSTM", ["X", "W", "R", "", "L"], ["Y", "Y_h"], hidden_size=H)
g = helper.make_graph([node], "seq", [helper.make_tensor_value_info("X", TensorProto.FLOAT, [3, 1, I])],
    [helper.make_tensor_value_info("Y_h", TensorProto.FLOAT, [1, 1, H])], [W, R, seq])
save(helper.make_model(g), t + "/seqlens.onnx")
# lengths that are bad input, on a reverse node (X of T = 3, B = 2): one
# longer than T, the wrong count, a negative one
for name, vals in (("seqlens_long", [3, 4]), ("seqlens_count", [3, 2, 1]), ("seqlens_neg", [3, -1])):
    L = helper.make_tensor("L", TensorProto.INT64, [len(vals)], vals)
    node = helper.make_node("LSTM", ["X", "W", "R", "", "L"], ["Y", "Y_h"], hidden_size=H, direction="reverse")
    g = helper.make_graph([node], name, [helper.make_tensor_value_info("X", TensorProto.FLOAT, [3, 2, I])],
        [helper.make_tensor_value_info("Y_h", TensorProto.FLOAT, [1, 2, H])], [W, R, L])
    save(helper.make_model(g), "%s/%s.onnx" % (t, name))
# another operator after the layer
g = helper.make_graph([helper.make_node("LSTM", ["X", "W", "R"], ["Y", "Y_h"], hidden_size=H),
    helper.make_node("Relu", ["Y_h"], ["Z"])], "relu",
    [helper.make_tensor_value_info("X", TensorProto.FLOAT, [3, 1, I])],
    [helper.make_tensor_value_info("Z", TensorProto.FLOAT, [1, 1, H])], [W, R])
save(helper.make_model(g), t + "/relu.onnx")
# classifier heads: Gemm with alpha 2, and a head on the last step only
# (of Y_h, what fc(h_n[-1]) computes), both refused; a Softmax over the
# first axis of the head's (T*B, C), and one of a layer's Y_h, refused
Wg = numpy_helper.from_array(np.full((1, 4 * H, I), 0.1, np.float32), "W")
Fw = numpy_helper.from_array(np.full((2, H), 0.1, np.float32), "Fw")
axes = numpy_helper.from_array(np.array([1], np.int64), "axes")
shp = numpy_helper.from_array(np.array([-1, H], np.int64), "shp")
for name, nodes in (("gemm_alpha", [helper.make_node("Squeeze", ["Y", "axes"], ["Ys"]),
                                    helper.make_node("Reshape", ["Ys", "shp"], ["Yf"]),
                                    helper.make_node("Gemm", ["Yf", "Fw"], ["Z"], transB=1, alpha=2.0)]),
                    ("head_last", [helper.make_node("Gemm", ["Y_h", "Fw"], ["Z"], transB=1)]),
                    ("softmax_axis", [helper.make_node("Squeeze", ["Y", "axes"], ["Ys"]),
                                      helper.make_node("Reshape", ["Ys", "shp"], ["Yf"]),
                                      helper.make_node("Gemm", ["Yf", "Fw"], ["L"], transB=1),
                                      helper.make_node("Softmax", ["L"], ["Z"], axis=0)]),
                    ("softmax_of_y", [helper.make_node("Softmax", ["Y_h"], ["Z"], axis=-1)])):
    g = helper.make_graph([helper.make_node("LSTM", ["X", "W", "R"], ["Y", "Y_h"], hidden_size=H)] + nodes, name,
        [helper.make_tensor_value_info("X", TensorProto.FLOAT, [3, 1, I])],
        [helper.make_tensor_value_info("Z", TensorProto.FLOAT, [3, 2])], [Wg, R, Fw, axes, shp])
    save(helper.make_model(g), "%s/%s.onnx" % (t, name))
# a recurrent layer reading a MatMul before the Add of its bias
Fh = numpy_helper.from_array(np.full((H, H), 0.1, np.float32), "Fh")
W2 = numpy_helper.from_array(np.full((1, 4 * H, H), 0.1, np.float32), "W2")
g = helper.make_graph([helper.make_node("LSTM", ["X", "W", "R"], ["Y", "Y_h"], hidden_size=H),
    helper.make_node("Squeeze", ["Y", "axes"], ["Ys"]), helper.make_node("MatMul", ["Ys", "Fh"], ["M"]),
    helper.make_node("LSTM", ["M", "W2", "R"], ["Y2", "Z"], hidden_size=H)], "open_mm",
    [helper.make_tensor_value_info("X", TensorProto.FLOAT, [3, 1, I])],
    [helper.make_tensor_value_info("Z", TensorProto.FLOAT, [1, 1, H])], [Wg, R, Fh, W2, axes])
save(helper.make_model(g), t + "/open_mm.onnx")
# weights not given (graph inputs without a data set)
node = helper.make_node("LSTM", ["X", "W", "R"], ["Y", "Y_h"], hidden_size=H)
g = helper.make_graph([node], "noinit", [helper.make_tensor_value_info(n, TensorProto.FLOAT, s)
    for n, s in (("X", [3, 1, I]), ("W", [1, 4 * H, I]), ("R", [1, 4 * H, H]))],
    [helper.make_tensor_value_info("Y_h", TensorProto.FLOAT, [1, 1, H])])
save(helper.make_model(g), t + "/noinit.onnx")
# symbolic sequence length
W = numpy_helper.from_array(np.full((1, 4 * H, I), 0.1, np.float32), "W")
g = helper.make_graph([helper.make_node("LSTM", ["X", "W", "R"], ["Y", "Y_h"], hidden_size=H)], "sym",
    [helper.make_tensor_value_info("X", TensorProto.FLOAT, ["T", 1, I])],
    [helper.make_tensor_value_info("Y_h", TensorProto.FLOAT, [1, 1, H])], [W, R])
save(helper.make_model(g), t + "/sym.onnx")
# float64 weights
Wd = numpy_helper.from_array(np.full((1, 4 * H, I), 0.1, np.float64), "W")
g = helper.make_graph([helper.make_node("LSTM", ["X", "W", "R"], ["Y", "Y_h"], hidden_size=H)], "f64",
    [helper.make_tensor_value_info("X", TensorProto.FLOAT, [3, 1, I])],
    [helper.make_tensor_value_info("Y_h", TensorProto.FLOAT, [1, 1, H])], [Wd, R])
save(helper.make_model(g), t + "/f64.onnx")
PYEOF
  U="is unsupported, expected"
  refused "bidirectional Y squeezed" "bidir_squeeze.onnx: node 2 \(Squeeze ''\): Squeeze of a bidirectional layer's Y \(num_directions is 2\) $U Transpose" import "$T/bidir_squeeze.onnx" --out "$T/o"
  refused "bidirectional, one direction's W" "bidir_wshape.onnx: node 1 \(LSTM ''\): W 'W' is not 3-dimensional .* expected a tensor of shape \(2, 4\*H, I\)" import "$T/bidir_wshape.onnx" --out "$T/o"
  refused "clip" "clip.onnx: node 1 \(LSTM ''\): attribute clip $U no clipping" import "$T/clip.onnx" --out "$T/o"
  refused "unknown activation" "acts_gelu.onnx: node 1 \(LSTM ''\): activation 'Gelu' $U one of Relu, Tanh" import "$T/acts_gelu.onnx" --out "$T/o"
  refused "activations per direction" "acts_dirs.onnx: node 1 \(LSTM ''\): activations that differ between the directions $U" import "$T/acts_dirs.onnx" --out "$T/o"
  refused "hard sigmoid, beta 0" "acts_hsig0.onnx: node 1 \(LSTM ''\): activation HardSigmoid with beta 0 $U a nonzero beta" import "$T/acts_hsig0.onnx" --out "$T/o"
  refused "input_forget with P" "forget_peep.onnx: node 1 \(LSTM ''\): input_forget=1 together with peepholes .* $U one of them" import "$T/forget_peep.onnx" --out "$T/o"
  refused "sequence_lens" "seqlens.onnx: node 1 \(LSTM ''\): sequence_lens whose longest is below T \(the steps past it would run no sequence, .*\) $U the longest length equal to T" import "$T/seqlens.onnx" --out "$T/o"
  refused "sequence_lens over T" "seqlens_long.onnx: node 1 \(LSTM ''\): sequence_lens 'L': element 1 is 4, expected a length of 1 to T = 3" import "$T/seqlens_long.onnx" --out "$T/o"
  refused "sequence_lens count" "seqlens_count.onnx: node 1 \(LSTM ''\): sequence_lens 'L' has 3 values, expected 2, one per sequence of the batch" import "$T/seqlens_count.onnx" --out "$T/o"
  refused "sequence_lens negative" "seqlens_neg.onnx: node 1 \(LSTM ''\): sequence_lens 'L': element 1 is -1, expected a length of 1 to T = 3" run --workload "$T/seqlens_neg.onnx" --functional --no-energy
  refused "other operator" "relu.onnx: node 2 \(Relu ''\): operator Relu $U LSTM, GRU, RNN" import "$T/relu.onnx" --out "$T/o"
  refused "gemm alpha" "gemm_alpha.onnx: node 4 \(Gemm ''\): alpha or beta other than 1 $U alpha = beta = 1" import "$T/gemm_alpha.onnx" --out "$T/o"
  refused "softmax over the first axis" "softmax_axis.onnx: node 5 \(Softmax ''\): Softmax over another axis than the last .* $U axis = -1 or the last axis" import "$T/softmax_axis.onnx" --out "$T/o"
  refused "softmax of a recurrent layer" "softmax_of_y.onnx: node 2 \(Softmax ''\): normalizes 'Y_h', expected the output of the last MatMul \+ Add or Gemm head" import "$T/softmax_of_y.onnx" --out "$T/o"
  refused "head on the last step" "head_last.onnx: node 2 \(Gemm ''\): multiplies 'Y_h', expected the last layer's Y sequence reshaped to \(T\*B, H\)" import "$T/head_last.onnx" --out "$T/o"
  refused "layer on an unbiased MatMul" "open_mm.onnx: node 4 \(LSTM ''\): X 'M' is not the previous layer's Y squeezed" import "$T/open_mm.onnx" --out "$T/o"
  refused "no initializer" "noinit.onnx: node 1 \(LSTM ''\): W 'W' has no value, expected an initializer" import "$T/noinit.onnx" --out "$T/o"
  refused "symbolic T" "sym.onnx: node 1 \(LSTM ''\): X dimension 0 is symbolic, expected a size from the option --timesteps" import "$T/sym.onnx" --out "$T/o"
  refused "float64" "f64.onnx: node 1 \(LSTM ''\): W 'W': data type 11 $U float32" import "$T/f64.onnx" --out "$T/o"
  [ ! -e "$T/o" ] && ok || bad "a refused import left $T/o"
  # a reverse layer inside a chain imports as direction: reverse, both ways
  if "$BIN" import "$T/rev_first.onnx" --out "$T/rf" >/dev/null 2>&1 && grep -q 'direction: reverse' "$T/rf/workload.yaml" &&
     "$BIN" import "$T/rev_second.onnx" --out "$T/rs" >/dev/null 2>&1 && grep -q 'direction: reverse' "$T/rs/workload.yaml" &&
     "$BIN" run --workload "$T/rs/workload.yaml" --functional --no-energy >/dev/null 2>&1; then ok
  else bad "import of a reverse layer before and after a forward one, then run --functional"; fi
  # activations map to the layer's roles, alpha and beta consumed in order
  if "$BIN" import "$T/acts.onnx" --out "$T/ac" >/dev/null 2>&1 && grep -q 'act_f: relu' "$T/ac/workload.yaml" &&
     "$BIN" import "$T/gru_acts.onnx" --out "$T/gac" >/dev/null 2>&1 &&
     grep -q 'act_f: hard_sigmoid' "$T/gac/workload.yaml" && grep -q 'act_f_alpha: 0.25' "$T/gac/workload.yaml" &&
     grep -q 'act_g: leaky_relu' "$T/gac/workload.yaml" && grep -q 'act_g_alpha: 0.10000000149' "$T/gac/workload.yaml" &&
     "$BIN" run --workload "$T/gac/workload.yaml" --functional --no-energy >/dev/null 2>&1; then ok
  else bad "import of activations (LSTM relu; GRU HardSigmoid 0.25, LeakyRelu 0.1), then run --functional"; fi
  # A bidirectional node imports as one layer with direction bidirectional,
  # its backward direction's weights in backward/ (no x.npy there).
  if "$BIN" import "$T/bidir.onnx" --out "$T/bi" >/dev/null 2>&1 && grep -q 'direction: bidirectional' "$T/bi/workload.yaml" &&
     [ -s "$T/bi/weights/layer0/backward/W.npy" ] && [ ! -e "$T/bi/weights/layer0/backward/x.npy" ] &&
     "$BIN" run --workload "$T/bi/workload.yaml" --functional --no-energy >/dev/null 2>&1; then ok
  else bad "import of a bidirectional LSTM, then run --functional"; fi
  # Without data, X's declared shape (here with --timesteps for its
  # symbolic length) gives T and B, and the seed its values.
  if "$BIN" import "$T/sym.onnx" --timesteps 4 --out "$T/sym" >/dev/null 2>&1 && grep -q 'timesteps: 4' "$T/sym/workload.yaml" &&
     "$BIN" run --workload "$T/sym/workload.yaml" --functional --no-energy >/dev/null 2>&1; then ok
  else bad "import --timesteps for a symbolic dimension, then run --functional"; fi
else
  echo "onnx: skip unsupported-feature models: python3-onnx is not installed (it builds them)"
fi

# --------------------------------------------------------------- variants
if $PY -c 'import onnx, numpy' 2>/dev/null; then
  if $PY tests/onnx/lstm_variants.py "$T/variants" >"$T/variants.list" 2>"$T/variants.err"; then
    check_all "$T/variants.list" ""
    grep -q 'cell: lstm_coupled' <("$BIN" import "$T/variants/lstm_input_forget/model.onnx" --out "$T/cpl" >/dev/null && cat "$T/cpl/workload.yaml") &&
      grep -q 'cell: lstm_peephole' <("$BIN" import "$T/variants/lstm_peephole/model.onnx" --out "$T/pp" >/dev/null && cat "$T/pp/workload.yaml") &&
      [ -s "$T/pp/weights/layer0/P.npy" ] && ok || bad "import of the variants: cell lstm_coupled / lstm_peephole with P.npy"
  else
    bad "tests/onnx/lstm_variants.py failed: $(tail -3 "$T/variants.err")"
  fi
else
  skipped=$((skipped + 1))
  echo "onnx: skip LSTM variants: python3-onnx or numpy is not installed (scripts/install-deps.sh)"
fi

# ---------------------------------------------------------------- pytorch
if $PY -c 'import torch, onnx' 2>/dev/null; then
  if $PY tests/onnx/torch_e2e.py "$T/torch" >"$T/torch.list" 2>"$T/torch.err"; then
    check_all "$T/torch.list" "pytorch "
    # A bidirectional GRU's Y with its two directions swapped must fail
    # (the check reads [h_fwd; h_bwd] in that order).
    cp -r "$T/torch/torch_gru_bidir" "$T/bidir_swapped"
    $PY - "$T/bidir_swapped/test_data_set_0/output_0.pb" <<'PYEOF'
import sys
import numpy as np
import onnx
from onnx import numpy_helper
p = sys.argv[1]
t = onnx.TensorProto()
t.ParseFromString(open(p, "rb").read())
a = numpy_helper.to_array(t)
h = a.shape[-1] // 2
b = np.concatenate([a[..., h:], a[..., :h]], axis=-1).astype(np.float32)
open(p, "wb").write(numpy_helper.from_array(b, t.name).SerializeToString())
PYEOF
    out=$("$BIN" check "$T/bidir_swapped" 2>&1)
    if [ $? -eq 1 ] && grep -q ': FAIL: ' <<<"$out"; then ok
    else bad "a bidirectional Y with its directions swapped: $out"; fi
    # The heads import as an fc layer after the GRU, with W (C, H) and b.
    for h in torch_gru_head torch_gru_head_gemm; do
      if "$BIN" import "$T/torch/$h/model.onnx" --data "$T/torch/$h/test_data_set_0" --out "$T/$h" >/dev/null 2>&1 &&
         grep -q 'cell: fc' "$T/$h/workload.yaml" && [ -s "$T/$h/weights/layer1/W.npy" ] &&
         [ ! -e "$T/$h/weights/layer1/U.npy" ]; then ok
      else bad "import of $h: no fc layer with W.npy and without U.npy"; fi
    done
    # A Softmax after the head imports as a softmax layer without weights;
    # probabilities moved by 0.01 in one entry fail the fp32 check.
    for h in torch_gru_head_softmax torch_gru_head_gemm_softmax; do
      if "$BIN" import "$T/torch/$h/model.onnx" --data "$T/torch/$h/test_data_set_0" --out "$T/$h" >/dev/null 2>&1 &&
         grep -q 'cell: softmax' "$T/$h/workload.yaml" && [ ! -e "$T/$h/weights/layer2" ] &&
         [ "$(grep -c 'weights:' "$T/$h/workload.yaml")" -eq 2 ]; then ok
      else bad "import of $h: no softmax layer, or one with weights"; fi
    done
    cp -r "$T/torch/torch_gru_head_softmax" "$T/softmax_moved"
    $PY - "$T/softmax_moved/test_data_set_0/output_0.pb" <<'PYEOF'
import sys
import onnx
from onnx import numpy_helper
p = sys.argv[1]
t = onnx.TensorProto()
t.ParseFromString(open(p, "rb").read())
a = numpy_helper.to_array(t).copy()
a.flat[7] += 0.01
open(p, "wb").write(numpy_helper.from_array(a, t.name).SerializeToString())
PYEOF
    out=$("$BIN" check "$T/softmax_moved" -p precision.mul=fp32 2>&1)
    if [ $? -eq 1 ] && grep -q ': FAIL: ' <<<"$out"; then ok
    else bad "softmax probabilities moved by 0.01 passed the fp32 check: $out"; fi
  else
    bad "tests/onnx/torch_e2e.py failed: $(tail -3 "$T/torch.err")"
  fi
else
  skipped=$((skipped + 1))
  echo "onnx: skip pytorch end-to-end: python3-torch or python3-onnx is not installed (scripts/install-deps.sh)"
fi

# ------------------------------------------------------------------ lstmp
# torch cannot export proj_size to ONNX: its parameters go in as .npy.
if $PY -c 'import torch, numpy' 2>/dev/null; then
  for s in torch_lstmp torch_lens torch_softmax; do
    if out=$($PY tests/onnx/$s.py "$BIN" 2>&1); then ok; else bad "$out"; fi
    echo "$out" | sed 's/^/onnx: /'
  done
else
  skipped=$((skipped + 1))
  echo "onnx: skip lstmp, sequence_lens and softmax against torch: python3-torch is not installed (scripts/install-deps.sh)"
fi

if [ -z "$(ls -A "$TMPDIR")" ]; then ok; else bad "check left temporary files: $(ls -A "$TMPDIR" | head -3)"; fi

echo "onnx: $pass passed, $fail failed, $skipped skipped"
[ "$fail" -eq 0 ]
