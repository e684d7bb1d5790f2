# sharpsim - one Makefile for the simulator, its tests and its studies.
#
#   make            build build/sharpsim
#   make demo       install missing dependencies, run the scheduler comparison
#   make test       install missing dependencies, run every test
#
# Feature areas add their own targets in mk/*.mk (RTL, sweeps, energy, ...)
# and hook into `make test` through TEST_TARGETS. Quiet output unless V=1.

BUILD    := build
CC       := gcc
CXX      := g++
VERSION  := $(shell cat VERSION 2>/dev/null || echo 0.0.0)

CFLAGS   := -std=c11
CFLAGS   += -Wall
CFLAGS   += -Wextra
CFLAGS   += -Werror
CFLAGS   += -O2 -g
CFLAGS   += -fPIC -fno-semantic-interposition
CFLAGS   += -D_POSIX_C_SOURCE=200809L
CFLAGS   += -DSHARPSIM_VERSION='"$(VERSION)"'
CFLAGS   += -MMD -MP
# Link-time optimisation for the simulator's own build (not the sanitizer
# and fuzz builds, which take CFLAGS without it): stepping is about 0.7x
# the time with identical output (scripts/bench-compare.sh). Fat objects
# keep libsharpsim.a linkable by programs built without -flto.
LTO      := -flto=auto -ffat-lto-objects
LDLIBS   := $(shell pkg-config --libs yaml-0.1 2>/dev/null || echo -lyaml) -llapacke -lm
TEST_LIBS := $(shell pkg-config --libs check 2>/dev/null) -lmpfr -lgmp -lpthread
# BIN_LDLIBS: build/sharpsim is linked statically, libc and LAPACK
# included, when every archive it needs is installed (Debian: libc6-dev,
# libyaml-dev, libprotobuf-c-dev, liblapacke-dev, libgfortran-12-dev;
# scripts/install-deps.sh). A dynamically linked start maps, relocates and
# binds libc and libm before main and faults in their pages: on a machine
# whose page faults are dear that was a third of a default run's CPU
# (docs/performance.md, "The seventh start-up round"). Static, LAPACK's
# code is only paged in when a decomposition runs, and the BLAS a built
# program uses is the one it was linked with, whatever the machine's
# alternatives select later. Only the program: the library, tests and fuzzers keep LDLIBS.
# Where an archive is missing (another distribution), the program is
# linked like the library. Recursive (=): mk/onnx.mk adds protobuf-c to
# LDLIBS later.
BIN_STATIC_ARCHIVES := c m yaml protobuf-c lapacke lapack blas gfortran quadmath
bin_static_missing := $(foreach l,$(BIN_STATIC_ARCHIVES),$(if $(filter /%,$(shell $(CC) -print-file-name=lib$(l).a)),,$(l)))
BIN_LDLIBS = $(if $(strip $(bin_static_missing)),$(LDLIBS),-static $(LDLIBS) -llapack -lblas -lgfortran -lquadmath -lm)

ifeq ($(V),1)
Q :=
else
Q := @
endif

SIM_SRCS  := $(sort $(shell find sim -name '*.c' -not -path 'sim/cli/*'))
CLI_SRCS  := $(sort $(wildcard sim/cli/*.c))
TEST_SRCS := $(sort $(wildcard tests/test_*.c))
SIM_OBJS  := $(SIM_SRCS:%.c=$(BUILD)/obj/%.o)
CLI_OBJS  := $(CLI_SRCS:%.c=$(BUILD)/obj/%.o)
TEST_OBJS := $(TEST_SRCS:%.c=$(BUILD)/obj/%.o) $(BUILD)/obj/tests/main.o
LIB       := $(BUILD)/libsharpsim.a
BIN       := $(BUILD)/sharpsim
TEST_BIN  := $(BUILD)/tests/unit

# Targets that `make test` runs after the unit tests (filled by mk/*.mk).
TEST_TARGETS :=

.PHONY: all deps demo test unit-test golden-update clean lint
.DEFAULT_GOAL := all

all: $(BIN)

deps:
	$(Q)bash scripts/install-deps.sh

$(BUILD)/obj/%.o: %.c
	@mkdir -p $(dir $@)
	@[ "$(V)" = 1 ] || echo "  CC      $<"
	$(Q)$(CC) $(CFLAGS) $(LTO) -c $< -o $@

$(LIB): $(SIM_OBJS)
	@[ "$(V)" = 1 ] || echo "  AR      $@"
	$(Q)rm -f $@ && gcc-ar rcs $@ $^

$(BIN): $(CLI_OBJS) $(LIB)
	@[ "$(V)" = 1 ] || echo "  LD      $@"
	$(Q)$(CC) $(CFLAGS) $(LTO) -o $@ $(CLI_OBJS) $(LIB) $(BIN_LDLIBS)

# Every tests/test_NAME.c defines `Suite *NAME_suite(void)`; the list of
# suites is generated so adding a test file needs no other edit.
$(BUILD)/tests/suites.inc: $(TEST_SRCS)
	@mkdir -p $(dir $@)
	$(Q)for f in $(TEST_SRCS); do n=$${f#tests/test_}; echo "SUITE($${n%.c})"; done > $@.tmp && mv $@.tmp $@

$(BUILD)/obj/tests/main.o: tests/main.c $(BUILD)/tests/suites.inc
	@mkdir -p $(dir $@)
	@[ "$(V)" = 1 ] || echo "  CC      $<"
	$(Q)$(CC) $(CFLAGS) $(LTO) -I$(BUILD)/tests -c $< -o $@

$(TEST_BIN): $(TEST_OBJS) $(LIB)
	@[ "$(V)" = 1 ] || echo "  LD      $@"
	$(Q)$(CC) $(CFLAGS) $(LTO) -o $@ $(TEST_OBJS) $(LIB) $(LDLIBS) $(TEST_LIBS)

# The unit runner exits non-zero on any failure and when no test ran.
unit-test: $(TEST_BIN) $(BIN)
	$(Q)$(TEST_BIN)

test: deps
	$(Q)$(MAKE) --no-print-directory unit-test $(TEST_TARGETS)
	@echo "make test: all test groups passed"

demo: deps
	$(Q)$(MAKE) --no-print-directory $(BIN)
	$(Q)bash scripts/demo.sh

golden-update: $(BIN)
	$(Q)bash scripts/golden-update.sh

clean:
	rm -rf $(BUILD)

-include mk/*.mk
-include $(SIM_OBJS:.o=.d) $(CLI_OBJS:.o=.d) $(TEST_OBJS:.o=.d)

# The tile tables `tile: auto` reads (committed; rebuild after a model change).
.PHONY: tables bench
tables: $(BIN)
	$(Q)for b in 1k 4k 16k 64k 96k; do $(BIN) explore --hw configs/sharp-$$b.yaml --out configs/tiles/sharp-$$b.yaml; done

# The speed figures a user feels, each with the load average
# (scripts/bench.sh, docs/performance.md). Co-simulation is timed only when
# its harnesses are already built (make cosim-bench builds them).
bench: $(BIN)
	$(Q)COSIM_BINS="8x8=$(call cu_bin,N8_K8):400000 32x32=$(call cu_bin,N32_K32):30000" bash scripts/bench.sh
