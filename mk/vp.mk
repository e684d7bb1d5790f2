# mk/vp.mk - the accelerator as a SystemC TLM-2.0 model for virtual
# platforms (cosim/tlm/, docs/vp.md).
#
#   make vp          build/vp/sharpsim-vp: plays a driver trace on a
#                    minimal platform (trace player, accelerator, memory)
#   make vp-test     boots one LSTM layer over MMIO and DMA; h must equal the
#                    plain simulator's functional output bit for bit
#
# C++ is a thin layer over libsharpsim.a; SystemC 2.3.4 on Debian is built
# as C++17, so everything that includes systemc.h is -std=gnu++17.

VP_DIR   := $(BUILD)/vp
VP_BIN   := $(VP_DIR)/sharpsim-vp
VP_SRCS  := cosim/tlm/sharp_tlm.cpp cosim/tlm/memory.cpp cosim/tlm/trace_player.cpp cosim/tlm/vp_main.cpp
VP_HDRS  := cosim/tlm/sharp_tlm.h cosim/tlm/memory.h cosim/tlm/trace_player.h
VP_CXXFLAGS := -std=gnu++17 -O2 -g -Wall -Wextra -Werror -Isim -Icosim/tlm -MMD -MP
VP_LIBS  := $(shell pkg-config --libs systemc 2>/dev/null || echo -lsystemc) $(LDLIBS)
VP_OBJS  := $(VP_SRCS:cosim/tlm/%.cpp=$(VP_DIR)/obj/%.o)

$(VP_DIR)/obj/%.o: cosim/tlm/%.cpp $(VP_HDRS)
	@mkdir -p $(dir $@)
	@[ "$(V)" = 1 ] || echo "  CXX     $<"
	$(Q)$(CXX) $(VP_CXXFLAGS) -c $< -o $@

$(VP_BIN): $(VP_OBJS) $(LIB)
	@[ "$(V)" = 1 ] || echo "  LD      $@"
	$(Q)$(CXX) -o $@ $(VP_OBJS) $(LIB) $(VP_LIBS)

$(VP_DIR)/vp_data: cosim/tlm/vp_data.cpp $(LIB)
	@mkdir -p $(dir $@)
	@[ "$(V)" = 1 ] || echo "  CXX     $@"
	$(Q)$(CXX) $(VP_CXXFLAGS) -o $@ $< $(LIB) $(LDLIBS)

# The objects embed the simulator's structs (hw_cfg_t, run_result_t): a
# change to a sim/ header must rebuild them, or the VP runs on stale layouts.
-include $(VP_OBJS:.o=.d) $(VP_DIR)/vp_data.d

.PHONY: vp vp-test
vp: $(VP_BIN)

# The boot test. Closed form of the interrupt's time, counted from the end
# of the START write: the DMA moves 35 bursts of 256 bytes (16 + 16 for W
# and U, 1 for b, 1 for x, 1 for h), each costing the memory's 50 ns plus
# 256 / 16 x 1 ns = 66 ns, so 2310 ns, plus the layer's cycles at the
# config's 500 MHz (2 ns each), where the cycles are those of `sharpsim
# run` on the same layer. Then the same boot must FAIL against a corrupted
# reference h, and a trace with a typo must be refused with file:line:col.
VP_TEST := $(VP_DIR)/test
vp-test: export SC_COPYRIGHT_MESSAGE = DISABLE
vp-test: $(VP_BIN) $(VP_DIR)/vp_data $(BIN)
	$(Q)rm -rf $(VP_TEST) && mkdir -p $(VP_TEST)/ref
	$(Q)$(VP_DIR)/vp_data $(VP_TEST) lstm 16 16 4 1 7
	$(Q)$(BIN) run --workload $(VP_TEST)/layer.yaml --functional --dump-outputs $(VP_TEST)/ref \
		--format json --out $(VP_TEST)/ref.json
	$(Q)$(VP_BIN) --data $(VP_TEST) cosim/tlm/traces/lstm_boot.trace > $(VP_TEST)/boot.log 2>&1 \
		|| { cat $(VP_TEST)/boot.log; exit 1; }
	$(Q)cyc=$$(python3 -c "import json; print(json.load(open('$(VP_TEST)/ref.json'))['cycles'])"); \
	got=$$(sed -n 's/.*read_reg 0x180 = 0x\([0-9a-f]*\).*/\1/p' $(VP_TEST)/boot.log); \
	[ "$$((0x$$got))" = "$$cyc" ] || { echo "vp-test: CYCLES register $$((0x$$got)), sharpsim run $$cyc"; exit 1; }; \
	start=$$(grep -A1 'write_reg 0x008' $(VP_TEST)/boot.log | tail -1 | sed 's/.*@\([0-9.]*\) ns.*/\1/'); \
	irq=$$(sed -n 's/.*@\([0-9.]*\) ns wait_irq.*/\1/p' $(VP_TEST)/boot.log); \
	want=$$(( 35 * 66 + 2 * cyc )); \
	awk -v s="$$start" -v i="$$irq" -v w="$$want" 'BEGIN { exit !(i - s == w) }' || \
		{ echo "vp-test: interrupt $$irq ns - $$start ns, expected 35 x 66 + 2 x $$cyc = $$want ns"; exit 1; }; \
	echo "vp-test: LSTM 16x16, 4 steps over MMIO + DMA: h equals sharpsim run's bit for bit; $$cyc cycles," \
		"interrupt $$want ns after START (35 x 66 ns DMA + $$cyc x 2 ns)"
	$(Q)cp -r $(VP_TEST) $(VP_DIR)/broken && f=$(VP_DIR)/broken/ref/layer0_h.npy && \
	printf '\001' | dd of=$$f bs=1 seek=$$(( $$(stat -c %s $$f) - 1 )) conv=notrunc 2> /dev/null && \
	if $(VP_BIN) --data $(VP_DIR)/broken cosim/tlm/traces/lstm_boot.trace > $(VP_DIR)/broken/boot.log 2>&1; then \
		echo "vp-test: check_mem missed a corrupted reference h"; exit 1; fi; \
	grep -q 'FAIL: check_mem' $(VP_DIR)/broken/boot.log || { cat $(VP_DIR)/broken/boot.log; exit 1; }; \
	echo "vp-test: a corrupted reference h is rejected (expected): $$(grep -m1 'FAIL: check_mem' $(VP_DIR)/broken/boot.log | cut -c1-160)"
	$(Q)printf 'write_reg 0x100 0\nwirte_reg 0x104 16\n' > $(VP_DIR)/typo.trace; \
	$(VP_BIN) $(VP_DIR)/typo.trace > $(VP_DIR)/typo.log 2>&1; rc=$$?; \
	[ $$rc -eq 2 ] && grep -q '^$(VP_DIR)/typo.trace:2:1: unknown command' $(VP_DIR)/typo.log || \
		{ echo "vp-test: a bad trace gave exit $$rc:"; cat $(VP_DIR)/typo.log; exit 1; }; \
	echo "vp-test: a trace with a typo is refused (expected): $$(cat $(VP_DIR)/typo.log)"

TEST_TARGETS += vp-test
