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
# progressive.dat and, with gnuplot, progressive.png (KL against time),
# anytime.png (dense and progressive curves, part D), pareto.png and
# roofline.png (part C).
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
        with open("%s/pareto_%s.dat" % (out, name), "w") as pf:
            pf.write("# us_per_step mean_kl nz steps: the Pareto front (no point both faster and lower in KL)\n")
            for t, k, nz, n in pts:
                if k < best_kl:
                    front.append("%.3f us KL %.3g (NZ %d, %d)" % (t, k, nz, n))
                    pf.write("%.6f %.6g %d %d\n" % (t, max(k, 1e-12), nz, n))
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
    roofdat = open(out + "/roofline.dat", "w")
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
            roofdat.write("%.6g %.6g %s\n" % (ai, ach, label.replace(" ", "")))
        # gnuplot index per preset: the designs, then the roof's two corners
        roofdat.write("\n\n")
        with open("%s/roof_%s.txt" % (out, name), "w") as f:
            f.write("%.6g %.6g\n" % (peak, bw))
    roofdat.close()

    # D. Anytime curves on the same axes: the quality of h at the last time
    # step of the shipped model against the time since the previous step's
    # last sums left the accumulators (the same point of every step's
    # pipeline, before the MFU and cell update), from `run --functional`:
    # the dense layer's reading after each row block (--anytime, units not
    # yet final hold h_{T-2}; docs/progressive.md 5.8), and the progressive
    # layer's after each refinement (refine_at, rel_error: the run with k
    # refinements at every step; 5.7).
    print("\nD. anytime curves, sines_lstm last step: relative error of h against time since the previous step's sums")
    with open(out + "/anytime.dat", "w") as ad:
        for name, hw in PRESETS:
            a = [bin_, "run", "--hw", hw, "--workload", M, "--no-energy", "--format", "json", "--functional"]
            d = json.loads(subprocess.run(a + ["--anytime"], check=True, capture_output=True, text=True).stdout)
            mhz = d["cycles"] / d["latency_us"]
            at = d["layers"][0]["anytime"]
            left = at["left_at_cycles"]
            t0 = left[-2][-1]
            ad.write("# %s dense: us rel_error (per row block)\n" % name)
            for c, e in zip(left[-1], at["rel_error"][-1]):
                ad.write("%.6f %.6g\n" % ((c - t0) / mhz, max(e, 1e-6)))
            ad.write("\n\n")
            print("\n%s dense: %s" % (name, ", ".join("%.3f us %.3g" % ((c - t0) / mhz, e) for c, e in zip(left[-1], at["rel_error"][-1]))))
            # Block-major (the default order), then refinement-major, which
            # keeps the 4 row blocks x 16 sequences open over a step: 64
            # accumulator blocks (docs/progressive.md 5.2).
            for order, extra in (("block", []), ("refinement", ["-p", "compute.accumulators=64"])):
                for nz in (36, 72):
                    w = ["-w", "approx=svd_prune", "-w", "approx_nz=%d" % nz, "-w", "approx_steps=32",
                         "-w", "approx_order=" + order] + extra
                    d = json.loads(subprocess.run(a + w, check=True, capture_output=True, text=True).stdout)
                    p = d["layers"][0]["progressive"]
                    ra = p["refine_at_cycles"]
                    t0 = ra[-2][-1]
                    ad.write("# %s NZ %d, %s order: us rel_error (per refinement)\n" % (name, nz, order))
                    for c, e in zip(ra[-1], p["rel_error"]):
                        ad.write("%.6f %.6g\n" % ((c - t0) / mhz, e))
                    ad.write("\n\n")
                    print("%s NZ %d, %s order: k = 1, 8, 32 at %.3f, %.3f, %.3f us, rel error %.3g, %.3g, %.3g" % (
                        name, nz, order, (ra[-1][0] - t0) / mhz, (ra[-1][7] - t0) / mhz, (ra[-1][31] - t0) / mhz,
                        p["rel_error"][0], p["rel_error"][7], p["rel_error"][31]))
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
set output '$OUT/anytime.png'
set multiplot layout 1,2 title "anytime: relative error of h at the last step against time since the previous step's sums (sines_lstm, B = 16)" noenhanced
set xlabel "us since the previous step's last sums left the accumulators"
set ylabel "relative error of h (dense: 1e-6 stands for exact)"
set format y "10^{%L}"
unset arrow 1
set title "1K MACs"
plot '$OUT/anytime.dat' index 0 using 1:2 with steps lw 2 title "dense, per row block", \
     '' index 1 using 1:2 with linespoints pt 7 ps 0.5 title "NZ 36, block-major", \
     '' index 2 using 1:2 with linespoints pt 7 ps 0.5 title "NZ 72, block-major", \
     '' index 3 using 1:2 with linespoints pt 6 ps 0.5 title "NZ 36, refinement-major", \
     '' index 4 using 1:2 with linespoints pt 6 ps 0.5 title "NZ 72, refinement-major"
set title "16K MACs"
plot '$OUT/anytime.dat' index 5 using 1:2 with steps lw 2 title "dense, per row block", \
     '' index 6 using 1:2 with linespoints pt 7 ps 0.5 title "NZ 36, block-major", \
     '' index 7 using 1:2 with linespoints pt 7 ps 0.5 title "NZ 72, block-major", \
     '' index 8 using 1:2 with linespoints pt 6 ps 0.5 title "NZ 36, refinement-major", \
     '' index 9 using 1:2 with linespoints pt 6 ps 0.5 title "NZ 72, refinement-major"
unset multiplot
set output '$OUT/pareto.png'
set title "Pareto front: time per step against mean KL (sines_lstm, B = 16)" noenhanced
set xlabel "us per time step"
set ylabel "mean KL(exact || approximate softmax)"
set logscale x
plot '$OUT/pareto_1K.dat' using 1:2 with linespoints pt 7 title "SHARP 1K", \
     '$OUT/pareto_16K.dat' using 1:2 with linespoints pt 5 title "SHARP 16K", \
     '$OUT/pareto_1K.dat' using 1:2:(sprintf("%d x %d", \$3, \$4)) with labels offset 0,0.8 font ',8' notitle, \
     '$OUT/pareto_16K.dat' using 1:2:(sprintf("%d x %d", \$3, \$4)) with labels offset 0,-0.8 font ',8' notitle
GP
	# The roofline, one panel per preset: min(ai * bandwidth, peak) and the
	# designs' achieved GOP/s (numbers read from files the study wrote).
	roof="set terminal pngcairo size 1500,450 font 'DejaVu Sans,11'
set output '$OUT/roofline.png'
set multiplot layout 1,3 title \"roofline of the case study's shape (R = 64, C = 8320)\" noenhanced
set logscale xy
set grid
set key bottom right
set xlabel 'ops per weight byte'
set ylabel 'GOP/s'
set xrange [0.1:100]
"
	i=0
	for name in 1K 16K FPGA; do
		read -r peak bw <"$OUT/roof_$name.txt"
		roof+="set title '$name: peak $peak GOP/s, $bw GB/s' noenhanced
plot (x * $bw < $peak ? x * $bw : $peak) with lines lw 2 title 'roof', '$OUT/roofline.dat' index $i using 1:2 with points pt 7 title 'achieved', '' index $i using 1:2:3 with labels offset 0,1 font ',8' noenhanced notitle
"
		i=$((i + 1))
	done
	gnuplot <<<"$roof"
	echo "figures: $OUT/progressive.png $OUT/anytime.png $OUT/pareto.png $OUT/roofline.png"
fi
