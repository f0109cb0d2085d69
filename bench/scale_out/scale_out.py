"""results/scale-out/ from the measurements in RAW (bench/scale_out/run.sh): the measured
table (samples/s, time per step, compute and communication on 1 and 2 ranks), the alpha-beta
fit of the probe, and the projection of time to target for 1 ... 1024 workers.

The projection, for a per-worker batch b and P workers (global batch B = P b):
  time per step  T(P) = t_c(b) + t_comm(P), t_c measured here (one worker, one thread);
  t_comm(P) = 2 ceil(log2 P) (alpha + beta n): the mpi policy's tree (ceil(log2 P) levels of
  one n-byte message each up, then a binomial broadcast down), n = the softmax gradient and
  loss; the ring allreduce of production frameworks, 2 (P-1) alpha + 2 (P-1)/P beta n, is
  tabled beside it (it is not bit-identical to one process);
  steps to target S(B) = S_min + E_min / B, fitted to results/batch-scaling (McCandlish et al.
  2018), so time to target = S(P b) T(P). Batches beyond the training set are not projected.
Usage: scale_out.py RAW OUT BATCH_SCALING_RUNS CLUSTER_JSON"""
import csv
import json
import math
import os
import sys
from collections import defaultdict

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "scripts"))
import matplotlib  # noqa: E402
import matplotlib.ticker  # noqa: E402
import numpy as np  # noqa: E402
from plot_style import plt, save  # noqa: E402
from scaling_inputs import b_simple_text, batch_scaling, jsonl, median  # noqa: E402

SOFTMAX_PARAMS = 784 * 10 + 10  # Fashion-MNIST softmax: the gradient that travels


def fit_alpha_beta(sizes, times):
    """T(n) = alpha + beta n by least squares on the relative error (each size counts alike)."""
    n, t = np.asarray(sizes, float), np.asarray(times, float)
    a = np.stack([np.ones_like(n), n], axis=1) / t[:, None]
    alpha, beta = np.linalg.lstsq(a, np.ones_like(t), rcond=None)[0]
    rel = np.abs((alpha + beta * n) - t) / t
    return float(alpha), float(beta), float(np.max(rel))


def read_json(path):
    with open(path) as f:
        return json.load(f)


def measured_rows(runs):
    """One row per (workload, ranks, threads): medians over the repeats."""
    groups = defaultdict(list)
    for r in runs:
        res = r["result"]
        groups[(r["workload"], res.get("ranks", 1), res["threads"], res["variant"])].append(res)
    rows = []
    for (workload, ranks, threads, variant), rs in groups.items():
        if "step" in workload:
            continue
        sps = [x["samples_per_s"] for x in rs]
        step = [x["seconds"] / x["steps"] for x in rs]
        comm = [x.get("comm_seconds", 0.0) / x["steps"] for x in rs]
        red = [x.get("reductions", 0) for x in rs]
        recv = [x.get("comm_bytes_received", 0) for x in rs]
        rows.append({"workload": workload, "variant": variant, "ranks": ranks,
                     "threads": threads, "batch": rs[0]["batch_size"],
                     "samples_per_s": median(sps), "sps_min": min(sps), "sps_max": max(sps),
                     "step_ms": 1e3 * median(step), "comm_ms": 1e3 * median(comm),
                     "message_bytes": (median(recv) / median(red)) if median(red) else 0.0,
                     "repeats": len(rs)})
    base = {(r["workload"]): r for r in rows if r["ranks"] == 1 and r["threads"] == 1}
    for r in rows:
        b = base.get(r["workload"])
        r["speedup"] = r["samples_per_s"] / b["samples_per_s"] if b else float("nan")
        r["compute_ms"] = r["step_ms"] - r["comm_ms"]
        r["comm_share"] = r["comm_ms"] / r["step_ms"]
    rows.sort(key=lambda r: (r["workload"], r["ranks"], r["threads"]))
    return rows


def compute_per_step(runs):
    """t_c(b) per update rule: median seconds per step of one worker on one thread."""
    t = defaultdict(list)
    for r in runs:
        if r["workload"].endswith(" step"):
            rule = r["workload"].split()[1]
            res = r["result"]
            t[(rule, res["batch_size"])].append(res["seconds"] / res["steps"])
    return {k: median(v) for k, v in t.items()}


def compute_growth(rows):
    """The measured growth of one worker's compute per step from 1 to 2 ranks (the softmax
    workload with a batch per rank): compute_ms(2) / compute_ms(1) - 1."""
    per_rank = {r["ranks"]: r["compute_ms"] for r in rows
                if r["workload"].startswith("softmax") and "per rank" in r["workload"]}
    return per_rank[2] / per_rank[1] - 1.0 if 1 in per_rank and 2 in per_rank else 0.0


def steps_of(fit, big_b, measured=False):
    """S(B): the fit's S_min + E_min / B, or with `measured` the measured median at B (None
    where B was not measured)."""
    if measured:
        return fit["steps"].get(big_b)
    return fit["s_min"] + fit["e_min"] / big_b


def p_star_interval(fit, tc, alpha, beta, n_bytes, b, workers, train_rows, growth):
    """P* (tree) over the paired-bootstrap fits: the 2.5 and 97.5 percentiles."""
    stars = []
    for s_min, e_min, _ in fit["bootstrap"]:
        rows = project({"s_min": s_min, "e_min": e_min, "steps": {}}, tc, alpha, beta, n_bytes,
                       b, workers, train_rows, growth)
        if rows:
            stars.append(best(rows, "tree_time_s")["workers"])
    if not stars:
        return None
    return int(np.percentile(stars, 2.5, method="lower")), int(np.percentile(stars, 97.5, method="higher"))


def rule_of(variant):
    return variant.split("/")[1]


def project(fit, t_c, alpha, beta, n_bytes, b, workers, train_rows, growth=0.0,
            measured=False):
    """Rows of P, B, S(B), step times and time to target (tree and ring) for one method.
    One worker's compute per step follows the measured growth with ranks, taken per doubling
    of P: t_c(P) = t_c (1 + growth log2 P) (an extrapolation of the one doubling measured).
    With `measured`, S(B) is the measured median steps, and B not measured are skipped."""
    rows = []
    for p in workers:
        big_b = p * b
        if big_b > train_rows:
            break
        s = steps_of(fit, big_b, measured)
        if s is None:
            continue
        compute = t_c * (1.0 + growth * math.log2(p))
        levels = math.ceil(math.log2(p)) if p > 1 else 0
        tree = 2 * levels * (alpha + beta * n_bytes)
        ring = 2 * (p - 1) * alpha + 2 * (p - 1) / p * beta * n_bytes
        rows.append({"workers": p, "batch": big_b, "steps": s, "compute_s": compute,
                     "tree_comm_s": tree, "ring_comm_s": ring,
                     "tree_time_s": s * (compute + tree), "ring_time_s": s * (compute + ring)})
    return rows


def best(rows, key):
    return min(rows, key=lambda r: r[key]) if rows else None


def knee(rows, key, within=0.05):
    """The fewest workers whose time is within `within` of the best: where the curve has
    flattened (more workers buy less than 5 %)."""
    b = best(rows, key)
    return next(r for r in rows if r[key] <= (1 + within) * b[key]) if b else None


def write(path, text):
    with open(path + ".partial", "w") as f:
        f.write(text)
    os.replace(path + ".partial", path)


def write_csv(path, rows, fields):
    with open(path + ".partial", "w", newline="") as f:
        w = csv.DictWriter(f, fieldnames=fields, extrasaction="ignore")
        w.writeheader()
        for r in rows:
            w.writerow(r)
    os.replace(path + ".partial", path)


def measured_section(rows, alpha_here, beta_here, out):
    """The samples/s table (and measured.csv): the mpi policy against ranks."""
    lines = [
        "## Measured: samples/s against ranks (the mpi policy, 1 thread per rank)\n",
        "Weak scaling where the batch is per rank (the global batch grows with the ranks), "
        "strong scaling for the full batch. Medians of "
        f"{rows[0]['repeats'] if rows else 0} repeats [min, max]. Communication: rank 0's "
        "time inside the policy's sends, receives and broadcast, waiting for the slower rank "
        "included; compute: the rest of the step. Speed-up: against 1 rank and 1 thread of "
        "the same workload. The alpha-beta column is this machine's fitted transfer time of "
        "the step's messages (2 per step on 2 ranks).\n",
        "| workload | variant | ranks x threads | global B | samples/s | speed-up | ms/step "
        "| compute ms | comm ms | comm share | message | alpha-beta transfer ms |",
        "|---|---|---|---|---|---|---|---|---|---|---|---|"]
    for r in rows:
        model = 2 * (alpha_here + beta_here * r["message_bytes"]) if r["ranks"] > 1 else 0.0
        lines.append(
            f"| {r['workload']} | {r['variant']} | {r['ranks']} x {r['threads']} | {r['batch']} "
            f"| {r['samples_per_s']:,.0f} [{r['sps_min']:,.0f}, {r['sps_max']:,.0f}] "
            f"| {r['speedup']:.2f}x | {r['step_ms']:.3f} | {r['compute_ms']:.3f} "
            f"| {r['comm_ms']:.3f} | {100 * r['comm_share']:.1f} % "
            f"| {r['message_bytes'] / 1024:,.1f} KiB | {1e3 * model:.3f} |")
    write_csv(os.path.join(out, "measured.csv"), rows,
              ["workload", "variant", "ranks", "threads", "batch", "samples_per_s", "sps_min",
               "sps_max", "speedup", "step_ms", "compute_ms", "comm_ms", "comm_share",
               "message_bytes", "repeats"])
    return lines


def alpha_beta_section(fits, sizes, cluster, alpha_c, beta_c, out):
    """The alpha-beta fits of this machine beside the assumed cluster (and alpha_beta.json)."""
    lines = ["", "## Measured: the alpha-beta fit (2 ranks, this machine)\n",
             f"T(n) = alpha + beta n fitted to {len(sizes)} message sizes from {sizes[0]} B to "
             f"{sizes[-1] // 1048576} MiB (median of repeats each; least squares on the "
             "relative error). The projection uses the point-to-point fit: the policy's "
             "tree sends one message per level. Over shared memory Open MPI switches protocol "
             "between small and large messages, so one line fits only within the worst error "
             "shown; the cluster's line is an assumption either way.\n",
             "| operation | alpha (us) | beta (ns/byte) | bandwidth (GB/s) | worst relative error |",
             "|---|---|---|---|---|"]
    for op, (a, b, err) in fits.items():
        lines.append(f"| {op} | {1e6 * a:.2f} | {1e9 * b:.4f} | {1e-9 / b:.2f} | "
                     f"{100 * err:.0f} % |")
    lines.append(f"| **assumed cluster** ({cluster['name']}) | {1e6 * alpha_c:.2f} | "
                 f"{1e9 * beta_c:.4f} | {1e-9 / beta_c:.2f} | (assumption) |")
    ab = {"measured": {op: {"alpha_s": a, "beta_s_per_byte": b, "worst_relative_error": e}
                       for op, (a, b, e) in fits.items()},
          "assumed_cluster": {"name": cluster["name"], "alpha_s": alpha_c,
                              "beta_s_per_byte": beta_c}}
    write(os.path.join(out, "alpha_beta.json"), json.dumps(ab, indent=2) + "\n")
    return lines


def projection_heading(target, train_rows, growth, n_bytes):
    return ["", "## Projected: time to target against workers\n",
            f"Per method, from results/batch-scaling (softmax on Fashion-MNIST, "
            f"target {target}, {train_rows:,} training rows): S(B) = S_min + E_min / B, "
            "B_crit = E_min / S_min, B_simple at the target per B (smallest and largest B). "
            "Per worker batch b: t_c(b) is one worker's measured step (1 thread), growing "
            f"with the ranks as measured from 1 to 2 ranks (+{100 * growth:.0f} % per "
            "doubling of P, an extrapolation of that one doubling); P* is the worker count "
            "with the least projected time to target: beyond it, adding workers stops paying "
            f"(the global batch P b stops at the {train_rows:,} training rows). [lo, hi]: "
            "P* over the fits of a paired bootstrap (the seeds drawn once for every B). "
            "Measured steps: P* with the measured median steps at each B = P b instead of "
            "the fit (only B that were measured). Tree: the mpi policy (bit-identical); "
            "ring: a ring allreduce (not bit-identical), for comparison. Message n = "
            f"{n_bytes:,} bytes.\n",
            "| method | S_min | E_min | B_crit | B_simple at target | b | t_c(b) us "
            "| P* tree (cluster) [95 %] | P* tree, measured steps | time at P* / 1 worker "
            "| fewest P within 5 % of P* | P* ring (cluster) "
            "| P* tree (this machine's alpha-beta) |",
            "|---|---|---|---|---|---|---|---|---|---|---|---|---|"]


def projection_rows(scaling, t_c, cluster, net, n_bytes, train_rows, growth):
    """One line per (method, per-worker batch); the b0 projections for the headline table.
    `net`: (alpha, beta) of the assumed cluster and of this machine."""
    (alpha_c, beta_c), (alpha_here, beta_here) = net
    b0, workers = cluster["per_worker_batch"], cluster["workers"]
    lines, proj_rows, headline = [], [], {}
    for variant, fit in sorted(scaling.items()):
        rule = rule_of(variant)
        for b in cluster["per_worker_batches_tabled"]:
            tc = t_c.get((rule, b))
            if tc is None:
                continue
            args = (n_bytes, b, workers, train_rows, growth)
            pc = project(fit, tc, alpha_c, beta_c, *args)
            ph = project(fit, tc, alpha_here, beta_here, *args)
            pm = project(fit, tc, alpha_c, beta_c, *args, measured=True)
            bt, br, bh = best(pc, "tree_time_s"), best(pc, "ring_time_s"), best(ph, "tree_time_s")
            bm = best(pm, "tree_time_s")
            ci = p_star_interval(fit, tc, alpha_c, beta_c, *args)
            if b == b0:
                headline[variant] = (bt, pc)
                for r in pc:
                    proj_rows.append(dict(r, method=variant, per_worker_batch=b))
            lines.append(
                f"| {variant} | {fit['s_min']:.1f} | {fit['e_min']:.0f} | {fit['b_crit']:.0f} "
                f"| {b_simple_text(fit)} | {b} | {1e6 * tc:.1f} | {bt['workers']}"
                f"{f' [{ci[0]}, {ci[1]}]' if ci else ''} | {bm['workers'] if bm else '–'} "
                f"| {bt['tree_time_s'] / pc[0]['tree_time_s']:.3f} "
                f"| {knee(pc, 'tree_time_s')['workers']} | {br['workers']} "
                f"| {bh['workers']} |")
    return lines, proj_rows, headline


def headline_section(headline, b0):
    lines = ["", f"The projection for b = {b0} (projection.csv; plots/time_to_target.svg):\n",
             "| method | workers P | global B | S(B) | compute us/step | tree comm us/step "
             "| time to target (ms) |", "|---|---|---|---|---|---|---|"]
    for variant, (bt, pc) in headline.items():
        for r in pc:
            star = " **(P*)**" if r is bt else ""
            lines.append(f"| {variant} | {r['workers']}{star} | {r['batch']} | {r['steps']:.1f} "
                         f"| {1e6 * r['compute_s']:.1f} | {1e6 * r['tree_comm_s']:.1f} "
                         f"| {1e3 * r['tree_time_s']:.3f} |")
    return lines


def main(raw, out, scaling_path, cluster_path):
    cluster = read_json(cluster_path)
    machine = read_json(os.path.join(raw, "machine.json"))
    probe = jsonl(os.path.join(raw, "probe.jsonl"))
    runs = jsonl(os.path.join(raw, "throughput.jsonl"))
    os.makedirs(os.path.join(out, "plots"), exist_ok=True)

    sizes = [p["bytes"] for p in probe]
    fits = {op: fit_alpha_beta(sizes, [p[col] for p in probe])
            for op, col in (("point-to-point (one way)", "p2p_one_way_s"),
                            ("MPI_Bcast", "bcast_s"), ("MPI_Allreduce", "allreduce_s"))}
    alpha_here, beta_here, _ = fits["point-to-point (one way)"]
    alpha_c = cluster["alpha_s"]
    beta_c = 8.0 / (cluster["bandwidth_gbit_s"] * 1e9)
    n_bytes = SOFTMAX_PARAMS * 4 + 8
    rows = measured_rows(runs)
    t_c = compute_per_step(runs)
    growth = compute_growth(rows)
    scaling, train_rows, target = batch_scaling(scaling_path)

    cpu = f"{machine.get('cpu_model', '?')}, {machine.get('logical_cores', '?')} logical cores"
    lines = [
        "# Scale-out: data-parallel SGD on MPI, measured and projected\n",
        f"Generated by bench/scale_out/scale_out.py from raw/ (bench/scale_out/run.sh). "
        f"Measured on: {cpu}, build {machine.get('git_commit', '?')}; Open MPI over shared "
        "memory (2 ranks on one host, `mpirun --oversubscribe --bind-to none`). "
        "**Measured**: the first two tables. **Projected**: the rest, from a model whose "
        "inputs are the measured compute per step, an alpha-beta network (the cluster's is an "
        f"assumption: {cluster['name']}, bench/scale_out/cluster.json) and the steps to "
        f"target fitted in results/batch-scaling ({target}).\n"]
    lines += measured_section(rows, alpha_here, beta_here, out)
    lines += alpha_beta_section(fits, sizes, cluster, alpha_c, beta_c, out)
    lines += projection_heading(target, train_rows, growth, n_bytes)
    table, proj_rows, headline = projection_rows(
        scaling, t_c, cluster, ((alpha_c, beta_c), (alpha_here, beta_here)), n_bytes,
        train_rows, growth)
    lines += table
    write_csv(os.path.join(out, "projection.csv"), proj_rows,
              ["method", "per_worker_batch", "workers", "batch", "steps", "compute_s",
               "tree_comm_s", "ring_comm_s", "tree_time_s", "ring_time_s"])
    b0 = cluster["per_worker_batch"]
    lines += headline_section(headline, b0)
    write(os.path.join(out, "summary.md"), "\n".join(lines) + "\n")
    plot(out, scaling, headline, t_c, alpha_here, beta_here, n_bytes, b0, cluster["workers"],
         train_rows, cluster["name"], growth, alpha_c, beta_c)


def plot(out, scaling, headline, t_c, alpha_here, beta_here, n_bytes, b, workers, train_rows,
         cluster_name, growth, alpha_c, beta_c):
    variants = sorted(headline)
    fig, axes = plt.subplots(1, len(variants), figsize=(6.0 * len(variants), 4.4), squeeze=False)
    for ax, variant in zip(axes[0], variants):
        fit = scaling[variant]
        bt, pc = headline[variant]
        tc = t_c[(rule_of(variant), b)]
        here = project(fit, tc, alpha_here, beta_here, n_bytes, b, workers, train_rows, growth)
        measured = project(fit, tc, alpha_c, beta_c, n_bytes, b, workers, train_rows, growth,
                           measured=True)
        ms_ = 1e3
        ax.plot([r["workers"] for r in pc], [ms_ * r["tree_time_s"] for r in pc], "-o", ms=4,
                label=f"projected, {cluster_name} (assumed)")
        ax.plot([r["workers"] for r in here], [ms_ * r["tree_time_s"] for r in here], "--",
                color="0.4",
                label="projected, this machine's alpha-beta")
        # the measured median steps S(B) at the batch sizes that are a whole number of workers
        if measured:
            ax.plot([r["workers"] for r in measured], [ms_ * r["tree_time_s"] for r in measured],
                    "s-", mfc="none", color="C2", lw=0.8,
                    label="measured S(B) x projected step time (cluster)")
        ax.plot([bt["workers"]], [ms_ * bt["tree_time_s"]], "*", ms=14, color="C3",
                label=f"P* = {bt['workers']}: more workers stop paying")
        value = fit["b_crit"]
        ax.axvline(value / b, color="0.3", ls=":", lw=1,
                   label=f"B_crit / b = {value:.0f} / {b} = {value / b:.1f} workers")
        ax.set_xscale("log", base=2)
        ax.set_yscale("log")
        ax.xaxis.set_major_formatter(matplotlib.ticker.ScalarFormatter())
        ax.set_xlabel(f"workers P (per-worker batch b = {b}, global batch P b)")
        ax.set_ylabel("projected time to target (ms)")
        ax.set_title(variant, fontsize=9)
        ax.grid(True, which="both", alpha=0.3)
        ax.legend(fontsize=7)
    save(fig, os.path.join(out, "plots"), "time_to_target")


if __name__ == "__main__":
    main(*sys.argv[1:5])
