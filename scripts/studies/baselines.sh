#!/usr/bin/env bash
# baselines.sh - SHARP against every baseline machine, across the budgets:
# the comparison docs/baselines/ describes, as one figure and one table.
#
#   scripts/studies/baselines.sh [--out DIR] [--format pdf|png|svg]
#
# Three panels, each run with `sharpsim compare` (SHARP's weights resident,
# the paper's convention; the -p passes the other machines by):
#   (a) E-PUR (configs/baselines/epur-*.yaml) against SHARP at 1K..64K on
#       the paper's LSTMs (I = H, T = 25): mean latency speedup of SHARP and
#       both designs' mean utilization, per budget;
#   (b) BrainWave's NPU (configs/baselines/brainwave-s10.yaml) against SHARP
#       at 96K MACs and 250 MHz: latency per LSTM step against H;
#   (c) RNNAccel (configs/baselines/rnnaccel.yaml) against SHARP cut to the
#       same 32 MACs at 250 MHz, on RNNAccel's 10-frame keyword spotter:
#       frames per second and utilization.
# Writes DIR/baselines.csv (every compare row, the run writer's schema plus
# study and design columns) and DIR/baselines.FORMAT (matplotlib), and
# prints the table. Default DIR: build/studies/baselines.
set -euo pipefail
cd "$(dirname "$0")/../.."
BIN=${SHARPSIM:-build/sharpsim}
out=build/studies/baselines
fmt=pdf
while [ $# -gt 0 ]; do
  case "$1" in
    --out) out=$2; shift 2 ;;
    --format) fmt=$2; shift 2 ;;
    -h|--help) sed -n '2,20p' "$0"; exit 0 ;;
    *) echo "baselines: unknown argument '$1', expected --out DIR or --format pdf|png|svg" >&2; exit 2 ;;
  esac
done
case "$fmt" in pdf|png|svg) ;; *) echo "baselines: --format '$fmt', expected pdf, png or svg" >&2; exit 2 ;; esac
[ -x "$BIN" ] || { echo "baselines: $BIN not built (make)" >&2; exit 2; }
mkdir -p "$out"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
res=(-p memory.weights=resident)

for b in 1k 4k 16k 64k; do
  "$BIN" compare --hw configs/baselines/epur-$b.yaml --hw configs/sharp-$b.yaml --workload workloads/paper \
    "${res[@]}" --format csv --out "$tmp/epur_$b.csv" 2>/dev/null
done
for h in 64 128 256 400 512 1024 2048; do
  "$BIN" compare --hw configs/baselines/brainwave-s10.yaml --hw configs/sharp-96k.yaml \
    --workload workloads/paper/lstm_h256_t25.yaml -w hidden_size=$h -w input_size=$h "${res[@]}" \
    --format csv --out "$tmp/bw_$h.csv" 2>/dev/null
done
# SHARP at RNNAccel's 32 MACs and clock: one VS unit of K = 32.
"$BIN" compare --hw configs/baselines/rnnaccel.yaml --hw configs/sharp-1k.yaml \
  --workload workloads/networks/rnnaccel_kws.yaml "${res[@]}" -p compute.vs_units=1 -p clock_mhz=250 \
  --format csv --out "$tmp/rna.csv" 2>/dev/null

/usr/bin/python3 - "$tmp" "$out" "$fmt" <<'PY'
import csv, glob, os, sys

tmp, out, fmt = sys.argv[1:4]


def rows(path, study):
    with open(path) as f:
        for r in csv.DictReader(f):
            if r["row"] == "run":
                r["study"] = study
                yield r


allr = []
for b in ("1k", "4k", "16k", "64k"):
    allr += list(rows(os.path.join(tmp, "epur_%s.csv" % b), "epur-" + b))
for h in (64, 128, 256, 400, 512, 1024, 2048):
    allr += list(rows(os.path.join(tmp, "bw_%d.csv" % h), "brainwave-h%d" % h))
allr += list(rows(os.path.join(tmp, "rna.csv"), "rnnaccel-kws"))
cols = ["study"] + [c for c in allr[0] if c != "study"]
with open(os.path.join(out, "baselines.csv"), "w", newline="") as f:
    w = csv.DictWriter(f, fieldnames=cols)
    w.writeheader()
    w.writerows(allr)


def mean(xs):
    return sum(xs) / len(xs)


ep = {}
for r in allr:
    if r["study"].startswith("epur-"):
        ep.setdefault(r["study"][5:], {}).setdefault(r["scheduler"] == "epur", []).append(r)
budgets = ["1k", "4k", "16k", "64k"]
spd = [mean([float(r["speedup"]) for r in ep[b][False]]) for b in budgets]
u_sh = [100 * mean([float(r["utilization"]) for r in ep[b][False]]) for b in budgets]
u_ep = [100 * mean([float(r["utilization"]) for r in ep[b][True]]) for b in budgets]
hs = [64, 128, 256, 400, 512, 1024, 2048]
bw = {(r["study"], r["scheduler"] == "brainwave"): float(r["latency_us"]) / 25 for r in allr
      if r["study"].startswith("brainwave-")}
step_bw = [bw[("brainwave-h%d" % h, True)] for h in hs]
step_sh = [bw[("brainwave-h%d" % h, False)] for h in hs]
rna = {r["scheduler"] == "rnnaccel": r for r in allr if r["study"] == "rnnaccel-kws"}
fps = {k: 10 / (float(v["latency_us"]) * 1e-6) / 1000 for k, v in rna.items()}

print("(a) E-PUR against SHARP, the paper's LSTMs (mean over H = 256..2048)")
print("  %-6s %14s %12s %12s" % ("budget", "SHARP speedup", "SHARP util", "E-PUR util"))
for b, s, a, e in zip(budgets, spd, u_sh, u_ep):
    print("  %-6s %13.2fx %11.1f%% %11.1f%%" % (b.upper(), s, a, e))
print("(b) BrainWave against SHARP 96K, microseconds per LSTM step")
print("  " + "  ".join("H=%d" % h for h in hs))
print("  BrainWave " + " ".join("%.3f" % x for x in step_bw))
print("  SHARP     " + " ".join("%.3f" % x for x in step_sh))
print("(c) RNNAccel against SHARP at 32 MACs, 250 MHz, KWS 10 frames: %.1fK against %.1fK frames/s; "
      "utilization %.1f %% against %.1f %%" % (fps[True], fps[False], 100 * float(rna[True]["utilization"]),
                                             100 * float(rna[False]["utilization"])))

import matplotlib
matplotlib.use("Agg")
import matplotlib.pyplot as plt

fig, ax = plt.subplots(1, 3, figsize=(13, 3.8))
x = range(len(budgets))
ax[0].bar([i - 0.2 for i in x], u_sh, 0.4, label="SHARP")
ax[0].bar([i + 0.2 for i in x], u_ep, 0.4, label="E-PUR")
ax[0].set_xticks(list(x), [b.upper() for b in budgets])
ax[0].set_ylabel("mean MAC utilization (%)")
ax[0].set_title("(a) E-PUR: SHARP %s" % " / ".join("%.1fx" % s for s in spd), fontsize=9)
ax[0].legend(fontsize=8)
ax[1].plot(hs, step_bw, "o-", color="C1", label="BrainWave (S10, 96,000 MACs)")
ax[1].plot(hs, step_sh, "s-", color="C0", label="SHARP 96K")
ax[1].axvline(400, color="grey", lw=0.8, ls=":")
ax[1].set_xscale("log", base=2)
ax[1].set_xlabel("H (= I)")
ax[1].set_ylabel("µs per LSTM step (250 MHz)")
ax[1].set_title("(b) BrainWave: flat to its native dimension 400", fontsize=9)
ax[1].legend(fontsize=8)
ax[2].bar([0, 1], [fps[True], fps[False]], color=["C1", "C0"])
ax[2].set_xticks([0, 1], ["RNNAccel", "SHARP, 32 MACs"])
ax[2].set_ylabel("KWS frames per second (thousands)")
ax[2].set_title("(c) RNNAccel's keyword spotter, 32 MACs at 250 MHz", fontsize=9)
fig.tight_layout()
path = os.path.join(out, "baselines." + fmt)
fig.savefig(path)
print("baselines: wrote %s and %s" % (os.path.join(out, "baselines.csv"), path))
PY
