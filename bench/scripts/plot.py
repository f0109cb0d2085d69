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
  (throughput_fit, batch_scaling_fit);
- for a config with several problems, the performance profile (plot_profiles.py).
Runs of the tuning phase are left out. Usage: /usr/bin/python3 bench/scripts/plot.py results/<name>
main(folder) returns {file name (no extension): matplotlib Figure} of the figures it saved;
describe(fig) summarises one for tests."""
import math
import os
import re
import sys
from collections import defaultdict

from plot_fits import batch_scaling_fit, censored_median, crossing, header, throughput_fit
from plot_profiles import performance_profile
from plot_style import (AXES, BAND, CROWDED, LINESTYLES, MARKERS, METRICS, curve_labels,
                        curve_styles, legend, load, method, palette, panels, save, seed_curve,
                        spans_decades, unique_labels)


def has_suboptimality(exp, prob):
    return any(p.get("suboptimality") is not None
               for seeds in exp.points[prob].values() for pts in seeds.values() for p in pts)


# A curve figure with more lines than this is written as PNG only: its lines are
# rasterised inside an SVG anyway, so the SVG is no sharper and doubles the folder.
MAX_SVG_LINES = 20
# Per-target tuning re-runs a cell at each target's rate: several curves a method, PNG only
# and at this resolution, so that such a folder stays under 5 MB (tradeoff: 6.4 MB at 110).
PER_TARGET_DPI = 85


def curves(exp, out, title, per_target=False):
    """Mean curves over seeds of each metric against each axis. With per-target tuning the
    epoch axis is left out (it is gradient evaluations / n, drawn already): the folder stays
    under 5 MB."""
    figs = {}
    styles = curve_styles([k for prob in exp.order for k in exp.points[prob]])
    # Where every problem has F*, F - F* is the train loss shifted by a constant: its
    # plots say all the train-loss plots would, on the scale that matters (the folder
    # stays under 5 MB).
    shifted_loss = all(has_suboptimality(exp, prob) for prob in exp.order)
    for y_key, y_label, y_scale in METRICS:
        if y_key == "train_loss" and shifted_loss:
            continue
        for x_key, x_label in AXES:
            if per_target and x_key == "epoch":
                save(None, out, f"{y_key}_vs_{x_key}", formats=())  # removes a stale copy
                continue
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
                            marker="o" if len(idx) <= 30 else None, markersize=2.5,
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
            many = per_target or max(len(lines) for _, lines in drawn) > MAX_SVG_LINES
            figs[name] = save(fig, out, name, formats=("png",) if many else None,
                              dpi=PER_TARGET_DPI if per_target else None)
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


def against_batch(exp, collect, out, title, ylabel, name, style_label, center=None):
    """One panel per problem; in each, one line per key (method, style, variant) that
    collect(run) yields as ((key, B, value) triples): the mean against B, log-log, and a
    min-max band where a batch size has several values. A colour per method, a marker and
    line style per style (a target, a thread count), named by style_label(style); with
    several methods and several styles in a panel, the legend names colours and markers
    apart (the lines keep their full labels). `center` replaces the mean (a batch size whose
    center is infinite is left out of the line, and its band)."""
    from matplotlib.lines import Line2D
    center = center or (lambda v: sum(v) / len(v))
    drawn = []
    for prob in exp.order:
        by = defaultdict(lambda: defaultdict(list))  # key -> B -> values
        for r in exp.runs[prob]:
            for key, b, v in collect(r):
                by[key][b].append(v)
        by = {k: {b: v for b, v in per_b.items() if math.isfinite(center(v))}
              for k, per_b in by.items()}
        by = {k: per_b for k, per_b in by.items() if per_b}
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
            ax.plot(bs, [center(per_b[b]) for b in bs], markersize=5, label=labels[key], **st)
            finite = {b: [x for x in per_b[b] if math.isfinite(x)] for b in bs}
            if any(len(finite[b]) > 1 for b in bs):
                ax.fill_between(bs, [min(finite[b]) for b in bs], [max(finite[b]) for b in bs],
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
    """The tables' figure: per B the censored median over every seed (a miss counts as
    never; a B whose median missed is not drawn) of the crossing interpolated on the shared
    evaluation grid where there is one; the band spans the seeds that reached."""
    def collect(r):
        for target, hit in sorted((r.get("targets") or {}).items()):
            yield (method(r), target, r["variant"]), r["batch_size"], crossing(hit)
    return against_batch(exp, collect, out,
                         f"{title}: median over seeds, a miss counted as never",
                         "steps (updates) to target", "steps_to_target_vs_batch", str,
                         center=censored_median)


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
    per_target = header(folder)["config"].get("tuning", {}).get("per_target", False)
    figs.update(curves(exp, out, title, per_target))
    if per_target:
        # The per-target tables are its steps-to-target figures (censored medians at each
        # target's own rate); this plot's means over the seeds that reached would not be.
        save(None, out, "steps_to_target_vs_batch", formats=())
    else:
        figs.update(steps_to_target(exp, out, title))
    figs.update(throughput(exp, out, title))
    figs.update(trajectories(exp, out))
    analyses = header(folder)["config"].get("analyses", [])
    if "throughput_fit" in analyses:
        figs.update(throughput_fit(folder, exp, out))
    if "batch_scaling_fit" in analyses:
        figs.update(batch_scaling_fit(folder, exp, out))
    figs.update(performance_profile(folder, exp, out))  # configs with several problems
    print(f"plots: {out}/")
    return figs


if __name__ == "__main__":
    if len(sys.argv) != 2:
        sys.exit("usage: /usr/bin/python3 bench/scripts/plot.py results/<name>")
    main(sys.argv[1])
