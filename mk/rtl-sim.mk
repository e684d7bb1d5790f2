# mk/rtl-sim.mk - build/sharpsim-rtl: sharpsim with the Verilated RTL compute
# unit in the loop (`run --rtl`) or beside the C model (`run --cosim`).
# See docs/rtl.md, "sharpsim-rtl".
#
#   make rtl-sim        build/sharpsim-rtl for RTL_SIM_N x RTL_SIM_K
#   make rtl-sim-test   whole LSTM and GRU runs: C, --rtl and --cosim give the
#                       same cycles, counters and errors; mutants are caught
#
# One fixed shape per build (the RTL's parameters are Verilator parameters),
# each in its own directory build/rtl-sim/cu_N<n>_K<k>_M<m>_A<a>_C<accs>
# (plus _ext<sum> for RTL_DIR outside rtl/), so another shape is another
# build; build/sharpsim-rtl is a copy of the last one asked for.
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
RTL_DIR      ?= rtl
RTL_SIM_FILES := fp16_mul.sv fp32_add.sv fix_mul.sv vs_array.sv reduce_tree.sv acc_bank.sv cu_top.sv
RTL_SIM_SRCS := $(addprefix $(RTL_DIR)/,$(RTL_SIM_FILES))
RTL_SIM_EXT  := $(filter-out $(abspath rtl),$(abspath $(RTL_DIR)))
RTL_SIM_KEY  := N$(RTL_SIM_N)_K$(RTL_SIM_K)_M$(RTL_SIM_M)_A$(RTL_SIM_A)_C$(RTL_SIM_ACCS)$(if $(RTL_SIM_EXT),_ext$(shell printf '%s' '$(RTL_SIM_EXT)' | cksum | cut -d' ' -f1),)
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
	$(Q)bash cosim/vbuild.sh $1/build.log "verilating $(notdir $(patsubst %/,%,$1))/sharpsim-rtl" -- \
		verilator $(RTL_SIM_VL) --Mdir $(abspath $1) -o sharpsim-rtl \
		-GN=$(RTL_SIM_N) -GK=$(RTL_SIM_K) -GM=$(RTL_SIM_M) -GA=$(RTL_SIM_A) -GACCS=$(RTL_SIM_ACCS) \
		-I$(abspath $2) $(addprefix $(abspath $2)/,$(RTL_SIM_FILES)) $(abspath $(RTL_SIM_CPP)) \
		$(abspath $(RTL_SIM_CLI)) $(abspath $(LIB)) \
		-CFLAGS "-std=gnu++17 $(RTL_SIM_DEFS) -I$(abspath sim) -I$(abspath cosim)" \
		-LDFLAGS "$(LDLIBS)" -MAKEFLAGS "OPT_FAST=-O2 OPT_GLOBAL=-O2 OPT_SLOW=-O0"
endef

RTL_SIM_COMMON := $(RTL_SIM_CPP) cosim/vl_ports.h $(RTL_SIM_CLI) $(LIB) mk/rtl-sim.mk
RTL_SIM_DEPS := $(RTL_SIM_SRCS) $(RTL_DIR)/cu_pkg.svh $(RTL_DIR)/arith.svh $(RTL_SIM_COMMON)
RTL_SIM_CU   := $(RTL_SIM_DIR)/cu_$(RTL_SIM_KEY)/sharpsim-rtl

$(RTL_SIM_CU): $(RTL_SIM_DEPS)
	$(call rtl_sim_build,$(dir $@),$(RTL_DIR))

# A copy of the build of the shape asked for, replaced whenever it differs
# (a shape built earlier is older than the copy, so a date check would keep
# the wrong shape).
.PHONY: rtl-sim-copy
$(RTL_SIM_BIN): $(RTL_SIM_CU) rtl-sim-copy
	$(Q)cmp -s $< $@ || cp $< $@

# Mutants are copies of rtl/ with one bug put in (rtl/mutants).
$(RTL_SIM_DIR)/mut_%_$(RTL_SIM_KEY)/sharpsim-rtl: $(addprefix rtl/,$(RTL_SIM_FILES)) rtl/cu_pkg.svh rtl/arith.svh \
		$(RTL_SIM_COMMON) rtl/mutants/apply.sh rtl/mutants/%.sed
	$(Q)bash rtl/mutants/apply.sh $* rtl $(dir $@)rtl
	$(call rtl_sim_build,$(dir $@),$(dir $@)rtl)

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
	-p compute.accumulators=$(RTL_SIM_ACCS) -p memory.weights=resident --functional --reference --format json
# Cases NAME:WORKLOAD[:OVERRIDES, commas for spaces]. `acc_full` starves the
# accumulators' exit (one MFU unit, FIFOs of one entry) so that every
# accumulator is held and a block's pop and a new block's first tile meet
# in one cycle: the case a late-freed accumulator gets wrong.
RTL_SIM_CASES := lstm_tiny:workloads/examples/lstm_tiny.yaml gru_lbr:workloads/examples/gru_lbr.yaml \
	acc_full:workloads/examples/lstm_tiny.yaml:-p,mfu.units=1,-p,fifo_depth=1
# Mutants NAME:CASE that the test must catch, in --cosim (a divergence line)
# and, when the bug changes timing, in --rtl (cycles or counters differ
# from the C model's).
RTL_SIM_MUTANTS := round-bit:lstm_tiny slot-late:acc_full
RTL_SIM_MUT_BIN  = $(RTL_SIM_DIR)/mut_$1_$(RTL_SIM_KEY)/sharpsim-rtl

# Shell text: with $$c set to a case, sets n (name), wl, x (overrides).
RTL_SIM_CASE = n=$${c%%:*}; r=$${c\#*:}; wl=$${r%%:*}; x=; case $$r in *:*) x=$$(echo $${r\#*:} | tr , ' ');; esac

rtl-sim-test: $(BIN) $(RTL_SIM_BIN) $(foreach m,$(RTL_SIM_MUTANTS),$(call RTL_SIM_MUT_BIN,$(firstword $(subst :, ,$(m)))))
	$(Q)d=$(RTL_SIM_DIR)/test; mkdir -p $$d; \
	for c in $(RTL_SIM_CASES); do $(RTL_SIM_CASE); \
		$(BIN) run --workload $$wl $(RTL_SIM_P) $$x --no-fast-forward --out $$d/$$n.c.json || exit 1; \
		$(RTL_SIM_BIN) run --workload $$wl $(RTL_SIM_P) $$x --rtl --out $$d/$$n.rtl.json || exit 1; \
		s=$$(date +%s%N); \
		$(RTL_SIM_BIN) run --workload $$wl $(RTL_SIM_P) $$x --cosim --out $$d/$$n.cosim.json || exit 1; \
		e=$$(date +%s%N); \
		python3 -c "$$RTL_SIM_COMPARE" $$n $$(( (e - s) / 1000000 )) $$d/$$n.c.json $$d/$$n.rtl.json \
			$$d/$$n.cosim.json || exit 1; \
	done
	$(Q)d=$(RTL_SIM_DIR)/test; cp $$d/lstm_tiny.rtl.json $$d/broken.json; \
	sed -i '0,/"tree.adds": [0-9]*/s//"tree.adds": 1/' $$d/broken.json; \
	if python3 -c "$$RTL_SIM_COMPARE" broken 1 $$d/lstm_tiny.c.json $$d/broken.json > $$d/broken.log; then \
		echo "rtl-sim-test: the comparison missed a changed counter"; exit 1; fi; \
	echo "rtl-sim-test: the comparison rejects a changed counter (expected): $$(cat $$d/broken.log)"
	$(Q)d=$(RTL_SIM_DIR)/test; for mc in $(RTL_SIM_MUTANTS); do mu=$${mc%%:*}; \
		for c in $(RTL_SIM_CASES); do case $$c in $${mc#*:}:*) $(RTL_SIM_CASE);; esac; done; \
		m=$(RTL_SIM_DIR)/mut_$${mu}_$(RTL_SIM_KEY)/sharpsim-rtl; \
		if $$m run --workload $$wl $(RTL_SIM_P) $$x --cosim --out $$d/mut-$$mu.json 2> $$d/mut-$$mu.log; then \
			echo "rtl-sim-test: mutant $$mu was NOT caught by --cosim"; exit 1; fi; \
		grep -q "cosim divergence at cycle" $$d/mut-$$mu.log || { cat $$d/mut-$$mu.log; exit 1; }; \
		grep -q 'timescale 1ns' build/cosim-divergence.vcd || { echo "rtl-sim-test: the VCD window is not in ns"; exit 1; }; \
		echo "rtl-sim-test: mutant $$mu caught by --cosim (expected divergence): $$(cut -c1-300 $$d/mut-$$mu.log)"; \
		$$m run --workload $$wl $(RTL_SIM_P) $$x --rtl --out $$d/mut-$$mu.rtl.json || exit 1; \
		if python3 -c "$$RTL_SIM_COMPARE" $$mu 1 $$d/$$n.c.json $$d/mut-$$mu.rtl.json > $$d/mut-$$mu.cmp; then \
			echo "rtl-sim-test: mutant $$mu in the loop (--rtl): same timing as the C model"; \
		else echo "rtl-sim-test: mutant $$mu in the loop (--rtl) differs from C (expected): $$(cat $$d/mut-$$mu.cmp)"; fi; \
	done
	$(Q)grep -q 'differs' $(RTL_SIM_DIR)/test/mut-slot-late.cmp || \
		{ echo "rtl-sim-test: --rtl missed the late-freed accumulator's timing"; exit 1; }

TEST_TARGETS += rtl-sim-test
