/**
 * The weight penalties of lesson 08 as math: λ·R(W) over weight matrices (never the biases):
 *
 * | penalty | R(W) | ∂R/∂W |
 * |---|---|---|
 * | `l2` (weight decay) | ½·ΣW² | W |
 * | `l1` | Σ\|W\| | sign(W) (a subgradient: 0 at W = 0) |
 * | `elastic` | ρ·Σ\|W\| + (1 − ρ)·½·ΣW² | ρ·sign(W) + (1 − ρ)·W |
 *
 * {@link penaltyTerm} in float32 tensors, {@link penalty64} the float64 reference of tests, and
 * {@link weightStats}: what the weights look like after training (the fraction near zero).
 */
import * as tf from '@tensorflow/tfjs';
import { ArgumentError, checkNumber, checkOneOf } from '../../core/errors';

/** The penalties of the lesson. */
export const PENALTIES = ['l2', 'l1', 'elastic'] as const;
export type Penalty = typeof PENALTIES[number];

/** Each penalty in words, for tables and legends. */
export const PENALTY_LABELS: Readonly<Record<Penalty | 'none', string>> = {
  l2: 'L2 (weight decay)', l1: 'L1', elastic: 'elastic net (L1 + L2)', none: 'no penalty',
};

function checkPenaltyArgs(penalty: unknown, lambda: unknown, l1Ratio: unknown): { penalty: Penalty; lambda: number; rho: number } {
  return {
    penalty: checkOneOf('penalty', penalty, PENALTIES),
    lambda: checkNumber('lambda', lambda, { min: 0, max: 1e6 }),
    rho: checkNumber('l1Ratio', l1Ratio, { min: 0, max: 1 }),
  };
}

/**
 * λ·R(W) summed over `weights`, and its gradient for each weight tensor (new tensors, the
 * caller's); see the module comment. `l1Ratio` (ρ) mixes the elastic net.
 *
 * @example
 * const W = nn.tf.tensor2d([[1, -2], [0, 3]]);
 * const { loss, grads } = nn.regularization.penaltyTerm([W], 'l1', 0.1);
 * loss.dataSync()[0]       // 0.6 = 0.1 · (1 + 2 + 0 + 3)
 * grads[0].dataSync()      // [0.1, -0.1, 0, 0.1]: sign(W), 0 at 0
 * nn.tf.dispose([W, loss, ...grads]);
 */
export function penaltyTerm(weights: readonly tf.Tensor[], penalty: Penalty, lambda: number, l1Ratio = 0.5): { loss: tf.Scalar; grads: tf.Tensor[] } {
  const { penalty: p, lambda: lam, rho } = checkPenaltyArgs(penalty, lambda, l1Ratio);
  if (!Array.isArray(weights) || weights.length === 0) throw new ArgumentError('weights', weights, 'a non-empty array of weight tensors');
  const [a, b] = p === 'l2' ? [0, 1] : p === 'l1' ? [1, 0] : [rho, 1 - rho];
  return tf.tidy(() => {
    const terms = weights.map((w) => tf.add(tf.mul(a, tf.sum(tf.abs(w))), tf.mul(0.5 * b, tf.sum(tf.square(w)))));
    const loss = tf.mul(lam, tf.addN(terms)) as tf.Scalar;
    const grads = weights.map((w) => tf.mul(lam, tf.add(tf.mul(a, tf.sign(w)), tf.mul(b, w))));
    return { loss, grads };
  });
}

/**
 * The float64 reference of {@link penaltyTerm} for one weight array: λ·R(w) and λ·∂R/∂w.
 *
 * @example
 * nn.regularization.penalty64([1, -2, 0, 3], 'elastic', 0.1, 0.5)
 * // { loss: 0.1·(0.5·6 + 0.5·0.5·14) = 0.65, grad: [0.1, -0.15, 0, 0.2] }
 */
export function penalty64(w: readonly number[], penalty: Penalty, lambda: number, l1Ratio = 0.5): { loss: number; grad: number[] } {
  const { penalty: p, lambda: lam, rho } = checkPenaltyArgs(penalty, lambda, l1Ratio);
  const [a, b] = p === 'l2' ? [0, 1] : p === 'l1' ? [1, 0] : [rho, 1 - rho];
  let abs = 0;
  let sq = 0;
  for (const v of w) { abs += Math.abs(v); sq += v * v; }
  return { loss: lam * (a * abs + 0.5 * b * sq), grad: w.map((v) => lam * (a * Math.sign(v) + b * v)) };
}

// ============================================================================ weight statistics

/** A weight's magnitude below this fraction of the largest one counts as (near) zero. */
export const NEAR_ZERO = 1e-3;

/** What the weights look like at the end of a run. */
export interface WeightStats {
  /** Fraction of weights (W₁ and W₂) with |w| < NEAR_ZERO · max|w|. */
  nearZero: number;
  meanAbs: number;
  maxAbs: number;
  /** √Σw² over W₁ and W₂. */
  norm: number;
}

/**
 * The statistics of {@link WeightStats} over weight arrays (float64 sums).
 *
 * @example
 * nn.regularization.weightStats([Float32Array.from([1, 0, 0.0001, -0.5])]).nearZero   // 0.5
 */
export function weightStats(arrays: readonly ArrayLike<number>[]): WeightStats {
  let max = 0;
  let abs = 0;
  let sq = 0;
  let n = 0;
  for (const a of arrays) for (let i = 0; i < a.length; i++) { const v = Math.abs(a[i]); max = Math.max(max, v); abs += v; sq += v * v; n += 1; }
  let zeros = 0;
  for (const a of arrays) for (let i = 0; i < a.length; i++) if (Math.abs(a[i]) < NEAR_ZERO * max) zeros += 1;
  return { nearZero: n === 0 ? 0 : zeros / n, meanAbs: n === 0 ? 0 : abs / n, maxAbs: max, norm: Math.sqrt(sq) };
}

