"""LSTMP against PyTorch: torch.nn.LSTM(proj_size=P) in float32 is the
independent reference for sharpsim's projection (docs/architecture.md,
LSTMP). torch does not export proj_size to ONNX, so the module's
parameters go to sharpsim as a weights directory (weights.h's layout:
W = weight_ih, U = weight_hh (4H, P), b = bias_ih + bias_hh,
W_proj = weight_hr (P, H), h0 (B, P), c0 (B, H), x (T, B, I)) with a
workload of one `cell: lstm` layer with proj_size, run --functional with
--dump-outputs, and layer0_h.npy (T, B, P) and layer0_c.npy (T, B, H) are
compared with torch's outputs and its c sequence (stepped by hand).

Bounds: fp32 datapath 1e-5 absolute (float32 rounding over a few dozen
terms); fp16 data (x, h, m) and weights with fp32 sums 5e-3 (the same
bound the ONNX conformance checks hold fp16 to, docs/onnx.md).

usage: torch_lstmp.py BIN    (prints one line per precision; exit 1 on a miss)
"""
import os
import sys
import tempfile

import numpy as np
import torch
from torchutil import f64, run_functional

T, B, I, H, P = 7, 2, 12, 20, 8
BOUND = {"fp32": 1e-5, "fp16": 5e-3}


def main():
    bin_ = sys.argv[1]
    torch.manual_seed(5)
    m = torch.nn.LSTM(I, H, proj_size=P)
    x = torch.rand(T, B, I) * 2 - 1
    h0 = torch.rand(1, B, P) * 0.5
    c0 = torch.rand(1, B, H) * 0.5
    with torch.no_grad():
        y, _ = m(x, (h0, c0))
        # c per step: the module returns only the last, so step it one at a time
        cs, h, c = [], h0, c0
        for t in range(T):
            _, (h, c) = m(x[t : t + 1], (h, c))
            cs.append(c[0])
        cseq = torch.stack(cs)
    bad = 0
    with tempfile.TemporaryDirectory() as d:
        wd = os.path.join(d, "w")
        os.mkdir(wd)
        np.save(os.path.join(wd, "W.npy"), f64(m.weight_ih_l0))
        np.save(os.path.join(wd, "U.npy"), f64(m.weight_hh_l0))
        np.save(os.path.join(wd, "b.npy"), f64(m.bias_ih_l0 + m.bias_hh_l0))
        np.save(os.path.join(wd, "W_proj.npy"), f64(m.weight_hr_l0))
        np.save(os.path.join(wd, "h0.npy"), f64(h0[0]))
        np.save(os.path.join(wd, "c0.npy"), f64(c0[0]))
        np.save(os.path.join(wd, "x.npy"), f64(x))
        wl = os.path.join(d, "lstmp.yaml")
        with open(wl, "w") as f:
            f.write(
                "name: lstmp_torch\nlayers:\n  - cell: lstm\n"
                f"    input_size: {I}\n    hidden_size: {H}\n    proj_size: {P}\n"
                f"    timesteps: {T}\n    batch_size: {B}\n    weights: w\n"
            )
        for prec in ("fp32", "fp16"):
            out = os.path.join(d, prec)
            fail = run_functional(bin_, wl, out, prec)
            if fail:
                print(f"lstmp: FAIL {prec}: {fail}")
                bad += 1
                continue
            gh = np.load(os.path.join(out, "layer0_h.npy"))
            gc = np.load(os.path.join(out, "layer0_c.npy"))
            eh = float(np.max(np.abs(gh - f64(y))))
            ec = float(np.max(np.abs(gc - f64(cseq))))
            ok = gh.shape == (T, B, P) and gc.shape == (T, B, H) and max(eh, ec) <= BOUND[prec]
            print(
                f"lstmp: {'pass' if ok else 'FAIL'} {prec}: torch LSTM(proj_size={P}) h {gh.shape} "
                f"max abs {eh:.2e}, c max abs {ec:.2e} (bound {BOUND[prec]:g})"
            )
            bad += not ok
    sys.exit(1 if bad else 0)


if __name__ == "__main__":
    main()
