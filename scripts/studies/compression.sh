#!/usr/bin/env bash
# Latency and energy of a DeepBench LSTM (H = I = 1024, T = 25, B = 1) on the
# 1K and 64K SHARP presets with compressed weights (docs/compression.md §6,
# issue 14): dense fp16; 50, 80 and 90 % sparsity, unstructured in a
# bitmask (storage only: no column tile is ever all zero, nothing is
# skipped) and 32 x 32 blocks in BSR (whole tiles can be skipped when the
# blocks line up with them); 8, 4 and 2-bit weights with fp32 row scales.
# The decompression unit is at its default (a full tile a cycle, no depth).
# Also the codebook formats: NeuCompression's 5.3x, 8x and 16x ratios.
# Every point is one functional run (--functional, seed 1, the full
# T = 25): its cycles and energy are those of the timing run (values never
# move time for these layers), and its error is h of every step against
# the dense double-precision reference, so each row shows what the
# technique costs in accuracy beside what it buys. Seeded weights are
# uniform and pruned by the timing's random mask (docs/compression.md §6),
# so the pruning error is that of random removal, not of magnitude pruning
# of a trained layer.
#   scripts/studies/compression.sh [BIN]
set -euo pipefail
cd "$(dirname "$0")/../.."
BIN=${1:-build/sharpsim}
PY=/usr/bin/python3
WL=workloads/deepbench/lstm_h1024_b1_t25.yaml
[ -x "$BIN" ] || make -s "$BIN"

points=(
	"dense fp16|"
	"50% unstructured, bitmask|-w sparsity=0.5 -w sparse_format=bitmask"
	"80% unstructured, bitmask|-w sparsity=0.8 -w sparse_format=bitmask"
	"90% unstructured, bitmask|-w sparsity=0.9 -w sparse_format=bitmask"
	"50% 32x32 blocks, bsr|-w sparsity=0.5 -w sparsity_pattern=block -w sparsity_block=32 -w sparse_format=bsr"
	"80% 32x32 blocks, bsr|-w sparsity=0.8 -w sparsity_pattern=block -w sparsity_block=32 -w sparse_format=bsr"
	"90% 32x32 blocks, bsr|-w sparsity=0.9 -w sparsity_pattern=block -w sparsity_block=32 -w sparse_format=bsr"
	"8-bit, row scales|-w weight_bits=8"
	"4-bit, row scales|-w weight_bits=4"
	"2-bit, row scales|-w weight_bits=2"
	"codebook neu5.3 (6-bit idx)|-w weight_codebook=neu5.3"
	"codebook neu8 (4-bit idx)|-w weight_codebook=neu8"
	"codebook neu16 (2-bit idx)|-w weight_codebook=neu16"
)

printf '%-6s %-28s %10s %12s %12s %10s %12s %12s %10s %10s\n' design point cycles latency_us energy_uj weight_MB eff_GFLOP/s useful_MMAC err_rms err_max
for hw in configs/sharp-1k.yaml configs/sharp-64k.yaml; do
	for p in "${points[@]}"; do
		name=${p%%|*}
		args=${p#*|}
		# shellcheck disable=SC2086
		"$BIN" run --hw "$hw" --workload "$WL" $args --functional --reference --seed 1 --format json 2>/dev/null |
			"$PY" -c '
import json, sys
d = json.load(sys.stdin)
eff = d.get("effective_gflops", 2 * d["useful_macs"] / d["latency_us"] / 1e3)
e = d["error"]
print("%-6s %-28s %10d %12.3f %12.2f %10.2f %12.1f %12.2f %10.3e %10.3e" % (d["hw"].replace("sharp-", ""), sys.argv[1],
      d["cycles"], d["latency_us"], d["energy"]["energy_uj"], d["layers"][0]["weight_bytes"] / 1e6, eff,
      d["useful_macs"] / 1e6, e["rms"], e["max_abs"]))' "$name"
	done
done

# The trained model with its classifier head (workloads/models/sines_lstm:
# LSTM H = 64 on 32 frames of 8 channels, 4 classes; the first 16 test
# sequences, batch 16), the head run as an fc layer at every step. The
# storage keys apply to both layers (-w sets every layer). Printed: h's
# error at the LSTM, and the head's argmax decisions that changed against
# the dense double model, over all 32 x 16 outputs and at the last step
# (the 16 sequence decisions the model was trained for), with the mean KL
# of its softmax. The unstructured rows use the seeded (random) mask, the
# "by magnitude" rows prune the trained weights themselves
# (sparsity_mask: magnitude).
TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT
M=workloads/models/sines_lstm
"$PY" - "$M/head" "$TMP" <<'PYEOF'
import sys
import numpy as np
head, out = sys.argv[1], sys.argv[2]
np.save(out + "/W.npy", np.load(head + "/Wc.npy"))
np.save(out + "/b.npy", np.load(head + "/bc.npy"))
np.save(out + "/x.npy", np.zeros((32, 16, 64), dtype="<f4"))  # required by the layout, not read (layer 2 reads layer 1's h)
PYEOF
cat >"$TMP/wl.yaml" <<YAMLEOF
name: sines_lstm_head
layers:
  - cell: lstm
    input_size: 8
    hidden_size: 64
    timesteps: 32
    batch_size: 16
    weights: $PWD/$M
  - cell: fc
    input_size: 64
    hidden_size: 4
    timesteps: 32
    batch_size: 16
    weights: $TMP
YAMLEOF
head_points=(
	"dense fp16|"
	"50% unstructured, bitmask|-w sparsity=0.5 -w sparse_format=bitmask"
	"80% unstructured, bitmask|-w sparsity=0.8 -w sparse_format=bitmask"
	"90% unstructured, bitmask|-w sparsity=0.9 -w sparse_format=bitmask"
	"50% by magnitude, bitmask|-w sparsity=0.5 -w sparse_format=bitmask -w sparsity_mask=magnitude"
	"80% by magnitude, bitmask|-w sparsity=0.8 -w sparse_format=bitmask -w sparsity_mask=magnitude"
	"90% by magnitude, bitmask|-w sparsity=0.9 -w sparse_format=bitmask -w sparsity_mask=magnitude"
	"8-bit, row scales|-w weight_bits=8"
	"4-bit, row scales|-w weight_bits=4"
	"2-bit, row scales|-w weight_bits=2"
	"codebook neu5.3 (6-bit idx)|-w weight_codebook=neu5.3"
	"codebook neu8 (4-bit idx)|-w weight_codebook=neu8"
	"codebook neu16 (2-bit idx)|-w weight_codebook=neu16"
)
echo
printf '%-6s %-28s %10s %12s %10s %10s %14s %10s %12s\n' design point cycles energy_uj h_err_rms changed changed_last kl_mean kl_last
for hw in configs/sharp-1k.yaml configs/sharp-64k.yaml; do
	for p in "${head_points[@]}"; do
		name=${p%%|*}
		args=${p#*|}
		# shellcheck disable=SC2086
		"$BIN" run --hw "$hw" --workload "$TMP/wl.yaml" $args --functional --reference --format json 2>/dev/null |
			"$PY" -c '
import json, sys
d = json.load(sys.stdin)
l0, hd = d["error"]["layers"][0], d["error"]["layers"][1]["head"]
print("%-6s %-28s %10d %12.2f %10.3e %10s %14s %10.3e %12.3e" % (d["hw"].replace("sharp-", ""), sys.argv[1],
      d["cycles"], d["energy"]["energy_uj"], l0["h"]["rms"], "%d/%d" % (hd["changed"], hd["decisions"]),
      "%d/%d" % (hd["last_step"]["changed"], hd["last_step"]["decisions"]), hd["kl_mean"], hd["last_step"]["kl_mean"]))' "$name"
	done
done
