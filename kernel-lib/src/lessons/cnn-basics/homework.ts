/**
 * Homework 11 (lesson 11, CNN basics), two exercises:
 *
 * 1. `convOutputSize(W, F, P, S)`: the output size of a convolution along one axis,
 *    ⌊(W − F + 2P)/S⌋ + 1, checked against `nets/conv64` convOutputSize on the lecture's worked
 *    examples and on a grid of sizes where the stride sometimes does not fit (a grading run picks
 *    other grid sizes and adds 20 random ones up to W = 512 to the examples). A wrong answer is
 *    compared with each known mistake over the whole case: padding forgotten (no 2P), P not
 *    doubled, the +1 forgotten, rounding up instead of down, no rounding at all.
 * 2. `convForward(x, w, b, stride, pad)`: a naive convolution forward pass in loops over float64
 *    arrays (`nn.nets.Array64`: `{ shape, data }`), x [N, H, W, C] (channels last, like tfjs), w
 *    [F, F, C, K] (HWIO), b [K]; returns out [N, Ho, Wo, K]. Checked against `conv2d64` (itself
 *    checked against tf.conv2d in the tests) to a relative error of 1e-9; a wrong shape or wrong
 *    values are compared with each known mistake: padding forgotten, the output size off by one,
 *    channels-first confusion (the input read as NCHW, the output written as NCHW, the filters read
 *    as OIHW), the kernel flipped (a true convolution), the bias left out.
 */
import { CaseOutcome, CheckCase, Exercise, fmt, relError, ReturnError } from '../../core/exercise';
import { mulberry32, randomNormal } from '../../core/rng';
import type { Array64 } from '../../nets/array64';
import { conv2d64, convOutputSize as convOutputSize64 } from '../../nets/conv64';

export const HINTS_11 = {
  noPad: 'forgot the padding: the padded input is W + 2P wide, so the size is ⌊(W − F + 2P)/S⌋ + 1',
  padOnce: 'P not doubled: the padding is added on both sides, 2P in all: ⌊(W − F + 2P)/S⌋ + 1',
  noPlusOne: 'off by one: the filter fits once at the first position, then once per stride: ⌊(W − F + 2P)/S⌋ + 1 (the + 1)',
  ceil: 'rounded up: when the stride does not fit, the last partial window is dropped, so round down (Math.floor)',
  noFloor: 'not a whole number: round (W − F + 2P)/S down with Math.floor before adding 1',
  convNoPad: 'forgot the padding: the input gets `pad` zeros on every side (so Ho = ⌊(H − F + 2·pad)/stride⌋ + 1) and windows read 0 outside the image',
  offByOne: 'off by one in the output size: Ho = ⌊(H − F + 2·pad)/stride⌋ + 1',
  nchwIn: 'channels-last vs channels-first: x is [N, H, W, C] (tfjs), so x[n, y, x, c] is data[((n·H + y)·W + x)·C + c], not ((n·C + c)·H + y)·W + x',
  nchwOut: 'channels-last vs channels-first: the output is [N, Ho, Wo, K], so out[n, y, x, k] is data[((n·Ho + y)·Wo + x)·K + k]',
  oihw: 'filter layout: w is [F, F, C, K] (HWIO, like tf.conv2d), so w[i, j, c, k] is data[((i·F + j)·C + c)·K + k], not the PyTorch order [K, C, F, F]',
  flipped: 'kernel flipped: deep-learning "convolution" is cross-correlation, w[i, j] multiplies in[y·S + i − P, x·S + j − P]; do not flip the kernel',
  noBias: 'bias missing: add b[k] to every output of filter k',
  shape: 'return { shape: [N, Ho, Wo, K], data: Float64Array } (an nn.nets.Array64)',
} as const;

// ============================================================================ exercise 1

/** The known mistakes of exercise 1 and their formulas. */
export const SIZE_MISTAKES = {
  noPad: (W: number, F: number, _P: number, S: number) => Math.floor((W - F) / S) + 1,
  padOnce: (W: number, F: number, P: number, S: number) => Math.floor((W - F + P) / S) + 1,
  noPlusOne: (W: number, F: number, P: number, S: number) => Math.floor((W - F + 2 * P) / S),
  ceil: (W: number, F: number, P: number, S: number) => Math.ceil((W - F + 2 * P) / S) + 1,
  noFloor: (W: number, F: number, P: number, S: number) => (W - F + 2 * P) / S + 1,
} as const;

type Spec = [number, number, number, number];

/** The lecture's worked examples: 28×28 with F 3 / S 1 / P 0, F 3 / P 1, F 5 / S 2 / P 1; 32×32 ones; a stride that does not fit. */
export const SIZE_EXAMPLES: readonly Spec[] = [[28, 3, 0, 1], [28, 3, 1, 1], [28, 5, 1, 2], [32, 3, 1, 1], [32, 5, 0, 1], [32, 2, 0, 2], [7, 3, 0, 2], [7, 3, 0, 3], [227, 11, 0, 4]];

/**
 * A grid: W 5…33, F 1…7, P 0…3, S 1…4 (every combination with W + 2P ≥ F), seeded picks of `count`.
 *
 * @example
 * nn.cnn.sizeGrid(1, 3)   // three [W, F, P, S] specs
 */
export function sizeGrid(seed: number, count = 150): Spec[] {
  const all: Spec[] = [];
  for (const W of [5, 6, 7, 9, 10, 13, 16, 28, 32, 33]) for (const F of [1, 2, 3, 4, 5, 7]) for (const P of [0, 1, 2, 3]) for (const S of [1, 2, 3, 4]) if (W + 2 * P >= F) all.push([W, F, P, S]);
  const r = mulberry32(seed);
  for (let i = all.length - 1; i > 0; i--) { const j = Math.floor(r() * (i + 1)); [all[i], all[j]] = [all[j], all[i]]; }
  return all.slice(0, count);
}

/**
 * `count` random specs that fit (W + 2P >= F), beyond the grid's sizes: W 1…512, F 1…min(W + 2P, 15),
 * P 0…5, S 1…6. A grading run asks them besides the lecture's examples, so a table of the examples'
 * answers cannot pass.
 */
function randomSizes(seed: number, count: number): Spec[] {
  const r = mulberry32(seed);
  const int = (lo: number, hi: number) => lo + Math.floor(r() * (hi - lo + 1));
  return Array.from({ length: count }, () => {
    const W = int(1, 512);
    const P = int(0, 5);
    return [W, int(1, Math.min(W + 2 * P, 15)), P, int(1, 6)] as Spec;
  });
}

/** A case over `specs(seed)`, seed = ctx.seed(base) (the same specs under nn.check, other ones per grading run). */
function sizeCase(name: string, base: number, specsOf: (seed: number, runSeed: number) => readonly Spec[]): CheckCase {
  return {
    name,
    async run([fn], ctx): Promise<CaseOutcome> {
      const specs = specsOf(ctx.seed(base), ctx.runSeed);
      const got: number[] = [];
      for (const [W, F, P, S] of specs) {
        got.push(await ctx.call('convOutputSize', fn, [W, F, P, S], (out) => {
          if (typeof out !== 'number' || !Number.isFinite(out)) throw new ReturnError(`convOutputSize(${W}, ${F}, ${P}, ${S}) returned ${typeof out === 'number' ? out : typeof out}, expected a number`);
          return out;
        }));
      }
      const want = specs.map(([W, F, P, S]) => convOutputSize64({ W, F, P, S }).size);
      const bad = got.findIndex((v, i) => v !== want[i]);
      if (bad < 0) return { passed: true, message: `all ${specs.length} sizes right, e.g. convOutputSize(${specs[0].join(', ')}) = ${want[0]}` };
      const [W, F, P, S] = specs[bad];
      const wrong = got.filter((v, i) => v !== want[i]).length;
      const message = `${wrong} of ${specs.length} sizes wrong, e.g. convOutputSize(${W}, ${F}, ${P}, ${S}) = ${got[bad]}, expected ⌊(${W} − ${F} + 2·${P})/${S}⌋ + 1 = ${want[bad]}`;
      const hit = (Object.keys(SIZE_MISTAKES) as (keyof typeof SIZE_MISTAKES)[]).find((m) => specs.every(([w, f, p, s], i) => Math.abs(SIZE_MISTAKES[m](w, f, p, s) - got[i]) < 1e-9));
      return { passed: false, message, hint: hit ? HINTS_11[hit] : !Number.isInteger(got[bad]) ? HINTS_11.noFloor : undefined };
    },
  };
}

/** Homework 11, exercise 1: the output size of a convolution. */
export const CONV_OUTPUT_SIZE: Exercise = {
  name: 'convOutputSize', homework: 'hw11-cnn-basics', lesson: '11', title: 'The output size of a convolution', points: 10,
  functions: ['convOutputSize'],
  signature: 'function convOutputSize(W: number, F: number, P: number, S: number): number',
  cases: [
    sizeCase('the lecture\'s examples: 28×28 (F 3, P 0 / P 1; F 5, S 2, P 1), 32×32, 7 with S 2 and S 3 (does not fit), 227 with F 11, S 4' +
      ' (and, in a grading run, 20 random sizes up to 512)', 1100, (seed, runSeed) => (runSeed === 0 ? SIZE_EXAMPLES : [...SIZE_EXAMPLES, ...randomSizes(seed, 20)])),
    sizeCase('150 seeded sizes: W 5…33, F 1…7, P 0…3, S 1…4, the stride not fitting in about half', 1101, (seed) => sizeGrid(seed)),
  ],
};

// ============================================================================ exercise 2

/** The known variants of a naive convolution: the right one and each mistake. */
export type ConvVariant = 'right' | 'noPad' | 'offByOne' | 'nchwIn' | 'nchwOut' | 'oihw' | 'flipped' | 'noBias';

/** A case's data: x [N, H, W, C], w [F, F, C, K], b [K], stride, pad. */
export interface ConvCase { x: Array64; w: Array64; b: Float64Array; stride: number; pad: number }

/**
 * The naive convolution as a variant computes it (float64 loops). `'right'` equals `conv2d64`
 * (and tf.conv2d); the others are the mistakes the hints name.
 *
 * @example
 * const c = nn.cnn.makeConvCase({ N: 1, H: 4, W: 5, C: 2, F: 3, K: 2, stride: 1, pad: 1, seed: 1 });
 * nn.cnn.convVariant(c, 'flipped').shape   // [1, 4, 5, 2]: right shape, flipped kernel
 */
export function convVariant(c: ConvCase, variant: ConvVariant = 'right'): Array64 {
  const [N, H, W, C] = c.x.shape;
  const [F, , , K] = c.w.shape;
  const P = variant === 'noPad' ? 0 : c.pad;
  const S = c.stride;
  const extra = variant === 'offByOne' ? -1 : 0;
  const Ho = Math.floor((H - F + 2 * P) / S) + 1 + extra;
  const Wo = Math.floor((W - F + 2 * P) / S) + 1 + extra;
  const out = new Float64Array(Math.max(0, N * Ho * Wo * K));
  const xi = (n: number, y: number, x: number, ch: number) => (variant === 'nchwIn' ? ((n * C + ch) * H + y) * W + x : ((n * H + y) * W + x) * C + ch);
  const wi = (i: number, j: number, ch: number, k: number) => (variant === 'oihw' ? ((k * C + ch) * F + i) * F + j : ((i * F + j) * C + ch) * K + k);
  const oi = (n: number, y: number, x: number, k: number) => (variant === 'nchwOut' ? ((n * K + k) * Ho + y) * Wo + x : ((n * Ho + y) * Wo + x) * K + k);
  for (let n = 0; n < N; n++) for (let y = 0; y < Ho; y++) for (let x = 0; x < Wo; x++) for (let k = 0; k < K; k++) {
    let s = variant === 'noBias' ? 0 : c.b[k];
    for (let i = 0; i < F; i++) for (let j = 0; j < F; j++) {
      const r = y * S + i - P;
      const q = x * S + j - P;
      if (r < 0 || r >= H || q < 0 || q >= W) continue;
      const [ii, jj] = variant === 'flipped' ? [F - 1 - i, F - 1 - j] : [i, j];
      for (let ch = 0; ch < C; ch++) s += c.w.data[wi(ii, jj, ch, k)] * c.x.data[xi(n, r, q, ch)];
    }
    out[oi(n, y, x, k)] = s;
  }
  return { shape: [N, Ho, Wo, K], data: out };
}

/**
 * A seeded case: x, w and b standard normal (b shifted by 0.5 so that it is never negligible).
 *
 * @example
 * const c = nn.cnn.makeConvCase({ N: 2, H: 5, W: 6, C: 3, F: 3, K: 4, stride: 2, pad: 1, seed: 7 });
 * c.x.shape   // [2, 5, 6, 3]
 */
export function makeConvCase(d: { N: number; H: number; W: number; C: number; F: number; K: number; stride: number; pad: number; seed: number }): ConvCase {
  const r = mulberry32(d.seed);
  const draw = (n: number) => Float64Array.from({ length: n }, () => randomNormal(r));
  return {
    x: { shape: [d.N, d.H, d.W, d.C], data: draw(d.N * d.H * d.W * d.C) },
    w: { shape: [d.F, d.F, d.C, d.K], data: draw(d.F * d.F * d.C * d.K) },
    b: Float64Array.from(draw(d.K), (v) => v + 0.5), stride: d.stride, pad: d.pad,
  };
}

const CONV_TOL = 1e-9;
const CONV_MISTAKES: Exclude<ConvVariant, 'right'>[] = ['noPad', 'offByOne', 'nchwIn', 'nchwOut', 'oihw', 'flipped', 'noBias'];

function readArray(out: unknown): Array64 {
  const o = out as { shape?: unknown; data?: unknown } | null;
  if (o === null || typeof o !== 'object' || !Array.isArray(o.shape) || !(o.data instanceof Float64Array || Array.isArray(o.data))) {
    throw new ReturnError('convForward must return { shape, data }', HINTS_11.shape);
  }
  const shape = (o.shape as unknown[]).map(Number);
  const data = Float64Array.from(o.data as ArrayLike<number>);
  if (shape.length !== 4 || data.length !== shape.reduce((a, b) => a * b, 1)) throw new ReturnError(`shape [${shape}] does not match data.length ${data.length}`, HINTS_11.shape);
  return { shape, data };
}

/**
 * The hint of a wrong answer: the mistake whose shape and numbers it matches (undefined: none).
 *
 * @example
 * const c = nn.cnn.makeConvCase({ N: 1, H: 4, W: 4, C: 2, F: 3, K: 2, stride: 1, pad: 1, seed: 1 });
 * nn.cnn.convHint(nn.cnn.convVariant(c, 'noBias'), c)   // 'bias missing: ...'
 */
export function convHint(got: Array64, c: ConvCase): string | undefined {
  for (const m of CONV_MISTAKES) {
    const v = convVariant(c, m);
    if (v.shape.join() !== got.shape.join()) continue;
    if (v.data.length === 0 || relError(got.data, v.data) <= CONV_TOL) return m === 'noPad' ? HINTS_11.convNoPad : HINTS_11[m];
  }
  const right = convVariant(c);
  if (got.shape.join() !== right.shape.join()) {
    const [, Ho, Wo] = got.shape;
    if (Math.abs(Ho - right.shape[1]) === 1 && Math.abs(Wo - right.shape[2]) === 1) return HINTS_11.offByOne;
    if (got.shape[1] === convVariant(c, 'noPad').shape[1] && got.shape[2] === convVariant(c, 'noPad').shape[2]) return HINTS_11.convNoPad;
  }
  return undefined;
}

function convCase(name: string, design: Parameters<typeof makeConvCase>[0]): CheckCase {
  return {
    name,
    async run([fn], ctx): Promise<CaseOutcome> {
      const c = makeConvCase({ ...design, seed: ctx.seed(design.seed) });
      const x = { shape: [...c.x.shape], data: Float64Array.from(c.x.data) };
      const w = { shape: [...c.w.shape], data: Float64Array.from(c.w.data) };
      const b = Float64Array.from(c.b);
      const got = await ctx.call('convForward', fn, [x, w, b, c.stride, c.pad], readArray);
      if (relError(x.data, c.x.data) !== 0 || relError(w.data, c.w.data) !== 0 || relError(b, c.b) !== 0) throw new ReturnError('convForward changed its arguments', 'compute a new output array; never write into x, w or b');
      const want = conv2d64(c.x, c.w, { shape: [c.b.length], data: c.b }, { stride: c.stride, pad: c.pad });
      if (got.shape.join() !== want.shape.join()) {
        const hint = convHint(got, c);
        return { passed: false, message: `output shape [${got.shape}], expected [${want.shape}] (x [${c.x.shape}], w [${c.w.shape}], stride ${c.stride}, pad ${c.pad})`, hint };
      }
      const err = relError(got.data, want.data);
      const message = `x [${c.x.shape}], w [${c.w.shape}], stride ${c.stride}, pad ${c.pad}: relative error ${fmt(err)} against the float64 reference (= tf.conv2d + b)`;
      if (err <= CONV_TOL) return { passed: true, relError: err, tolerance: CONV_TOL, message };
      const hint = convHint(got, c);
      return { passed: false, relError: Number.isFinite(err) ? err : null, tolerance: CONV_TOL, message, hint };
    },
  };
}

/** The three designs of exercise 2's cases. */
export const CONV_DESIGNS = [
  { N: 1, H: 5, W: 5, C: 1, F: 3, K: 1, stride: 1, pad: 0, seed: 1111 },
  { N: 2, H: 6, W: 7, C: 3, F: 3, K: 4, stride: 1, pad: 1, seed: 1112 },
  { N: 2, H: 9, W: 8, C: 2, F: 5, K: 3, stride: 2, pad: 2, seed: 1113 },
] as const;

/** Homework 11, exercise 2: a naive convolution forward pass. */
export const CONV_FORWARD: Exercise = {
  name: 'convForward', homework: 'hw11-cnn-basics', lesson: '11', title: 'A naive convolution forward pass (NHWC, HWIO)', points: 20,
  functions: ['convForward'],
  signature: 'function convForward(x: nn.nets.Array64, w: nn.nets.Array64, b: Float64Array, stride: number, pad: number): nn.nets.Array64',
  cases: [
    convCase('one 5×5 grey image, one 3×3 filter, stride 1, no padding', CONV_DESIGNS[0]),
    convCase('2 images 6×7×3, 4 filters 3×3×3, stride 1, pad 1 (the size kept)', CONV_DESIGNS[1]),
    convCase('2 images 9×8×2, 3 filters 5×5×2, stride 2, pad 2', CONV_DESIGNS[2]),
  ],
};

/** Homework 11's exercises in notebook order. */
export const HOMEWORK_11: readonly Exercise[] = [CONV_OUTPUT_SIZE, CONV_FORWARD];
