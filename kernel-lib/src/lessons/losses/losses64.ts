/**
 * Lesson 12's loss functions in float64 JS, each with its gradient: what the lesson plots, what the
 * gates of the computational-graph API wrap and what gradient checks hold to 1e-7. Scores are
 * `Array64` [N, C] (one row per example), labels integers in [0, C); the data loss is the MEAN
 * over the N rows, so every gradient carries a 1/N.
 *
 * - softmax cross-entropy: Lᵢ = −log(e^{s_yᵢ} / Σⱼ e^{sⱼ}) = log Σⱼ e^{sⱼ − m} − (s_yᵢ − m), m = maxⱼ sⱼ
 *   (the max trick: exp never overflows); ∂Lᵢ/∂sⱼ = pⱼ − [j = yᵢ];
 * - multiclass hinge (SVM): Lᵢ = Σ_{j≠yᵢ} max(0, sⱼ − s_yᵢ + Δ); ∂/∂sⱼ = [margin > 0],
 *   ∂/∂s_yᵢ = −(number of positive margins);
 * - squared error: L = (1/2N)·Σ (pᵢⱼ − tᵢⱼ)²; ∂L/∂p = (p − t)/N;
 * - logistic (binary, labels 0/1, one score per row): Lᵢ = log(1 + e^{−zᵢ}) with zᵢ = (2yᵢ − 1)·sᵢ,
 *   computed stably as softplus(−z); ∂Lᵢ/∂sᵢ = σ(sᵢ) − yᵢ;
 * - the L2 penalty of this lesson (cs231n's linear classifiers): R = reg·ΣW², ∂R/∂W = 2·reg·W.
 *
 * @example
 * const s = nn.nets.array64([1, 3], [3.2, 5.1, -1.7]);
 * nn.losses.softmaxCrossEntropy64(s, [0]).loss   // 2.04 (the cat's score 3.2 is not the largest)
 */
import { ArgumentError, checkNumber } from '../../core/errors';
import { type Array64, array64, checkArray64 } from '../../nets/array64';

/** A loss value with the gradient of its input. */
export interface Loss64 {
  loss: number;
  /** dL/d(scores), the shape of the scores. */
  dscores: Array64;
}

function rows(name: string, scores: unknown): Array64 {
  const s = checkArray64(name, scores);
  if (s.shape.length !== 2 || s.shape[0] < 1 || s.shape[1] < 1) {
    throw new ArgumentError(name, s.shape, 'shape [N, C] with N, C >= 1', `${name} must have shape [N, C] (one row of class scores per example), got [${s.shape.join(', ')}]`);
  }
  return s;
}

/**
 * Checks integer labels in [0, C), one per row, and returns them as numbers.
 *
 * @example
 * nn.losses.checkLabels([0, 2], 2, 3)   // [0, 2]
 * nn.losses.checkLabels([3], 1, 3)      // throws: labels[0] must be an integer in [0, 2]
 */
export function checkLabels(labels: unknown, N: number, C: number): number[] {
  if (!labels || typeof (labels as ArrayLike<number>).length !== 'number' || (labels as ArrayLike<number>).length !== N) {
    throw new ArgumentError('labels', labels, `${N} integer labels (one per row of scores)`);
  }
  const out = Array.from(labels as ArrayLike<number>);
  out.forEach((y, i) => {
    if (!Number.isInteger(y) || y < 0 || y >= C) throw new ArgumentError(`labels[${i}]`, y, `an integer in [0, ${C - 1}]`);
  });
  return out;
}

/** The softmax of one row (max trick) into `out`. */
function softmaxRow(s: Float64Array, o: number, C: number, out: Float64Array): number {
  let m = -Infinity;
  for (let j = 0; j < C; j++) m = Math.max(m, s[o + j]);
  let z = 0;
  for (let j = 0; j < C; j++) { out[o + j] = Math.exp(s[o + j] - m); z += out[o + j]; }
  for (let j = 0; j < C; j++) out[o + j] /= z;
  return m + Math.log(z); // log Σ e^{s_j}
}

/**
 * Softmax probabilities of each row, with the max trick (scores of 1000 do not overflow).
 *
 * @example
 * nn.losses.softmax64(nn.nets.array64([1, 2], [1000, 1000])).data   // Float64Array [0.5, 0.5]
 */
export function softmax64(scores: Array64): Array64 {
  const s = rows('scores', scores);
  const [N, C] = s.shape;
  const p = array64([N, C]);
  for (let n = 0; n < N; n++) softmaxRow(s.data, n * C, C, p.data);
  return p;
}

/**
 * The mean softmax cross-entropy of the rows and its gradient p − onehot(y), over N; also the
 * probabilities. Stable for any finite scores (max trick).
 *
 * @example
 * const r = nn.losses.softmaxCrossEntropy64(nn.nets.array64([1, 3], [3.2, 5.1, -1.7]), [0]);
 * r.probs.data   // ≈ [0.13, 0.87, 0.00]
 */
export function softmaxCrossEntropy64(scores: Array64, labels: ArrayLike<number>): Loss64 & { probs: Array64 } {
  const s = rows('scores', scores);
  const [N, C] = s.shape;
  const y = checkLabels(labels, N, C);
  const probs = array64([N, C]);
  const d = array64([N, C]);
  let loss = 0;
  for (let n = 0; n < N; n++) {
    const o = n * C;
    const logZ = softmaxRow(s.data, o, C, probs.data);
    loss += logZ - s.data[o + y[n]];
    for (let j = 0; j < C; j++) d.data[o + j] = (probs.data[o + j] - (j === y[n] ? 1 : 0)) / N;
  }
  return { loss: loss / N, dscores: d, probs };
}

/**
 * The mean multiclass hinge (SVM) loss with margin Δ and its gradient; also each row's margins
 * max(0, sⱼ − s_y + Δ) (0 at the correct class).
 *
 * @example
 * nn.losses.hingeLoss64(nn.nets.array64([1, 3], [3.2, 5.1, -1.7]), [0]).loss   // 2.9 = max(0, 5.1 − 3.2 + 1) + max(0, −1.7 − 3.2 + 1)
 */
export function hingeLoss64(scores: Array64, labels: ArrayLike<number>, delta = 1): Loss64 & { margins: Array64 } {
  const s = rows('scores', scores);
  const [N, C] = s.shape;
  const y = checkLabels(labels, N, C);
  checkNumber('delta', delta, { min: 0 });
  const margins = array64([N, C]);
  const d = array64([N, C]);
  let loss = 0;
  for (let n = 0; n < N; n++) {
    const o = n * C;
    const sy = s.data[o + y[n]];
    let positive = 0;
    for (let j = 0; j < C; j++) {
      if (j === y[n]) continue;
      const m = s.data[o + j] - sy + delta;
      if (m > 0) {
        margins.data[o + j] = m;
        loss += m;
        d.data[o + j] = 1 / N;
        positive++;
      }
    }
    d.data[o + y[n]] = -positive / N;
  }
  return { loss: loss / N, dscores: d, margins };
}

/**
 * The squared error (1/2N)·Σ(p − t)² and its gradient (p − t)/N.
 *
 * @example
 * nn.losses.squaredError64(nn.nets.array64([1, 2], [1, 0]), nn.nets.array64([1, 2], [0, 0])).loss   // 0.5
 */
export function squaredError64(pred: Array64, target: Array64): Loss64 {
  const p = rows('pred', pred);
  const t = checkArray64('target', target, p.shape);
  const N = p.shape[0];
  const d = array64(p.shape);
  let loss = 0;
  for (let i = 0; i < p.data.length; i++) {
    const e = p.data[i] - t.data[i];
    loss += e * e;
    d.data[i] = e / N;
  }
  return { loss: loss / (2 * N), dscores: d };
}

/**
 * softplus(x) = log(1 + eˣ), without overflow for large x or loss of digits for very negative x.
 *
 * @example
 * nn.losses.softplus64(0)      // 0.693 = log 2
 * nn.losses.softplus64(1000)   // 1000 (no overflow)
 */
export function softplus64(x: number): number {
  return x > 0 ? x + Math.log1p(Math.exp(-x)) : Math.log1p(Math.exp(x));
}

/**
 * The mean logistic (binary cross-entropy) loss of one score per row, labels 0 or 1, and its
 * gradient σ(s) − y over N. Stable: log(1 + e^{−z}) is computed as softplus(−z).
 *
 * @example
 * nn.losses.logisticLoss64(nn.nets.array64([1, 1], [0]), [1]).loss   // 0.693 = log 2
 */
export function logisticLoss64(scores: Array64, labels: ArrayLike<number>): Loss64 {
  const s = rows('scores', scores);
  const [N, C] = s.shape;
  if (C !== 1) throw new ArgumentError('scores', s.shape, 'shape [N, 1] (one score per example)', `scores must have shape [N, 1] for the binary logistic loss, got [${s.shape.join(', ')}]`);
  const y = checkLabels(labels, N, 2);
  const d = array64([N, 1]);
  let loss = 0;
  for (let n = 0; n < N; n++) {
    const z = (2 * y[n] - 1) * s.data[n];
    loss += softplus64(-z);
    const sigma = s.data[n] >= 0 ? 1 / (1 + Math.exp(-s.data[n])) : Math.exp(s.data[n]) / (1 + Math.exp(s.data[n]));
    d.data[n] = (sigma - y[n]) / N;
  }
  return { loss: loss / N, dscores: d };
}

/**
 * This lesson's L2 penalty R = reg·ΣW² and its gradient 2·reg·W (the full loss is the data loss
 * plus R; biases are not penalised).
 *
 * @example
 * nn.losses.l2Penalty64(nn.nets.array64([2], [1, -2]), 0.1).loss   // 0.5
 */
export function l2Penalty64(W: Array64, reg: number): { loss: number; dW: Array64 } {
  const w = checkArray64('W', W);
  checkNumber('reg', reg, { min: 0 });
  const dW = array64(w.shape);
  let s = 0;
  for (let i = 0; i < w.data.length; i++) { s += w.data[i] * w.data[i]; dW.data[i] = 2 * reg * w.data[i]; }
  return { loss: reg * s, dW };
}
