# install.mk - the project stands on its own: no path outside the tree.
#
#   make no-abs-paths   the tracked files name no absolute or external path
#                       (tests/cli/no-abs-paths.sh states the rule) and the
#                       check catches planted violations

.PHONY: no-abs-paths

no-abs-paths:
	$(Q)bash tests/cli/no-abs-paths.sh --self-test

TEST_TARGETS += no-abs-paths
