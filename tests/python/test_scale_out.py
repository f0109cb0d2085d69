"""Tests of bench/scale_out/scale_out.py: the alpha-beta fit, the projection's arithmetic and
P*, and the whole folder from a small synthetic raw/ and batch-scaling runs.jsonl.
Run: /usr/bin/python3 tests/python/test_scale_out.py   (exits non-zero on a failure)"""
import json
import math
import os
import shutil
import sys
import tempfile
import unittest

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
sys.path.insert(0, os.path.join(ROOT, "bench", "scale_out"))
import scale_out  # noqa: E402

ALPHA, BETA = 2e-6, 1e-10


def write_jsonl(path, records):
    with open(path, "w") as f:
        for r in records:
            f.write(json.dumps(r) + "\n")


class AlphaBeta(unittest.TestCase):
    def test_recovers_a_straight_line(self):
        sizes = [8 * 4 ** i for i in range(12)]
        a, b, err = scale_out.fit_alpha_beta(sizes, [ALPHA + BETA * n for n in sizes])
        self.assertAlmostEqual(a / ALPHA, 1.0, places=6)
        self.assertAlmostEqual(b / BETA, 1.0, places=6)
        self.assertLess(err, 1e-6)


class Projection(unittest.TestCase):
    FIT = {"s_min": 10.0, "e_min": 1000.0}

    def test_step_time_and_the_tree(self):
        rows = scale_out.project(self.FIT, 1e-4, ALPHA, BETA, 1000, 10, [1, 2, 3, 4], 10**6)
        self.assertEqual([r["batch"] for r in rows], [10, 20, 30, 40])
        self.assertEqual(rows[0]["tree_comm_s"], 0.0)
        # 3 workers: ceil(log2 3) = 2 levels up and 2 down
        self.assertAlmostEqual(rows[2]["tree_comm_s"], 4 * (ALPHA + BETA * 1000))
        self.assertAlmostEqual(rows[3]["steps"], 10.0 + 1000.0 / 40)
        self.assertAlmostEqual(rows[1]["tree_time_s"],
                               (10 + 1000 / 20) * (1e-4 + 2 * (ALPHA + BETA * 1000)))

    def test_p_star_is_where_more_workers_stop_paying(self):
        workers = [2 ** i for i in range(11)]
        rows = scale_out.project(self.FIT, 1e-5, 5e-6, 0.0, 0, 1, workers, 10**6)
        # time(P) = (10 + 1000/P)(1e-5 + 1e-5 log2 P): brute force over the powers of 2
        expect = min(workers, key=lambda p: (10 + 1000 / p) * (1e-5 + 1e-5 * math.log2(p)))
        self.assertEqual(scale_out.best(rows, "tree_time_s")["workers"], expect)
        self.assertNotIn(expect, (1, 1024))  # an interior optimum: the test can fail

    def test_compute_per_worker_grows_with_the_ranks_as_measured(self):
        # Issue 38: the projection held compute per worker constant where 2 ranks measured
        # +29 %; it now grows by the measured fraction per doubling of P.
        rows = scale_out.project(self.FIT, 1e-4, 0.0, 0.0, 0, 10, [1, 2, 4, 8], 10**6, 0.29)
        self.assertAlmostEqual(rows[0]["compute_s"], 1e-4)
        self.assertAlmostEqual(rows[1]["compute_s"], 1.29e-4)
        self.assertAlmostEqual(rows[3]["compute_s"], 1e-4 * (1 + 0.29 * 3))
        measured = scale_out.project(dict(self.FIT, steps={20: 99.0}), 1e-4, 0.0, 0.0, 0, 10,
                                     [1, 2, 4], 10**6, measured=True)
        self.assertEqual([(r["workers"], r["steps"]) for r in measured], [(2, 99.0)])

    def test_no_batch_beyond_the_training_set(self):
        rows = scale_out.project(self.FIT, 1e-4, ALPHA, BETA, 1000, 64, [1, 2, 4, 8], 200)
        self.assertEqual([r["workers"] for r in rows], [1, 2])


class WholeFolder(unittest.TestCase):
    def setUp(self):
        self.dir = tempfile.mkdtemp()

    def tearDown(self):
        shutil.rmtree(self.dir)

    def test_summary_tables_and_plot(self):
        raw = os.path.join(self.dir, "raw")
        out = os.path.join(self.dir, "out")
        os.makedirs(raw)
        write_jsonl(os.path.join(raw, "probe.jsonl"),
                    [{"ranks": 2, "bytes": n, "p2p_one_way_s": ALPHA + BETA * n,
                      "bcast_s": ALPHA + BETA * n, "allreduce_s": 2 * (ALPHA + BETA * n)}
                     for n in (8, 512, 32768, 2097152)])
        runs = []
        for rep in (1, 2, 3):
            for ranks, sps, comm in ((1, 1000.0, 0.0), (2, 1800.0, 0.1)):
                runs.append({"workload": "softmax full batch", "rep": rep, "result": {
                    "variant": "softmax/plain/simd/mpi", "ranks": ranks, "threads": 1,
                    "batch_size": 100, "samples_per_s": sps, "seconds": 1.0,
                    "steps": sps / 100, "comm_seconds": comm, "reductions": sps / 100,
                    "comm_bytes_received": 31408 * sps / 100 if ranks > 1 else 0}})
            for b in (16, 64, 256, 1024):
                for rule in ("plain", "momentum"):
                    runs.append({"workload": f"softmax {rule} step", "rep": rep, "result": {
                        "variant": f"softmax/{rule}/simd/tbb", "threads": 1, "batch_size": b,
                        "samples_per_s": 1e6, "seconds": 1.0, "steps": 1e6 / b}})
        write_jsonl(os.path.join(raw, "throughput.jsonl"), runs)
        with open(os.path.join(raw, "machine.json"), "w") as f:
            json.dump({"cpu_model": "Test CPU", "logical_cores": 2, "git_commit": "abc"}, f)
        # batch scaling: S(B) = 10 + 1000 / B exactly, 3 seeds each
        scaling = []
        for variant in ("softmax/plain/simd/tbb", "softmax/momentum/simd/tbb"):
            for b in (16, 64, 256, 1024):
                for seed in (1, 2, 3):
                    s = 10 + 1000 / b
                    scaling.append({"type": "point", "variant": variant, "batch_size": b,
                                    "batching": "mini", "seed": seed, "phase": "final",
                                    "validation_accuracy": 0.9, "b_simple": 100.0})
                    scaling.append({"type": "run", "variant": variant, "batch_size": b,
                                    "batching": "mini", "seed": seed, "phase": "final",
                                    "targets": {"validation_accuracy>=0.8": {"updates": s}}})
        scaling.append({"type": "problems", "problems": [{"train_rows": 50000}]})
        write_jsonl(os.path.join(self.dir, "scaling.jsonl"), scaling)
        cluster = os.path.join(ROOT, "bench", "scale_out", "cluster.json")
        scale_out.main(raw, out, os.path.join(self.dir, "scaling.jsonl"), cluster)
        with open(os.path.join(out, "summary.md")) as f:
            text = f.read()
        self.assertIn("| 2 x 1 | 100 | 1,800 [1,800, 1,800] | 1.80x |", text)
        self.assertIn("| 10.0 % |", text)  # communication share: 0.1 s of 1 s
        self.assertIn("| softmax/plain/simd/tbb | 10.0 | 1000 | 100 | 100 (B = 16) to 100 "
                      "(B = 1024) | 64 |", text)
        self.assertIn("**(P*)**", text)
        # Issue 38: P* with its paired-bootstrap interval (seeds agree here: a point) and
        # beside it P* from the measured steps.
        self.assertIn("| 8 [8, 8] | 4 |", text)
        ab = scale_out.read_json(os.path.join(out, "alpha_beta.json"))
        self.assertAlmostEqual(ab["measured"]["point-to-point (one way)"]["alpha_s"] / ALPHA, 1, 5)
        for name in ("measured.csv", "projection.csv", "plots/time_to_target.svg"):
            self.assertTrue(os.path.exists(os.path.join(out, name)), name)


if __name__ == "__main__":
    unittest.main()
