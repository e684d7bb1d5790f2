#!/usr/bin/env bash
# The training jobs of the profile-guided build (mk/pgo.mk): what the
# instrumented program BIN runs so that GCC learns which paths are hot.
# The mix is what users run most and what costs most: stepped runs at 1K,
# 4K and 64K MACs (the cycle loop), fast-forwarded runs of DeepBench
# layers with energy (start-up, planning, the jump, the report), a batch
# and a GRU, functional mode, and the baseline machines. Short runs: the
# counts need coverage, not length. Code no job reaches is compiled as if
# there were no profile (-fprofile-partial-training), never as cold.
#
#   bash scripts/pgo-train.sh build/pgo/gen/sharpsim
set -euo pipefail
cd "$(dirname "$0")/.."
BIN=${1:?usage: pgo-train.sh BIN}
LSTM=workloads/deepbench/lstm_h1024_b1_t25.yaml
GRU=workloads/deepbench/gru_h512_b1_t1.yaml
SMALL=workloads/deepbench/lstm_h256_b1_t150.yaml
run() { "$BIN" run "$@" >/dev/null; }

run --hw configs/sharp-1k.yaml --workload "$LSTM" -w timesteps=40 -p compute.tile=config4 --no-fast-forward --no-energy
run --hw configs/sharp-4k.yaml --workload "$LSTM" -w timesteps=40 -p compute.tile=config3 --no-fast-forward --no-energy
run --hw configs/sharp-64k.yaml --workload "$LSTM" -w timesteps=400 -p compute.tile=config3 --no-fast-forward --no-energy
run --hw configs/sharp-1k.yaml --workload "$LSTM" -w batch_size=4 -w timesteps=4 --no-fast-forward
run --workload "$LSTM"
run --workload "$LSTM" --format json
run --hw configs/sharp-1k.yaml --workload "$LSTM" -w timesteps=1 -w hidden_size=512 -w input_size=512
for hw in configs/sharp-1k.yaml configs/sharp-64k.yaml; do
	run --hw "$hw" --workload "$GRU"
	run --hw "$hw" --workload "$LSTM" -p memory.weights=stream
done
run --hw configs/sharp-1k.yaml --workload workloads/examples/lstm_tiny.yaml --functional
for hw in configs/brainwave.yaml configs/baselines/epur-1k.yaml configs/baselines/rnnaccel.yaml; do
	run --hw "$hw" --workload "$SMALL" 2>/dev/null
done
