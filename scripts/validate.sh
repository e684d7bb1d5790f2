#!/usr/bin/env bash
# validate: sharpsim against the SHARP paper's published results.
#
#   scripts/validate.sh [--out FILE]      write the report (default docs/validation.md)
#   scripts/validate.sh --check FILE      regenerate into a temporary file and fail
#                                         (exit 1, with a diff) unless FILE is
#                                         byte-identical to it
#
# Every case runs build/sharpsim run/compare directly, with the paper's
# conventions (docs/hardware.md §5): one LSTM layer, sequence 25, I = H, batch 1, at
# DeepBench's LSTM hidden sizes (workloads/paper/), weights resident for
# every design (-p memory.weights=resident), warm start, on the four SHARP
# budgets (configs/sharp-{1k,4k,16k,64k}.yaml); E-PUR is its own machine
# (configs/baselines/epur-*.yaml), and its schedule replayed on SHARP's
# hardware (`--scheduler epur`, the SHARP authors' method) an info row; BrainWave is
# configs/baselines/brainwave-s10.yaml against configs/sharp-96k.yaml; the GPU rows use
# DeepBench's skip-input form (-w skip_input=true) and its published times
# (data/deepbench/deepbench_rnn_inference_gpu_results.csv, or
# $DEEPBENCH_GPU_CSV). The report is a pure function of the simulator's
# version and these inputs: no dates, no host names, no timing.
#
# Raw results go to build/validate/ (CSV, one file per study).
set -euo pipefail
cd "$(dirname "$0")/.."

out=docs/validation.md
check=""
while [ $# -gt 0 ]; do
  case "$1" in
    --out) out=$2; shift 2 ;;
    --check) check=$2; shift 2 ;;
    -h|--help) sed -n '2,22p' "$0"; exit 0 ;;
    *) echo "validate: unknown argument '$1', expected --out FILE or --check FILE" >&2; exit 2 ;;
  esac
done

sim=${SHARPSIM:-build/sharpsim}
gpu_csv=${DEEPBENCH_GPU_CSV:-data/deepbench/deepbench_rnn_inference_gpu_results.csv}
work=build/validate
[ -x "$sim" ] || { echo "validate: $sim not built (make)" >&2; exit 1; }
[ -r "$gpu_csv" ] || { echo "validate: $gpu_csv: cannot read DeepBench's GPU results" >&2; exit 1; }
mkdir -p "$work"
log=$work/stderr.log
: >"$log"

budgets="1k 4k 16k 64k"
paper=workloads/paper
res=(-p memory.weights=resident)

# run_sim ARGS...: sharpsim with stderr to the log (the "weights do not fit"
# notes are expected: H >= 1536 exceeds 26 MB and runs resident as the paper
# assumes); a failure shows the log and stops.
run_sim() {
  "$sim" "$@" 2>>"$log" || { echo "validate: failed: $sim $*" >&2; tail -5 "$log" >&2; exit 1; }
}

# Figure 11: the four schedules, fixed config4 (all VS units column-wise), no
# padding reconfiguration.
for b in $budgets; do
  hw=configs/sharp-$b.yaml
  run_sim compare --hw $hw --scheduler sequential --hw $hw --scheduler batch --hw $hw --scheduler intergate \
    --hw $hw --scheduler unfolded --workload $paper "${res[@]}" -p compute.tile=config4 \
    -p compute.pad_reconfig=false --no-energy --format csv >"$work/fig11_$b.csv"
done

# Figures 10 and 12: SHARP (Unfolded, per-layer tap, padding
# reconfiguration) next to E-PUR's schedule replayed on SHARP's datapath
# (the what-if `--scheduler epur`), and SHARP again without reconfiguration.
for b in $budgets; do
  hw=configs/sharp-$b.yaml
  run_sim compare --hw $hw --scheduler epur --hw $hw --scheduler unfolded --workload $paper "${res[@]}" \
    --format csv >"$work/epur_$b.csv"
  run_sim compare --hw $hw --scheduler epur --hw $hw --scheduler unfolded --workload $paper "${res[@]}" \
    -p compute.pad_reconfig=false --no-energy --format csv >"$work/nopad_$b.csv"
done

# E-PUR, the machine (configs/baselines/epur-*.yaml, docs/baselines/epur.md),
# against SHARP at each budget: the paper's LSTMs, priced, and the Table 5
# networks (all LSTM; E-PUR's file has no memory.weights, so the -p sets
# SHARP's design only).
nets="bysdne_t30 eesen_t300 eesen_t700 gmat_t50 gmat_t100 rldradspr_t300 rldradspr_t512"
for b in $budgets; do
  run_sim compare --hw configs/baselines/epur-$b.yaml --hw configs/sharp-$b.yaml --workload $paper "${res[@]}" \
    --format csv >"$work/epurm_$b.csv"
  run_sim compare --hw configs/baselines/epur-$b.yaml --hw configs/sharp-$b.yaml \
    $(for n in $nets; do printf -- '--workload workloads/networks/%s.yaml ' "$n"; done) "${res[@]}" \
    --no-energy --format csv >"$work/networks_$b.csv"
done

# run_csv OUT ARGS...: one `sharpsim run` as CSV, appended to OUT (the
# header once).
run_csv() {
  local out=$1; shift
  local row
  row=$("$sim" run "$@" --format csv 2>>"$log") || { echo "validate: failed: $sim run $*" >&2; tail -5 "$log" >&2; exit 1; }
  if [ -s "$out" ]; then printf '%s\n' "$row" | tail -n +2 >>"$out"; else printf '%s\n' "$row" >"$out"; fi
}

# BrainWave's NPU, its own machine (configs/baselines/brainwave-s10.yaml,
# docs/baselines/brainwave.md), against SHARP at 96K MACs and 250 MHz on
# DeepBench's LSTM shapes; every DeepBench batch-1 layer in DeepBench's
# recurrent-only accounting (skip_input) for its published claims; and an
# LSTM step across H (T = 25, I = H) for its flat latency.
db=workloads/deepbench
run_sim compare --hw configs/baselines/brainwave-s10.yaml --hw configs/sharp-96k.yaml \
  --workload $db/lstm_h256_b1_t150.yaml --workload $db/lstm_h512_b1_t25.yaml \
  --workload $db/lstm_h1024_b1_t25.yaml --workload $db/lstm_h1536_b1_t50.yaml \
  "${res[@]}" --format csv >"$work/brainwave.csv"
run_sim compare --hw configs/baselines/brainwave-s10.yaml --hw configs/sharp-96k.yaml \
  $(for f in $db/*_b1_*.yaml; do printf -- '--workload %s ' "$f"; done) "${res[@]}" -w skip_input=true \
  --format csv >"$work/bw_deepbench.csv"
rm -f "$work/bw_flat.csv"
for h in 64 128 256 400 512 1024 2048; do
  run_csv "$work/bw_flat.csv" --hw configs/baselines/brainwave-s10.yaml --workload $paper/lstm_h256_t25.yaml \
    -w hidden_size=$h -w input_size=$h --no-energy
done

# RNNAccel, its own machine (configs/baselines/rnnaccel.yaml,
# docs/baselines/rnnaccel.md), on its keyword-spotting GRU + FC(12) over 10
# frames (workloads/networks/rnnaccel_kws.yaml), priced at 40 nm.
run_sim run --hw configs/baselines/rnnaccel.yaml --workload workloads/networks/rnnaccel_kws.yaml --format json \
  --out "$work/rnnaccel.json"

# DeepBench GPU timings: SHARP 64K on the recurrent part only, batch 1.
run_sim compare --hw configs/sharp-64k.yaml --hw configs/sharp-4k.yaml \
  --workload $db/lstm_h256_b1_t150.yaml --workload $db/lstm_h512_b1_t25.yaml \
  --workload $db/lstm_h1024_b1_t25.yaml --workload $db/lstm_h1536_b1_t50.yaml \
  --workload $db/lstm_h2048_b1_t25.yaml "${res[@]}" -w skip_input=true --no-energy \
  --format csv >"$work/gpu.csv"

# Figure 9: hardened VS widths K (N = budget / K), all VS units column-wise
# (config4), no padding reconfiguration, per budget and size.
rm -f "$work/fig9.csv"
for b in $budgets; do
  macs=$(( ${b%k} * 1024 ))
  for k in 32 64 128 256 512; do
    for wl in $paper/lstm_h*_t25.yaml; do
      run_csv "$work/fig9.csv" --hw configs/sharp-$b.yaml --workload "$wl" "${res[@]}" -p compute.vs_width=$k \
        -p compute.vs_units=$((macs / k)) -p compute.tile=config4 -p compute.pad_reconfig=false --no-energy
    done
  done
done

# Figure 10 on sizes that pad (workloads/paper/padding: H = 650 and 1500),
# padding reconfiguration off and on, per budget.
rm -f "$work/fig10pad.csv"
for b in $budgets; do
  for wl in $paper/padding/*.yaml; do
    for pad in false true; do
      run_csv "$work/fig10pad.csv" --hw configs/sharp-$b.yaml --workload "$wl" "${res[@]}" \
        -p compute.pad_reconfig=$pad --no-energy
    done
  done
done

# Figure 12 on the sizes whose weights fit the 26 MB buffer (H <= 1024),
# weights placed by the default policy (no resident-anyway assumption).
for b in 1k 64k; do
  run_sim compare --hw configs/sharp-$b.yaml --scheduler sequential --hw configs/sharp-$b.yaml \
    --workload $paper/lstm_h256_t25.yaml --workload $paper/lstm_h512_t25.yaml \
    --workload $paper/lstm_h1024_t25.yaml --no-energy --format csv >"$work/fit_$b.csv"
done

# Sensitivity: each parameter the papers leave open, around its default,
# at 64K: Unfolded (per-layer tile) against Sequential on the LSTM sizes,
# weights resident (DRAM bandwidth: weights placed by the default policy,
# so H = 1536 and 2048 stream).
sens() {
  local key=$1 weights=$2; shift 2
  for v in "$@"; do
    run_sim compare --hw configs/sharp-64k.yaml --scheduler sequential --hw configs/sharp-64k.yaml \
      --workload $paper -p memory.weights=$weights -p "$key=$v" --no-energy --format csv \
      >"$work/sens_${key}_$v.csv"
  done
}
sens compute.accumulators resident 4 8 auto
sens cell_updater.lanes resident 4 8 16
sens mfu.latency resident 8 15 30
sens fifo_depth resident 1 4 16
sens memory.dram_gbps auto 409.6 1638.4 6553.6

version=$("$sim" --version)
target=$out
[ -n "$check" ] && target=$work/validation.check.md
# The report prints a one-screen summary of its rows; a check shows it
# only when it fails.
if [ -n "$check" ]; then
  python3 scripts/validate_report.py "$work" "$gpu_csv" "$version" "$target" >"$work/summary.txt"
else
  python3 scripts/validate_report.py "$work" "$gpu_csv" "$version" "$target"
fi

if [ -n "$check" ]; then
  if cmp -s "$target" "$check"; then
    echo "validate-check: $check is up to date"
  else
    echo "validate-check: $check is stale or edited; \`make validate\` regenerates it. Differences:" >&2
    diff "$check" "$target" | head -20 >&2
    exit 1
  fi
else
  echo "validate: wrote $out ($(grep -c '| pass |' "$out") pass, $(grep -c '| FAIL |' "$out") fail, $(grep -c '| info |' "$out") info)"
fi
