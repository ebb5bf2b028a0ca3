/**
 * Homework 05 (lesson 05, babysitting the learning process): the softmax loss with L2
 * regularisation and its gradient for the lecture's two-layer net, vectorised, written twice:
 *
 *   z₁ = X·W₁ + b₁,  h = max(0, z₁),  s = h·W₂ + b₂
 *   L  = −(1/N) Σₙ log softmax(sₙ)[yₙ]  +  ½·reg·(ΣW₁² + ΣW₂²)        (biases not regularised)
 *   dW₂ = hᵀ·ds + reg·W₂,  db₂ = Σₙ ds,  dz₁ = (ds·W₂ᵀ) ⊙ [z₁ > 0],
 *   dW₁ = Xᵀ·dz₁ + reg·W₁, db₁ = Σₙ dz₁,  with ds = (softmax(s) − onehot(y)) / N
 *
 * Exercise 1, `twoLayerLoss64`, in float64 plain arrays (`number[][]`): there a numerical
 * gradient check reaches the lecture's tolerance (relative error of each gradient below 1e-7). Exercise 2,
 * `twoLayerLossTf`, the same with tfjs tensors, in float32: compared with a float64 reference
 * within 1e-4, and gradient-checked with float32 centred differences (h = 1e-2), whose error on a
 * right gradient is ~1e-5 at that step and 1e-3 to 1e-2 at float64's steps (the notebook shows why).
 *
 * Each exercise's cases: the initial-loss sanity check (the lecture's 3072 → 50 → 10 net with
 * weights std 1e-4 and reg 0 gives ln 10, within the sampling noise of the batch's labels);
 * the loss and every gradient against a float64 reference ({@link twoLayer64}, which
 * test/numpy/two_layer.py and nets/twoLayer's `twoLayerLoss` confirm), with and without reg;
 * a numerical gradient check of the student's own loss against the student's own gradient;
 * scores near 1000 (float64) or 100 (float32), where exp overflows unless each row's max is
 * subtracted first; one example with dead hidden units. A failure is compared part by part (loss,
 * dW₁, db₁, dW₂, db₂) with what each known mistake gives, computed in float64: the ½ forgotten in
 * the loss (loss too large by ½·reg·ΣW²) or in the gradient (dW too large by reg·W), the
 * regularisation gradient halved or left out, regularised biases, a sum for the mean, no ReLU
 * mask in the backward pass, no max subtracted (NaN or Infinity on the overflow case).
 */
import * as tf from '@tensorflow/tfjs';
import { describe } from '../../core/errors';
import { mulberry32, randomInt, randomNormal } from '../../core/rng';
import { CaseContext, CaseOutcome, CheckCase, collectTensors, diagnose, Exercise, fmt, Mistake, relError, REMOTE_CALL, ReturnError, worstIndex } from '../../core/exercise';
import { gradCheck, GRAD_CHECK_THRESHOLDS } from '../../core/gradCheck';

// ---- the cases' nets ----------------------------------------------------------------------------

/** A seeded net and batch of a case. */
export interface NetDesign {
  name: string;
  /** Input, hidden and class counts, and the number of rows. */
  D: number; H: number; C: number; N: number;
  /** Weights std·N(0, 1); biases biasStd·N(0, 1); inputs xStd·N(0, 1). */
  std: number; biasStd: number; xStd: number;
  reg: number;
  /** Added to every score (to b₂): the overflow case. */
  shift?: number;
  /** The first `dead` hidden units get a bias that makes z₁ < 0 for every row. */
  dead?: number;
  seed: number;
}

/** A case's parameters and data in float64, row-major: W1 [D, H], W2 [H, C], X [N, D]. */
export interface Net64 {
  D: number; H: number; C: number; N: number; reg: number;
  W1: Float64Array; b1: Float64Array; W2: Float64Array; b2: Float64Array; X: Float64Array; y: Int32Array;
}

/** The parameter names in the order the checks flatten them. */
export const PARAMS = ['W1', 'b1', 'W2', 'b2'] as const;
export type ParamName = typeof PARAMS[number];
/** Gradients (or parameters) by name, float64 row-major. */
export type Grads64 = Record<ParamName, Float64Array>;

/** The net of a design; with `float32`, every value is rounded to float32 (what a tensor holds). */
export function makeNet(d: NetDesign, float32 = false): Net64 {
  const rand = mulberry32(d.seed);
  const round = float32 ? Math.fround : (v: number) => v;
  const draw = (n: number, s: number) => Float64Array.from({ length: n }, () => round(s * randomNormal(rand)));
  const W1 = draw(d.D * d.H, d.std);
  const b1 = draw(d.H, d.biasStd);
  const W2 = draw(d.H * d.C, d.std);
  const b2 = Float64Array.from(draw(d.C, d.biasStd), (v) => round(v + (d.shift ?? 0)));
  const X = draw(d.N * d.D, d.xStd);
  const y = Int32Array.from({ length: d.N }, () => randomInt(rand, d.C));
  for (let j = 0; j < (d.dead ?? 0); j++) {
    let top = -Infinity;
    for (let n = 0; n < d.N; n++) {
      let z = 0;
      for (let i = 0; i < d.D; i++) z += X[n * d.D + i] * W1[i * d.H + j];
      top = Math.max(top, z);
    }
    b1[j] = round(-Math.abs(top) - 1);
  }
  return { D: d.D, H: d.H, C: d.C, N: d.N, reg: d.reg, W1, b1, W2, b2, X, y };
}

// ---- the float64 reference and the known mistakes -----------------------------------------------

/** The right loss and the known mistakes, each as the function a student would have written. */
export type LossVariant =
  | 'right'
  /** ½ forgotten in both: loss + reg·ΣW², gradient 2·reg·W (consistent, wrong). */
  | 'noHalf'
  /** ½ forgotten in the loss only: loss + reg·ΣW², gradient reg·W. */
  | 'noHalfLoss'
  /** the loss right, the gradient 2·reg·W. */
  | 'doubleGrad'
  /** the gradient ½·reg·W. */
  | 'halfGrad'
  /** no regularisation gradient. */
  | 'noRegGrad'
  /** biases regularised too: loss + ½·reg·Σb², db + reg·b. */
  | 'regBiases'
  /** the data loss summed, not averaged (no ÷ N anywhere). */
  | 'sum'
  /** no ReLU mask in the backward pass: dz₁ = dh. */
  | 'noMask'
  /** softmax without subtracting the row max: exp overflows for large scores. */
  | 'naive';

/** What {@link twoLayer64} returns: the loss, its parts, the gradients, and the pre-activations and scores. */
export interface Loss64 { loss: number; dataLoss: number; regLoss: number; grads: Grads64; z1: Float64Array; scores: Float64Array }

const WEIGHT_FACTOR: Record<LossVariant, number> = {
  right: 1, noHalf: 2, noHalfLoss: 1, doubleGrad: 2, halfGrad: 0.5, noRegGrad: 0, regBiases: 1, sum: 1, noMask: 1, naive: 1,
};

const sumSquares = (a: Float64Array) => a.reduce((s, v) => s + v * v, 0);

/**
 * The two-layer net's loss and gradients in float64, written with loops (cs231n's TwoLayerNet.loss),
 * the right way or the `variant` mistake's way.
 */
export function twoLayer64(net: Net64, variant: LossVariant = 'right'): Loss64 {
  const { D, H, C, N, reg, W1, b1, W2, b2, X, y } = net;
  const z1 = new Float64Array(N * H);
  const h = new Float64Array(N * H);
  for (let n = 0; n < N; n++) {
    for (let j = 0; j < H; j++) {
      let z = b1[j];
      for (let i = 0; i < D; i++) z += X[n * D + i] * W1[i * H + j];
      z1[n * H + j] = z;
      h[n * H + j] = Math.max(0, z);
    }
  }
  const scores = new Float64Array(N * C);
  const ds = new Float64Array(N * C);
  const divide = variant === 'sum' ? 1 : N;
  let dataLoss = 0;
  for (let n = 0; n < N; n++) {
    const row = scores.subarray(n * C, (n + 1) * C);
    for (let c = 0; c < C; c++) {
      let s = b2[c];
      for (let j = 0; j < H; j++) s += h[n * H + j] * W2[j * C + c];
      row[c] = s;
    }
    const m = variant === 'naive' ? 0 : Math.max(...row);
    const e = Array.from(row, (s) => Math.exp(s - m));
    const Z = e.reduce((a, b) => a + b, 0);
    dataLoss += variant === 'naive' ? -Math.log(e[y[n]] / Z) : Math.log(Z) - (row[y[n]] - m);
    for (let c = 0; c < C; c++) ds[n * C + c] = (e[c] / Z - (c === y[n] ? 1 : 0)) / divide;
  }
  dataLoss /= divide;
  const half = variant === 'noHalf' || variant === 'noHalfLoss' ? 1 : 0.5;
  const regLoss = half * reg * (sumSquares(W1) + sumSquares(W2)) + (variant === 'regBiases' ? 0.5 * reg * (sumSquares(b1) + sumSquares(b2)) : 0);
  const fw = WEIGHT_FACTOR[variant] * reg;
  const fb = variant === 'regBiases' ? reg : 0;
  const dW2 = Float64Array.from(W2, (w) => fw * w);
  const db2 = Float64Array.from(b2, (b) => fb * b);
  const dz1 = new Float64Array(N * H);
  for (let n = 0; n < N; n++) {
    for (let c = 0; c < C; c++) {
      db2[c] += ds[n * C + c];
      for (let j = 0; j < H; j++) dW2[j * C + c] += h[n * H + j] * ds[n * C + c];
    }
    for (let j = 0; j < H; j++) {
      let dh = 0;
      for (let c = 0; c < C; c++) dh += ds[n * C + c] * W2[j * C + c];
      dz1[n * H + j] = variant === 'noMask' || z1[n * H + j] > 0 ? dh : 0;
    }
  }
  const dW1 = Float64Array.from(W1, (w) => fw * w);
  const db1 = Float64Array.from(b1, (b) => fb * b);
  for (let n = 0; n < N; n++) {
    for (let j = 0; j < H; j++) {
      const g = dz1[n * H + j];
      db1[j] += g;
      for (let i = 0; i < D; i++) dW1[i * H + j] += X[n * D + i] * g;
    }
  }
  return { loss: dataLoss + regLoss, dataLoss, regLoss, grads: { W1: dW1, b1: db1, W2: dW2, b2: db2 }, z1, scores };
}

/**
 * The initial-loss sanity check's tolerance for a batch. With tiny weights every score sₙc is tiny
 * and Lₙ = log Σc exp(sₙc − sₙyₙ) = ln C + (s̄ₙ − sₙyₙ) + O(s²). Over the labels (uniform and
 * independent given X and W) each term has mean 0 and variance vₙ = (1/C) Σc (sₙc − s̄ₙ)², so the
 * batch's mean loss is ln C within 4 standard errors √(mean vₙ / N), plus the second-order bias,
 * at most max vₙ / 2 (we allow max vₙ).
 */
export function sanityTolerance(scores: ArrayLike<number>, N: number, C: number): { tolerance: number; spread: number } {
  let sumV = 0;
  let maxV = 0;
  for (let n = 0; n < N; n++) {
    let mean = 0;
    for (let c = 0; c < C; c++) mean += scores[n * C + c] / C;
    let v = 0;
    for (let c = 0; c < C; c++) v += (scores[n * C + c] - mean) ** 2 / C;
    sumV += v;
    maxV = Math.max(maxV, v);
  }
  return { tolerance: 4 * Math.sqrt(sumV / N / N) + maxV, spread: Math.sqrt(sumV / N) };
}

// ---- tolerances ---------------------------------------------------------------------------------

/**
 * Exercise 1 against the float64 reference: both sum at most 3072 products in float64 (rounding
 * ~1e-16 each, in any order), so the parts agree to ~1e-13; 1e-9 leaves a margin of 1e4. Every
 * mistake is off by more than 1e-3 in every case where it shows, and changes each part it changes by
 * more than 5e-4 (a test asserts both).
 */
export const AGREE_TOL_64 = 1e-9;
/**
 * Exercise 2 against the float64 reference of its float32 inputs: float32 rounds each operation to
 * 6e-8 relative; a sum of K products is good to ~K·6e-8 at worst (K <= 10 in these cases: 6e-7),
 * and scores near 100 keep 7.6e-6 absolute, which moves the probabilities by as much (~1e-5 of a
 * gradient). 1e-4 leaves a margin of 10; every mistake is off by more than 1e-3, and each part it
 * changes by more than 5e-4 (a test asserts both).
 */
export const AGREE_TOL_32 = 1e-4;
/**
 * The float64 numerical check: the lecture's "right", relative error below 1e-7
 * (GRAD_CHECK_THRESHOLDS.right), of each whole gradient; a right gradient measures ~1e-10.
 */
export const GRADCHECK_TOL_64 = GRAD_CHECK_THRESHOLDS.right;
/** The float64 centred difference's step: truncation ~h²·|f'''| ~ 1e-10, rounding ~1e-16·|f| / h ~ 1e-11. */
export const GRADCHECK_H_64 = 1e-5;
/**
 * The float32 centred difference's step. Its error is rounding, ε₃₂·|f| / h, plus curvature, h²·|f'''|:
 * with |f| ~ 1 the two balance near h = 1e-2, at ~1e-5 of the gradient's scale (measured on the
 * check's nets: 1e-5 to 3e-5); h = 1e-4 gives ~1e-3, h = 1e-5 ~1e-2, a larger h meets the kinks.
 */
export const GRADCHECK_H_32 = 1e-2;
/** The float32 numerical check's bound on cs231n's relative error of a whole gradient: 1e-2, the lecture's "uncomfortable" line. */
export const GRADCHECK_TOL_32 = GRAD_CHECK_THRESHOLDS.uncomfortable;

// ---- hints --------------------------------------------------------------------------------------

export const HINTS = {
  halfLoss: 'forgot the 0.5 in the regularisation loss: your loss is too large by exactly 0.5·reg·(ΣW1² + ΣW2²); the L2 term is 0.5·reg·ΣW², whose gradient is reg·W (the 0.5 cancels the 2 of the square)',
  doubleGrad: 'your dW1 and dW2 are too large by exactly reg·W: the gradient of 0.5·reg·ΣW² is reg·W; 2·reg·W is the gradient of reg·ΣW², the L2 term without its 0.5',
  halfGrad: 'your dW1 and dW2 are too small by 0.5·reg·W: the gradient of 0.5·reg·ΣW² is reg·W (the 2 of the square cancels the 0.5)',
  noRegGrad: 'your dW1 and dW2 miss the regularisation gradient: add reg·W1 and reg·W2 (the loss has 0.5·reg·ΣW², whose gradient is reg·W)',
  regBiases: 'regularised the biases: the L2 term is 0.5·reg·(ΣW1² + ΣW2²), over the weight matrices only; biases are not regularised (your loss is too large by 0.5·reg·(Σb1² + Σb2²), or db off by reg·b)',
  sum: 'summed over the examples instead of averaging: the data loss is the MEAN over the N rows, so divide it, and dscores, by N',
  noMask: 'the backward pass skips the ReLU: dz1 = dh where z1 > 0 and 0 elsewhere (dh ⊙ [z1 > 0]); your dW1 and db1 pass the gradient through dead units too',
  overflow: 'exp overflowed: subtract each row\'s max score before exp (s − max_c s_c); softmax does not change when a row is shifted by a constant, but exp(1000) is Infinity in float64 (exp(89) in float32), and Infinity / Infinity is NaN',
  notFinite: 'your loss or a gradient is NaN or Infinity: print the scores, the probabilities and log(p) for one row; a log of 0 or an exp that overflowed are the usual causes',
  sanity: 'with tiny weights every score is ~0, so softmax gives each of the C classes probability 1/C and the loss is −log(1/C) = ln C (ln 10 ≈ 2.303): print your probabilities for one row',
  log10: 'that is log10: use the natural log, Math.log (tf.log), so the loss at chance is ln C',
  sign: 'the loss is −log p of the correct class, a positive number: you lost the minus sign',
  inconsistent: 'your gradient is not the gradient of your loss: the loss and the backward pass disagree; compare the step of the backward pass that produces the parameter with the largest error with the forward step it undoes',
  inconsistentHalf: 'your loss and your gradient disagree by exactly reg·W: the 0.5 of the L2 term is in one and not in the other (loss 0.5·reg·ΣW², gradient reg·W)',
  inconsistentBiases: 'your loss and your gradient disagree about the biases by reg·b: one regularises them, the other does not (and neither should)',
} as const;

// ---- what a student's function returned ---------------------------------------------------------

/** A student's loss and gradients as float64 numbers. */
export interface Result64 { loss: number; grads: Grads64 }

const shapes = (net: Net64): Record<ParamName, number[]> => ({ W1: [net.D, net.H], b1: [net.H], W2: [net.H, net.C], b2: [net.C] });

function rowsOf(a: Float64Array, r: number, c: number): number[][] {
  return Array.from({ length: r }, (_, i) => Array.from(a.subarray(i * c, (i + 1) * c)));
}

function kind(v: unknown): string {
  if (v === undefined) return 'undefined (did you forget to return?)';
  if (v instanceof tf.Tensor) return `a tf.Tensor of shape [${v.shape.join(', ')}]`;
  return describe(v);
}

/** Reads number[][] (or rows of typed arrays) of shape [r, c] into a row-major Float64Array. */
export function readMatrix(what: string, v: unknown, r: number, c: number): Float64Array {
  if (v instanceof tf.Tensor) throw new ReturnError(`${what} must be a number[][] (plain arrays, float64), got ${kind(v)}`, 'exercise 1 is written in plain arrays: return number[][] for the matrices and number[] for the vectors');
  if (!Array.isArray(v)) throw new ReturnError(`${what} must be a number[][] of shape [${r}, ${c}], got ${kind(v)}`);
  if (v.length !== r) throw new ReturnError(`${what} has ${v.length} rows, expected ${r} (shape [${r}, ${c}])`);
  const out = new Float64Array(r * c);
  v.forEach((row, i) => out.set(readVector(`${what}[${i}]`, row, c), i * c));
  return out;
}

/** Reads number[] (or a typed array) of length n. */
export function readVector(what: string, v: unknown, n: number): Float64Array {
  if (!Array.isArray(v) && !(ArrayBuffer.isView(v) && !(v instanceof DataView))) throw new ReturnError(`${what} must be a number[] of length ${n}, got ${kind(v)}`);
  const a = v as ArrayLike<unknown>;
  if (a.length !== n) throw new ReturnError(`${what} has ${a.length} numbers, expected ${n}`);
  const out = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    if (typeof a[i] !== 'number') throw new ReturnError(`${what}[${i}] must be a number, got ${kind(a[i])}`);
    out[i] = a[i] as number;
  }
  return out;
}

function readLossObject(what: string, out: unknown): Record<string, unknown> {
  if (out === null || typeof out !== 'object' || Array.isArray(out) || out instanceof tf.Tensor || out instanceof Promise) {
    throw new ReturnError(`${what} must return {loss, grads: {W1, b1, W2, b2}}, got ${out instanceof Promise ? 'a Promise (no async: return the object itself)' : kind(out)}`);
  }
  const o = out as Record<string, unknown>;
  if (o.grads === null || typeof o.grads !== 'object') throw new ReturnError(`${what}.grads must be {W1, b1, W2, b2}, got ${kind(o.grads)}`);
  return o;
}

/** Reads exercise 1's `{loss, grads}` (plain arrays). */
export function readResult64(what: string, out: unknown, net: Net64): Result64 {
  const o = readLossObject(what, out);
  if (typeof o.loss !== 'number') throw new ReturnError(`${what}.loss must be a number, got ${kind(o.loss)}`);
  const g = o.grads as Record<string, unknown>;
  const s = shapes(net);
  const grads = Object.fromEntries(PARAMS.map((k) => [k, s[k].length === 2
    ? readMatrix(`${what}.grads.${k}`, g[k], s[k][0], s[k][1]) : readVector(`${what}.grads.${k}`, g[k], s[k][0])])) as Grads64;
  return { loss: o.loss, grads };
}

/** Reads a tensor of the given shape (or a number for the loss) as float64. */
function readTensor32(what: string, v: unknown, shape: number[]): Float64Array {
  if (shape.length === 0 && typeof v === 'number') return Float64Array.of(v);
  if (!(v instanceof tf.Tensor)) throw new ReturnError(`${what} must be a tf.Tensor, got ${kind(v)}`);
  if (v.isDisposed) throw new ReturnError(`${what} is a disposed tensor (it was freed before it was returned: return it from tf.tidy instead)`);
  const ok = shape.length === 0 ? v.size === 1 : v.shape.length === shape.length && v.shape.every((d: number, i: number) => d === shape[i]);
  if (!ok) throw new ReturnError(`${what} has shape [${v.shape.join(', ')}], expected [${shape.join(', ')}]`);
  return Float64Array.from(v.dataSync());
}

/** Reads exercise 2's `{loss, grads}` (tensors; the loss may be a number). */
export function readResult32(what: string, out: unknown, net: Net64): Result64 {
  const o = readLossObject(what, out);
  const g = o.grads as Record<string, unknown>;
  const s = shapes(net);
  const loss = readTensor32(`${what}.loss`, o.loss, [])[0];
  return { loss, grads: Object.fromEntries(PARAMS.map((k) => [k, readTensor32(`${what}.grads.${k}`, g[k], s[k])])) as Grads64 };
}

// ---- calling the student's function -------------------------------------------------------------

/** How an exercise hands a net to the student's function and reads what comes back. */
interface Calling {
  /** The exercise's function name. */
  fn: string;
  float32: boolean;
  /** The check's text for the call, e.g. `twoLayerLoss64(params, X [5, 4], y, 0.1)`. */
  what(net: Net64): string;
  /** One call through the case context (tensors the call leaks are counted). */
  call(ctx: CaseContext, fn: unknown, net: Net64): Promise<Result64>;
  /** The loss at other parameter values, called directly (the numerical gradient check). */
  lossAt(fn: unknown, net: Net64, params: Grads64): Promise<number>;
}

/**
 * Calls the student's function directly: as it is here (a promise is the student's mistake, which
 * the reader reports), or awaited where it runs in the grader's kernel (a remote call).
 */
async function callDirect(fn: unknown, args: unknown[]): Promise<unknown> {
  const out = (fn as (...a: unknown[]) => unknown)(...args);
  return typeof fn === 'function' && REMOTE_CALL in fn ? await out : out;
}

/**
 * Runs a synchronous computation that evaluates the loss at many points (a gradient check) with a
 * loss that may be asynchronous: the points it asks for are collected first, evaluated in order,
 * then the computation runs again with those values (the points do not depend on the values).
 */
async function withLosses<T>(compute: (f: (x: Float64Array) => number) => T, loss: (x: Float64Array) => Promise<number>): Promise<T> {
  const asked: Float64Array[] = [];
  compute((x) => { asked.push(Float64Array.from(x)); return 0; });
  const values: number[] = [];
  for (const x of asked) values.push(await loss(x));
  let i = 0;
  const result = compute(() => values[i++]);
  if (i !== values.length) throw new Error(`the gradient check asked for ${i} losses, ${values.length} were computed`);
  return result;
}

const flattenCopy = (p: Grads64): Float64Array => flatten(p);

const callText = (name: string, net: Net64) => `${name}(params, X [${net.N}, ${net.D}], y, reg = ${net.reg})`;

function plainArgs(net: Net64, p: Grads64 = net): unknown[] {
  return [{ W1: rowsOf(p.W1, net.D, net.H), b1: Array.from(p.b1), W2: rowsOf(p.W2, net.H, net.C), b2: Array.from(p.b2) },
    rowsOf(net.X, net.N, net.D), Array.from(net.y), net.reg];
}

/** Exercise 1's arguments: plain arrays, fresh for every call; a call that changes them fails. */
const CALL_64: Calling = {
  fn: 'twoLayerLoss64', float32: false,
  what: (net) => callText('twoLayerLoss64', net),
  async call(ctx, fn, net) {
    const args = plainArgs(net);
    const copy = JSON.stringify(args);
    const r = await ctx.call('twoLayerLoss64', fn, args, (out) => readResult64(this.what(net), out, net));
    if (JSON.stringify(args) !== copy) throw new ReturnError(`${this.what(net)} changed its arguments (params, X or y)`, 'compute new arrays; never write into params, X or y (the training loop reuses them)');
    return r;
  },
  async lossAt(fn, net, params) {
    const out = await callDirect(fn, plainArgs(net, params));
    return readResult64(this.what(net), out, net).loss;
  },
};

function tensorArgs(net: Net64, p: Grads64 = net): [Record<ParamName, tf.Tensor>, tf.Tensor2D, tf.Tensor1D, number] {
  const s = shapes(net);
  const params = Object.fromEntries(PARAMS.map((k) => [k, tf.tensor(Float32Array.from(p[k]), s[k], 'float32')])) as Record<ParamName, tf.Tensor>;
  return [params, tf.tensor2d(Float32Array.from(net.X), [net.N, net.D], 'float32'), tf.tensor1d(net.y, 'int32'), net.reg];
}

function disposedInput(args: ReturnType<typeof tensorArgs>): boolean {
  return [...Object.values(args[0]), args[1], args[2]].some((t) => t.isDisposed);
}

/** Exercise 2's arguments: float32 tensors (y int32); the check disposes them. */
const CALL_32: Calling = {
  fn: 'twoLayerLossTf', float32: true,
  what: (net) => callText('twoLayerLossTf', net),
  async call(ctx, fn, net) {
    const args = tensorArgs(net);
    const r = await ctx.call('twoLayerLossTf', fn, args, (out) => readResult32(this.what(net), out, net));
    if (disposedInput(args)) throw new ReturnError(`${this.what(net)} disposed one of its inputs`, 'dispose only tensors you created; tf.tidy does that for you');
    tf.dispose([...Object.values(args[0]), args[1], args[2]]);
    return r;
  },
  async lossAt(fn, net, params) {
    const args = tensorArgs(net, params);
    const out = await callDirect(fn, args);
    try {
      return readResult32(this.what(net), out, net).loss;
    } finally {
      const mine = new Set([...Object.values(args[0]), args[1], args[2]]);
      tf.dispose([...mine, ...collectTensors(out).filter((t) => !mine.has(t))]);
    }
  },
};

// ---- the cases ----------------------------------------------------------------------------------

const PART_LABEL: Record<ParamName, string> = { W1: 'dW1', b1: 'db1', W2: 'dW2', b2: 'db2' };

/** "[3][1]" for a flat index into a matrix of `cols` columns, "[3]" into a vector. */
function at(i: number, shape: number[]): string {
  return shape.length === 2 ? `[${Math.floor(i / shape[1])}][${i % shape[1]}]` : `[${i}]`;
}

const allFinite = (r: Result64) => Number.isFinite(r.loss) && PARAMS.every((k) => r.grads[k].every(Number.isFinite));

function notFinite(r: Result64, net: Net64, want: Loss64, d: NetDesign): CaseOutcome {
  const bad = !Number.isFinite(r.loss) ? `your loss is ${r.loss}` : `your ${PARTS_OF(r).find(([, v]) => !v.every(Number.isFinite))![0]} has NaN or Infinity`;
  const hint = (d.shift ?? 0) > 50 ? HINTS.overflow : HINTS.notFinite;
  return { passed: false, message: `${bad} (the reference loss is ${fmt(want.loss)}, finite)`, hint };
}

const PARTS_OF = (r: Result64): [string, Float64Array][] => PARAMS.map((k) => [PART_LABEL[k], r.grads[k]]);

/** The part-by-part hints: each wrong part is compared with what each known mistake makes of it. */
export function partHints(got: Result64, net: Net64, tol: number): string[] {
  const v = (variant: LossVariant) => twoLayer64(net, variant);
  const hints: string[] = [];
  const add = (h: string | undefined) => { if (h && !hints.includes(h)) hints.push(h); };
  const right = v('right');
  const lossTol = Math.max(tol, 1e-12);
  if (!(relError([got.loss], [right.loss]) <= lossTol)) {
    add(diagnose([got.loss], [
      { hint: HINTS.halfLoss, expected: [v('noHalfLoss').loss] },
      { hint: HINTS.regBiases, expected: [v('regBiases').loss] },
      { hint: HINTS.regBiases, expected: [v('regBiases').loss + 0.5 * net.reg * (sumSquares(net.b1) + sumSquares(net.b2))] },
      { hint: HINTS.sum, expected: [v('sum').loss] },
    ], tol));
  }
  const gradMistakes: [LossVariant, string][] = [['doubleGrad', HINTS.doubleGrad], ['halfGrad', HINTS.halfGrad], ['noRegGrad', HINTS.noRegGrad],
    ['regBiases', HINTS.regBiases], ['sum', HINTS.sum], ['noMask', HINTS.noMask]];
  const variants = gradMistakes.map(([variant, hint]) => ({ hint, out: v(variant) }));
  for (const k of PARAMS) {
    if (relError(got.grads[k], right.grads[k]) <= tol) continue;
    const mistakes: Mistake[] = variants.filter((m) => relError(m.out.grads[k], right.grads[k]) > tol).map((m) => ({ hint: m.hint, expected: m.out.grads[k] }));
    add(diagnose(got.grads[k], mistakes, tol));
  }
  return hints;
}

/** The initial-loss sanity check: tiny weights, reg 0, loss ln C within the batch's noise. */
function sanityCase(calling: Calling, d: NetDesign): CheckCase {
  return {
    name: d.name,
    async run([fn], ctx) {
      const net = makeNet({ ...d, seed: ctx.seed(d.seed) }, calling.float32);
      const got = await calling.call(ctx, fn, net);
      const want = twoLayer64(net);
      const lnC = Math.log(net.C);
      const { tolerance, spread } = sanityTolerance(want.scores, net.N, net.C);
      const off = Math.abs(got.loss - lnC);
      const message = `initial loss ${got.loss.toFixed(5)}, expected ln ${net.C} = ${lnC.toFixed(5)} ± ${tolerance.toExponential(1)} ` +
        `(4 standard errors over N = ${net.N} random labels, scores spread ${spread.toExponential(1)} across classes)`;
      if (off <= tolerance) return { passed: true, relError: null, tolerance: null, message };
      const hint = Math.abs(got.loss - net.N * lnC) < 1e-3 * net.N ? HINTS.sum
        : Math.abs(got.loss - lnC / Math.LN10) < 1e-3 ? HINTS.log10
          : Math.abs(got.loss + lnC) < 1e-3 ? HINTS.sign
            : !Number.isFinite(got.loss) ? HINTS.notFinite : HINTS.sanity;
      return { passed: false, relError: null, tolerance: null, message, hint };
    },
  };
}

/** The loss and every gradient against the float64 reference. */
function agreementCase(calling: Calling, d: NetDesign, tol: number): CheckCase {
  return {
    name: d.name,
    async run([fn], ctx) {
      const net = makeNet({ ...d, seed: ctx.seed(d.seed) }, calling.float32);
      const got = await calling.call(ctx, fn, net);
      const want = twoLayer64(net);
      if (!allFinite(got)) return notFinite(got, net, want, d);
      const errs = [relError([got.loss], [want.loss]), ...PARAMS.map((k) => relError(got.grads[k], want.grads[k]))];
      const worst = Math.max(...errs);
      const list = ['loss', ...PARAMS.map((k) => PART_LABEL[k])].map((name, i) => `${name} ${fmt(errs[i])}`).join(', ');
      if (worst <= tol) return { passed: true, relError: worst, tolerance: tol, message: `loss ${fmt(got.loss)} and dW1, db1, dW2, db2 match the reference` };
      const part = errs.indexOf(worst);
      let where = `loss ${fmt(got.loss)}, expected ${fmt(want.loss)}`;
      if (part > 0) {
        const k = PARAMS[part - 1];
        const i = worstIndex(got.grads[k], want.grads[k]);
        where = `${PART_LABEL[k]}${at(i, shapes(net)[k])} = ${fmt(got.grads[k][i])}, expected ${fmt(want.grads[k][i])}`;
      }
      const hints = partHints(got, net, tol);
      return { passed: false, relError: worst, tolerance: tol, message: `${where} (relative errors: ${list})`, hint: hints.length ? hints.join('; ') : undefined };
    },
  };
}

/** Flattens parameters in PARAMS order. */
export function flatten(p: Grads64): Float64Array {
  const out = new Float64Array(PARAMS.reduce((s, k) => s + p[k].length, 0));
  let o = 0;
  for (const k of PARAMS) { out.set(p[k], o); o += p[k].length; }
  return out;
}

function unflatten(theta: Float64Array, net: Net64): Grads64 {
  let o = 0;
  return Object.fromEntries(PARAMS.map((k) => { const n = net[k].length; const part = theta.slice(o, o + n); o += n; return [k, part]; })) as Grads64;
}

/** Splits a flat array into the parameters' parts. */
function parts(theta: ArrayLike<number>, net: Net64): Grads64 {
  return unflatten(Float64Array.from(theta), net);
}

/** Which pattern the difference numeric − analytic of a failed gradient check follows. */
function consistencyHint(numeric: Grads64, analytic: Grads64, net: Net64): string {
  const near = (a: Float64Array, b: Float64Array) => relError(a, b) < 1e-3;
  const diff = (k: ParamName) => Float64Array.from(numeric[k], (v, i) => v - analytic[k][i]);
  const scaled = (k: ParamName, f: number) => Float64Array.from(net[k], (w) => f * net.reg * w);
  if (net.reg > 0) {
    for (const f of [1, -1]) {
      if (near(diff('W1'), scaled('W1', f)) && near(diff('W2'), scaled('W2', f))) return HINTS.inconsistentHalf;
      if (near(diff('b1'), scaled('b1', f)) && near(diff('b2'), scaled('b2', f))) return HINTS.inconsistentBiases;
    }
  }
  return HINTS.inconsistent;
}

/**
 * The net of a gradient-check case, drawn from `seed` (then seed + 1, ...) until no pre-activation
 * z₁ lies within reach of ReLU's kink: moving one parameter by ±h moves z₁[n][j] by at most
 * h·max(1, maxᵢ |X[n][i]|), and a centred difference across the kink measures neither side's slope
 * (with h = 1e-2 about one random net in four has such a z₁). The designed seeds already qualify.
 */
export function netAwayFromKinks(d: NetDesign, seed: number, float32: boolean, h: number): Net64 {
  let net = makeNet({ ...d, seed }, float32);
  for (let k = 1; k < 100 && !clearOfKinks(net, h); k++) net = makeNet({ ...d, seed: seed + k }, float32);
  return net;
}

function clearOfKinks(net: Net64, h: number): boolean {
  for (let n = 0; n < net.N; n++) {
    let reach = 1;
    for (let i = 0; i < net.D; i++) reach = Math.max(reach, Math.abs(net.X[n * net.D + i]));
    for (let j = 0; j < net.H; j++) {
      let z = net.b1[j];
      for (let i = 0; i < net.D; i++) z += net.X[n * net.D + i] * net.W1[i * net.H + j];
      if (Math.abs(z) <= h * reach) return false;
    }
  }
  return true;
}

/**
 * Exercise 1's numerical gradient check: nn.gradCheck on every coordinate, float64. It passes on
 * cs231n's relative error of each whole gradient, max|analytic − numerical| / max(|analytic| +
 * |numerical|) (the checks' convention), below 1e-7; the message also gives the lecture's
 * per-entry relative error at its worst entry. Per entry, rounding of f (~1e-16·|f| / h ~ 1e-11)
 * divided by a tiny entry (1e-4) reaches 1e-7 on a right gradient, so entries do not decide.
 */
function gradCheckCase64(d: NetDesign): CheckCase {
  return {
    name: d.name,
    async run([fn], ctx) {
      const net = netAwayFromKinks(d, ctx.seed(d.seed), false, GRADCHECK_H_64);
      const got = await CALL_64.call(ctx, fn, net);
      if (!allFinite(got)) return notFinite(got, net, twoLayer64(net), d);
      const rows = await withLosses((f) => gradCheck(f, flatten(net), flatten(got.grads), { h: GRADCHECK_H_64 }), (t) => CALL_64.lossAt(fn, net, unflatten(t, net)));
      const numeric = parts(rows.map((r) => r.numeric), net);
      const errs = PARAMS.map((k) => relError(got.grads[k], numeric[k]));
      const worst = Math.max(...errs);
      const entry = rows.reduce((a, b) => (b.relError > a.relError ? b : a));
      const { name, index } = locate(entry.index, net);
      const message = `relative error of each gradient against centred differences (h = ${GRADCHECK_H_64.toExponential()}): ` +
        `${PARAMS.map((k, i) => `${PART_LABEL[k]} ${fmt(errs[i])}`).join(', ')}; worst entry ${PART_LABEL[name]}${at(index, shapes(net)[name])} ` +
        `(analytic ${fmt(entry.analytic)}, numerical ${fmt(entry.numeric)}: relative error ${fmt(entry.relError)}, the lecture's "${entry.verdict}")`;
      if (worst < GRADCHECK_TOL_64) return { passed: true, relError: worst, tolerance: GRADCHECK_TOL_64, message };
      return { passed: false, relError: Number.isFinite(worst) ? worst : null, tolerance: GRADCHECK_TOL_64, message, hint: consistencyHint(numeric, got.grads, net) };
    },
  };
}

function locate(flat: number, net: Net64): { name: ParamName; index: number } {
  let o = 0;
  for (const k of PARAMS) {
    if (flat < o + net[k].length) return { name: k, index: flat - o };
    o += net[k].length;
  }
  throw new RangeError(`index ${flat} is past the parameters`);
}

/**
 * Centred differences in float32 through the student's tensor function: every coordinate moved by
 * ±h (rounded to float32; the difference of the rounded values is the step), compared parameter
 * by parameter with cs231n's relative error of the whole gradient.
 */
export function numericalGradient32(lossAt: (p: Grads64) => number, net: Net64, h = GRADCHECK_H_32): Grads64 {
  const theta = flatten(net);
  const grad = new Float64Array(theta.length);
  for (let i = 0; i < theta.length; i++) {
    const old = theta[i];
    const [up, down] = [Math.fround(old + h), Math.fround(old - h)];
    theta[i] = up;
    const plus = lossAt(unflatten(theta, net));
    theta[i] = down;
    const minus = lossAt(unflatten(theta, net));
    theta[i] = old;
    grad[i] = (plus - minus) / (up - down);
  }
  return parts(grad, net);
}

/** Exercise 2's numerical gradient check, float32: each gradient within 1e-2 of the centred differences. */
function gradCheckCase32(d: NetDesign): CheckCase {
  return {
    name: d.name,
    async run([fn], ctx) {
      const net = netAwayFromKinks(d, ctx.seed(d.seed), true, GRADCHECK_H_32);
      const got = await CALL_32.call(ctx, fn, net);
      if (!allFinite(got)) return notFinite(got, net, twoLayer64(net), d);
      const numeric = await withLosses((f) => numericalGradient32((p) => f(flattenCopy(p)), net), (t) => CALL_32.lossAt(fn, net, unflatten(t, net)));
      const errs = PARAMS.map((k) => relError(got.grads[k], numeric[k]));
      const worst = Math.max(...errs);
      const list = PARAMS.map((k, i) => `${PART_LABEL[k]} ${fmt(errs[i])}`).join(', ');
      const message = `relative error of each gradient against float32 centred differences (h = ${GRADCHECK_H_32.toExponential()}): ${list}`;
      if (worst <= GRADCHECK_TOL_32) return { passed: true, relError: worst, tolerance: GRADCHECK_TOL_32, message };
      return { passed: false, relError: Number.isFinite(worst) ? worst : null, tolerance: GRADCHECK_TOL_32, message, hint: consistencyHint(numeric, got.grads, net) };
    },
  };
}

// ---- the designs --------------------------------------------------------------------------------

/** The lecture's net at initialisation: 3072 → 50 → 10, weights std 1e-4, biases 0, centred CIFAR-like pixels (std 60), reg 0. */
const SANITY: Omit<NetDesign, 'name' | 'seed'> = { D: 3072, H: 50, C: 10, N: 50, std: 1e-4, biasStd: 0, xStd: 60, reg: 0 };
/** cs231n's toy net: 4 → 10 → 3, 5 rows of 10·N(0, 1), weights std 0.1; here with biases std 0.5. */
const TOY: Omit<NetDesign, 'name' | 'seed' | 'reg'> = { D: 4, H: 10, C: 3, N: 5, std: 0.1, biasStd: 0.5, xStd: 10 };

/** The cases of exercise 1 (float64), named as the check prints them. */
export const DESIGNS_64 = {
  sanity: { name: 'sanity check: the lecture\'s net 3072 → 50 → 10 at initialisation (weights std 1e-4, reg 0), 50 rows: loss ln 10', ...SANITY, seed: 501 },
  noReg: { name: 'toy net 4 → 10 → 3, 5 rows, reg 0: loss and dW1, db1, dW2, db2 against the reference', ...TOY, reg: 0, seed: 502 },
  reg: { name: 'net 6 → 8 → 4, 7 rows, reg 0.1: loss and every gradient against the reference', D: 6, H: 8, C: 4, N: 7, std: 0.3, biasStd: 0.5, xStd: 1, reg: 0.1, seed: 503 },
  gradCheck: { name: 'numerical gradient check of your loss (centred differences, h = 1e-5) on every parameter, toy net, reg 0.1: relative error < 1e-7', ...TOY, reg: 0.1, seed: 504 },
  overflow: { name: 'scores near 1000 (b2 + 1000), toy net, reg 0.05: the loss is finite and unchanged by the shift', ...TOY, reg: 0.05, shift: 1000, seed: 505 },
  edge: { name: 'edge case: one row, 3 of 10 hidden units dead, reg 0.05', ...TOY, N: 1, dead: 3, reg: 0.05, seed: 506 },
} satisfies Record<string, NetDesign>;

/** The cases of exercise 2 (float32 tensors). */
export const DESIGNS_32 = {
  sanity: { ...DESIGNS_64.sanity, seed: 511 },
  noReg: { ...DESIGNS_64.noReg, seed: 512 },
  reg: { ...DESIGNS_64.reg, seed: 513 },
  gradCheck: { ...DESIGNS_64.gradCheck, name: `numerical gradient check in float32 (centred differences, h = ${GRADCHECK_H_32.toExponential()}) on every parameter, toy net, reg 0.1: relative error < 1e-2`, xStd: 1, std: 0.5, seed: 514 },
  overflow: { ...DESIGNS_64.overflow, name: 'scores near 100 (b2 + 100; exp(89) overflows float32), toy net, reg 0.05: the loss is finite and unchanged by the shift', shift: 100, seed: 515 },
  edge: { ...DESIGNS_64.edge, seed: 516 },
} satisfies Record<string, NetDesign>;

function cases(calling: Calling, d: typeof DESIGNS_64, tol: number, gradCase: (d: NetDesign) => CheckCase): CheckCase[] {
  return [sanityCase(calling, d.sanity), agreementCase(calling, d.noReg, tol), agreementCase(calling, d.reg, tol), gradCase(d.gradCheck),
    agreementCase(calling, d.overflow, tol), agreementCase(calling, d.edge, tol)];
}

/** Homework 05, exercise 1: the loss and its gradient in float64 plain arrays. */
export const TWO_LAYER_LOSS_64: Exercise = {
  name: 'twoLayerLoss64', homework: 'hw05-babysitting', lesson: '05', title: 'Softmax loss with L2 and its gradient, float64 arrays', points: 10,
  functions: ['twoLayerLoss64'],
  signature: 'function twoLayerLoss64(params: { W1: number[][]; b1: number[]; W2: number[][]; b2: number[] }, X: number[][], y: number[], reg: number): ' +
    '{ loss: number; grads: { W1: number[][]; b1: number[]; W2: number[][]; b2: number[] } }',
  cases: cases(CALL_64, DESIGNS_64, AGREE_TOL_64, gradCheckCase64),
};

/** Homework 05, exercise 2: the same with tfjs tensors (float32). */
export const TWO_LAYER_LOSS_TF: Exercise = {
  name: 'twoLayerLossTf', homework: 'hw05-babysitting', lesson: '05', title: 'Softmax loss with L2 and its gradient, tensors', points: 10,
  functions: ['twoLayerLossTf'],
  signature: 'function twoLayerLossTf(params: { W1: nn.tf.Tensor2D; b1: nn.tf.Tensor1D; W2: nn.tf.Tensor2D; b2: nn.tf.Tensor1D }, X: nn.tf.Tensor2D, y: nn.tf.Tensor1D, reg: number): ' +
    '{ loss: nn.tf.Scalar; grads: { W1: nn.tf.Tensor2D; b1: nn.tf.Tensor1D; W2: nn.tf.Tensor2D; b2: nn.tf.Tensor1D } }',
  cases: cases(CALL_32, DESIGNS_32, AGREE_TOL_32, gradCheckCase32),
};

/** Homework 05's exercises in notebook order (lesson.ts lists them; the registry reads them from there). */
export const HOMEWORK_05: readonly Exercise[] = [TWO_LAYER_LOSS_64, TWO_LAYER_LOSS_TF];
