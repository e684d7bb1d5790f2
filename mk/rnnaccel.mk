# RNNAccel's machine through the command line (tests/cli/rnnaccel.sh).
.PHONY: rnnaccel-cli-test
rnnaccel-cli-test: $(BIN)
	$(Q)bash tests/cli/rnnaccel.sh

TEST_TARGETS += rnnaccel-cli-test
