#!/usr/bin/python3
"""Homework 02's references in NumPy, independent of nnlab's float64 JS: per-channel statistics of
NHWC images (np.mean / np.std over axes 0, 1, 2, population std), and PCA whitening as cs231n's
notes write it:

    Xc = X - X.mean(0);  cov = Xc.T @ Xc / N;  lam, U = np.linalg.eigh(cov)
    Xwhite = Xc @ U / np.sqrt(lam)

with the eigenpairs sorted descending and each eigenvector's largest-magnitude component positive
(nnlab's sign convention), plus np.linalg.eigh of given symmetric matrices.

Usage: hw02_preprocessing.py '<json>' with {"images": [{"shape": [N, H, W, C], "x": [...]}],
"matrices": [{"N": N, "D": D, "X": [...]}], "symmetric": [[[...]]]}.
Prints {"stats": [{"mean", "std"}], "whiten": [[...]], "eigh": [{"values", "vectors"}]}.
"""
import json
import sys

import numpy as np


def eigh_sorted(C):
    lam, U = np.linalg.eigh(C)
    order = np.argsort(-lam, kind="stable")
    lam, U = lam[order], U[:, order]
    for j in range(U.shape[1]):
        big = np.argmax(np.abs(U[:, j]))
        if U[big, j] < 0:
            U[:, j] = -U[:, j]
    return lam, U


cfg = json.loads(sys.argv[1])
out = {"stats": [], "whiten": [], "eigh": []}
for im in cfg.get("images", []):
    x = np.array(im["x"], dtype=np.float64).reshape(im["shape"])
    out["stats"].append({"mean": x.mean(axis=(0, 1, 2)).tolist(), "std": x.std(axis=(0, 1, 2)).tolist()})
for m in cfg.get("matrices", []):
    X = np.array(m["X"], dtype=np.float64).reshape(m["N"], m["D"])
    Xc = X - X.mean(0)
    lam, U = eigh_sorted(Xc.T @ Xc / m["N"])
    out["whiten"].append((Xc @ U / np.sqrt(lam)).ravel().tolist())
for C in cfg.get("symmetric", []):
    lam, U = eigh_sorted(np.array(C, dtype=np.float64))
    out["eigh"].append({"values": lam.tolist(), "vectors": U.tolist()})
print(json.dumps(out))
