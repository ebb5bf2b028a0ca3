/**
 * Lesson 12's losses as functions (float64 JS, the foundation in losses64.ts):
 *
 * - `lossExample(scores, label, delta)`: one example's softmax probabilities, cross-entropy,
 *   hinge margins and both gradients (the worked example: scores 3.2, 5.1, −1.7 for cat, car,
 *   frog, the correct class cat);
 * - `svmLoss64(W, X, y, { delta, reg })`: the linear SVM's full loss, data loss + λR with
 *   R = ΣW², and its gradient dW;
 * - the experiment `lossShapes`: every loss as a function of the correct class's score (the
 *   others fixed), with its derivative, where hinge stops caring, and the sanity values at
 *   initialisation (cross-entropy ≈ log C, hinge ≈ (C − 1)·Δ with tiny weights).
 *
 * @example
 * const r = nn.losses.lossShapes();
 * r.example.crossEntropy   // 2.04
 * r.example.hinge          // 2.9
 * nn.losses.showLossShapes(r);
 */
import { ArgumentError, checkInt, checkNumber } from '../../core/errors';
import { defineOptions, int, list, number, range, seed } from '../../core/options';
import { ExperimentRecord, provenance } from '../../core/record';
import { type Array64, array64, checkArray64, randn64 } from '../../nets/array64';
import { checkLabels, hingeLoss64, l2Penalty64, softmaxCrossEntropy64, softplus64, squaredError64 } from './losses64';

/** The worked example's scores (cat, car, frog) and its correct class (cat). */
export const WORKED_SCORES = [3.2, 5.1, -1.7] as const;
export const WORKED_CLASSES = ['cat', 'car', 'frog'] as const;
export const WORKED_LABEL = 0;

/** One example's losses and gradients. */
export interface LossExample {
  scores: number[];
  label: number;
  delta: number;
  /** Softmax probabilities (max trick). */
  probs: number[];
  /** −log p_label. */
  crossEntropy: number;
  /** ∂CE/∂s = p − onehot(label). */
  dCrossEntropy: number[];
  /** max(0, sⱼ − s_label + Δ) per class, 0 at the label. */
  margins: number[];
  /** Σ margins. */
  hinge: number;
  /** ∂hinge/∂s: 1 where a margin is positive, −(their count) at the label. */
  dHinge: number[];
}

/**
 * One example's softmax cross-entropy and multiclass hinge, with probabilities, margins and both
 * gradients (losses64's functions on one row).
 *
 * @example
 * const e = nn.losses.lossExample([3.2, 5.1, -1.7], 0);
 * e.probs          // ≈ [0.130, 0.869, 0.001]
 * e.crossEntropy   // ≈ 2.04
 * e.margins        // [0, 2.9, 0]: only the car violates the margin
 */
export function lossExample(scores: readonly number[], label: number, delta = 1): LossExample {
  if (!Array.isArray(scores) || scores.length < 2) throw new ArgumentError('scores', scores, 'an array of at least 2 class scores');
  scores.forEach((s, i) => checkNumber(`scores[${i}]`, s, { min: -1e300, max: 1e300 }));
  checkNumber('delta', delta, { min: 0, max: 1e6 });
  const [y] = checkLabels([label], 1, scores.length);
  const s = array64([1, scores.length], scores);
  const ce = softmaxCrossEntropy64(s, [y]);
  const hinge = hingeLoss64(s, [y], delta);
  return {
    scores: [...scores], label: y, delta,
    probs: Array.from(ce.probs.data), crossEntropy: ce.loss, dCrossEntropy: Array.from(ce.dscores.data),
    margins: Array.from(hinge.margins.data), hinge: hinge.loss, dHinge: Array.from(hinge.dscores.data),
  };
}

/** What {@link svmLoss64} returns. */
export interface SvmLoss64 {
  /** data loss + reg·ΣW². */
  loss: number;
  dataLoss: number;
  regLoss: number;
  /** ∂loss/∂W, shape [D, C]. */
  dW: Array64;
  /** The scores X·W, [N, C]. */
  scores: Array64;
}

/** X [N, D] · W [D, C] in float64. */
function matmul64(X: Array64, W: Array64): Array64 {
  const [N, D] = X.shape;
  const C = W.shape[1];
  const out = array64([N, C]);
  for (let n = 0; n < N; n++) {
    for (let d = 0; d < D; d++) {
      const x = X.data[n * D + d];
      if (x === 0) continue;
      for (let c = 0; c < C; c++) out.data[n * C + c] += x * W.data[d * C + c];
    }
  }
  return out;
}

/**
 * The linear SVM of the lecture: scores = X·W, the mean multiclass hinge loss with margin Δ plus
 * the L2 penalty reg·ΣW² (the full loss "data loss + λR"), and its gradient
 * dW = Xᵀ·∂hinge/∂scores + 2·reg·W. Float64, so a centred-difference check reaches 1e-9.
 *
 * @example
 * const W = nn.nets.randn64([4, 3], 1, 0.01), X = nn.nets.randn64([5, 4], 2);
 * const r = nn.losses.svmLoss64(W, X, [0, 1, 2, 0, 1], { delta: 1, reg: 0.1 });
 * r.dataLoss   // ≈ 2 = (C − 1)·Δ: tiny weights, every margin ≈ Δ
 */
export function svmLoss64(W: Array64, X: Array64, labels: ArrayLike<number>, options: { delta?: number; reg?: number } = {}): SvmLoss64 {
  const w = checkArray64('W', W);
  const x = checkArray64('X', X);
  if (w.shape.length !== 2) throw new ArgumentError('W', w.shape, 'shape [D, C] (one column of weights per class)', `W must have shape [D, C], got [${w.shape.join(', ')}]`);
  if (x.shape.length !== 2 || x.shape[1] !== w.shape[0]) {
    throw new ArgumentError('X', x.shape, `shape [N, ${w.shape[0]}] (D = W's rows)`, `X must have shape [N, ${w.shape[0]}] to match W [${w.shape.join(', ')}], got [${x.shape.join(', ')}]`);
  }
  if (options === null || typeof options !== 'object') throw new ArgumentError('options', options, 'an object { delta, reg }');
  const delta = checkNumber('delta', options.delta ?? 1, { min: 0, max: 1e6 });
  const reg = checkNumber('reg', options.reg ?? 0, { min: 0, max: 1e6 });
  const [N, D] = x.shape;
  const C = w.shape[1];
  checkLabels(labels, N, C);
  const scores = matmul64(x, w);
  const hinge = hingeLoss64(scores, labels, delta);
  const penalty = l2Penalty64(w, reg);
  const dW = array64([D, C]);
  for (let n = 0; n < N; n++) {
    for (let d = 0; d < D; d++) {
      const xv = x.data[n * D + d];
      if (xv === 0) continue;
      for (let c = 0; c < C; c++) dW.data[d * C + c] += xv * hinge.dscores.data[n * C + c];
    }
  }
  for (let i = 0; i < dW.data.length; i++) dW.data[i] += penalty.dW.data[i];
  return { loss: hinge.loss + penalty.loss, dataLoss: hinge.loss, regLoss: penalty.loss, dW, scores };
}

/** The loss curves' names, in the figures' order. */
export const LOSS_CURVES = ['hinge', 'crossEntropy', 'logistic', 'squaredError'] as const;
export type LossCurveName = typeof LOSS_CURVES[number];
export const LOSS_CURVE_LABELS: Readonly<Record<LossCurveName, string>> = {
  hinge: 'multiclass hinge (Δ = 1)', crossEntropy: 'softmax cross-entropy', logistic: 'logistic (binary, score = logit)', squaredError: 'squared error on softmax outputs',
};

/** Defaults of {@link lossShapes}: the worked example, s_y from −6 to 10 in 161 points, sanity with C = 10. */
export const LOSS_SHAPES_DEFAULTS = {
  scores: [...WORKED_SCORES], label: WORKED_LABEL, delta: 1, range: [-6, 10] as [number, number], points: 161,
  sanityClasses: 10, sanityStd: 1e-4, seed: 0,
};

/** The options of {@link lossShapes}, declared once. */
export const LOSS_SHAPES_FIELDS = {
  /** The class scores of the worked example (the correct class's score is the one swept). */
  scores: list(number({ min: -1e6, max: 1e6 }), { minLength: 2, maxLength: 100, default: LOSS_SHAPES_DEFAULTS.scores }),
  label: int({ min: 0, max: 99, default: LOSS_SHAPES_DEFAULTS.label }),
  /** The hinge's margin Δ. */
  delta: number({ min: 0, max: 100, default: LOSS_SHAPES_DEFAULTS.delta }),
  /** The swept range of the correct class's score. */
  range: range({ limit: 1e4, default: LOSS_SHAPES_DEFAULTS.range }),
  points: int({ min: 2, max: 10_001, default: LOSS_SHAPES_DEFAULTS.points }),
  /** C of the sanity check (a linear classifier with tiny weights on random inputs). */
  sanityClasses: int({ min: 2, max: 1000, default: LOSS_SHAPES_DEFAULTS.sanityClasses }),
  /** The std of the sanity check's weights. */
  sanityStd: number({ min: 0, max: 1, default: LOSS_SHAPES_DEFAULTS.sanityStd }),
  seed: seed({ default: LOSS_SHAPES_DEFAULTS.seed }),
};
export const LOSS_SHAPES_OPTIONS = defineOptions('losses.lossShapes', LOSS_SHAPES_FIELDS, {
  rules: (c) => {
    if (c.label >= c.scores.length) throw new ArgumentError('label', c.label, `an integer in [0, ${c.scores.length - 1}] (one of the ${c.scores.length} scores)`);
  },
});
export type LossShapesConfig = ReturnType<typeof LOSS_SHAPES_OPTIONS.resolve>;
/** Options of {@link lossShapes}. */
export type LossShapesOptions = Partial<LossShapesConfig>;

/** One loss over the sweep. */
export interface LossCurve { name: LossCurveName; label: string; loss: number[]; dLoss: number[] }

/** The sanity values at initialisation. */
export interface LossSanity {
  classes: number; examples: number; std: number;
  crossEntropy: number; logC: number;
  hinge: number; expectedHinge: number;
}

/** What {@link lossShapes} returns: plain JSON. */
export interface LossShapesRecord extends ExperimentRecord<LossShapesConfig> {
  experiment: 'lossesLossShapes';
  /** The worked example at its own scores. */
  example: LossExample;
  /** The class names of the worked example (cat, car, frog) when it has 3 classes; else "class j". */
  classes: string[];
  /** The swept correct-class score. */
  x: number[];
  curves: LossCurve[];
  /**
   * Where hinge becomes 0 and stays 0: s_y ≥ max_{j≠y} sⱼ + Δ. Beyond it the hinge gradient is 0
   * while the cross-entropy's −(1 − p_y) is not (it only tends to 0).
   */
  hingeZeroFrom: number;
  /** ∂CE/∂s_y at hingeZeroFrom and at the end of the sweep. */
  crossEntropyGradAtHingeZero: number;
  crossEntropyGradAtEnd: number;
  sanity: LossSanity;
  meta: { ms: number };
}

/**
 * Each loss as a function of the correct class's score s_y, the other scores fixed: multiclass
 * hinge (Σ_{j≠y} max(0, sⱼ − s_y + Δ)), softmax cross-entropy (−log p_y), logistic on s_y as a
 * binary logit (log(1 + e^{−s_y})) and squared error on the softmax outputs (½Σ(pⱼ − tⱼ)²), with
 * ∂L/∂s_y; the worked example; where hinge stops caring; and the sanity values at initialisation
 * (a linear classifier with weights of std 1e-4 on N(0, 1) inputs: CE ≈ log C, hinge ≈ (C − 1)·Δ).
 *
 * @example
 * const r = nn.losses.lossShapes({ scores: [3.2, 5.1, -1.7], label: 0 });
 * r.hingeZeroFrom   // 6.1 = 5.1 + Δ
 * r.sanity.crossEntropy - r.sanity.logC   // ≈ 0
 */
export function lossShapes(options: LossShapesOptions = {}): LossShapesRecord {
  const started = performance.now();
  const c = LOSS_SHAPES_OPTIONS.resolve(options);
  const example = lossExample(c.scores, c.label, c.delta);
  const C = c.scores.length;
  const x = Array.from({ length: c.points }, (_, i) => c.range[0] + ((c.range[1] - c.range[0]) * i) / (c.points - 1));
  const curves: LossCurve[] = LOSS_CURVES.map((name) => ({ name, label: LOSS_CURVE_LABELS[name], loss: [], dLoss: [] }));
  const at = (name: LossCurveName) => curves.find((k) => k.name === name) as LossCurve;
  const target = array64([1, C]);
  target.data[c.label] = 1;
  for (const sy of x) {
    const scores = [...c.scores];
    scores[c.label] = sy;
    const e = lossExample(scores, c.label, c.delta);
    at('hinge').loss.push(e.hinge);
    at('hinge').dLoss.push(e.dHinge[c.label]);
    at('crossEntropy').loss.push(e.crossEntropy);
    at('crossEntropy').dLoss.push(e.dCrossEntropy[c.label]);
    at('logistic').loss.push(softplus64(-sy));
    at('logistic').dLoss.push(-1 / (1 + Math.exp(sy)));   // σ(s) − 1
    const p = array64([1, C], e.probs);
    const mse = squaredError64(p, target);
    at('squaredError').loss.push(mse.loss);
    at('squaredError').dLoss.push(softmaxBackwardRow(e.probs, Array.from(mse.dscores.data))[c.label]);
  }
  const others = c.scores.filter((_, j) => j !== c.label);
  const hingeZeroFrom = Math.max(...others) + c.delta;
  const ceGrad = (sy: number) => { const s = [...c.scores]; s[c.label] = sy; return lossExample(s, c.label, c.delta).dCrossEntropy[c.label]; };
  return {
    experiment: 'lossesLossShapes', options: c, ...provenance(),
    example, classes: C === 3 ? [...WORKED_CLASSES] : Array.from({ length: C }, (_, j) => `class ${j}`),
    x, curves, hingeZeroFrom, crossEntropyGradAtHingeZero: ceGrad(hingeZeroFrom), crossEntropyGradAtEnd: ceGrad(c.range[1]),
    sanity: lossSanity(c.sanityClasses, c.sanityStd, c.delta, c.seed),
    meta: { ms: performance.now() - started },
  };
}

/**
 * ∂L/∂s from ∂L/∂p through the softmax: ∂L/∂sⱼ = Σᵢ ∂L/∂pᵢ · pᵢ(δᵢⱼ − pⱼ) = pⱼ·(∂L/∂pⱼ − Σᵢ pᵢ·∂L/∂pᵢ).
 *
 * @example
 * nn.losses.softmaxBackwardRow([0.5, 0.5], [1, 0])   // [0.25, −0.25]
 */
export function softmaxBackwardRow(p: readonly number[], dp: readonly number[]): number[] {
  if (!Array.isArray(p) || !Array.isArray(dp) || p.length !== dp.length || p.length === 0) throw new ArgumentError('dp', dp, `an array of ${Array.isArray(p) ? p.length : '?'} numbers, like p`);
  let dot = 0;
  for (let i = 0; i < p.length; i++) dot += p[i] * dp[i];
  return p.map((pj, j) => pj * (dp[j] - dot));
}

/**
 * The sanity check of the lecture: a linear classifier with tiny weights (std `std`) on 100
 * random N(0, 1) inputs of 50 dimensions: every score ≈ 0, so p ≈ 1/C and CE ≈ log C, and every
 * margin ≈ Δ, so hinge ≈ (C − 1)·Δ. A first loss far from these says the loss (or the init) is wrong.
 *
 * @example
 * const s = nn.losses.lossSanity(10);
 * [s.crossEntropy, s.logC]        // ≈ [2.3026, 2.3026]
 * [s.hinge, s.expectedHinge]      // ≈ [9, 9]
 */
export function lossSanity(classes: number, std = 1e-4, delta = 1, seedValue = 0): LossSanity {
  checkInt('classes', classes, { min: 2, max: 1000 });
  checkNumber('std', std, { min: 0, max: 1 });
  checkNumber('delta', delta, { min: 0, max: 1e6 });
  checkInt('seed', seedValue, { min: 0 });
  const N = 100;
  const D = 50;
  const X = randn64([N, D], seedValue + 1);
  const W = randn64([D, classes], seedValue + 2, std);
  const labels = Array.from({ length: N }, (_, n) => n % classes);
  const scores = matmul64(X, W);
  return {
    classes, examples: N, std,
    crossEntropy: softmaxCrossEntropy64(scores, labels).loss, logC: Math.log(classes),
    hinge: hingeLoss64(scores, labels, delta).loss, expectedHinge: (classes - 1) * delta,
  };
}
