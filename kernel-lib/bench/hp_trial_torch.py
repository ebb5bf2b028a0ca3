"""PyTorch CPU peer of `npm run bench:hp-trial` (kernel-lib/src/bench/hpTrial.ts starts it with
/usr/bin/python3): one trial of lesson 06's search, the lecture's two-layer net 3072 -> 50 -> 10
(ReLU, softmax cross-entropy, 0.5*reg*(sum W1^2 + sum W2^2), weights std*randn, biases 0, plain
SGD), on the very rows the tfjs side trains on (float32 files written by hpTrial.ts), with the same
epochs, batch size and per-epoch evaluation (training accuracy on the first 1000 rows, validation
accuracy on all). The gradient comes from autograd, as a PyTorch user would write it.

Usage: python3 hp_trial_torch.py '<task JSON>'
Prints one line "@@nnlab-bench <JSON>": {"seconds": ..., "threads": ..., "torch": ..., "valAcc": ...}.
"""
import json
import sys
import time

import numpy as np
import torch

MARKER = "@@nnlab-bench "


def main():
    task = json.loads(sys.argv[1])
    torch.set_num_threads(task["threads"])
    d = task["dims"]
    X = torch.from_numpy(np.fromfile(task["trainX"], dtype=np.float32).reshape(-1, d))
    y = torch.from_numpy(np.fromfile(task["trainY"], dtype=np.int32).astype(np.int64))
    Xv = torch.from_numpy(np.fromfile(task["valX"], dtype=np.float32).reshape(-1, d))
    yv = torch.from_numpy(np.fromfile(task["valY"], dtype=np.int32).astype(np.int64))
    g = torch.Generator().manual_seed(task["seed"])
    h, c, std, lr, reg, batch = task["hidden"], 10, task["std"], task["lr"], task["reg"], task["batchSize"]
    start = time.perf_counter()
    W1 = (std * torch.randn(d, h, generator=g)).requires_grad_()
    b1 = torch.zeros(h, requires_grad=True)
    W2 = (std * torch.randn(h, c, generator=g)).requires_grad_()
    b2 = torch.zeros(c, requires_grad=True)
    params = [W1, b1, W2, b2]

    def scores(rows):
        return torch.relu(rows @ W1 + b1) @ W2 + b2

    def accuracy(rows, labels):
        with torch.no_grad():
            return (scores(rows).argmax(1) == labels).float().mean().item()

    n = X.shape[0]
    val_acc = accuracy(Xv, yv)
    for _ in range(task["epochs"]):
        order = torch.randperm(n, generator=g)
        for k in range(0, n, batch):
            idx = order[k:k + batch]
            loss = torch.nn.functional.cross_entropy(scores(X[idx]), y[idx]) + 0.5 * reg * ((W1 * W1).sum() + (W2 * W2).sum())
            for p in params:
                p.grad = None
            loss.backward()
            with torch.no_grad():
                for p in params:
                    p -= lr * p.grad
        accuracy(X[:1000], y[:1000])
        val_acc = accuracy(Xv, yv)
    seconds = time.perf_counter() - start
    sys.stdout.write(MARKER + json.dumps({"seconds": seconds, "threads": torch.get_num_threads(), "torch": torch.__version__, "valAcc": val_acc}) + "\n")


if __name__ == "__main__":
    main()
