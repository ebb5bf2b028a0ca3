/**
 * Eigenvectors of a symmetric matrix, for PCA (lesson 02, data preprocessing): the top-k
 * eigenpairs of a large symmetric positive semi-definite matrix (a 3072 x 3072 covariance), and
 * every eigenpair of a small one (float64 JS).
 *
 * tfjs 4.22 has no eigen solver: `tf.linalg` holds `qr`, `gramSchmidt` and `bandPart` only, and
 * its `qr` is built from per-column tensor ops (6 s for a 3072 x 50 matrix on wasm). So
 * {@link topEigen} is orthogonal (subspace) iteration with a Rayleigh-Ritz step, where every large
 * product runs as a tfjs matmul and everything p x p (p = k + oversample) runs in float64 JS:
 *
 *   Z = A·Q                          (D x p, tfjs)          the one product with A per iteration
 *   H = Qᵀ Z = V Θ Vᵀ                (p x p, Jacobi, JS)   Ritz values θ and rotations V
 *   Q ← Q V,  Z ← Z V                                         Ritz vectors, A times them
 *   rᵢ = ‖Z eᵢ − θᵢ Q eᵢ‖ / θ₁                                 residual of pair i
 *   Q ← orth(Z with unit columns)   (Cholesky QR, three passes, the first shifted)
 *
 * A Ritz value θᵢ is within rᵢ·θ₁ of an eigenvalue of A (Weyl); the loop stops when the top k
 * residuals are below `tol` or after `maxIterations`. Eigenvalue i converges like
 * (λ_{p+1} / λᵢ)^(2t) after t iterations: oversampling is what makes the k-th converge.
 *
 * @example
 * const A = tf.tensor2d([[2, 1], [1, 2]]);
 * const { values, vectors } = await nn.nets.topEigen(A, 1, { seed: 1 });
 * values   // [3]
 * tf.dispose([A, vectors]);
 */
import * as tf from '@tensorflow/tfjs';
import { ArgumentError, checkInt, checkNumber } from '../core/errors';
import { normalArray } from '../core/normal';
import { checkSeed, seedStream } from '../core/rng';

/**
 * Every eigenpair of a symmetric n x n matrix `a` (row-major, float64), by cyclic Jacobi
 * rotations: values in decreasing order, `vectors` row-major n x n with eigenvector i in column i.
 * For small matrices (n up to a few hundred): each sweep costs about 4n³ operations.
 *
 * @example
 * const { values, vectors } = nn.nets.symmetricEigen([2, 1, 1, 2], 2);
 * values    // Float64Array [3, 1]
 * vectors   // columns (1, 1)/√2 and (1, -1)/√2 (up to sign)
 */
export function symmetricEigen(a: ArrayLike<number>, n: number): { values: Float64Array; vectors: Float64Array } {
  checkInt('n', n, { min: 1, max: 4096 });
  if (a.length !== n * n) throw new ArgumentError('a.length', a.length, `n x n = ${n * n}`);
  const A = Float64Array.from(a);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < i; j++) {
      if (!Number.isFinite(A[i * n + j]) || !Number.isFinite(A[j * n + i])) throw new ArgumentError(`a[${i}][${j}]`, A[i * n + j], 'a finite number');
      const m = (A[i * n + j] + A[j * n + i]) / 2;   // symmetrise what rounding left unequal
      A[i * n + j] = m;
      A[j * n + i] = m;
    }
  }
  const V = new Float64Array(n * n);
  for (let i = 0; i < n; i++) V[i * n + i] = 1;
  for (let sweep = 0; sweep < 100; sweep++) {
    let off = 0;
    let diag = 0;
    for (let i = 0; i < n; i++) {
      diag += A[i * n + i] * A[i * n + i];
      for (let j = i + 1; j < n; j++) off += A[i * n + j] * A[i * n + j];
    }
    if (off <= 1e-30 * diag || off === 0) break;
    for (let p = 0; p < n - 1; p++) for (let q = p + 1; q < n; q++) rotate(A, V, n, p, q);
  }
  const order = Array.from({ length: n }, (_, i) => i).sort((x, y) => A[y * n + y] - A[x * n + x]);
  const values = Float64Array.from(order, (i) => A[i * n + i]);
  const vectors = new Float64Array(n * n);
  for (let r = 0; r < n; r++) for (let c = 0; c < n; c++) vectors[r * n + c] = V[r * n + order[c]];
  return { values, vectors };
}

/** One Jacobi rotation zeroing A[p][q] (Golub & Van Loan, Algorithm 8.5.2), applied to A and accumulated in V. */
function rotate(A: Float64Array, V: Float64Array, n: number, p: number, q: number): void {
  const apq = A[p * n + q];
  if (apq === 0) return;
  const theta = (A[q * n + q] - A[p * n + p]) / (2 * apq);
  const t = Math.sign(theta || 1) / (Math.abs(theta) + Math.sqrt(theta * theta + 1));
  const c = 1 / Math.sqrt(t * t + 1);
  const s = t * c;
  for (let k = 0; k < n; k++) {
    const akp = A[k * n + p];
    const akq = A[k * n + q];
    A[k * n + p] = c * akp - s * akq;
    A[k * n + q] = s * akp + c * akq;
  }
  for (let k = 0; k < n; k++) {
    const apk = A[p * n + k];
    const aqk = A[q * n + k];
    A[p * n + k] = c * apk - s * aqk;
    A[q * n + k] = s * apk + c * aqk;
  }
  for (let k = 0; k < n; k++) {
    const vkp = V[k * n + p];
    const vkq = V[k * n + q];
    V[k * n + p] = c * vkp - s * vkq;
    V[k * n + q] = s * vkp + c * vkq;
  }
}

/** A symmetric matrix given by its product with a block of vectors: `times(Q)` = A·Q, a new tensor [dim, p]. */
export interface SymmetricOperator { dim: number; times(Q: tf.Tensor2D): tf.Tensor2D }

export interface TopEigenOptions {
  /** Extra vectors carried beyond k (default 20, at most dim − k). */
  oversample?: number;
  /** Most iterations (default 50). */
  maxIterations?: number;
  /** Stop when every top-k residual ‖A v − θ v‖ is below tol·θ₁ (default 1e-5). */
  tol?: number;
  /** Seed of the random start. */
  seed: number;
  /** Called after every iteration with the largest top-k residual (relative to θ₁). */
  onIteration?: (iteration: number, residual: number) => void;
}

export interface TopEigenResult {
  /** The k largest eigenvalues (Ritz values), decreasing, float64. */
  values: number[];
  /** Their eigenvectors as the columns of a new [dim, k] tensor, the caller's to dispose. */
  vectors: tf.Tensor2D;
  /** ‖A vᵢ − θᵢ vᵢ‖ / θ₁ for each of the k pairs, at the last iteration. */
  residuals: number[];
  iterations: number;
  /** Whether every residual is below tol. */
  converged: boolean;
}

/**
 * The k largest eigenpairs of a symmetric positive semi-definite matrix (a tensor, or an operator
 * A·Q), by orthogonal iteration with Rayleigh-Ritz; see the module comment.
 *
 * @example
 * const X = tf.randomNormal([500, 20], 0, 1, 'float32', 1);
 * const C = tf.matMul(X, X, true, false).div(500) as nn.tf.Tensor2D;   // a 20 x 20 covariance
 * const { values, vectors, iterations } = await nn.nets.topEigen(C, 3, { seed: 1 });
 * values   // the three largest variances, near 1 (and above)
 * tf.dispose([X, C, vectors]);
 */
export async function topEigen(A: tf.Tensor2D | SymmetricOperator, k: number, options: TopEigenOptions): Promise<TopEigenResult> {
  const op = asOperator(A);
  const D = op.dim;
  checkInt('k', k, { min: 1, max: Math.min(D, 2048) });
  const oversample = checkInt('oversample', options.oversample ?? 20, { min: 0, max: 2048 });
  const maxIterations = checkInt('maxIterations', options.maxIterations ?? 50, { min: 1, max: 10_000 });
  const tol = checkNumber('tol', options.tol ?? 1e-5, { min: 0, max: 1 });
  checkSeed('seed', options.seed);
  const p = Math.min(D, k + oversample);
  let Q = orthonormalize(tf.tensor2d(normalArray(D * p, seedStream(options.seed).derive('start')), [D, p]));
  let values: number[] = [];
  let residuals: number[] = [];
  let iterations = 0;
  try {
    for (;;) {
      iterations += 1;
      const Z = op.times(Q);
      const H = await readPacked(tf.tidy(() => tf.matMul(Q, Z, true, false)));
      const { values: theta, vectors: V } = symmetricEigen(H, p);
      const Vt = tf.tensor2d(Float32Array.from(V), [p, p]);
      const [Qr, Zr] = tf.tidy(() => [tf.matMul(Q, Vt), tf.matMul(Z, Vt)] as tf.Tensor2D[]);
      tf.dispose([Q, Z, Vt]);
      Q = Qr;
      const scale = Math.abs(theta[0]) || 1;
      const norms = await readPacked(tf.tidy(() => tf.norm(tf.sub(Zr, tf.mul(Qr, tf.tensor1d(Float32Array.from(theta)))), 'euclidean', 0)));
      values = Array.from(theta.subarray(0, k));
      residuals = Array.from(norms.subarray(0, k), (r) => r / scale);
      const worst = Math.max(...residuals);
      options.onIteration?.(iterations, worst);
      if (worst <= tol || iterations >= maxIterations) {
        Zr.dispose();
        const vectors = tf.tidy(() => tf.slice(Q, [0, 0], [D, k]) as tf.Tensor2D);
        Q.dispose();
        return { values, vectors, residuals, iterations, converged: worst <= tol };
      }
      const next = orthonormalize(tf.tidy(() => {
        const n = tf.norm(Zr, 'euclidean', 0);
        return tf.div(Zr, tf.where(tf.greater(n, 0), n, tf.onesLike(n))) as tf.Tensor2D;
      }));
      Zr.dispose();
      Q.dispose();
      Q = next;
    }
  } catch (e) {
    Q.dispose();
    throw e;
  }
}

function asOperator(A: tf.Tensor2D | SymmetricOperator): SymmetricOperator {
  if (A instanceof tf.Tensor) {
    if (A.rank !== 2 || A.shape[0] !== A.shape[1]) throw new ArgumentError('A.shape', A.shape, 'a square matrix [D, D]');
    return { dim: A.shape[0], times: (Q) => tf.matMul(A, Q) };
  }
  if (typeof A !== 'object' || A === null || typeof A.times !== 'function') throw new ArgumentError('A', A, 'a square tf.Tensor2D or { dim, times(Q) }');
  checkInt('A.dim', A.dim, { min: 1, max: 1 << 20 });
  return A;
}

/** Reads a tensor into float64 and disposes it. */
async function readPacked(t: tf.Tensor): Promise<Float64Array> {
  const v = Float64Array.from(await t.data());
  t.dispose();
  return v;
}

/**
 * An orthonormal basis of the columns of W [D, p] (disposed): Cholesky QR three times, the first
 * with a small shift so that a nearly dependent block still factors (shifted CholeskyQR3,
 * Fukaya et al. 2020). The Gram matrices are tfjs matmuls; the Cholesky factors float64 JS.
 */
function orthonormalize(W: tf.Tensor2D): tf.Tensor2D {
  let Q = W;
  for (let pass = 0; pass < 3; pass++) {
    const p = Q.shape[1];
    const gram = tf.matMul(Q, Q, true, false);
    const G = Float64Array.from(gram.dataSync());
    gram.dispose();
    let maxDiag = 0;
    for (let i = 0; i < p; i++) maxDiag = Math.max(maxDiag, G[i * p + i]);
    const shift = pass === 0 ? 1e-5 * maxDiag : 0;
    const Rinv = upperInverse(cholesky(G, p, shift), p);
    const R = tf.tensor2d(Float32Array.from(Rinv), [p, p]);
    const next = tf.matMul(Q, R) as tf.Tensor2D;
    tf.dispose([Q, R]);
    Q = next;
  }
  return Q;
}

/** Upper-triangular R with Rᵀ R = G + shift·I (float64); a pivot <= 0 is raised to the shift's scale. */
function cholesky(G: Float64Array, p: number, shift: number): Float64Array {
  const R = new Float64Array(p * p);
  let floor = 0;
  for (let i = 0; i < p; i++) floor = Math.max(floor, G[i * p + i]);
  floor = Math.max(floor * 1e-12, Number.MIN_VALUE);
  for (let j = 0; j < p; j++) {
    let d = G[j * p + j] + shift;
    for (let k = 0; k < j; k++) d -= R[k * p + j] * R[k * p + j];
    const rjj = Math.sqrt(Math.max(d, floor));
    R[j * p + j] = rjj;
    for (let i = j + 1; i < p; i++) {
      let s = G[j * p + i];
      for (let k = 0; k < j; k++) s -= R[k * p + j] * R[k * p + i];
      R[j * p + i] = s / rjj;
    }
  }
  return R;
}

/** The inverse of an upper-triangular p x p matrix (float64, back substitution). */
function upperInverse(R: Float64Array, p: number): Float64Array {
  const X = new Float64Array(p * p);
  for (let j = 0; j < p; j++) {
    X[j * p + j] = 1 / R[j * p + j];
    for (let i = j - 1; i >= 0; i--) {
      let s = 0;
      for (let k = i + 1; k <= j; k++) s += R[i * p + k] * X[k * p + j];
      X[i * p + j] = -s / R[i * p + i];
    }
  }
  return X;
}
