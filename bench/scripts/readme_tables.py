"""The tables the generated results blocks quote, read from the committed results: CSV
summaries (the fixed-rate Nielsen table, the one-rate trade-off table, the peers), and
Markdown tables cut out of generated files by position or by the line before them.
readme_results.py assembles them."""
import csv
import glob
import json
import os
import re

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
