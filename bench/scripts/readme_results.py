"""Writes the generated results from the committed results (never typed by hand): in
docs/results.md the whole section (the headline tables: gradient evaluations and seconds to
each target, every method at the rate tuned for that target, and who gets there first, from
results/gd-vs-sgd-*; the fixed-rate Nielsen demonstration; the trade-offs; batch scaling;
the peers; scale-out; with their plots), and in README.md the headline block (who gets
there first, and one picture).
Usage: /usr/bin/python3 bench/scripts/readme_results.py [ROOT]   (ROOT: the repository root, by
default the current folder; it reads ROOT/results/ and rewrites ROOT/docs/results.md and
ROOT/README.md)"""
import csv
import glob
import json
import os
import re
import sys

BEGIN, END = "<!-- results:begin -->", "<!-- results:end -->"  # in docs/results.md
HEADLINE_BEGIN, HEADLINE_END = "<!-- headline:begin -->", "<!-- headline:end -->"  # README.md
UP = "../"  # docs/results.md links to results/ from one folder down


def rows(path):
    with open(path) as f:
        return list(csv.DictReader(f))


def num(x):
    try:
        v = float(x)
        return v if v == v else None
    except (TypeError, ValueError):
        return None


def interval(r, name, stat, scale=1.0, unit="", spec=".3g"):
    """"value [lo, hi]" from a row's name_stat, name_lo and name_hi (bootstrap 95 %)."""
    v, lo, hi = (num(r.get(f"{name}_{k}")) for k in (stat, "lo", "hi"))
    if v is None:
        return None

    def one(x):
        return "∞" if x == float("inf") else format(x * scale, spec)
    if lo is None or hi is None or lo == hi == v:
        return f"{one(v)}{unit}"
    return f"{one(v)}{unit} [{one(lo)}, {one(hi)}]"


def target_cell(r, label):
    """A target's median seconds over seeds with its interval and reached/runs; a median
    that is a miss says so."""
    secs = num(r.get(f"{label}:seconds_median"))
    reached = r.get(f"{label}:reached", "")
    if secs is None or secs == float("inf"):
        return f"missed ({reached})"
    return f"{interval(r, label + ':seconds', 'median', unit=' s')} ({reached})"


def target_order(label):
    """Easiest first: "m>=v" by increasing v, "m<=v" by decreasing v."""
    m = re.fullmatch(r"(\w+)(>=|<=)(.+)", label)
    v = num(m.group(3)) if m else None
    if v is None:
        return (label, 0.0)
    return (m.group(1), v if m.group(2) == ">=" else -v)


def row_targets(r):
    """The targets of a row's problem, easiest first. The csv has a column for every
    target of every problem; a problem's own have runs ("k/n" reached, n > 0)."""
    return sorted((k.split(":")[0] for k in r if k.endswith(":reached") and r[k]
                   and not r[k].endswith("/0")), key=target_order)


def nielsen_table(path="results/nielsen/summary.csv", widths="784-30-10"):
    if not os.path.exists(path):
        return f"(no {path} yet)"
    data = rows(path)
    out = [f"| data ({widths}) | B | test accuracy after 10 epochs (%) | median seconds to the "
           "first target (reached/runs) | samples/s |", "|---|---|---|---|---|"]
    for r in data:
        if r["widths"] != widths:
            continue
        labels = row_targets(r)  # this problem's, not another problem's first target
        label = labels[0] if labels else None
        b = "full" if r["batching"] == "full" else r["batch_size"]
        when = f"{label}: {target_cell(r, label)}" if label else "—"
        out.append(f"| {r['dataset']} | {b} | {interval(r, 'test_accuracy', 'mean', 100, spec='.1f')} | "
                   f"{when} | {float(r['samples_per_second_mean']):,.0f} |")
    return "\n".join(out)


def problem(r):
    """A row's problem: the dataset, and the widths when the row has them."""
    return f"{r['dataset']} ({r['widths']})" if r.get("widths") else r["dataset"]


def tradeoff_table(path="results/tradeoff/summary.csv"):
    if not os.path.exists(path):
        return f"(no {path} yet)"
    data = rows(path)
    targets = [k.split(":")[0] for k in data[0] if k.endswith(":seconds_median")]
    head = "| problem | method | B | " + " | ".join(t.replace("suboptimality<=", "F − F* ≤ ")
                                                  for t in targets) + " |"
    out = [head, "|---|---|---|" + "---|" * len(targets)]
    for r in data:
        cells = []
        for t in targets:
            if (r.get(f"{t}:reached") or "").endswith("/0"):
                cells.append("")  # another problem's target
            else:
                cells.append(target_cell(r, t))
        b = "full" if r["batching"] == "full" else r["batch_size"]
        method = re.sub(r" \[.*\]", "", r["variant"])
        out.append(f"| {problem(r)} | {method} | {b} | " + " | ".join(cells) + " |")
    return "\n".join(out)


def rate(x):
    v = num(x)
    if v is None:
        return "–"
    return f"{v / 1e6:.2f} M" if v >= 1e6 else f"{v / 1e3:.1f} k"


def peers_table(root="."):
    """sgdbench against PyTorch on every CPU measured (results/peers/<CPU>/, from
    ./bench/peers/run.sh on each host), one block of rows per CPU."""
    folders = sorted(glob.glob(os.path.join(root, "results", "peers", "*", "summary.csv")))
    if not folders:
        return "(no results/peers yet: run ./bench/peers/run.sh)"
    out = ["| CPU | workload | B | threads | sgdbench | PyTorch | ratio | target (1 thread) |",
           "|---|---|---|---|---|---|---|---|"]
    for path in folders:
        machine = os.path.join(os.path.dirname(path), "machine.json")
        folder = os.path.basename(os.path.dirname(path))
        cpu = folder
        if os.path.exists(machine):
            with open(machine) as f:
                meta = json.load(f)
            # The model name, and the folder where it says more (the family and model of a
            # KVM guest's bare "AMD EPYC", -avx2 for run.sh --isa avx2).
            cpu = meta.get("cpu_model", folder)
            if "-family-" in folder or folder.endswith("-avx2"):
                cpu += f" (`{folder}`)"
        for r in rows(path):
            ratio = num(r["ratio_vs_pytorch"])
            target = num(r["target_ratio"])
            met = {"True": " met", "False": " **missed**"}.get(r["target_met"], "")
            out.append(f"| {cpu} | {r['workload']} | {r['batch']} | {r['threads']} "
                       f"| {rate(r['sgdbench'])} | {rate(r['pytorch'])} "
                       f"| {f'{ratio:.2f}×' if ratio else '–'} "
                       f"| {f'≥ {target:g}×{met}' if target else ''} |")
    return "\n".join(out)


def peers_plots(root="."):
    """The ratio plot of every CPU measured."""
    plots = sorted(glob.glob(os.path.join(root, "results", "peers", "*", "plots", "ratios.png")))
    return "\n".join(f"![sgdbench / PyTorch per workload, {os.path.basename(os.path.dirname(os.path.dirname(p)))}]"
                     f"({UP}{os.path.relpath(p, root)})" for p in plots)


def first_table(path, index=0):
    """The first (or the index-th) Markdown table of a generated file
    (batch_scaling_fit.md, performance_profile.md, scale-out's summary.md), or a note that
    the file is missing."""
    if not os.path.exists(path):
        return f"(no {os.path.relpath(path)} yet)"
    with open(path) as f:
        lines = f.read().splitlines()
    tables, i = [], 0
    while i < len(lines):
        if lines[i].startswith("|"):
            end = i
            while end < len(lines) and lines[end].startswith("|"):
                end += 1
            tables.append("\n".join(lines[i:end]))
            i = end
        else:
            i += 1
    if index >= len(tables):
        return f"(no table {index + 1} in {os.path.basename(path)})"
    return tables[index]


def table_after(path, heading):
    """The Markdown table that follows the first line starting with `heading` in a generated
    file (the per-target tables of summary.md), or a note that it is missing."""
    if not os.path.exists(path):
        return f"(no {os.path.relpath(path)} yet)"
    with open(path) as f:
        lines = f.read().splitlines()
    for i, line in enumerate(lines):
        if line.startswith(heading):
            start = next((j for j in range(i + 1, len(lines)) if lines[j].startswith("|")), None)
            if start is None:
                break
            end = start
            while end < len(lines) and lines[end].startswith("|"):
                end += 1
            return "\n".join(lines[start:end])
    return f"(no table after \"{heading}\" in {os.path.relpath(path)})"


def per_target_tables(paths, root=".", seconds=True):
    """Each summary.md's per-problem matrices (gradient evaluations, and seconds unless
    `seconds` is false, to each target, every method at the rate tuned for that target),
    then who gets there first."""
    out = []
    for path in paths:
        with open(path) as f:
            problems = re.findall(r"^(.+): gradient evaluations to each target:$", f.read(), re.M)
        rel = os.path.relpath(path, root)
        for p in problems:
            out.append(f"*{p}, gradient evaluations to each target* (`{rel}`):\n\n"
                       + table_after(path, f"{p}: gradient evaluations to each target:"))
            if seconds:
                out.append(f"*{p}, training seconds to each target:*\n\n"
                           + table_after(path, f"{p}: training seconds to each target:"))
        out.append(f"*Who gets there first* (`{rel}`):\n\n"
                   + table_after(path, "Who gets there first"))
    return "\n\n".join(out)


def gd_vs_sgd_tables(root="."):
    """The headline: every results/gd-vs-sgd-*/summary.md's gradient evaluations and seconds
    to each target (each method at the rate tuned for that target), then who gets there
    first."""
    folders = sorted(glob.glob(os.path.join(root, "results", "gd-vs-sgd-*", "summary.md")))
    if not folders:
        return "(no results/gd-vs-sgd-* yet: run sgdbench run configs/gd-vs-sgd-digits.json)"
    return per_target_tables(folders, root)


def tradeoff_tables(root="."):
    """Bottou's trade-off tuned per target: gradient evaluations to each suboptimality
    (seconds in results/tradeoff/summary.md) and who gets there first; the older one-rate
    table from summary.csv when the folder predates per-target tuning."""
    path = os.path.join(root, "results", "tradeoff", "summary.md")
    per_target = os.path.exists(path)
    if per_target:
        with open(path) as f:
            per_target = "gradient evaluations to each target:" in f.read()
    if not per_target:
        return tradeoff_table(os.path.join(root, "results", "tradeoff", "summary.csv"))
    return per_target_tables([path], root, seconds=False)


def tradeoff_long_tables(root="."):
    """The 500-epoch trade-off: the Hessian's conditioning at each problem's optimum, and
    who gets there first (the matrices are in results/tradeoff-long/summary.md)."""
    path = os.path.join(root, "results", "tradeoff-long", "summary.md")
    if not os.path.exists(path):
        return "(no results/tradeoff-long yet: run sgdbench run configs/tradeoff-long.json)"
    rel = os.path.relpath(path, root)
    return (f"*Conditioning at the optimum* (`{rel}`):\n\n"
            + table_after(path, "Conditioning at the optimum")
            + f"\n\n*Who gets there first with 500 epochs* (`{rel}`):\n\n"
            + table_after(path, "Who gets there first"))


def headline_part(root="."):
    """The generated section's opening: its sources and the headline, GD against SGD."""
    return f"""{BEGIN}
Generated by `bench/scripts/readme_results.py` from `results/gd-vs-sgd-*/summary.md`,
`results/nielsen/summary.csv`, `results/tradeoff/summary.md`, `results/tradeoff-long/summary.md`, `results/peers/*/summary.csv`, `results/scale-out/summary.md`
and the analyses beside them
(see each folder's `summary.md` and `machine.json`).

**GD against SGD on neural networks, tuned per target** (`results/gd-vs-sgd-*`): the
careful man computing the exact gradient (full-batch GD: constant step, Nesterov at
momentum 0.9, 0.99 and 0.999, Armijo, L-BFGS) against the drunk man stumbling quickly
downhill (mini-batch SGD from B = 1 to 4096 on the digits and 8192 on Fashion-MNIST, with
and without momentum, and Adam). One budget of 200 epochs of gradient evaluations (200 GD
steps); each method's learning rate tuned *per target* on three tuning seeds (the rate with
the least median gradient evaluations to that target), then re-run with ten reporting seeds.
Each cell: the median over the reporting seeds with a miss counted as never, its bootstrap
95 % interval and reached/runs; "no rate reached it": no rate tried reached the target on
the tuning seeds within the budget. Targets on the validation split and the training
objective; test accuracy is reported in `summary.md`, never used. A crossing counts only
while the training loss stays at or below its start. Seconds: 2 threads on the machine of
each folder's `machine.json`.

{gd_vs_sgd_tables(root)}
"""


def analyses_part(root="."):
    """The rest of the section: peers, Nielsen, the trade-offs, batch scaling, scale-out."""
    def summary(name):
        return os.path.join(root, "results", name, "summary.csv")
    return f"""**Training samples/s against PyTorch** on Fashion-MNIST (`./bench/peers/run.sh`: the same
workloads alternating in one session, medians; a ratio is the median of each repetition's
own ratio, so a slow spell of the shared host hits both sides of it; one block per CPU model
measured, each in `results/peers/<CPU>/` with its machine limits and how contended the host
was (the spread of the FMA peaks probed after the runs, the CPU time the hypervisor
withheld), the fraction of the FMA peak (on 2 threads beside the FMA peak's own scaling in
the same repetitions, the bound of the 2-thread target on a shared host) and the OpenBLAS reference with the GEMM blocking it ran;
a folder ending in `-avx2` is `./bench/peers/run.sh --isa avx2`: the x86-64-v3 build against
PyTorch held to AVX2 on the same host, scored against the AVX2 targets of
`bench/peers/workloads.json`):

{peers_table(root)}

{peers_plots(root)}

**GD against SGD on Nielsen's network** (η = 3.0 for every B, a fixed-rate demonstration,
not a tuned comparison; the same gradient evaluations for every B; mean test accuracy and
median seconds over seeds with bootstrap 95 % intervals; full table and 784-100-10 in
`results/nielsen/summary.md`):

{nielsen_table(summary("nielsen"))}

**Bottou's trade-off** (gradient evaluations to reach each suboptimality F − F*, each
method at the rate tuned for that target on three tuning seeds: the median over the
reporting seeds with a miss counted as never, its bootstrap 95 % interval and
reached/runs; "missed": the median seed did not reach it within the 50-epoch budget; "no
rate reached it": no rate tried did on the tuning seeds; seconds in
`results/tradeoff/summary.md`):

{tradeoff_tables(root)}

**The trade-off with ten times the budget** (500 epochs, so the fine targets can be
reached; the same three problems and protocol, Nesterov's momentum 0.9, 0.99 and 0.999
beside the (√κ − 1)/(√κ + 1) the measured κ gives; on Fashion-MNIST SGD at B = 1 and 10
left out, see the config):

{tradeoff_long_tables(root)}

**Performance profile of the trade-off** (Dolan and Moré: the fraction of the (problem,
target) instances each method reaches within τ × the fastest method's median time, a
method whose interval overlaps the fastest's tied at τ = 1; in gradient evaluations in
`results/tradeoff/performance_profile.md`):

{first_table(os.path.join(root, "results", "tradeoff", "performance_profile.md"))}

**Critical batch size** (steps to the first validation-accuracy target of
`results/batch-scaling` on Fashion-MNIST softmax regression, lr tuned per B and target;
S = S_min + E_min / B over censored medians, paired-bootstrap 95 % intervals, the full
batch fitted or listed as censored, B_simple per B; residuals per B in
`results/batch-scaling/batch_scaling_fit.md`):

{first_table(os.path.join(root, "results", "batch-scaling", "batch_scaling_fit.md"))}

**Data-parallel SGD on MPI** (`bench/scale_out/run.sh`; `results/scale-out/summary.md`).
*Measured* on this machine, 1 and 2 ranks of the `mpi` execution policy (1 thread each;
communication: rank 0's time in the policy's sends, receives and broadcast, waits
included):

{first_table(os.path.join(root, "results", "scale-out", "summary.md"), 0)}

*Projected*, not measured: time to target for 1 … 1024 workers from the measured compute
per step, an **assumed** cluster network (`bench/scale_out/cluster.json`) and S(B) fitted
in `results/batch-scaling`; P* is the worker count past which time to target stops
falling:

{first_table(os.path.join(root, "results", "scale-out", "summary.md"), 2)}

![projected time to target against workers]({UP}results/scale-out/plots/time_to_target.png)
![suboptimality against seconds]({UP}results/tradeoff/plots/suboptimality_vs_train_seconds.png)
![GD and SGD walkers on a 2-D least-squares problem]({UP}results/trajectory-2d/plots/trajectory.png)
"""


def section(root="."):
    """The README's results section from ROOT/results/."""
    return headline_part(root) + "\n" + analyses_part(root) + END


def headline(root="."):
    """The README's generated block: who gets there first in each gd-vs-sgd-* folder, and
    one picture; the full tables are in docs/results.md."""
    folders = sorted(glob.glob(os.path.join(root, "results", "gd-vs-sgd-*", "summary.md")))
    parts = [HEADLINE_BEGIN,
             "Generated by `bench/scripts/readme_results.py` from `results/gd-vs-sgd-*/summary.md` "
             "(every matrix, interval and the other experiments: [docs/results.md]"
             "(docs/results.md)). Per target, the method that needs the fewest gradient "
             "evaluations (median over 10 reporting seeds, each method at the learning rate "
             "tuned for that target), the runner-up, and what the best full-batch method "
             "costs against it; \"tie\": the intervals overlap.\n"]
    for path in folders:
        rel = os.path.relpath(path, root)
        parts.append(f"*{os.path.basename(os.path.dirname(path))}* (`{rel}`):\n\n"
                     + table_after(path, "Who gets there first") + "\n")
    if not folders:
        parts.append("(no results/gd-vs-sgd-* yet: run sgdbench run "
                     "configs/gd-vs-sgd-digits.json)\n")
    picture = os.path.join("results", "gd-vs-sgd-digits", "plots", "train_loss_vs_grad_evals.png")
    if os.path.exists(os.path.join(root, picture)):
        parts.append(f"![training loss against gradient evaluations, digits]({picture})\n")
    return "\n".join(parts) + HEADLINE_END


def replace_block(path, begin, end, text):
    """Rewrites the block between `begin` and `end` in `path` (appends it when absent),
    atomically."""
    with open(path) as f:
        page = f.read()
    if begin in page:
        page = re.sub(re.escape(begin) + ".*?" + re.escape(end), lambda _: text, page, flags=re.S)
    else:
        page = page.rstrip() + "\n\n" + text + "\n"
    with open(path + ".partial", "w") as f:
        f.write(page)
    os.replace(path + ".partial", path)


def main(root="."):
    replace_block(os.path.join(root, "docs", "results.md"), BEGIN, END, section(root))
    replace_block(os.path.join(root, "README.md"), HEADLINE_BEGIN, HEADLINE_END, headline(root))


if __name__ == "__main__":
    main(sys.argv[1] if len(sys.argv) > 1 else ".")
