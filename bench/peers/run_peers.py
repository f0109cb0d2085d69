#!/usr/bin/python3
"""Runs sgdbench, its OpenBLAS-kernel variant and the PyTorch peer on the workloads of
workloads.json, alternately (the order rotates every repetition, so drift in the
machine's speed hits every implementation alike), and writes results/peers/<CPU model>/:
runs.jsonl (every measurement), summary.md and summary.csv (medians, ratios, targets),
machine.json (with the machine's measured limits), plots/ratios.png.

    /usr/bin/python3 bench/peers/run_peers.py [--reps 3] [--seconds 2] [--out DIR]
    /usr/bin/python3 bench/peers/run_peers.py --isa avx2      # both sides limited to AVX2
    /usr/bin/python3 bench/peers/run_peers.py --report-only   # tables and plot again

--isa avx2 runs the x86-64-v3 build (build/avx2, the `avx2` preset) against PyTorch held to
AVX2 (ATEN_CPU_CAPABILITY=avx2, DNNL_MAX_CPU_ISA=AVX2, OPENBLAS_CORETYPE=Haswell), so an
AVX-512 host measures what an AVX2-only CPU of its core would, into
results/peers/<CPU model>-avx2/, against workloads.json's targets_avx2.
"""
import argparse
import csv
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent.parent
sys.path.insert(0, str(HERE.parent / "scripts"))
import cpu_folder  # noqa: E402
SGDBENCH = ROOT / "build" / "release" / "bench" / "sgdbench"
MICRO = ROOT / "build" / "release" / "bench" / "micro" / "sgdbench_micro"
# What every process of a run sees besides its thread counts (--isa avx2 sets it).
ISA_ENV = {}
# Each instruction-set mode: the build it runs, the variables that hold the peers to it, and
# the suffix of its results folder.
ISA_MODES = {
    "native": {"build": "release", "env": {}, "suffix": ""},
    "avx2": {"build": "avx2", "suffix": "-avx2",
             "env": {"ATEN_CPU_CAPABILITY": "avx2", "DNNL_MAX_CPU_ISA": "AVX2",
                     "OPENBLAS_CORETYPE": "Haswell"}},
}


def use_isa(isa):
    """Points SGDBENCH, MICRO and ISA_ENV at the mode `isa` (ISA_MODES)."""
    global SGDBENCH, MICRO
    mode = ISA_MODES[isa]
    SGDBENCH = ROOT / "build" / mode["build"] / "bench" / "sgdbench"
    MICRO = ROOT / "build" / mode["build"] / "bench" / "micro" / "sgdbench_micro"
    ISA_ENV.clear()
    ISA_ENV.update(mode["env"])


def targets_for(workloads, simd_arch):
    """workloads.json's targets, with targets_avx2 in their place where sgdbench ran AVX2
    kernels (simd_arch from machine.json)."""
    targets = dict(workloads["targets"])
    if "avx2" in (simd_arch or ""):
        targets.update(workloads.get("targets_avx2", {}))
    return targets


def thread_env(threads, blas_threads=None):
    """Every pool sized to `threads`: torch.set_num_threads does not reach Debian's
    OpenBLAS (pthreads), which otherwise takes every core even for a '1 thread' run."""
    env = dict(os.environ)
    env.update(ISA_ENV)
    for var in ("OMP_NUM_THREADS", "MKL_NUM_THREADS"):
        env[var] = str(threads)
    env["OPENBLAS_NUM_THREADS"] = str(blas_threads or threads)
    return env


def run_json(cmd, threads, blas_threads=None):
    out = subprocess.run(cmd, env=thread_env(threads, blas_threads), check=True,
                         capture_output=True, text=True)
    return json.loads(out.stdout.strip().splitlines()[-1])


# PyTorch on T > 1 threads, two ways a user can set it up; the table keeps the faster:
#   pytorch       torch.set_num_threads(T), OpenBLAS T threads (they oversubscribe: both
#                 pools spin on the same cores);
#   pytorch-blas  torch.set_num_threads(1), OpenBLAS T threads (only the GEMMs parallel).
TORCH_IMPLS = ("pytorch", "pytorch-blas")


def parse_cpu_ticks(line):
    """/proc/stat's first line ("cpu user nice system idle iowait irq softirq steal ...", in
    ticks summed over this machine's CPUs) as (steal, busy): busy is the time the CPUs ran
    or wanted to run (all but idle and iowait; guest time is inside user). None for any
    other line."""
    fields = line.split()
    if len(fields) < 9 or fields[0] != "cpu":
        return None
    user, nice, system, idle, iowait, irq, softirq, steal = map(int, fields[1:9])
    return steal, user + nice + system + irq + softirq + steal


def cpu_ticks():
    """parse_cpu_ticks of this machine now; None where there is no /proc/stat."""
    try:
        with open("/proc/stat") as f:
            return parse_cpu_ticks(f.readline())
    except OSError:
        return None


def steal_between(before, after):
    """The share of the CPU time this machine wanted between two cpu_ticks() readings that
    the hypervisor did not give it (steal / busy; 0 on bare metal, so a 1-thread run on an
    idle second CPU reads as much as a 2-thread one); None where unknown. Counters that go
    backwards (a live migration) count as no steal."""
    if before is None or after is None or after[1] <= before[1]:
        return None
    return max(after[0] - before[0], 0) / (after[1] - before[1])


def measure(impl, model, spec, batch, threads, seconds):
    """One run; its record also carries the steal time while it ran (steal_fraction)."""
    before = cpu_ticks()
    r = measure_run(impl, model, spec, batch, threads, seconds)
    r["steal_fraction"] = steal_between(before, cpu_ticks())
    return r


def measure_run(impl, model, spec, batch, threads, seconds):
    """One run's record, as its process reports it."""
    if impl in TORCH_IMPLS:
        torch_threads = 1 if impl == "pytorch-blas" else threads
        cmd = ["/usr/bin/python3", str(HERE / "torch_peer.py"), "--workload", model,
               "--batch", str(batch), "--threads", str(torch_threads), "--seconds", str(seconds)]
        r = run_json(cmd, torch_threads, blas_threads=threads)
        r.update({"impl": impl, "workload": model, "batch": str(batch), "threads": threads})
        return r
    else:
        cmd = [str(SGDBENCH), "throughput", "--variant", spec[impl], "--batch", str(batch),
               "--threads", str(threads), "--seconds", str(seconds), "--lr", str(spec["lr"])]
        if spec["kind"] != "softmax":
            cmd += ["--widths", ",".join(map(str, spec["widths"]))]
    r = run_json(cmd, threads)
    r.update({"impl": impl, "workload": model, "batch": str(batch), "threads": threads})
    return r


def gemm_vs_openblas(threads_env=1):
    """SIMD and OpenBLAS sgemm on the MLP's shapes, from the Google Benchmark suite."""
    if not MICRO.exists():
        return []
    out = subprocess.run(
        [str(MICRO), "--benchmark_filter=BM_gemm/(simd|blas)/mlp", "--benchmark_repetitions=5",
         "--benchmark_report_aggregates_only=true", "--benchmark_min_time=0.1",
         "--benchmark_enable_random_interleaving=true",  # as bench/micro/run.sh: fair ratios
         "--benchmark_format=json"], env=thread_env(threads_env), check=True,
        capture_output=True, text=True)
    rows = {}
    # In registration order: the interleaved repetitions shuffle the JSON.
    def registered(b):
        return b.get("family_index", 0), b.get("per_family_instance_index", 0)
    report = json.loads(out.stdout)
    benchmarks = sorted(report["benchmarks"], key=registered)
    # The micro process measures its own FMA ports: the tile it ran goes with its table.
    blocking = report.get("context", {}).get("gemm_blocking")
    for b in benchmarks:
        if b.get("aggregate_name") != "median":
            continue
        _, kernels, shape = b["run_name"].split("/", 2)
        rows.setdefault(shape, {})[kernels] = b["GFLOP/s"]
    return [{"shape": s, "simd_gflops": k["simd"], "openblas_gflops": k["blas"],
             **({"gemm_blocking": blocking} if blocking else {})}
            for s, k in rows.items() if "simd" in k and "blas" in k]


def fmt_rate(x):
    return f"{x / 1e6:.2f} M" if x >= 1e6 else f"{x / 1e3:.1f} k"


def summarise(records, workloads, simd_arch=None):
    by = {}
    for r in records:
        by.setdefault((r["workload"], r["batch"], r["threads"], r["impl"]), []).append(r)
    med = {k: statistics.median(x["samples_per_s"] for x in v) for k, v in by.items()}

    def per_rep(key_ours, key_theirs):
        """ours / theirs within each repetition: the two ran minutes apart at most, one
        after the other, so a slow spell of the host shows in both."""
        theirs = {x["rep"]: x["samples_per_s"] for x in by.get(key_theirs, [])}
        return [x["samples_per_s"] / theirs[x["rep"]] for x in by.get(key_ours, [])
                if x["rep"] in theirs]

    rss = {k: max(x["peak_rss_mib"] - x["data_mib"] for x in v) for k, v in by.items()}
    targets = targets_for(workloads, simd_arch)
    rows = []
    for run in workloads["runs"]:
        for batch in map(str, run["batch"]):
            for threads in workloads["threads"]:
                key = (run["workload"], batch, threads)
                ours = med.get(key + ("sgdbench",))
                torch_runs = {i: med[key + (i,)] for i in TORCH_IMPLS if key + (i,) in med}
                torch_setup = max(torch_runs, key=torch_runs.get) if torch_runs else None
                torch = torch_runs.get(torch_setup)
                if ours is None and torch is None:
                    continue  # not measured in this run (--only)
                blas = med.get(key + ("blas",))
                target = targets.get(f"{run['workload']}/{batch}") if threads == 1 else None
                # The median of the repetitions' own ratios (the ratio of the two
                # medians mixes runs made at different times of a shared host).
                reps = per_rep(key + ("sgdbench",), key + (torch_setup,)) if torch_setup else []
                ratio = statistics.median(reps) if reps else None
                # Against 1 thread the same way: each repetition's own 2-thread / 1-thread.
                one = per_rep(key + ("sgdbench",), (run["workload"], batch, 1, "sgdbench"))
                scaling = statistics.median(one) if threads > 1 and one else None
                rows.append({
                    "workload": run["workload"], "batch": batch, "threads": threads,
                    "sgdbench": ours, "openblas_variant": blas, "pytorch": torch,
                    "pytorch_setup": torch_setup,
                    "ratio_vs_pytorch": ratio,
                    "ratio_min": min(reps) if reps else None,
                    "ratio_max": max(reps) if reps else None, "target_ratio": target,
                    "target_met": None if target is None or ratio is None else ratio >= target,
                    "scaling_vs_1_thread": scaling,
                    "scaling_min": min(one) if scaling else None,
                    "scaling_max": max(one) if scaling else None,
                    "extra_rss_mib": rss.get(key + ("sgdbench",)),
                })
    return rows


def training_flops(widths):
    """The GEMM FLOPs of one sample's training step through layers `widths`: 2·in·out
    per layer for the forward and again for the weight gradient, and for the input
    gradient of every layer but the first (softmax 784→10: 31,360)."""
    layers = [i * o for i, o in zip(widths, widths[1:])]
    return 4 * sum(layers) + 2 * sum(layers[1:])


def peak_fractions(records, workloads):
    """Training GFLOP/s against the FMA peak probed right after the same run (the cells of
    workloads.json's peak_fraction): a fraction per repetition, then their median."""
    by = {}
    for r in records:
        if r["impl"] == "sgdbench" and "adjacent_peak_gflops" in r:
            by.setdefault((r["workload"], r["batch"], r["threads"]), []).append(r)
    rows = []
    for (model, batch, threads), runs in by.items():
        flops = training_flops(workloads["models"][model]["widths"])
        gflops = [x["samples_per_s"] * flops / 1e9 for x in runs]
        fractions = [g / x["adjacent_peak_gflops"] for g, x in zip(gflops, runs)]
        target = workloads["peak_fraction"].get(f"{model}/{batch}") if threads == 1 else None
        fraction = statistics.median(fractions)
        # On more threads, the bound of "vs 1 thread": within each repetition the
        # workload's own scaling beside that of the FMA peaks probed after its two runs (a
        # host whose second core is busy scales neither).
        one = {x["rep"]: x for x in by.get((model, batch, 1), [])} if threads > 1 else {}
        pairs = [(x["samples_per_s"] / one[x["rep"]]["samples_per_s"],
                  x["adjacent_peak_gflops"] / one[x["rep"]]["adjacent_peak_gflops"])
                 for x in runs if x["rep"] in one]
        rows.append({"workload": model, "batch": batch, "threads": threads,
                     "flops_per_sample": flops, "gflops": statistics.median(gflops),
                     "peak_gflops": statistics.median(x["adjacent_peak_gflops"] for x in runs),
                     "fraction": fraction, "fraction_min": min(fractions),
                     "fraction_max": max(fractions), "target": target,
                     "met": None if target is None else fraction >= target,
                     "scaling": [w for w, _ in pairs], "peak_scaling": [p for _, p in pairs]})
    return rows


def peak_fraction_table(rows):
    if not rows:
        return []
    lines = ["", "## Fraction of the FMA peak\n",
             "GEMM FLOPs per sample (forward and weight gradient of every layer, input "
             "gradient of every layer but the first) × samples/s, against `sgdbench throughput "
             "--peak-flops` on the same threads, probed right after each run: a fraction per "
             "repetition, their median (lowest–highest). On 2 threads, against 1 in the same "
             "repetition: the workload's samples/s and, as its bound, the FMA peak probed after "
             "each of the two runs (medians of the repetitions' ratios, lowest–highest).\n",
             "| workload | B | threads | FLOP per sample | GFLOP/s | FMA peak | fraction of peak "
             "| target | met | vs 1 thread | FMA peak vs 1 thread |",
             "|---|---|---|---|---|---|---|---|---|---|---|"]

    def scaling_cell(ratios):
        if not ratios:
            return "–"
        return f"{statistics.median(ratios):.2f}×{spread(min(ratios), max(ratios))}"

    for r in rows:
        lines.append(
            f"| {r['workload']} | {r['batch']} | {r['threads']} | {r['flops_per_sample']:,} | "
            f"{r['gflops']:.1f} | {r['peak_gflops']:.1f} | {r['fraction']:.1%} "
            f"({r['fraction_min']:.1%}–{r['fraction_max']:.1%}) | "
            f"{cell(r['target'], lambda x: f'≥ {x:.0%}')} | {met_cell(r['met'])} | "
            f"{scaling_cell(r['scaling'])} | {scaling_cell(r['peak_scaling'])} |")
    return lines


def grain_sweep(workloads, seconds):
    """samples/s against the rows per reduction leaf (chunk_rows), 1 and 2 threads: the
    measurement behind the default of 256 (TbbDeterministic's grain is one chunk)."""
    out = []
    for model, batch in (("nielsen", "full"), ("nielsen", 1000), ("softmax", "full")):
        spec = workloads["models"][model]
        for chunk in (64, 128, 256, 512, 1024):
            for threads in (1, 2):
                cmd = [str(SGDBENCH), "throughput", "--variant", spec["sgdbench"], "--batch",
                       str(batch), "--threads", str(threads), "--seconds", str(seconds),
                       "--chunk-rows", str(chunk)]
                if spec["kind"] != "softmax":
                    cmd += ["--widths", ",".join(map(str, spec["widths"]))]
                r = run_json(cmd, threads)
                out.append({"workload": model, "batch": str(batch), "chunk_rows": chunk,
                            "threads": threads, "samples_per_s": r["samples_per_s"]})
                print(f"grain {model} B={batch} chunk={chunk} t={threads}: "
                      f"{r['samples_per_s']:.0f} samples/s", flush=True)
    return out


def grain_table(grain):
    chunks = sorted({g["chunk_rows"] for g in grain})
    lines = ["", "## Rows per reduction leaf (chunk_rows; samples/s, one run each)\n",
             "| workload | B | threads | " + " | ".join(str(c) for c in chunks) + " |",
             "|---|---|---|" + "---|" * len(chunks)]
    keys = []
    for g in grain:
        k = (g["workload"], g["batch"], g["threads"])
        if k not in keys:
            keys.append(k)
    for k in keys:
        rates = {g["chunk_rows"]: g["samples_per_s"] for g in grain
                 if (g["workload"], g["batch"], g["threads"]) == k}
        best = max(rates, key=rates.get)
        cells = [(f"**{fmt_rate(rates[c])}**" if c == best else fmt_rate(rates[c])) for c in chunks]
        lines.append(f"| {k[0]} | {k[1]} | {k[2]} | " + " | ".join(cells) + " |")
    lines.append("\nThe default is 256 rows: a 256-row chunk of floats (800 KB) still fits the "
                 "1 MiB L2 beside its activations, and a B = 1000 batch still makes 4 leaves "
                 "for 2 threads. Batches of at most one chunk are never split: they run the "
                 "fused step on the calling thread, so 2 threads cost nothing there.")
    return lines


def cell(value, fmt):
    return "–" if value is None else fmt(value)


def met_cell(met):
    """A target's cell: empty without a target, yes, or a bold no."""
    return "" if met is None else ("yes" if met else "**no**")


def ratio_range(row, name="ratio"):
    """' (lowest–highest)' of the repetitions' ratios (row[name_min], row[name_max]), where
    there are several."""
    return spread(row.get(f"{name}_min"), row.get(f"{name}_max"))


def spread(lo, hi):
    """' (lo–hi)' of several ratios; '' where they are one value or unknown."""
    return "" if lo is None or hi is None or lo == hi else f" ({lo:.2f}–{hi:.2f})"


def write_tables(out, rows, peak_rows, extras, machine, torch_version, reps, seconds,
                 records=()):
    """summary.csv and summary.md (`records`: the runs, for the host's contention)."""
    with open(out / "summary.csv", "w", newline="") as f:
        w = csv.DictWriter(f, fieldnames=list(rows[0]))
        w.writeheader()
        w.writerows(rows)
    lines = [
        "# sgdbench against PyTorch and OpenBLAS\n",
        f"Generated by `./bench/peers/run.sh`: {reps} alternating repetitions of {seconds} s "
        f"of training per cell, medians; a ratio (against PyTorch, against 1 thread) is the "
        f"median of the repetitions' own ratios (lowest–highest in brackets); "
        f"{machine.get('cpu_model')}, "
        f"{machine.get('logical_cores')} cores, SIMD {machine.get('simd_arch')}, git "
        f"{machine.get('git_commit')}{' (dirty)' if machine.get('git_dirty') else ''}; "
        f"PyTorch {torch_version} (Debian python3-torch). Training samples/s on Fashion-MNIST "
        "(60,000 images), evaluation excluded. `sgdbench` is the `simd/tbb` variant, "
        "`openblas` the same variant with OpenBLAS kernels. Every thread pool (TBB, OpenMP, "
        "OpenBLAS) is limited to the thread count. On 2 threads PyTorch is run two ways, "
        "torch.set_num_threads(2) with OpenBLAS on 2 threads, and torch.set_num_threads(1) "
        "with OpenBLAS on 2 threads (`blas` below); the table keeps the faster."
        + (" Both sides held to AVX2 (`./bench/peers/run.sh --isa avx2`): sgdbench's "
           "x86-64-v3 build, PyTorch with ATEN_CPU_CAPABILITY=avx2 and DNNL_MAX_CPU_ISA=AVX2, "
           "OpenBLAS with its Haswell kernels (OPENBLAS_CORETYPE=Haswell); the targets are "
           "workloads.json's targets_avx2." if "avx2" in (machine.get("simd_arch") or "") else "")
        + "\n",
        "| workload | B | threads | sgdbench | openblas | PyTorch | sgdbench / PyTorch | "
        "target | met | vs 1 thread | peak RSS − data (MiB) |",
        "|---|---|---|---|---|---|---|---|---|---|---|",
    ]
    for r in rows:
        lines.append(
            f"| {r['workload']} | {r['batch']} | {r['threads']} | "
            f"{cell(r['sgdbench'], fmt_rate)} | {cell(r['openblas_variant'], fmt_rate)} | "
            f"{cell(r['pytorch'], fmt_rate)}{' (blas)' if r['pytorch_setup'] == 'pytorch-blas' else ''} | "
            f"{cell(r['ratio_vs_pytorch'], lambda x: f'{x:.2f}×')}"
            f"{ratio_range(r)} | "
            f"{cell(r['target_ratio'], lambda x: f'≥ {x}×')} | {met_cell(r['target_met'])} | "
            f"{cell(r['scaling_vs_1_thread'], lambda x: f'{x:.2f}×')}{ratio_range(r, 'scaling')} | "
            f"{cell(r['extra_rss_mib'], lambda x: f'{x:.0f}')} |")
    lines += ["", "## Machine limits (measured in the same run)\n",
              "| measure | 1 thread | 2 threads |", "|---|---|---|"]
    st = extras["stream"]
    lines.append(f"| streaming read (GB/s) | {st[0]['read_gb_per_s']:.1f} | "
                 f"{st[1]['read_gb_per_s']:.1f} |")
    pk = extras["peak"]
    lines.append(f"| FP32 FMA peak (GFLOP/s) | {pk[0]['gflops']:.1f} | {pk[1]['gflops']:.1f} |")
    lines += contention_rows(records)
    lines += peak_fraction_table(peak_rows)
    if extras["gemm"]:
        lines += ["", "## GEMM on the MLP's shapes, 1 thread (GFLOP/s, Google Benchmark medians)\n"]
        if extras["gemm"][0].get("gemm_blocking"):
            lines.append(f"Packed GEMM blocking that ran: {extras['gemm'][0]['gemm_blocking']}.\n")
        lines += ["| shape | SIMD | OpenBLAS sgemm | SIMD / OpenBLAS |", "|---|---|---|---|"]
        for g in extras["gemm"]:
            lines.append(f"| {g['shape']} | {g['simd_gflops']:.1f} | {g['openblas_gflops']:.1f} | "
                         f"{g['simd_gflops'] / g['openblas_gflops']:.2f} |")
    if extras.get("grain"):
        lines += grain_table(extras["grain"])
    lines += ["", "Targets (issue 7) are ratios at 1 thread; on 2 threads sgdbench should never "
              "be slower than on 1 and reach ≥ 1.8× at B ≥ 1000; peak RSS within the data set "
              "+ 64 MiB. `runs.jsonl` holds every measurement."]
    (out / "summary.md").write_text("\n".join(lines) + "\n")


def contention_rows(records):
    """Rows of the machine-limits table that show how contended a shared host was while the
    runs were measured: the FMA peaks probed after the sgdbench runs of the peak-fraction
    cells (their spread; the fraction table below sets each against its own run), and the
    steal time during every run. Each only where the records hold it."""
    def by_threads(field):
        values = {}
        for r in records:
            if r.get(field) is not None:
                values.setdefault(r["threads"], []).append(r[field])
        return values if 1 in values and 2 in values else None

    rows = []
    peaks = by_threads("adjacent_peak_gflops")
    if peaks:
        cells = [f"{statistics.median(peaks[t]):.1f} ({min(peaks[t]):.1f}–{max(peaks[t]):.1f})"
                 for t in (1, 2)]
        rows.append("| FMA peak probed after each run of the fraction table (GFLOP/s): median "
                    f"(lowest–highest) | {cells[0]} | {cells[1]} |")
    steal = by_threads("steal_fraction")
    if steal:
        cells = [f"{statistics.median(steal[t]):.1%} ({max(steal[t]):.1%})" for t in (1, 2)]
        rows.append("| CPU time the hypervisor withheld while a run wanted it (steal, "
                    f"/proc/stat), every run: median (highest) | {cells[0]} | {cells[1]} |")
    return rows


def plot_ratios(out, rows):
    """plots/ratios.png: sgdbench / PyTorch per workload, 1 and 2 threads, log scale, with
    the 1-thread targets."""
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    labels = []
    for r in rows:
        label = f"{r['workload']}\nB={r['batch']}"
        if label not in labels:
            labels.append(label)
    fig, ax = plt.subplots(figsize=(9, 4))
    width = 0.38
    for k, threads in enumerate((1, 2)):
        xs, ys = [], []
        for r in rows:
            if r["threads"] == threads and r["ratio_vs_pytorch"]:
                xs.append(labels.index(f"{r['workload']}\nB={r['batch']}") + (k - 0.5) * width)
                ys.append(r["ratio_vs_pytorch"])
        ax.bar(xs, ys, width, label=f"{threads} thread{'s' if threads > 1 else ''}")
    for r in rows:
        if r["threads"] == 1 and r["target_ratio"]:
            x = labels.index(f"{r['workload']}\nB={r['batch']}") - 0.5 * width
            ax.plot([x - width / 2, x + width / 2], [r["target_ratio"]] * 2, color="black", lw=2)
    ax.axhline(1.0, color="grey", lw=0.8, ls="--")
    ax.set_yscale("log")
    ax.set_xticks(range(len(labels)), labels, fontsize=8)
    ax.set_ylabel("training samples/s, sgdbench / PyTorch")
    ax.set_title("sgdbench against PyTorch on Fashion-MNIST (black: 1-thread target)")
    ax.legend()
    fig.tight_layout()
    (out / "plots").mkdir(exist_ok=True)
    fig.savefig(out / "plots" / "ratios.png", dpi=110)
    plt.close(fig)


def publish(out, records, extras, machine, torch_version, workloads, reps, seconds):
    """Writes everything into a temporary folder, then swaps it for `out`: an interrupted
    run leaves the committed results/peers/ as it was."""
    rows = summarise(records, workloads, machine.get("simd_arch"))
    out.parent.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=".peers.", dir=out.parent))
    tmp.chmod(0o755)  # mkdtemp makes it private
    try:
        with open(tmp / "runs.jsonl", "w") as f:
            for r in records:
                f.write(json.dumps(r) + "\n")
        (tmp / "machine.json").write_text(json.dumps(
            {**machine, "limits": extras, "pytorch": torch_version,
             "run": {"reps": reps, "seconds": seconds}}, indent=2) + "\n")
        write_tables(tmp, rows, peak_fractions(records, workloads), extras, machine,
                     torch_version, reps, seconds, records)
        plot_ratios(tmp, rows)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)  # no half-written folder beside the results
        raise
    if out.exists():
        shutil.rmtree(out)
    tmp.rename(out)
    print((out / "summary.md").read_text())


def report_only(out, workloads):
    """Tables and plot again from out/runs.jsonl and out/machine.json; nothing measured."""
    records = [json.loads(line) for line in open(out / "runs.jsonl")]
    meta = json.loads((out / "machine.json").read_text())
    extras = meta.pop("limits")
    torch_version = meta.pop("pytorch", "?")
    run = meta.pop("run", None) or {
        "reps": 1 + max(r["rep"] for r in records),
        "seconds": round(statistics.median(r["seconds"] for r in records), 1)}
    publish(out, records, extras, meta, torch_version, workloads, run["reps"], run["seconds"])


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--reps", type=int, default=3)
    ap.add_argument("--seconds", type=float, default=2.0)
    ap.add_argument("--out", help="results folder (default results/peers/<this CPU model>, "
                    "bench/scripts/cpu_folder.py; with --only, "
                    "/tmp/sgdbench-peers-<workload>, so a partial run never replaces the table)")
    ap.add_argument("--only", help="run only this workload (e.g. nielsen)")
    ap.add_argument("--isa", choices=sorted(ISA_MODES), default="native",
                    help="avx2: the x86-64-v3 build against PyTorch held to AVX2, into "
                    "results/peers/<CPU model>-avx2/")
    ap.add_argument("--report-only", action="store_true",
                    help="rebuild the tables and plot from OUT/runs.jsonl; measure nothing")
    a = ap.parse_args()
    workloads = json.loads((HERE / "workloads.json").read_text())
    use_isa(a.isa)
    suffix = ISA_MODES[a.isa]["suffix"]
    if a.out is None:
        a.out = (f"/tmp/sgdbench-peers-{a.only}{suffix}" if a.only
                 else str(ROOT / "results" / "peers" /
                          (cpu_folder.folder() + suffix)))
    if a.report_only:
        return report_only(Path(a.out), workloads)
    cells = [(run["workload"], b, t) for run in workloads["runs"] for b in run["batch"]
             for t in workloads["threads"] if not a.only or run["workload"] == a.only]
    impls = ["sgdbench", "blas", "pytorch"]
    records = []
    started = time.time()
    for rep in range(a.reps):
        for i, (model, batch, threads) in enumerate(cells):
            spec = workloads["models"][model]
            order = [x for x in impls if x == "pytorch" or x in spec]
            if threads > 1:
                order.append("pytorch-blas")
            k = (rep + i) % len(order)
            for impl in order[k:] + order[:k]:
                r = measure(impl, model, spec, batch, threads, a.seconds)
                r["rep"] = rep
                if impl == "sgdbench" and f"{model}/{batch}" in workloads["peak_fraction"]:
                    r["adjacent_peak_gflops"] = run_json(
                        [str(SGDBENCH), "throughput", "--peak-flops", "--threads", str(threads)],
                        threads)["gflops"]
                records.append(r)
                print(f"[{time.time() - started:6.0f} s] rep {rep} {model} B={batch} "
                      f"t={threads} {impl}: {r['samples_per_s']:.0f} samples/s", flush=True)
    extras = {
        "stream": [run_json([str(SGDBENCH), "throughput", "--stream", "--threads", str(t)], t)
                   for t in (1, 2)],
        "peak": [run_json([str(SGDBENCH), "throughput", "--peak-flops", "--threads", str(t)], t)
                 for t in (1, 2)],
        "gemm": gemm_vs_openblas(),
        "grain": grain_sweep(workloads, min(a.seconds, 1.5)) if not a.only else [],
    }
    machine = run_json([str(SGDBENCH), "throughput", "--machine",
                        str(HERE / "workloads.json")], 1)
    torch_version = next((r["torch"] for r in records if r["impl"] in TORCH_IMPLS), "?")
    publish(Path(a.out), records, extras, machine, torch_version, workloads, a.reps, a.seconds)


if __name__ == "__main__":
    sys.exit(main())
