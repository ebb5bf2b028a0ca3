#!/usr/bin/python3
"""Batch normalization of lesson 04 in NumPy, float64, written the way cs231n's assignment writes
it: an independent implementation of nnlab's `batchNormForward` for the cross-check test.

    train: mu = x.mean(0); var = x.var(0); x_hat = (x - mu) / sqrt(var + eps); out = gamma * x_hat + beta
           running_mean = momentum * running_mean + (1 - momentum) * mu      (same for running_var)
    test:  out = gamma * (x - running_mean) / sqrt(running_var + eps) + beta
    spatial (N, H, W, C): the same on x.reshape(-1, C)

Usage: batch_norm.py '<json>' where <json> is
    {"x": [...flat...], "shape": [...], "gamma": [...], "beta": [...],
     "running_mean": [...], "running_var": [...], "momentum": m, "eps": e, "steps": k}
It runs `steps` training-mode passes on the same x (each updating the running statistics), then
one test-mode pass, and prints JSON {"train": [...flat out of the first pass...],
"running_mean": [...], "running_var": [...] (after all passes), "test": [...flat...]}.
"""
import json
import sys

import numpy as np


def batchnorm_forward(x, gamma, beta, bn_param):
    mode = bn_param["mode"]
    eps = bn_param["eps"]
    momentum = bn_param["momentum"]
    running_mean = bn_param["running_mean"]
    running_var = bn_param["running_var"]
    if mode == "train":
        mu = x.mean(axis=0)
        var = x.var(axis=0)
        x_hat = (x - mu) / np.sqrt(var + eps)
        out = gamma * x_hat + beta
        bn_param["running_mean"] = momentum * running_mean + (1 - momentum) * mu
        bn_param["running_var"] = momentum * running_var + (1 - momentum) * var
    elif mode == "test":
        out = gamma * (x - running_mean) / np.sqrt(running_var + eps) + beta
    else:
        raise ValueError('Invalid forward batchnorm mode "%s"' % mode)
    return out


def main():
    job = json.loads(sys.argv[1])
    shape = job["shape"]
    C = shape[-1]
    x = np.array(job["x"], dtype=np.float64).reshape(-1, C)  # spatial BN: every position is a row
    gamma = np.array(job["gamma"], dtype=np.float64)
    beta = np.array(job["beta"], dtype=np.float64)
    bn_param = {
        "momentum": job["momentum"], "eps": job["eps"],
        "running_mean": np.array(job["running_mean"], dtype=np.float64),
        "running_var": np.array(job["running_var"], dtype=np.float64),
    }
    first = None
    for _ in range(job["steps"]):
        bn_param["mode"] = "train"
        out = batchnorm_forward(x, gamma, beta, bn_param)
        if first is None:
            first = out
    bn_param["mode"] = "test"
    test = batchnorm_forward(x, gamma, beta, bn_param)
    print(json.dumps({
        "train": first.ravel().tolist(),
        "running_mean": bn_param["running_mean"].tolist(),
        "running_var": bn_param["running_var"].tolist(),
        "test": test.ravel().tolist(),
    }))


if __name__ == "__main__":
    main()
