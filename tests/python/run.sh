#!/usr/bin/env bash
# The Python package and its notebook:
#   - pip installs the package from a copy of the repository into a
#     scratch directory (no network: --no-index --no-build-isolation);
#   - runs tests/python/test_sharpsim.py against that installed copy;
#   - executes examples/sweep.ipynb headless (nbclient), so it cannot rot,
#     and checks that it drew its figure.
# Uses Debian's interpreter ($PYTHON, default /usr/bin/python3), which has
# pandas, matplotlib, nbclient and ipykernel (scripts/install-deps.sh).
#   tests/python/run.sh [BIN]
set -eu
BIN=$(cd "$(dirname "${1:-build/sharpsim}")" && pwd)/$(basename "${1:-build/sharpsim}")
PY=${PYTHON:-/usr/bin/python3}
T=$(mktemp -d "${TMPDIR:-/tmp}/sharpsim-python.XXXXXX")
trap 'rm -rf "$T"' EXIT
mkdir -p "$T/src"
cp -r pyproject.toml python "$T/src/"
"$PY" -m pip install --quiet --no-build-isolation --no-deps --no-index --disable-pip-version-check \
	--target "$T/site" "$T/src" > "$T/pip.log" 2>&1 || { cat "$T/pip.log" >&2; exit 1; }
export SHARPSIM="$BIN" SHARPSIM_ROOT="$PWD" PYTHONPATH="$T/site" MPLBACKEND=Agg PYDEVD_DISABLE_FILE_VALIDATION=1
"$PY" -m unittest -q tests/python/test_sharpsim.py 2> "$T/unit.log" || { cat "$T/unit.log" >&2; exit 1; }
n=$(grep -o 'Ran [0-9]* tests' "$T/unit.log")
SHARPSIM_NOTEBOOK_FIGURE="$T/figure.png" "$PY" - examples/sweep.ipynb <<'PY'
import sys
import nbformat
from nbclient import NotebookClient
nb = nbformat.read(sys.argv[1], as_version=4)
NotebookClient(nb, timeout=300, kernel_name="python3", resources={"metadata": {"path": "examples"}}).execute()
PY
head -c 8 "$T/figure.png" | od -An -c | grep -q 'P   N   G' || { echo "python: the notebook drew no figure" >&2; exit 1; }
echo "python: ok ($n against the pip-installed package; examples/sweep.ipynb executed)"
