"""sequence_lens against PyTorch's packed sequences: torch.nn.LSTM (with
and without proj_size) and torch.nn.GRU run a padded batch through
pack_padded_sequence(enforce_sorted=False) and pad_packed_sequence, whose
output past a sequence's length is 0, as ONNX's Y is. sharpsim runs the
same parameters as a weights directory (weights.h's layout; the GRU in its
linear_before_reset form, which is torch's) with the layer key
sequence_lens, --functional --dump-outputs, and layer0_h.npy (T, B, HP) is
compared with torch's output. A bidirectional LSTM checks the backward
direction, which starts each sequence at its own last element: its dump
(T, 2, B, H) against torch's (T, B, 2H).

Bounds as tests/onnx/torch_lstmp.py: fp32 1e-5, fp16 5e-3 (max abs).

The same through ONNX: the bidirectional LSTM and a bidirectional GRU as
ONNX models with a sequence_lens input, written with onnx.helper from the
torch modules' parameters (torch.onnx.export of a packed sequence adds
TopK, Gather and ScatterElements to sort the batch, which sharpsim does not
map), with torch's packed outputs Y, Y_h (and Y_c) as the expected
outputs of a backend-style test directory, compared by `sharpsim check`
under its own derived bound: Y 0 past each length, Y_h the forward
direction's state at len - 1 and the backward one's after X[0].

usage: torch_lens.py BIN    (one line per case and precision; exit 1 on a miss)
"""
import os
import subprocess
import sys
import tempfile

import numpy as np
import torch
from torchutil import f64, run_functional
from torch.nn.utils.rnn import pack_padded_sequence, pad_packed_sequence

T, B, I, H = 7, 4, 10, 16
LENS = [3, 7, 1, 5]  # unsorted: sharpsim issues them packed, longest first
BOUND = {"fp32": 1e-5, "fp16": 5e-3}



def case(name, m, cell, extra, params, back=None):
    """Runs module m on a padded batch; returns (workload text, params,
    backward params or None, expected Y in sharpsim's dump layout)."""
    x = torch.rand(T, B, I) * 2 - 1
    with torch.no_grad():
        packed = pack_padded_sequence(x, torch.tensor(LENS), enforce_sorted=False)
        y, _ = m(packed)
        y, _ = pad_packed_sequence(y, total_length=T)
    params["x"] = f64(x)
    y = f64(y)
    if back is not None:  # (T, B, 2H) -> (T, 2, B, H)
        y = y.reshape(T, B, 2, -1).transpose(0, 2, 1, 3)
    wl = (
        f"name: {name}\nlayers:\n  - cell: {cell}\n    input_size: {I}\n    hidden_size: {H}\n"
        f"    timesteps: {T}\n    batch_size: {B}\n    sequence_lens: [{', '.join(map(str, LENS))}]\n"
        f"{extra}    weights: w\n"
    )
    return wl, params, back, y


def onnx_case(d, name, m, op):
    """m (bidirectional nn.LSTM or nn.GRU) as an ONNX node with
    sequence_lens, and torch's packed outputs, under d/name; returns the
    directory. Gate rows reordered from torch's LSTM i,f,g,o to ONNX's
    i,o,f,c and GRU r,z,n to z,r,h (linear_before_reset = 1, torch's GRU)."""
    import onnx
    from onnx import TensorProto, helper, numpy_helper

    order = [0, 3, 1, 2] if op == "LSTM" else [1, 0, 2]

    def rows(w):
        return np.concatenate([np.split(w, len(order))[k] for k in order])

    def stack(attr):
        return np.stack([rows(f64(getattr(m, attr + sfx))) for sfx in ("", "_reverse")]).astype(np.float32)

    W, R = stack("weight_ih_l0"), stack("weight_hh_l0")
    Bias = np.concatenate([stack("bias_ih_l0"), stack("bias_hh_l0")], 1)
    x = torch.rand(T, B, I) * 2 - 1
    with torch.no_grad():
        y, st = m(pack_padded_sequence(x, torch.tensor(LENS), enforce_sorted=False))
        y, _ = pad_packed_sequence(y, total_length=T)
    outs = [("Y", f64(y).reshape(T, B, 2, H).transpose(0, 2, 1, 3))]
    outs += [(n, f64(v)) for n, v in zip(("Y_h", "Y_c"), st if op == "LSTM" else (st,))]
    init = [numpy_helper.from_array(a, n) for a, n in ((W, "W"), (R, "R"), (Bias, "B"))]
    init.append(numpy_helper.from_array(np.array(LENS, np.int32), "L"))
    attrs = {"linear_before_reset": 1} if op == "GRU" else {}
    node = helper.make_node(op, ["X", "W", "R", "B", "L"], [n for n, _ in outs], hidden_size=H,
                            direction="bidirectional", **attrs)
    vi = [helper.make_tensor_value_info(n, TensorProto.FLOAT, list(v.shape)) for n, v in outs]
    g = helper.make_graph([node], name, [helper.make_tensor_value_info("X", TensorProto.FLOAT, [T, B, I])], vi, init)
    cd = os.path.join(d, name)
    os.makedirs(os.path.join(cd, "test_data_set_0"))
    onnx.save(helper.make_model(g, opset_imports=[helper.make_opsetid("", 14)]), os.path.join(cd, "model.onnx"))
    for k, (n, v) in enumerate([("X", f64(x))]):
        with open(os.path.join(cd, "test_data_set_0", "input_%d.pb" % k), "wb") as f:
            f.write(numpy_helper.from_array(v.astype(np.float32), n).SerializeToString())
    for k, (n, v) in enumerate(outs):
        with open(os.path.join(cd, "test_data_set_0", "output_%d.pb" % k), "wb") as f:
            f.write(numpy_helper.from_array(v.astype(np.float32), n).SerializeToString())
    return cd


def check_onnx(bin_, d):
    """The ONNX cases through `sharpsim check` on fp32 and fp16; returns
    the number that failed."""
    bad = 0
    torch.manual_seed(12)
    for name, m, op in (("onnx_lens_lstm_bidir", torch.nn.LSTM(I, H, bidirectional=True), "LSTM"),
                        ("onnx_lens_gru_bidir", torch.nn.GRU(I, H, bidirectional=True), "GRU")):
        cd = onnx_case(d, name, m, op)
        for prec in ("fp32", "fp16"):
            r = subprocess.run([bin_, "check", cd, "-p", f"precision.mul={prec}"], capture_output=True, text=True)
            ok = r.returncode == 0 and ": pass: " in r.stdout
            print(f"lens: {'pass' if ok else 'FAIL'} {name} {prec}: lengths {LENS}: "
                  f"{(r.stdout + r.stderr).strip().split(': ', 1)[-1]}")
            bad += not ok
    return bad


def main():
    bin_ = sys.argv[1]
    torch.manual_seed(11)
    cases = []
    lstm = torch.nn.LSTM(I, H)
    cases.append(
        case(
            "lens_lstm",
            lstm,
            "lstm",
            "",
            {"W": f64(lstm.weight_ih_l0), "U": f64(lstm.weight_hh_l0), "b": f64(lstm.bias_ih_l0 + lstm.bias_hh_l0)},
        )
    )
    lstmp = torch.nn.LSTM(I, H, proj_size=6)
    cases.append(
        case(
            "lens_lstmp",
            lstmp,
            "lstm",
            "    proj_size: 6\n",
            {
                "W": f64(lstmp.weight_ih_l0),
                "U": f64(lstmp.weight_hh_l0),
                "b": f64(lstmp.bias_ih_l0 + lstmp.bias_hh_l0),
                "W_proj": f64(lstmp.weight_hr_l0),
            },
        )
    )
    gru = torch.nn.GRU(I, H)
    bi, bh = f64(gru.bias_ih_l0), f64(gru.bias_hh_l0)
    b = bi.copy()
    b[: 2 * H] += bh[: 2 * H]  # r, z folded; n keeps its input-side bias
    cases.append(
        case(
            "lens_gru",
            gru,
            "gru",
            "    gru_form: linear_before_reset\n",
            {"W": f64(gru.weight_ih_l0), "U": f64(gru.weight_hh_l0), "b": b, "b_hn": bh[2 * H :]},
        )
    )
    bi = torch.nn.LSTM(I, H, bidirectional=True)
    cases.append(
        case(
            "lens_lstm_bidir",
            bi,
            "lstm",
            "    direction: bidirectional\n",
            {"W": f64(bi.weight_ih_l0), "U": f64(bi.weight_hh_l0), "b": f64(bi.bias_ih_l0 + bi.bias_hh_l0)},
            {
                "W": f64(bi.weight_ih_l0_reverse),
                "U": f64(bi.weight_hh_l0_reverse),
                "b": f64(bi.bias_ih_l0_reverse + bi.bias_hh_l0_reverse),
            },
        )
    )
    bad = 0
    with tempfile.TemporaryDirectory() as d:
        for wl, params, back, want in cases:
            name = wl.split("\n")[0].split(": ")[1]
            cd = os.path.join(d, name)
            os.makedirs(os.path.join(cd, "w", "backward"))
            for k, v in params.items():
                np.save(os.path.join(cd, "w", k + ".npy"), v)
            for k, v in (back or {}).items():
                np.save(os.path.join(cd, "w", "backward", k + ".npy"), v)
            with open(os.path.join(cd, "wl.yaml"), "w") as f:
                f.write(wl)
            for prec in ("fp32", "fp16"):
                out = os.path.join(cd, prec)
                fail = run_functional(bin_, os.path.join(cd, "wl.yaml"), out, prec)
                if fail:
                    print(f"lens: FAIL {name} {prec}: {fail}")
                    bad += 1
                    continue
                got = np.load(os.path.join(out, "layer0_h.npy"))
                err = float(np.max(np.abs(got - want))) if got.shape == want.shape else float("inf")
                seq = got if back is None else got.transpose(0, 2, 1, 3)  # (T, B, ...)
                pad = all(not np.any(seq[t, b]) for b in range(B) for t in range(LENS[b], T))
                ok = err <= BOUND[prec] and pad
                print(
                    f"lens: {'pass' if ok else 'FAIL'} {name} {prec}: lengths {LENS}, h {got.shape} max abs "
                    f"{err:.2e} (bound {BOUND[prec]:g}), zero past each length: {pad}"
                )
                bad += not ok
        try:
            import onnx  # noqa: F401
        except ImportError:
            print("lens: skip the ONNX cases: python3-onnx is not installed (scripts/install-deps.sh)")
        else:
            bad += check_onnx(bin_, d)
    sys.exit(1 if bad else 0)


if __name__ == "__main__":
    main()
