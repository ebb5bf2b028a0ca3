#!/usr/bin/python3
"""The lecture's two-layer net (cs231n's TwoLayerNet.loss) in NumPy float64: an independent
implementation of nnlab's `twoLayerLoss`, written the way the assignment writes it.

    scores = max(0, X.W1 + b1).W2 + b2
    loss = mean cross-entropy of softmax(scores) + 0.5 * reg * (sum W1^2 + sum W2^2)

Usage: two_layer.py '<json>' (or two_layer.py - with the JSON on stdin, for nets too big for argv) with {"W1": [[...]], "b1": [...], "W2": [[...]], "b2": [...],
"X": [[...]], "y": [...], "reg": r}. Prints {"loss", "dataLoss", "regLoss", "W1", "b1", "W2", "b2"}
(gradients flattened row-major).
"""
import json
import sys

import numpy as np

job = json.loads(sys.stdin.read() if sys.argv[1] == '-' else sys.argv[1])
W1, b1, W2, b2 = (np.array(job[k], dtype=np.float64) for k in ('W1', 'b1', 'W2', 'b2'))
X = np.array(job['X'], dtype=np.float64)
y = np.array(job['y'], dtype=np.int64)
reg = float(job['reg'])
N = X.shape[0]

z1 = X @ W1 + b1
h = np.maximum(0, z1)
scores = h @ W2 + b2
shifted = scores - scores.max(axis=1, keepdims=True)
probs = np.exp(shifted) / np.exp(shifted).sum(axis=1, keepdims=True)
data_loss = -np.log(probs[np.arange(N), y]).mean()
reg_loss = 0.5 * reg * (np.sum(W1 * W1) + np.sum(W2 * W2))

dscores = probs.copy()
dscores[np.arange(N), y] -= 1
dscores /= N
dW2 = h.T @ dscores + reg * W2
db2 = dscores.sum(axis=0)
dh = dscores @ W2.T
dh[z1 <= 0] = 0
dW1 = X.T @ dh + reg * W1
db1 = dh.sum(axis=0)

print(json.dumps({
    'loss': data_loss + reg_loss, 'dataLoss': data_loss, 'regLoss': reg_loss,
    'W1': dW1.ravel().tolist(), 'b1': db1.tolist(), 'W2': dW2.ravel().tolist(), 'b2': db2.tolist(),
}))
