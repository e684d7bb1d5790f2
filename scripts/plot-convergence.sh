#!/usr/bin/env bash
# plot-convergence: the offline convergence of progressive rank-1 inference
# on the shipped trained LSTM (docs/progressive.md), in the manner of Kouris
# et al.'s Figure 7a: for several NZ, the mean KL divergence of the
# classifier's softmax against the exact model, and the accuracy, after each
# refinement step; and the same KL against operations per gate, with the
# dense product's 2RC marked.
#
#   scripts/plot-convergence.sh [OUT_DIR] [STEPS]
#
# Writes OUT_DIR (default build/convergence)/convergence.{dat,png,svg}.
# Operation counts, not latencies: scripts/studies/progressive.sh gives the
# latencies of refinement steps on SHARP's datapath (docs/progressive.md §5).
set -euo pipefail
cd "$(dirname "$0")/.."

out=${1:-build/convergence}
steps=${2:-64}
bin=build/sharpsim
m=workloads/models/sines_lstm
[ -x "$bin" ] || { echo "plot-convergence: $bin missing (make)" >&2; exit 1; }
command -v gnuplot >/dev/null || { echo "plot-convergence: gnuplot not installed (make deps)" >&2; exit 1; }
mkdir -p "$out"

nzs="8 18 36 54 72"
dat=$out/convergence.dat
: >"$dat"
for nz in $nzs; do
  "$bin" decompose --workload $m/sines_lstm.yaml --nz "$nz" --steps "$steps" --out "$out/nz$nz" \
    --head $m/head --inputs $m/test/x.npy --labels $m/test/labels.npy >/dev/null
  # one block per NZ: steps, ops per gate, mean KL, accuracy
  python3 - "$out/nz$nz/summary.json" "$nz" >>"$dat" <<'PY'
import json, sys
d = json.load(open(sys.argv[1]))
print(f"# NZ {sys.argv[2]}  R {d['R']}  C {d['C']}  dense ops per gate {2 * d['R'] * d['C']}")
for r in d["progressive"]:
    # KL below 1e-12 is rounding noise: clamp for the log axis
    print(r["steps"], r["ops_per_gate"], max(r["mean_kl"], 1e-12), r["accuracy"])
print()
print()
PY
done
dense=$(python3 -c "import json; d = json.load(open('$out/nz72/summary.json')); print(2 * d['R'] * d['C'])")

for fmt in png svg; do
  if [ "$fmt" = png ]; then term="pngcairo size 1200,500 font 'DejaVu Sans,11'"; else term="svg size 1200,500 font 'DejaVu Sans,11'"; fi
  gnuplot <<GP
set terminal $term
set output '$out/convergence.$fmt'
set multiplot layout 1,2 title "progressive rank-1 LSTM (sines_lstm: R = 64, C = 72, 256 test sequences); offline, operation counts" noenhanced
set logscale y
set format y "10^{%L}"
set grid
set key top right
set xlabel "refinement steps"
set ylabel "mean KL(exact || approximate softmax)"
set yrange [1e-8:10]
plot for [i=0:4] '$dat' index i using 1:3 with linespoints pt 7 ps 0.5 title "NZ ".word("$nzs", i+1)
unset logscale y
set format y "%g"
set xlabel "operations per gate and time step"
set ylabel "test accuracy"
set yrange [0:1.05]
set key bottom right
set arrow from $dense, graph 0 to $dense, graph 1 nohead dt 2 lc rgb 'black'
set label "dense 2RC = $dense" at $dense, graph 0.5 right offset -0.5,0 font ',9'
plot for [i=0:4] '$dat' index i using 2:4 with linespoints pt 7 ps 0.5 title "NZ ".word("$nzs", i+1)
unset multiplot
GP
done
echo "plot-convergence: $out/convergence.png, $out/convergence.svg"
