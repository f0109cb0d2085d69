"""Plots of one experiment from its runs.jsonl (PNG and SVG into results/<name>/plots/):
- each metric (test accuracy, train loss, F - F* when known) against epochs, gradient
  evaluations and training seconds, one line per (variant, batch size), mean over seeds;
- steps to each target against the batch size, log-log (Shallue et al. 2019);
- throughput (samples/s) against the batch size.
Runs of the tuning phase are left out. Usage: /usr/bin/python3 bench/plot.py results/<name>"""
import json
import os
import sys
from collections import defaultdict

import matplotlib

matplotlib.use("Agg")
matplotlib.rcParams["svg.hashsalt"] = "sgdbench"  # stable ids: regenerated SVGs diff cleanly
import matplotlib.pyplot as plt  # noqa: E402

AXES = [("epoch", "epochs"), ("grad_evals", "gradient evaluations"),
        ("train_seconds", "training seconds (evaluation excluded)")]
METRICS = [("test_accuracy", "test accuracy", "linear"), ("train_loss", "train loss", "log"),
           ("suboptimality", "F(w) - F*", "log")]


def method(r):
    """The row's name: a /variants entry's label, else the variant."""
    return r.get("method") or r["variant"]


def batch_label(r):
    return "full batch" if r["batching"] == "full" else f"B = {r['batch_size']}"


def load(folder):
    points = defaultdict(lambda: defaultdict(list))  # (variant, B key) -> seed -> points
    runs = []
    with open(os.path.join(folder, "runs.jsonl")) as f:
        for line in f:
            r = json.loads(line)
            if r.get("phase") == "tune":
                continue
            if r.get("type") == "point":
                key = (method(r), r["batching"] == "full", r["batch_size"], r["lr"])
                points[key][r["seed"]].append(r)
            elif r.get("type") == "run":
                runs.append(r)
    return points, runs


def mean_curve(seeds, x_key, y_key):
    """Mean over seeds at each evaluation index (seeds share the cadence)."""
    runs = [r for r in seeds.values() if all(p.get(y_key) is not None for p in r)]
    if not runs:
        return [], []
    n = min(len(r) for r in runs)
    xs = [sum(r[i][x_key] for r in runs) / len(runs) for i in range(n)]
    ys = [sum(r[i][y_key] for r in runs) / len(runs) for i in range(n)]
    return xs, ys


def save(fig, out, name):
    fig.tight_layout()
    for ext in ("png", "svg"):
        path = os.path.join(out, f"{name}.{ext}")
        fig.savefig(path + ".partial", format=ext, dpi=110,
                    metadata={"Date": None} if ext == "svg" else None)
        os.replace(path + ".partial", path)
    plt.close(fig)


def curves(points, out, title):
    variants = sorted({k[0] for k in points})
    lrs = {k[3] for k in points}
    for y_key, y_label, y_scale in METRICS:
        for x_key, x_label in AXES:
            fig, ax = plt.subplots(figsize=(6.4, 4.2))
            drawn = 0
            for key in sorted(points):
                xs, ys = mean_curve(points[key], x_key, y_key)
                if not xs:
                    continue
                r0 = next(iter(points[key].values()))[0]
                name = batch_label(r0) if len(variants) == 1 else f"{key[0]} {batch_label(r0)}"
                if len(lrs) > 1:
                    name += f", lr {key[3]:g}"
                if y_scale == "log":
                    xs, ys = zip(*[(x, y) for x, y in zip(xs, ys) if y > 0]) if any(
                        y > 0 for y in ys) else ([], [])
                # Long curves are rasterised inside the SVG: the folder stays small (< 5 MB)
                # and the vector axes and text stay sharp.
                ax.plot(xs, ys, marker="o", markersize=2.5, label=name, rasterized=len(xs) > 200)
                drawn += 1
            if drawn == 0:
                plt.close(fig)
                continue
            ax.set_yscale(y_scale)
            ax.set_xlabel(x_label)
            ax.set_ylabel(f"{y_label} (mean over seeds)")
            ax.set_title(title)
            ax.grid(alpha=0.3)
            ax.legend(fontsize=7)
            save(fig, out, f"{y_key}_vs_{x_key}")


def against_batch(by, out, title, ylabel, name, label):
    """One line per key of `by` (key -> B -> values), mean against B, log-log."""
    if not by:
        return
    fig, ax = plt.subplots(figsize=(6.4, 4.2))
    for key, per_b in sorted(by.items()):
        bs = sorted(per_b)
        ax.plot(bs, [sum(per_b[b]) / len(per_b[b]) for b in bs], marker="o", label=label(key))
    ax.set_xscale("log")
    ax.set_yscale("log")
    ax.set_xlabel("batch size B")
    ax.set_ylabel(ylabel)
    ax.set_title(title)
    ax.grid(alpha=0.3, which="both")
    ax.legend(fontsize=7)
    save(fig, out, name)


def steps_to_target(runs, out, title):
    by = defaultdict(lambda: defaultdict(list))  # (method, target) -> B -> updates
    for r in runs:
        for target, hit in (r.get("targets") or {}).items():
            if "updates" in hit:
                by[(method(r), target)][r["batch_size"]].append(hit["updates"])
    against_batch(by, out, title, "steps (updates) to target, mean over seeds that reached it",
                  "steps_to_target_vs_batch", lambda k: f"{k[0]} {k[1]}")


def throughput(runs, out, title):
    by = defaultdict(lambda: defaultdict(list))  # (method, threads) -> B -> samples/s
    for r in runs:
        if r.get("samples_per_second"):
            by[(method(r), r.get("threads"))][r["batch_size"]].append(r["samples_per_second"])
    against_batch(by, out, title, "training samples/s (mean over runs)", "throughput_vs_batch",
                  lambda k: f"{k[0]}, {k[1]} threads")


def trajectories(folder, points, out):
    """For a two-parameter least-squares problem with recorded parameters: the contours of
    F and each run's path, markers every epoch."""
    quad = None
    with open(os.path.join(folder, "runs.jsonl")) as f:
        for line in f:
            r = json.loads(line)
            if r.get("type") == "problems":
                for p in r["problems"]:
                    if "quadratic" in p and len(p["quadratic"]["b"]) == 2:
                        quad = p
    paths = {k: next(iter(v.values())) for k, v in points.items()
             if all("params" in p for p in next(iter(v.values())))}
    if quad is None or not paths:
        return
    import numpy as np
    q = quad["quadratic"]
    A, b, c, l2 = np.array(q["A"]), np.array(q["b"]), q["c"], q["l2"]
    w_star = np.linalg.solve(A + l2 * np.eye(2), b)
    all_w = np.array([p["params"] for path in paths.values() for p in path] + [list(w_star)])
    lo, hi = all_w.min(axis=0), all_w.max(axis=0)
    pad = 0.15 * (hi - lo) + 1e-3
    g0, g1 = np.meshgrid(np.linspace(lo[0] - pad[0], hi[0] + pad[0], 200),
                         np.linspace(lo[1] - pad[1], hi[1] + pad[1], 200))
    W = np.stack([g0, g1], axis=-1)
    F = 0.5 * np.einsum("...i,ij,...j->...", W, A + l2 * np.eye(2), W) - W @ b + c
    f_star = quad.get("f_star", float(F.min()))
    fig, ax = plt.subplots(figsize=(6.4, 5.2))
    ax.contour(g0, g1, np.log10(np.maximum(F - f_star, 1e-12)), levels=20, cmap="Greys", linewidths=0.6)
    for key in sorted(paths):
        path = paths[key]
        ws = np.array([p["params"] for p in path])
        label = batch_label(path[0])
        line, = ax.plot(ws[:, 0], ws[:, 1], linewidth=0.9 if path[0]["batching"] == "full" else 0.6,
                        label=f"{label} ({path[-1]['updates']} updates)")
        epochs = [p for p in path if abs(p["epoch"] - round(p["epoch"])) < 1e-9]
        ew = np.array([p["params"] for p in epochs])
        ax.plot(ew[:, 0], ew[:, 1], "o", markersize=3.5, color=line.get_color())
    ax.plot(*w_star, "k*", markersize=10, label="optimum w*")
    ax.set_xlabel("w1")
    ax.set_ylabel("w2")
    ax.set_title("same gradient evaluations; markers every epoch")
    ax.legend(fontsize=8)
    save(fig, out, "trajectory")


def header(folder):
    with open(os.path.join(folder, "runs.jsonl")) as f:
        return json.loads(f.readline())


def write_text(path, text):
    with open(path + ".partial", "w") as f:
        f.write(text)
    os.replace(path + ".partial", path)


def flops_per_sample(widths):
    """Forward 2 sum(n_l n_(l-1)); backward 2 sum(n_l n_(l-1)) for the weight gradients and
    2 sum over layers >= 2 for the propagated errors (the input layer's is not needed)."""
    macs = [widths[i] * widths[i - 1] for i in range(1, len(widths))]
    return 2 * sum(macs) + 2 * sum(macs) + 2 * sum(macs[1:])


def throughput_fit(folder, runs, out):
    """time per step = a + b B by least squares per (variant, threads): a is the fixed cost
    of a step (update, per-step overheads), b the cost of one sample."""
    import numpy as np
    cfg = header(folder)["config"]
    widths = cfg["model"]["widths"]
    fps = flops_per_sample(widths)
    by = defaultdict(list)
    for r in runs:
        if r["updates"] > 0 and r["train_seconds"] > 0:
            by[(method(r), r["threads"])].append((r["batch_size"], r["train_seconds"] / r["updates"],
                                                 r["samples_per_second"]))
    lines = [f"# Throughput fit: {cfg['name']}\n",
             f"Generated by bench/plot.py from runs.jsonl. Model {'-'.join(map(str, widths))}: "
             f"{fps:,} flops per sample counted from the layer sizes (forward, weight gradients, "
             "propagated errors). Time per step fitted as a + b B (least squares over the batch "
             "sizes, relative residuals); GFLOP/s = samples/s x flops per sample.\n",
             "| variant | threads | a (us / step) | b (us / sample) | " +
             " | ".join(f"GFLOP/s B={b}" for b, _, _ in sorted(next(iter(by.values())))) + " |",
             "|---|---|---|---|" + "---|" * len(next(iter(by.values())))]
    fig, ax = plt.subplots(figsize=(6.4, 4.2))
    for (name, threads), pts in sorted(by.items()):
        pts.sort()
        B = np.array([p[0] for p in pts], dtype=float)
        t = np.array([p[1] for p in pts])
        # Relative residuals (weights 1/t): small and large B count alike.
        w = 1.0 / t
        a, b = np.linalg.lstsq(np.stack([np.ones_like(B), B], axis=1) * w[:, None], t * w,
                               rcond=None)[0]
        gflops = [p[2] * fps / 1e9 for p in pts]
        lines.append(f"| {name} | {threads} | {a * 1e6:.2f} | {b * 1e6:.3f} | " +
                     " | ".join(f"{g:.2f}" for g in gflops) + " |")
        ax.plot(B, gflops, marker="o", label=f"{name}, {threads} thr")
    ax.set_xscale("log")
    ax.set_xlabel("batch size B")
    ax.set_ylabel("GFLOP/s (model flops)")
    ax.set_title(cfg["name"])
    ax.grid(alpha=0.3, which="both")
    ax.legend(fontsize=6)
    save(fig, out, "gflops_vs_batch")
    write_text(os.path.join(folder, "throughput_fit.md"), "\n".join(lines) + "\n")


def batch_scaling_fit(folder, points, runs, out):
    """Fit S = S_min + E_min / B (McCandlish et al. 2018: (S/S_min - 1)(E/E_min - 1) = 1
    with E = B S) to the mean steps-to-target of each variant by least squares in 1/B, and
    report B_crit = E_min / S_min beside B_simple measured at the target."""
    import numpy as np
    cfg = header(folder)["config"]
    target = next(iter((runs[0].get("targets") or {}).keys()), None) if runs else None
    if target is None:
        return
    steps = defaultdict(lambda: defaultdict(list))
    bsimple = defaultdict(list)
    for r in runs:
        hit = r["targets"][target]
        if "updates" in hit and r["batching"] != "full":
            steps[method(r)][r["batch_size"]].append(hit["updates"])
    for key, seeds in points.items():
        for path in seeds.values():
            for p in path:
                if p.get("b_simple") is not None and p.get("test_accuracy") is not None \
                        and p["test_accuracy"] >= float(target.split(">=")[1]):
                    bsimple[key[0]].append(p["b_simple"])
                    break
    lines = [f"# Batch scaling fit: {cfg['name']}\n",
             f"Generated by bench/plot.py from runs.jsonl. Steps S (updates) to {target}, mean "
             "over the seeds that reached it, fitted as S = S_min + E_min / B over the batch "
             "sizes that reached it (least squares in 1/B, weighted by 1/S so each B counts "
             "alike). B_simple: the two-batch estimate at the first point that met the target, "
             "median over runs.\n",
             "| variant | S_min | E_min | B_crit = E_min / S_min | B_simple at target | batch sizes fitted |",
             "|---|---|---|---|---|---|"]
    fig, ax = plt.subplots(figsize=(6.4, 4.2))
    for name, per_b in sorted(steps.items()):
        bs = np.array(sorted(per_b), dtype=float)
        S = np.array([np.mean(per_b[int(b)]) for b in bs])
        w = 1.0 / S
        A = np.stack([np.ones_like(bs), 1.0 / bs], axis=1) * w[:, None]
        s_min, e_min = np.linalg.lstsq(A, S * w, rcond=None)[0]
        b_crit = e_min / s_min if s_min > 0 else float("nan")
        med = float(np.median(bsimple[name])) if bsimple[name] else float("nan")
        lines.append(f"| {name} | {s_min:.1f} | {e_min:.0f} | {b_crit:.0f} | {med:.0f} | {len(bs)} |")
        line, = ax.plot(bs, S, "o", label=f"{name} (measured)")
        grid = np.logspace(0, np.log10(bs.max()), 100)
        ax.plot(grid, s_min + e_min / grid, "-", color=line.get_color(), linewidth=0.8,
                label=f"fit: S_min {s_min:.0f}, B_crit {b_crit:.0f}")
    ax.set_xscale("log")
    ax.set_yscale("log")
    ax.set_xlabel("batch size B")
    ax.set_ylabel(f"steps to {target}")
    ax.set_title("perfect scaling (slope -1), diminishing returns, maximal data parallelism")
    ax.grid(alpha=0.3, which="both")
    ax.legend(fontsize=7)
    save(fig, out, "batch_scaling_fit")
    write_text(os.path.join(folder, "batch_scaling_fit.md"), "\n".join(lines) + "\n")


def main(folder):
    points, runs = load(folder)
    out = os.path.join(folder, "plots")
    os.makedirs(out, exist_ok=True)
    title = os.path.basename(os.path.normpath(folder))
    curves(points, out, title)
    steps_to_target(runs, out, title)
    throughput(runs, out, title)
    trajectories(folder, points, out)
    analyses = header(folder)["config"].get("analyses", [])
    if "throughput_fit" in analyses:
        throughput_fit(folder, runs, out)
    if "batch_scaling_fit" in analyses:
        batch_scaling_fit(folder, points, runs, out)
    print(f"plots: {out}/")


if __name__ == "__main__":
    main(sys.argv[1])
