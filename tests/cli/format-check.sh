#!/usr/bin/env bash
# Every tracked C and C++ source is formatted as .clang-format says, so a
# diff shows what changed and never how someone's editor wraps lines.
#
#   tests/cli/format-check.sh              check the tracked sources
#   tests/cli/format-check.sh --self-test  also show that a misformatted
#                                          file fails
#   make format                            reformat everything in place
set -uo pipefail
cd "$(dirname "$0")/../.."
CF=${CLANG_FORMAT:-clang-format}
command -v "$CF" >/dev/null || { echo "format-check: $CF not found, expected clang-format (make deps)" >&2; exit 1; }

# Generated code (protobuf-c's output lives under build/) is not tracked.
mapfile -t files < <(git ls-files '*.c' '*.h' '*.cpp' '*.hpp')
[ ${#files[@]} -gt 0 ] || { echo "format-check: no sources found (not a git checkout?)" >&2; exit 1; }
if ! out=$("$CF" --dry-run -Werror "${files[@]}" 2>&1); then
  echo "format-check: FAIL: these sources are not formatted (run make format):" >&2
  echo "$out" | grep -E '^[^ ].*(error|warning):' | cut -d: -f1 | sort -u | sed 's/^/  /' >&2
  exit 1
fi

if [ "${1:-}" = --self-test ]; then
  T=$(mktemp -d "${TMPDIR:-/tmp}/sharpsim-format.XXXXXX")
  trap 'rm -rf "$T"' EXIT
  cp .clang-format "$T/"
  printf 'int f(int x){if(x) return 1;\n  return 0;}\n' >"$T/bad.c"
  printf 'int f(int x)\n{\n\tif (x)\n\t\treturn 1;\n\treturn 0;\n}\n' >"$T/good.c"
  (cd "$T" && "$CF" --dry-run -Werror bad.c >/dev/null 2>&1) &&
    { echo "format-check: self-test: a misformatted file passed" >&2; exit 1; }
  (cd "$T" && "$CF" --dry-run -Werror good.c >/dev/null 2>&1) ||
    { echo "format-check: self-test: a formatted file failed" >&2; exit 1; }
  echo "format-check: ${#files[@]} sources formatted (a misformatted file is caught)"
else
  echo "format-check: ${#files[@]} sources formatted"
fi
