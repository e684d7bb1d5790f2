#!/usr/bin/env bash
# epur-scaling: E-PUR's speedup as its MAC budget grows (the SHARP paper's
# Figure 4, on EESEN), run on the E-PUR machine (configs/baselines/epur-*.yaml,
# docs/baselines/epur.md).
#
#   scripts/studies/epur-scaling.sh [WORKLOAD]   (default workloads/networks/eesen_t300.yaml)
#
# Prints, per budget 1K..64K: cycles, latency, speedup over 1K, utilization
# and the idle causes that grow with the width (padding, dependency), warm
# start, weights resident. Needs build/sharpsim (make).
set -euo pipefail
cd "$(dirname "$0")/../.."

wl=${1:-workloads/networks/eesen_t300.yaml}
[ -x build/sharpsim ] || { echo "epur-scaling: build/sharpsim not built (run make)" >&2; exit 2; }

/usr/bin/python3 - "$wl" <<'PY'
import csv, io, subprocess, sys

wl = sys.argv[1]
rows = []
for b in ("1k", "4k", "16k", "64k"):
    out = subprocess.run(["build/sharpsim", "run", "--hw", "configs/baselines/epur-%s.yaml" % b,
                          "--workload", wl, "--format", "csv", "--no-energy"],
                         check=True, capture_output=True, text=True).stdout
    d = next(csv.DictReader(io.StringIO(out)))
    d["budget"] = b
    rows.append(d)
base = int(rows[0]["cycles"])
print("%-6s %8s %12s %12s %8s %8s %9s %9s" % ("budget", "MACs", "cycles", "latency_us", "speedup", "util%",
                                              "padding%", "depend%"))
for d in rows:
    c, m = int(d["cycles"]), int(d["macs_per_cycle"])
    lanes = c * m
    print("%-6s %8d %12d %12.1f %8.2f %8.2f %9.2f %9.2f" % (
        d["budget"], m, c, float(d["latency_us"]), base / c, 100 * float(d["utilization"]),
        100 * int(d["idle_padding"]) / lanes, 100 * int(d["idle_dependency"]) / lanes))
PY
