"""What the scale-out projection takes from results/batch-scaling (split from
scale_out.py): per variant the fit S(B) = S_min + E_min / B with the fits of a paired
bootstrap, the measured median steps per B and B_simple at the target per B, each from the
runs at the rate tuned for the target."""
import json
import os
import sys
from collections import defaultdict

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "scripts"))
import numpy as np  # noqa: E402
from plot_fits import (bootstrap_fits, crossing, fit_scaling,  # noqa: E402
                       per_target_rates_of, reached, tuned_for)


def jsonl(path):
    with open(path) as f:
        return [json.loads(line) for line in f if line.strip()]


def median(values):
    return float(np.median(values)) if values else float("nan")


def batch_scaling(path):
    """Per variant: S_min, E_min, B_crit (the fit over the reporting seeds) and the fits of a
    paired bootstrap (the seeds drawn once for every B), B_simple at the target per B (the
    median over the seeds of the first point that met it: it rises with B, so it is never
    pooled), the measured median steps per B, the target and the training rows."""
    runs = defaultdict(lambda: defaultdict(dict))  # variant -> B -> {seed: steps}
    points = defaultdict(lambda: defaultdict(list))  # variant -> B -> B_simple at target
    train_rows, target = 0, None
    seen = set()
    records = jsonl(path)
    rates = per_target_rates_of(records)  # per-target tuning: each target's own runs
    for r in records:
        if r.get("type") == "experiment" and r.get("targets"):
            target = r["targets"][0]  # known before the first cell's points arrive
        if r.get("type") == "problems":
            train_rows = r["problems"][0]["train_rows"]
        if r.get("phase") == "tune":
            continue
        if r.get("type") == "run":  # the full batch too, at B = its rows, as in the fit
            hits = r.get("targets") or {}
            target = target or next(iter(hits), None)
            if target in hits and tuned_for(r, target, rates):
                runs[r["variant"]][r["batch_size"]][r["seed"]] = crossing(hits[target])
        if r.get("type") == "point" and r.get("b_simple") is not None:
            key = (r["variant"], r["batch_size"], r["seed"], r["batching"])
            if key not in seen and target and tuned_for(r, target, rates) and reached(r, target):
                seen.add(key)
                points[r["variant"]][r["batch_size"]].append(r["b_simple"])
    out = {}
    rng = np.random.default_rng(20260511)
    for variant, seeded in runs.items():
        per_b = {b: list(v.values()) for b, v in seeded.items()}
        fit = fit_scaling(per_b)
        if fit is None:
            continue
        s_min, e_min, b_crit, _ = fit
        meds = {b: float(np.median(v)) for b, v in per_b.items() if np.isfinite(np.median(v))}
        simple = {b: median(v) for b, v in points.get(variant, {}).items() if v}
        out[variant] = {"s_min": s_min, "e_min": e_min, "b_crit": b_crit, "b_simple": simple,
                        "steps": meds, "bootstrap": bootstrap_fits(seeded, rng)}
    return out, train_rows, target


def b_simple_text(fit):
    simple = fit["b_simple"]
    if not simple:
        return "–"
    lo, hi = min(simple), max(simple)
    return f"{simple[lo]:.0f} (B = {lo}) to {simple[hi]:.0f} (B = {hi})"
