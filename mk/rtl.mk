# mk/rtl.mk - the compute unit's RTL (rtl/) and the machinery that holds it to
# the C model (cosim/). See docs/rtl.md.
#
#   make lint-rtl              Verilator -Wall, Icarus -Wall and Yosys parse
#   make cosim-test            the reduced regression (part of make test)
#   make regress               12 shapes + 2 parameter variants x every config
#                              x both precisions,
#                              the arithmetic check and every mutant;
#                              JUnit XML in build/rtl/regress.xml
#   make rtl-coverage          line and toggle coverage of the RTL (8x8)
#   make synth N=8 K=8         Yosys cell counts per unit (build/rtl/synth_*)
#   make cosim-bench           co-simulated cycles per second, 8x8 and 32x32
#   make cosim-run N=8 K=8 ARGS="--tiles 1000 --prec fix16x8 +trace"
#                              one harness run (COSIM_TRACE=1 for VCD support)
#
# RTL_DIR=DIR regresses the RTL in DIR instead of rtl/ (same file names; a
# team's modified copy). Builds are keyed by the whole shape and, for RTL
# outside rtl/, by a checksum of DIR's path:
# build/rtl/cu_N<n>_K<k>_M<m>_A<a>_C<accs>[_ext<sum>][_trace|_cov]/. A build is
# reused until a source changes (a 32x32 build takes about a minute);
# mutants live under build/rtl/mut_<name>_N<n>_K<k>_M<m>_A<a>_C<accs>/.

RTL_BUILD  := $(BUILD)/rtl
RTL_DIR    ?= rtl
RTL_FILES  := fp16_mul.sv fp32_add.sv fix_mul.sv vs_array.sv reduce_tree.sv acc_bank.sv cu_top.sv
RTL_SRCS   := $(addprefix $(RTL_DIR)/,$(RTL_FILES))
RTL_INCS   := $(RTL_DIR)/cu_pkg.svh $(RTL_DIR)/arith.svh
COSIM_SRCS := cosim/cu_cosim.cpp cosim/oracle.cpp cosim/stimulus.cpp
COSIM_HDRS := cosim/oracle.h cosim/stimulus.h cosim/vl_ports.h
MUTANTS    := $(patsubst rtl/mutants/%.sed,%,$(wildcard rtl/mutants/*.sed))
# RTL outside rtl/: its builds carry the checksum of its absolute path, and
# the harness names it in the command that reproduces a divergence.
RTL_EXT    := $(filter-out $(abspath rtl),$(abspath $(RTL_DIR)))
RTL_TAG    := $(if $(RTL_EXT),_ext$(shell printf '%s' '$(RTL_EXT)' | cksum | cut -d' ' -f1),)
export COSIM_RTL_DIR := $(RTL_EXT)
# ... and names this directory (make -C), so that it works from anywhere.
export COSIM_MAKE_DIR := $(CURDIR)

# RTL parameters shared by every build (cu.h defaults; ACCS accumulators).
RTL_M    ?= 1
RTL_A    ?= 1
RTL_ACCS ?= 4
# The C model the harness links (override to try another build of it).
COSIM_LIBS  ?= $(abspath $(LIB))
# 1: cosim-run uses a build with --trace (directory suffix _trace) so that
# +trace can write a VCD window around a divergence.
COSIM_TRACE ?= 0
TRACE_SFX   := $(if $(filter 1,$(COSIM_TRACE)),_trace,)

# Verilator flags, one per line:
VL_FLAGS := --cc --exe --build
VL_FLAGS += -j 2                       # the machine's two cores, no more
VL_FLAGS += -O3                        # Verilator's own optimisations
VL_FLAGS += --top-module cu_top
# X as whatever is fastest: no X is ever read, the harnesses reset before
# they check. (--x-assign fast is Verilator's default, --x-initial fast only
# changes the model's construction: neither moved make cosim-bench.)
VL_FLAGS += --x-assign fast
VL_FLAGS += --x-initial fast
# No DFG pass: at 32x32 it rebuilds out_sums (acc_bank's per-row slices of
# the head slot) as a chain of 192 growing wide concatenations every cycle,
# 13 % of a co-simulated cycle's instructions. Without it: 668.9 M -> 546.7
# M instructions for 1000 tiles (callgrind), 4.9K -> 5.9K cycles/s of CPU
# (best of 5, interleaved), and a 32x32 build of 302 s (docs/rtl.md).
VL_FLAGS += -fno-dfg
# The generated makefile would compile with -Os; the _Slow files only run at
# construction, so they are compiled without optimisation (build time).
VL_MAKEFLAGS := -MAKEFLAGS "OPT_FAST=-O2 OPT_GLOBAL=-O2 OPT_SLOW=-O0"
VL_LDFLAGS   := -LDFLAGS "-lmpfr -lgmp"

# N, K (and optionally M, A, ACCS) from a stem such as N8_K32, N8_K8_M2_A3_C2
# or name_N12_K8; M, A, ACCS default to RTL_M, RTL_A, RTL_ACCS. Words that
# start with anything else (ext<sum>, a mutant's name) are ignored.
shape_word = $(patsubst $2%,%,$(filter $2%,$(subst _, ,$1)))
shape_n = $(call shape_word,$1,N)
shape_k = $(call shape_word,$1,K)
shape_m = $(or $(call shape_word,$1,M),$(RTL_M))
shape_a = $(or $(call shape_word,$1,A),$(RTL_A))
shape_c = $(or $(call shape_word,$1,C),$(RTL_ACCS))
# The whole shape of a stem, the key of its build directory.
shape_key = N$(call shape_n,$1)_K$(call shape_k,$1)_M$(call shape_m,$1)_A$(call shape_a,$1)_C$(call shape_c,$1)
# The harness of a shape (of RTL_DIR) and of a mutant (of rtl/).
cu_bin  = $(RTL_BUILD)/cu_$(call shape_key,$1)$(RTL_TAG)$2/cu_cosim
mut_bin = $(RTL_BUILD)/mut_$1_$(call shape_key,$2)/cu_cosim

# verilate_cosim(mdir, stem, rtl dir): builds mdir/cu_cosim, with --trace
# when mdir ends in _trace and --coverage when it ends in _cov. Paths are
# absolute because the generated makefile runs from --Mdir; the old binary is
# removed so that a rebuilt libsharpsim.a is always relinked.
define verilate_cosim
	@mkdir -p $1
	@[ "$(V)" = 1 ] || echo "  VERILATE $1"
	$(Q)rm -f $1/cu_cosim
	$(Q)bash cosim/vbuild.sh $1/build.log "verilating $(notdir $1)" -- \
		verilator $(VL_FLAGS) $(if $(filter %_trace,$1),--trace,) \
		$(if $(filter %_cov,$1),--coverage-line --coverage-toggle,) --Mdir $(abspath $1) -o cu_cosim \
		-GN=$(call shape_n,$2) -GK=$(call shape_k,$2) -GM=$(call shape_m,$2) -GA=$(call shape_a,$2) \
		-GACCS=$(call shape_c,$2) -I$(abspath $3) $(addprefix $(abspath $3)/,$(RTL_FILES)) \
		$(abspath $(COSIM_SRCS)) $(COSIM_LIBS) \
		-CFLAGS "-std=gnu++17 -DCU_N=$(call shape_n,$2) -DCU_K=$(call shape_k,$2) -DCU_M=$(call shape_m,$2) \
			-DCU_A=$(call shape_a,$2) -DCU_ACCS=$(call shape_c,$2) -I$(abspath sim) -I$(abspath cosim)" \
		$(VL_LDFLAGS) $(VL_MAKEFLAGS)
endef

.PHONY: lint-rtl arith-check cosim-test regress synth cosim-bench cosim-run \
	cosim-shapes-test icarus-test systemc-test mutant-test rtl-coverage

# ---------------------------------------------------------------- lint
LINT_SHAPES := N8_K8 N4_K8 N12_K8 N5_K8 N6_K8
lint-rtl:
	@[ "$(V)" = 1 ] || echo "  LINT    $(RTL_DIR) (verilator, iverilog, yosys)"
	$(Q)for s in $(LINT_SHAPES); do \
		n=$${s%%_*}; n=$${n#N}; k=$${s#*_K}; \
		verilator --lint-only -Wall --top-module cu_top -I$(RTL_DIR) -GN=$$n -GK=$$k $(RTL_SRCS) || exit 1; \
	done
	$(Q)verilator --lint-only -Wall --top-module cu_top -I$(RTL_DIR) -GN=16 -GK=8 -GM=3 -GA=2 -GACCS=1 $(RTL_SRCS)
	$(Q)verilator --lint-only -Wall --top-module arith_top -I$(RTL_DIR) cosim/arith_top.sv $(ARITH_RTL)
	$(Q)mkdir -p $(RTL_BUILD)/lint
	$(Q)for p in 8 12; do \
		iverilog -g2012 -Wall -I$(RTL_DIR) -s cu_top -Pcu_top.N=$$p -o $(RTL_BUILD)/lint/cu.vvp $(RTL_SRCS) \
			> $(RTL_BUILD)/lint/iverilog.log 2>&1; \
		if [ $$? -ne 0 ] || [ -s $(RTL_BUILD)/lint/iverilog.log ]; then cat $(RTL_BUILD)/lint/iverilog.log; exit 1; fi; \
	done
	$(Q)yosys -q -p 'read_verilog -sv -I$(RTL_DIR) $(RTL_SRCS); chparam -set N 12 -set K 2 cu_top; hierarchy -check -top cu_top; proc; check -assert' \
		> $(RTL_BUILD)/lint/yosys.log 2>&1 || { cat $(RTL_BUILD)/lint/yosys.log; exit 1; }

# ------------------------------------------------- arithmetic unit check
ARITH_RTL  := $(addprefix $(RTL_DIR)/,fp16_mul.sv fp32_add.sv fix_mul.sv)
ARITH_SRCS := cosim/arith_top.sv $(ARITH_RTL) cosim/arith_check.cpp
$(RTL_BUILD)/arith$(RTL_TAG)/arith_check: $(ARITH_SRCS) $(RTL_DIR)/arith.svh
	@mkdir -p $(dir $@)
	@[ "$(V)" = 1 ] || echo "  VERILATE $@"
	$(Q)bash cosim/vbuild.sh $(dir $@)build.log "verilating arith_check" -- \
		verilator --cc --exe --build -j 2 --top-module arith_top --Mdir $(abspath $(dir $@)) -o arith_check \
		-I$(abspath $(RTL_DIR)) $(abspath $(ARITH_SRCS)) $(VL_MAKEFLAGS)

arith-check: $(RTL_BUILD)/arith$(RTL_TAG)/arith_check
	$(Q)$< 1000000 1

# ---------------------------------------------------------- co-simulation
$(RTL_BUILD)/cu_%/cu_cosim: $(RTL_SRCS) $(RTL_INCS) $(COSIM_SRCS) $(COSIM_HDRS) $(LIB)
	$(call verilate_cosim,$(RTL_BUILD)/cu_$*,$*,$(RTL_DIR))

# Mutants: rtl/mutants/NAME.sed applied to a copy of rtl/ (the copy must
# differ from the original, so a sed that stops matching is an error).
# They show that the checks catch real bugs in this project's RTL, so they
# are built from rtl/ whatever RTL_DIR says.
RTL_OWN := $(addprefix rtl/,$(RTL_FILES)) rtl/cu_pkg.svh rtl/arith.svh
$(RTL_BUILD)/mut_%/cu_cosim: $(RTL_OWN) $(COSIM_SRCS) $(COSIM_HDRS) $(LIB) rtl/mutants/apply.sh $(wildcard rtl/mutants/*.sed)
	$(Q)bash rtl/mutants/apply.sh $(firstword $(subst _, ,$*)) rtl $(RTL_BUILD)/mut_$*/rtl
	$(call verilate_cosim,$(RTL_BUILD)/mut_$*,$*,$(RTL_BUILD)/mut_$*/rtl)

N ?= 8
K ?= 8
ARGS ?=
cosim-run: $(call cu_bin,N$(N)_K$(K),$(TRACE_SFX))
	$(Q)cd $(dir $<) && ./cu_cosim $(ARGS)

# Regression cases, one line each for cosim/run-cases.sh (name, pass or
# caught, command); `cases_shape` lists a shape's runs. A mutant's case sets
# COSIM_RTL_DIR so that its divergence names the mutated RTL in the command
# that reproduces it.
define cases_mutant
printf '%s\t%s\t%s\n' "mutant $1 $2" caught "export COSIM_RTL_DIR=$(abspath $(dir $(call mut_bin,$1,$2))rtl); \
	$(call mut_bin,$1,$2) --tiles $3 --prec fp16 --seed 5 --quiet && $(call mut_bin,$1,$2) --tiles $3 --prec fix16x8 --seed 5 --quiet"
endef

# The reduced regression: three shapes, every config they can form, both
# precisions; one Icarus replay; one mutant that must be caught; SystemC.
TEST_SHAPES := N4_K8 N8_K8 N8_K32
TEST_TILES  := 3000
TEST_MUTANT := round-bit_N4_K8
# The checks' shell text is kept in variables (COSIM_SHAPES_RUN, ICARUS_RUN,
# SYSTEMC_RUN) so that cosim-test and regress can run them one after the
# other without a recursive make and without stopping at the first failure.
COSIM_SHAPES_RUN = { for s in $(TEST_SHAPES); do for p in fp16 fix16x8; do \
		printf '%s\t%s\t%s\n' "$$s $$p" pass "$(RTL_BUILD)/cu_$$(echo $$s)_M$(RTL_M)_A$(RTL_A)_C$(RTL_ACCS)$(RTL_TAG)/cu_cosim --tiles $(TEST_TILES) --prec $$p --seed 11"; \
	done; done; \
	printf '%s\t%s\t%s\n' "N8_K8 fix16x8 acc_bits 16" pass "$(call cu_bin,N8_K8) --tiles $(TEST_TILES) --prec fix16x8 --acc-bits 16 --seed 12"; \
	$(if $(RTL_EXT),,$(call cases_mutant,round-bit,N4_K8,3000);) } > $(RTL_BUILD)/cosim-test.cases && \
	bash cosim/run-cases.sh $(RTL_BUILD)/cosim-test.cases cosim-test $(RTL_BUILD)/cosim-test.xml
COSIM_SHAPES_BINS = $(foreach s,$(TEST_SHAPES),$(call cu_bin,$(s))) $(if $(RTL_EXT),,$(call mut_bin,round-bit,N4_K8))
cosim-shapes-test: $(COSIM_SHAPES_BINS)
	$(Q)$(COSIM_SHAPES_RUN)

mutant-test: cosim-shapes-test

# ------------------------------------------------------------ Icarus replay
# gen_vectors writes the C model's expected outputs cycle by cycle; tb_cu.sv
# replays them against the RTL. The replay must also FAIL on a copy of the
# vectors with one expected sum corrupted (the checker checks).
ICARUS_N := 4
ICARUS_K := 8
ICARUS_DIR := $(RTL_BUILD)/icarus$(RTL_TAG)
$(ICARUS_DIR)/gen_vectors: cosim/icarus/gen_vectors.cpp cosim/stimulus.cpp cosim/oracle.cpp $(COSIM_HDRS) $(LIB)
	@mkdir -p $(dir $@)
	@[ "$(V)" = 1 ] || echo "  CXX     $@"
	$(Q)$(CXX) -std=gnu++17 -O2 -Wall -Wextra -Isim -Icosim -o $@ cosim/icarus/gen_vectors.cpp \
		cosim/stimulus.cpp cosim/oracle.cpp $(COSIM_LIBS) -lmpfr -lgmp -lm

$(ICARUS_DIR)/tb_N%.vvp: cosim/icarus/tb_cu.sv $(RTL_SRCS) $(RTL_INCS)
	@mkdir -p $(dir $@)
	$(Q)iverilog -g2012 -Wall -I$(RTL_DIR) -P tb_cu.N=$(call shape_n,N$*) -P tb_cu.K=$(call shape_k,N$*) \
		-P tb_cu.M=$(RTL_M) -P tb_cu.A=$(RTL_A) -P tb_cu.ACCS=$(RTL_ACCS) -s tb_cu -o $@ cosim/icarus/tb_cu.sv $(RTL_SRCS)

ICARUS_BINS := $(ICARUS_DIR)/gen_vectors $(ICARUS_DIR)/tb_N$(ICARUS_N)_K$(ICARUS_K).vvp
ICARUS_RUN = ( cd $(ICARUS_DIR) && for p in fp16 fix16x8; do \
		./gen_vectors $(ICARUS_N) $(ICARUS_K) $(RTL_ACCS) $(RTL_M) $(RTL_A) 300 9 $$p 32 vec_$$p.txt || exit 1; \
		vvp -n tb_N$(ICARUS_N)_K$(ICARUS_K).vvp +vectors=vec_$$p.txt | tee replay_$$p.log | grep -q "tb_cu: PASS" \
			|| { cat replay_$$p.log; exit 1; }; \
		echo "icarus replay $$p: $$(grep 'tb_cu:' replay_$$p.log)"; \
	done ) && ( cd $(ICARUS_DIR) && awk 'NR > 1 && $$12 == "1" && !done { d = substr($$15, length($$15)); \
		$$15 = substr($$15, 1, length($$15) - 1) (d == "0" ? "1" : "0"); done = 1 } { print }' \
		vec_fp16.txt > vec_broken.txt && \
		if vvp -n tb_N$(ICARUS_N)_K$(ICARUS_K).vvp +vectors=vec_broken.txt | grep -q "tb_cu: FAIL"; then \
			echo "icarus replay of deliberately corrupted vectors: refused, as expected"; \
		else echo "icarus replay did not notice a corrupted expected sum"; exit 1; fi )
icarus-test: $(ICARUS_BINS)
	$(Q)$(ICARUS_RUN)

# ----------------------------------------------------------------- SystemC
SC_DIR := $(RTL_BUILD)/systemc$(RTL_TAG)
$(SC_DIR)/cu_sc: cosim/systemc/sc_main.cpp $(RTL_SRCS) $(RTL_INCS)
	@mkdir -p $(dir $@)
	@[ "$(V)" = 1 ] || echo "  VERILATE $@ (--sc, N=4 K=8)"
	$(Q)bash cosim/vbuild.sh $(SC_DIR)/build.log "verilating cu_sc (--sc)" -- \
		verilator --sc --exe --build -j 2 --top-module cu_top --Mdir $(abspath $(SC_DIR)) -o cu_sc \
		-GN=4 -GK=8 -I$(RTL_DIR) $(abspath $(RTL_SRCS)) $(abspath cosim/systemc/sc_main.cpp) \
		-CFLAGS -std=gnu++17 $(VL_MAKEFLAGS)

SYSTEMC_RUN = ( $(SC_DIR)/cu_sc > $(SC_DIR)/run.log 2>&1 || { cat $(SC_DIR)/run.log; exit 1; } ) && \
	grep -E '^(fp16|fix16x8|sc_main)' $(SC_DIR)/run.log
systemc-test: $(SC_DIR)/cu_sc
	$(Q)$(SYSTEMC_RUN)

# Built first, then every check runs even when an earlier one failed (as in
# regress below), the lockstep cases last: their divergence names the
# command that reproduces it with a waveform.
cosim-test: lint-rtl $(RTL_BUILD)/arith$(RTL_TAG)/arith_check $(ICARUS_BINS) $(SC_DIR)/cu_sc $(COSIM_SHAPES_BINS)
	$(Q)failed=; \
	$(RTL_BUILD)/arith$(RTL_TAG)/arith_check 1000000 1 || failed="$$failed arith-check"; \
	$(ICARUS_RUN) || failed="$$failed icarus-test"; \
	$(SYSTEMC_RUN) || failed="$$failed systemc-test"; \
	$(COSIM_SHAPES_RUN) || failed="$$failed lockstep"; \
	if [ -n "$$failed" ]; then echo "cosim-test: FAILED:$$failed"; exit 1; fi
	@echo "cosim-test: RTL matches the C model and the MPFR oracle"

TEST_TARGETS += cosim-test

# The full regression (tens of minutes the first time: each shape is one
# Verilator build, reused afterwards). Every shape runs every config it can
# form (mixed in one stream, then each config alone), both precisions, two
# seeds, a run heavy in special values at full throughput, and a run at the
# smallest accumulator width; every mutant must be caught.
REGRESS_SHAPES := N4_K8 N5_K8 N6_K8 N8_K8 N8_K32 N12_K8 N16_K8 N16_K32 N20_K8 N24_K8 N32_K8 N32_K32 \
	N8_K8_M2_A3_C2 N12_K8_C1
REGRESS_TILES  := 20000
REGRESS_MUT_SHAPE := N4_K8
# The JUnit XML report of the lockstep runs and the mutants.
JUNIT ?= $(RTL_BUILD)/regress.xml
# Shell text: the cases of shape $$s (binary $$b) for cosim/run-cases.sh.
REGRESS_CASES = n=$${s%%_*}; n=$${n\#N}; \
	for p in fp16 fix16x8; do \
		for seed in 1 2; do printf '%s\t%s\t%s\n' "$$s $$p seed $$seed" pass "$$b --tiles $(REGRESS_TILES) --prec $$p --seed $$seed"; done; \
		printf '%s\t%s\t%s\n' "$$s $$p special full-rate" pass "$$b --tiles 3000 --prec $$p --seed 3 --special 40 --valid 100 --out-ready 100"; \
		printf '%s\t%s\t%s\n' "$$s $$p acc_bits 16" pass "$$b --tiles 3000 --prec $$p --seed 6 --acc-bits 16"; \
		for c in 1 2 3 4; do \
			[ $$(( n % (8 >> (c - 1)) )) -eq 0 ] || continue; \
			printf '%s\t%s\t%s\n' "$$s $$p config$$c alone" pass "$$b --tiles 2000 --prec $$p --cfgs $$c --seed 4 --quiet"; \
		done; \
	done
# Everything is built first; then the arithmetic check, the Icarus replay
# and SystemC run, and the lockstep cases run even when one of them failed:
# a broken RTL must still reach the cases, whose divergence prints the
# command that reproduces it with a waveform.
regress: lint-rtl $(RTL_BUILD)/arith$(RTL_TAG)/arith_check $(ICARUS_BINS) $(SC_DIR)/cu_sc \
		$(foreach s,$(REGRESS_SHAPES),$(call cu_bin,$(s))) \
		$(if $(RTL_EXT),,$(foreach m,$(MUTANTS),$(call mut_bin,$(m),$(REGRESS_MUT_SHAPE))))
	$(Q)failed=; \
	$(RTL_BUILD)/arith$(RTL_TAG)/arith_check 30000000 7 || failed="$$failed arith-check"; \
	$(ICARUS_RUN) || failed="$$failed icarus-test"; \
	$(SYSTEMC_RUN) || failed="$$failed systemc-test"; \
	{ $(foreach s,$(REGRESS_SHAPES),s=$(s); b=$(call cu_bin,$(s)); $(REGRESS_CASES);) \
	  $(if $(RTL_EXT),,$(foreach m,$(MUTANTS),$(call cases_mutant,$(m),$(REGRESS_MUT_SHAPE),5000);)) \
	} > $(RTL_BUILD)/regress.cases; \
	$(if $(RTL_EXT),echo "  mutants: skipped (they are copies of rtl/ with a bug put in, not of $(RTL_DIR))";) \
	bash cosim/run-cases.sh $(RTL_BUILD)/regress.cases regress $(JUNIT) || failed="$$failed lockstep"; \
	if [ -n "$$failed" ]; then echo "regress: FAILED:$$failed"; exit 1; fi
	@echo "regress: every shape, config, precision and mutant passed"

# ------------------------------------------------------------- coverage
# Line and toggle coverage of the RTL (Verilator --coverage-line
# --coverage-toggle) over the reduced regression's runs on one shape;
# verilator_coverage merges the runs, prints the totals and annotates the
# sources (lines with a count below COV_MIN are marked %) under COV_DIR.
COV_SHAPE := N8_K8
COV_BIN   := $(call cu_bin,$(COV_SHAPE),_cov)
COV_DIR   := $(RTL_BUILD)/coverage
COV_MIN   ?= 1
rtl-coverage: $(COV_BIN)
	$(Q)rm -rf $(COV_DIR) && mkdir -p $(COV_DIR)
	$(Q)for p in fp16 fix16x8; do \
		$(COV_BIN) --tiles 3000 --prec $$p --seed 11 --coverage $(COV_DIR)/$$p.dat || exit 1; \
		$(COV_BIN) --tiles 1000 --prec $$p --seed 3 --special 40 --valid 100 --out-ready 100 \
			--coverage $(COV_DIR)/$$p-special.dat || exit 1; \
	done
	$(Q)$(COV_BIN) --tiles 1000 --prec fix16x8 --acc-bits 16 --seed 12 --coverage $(COV_DIR)/acc16.dat
	$(Q)cd $(dir $(COV_BIN)) && verilator_coverage --write $(abspath $(COV_DIR))/merged.dat \
		--write-info $(abspath $(COV_DIR))/coverage.info $(abspath $(COV_DIR))/*.dat > /dev/null
	$(Q)cd $(dir $(COV_BIN)) && verilator_coverage --annotate $(abspath $(COV_DIR))/annotated \
		--annotate-min $(COV_MIN) $(abspath $(COV_DIR))/merged.dat | tee $(abspath $(COV_DIR))/summary.txt
	@echo "  coverage: annotated sources in $(COV_DIR)/annotated, lcov data in $(COV_DIR)/coverage.info"

# ------------------------------------------------------------- synthesis
# Yosys generic cells: each arithmetic unit alone, then cu_top for N, K with
# its hierarchy kept (vs_array, reduce_tree, acc_bank, cu_top; the
# arithmetic is inlined into the first three). Reports under SYNTH_DIR.
SYNTH_DIR := $(RTL_BUILD)/synth_N$(N)_K$(K)
SYNTH_CELLS = awk '/^=== / { m = $$2; sub(/.*\\/, "", m) } /Number of cells:/ && m != "" && m != "design" \
	{ printf "  %-12s %9d cells\n", m, $$4; m = "" }'
SYNTH_PARAMS := -set N $(N) -set K $(K) -set M $(RTL_M) -set A $(RTL_A) -set ACCS $(RTL_ACCS)
SYNTH_SCRIPT := read_verilog -sv -I$(RTL_DIR) $(RTL_SRCS); chparam $(SYNTH_PARAMS) cu_top; synth -top cu_top; \
	tee -q -o $(abspath $(SYNTH_DIR))/cu_top.txt stat
synth:
	@mkdir -p $(SYNTH_DIR)
	@echo "  YOSYS   arithmetic units (one instance each)"
	$(Q)for u in fp16_mul fp32_add fix_mul; do \
		yosys -q -p "read_verilog -sv -I$(RTL_DIR) $(RTL_DIR)/$$u.sv; synth -top $$u; tee -q -o $(abspath $(SYNTH_DIR))/$$u.txt stat" \
			> /dev/null || exit 1; \
		$(SYNTH_CELLS) $(SYNTH_DIR)/$$u.txt; \
	done
	@echo "  YOSYS   cu_top N=$(N) K=$(K) M=$(RTL_M) A=$(RTL_A) ACCS=$(RTL_ACCS)"
	$(Q)yosys -q -l $(SYNTH_DIR)/yosys.log -p '$(SYNTH_SCRIPT)' > /dev/null 2>&1 \
		|| { tail -20 $(SYNTH_DIR)/yosys.log; exit 1; }
	$(Q)$(SYNTH_CELLS) $(SYNTH_DIR)/cu_top.txt | sed 's/\$$paramod[^ ]*\\//'
	$(Q)awk '/=== design hierarchy ===/ { h = 1 } h && /Number of cells:/ { printf "  %-12s %9d cells (whole unit)\n", "total", $$4 }' \
		$(SYNTH_DIR)/cu_top.txt
	@echo "  (reports: $(SYNTH_DIR)/*.txt)"

# ------------------------------------------------------------------ speed
# Co-simulated cycles per second (RTL + C model + stimulus in lockstep, full
# throughput, no MPFR sampling), best of COSIM_BENCH_RUNS interleaved runs
# (cosim/bench.sh). COSIM_BENCH_BASE=DIR holding cu_N8_K8 and cu_N32_K32
# (copies of older builds) adds them to the same interleaving and prints the
# ratios. The first run builds the 32x32 model (about a minute).
COSIM_BENCH_RUNS ?= 3
COSIM_BENCH_BASE ?=
COSIM_BENCH_ARGS := --bench --oracle-every 0 --special 2 --valid 100 --out-ready 100
cosim-bench: $(call cu_bin,N8_K8) $(call cu_bin,N32_K32)
	$(Q)bash cosim/bench.sh $(COSIM_BENCH_RUNS) "$(COSIM_BENCH_ARGS)" \
		"8x8=$(call cu_bin,N8_K8):400000" "32x32=$(call cu_bin,N32_K32):30000" \
		$(if $(COSIM_BENCH_BASE),"8x8 base=$(COSIM_BENCH_BASE)/cu_N8_K8:400000" \
			"32x32 base=$(COSIM_BENCH_BASE)/cu_N32_K32:30000")
