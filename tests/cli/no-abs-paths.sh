#!/usr/bin/env bash
# The repository must not depend on, or point a reader at, the machine it was
# written on. Rule for every tracked file:
#
#   - no absolute path into a user's or a site's tree: a path whose first
#     component is one of the roots listed in $roots below (users' homes,
#     mounts, work and scratch areas, /opt, /srv, /var, /etc), after a
#     space, a quote, '=', '(', ':', ',', a backquote or the start of a line;
#   - no reference to material outside the repository: the sibling folder
#     of briefs and data the project was written beside ($ext_re below), or
#     the name of the external brief the hardware description replaced
#     (docs/hardware.md is the project's own);
#   - documentation and data (*.md, *.yaml, *.csv, *.1) name no /tmp/ path
#     either: examples use relative paths.
#
# Allowed: system paths a tool or the OS defines, /usr/... (e.g.
# /usr/bin/python3, the default PREFIX /usr/local), /bin/bash, /dev/null,
# /proc/self/exe, and mkdtemp templates under /tmp/ in tests and scripts.
#
#   tests/cli/no-abs-paths.sh             check the tracked files
#   tests/cli/no-abs-paths.sh --self-test also show that planted files fail
set -uo pipefail
cd "$(dirname "$0")/../.."
self=tests/cli/no-abs-paths.sh

# Every pattern is built from pieces so that this file names none of the
# paths it forbids.
brief="MODEL""[.]md"
sib="sha""red"
roots="work|home|root|Users|mnt|media|opt|srv|var|etc|$sib|scratch|nfs"
abs_re="(^|[[:space:]'\"=(:,\`])/($roots)/"
ext_re="$sib/docs|$sib/data|\.\./$sib|$brief"
doc_re="(^|[[:space:]'\"=(:,\`])/tmp/"

# scan FILE...: prints file:line: text of every violation; 1 if any.
scan() {
  local hits docs
  hits=$(grep -n -H -I -E "$abs_re|$ext_re" -- "$@" 2>/dev/null)
  docs=()
  for f in "$@"; do
    case "$f" in *.md | *.yaml | *.csv | *.1) docs+=("$f") ;; esac
  done
  if [ ${#docs[@]} -gt 0 ]; then
    hits+=$(grep -n -H -I -E "$doc_re" -- "${docs[@]}" 2>/dev/null)
  fi
  [ -z "$hits" ] && return 0
  printf '%s\n' "$hits"
  return 1
}

# The tracked files (a plain copy of the tree without .git: every file).
tracked() {
  if git rev-parse --is-inside-work-tree >/dev/null 2>&1; then
    git ls-files -z
  else
    find . -type f -not -path './build/*' -printf '%P\0'
  fi
}

files=()
while IFS= read -r -d '' f; do
  [ "$f" = "$self" ] || [ ! -f "$f" ] || files+=("$f")
done < <(tracked)

if ! out=$(scan "${files[@]}"); then
  echo "no-abs-paths: FAIL: absolute or external paths in tracked files:"
  printf '%s\n' "$out"
  exit 1
fi
echo "no-abs-paths: ${#files[@]} tracked files, no absolute or external path"

[ "${1:-}" = --self-test ] || exit 0

# Each planted file must fail on its own; the clean one must pass.
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
printf 'data: /%s/x/y.csv\n' "wo""rk" >"$T/a.sh"
printf 'see ../%s/docs/M.md\n' "$sib" >"$T/b.c"
printf 'cite %s\n' "MODEL"".md" >"$T/c.h"
printf 'csv="/%s/u/deepbench.csv"\n' "ho""me" >"$T/d.sh"
printf 'run it in %s\n' "/tmp/x" >"$T/e.md"
printf 'x: 1 # from %s/data\n' "$sib" >"$T/f.yaml"
printf 'exec /usr/bin/python3 /dev/null %s\n' "/proc/self/exe" >"$T/clean.sh"
printf 'char t[] = "%s";\n' "/tmp/sharpsim-XXXXXX" >>"$T/clean.sh"
for f in a.sh b.c c.h d.sh e.md f.yaml; do
  if scan "$T/$f" >/dev/null; then
    echo "no-abs-paths: FAIL: the planted $f was not caught"
    exit 1
  fi
done
scan "$T/clean.sh" >/dev/null || { echo "no-abs-paths: FAIL: allowed system paths were rejected"; exit 1; }
echo "no-abs-paths: 6 planted files caught ($(scan "$T/a.sh" | sed "s#$T/##")), allowed paths pass"
