/**
 * Numerical vs analytic gradients (lesson 12): how the step h of the centred difference
 *
 *   n = (f(x + h) − f(x − h)) / 2h
 *
 * decides the error, in float64 and in float32, and where kinks give false alarms. The lesson's
 * one convention for the error is relError = |a − n| / max(|a|, |n|) (core/gradCheck's
 * `gradRelErrorMax`, used by `gradCheckRecord`).
 *
 * Two errors add up: truncation, n − f′ = h²·f‴/6 + O(h⁴), falls with h; rounding, about ε·|f| / h
 * (each f carries a relative error ε, and the difference of two nearly equal numbers keeps only
 * the absolute part, divided by 2h), grows as h shrinks. The sum is smallest near h* ∝ ∛ε:
 * ≈ 6e-6 in float64 (ε = 2.2e-16), ≈ 5e-3 in float32 (ε = 1.2e-7), where the error is about ε^(2/3):
 * ~1e-10 and ~1e-5. So a float32 check at h = 1e-5 fails the float64 tolerance 1e-7 by orders of
 * magnitude, and float32 needs its own h and tolerance: {@link FLOAT32_GRADCHECK}.
 *
 * @example
 * const r = await nn.losses.gradErrorVsH();
 * r.dtypes.map((d) => [d.dtype, d.bestH, d.cbrtEps])   // the best h within a factor of a few of ∛ε
 * nn.losses.showGradErrorVsH(r);
 */
import * as tf from '@tensorflow/tfjs';
import { ArgumentError } from '../../core/errors';
import { GRAD_CHECK_THRESHOLDS, gradRelErrorMax } from '../../core/gradCheck';
import { defineOptions, int, list, number, seed } from '../../core/options';
import { ProgressOption } from '../../core/progress';
import { ExperimentRecord, provenance } from '../../core/record';
import { mulberry32, randomNormal, seedStream } from '../../core/rng';
import { experimentProgress } from '../../show/progress';

/** Machine epsilon of each dtype (the gap between 1 and the next number). */
export const MACHINE_EPSILON = { float64: Number.EPSILON, float32: 2 ** -23 } as const;
export type GradDtype = keyof typeof MACHINE_EPSILON;

/** The float64 gradient check of the lesson: h = 1e-5 (near ∛ε ≈ 6e-6), tolerance 1e-7. */
export const FLOAT64_GRADCHECK = { h: 1e-5, tolerance: GRAD_CHECK_THRESHOLDS.right } as const;

/**
 * The float32 gradient check (tfjs tensors): h = 1e-2 (near ∛ε ≈ 5e-3), tolerance 1e-2 (lesson
 * 05's float32 check uses the same). Measured on this lesson's softmax classifier (gradErrorVsH,
 * seeds 0-2, cpu backend): the max relative error over W's coordinates is 1.6e-4 to 6.1e-4 at
 * h = 1e-2 (truncation ~1e-4 plus float32 rounding) and 0.11 to 0.20 at h = 1e-5, where float64
 * gives 1e-10. A wrong gradient (a transposed matrix, a missing 1/N) is off by far more than 1e-2.
 */
export const FLOAT32_GRADCHECK = { h: 1e-2, tolerance: 1e-2 } as const;

/** Defaults of {@link gradErrorVsH}: the softmax classifier's loss f(W) with W of 4 × 3, X of 5 × 4, h from 1 to 1e-12. */
export const GRAD_H_DEFAULTS = { examples: 5, inputs: 4, classes: 3, minExponent: -12, maxExponent: 0, perDecade: 4, seed: 0 };

export const GRAD_H_FIELDS = {
  /** N: rows of X. */
  examples: int({ min: 1, max: 1000, default: GRAD_H_DEFAULTS.examples }),
  /** D: columns of X, rows of W. */
  inputs: int({ min: 1, max: 100, default: GRAD_H_DEFAULTS.inputs }),
  /** C: classes. */
  classes: int({ min: 2, max: 100, default: GRAD_H_DEFAULTS.classes }),
  /** h runs over 10^minExponent … 10^maxExponent. */
  minExponent: int({ min: -16, max: -1, default: GRAD_H_DEFAULTS.minExponent }),
  maxExponent: int({ min: -8, max: 1, default: GRAD_H_DEFAULTS.maxExponent }),
  perDecade: int({ min: 1, max: 20, default: GRAD_H_DEFAULTS.perDecade }),
  seed: seed({ default: GRAD_H_DEFAULTS.seed }),
};
export const GRAD_H_OPTIONS = defineOptions('losses.gradErrorVsH', GRAD_H_FIELDS, {
  rules: (c) => {
    if (c.minExponent >= c.maxExponent) throw new ArgumentError('minExponent', c.minExponent, `an integer below maxExponent (${c.maxExponent})`);
  },
});
export type GradErrorVsHConfig = ReturnType<typeof GRAD_H_OPTIONS.resolve>;
/** Options of {@link gradErrorVsH}. */
export type GradErrorVsHOptions = Partial<GradErrorVsHConfig> & { progress?: ProgressOption };

/** One dtype's curve. */
export interface GradDtypeCurve {
  dtype: GradDtype;
  epsilon: number;
  /** ∛ε, where theory puts the best h. */
  cbrtEps: number;
  /** The largest relative error over W's coordinates, at each h. */
  maxRelError: number[];
  /** The median over the coordinates, at each h. */
  medianRelError: number[];
  /** The h with the smallest maxRelError, and that error. */
  bestH: number;
  bestError: number;
  /** maxRelError at h = 1e-5 (the float64 habit). */
  atH1e5: number;
  /** Does the check at h = 1e-5 pass the float64 tolerance 1e-7? */
  passesAtH1e5: boolean;
}

/** What {@link gradErrorVsH} returns: plain JSON. */
export interface GradErrorVsHRecord extends ExperimentRecord<GradErrorVsHConfig> {
  experiment: 'lossesGradErrorVsH';
  /** The function, in words. */
  f: string;
  /** Its data: X [N, D] and W [D, C] row-major (float32 numbers), the labels. */
  problem: { N: number; D: number; C: number; X: number[]; W: number[]; y: number[] };
  h: number[];
  dtypes: GradDtypeCurve[];
  /** The tolerances the lesson uses (float64: 1e-7 at h = 1e-5; float32: FLOAT32_GRADCHECK). */
  tolerances: { float64: typeof FLOAT64_GRADCHECK; float32: typeof FLOAT32_GRADCHECK };
  meta: { ms: number };
}

/** The softmax classifier's data: X, W (exactly float32-representable) and labels. */
interface Problem { N: number; D: number; C: number; X: Float64Array; W: Float64Array; y: number[] }

function problem(c: GradErrorVsHConfig): Problem {
  const random = mulberry32(seedStream(c.seed).derive('problem'));
  const draw = (n: number) => Float64Array.from({ length: n }, () => Math.fround(randomNormal(random)));
  return {
    N: c.examples, D: c.inputs, C: c.classes, X: draw(c.examples * c.inputs), W: draw(c.inputs * c.classes),
    y: Array.from({ length: c.examples }, (_, n) => n % c.classes),
  };
}

/** The mean softmax cross-entropy of X·W and its gradient Xᵀ(P − Y)/N, float64. */
function loss64(p: Problem, W: Float64Array): { loss: number; grad: Float64Array } {
  const { N, D, C, X, y } = p;
  const grad = new Float64Array(D * C);
  let loss = 0;
  for (let n = 0; n < N; n++) {
    const s = new Float64Array(C);
    for (let d = 0; d < D; d++) for (let k = 0; k < C; k++) s[k] += X[n * D + d] * W[d * C + k];
    const m = Math.max(...s);
    let z = 0;
    for (let k = 0; k < C; k++) z += Math.exp(s[k] - m);
    loss += Math.log(z) + m - s[y[n]];
    for (let k = 0; k < C; k++) {
      const dk = Math.exp(s[k] - m) / z - (k === y[n] ? 1 : 0);
      for (let d = 0; d < D; d++) grad[d * C + k] += (X[n * D + d] * dk) / N;
    }
  }
  return { loss: loss / N, grad };
}

function median(v: readonly number[]): number {
  const s = [...v].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}

/**
 * The max (and median) relative error of the centred difference over all coordinates of W, for
 * the mean softmax cross-entropy of a small linear classifier f(W) = CE(X·W, y), against the exact
 * float64 gradient, at each h from 10^maxExponent down to 10^minExponent: in float64 JS and in
 * tfjs float32 tensors (X and W are float32 numbers, so both evaluate the same function; the
 * float32 side rounds W ± h to float32 as a float32 program does). Progress: one unit per h.
 *
 * @example
 * const r = await nn.losses.gradErrorVsH({ perDecade: 2 });
 * r.dtypes[1].passesAtH1e5   // false: float32 at h = 1e-5 fails the 1e-7 tolerance
 */
export async function gradErrorVsH(options: GradErrorVsHOptions = {}): Promise<GradErrorVsHRecord> {
  const started = performance.now();
  const { config: c, progress } = GRAD_H_OPTIONS.take(options);
  const p = problem(c);
  const exact = loss64(p, p.W).grad;
  const count = (c.maxExponent - c.minExponent) * c.perDecade + 1;
  const h = Array.from({ length: count }, (_, i) => 10 ** (c.maxExponent - i / c.perDecade));
  const bar = experimentProgress(progress, { label: 'losses.gradErrorVsH' });
  const X32 = tf.tensor2d(Float32Array.from(p.X), [p.N, p.D]);
  const Y32 = tf.tidy(() => tf.oneHot(tf.tensor1d(p.y, 'int32'), p.C).toFloat());
  const f32 = (W: Float32Array): number => tf.tidy(() => tf.losses.softmaxCrossEntropy(Y32, X32.matMul(tf.tensor2d(W, [p.D, p.C]))).dataSync()[0]);
  const curves: Record<GradDtype, number[][]> = { float64: [], float32: [] };
  try {
    for (const [k, step] of h.entries()) {
      const e64: number[] = [];
      const e32: number[] = [];
      const W = Float64Array.from(p.W);
      const W32 = Float32Array.from(p.W);
      for (let i = 0; i < W.length; i++) {
        W[i] = p.W[i] + step;
        const plus = loss64(p, W).loss;
        W[i] = p.W[i] - step;
        const minus = loss64(p, W).loss;
        W[i] = p.W[i];
        e64.push(gradRelErrorMax(exact[i], (plus - minus) / (2 * step)));
        W32[i] = p.W[i] + step;
        const plus32 = f32(W32);
        W32[i] = p.W[i] - step;
        const minus32 = f32(W32);
        W32[i] = p.W[i];
        e32.push(gradRelErrorMax(exact[i], (plus32 - minus32) / (2 * step)));
      }
      curves.float64.push(e64);
      curves.float32.push(e32);
      bar.report({ done: k + 1, total: count, phase: `h = ${step.toExponential(1)}`, metrics: { float64: Math.max(...e64), float32: Math.max(...e32) } });
    }
  } finally {
    tf.dispose([X32, Y32]);
    bar.finish();
  }
  const i5 = h.reduce((best, v, i) => (Math.abs(Math.log10(v) + 5) < Math.abs(Math.log10(h[best]) + 5) ? i : best), 0);
  const dtypes = (['float64', 'float32'] as const).map((dtype): GradDtypeCurve => {
    const maxRelError = curves[dtype].map((row) => Math.max(...row));
    const best = maxRelError.reduce((b, v, i) => (v < maxRelError[b] ? i : b), 0);
    return {
      dtype, epsilon: MACHINE_EPSILON[dtype], cbrtEps: Math.cbrt(MACHINE_EPSILON[dtype]),
      maxRelError, medianRelError: curves[dtype].map(median), bestH: h[best], bestError: maxRelError[best],
      atH1e5: maxRelError[i5], passesAtH1e5: maxRelError[i5] <= FLOAT64_GRADCHECK.tolerance,
    };
  });
  return {
    experiment: 'lossesGradErrorVsH', options: c, ...provenance(),
    f: `f(W) = mean softmax cross-entropy of X·W (X ${p.N}×${p.D}, W ${p.D}×${p.C}, N(0, 1) float32 numbers), every coordinate of W`,
    problem: { N: p.N, D: p.D, C: p.C, X: Array.from(p.X), W: Array.from(p.W), y: p.y },
    h, dtypes, tolerances: { float64: FLOAT64_GRADCHECK, float32: FLOAT32_GRADCHECK }, meta: { ms: performance.now() - started },
  };
}

// ---------------------------------------------------------------------------------------------
// Kinks

/** Defaults of {@link kinks}: 10,000 inputs from N(0, 1), h from 1e-7 to 1e-1. */
export const KINKS_DEFAULTS = { count: 10_000, std: 1, hs: [1e-7, 1e-6, 1e-5, 1e-4, 1e-3, 1e-2, 1e-1], seed: 0 };

export const KINKS_FIELDS = {
  /** How many inputs xᵢ of f(x) = Σ cᵢ·max(0, xᵢ). */
  count: int({ min: 1, max: 1_000_000, default: KINKS_DEFAULTS.count }),
  /** Their std (they are N(0, std²)). */
  std: number({ min: 1e-6, max: 1e6, default: KINKS_DEFAULTS.std }),
  hs: list(number({ min: 1e-12, max: 1 }), { minLength: 1, maxLength: 50, default: KINKS_DEFAULTS.hs }),
  seed: seed({ default: KINKS_DEFAULTS.seed }),
};
export const KINKS_OPTIONS = defineOptions('losses.kinks', KINKS_FIELDS);
export type KinksConfig = ReturnType<typeof KINKS_OPTIONS.resolve>;
/** Options of {@link kinks}. */
export type KinksOptions = Partial<KinksConfig>;

/** One worked kink. */
export interface KinkExample { gate: string; at: string; analytic: number; numeric: number; relError: number }

/** One h of the kink study. */
export interface KinkRow {
  h: number;
  /** Fraction of inputs with |xᵢ| < h (x − h and x + h straddle the kink at 0). */
  withinH: number;
  /** Fraction of coordinates whose check fails the 1e-7 tolerance. */
  falseAlarms: number;
  /** Theory for N(0, σ²): P(|x| < h) = erf(h / (σ√2)) ≈ 2h / (σ√(2π)). */
  expected: number;
  /** The largest relative error among them. */
  worst: number;
}

/** What {@link kinks} returns: plain JSON. */
export interface KinksRecord extends ExperimentRecord<KinksConfig> {
  experiment: 'lossesKinks';
  examples: KinkExample[];
  rows: KinkRow[];
  meta: { ms: number };
}

function erf(x: number): number {
  // Abramowitz & Stegun 7.1.26 is too coarse for tiny x; use the series for |x| < 3, else 1
  if (Math.abs(x) >= 3) return Math.sign(x);
  let sum = x;
  let term = x;
  for (let n = 1; n < 60; n++) {
    term *= (-x * x) / n;
    sum += term / (2 * n + 1);
  }
  return (2 / Math.sqrt(Math.PI)) * sum;
}

const relu = (v: number) => (v > 0 ? v : 0);

/**
 * Kinks as false alarms: f(x) = Σ cᵢ·max(0, xᵢ) with xᵢ ~ N(0, std²), cᵢ ~ N(0, 1); the analytic
 * gradient cᵢ·[xᵢ > 0] against the centred difference at each h. Wherever x − h < 0 < x + h the
 * difference sees half a kink, (x + h)/(2h) of cᵢ instead of 0 or cᵢ, and the check fails, though
 * the gradient is right. The fraction of failures equals the fraction of inputs within h of 0.
 * Also the worked cases: ReLU at exactly 0 (numeric ½ vs analytic 0), a max tie (½ vs 1), ReLU
 * just above 0.
 *
 * @example
 * const r = nn.losses.kinks();
 * r.rows.map((row) => [row.h, row.withinH, row.falseAlarms])   // the two fractions are equal
 */
export function kinks(options: KinksOptions = {}): KinksRecord {
  const started = performance.now();
  const c = KINKS_OPTIONS.resolve(options);
  const random = mulberry32(seedStream(c.seed).derive('kinks'));
  const x = Float64Array.from({ length: c.count }, () => c.std * randomNormal(random));
  const w = Float64Array.from({ length: c.count }, () => randomNormal(random));
  const rows: KinkRow[] = c.hs.map((h) => {
    let within = 0;
    let alarms = 0;
    let worst = 0;
    for (let i = 0; i < c.count; i++) {
      if (Math.abs(x[i]) < h) within++;
      const a = x[i] > 0 ? w[i] : 0;
      const n = (w[i] * relu(x[i] + h) - w[i] * relu(x[i] - h)) / (2 * h);
      const r = gradRelErrorMax(a, n);
      if (r > FLOAT64_GRADCHECK.tolerance) alarms++;
      worst = Math.max(worst, r);
    }
    return { h, withinH: within / c.count, falseAlarms: alarms / c.count, expected: erf(h / (c.std * Math.SQRT2)), worst };
  });
  const h = FLOAT64_GRADCHECK.h;
  const centred = (f: (v: number) => number, v: number) => (f(v + h) - f(v - h)) / (2 * h);
  const example = (gate: string, at: string, analytic: number, numeric: number): KinkExample => ({ gate, at, analytic, numeric, relError: gradRelErrorMax(analytic, numeric) });
  const examples = [
    example('ReLU max(0, x)', 'x = 0 (analytic: 0, the convention of x > 0)', 0, centred(relu, 0)),
    example('ReLU max(0, x)', `x = 0.3·h = ${(0.3 * h).toExponential(1)}`, 1, centred(relu, 0.3 * h)),
    example('max(x, y), ∂/∂x', 'x = y = 1 (a tie; analytic routes to x: 1)', 1, centred((v) => Math.max(v, 1), 1)),
    example('ReLU max(0, x)', 'x = 2h (away from the kink)', 1, centred(relu, 2 * h)),
  ];
  return { experiment: 'lossesKinks', options: c, ...provenance(), examples, rows, meta: { ms: performance.now() - started } };
}
