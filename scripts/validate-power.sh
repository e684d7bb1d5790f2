#!/usr/bin/env bash
# validate-power: the energy model against the published 32 nm SHARP design.
#
#   scripts/validate-power.sh [--tech configs/tech/X.yaml] [--runs DIR] [--no-run] [--fit]
#
# For each budget (1K, 4K, 16K, 64K MACs) it runs every DeepBench LSTM
# inference shape (I = H, weights resident, warm start) through
#   build/sharpsim run --hw configs/sharp-<B>.yaml --workload <shape>
#                      -p memory.weights=resident --tech <tech> --format json
# and prints, model against paper, with relative errors:
#   - area and area shares per class (energy_area needs no run, but the run
#     report carries it),
#   - average power (mean over the shapes of each run's average power) and
#     the power breakdown per class, with the paper's qualitative claims,
#   - the calibration: the factors a fit on 1K and 64K gives (area: least
#     squares on relative error per class, SRAM excepted; power: the compute
#     energy scale, least squares on the relative power error at 1K and 64K;
#     the SRAM class is CACTI's as it is and keeps its table factors), the
#     4K/16K prediction errors those factors give, and whether the table
#     holds them.
# --no-run analyses the JSON files already in the runs directory
# (<budget>-<workload>.json, each with an "energy" object).
# --fit writes the fitted factors into the technology table (only the
# numbers of its energy_scale / area_scale lines change); run again to check.
# Writes DIR/../power-breakdown.dat and area-breakdown.dat for
# scripts/plot-power.sh. Exits 1 when a headline target is missed (total
# area 10 %, average power 25 %, the qualitative breakdown) or the table no
# longer holds the fitted factors; area shares outside 10 % are listed.
set -euo pipefail

tech=configs/tech/sharp-32nm.yaml
out=build/validate-power
runs=""
do_run=1
do_fit=0
while [ $# -gt 0 ]; do
  case "$1" in
    --tech) tech=$2; shift 2 ;;
    --runs) runs=$2; shift 2 ;;
    --no-run) do_run=0; shift ;;
    --fit) do_fit=1; shift ;;
    -h|--help) sed -n '2,25p' "$0"; exit 0 ;;
    *) echo "validate-power: unknown argument '$1'" >&2; exit 2 ;;
  esac
done
runs=${runs:-$out/runs}
sim=${SHARPSIM:-build/sharpsim}
budgets="1k 4k 16k 64k"

if [ "$do_run" = 1 ]; then
  [ -x "$sim" ] || { echo "validate-power: $sim not built (make)" >&2; exit 1; }
  wdir=workloads/deepbench
  if ! ls "$wdir"/lstm_*.yaml >/dev/null 2>&1; then
    wdir=$out/workloads
    bash scripts/gen-deepbench-workloads.sh data/deepbench/deepbench_rnn_shapes.csv "$wdir"
  fi
  mkdir -p "$runs"
  rm -f "$runs"/*.json
  # The simulator's notes (e.g. "weights do not fit ... run as resident
  # anyway" for H = 2048) go to a log, not the terminal.
  log=$(dirname "$runs")/sim-stderr.log
  : > "$log"
  for b in $budgets; do
    for w in "$wdir"/lstm_*.yaml; do
      n=$(basename "$w" .yaml)
      "$sim" run --hw "configs/sharp-$b.yaml" --workload "$w" -p memory.weights=resident \
        --tech "$tech" --format json > "$runs/$b-$n.json" 2>> "$log" ||
        { echo "validate-power: run failed: $b $n" >&2; tail -n 5 "$log" >&2; exit 1; }
    done
  done
fi

python3 - "$runs" "$(dirname "$runs")" "$tech" "$do_fit" <<'EOF'
import glob, json, os, sys

import re
runs, outdir, tech_path, do_fit = sys.argv[1], sys.argv[2], sys.argv[3], sys.argv[4] == "1"
B = ["1k", "4k", "16k", "64k"]
FIT, PRED = ["1k", "64k"], ["4k", "16k"]
CL = ["compute", "sram", "act", "ctrl", "dram"]
ONCHIP = ["compute", "sram", "act", "ctrl"]
# Paper (docs/hardware.md section 2): area mm^2, area shares %, average power W.
P_AREA = {"1k": 101.1, "4k": 133.3, "16k": 227.6, "64k": 591.9}
P_SHARE = {  # controller share includes the reconfiguration logic
    "compute": [7.4, 22.4, 52.6, 80.9], "sram": [86.2, 72.7, 44.3, 17.6],
    "act": [6.3, 4.7, 2.8, 1.08], "ctrl": [0.09 + 0.08, 0.1 + 0.06, 0.3 + 0.04, 0.4 + 0.02]}
P_POWER = {"1k": 8.11, "4k": 11.36, "16k": 22.13, "64k": 47.7}

def rel(m, p):
    return (m - p) / p

data = {}
for b in B:
    recs = []
    for fn in sorted(glob.glob(os.path.join(runs, b + "-*.json"))):
        with open(fn) as f:
            j = json.load(f)
        if "energy" not in j:
            sys.exit("validate-power: %s has no 'energy' object" % fn)
        recs.append(j["energy"])
    if not recs:
        sys.exit("validate-power: no runs for %s in %s" % (b, runs))
    data[b] = recs

def mean(xs):
    return sum(xs) / len(xs)

# Per budget: area (same for every shape), mean power per class, split into
# dynamic and leakage, and the factors that priced them.
S = {}
for b in B:
    e = data[b]
    c0 = e[0]["classes"]
    s = {"n": len(e), "area": e[0]["area_mm2"], "power": mean([r["avg_power_w"] for r in e])}
    for c in CL:
        s["a_" + c] = c0[c]["area_mm2"]
        s["p_" + c] = mean([r["classes"][c]["power_w"] for r in e])
        s["dyn_" + c] = mean([r["classes"][c]["dynamic_uj"] * 1e-6 / r["seconds"] for r in e])
        s["leak_" + c] = mean([r["classes"][c]["leakage_uj"] * 1e-6 / r["seconds"] for r in e])
        s["es_" + c] = c0[c]["energy_scale"]
        s["as_" + c] = c0[c]["area_scale"]
    S[b] = s

fails, notes = [], []
print("== area (mm^2): model vs paper; 1K and 64K fitted, 4K and 16K predicted")
print("%-5s %9s %9s %8s   %s" % ("MACs", "model", "paper", "error", "shares model/paper % (compute sram act ctrl)"))
for i, b in enumerate(B):
    s = S[b]
    err = rel(s["area"], P_AREA[b])
    shares = " ".join("%5.2f/%-5.2f" % (100 * s["a_" + c] / s["area"], P_SHARE[c][i]) for c in ONCHIP)
    print("%-5s %9.1f %9.1f %+7.1f%%   %s" % (b.upper(), s["area"], P_AREA[b], 100 * err, shares))
    if abs(err) > 0.10:
        fails.append("area %s off by %+.1f%% (target 10%%)" % (b, 100 * err))
print("share errors (relative, %):")
for c in ONCHIP:
    errs = [rel(100 * S[b]["a_" + c] / S[b]["area"], P_SHARE[c][i]) for i, b in enumerate(B)]
    print("  %-8s %s" % (c, "  ".join("%5s %+6.1f" % (b.upper(), 100 * x) for b, x in zip(B, errs))))
    for b, x in zip(B, errs):
        if abs(x) > 0.10:
            notes.append("area share of %s at %s off by %+.1f%% (target 10%%)" % (c, b, 100 * x))

print()
print("== average power (W), mean over %s DeepBench LSTM shapes per budget" % S["1k"]["n"])
print("%-5s %8s %8s %8s   %s" % ("MACs", "model", "paper", "error", "class power W (share %)"))
for b in B:
    s = S[b]
    err = rel(s["power"], P_POWER[b])
    cls = "  ".join("%s %.3g (%.1f%%)" % (c, s["p_" + c], 100 * s["p_" + c] / s["power"]) for c in CL)
    print("%-5s %8.2f %8.2f %+7.1f%%   %s" % (b.upper(), s["power"], P_POWER[b], 100 * err, cls))
    if abs(err) > 0.25:
        fails.append("power %s off by %+.1f%% (target 25%%)" % (b, 100 * err))

def top(b):
    return max(CL, key=lambda c: S[b]["p_" + c])
print("qualitative (paper section 6):")
checks = [
    ("SRAM is the largest consumer at 1K", top("1k") == "sram"),
    ("SRAM is the largest consumer at 4K", top("4k") == "sram"),
    ("compute is the largest consumer at 16K", top("16k") == "compute"),
    ("compute is the largest consumer at 64K", top("64k") == "compute"),
    ("compute share grows with the budget",
     all(S[B[i]]["p_compute"] / S[B[i]]["power"] < S[B[i + 1]]["p_compute"] / S[B[i + 1]]["power"] for i in range(3))),
    ("controller (with reconfiguration) under 1 % at every budget",
     all(S[b]["p_ctrl"] / S[b]["power"] < 0.01 for b in B)),
]
for name, ok in checks:
    print("  %-4s %s" % ("ok" if ok else "MISS", name))
    if not ok:
        fails.append(name)
# The paper also says main-memory power grows with the MACs; with resident
# weights and a warm start the cycle model reads (almost) nothing from DRAM,
# so only its background power is left: reported, not a target.
dram_grows = all(S[B[i]]["p_dram"] < S[B[i + 1]]["p_dram"] for i in range(3))
print("  %-4s %s" % ("ok" if dram_grows else "note", "main-memory power grows with the MACs (not a target here)"))

# Calibration from 1K and 64K only. Area: per class but SRAM, s minimising
# the squared relative error of the class area over the two budgets. Power:
# with the new area factors (leakage follows area), the compute energy scale
# x minimising the squared relative power error at 1K and 64K (one unknown,
# two points: they are not matched exactly). SRAM energy, leakage and area
# are CACTI's (configs/tech: sram.banks) and keep their table factors, as do
# act, ctrl and dram.
print()
print("== calibration: fit on 1K and 64K")
FIT_AREA = ["compute", "act", "ctrl"]
new_as = {"sram": S["1k"]["as_sram"]}
for c in FIT_AREA:
    r = []
    for b in FIT:
        i = B.index(b)
        raw = S[b]["a_" + c] / S[b]["as_" + c]
        r.append(raw / (P_SHARE[c][i] / 100 * P_AREA[b]))
    new_as[c] = sum(r) / sum(x * x for x in r)

def power_with(b, es, asc):
    s = S[b]
    tot = 0.0
    for c in CL:
        e = es.get(c, s["es_" + c])
        a = asc.get(c, s["as_" + c]) if c in ONCHIP else 1.0
        aold = s["as_" + c] if c in ONCHIP else 1.0
        tot += s["dyn_" + c] * e / s["es_" + c] + s["leak_" + c] * (a / aold if aold else 0)
    return tot

def area_with(b, asc):
    return sum(S[b]["a_" + c] * asc[c] / S[b]["as_" + c] for c in ONCHIP)

# Linear in x = compute scale: P_b = a_b x + rest_b; least squares on
# P_b / paper_b - 1 over the fit points.
num = den = 0.0
for b in FIT:
    s = S[b]
    a = s["dyn_compute"] / s["es_compute"] / P_POWER[b]
    rest = power_with(b, {"compute": 0.0}, new_as) / P_POWER[b]
    num += a * (1 - rest)
    den += a * a
new_es = {"compute": num / den}
for c in ONCHIP:
    es_txt = "%.4g" % new_es[c] if c in new_es else "(kept)"
    as_txt = "%.4g" % new_as[c] if c in FIT_AREA else "(kept: CACTI)"
    print("  %-8s area_scale fit %s (table %.4g)   energy_scale fit %s (table %.4g)" %
          (c, as_txt, S["1k"]["as_" + c], es_txt, S["1k"]["es_" + c]))
stale = any(abs(new_as[c] / S["1k"]["as_" + c] - 1) > 0.005 for c in ONCHIP) or \
        any(abs(new_es[c] / S["1k"]["es_" + c] - 1) > 0.005 for c in new_es)
print("  the table %s the fitted factors" % ("does NOT hold" if stale else "holds"))
print("  with the fitted factors:")
for b in B:
    tag = "fit " if b in FIT else "pred"
    pa, pp = area_with(b, new_as), power_with(b, new_es, new_as)
    print("    %s %-4s area %7.1f mm^2 (%+5.1f%%)  power %6.2f W (%+5.1f%%)" %
          (tag, b.upper(), pa, 100 * rel(pa, P_AREA[b]), pp, 100 * rel(pp, P_POWER[b])))
# Not applied: what a fit of the SRAM energy scale too (two unknowns, 1K and
# 64K matched exactly, as before CACTI) would need, so a reader can see how
# far CACTI's SRAM is from what the paper's power implies.
rows2 = []
for b in FIT:
    s = S[b]
    a = s["dyn_compute"] / s["es_compute"]
    c = s["dyn_sram"] / s["es_sram"]
    rows2.append((a, c, P_POWER[b] - power_with(b, {"compute": 0.0, "sram": 0.0}, new_as)))
(a1, c1, r1), (a2, c2, r2) = rows2
det = a1 * c2 - a2 * c1
alt = {"compute": (r1 * c2 - r2 * c1) / det, "sram": (a1 * r2 - a2 * r1) / det}
print("  not applied: fitting the SRAM energy scale too would need compute %.4g, sram %.4g;" %
      (alt["compute"], alt["sram"]))
print("    its predictions: " + ", ".join("%s %+.1f%%" % (b.upper(), 100 * rel(power_with(b, alt, new_as), P_POWER[b]))
                                        for b in PRED))
if stale and do_fit:
    with open(tech_path) as f:
        text = f.read()
    def put(text, section, key, value):
        m = re.search(r"(?ms)^%s:\n.*?(?=^\S|\Z)" % section, text)
        block = re.sub(r"(?m)^(  %s:\s*)[-+0-9.eE]+" % key, lambda mm: mm.group(1) + ("%.4g" % value), m.group(0), count=1)
        return text[:m.start()] + block + text[m.end():]
    for c in FIT_AREA:
        text = put(text, c, "area_scale", new_as[c])
    for c in new_es:
        text = put(text, c, "energy_scale", new_es[c])
    with open(tech_path, "w") as f:
        f.write(text)
    print("  wrote the fitted factors into %s: run again to check" % tech_path)
elif stale:
    fails.append("the technology table does not hold the factors fitted on 1K and 64K")

with open(os.path.join(outdir, "power-breakdown.dat"), "w") as f:
    f.write("# budget compute sram act ctrl dram model_total paper_total (W, mean over shapes)\n")
    for b in B:
        s = S[b]
        f.write("%s %s %.6g %.6g\n" % (b.upper(), " ".join("%.6g" % s["p_" + c] for c in CL), s["power"], P_POWER[b]))
with open(os.path.join(outdir, "area-breakdown.dat"), "w") as f:
    f.write("# budget compute sram act ctrl model_total paper_total (mm^2)\n")
    for b in B:
        s = S[b]
        f.write("%s %s %.6g %.6g\n" % (b.upper(), " ".join("%.6g" % s["a_" + c] for c in ONCHIP), s["area"], P_AREA[b]))

print()
if notes:
    print("validate-power: %d area share(s) outside 10%% (reported, not failing; docs/energy.md says why):" % len(notes))
    for x in notes:
        print("  - " + x)
if fails:
    print("validate-power: %d target(s) missed:" % len(fails))
    for x in fails:
        print("  - " + x)
    sys.exit(1)
print("validate-power: every published target met")
EOF
