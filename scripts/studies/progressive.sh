#!/usr/bin/env bash
# Progressive (anytime) LSTM inference on SHARP (docs/progressive.md §5,
# issue 15): quality of result against time, and the speedup at three QoR
# levels, for SHARP at 1K and 16K MACs; then the case study's shape
# (R = 64, C = 8320) on the same presets and on the FPGA-like one.
#
# Part A, the shipped trained model (workloads/models/sines_lstm: R = 64,
# C = 72, T = 32, the 256 test sequences as 16 batches of 16). The QoR of
# each (NZ, steps) is `sharpsim decompose`'s (mean KL of the classifier's
# softmax against the exact model, argmax agreement, on all 256 test
# sequences); the time is `sharpsim run`'s for the layer with approx:
# svd_prune at that (NZ, steps), B = 16, weights resident. The time of a
# QoR level is the fastest (NZ, steps) whose KL stays at or below the
# level from that step count on (the first such count per NZ).
# Part B, the case study's shape: latency per time step against (NZ,
# steps); its trained spectrum is not available, so no QoR is attached.
#   scripts/studies/progressive.sh [BIN] [OUT_DIR]
# OUT_DIR (default build/studies/progressive) keeps the decompositions,
# progressive.dat and, with gnuplot, progressive.png (KL against time).
set -euo pipefail
cd "$(dirname "$0")/../.."
BIN=${1:-build/sharpsim}
OUT=${2:-build/studies/progressive}
PY=/usr/bin/python3
M=workloads/models/sines_lstm
[ -x "$BIN" ] || make -s "$BIN"
mkdir -p "$OUT"

NZS="18 36 72"
for nz in $NZS; do
	[ -s "$OUT/nz$nz/summary.json" ] ||
		"$BIN" decompose --workload $M/sines_lstm.yaml --nz "$nz" --steps 64 --eval-every 1 --out "$OUT/nz$nz" \
			--head $M/head --inputs $M/test/x.npy --labels $M/test/labels.npy >/dev/null
done

"$PY" - "$BIN" "$OUT" "$NZS" <<'PY'
import json, subprocess, sys
bin_, out, nzs = sys.argv[1], sys.argv[2], [int(n) for n in sys.argv[3].split()]
M = "workloads/models/sines_lstm/sines_lstm.yaml"
CASE = "workloads/progressive/case.yaml"
cache = {}

def run(hw, wl, nz=None, steps=None):
    key = (hw, wl, nz, steps)
    if key not in cache:
        a = [bin_, "run", "--hw", hw, "--workload", wl, "--no-energy", "--format", "json"]
        if nz:
            a += ["-w", "approx=svd_prune", "-w", "approx_nz=%d" % nz, "-w", "approx_steps=%d" % steps]
        d = json.loads(subprocess.run(a, check=True, capture_output=True, text=True).stdout)
        L = d["layers"][0]
        cache[key] = (d["latency_us"] / L["timesteps"], d["utilization"], L["weight_bytes"])
        roof[key] = (d["peak_gflops"], d["wbuf_peak_gbps"])
    return cache[key]
roof = {}

kl = {}
for nz in nzs:
    s = json.load(open("%s/nz%d/summary.json" % (out, nz)))
    kl[nz] = [(r["steps"], r["mean_kl"], r["argmax_agreement"]) for r in s["progressive"]]

def first_at(nz, level):
    """The first step count from which the mean KL stays <= level."""
    rows = kl[nz]
    for i, (n, k, _) in enumerate(rows):
        if all(r[1] <= level for r in rows[i:]):
            return n
    return None

LEVELS = (0.1, 0.01, 0.001)
PRESETS = (("1K", "configs/sharp-1k.yaml"), ("16K", "configs/sharp-16k.yaml"))
CURVE = (1, 2, 4, 8, 12, 16, 24, 32, 48, 64)
with open(out + "/progressive.dat", "w") as dat:
    print("A. sines_lstm (R = 64, C = 72, T = 32, B = 16), weights resident; time per time step of the batch")
    for name, hw in PRESETS:
        dense, du, _ = run(hw, M)
        with open(out + "/dense_" + name + ".txt", "w") as f:
            f.write("%.6f\n" % dense)
        print("\n%s MACs: dense %.3f us a step (utilization %.3f)" % (name, dense, du))
        print("  %-4s %5s %10s %8s %12s %9s %8s" % ("NZ", "steps", "us/step", "vs dense", "mean KL", "argmax", "util"))
        for nz in nzs:
            dat.write("# %s NZ %d: steps us_per_step mean_kl argmax\n" % (name, nz))
            for n in CURVE:
                t, u, _ = run(hw, M, nz, n)
                _, k, ag = kl[nz][n - 1]
                print("  %-4d %5d %10.3f %7.2fx %12.3g %9.4f %8.3f" % (nz, n, t, dense / t, k, ag, u))
                dat.write("%d %.6f %.6g %.6f\n" % (n, t, max(k, 1e-12), ag))
            dat.write("\n\n")
        pts = sorted((run(hw, M, nz, n)[0], kl[nz][n - 1][1], nz, n) for nz in nzs for n in CURVE)
        front, best_kl = [], float("inf")
        for t, k, nz, n in pts:
            if k < best_kl:
                front.append("%.3f us KL %.3g (NZ %d, %d)" % (t, k, nz, n))
                best_kl = k
        print("  Pareto front, time against KL:\n    " + "\n    ".join(front))
        print("  speedup at a QoR level (fastest NZ, steps whose KL stays at or below it):")
        for lv in LEVELS:
            best = None
            for nz in nzs:
                n = first_at(nz, lv)
                if n is None:
                    continue
                t = run(hw, M, nz, n)[0]
                if best is None or t < best[0]:
                    best = (t, nz, n)
            if best:
                print("    KL <= %-6g NZ %-3d %2d steps %9.3f us/step  speedup %.3fx" % (lv, best[1], best[2], best[0], dense / best[0]))
            else:
                print("    KL <= %-6g not reached in 64 steps at NZ %s" % (lv, nzs))

    print("\nB. the case study's shape (R = 64, C = 8320, T = 100, B = 1); latency per time step, no QoR")
    for name, hw in PRESETS + (("FPGA", "configs/fpga-progressive.yaml"),):
        dense, du, db = run(hw, CASE)
        print("\n%s: dense %.3f us a step (%d weight bytes a step, utilization %.3f)" % (name, dense, db, du))
        print("  %-5s %5s %10s %9s %12s" % ("NZ", "steps", "us/step", "vs dense", "bytes/step"))
        for nz in (83, 832, 4160, 8320):
            for n in (1, 10, 100):
                t, u, b = run(hw, CASE, nz, n)
                print("  %-5d %5d %10.3f %8.2fx %12d" % (nz, n, t, dense / t, b))

    # A roofline view: operations per byte of weights against the machine's
    # balance. The bandwidth is the one the weights come through: DRAM on
    # the FPGA-like preset (streamed), the weight buffer's port on SHARP
    # (resident; wbuf_peak_gbps). Operations: 2RC per gate dense, N(2R +
    # 2NZ + 1) progressive (the paper's count), four gates.
    print("\nC. roofline of the case study's shape: ops per weight byte, attainable and achieved GOP/s")
    R, C = 64, 8320
    for name, hw in PRESETS + (("FPGA", "configs/fpga-progressive.yaml"),):
        run(hw, CASE)
        peak, bw = roof[(hw, CASE, None, None)]
        if name == "FPGA":
            bw = 4.0
        print("\n%s: peak %.1f GOP/s, weight bandwidth %.1f GB/s, balance %.2f ops/byte" % (name, peak, bw, peak / bw))
        print("  %-12s %10s %12s %12s %9s" % ("design", "ops/byte", "attainable", "achieved", "of roof"))
        for nz, n in ((None, None), (83, 1), (832, 1), (832, 10), (832, 100), (8320, 10)):
            t, _, b = run(hw, CASE, nz, n)
            ops = 4 * (2 * R * C if nz is None else n * (2 * R + 2 * nz + 1))
            ai = ops / b
            att = min(peak, ai * bw)
            ach = ops / (t * 1e3)  # GOP/s: ops per us / 1e3
            label = "dense" if nz is None else "%d x %d" % (nz, n)
            print("  %-12s %10.3f %12.2f %12.2f %8.1f%%" % (label, ai, att, ach, 100 * ach / att))
PY

if command -v gnuplot >/dev/null; then
	d1=$(cat "$OUT/dense_1K.txt")
	d16=$(cat "$OUT/dense_16K.txt")
	gnuplot <<GP
set terminal pngcairo size 1200,500 font 'DejaVu Sans,11'
set output '$OUT/progressive.png'
set multiplot layout 1,2 title "progressive LSTM on SHARP (sines_lstm: R = 64, C = 72, B = 16): mean KL against time per step" noenhanced
set logscale y
set format y "10^{%L}"
set grid
set xlabel "us per time step (batch of 16)"
set ylabel "mean KL(exact || approximate softmax)"
set title "1K MACs (dashed: the dense layer)"
set arrow 1 from $d1, graph 0 to $d1, graph 1 nohead dt 2
plot for [i=0:2] '$OUT/progressive.dat' index i using 2:3 with linespoints pt 7 ps 0.6 title "NZ ".word("$NZS", i+1)
set title "16K MACs (dashed: the dense layer)"
set arrow 1 from $d16, graph 0 to $d16, graph 1 nohead dt 2
plot for [i=3:5] '$OUT/progressive.dat' index i using 2:3 with linespoints pt 7 ps 0.6 title "NZ ".word("$NZS", i-2)
unset multiplot
GP
	echo "figure: $OUT/progressive.png"
fi
