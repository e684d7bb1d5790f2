"""Softmax against PyTorch: torch.nn.Linear followed by torch.softmax over
the last axis, in float32, is the independent reference for an `fc` layer
followed by sharpsim's `softmax` layer (docs/hardware.md §2.11). The
Linear's parameters go to sharpsim as the fc layer's weights directory
(W = weight, b = bias, x (T, B, I)); the workload runs --functional with
--dump-outputs and layer1_h.npy (T, B, K) is compared with torch's
probabilities. The weights are scaled so that the logits span about ±8,
where fp16's exp(z) without the max subtracted would lose most digits.

Bounds: fp32 1e-5 absolute; fp16 5e-3 (the bounds the ONNX conformance
checks hold the datapaths to, docs/onnx.md: the fc's fp16 operands move a
logit by a few 1e-3, and softmax's derivative moves p_j by at most twice
the largest logit error). The checker itself is shown to reject torch's
output for logits moved by 0.01 in one class (fp32).

usage: torch_softmax.py BIN    (prints one line per precision; exit 1 on a miss)
"""
import os
import sys
import tempfile

import numpy as np
import torch
from torchutil import f64, run_functional

T, B, I, K = 5, 3, 12, 10
BOUND = {"fp32": 1e-5, "fp16": 5e-3}


def main():
    bin_ = sys.argv[1]
    torch.manual_seed(11)
    lin = torch.nn.Linear(I, K)
    with torch.no_grad():
        lin.weight.mul_(8.0)
        lin.bias.mul_(4.0)
    x = torch.rand(T, B, I) * 2 - 1
    with torch.no_grad():
        z = lin(x)
        p = torch.softmax(z, dim=-1)
        zmoved = z.clone()
        zmoved[..., 0] += 0.01
        pmoved = torch.softmax(zmoved, dim=-1)
    bad = 0
    with tempfile.TemporaryDirectory() as d:
        wd = os.path.join(d, "w")
        os.mkdir(wd)
        np.save(os.path.join(wd, "W.npy"), f64(lin.weight))
        np.save(os.path.join(wd, "b.npy"), f64(lin.bias))
        np.save(os.path.join(wd, "x.npy"), f64(x))
        wl = os.path.join(d, "softmax.yaml")
        with open(wl, "w") as f:
            f.write(
                "name: softmax_torch\nlayers:\n  - cell: fc\n"
                f"    input_size: {I}\n    hidden_size: {K}\n"
                f"    timesteps: {T}\n    batch_size: {B}\n    weights: w\n"
                "  - cell: softmax\n"
                f"    input_size: {K}\n    hidden_size: {K}\n"
                f"    timesteps: {T}\n    batch_size: {B}\n"
            )
        for prec in ("fp32", "fp16"):
            out = os.path.join(d, prec)
            fail = run_functional(bin_, wl, out, prec)
            if fail:
                print(f"softmax: FAIL {prec}: {fail}")
                bad += 1
                continue
            got = np.load(os.path.join(out, "layer1_h.npy"))
            err = float(np.max(np.abs(got - f64(p))))
            agree = float(np.mean(np.argmax(got, -1) == np.argmax(f64(p), -1)))
            ok = got.shape == (T, B, K) and err <= BOUND[prec]
            print(
                f"softmax: {'pass' if ok else 'FAIL'} {prec}: torch Linear({I}, {K}) + softmax "
                f"{got.shape} max abs {err:.2e} (bound {BOUND[prec]:g}), argmax agreement {agree:.3f}, "
                f"logits span {float(z.min()):.1f}..{float(z.max()):.1f}"
            )
            bad += not ok
            if prec == "fp32":
                moved = float(np.max(np.abs(got - f64(pmoved))))
                caught = moved > BOUND[prec]
                print(
                    f"softmax: {'pass' if caught else 'FAIL'} checker: logits moved by 0.01 in one class "
                    f"differ by {moved:.2e}, {'beyond' if caught else 'within'} the fp32 bound"
                )
                bad += not caught
    sys.exit(1 if bad else 0)


if __name__ == "__main__":
    main()
