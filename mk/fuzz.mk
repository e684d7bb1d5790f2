# fuzz.mk - hostile input: fuzzing, sanitizers, allocation failure, limits.
#
#   make fuzz             libFuzzer campaign (clang): each loader of
#                         tests/fuzz/ for FUZZ_TIME seconds, inputs up to 1 MB,
#                         corpus grown in build/fuzz/corpus/NAME from the
#                         committed seeds; a crash lands in build/fuzz/crashes/
#                         (copy it to tests/fuzz/crashes/NAME/ to keep it as a
#                         regression test)
#   make fuzz FUZZ_SAN=undefined FUZZ_DIR=build/fuzz-ub
#                         a volume campaign: the harnesses without ASan run
#                         several times faster; then
#   make fuzz-replay-grown FUZZ_DIR=build/fuzz-ub
#                         replays what it grew through the ASan+UBSan build
#   make fuzz-replay      the committed corpora and crash reproducers, replayed
#                         through the harnesses built with gcc, ASan and UBSan
#   make asan-test        the unit tests and the CLI tests on an ASan+UBSan
#                         build (build/asan/)
#   make alloc-fail-test  a small run with its k-th allocation failing, for
#                         every k: a clean error, no crash, no leak
#   make hostile-test     hostile files (deep nesting, many keys, endless
#                         input, huge sweeps, devices as outputs, ...)
#   make fuzz-coverage    line coverage of the loaders by the fuzz corpora
#   make cosim-asan       the co-simulation harness under ASan+UBSan (slow to
#                         build; not part of make test)
#
# All but fuzz, fuzz-coverage and cosim-asan are part of `make test`.

FUZZ_NAMES := config workload spec tiles tech npy onnx
FUZZ_TIME  ?= 60
FUZZ_SAN   ?= address,undefined
FUZZ_DIR   ?= $(BUILD)/fuzz
ASAN_DIR   := $(BUILD)/asan

# --------------------------------------------------------- sanitizer build
# The whole simulator again, with ASan and UBSan; UBSan aborts on the first
# report so that a test cannot pass over one.
ASAN_FLAGS  := -fsanitize=address,undefined -fno-sanitize-recover=undefined -fno-omit-frame-pointer
ASAN_CFLAGS := $(filter-out -O2,$(CFLAGS)) -O1 $(ASAN_FLAGS)
ASAN_SIM    := $(SIM_SRCS:%.c=$(ASAN_DIR)/obj/%.o)
ASAN_CLI    := $(CLI_SRCS:%.c=$(ASAN_DIR)/obj/%.o)
ASAN_TESTS  := $(TEST_SRCS:%.c=$(ASAN_DIR)/obj/%.o) $(ASAN_DIR)/obj/tests/main.o
ASAN_LIB    := $(ASAN_DIR)/libsharpsim.a
ASAN_BIN    := $(ASAN_DIR)/sharpsim
# The same binary with malloc, calloc, realloc and strdup wrapped by
# tests/alloc/failalloc.c (SHARPSIM_FAIL_ALLOC=k fails the k-th call).
ASAN_FAILBIN := $(ASAN_DIR)/sharpsim-failalloc
ASAN_WRAP   := -Wl,--wrap=malloc,--wrap=calloc,--wrap=realloc,--wrap=strdup

$(ASAN_DIR)/obj/%.o: %.c
	@mkdir -p $(dir $@)
	@[ "$(V)" = 1 ] || echo "  CC/ASAN $<"
	$(Q)$(CC) $(ASAN_CFLAGS) -I$(BUILD)/tests -c $< -o $@

$(ASAN_DIR)/obj/tests/main.o: $(BUILD)/tests/suites.inc

# The harness objects are made by a pattern chain; keep them between runs.
.PRECIOUS: $(ASAN_DIR)/obj/%.o

$(ASAN_LIB): $(ASAN_SIM)
	$(Q)rm -f $@ && ar rcs $@ $^

$(ASAN_BIN): $(ASAN_CLI) $(ASAN_LIB)
	@[ "$(V)" = 1 ] || echo "  LD      $@"
	$(Q)$(CC) $(ASAN_CFLAGS) -o $@ $(ASAN_CLI) $(ASAN_LIB) $(LDLIBS)

$(ASAN_FAILBIN): $(ASAN_CLI) $(ASAN_LIB) $(ASAN_DIR)/obj/tests/alloc/failalloc.o
	@[ "$(V)" = 1 ] || echo "  LD      $@"
	$(Q)$(CC) $(ASAN_CFLAGS) $(ASAN_WRAP) -o $@ $(ASAN_CLI) $(ASAN_DIR)/obj/tests/alloc/failalloc.o \
		$(ASAN_LIB) $(LDLIBS)

$(ASAN_DIR)/tests/unit: $(ASAN_TESTS) $(ASAN_LIB)
	@mkdir -p $(dir $@)
	@[ "$(V)" = 1 ] || echo "  LD      $@"
	$(Q)$(CC) $(ASAN_CFLAGS) -o $@ $(ASAN_TESTS) $(ASAN_LIB) $(LDLIBS) $(TEST_LIBS)

$(ASAN_DIR)/fuzz/%: $(ASAN_DIR)/obj/tests/fuzz/fuzz_%.o $(ASAN_DIR)/obj/tests/fuzz/driver.o $(ASAN_LIB)
	@mkdir -p $(dir $@)
	@[ "$(V)" = 1 ] || echo "  LD      $@"
	$(Q)$(CC) $(ASAN_CFLAGS) -o $@ $^ $(LDLIBS)

# Check's 4 s test timeout, times 10 for the sanitizers' slowdown.
ASAN_ENV := ASAN_OPTIONS=detect_leaks=1:abort_on_error=0 UBSAN_OPTIONS=print_stacktrace=1 \
	CK_TIMEOUT_MULTIPLIER=10

.PHONY: fuzz fuzz-deps fuzz-build fuzz-replay fuzz-replay-grown asan-test alloc-fail-test hostile-test cosim-asan

asan-test: $(ASAN_DIR)/tests/unit $(ASAN_BIN) $(BIN)
	$(Q)$(ASAN_ENV) $(ASAN_DIR)/tests/unit
	$(Q)$(ASAN_ENV) SHARPSIM_BIN=$(ASAN_BIN) bash tests/cli/run.sh
	$(Q)$(ASAN_ENV) SHARPSIM_BIN=$(ASAN_BIN) bash tests/hostile/hostile.sh

fuzz-replay: $(addprefix $(ASAN_DIR)/fuzz/,$(FUZZ_NAMES))
	$(Q)for n in $(FUZZ_NAMES); do \
		printf 'fuzz-replay %-9s ' $$n; \
		$(ASAN_ENV) $(ASAN_DIR)/fuzz/$$n tests/fuzz/corpus/$$n tests/fuzz/crashes/$$n || exit 1; \
	done

# What a campaign grew in $(FUZZ_DIR)/corpus, through the ASan+UBSan build:
# a volume campaign without ASan misses what only ASan would see.
fuzz-replay-grown: $(addprefix $(ASAN_DIR)/fuzz/,$(FUZZ_NAMES))
	$(Q)for n in $(FUZZ_NAMES); do \
		printf 'fuzz-replay-grown %-9s ' $$n; \
		$(ASAN_ENV) $(ASAN_DIR)/fuzz/$$n $(FUZZ_DIR)/corpus/$$n || exit 1; \
	done

alloc-fail-test: $(ASAN_FAILBIN)
	$(Q)bash tests/hostile/alloc_fail.sh $(ASAN_FAILBIN)

hostile-test: $(BIN)
	$(Q)bash tests/hostile/hostile.sh

TEST_TARGETS += hostile-test fuzz-replay asan-test alloc-fail-test

# --------------------------------------------------------------- libFuzzer
# clang builds the simulator with coverage instrumentation for libFuzzer
# (fuzzer-no-link) and links each harness with libFuzzer's main.
FUZZ_CC     ?= clang
FUZZ_CFLAGS := $(filter-out -O2 -MMD -MP,$(CFLAGS)) -O1 -fsanitize=fuzzer-no-link,$(FUZZ_SAN) \
	-fno-sanitize-recover=undefined
FUZZ_SIM    := $(SIM_SRCS:%.c=$(FUZZ_DIR)/obj/%.o)
FUZZ_LIB    := $(FUZZ_DIR)/libsharpsim.a

$(FUZZ_DIR)/obj/%.o: %.c
	@mkdir -p $(dir $@)
	@[ "$(V)" = 1 ] || echo "  CLANG   $<"
	$(Q)$(FUZZ_CC) $(FUZZ_CFLAGS) -c $< -o $@

$(FUZZ_LIB): $(FUZZ_SIM)
	$(Q)rm -f $@ && ar rcs $@ $^

$(FUZZ_DIR)/bin/%: tests/fuzz/fuzz_%.c tests/fuzz/fuzz.h tests/fuzz/fuzz_ydoc.h $(FUZZ_LIB)
	@mkdir -p $(dir $@)
	@[ "$(V)" = 1 ] || echo "  FUZZER  $@"
	$(Q)$(FUZZ_CC) $(filter-out -fsanitize=fuzzer-no-link%,$(FUZZ_CFLAGS)) \
		-fsanitize=fuzzer,$(FUZZ_SAN) -o $@ $< $(FUZZ_LIB) $(LDLIBS)

fuzz-deps:
	$(Q)bash scripts/install-deps.sh fuzz

fuzz-build: fuzz-deps
	$(Q)$(MAKE) --no-print-directory $(addprefix $(FUZZ_DIR)/bin/,$(FUZZ_NAMES))

# -max_len=1048576: inputs up to the 1 MB byte cap of the YAML loaders, so
# the caps themselves and what lies just below them get exercised.
fuzz: fuzz-build
	$(Q)for n in $(FUZZ_NAMES); do \
		mkdir -p $(FUZZ_DIR)/corpus/$$n $(FUZZ_DIR)/crashes/$$n; \
		cp -n tests/fuzz/corpus/$$n/* $(FUZZ_DIR)/corpus/$$n/ 2>/dev/null; \
		echo "== fuzz $$n ($(FUZZ_TIME) s)"; \
		$(FUZZ_DIR)/bin/$$n -max_len=1048576 -max_total_time=$(FUZZ_TIME) -print_final_stats=1 \
			-artifact_prefix=$(FUZZ_DIR)/crashes/$$n/ $(FUZZ_DIR)/corpus/$$n 2>&1 \
			| grep -E '^(stat::|#[0-9]+ +DONE|==[0-9]+==ERROR|SUMMARY)' || true; \
		[ -z "$$(ls -A $(FUZZ_DIR)/crashes/$$n)" ] || { echo "fuzz $$n: crash in $(FUZZ_DIR)/crashes/$$n"; exit 1; }; \
	done

# ----------------------------------------------------- co-simulation, ASan
# cu_cosim (mk/rtl.mk) for one shape, its C++ and the C model it links
# built with the sanitizers; runs a short regression in both precisions.
COSIM_ASAN_DIR := $(ASAN_DIR)/cosim
cosim-asan: $(ASAN_LIB) $(RTL_SRCS) $(RTL_INCS) $(COSIM_SRCS) $(COSIM_HDRS)
	@mkdir -p $(COSIM_ASAN_DIR)
	@[ "$(V)" = 1 ] || echo "  VERILATE $(COSIM_ASAN_DIR) (ASan+UBSan)"
	$(Q)rm -f $(COSIM_ASAN_DIR)/cu_cosim
	$(Q)verilator $(VL_FLAGS) --Mdir $(abspath $(COSIM_ASAN_DIR)) -o cu_cosim \
		-GN=8 -GK=8 -GM=$(RTL_M) -GA=$(RTL_A) -GACCS=$(RTL_ACCS) -I$(abspath rtl) \
		$(addprefix $(abspath rtl)/,$(notdir $(RTL_SRCS))) $(abspath $(COSIM_SRCS)) $(abspath $(ASAN_LIB)) \
		-CFLAGS "-std=gnu++17 -DCU_N=8 -DCU_K=8 -DCU_M=$(RTL_M) -DCU_A=$(RTL_A) -DCU_ACCS=$(RTL_ACCS) \
			-I$(abspath sim) -I$(abspath cosim) $(ASAN_FLAGS)" \
		-LDFLAGS "-lmpfr -lgmp $(ASAN_FLAGS)" $(VL_MAKEFLAGS) > $(COSIM_ASAN_DIR)/build.log 2>&1 \
		|| { tail -40 $(COSIM_ASAN_DIR)/build.log; exit 1; }
	$(Q)for p in fp16 fix16x8; do \
		$(ASAN_ENV) $(COSIM_ASAN_DIR)/cu_cosim --tiles 500 --prec $$p --seed 3 || exit 1; \
	done
	@echo "cosim-asan: cu_cosim N=8 K=8 clean under ASan+UBSan"

# The fuzz harnesses too: they embed hw_cfg_t and friends, so a header
# change must rebuild them (a stale one overflowed a grown struct).
-include $(ASAN_SIM:.o=.d) $(ASAN_CLI:.o=.d) $(ASAN_TESTS:.o=.d) \
	$(FUZZ_NAMES:%=$(ASAN_DIR)/obj/tests/fuzz/fuzz_%.d) $(ASAN_DIR)/obj/tests/fuzz/driver.d

# ------------------------------------------------------------- coverage
# Line coverage of the loaders reached by a corpus: the harnesses built with
# clang's source-based coverage and driver.c, run over FUZZ_CORPUS/NAME
# (default: the campaign's build/fuzz/corpus, else the committed seeds).
FUZZ_CORPUS ?= $(if $(wildcard $(FUZZ_DIR)/corpus),$(FUZZ_DIR)/corpus,tests/fuzz/corpus)
COV_DIR     := $(BUILD)/fuzzcov
COV_CFLAGS  := $(filter-out -O2 -MMD -MP,$(CFLAGS)) -O0 -fprofile-instr-generate -fcoverage-mapping
COV_FILES   := sim/config/ydoc.c sim/config/config.c sim/config/params.c sim/sweep/spec.c sim/func/npy.c \
	sim/energy/energy.c

.PHONY: fuzz-coverage
fuzz-coverage: fuzz-deps
	$(Q)mkdir -p $(COV_DIR)
	$(Q)for n in $(FUZZ_NAMES); do \
		$(FUZZ_CC) $(COV_CFLAGS) -o $(COV_DIR)/$$n tests/fuzz/fuzz_$$n.c tests/fuzz/driver.c $(SIM_SRCS) \
			-I$(ONNX_GEN_DIR) $(ONNX_PB_C) $(LDLIBS) || exit 1; \
		LLVM_PROFILE_FILE=$(COV_DIR)/$$n.profraw $(COV_DIR)/$$n $(FUZZ_CORPUS)/$$n >/dev/null 2>&1; \
		llvm-profdata-14 merge -o $(COV_DIR)/$$n.profdata $(COV_DIR)/$$n.profraw || exit 1; \
		echo "== $$n ($(FUZZ_CORPUS)/$$n)"; \
		llvm-cov-14 report $(COV_DIR)/$$n -instr-profile=$(COV_DIR)/$$n.profdata $(COV_FILES) | \
			awk 'NR == 1 || /\.c / || /^TOTAL/ { printf "%-22s lines %5s missed %5s  %s\n", $$1, $$8, $$9, $$10 }' | \
			sed 1d; \
	done
