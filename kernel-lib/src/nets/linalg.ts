/**
 * Symmetric eigen-decompositions for PCA and whitening (lesson 02, data preprocessing). TensorFlow.js
 * 4.22 has no `eigh` (`tf.linalg` holds `qr`, `gramSchmidt` and `bandPart` only), so:
 *
 * - {@link symmetricEigen}: every eigenpair of a small symmetric matrix A = U·diag(λ)·Uᵀ, by cyclic
 *   Jacobi rotations in float64 JS (a 2×2 matrix takes exactly one rotation: the closed form). The
 *   cost is ~10 sweeps of O(n³): fine to n ≈ 500, too slow for CIFAR's 3072×3072 covariance.
 * - {@link topEigen}: the k largest eigenpairs of a big symmetric positive semi-definite matrix C
 *   (a covariance) by subspace iteration: Q ← orth(C·Q), p = k + oversample columns, then
 *   Rayleigh–Ritz (the eigenpairs of the p×p matrix QᵀCQ, by Jacobi) rotates Q onto the
 *   eigenvectors. The products C·Q run on the device (tfjs matMul, float32); the orthonormalisation
 *   is modified Gram–Schmidt, twice, in float64 JS (D·p² work: cheaper and more accurate than
 *   `tf.linalg.qr`, which builds Householder reflections from per-column float32 ops). The error
 *   in direction i shrinks like (λ_{p+1}/λ_i)^iterations; the record's `residuals`
 *   ‖C·v − λ·v‖ / λ₁ say how far each pair is from converged.
 *
 * Eigenvectors are unique up to sign: each is returned with its largest-magnitude component
 * positive, so two runs (and two libraries) agree after that normalisation.
 *
 * @example
 * const { values, vectors } = nn.nets.symmetricEigen([2, 1, 1, 2], 2);  // values [3, 1], vectors column-wise
 * const C = tf.tensor2d([[4, 1, 0], [1, 3, 0], [0, 0, 1]]);
 * const top = nn.nets.topEigen(C, 2, { iterations: 50 });
 * top.values            // ≈ [4.618, 2.382]
 * top.vectors.dispose(); C.dispose();
 */
import * as tf from '@tensorflow/tfjs';
import { ArgumentError, checkInt, checkNumber, checkOptions } from '../core/errors';
import { checkSeed } from '../core/rng';
import { checkFinite, checkTensor } from '../core/tensorChecks';

/** Eigenpairs of a symmetric matrix: λ in descending order; vectors row-major n×k, column j = eigenvector j. */
export interface SymmetricEigen {
  values: number[];
  /** Row-major [n, k]: `vectors[i * k + j]` is component i of eigenvector j (numpy.linalg.eigh's layout). */
  vectors: Float64Array;
}

/**
 * Every eigenpair of a symmetric n×n matrix (row-major), in float64, by cyclic Jacobi rotations:
 * each rotation zeroes one off-diagonal entry; sweeps repeat until the off-diagonal mass is below
 * `tolerance` times the matrix's Frobenius norm. A = U·diag(λ)·Uᵀ with λ descending.
 *
 * @example
 * nn.nets.symmetricEigen([4, 1, 1, 3], 2).values   // [4.618..., 2.381...] = (7 ± √5) / 2
 */
export function symmetricEigen(A: ArrayLike<number>, n: number, options: { tolerance?: number; maxSweeps?: number } = {}): SymmetricEigen {
  checkInt('n', n, { min: 1, max: 4096 });
  checkOptions('symmetricEigen options', options, ['tolerance', 'maxSweeps']);
  const tolerance = options.tolerance === undefined ? 1e-15 : checkNumber('tolerance', options.tolerance, { min: 0, max: 1 });
  const maxSweeps = options.maxSweeps === undefined ? 100 : checkInt('maxSweeps', options.maxSweeps, { min: 1, max: 1000 });
  const a = checkSymmetric(A, n);
  const v = new Float64Array(n * n);
  for (let i = 0; i < n; i++) v[i * n + i] = 1;
  const scale = Math.sqrt(a.reduce((s, x) => s + x * x, 0));
  for (let sweep = 0; sweep < maxSweeps && offDiagonal(a, n) > tolerance * scale; sweep++) {
    for (let p = 0; p < n - 1; p++) for (let q = p + 1; q < n; q++) rotate(a, v, n, p, q);
  }
  return sortedPairs(Array.from({ length: n }, (_, i) => a[i * n + i]), v, n, n);
}

/** The k largest eigenpairs of {@link topEigen}: values descending, vectors [D, k] (a new tensor the caller disposes). */
export interface TopEigen {
  values: number[];
  vectors: tf.Tensor2D;
  /** ‖C·vᵢ − λᵢ·vᵢ‖ / λ₁ per pair, measured in float32 on the device after the last iteration. */
  residuals: number[];
  iterations: number;
}

/**
 * The k largest eigenpairs of a symmetric positive semi-definite D×D matrix C (a covariance) by
 * subspace iteration with Rayleigh–Ritz; see the module comment. The start Q₀ is a seeded N(0, 1)
 * draw of D × (k + oversample).
 *
 * @example
 * const G = tf.randomNormal([300, 100], 0, 1, 'float32', 1);
 * const cov = tf.matMul(G, G, true, false).div(300) as nn.tf.Tensor2D;   // [100, 100]
 * const top = nn.nets.topEigen(cov, 10, { iterations: 40, seed: 1 });
 * console.log(top.values[0], top.residuals[9]);
 * tf.dispose([G, cov, top.vectors]);
 */
export function topEigen(C: tf.Tensor2D, k: number, options: { iterations?: number; oversample?: number; seed?: number } = {}): TopEigen {
  const c = checkTensor<tf.Tensor2D>('C', C, { rank: 2 });
  const D = c.shape[0];
  if (c.shape[1] !== D) throw new ArgumentError('C', `a tensor of shape [${c.shape.join(', ')}]`, 'a square matrix [D, D]');
  checkFinite('C', c);
  checkInt('k', k, { min: 1, max: D });
  checkOptions('topEigen options', options, ['iterations', 'oversample', 'seed']);
  const iterations = options.iterations === undefined ? 30 : checkInt('iterations', options.iterations, { min: 1, max: 10_000 });
  const oversample = options.oversample === undefined ? 10 : checkInt('oversample', options.oversample, { min: 0, max: 1000 });
  const seed = checkSeed('seed', options.seed ?? 0);
  const p = Math.min(D, k + oversample);
  // a seed of 0 means "unseeded" to tf.randomNormal (trap 2): shift every seed by one
  let Q = orthonormalise(readOnce(tf.randomNormal([D, p], 0, 1, 'float32', seed + 1)), D, p);
  for (let it = 0; it < iterations; it++) Q = orthonormalise(multiply(c, Q, D, p), D, p);
  const ritz = rayleighRitz(c, Q, D, p, k);
  const vectors = tf.tensor2d(Float32Array.from(ritz.vectors), [D, k]);
  const residuals = tf.tidy(() => {
    const r = tf.sub(tf.matMul(c, vectors), tf.mul(vectors, tf.tensor1d(ritz.values)));
    return Array.from(tf.norm(r, 'euclidean', 0).dataSync());
  }).map((r) => r / Math.max(Math.abs(ritz.values[0]), Number.MIN_VALUE));
  return { values: ritz.values, vectors, residuals, iterations };
}

// ----------------------------------------------------------------------------------------- steps

/** C·Q on the device, read back in float64. */
function multiply(C: tf.Tensor2D, Q: Float64Array, D: number, p: number): Float64Array {
  return Float64Array.from(readOnce(tf.tidy(() => tf.matMul(C, tf.tensor2d(Float32Array.from(Q), [D, p])))));
}

/** A tensor's values, then the tensor disposed. */
function readOnce(t: tf.Tensor): Float32Array {
  try {
    return t.dataSync() as Float32Array;
  } finally {
    t.dispose();
  }
}

/** Rayleigh–Ritz: the eigenpairs of B = QᵀCQ rotate Q onto C's top-k eigenvectors. */
function rayleighRitz(C: tf.Tensor2D, Q: Float64Array, D: number, p: number, k: number): SymmetricEigen {
  const CQ = multiply(C, Q, D, p);
  const B = new Float64Array(p * p);
  for (let i = 0; i < p; i++) {
    for (let j = i; j < p; j++) {
      let s = 0;
      for (let r = 0; r < D; r++) s += Q[r * p + i] * CQ[r * p + j];
      B[i * p + j] = s;
    }
  }
  for (let i = 0; i < p; i++) for (let j = 0; j < i; j++) B[i * p + j] = B[j * p + i];   // symmetrise: (B + Bᵀ) / 2 of the upper half
  const small = symmetricEigen(B, p);
  const V = new Float64Array(D * k);
  for (let r = 0; r < D; r++) {
    for (let j = 0; j < k; j++) {
      let s = 0;
      for (let i = 0; i < p; i++) s += Q[r * p + i] * small.vectors[i * p + j];
      V[r * k + j] = s;
    }
  }
  return sortedPairs(small.values.slice(0, k), V, D, k, true);
}

/** Modified Gram–Schmidt on the columns of a row-major [D, p] matrix, run twice ("twice is enough"). */
export function orthonormalise(X: ArrayLike<number>, D: number, p: number): Float64Array {
  const Q = Float64Array.from(X);
  let restarts = 0;
  for (let pass = 0; pass < 2; pass++) {
    for (let j = 0; j < p; j++) {
      for (let i = 0; i < j; i++) {
        let dot = 0;
        for (let r = 0; r < D; r++) dot += Q[r * p + i] * Q[r * p + j];
        for (let r = 0; r < D; r++) Q[r * p + j] -= dot * Q[r * p + i];
      }
      let norm = 0;
      for (let r = 0; r < D; r++) norm += Q[r * p + j] ** 2;
      norm = Math.sqrt(norm);
      // a column in the span of the others (C of rank < p): restart it from a fixed pseudo-random vector
      if (norm < 1e-100 && restarts < 10 * p) {
        restarts++;
        for (let r = 0; r < D; r++) Q[r * p + j] = Math.sin(12.9898 * r + 78.233 * j + restarts);
        j--;
        continue;
      }
      for (let r = 0; r < D; r++) Q[r * p + j] /= norm;
    }
  }
  return Q;
}

/** One Jacobi rotation in the (p, q) plane that zeroes a[p][q]; accumulates it into v. */
function rotate(a: Float64Array, v: Float64Array, n: number, p: number, q: number): void {
  const apq = a[p * n + q];
  if (apq === 0) return;
  const theta = (a[q * n + q] - a[p * n + p]) / (2 * apq);
  const t = Math.sign(theta || 1) / (Math.abs(theta) + Math.sqrt(theta * theta + 1));   // the smaller root: |angle| <= π/4
  const c = 1 / Math.sqrt(t * t + 1);
  const s = t * c;
  for (let k = 0; k < n; k++) {
    const akp = a[k * n + p];
    const akq = a[k * n + q];
    a[k * n + p] = c * akp - s * akq;
    a[k * n + q] = s * akp + c * akq;
  }
  for (let k = 0; k < n; k++) {
    const apk = a[p * n + k];
    const aqk = a[q * n + k];
    a[p * n + k] = c * apk - s * aqk;
    a[q * n + k] = s * apk + c * aqk;
  }
  for (let k = 0; k < n; k++) {
    const vkp = v[k * n + p];
    const vkq = v[k * n + q];
    v[k * n + p] = c * vkp - s * vkq;
    v[k * n + q] = s * vkp + c * vkq;
  }
}

function offDiagonal(a: Float64Array, n: number): number {
  let s = 0;
  for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) if (i !== j) s += a[i * n + j] ** 2;
  return Math.sqrt(s);
}

/** Sorts pairs by λ descending and fixes each vector's sign (largest-magnitude component positive). */
function sortedPairs(values: number[], vectors: Float64Array, rows: number, cols: number, sorted = false): SymmetricEigen {
  const order = sorted ? values.map((_, j) => j) : values.map((_, j) => j).sort((x, y) => values[y] - values[x]);
  const k = order.length;
  const out = new Float64Array(rows * k);
  order.forEach((from, to) => {
    let big = 0;
    for (let r = 0; r < rows; r++) if (Math.abs(vectors[r * cols + from]) > Math.abs(big)) big = vectors[r * cols + from];
    const sign = big < 0 ? -1 : 1;
    for (let r = 0; r < rows; r++) out[r * k + to] = sign * vectors[r * cols + from];
  });
  return { values: order.map((j) => values[j]), vectors: out };
}

function checkSymmetric(A: ArrayLike<number>, n: number): Float64Array {
  if (A === null || typeof A !== 'object' || typeof (A as { length?: unknown }).length !== 'number' || A.length !== n * n) {
    throw new ArgumentError('A', A, `a row-major n×n array of ${n * n} numbers (n = ${n})`);
  }
  const a = Float64Array.from(A);
  let scale = 0;
  for (const x of a) {
    if (!Number.isFinite(x)) throw new ArgumentError('A', x, 'finite entries');
    scale = Math.max(scale, Math.abs(x));
  }
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < i; j++) {
      if (Math.abs(a[i * n + j] - a[j * n + i]) > 1e-6 * scale) {
        throw new ArgumentError(`A[${i}][${j}]`, a[i * n + j], `a symmetric matrix (A[${j}][${i}] is ${a[j * n + i]})`);
      }
      a[i * n + j] = a[j * n + i] = (a[i * n + j] + a[j * n + i]) / 2;
    }
  }
  return a;
}
