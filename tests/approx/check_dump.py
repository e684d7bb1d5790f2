"""check_dump.py DIR RUN_JSON [reversed]: the partial outputs that
`run --functional --dump-outputs DIR` writes for a progressive layer give
back the relative errors the run reports (JSON prints 9 significant
digits), and refining more brings h closer to the exact layer's. With
`reversed` the refinements are read in reverse order, which must fail."""
import json
import sys

import numpy as np

d, run = sys.argv[1], sys.argv[2]
hk = np.load(d + "/layer1_h_refined.npy")
he = np.load(d + "/layer1_h_exact.npy")
if len(sys.argv) > 3 and sys.argv[3] == "reversed":
    hk = hk[::-1]
rel = json.load(open(run))["layers"][0]["progressive"]["rel_error"]
assert hk.dtype == np.float64 and hk.shape[0] == len(rel) and hk.shape[1:] == he.shape, (hk.shape, he.shape)
for k, want in enumerate(rel):
    r = np.linalg.norm(hk[k, -1] - he[-1]) / np.linalg.norm(he[-1])
    assert abs(r - want) <= 1e-8 * max(1, r), (k, r, want)
assert np.linalg.norm(hk[-1] - he) < np.linalg.norm(hk[0] - he)
