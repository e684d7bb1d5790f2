"""torchutil.py - what the PyTorch cross-checks share: a tensor as a
float64 numpy array, and one functional sharpsim run with its layers'
outputs dumped as .npy."""
import os
import subprocess

import numpy as np


def f64(t):
    return t.detach().numpy().astype(np.float64)


def run_functional(bin_, workload, out, prec):
    """`sharpsim run --functional` on workload with precision.mul=prec, the
    outputs dumped into the new directory out. None, or why it failed, in
    one line."""
    os.mkdir(out)
    r = subprocess.run(
        [bin_, "run", "--workload", workload, "--functional", "--dump-outputs", out, "-p", f"precision.mul={prec}"],
        capture_output=True,
        text=True,
    )
    return f"sharpsim exited {r.returncode}: {r.stderr.strip()}" if r.returncode else None
