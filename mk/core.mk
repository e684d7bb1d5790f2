# Command-line and golden-file tests of the simulator (tests/cli/).
.PHONY: cli-test golden-test
cli-test: $(BIN)
	$(Q)bash tests/cli/run.sh
	$(Q)bash tests/cli/tiles.sh
	$(Q)bash tests/cli/epur.sh
	$(Q)bash tests/cli/brainwave.sh
	$(Q)bash tests/cli/rnnaccel.sh

golden-test: $(BIN)
	$(Q)bash tests/cli/golden.sh

TEST_TARGETS += cli-test golden-test

# Units read a cell's descriptor; only sim/cell/ names cell kinds.
.PHONY: cell-kinds
cell-kinds:
	$(Q)bash tests/cli/cell-kinds.sh --self-test

TEST_TARGETS += cell-kinds

# One formatting for every C and C++ source (.clang-format).
.PHONY: format format-check
format:
	$(Q)clang-format -i $$(git ls-files '*.c' '*.h' '*.cpp' '*.hpp')

format-check:
	$(Q)bash tests/cli/format-check.sh --self-test

TEST_TARGETS += format-check
