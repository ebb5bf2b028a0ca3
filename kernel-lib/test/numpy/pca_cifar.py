#!/usr/bin/python3
"""PCA of the first N CIFAR-10 training images in NumPy (float64): an independent implementation of
nnlab's `preprocessing.pcaCifar`, reading the official binary batch itself (1 label byte, then 1,024
R, 1,024 G and 1,024 B bytes per record; nnlab stores HWC, which only permutes the pixels and leaves
every eigenvalue unchanged).

    X = pixels / 255                 [N, 3072]
    C = (X - mean)^T (X - mean) / N  [3072, 3072]
    eigenvalues of C by numpy.linalg.eigvalsh (eigh without the vectors: 15 s instead of 60 s on
    two busy cores), largest first

Usage: pca_cifar.py <data_batch_1.bin> <N> <k>
Prints {"eigenvalues": [k largest], "total": trace C}.
"""
import json
import sys

import numpy as np

path, n, k = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
raw = np.fromfile(path, dtype=np.uint8)[: n * 3073].reshape(n, 3073)
X = raw[:, 1:].astype(np.float64) / 255.0
Xc = X - X.mean(axis=0)
C = Xc.T @ Xc / n
w = np.linalg.eigvalsh(C)[::-1]
print(json.dumps({"eigenvalues": w[:k].tolist(), "total": float(np.trace(C))}))
