#!/usr/bin/env bash
# brainwave-flat.sh - BrainWave's latency per step against the LSTM's size
# (docs/baselines/brainwave.md, "Results").
#
# One LSTM layer, I = H, T = 25, batch 1 (the SHARP paper's convention for
# its Figure 3), at H from 64 to 2048, on the brainwave machine
# (configs/baselines/brainwave-s10.yaml) and, for comparison, on the old
# BrainWave-style config of SHARP's engine (configs/brainwave.yaml, weights
# resident as in the paper's comparisons). Prints the microseconds per step
# and the utilization of each. BrainWave pads every vector and matrix to its
# native dimension (400), so its time per step should stay flat while
# H <= 400 and grow past it.
#
#   bash scripts/studies/brainwave-flat.sh            (build/sharpsim)
#   SHARPSIM=path/to/sharpsim bash scripts/studies/brainwave-flat.sh
set -euo pipefail
cd "$(dirname "$0")/../.."
BIN=${SHARPSIM:-build/sharpsim}
[ -x "$BIN" ] || { echo "brainwave-flat: $BIN not built (make -j2)" >&2; exit 2; }
WL=workloads/paper/lstm_h256_t25.yaml
T=25

# csv_field CSV NAME: the run row's field NAME.
csv_field() {
  /usr/bin/python3 -c '
import csv, sys
rows = [r for r in csv.DictReader(sys.stdin) if r["row"] == "run"]
print(rows[0][sys.argv[1]])' "$2" <<<"$1"
}

run() { # hw H [extra args]
  local hw=$1 h=$2
  shift 2
  "$BIN" run --hw "$hw" --workload "$WL" -w "hidden_size=$h" -w "input_size=$h" --format csv --no-energy "$@" 2>/dev/null
}

printf '%6s  %12s %8s  %12s %8s\n' H "bw us/step" "bw util" "old us/step" "old util"
for h in 64 128 256 400 512 1024 1536 2048; do
  new=$(run configs/baselines/brainwave-s10.yaml "$h")
  old=$(run configs/brainwave.yaml "$h" -p memory.weights=resident)
  printf '%6s  %12.3f %7.2f%%  %12.3f %7.2f%%\n' "$h" \
    "$(/usr/bin/python3 -c "print($(csv_field "$new" latency_us) / $T)")" \
    "$(/usr/bin/python3 -c "print(100 * $(csv_field "$new" utilization))")" \
    "$(/usr/bin/python3 -c "print($(csv_field "$old" latency_us) / $T)")" \
    "$(/usr/bin/python3 -c "print(100 * $(csv_field "$old" utilization))")"
done
