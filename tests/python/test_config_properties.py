"""A property test over the config parser (issue 42): configs generated from a small valid one,
valid and mutated (repeated sweep values, full-batch-only methods given mini-batches, missing,
mistyped, unknown and out-of-range fields, absurd sizes), never end in exit 2 (an unexpected
error) or a crash, and never exit 0 with an empty or duplicated result: a config that
validates runs to a runs.jsonl with at least one run line and no run twice.
Run: /usr/bin/python3 tests/python/test_config_properties.py SGDBENCH   (seeded: the same
configs every run)"""
import copy
import json
import random
import subprocess
import sys
import tempfile
from pathlib import Path

BASE = {
    "name": "prop",
    "dataset": {"name": "gaussian-mixture", "train": 60, "test": 20, "d": 4, "classes": 3,
                "seed": 3},
    "model": {"widths": [4, 5, 3]},
    "variants": ["nielsen/plain/scalar/seq", "mlp/plain/simd/tbb"],
    "sweep": {"batch_size": [1, 7, "full"], "lr": [0.5], "seed": [0, 1]},
    "budget": {"epochs": 1},
    "execution": {"threads": 2, "chunk_rows": 16},
}


def at(c, path):
    """The parent object of `path` ("sweep/lr") and its last key."""
    *parents, last = path.split("/")
    for p in parents:
        c = c[p]
    return c, last


def repeat_value(c, rng):
    parent, key = at(c, rng.choice(["sweep/batch_size", "sweep/lr", "sweep/seed"]))
    parent[key] = parent[key] + [rng.choice(parent[key])]


def full_only_method(c, rng):
    c.pop("model")
    c["variants"] = ["softmax/lbfgs/simd/tbb"]
    c["sweep"]["batch_size"] = [rng.choice([1, 10, 30])]


def remove_field(c, rng):
    parent, key = at(c, rng.choice(["name", "dataset/name", "sweep/lr", "sweep/seed", "variants",
                                    "budget/epochs", "dataset/d", "dataset/classes"]))
    parent.pop(key, None)


def mistype_field(c, rng):
    parent, key = at(c, rng.choice(["sweep/lr", "dataset/train", "budget/epochs", "variants",
                                    "execution/threads", "model/widths", "sweep/batch_size"]))
    parent[key] = rng.choice(["ten", -1, None, {"x": 1}, [], 1.5, True])


def unknown_field(c, rng):
    parent, _ = at(c, rng.choice(["x", "dataset/x", "sweep/x", "budget/x", "execution/x"]))
    parent[rng.choice(["batchsize", "learning_rate", "seeds", "epoch", "zzz"])] = 1


def out_of_range(c, rng):
    path, values = rng.choice([
        ("sweep/lr", [[0], [-0.1], [1e-50], [1e300]]),
        ("sweep/batch_size", [[0], ["half"], [61], [2**64 - 1]]),
        ("sweep/seed", [[-1], [2**64]]),
        ("dataset/d", [0, 2**16 + 1, 2**16]),
        ("dataset/train", [0, 2**25, 10**7]),
        ("dataset/classes", [1, 257]),
        ("budget/epochs", [0, -3]),
        ("execution/threads", [0, 10**6]),
        ("execution/chunk_rows", [0, 2**64 - 1]),
        ("model/widths", [[4, 3], [5, 5, 3], [4, 0, 3], [4, 2**40, 3]]),
    ])
    parent, key = at(c, path)
    parent[key] = rng.choice(values)


def bad_variant(c, rng):
    c["variants"] = rng.choice([[], ["nielsen/gpu/magic"], ["lsq/plain/simd/tbb"], [7]])


def harmless(c, rng):
    c["sweep"]["lr"] = [rng.choice([0.1, 1.0, 3.0])]
    c["sweep"]["batch_size"] = rng.sample([1, 5, 20, "full"], rng.randint(1, 3))


MUTATIONS = [repeat_value, full_only_method, remove_field, mistype_field, unknown_field,
             out_of_range, bad_variant, harmless]


def run(exe, args, cwd):
    return subprocess.run([exe] + args, cwd=cwd, capture_output=True, text=True, timeout=120)


def main():
    exe = sys.argv[1]
    rng = random.Random(20261207)
    counts = {"valid": 0, "refused": 0}
    failures = []
    with tempfile.TemporaryDirectory() as tmp:
        for i in range(200):
            c = copy.deepcopy(BASE)
            for m in rng.sample(MUTATIONS, rng.randint(0, 2)):
                try:
                    m(c, rng)
                except (KeyError, TypeError, IndexError, ValueError):
                    pass  # an earlier mutation removed what this one changes
            path = Path(tmp) / f"c{i}.json"
            path.write_text(json.dumps(c))
            v = run(exe, ["validate", str(path)], tmp)
            where = f"config {i}: {json.dumps(c)}"
            if v.returncode not in (0, 1):
                failures.append(f"{where}: validate exited {v.returncode}: {v.stderr[-300:]}")
                continue
            if v.returncode == 1:
                counts["refused"] += 1
                if str(path) not in v.stderr + v.stdout:
                    failures.append(f"{where}: the error does not name the file: {v.stderr[-200:]}")
                continue
            counts["valid"] += 1
            out = Path(tmp) / f"out{i}"
            r = run(exe, ["run", str(path), "--out", str(out), "--quiet", "--no-plots"], tmp)
            if r.returncode != 0:
                failures.append(f"{where}: validated, then run exited {r.returncode}: "
                                f"{r.stderr[-300:]}")
                continue
            records = [json.loads(x) for x in (out / c["name"] / "runs.jsonl").open()]
            runs = [json.dumps({k: x.get(k) for k in ("dataset", "variant", "batch_size", "lr",
                                                      "seed", "threads")}, sort_keys=True)
                    for x in records if x.get("type") == "run"]
            if not runs:
                failures.append(f"{where}: exit 0 with no run in runs.jsonl")
            if len(runs) != len(set(runs)):
                failures.append(f"{where}: exit 0 with a run recorded twice")
    print(f"{counts['valid']} configs ran, {counts['refused']} refused with exit 1")
    for f in failures:
        print("FAIL:", f)
    if counts["valid"] == 0 or counts["refused"] == 0:
        print("FAIL: the generator made no valid or no invalid config")
        return 1
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
