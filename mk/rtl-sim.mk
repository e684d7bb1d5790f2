# mk/rtl-sim.mk - build/sharpsim-rtl: sharpsim with the Verilated RTL compute
# unit in the loop (`run --rtl`) or beside the C model (`run --cosim`).
# See docs/rtl.md, "sharpsim-rtl".
#
#   make rtl-sim        build/sharpsim-rtl for RTL_SIM_N x RTL_SIM_K
#   make rtl-sim-test   whole LSTM and GRU runs: C, --rtl and --cosim give the
#                       same cycles, counters and errors; a mutant is caught
#
# One fixed shape per build (the RTL's parameters are Verilator parameters).
# ACCS = 6 is what `compute.accumulators: auto` resolves to for N = 8,
# M = A = 1 and batch 1 (M + ceil(log2 N) + A + 1, sim/core/resolve.c); a run
# with another shape is refused with the make line of the right build.

RTL_SIM_N    ?= 8
RTL_SIM_K    ?= 8
RTL_SIM_M    ?= 1
RTL_SIM_A    ?= 1
RTL_SIM_ACCS ?= 6
RTL_SIM_DIR  := $(BUILD)/rtl-sim
RTL_SIM_BIN  := $(BUILD)/sharpsim-rtl
RTL_SIM_CPP  := cosim/rtl_backend.cpp cosim/sharpsim_rtl_main.cpp
# Every CLI object but the plain build's main(): cosim/sharpsim_rtl_main.cpp
# supplies main() with the RTL compute unit in the hooks.
RTL_SIM_CLI  := $(filter-out $(BUILD)/obj/sim/cli/sharpsim_main.o,$(CLI_OBJS))
RTL_SIM_DEFS := -DRTL_N=$(RTL_SIM_N) -DRTL_K=$(RTL_SIM_K) -DRTL_M=$(RTL_SIM_M) -DRTL_A=$(RTL_SIM_A) \
	-DRTL_ACCS=$(RTL_SIM_ACCS)
RTL_SIM_SRCS := $(addprefix rtl/,fp16_mul.sv fp32_add.sv fix_mul.sv vs_array.sv reduce_tree.sv \
	acc_bank.sv cu_top.sv)
# The divergence window restores a checkpoint (--savable) and traces a
# replay (--trace); the main model traces only with --vcd.
RTL_SIM_VL   := --cc --exe --build -j 2 -O3 --trace --savable --top-module cu_top

# rtl_sim_build(mdir, rtl dir): verilates the RTL of `rtl dir` with the
# backend and the CLI into mdir/sharpsim-rtl (absolute paths: Verilator's
# makefile runs in mdir). The old binary goes first so a new library relinks.
define rtl_sim_build
	@mkdir -p $1
	@[ "$(V)" = 1 ] || echo "  VERILATE $1/sharpsim-rtl (N=$(RTL_SIM_N) K=$(RTL_SIM_K) ACCS=$(RTL_SIM_ACCS))"
	$(Q)rm -f $1/sharpsim-rtl
	$(Q)verilator $(RTL_SIM_VL) --Mdir $(abspath $1) -o sharpsim-rtl \
		-GN=$(RTL_SIM_N) -GK=$(RTL_SIM_K) -GM=$(RTL_SIM_M) -GA=$(RTL_SIM_A) -GACCS=$(RTL_SIM_ACCS) \
		-I$(abspath $2) $(addprefix $(abspath $2)/,$(notdir $(RTL_SIM_SRCS))) $(abspath $(RTL_SIM_CPP)) \
		$(abspath $(RTL_SIM_CLI)) $(abspath $(LIB)) \
		-CFLAGS "-std=gnu++17 $(RTL_SIM_DEFS) -I$(abspath sim) -I$(abspath cosim)" \
		-LDFLAGS "$(LDLIBS)" -MAKEFLAGS "OPT_FAST=-O2 OPT_GLOBAL=-O2 OPT_SLOW=-O0" > $1/build.log 2>&1 \
		|| { tail -40 $1/build.log; exit 1; }
endef

RTL_SIM_DEPS := $(RTL_SIM_SRCS) rtl/cu_pkg.svh rtl/arith.svh $(RTL_SIM_CPP) $(RTL_SIM_CLI) $(LIB) mk/rtl-sim.mk

$(RTL_SIM_DIR)/cu/sharpsim-rtl: $(RTL_SIM_DEPS)
	$(call rtl_sim_build,$(RTL_SIM_DIR)/cu,rtl)

$(RTL_SIM_BIN): $(RTL_SIM_DIR)/cu/sharpsim-rtl
	$(Q)cp $< $@

$(RTL_SIM_DIR)/mut_%/sharpsim-rtl: $(RTL_SIM_DEPS) rtl/mutants/apply.sh rtl/mutants/%.sed
	$(Q)bash rtl/mutants/apply.sh $* rtl $(RTL_SIM_DIR)/mut_$*/rtl
	$(call rtl_sim_build,$(RTL_SIM_DIR)/mut_$*,$(RTL_SIM_DIR)/mut_$*/rtl)

# RTL_SIM_COMPARE (python3 -c): argv = label, milliseconds of the --cosim
# run, then the C run's JSON and the runs that must agree with it: cycles,
# every counter but sim.* (host-side figures), stages, idle causes and the
# functional error figures (they come from the values computed).
define RTL_SIM_COMPARE
import json, sys
label, ms, ref, others = sys.argv[1], int(sys.argv[2]), sys.argv[3], sys.argv[4:]
def key(path):
    d = json.load(open(path))
    c = {k: v for k, v in d["counters"].items() if not k.startswith("sim.")}
    return {"cycles": d["cycles"], "counters": c, "stages": d["stages"], "idle_causes": d["idle_causes"], "error": d["error"]}
want = key(ref)
for o in others:
    got = key(o)
    for part in want:
        if got[part] != want[part]:
            diff = [k for k in want[part] if got[part].get(k) != want[part][k]] if isinstance(want[part], dict) else [part]
            print("%s: %s differs from %s in %s: %s" % (label, o, ref, part, ", ".join(map(str, diff[:8]))))
            sys.exit(1)
n = want["cycles"]
print("rtl-sim-test %s: C, --rtl and --cosim agree: %d cycles, %d counters, error max_abs %s; cosim %d ms (%.0f cycles/s)"
      % (label, n, len(want["counters"]), want["error"].get("max_abs"), ms, n / max(ms, 1) * 1000))
endef
export RTL_SIM_COMPARE

.PHONY: rtl-sim rtl-sim-test
rtl-sim: $(RTL_SIM_BIN)

# The runs: the shape of the build, weights resident, functional, stepped
# every cycle in all three (fast-forward is off with a backend in the loop).
RTL_SIM_P := -p compute.vs_units=$(RTL_SIM_N) -p compute.vs_width=$(RTL_SIM_K) \
	-p compute.mult_latency=$(RTL_SIM_M) -p compute.acc_latency=$(RTL_SIM_A) \
	-p compute.accumulators=$(RTL_SIM_ACCS) -p memory.weights=resident --functional --format json
RTL_SIM_WLS := workloads/examples/lstm_tiny.yaml workloads/examples/gru_lbr.yaml
RTL_SIM_MUTANT := round-bit

rtl-sim-test: $(BIN) $(RTL_SIM_BIN) $(RTL_SIM_DIR)/mut_$(RTL_SIM_MUTANT)/sharpsim-rtl
	$(Q)d=$(RTL_SIM_DIR)/test; mkdir -p $$d; \
	for wl in $(RTL_SIM_WLS); do n=$$(basename $$wl .yaml); \
		$(BIN) run --workload $$wl $(RTL_SIM_P) --no-fast-forward --out $$d/$$n.c.json || exit 1; \
		$(RTL_SIM_BIN) run --workload $$wl $(RTL_SIM_P) --rtl --out $$d/$$n.rtl.json || exit 1; \
		s=$$(date +%s%N); \
		$(RTL_SIM_BIN) run --workload $$wl $(RTL_SIM_P) --cosim --out $$d/$$n.cosim.json || exit 1; \
		e=$$(date +%s%N); \
		python3 -c "$$RTL_SIM_COMPARE" $$n $$(( (e - s) / 1000000 )) $$d/$$n.c.json $$d/$$n.rtl.json \
			$$d/$$n.cosim.json || exit 1; \
	done
	$(Q)d=$(RTL_SIM_DIR)/test; cp $$d/lstm_tiny.rtl.json $$d/broken.json; \
	sed -i '0,/"tree.adds": [0-9]*/s//"tree.adds": 1/' $$d/broken.json; \
	if python3 -c "$$RTL_SIM_COMPARE" broken 1 $$d/lstm_tiny.c.json $$d/broken.json > $$d/broken.log; then \
		echo "rtl-sim-test: the comparison missed a changed counter"; exit 1; fi; \
	echo "rtl-sim-test: the comparison rejects a changed counter: $$(cat $$d/broken.log)"
	$(Q)d=$(RTL_SIM_DIR)/test; m=$(RTL_SIM_DIR)/mut_$(RTL_SIM_MUTANT)/sharpsim-rtl; \
	if $$m run --workload workloads/examples/lstm_tiny.yaml $(RTL_SIM_P) --cosim --out $$d/mutant.json \
		2> $$d/mutant.log; then echo "rtl-sim-test: mutant $(RTL_SIM_MUTANT) was NOT caught by --cosim"; exit 1; fi; \
	grep -q "cosim divergence at cycle" $$d/mutant.log || { cat $$d/mutant.log; exit 1; }; \
	echo "rtl-sim-test: mutant $(RTL_SIM_MUTANT) caught: $$(head -c 400 $$d/mutant.log)"

TEST_TARGETS += rtl-sim-test
