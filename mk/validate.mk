# validate.mk - sharpsim against the SHARP paper's published results
# (scripts/validate.sh, report in docs/validation.md), and `sharpsim compare`.
#
#   make validate         rerun every paper-reproduction case, rewrite
#                         docs/validation.md and print a one-screen summary
#                         of its rows (about 15 s on this machine)
#   make validate-check   regenerate into build/validate/ and fail when
#                         docs/validation.md differs (byte compare): the
#                         committed report is stale or was edited by hand
#   make compare-test     `sharpsim compare` against `sharpsim run` and its errors,
#                         and its --per-layer rows
#   make validate-test    the check bites: an edited copy of a fresh report fails

.PHONY: validate validate-check compare-test validate-test

validate: $(BIN)
	$(Q)bash scripts/validate.sh --out docs/validation.md

validate-check: $(BIN)
	$(Q)bash scripts/validate.sh --check docs/validation.md

compare-test: $(BIN)
	$(Q)bash tests/compare/compare.sh
	$(Q)bash tests/compare/per_layer.sh $(BIN)

validate-test: $(BIN)
	$(Q)bash tests/validate/check.sh

TEST_TARGETS += compare-test validate-check validate-test
