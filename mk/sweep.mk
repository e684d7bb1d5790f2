# sweep.mk - design-space sweeps, the paper's studies and their figures
# (docs/sweeps.md).
#
#   make figures      run every study of scripts/studies/ in full and draw it:
#                     build/studies/<study>/{results.csv,results.jsonl,figures/}
#                     (long: the two DeepBench studies are 1136 runs each;
#                     deepbench-streamed takes hours while the fast-forward
#                     does not cover streamed weights: it runs last, and
#                     `sharpsim sweep ... --resume` continues it)
#   make demo-sweep   a short DeepBench comparison (the LSTM shapes at batch 1)
#                     and the Figure 11 scheduler study: summary tables on
#                     stdout, figures in build/demo/<study>/figures/
#   make sweep-test   the sweep's shell tests (kill/resume, errors, merge,
#                     emit-jobs); part of `make test`
#   make bench-sweep  times the full deepbench study, with and without the
#                     exact fast-forward (scripts/bench-sweep.sh)

STUDIES   := schedulers utilization padding kwidth deepbench deepbench-streamed
STUDY_DIR := $(BUILD)/studies
DEMO_DIR  := $(BUILD)/demo

.PHONY: figures demo-sweep sweep-test bench-sweep

figures: $(BIN)
	$(Q)set -e; mkdir -p $(STUDY_DIR); for s in $(STUDIES); do \
		rm -rf $(STUDY_DIR)/$$s; \
		echo "== study $$s (summary: $(STUDY_DIR)/$$s.summary.txt)"; \
		$(BIN) sweep scripts/studies/$$s.yaml --out $(STUDY_DIR)/$$s > $(STUDY_DIR)/$$s.summary.txt; \
		tail -n 8 $(STUDY_DIR)/$$s.summary.txt; \
		$(BIN) plot $(STUDY_DIR)/$$s; \
	done

demo-sweep: $(BIN)
	$(Q)set -e; rm -rf $(DEMO_DIR); mkdir -p $(DEMO_DIR); \
	for s in demo-deepbench schedulers; do \
		echo "== study $$s (scripts/studies/$$s.yaml)"; \
		$(BIN) sweep scripts/studies/$$s.yaml --out $(DEMO_DIR)/$$s; \
		$(BIN) plot $(DEMO_DIR)/$$s; \
	done

sweep-test: $(BIN)
	$(Q)bash tests/sweep/cli.sh $(BIN)
	$(Q)bash tests/sweep/kill_resume.sh $(BIN) 20
	$(Q)bash tests/sweep/kill_resume.sh $(BIN) 6 --per-layer
	$(Q)bash tests/sweep/per_layer.sh $(BIN)

TEST_TARGETS += sweep-test

bench-sweep: $(BIN)
	$(Q)bash scripts/bench-sweep.sh $(BIN)
