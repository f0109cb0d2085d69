"""Tests of bench/scripts/readme_results.py on small summary.csv files with two problems each.
Run: /usr/bin/python3 tests/python/test_readme_results.py   (exits non-zero on a failure)"""
import csv
import os
import re
import shutil
import sys
import tempfile
import unittest

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
sys.path.insert(0, os.path.join(ROOT, "bench", "scripts"))
import readme_results  # noqa: E402

NAN = "nan"


def target_cells(label, reached, seconds):
    missed = reached.startswith("0/") and not reached.endswith("/0")
    v = "inf" if missed else seconds
    return {f"{label}:reached": reached, f"{label}:seconds_median": v,
            f"{label}:seconds_lo": v, f"{label}:seconds_hi": "inf" if reached == "1/3" else v,
            f"{label}:updates_median": NAN}


def write_csv(path, rows):
    os.makedirs(os.path.dirname(path), exist_ok=True)
    fields = []
    for r in rows:
        fields += [k for k in r if k not in fields]
    with open(path, "w", newline="") as f:
        w = csv.DictWriter(f, fieldnames=fields)
        w.writeheader()
        w.writerows(rows)


def nielsen_row(dataset, widths, batching, b, acc, targets):
    r = {"variant": "nielsen/plain/simd/tbb", "dataset": dataset, "widths": widths,
         "batching": batching, "batch_size": b, "lr": 3, "threads": 2, "runs": 3,
         "test_accuracy_mean": acc, "test_accuracy_lo": acc - 0.01,
         "test_accuracy_hi": acc + 0.01,
         "samples_per_second_mean": 1000 * b}
    for t in targets:
        r.update(target_cells(*t))
    return r


# Problem A's targets are 0.8 and 0.9, problem B's 0.7 and 0.8: the csv has the columns
# 0.8, 0.9, 0.7 (in order of appearance) and "0/0" where a target is the other problem's.
NIELSEN = [
    nielsen_row("A", "784-30-10", "mini", 10, 0.91,
                [("test_accuracy>=0.8", "3/3", 0.5), ("test_accuracy>=0.9", "1/3", 2.0),
                 ("test_accuracy>=0.7", "0/0", NAN)]),
    nielsen_row("A", "784-30-10", "full", 100, 0.2,
                [("test_accuracy>=0.8", "0/3", NAN), ("test_accuracy>=0.9", "0/3", NAN),
                 ("test_accuracy>=0.7", "0/0", NAN)]),
    nielsen_row("A", "784-100-10", "mini", 10, 0.555,
                [("test_accuracy>=0.8", "3/3", 0.25), ("test_accuracy>=0.9", "0/3", NAN),
                 ("test_accuracy>=0.7", "0/0", NAN)]),
    nielsen_row("B", "784-30-10", "mini", 10, 0.85,
                [("test_accuracy>=0.8", "2/3", 1.5), ("test_accuracy>=0.9", "0/0", NAN),
                 ("test_accuracy>=0.7", "3/3", 0.125)]),
    nielsen_row("B", "784-30-10", "full", 1000, 0.3,
                [("test_accuracy>=0.8", "0/3", NAN), ("test_accuracy>=0.9", "0/0", NAN),
                 ("test_accuracy>=0.7", "0/3", NAN)]),
]


def tradeoff_row(method, variant, dataset, widths, batching, b, targets):
    r = {"variant": f"{method} [{variant}]", "dataset": dataset, "widths": widths,
         "batching": batching, "batch_size": b, "lr": 0.1, "threads": 2, "runs": 3}
    for t in targets:
        r.update(target_cells(*t))
    return r


# Both problems have F - F* <= 0.1; only "lsq" has F - F* <= 0.001.
TRADEOFF = [
    tradeoff_row("GD", "lsq/plain", "lsq", "", "full", 200, [
        ("suboptimality<=0.1", "3/3", 0.002), ("suboptimality<=0.001", "0/3", NAN)]),
    tradeoff_row("SGD", "lsq/plain", "lsq", "", "mini", 10, [
        ("suboptimality<=0.1", "3/3", 0.0005), ("suboptimality<=0.001", "3/3", 0.004)]),
    tradeoff_row("GD", "softmax/plain", "fash", "784-10", "full", 600, [
        ("suboptimality<=0.1", "0/3", NAN), ("suboptimality<=0.001", "0/0", NAN)]),
    tradeoff_row("SGD", "softmax/plain", "fash", "784-10", "mini", 10, [
        ("suboptimality<=0.1", "3/3", 0.75), ("suboptimality<=0.001", "0/0", NAN)]),
]


def cells(line):
    return [c.strip() for c in line.strip().strip("|").split("|")]


class Tables(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.tmp = tempfile.mkdtemp(prefix="readme-test-")
        write_csv(os.path.join(cls.tmp, "results", "nielsen", "summary.csv"), NIELSEN)
        write_csv(os.path.join(cls.tmp, "results", "tradeoff", "summary.csv"), TRADEOFF)

    @classmethod
    def tearDownClass(cls):
        shutil.rmtree(cls.tmp)

    def test_nielsen_table(self):
        table = readme_results.nielsen_table(
            os.path.join(self.tmp, "results", "nielsen", "summary.csv")).splitlines()
        self.assertEqual(cells(table[0]), ["data (784-30-10)", "B",
                                           "test accuracy after 10 epochs (%)",
                                           "median seconds to the first target "
                                           "(reached/runs)", "samples/s"])
        rows = [cells(line) for line in table[2:]]
        # The 784-100-10 row is left out; one row per (problem, B), in the csv's order.
        self.assertEqual([r[:2] for r in rows], [["A", "10"], ["A", "full"], ["B", "10"],
                                                 ["B", "full"]])
        self.assertEqual(rows[0][2], "91.0 [90.0, 92.0]")
        self.assertEqual(rows[0][3], "test_accuracy>=0.8: 0.5 s (3/3)")
        self.assertEqual(rows[1][3], "test_accuracy>=0.8: missed (0/3)")
        # B's first target is its own easiest, 0.7, not the first column (A's 0.8).
        self.assertEqual(rows[2][3], "test_accuracy>=0.7: 0.125 s (3/3)")
        self.assertEqual(rows[3][3], "test_accuracy>=0.7: missed (0/3)")
        self.assertEqual(rows[2][4], "10,000")
        self.assertNotIn("55.5", "\n".join(table))

    def test_nielsen_table_other_widths(self):
        table = readme_results.nielsen_table(
            os.path.join(self.tmp, "results", "nielsen", "summary.csv"), "784-100-10")
        rows = [cells(line) for line in table.splitlines()[2:]]
        self.assertEqual(rows, [["A", "10", "55.5 [54.5, 56.5]",
                                 "test_accuracy>=0.8: 0.25 s (3/3)", "10,000"]])

    def test_tradeoff_table(self):
        table = readme_results.tradeoff_table(
            os.path.join(self.tmp, "results", "tradeoff", "summary.csv")).splitlines()
        self.assertEqual(cells(table[0]), ["problem", "method", "B", "F − F* ≤ 0.1",
                                           "F − F* ≤ 0.001"])
        rows = [cells(line) for line in table[2:]]
        self.assertEqual(rows, [
            ["lsq", "GD", "full", "0.002 s (3/3)", "missed (0/3)"],
            ["lsq", "SGD", "10", "0.0005 s (3/3)", "0.004 s (3/3)"],
            # fash has widths; lsq's target is not fash's: an empty cell, not "missed".
            ["fash (784-10)", "GD", "full", "missed (0/3)", ""],
            ["fash (784-10)", "SGD", "10", "0.75 s (3/3)", ""],
        ])

    def test_main_rewrites_the_blocks_only(self):
        root = os.path.join(self.tmp, "repo")
        shutil.copytree(os.path.join(self.tmp, "results"), os.path.join(root, "results"))
        os.makedirs(os.path.join(root, "docs"))
        page = os.path.join(root, "docs", "results.md")
        with open(page, "w") as f:
            f.write("# Title\n\nbefore\n\n<!-- results:begin -->\nold\n<!-- results:end -->\n"
                    "\nafter\n")
        readme = os.path.join(root, "README.md")
        with open(readme, "w") as f:
            f.write("# R\n\n<!-- headline:begin -->\nold\n<!-- headline:end -->\n\nrest\n")
        readme_results.main(root)
        with open(page) as f:
            text = f.read()
        self.assertTrue(text.startswith("# Title\n\nbefore\n\n<!-- results:begin -->\n"))
        self.assertTrue(text.endswith("<!-- results:end -->\n\nafter\n"))
        self.assertNotIn("\nold\n", text)
        self.assertIn("(no results/peers yet", text)
        self.assertIn("| B | 10 | 85.0 [84.0, 86.0] | test_accuracy>=0.7: 0.125 s (3/3) | "
                      "10,000 |", text)
        self.assertIn("| fash (784-10) | SGD | 10 | 0.75 s (3/3) |  |", text)
        with open(readme) as f:
            head = f.read()
        self.assertTrue(head.startswith("# R\n\n<!-- headline:begin -->\nGenerated"))
        self.assertTrue(head.endswith("<!-- headline:end -->\n\nrest\n"))
        self.assertIn("no results/gd-vs-sgd-* yet", head)
        readme_results.main(root)  # idempotent
        with open(page) as f:
            self.assertEqual(f.read(), text)
        with open(readme) as f:
            self.assertEqual(f.read(), head)
        self.assertFalse(os.path.exists(page + ".partial"))

    def test_committed_results(self):
        if not os.path.isfile(os.path.join(ROOT, "results", "nielsen", "summary.csv")):
            self.skipTest("no committed results")
        text = readme_results.section(ROOT)
        self.assertIn("| data (784-30-10) | B |", text)
        # tradeoff, tuned per target: each problem's matrix, then who gets there first
        self.assertIn("*least-squares, gradient evaluations to each target*", text)
        self.assertIn("| L-BFGS | full |", text)
        self.assertIn("| least-squares | suboptimality<=1e-06 |", text)
        for line in text.splitlines():
            # the Nielsen table's fashion rows (B, then accuracy): their own first target
            if re.match(r"\| fashion \| (\d+|full) \|", line):
                self.assertIn("validation_accuracy>=0.7", line)



class GdVsSgd(unittest.TestCase):
    """The headline: each problem's matrices and who gets there first, from summary.md."""

    def test_each_problem_and_the_summary_are_taken_from_their_headings(self):
        tmp = tempfile.mkdtemp()
        self.addCleanup(shutil.rmtree, tmp)
        md = os.path.join(tmp, "results", "gd-vs-sgd-x", "summary.md")
        os.makedirs(os.path.dirname(md))
        table = "| method | B | t |\n|---|---|---|\n| {} | 1 | {} |"
        with open(md, "w") as f:
            f.write("# x\n\n| main | table |\n|---|---|\n| a | b |\n\n")
            for p in ("digits 784-30-10", "fashion 784-100-10"):
                f.write(f"{p}: gradient evaluations to each target:\n\n"
                        + table.format(p, "evals") + "\n\n")
                f.write(f"{p}: training seconds to each target:\n\n"
                        + table.format(p, "secs") + "\n\n")
            f.write("Who gets there first, in gradient evaluations and in seconds:\n\n"
                    "| problem | first |\n|---|---|\n| digits | SGD |\n")
        text = readme_results.gd_vs_sgd_tables(tmp)
        for p in ("digits 784-30-10", "fashion 784-100-10"):
            self.assertIn(f"| {p} | 1 | evals |", text)
            self.assertIn(f"| {p} | 1 | secs |", text)
        self.assertIn("| digits | SGD |", text)
        self.assertNotIn("| a | b |", text)  # the main table is not a headline
        self.assertIn("no table after", readme_results.table_after(md, "Nothing here"))
        head = readme_results.headline(tmp)  # the README's block: who gets there first only
        self.assertTrue(head.startswith(readme_results.HEADLINE_BEGIN))
        self.assertTrue(head.endswith(readme_results.HEADLINE_END))
        self.assertIn("| digits | SGD |", head)
        self.assertNotIn("| digits 784-30-10 | 1 | evals |", head)

    def test_long_tradeoff_brings_its_conditioning_and_who_gets_there_first(self):
        tmp = tempfile.mkdtemp()
        self.addCleanup(shutil.rmtree, tmp)
        self.assertIn("no results/tradeoff-long yet", readme_results.tradeoff_long_tables(tmp))
        md = os.path.join(tmp, "results", "tradeoff-long", "summary.md")
        os.makedirs(os.path.dirname(md))
        with open(md, "w") as f:
            f.write("# tradeoff-long\n\n| main | table |\n|---|---|\n| a | b |\n\n"
                    "Conditioning at the optimum w*: the extreme eigenvalues...\n\n"
                    "| problem | κ |\n|---|---|\n| lsq | 92.7 |\n\n"
                    "Who gets there first, in gradient evaluations and in seconds:\n\n"
                    "| problem | first |\n|---|---|\n| lsq | L-BFGS |\n")
        text = readme_results.tradeoff_long_tables(tmp)
        self.assertIn("| lsq | 92.7 |", text)
        self.assertIn("| lsq | L-BFGS |", text)
        self.assertNotIn("| a | b |", text)


if __name__ == "__main__":
    unittest.main()
