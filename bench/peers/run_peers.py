#!/usr/bin/python3
"""Runs sgdbench, its OpenBLAS-kernel variant and the PyTorch peer on the workloads of
workloads.json, alternately (the order rotates every repetition, so drift in the
machine's speed hits every implementation alike), and writes results/peers/<CPU model>/:
runs.jsonl (every measurement), summary.md and summary.csv (medians, ratios, targets),
machine.json (with the machine's measured limits), plots/ratios.png.
The tables and the plot are rendered by peers_tables.py beside this file.

    /usr/bin/python3 bench/peers/run_peers.py [--reps 3] [--seconds 2] [--out DIR]
    /usr/bin/python3 bench/peers/run_peers.py --isa avx2      # both sides limited to AVX2
    /usr/bin/python3 bench/peers/run_peers.py --report-only   # tables and plot again

--isa avx2 runs the x86-64-v3 build (build/avx2, the `avx2` preset) against PyTorch held to
AVX2 (ATEN_CPU_CAPABILITY=avx2, DNNL_MAX_CPU_ISA=AVX2, OPENBLAS_CORETYPE=Haswell), so an
AVX-512 host measures what an AVX2-only CPU of its core would, into
results/peers/<CPU model>-avx2/, against workloads.json's targets_avx2.
"""
import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent.parent
sys.path.insert(0, str(HERE.parent / "scripts"))
import cpu_folder  # noqa: E402
from peers_tables import (  # noqa: E402  the tables and plot, from records
    TORCH_IMPLS,
    peak_fractions,
    plot_ratios,
    summarise,
    write_tables)
SGDBENCH = ROOT / "build" / "release" / "bench" / "sgdbench"
MICRO = ROOT / "build" / "release" / "bench" / "micro" / "sgdbench_micro"
# What every process of a run sees besides its thread counts (--isa avx2 sets it).
ISA_ENV = {}
# Each instruction-set mode: the build it runs, the variables that hold the peers to it, and
# the suffix of its results folder.
ISA_MODES = {
    "native": {"build": "release", "env": {}, "suffix": ""},
    "avx2": {"build": "avx2", "suffix": "-avx2",
             "env": {"ATEN_CPU_CAPABILITY": "avx2", "DNNL_MAX_CPU_ISA": "AVX2",
                     "OPENBLAS_CORETYPE": "Haswell"}},
}


def use_isa(isa):
    """Points SGDBENCH, MICRO and ISA_ENV at the mode `isa` (ISA_MODES)."""
    global SGDBENCH, MICRO
    mode = ISA_MODES[isa]
    SGDBENCH = ROOT / "build" / mode["build"] / "bench" / "sgdbench"
    MICRO = ROOT / "build" / mode["build"] / "bench" / "micro" / "sgdbench_micro"
    ISA_ENV.clear()
    ISA_ENV.update(mode["env"])


def thread_env(threads, blas_threads=None):
    """Every pool sized to `threads`: torch.set_num_threads does not reach Debian's
    OpenBLAS (pthreads), which otherwise takes every core even for a '1 thread' run."""
    env = dict(os.environ)
    env.update(ISA_ENV)
    for var in ("OMP_NUM_THREADS", "MKL_NUM_THREADS"):
        env[var] = str(threads)
    env["OPENBLAS_NUM_THREADS"] = str(blas_threads or threads)
    return env


def run_json(cmd, threads, blas_threads=None):
    out = subprocess.run(cmd, env=thread_env(threads, blas_threads), check=True,
                         capture_output=True, text=True)
    return json.loads(out.stdout.strip().splitlines()[-1])




def parse_cpu_ticks(line):
    """/proc/stat's first line ("cpu user nice system idle iowait irq softirq steal ...", in
    ticks summed over this machine's CPUs) as (steal, busy): busy is the time the CPUs ran
    or wanted to run (all but idle and iowait; guest time is inside user). None for any
    other line."""
    fields = line.split()
    if len(fields) < 9 or fields[0] != "cpu":
        return None
    user, nice, system, idle, iowait, irq, softirq, steal = map(int, fields[1:9])
    return steal, user + nice + system + irq + softirq + steal


def cpu_ticks():
    """parse_cpu_ticks of this machine now; None where there is no /proc/stat."""
    try:
        with open("/proc/stat") as f:
            return parse_cpu_ticks(f.readline())
    except OSError:
        return None


def steal_between(before, after):
    """The share of the CPU time this machine wanted between two cpu_ticks() readings that
    the hypervisor did not give it (steal / busy; 0 on bare metal, so a 1-thread run on an
    idle second CPU reads as much as a 2-thread one); None where unknown. Counters that go
    backwards (a live migration) count as no steal."""
    if before is None or after is None or after[1] <= before[1]:
        return None
    return max(after[0] - before[0], 0) / (after[1] - before[1])


def measure(impl, model, spec, batch, threads, seconds):
    """One run; its record also carries the steal time while it ran (steal_fraction)."""
    before = cpu_ticks()
    r = measure_run(impl, model, spec, batch, threads, seconds)
    r["steal_fraction"] = steal_between(before, cpu_ticks())
    return r


def measure_run(impl, model, spec, batch, threads, seconds):
    """One run's record, as its process reports it."""
    if impl in TORCH_IMPLS:
        torch_threads = 1 if impl == "pytorch-blas" else threads
        cmd = ["/usr/bin/python3", str(HERE / "torch_peer.py"), "--workload", model,
               "--batch", str(batch), "--threads", str(torch_threads), "--seconds", str(seconds)]
        r = run_json(cmd, torch_threads, blas_threads=threads)
        r.update({"impl": impl, "workload": model, "batch": str(batch), "threads": threads})
        return r
    else:
        cmd = [str(SGDBENCH), "throughput", "--variant", spec[impl], "--batch", str(batch),
               "--threads", str(threads), "--seconds", str(seconds), "--lr", str(spec["lr"])]
        if spec["kind"] != "softmax":
            cmd += ["--widths", ",".join(map(str, spec["widths"]))]
    r = run_json(cmd, threads)
    r.update({"impl": impl, "workload": model, "batch": str(batch), "threads": threads})
    return r


def gemm_vs_openblas(threads_env=1):
    """SIMD and OpenBLAS sgemm on the MLP's shapes, from the Google Benchmark suite."""
    if not MICRO.exists():
        return []
    out = subprocess.run(
        [str(MICRO), "--benchmark_filter=BM_gemm/(simd|blas)/mlp", "--benchmark_repetitions=5",
         "--benchmark_report_aggregates_only=true", "--benchmark_min_time=0.1",
         "--benchmark_enable_random_interleaving=true",  # as bench/micro/run.sh: fair ratios
         "--benchmark_format=json"], env=thread_env(threads_env), check=True,
        capture_output=True, text=True)
    rows = {}
    # In registration order: the interleaved repetitions shuffle the JSON.
    def registered(b):
        return b.get("family_index", 0), b.get("per_family_instance_index", 0)
    report = json.loads(out.stdout)
    benchmarks = sorted(report["benchmarks"], key=registered)
    # The micro process measures its own FMA ports: the tile it ran goes with its table.
    blocking = report.get("context", {}).get("gemm_blocking")
    for b in benchmarks:
        if b.get("aggregate_name") != "median":
            continue
        _, kernels, shape = b["run_name"].split("/", 2)
        rows.setdefault(shape, {})[kernels] = b["GFLOP/s"]
    return [{"shape": s, "simd_gflops": k["simd"], "openblas_gflops": k["blas"],
             **({"gemm_blocking": blocking} if blocking else {})}
            for s, k in rows.items() if "simd" in k and "blas" in k]


def grain_sweep(workloads, seconds):
    """samples/s against the rows per reduction leaf (chunk_rows), 1 and 2 threads: the
    measurement behind the default of 256 (TbbDeterministic's grain is one chunk)."""
    out = []
    for model, batch in (("nielsen", "full"), ("nielsen", 1000), ("softmax", "full")):
        spec = workloads["models"][model]
        for chunk in (64, 128, 256, 512, 1024):
            for threads in (1, 2):
                cmd = [str(SGDBENCH), "throughput", "--variant", spec["sgdbench"], "--batch",
                       str(batch), "--threads", str(threads), "--seconds", str(seconds),
                       "--chunk-rows", str(chunk)]
                if spec["kind"] != "softmax":
                    cmd += ["--widths", ",".join(map(str, spec["widths"]))]
                r = run_json(cmd, threads)
                out.append({"workload": model, "batch": str(batch), "chunk_rows": chunk,
                            "threads": threads, "samples_per_s": r["samples_per_s"]})
                print(f"grain {model} B={batch} chunk={chunk} t={threads}: "
                      f"{r['samples_per_s']:.0f} samples/s", flush=True)
    return out


def publish(out, records, extras, machine, torch_version, workloads, reps, seconds):
    """Writes everything into a temporary folder, then swaps it for `out`: an interrupted
    run leaves the committed results/peers/ as it was."""
    rows = summarise(records, workloads, machine.get("simd_arch"))
    out.parent.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=".peers.", dir=out.parent))
    tmp.chmod(0o755)  # mkdtemp makes it private
    try:
        with open(tmp / "runs.jsonl", "w") as f:
            for r in records:
                f.write(json.dumps(r) + "\n")
        (tmp / "machine.json").write_text(json.dumps(
            {**machine, "limits": extras, "pytorch": torch_version,
             "run": {"reps": reps, "seconds": seconds}}, indent=2) + "\n")
        write_tables(tmp, rows, peak_fractions(records, workloads), extras, machine,
                     torch_version, reps, seconds, records)
        plot_ratios(tmp, rows)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)  # no half-written folder beside the results
        raise
    if out.exists():
        shutil.rmtree(out)
    tmp.rename(out)
    print((out / "summary.md").read_text())


def report_only(out, workloads):
    """Tables and plot again from out/runs.jsonl and out/machine.json; nothing measured."""
    records = [json.loads(line) for line in open(out / "runs.jsonl")]
    meta = json.loads((out / "machine.json").read_text())
    extras = meta.pop("limits")
    torch_version = meta.pop("pytorch", "?")
    run = meta.pop("run", None) or {
        "reps": 1 + max(r["rep"] for r in records),
        "seconds": round(statistics.median(r["seconds"] for r in records), 1)}
    publish(out, records, extras, meta, torch_version, workloads, run["reps"], run["seconds"])


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--reps", type=int, default=3)
    ap.add_argument("--seconds", type=float, default=2.0)
    ap.add_argument("--out", help="results folder (default results/peers/<this CPU model>, "
                    "bench/scripts/cpu_folder.py; with --only, "
                    "/tmp/sgdbench-peers-<workload>, so a partial run never replaces the table)")
    ap.add_argument("--only", help="run only this workload (e.g. nielsen)")
    ap.add_argument("--isa", choices=sorted(ISA_MODES), default="native",
                    help="avx2: the x86-64-v3 build against PyTorch held to AVX2, into "
                    "results/peers/<CPU model>-avx2/")
    ap.add_argument("--report-only", action="store_true",
                    help="rebuild the tables and plot from OUT/runs.jsonl; measure nothing")
    a = ap.parse_args()
    workloads = json.loads((HERE / "workloads.json").read_text())
    use_isa(a.isa)
    suffix = ISA_MODES[a.isa]["suffix"]
    if a.out is None:
        a.out = (f"/tmp/sgdbench-peers-{a.only}{suffix}" if a.only
                 else str(ROOT / "results" / "peers" /
                          (cpu_folder.folder() + suffix)))
    if a.report_only:
        return report_only(Path(a.out), workloads)
    cells = [(run["workload"], b, t) for run in workloads["runs"] for b in run["batch"]
             for t in workloads["threads"] if not a.only or run["workload"] == a.only]
    impls = ["sgdbench", "blas", "pytorch"]
    records = []
    started = time.time()
    for rep in range(a.reps):
        for i, (model, batch, threads) in enumerate(cells):
            spec = workloads["models"][model]
            order = [x for x in impls if x == "pytorch" or x in spec]
            if threads > 1:
                order.append("pytorch-blas")
            k = (rep + i) % len(order)
            for impl in order[k:] + order[:k]:
                r = measure(impl, model, spec, batch, threads, a.seconds)
                r["rep"] = rep
                if impl == "sgdbench" and f"{model}/{batch}" in workloads["peak_fraction"]:
                    r["adjacent_peak_gflops"] = run_json(
                        [str(SGDBENCH), "throughput", "--peak-flops", "--threads", str(threads)],
                        threads)["gflops"]
                records.append(r)
                print(f"[{time.time() - started:6.0f} s] rep {rep} {model} B={batch} "
                      f"t={threads} {impl}: {r['samples_per_s']:.0f} samples/s", flush=True)
    extras = {
        "stream": [run_json([str(SGDBENCH), "throughput", "--stream", "--threads", str(t)], t)
                   for t in (1, 2)],
        "peak": [run_json([str(SGDBENCH), "throughput", "--peak-flops", "--threads", str(t)], t)
                 for t in (1, 2)],
        "gemm": gemm_vs_openblas(),
        "grain": grain_sweep(workloads, min(a.seconds, 1.5)) if not a.only else [],
    }
    machine = run_json([str(SGDBENCH), "throughput", "--machine",
                        str(HERE / "workloads.json")], 1)
    torch_version = next((r["torch"] for r in records if r["impl"] in TORCH_IMPLS), "?")
    publish(Path(a.out), records, extras, machine, torch_version, workloads, a.reps, a.seconds)


if __name__ == "__main__":
    sys.exit(main())
