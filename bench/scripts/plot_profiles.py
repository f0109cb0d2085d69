"""Performance profiles (Dolan and Moré 2002) for a config with several problems: an
instance is one (problem, target); a method's cost on it is the median over seeds of the
seconds (or gradient evaluations) to the target, a miss counted as never (censored);
rho_m(tau) is the fraction of instances method m solves within tau times the fastest
method's cost. A method whose bootstrap interval overlaps the fastest's is tied with it
and counts at tau = 1. Under /tuning/per_target a method's cost to a target comes from its
runs at the rate tuned for that target only. AlgoPerf aggregates its scores the same way.
Written as performance_profile.md and a plot."""
import json
import os
from collections import defaultdict

from plot_fits import censored_median, crossing, header, write_text
from plot_style import method, palette, save

TAUS = (1, 1.5, 2, 4, 10, 100)
BOOTSTRAP = 2000


def method_key(r):
    return f"{method(r)} B={'full' if r['batching'] == 'full' else r['batch_size']}"


def per_target_rates(folder):
    """{(dataset, widths, method, B or 0, threads): {target: lr}} from the tuning record of
    a /tuning/per_target run (empty otherwise)."""
    rates = {}
    with open(os.path.join(folder, "runs.jsonl")) as f:
        for line in f:
            r = json.loads(line)
            if r.get("type") != "tuning":
                continue
            for ch in r["chosen"]:
                if "per_target" in ch:
                    key = (ch.get("dataset", ""), ch.get("widths", ""), method(ch),
                           ch["batch_size"], ch["threads"])
                    rates[key] = {p["target"]: p["lr"] for p in ch["per_target"]}
    return rates


def censored_interval(values, rng):
    """The censored median and its bootstrap 95 % interval (+inf where misses can hold it)."""
    import numpy as np
    v = np.asarray(values, dtype=float)
    meds = np.sort([censored_median(rng.choice(v, size=len(v), replace=True))
                    for _ in range(BOOTSTRAP)])
    return (censored_median(values), float(meds[int(0.025 * (BOOTSTRAP - 1))]),
            float(meds[int(0.975 * (BOOTSTRAP - 1))]))


def instance_times(exp, field="seconds", rates=None):
    """{(problem label, target): {method: (median, lo, hi)}} over the final runs, each
    method's cost to a target from its runs at the rate tuned for that target when `rates`
    (per_target_rates) has one."""
    import numpy as np
    rates = rates or {}
    times = defaultdict(lambda: defaultdict(list))
    for prob in exp.order:
        for r in exp.runs[prob]:
            key = (r.get("dataset", ""), r.get("widths", ""), method(r),
                   0 if r["batching"] == "full" else r["batch_size"], r["threads"])
            for target, hit in (r.get("targets") or {}).items():
                if key in rates and rates[key].get(target) != r["lr"]:
                    continue  # a rate tuned for another target
                times[(exp.label(prob), target)][method_key(r)].append(crossing(hit, field))
    rng = np.random.default_rng(20260511)
    return {inst: {m: censored_interval(v, rng) for m, v in per.items()}
            for inst, per in times.items()}


def profile(times):
    """(methods, instances, ratios): ratios[m][i] = t_m,i / min over methods of t_i (+inf:
    not solved), 1 where m's interval overlaps the fastest's (a tie); instances no method
    solves are left out (they have no fastest time). A time is a median, or a (median, lo,
    hi) triple."""
    import numpy as np

    def parts(t):
        return t if isinstance(t, tuple) else (t, t, t)
    instances = sorted(i for i, per in times.items()
                       if np.isfinite(min(parts(t)[0] for t in per.values())))
    methods = sorted({m for per in times.values() for m in per})
    ratios = {m: [] for m in methods}
    for inst in instances:
        best = min((parts(t) for t in times[inst].values()), key=lambda p: (p[0], p[2]))
        for m in methods:
            med, lo, _ = parts(times[inst].get(m, float("inf")))
            tie = np.isfinite(med) and lo <= best[2]
            ratios[m].append(1.0 if tie else med / best[0])
    return methods, instances, ratios


def profile_lines(methods, instances, ratios):
    import numpy as np
    n = len(instances)
    lines = ["| method | " + " | ".join(f"rho({t:g})" for t in TAUS) + " | solved |",
             "|---|" + "---|" * (len(TAUS) + 1)]
    for m in sorted(methods, key=lambda m: -np.mean(np.isfinite(ratios[m]))):
        r = np.array(ratios[m])
        lines.append(f"| {m} | " + " | ".join(f"{np.mean(r <= t):.2f}" for t in TAUS) +
                     f" | {int(np.isfinite(r).sum())}/{n} |")
    return lines


def performance_profile(folder, exp, out):
    import numpy as np
    if len(exp.order) < 2:
        return {}
    rates = per_target_rates(folder)
    methods, instances, ratios = profile(instance_times(exp, "seconds", rates))
    if not instances:
        return {}
    by_evals = profile(instance_times(exp, "grad_evals", rates))
    cfg = header(folder)["config"]
    n = len(instances)
    lines = [f"# Performance profile: {cfg['name']}\n",
             "Generated by bench/scripts/plot.py from runs.jsonl (Dolan and Moré 2002). An "
             "instance is one (problem, target); a method's cost on it is the median over seeds "
             "of the training seconds (second table: gradient evaluations) to the target, a "
             "miss counted as never"
             + (", from its runs at the rate tuned for that target" if rates else "") +
             ". rho(tau): the fraction of the instances a method solves within tau times the "
             "fastest method's cost; a method whose bootstrap 95 % interval overlaps the "
             f"fastest's is tied with it and counts at tau = 1. {n} instances (those some "
             "method solves); a method not run on a problem counts as not solving it.\n"]
    lines += profile_lines(methods, instances, ratios)
    lines += ["", f"In gradient evaluations ({len(by_evals[1])} instances):", ""]
    lines += profile_lines(*by_evals)
    lines += ["", "Instances: " + "; ".join(f"{p} to {t}" for p, t in instances) + "."]
    import matplotlib.pyplot as plt
    fig, ax = plt.subplots(figsize=(6.4, 4.2))
    colors = palette(len(methods))
    finite = [x for r in ratios.values() for x in r if np.isfinite(x)]
    top = max(max(finite) * 2, 10)
    grid = np.logspace(0, np.log10(top), 400)
    for m, c in zip(methods, colors):
        r = np.array(ratios[m])
        ax.step(grid, [np.mean(r <= t) for t in grid], where="post", color=c, label=m)
    ax.set_xscale("log")
    ax.set_ylim(0, 1.02)
    ax.set_xlabel("tau (time / fastest method's time)")
    ax.set_ylabel("fraction of instances solved within tau")
    ax.set_title(f"{cfg['name']}: performance profile over {n} instances")
    ax.grid(alpha=0.3, which="both")
    ax.legend(fontsize=6)
    figs = {"performance_profile": save(fig, out, "performance_profile")}
    write_text(os.path.join(folder, "performance_profile.md"), "\n".join(lines) + "\n")
    return figs
