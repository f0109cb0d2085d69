"""Exit 0 when two runs.jsonl files hold the same records in the same order, timings aside
(train_seconds, samples_per_second, tuning_seconds and the seconds of each target). Usage:
  /usr/bin/python3 tests/scripts/same_records.py EXPECTED ACTUAL"""
import json
import sys

TIMING = {"train_seconds", "samples_per_second", "seconds", "tuning_seconds"}


def strip(x):
    if isinstance(x, dict):
        return {k: strip(v) for k, v in x.items() if k not in TIMING}
    return [strip(v) for v in x] if isinstance(x, list) else x


def main(expected, actual):
    a = [strip(json.loads(line)) for line in open(expected)]
    b = [strip(json.loads(line)) for line in open(actual)]
    runs = sum(r.get("type") == "run" for r in a)
    if a != b:
        at = next((i for i, (x, y) in enumerate(zip(a, b)) if x != y), min(len(a), len(b)))
        sys.exit(f"FAIL: {actual} differs from {expected} at line {at + 1} "
                 f"({len(a)} vs {len(b)} records)")
    print(f"same records: {len(a)} ({runs} runs) identical to {expected}, timings aside")


if __name__ == "__main__":
    main(*sys.argv[1:3])
