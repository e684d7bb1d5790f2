#!/usr/bin/env bash
# `make demo`: the four schedulers on DeepBench's LSTM inference shapes at
# 4K MACs (configs/sharp-4k.yaml, I = H, weights resident as the paper
# assumed), as a comparison table: cycles, latency, utilization and speedup
# over Sequential. Then the short sweep studies and figures when present.
# DEMO_WORKLOADS (files) replaces the shapes and DEMO_TABLE_ONLY=1 skips
# the sweeps (tests/tools/outputs.sh checks the table's alignment).
set -euo pipefail
cd "$(dirname "$0")/.."
BIN=build/sharpsim
HW=${HW:-configs/sharp-4k.yaml}
SCHEDS=(sequential batch intergate unfolded)

echo "sharpsim demo: DeepBench LSTM inference shapes on $HW (weights resident, I = H)"
echo
# Every cell is printed with the widths of its header (CELL), so the
# columns line up whatever the numbers; values are read from the CSV by
# column name, not position.
CELL='%10s %9s %7s %7s'
printf '%-22s' shape
for s in "${SCHEDS[@]}"; do printf "  %-36s" "$s"; done
printf '\n%-22s' ""
for s in "${SCHEDS[@]}"; do printf "  $CELL" cycles us util spdup; done
echo
for wl in ${DEMO_WORKLOADS:-workloads/deepbench/lstm_*.yaml}; do
  name=$(basename "$wl" .yaml)
  printf '%-22s' "$name"
  seq_cycles=""
  for s in "${SCHEDS[@]}"; do
    csv=$($BIN run --hw "$HW" --workload "$wl" --scheduler "$s" -p memory.weights=resident \
      --no-energy --format csv 2>/dev/null)
    read -r cycles lat util < <(echo "$csv" | awk -F, 'NR == 1 { for (i = 1; i <= NF; i++) c[$i] = i; next }
      NR == 2 { print $c["cycles"], $c["latency_us"], $c["utilization"] }')
    [ -z "$seq_cycles" ] && seq_cycles=$cycles
    awk -v c="$cycles" -v l="$lat" -v u="$util" -v sc="$seq_cycles" -v f="  $CELL" \
      'BEGIN { printf f, c, sprintf("%.1f", l), sprintf("%.1f%%", 100 * u), sprintf("%.2fx", sc / c) }'
  done
  echo
done
echo
echo "cycles exclude the one-time initial weight load (see --cold); utilization is"
echo "useful MACs / (cycles x N x K); speedup is over Sequential on the same hardware."
if [ -z "${DEMO_TABLE_ONLY:-}" ] && grep -q '^demo-sweep:' mk/*.mk 2>/dev/null; then
  echo
  make --no-print-directory demo-sweep
fi
