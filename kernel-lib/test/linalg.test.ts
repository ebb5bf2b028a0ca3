/**
 * nets/linalg: the Jacobi eigen-decomposition (float64) and the top-k subspace iteration (tfjs
 * matMul, float64 Gram–Schmidt) against numpy.linalg.eigh and against the definition A·v = λ·v.
 *
 * Tolerances: Jacobi runs in float64 to an off-diagonal mass of 1e-15·‖A‖_F, so eigenvalues agree
 * with LAPACK to ~n·1e-15 relative and vectors (after fixing the sign) to ~1e-12 where the gaps are
 * O(1). topEigen multiplies in float32: each C·Q entry carries a relative error up to γ_D·(|C|·|Q|)
 * ≈ D·u, so eigenvalues agree to ~1e-5·λ₁ and vectors to ~1e-4 when the gap λ_k − λ_{k+1} is O(λ₁/10).
 */
import { before, test } from 'node:test';
import assert from 'node:assert/strict';
import * as path from 'path';
import { spawnSync } from 'child_process';
import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-wasm';
import { orthonormalise, symmetricEigen, topEigen } from '../src/nets/linalg';
import { countTensors } from '../src/core/leaks';
import { mulberry32, randomNormal } from '../src/core/rng';

const PYTHON = '/usr/bin/python3';
const EIGH = path.resolve(__dirname, '..', '..', 'test', 'numpy', 'eigh.py');
const NO_NUMPY = spawnSync(PYTHON, ['-c', 'import numpy'], { encoding: 'utf8' }).status === 0 ? false : `${PYTHON} with numpy is missing: apt-get install python3-numpy`;

before(async () => {
  await tf.setBackend('wasm');
});

/** numpy.linalg.eigh, values descending, vectors column-wise with their largest component positive. */
export function numpyEigh(A: ArrayLike<number>, n: number): { values: number[]; vectors: number[] } {
  const py = spawnSync(PYTHON, [EIGH, JSON.stringify({ A: Array.from(A), n })], { encoding: 'utf8', maxBuffer: 256 << 20 });
  assert.equal(py.status, 0, py.stderr);
  return JSON.parse(py.stdout);
}

/** A random SPD matrix G·Gᵀ/m + shift·I (row-major), seeded, with well-spread eigenvalues. */
function spd(n: number, seed: number, decay = 0.9): Float64Array {
  const random = mulberry32(seed);
  const G = Array.from({ length: n * n }, () => randomNormal(random));
  const A = new Float64Array(n * n);
  // A = G·diag(decay^k)·Gᵀ: eigenvalues spread over decades, gaps O(their size)
  for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) {
    let s = 0;
    for (let k = 0; k < n; k++) s += G[i * n + k] * decay ** k * G[j * n + k];
    A[i * n + j] = s / n;
  }
  for (let i = 0; i < n; i++) for (let j = 0; j < i; j++) A[i * n + j] = A[j * n + i];
  return A;
}

function maxAbsDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i] - b[i]));
  return m;
}

test('symmetricEigen([4, 1, 1, 3], 2) is the closed form (7 ± √5)/2 with unit orthogonal vectors', () => {
  const { values, vectors } = symmetricEigen([4, 1, 1, 3], 2);
  assert.ok(maxAbsDiff(values, [(7 + Math.sqrt(5)) / 2, (7 - Math.sqrt(5)) / 2]) < 1e-14);
  // A v = λ v for each column
  for (let j = 0; j < 2; j++) {
    const v = [vectors[j], vectors[2 + j]];
    assert.ok(Math.abs(4 * v[0] + v[1] - values[j] * v[0]) < 1e-14 && Math.abs(v[0] + 3 * v[1] - values[j] * v[1]) < 1e-14, `pair ${j}`);
    assert.ok(Math.abs(Math.hypot(v[0], v[1]) - 1) < 1e-15);
  }
});

test('symmetricEigen of a random 30×30 SPD matrix equals numpy.linalg.eigh (values 1e-12 relative, vectors 1e-9 up to sign)', { skip: NO_NUMPY }, () => {
  const n = 30;
  const A = spd(n, 7);
  const ours = symmetricEigen(A, n);
  const np = numpyEigh(A, n);
  assert.ok(maxAbsDiff(ours.values, np.values) < 1e-12 * np.values[0], `values ${maxAbsDiff(ours.values, np.values)}`);
  assert.ok(maxAbsDiff(ours.vectors, np.vectors) < 1e-9, `vectors ${maxAbsDiff(ours.vectors, np.vectors)}`);
});

test('symmetricEigen rejects a non-symmetric matrix and a wrong length, naming the entry', () => {
  assert.throws(() => symmetricEigen([1, 2, 3, 4], 2), /A\[1\]\[0\] must be a symmetric matrix \(A\[0\]\[1\] is 2\), got 3/);
  assert.throws(() => symmetricEigen([1, 2, 3], 2), /A must be a row-major n×n array of 4 numbers \(n = 2\)/);
  assert.throws(() => symmetricEigen([1, NaN, NaN, 1], 2), /A must be finite entries, got NaN/);
});

test('topEigen(C, 5) of a random 50×50 SPD matrix equals the top 5 of numpy.linalg.eigh (float32 tolerances), without leaking', { skip: NO_NUMPY }, async () => {
  const n = 50;
  const k = 5;
  const A = spd(n, 11, 0.7);
  const np = numpyEigh(A, n);
  const C = tf.tensor2d(Float32Array.from(A), [n, n]);
  const { result, leaked } = await countTensors(() => {
    const r = topEigen(C, k, { iterations: 60, seed: 3 });
    const vectors = Array.from(r.vectors.dataSync());
    r.vectors.dispose();
    return { ...r, vectors };
  });
  C.dispose();
  assert.equal(leaked, 0);
  const lambda1 = np.values[0];
  assert.ok(maxAbsDiff(result.values, np.values.slice(0, k)) < 1e-5 * lambda1, `values ${result.values} vs ${np.values.slice(0, k)}`);
  const top = Array.from({ length: n * k }, (_, i) => np.vectors[Math.floor(i / k) * n + (i % k)]);
  assert.ok(maxAbsDiff(result.vectors, top) < 1e-4, `vectors ${maxAbsDiff(result.vectors, top)}`);
  assert.ok(Math.max(...result.residuals) < 1e-5, `residuals ${result.residuals}`);
});

test('topEigen is deterministic for one seed and rejects bad arguments by name', () => {
  const C = tf.tensor2d(Float32Array.from(spd(8, 2)), [8, 8]);
  const a = topEigen(C, 2, { seed: 5 });
  const b = topEigen(C, 2, { seed: 5 });
  assert.deepEqual(a.values, b.values);
  assert.deepEqual(Array.from(a.vectors.dataSync()), Array.from(b.vectors.dataSync()));
  tf.dispose([a.vectors, b.vectors]);
  assert.throws(() => topEigen(C, 9), /k must be an integer in \[1, 8\], got 9/);
  assert.throws(() => topEigen(C, 2, { iterations: 0 }), /iterations must be an integer in \[1, 10000\], got 0/);
  assert.throws(() => topEigen(C, 2, { steps: 3 } as never), /topEigen options/);
  const rect = tf.zeros([3, 4]) as tf.Tensor2D;
  assert.throws(() => topEigen(rect, 1), /C must be a square matrix \[D, D\]/);
  tf.dispose([C, rect]);
});

test('orthonormalise of a rank-1 matrix still returns orthonormal columns', () => {
  const X = [1, 1, 1, 2, 2, 2, 3, 3, 3, 4, 4, 4];   // [4, 3], every column the same
  const Q = orthonormalise(X, 4, 3);
  for (let i = 0; i < 3; i++) for (let j = 0; j < 3; j++) {
    let dot = 0;
    for (let r = 0; r < 4; r++) dot += Q[r * 3 + i] * Q[r * 3 + j];
    assert.ok(Math.abs(dot - (i === j ? 1 : 0)) < 1e-12, `Q[:,${i}]·Q[:,${j}] = ${dot}`);
  }
});
