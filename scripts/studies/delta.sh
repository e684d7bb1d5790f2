#!/usr/bin/env bash
# Delta networks (DeltaRNN; docs/compression.md, "Delta networks", issue 14):
# latency, skipped columns, energy and output error against the threshold
# theta, for a GRU of H = I = 512 (DeltaRNN's GRU-512 size), T = 100, B = 1,
# on the 1K SHARP preset, functional (a delta run's timing needs values);
# then the 64K preset at three points, where the array is no longer the
# bottleneck.
#
# The input decides what a delta network saves: an i.i.d. sequence changes
# every element at every step, so almost nothing can be skipped. The study
# therefore feeds a temporally correlated synthetic input, an AR(1)
# process per channel, x_t = 0.95 x_{t-1} + sqrt(1 - 0.95^2) e_t with
# e_t ~ N(0, 0.5^2) (numpy seed 1), as a stand-in for slowly varying
# features such as speech filter banks; the weights are the frameworks'
# default init, uniform in +-1/sqrt(H), from the same seed. The last row
# runs sharpsim's own i.i.d. random input (uniform in [-1, 1)) for
# contrast. One theta for x and h, as DeltaRNN uses.
#   scripts/studies/delta.sh [BIN]
set -euo pipefail
cd "$(dirname "$0")/../.."
BIN=${1:-build/sharpsim}
PY=/usr/bin/python3
HW=configs/sharp-1k.yaml
[ -x "$BIN" ] || make -s "$BIN"
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT

"$PY" - "$T" <<'PY'
import sys, numpy as np
d = sys.argv[1]
H = I = 512; G = 3; T = 100
rng = np.random.default_rng(1)
k = 1 / np.sqrt(H)
W = rng.uniform(-k, k, (G * H, I)); U = rng.uniform(-k, k, (G * H, H))
b = rng.uniform(-k, k, G * H); b_hn = rng.uniform(-k, k, H)
x = np.zeros((T, 1, I)); rho = 0.95
x[0, 0] = rng.normal(0, 0.5, I)
for t in range(1, T):
    x[t, 0] = rho * x[t - 1, 0] + np.sqrt(1 - rho ** 2) * rng.normal(0, 0.5, I)
import os
os.makedirs(d + "/w")
for n, a in (("W", W), ("U", U), ("b", b), ("b_hn", b_hn), ("x", x)):
    np.save("%s/w/%s.npy" % (d, n), a.astype("<f4"))
for name, w in (("gru512_ar1", "weights: w"), ("gru512_iid", "")):
    with open("%s/%s.yaml" % (d, name), "w") as f:
        f.write("name: %s\nlayers:\n  - cell: gru\n    input_size: 512\n    hidden_size: 512\n"
                "    timesteps: 100\n    batch_size: 1\n    gru_form: linear_before_reset\n" % name)
        if w:
            f.write("    %s\n" % w)
PY

row() { # label workload args...
	local label=$1 wl=$2 hw=$HW
	shift 2
	case "$label" in 64k*) hw=configs/sharp-64k.yaml ;; esac
	"$BIN" run --hw "$hw" --workload "$wl" --functional --reference "$@" --format json | "$PY" -c '
import json, sys
d = json.load(sys.stdin)
L = d["layers"][0]
dl = L.get("delta", {"skip_ratio": 0, "skip_ratio_x": 0, "skip_ratio_h": 0})
e = d["error"]
print("%-22s %9d %10.3f %7.3f %7.3f %7.3f %11.2f %10.2e %10.2e" % (sys.argv[1], d["cycles"], d["latency_us"],
      dl["skip_ratio"], dl["skip_ratio_x"], dl["skip_ratio_h"], d["energy"]["energy_uj"], e["rms"], e["max_abs"]))' "$label"
}

printf '%-22s %9s %10s %7s %7s %7s %11s %10s %10s\n' point cycles latency_us skip skip_x skip_h energy_uj err_rms err_max
row "dense" "$T/gru512_ar1.yaml"
for th in 0 0.01 0.02 0.05 0.1 0.2 0.5; do
	row "ar1 theta=$th" "$T/gru512_ar1.yaml" -w delta=true -w delta_threshold_x=$th -w delta_threshold_h=$th
done
row "iid dense" "$T/gru512_iid.yaml"
row "iid theta=0.1" "$T/gru512_iid.yaml" -w delta=true -w delta_threshold_x=0.1 -w delta_threshold_h=0.1
row "64k dense" "$T/gru512_ar1.yaml"
for th in 0.1 0.5; do
	row "64k ar1 theta=$th" "$T/gru512_ar1.yaml" -w delta=true -w delta_threshold_x=$th -w delta_threshold_h=$th
done
