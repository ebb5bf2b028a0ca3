/**
 * Homework 08 (lesson 08, regularization), three exercises:
 *
 * 1. `linearLossL2(W, b, X, y, reg)`: L2 regularisation of a softmax linear classifier, in float64
 *    arrays. The notebook gives the data part (`softmaxData`: loss and gradients of the mean softmax
 *    loss); the student adds the penalty in this homework's convention (cs231n's linear classifiers):
 *
 *      L = L_data + reg·ΣW²      dW = dW_data + 2·reg·W      db = db_data   (biases not regularised)
 *
 *    Each failure is compared with what each known mistake gives: the λ/2 convention (½·reg·ΣW² in
 *    the loss), the 2 missing in the gradient (reg·W), an extra 2 (4·reg·W, or ½·reg·ΣW² with
 *    2·reg·W), the penalty left out of the gradient, a wrong sign, regularised biases.
 * 2. `flipBatch(x, y, seed)`: random horizontal flips of a batch [N, H, W, C] with tfjs ops; returns
 *    `{x, y}`. Checked: each image is itself or its mirror (not upside down), about half are flipped
 *    (within 4 standard errors of N/2), the labels are unchanged, one seed gives one batch, another
 *    seed another.
 * 3. `cropBatch(x, y, seed, pad)`: random crops of the zero-padded batch (offsets in −pad … pad per
 *    image); checked likewise: each image a zero-padded shift within ±pad (not edge-padded), every
 *    offset drawn, one offset per image (not one per batch), labels unchanged, seeded.
 */
import * as tf from '@tensorflow/tfjs';
import { CaseContext, CaseOutcome, CheckCase, diagnose, Exercise, fmt, relError, ReturnError } from '../../core/exercise';
import { mulberry32, randomInt, randomNormal } from '../../core/rng';

// ============================================================================ exercise 1

/** A case's classifier: W [D, C], b [C], X [N, D], y [N], float64. */
export interface Linear64 { D: number; C: number; N: number; reg: number; W: Float64Array; b: Float64Array; X: Float64Array; y: Int32Array }

/** The variants of the penalty the checks compute: the right one and the known mistakes. */
export type PenaltyVariant = 'right' | 'halfLoss' | 'noTwo' | 'fourGrad' | 'halfLossTwoGrad' | 'noRegGrad' | 'minusGrad' | 'regBiases';

export const HINTS_08 = {
  halfLoss: 'factor: this homework\'s convention is L = L_data + reg·ΣW² (cs231n\'s linear classifier), not ½·reg·ΣW² (the λ/2 convention of lesson 05)',
  noTwo: 'gradient missing the 2: the derivative of reg·ΣW² is 2·reg·W',
  fourGrad: 'gradient with an extra 2: the derivative of reg·ΣW² is 2·reg·W, not 4·reg·W',
  halfLossTwoGrad: 'factor: your loss has ½·reg·ΣW² (the λ/2 convention) but your gradient 2·reg·W; this homework\'s convention is L = L_data + reg·ΣW² with gradient 2·reg·W',
  noRegGrad: 'the penalty is in the loss but not in the gradient: add 2·reg·W to dW',
  minusGrad: 'sign: the penalty\'s gradient 2·reg·W is added to dW (it pulls the weights towards 0 when you step against the gradient)',
  regBiases: 'regularised the biases: the penalty covers the weights W only; b and db stay as the data part gives them',
  labels: 'augmented the labels: an augmentation changes the images only; return y as it came (the same values, in the same order)',
  flipAxis: 'flipped upside down: a horizontal flip reverses the width axis (axis 2 of [N, H, W, C]), e.g. tf.reverse(x, 2) or tf.image.flipLeftRight',
  flipAll: 'flipped every image: flip each one with probability 1/2 (a random mask per image)',
  flipNone: 'flipped no image: draw a random mask per image, tf.randomUniform([N], 0, 1, \'float32\', seed).less(0.5)',
  notSeeded: 'not seeded: two calls with one seed differ; draw every random number from the seed argument (tf.randomUniform(shape, lo, hi, \'float32\', seed))',
  cropNotSeeded: 'crop offsets not seeded (two calls with one seed differ): draw the offsets with tf.randomUniform(..., seed) (or a generator seeded with seed)',
  seedIgnored: 'the seed is ignored: two different seeds gave the same batch; use the seed argument for the draws',
  edgePad: 'padded with edge pixels: pad with zeros (tf.pad\'s default), the lecture\'s random crop',
  oneOffset: 'one offset for the whole batch: draw an offset per image',
  offsetRange: 'offsets out of range: each of dx and dy must take every value in −pad … pad (pad + crop at 0 … 2·pad)',
  shape: 'return {x, y} with x the shape of the input batch [N, H, W, C] and y the labels [N]',
} as const;

/** The mean softmax loss of X·W + b and its gradient, float64 (the data part the notebook gives). */
export function softmaxData64(c: Linear64): { loss: number; dW: Float64Array; db: Float64Array } {
  const { D, C, N } = c;
  const dW = new Float64Array(D * C);
  const db = new Float64Array(C);
  let loss = 0;
  for (let n = 0; n < N; n++) {
    const s = Array.from({ length: C }, (_, k) => { let v = c.b[k]; for (let i = 0; i < D; i++) v += c.X[n * D + i] * c.W[i * C + k]; return v; });
    const top = Math.max(...s);
    const e = s.map((v) => Math.exp(v - top));
    const Z = e.reduce((a, v) => a + v, 0);
    loss -= Math.log(e[c.y[n]] / Z) / N;
    for (let k = 0; k < C; k++) {
      const ds = (e[k] / Z - (k === c.y[n] ? 1 : 0)) / N;
      db[k] += ds;
      for (let i = 0; i < D; i++) dW[i * C + k] += c.X[n * D + i] * ds;
    }
  }
  return { loss, dW, db };
}

/** The loss and gradients of a penalty variant (`'right'`: L_data + reg·ΣW², 2·reg·W, biases free). */
export function linearL2Variant(c: Linear64, variant: PenaltyVariant = 'right'): { loss: number; dW: Float64Array; db: Float64Array } {
  const d = softmaxData64(c);
  const sq = (v: Float64Array) => v.reduce((s, x) => s + x * x, 0);
  const lossFactor = variant === 'halfLoss' || variant === 'halfLossTwoGrad' ? 0.5 : 1;
  const gradFactor = { right: 2, halfLoss: 1, noTwo: 1, fourGrad: 4, halfLossTwoGrad: 2, noRegGrad: 0, minusGrad: -2, regBiases: 2 }[variant];
  const bias = variant === 'regBiases';
  return {
    loss: d.loss + lossFactor * c.reg * sq(c.W) + (bias ? c.reg * sq(c.b) : 0),
    dW: Float64Array.from(d.dW, (g, i) => g + gradFactor * c.reg * c.W[i]),
    db: Float64Array.from(d.db, (g, k) => g + (bias ? 2 * c.reg * c.b[k] : 0)),
  };
}

/** A seeded classifier: weights std·N(0, 1), biases biasStd·N(0, 1), inputs N(0, 1). */
export function makeLinear(d: { D: number; C: number; N: number; reg: number; std: number; biasStd: number; seed: number }): Linear64 {
  const r = mulberry32(d.seed);
  const draw = (n: number, s: number) => Float64Array.from({ length: n }, () => s * randomNormal(r));
  return { D: d.D, C: d.C, N: d.N, reg: d.reg, W: draw(d.D * d.C, d.std), b: draw(d.C, d.biasStd), X: draw(d.N * d.D, 1), y: Int32Array.from({ length: d.N }, () => randomInt(r, d.C)) };
}

const rows = (v: Float64Array, n: number, m: number) => Array.from({ length: n }, (_, i) => Array.from(v.subarray(i * m, (i + 1) * m)));
const L2_TOL = 1e-9;

function readLinear(out: unknown, c: Linear64): { loss: number; dW: Float64Array; db: Float64Array } {
  const o = out as { loss?: unknown; dW?: unknown; db?: unknown } | null;
  if (o === null || typeof o !== 'object') throw new ReturnError('linearLossL2 must return {loss, dW, db}');
  if (typeof o.loss !== 'number') throw new ReturnError(`loss must be a number, got ${typeof o.loss}`);
  const dW = o.dW as number[][];
  if (!Array.isArray(dW) || dW.length !== c.D || dW.some((row) => !Array.isArray(row) || row.length !== c.C)) throw new ReturnError(`dW must be a number[][] of ${c.D} rows of ${c.C} (the shape of W)`);
  if (!Array.isArray(o.db) || o.db.length !== c.C) throw new ReturnError(`db must be a number[] of ${c.C} (the shape of b)`);
  return { loss: o.loss, dW: Float64Array.from(dW.flat()), db: Float64Array.from(o.db as number[]) };
}

const MISTAKES: [PenaltyVariant, string][] = [
  ['halfLoss', HINTS_08.halfLoss], ['noTwo', HINTS_08.noTwo], ['fourGrad', HINTS_08.fourGrad], ['halfLossTwoGrad', HINTS_08.halfLossTwoGrad],
  ['noRegGrad', HINTS_08.noRegGrad], ['minusGrad', HINTS_08.minusGrad], ['regBiases', HINTS_08.regBiases],
];

/** The hints of a wrong answer: each part (loss, dW, db) compared with every mistake that changes it. */
export function penaltyHints(got: { loss: number; dW: Float64Array; db: Float64Array }, c: Linear64): string[] {
  const right = linearL2Variant(c);
  const whole = MISTAKES.find(([v]) => { const m = linearL2Variant(c, v); return relError([got.loss], [m.loss]) <= L2_TOL && relError(got.dW, m.dW) <= L2_TOL && relError(got.db, m.db) <= L2_TOL; });
  if (whole) return [whole[1]];
  const hints: string[] = [];
  for (const part of ['loss', 'dW', 'db'] as const) {
    const val = (r: typeof right) => (part === 'loss' ? [r.loss] : r[part]);
    if (relError(val(got), val(right)) <= L2_TOL) continue;
    const h = diagnose(val(got), MISTAKES.map(([v, hint]) => ({ hint, expected: val(linearL2Variant(c, v)) })).filter((m) => relError(m.expected, val(right)) > L2_TOL), L2_TOL);
    if (h && !hints.includes(h)) hints.push(h);
  }
  return hints;
}

function linearCase(name: string, design: Parameters<typeof makeLinear>[0]): CheckCase {
  return {
    name,
    async run([fn], ctx) {
      const c = makeLinear({ ...design, seed: ctx.seed(design.seed) });
      const args = [rows(c.W, c.D, c.C), Array.from(c.b), rows(c.X, c.N, c.D), Array.from(c.y), c.reg];
      const copy = JSON.stringify(args);
      const got = await ctx.call('linearLossL2', fn, args, (out) => readLinear(out, c));
      if (JSON.stringify(args) !== copy) throw new ReturnError('linearLossL2 changed its arguments', 'compute new arrays; never write into W, b, X or y');
      const want = linearL2Variant(c);
      const errs = [relError([got.loss], [want.loss]), relError(got.dW, want.dW), relError(got.db, want.db)];
      const worst = Math.max(...errs.map((e) => (Number.isNaN(e) ? Infinity : e)));
      const message = `loss ${fmt(got.loss)} (expected ${fmt(want.loss)}); relative errors: loss ${fmt(errs[0])}, dW ${fmt(errs[1])}, db ${fmt(errs[2])}`;
      if (worst <= L2_TOL) return { passed: true, relError: worst, tolerance: L2_TOL, message };
      const hints = penaltyHints(got, c);
      return { passed: false, relError: Number.isFinite(worst) ? worst : null, tolerance: L2_TOL, message, hint: hints.length ? hints.join('; ') : undefined };
    },
  };
}

/** Homework 08, exercise 1: L2 regularisation of a linear classifier's loss and gradient. */
export const LINEAR_LOSS_L2: Exercise = {
  name: 'linearLossL2', homework: 'hw08-regularization', lesson: '08', title: 'L2 regularisation in the loss and the gradient', points: 10,
  functions: ['linearLossL2'],
  signature: 'function linearLossL2(W: number[][], b: number[], X: number[][], y: number[], reg: number): { loss: number; dW: number[][]; db: number[] }',
  cases: [
    linearCase('reg 0: the data loss and gradients unchanged (4 features, 3 classes, 6 rows)', { D: 4, C: 3, N: 6, reg: 0, std: 0.5, biasStd: 0.5, seed: 801 }),
    linearCase('reg 0.1: loss + reg·ΣW², dW + 2·reg·W, db unchanged (5 features, 4 classes, 8 rows)', { D: 5, C: 4, N: 8, reg: 0.1, std: 0.5, biasStd: 1, seed: 802 }),
    linearCase('reg 2 with large biases: the penalty dominates; biases stay free (3 features, 3 classes, 4 rows)', { D: 3, C: 3, N: 4, reg: 2, std: 1, biasStd: 3, seed: 803 }),
  ],
};

// ============================================================================ exercises 2 and 3

/** A seeded batch of distinct random images [N, H, W, C] in [0, 1) and labels in 0..9. */
export function makeBatch(n: number, h: number, w: number, c: number, seed: number): { x: Float32Array; y: Int32Array; shape: [number, number, number, number] } {
  const r = mulberry32(seed);
  return { x: Float32Array.from({ length: n * h * w * c }, () => Math.fround(0.05 + 0.9 * r())), y: Int32Array.from({ length: n }, () => randomInt(r, 10)), shape: [n, h, w, c] };
}

/** One image shifted: out[r][c] = img[r + dy][c + dx], outside `fill` ('zeros': 0; 'edge': the nearest pixel). */
export function shiftImage64(img: ArrayLike<number>, h: number, w: number, ch: number, dx: number, dy: number, fill: 'zeros' | 'edge'): Float64Array {
  const out = new Float64Array(h * w * ch);
  for (let r = 0; r < h; r++) {
    for (let c = 0; c < w; c++) {
      let rr = r + dy;
      let cc = c + dx;
      if (fill === 'edge') { rr = Math.min(h - 1, Math.max(0, rr)); cc = Math.min(w - 1, Math.max(0, cc)); } else if (rr < 0 || rr >= h || cc < 0 || cc >= w) continue;
      for (let k = 0; k < ch; k++) out[(r * w + c) * ch + k] = img[(rr * w + cc) * ch + k];
    }
  }
  return out;
}

/** One image mirrored left–right (`axis` 2) or upside down (`axis` 1). */
export function mirrorImage64(img: ArrayLike<number>, h: number, w: number, ch: number, axis: 1 | 2): Float64Array {
  const out = new Float64Array(h * w * ch);
  for (let r = 0; r < h; r++) for (let c = 0; c < w; c++) for (let k = 0; k < ch; k++) {
    out[(r * w + c) * ch + k] = img[((axis === 1 ? h - 1 - r : r) * w + (axis === 2 ? w - 1 - c : c)) * ch + k];
  }
  return out;
}

const same = (a: ArrayLike<number>, b: ArrayLike<number>) => a.length === b.length && Array.prototype.every.call(a, (v: number, i: number) => Math.abs(v - b[i]) <= 1e-6);

type AugmentFn = (x: tf.Tensor4D, y: tf.Tensor1D, seed: number, pad?: number) => unknown;

/** Calls the student's augmentation on a fresh copy of the batch and reads {x, y} back. */
async function callAugment(ctx: CaseContext, name: string, fn: unknown, b: ReturnType<typeof makeBatch>, seed: number, pad?: number): Promise<{ x: Float32Array; y: Int32Array }> {
  const x = tf.tensor4d(b.x, b.shape);
  const y = tf.tensor1d(b.y, 'int32');
  try {
    const args = pad === undefined ? [x, y, seed] : [x, y, seed, pad];
    return await ctx.call(name, fn, args, (out) => {
      const o = out as { x?: unknown; y?: unknown } | null;
      if (o === null || typeof o !== 'object' || !(o.x instanceof tf.Tensor) || !(o.y instanceof tf.Tensor)) throw new ReturnError(`${name} must return {x, y}, two tensors`, HINTS_08.shape);
      if (o.x.shape.join() !== b.shape.join()) throw new ReturnError(`x has shape [${o.x.shape}], expected [${b.shape}]`, HINTS_08.shape);
      if (o.y.shape.join() !== `${b.shape[0]}`) throw new ReturnError(`y has shape [${o.y.shape}], expected [${b.shape[0]}]`, HINTS_08.labels);
      return { x: o.x.dataSync() as Float32Array, y: Int32Array.from(o.y.dataSync()) };
    });
  } finally {
    tf.dispose([x, y]);
  }
}

/** What each output image is: the index of the matching candidate (or −1). */
function classify(b: ReturnType<typeof makeBatch>, out: Float32Array, candidates: (img: Float32Array) => Float64Array[]): number[] {
  const [n, h, w, c] = b.shape;
  const size = h * w * c;
  return Array.from({ length: n }, (_, i) => candidates(b.x.subarray(i * size, (i + 1) * size)).findIndex((cand) => same(out.subarray(i * size, (i + 1) * size), cand)));
}

function labelsChanged(b: ReturnType<typeof makeBatch>, y: Int32Array): boolean {
  return y.some((v, i) => v !== b.y[i]);
}

function determinismCase(name: string, fnName: string, notSeededHint: string, pad?: number): CheckCase {
  return {
    name,
    async run([fn], ctx) {
      const b = makeBatch(32, 6, 6, 3, ctx.seed(811));
      const seeds = ctx.seedPattern(7, 8);
      const outs: Float32Array[] = [];
      for (const seed of seeds) outs.push((await callAugment(ctx, fnName, fn, b, seed, pad)).x);
      for (let i = 0; i < seeds.length; i++) {
        for (let j = i + 1; j < seeds.length; j++) {
          const equal = same(outs[i], outs[j]);
          if (seeds[i] === seeds[j] && !equal) return { passed: false, message: `${fnName}(x, y, ${seeds[i]}) twice gave two different batches`, hint: notSeededHint };
          if (seeds[i] !== seeds[j] && equal) return { passed: false, message: `${fnName} with seeds ${seeds[i]} and ${seeds[j]} gave the same batch of 32 images`, hint: HINTS_08.seedIgnored };
        }
      }
      return { passed: true, message: ctx.runSeed === 0 ? 'seed 7 twice: the same batch; seed 8: another' : `seeds ${[...new Set(seeds)].join(', ')} in the order ${seeds.join(', ')}: the same batch exactly for the same seed` };
    },
  };
}

const FLIP_N = 256;

/** Homework 08, exercise 2: random horizontal flips. */
export const FLIP_BATCH: Exercise = {
  name: 'flipBatch', homework: 'hw08-regularization', lesson: '08', title: 'Random horizontal flip of a batch', points: 10,
  functions: ['flipBatch'],
  signature: 'function flipBatch(x: nn.tf.Tensor4D, y: nn.tf.Tensor1D, seed: number): { x: nn.tf.Tensor4D; y: nn.tf.Tensor1D }',
  cases: [
    {
      name: `each of ${FLIP_N} images (5×7×3) is itself or its left–right mirror, about half of them mirrored; the labels unchanged`,
      async run([fn], ctx): Promise<CaseOutcome> {
        const b = makeBatch(FLIP_N, 5, 7, 3, ctx.seed(812));
        const out = await callAugment(ctx, 'flipBatch', fn, b, ctx.seed(3));
        if (labelsChanged(b, out.y)) return { passed: false, message: 'y differs from the labels passed in', hint: HINTS_08.labels };
        const kind = classify(b, out.x, (img) => [Float64Array.from(img), mirrorImage64(img, 5, 7, 3, 2), mirrorImage64(img, 5, 7, 3, 1)]);
        const bad = kind.findIndex((k) => k < 0);
        if (bad >= 0) return { passed: false, message: `image ${bad} is neither the input image nor its mirror` };
        if (kind.some((k) => k === 2)) return { passed: false, message: `${kind.filter((k) => k === 2).length} images are upside down`, hint: HINTS_08.flipAxis };
        const flipped = kind.filter((k) => k === 1).length;
        const se = Math.sqrt(FLIP_N * 0.25);
        const message = `${flipped} of ${FLIP_N} mirrored, expected ${FLIP_N / 2} ± ${4 * se} (4 standard errors)`;
        if (Math.abs(flipped - FLIP_N / 2) <= 4 * se) return { passed: true, message };
        return { passed: false, message, hint: flipped === FLIP_N ? HINTS_08.flipAll : flipped === 0 ? HINTS_08.flipNone : undefined };
      },
    },
    determinismCase('flipBatch(x, y, seed) twice: the same batch; another seed: another', 'flipBatch', HINTS_08.notSeeded),
  ],
};

/** Homework 08, exercise 3: random crops with zero padding. */
export const CROP_BATCH: Exercise = {
  name: 'cropBatch', homework: 'hw08-regularization', lesson: '08', title: 'Random crop with zero padding of a batch', points: 10,
  functions: ['cropBatch'],
  signature: 'function cropBatch(x: nn.tf.Tensor4D, y: nn.tf.Tensor1D, seed: number, pad: number): { x: nn.tf.Tensor4D; y: nn.tf.Tensor1D }',
  cases: [
    {
      name: 'pad 2, 256 images (6×6×3): each a zero-padded shift by dx, dy in −2 … 2, every offset drawn, one per image; the labels unchanged',
      async run([fn], ctx): Promise<CaseOutcome> {
        const pad = 2;
        const b = makeBatch(256, 6, 6, 3, ctx.seed(813));
        const out = await callAugment(ctx, 'cropBatch', fn, b, ctx.seed(5), pad);
        if (labelsChanged(b, out.y)) return { passed: false, message: 'y differs from the labels passed in', hint: HINTS_08.labels };
        const shifts: [number, number][] = [];
        for (let dy = -pad; dy <= pad; dy++) for (let dx = -pad; dx <= pad; dx++) shifts.push([dx, dy]);
        const kind = classify(b, out.x, (img) => shifts.map(([dx, dy]) => shiftImage64(img, 6, 6, 3, dx, dy, 'zeros')));
        const bad = kind.findIndex((k) => k < 0);
        if (bad >= 0) {
          const edge = classify(b, out.x, (img) => shifts.map(([dx, dy]) => shiftImage64(img, 6, 6, 3, dx, dy, 'edge')));
          if (edge[bad] >= 0) return { passed: false, message: `image ${bad} is a shift with the edge pixels repeated`, hint: HINTS_08.edgePad };
          const wide = classify(b, out.x, (img) => Array.from({ length: 81 }, (_, k) => shiftImage64(img, 6, 6, 3, (k % 9) - 4, Math.floor(k / 9) - 4, 'zeros')));
          return { passed: false, message: `image ${bad} is not a zero-padded shift by at most ${pad} pixels`, hint: wide[bad] >= 0 ? HINTS_08.offsetRange : undefined };
        }
        const used = new Set(kind);
        const dxs = new Set(kind.map((k) => shifts[k][0]));
        const dys = new Set(kind.map((k) => shifts[k][1]));
        const message = `${used.size} of 25 offsets drawn; dx took ${[...dxs].sort((a, c) => a - c).join(', ')}; dy ${[...dys].sort((a, c) => a - c).join(', ')}`;
        if (used.size === 1) return { passed: false, message, hint: HINTS_08.oneOffset };
        if (dxs.size < 2 * pad + 1 || dys.size < 2 * pad + 1) return { passed: false, message, hint: HINTS_08.offsetRange };
        return { passed: true, message };
      },
    },
    determinismCase('cropBatch(x, y, seed, 2) twice: the same batch; another seed: another', 'cropBatch', HINTS_08.cropNotSeeded, 2),
  ],
};

/** Homework 08's exercises in notebook order. */
export const HOMEWORK_08: readonly Exercise[] = [LINEAR_LOSS_L2, FLIP_BATCH, CROP_BATCH];
