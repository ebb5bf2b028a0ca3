#!/usr/bin/python3
"""The activation-statistics experiment of lesson 03 in NumPy: an independent implementation of
nnlab's `initStats`, written the way the lecture writes it, for the cross-check test and the
benchmark.

    dims = [D0] + widths; x = randn(N, D0)
    for Din, Dout in zip(dims[:-1], dims[1:]):
        W = std * randn(Din, Dout)          # 0.01, 1.0, 1/sqrt(Din), sqrt(2/(Din+Dout)), sqrt(2/Din)
        x = f(x.dot(W))                     # keep every layer's x
    then per layer: mean, std, histogram(x, 30, range=(-1, 1)), saturated and dead-unit fractions,
    and the backward pass of L = (1/N) sum(G * h_L), G ~ N(0, 1): std of dL/dW and of dL/dx.

Usage: init_stats.py '<json>'   where <json> is a list of jobs, each
    {"options": <nnlab InitStatsConfig>, "seeds": [s, ...], "dtype": "float64" | "float32",
     "histograms": true, "values": [...]}
"matmul" (optional): "dot" (default, the lecture's x.dot(W)), "einsum" (NumPy's own loop, no BLAS:
Debian's python3-numpy with the reference libblas3 is 2-4x slower at these sizes than
np.einsum), or "fastest" (whichever of the two is faster on this machine, timed once on a product
of the job's size). Same products in float64 either way (they agree to ~1e-13 relative).
"float64" is the lecture's code (np.random.seed + np.random.randn, float64 throughout);
"float32" draws with the Generator API's float32 ziggurat and computes in float32.
"arrays" (optional) names a raw little-endian float32 file holding X, W1, ..., WL and G (already
divided by N) one after the other: then the job runs once, in float64, on exactly those numbers
(nnlab's own draws), for an exact comparison instead of a statistical one.
"values" (optional) is a flat list: then the job only returns np.histogram and the moments of
those values with the job's bins and range (a convention check).
Prints a JSON list with, per job, one record per seed (and "ms", the wall time of each run).
"""
import json
import sys
import time

import numpy as np

LEAKY = 0.01
SELU_ALPHA = 1.6732632423543772
SELU_LAMBDA = 1.0507009873554805

# activation: (f, f' as a function of the output a, saturation (lo, hi): a <= lo or a >= hi)
ACTIVATIONS = {
    "tanh": (np.tanh, lambda a: 1 - a * a, (-0.99, 0.99)),
    "sigmoid": (lambda z: 1 / (1 + np.exp(-z)), lambda a: a * (1 - a), (0.01, 0.99)),
    "relu": (lambda z: np.maximum(z, 0), lambda a: (a > 0).astype(a.dtype), (0.0, np.inf)),
    "leakyRelu": (lambda z: np.where(z > 0, z, LEAKY * z), lambda a: np.where(a > 0, 1, LEAKY).astype(a.dtype), (0.0, np.inf)),
    "elu": (lambda z: np.where(z > 0, z, np.expm1(np.minimum(z, 0))), lambda a: np.where(a > 0, 1, a + 1).astype(a.dtype), (-0.99, np.inf)),
    "selu": (lambda z: SELU_LAMBDA * np.where(z > 0, z, SELU_ALPHA * np.expm1(np.minimum(z, 0))),
             lambda a: np.where(a > 0, SELU_LAMBDA, a + SELU_LAMBDA * SELU_ALPHA).astype(a.dtype),
             (-0.99 * SELU_LAMBDA * SELU_ALPHA, np.inf)),
}


def init_std(init, din, dout, scale):
    return {
        "zeros": lambda: 0.0,
        "small": lambda: scale,
        "large": lambda: scale,
        "xavier": lambda: 1 / np.sqrt(din),
        "glorot": lambda: np.sqrt(2 / (din + dout)),
        "he": lambda: np.sqrt(2 / din),
    }[init]()


def summary(x, bins, rng_range, sat):
    counts, _ = np.histogram(x, bins, range=rng_range)
    stuck = (x <= sat[0]) | (x >= sat[1])
    return {
        "mean": float(np.mean(x)),
        "std": float(np.std(x)),
        "counts": counts.tolist(),
        "saturated": float(np.mean(stuck)),
        "deadUnits": float(np.mean(np.all(stuck, axis=0))),
    }


def given_arrays(path, n, dims):
    """A randn stand-in that hands out X, W1, ..., WL, G from the file, in order."""
    flat = np.fromfile(path, dtype="<f4").astype(np.float64)
    shapes = [(n, dims[0])] + list(zip(dims[:-1], dims[1:])) + [(n, dims[-1])]
    parts, offset = [], 0
    for shape in shapes:
        size = shape[0] * shape[1]
        parts.append(flat[offset:offset + size].reshape(shape))
        offset += size
    assert offset == flat.size, f"{path}: {flat.size} numbers, expected {offset}"
    return iter(parts)


def einsum_matmul(a, b):
    """a.dot(b) with NumPy's own einsum loop (contiguous operands: a transposed view is copied)."""
    return np.einsum("ij,jk->ik", np.ascontiguousarray(a), np.ascontiguousarray(b))


def dot_matmul(a, b):
    return a.dot(b)


def pick_matmul(name, n, width, dtype):
    """The matrix product a job asks for; "fastest" times one n x width by width x width product
    both ways (best of two) and keeps the faster."""
    if name in (None, "dot"):
        return dot_matmul
    if name == "einsum":
        return einsum_matmul
    if name != "fastest":
        raise ValueError("matmul must be dot, einsum or fastest, got %r" % (name,))
    a = np.ones((n, width), dtype=dtype)
    b = np.ones((width, width), dtype=dtype)

    def best(f):
        times = []
        for _ in range(2):
            start = time.perf_counter()
            f(a, b)
            times.append(time.perf_counter() - start)
        return min(times)

    return einsum_matmul if best(einsum_matmul) < best(dot_matmul) else dot_matmul


def run(opts, seed, dtype, arrays=None, matmul=dot_matmul):
    f, fprime, sat = ACTIVATIONS[opts["activation"]]
    n = opts["batchSize"]
    dims = [opts["inputWidth"]] + list(opts["widths"])
    bins, rng_range = opts["bins"], tuple(opts["range"])
    if arrays is not None:
        given = given_arrays(arrays, n, dims)
        randn = lambda *shape: next(given)
    elif dtype == "float64":
        np.random.seed(seed)
        randn = np.random.randn
    else:
        gen = np.random.default_rng(seed)
        randn = lambda *shape: gen.standard_normal(shape, dtype=np.float32)
    start = time.perf_counter()
    x = randn(n, dims[0])
    record = {"input": summary(x, bins, rng_range, (-np.inf, np.inf)), "layers": []}
    hs, Ws = [x], []
    for din, dout in zip(dims[:-1], dims[1:]):
        std = init_std(opts["init"], din, dout, opts["scale"])
        if arrays is not None:
            W = randn(din, dout)  # already scaled by std
        else:
            W = np.zeros((din, dout), dtype=x.dtype) if std == 0 else randn(din, dout) * x.dtype.type(std)
        x = f(matmul(x, W))
        hs.append(x)
        Ws.append(W)
        record["layers"].append(summary(x, bins, rng_range, sat))
    if opts["gradients"]:
        dout = randn(n, dims[-1]) if arrays is not None else randn(n, dims[-1]) / x.dtype.type(n)
        grads = []
        for l in range(len(Ws), 0, -1):
            dz = dout * fprime(hs[l])
            dW = matmul(hs[l - 1].T, dz)
            dout = matmul(dz, Ws[l - 1].T)
            grads.append({"layer": l, "std": float(np.std(dW)), "dxStd": float(np.std(dout))})
        record["gradients"] = grads[::-1]
    record["ms"] = (time.perf_counter() - start) * 1e3
    return record


def main():
    jobs = json.loads(sys.argv[1])
    out = []
    for job in jobs:
        opts = job["options"]
        if "values" in job:
            v = np.asarray(job["values"], dtype=np.float32)
            counts, edges = np.histogram(v, opts["bins"], range=tuple(opts["range"]))
            out.append({"edges": edges.tolist(), "counts": counts.tolist(), "mean": float(np.mean(v, dtype=np.float64)), "std": float(np.std(v, dtype=np.float64))})
            continue
        if "arrays" in job:
            out.append([run(opts, None, "float64", job["arrays"])])
            continue
        dtype = job.get("dtype", "float64")
        matmul = pick_matmul(job.get("matmul"), opts["batchSize"], max([opts["inputWidth"]] + list(opts["widths"])), dtype)
        out.append([run(opts, seed, dtype, matmul=matmul) for seed in job["seeds"]])
    json.dump(out, sys.stdout)


if __name__ == "__main__":
    main()
