#!/usr/bin/env bash
# Rewrites tests/golden/*.json from tests/golden/cases.txt. Run it on
# purpose, after a change that is meant to move the results, and commit
# the new files with a message that says why they moved.
set -euo pipefail
cd "$(dirname "$0")/.."
make -s build/sharpsim
grep -v '^#' tests/golden/cases.txt | while IFS='|' read -r name args; do
  name=$(echo "$name" | xargs)
  # shellcheck disable=SC2086
  build/sharpsim run $args --out "tests/golden/$name.json"
  echo "golden: tests/golden/$name.json"
done
