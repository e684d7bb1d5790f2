# Offline compression and progressive-inference tools (sim/compress,
# sim/approx): the SVD needs LAPACKE; their value checks against numpy run
# in approx-test.
LDLIBS += -llapacke

.PHONY: approx-test
approx-test: $(BIN)
	$(Q)bash tests/approx/run.sh

TEST_TARGETS += approx-test
