"""Tests of bench/peers/run_peers.py's tables: each repetition's 2-thread run set against
its own 1-thread run, for the workload and for the FMA peaks probed after them (the bound a
reader needs where the 2-thread target is missed); the GEMM table names the blocking its
own micro process ran; the machine-limits table shows how contended the host was (the
peaks' spread, the steal time).
Run: /usr/bin/python3 tests/python/test_peers_report.py   (exits non-zero on a failure)"""
import os
import sys
import tempfile
import unittest
from pathlib import Path

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
sys.path.insert(0, os.path.join(ROOT, "bench", "peers"))
import run_peers  # noqa: E402
import peers_tables  # noqa: E402  (the tables, bench/peers/peers_tables.py)
import cpu_folder  # noqa: E402  (bench/scripts, on the path through run_peers)

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
        self.rows = {r["threads"]: r for r in peers_tables.peak_fractions(self.records, WORKLOADS)}

    def test_each_repetition_against_its_own_one_thread_run(self):
        self.assertEqual(self.rows[2]["scaling"], [1.5, 2.0])
        self.assertEqual(self.rows[2]["peak_scaling"], [2.0, 1.3])
        self.assertEqual(self.rows[1]["scaling"], [])

    def test_the_table_shows_both_medians_and_their_ranges(self):
        lines = peers_tables.peak_fraction_table(list(self.rows.values()))
        two = next(line for line in lines if line.startswith("| mlp | 256 | 2 |"))
        self.assertTrue(two.endswith("| 1.75× (1.50–2.00) | 1.65× (1.30–2.00) |"), two)
        one = next(line for line in lines if line.startswith("| mlp | 256 | 1 |"))
        self.assertTrue(one.endswith("| – | – |"), one)


class GemmTableNamesItsBlocking(unittest.TestCase):
    def render(self, gemm):
        workloads = {**WORKLOADS, "targets": {}, "threads": [1, 2],
                     "runs": [{"workload": "mlp", "batch": [256]}]}
        records = [record(0, 1, 100.0, 50.0), record(0, 2, 150.0, 100.0)]
        for r in records:
            r.update({"peak_rss_mib": 60.0, "data_mib": 50.0})
        extras = {"stream": [{"read_gb_per_s": 9.0}, {"read_gb_per_s": 17.0}],
                  "peak": [{"gflops": 100.0}, {"gflops": 190.0}], "gemm": gemm}
        with tempfile.TemporaryDirectory() as d:
            peers_tables.write_tables(Path(d), peers_tables.summarise(records, workloads),
                                   peers_tables.peak_fractions(records, workloads), extras,
                                   {"cpu_model": "Test CPU"}, "1.0", 1, 2.0)
            return (Path(d) / "summary.md").read_text()

    def test_the_blocking_the_micro_process_ran_heads_the_table(self):
        text = self.render([{"shape": "mlp_fwd1", "simd_gflops": 90.0, "openblas_gflops": 80.0,
                             "gemm_blocking": "MR=8 NR=48 from 2 FMA port(s)"}])
        self.assertIn("Packed GEMM blocking that ran: MR=8 NR=48 from 2 FMA port(s).", text)
        self.assertIn("| mlp_fwd1 | 90.0 | 80.0 | 1.12 |", text)

    def test_an_older_record_without_it_renders_the_table_alone(self):
        text = self.render([{"shape": "mlp_fwd1", "simd_gflops": 90.0, "openblas_gflops": 80.0}])
        self.assertNotIn("blocking that ran", text)
        self.assertIn("| mlp_fwd1 | 90.0 | 80.0 | 1.12 |", text)


class HostContention(unittest.TestCase):
    LINE = "cpu  8009809 52 532968 4723672 8095 0 10646 394023 0 0"

    def test_proc_stat_line_reads_as_steal_and_the_time_wanted(self):
        # busy: user + nice + system + irq + softirq + steal; idle and iowait left out
        self.assertEqual(run_peers.parse_cpu_ticks(self.LINE),
                         (394023, 8009809 + 52 + 532968 + 0 + 10646 + 394023))
        self.assertIsNone(run_peers.parse_cpu_ticks("cpu0 1 2 3 4 5 6 7 8 9 10"))
        self.assertIsNone(run_peers.parse_cpu_ticks("cpu 1 2 3"))

    def test_this_linux_host_has_the_counters(self):
        if not sys.platform.startswith("linux"):
            self.skipTest("no /proc/stat")
        steal, busy = run_peers.cpu_ticks()
        self.assertGreaterEqual(busy, steal)

    def test_steal_is_its_share_of_the_time_wanted_between_two_readings(self):
        self.assertAlmostEqual(run_peers.steal_between((10, 1000), (40, 1400)), 0.075)
        self.assertEqual(run_peers.steal_between((50, 1000), (40, 1400)), 0.0)  # migrated
        self.assertIsNone(run_peers.steal_between(None, (40, 1400)))
        self.assertIsNone(run_peers.steal_between((10, 1000), (10, 1000)))  # no time passed

    def contended(self):
        records = [record(0, 1, 100.0, 50.0), record(1, 1, 100.0, 70.0),
                   record(2, 1, 100.0, 60.0), record(0, 2, 150.0, 100.0)]
        for r, steal in zip(records, (0.01, 0.03, 0.02, 0.5)):
            r["steal_fraction"] = steal
        records.append({**record(0, 2, 1.0, 1.0), "impl": "pytorch", "steal_fraction": None})
        del records[-1]["adjacent_peak_gflops"]
        return records

    def test_the_peaks_spread_and_the_steal_per_thread_count(self):
        rows = peers_tables.contention_rows(self.contended())
        self.assertTrue(rows[0].startswith("| FMA peak probed after each run of the fraction "
                                           "table"), rows[0])
        self.assertTrue(rows[0].endswith("| 60.0 (50.0–70.0) | 100.0 (100.0–100.0) |"), rows[0])
        self.assertTrue(rows[1].startswith("| CPU time the hypervisor withheld"), rows[1])
        self.assertTrue(rows[1].endswith("| 2.0% (3.0%) | 50.0% (50.0%) |"), rows[1])

    def test_records_without_them_add_no_rows(self):
        plain = [{"impl": "pytorch", "threads": t, "samples_per_s": 1.0} for t in (1, 2)]
        self.assertEqual(peers_tables.contention_rows(plain), [])
        one_thread_only = [{**record(0, 1, 1.0, 50.0), "steal_fraction": 0.1}]
        self.assertEqual(peers_tables.contention_rows(one_thread_only), [])

    def test_the_rows_sit_under_the_machine_limits(self):
        records = self.contended()[:4]
        workloads = {**WORKLOADS, "targets": {}, "threads": [1, 2],
                     "runs": [{"workload": "mlp", "batch": [256]}]}
        for r in records:
            r.update({"peak_rss_mib": 60.0, "data_mib": 50.0})
        extras = {"stream": [{"read_gb_per_s": 9.0}, {"read_gb_per_s": 17.0}],
                  "peak": [{"gflops": 100.0}, {"gflops": 190.0}], "gemm": []}
        with tempfile.TemporaryDirectory() as d:
            peers_tables.write_tables(Path(d), peers_tables.summarise(records, workloads),
                                   peers_tables.peak_fractions(records, workloads), extras,
                                   {"cpu_model": "Test CPU"}, "1.0", 1, 2.0, records)
            lines = (Path(d) / "summary.md").read_text().splitlines()
        peak = next(i for i, x in enumerate(lines) if x.startswith("| FP32 FMA peak"))
        self.assertTrue(lines[peak + 1].startswith("| FMA peak probed after each run"))
        self.assertTrue(lines[peak + 2].startswith("| CPU time the hypervisor withheld"))
        self.assertEqual(lines[peak + 3:peak + 5], ["", "## Fraction of the FMA peak"])

class CpuFolder(unittest.TestCase):
    """Hosts whose model name has no model number get their family and model in the folder,
    so an AMD EPYC Zen 4 and Zen 5 do not overwrite each other's results."""

    def folder_of(self, text):
        with tempfile.NamedTemporaryFile("w", suffix=".cpuinfo") as f:
            f.write(text)
            f.flush()
            return cpu_folder.folder(f.name)

    def test_generic_names_take_family_and_model(self):
        zen5 = "processor\t: 0\ncpu family\t: 26\nmodel\t\t: 2\nmodel name\t: AMD EPYC\n\n"
        zen4 = zen5.replace(": 26", ": 25").replace(": 2\n", ": 17\n")
        self.assertEqual(self.folder_of(zen5), "amd-epyc-family-26-model-2")
        self.assertEqual(self.folder_of(zen4), "amd-epyc-family-25-model-17")

    def test_named_models_keep_their_name(self):
        xeon = ("cpu family\t: 6\nmodel\t\t: 143\n"
                "model name\t: Intel(R) Xeon(R) Platinum 8481C CPU @ 2.70GHz\n")
        self.assertEqual(self.folder_of(xeon), "intel-xeon-platinum-8481c")


class AvxTwoMode(unittest.TestCase):
    """--isa avx2 (issue 37): its own build, peers held to AVX2, its own folder and targets."""

    def test_targets_follow_the_arch_sgdbench_ran(self):
        workloads = {"targets": {"softmax/full": 4, "mlp/256": 1.25, "nielsen/1": 50},
                     "targets_avx2": {"softmax/full": 3, "mlp/256": 1.2}}
        native = peers_tables.targets_for(workloads, "avx512bw")
        avx2 = peers_tables.targets_for(workloads, "fma3+avx2")
        self.assertEqual(native["softmax/full"], 4)
        self.assertEqual(avx2["softmax/full"], 3)
        self.assertEqual(avx2["mlp/256"], 1.2)
        self.assertEqual(avx2["nielsen/1"], 50)  # the mini-batch targets are unchanged

    def test_every_process_is_held_to_avx2(self):
        try:
            run_peers.use_isa("avx2")
            env = run_peers.thread_env(1)
            self.assertEqual(env["ATEN_CPU_CAPABILITY"], "avx2")
            self.assertEqual(env["DNNL_MAX_CPU_ISA"], "AVX2")
            self.assertEqual(env["OPENBLAS_CORETYPE"], "Haswell")
            self.assertEqual(run_peers.SGDBENCH.parent.parent.name, "avx2")
        finally:
            run_peers.use_isa("native")
        self.assertNotIn("ATEN_CPU_CAPABILITY", run_peers.ISA_ENV)
        self.assertEqual(run_peers.SGDBENCH.parent.parent.name, "release")


if __name__ == "__main__":
    unittest.main()
