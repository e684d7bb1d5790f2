# tools.mk - tests of the tools around the simulator: figures (sharpsim
# plot), the Python package and its notebook, traces and output files.
#
#   make plot-test     hostile names, the collapse case, views (tests/plot/)
#   make trace-test    trace windows, filters, cap, shared paths (tests/trace/)
#   make python-test   the Python package, pip-installed, and examples/sweep.ipynb
#                      executed headless (tests/python/)
#   make outputs-test  one CSV schema, per-layer rows, dump-config,
#                      -j2, the demo table, file modes (tests/tools/)
#   make baselines-test the study of SHARP against every baseline machine
#                      runs and draws (scripts/studies/baselines.sh)
.PHONY: plot-test trace-test python-test outputs-test baselines-test

plot-test: $(BIN)
	$(Q)bash tests/plot/plot.sh $(BIN)

TEST_TARGETS += plot-test

trace-test: $(BIN)
	$(Q)bash tests/trace/trace.sh $(BIN)

TEST_TARGETS += trace-test

python-test: $(BIN)
	$(Q)bash tests/python/run.sh $(BIN)

TEST_TARGETS += python-test

outputs-test: $(BIN)
	$(Q)bash tests/tools/outputs.sh $(BIN)

TEST_TARGETS += outputs-test

baselines-test: $(BIN)
	$(Q)bash tests/tools/baselines.sh $(BIN)

TEST_TARGETS += baselines-test
