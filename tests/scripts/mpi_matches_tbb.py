"""Exit 0 when every run of a .../mpi variant in a runs.jsonl equals, record for record, the
run of its .../tbb twin (the same model, rule and kernels), timings and the variant's name
aside: the mpi execution policy's promise of the deterministic policy's bits.
Usage: /usr/bin/python3 tests/scripts/mpi_matches_tbb.py RUNS.jsonl"""
import json
import sys

from same_records import strip


def main(path):
    by_variant = {}
    for line in open(path):
        r = json.loads(line)
        if r.get("type") in ("point", "run"):
            by_variant.setdefault(r["variant"], []).append(strip(r))
    pairs = [(v, v[: -len("/mpi")] + "/tbb") for v in by_variant if v.endswith("/mpi")]
    if not pairs:
        sys.exit(f"FAIL: {path} holds no .../mpi variant")
    for mpi, tbb in pairs:
        twin = [dict(r, variant=mpi) for r in by_variant.get(tbb, [])]
        if twin != by_variant[mpi]:
            at = next((i for i, (x, y) in enumerate(zip(twin, by_variant[mpi])) if x != y),
                      min(len(twin), len(by_variant[mpi])))
            sys.exit(f"FAIL: {path}: {mpi} differs from {tbb} at its record {at + 1} "
                     f"({len(twin)} vs {len(by_variant[mpi])} records)")
        runs = sum(r["type"] == "run" for r in twin)
        print(f"{mpi}: {len(twin)} records ({runs} runs) bit-identical to {tbb}")


if __name__ == "__main__":
    main(sys.argv[1])
