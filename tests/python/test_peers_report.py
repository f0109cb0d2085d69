"""Tests of bench/peers/run_peers.py's fraction-of-peak table: each repetition's 2-thread
run set against its own 1-thread run, for the workload and for the FMA peaks probed after
them (the bound a reader needs where the 2-thread target is missed).
Run: /usr/bin/python3 tests/python/test_peers_report.py   (exits non-zero on a failure)"""
import os
import sys
import unittest

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
sys.path.insert(0, os.path.join(ROOT, "bench", "peers"))
import run_peers  # noqa: E402

WORKLOADS = {"models": {"mlp": {"widths": [4, 3, 2]}}, "peak_fraction": {"mlp/256": None}}


def record(rep, threads, samples, peak):
    return {"impl": "sgdbench", "workload": "mlp", "batch": "256", "threads": threads,
            "rep": rep, "samples_per_s": samples, "adjacent_peak_gflops": peak}


class ScalingAgainstOneThread(unittest.TestCase):
    def setUp(self):
        self.records = [
            record(0, 1, 100.0, 50.0), record(0, 2, 150.0, 100.0),
            record(1, 1, 200.0, 40.0), record(1, 2, 400.0, 52.0),
            record(2, 2, 999.0, 999.0),  # no 1-thread run in repetition 2: no ratio
            {**record(0, 1, 1.0, 1.0), "impl": "pytorch"},  # not ours: ignored
        ]
        self.rows = {r["threads"]: r for r in run_peers.peak_fractions(self.records, WORKLOADS)}

    def test_each_repetition_against_its_own_one_thread_run(self):
        self.assertEqual(self.rows[2]["scaling"], [1.5, 2.0])
        self.assertEqual(self.rows[2]["peak_scaling"], [2.0, 1.3])
        self.assertEqual(self.rows[1]["scaling"], [])

    def test_the_table_shows_both_medians_and_their_ranges(self):
        lines = run_peers.peak_fraction_table(list(self.rows.values()))
        two = next(line for line in lines if line.startswith("| mlp | 256 | 2 |"))
        self.assertTrue(two.endswith("| 1.75× (1.50–2.00) | 1.65× (1.30–2.00) |"), two)
        one = next(line for line in lines if line.startswith("| mlp | 256 | 1 |"))
        self.assertTrue(one.endswith("| – | – |"), one)


if __name__ == "__main__":
    unittest.main()
