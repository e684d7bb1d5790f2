# energy.mk - the energy, power and area model's studies (docs/energy.md).
#
#   make validate-power  run every DeepBench LSTM inference shape (I = H,
#                        weights resident, warm start) on configs/sharp-1k..64k
#                        and compare area, area shares and average power with
#                        the published 32 nm SHARP; prints the 1K/64K fit and
#                        the 4K/16K prediction errors (60 runs)
#   make plot-power      the paper's Figure-15-style power breakdown per budget
#                        from validate-power's output (PNG and SVG)
#
# The energy unit tests run with the other suites (CK_RUN_SUITE=energy).

ENERGY_TECH ?= configs/tech/sharp-32nm.yaml
POWER_OUT   := $(BUILD)/validate-power

.PHONY: validate-power plot-power

validate-power: $(BIN)
	$(Q)bash scripts/validate-power.sh --tech $(ENERGY_TECH)

plot-power:
	$(Q)[ -r $(POWER_OUT)/power-breakdown.dat ] || $(MAKE) --no-print-directory validate-power
	$(Q)bash scripts/plot-power.sh $(POWER_OUT) $(ENERGY_TECH)
