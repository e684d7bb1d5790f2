# Command-line and golden-file tests of the simulator (tests/cli/).
.PHONY: cli-test golden-test
cli-test: $(BIN)
	$(Q)bash tests/cli/run.sh

golden-test: $(BIN)
	$(Q)bash tests/cli/golden.sh

TEST_TARGETS += cli-test golden-test
