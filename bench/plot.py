"""Plots of one experiment from its runs.jsonl: test accuracy and train loss against
epochs, gradient evaluations and training seconds, one line per (variant, batch size),
mean over seeds. Writes PNG and SVG into results/<name>/plots/.
Usage: /usr/bin/python3 bench/plot.py results/<name>"""
import json
import os
import sys
from collections import defaultdict

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402

AXES = [("epoch", "epochs"), ("grad_evals", "gradient evaluations"),
        ("train_seconds", "training seconds (evaluation excluded)")]
METRICS = [("test_accuracy", "test accuracy"), ("train_loss", "train loss")]


def load(folder):
    curves = defaultdict(lambda: defaultdict(list))  # (variant, label) -> seed -> points
    with open(os.path.join(folder, "runs.jsonl")) as f:
        for line in f:
            r = json.loads(line)
            if r.get("type") != "point":
                continue
            label = "full batch" if r["batching"] == "full" else f"B = {r['batch_size']}"
            curves[(r["variant"], label, r["batch_size"])][r["seed"]].append(r)
    return curves


def mean_curve(seeds, x_key, y_key):
    """Mean over seeds at each evaluation index (all seeds share the cadence)."""
    runs = list(seeds.values())
    n = min(len(r) for r in runs)
    xs = [sum(r[i][x_key] for r in runs) / len(runs) for i in range(n)]
    ys = [sum(r[i][y_key] for r in runs) / len(runs) for i in range(n)]
    return xs, ys


def main(folder):
    curves = load(folder)
    out = os.path.join(folder, "plots")
    os.makedirs(out, exist_ok=True)
    variants = sorted({k[0] for k in curves})
    for y_key, y_label in METRICS:
        for x_key, x_label in AXES:
            fig, ax = plt.subplots(figsize=(6.4, 4.2))
            for key in sorted(curves, key=lambda k: (k[0], k[2])):
                xs, ys = mean_curve(curves[key], x_key, y_key)
                name = key[1] if len(variants) == 1 else f"{key[0]} {key[1]}"
                ax.plot(xs, ys, marker="o", markersize=3, label=name)
            ax.set_xlabel(x_label)
            ax.set_ylabel(f"{y_label} (mean over seeds)")
            ax.set_title(os.path.basename(os.path.normpath(folder)))
            ax.grid(alpha=0.3)
            ax.legend(fontsize=8)
            fig.tight_layout()
            for ext in ("png", "svg"):
                path = os.path.join(out, f"{y_key}_vs_{x_key}.{ext}")
                fig.savefig(path + ".partial", format=ext, dpi=110,
                            metadata={"Date": None} if ext == "svg" else None)
                os.replace(path + ".partial", path)
            plt.close(fig)
    print(f"plots: {out}/")


if __name__ == "__main__":
    main(sys.argv[1])
