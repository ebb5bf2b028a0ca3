/**
 * Homework 02, exercise 4 (lesson 02, data preprocessing): PCA whitening of an N×D data matrix,
 * cs231n's recipe
 *
 *   Xc = X − mean(X)            centre every feature (column)
 *   Σ  = Xcᵀ·Xc / N             the covariance, D×D (population: ÷ N)
 *   Σ  = U·diag(λ)·Uᵀ           eigen-decomposition: column j of U is eigenvector j
 *   Y  = Xc·U / √λ              rotate into the eigenbasis, divide column j by √λ_j
 *
 * so that Y has mean 0 and covariance I. TensorFlow.js has no eigen-decomposition, so the
 * homework provides {@link eigh} (`nn.preprocessing.eigh`): cyclic Jacobi rotations in float64 for
 * the small D (2 to 5) of the exercise.
 *
 * The check accepts any whitening (ZCA, Y·Uᵀ, too) and a small ε added to λ: Y must be a linear
 * function of X plus a constant (a least-squares fit in float64 leaves no residual), with mean 0
 * and covariance I measured with ÷ N. A failure is compared with the outputs of the known
 * mistakes, each computed in float64 from the same float32 X: no centring (for Σ, or only for the
 * projection), λ instead of √λ, Uᵀ for U (eigenvectors taken as rows), no rotation, per-feature
 * standardisation, Σ with ÷ (N − 1).
 */
import * as tf from '@tensorflow/tfjs';
import { ArgumentError, describe } from '../../core/errors';
import { mulberry32, randomNormal } from '../../core/rng';
import { CheckCase, diagnose, Exercise, fmt, Mistake, readTensor, relError } from '../../core/exercise';
import { symmetricEigen } from '../../nets/linalg';

/** Eigenpairs of a symmetric matrix: `values` descending, `vectors[i][j]` = component i of eigenvector j (its columns, as numpy.linalg.eigh). */
export interface Eigh { values: number[]; vectors: number[][] }

/**
 * Every eigenpair of a small symmetric matrix C = U·diag(λ)·Uᵀ (a covariance), in float64, by
 * cyclic Jacobi rotations (`nn.nets.symmetricEigen`, here with rows of plain arrays). λ is sorted descending; U's columns are the
 * eigenvectors, each with its largest-magnitude component positive (an eigenvector's sign is
 * arbitrary: this fixes one; on a tie, the first of them). `tf.tensor2d(vectors)` is U.
 *
 * @example
 * const { values, vectors } = nn.preprocessing.eigh([[2, 1], [1, 2]]);
 * values    // [3, 1]
 * vectors   // [[0.7071, 0.7071], [0.7071, -0.7071]]: columns (1, 1)/√2 and (1, −1)/√2 (a tie: the first component is made positive)
 */
export function eigh(C: readonly (readonly number[])[]): Eigh {
  const a = checkSymmetric('C', C);
  const n = a.length;
  const eig = symmetricEigen(a.flat(), n);   // nets/linalg: cyclic Jacobi, values descending, row-major [n, n]
  const vectors = a.map(() => new Array<number>(n).fill(0));
  for (let j = 0; j < n; j++) {
    let big = 0;
    for (let i = 1; i < n; i++) if (Math.abs(eig.vectors[i * n + j]) > Math.abs(eig.vectors[big * n + j])) big = i;
    const sign = eig.vectors[big * n + j] < 0 ? -1 : 1;
    for (let i = 0; i < n; i++) vectors[i][j] = sign * eig.vectors[i * n + j] + 0; // + 0: no -0
  }
  return { values: Array.from(eig.values), vectors };
}

/** A copy of C as float64 rows, checked square, finite and symmetric (to float32 rounding), symmetrised. */
function checkSymmetric(name: string, C: unknown): number[][] {
  const ok = Array.isArray(C) && C.length >= 1 && C.length <= 64 &&
    C.every((row) => Array.isArray(row) && row.length === C.length && row.every((x) => typeof x === 'number' && Number.isFinite(x)));
  if (!ok) throw new ArgumentError(name, C, 'a square D×D array of finite numbers (number[][], 1 <= D <= 64; read a tensor with .arraySync())');
  const c = C as number[][];
  const scale = Math.max(...c.map((row) => Math.max(...row.map(Math.abs))));
  for (let i = 0; i < c.length; i++) {
    for (let j = 0; j < i; j++) {
      if (Math.abs(c[i][j] - c[j][i]) > 1e-5 * scale) {
        throw new ArgumentError(name, C, 'symmetric', `${name} must be symmetric: ${name}[${i}][${j}] = ${c[i][j]} but ${name}[${j}][${i}] = ${c[j][i]} (got ${describe(C)})`);
      }
    }
  }
  return c.map((row, i) => row.map((x, j) => (x + c[j][i]) / 2));
}


// ---- float64 references -------------------------------------------------------------------------

/** A data matrix: N rows of D features, row-major. */
export interface DataMatrix { N: number; D: number; X: Float32Array }

const column = (M: ArrayLike<number>, N: number, D: number, j: number) => Array.from({ length: N }, (_, i) => M[i * D + j]);
const meanOf = (xs: number[]) => xs.reduce((s, x) => s + x, 0) / xs.length;

/** Column means of an N×D matrix. */
export function columnMeans(M: ArrayLike<number>, N: number, D: number): number[] {
  return Array.from({ length: D }, (_, j) => meanOf(column(M, N, D, j)));
}

/** (M − shift)ᵀ·(M − shift) / divisor, D×D. */
export function covariance(M: ArrayLike<number>, N: number, D: number, shift: readonly number[], divisor = N): number[][] {
  const C = Array.from({ length: D }, () => new Array<number>(D).fill(0));
  for (let i = 0; i < N; i++) {
    for (let j = 0; j < D; j++) for (let k = 0; k < D; k++) C[j][k] += (M[i * D + j] - shift[j]) * (M[i * D + k] - shift[k]);
  }
  return C.map((row) => row.map((x) => x / divisor));
}

/** (M − shift)·R / scale per column, as N×D row-major float64. */
function transform(M: ArrayLike<number>, N: number, D: number, shift: readonly number[], R: number[][], scale: readonly number[]): Float64Array {
  const out = new Float64Array(N * D);
  for (let i = 0; i < N; i++) {
    for (let j = 0; j < D; j++) {
      let s = 0;
      for (let k = 0; k < D; k++) s += (M[i * D + k] - shift[k]) * R[k][j];
      out[i * D + j] = s / scale[j];
    }
  }
  return out;
}

const identity = (D: number) => Array.from({ length: D }, (_, i) => Array.from({ length: D }, (__, j) => (i === j ? 1 : 0)));
const transpose = (R: number[][]) => R.map((_, i) => R.map((row) => row[i]));

/** The ways of whitening the check knows: the right one and the classic mistakes. */
export type WhitenVariant = 'right' | 'noCentre' | 'projectUncentred' | 'eigenvalue' | 'rows' | 'noRotation' | 'standardise' | 'unbiased';

/** What `whiten(X)` returns when written the `variant` way, in float64 from X's float32 values. */
export function whiten64(m: DataMatrix, variant: WhitenVariant = 'right'): Float64Array {
  const { X, N, D } = m;
  const mu = columnMeans(X, N, D);
  const zero = new Array<number>(D).fill(0);
  const covShift = variant === 'noCentre' ? zero : mu;
  const { values, vectors } = eigh(covariance(X, N, D, covShift, variant === 'unbiased' ? N - 1 : N));
  const shift = variant === 'noCentre' || variant === 'projectUncentred' ? zero : mu;
  const sqrt = values.map(Math.sqrt);
  switch (variant) {
    case 'eigenvalue': return transform(X, N, D, shift, vectors, values);
    case 'rows': return transform(X, N, D, shift, transpose(vectors), sqrt);
    case 'noRotation': return transform(X, N, D, shift, identity(D), sqrt);
    case 'standardise': return transform(X, N, D, shift, identity(D), covariance(X, N, D, mu).map((row, j) => Math.sqrt(row[j])));
    default: return transform(X, N, D, shift, vectors, sqrt);
  }
}

export const WHITEN_HINTS: Record<Exclude<WhitenVariant, 'right'>, string> = {
  noCentre: 'forgot to centre before PCA: subtract the column means first, Xc = X − mean(X, 0), and use Xc for the covariance and the projection (Xᵀ·X / N of uncentred data is not the covariance)',
  projectUncentred: 'the covariance is right but you projected the uncentred X: multiply the centred Xc by U, else the mean stays in the output',
  eigenvalue: 'divided by the eigenvalue λ instead of its square root: λ is a variance; dividing by √λ gives unit variance',
  rows: 'used the wrong eigenvector orientation: eigh returns the eigenvectors as the COLUMNS of vectors (vectors[i][j] is component i of eigenvector j), so tf.tensor2d(vectors) is U and Xrot = Xc·U; you used Uᵀ (rows)',
  noRotation: 'forgot to rotate: divide Xrot = Xc·U by √λ, not the original coordinates Xc; the eigenvalues are variances along the eigenvectors, not along the axes',
  standardise: 'that is per-feature standardisation ((x − μ) / σ per column): the features are still correlated; whitening rotates into the eigenbasis of the covariance (Xc·U) and divides by √λ',
  unbiased: 'the covariance here divides by N (population, like np.cov(X, bias=True), cs231n\'s Xcᵀ·Xc / N and tf.moments), not by N − 1',
};

// ---- the check ----------------------------------------------------------------------------------

/**
 * float32 rounds X − μ to ~6e-8 of |X| (up to ~10 here); divided by √λ_min (>= 0.3) that is ~2e-6 of
 * an output of unit variance, and the covariance of the output inherits errors of that size:
 * measured, the reference solution's largest |cov − I| is below 1e-5. An ε = 1e-5 added to λ moves
 * the covariance by ε/λ_min ≈ 1e-4. The tolerance 5e-4 passes both; Σ ÷ (N − 1) for N <= 500 is
 * off by 1/N >= 2e-3 and fails.
 */
export const WHITEN_COV_TOL = 5e-4;
/** The largest |mean| of an output column (in units of its std, 1). */
export const WHITEN_MEAN_TOL = 1e-4;
/** The least-squares residual of Y on [X, 1], relative to max |Y|: float32 rounding of Y is ~1e-6. */
export const WHITEN_LINEAR_TOL = 1e-4;
/** Matching a known mistake's float64 output: its float32 computation is within ~1e-5. */
const MISTAKE_TOL = 1e-3;

/** A data set of the check: X = Z·diag(s)·R + m with Z ~ N(0, 1), R a random rotation. */
export interface WhitenDesign { name: string; N: number; D: number; scales: number[]; mean: number[]; seed: number }

/** The seeded data matrix of a design (float32 values). */
export function whitenData(d: WhitenDesign): DataMatrix {
  const rand = mulberry32(d.seed);
  const R = rotation(d.D, rand);
  const X = new Float32Array(d.N * d.D);
  for (let i = 0; i < d.N; i++) {
    const z = d.scales.map((s) => s * randomNormal(rand));
    for (let j = 0; j < d.D; j++) X[i * d.D + j] = d.mean[j] + z.reduce((acc, zk, k) => acc + zk * R[k][j], 0);
  }
  return { N: d.N, D: d.D, X };
}

/** A random D×D rotation: Gram–Schmidt of a Gaussian matrix's rows. */
function rotation(D: number, rand: () => number): number[][] {
  const rows: number[][] = [];
  for (let i = 0; i < D; i++) {
    let r = Array.from({ length: D }, () => randomNormal(rand));
    for (const q of rows) {
      const dot = r.reduce((s, x, k) => s + x * q[k], 0);
      r = r.map((x, k) => x - dot * q[k]);
    }
    const norm = Math.sqrt(r.reduce((s, x) => s + x * x, 0));
    rows.push(r.map((x) => x / norm));
  }
  return rows;
}

/** max over columns of |Y − Xβ| relative to max |Y|, with β the least-squares fit of Y on [X, 1] (normal equations, float64). */
export function linearResidual(m: DataMatrix, Y: ArrayLike<number>): number {
  const { N, D, X } = m;
  const P = D + 1;
  const A = (i: number, k: number) => (k < D ? X[i * D + k] : 1);
  const AtA = Array.from({ length: P }, (_, r) => Array.from({ length: P }, (__, c) => {
    let s = 0;
    for (let i = 0; i < N; i++) s += A(i, r) * A(i, c);
    return s;
  }));
  let worst = 0;
  let big = 0;
  for (let j = 0; j < D; j++) {
    const Aty = Array.from({ length: P }, (_, r) => {
      let s = 0;
      for (let i = 0; i < N; i++) s += A(i, r) * Y[i * D + j];
      return s;
    });
    const beta = solve(AtA, Aty);
    for (let i = 0; i < N; i++) {
      let fit = 0;
      for (let k = 0; k < P; k++) fit += A(i, k) * beta[k];
      worst = Math.max(worst, Math.abs(Y[i * D + j] - fit));
      big = Math.max(big, Math.abs(Y[i * D + j]));
    }
  }
  return big === 0 ? 0 : worst / big;
}

/** Solves M·x = b by Gaussian elimination with partial pivoting (M small and well conditioned). */
function solve(M: number[][], b: number[]): number[] {
  const n = b.length;
  const a = M.map((row, i) => [...row, b[i]]);
  for (let c = 0; c < n; c++) {
    let p = c;
    for (let r = c + 1; r < n; r++) if (Math.abs(a[r][c]) > Math.abs(a[p][c])) p = r;
    [a[c], a[p]] = [a[p], a[c]];
    for (let r = c + 1; r < n; r++) {
      const f = a[r][c] / a[c][c];
      for (let k = c; k <= n; k++) a[r][k] -= f * a[c][k];
    }
  }
  const x = new Array<number>(n).fill(0);
  for (let r = n - 1; r >= 0; r--) {
    let s = a[r][n];
    for (let k = r + 1; k < n; k++) s -= a[r][k] * x[k];
    x[r] = s / a[r][r];
  }
  return x;
}

/** What the check measures of an output Y: its column means, max |cov − I| (÷ N), and the linear-fit residual. */
export function whitenStats(m: DataMatrix, Y: ArrayLike<number>): { mean: number; cov: number; residual: number } {
  const { N, D } = m;
  const mu = columnMeans(Y, N, D);
  const C = covariance(Y, N, D, mu);
  let cov = 0;
  for (let j = 0; j < D; j++) for (let k = 0; k < D; k++) cov = Math.max(cov, Math.abs(C[j][k] - (j === k ? 1 : 0)));
  return { mean: Math.max(...mu.map(Math.abs)), cov, residual: linearResidual(m, Y) };
}

function whitenCase(d: WhitenDesign): CheckCase {
  return {
    name: d.name,
    async run([fn], ctx) {
      const m = whitenData({ ...d, seed: ctx.seed(d.seed) });
      const X = tf.tensor2d(m.X, [m.N, m.D], 'float32');
      const what = `whiten(X [${m.N}, ${m.D}])`;
      const got = await ctx.call('whiten', fn, [X], (out) => readTensor(what, out, [m.N, m.D]));
      if (X.isDisposed) return { passed: false, message: 'your function disposed its input X', hint: 'dispose only tensors you created; tf.tidy does that for you' };
      if (got.some((v) => !Number.isFinite(v))) {
        return { passed: false, message: 'the output has NaN or Infinity', hint: 'a NaN usually comes from √ of a negative number or 0/0: centre X, compute Σ = Xcᵀ·Xc / N, and divide by the square roots of eigh(Σ).values' };
      }
      const s = whitenStats(m, got);
      const ok = s.mean <= WHITEN_MEAN_TOL && s.cov <= WHITEN_COV_TOL && s.residual <= WHITEN_LINEAR_TOL;
      const message = `largest |mean| ${fmt(s.mean)} (<= ${WHITEN_MEAN_TOL}), largest |cov − I| ${fmt(s.cov)} (<= ${WHITEN_COV_TOL}), ` +
        `residual of a linear fit on X ${fmt(s.residual)} (<= ${WHITEN_LINEAR_TOL})`;
      const err = relError(got, whiten64(m));
      if (ok) return { passed: true, relError: null, tolerance: null, message };
      const mistakes: Mistake[] = (Object.keys(WHITEN_HINTS) as Exclude<WhitenVariant, 'right'>[])
        .map((v) => ({ hint: WHITEN_HINTS[v], expected: whiten64(m, v) }));
      let hint = diagnose(got, mistakes, MISTAKE_TOL);
      if (!hint && s.residual > WHITEN_LINEAR_TOL) hint = 'the output must be computed from X by a linear map (Xc·U / √λ): a least-squares fit of your output on X leaves a residual';
      return { passed: false, relError: Number.isFinite(err) ? err : null, tolerance: null, message: `${message}: not white`, hint };
    },
  };
}

/** The data sets of the check: tilted clouds with a mean far from 0 and variances 0.1 to 9. */
export const WHITEN_DESIGNS: readonly WhitenDesign[] = [
  { name: 'a 2-D cloud X [100, 2], stds 3 and 0.5 along tilted axes, mean (3, −2)', N: 100, D: 2, scales: [3, 0.5], mean: [3, -2], seed: 201 },
  { name: 'X [200, 3], stds 2, 1, 0.5, mean (1, 5, −4)', N: 200, D: 3, scales: [2, 1, 0.5], mean: [1, 5, -4], seed: 202 },
  { name: 'X [500, 5], stds 3 to 0.35, mean (2, −1, 0.5, 4, −3)', N: 500, D: 5, scales: [3, 2, 1, 0.6, 0.35], mean: [2, -1, 0.5, 4, -3], seed: 203 },
  { name: 'edge case: few examples, X [12, 3], stds 1.5, 1, 0.7, mean (−6, 2, 3)', N: 12, D: 3, scales: [1.5, 1, 0.7], mean: [-6, 2, 3], seed: 204 },
];

/** Homework 02, exercise 4: PCA whitening, Y = (X − μ)·U / √λ, mean 0 and covariance I. */
export const WHITEN_EXERCISE: Exercise = {
  name: 'whiten', homework: 'hw02-preprocessing', lesson: '02', title: 'PCA whitening', points: 10,
  functions: ['whiten'],
  signature: 'function whiten(X: nn.tf.Tensor2D): nn.tf.Tensor2D',
  cases: WHITEN_DESIGNS.map(whitenCase),
};
