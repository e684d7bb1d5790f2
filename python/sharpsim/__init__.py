"""sharpsim from Python: run a config, a workload and overrides, or a sweep,
and get the results as dicts (or a pandas DataFrame when pandas is there).

The package drives the ``sharpsim`` command line and reads its JSON output,
so it needs nothing but the standard library and a built ``sharpsim``:

    import sharpsim
    r = sharpsim.run("configs/sharp-4k.yaml", "workloads/examples/lstm_tiny.yaml",
                     overrides={"compute.vs_units": 64}, scheduler="unfolded")
    r["cycles"], r["utilization"], r["energy_uj"]

    df = sharpsim.sweep({"hw": ["configs/sharp-1k.yaml"],
                         "workloads": ["workloads/examples/lstm_tiny.yaml"],
                         "params": {"compute.vs_units": [8, 16, 32]}})

The executable is, in order: the ``binary`` argument, ``$SHARPSIM``,
``sharpsim`` on ``PATH``, or ``build/sharpsim`` of the source tree this
package sits in. Errors of the simulator raise :class:`SharpsimError`
carrying its exit status and its one-line message.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import tempfile
from typing import Any, Dict, Iterable, List, Mapping, Optional, Sequence, Union

__all__ = ["SharpsimError", "binary", "run", "sweep", "plot", "read_results", "SCHEMA"]
__version__ = "0.1.0"

#: The results schema this package reads (the ``schema`` column of the CSV).
SCHEMA = 4

Overrides = Union[None, Mapping[str, Any], Iterable[str]]


class SharpsimError(RuntimeError):
    """The simulator refused or failed: ``status`` is its exit status (2 bad
    input, 3 I/O, 4 deadlock, 5 internal), ``message`` its stderr."""

    def __init__(self, status: int, message: str, argv: Sequence[str]):
        super().__init__(f"sharpsim exited {status}: {message.strip()}")
        self.status = status
        self.message = message
        self.argv = list(argv)


def binary(path: Optional[str] = None) -> str:
    """The sharpsim executable that will be run."""
    if path:
        return path
    env = os.environ.get("SHARPSIM")
    if env:
        return env
    found = shutil.which("sharpsim")
    if found:
        return found
    here = os.path.dirname(os.path.abspath(__file__))
    tree = os.path.join(here, os.pardir, os.pardir, "build", "sharpsim")
    if os.access(tree, os.X_OK):
        return os.path.normpath(tree)
    raise SharpsimError(127, "sharpsim not found: build it (make) and put it on PATH, or set $SHARPSIM", [])


def _value(v: Any) -> str:
    if isinstance(v, bool):
        return "true" if v else "false"
    return str(v)


def _pairs(flag: str, overrides: Overrides) -> List[str]:
    if not overrides:
        return []
    items = overrides.items() if isinstance(overrides, Mapping) else (s.split("=", 1) for s in overrides)
    out: List[str] = []
    for k, v in items:
        out += [flag, f"{k}={_value(v)}"]
    return out


def _call(argv: List[str], cwd: Optional[str]) -> str:
    p = subprocess.run(argv, cwd=cwd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    if p.returncode != 0:
        raise SharpsimError(p.returncode, p.stderr, argv)
    return p.stdout


def run(hw: Optional[str] = None, workload: Optional[str] = None, overrides: Overrides = None,
        workload_overrides: Overrides = None, scheduler: Optional[str] = None, *, cold: bool = False,
        energy: bool = True, tech: Optional[str] = None, functional: bool = False, seed: Optional[int] = None,
        reference: bool = False, fast_forward: bool = True, extra: Sequence[str] = (), binary_path: Optional[str] = None,
        cwd: Optional[str] = None) -> Dict[str, Any]:
    """Runs one workload on one hardware config; returns ``run --format
    json`` as a dict (cycles, latency_us, utilization, layers, counters,
    and the energy fields unless ``energy=False``).

    ``overrides`` are hardware keys (``-p``), ``workload_overrides`` keys of
    every workload layer (``-w``); each a dict or ``"key=value"`` strings.
    ``reference`` (with ``functional``) runs the double reference, so that
    ``error`` holds the datapath's error against it.
    """
    argv = [binary(binary_path), "run", "--format", "json"]
    if hw:
        argv += ["--hw", hw]
    if workload:
        argv += ["--workload", workload]
    if scheduler:
        argv += ["--scheduler", scheduler]
    argv += _pairs("-p", overrides) + _pairs("-w", workload_overrides)
    if cold:
        argv.append("--cold")
    if not energy:
        argv.append("--no-energy")
    if tech:
        argv += ["--tech", tech]
    if functional:
        argv.append("--functional")
    if seed is not None:
        argv += ["--seed", str(seed)]
    if reference:
        argv.append("--reference")
    if not fast_forward:
        argv.append("--no-fast-forward")
    argv += list(extra)
    return json.loads(_call(argv, cwd))


def read_results(directory: str, as_frame: Optional[bool] = None):
    """The rows of a sweep's results directory (``results.jsonl``): a list
    of dicts, or a DataFrame when ``as_frame`` (default: pandas importable)."""
    with open(os.path.join(directory, "results.jsonl"), encoding="utf-8") as f:
        rows = [json.loads(line) for line in f if line.strip()]
    return _frame(rows, as_frame)


def _frame(rows: List[Dict[str, Any]], as_frame: Optional[bool]):
    if as_frame is False:
        return rows
    try:
        import pandas  # noqa: PLC0415 - optional
    except ImportError:
        if as_frame:
            raise
        return rows
    return pandas.DataFrame(rows)


def _spec_file(spec: Mapping[str, Any], tmp: str) -> str:
    # JSON is YAML's flow style, so the spec needs no YAML writer.
    path = os.path.join(tmp, "spec.yaml")
    with open(path, "w", encoding="utf-8") as f:
        json.dump(spec, f, indent=1)
    return path


def sweep(spec: Union[str, Mapping[str, Any]], out: Optional[str] = None, *, jobs: Optional[int] = None,
          resume: bool = False, fast_forward: bool = True, per_layer: bool = False,
          as_frame: Optional[bool] = None, binary_path: Optional[str] = None, cwd: Optional[str] = None):
    """Runs a sweep (a spec file, or a spec as a dict in the same keys:
    docs/sweeps.md) and returns its rows, canonically ordered: a DataFrame
    when pandas is importable (or ``as_frame=True``), else a list of dicts.

    Without ``out`` the results go to a temporary directory that is removed
    afterwards. Paths in a dict spec resolve against ``cwd`` (default: the
    current directory). ``per_layer`` (``--per-layer``) adds each point's
    layer passes as rows with ``row == "layer"`` after the point's own.
    """
    with tempfile.TemporaryDirectory(prefix="sharpsim-") as tmp:
        path = spec if isinstance(spec, str) else _spec_file(spec, tmp)
        dest = out or os.path.join(tmp, "results")
        argv = [binary(binary_path), "sweep", path, "--out", dest, "--quiet"]
        if jobs:
            argv += ["-j", str(jobs)]
        if resume:
            argv.append("--resume")
        if not fast_forward:
            argv.append("--no-fast-forward")
        if per_layer:
            argv.append("--per-layer")
        _call(argv, cwd)
        return read_results(dest, as_frame)


def plot(directory: str, y: Optional[str] = None, x: Optional[str] = None, group: Sequence[str] = (),
         facet: Sequence[str] = (), where: Mapping[str, Any] = None, formats: Sequence[str] = ("png", "svg"),
         out: Optional[str] = None, title: Optional[str] = None, binary_path: Optional[str] = None,
         cwd: Optional[str] = None) -> List[str]:
    """Draws a sweep's results with ``sharpsim plot``; returns the files."""
    argv = [binary(binary_path), "plot", directory, "--format", ",".join(formats)]
    if y:
        argv += ["--y", y]
    if x:
        argv += ["--x", x]
    if group:
        argv += ["--group", ",".join(group)]
    if facet:
        argv += ["--facet", ",".join(facet)]
    for k, v in (where or {}).items():
        argv += ["--where", f"{k}={_value(v)}"]
    if out:
        argv += ["--out", out]
    if title:
        argv += ["--title", title]
    return _call(argv, cwd).split()
