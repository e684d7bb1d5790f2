#!/usr/bin/env bash
# cacti-table: the SRAM bank table of configs/tech/sharp-32nm.yaml from CACTI 7.
#
#   scripts/cacti-table.sh --cfg                 (re)write data/cacti/cfg/*.cfg
#   scripts/cacti-table.sh CACTI_BINARY [--write]
#   scripts/cacti-table.sh --no-run [--write]
#
# --cfg writes one CACTI config per bank of the grid below from
# data/cacti/template.cfg (32 nm, scratchpad "ram", one bank, LSTP cells
# with HP periphery; data/cacti/README.md says why).
# With a CACTI binary it runs every data/cacti/cfg/*.cfg (from the binary's
# directory: CACTI reads its tech_params/ relative to the working directory)
# into data/cacti/out/*.out; --no-run reuses the outputs already there.
# It then prints the table rows
#   - [bytes, port_bits, read_pj, write_pj, leakage_mw, area_mm2]
# taken from each output's "Total dynamic read/write energy per access",
# "Total leakage power of a bank" + "Total gate leakage power of a bank"
# and "Data array: Area"; --write replaces the rows between the
# "BEGIN cacti rows" and "END cacti rows" lines of the technology table.
set -euo pipefail
cd "$(dirname "$0")/.."
dir=data/cacti
tech=configs/tech/sharp-32nm.yaml

# The grid: every power-of-two port from 16 to 8192 bits against every
# power-of-two capacity from 256 B to 4 MiB, plus the weight-buffer banks
# of the 1K..64K presets (26 MiB / N at N = 32..2048, 512-bit rows), which
# are not powers of two. CACTI refuses some shapes (too few rows for the
# port); those configs are not written.
grid() {
  for p in 16 32 64 128 256 512 1024 2048 4096 8192; do
    for e in $(seq 8 22); do
      b=$((1 << e))
      # at least 32 rows of the port: CACTI 7 finds no organisation
      # for 16 rows or fewer
      [ $((b * 8 / p)) -ge 32 ] && echo "$b $p"
    done
  done
  for n in 32 128 512 2048; do echo "$((27262976 / n)) 512"; done
}

if [ "${1:-}" = "--cfg" ]; then
  mkdir -p "$dir/cfg"
  rm -f "$dir"/cfg/*.cfg
  grid | while read -r b p; do
    sed -e "s/@BYTES@/$b/" -e "s/@PORT_BYTES@/$((p / 8))/" -e "s/@PORT_BITS@/$p/" \
      "$dir/template.cfg" > "$dir/cfg/b${b}_p${p}.cfg"
  done
  echo "cacti-table: wrote $(ls "$dir"/cfg/*.cfg | wc -l) configs in $dir/cfg"
  exit 0
fi

[ $# -ge 1 ] || { sed -n '2,19p' "$0"; exit 2; }
write=0
bin=""
for a in "$@"; do
  case "$a" in
    --write) write=1 ;;
    --no-run) bin="" ;;
    -*) echo "cacti-table: unknown argument '$a'" >&2; exit 2 ;;
    *) bin=$a ;;
  esac
done

if [ -n "$bin" ]; then
  [ -x "$bin" ] || { echo "cacti-table: '$bin' is not an executable" >&2; exit 2; }
  bindir=$(cd "$(dirname "$bin")" && pwd)
  top=$(pwd)
  mkdir -p "$dir/out"
  for c in "$dir"/cfg/*.cfg; do
    n=$(basename "$c" .cfg)
    (cd "$bindir" && "./$(basename "$bin")" -infile "$top/$c") > "$dir/out/$n.out" 2>&1 ||
      echo "cacti-table: CACTI failed on $n (kept $dir/out/$n.out)" >&2
  done
fi

rows=$(/usr/bin/python3 - "$dir" <<'PY'
import glob, os, re, sys
d = sys.argv[1]
def num(text, label):
    m = re.search(r"^\s*" + re.escape(label) + r"[^:]*:\s*([-0-9.eE+]+)", text, re.M)
    return float(m.group(1)) if m else None
rows = []
for cfg in glob.glob(os.path.join(d, "cfg", "*.cfg")):
    n = os.path.basename(cfg)[:-4]
    b, p = (int(x[1:]) for x in n.split("_"))
    out = os.path.join(d, "out", n + ".out")
    if not os.path.exists(out):
        continue
    t = open(out).read()
    vals = [num(t, "Total dynamic read energy per access (nJ)"),
            num(t, "Total dynamic write energy per access (nJ)"),
            num(t, "Total leakage power of a bank (mW)"),
            num(t, "Total gate leakage power of a bank (mW)"),
            num(t, "Data array: Area (mm2)")]
    if None in vals:
        sys.stderr.write("cacti-table: no result in %s (CACTI found no organisation), skipped\n" % out)
        continue
    r, w, l, g, a = vals
    rows.append((p, b, r * 1e3, w * 1e3, l + g, a))
for p, b, r, w, l, a in sorted(rows):
    print("    - [%d, %d, %.5g, %.5g, %.5g, %.5g]" % (b, p, r, w, l, a))
PY
)
if [ "$write" = 1 ]; then
  /usr/bin/python3 - "$tech" "$rows" <<'PY'
import sys
path, rows = sys.argv[1], sys.argv[2]
lines = open(path).read().split("\n")
b = next(i for i, l in enumerate(lines) if "BEGIN cacti rows" in l)
e = next(i for i, l in enumerate(lines) if "END cacti rows" in l)
open(path, "w").write("\n".join(lines[:b + 1] + rows.split("\n") + lines[e:]))
PY
  echo "cacti-table: wrote $(echo "$rows" | wc -l) rows into $tech"
else
  echo "$rows"
fi
