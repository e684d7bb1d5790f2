#!/usr/bin/env bash
# epur-utilization: the E-PUR machine's utilization per MAC budget on the
# SHARP paper's convention (LSTM, I = H, T = 25, batch 1, H in DeepBench's
# 256..2048: workloads/paper/), the mean over the sizes beside the SHARP
# paper's 95 / 74 / 49 / 24 % (docs/hardware.md §5), and the same mean for
# the old `--scheduler epur` on SHARP's hardware (configs/sharp-*.yaml, the
# SHARP authors' method) for reference. docs/baselines/epur.md explains
# the gaps.
#
#   scripts/studies/epur-utilization.sh [--engine-lanes N]
#
# --engine-lanes N: the epur.dpu.rows what-if, each unit's DPU split into
# row engines of N lanes (rows = width / N, at least 1) at every budget.
set -euo pipefail
cd "$(dirname "$0")/../.."
[ -x build/sharpsim ] || { echo "epur-utilization: build/sharpsim not built (run make)" >&2; exit 2; }
lanes=0
if [ "${1:-}" = --engine-lanes ]; then lanes=${2:?--engine-lanes needs a number}; fi

/usr/bin/python3 - "$lanes" <<'PY'
import csv, io, subprocess, sys

lanes = int(sys.argv[1])
sizes = (256, 512, 1024, 1536, 2048)
budgets = {"1k": 1024, "4k": 4096, "16k": 16384, "64k": 65536}
paper = {"1k": 95, "4k": 74, "16k": 49, "64k": 24}

def util(args):
    out = subprocess.run(["build/sharpsim", "run", "--format", "csv", "--no-energy"] + args,
                         check=True, capture_output=True, text=True).stdout
    return 100 * float(next(csv.DictReader(io.StringIO(out)))["utilization"])

print("%-6s %5s" % ("budget", "rows") + "".join("%9s" % ("H=%d" % h) for h in sizes) +
      "%9s %9s %12s" % ("mean", "paper", "sched-epur"))
for b, macs in budgets.items():
    rows = max(1, macs // 4 // lanes) if lanes else 1
    u = [util(["--hw", "configs/baselines/epur-%s.yaml" % b, "-p", "epur.dpu.rows=%d" % rows,
               "--workload", "workloads/paper/lstm_h%d_t25.yaml" % h]) for h in sizes]
    old = [util(["--hw", "configs/sharp-%s.yaml" % b, "--scheduler", "epur", "-p", "memory.weights=resident",
                 "--workload", "workloads/paper/lstm_h%d_t25.yaml" % h]) for h in sizes]
    print("%-6s %5d" % (b, rows) + "".join("%9.2f" % x for x in u) +
          "%9.2f %9d %12.2f" % (sum(u) / len(u), paper[b], sum(old) / len(old)))
PY
