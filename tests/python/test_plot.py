"""Tests of bench/scripts/plot.py on small synthetic runs.jsonl files with several problems.
Run: /usr/bin/python3 tests/python/test_plot.py   (exits non-zero on a failure)"""
import contextlib
import io
import json
import os
import shutil
import sys
import tempfile
import unittest

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
sys.path.insert(0, os.path.join(ROOT, "bench", "scripts"))
import plot  # noqa: E402
import plot_style  # noqa: E402
from matplotlib.collections import PolyCollection  # noqa: E402

CURVES = [f"{y}_vs_{x}" for y in ("test_accuracy", "train_loss")
          for x in ("epoch", "grad_evals", "train_seconds")]
TARGET = "test_accuracy>=0.5"


def problem(dataset, rows, sizes, seconds, widths=None, seeds=(0, 1), lrs=(0.5,),
            suboptimality=False, evals=5, variant="v/plain/simd/tbb", geometric=False):
    """Point and run records of one problem: SGD at each mini-batch size and GD (the full
    batch), every seed and lr. Evaluation k of a run is at train_seconds seconds * k (or
    seconds * 10^(k - 1) when geometric; 0 at k = 0), the same for every seed; the accuracy
    rises with k and differs by seed."""
    out = []
    for b in list(sizes) + ["full"]:
        full = b == "full"
        bs = rows if full else b
        for lr in lrs:
            for seed in seeds:
                key = {"dataset": dataset, "variant": variant, "method": "GD" if full else "SGD",
                       "batching": "full" if full else "mini", "batch_size": bs, "lr": lr,
                       "seed": seed, "threads": 2, "phase": "final", "experiment": "synthetic"}
                if widths:
                    key["widths"] = widths
                for k in range(evals):
                    p = dict(key, type="point", epoch=float(k), grad_evals=k * rows,
                             updates=k * rows // bs,
                             train_seconds=0.0 if k == 0 else seconds * (
                                 10 ** (k - 1) if geometric else k),
                             train_loss=2.0 / (k + 1) + 0.01 * seed,
                             test_loss=2.1 / (k + 1),
                             test_accuracy=min(0.1 + 0.2 * k + 0.02 * seed, 1.0))
                    if suboptimality:
                        p["suboptimality"] = 1.0 / (k + 1) + 0.001 * seed
                    out.append(p)
                hit = {"seconds": seconds * 2, "epochs": 2.0, "updates": 2 * rows // bs + seed,
                       "grad_evals": 2 * rows}
                out.append(dict(key, type="run", status="ok", epoch=float(evals - 1),
                                updates=(evals - 1) * rows // bs, grad_evals=(evals - 1) * rows,
                                train_seconds=seconds * (evals - 1),
                                samples_per_second=rows / seconds * (1 + seed),
                                test_accuracy=0.9, train_loss=0.4, targets={TARGET: hit}))
    return out


def write(folder, records, problems, name="synthetic", analyses=None):
    os.makedirs(folder, exist_ok=True)
    cfg = {"name": name, "model": {"widths": [4, 3, 2]}}
    if analyses:
        cfg["analyses"] = analyses
    with open(os.path.join(folder, "runs.jsonl"), "w") as f:
        f.write(json.dumps({"type": "experiment", "config": cfg, "experiment": name,
                            "targets": [TARGET], "problems": []}) + "\n")
        for r in records:
            f.write(json.dumps(r) + "\n")
        f.write(json.dumps({"type": "problems", "experiment": name, "problems": problems}) + "\n")


def run_main(folder, formats=()):
    """plot.main's figures; the files only in `formats` (drawing them is most of the time:
    the tests that check files say so)."""
    saved = plot_style.FORMATS
    plot_style.FORMATS = formats
    try:
        with contextlib.redirect_stdout(io.StringIO()):
            return plot.main(folder)
    finally:
        plot_style.FORMATS = saved


def labelled(ax):
    return [ln for ln in ax.get_lines() if not ln.get_label().startswith("_")]


def bands(ax):
    return [c for c in ax.collections if isinstance(c, PolyCollection)]


class TwoDatasets(unittest.TestCase):
    """Problem A: 100 rows, B = 1, 10 and full (100), seconds 1e-4 ... 1e-1 (three
    decades); problem B: 1000 rows, B = 1, 20 and full (1000), seconds 1000 ... 4000, and
    F - F*. Two seeds; a tuning run of A that must not show."""
    SIZES = {"A": {1, 10, 100}, "B": {1, 20, 1000}}

    @classmethod
    def setUpClass(cls):
        cls.tmp = tempfile.mkdtemp(prefix="plot-test-")
        cls.folder = os.path.join(cls.tmp, "two")
        records = (problem("A", 100, [1, 10], 1e-4, geometric=True) +
                   problem("B", 1000, [1, 20], 1000.0, suboptimality=True))
        tune = [dict(r, phase="tune", lr=9.0) for r in problem("A", 100, [10], 1e-4, seeds=(0,))]
        write(cls.folder, tune + records,
              [{"dataset": "A", "train_rows": 100}, {"dataset": "B", "train_rows": 1000,
                                                     "f_star": 0.1}])
        cls.figs = run_main(cls.folder, formats=("png", "svg"))

    @classmethod
    def tearDownClass(cls):
        shutil.rmtree(cls.tmp)

    def panel(self, fig, name):
        for ax in fig.axes:
            if ax.get_title() == name:
                return ax
        self.fail(f"no panel titled {name!r} in {[ax.get_title() for ax in fig.axes]}")

    def test_files_keep_their_names(self):
        for name in CURVES + ["suboptimality_vs_epoch", "steps_to_target_vs_batch",
                              "throughput_vs_batch"]:
            self.assertIn(name, self.figs)
            for ext in ("png", "svg"):
                self.assertTrue(os.path.isfile(os.path.join(self.folder, "plots",
                                                            f"{name}.{ext}")), (name, ext))
        self.assertNotIn("test_accuracy_vs_updates", self.figs)

    def test_one_panel_per_problem_titled_by_it(self):
        for name in CURVES:
            fig = self.figs[name]
            self.assertEqual(len(fig.axes), 2, name)
            self.assertEqual([ax.get_title() for ax in fig.axes], ["A", "B"], name)

    def test_one_line_per_method_and_batch_size(self):
        for name in CURVES:
            for title, sizes in self.SIZES.items():
                ax = self.panel(self.figs[name], title)
                lines = labelled(ax)
                self.assertEqual(len(lines), len(sizes), (name, title))
                self.assertEqual(len(ax.get_lines()), len(sizes), (name, title))

    def test_labels_unique_and_name_the_batch_size(self):
        for name in CURVES:
            for title, sizes in self.SIZES.items():
                labels = [ln.get_label() for ln in labelled(self.panel(self.figs[name], title))]
                self.assertEqual(len(set(labels)), len(labels), (name, labels))
                named = set()
                for label in labels:
                    found = [b for b in sizes if f"B = {b})" in label or label.endswith(f"B = {b}")]
                    self.assertEqual(len(found), 1, (name, label))
                    named.add(found[0])
                self.assertEqual(named, sizes, (name, labels))
                legend = self.panel(self.figs[name], title).get_legend()
                self.assertIsNotNone(legend)
                self.assertEqual(sorted(t.get_text() for t in legend.get_texts()), sorted(labels))
                # One learning rate per line: no lr in the labels; the tuning run is out.
                self.assertFalse(any("lr" in label for label in labels), labels)

    def test_no_line_mixes_problems(self):
        fig = self.figs["test_accuracy_vs_train_seconds"]
        for ln in labelled(self.panel(fig, "A")):
            self.assertTrue(all(0 < x < 1 for x in ln.get_xdata()), ln.get_xdata())
        for ln in labelled(self.panel(fig, "B")):
            self.assertTrue(all(x == 0 or x >= 1000 for x in ln.get_xdata()), ln.get_xdata())
        for title, rows in (("A", 100), ("B", 1000)):
            ax = self.panel(self.figs["test_accuracy_vs_grad_evals"], title)
            for ln in labelled(ax):
                self.assertEqual(list(ln.get_xdata()), [k * rows for k in range(5)], title)
            ax = self.panel(self.figs["test_accuracy_vs_epoch"], title)
            for ln in labelled(ax):  # one run's cadence, not two problems end to end
                self.assertEqual(list(ln.get_xdata()), [0.0, 1.0, 2.0, 3.0, 4.0], title)

    def test_mean_over_seeds_and_band(self):
        ax = self.panel(self.figs["test_accuracy_vs_epoch"], "A")
        for ln in labelled(ax):
            y = list(ln.get_ydata())
            self.assertAlmostEqual(y[1], 0.1 + 0.2 + 0.01)  # seeds 0 and 1: +0, +0.02
        for name in CURVES:
            for title, sizes in self.SIZES.items():
                self.assertEqual(len(bands(self.panel(self.figs[name], title))), len(sizes),
                                 (name, title))
            self.assertIn("min-max over seeds", self.figs[name]._suptitle.get_text())

    def test_log_seconds_only_when_they_span_decades(self):
        fig = self.figs["train_loss_vs_train_seconds"]
        self.assertEqual(self.panel(fig, "A").get_xscale(), "log")
        self.assertEqual(self.panel(fig, "B").get_xscale(), "linear")
        self.assertEqual(self.panel(self.figs["train_loss_vs_epoch"], "A").get_xscale(), "linear")

    def test_metric_of_one_problem_has_its_panel_only(self):
        fig = self.figs["suboptimality_vs_epoch"]
        self.assertEqual([ax.get_title() for ax in fig.axes], ["B"])
        self.assertEqual(len(labelled(fig.axes[0])), 3)

    def test_steps_to_target_per_problem(self):
        fig = self.figs["steps_to_target_vs_batch"]
        self.assertEqual([ax.get_title() for ax in fig.axes], ["A", "B"])
        for title, sizes in self.SIZES.items():
            ax = self.panel(fig, title)
            lines = labelled(ax)
            self.assertEqual(len(lines), 2)  # (SGD, target) and (GD, target)
            labels = [ln.get_label() for ln in lines]
            self.assertEqual(len(set(labels)), len(labels))
            xs = {float(x) for ln in lines for x in ln.get_xdata()}
            self.assertEqual(xs, {float(b) for b in sizes}, title)
            self.assertGreaterEqual(len(bands(ax)), 1)  # two seeds, different updates

    def test_throughput_per_problem(self):
        fig = self.figs["throughput_vs_batch"]
        self.assertEqual([ax.get_title() for ax in fig.axes], ["A", "B"])
        for title, sizes in self.SIZES.items():
            ax = self.panel(fig, title)
            xs = {float(x) for ln in labelled(ax) for x in ln.get_xdata()}
            self.assertEqual(xs, {float(b) for b in sizes}, title)

    def test_describe(self):
        d = plot.describe(self.figs["test_accuracy_vs_epoch"])
        self.assertEqual([p["title"] for p in d], ["A", "B"])
        self.assertEqual([len(p["labels"]) for p in d], [3, 3])
        self.assertEqual([p["bands"] for p in d], [3, 3])

    def test_deterministic(self):
        with open(os.path.join(self.folder, "plots", "test_accuracy_vs_epoch.svg"), "rb") as f:
            first = f.read()
        again = os.path.join(self.tmp, "again", os.path.basename(self.folder))
        shutil.copytree(self.folder, again)
        shutil.rmtree(os.path.join(again, "plots"))
        # The figures again from the copy, and this one drawn as save() draws it (drawing
        # every figure again took 20 s: this file ran 60 s, now 21 s).
        fig = run_main(again)["test_accuracy_vs_epoch"]
        saved = plot_style.FORMATS
        plot_style.FORMATS = ("svg",)
        try:
            plot_style.save(fig, os.path.join(again, "plots"), "test_accuracy_vs_epoch")
        finally:
            plot_style.FORMATS = saved
        with open(os.path.join(again, "plots", "test_accuracy_vs_epoch.svg"), "rb") as f:
            self.assertEqual(f.read(), first)


class StepsToTargetIsTheCensoredMedian(unittest.TestCase):
    """Issue 38: the steps-to-target plot shows what the tables do. Three seeds per B: at
    B = 1 one seed missed (the median is the middle of 10, 12, never: 12, from the
    interpolated crossings); at B = 10 two missed (the median missed: no point drawn)."""

    def test_median_of_interpolated_crossings_and_no_point_where_it_missed(self):
        tmp = tempfile.mkdtemp()
        self.addCleanup(shutil.rmtree, tmp)
        records = [r for r in problem("A", 100, [1, 10], 1e-3, seeds=(0, 1, 2))
                   if r["type"] == "point" or r["batching"] == "mini"]
        for r in records:
            if r["type"] != "run":
                continue
            seed, b = r["seed"], r["batch_size"]
            if (b == 1 and seed == 2) or (b == 10 and seed > 0):
                r["targets"] = {TARGET: {"missed": True}}
            else:
                r["targets"] = {TARGET: {"updates": 99, "interpolated": {"updates": 10 + 2 * seed}}}
        write(tmp, records, [{"dataset": "A", "train_rows": 100, "test_rows": 10}])
        fig = run_main(tmp)["steps_to_target_vs_batch"]
        (line,) = labelled(fig.axes[0])
        self.assertEqual([float(x) for x in line.get_xdata()], [1.0])
        self.assertEqual([float(y) for y in line.get_ydata()], [12.0])
        self.assertIn("a miss counted as never", fig._suptitle.get_text())


class TwoWidths(unittest.TestCase):
    """The same dataset with two widths, one seed: panels titled with the widths, no band;
    and the second problem with two learning rates for B = 10: the labels say the lr."""

    @classmethod
    def setUpClass(cls):
        cls.tmp = tempfile.mkdtemp(prefix="plot-test-")
        cls.folder = os.path.join(cls.tmp, "widths")
        records = (problem("D", 100, [1, 10], 0.01, widths="4-3-2", seeds=(0,)) +
                   problem("D", 100, [1, 10], 0.02, widths="4-5-2", seeds=(0,)) +
                   [r for r in problem("D", 100, [10], 0.02, widths="4-5-2", seeds=(0,),
                                       lrs=(0.1,)) if r["batching"] == "mini"])
        write(cls.folder, records, [{"dataset": "D", "widths": "4-3-2", "train_rows": 100},
                                    {"dataset": "D", "widths": "4-5-2", "train_rows": 100}],
              analyses=["throughput_fit"])
        cls.figs = run_main(cls.folder)

    @classmethod
    def tearDownClass(cls):
        shutil.rmtree(cls.tmp)

    def test_panels_titled_with_widths(self):
        for name in CURVES + ["steps_to_target_vs_batch", "throughput_vs_batch",
                              "gflops_vs_batch"]:
            self.assertEqual([ax.get_title() for ax in self.figs[name].axes],
                             ["D, 4-3-2", "D, 4-5-2"], name)

    def test_no_band_with_one_seed(self):
        for name in CURVES:
            for ax in self.figs[name].axes:
                self.assertEqual(bands(ax), [], name)
            self.assertNotIn("min-max", self.figs[name]._suptitle.get_text())

    def test_several_lrs_named(self):
        first, second = self.figs["test_accuracy_vs_epoch"].axes
        self.assertEqual(sorted(ln.get_label() for ln in labelled(first)),
                         ["GD, full batch (B = 100)", "SGD, B = 1", "SGD, B = 10"])
        labels = sorted(ln.get_label() for ln in labelled(second))
        self.assertEqual(labels, ["GD, full batch (B = 100)", "SGD, B = 1",
                                  "SGD, B = 10, lr 0.1", "SGD, B = 10, lr 0.5"])

    def test_throughput_fit_per_problem(self):
        with open(os.path.join(self.folder, "throughput_fit.md")) as f:
            text = f.read()
        self.assertIn("## D, 4-3-2", text)
        self.assertIn("## D, 4-5-2", text)


class Trajectory(unittest.TestCase):
    """A two-parameter least-squares problem beside another problem: one trajectory panel."""

    def test_trajectory_panel_of_its_problem(self):
        tmp = tempfile.mkdtemp(prefix="plot-test-")
        try:
            folder = os.path.join(tmp, "traj")
            quad = problem("Q", 10, [1], 0.001, seeds=(0, 1))
            for k, r in enumerate(x for x in quad if x["type"] == "point"):
                r["params"] = [0.1 * (k % 5), -0.05 * (k % 5)]
            write(folder, quad + problem("P", 10, [1], 0.001),
                  [{"dataset": "Q", "train_rows": 10, "f_star": 0.0,
                    "quadratic": {"A": [[1.0, 0.0], [0.0, 2.0]], "b": [0.5, -0.2], "c": 0.2,
                                  "l2": 0.0}},
                   {"dataset": "P", "train_rows": 10}])
            figs = run_main(folder)
            self.assertIn("trajectory", figs)
            self.assertEqual([ax.get_title() for ax in figs["trajectory"].axes], ["Q"])
            labels = [ln.get_label() for ln in labelled(figs["trajectory"].axes[0])]
            self.assertEqual(len(labels), 3)  # B = 1, full batch, the optimum
            self.assertEqual(len(figs["test_accuracy_vs_epoch"].axes), 2)
        finally:
            shutil.rmtree(tmp)


class CommittedResults(unittest.TestCase):
    """The committed nielsen (4 problems) and tradeoff (3 problems) results, plotted into a
    temporary copy."""

    def test_every_results_folder_is_under_5_mb(self):
        # The brief: each experiment's folder under 5 MB (thin the points, not the truth).
        results = os.path.join(ROOT, "results")
        for name in sorted(os.listdir(results)):
            total = 0
            for folder, _, files in os.walk(os.path.join(results, name)):
                total += sum(os.path.getsize(os.path.join(folder, f)) for f in files
                             if not f.endswith((".partial", ".previous", ".lock")))
            self.assertLess(total, 5_000_000, f"results/{name}: {total:,} bytes")

    def plot_copy(self, name):
        src = os.path.join(ROOT, "results", name)
        if not os.path.isfile(os.path.join(src, "runs.jsonl")):
            self.skipTest(f"no results/{name}")
        tmp = tempfile.mkdtemp(prefix="plot-test-")
        self.addCleanup(shutil.rmtree, tmp)
        dst = os.path.join(tmp, name)
        os.makedirs(dst)
        shutil.copy(os.path.join(src, "runs.jsonl"), dst)
        return run_main(dst)

    def test_nielsen(self):
        figs = self.plot_copy("nielsen")
        fig = figs["test_accuracy_vs_epoch"]
        self.assertEqual([ax.get_title() for ax in fig.axes],
                         ["digits, 784-30-10", "digits, 784-100-10", "fashion, 784-30-10",
                          "fashion, 784-100-10"])
        for ax in fig.axes:
            self.assertEqual(len(labelled(ax)), 5)
            for ln in labelled(ax):
                self.assertEqual(len(ln.get_xdata()), 11)  # 0 ... 10 epochs, one problem
        # Censored medians: digits 784-100-10's median seed reaches no target at any B, so
        # that panel is not drawn (the table says "missed" there too).
        self.assertEqual([ax.get_title() for ax in figs["steps_to_target_vs_batch"].axes],
                         ["digits, 784-30-10", "fashion, 784-30-10", "fashion, 784-100-10"])

    def test_tradeoff(self):
        figs = self.plot_copy("tradeoff")
        fig = figs["suboptimality_vs_train_seconds"]
        self.assertEqual([ax.get_title() for ax in fig.axes],
                         ["least-squares", "fashion-l2-unit-range", "fashion-l2-centred"])
        # Every problem has F*: F - F* is the train loss shifted, so no train-loss plots.
        self.assertNotIn("train_loss_vs_grad_evals", figs)
        # Tuned per target: no epoch axis (grad evals / n) and no steps-to-target means (the
        # per-target tables are those figures); a method re-run at each target's rate has a
        # curve per rate, each labelled apart.
        self.assertNotIn("suboptimality_vs_epoch", figs)
        self.assertNotIn("steps_to_target_vs_batch", figs)
        for ax in fig.axes:
            labels = [ln.get_label() for ln in labelled(ax)]
            self.assertGreaterEqual(len(labels), 8)
            self.assertEqual(len(set(labels)), len(labels))
            self.assertTrue(any(label.startswith("L-BFGS") for label in labels))


class BatchScalingFit(unittest.TestCase):
    """Issue 11: misses are censored, not dropped, and the fit has intervals."""

    def test_a_miss_counts_as_never_in_the_median(self):
        import plot_fits
        inf = float("inf")
        self.assertEqual(plot_fits.censored_median([5, 7, inf]), 7)
        self.assertEqual(plot_fits.censored_median([5, inf, inf]), inf)
        self.assertEqual(plot_fits.crossing({"missed": True}), inf)
        self.assertEqual(plot_fits.crossing({"updates": 60, "interpolated": {"updates": 41.5}}),
                         41.5)

    def test_fit_recovers_s_min_and_e_min_and_skips_censored_sizes(self):
        import numpy as np
        import plot_fits
        inf = float("inf")
        # S = 100 + 6400 / B exactly at every seed, plus a B whose seeds mostly missed:
        # averaging the one seed that reached it (the old fit) would pull the curve.
        per_b = {b: [100 + 6400 / b] * 5 for b in (1, 4, 16, 64, 256, 1024)}
        per_b[4096] = [10.0, inf, inf, inf, inf]
        s_min, e_min, b_crit, fitted = plot_fits.fit_scaling(per_b)
        self.assertAlmostEqual(s_min, 100, places=6)
        self.assertAlmostEqual(e_min, 6400, places=4)
        self.assertAlmostEqual(b_crit, 64, places=4)
        self.assertNotIn(4096, fitted)
        seeded = {b: dict(enumerate(v)) for b, v in per_b.items()}  # seed -> steps
        ci = plot_fits.bootstrap_fit(seeded, np.random.default_rng(1))
        for (lo, hi), v in zip(ci, (s_min, e_min, b_crit)):
            self.assertLessEqual(lo, v + 1e-6)
            self.assertGreaterEqual(hi, v - 1e-6)

    def test_paired_bootstrap_keeps_a_seeds_runs_together(self):
        # Issue 38: seed 1 is slow at every B (its shuffle is shared across B). Resampling
        # each B on its own mixes slow and fast seeds and narrows S_min's interval; the
        # paired bootstrap draws a seed for every B at once.
        import numpy as np
        import plot_fits
        slow = {1: 1.5, 2: 1.0, 3: 1.0, 4: 0.8, 5: 0.9}
        seeded = {b: {s: f * (100 + 6400 / b) for s, f in slow.items()}
                  for b in (1, 4, 16, 64, 256, 1024)}
        paired = plot_fits.bootstrap_fit(seeded, np.random.default_rng(1))
        # In every paired resample the per-B medians all come from one seed mix, so S_min
        # and E_min move together: B_crit = E_min / S_min stays at 64 exactly.
        self.assertAlmostEqual(paired[2][0], 64, places=6)
        self.assertAlmostEqual(paired[2][1], 64, places=6)
        self.assertLess(paired[0][0], 100 * 0.95)  # S_min's interval spans the seeds' spread


class BatchScalingPerTarget(unittest.TestCase):
    """Issue 38: the fit at every target, from the runs at the rate tuned for it, with the
    full batch in it."""

    def test_each_target_at_its_rate_with_the_full_batch(self):
        import plot_fits
        folder = tempfile.mkdtemp()
        self.addCleanup(shutil.rmtree, folder)
        records = problem("d", 256, (1, 4, 16, 64), 0.1, lrs=(0.5, 0.1))
        for r in records:  # the other rate misses: counted, it would make every median a miss
            if r["type"] == "run" and r["lr"] == 0.1:
                r["targets"] = {TARGET: {"missed": True}}
        chosen = [{"dataset": "d", "method": m, "variant": "v/plain/simd/tbb", "batch_size": b,
                   "threads": 2, "per_target": [{"target": TARGET, "lr": 0.5, "solved": True,
                                                 "bracketed": True}]}
                  for m, b in [("SGD", 1), ("SGD", 4), ("SGD", 16), ("SGD", 64), ("GD", 0)]]
        records.append({"type": "tuning", "chosen": chosen})
        write(folder, records, [{"dataset": "d", "train_rows": 256}],
              analyses=["batch_scaling_fit"])
        exp = plot_style.load(folder)
        plot_fits.batch_scaling_fit(folder, exp, folder)
        with open(os.path.join(folder, "batch_scaling_fit.md")) as f:
            text = f.read()
        self.assertIn("| GD | 256 | 2 | 2/2 |", text)  # the full batch, B = its rows
        self.assertNotIn("| missed |", text)  # the 0.1 runs were for no target
        self.assertIn("paired resamples", text)


class PerformanceProfile(unittest.TestCase):
    """Dolan and Moré: the fraction of instances solved within tau x the fastest time."""

    def test_ratios_to_the_fastest_with_misses_as_never(self):
        import plot_profiles
        inf = float("inf")
        times = {("p", "t1"): {"A": 1.0, "B": 2.0},
                 ("p", "t2"): {"A": inf, "B": 3.0},
                 ("q", "t1"): {"A": 4.0},          # B was not run on q: never solves it
                 ("q", "t2"): {"A": inf, "B": inf}}  # no method solves it: left out
        methods, instances, ratios = plot_profiles.profile(times)
        self.assertEqual(methods, ["A", "B"])
        self.assertEqual(instances, [("p", "t1"), ("p", "t2"), ("q", "t1")])
        self.assertEqual(ratios["A"], [1.0, inf, 1.0])
        self.assertEqual(ratios["B"], [2.0, 1.0, inf])

    def test_a_lead_inside_the_intervals_is_a_tie(self):
        # Issue 38: B's median is 1.1x A's, but its interval reaches below A's upper bound:
        # a tie, counted at tau = 1 for both; C's interval is clear of A's.
        import plot_profiles
        times = {("p", "t"): {"A": (1.0, 0.8, 1.3), "B": (1.1, 0.9, 1.4),
                              "C": (3.0, 2.0, 4.0)}}
        _, _, ratios = plot_profiles.profile(times)
        self.assertEqual(ratios["A"], [1.0])
        self.assertEqual(ratios["B"], [1.0])
        self.assertEqual(ratios["C"], [3.0])


if __name__ == "__main__":
    unittest.main()
