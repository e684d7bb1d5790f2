#!/usr/bin/env bash
# No code outside the cells' own folder (sim/cell/) branches on which cell a
# layer is: units read the cell's descriptor (gates, phases, activations,
# per-element work, flags) instead, so a new cell is one file there. A
# comparison or case label on a cell kind (CELL_LSTM, CELL_GRU, ...)
# anywhere else under sim/ fails this test, except in the files listed
# below, each with its reason.
#
#   tests/cli/cell-kinds.sh             check the tracked sources
#   tests/cli/cell-kinds.sh --self-test also show that a planted branch fails
set -uo pipefail
cd "$(dirname "$0")/../.."

# Allowed, and why:
#   sim/func/ref.c         the double-precision reference restates each
#                          cell's equations by hand, so that a wrong
#                          descriptor cannot leak into what checks it;
#   sim/approx/apx_lstm.c  progressive rank-1 inference is defined for LSTM
#   sim/cli/cli_decompose.c  and vanilla layers only, and says so;
#   sim/onnx/onnx_import.c translates ONNX's LSTM, GRU and RNN operators,
#                          whose gate orders and inputs are the format's, to
#                          the cells that compute them;
#   sim/onnx/onnx_check.c  derives the error bound of each cell's arithmetic
#                          by hand, independently of the descriptors, for
#                          the reason ref.c restates the equations;
#   sim/machine/brainwave/bw_program.c  BrainWave's instruction-chain
#                          programs are written per cell, as its authors
#                          write the LSTM (the cell update folded into the
#                          gate chains), which the descriptor's cell-updater
#                          view does not give; a cell without a program
#                          there is an input error naming the layer.
allow="sim/func/ref.c sim/approx/apx_lstm.c sim/cli/cli_decompose.c sim/onnx/onnx_import.c sim/onnx/onnx_check.c"
allow="$allow sim/machine/brainwave/bw_program.c"
kinds="CELL_(LSTM|GRU|VANILLA|FC)[A-Z_]*"
re="(==|!=)[[:space:]]*$kinds\\b|\\bcase[[:space:]]+$kinds\\b|\\b$kinds[[:space:]]*(==|!=)"

# scan FILE...: prints file:line: text of every branch on a cell kind.
scan() {
  local f hits=0
  for f in "$@"; do
    case " $allow " in *" $f "*) continue ;; esac
    case "$f" in sim/cell/*) continue ;; esac
    if grep -n -H -E "$re" -- "$f"; then hits=1; fi
  done
  return "$hits"
}

mapfile -t files < <(git ls-files 'sim/*.c' 'sim/*.h' 2>/dev/null)
[ ${#files[@]} -gt 0 ] || { echo "cell-kinds: no sources found (not a git checkout?)" >&2; exit 1; }
if ! out=$(scan "${files[@]}"); then
  echo "cell-kinds: FAIL: code outside sim/cell/ branches on a cell kind (read the descriptor instead):" >&2
  echo "$out" >&2
  exit 1
fi

if [ "${1:-}" = --self-test ]; then
  T=$(mktemp -d "${TMPDIR:-/tmp}/sharpsim-cellkinds.XXXXXX")
  trap 'rm -rf "$T"' EXIT
  mkdir -p "$T/sim/mfu"
  printf 'if (l->cell == CELL_GRU)\n\treturn 3;\n' >"$T/sim/mfu/a.c"
  printf 'switch (k) {\ncase CELL_LSTM_PEEPHOLE:\n' >"$T/sim/mfu/b.c"
  printf 'if (d->flags & CELL_F_STATE && a == CELL_ACT_TANH)\n' >"$T/sim/mfu/ok.c"
  n=0
  for f in a b; do (cd "$T" && scan "sim/mfu/$f.c" >/dev/null) || n=$((n + 1)); done
  (cd "$T" && scan sim/mfu/ok.c >/dev/null) || { echo "cell-kinds: self-test: a descriptor flag was flagged" >&2; exit 1; }
  [ "$n" = 2 ] || { echo "cell-kinds: self-test: only $n of 2 planted branches caught" >&2; exit 1; }
  echo "cell-kinds: ${#files[@]} sources, no branch on a cell kind outside sim/cell/ (2 planted branches caught)"
else
  echo "cell-kinds: ${#files[@]} sources, no branch on a cell kind outside sim/cell/"
fi
