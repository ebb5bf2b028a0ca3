"""CIFAR-10 channel statistics in float64 NumPy from the official binary batches, for
test/preprocessing.test.ts (nn.preprocessing.channelStats).

Argument: {"dir": ".../cifar-10-batches-bin", "trainSize": n, "valSize": v, "testSize": t}.
Fits on the first n training images; the validation images are the last v of the 50,000; the
test images the first t of test_batch.bin. Prints the mean image (HWC order, 0-255), the channel
means and population stds (0-255), the mean of per-image stds, and each split's channel mean and
std after x' = (x - mean_c) / std_c.
"""
import json
import os
import sys

import numpy as np

job = json.loads(sys.argv[1])


def read(files):
    raw = np.concatenate([np.fromfile(os.path.join(job["dir"], f), dtype=np.uint8).reshape(-1, 3073) for f in files])
    return raw[:, 1:].reshape(-1, 3, 32, 32).transpose(0, 2, 3, 1).astype(np.float64)   # NHWC


train_all = read([f"data_batch_{i}.bin" for i in range(1, 6)])
train = train_all[: job["trainSize"]]
mean_c = train.mean(axis=(0, 1, 2))
std_c = train.std(axis=(0, 1, 2))
per_image_std = train.std(axis=(1, 2)).mean(axis=0)


def applied(x):
    z = (x - mean_c) / std_c
    return {"mean": z.mean(axis=(0, 1, 2)).tolist(), "std": z.std(axis=(0, 1, 2)).tolist()}


out = {
    "meanImage": train.mean(axis=0).reshape(-1).tolist(),
    "channelMean": mean_c.tolist(),
    "channelStd": std_c.tolist(),
    "meanPerImageStd": per_image_std.tolist(),
    "train": applied(train),
}
if job["valSize"] > 0:
    out["val"] = applied(train_all[len(train_all) - job["valSize"]:])
if job["testSize"] > 0:
    out["test"] = applied(read(["test_batch.bin"])[: job["testSize"]])
print(json.dumps(out))
