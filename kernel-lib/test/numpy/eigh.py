"""numpy.linalg.eigh of a symmetric matrix, for test/linalg.test.ts and test/preprocessing.test.ts.

Reads {"A": [row-major n*n], "n": n} as the first argument; prints {"values": [descending],
"vectors": [row-major n*n, column j = eigenvector j, largest-magnitude component positive]}.
"""
import json
import sys

import numpy as np

job = json.loads(sys.argv[1])
n = job["n"]
A = np.array(job["A"], dtype=np.float64).reshape(n, n)
w, V = np.linalg.eigh(A)            # ascending
order = np.argsort(w)[::-1]
w, V = w[order], V[:, order]
for j in range(n):
    if V[np.argmax(np.abs(V[:, j])), j] < 0:
        V[:, j] = -V[:, j]
print(json.dumps({"values": w.tolist(), "vectors": V.reshape(-1).tolist()}))
