#!/usr/bin/python3
"""Exact training-time expectations of the lecture's 3-layer net with dropout (lesson 09) in NumPy:
an independent implementation of nnlab's `exactExpectation`, written the way the lecture writes the
network, brute force over every mask of both dropout points (2^(H1 + H2) thinned networks).

    H1 = max(0, X.W1 + b1) * U1          U1 in {0, 1}^H1  (vanilla) or {0, 1/p}^H1 (inverted)
    Z2 = H1.W2 + b2;  H2 = max(0, Z2) * U2
    out = H2.W3 + b3
    P(U1, U2) = p^kept (1 - p)^dropped

Usage: dropout_expectation.py '<json>'  with {"params": [{"W": [[...]], "b": [...]}, x3], "X": [[...]],
"p": 0.5, "scheme": "vanilla" | "inverted", "activation": "relu" | "linear"}.
Prints {"first": [...], "hidden": [...], "output": [...]} flattened row-major [example, unit].
"""
import itertools
import json
import sys

import numpy as np

cfg = json.loads(sys.argv[1])
(W1, b1), (W2, b2), (W3, b3) = [(np.array(l["W"], dtype=np.float64), np.array(l["b"], dtype=np.float64)) for l in cfg["params"]]
X = np.array(cfg["X"], dtype=np.float64)
p = cfg["p"]
f = (lambda z: np.maximum(0, z)) if cfg["activation"] == "relu" else (lambda z: z)
H1n, H2n = W1.shape[1], W2.shape[1]

# every mask of both layers at once: M [2^(H1+H2), H1+H2] of 0/1, and its probability
M = np.array(list(itertools.product([0.0, 1.0], repeat=H1n + H2n)))
prob = p ** M.sum(1) * (1 - p) ** (H1n + H2n - M.sum(1))
mult = M / p if cfg["scheme"] == "inverted" else M
U1, U2 = mult[:, :H1n], mult[:, H1n:]

first, hidden, output = [], [], []
for x in X:
    H1 = f(x @ W1 + b1) * U1            # [masks, H1]
    Z2 = H1 @ W2 + b2                   # [masks, H2]
    H2 = f(Z2)
    out = (H2 * U2) @ W3 + b3           # [masks, C]
    first.append(prob @ Z2)
    hidden.append(prob @ H2)
    output.append(prob @ out)
print(json.dumps({"first": np.concatenate(first).tolist(), "hidden": np.concatenate(hidden).tolist(),
                  "output": np.concatenate(output).tolist()}))
