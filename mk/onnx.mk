# onnx.mk - ONNX import (sim/onnx/, docs/onnx.md).
#
#   make onnx-test   every LSTM/GRU/RNN node test of the ONNX backend suite
#                    (Debian's libonnx-testdata) through `sharpsim check`:
#                    each passes or is skipped for a stated unsupported
#                    feature; a perturbed expected output must fail; hostile
#                    .onnx files are refused; a PyTorch model exported to ONNX
#                    matches torch (tests/onnx/run.sh)
#
# sim/onnx/onnx.proto is vendored; protoc-c generates its C code under
# build/gen/onnx at build time. Only sim/onnx/*.c include the generated
# header (the module's own headers for the rest of the simulator do not),
# so only those objects get the include path. The generated file is not
# ours: it is compiled without -Werror, with its own flags.

ONNX_GEN_DIR := $(BUILD)/gen/onnx
ONNX_PB_C    := $(ONNX_GEN_DIR)/onnx.pb-c.c
ONNX_PB_H    := $(ONNX_GEN_DIR)/onnx.pb-c.h
ONNX_PB_O    := $(BUILD)/obj/gen/onnx.pb-c.o
ONNX_PB_CFLAGS := -std=c11 -O2 -g -fPIC -Wall -I$(ONNX_GEN_DIR) \
	$(shell pkg-config --cflags libprotobuf-c 2>/dev/null)
LDLIBS += $(shell pkg-config --libs libprotobuf-c 2>/dev/null || echo -lprotobuf-c)

# protoc-c writes both files in one go; the header rides on the .c.
$(ONNX_PB_C): sim/onnx/onnx.proto
	@mkdir -p $(ONNX_GEN_DIR)
	@[ "$(V)" = 1 ] || echo "  PROTOC  $<"
	$(Q)protoc-c --proto_path=sim/onnx --c_out=$(ONNX_GEN_DIR) sim/onnx/onnx.proto
$(ONNX_PB_H): $(ONNX_PB_C)

$(ONNX_PB_O): $(ONNX_PB_C)
	@mkdir -p $(dir $@)
	@[ "$(V)" = 1 ] || echo "  CC      $<"
	$(Q)$(CC) $(ONNX_PB_CFLAGS) -c $< -o $@

ONNX_OBJS := $(filter $(BUILD)/obj/sim/onnx/%,$(SIM_OBJS))
$(ONNX_OBJS): CFLAGS += -I$(ONNX_GEN_DIR)
$(ONNX_OBJS): | $(ONNX_PB_H)
$(LIB) $(SOLIB): $(ONNX_PB_O)
# The unit test of the mapping packs models with the generated code.
$(BUILD)/obj/tests/test_onnx.o: CFLAGS += -I$(ONNX_GEN_DIR)
$(BUILD)/obj/tests/test_onnx.o: | $(ONNX_PB_H)

# The sanitizer and fuzzer builds of the library (mk/fuzz.mk) compile the
# same sources.
ONNX_ASAN_OBJS := $(filter $(ASAN_DIR)/obj/sim/onnx/%,$(ASAN_SIM))
$(ONNX_ASAN_OBJS) $(ASAN_DIR)/obj/tests/test_onnx.o: ASAN_CFLAGS += -I$(ONNX_GEN_DIR)
$(ONNX_ASAN_OBJS) $(ASAN_DIR)/obj/tests/test_onnx.o: | $(ONNX_PB_H)
$(ASAN_DIR)/obj/gen/onnx.pb-c.o: $(ONNX_PB_C)
	@mkdir -p $(dir $@)
	$(Q)$(CC) $(filter-out -Werror,$(ASAN_CFLAGS)) -I$(ONNX_GEN_DIR) -c $< -o $@
$(ASAN_LIB): $(ASAN_DIR)/obj/gen/onnx.pb-c.o
ONNX_FUZZ_OBJS := $(filter $(FUZZ_DIR)/obj/sim/onnx/%,$(FUZZ_SIM))
$(ONNX_FUZZ_OBJS): FUZZ_CFLAGS += -I$(ONNX_GEN_DIR)
$(ONNX_FUZZ_OBJS): | $(ONNX_PB_H)
fuzz-coverage: $(ONNX_PB_C)
$(FUZZ_DIR)/obj/gen/onnx.pb-c.o: $(ONNX_PB_C)
	@mkdir -p $(dir $@)
	$(Q)$(FUZZ_CC) $(filter-out -Werror,$(FUZZ_CFLAGS)) -I$(ONNX_GEN_DIR) -c $< -o $@
$(FUZZ_LIB): $(FUZZ_DIR)/obj/gen/onnx.pb-c.o

.PHONY: onnx-test
onnx-test: $(BIN)
	$(Q)bash tests/onnx/run.sh $(BIN)

TEST_TARGETS += onnx-test
