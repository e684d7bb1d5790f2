# Offline compression and progressive-inference tools (sim/compress,
# sim/approx): the SVD calls LAPACKE, which the program links statically
# (Makefile, BIN_LDLIBS); their value checks against numpy run in approx-test.

.PHONY: approx-test
approx-test: $(BIN)
	$(Q)bash tests/approx/run.sh

TEST_TARGETS += approx-test

# The offline convergence figure of progressive inference on the shipped
# model (scripts/plot-convergence.sh; a few minutes).
.PHONY: convergence
convergence: $(BIN)
	$(Q)bash scripts/plot-convergence.sh $(BUILD)/convergence
