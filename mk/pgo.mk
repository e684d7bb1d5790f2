# pgo.mk - build/sharpsim-pgo: the program built with profile feedback
# (docs/performance.md, "The profile-guided build").
#
#   make pgo        build/sharpsim-pgo
#   make pgo-test   build it and compare its outputs with build/sharpsim's
#
# GCC builds the program twice in build/pgo: once instrumented, which runs
# scripts/pgo-train.sh's jobs and leaves its counts beside its objects,
# and once more over the same object names with those counts, laying hot
# paths out together and arranging branches, inlining and unrolling by how
# the jobs went. -fprofile-partial-training compiles code no job reached
# as if there were no profile, not as cold. Profile feedback moves code,
# never arithmetic: -std=c11 keeps floating-point contraction off and
# nothing is built with -ffast-math, and pgo-test checks that the outputs
# agree byte for byte. It is a program of its own because any change to a
# source reruns both builds and the training: about three minutes on two
# cores, against one for build/sharpsim.

PGO_DIR := $(BUILD)/pgo
PGO_USE := -fprofile-use -fprofile-partial-training -Wno-missing-profile
PGO_DEPS := $(SIM_SRCS) $(CLI_SRCS) $(shell find sim -name '*.h') sim/onnx/onnx.proto \
	Makefile mk/pgo.mk scripts/pgo-train.sh

.PHONY: pgo pgo-test
pgo: $(BUILD)/sharpsim-pgo

# The counts files are merged run after run, so the tree starts empty; the
# second build finds each object's counts under its own name.
$(BUILD)/sharpsim-pgo: $(PGO_DEPS)
	$(Q)rm -rf $(PGO_DIR)
	$(Q)$(MAKE) --no-print-directory BUILD=$(PGO_DIR) LTO="$(LTO) -fprofile-generate" $(PGO_DIR)/sharpsim
	@[ "$(V)" = 1 ] || echo "  TRAIN   $(PGO_DIR)/sharpsim"
	$(Q)bash scripts/pgo-train.sh $(PGO_DIR)/sharpsim
	$(Q)find $(PGO_DIR) -name '*.o' -delete && rm -f $(PGO_DIR)/sharpsim $(PGO_DIR)/libsharpsim.a
	$(Q)$(MAKE) --no-print-directory BUILD=$(PGO_DIR) LTO="$(LTO) $(PGO_USE)" $(PGO_DIR)/sharpsim
	$(Q)cp $(PGO_DIR)/sharpsim $@

pgo-test: $(BUILD)/sharpsim-pgo $(BIN)
	$(Q)bash tests/pgo/run.sh $(BIN) $(BUILD)/sharpsim-pgo

TEST_TARGETS += pgo-test
