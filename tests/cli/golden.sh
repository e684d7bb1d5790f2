#!/usr/bin/env bash
# Golden regression: each pinned run must reproduce its JSON byte for byte.
# A difference fails `make test`; `make golden-update` rewrites them on purpose.
set -uo pipefail
cd "$(dirname "$0")/../.."
pass=0 fail=0
while IFS='|' read -r name args; do
  name=$(echo "$name" | xargs)
  out=$(mktemp)
  # shellcheck disable=SC2086
  if build/sharpsim run $args --out "$out" 2>/dev/null && cmp -s "$out" "tests/golden/$name.json"; then
    pass=$((pass + 1))
  else
    fail=$((fail + 1))
    echo "golden: $name differs from tests/golden/$name.json:"
    diff "tests/golden/$name.json" "$out" | head -20
  fi
  rm -f "$out"
done < <(grep -v '^#' tests/golden/cases.txt)
echo "golden: $pass passed, $fail failed"
[ "$fail" -eq 0 ] && [ "$pass" -gt 0 ]
