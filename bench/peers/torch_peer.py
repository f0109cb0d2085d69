#!/usr/bin/python3
"""The PyTorch peer: one workload of bench/peers/workloads.json trained as a typical user
writes it (plain torch.nn + torch.optim.SGD, tensors in memory, shuffled with randperm),
timed like `sgdbench throughput`: a warm-up, then training for a fixed wall time with no
evaluation. Prints one JSON line with samples/s.

    /usr/bin/python3 bench/peers/torch_peer.py --workload nielsen --batch 10 --threads 1
"""
import argparse
import gzip
import json
import resource
import time
from pathlib import Path

import numpy as np
import torch
from torch import nn

FASHION = Path("/usr/share/datasets/fashion-mnist")
WORKLOADS = json.loads((Path(__file__).parent / "workloads.json").read_text())


def read_idx(path: Path, header: int) -> np.ndarray:
    with gzip.open(path, "rb") as f:
        return np.frombuffer(f.read(), dtype=np.uint8, offset=header)


def load_fashion():
    """Training and test sets as float32 in [0, 1], as sgdbench loads them."""
    def images(name):
        return torch.from_numpy(read_idx(FASHION / name, 16).reshape(-1, 784).astype(np.float32) / 255.0)

    def labels(name):
        return torch.from_numpy(read_idx(FASHION / name, 8).astype(np.int64))

    return (images("train-images-idx3-ubyte.gz"), labels("train-labels-idx1-ubyte.gz"),
            images("t10k-images-idx3-ubyte.gz"), labels("t10k-labels-idx1-ubyte.gz"))


def make_model(kind: str, widths):
    """nielsen: sigmoid layers and the quadratic cost; softmax and mlp: cross-entropy."""
    layers = []
    for i in range(1, len(widths)):
        layers.append(nn.Linear(widths[i - 1], widths[i]))
        if kind == "nielsen":
            layers.append(nn.Sigmoid())
        elif i + 1 < len(widths):
            layers.append(nn.ReLU())
    model = nn.Sequential(*layers)
    if kind == "nielsen":
        def loss_fn(out, y):  # C = ½ Σ_j (a_j − y_j)², averaged over the batch
            return 0.5 * ((out - nn.functional.one_hot(y, out.shape[1]).float()) ** 2).sum() / out.shape[0]
    else:
        loss_fn = nn.CrossEntropyLoss()
    return model, loss_fn


def train_for(model, loss_fn, opt, x, y, batch, seconds):
    """Trains epoch after epoch until `seconds` have passed; returns (samples, steps, s)."""
    n = x.shape[0]
    samples = steps = 0
    start = time.perf_counter()
    while True:
        perm = torch.randperm(n) if batch < n else None
        for i in range(0, n, batch):
            if perm is None:
                xb, yb = x, y
            else:
                idx = perm[i:i + batch]
                xb, yb = x[idx], y[idx]
            opt.zero_grad()
            loss = loss_fn(model(xb), yb)
            loss.backward()
            opt.step()
            samples += xb.shape[0]
            steps += 1
            elapsed = time.perf_counter() - start
            if elapsed >= seconds:
                return samples, steps, elapsed


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--workload", required=True, choices=sorted(WORKLOADS["models"]))
    ap.add_argument("--batch", required=True, help="batch size or full")
    ap.add_argument("--threads", type=int, default=1)
    ap.add_argument("--seconds", type=float, default=2.0)
    ap.add_argument("--warmup-seconds", type=float, default=0.3)
    a = ap.parse_args()
    torch.set_num_threads(a.threads)
    torch.manual_seed(0)
    spec = WORKLOADS["models"][a.workload]
    x, y, xt, yt = load_fashion()
    batch = x.shape[0] if a.batch == "full" else int(a.batch)
    model, loss_fn = make_model(spec["kind"], spec["widths"])
    opt = torch.optim.SGD(model.parameters(), lr=spec["lr"])
    train_for(model, loss_fn, opt, x, y, batch, a.warmup_seconds)
    samples, steps, seconds = train_for(model, loss_fn, opt, x, y, batch, a.seconds)
    data_mib = (x.numel() + xt.numel()) * 4 / 2**20
    print(json.dumps({
        "peer": "pytorch", "torch": torch.__version__, "workload": a.workload,
        "batch_size": batch, "threads": torch.get_num_threads(),
        "samples_per_s": samples / seconds, "samples": samples, "steps": steps,
        "seconds": seconds, "data_mib": data_mib,
        "peak_rss_mib": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0,
    }))


if __name__ == "__main__":
    main()
