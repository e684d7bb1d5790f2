#!/usr/bin/env bash
# plot-power: the power breakdown per MAC budget as stacked bars (the SHARP
# paper's Figure 15 style), from scripts/validate-power.sh's output.
#
#   scripts/plot-power.sh [DIR] [TECH]
#
# Reads DIR/power-breakdown.dat (default build/validate-power) and writes
# DIR/power-breakdown.png and .svg: per budget, the mean over the DeepBench
# LSTM shapes of each class's power, stacked, and the published total as a
# marker.
set -euo pipefail

dir=${1:-build/validate-power}
tech=${2:-configs/tech/sharp-32nm.yaml}
dat=$dir/power-breakdown.dat
[ -r "$dat" ] || { echo "plot-power: $dat missing (run make validate-power)" >&2; exit 1; }
command -v gnuplot >/dev/null || { echo "plot-power: gnuplot not installed (make deps)" >&2; exit 1; }

caption="configs/sharp-{1k,4k,16k,64k}.yaml, tech $(basename "$tech"), 500 MHz; mean over the 15 DeepBench LSTM inference shapes (I = H, weights resident, warm start)"

for fmt in png svg; do
  if [ "$fmt" = png ]; then term="pngcairo size 1000,650 font 'DejaVu Sans,11'"; else term="svg size 1000,650 font 'DejaVu Sans,11'"; fi
  gnuplot <<GP
set terminal $term
set output '$dir/power-breakdown.$fmt'
set title "sharpsim power breakdown per MAC budget (model) vs the published SHARP totals"
set label 1 "$caption" at screen 0.5, screen 0.03 center font ',9' noenhanced
set bmargin 6
set xlabel "MAC budget"
set ylabel "average power (W)"
set yrange [0:*]
set offsets 0, 0, graph 0.1, 0
set grid ytics
set key top left
set style data histograms
set style histogram rowstacked
set style fill solid 0.85 border -1
set boxwidth 0.6
set xrange [-0.6:3.6]
plot '$dat' using 2:xtic(1) title 'compute unit' lc rgb '#4e79a7', \
     '' using 3 title 'SRAM buffers' lc rgb '#f28e2b', \
     '' using 4 title 'activation MFU + cell updater' lc rgb '#59a14f', \
     '' using 5 title 'controller + reconfiguration' lc rgb '#e15759', \
     '' using 6 title 'main memory (DRAM)' lc rgb '#9c755f', \
     '' using 0:8 with points pt 7 ps 1.6 lc rgb 'black' title 'paper total', \
     '' using 0:(\$7 > \$8 ? \$7 : \$8):(sprintf('model %.1f W, paper %.1f W', \$7, \$8)) with labels offset 0,1.2 font ',9' notitle
GP
done
echo "plot-power: $dir/power-breakdown.png, $dir/power-breakdown.svg"
