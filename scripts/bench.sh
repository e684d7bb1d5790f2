#!/usr/bin/env bash
# Simulator speed: simulated cycles per host second, per MAC budget, on a
# fixed workload (DeepBench's LSTM h1024 b1, stretched to 2000 time steps so
# that process start-up is negligible), in both modes: fast-forward (the
# default, exact) and stepping every cycle (--no-fast-forward).
#
#   bash scripts/bench.sh            # best of 3 runs per point
#   RUNS=5 bash scripts/bench.sh
#
# Wall time is measured around the whole `sharpsim run` process with
# date +%s%N; energy pricing is off so only the cycle model is timed.
set -euo pipefail
cd "$(dirname "$0")/.."
make -s build/sharpsim >/dev/null 2>&1 || true
BIN=build/sharpsim
WL=workloads/deepbench/lstm_h1024_b1_t25.yaml
STEPS=${STEPS:-2000}
RUNS=${RUNS:-3}

printf '%-9s %-16s %14s %10s %14s\n' budget mode cycles seconds "Mcycles/s"
for b in 1k 4k 16k 64k; do
  for mode in fast-forward stepping; do
    flag=""
    [ "$mode" = stepping ] && flag=--no-fast-forward
    best=""
    for _ in $(seq "$RUNS"); do
      t0=$(date +%s%N)
      cycles=$($BIN run --hw configs/sharp-$b.yaml --workload $WL -w timesteps=$STEPS \
        -p memory.weights=resident --no-energy --format csv $flag |
        awk -F, 'NR == 1 { for (i = 1; i <= NF; i++) c[$i] = i; next } NR == 2 { print $c["cycles"] }')
      t1=$(date +%s%N)
      ns=$((t1 - t0))
      if [ -z "$best" ] || [ "$ns" -lt "$best" ]; then best=$ns; fi
    done
    awk -v b="$b" -v m="$mode" -v c="$cycles" -v ns="$best" \
      'BEGIN { s = ns / 1e9; printf "%-9s %-16s %14d %10.3f %14.1f\n", b, m, c, s, c / s / 1e6 }'
  done
done
