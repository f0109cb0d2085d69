"""What plot.py and plot_fits.py share: the records of one runs.jsonl grouped by problem
(Experiment), the labels, colours and line styles of the curves, and saving a figure
(PNG and SVG with stable ids)."""
import json
import math
import os
from collections import defaultdict

import matplotlib

matplotlib.use("Agg")
matplotlib.rcParams["svg.hashsalt"] = "sgdbench"  # stable ids: regenerated SVGs diff cleanly
# Text as text, not glyph paths: smaller files, and the words stay searchable in a paper.
matplotlib.rcParams["svg.fonttype"] = "none"
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


# The files save() writes. Tests that check only a figure's panels and lines set () and
# skip the drawing, which is most of a plot's time (tests/python/test_plot.py).
FORMATS = ("png", "svg")


def save(fig, out, name, formats=None, dpi=None):
    """Writes the figure in FORMATS (or in `formats`, those of FORMATS it names; a format
    left out is removed, so no stale copy of an earlier rendering stays behind; fig None
    with formats () only removes)."""
    chosen = [ext for ext in FORMATS if formats is None or ext in formats]
    if chosen:
        fig.tight_layout()
    for ext in FORMATS:
        if ext not in chosen and os.path.exists(os.path.join(out, f"{name}.{ext}")):
            os.remove(os.path.join(out, f"{name}.{ext}"))
    for ext in chosen:
        path = os.path.join(out, f"{name}.{ext}")
        fig.savefig(path + ".partial", format=ext, dpi=dpi or 110,
                    metadata={"Date": None} if ext == "svg" else None)
        os.replace(path + ".partial", path)
    if fig is not None:
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
