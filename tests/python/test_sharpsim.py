"""Tests of the sharpsim Python package (tests/python/run.sh runs them
against a pip-installed copy, with $SHARPSIM naming the binary)."""

import json
import os
import subprocess
import tempfile
import unittest

import sharpsim

ROOT = os.environ.get("SHARPSIM_ROOT", os.getcwd())
BIN = os.environ["SHARPSIM"]
TINY = "workloads/examples/lstm_tiny.yaml"


def cli_json(*args):
    """The command line's own JSON, read without the package."""
    out = subprocess.run([BIN, "run", "--format", "json", *args], cwd=ROOT, check=True,
                         stdout=subprocess.PIPE, text=True).stdout
    return json.loads(out)


class TestPackage(unittest.TestCase):
    def test_installed_copy(self):
        # The package under test is the pip-installed one, not the tree's.
        self.assertNotIn(os.path.join(ROOT, "python"), os.path.abspath(sharpsim.__file__))

    def test_run_matches_cli(self):
        got = sharpsim.run("configs/sharp-1k.yaml", TINY, overrides={"compute.vs_units": 16},
                           scheduler="batch", energy=False, cwd=ROOT)
        want = cli_json("--hw", "configs/sharp-1k.yaml", "--workload", TINY, "-p", "compute.vs_units=16",
                        "--scheduler", "batch", "--no-energy")
        self.assertEqual(got, want)
        self.assertEqual(got["macs_per_cycle"], 16 * 32)
        self.assertEqual(got["scheduler"], "batch")

    def test_overrides_as_strings_and_workload_keys(self):
        got = sharpsim.run(workload=TINY, overrides=["compute.vs_units=8"], workload_overrides={"timesteps": 3},
                           energy=False, cwd=ROOT)
        want = cli_json("--workload", TINY, "-p", "compute.vs_units=8", "-w", "timesteps=3", "--no-energy")
        self.assertEqual(got["cycles"], want["cycles"])
        self.assertEqual(got["layers"][0]["timesteps"], 3)

    def test_error_is_raised_with_status_and_message(self):
        with self.assertRaises(sharpsim.SharpsimError) as cm:
            sharpsim.run(workload=TINY, overrides={"compute.vs_unitz": 8}, cwd=ROOT)
        self.assertEqual(cm.exception.status, 2)
        self.assertIn("compute.vs_unitz", cm.exception.message)
        self.assertIn("did you mean", cm.exception.message)

    def test_sweep_dict_rows_match_runs(self):
        spec = {"hw": ["configs/sharp-1k.yaml"], "workloads": [TINY], "schedulers": ["sequential", "unfolded"],
                "params": {"compute.vs_units": [8, 16]}, "energy": False}
        rows = sharpsim.sweep(spec, as_frame=False, jobs=1, cwd=ROOT)
        self.assertEqual(len(rows), 4)
        for row in rows:
            r = cli_json("--hw", "configs/sharp-1k.yaml", "--workload", TINY, "--no-energy",
                         "--scheduler", row["scheduler"], "-p", f"compute.vs_units={row['compute.vs_units']}")
            self.assertEqual(row["cycles"], r["cycles"])
            self.assertEqual(row["config_hash"], r["config_hash"])

    def test_sweep_frame_and_file(self):
        import pandas
        with tempfile.TemporaryDirectory() as out:
            df = sharpsim.sweep(os.path.join(ROOT, "tests/sweep/fixtures/group.yaml"), out=out, cwd=ROOT)
            self.assertIsInstance(df, pandas.DataFrame)
            self.assertEqual(len(df), 3)
            self.assertTrue(os.path.exists(os.path.join(out, "journal")))
            self.assertEqual(list(sharpsim.read_results(out, as_frame=False)[0]), list(df.columns))
            files = sharpsim.plot(out, y="cycles", x="compute.vs_width", group=["compute.tile"],
                                  where={"compute.vs_units": 32}, formats=["pdf"], cwd=ROOT)
            self.assertEqual(len(files), 1)
            with open(files[0] if os.path.isabs(files[0]) else os.path.join(ROOT, files[0]), "rb") as f:
                self.assertEqual(f.read(4), b"%PDF")

    def test_bad_spec_raises(self):
        with self.assertRaises(sharpsim.SharpsimError) as cm:
            sharpsim.sweep({"hw": ["configs/sharp-1k.yaml"], "workloads": [TINY], "params": {"no.such": [1]}},
                           cwd=ROOT)
        self.assertEqual(cm.exception.status, 2)
        self.assertIn("no.such", cm.exception.message)


if __name__ == "__main__":
    unittest.main()
