# The brainwave machine from the command line (tests/cli/brainwave.sh).
.PHONY: brainwave-cli-test
brainwave-cli-test: $(BIN)
	$(Q)bash tests/cli/brainwave.sh

TEST_TARGETS += brainwave-cli-test
