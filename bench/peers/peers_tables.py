"""The peer comparison's tables and plot (bench/peers/run_peers.py measures, this renders):
medians and ratios per workload against PyTorch, the fraction of the FMA peak, the chunk
size sweep, the host's contention; summary.md, summary.csv and plots/ratios.png."""
import csv
import statistics

# PyTorch on T > 1 threads, two ways a user can set it up; the table keeps the faster:
#   pytorch       torch.set_num_threads(T), OpenBLAS T threads (they oversubscribe: both
#                 pools spin on the same cores);
#   pytorch-blas  torch.set_num_threads(1), OpenBLAS T threads (only the GEMMs parallel).
TORCH_IMPLS = ("pytorch", "pytorch-blas")


def targets_for(workloads, simd_arch):
    """workloads.json's targets, with targets_avx2 in their place where sgdbench ran AVX2
    kernels (simd_arch from machine.json)."""
    targets = dict(workloads["targets"])
    if "avx2" in (simd_arch or ""):
        targets.update(workloads.get("targets_avx2", {}))
    return targets



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
