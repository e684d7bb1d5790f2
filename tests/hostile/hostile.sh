#!/usr/bin/env bash
# Hostile and broken input (#11): each case below failed, hung or clobbered
# something before; each must now be refused with one line on stderr and
# exit status 2 (or, for outputs, behave as stated), within a memory bound.
#
#   limits   a 10 MB deeply nested file, a 10^6-key file, a deeply nested
#            file under the byte cap, 10^5 keys with a duplicate at the end,
#            /dev/zero and /dev/urandom as every kind of input, a 10^7-point
#            sweep spec: refused under `ulimit -v` (100 MB of address space)
#   outputs  --out onto a character device (a null device made with mknod
#            in the scratch directory, never the system's) and a FIFO writes
#            through them (both stay what they were); onto a directory is
#            refused; a failing --out (a full device) leaves no --trace and
#            no temporary file; SIGINT,
#            SIGTERM and SIGHUP leave no temporary file; two runs sharing
#            --out both finish with a whole file
#   values   .inf, quoted numbers, an empty config, an empty section,
#            strict seeds, escaped control characters, located run-time
#            errors, missing and non-finite .npy weights, a DRAM bandwidth
#            below the model's resolution, a JSON report of an overflowing
#            run (null and a flag, never inf)
#   onnx     truncated, garbage, empty, device, directory and oversized
#            .onnx files, huge declared dimensions, short data, a missing
#            initializer, 100-deep nesting, a million empty nodes
#   sweeps   a missing tech: table is found before any point runs,
#            --resume refuses another spec's directory, a corrupt record in
#            the middle of a journal is reported as corruption
#
# The times of the limit cases are measured by scripts/bench-limits.sh,
# not asserted here. SHARPSIM_BIN selects the binary (the ASan build runs
# this too, without the address-space limit, which ASan cannot run under).
set -uo pipefail
cd "$(dirname "$0")/../.."
BIN=${SHARPSIM_BIN:-build/sharpsim}
PY=${PYTHON:-/usr/bin/python3}
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
pass=0 fail=0
ok() { pass=$((pass + 1)); }
bad() { fail=$((fail + 1)); echo "hostile: FAIL: $*"; }
case "$BIN" in *asan*) VLIMIT=unlimited ;; *) VLIMIT=102400 ;; esac
HW=configs/sharp-1k.yaml
WL=workloads/examples/lstm_tiny.yaml

# refused NAME PATTERN CMD...: exit 2, one line on stderr matching PATTERN
# (extended regex), nothing on stdout; run under the address-space limit
# and, so that a regression fails instead of hanging, a time limit.
refused() {
  local name=$1 pattern=$2
  shift 2
  (ulimit -v "$VLIMIT"; timeout 120 "$@") >"$T/stdout" 2>"$T/stderr"
  local rc=$? lines
  lines=$(wc -l <"$T/stderr")
  if [ "$rc" -ne 2 ]; then bad "$name: exit $rc, expected 2: $(head -c 300 "$T/stderr")"
  elif [ "$lines" -ne 1 ]; then bad "$name: $lines lines on stderr, expected 1"
  elif [ -s "$T/stdout" ]; then bad "$name: output on stdout"
  elif ! grep -Eq -- "$pattern" "$T/stderr"; then bad "$name: '$(cat "$T/stderr")' does not match /$pattern/"
  else ok; fi
}

# ---------------------------------------------------------------- limits
$PY - "$T" <<'PYEOF'
import sys
t = sys.argv[1]
open(t + "/deep10m.yaml", "w").write("a: " + "[" * (10 << 20) + "\n")
open(t + "/deep1m.yaml", "w").write("a: " + "[" * ((1 << 20) - 100) + "\n")
open(t + "/keys1m.yaml", "w").write("".join("k%d: 1\n" % i for i in range(10**6)))
open(t + "/keys100k.yaml", "w").write("".join("k%d: 1\n" % i for i in range(10**5)) + "k0: 2\n")
ten = lambda f: "[" + ", ".join(f(v) for v in range(1, 11)) + "]"
axes = {"clock_mhz": ten(lambda v: str(100 * v)), "memory.dram_latency": ten(str),
        "memory.dram_gbps": ten(str), "name": ten(lambda v: "n%d" % v)}
wl_axes = {"timesteps": ten(str), "batch_size": ten(str), "hidden_size": ten(lambda v: str(8 * v))}
open(t + "/huge_spec.yaml", "w").write(
    "hw: [configs/sharp-1k.yaml]\nworkloads: [workloads/examples/lstm_tiny.yaml]\nenergy: false\nparams:\n" +
    "".join("  %s: %s\n" % kv for kv in axes.items()) + "workload_params:\n" +
    "".join("  %s: %s\n" % kv for kv in wl_axes.items()))
PYEOF
refused "10 MB deep nesting" "deep10m.yaml: larger than 1048576 bytes" "$BIN" run --hw "$T/deep10m.yaml"
refused "deep nesting under the cap" "deep1m.yaml:1:6[0-9]: a sequence nested more than 64 levels" \
  "$BIN" run --hw "$T/deep1m.yaml"
refused "10^6 keys" "keys1m.yaml: larger than" "$BIN" run --hw "$T/keys1m.yaml"
refused "10^5 keys, a duplicate last" "keys100k.yaml:100001:1: duplicate key 'k0' \(first at line 1\)" \
  "$BIN" run --hw "$T/keys100k.yaml"
refused "/dev/zero as hw" "/dev/zero: larger than" "$BIN" run --hw /dev/zero
refused "/dev/urandom as hw" "/dev/urandom: larger than" "$BIN" run --hw /dev/urandom
refused "/dev/zero as workload" "/dev/zero: larger than" "$BIN" run --hw $HW --workload /dev/zero
refused "/dev/zero as tech" "/dev/zero: larger than" "$BIN" run --hw $HW --workload $WL --tech /dev/zero
refused "/dev/zero as tile table" "/dev/zero: larger than 4194304" \
  "$BIN" run --hw $HW --workload $WL -p compute.tile=auto -p compute.tile_table=/dev/zero --no-energy
refused "/dev/zero as sweep spec" "/dev/zero: larger than" "$BIN" sweep /dev/zero --out "$T/sw0"
refused "10^7-point spec" "huge_spec.yaml:1:1: the spec expands to more than 100000 points \(1 hw x 1 workloads x 1 schedulers( x 10){7}\)" \
  "$BIN" sweep "$T/huge_spec.yaml" --out "$T/sw1"
[ ! -e "$T/sw1/journal" ] && ok || bad "10^7-point spec: a results directory was started"

# ---------------------------------------------------------------- outputs
# Device nodes of our own (mknod needs root): a binary with the old
# temp-and-rename would replace the device it writes to, and that must never
# be the system's /dev/null or /dev/full.
if mknod -m 666 "$T/null" c 1 3 2>/dev/null && mknod -m 666 "$T/full" c 1 7 2>/dev/null; then
  if "$BIN" run --hw $HW --workload $WL --no-energy --out "$T/null" >/dev/null 2>&1 && [ -c "$T/null" ]; then ok
  else bad "--out a character device: failed, or it is no longer a character device"; fi
  mkdir "$T/fulltrace"
  "$BIN" run --hw $HW --workload $WL --no-energy --out "$T/full" --trace "$T/fulltrace/t.json" >/dev/null 2>"$T/stderr"
  rc=$?
  if [ "$rc" -ne 0 ] && [ -c "$T/full" ] && [ -z "$(ls -A "$T/fulltrace")" ] && [ "$(wc -l <"$T/stderr")" -eq 1 ]; then ok
  else bad "--out a full device: exit $rc, left: $(ls -A "$T/fulltrace" | tr '\n' ' ')"; fi
else
  echo "hostile: not root, the character-device cases are skipped"
fi
mkfifo "$T/fifo"
timeout 60 cat "$T/fifo" >"$T/fifo.got" &
reader=$!  # a binary that renames over the FIFO never opens it: the timeout ends the wait
"$BIN" run --hw $HW --workload $WL --no-energy --format json --out "$T/fifo" 2>"$T/stderr"
rc=$?
wait $reader
if [ "$rc" -eq 0 ] && [ -p "$T/fifo" ] && grep -q '"cycles"' "$T/fifo.got"; then ok
else bad "--out FIFO: exit $rc, FIFO kept: $([ -p "$T/fifo" ] && echo yes || echo no), $(wc -c <"$T/fifo.got") bytes read"; fi
mkdir "$T/adir"
refused "--out a directory" "adir: is a directory, expected a file path" \
  "$BIN" run --hw $HW --workload $WL --no-energy --out "$T/adir"
# A long run (about 40 s of simulation), interrupted at half a second.
# env --default-signal: a background job of a script starts with SIGINT
# ignored, and a signal ignored on entry stays ignored.
LONG=(run --hw $HW --workload workloads/deepbench/gru_h2048_b1_t1500.yaml --no-fast-forward --no-energy)
for sig in INT TERM HUP; do
  mkdir "$T/sig$sig"
  env --default-signal=INT "$BIN" "${LONG[@]}" --out "$T/sig$sig/r.txt" >/dev/null 2>&1 &
  pid=$!
  for _ in $(seq 50); do [ -n "$(ls -A "$T/sig$sig")" ] && break; sleep 0.02; done
  sleep 0.3
  kill -s "$sig" $pid
  { wait $pid; rc=$?; } 2>/dev/null
  if [ "$rc" -gt 128 ] && [ -z "$(ls -A "$T/sig$sig")" ]; then ok
  else bad "SIG$sig: exit $rc, left: $(ls -A "$T/sig$sig" | tr '\n' ' ')"; fi
done
"$BIN" run --hw $HW --workload workloads/paper/lstm_h1024_t25.yaml --no-energy --format json --out "$T/shared.json" 2>/dev/null &
p1=$!
"$BIN" run --hw configs/sharp-4k.yaml --workload $WL --no-energy --format json --out "$T/shared.json" 2>/dev/null
r2=$?
wait $p1
r1=$?
if [ "$r1" -eq 0 ] && [ "$r2" -eq 0 ] && $PY -c 'import json,sys; json.load(open(sys.argv[1]))' "$T/shared.json" &&
   [ "$(ls "$T" | grep -c shared)" -eq 1 ]; then ok
else bad "two runs sharing --out: exits $r1 $r2, or the file is not whole JSON"; fi

# ---------------------------------------------------------------- values
printf 'clock_mhz: .inf\n' >"$T/inf.yaml"
refused ".inf" "inf.yaml:1:12: value '.inf' of clock_mhz is not a number, expected a finite decimal number above 0 and at most 100000" \
  "$BIN" run --hw "$T/inf.yaml"
printf 'compute:\n  vs_units: "128"\n' >"$T/quoted.yaml"
refused "quoted number" "quoted.yaml:2:13: value '128' of compute.vs_units is quoted" "$BIN" run --hw "$T/quoted.yaml"
: >"$T/empty.yaml"
refused "empty hardware config" "empty.yaml: empty hardware config" "$BIN" run --hw "$T/empty.yaml"
printf 'name: x\ncompute:\nclock_mhz: 400\n' >"$T/nosection.yaml"
refused "section without keys" "nosection.yaml:2:9: section compute has no keys" "$BIN" run --hw "$T/nosection.yaml"
refused "--seed 2^64" "option --seed '18446744073709551616': not a decimal integer" \
  "$BIN" run --functional --seed 18446744073709551616
refused "--seed ' -5'" "option --seed ' -5': not a decimal integer" "$BIN" run --functional --seed " -5"
refused "--seed +5" "option --seed '\+5'" "$BIN" run --functional --seed +5
if "$BIN" run --hw $HW --workload $WL --functional --no-energy --seed 18446744073709551615 >/dev/null 2>&1; then ok
else bad "--seed 2^64-1 refused"; fi
# Raw control characters are refused by libyaml itself; YAML's escapes
# (\e, \n in a double-quoted key) put them into a key, which a message quotes.
printf 'compute:\n  "\\e[31mred\\nline": 1\n' >"$T/ctrl.yaml"
refused "control characters" "ctrl.yaml:2:3: unknown key '\\\\x1b\[31mred\\\\x0aline' in compute" "$BIN" run --hw "$T/ctrl.yaml"
if grep -q $'\033' "$T/stderr"; then bad "control characters: a raw ESC reached stderr"; else ok; fi
printf 'name: big\nlayers:\n  - {cell: lstm, input_size: 64, hidden_size: 64, timesteps: 2, batch_size: 64}\n' >"$T/acc.yaml"
refused "run-time error located" "acc.yaml:3:5: layer 1: compute.accumulators \(2\)" \
  "$BIN" run --hw $HW --workload "$T/acc.yaml" -p compute.accumulators=2 --no-energy
refused "tiny dram_gbps" "option -p 'memory.dram_gbps=1e-9': memory.dram_gbps 1e-09 is below the model's resolution" \
  "$BIN" run --hw $HW --workload $WL -p memory.dram_gbps=1e-9 --no-energy
mkdir "$T/w" "$T/wnan"
$PY - "$T" <<'PYEOF'
import sys, numpy as np
t = sys.argv[1]
for d in ("w", "wnan"):
    np.save(t + "/%s/W.npy" % d, np.full((2, 2), 0.5, dtype="<f4"))
    u = np.full((2, 2), 0.25, dtype="<f4")
    if d == "wnan":
        u[1, 0] = np.nan
    np.save(t + "/%s/U.npy" % d, u)
    np.save(t + "/%s/x.npy" % d, np.full((1, 1, 2), 0.5, dtype="<f4"))
np.save(t + "/w/b.npy", np.zeros(2, dtype="<f4"))
np.save(t + "/wnan/b.npy", np.zeros(2, dtype="<f4"))
PYEOF
rm "$T/w/b.npy"
for d in w wnan; do
  printf 'name: v\nlayers:\n  - {cell: vanilla, input_size: 2, hidden_size: 2, timesteps: 1, batch_size: 1, weights: %s}\n' \
    "$T/$d" >"$T/$d.yaml"
done
refused "missing .npy" "w/b.npy: cannot open: No such file or directory" \
  "$BIN" run --hw $HW --workload "$T/w.yaml" --functional --no-energy
refused "non-finite weight" "wnan/U.npy: element 2 at index \(1, 0\) is nan, expected finite values" \
  "$BIN" run --hw $HW --workload "$T/wnan.yaml" --functional --no-energy

# Finite weights the fp16 datapath overflows on: the error is not finite,
# and the JSON report must still parse (null, flagged), not say inf.
mkdir "$T/wbig"
$PY - "$T/wbig" <<'PYEOF'
import sys, numpy as np
d = sys.argv[1]
for n, shape in (("W", (2, 2)), ("U", (2, 2)), ("x", (1, 1, 2))):
    np.save("%s/%s.npy" % (d, n), np.full(shape, 3e38, dtype="<f4"))
np.save(d + "/b.npy", np.zeros(2, dtype="<f4"))
PYEOF
printf 'name: v\nlayers:\n  - {cell: vanilla, input_size: 2, hidden_size: 2, timesteps: 1, batch_size: 1, weights: %s}\n' \
  "$T/wbig" >"$T/wbig.yaml"
if "$BIN" run --hw $HW --workload "$T/wbig.yaml" --functional --reference --no-energy --format json >"$T/wbig.json" 2>/dev/null &&
   $PY -c 'import json,sys; e = json.load(open(sys.argv[1]))["error"]; sys.exit(not (e["non_finite"] and e["max_abs"] is None))' "$T/wbig.json"; then ok
else bad "overflowing weights: the JSON report does not parse, or does not flag the non-finite error"; fi

# A tile table whose document is a list (found by fuzzing): looking keys up
# in it read the list's items as keys and crashed.
printf -- '- {vs_units: 32}\n' >"$T/seqtiles.yaml"
refused "tile table that is a list" "seqtiles.yaml:1:1: the document is a sequence, expected a map of keys" \
  "$BIN" run --hw $HW --workload $WL -p compute.tile=auto -p compute.tile_table="$T/seqtiles.yaml" --no-energy

# ---------------------------------------------------------------- sweeps
cat >"$T/notech.yaml" <<YEOF
hw: [$PWD/$HW]
workloads: [$PWD/$WL]
tech: no/such/tech.yaml
YEOF
refused "missing tech:" "notech.yaml:3:7: technology table 'no/such/tech.yaml' not found" \
  "$BIN" sweep "$T/notech.yaml" --out "$T/sw2" --quiet
[ ! -e "$T/sw2" ] && ok || bad "missing tech: a results directory was started"
for n in 2 3; do
  cat >"$T/spec$n.yaml" <<YEOF
hw: [$PWD/$HW]
workloads: [$PWD/$WL]
workload_params:
  timesteps: [$n]
energy: false
YEOF
done
"$BIN" sweep "$T/spec2.yaml" --out "$T/sw3" --quiet -j 1 >/dev/null 2>&1 || bad "sweep spec2 failed"
refused "--resume with another spec" "sw3 holds a result \(config_hash [0-9a-f]{16}\) that is not a point of .*spec3.yaml" \
  "$BIN" sweep "$T/spec3.yaml" --out "$T/sw3" --resume --quiet
cat >"$T/spec4.yaml" <<YEOF
hw: [$PWD/$HW]
workloads: [$PWD/$WL]
workload_params:
  timesteps: [2, 3, 4]
energy: false
YEOF
"$BIN" sweep "$T/spec4.yaml" --out "$T/sw4" --quiet -j 1 >/dev/null 2>&1 || bad "sweep spec4 failed"
# Flip one payload byte of the second of three records.
$PY - "$T/sw4/journal" <<'PYEOF'
import sys
p = sys.argv[1]
b = bytearray(open(p, "rb").read())
first = b.index(b"\nR ") + 1
second = b.index(b"\nR ", first) + 1
b[second + 25] ^= 1
open(p, "wb").write(bytes(b))
print(second, file=open(p + ".offset", "w"))
PYEOF
refused "corrupt middle journal record" "sw4/journal: record at byte $(cat "$T/sw4/journal.offset") is corrupt .* records follow it" \
  "$BIN" sweep "$T/spec4.yaml" --out "$T/sw4" --resume --quiet

# ------------------------------------------------------------------ onnx
# Models written byte by byte here (no onnx package needed): a valid
# one-layer LSTM, then broken and hostile variants of it.
mkdir "$T/onnx"
$PY - "$T/onnx" <<'PYEOF'
import random, struct, sys
t = sys.argv[1]
def varint(n):
    out = bytearray()
    while True:
        b, n = n & 0x7F, n >> 7
        out.append(b | (0x80 if n else 0))
        if not n:
            return bytes(out)
def fld(num, payload):  # int: varint field; bytes: length-delimited
    if isinstance(payload, int):
        return varint(num << 3) + varint(payload)
    return varint(num << 3 | 2) + varint(len(payload)) + payload
def txt(num, s):
    return fld(num, s.encode())
def tensor(name, dims, n_values):  # TensorProto: dims 1, data_type 2, name 8, raw_data 9
    return b"".join(fld(1, d) for d in dims) + fld(2, 1) + txt(8, name) + fld(9, struct.pack("<%df" % n_values, *[0.1] * n_values))
def vinfo(name, dims):  # ValueInfoProto name 1, type 2: TypeProto.tensor_type 1: elem_type 1, shape 2
    shape = b"".join(fld(1, fld(1, d)) for d in dims)
    return txt(1, name) + fld(2, fld(1, fld(1, 1) + fld(2, shape)))
def node(op, ins, outs, hidden=3):  # NodeProto input 1, output 2, op_type 4, attribute 5 (name 1, i 3, type 20)
    return b"".join(txt(1, i) for i in ins) + b"".join(txt(2, o) for o in outs) + txt(4, op) + \
        fld(5, txt(1, "hidden_size") + fld(3, hidden) + fld(20, 2))
def model(nodes, inits, xdims=(3, 1, 2)):  # GraphProto node 1, name 2, initializer 5, input 11, output 12
    g = b"".join(fld(1, n) for n in nodes) + txt(2, "g") + b"".join(fld(5, i) for i in inits) + \
        fld(11, vinfo("X", xdims)) + fld(12, vinfo("Y_h", (1, 1, 3)))
    return fld(1, 8) + fld(7, g) + fld(8, fld(2, 14))  # ir_version, graph, opset_import
def save(name, data):
    open("%s/%s.onnx" % (t, name), "wb").write(data)
lstm = node("LSTM", ["X", "W", "R"], ["Y", "Y_h"])
good = model([lstm], [tensor("W", (1, 12, 2), 24), tensor("R", (1, 12, 3), 36)])
save("good", good)
save("truncated", good[: len(good) // 2])
random.seed(11)
save("garbage", bytes(random.randrange(256) for _ in range(4096)))
save("empty", b"")
save("huge_hidden", model([node("LSTM", ["X", "W", "R"], ["Y", "Y_h"], hidden=1 << 40)],
                          [tensor("W", (1, 4 << 40, 2), 0), tensor("R", (1, 12, 3), 36)]))
save("short_data", model([lstm], [tensor("W", (1, 12, 2), 2), tensor("R", (1, 12, 3), 36)]))
save("huge_x", model([lstm], [tensor("W", (1, 12, 2), 24), tensor("R", (1, 12, 3), 36)], xdims=(10000000, 1024, 2)))
save("overflow_dims", model([node("LSTM", ["X", "W", "R", "B"], ["Y", "Y_h"])],
                            [tensor("W", (1, 12, 2), 24), tensor("R", (1, 12, 3), 36), tensor("B", (1 << 20, 1 << 20), 0)]))
save("missing_init", model([lstm], [tensor("W", (1, 12, 2), 24)]))
# within every limit by its shape (H = 16384, I = 4096), but no data: 2 GiB
# of W as doubles must not be allocated before the data is found missing
save("empty_w", model([node("LSTM", ["X", "W", "R"], ["Y", "Y_h"], hidden=16384)],
                      [tensor("W", (1, 65536, 4096), 0), tensor("R", (1, 12, 3), 36)], xdims=(3, 1, 4096)))
# If-style nesting: graph -> node -> attribute (g, field 6) -> graph ... 100 deep
g = txt(2, "leaf")
for _ in range(100):
    g = fld(1, fld(5, txt(1, "then_branch") + fld(6, g) + fld(20, 5)) + txt(4, "If"))
save("deep", fld(7, g))
# a million empty nodes: 2 MB that unpack to over 100 MB of structs
save("many_nodes", fld(7, b"\x0a\x00" * 1000000))
PYEOF
truncate -s 1100M "$T/onnx/big.onnx"
O=$T/onnx
refused "onnx: truncated" "truncated.onnx: truncated or malformed protobuf" "$BIN" import "$O/truncated.onnx" --out "$O/x"
refused "onnx: garbage" "garbage.onnx: (malformed|truncated or malformed) protobuf" "$BIN" import "$O/garbage.onnx" --out "$O/x"
refused "onnx: empty" "empty.onnx: empty file" "$BIN" import "$O/empty.onnx" --out "$O/x"
refused "onnx: /dev/zero" "/dev/zero: not a regular file, expected an ONNX protobuf file" "$BIN" import /dev/zero --out "$O/x"
refused "onnx: a directory" "onnx: not a regular file" "$BIN" import "$O" --out "$O/x"
refused "onnx: over 1 GiB" "big.onnx: larger than 1073741824 bytes" "$BIN" import "$O/big.onnx" --out "$O/x"
refused "onnx: hidden 2^40" "huge_hidden.onnx: node 1 \(LSTM ''\): hidden 1099511627776, input 2, expected at most 65536" \
  "$BIN" import "$O/huge_hidden.onnx" --out "$O/x"
refused "onnx: short raw_data" "short_data.onnx: node 1 \(LSTM ''\): W 'W': 8 bytes of raw_data for shape \(1, 12, 2\), expected 24 values" \
  "$BIN" import "$O/short_data.onnx" --out "$O/x"
refused "onnx: huge declared X" "huge_x.onnx: node 1 \(LSTM ''\): X of \(10000000, 1024, 2\) is over 1073741824 bytes" \
  "$BIN" import "$O/huge_x.onnx" --out "$O/x"
refused "onnx: 2^40 elements" "overflow_dims.onnx: node 1 \(LSTM ''\): B 'B': dimension 1 is 1048576, expected 0 to a total under" \
  "$BIN" import "$O/overflow_dims.onnx" --out "$O/x"
refused "onnx: missing initializer" "missing_init.onnx: node 1 \(LSTM ''\): R 'R' has no value, expected an initializer" \
  "$BIN" import "$O/missing_init.onnx" --out "$O/x"
refused "onnx: 2^28 weights declared, none given" "empty_w.onnx: node 1 \(LSTM ''\): W 'W': 0 bytes of raw_data for shape \(1, 65536, 4096\), expected 268435456 values" \
  "$BIN" import "$O/empty_w.onnx" --out "$O/x"
refused "onnx: nesting" "deep.onnx: messages nested deeper than 32 levels" "$BIN" import "$O/deep.onnx" --out "$O/x"
refused "onnx: 10^6 empty nodes" "many_nodes.onnx: unpacking needs more than [0-9]+ bytes" \
  "$BIN" import "$O/many_nodes.onnx" --out "$O/x"
[ ! -e "$O/x" ] && ok || bad "onnx: a refused import wrote its --out directory"
if "$BIN" import "$O/good.onnx" --out "$O/good" >/dev/null 2>&1 &&
   "$BIN" run --hw $HW --workload "$O/good/workload.yaml" --functional --no-energy >/dev/null 2>&1; then ok
else bad "onnx: the unbroken model does not import and run"; fi

echo "hostile: $pass passed, $fail failed"
[ "$fail" -eq 0 ]
