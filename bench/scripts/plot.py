"""Plots of one experiment from its runs.jsonl (PNG and SVG into results/<name>/plots/).
Every figure has one panel per problem (dataset x widths), titled with the problem:
- each metric (test accuracy, train loss, F - F* when known) against epochs, gradient
  evaluations and training seconds, one line per (method, batch size[, lr, threads when a
  panel has several]) as the mean over seeds and a shaded band from the lowest to the
  highest seed (min-max) when there are 2 seeds or more; training seconds on a log axis
  when they span more than two decades;
- steps to each target against the batch size, log-log (Shallue et al. 2019);
- throughput (samples/s) against the batch size;
- the trajectory of two-parameter least-squares problems and the configured analyses
  (throughput_fit, batch_scaling_fit).
Runs of the tuning phase are left out. Usage: /usr/bin/python3 bench/scripts/plot.py results/<name>
main(folder) returns {file name (no extension): matplotlib Figure} of the figures it saved;
describe(fig) summarises one for tests."""
import json
import math
import os
import re
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
BAND = "shaded: min-max over seeds"
LOG_X_DECADES = 2  # training seconds go on a log axis when max / min exceeds 10^this
MARKERS = ["o", "s", "^", "v", "D", "P", "X", "*", "<", ">"]
CROWDED = 12  # more legend entries than this go beside the panel, which is made wider
LINESTYLES = ["-", "--", ":", "-.", (0, (5, 1, 1, 1)), (0, (1, 3)), (0, (8, 2)),
              (0, (3, 1, 1, 1, 1, 1)), (0, (3, 3)), (0, (6, 2, 2, 2)), (0, (2, 1)),
              (0, (10, 3, 2, 3)), (0, (1, 1)), (0, (4, 2, 1, 2, 1, 2))]


def method(r):
    """The row's name: a /variants entry's label, else the variant."""
    return r.get("method") or r["variant"]


def problem_of(r):
    """A record's problem: (dataset, widths or None)."""
    return (r.get("dataset", ""), r.get("widths"))


def full_batch_label(full, batch_size):
    return f"full batch (B = {batch_size})" if full else f"B = {batch_size}"


def curve_key(r):
    """The runs one line averages over seeds: everything of the run key but the seed."""
    return (method(r), r["variant"], r["batching"] == "full", r["batch_size"], r["lr"],
            r.get("threads") or 0)


class Experiment:
    """The final-phase records of one runs.jsonl, grouped by problem.
    points: problem -> curve key -> seed -> [point records in file order];
    runs: problem -> [run records]; order: the problems, as the problems record lists
    them, then any other in order of appearance; meta: the problems record's entries."""

    def __init__(self, folder):
        self.points = defaultdict(lambda: defaultdict(lambda: defaultdict(list)))
        self.runs = defaultdict(list)
        self.meta = []
        seen = []
        with open(os.path.join(folder, "runs.jsonl")) as f:
            for line in f:
                if not line.strip():
                    continue
                r = json.loads(line)
                kind = r.get("type")
                if kind == "problems":
                    self.meta = r.get("problems") or []
                if kind not in ("point", "run") or r.get("phase") == "tune":
                    continue
                prob = problem_of(r)
                if prob not in seen:
                    seen.append(prob)
                if kind == "point":
                    self.points[prob][curve_key(r)][r["seed"]].append(r)
                else:
                    self.runs[prob].append(r)

        def rank(prob):
            for i, p in enumerate(self.meta):
                if self._matches(prob, p):
                    return i
            return len(self.meta)
        self.order = sorted(seen, key=lambda p: (rank(p), seen.index(p)))

    @staticmethod
    def _matches(prob, entry):
        return entry.get("dataset") == prob[0] and (prob[1] is None or entry.get("widths") in
                                                     (None, prob[1]))

    def info(self, prob):
        """The problems record's entry of a problem (when there is exactly one), else {}."""
        hits = [p for p in self.meta if self._matches(prob, p)]
        return hits[0] if len(hits) == 1 else {}

    def widths(self, prob):
        """The widths string of a problem: the records', else the problems record's."""
        return prob[1] or self.info(prob).get("widths")

    def label(self, prob):
        """A problem's title: the dataset, and the widths when the problem has them."""
        widths = self.widths(prob)
        return f"{prob[0]}, {widths}" if widths else prob[0]


def load(folder):
    return Experiment(folder)


def seed_curve(seeds, x_key, y_key):
    """Mean over seeds at each evaluation index (seeds share the cadence; cut at the
    shortest seed), with the lowest and highest seed: (xs, ys, lo, hi, seeds) or None."""
    runs = [seeds[s] for s in sorted(seeds)
            if seeds[s] and all(p.get(y_key) is not None and p.get(x_key) is not None
                                for p in seeds[s])]
    if not runs:
        return None
    n = min(len(r) for r in runs)
    xs = [sum(r[i][x_key] for r in runs) / len(runs) for i in range(n)]
    ys = [sum(r[i][y_key] for r in runs) / len(runs) for i in range(n)]
    lo = [min(r[i][y_key] for r in runs) for i in range(n)]
    hi = [max(r[i][y_key] for r in runs) for i in range(n)]
    return xs, ys, lo, hi, len(runs)


def save(fig, out, name):
    fig.tight_layout()
    for ext in ("png", "svg"):
        path = os.path.join(out, f"{name}.{ext}")
        fig.savefig(path + ".partial", format=ext, dpi=110,
                    metadata={"Date": None} if ext == "svg" else None)
        os.replace(path + ".partial", path)
    plt.close(fig)
    return fig


def panels(n, size=(6.4, 4.2), multi_size=(5.8, 4.0), entries=0):
    """A figure with n panels: one column up to 1, two up to 4, then three; wider panels
    when a legend has more than CROWDED entries (it goes beside its panel)."""
    ncols = 1 if n == 1 else 2 if n <= 4 else 3
    nrows = math.ceil(n / ncols)
    w, h = size if n == 1 else multi_size
    if entries > CROWDED:
        w *= 1.6 if entries <= 32 else 2.2
    fig, grid = plt.subplots(nrows, ncols, figsize=(w * ncols, h * nrows), squeeze=False)
    axes = [ax for row in grid for ax in row]
    for ax in axes[n:]:
        fig.delaxes(ax)
    return fig, axes[:n]


def unique_labels(keys, base, extras):
    """base(key) for each key; where two keys of the panel share a label, the first of
    extras (functions of the key) that tells them apart is appended, and so on."""
    labels = {k: base(k) for k in keys}
    for extra in extras:
        groups = defaultdict(list)
        for k in keys:
            groups[labels[k]].append(k)
        clashes = [g for g in groups.values() if len(g) > 1]
        if not clashes:
            break
        for g in clashes:
            if len({extra(k) for k in g}) > 1:
                for k in g:
                    labels[k] = f"{labels[k]}, {extra(k)}"
    return labels


def curve_labels(keys):
    methods = {k[0] for k in keys}
    return unique_labels(
        keys,
        lambda k: full_batch_label(k[2], k[3]) if len(methods) == 1
        else f"{k[0]}, {full_batch_label(k[2], k[3])}",
        [lambda k: f"lr {k[4]:g}", lambda k: f"{k[5]} threads", lambda k: k[1]])


def palette(n):
    if n <= 10:
        cmap = plt.get_cmap("tab10")
    elif n <= 20:
        cmap = plt.get_cmap("tab20")
    else:
        cmap = plt.get_cmap("viridis")
        return [cmap(i / max(n - 1, 1)) for i in range(n)]
    return [cmap(i) for i in range(n)]


def curve_styles(keys):
    """(color, linestyle) per curve key, the same for a (method, batch size, threads) in
    every panel (full batch counts as one size whatever the rows). Up to 10 such: a colour
    each; more: a colour per batch size and a line style per (method, threads). Lines that
    share those in a panel (several variants or learning rates) take the next line styles."""
    def group(k):
        return (k[0], k[2], 0 if k[2] else k[3], k[5])
    groups = sorted({group(k) for k in keys})
    if len(groups) <= 10:
        colors = palette(len(groups))
        gstyle = {g: (colors[i], 0) for i, g in enumerate(groups)}
    else:
        sizes = sorted({(g[1], g[2]) for g in groups})
        kinds = sorted({(g[0], g[3]) for g in groups})
        # Batch sizes in order on a sequential map: small B dark, full batch light.
        cmap = plt.get_cmap("viridis")
        colors = [cmap(0.92 * i / max(len(sizes) - 1, 1)) for i in range(len(sizes))]
        gstyle = {g: (colors[sizes.index((g[1], g[2]))], kinds.index((g[0], g[3])))
                  for g in groups}

    def style(key, panel):
        """The style of key among the keys of its panel."""
        color, ls = gstyle[group(key)]
        rest = sorted((k[1], k[4]) for k in panel if group(k) == group(key))
        return color, LINESTYLES[(ls + rest.index((key[1], key[4]))) % len(LINESTYLES)]

    def handles(panel):
        """Legend entries that name colours (batch sizes) and line styles (methods) apart,
        for a crowded panel when colours mean batch sizes; else None."""
        if len(groups) <= 10 or len(panel) <= CROWDED:
            return None
        from matplotlib.lines import Line2D
        mine = sorted({group(k) for k in panel})
        size_of = {(g[1], g[2]): g for g in mine}
        out = [Line2D([], [], color=gstyle[g][0], linewidth=2,
                      label="full batch" if size[0] else f"B = {size[1]}")
               for size, g in sorted(size_of.items())]
        kind_of = {(g[0], g[3]): g for g in mine}
        several = len({g[3] for g in mine}) > 1
        out += [Line2D([], [], color="0.3", linestyle=LINESTYLES[gstyle[g][1] % len(LINESTYLES)],
                       label=f"{kind[0]}, {kind[1]} threads" if several else kind[0])
                for kind, g in sorted(kind_of.items())]
        return out
    style.handles = handles
    return style


def spans_decades(values):
    pos = [v for v in values if v > 0]
    return bool(pos) and max(pos) > min(pos) * 10 ** LOG_X_DECADES


def legend(ax, n, fontsize=7):
    if n <= CROWDED:
        ax.legend(fontsize=fontsize)
    else:
        ax.legend(fontsize=fontsize - 1, loc="upper left", bbox_to_anchor=(1.01, 1.0),
                  borderaxespad=0.0, ncol=1 if n <= 32 else 2)


def curves(exp, out, title):
    figs = {}
    styles = curve_styles([k for prob in exp.order for k in exp.points[prob]])
    for y_key, y_label, y_scale in METRICS:
        for x_key, x_label in AXES:
            drawn = []  # (problem, [(key, xs, ys, lo, hi, seeds)])
            for prob in exp.order:
                lines = []
                for key in sorted(exp.points[prob]):
                    c = seed_curve(exp.points[prob][key], x_key, y_key)
                    if c is None:
                        continue
                    if y_scale == "log":
                        keep = [i for i, y in enumerate(c[1]) if y > 0]
                        c = tuple([v[i] for i in keep] for v in c[:4]) + (c[4],)
                    if c[0]:
                        lines.append((key,) + c)
                if lines:
                    drawn.append((prob, lines))
            if not drawn:
                continue
            fig, axes = panels(len(drawn), entries=max(
                len(styles.handles([ln[0] for ln in lines]) or lines) for _, lines in drawn))
            banded = False
            for ax, (prob, lines) in zip(axes, drawn):
                labels = curve_labels([ln[0] for ln in lines])
                log_x = x_key == "train_seconds" and spans_decades(
                    [x for ln in lines for x in ln[1]])
                for key, xs, ys, lo, hi, n in lines:
                    idx = [i for i, x in enumerate(xs) if x > 0 or not log_x]
                    color, ls = styles(key, [ln[0] for ln in lines])
                    # Markers show the evaluation points (on long curves they would only
                    # thicken the line). Long curves are rasterised inside the SVG: the
                    # folder stays small (< 5 MB) and the vector axes and text stay sharp.
                    ax.plot([xs[i] for i in idx], [ys[i] for i in idx],
                            marker="o" if len(idx) <= 100 else None, markersize=2.5,
                            color=color, linestyle=ls, label=labels[key],
                            rasterized=len(idx) > 200)
                    if n >= 2:
                        band = [i for i in idx if y_scale != "log" or lo[i] > 0]
                        ax.fill_between([xs[i] for i in band], [lo[i] for i in band],
                                        [hi[i] for i in band], color=color, alpha=0.18,
                                        linewidth=0, rasterized=len(band) > 200)
                        banded = True
                if log_x:
                    ax.set_xscale("log")
                ax.set_yscale(y_scale)
                ax.set_xlabel(x_label + (", log scale" if log_x else ""))
                ax.set_ylabel(f"{y_label} (mean over seeds)")
                ax.set_title(exp.label(prob))
                ax.grid(alpha=0.3)
                proxies = styles.handles([ln[0] for ln in lines])
                if proxies:
                    ax.legend(handles=proxies, fontsize=7 if len(proxies) <= 20 else 6,
                              loc="upper left", bbox_to_anchor=(1.01, 1.0), borderaxespad=0.0)
                else:
                    legend(ax, len(lines))
            fig.suptitle(f"{title}: lines mean over seeds" + (f"; {BAND}" if banded else ""),
                         fontsize=10)
            name = f"{y_key}_vs_{x_key}"
            figs[name] = save(fig, out, name)
    return figs


def natural(v):
    """Sort key: numbers by value, "test_accuracy>=0.9" by its metric, then its bound."""
    if isinstance(v, (int, float)):
        return ("", float(v))
    m = re.fullmatch(r"(.*?)([-+]?[0-9.]+(?:[eE][-+]?[0-9]+)?)", str(v))
    try:
        return (m.group(1), float(m.group(2))) if m else (str(v), 0.0)
    except ValueError:
        return (str(v), 0.0)


def against_batch(exp, collect, out, title, ylabel, name, style_label):
    """One panel per problem; in each, one line per key (method, style, variant) that
    collect(run) yields as ((key, B, value) triples): the mean against B, log-log, and a
    min-max band where a batch size has several values. A colour per method, a marker and
    line style per style (a target, a thread count), named by style_label(style); with
    several methods and several styles in a panel, the legend names colours and markers
    apart (the lines keep their full labels)."""
    from matplotlib.lines import Line2D
    drawn = []
    for prob in exp.order:
        by = defaultdict(lambda: defaultdict(list))  # key -> B -> values
        for r in exp.runs[prob]:
            for key, b, v in collect(r):
                by[key][b].append(v)
        if by:
            drawn.append((prob, by))
    if not drawn:
        return {}
    methods = sorted({k[0] for _, by in drawn for k in by})
    kinds = sorted({k[1] for _, by in drawn for k in by}, key=natural)
    colors = palette(len(methods))

    def look(key):
        i = kinds.index(key[1])
        return dict(color=colors[methods.index(key[0])], marker=MARKERS[i % len(MARKERS)],
                    linestyle=LINESTYLES[i % len(LINESTYLES)])
    def split(keys):
        """Whether a panel's legend names colours and markers apart."""
        return len(keys) > 6 and len({k[0] for k in keys}) > 1 and len({k[1] for k in keys}) > 1
    fig, axes = panels(len(drawn), entries=max(
        len({k[0] for k in by}) + len({k[1] for k in by}) if split(by) else len(by)
        for _, by in drawn))
    banded = False
    for ax, (prob, by) in zip(axes, drawn):
        keys = sorted(by, key=lambda k: (k[0], natural(k[1]), k[2]))
        in_panel = sorted({k[0] for k in keys}), sorted({k[1] for k in keys}, key=natural)
        labels = unique_labels(
            keys, lambda k: style_label(k[1]) if len(in_panel[0]) == 1
            else f"{k[0]}: {style_label(k[1])}" if len(in_panel[1]) > 1 else k[0],
            [lambda k: k[2]])
        for key in keys:
            per_b = by[key]
            bs = sorted(per_b)
            st = look(key)
            ax.plot(bs, [sum(per_b[b]) / len(per_b[b]) for b in bs], markersize=5,
                    label=labels[key], **st)
            if any(len(per_b[b]) > 1 for b in bs):
                ax.fill_between(bs, [min(per_b[b]) for b in bs], [max(per_b[b]) for b in bs],
                                color=st["color"], alpha=0.15, linewidth=0)
                banded = True
        ax.set_xscale("log")
        ax.set_yscale("log")
        ax.set_xlabel("batch size B")
        ax.set_ylabel(ylabel)
        ax.set_title(exp.label(prob))
        ax.grid(alpha=0.3, which="both")
        if split(keys):
            grey = (0.3, 0.3, 0.3, 1.0)
            handles = [Line2D([], [], color=colors[methods.index(m)], linewidth=2, label=m)
                       for m in in_panel[0]]
            handles += [Line2D([], [], color=grey, marker=look((in_panel[0][0], s))["marker"],
                               linestyle=look((in_panel[0][0], s))["linestyle"],
                               label=style_label(s)) for s in in_panel[1]]
            if len(handles) <= CROWDED:
                ax.legend(handles=handles, fontsize=7, ncol=2)
            else:
                ax.legend(handles=handles, fontsize=6, loc="upper left",
                          bbox_to_anchor=(1.01, 1.0), borderaxespad=0.0)
        else:
            legend(ax, len(keys))
    fig.suptitle(title + (f"; {BAND.replace('seeds', 'runs')}" if banded else ""), fontsize=10)
    return {name: save(fig, out, name)}


def steps_to_target(exp, out, title):
    def collect(r):
        for target, hit in sorted((r.get("targets") or {}).items()):
            if "updates" in hit:
                yield (method(r), target, r["variant"]), r["batch_size"], hit["updates"]
    return against_batch(exp, collect, out,
                         f"{title}: mean over the seeds that reached each target",
                         "steps (updates) to target", "steps_to_target_vs_batch", str)


def throughput(exp, out, title):
    def collect(r):
        if r.get("samples_per_second"):
            yield (method(r), r.get("threads") or 0, r["variant"]), r["batch_size"], \
                r["samples_per_second"]
    return against_batch(exp, collect, out, f"{title}: mean over runs",
                         "training samples/s", "throughput_vs_batch", lambda t: f"{t} threads")


def trajectories(exp, out):
    """For each two-parameter least-squares problem with recorded parameters: the contours
    of F and each line's path (its lowest seed), markers every epoch."""
    import numpy as np
    drawn = []
    for prob in exp.order:
        quad = exp.info(prob)
        if "quadratic" not in quad or len(quad["quadratic"]["b"]) != 2:
            continue
        paths = {}
        for key, seeds in exp.points[prob].items():
            path = seeds[min(seeds)]
            if path and all("params" in p for p in path):
                paths[key] = path
        if paths:
            drawn.append((prob, quad, paths))
    if not drawn:
        return {}
    fig, axes = panels(len(drawn), size=(6.4, 5.2), multi_size=(5.8, 5.0))
    for ax, (prob, quad, paths) in zip(axes, drawn):
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
        ax.contour(g0, g1, np.log10(np.maximum(F - f_star, 1e-12)), levels=20, cmap="Greys",
                   linewidths=0.6)
        labels = curve_labels(sorted(paths))
        for key in sorted(paths):
            path = paths[key]
            ws = np.array([p["params"] for p in path])
            line, = ax.plot(ws[:, 0], ws[:, 1],
                            linewidth=0.9 if path[0]["batching"] == "full" else 0.6,
                            label=f"{labels[key]} ({path[-1]['updates']} updates)")
            epochs = [p for p in path if abs(p["epoch"] - round(p["epoch"])) < 1e-9]
            ew = np.array([p["params"] for p in epochs])
            ax.plot(ew[:, 0], ew[:, 1], "o", markersize=3.5, color=line.get_color())
        ax.plot(*w_star, "k*", markersize=10, label="optimum w*")
        ax.set_xlabel("w1")
        ax.set_ylabel("w2")
        ax.set_title(exp.label(prob))
        ax.legend(fontsize=8)
    fig.suptitle("same gradient evaluations; markers every epoch", fontsize=10)
    return {"trajectory": save(fig, out, "trajectory")}


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


def throughput_fit(folder, exp, out):
    """time per step = a + b B by least squares per (variant, threads) of each problem: a
    is the fixed cost of a step (update, per-step overheads), b the cost of one sample."""
    import numpy as np
    cfg = header(folder)["config"]
    model_widths = (cfg.get("model") or {}).get("widths")
    drawn = []
    for prob in exp.order:
        w = exp.widths(prob)
        widths = [int(x) for x in w.split("-")] if w else model_widths
        by = defaultdict(list)
        for r in exp.runs[prob]:
            if r["updates"] > 0 and r["train_seconds"] > 0:
                by[(method(r), r.get("threads") or 0)].append(
                    (r["batch_size"], r["train_seconds"] / r["updates"], r["samples_per_second"]))
        if widths and by:
            drawn.append((prob, widths, by))
    if not drawn:
        return {}
    several = len(drawn) > 1
    # A colour per variant, a marker and line style per thread count, in every panel.
    names = sorted({k[0] for _, _, by in drawn for k in by})
    thread_counts = sorted({k[1] for _, _, by in drawn for k in by})
    colors = palette(len(names))
    lines = [f"# Throughput fit: {cfg['name']}\n"]
    fig, axes = panels(len(drawn))
    for i, (ax, (prob, widths, by)) in enumerate(zip(axes, drawn)):
        fps = flops_per_sample(widths)
        first = sorted(by[min(by)])
        if i == 0:
            lines.append(
                f"Generated by bench/scripts/plot.py from runs.jsonl. Model "
                f"{'-'.join(map(str, widths)) if not several else 'per problem'}: "
                f"{f'{fps:,} flops' if not several else 'flops'} per sample counted from the "
                "layer sizes (forward, weight gradients, propagated errors). Time per step "
                "fitted as a + b B (least squares over the batch sizes, relative residuals); "
                "GFLOP/s = samples/s x flops per sample.\n")
        if several:
            lines.append(f"## {exp.label(prob)} ({fps:,} flops per sample)\n")
        lines += ["| variant | threads | a (us / step) | b (us / sample) | " +
                  " | ".join(f"GFLOP/s B={b}" for b, _, _ in first) + " |",
                  "|---|---|---|---|" + "---|" * len(first)]
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
            ax.plot(B, gflops, marker=MARKERS[thread_counts.index(threads) % len(MARKERS)],
                    linestyle=LINESTYLES[thread_counts.index(threads) % len(LINESTYLES)],
                    color=colors[names.index(name)], label=f"{name}, {threads} thr")
        if several:
            lines[-1] += "\n"
        ax.set_xscale("log")
        ax.set_xlabel("batch size B")
        ax.set_ylabel("GFLOP/s (model flops)")
        ax.set_title(exp.label(prob))
        ax.grid(alpha=0.3, which="both")
        ax.legend(fontsize=6)
    fig.suptitle(cfg["name"], fontsize=10)
    figs = {"gflops_vs_batch": save(fig, out, "gflops_vs_batch")}
    write_text(os.path.join(folder, "throughput_fit.md"), "\n".join(lines).rstrip("\n") + "\n")
    return figs


def reached(p, target):
    """Whether point p meets a target such as "test_accuracy>=0.9" or "suboptimality<=1e-3"."""
    m = re.fullmatch(r"(\w+)(>=|<=)(.+)", target)
    if not m or p.get(m.group(1)) is None:
        return False
    v, bound = p[m.group(1)], float(m.group(3))
    return v >= bound if m.group(2) == ">=" else v <= bound


def batch_scaling_fit(folder, exp, out):
    """Fit S = S_min + E_min / B (McCandlish et al. 2018: (S/S_min - 1)(E/E_min - 1) = 1
    with E = B S) to the mean steps-to-target of each variant of each problem by least
    squares in 1/B, and report B_crit = E_min / S_min beside B_simple measured at the
    target (each problem's first target)."""
    import numpy as np
    cfg = header(folder)["config"]
    drawn = []
    for prob in exp.order:
        runs = exp.runs[prob]
        target = next(iter((runs[0].get("targets") or {}).keys()), None) if runs else None
        if target is None:
            continue
        steps = defaultdict(lambda: defaultdict(list))
        bsimple = defaultdict(list)
        for r in runs:
            hit = (r.get("targets") or {}).get(target, {})
            if "updates" in hit and r["batching"] != "full":
                steps[method(r)][r["batch_size"]].append(hit["updates"])
        for key in sorted(exp.points[prob]):
            seeds = exp.points[prob][key]
            for seed in sorted(seeds):
                for p in seeds[seed]:
                    if p.get("b_simple") is not None and reached(p, target):
                        bsimple[key[0]].append(p["b_simple"])
                        break
        if steps:
            drawn.append((prob, target, steps, bsimple))
    if not drawn:
        return {}
    several = len(drawn) > 1
    lines = [f"# Batch scaling fit: {cfg['name']}\n",
             f"Generated by bench/scripts/plot.py from runs.jsonl. Steps S (updates) to "
             f"{drawn[0][1] if not several else 'each problem’s first target'}, mean "
             "over the seeds that reached it, fitted as S = S_min + E_min / B over the batch "
             "sizes that reached it (least squares in 1/B, weighted by 1/S so each B counts "
             "alike). B_simple: the two-batch estimate at the first point that met the target, "
             "median over runs.\n"]
    fig, axes = panels(len(drawn))
    for ax, (prob, target, steps, bsimple) in zip(axes, drawn):
        if several:
            lines.append(f"## {exp.label(prob)}: steps to {target}\n")
        lines += ["| variant | S_min | E_min | B_crit = E_min / S_min | B_simple at target "
                  "| batch sizes fitted |", "|---|---|---|---|---|---|"]
        for name, per_b in sorted(steps.items()):
            bs = np.array(sorted(per_b), dtype=float)
            S = np.array([np.mean(per_b[int(b)]) for b in bs])
            w = 1.0 / S
            A = np.stack([np.ones_like(bs), 1.0 / bs], axis=1) * w[:, None]
            s_min, e_min = np.linalg.lstsq(A, S * w, rcond=None)[0]
            b_crit = e_min / s_min if s_min > 0 else float("nan")
            med = float(np.median(bsimple[name])) if bsimple[name] else float("nan")
            lines.append(f"| {name} | {s_min:.1f} | {e_min:.0f} | {b_crit:.0f} | {med:.0f} | "
                         f"{len(bs)} |")
            line, = ax.plot(bs, S, "o", label=f"{name} (measured)")
            grid = np.logspace(0, np.log10(bs.max()), 100)
            ax.plot(grid, s_min + e_min / grid, "-", color=line.get_color(), linewidth=0.8,
                    label=f"{name} fit: S_min {s_min:.0f}, B_crit {b_crit:.0f}"
                    if len(steps) > 1 else f"fit: S_min {s_min:.0f}, B_crit {b_crit:.0f}")
        if several:
            lines[-1] += "\n"
        ax.set_xscale("log")
        ax.set_yscale("log")
        ax.set_xlabel("batch size B")
        ax.set_ylabel(f"steps to {target}")
        ax.set_title(exp.label(prob))
        ax.grid(alpha=0.3, which="both")
        ax.legend(fontsize=7)
    fig.suptitle("perfect scaling (slope -1), diminishing returns, maximal data parallelism",
                 fontsize=10)
    figs = {"batch_scaling_fit": save(fig, out, "batch_scaling_fit")}
    write_text(os.path.join(folder, "batch_scaling_fit.md"), "\n".join(lines).rstrip("\n") + "\n")
    return figs


def describe(fig):
    """A figure's panels: title, x scale, labelled lines (label and x data) and bands."""
    from matplotlib.collections import PolyCollection
    out = []
    for ax in fig.axes:
        lines = [ln for ln in ax.get_lines() if not ln.get_label().startswith("_")]
        out.append({"title": ax.get_title(), "xscale": ax.get_xscale(),
                     "labels": [ln.get_label() for ln in lines],
                     "x": [list(map(float, ln.get_xdata())) for ln in lines],
                     "y": [list(map(float, ln.get_ydata())) for ln in lines],
                     "bands": sum(isinstance(c, PolyCollection) for c in ax.collections)})
    return out


def main(folder):
    exp = load(folder)
    out = os.path.join(folder, "plots")
    os.makedirs(out, exist_ok=True)
    title = os.path.basename(os.path.normpath(folder))
    figs = {}
    figs.update(curves(exp, out, title))
    figs.update(steps_to_target(exp, out, title))
    figs.update(throughput(exp, out, title))
    figs.update(trajectories(exp, out))
    analyses = header(folder)["config"].get("analyses", [])
    if "throughput_fit" in analyses:
        figs.update(throughput_fit(folder, exp, out))
    if "batch_scaling_fit" in analyses:
        figs.update(batch_scaling_fit(folder, exp, out))
    print(f"plots: {out}/")
    return figs


if __name__ == "__main__":
    if len(sys.argv) != 2:
        sys.exit("usage: /usr/bin/python3 bench/scripts/plot.py results/<name>")
    main(sys.argv[1])
