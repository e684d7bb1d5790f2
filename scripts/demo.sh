#!/usr/bin/env bash
# `make demo`: the four schedulers on DeepBench's LSTM inference shapes at
# 4K MACs (configs/sharp-4k.yaml, I = H, weights resident as the paper
# assumed), as a comparison table: cycles, latency, utilization and speedup
# over Sequential. Then the short sweep studies and figures when present.
set -euo pipefail
cd "$(dirname "$0")/.."
BIN=build/sharpsim
HW=${HW:-configs/sharp-4k.yaml}
SCHEDS=(sequential batch intergate unfolded)

echo "sharpsim demo: DeepBench LSTM inference shapes on $HW (weights resident, I = H)"
echo
printf '%-24s' shape
for s in "${SCHEDS[@]}"; do printf '%26s' "$s"; done
printf '\n%-24s' ""
for s in "${SCHEDS[@]}"; do printf '%26s' "cycles   us   util  spdup"; done
echo
for wl in workloads/deepbench/lstm_*.yaml; do
  name=$(basename "$wl" .yaml)
  printf '%-24s' "$name"
  seq_cycles=""
  for s in "${SCHEDS[@]}"; do
    row=$($BIN run --hw "$HW" --workload "$wl" --scheduler "$s" -p memory.weights=resident \
      --no-energy --format csv 2>/dev/null | tail -1)
    cycles=$(echo "$row" | cut -d, -f9)
    lat=$(echo "$row" | cut -d, -f11)
    util=$(echo "$row" | cut -d, -f14)
    [ -z "$seq_cycles" ] && seq_cycles=$cycles
    awk -v c="$cycles" -v l="$lat" -v u="$util" -v sc="$seq_cycles" \
      'BEGIN { printf "%10d %7.1f %5.1f%% %5.2fx", c, l, 100 * u, sc / c }'
  done
  echo
done
echo
echo "cycles exclude the one-time initial weight load (see --cold); utilization is"
echo "useful MACs / (cycles x N x K); speedup is over Sequential on the same hardware."
if grep -q '^demo-sweep:' mk/*.mk 2>/dev/null; then
  echo
  make --no-print-directory demo-sweep
fi
