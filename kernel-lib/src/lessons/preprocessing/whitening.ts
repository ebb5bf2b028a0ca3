/**
 * PCA and whitening of lesson 02 (data preprocessing), for data X of N rows and D features, in the
 * lecture's (cs231n's) steps:
 *
 *   X -= mean(X, axis 0)                     zero-centred
 *   cov = Xᵀ·X / N                            the D×D covariance (divided by N, as in the notes)
 *   cov = U·diag(λ)·Uᵀ                        PCA: the eigenvectors U are the principal directions
 *   Xrot = X·U                                decorrelated: the covariance of Xrot is diag(λ)
 *   Xwhite = Xrot / sqrt(λ + eps)             whitened: covariance ≈ the identity
 *
 * The sums run on the device (tfjs, float32); the D×D covariance is read back and decomposed in
 * float64 by `nets/linalg`: every eigenpair by Jacobi for D <= 512, or the top `k` by subspace
 * iteration (`topEigen`) for wide data such as CIFAR's D = 3072. `eps` follows the cs231n notes
 * (1e-5 inside the square root): it keeps a direction of (near) zero variance from blowing up.
 * Fit on the training data, then apply the same fit to validation and test data.
 *
 * @example
 * const X = tf.tensor2d([[1, 2], [2, 3.5], [3, 4], [4, 6.5]]);
 * const fit = nn.preprocessing.pcaFit(X);     // { mean, values, vectors, ... }
 * const W = nn.preprocessing.whiten(X, { fit });
 * W.shape   // [4, 2]; its covariance WᵀW/N ≈ I
 * tf.dispose([X, W]);
 */
import * as tf from '@tensorflow/tfjs';
import { ArgumentError, checkInt, checkNumber, checkOptions } from '../../core/errors';
import { checkFinite, checkTensor } from '../../core/tensorChecks';
import { symmetricEigen, topEigen } from '../../nets/linalg';

/** Widest data whose full eigen-decomposition runs by Jacobi (~1 s at D = 512); beyond it give `k`. */
export const PCA_FULL_MAX_D = 512;

/** A PCA fit: plain arrays, float64. */
export interface PcaFit {
  /** Rows and features of the data it was fitted on. */
  count: number;
  D: number;
  /** Components kept (D, or the `k` asked for). */
  k: number;
  /** The mean of each feature (length D). */
  mean: number[];
  /** The k largest eigenvalues of the covariance Xᵀ·X / N, descending: the variance along each direction. */
  values: number[];
  /** Row-major [D, k]: column j is principal direction j (unit length, largest-magnitude component positive). */
  vectors: number[];
  /** Sum of all D variances (the covariance's trace); values[j] / totalVariance is the fraction direction j explains. */
  totalVariance: number;
}

/**
 * The mean and covariance Xᵀ·X / N of centred X, on the device: tensors the caller disposes.
 *
 * @example
 * const X = tf.tensor2d([[1, 2], [2, 3.5], [3, 4]]);
 * const { mean, covariance } = nn.preprocessing.covariance(X);   // [2], [2, 2]
 * tf.dispose([X, mean, covariance]);
 */
export function covariance(X: tf.Tensor2D): { mean: tf.Tensor1D; covariance: tf.Tensor2D } {
  checkData('X', X);
  return tf.tidy(() => {
    const mean = tf.mean(X, 0) as tf.Tensor1D;
    const centred = tf.sub(X, mean);
    // transpose first: tfjs-wasm's matMul with transposeA runs ~40× slower (27 s against 0.7 s for 1000 × 3072 rows)
    return { mean, covariance: tf.div(tf.matMul(tf.transpose(centred), centred), X.shape[0]) as tf.Tensor2D };
  });
}

/**
 * Principal components of X (rows are examples): the mean, then the eigen-decomposition of the
 * covariance, every direction (D <= 512) or the top `k` (`iterations` of subspace iteration, `seed`).
 *
 * @example
 * const X = tf.randomNormal([200, 20], 0, 1, 'float32', 1) as nn.tf.Tensor2D;
 * const fit = nn.preprocessing.pcaFit(X);                    // D <= 512: every direction
 * const top = nn.preprocessing.pcaFit(X, { k: 5, iterations: 50 }); // the 5 largest, by subspace iteration
 * console.log(fit.values.slice(0, 5), top.values);
 * X.dispose();
 */
export function pcaFit(X: tf.Tensor2D, options: { k?: number; iterations?: number; seed?: number } = {}): PcaFit {
  checkData('X', X);
  checkOptions('pcaFit options', options, ['k', 'iterations', 'seed']);
  const [count, D] = X.shape;
  const k = options.k === undefined ? D : checkInt('k', options.k, { min: 1, max: D });
  if (k === D && D > PCA_FULL_MAX_D) {
    throw new ArgumentError('k', options.k, `given for data of ${D} features (every direction needs D <= ${PCA_FULL_MAX_D}; ask for the top k, e.g. { k: 100 })`);
  }
  const { mean, covariance: C } = covariance(X);
  try {
    const meanValues = Array.from(mean.dataSync());
    if (k === D && options.iterations === undefined) {
      const cov = Float64Array.from(C.dataSync());
      const eig = symmetricEigen(symmetrised(cov, D), D);
      return { count, D, k, mean: meanValues, values: eig.values, vectors: Array.from(eig.vectors), totalVariance: trace(cov, D) };
    }
    const top = topEigen(C, k, { iterations: options.iterations, seed: options.seed });
    try {
      const totalVariance = tf.tidy(() => tf.sum(tf.mul(C, tf.eye(D))).dataSync()[0]);
      return { count, D, k, mean: meanValues, values: top.values, vectors: Array.from(top.vectors.dataSync()), totalVariance };
    } finally {
      top.vectors.dispose();
    }
  } finally {
    tf.dispose([mean, C]);
  }
}

/**
 * Xrot = (X − mean)·U: the data in the fitted principal directions (the first k), uncorrelated.
 *
 * @example
 * const X = tf.tensor2d([[1, 2], [2, 3.5], [3, 4], [4, 6.5]]);
 * const fit = nn.preprocessing.pcaFit(X);
 * const Xrot = nn.preprocessing.decorrelate(X, fit);   // [4, 2], uncorrelated columns
 * tf.dispose([X, Xrot]);
 */
export function decorrelate(X: tf.Tensor2D, fit: PcaFit): tf.Tensor2D {
  checkData('X', X);
  checkFit(fit, X.shape[1]);
  return tf.tidy(() => tf.matMul(tf.sub(X, tf.tensor1d(fit.mean)), tf.tensor2d(fit.vectors, [fit.D, fit.k])));
}

/**
 * Xwhite = (X − mean)·U / sqrt(λ + eps): decorrelated and scaled to unit variance in every kept
 * direction. Fits on X itself unless `fit` (from the training data) is given.
 *
 * @example
 * const Xtrain = tf.randomNormal([100, 3], 0, 1, 'float32', 1) as nn.tf.Tensor2D;
 * const Xtest = tf.randomNormal([20, 3], 0, 1, 'float32', 2) as nn.tf.Tensor2D;
 * const fit = nn.preprocessing.pcaFit(Xtrain);                      // fitted on training data only
 * const Wtest = nn.preprocessing.whiten(Xtest, { fit, eps: 1e-5 }); // applied to test data
 * tf.dispose([Xtrain, Xtest, Wtest]);
 */
export function whiten(X: tf.Tensor2D, options: { eps?: number; fit?: PcaFit } = {}): tf.Tensor2D {
  checkData('X', X);
  checkOptions('whiten options', options, ['eps', 'fit']);
  const eps = options.eps === undefined ? 1e-5 : checkNumber('eps', options.eps, { min: 0, max: 1e6 });
  const fit = options.fit ?? pcaFit(X);
  checkFit(fit, X.shape[1]);
  const scale = fit.values.map((l) => 1 / Math.sqrt(Math.max(l, 0) + eps));
  if (!scale.every(Number.isFinite)) throw new ArgumentError('eps', eps, '> 0 when a direction has zero variance (1 / sqrt(0 + eps))');
  return tf.tidy(() => {
    const rot = decorrelate(X, fit);
    return tf.mul(rot, tf.tensor1d(scale));
  });
}

function checkData(name: string, X: unknown): void {
  const t = checkTensor<tf.Tensor2D>(name, X, { rank: 2 });
  if (t.shape[0] < 1 || t.shape[1] < 1) throw new ArgumentError(name, `a tensor of shape [${t.shape.join(', ')}]`, 'at least one row and one feature');
  checkFinite(name, t);
}

function checkFit(fit: unknown, D: number): asserts fit is PcaFit {
  const f = fit as PcaFit;
  if (typeof f !== 'object' || f === null || !Array.isArray(f.mean) || !Array.isArray(f.vectors) || !Array.isArray(f.values)) {
    throw new ArgumentError('fit', fit, 'a fit returned by nn.preprocessing.pcaFit(X)');
  }
  if (f.D !== D) throw new ArgumentError('fit.D', f.D, `the number of features of X (${D}): fit on data with the same columns`);
}

function symmetrised(a: Float64Array, n: number): Float64Array {
  const s = Float64Array.from(a);
  for (let i = 0; i < n; i++) for (let j = 0; j < i; j++) s[i * n + j] = s[j * n + i] = (a[i * n + j] + a[j * n + i]) / 2;
  return s;
}

function trace(a: Float64Array, n: number): number {
  let t = 0;
  for (let i = 0; i < n; i++) t += a[i * n + i];
  return t;
}
