/**
 * Homework 02, exercises 1 to 3 (lesson 02, data preprocessing): per-channel normalisation of
 * images (NHWC, as ResNet and VGG preprocess them), fitted on the training set only:
 *
 *   fitChannelStats(train)  μ_c = mean of channel c over every image and pixel (axes N, H, W)
 *                           σ_c = sqrt(mean((x − μ_c)²))   (population std, like tf.moments, np.std)
 *   normalize(x, stats)     (x − μ_c) / σ_c, channel by channel
 *   preprocess({train, test}) both splits normalised with the TRAINING statistics
 *
 * Each case builds seeded float32 images whose channels have their own mean and scale, whose
 * images differ in brightness and whose pixels follow a spatial gradient, so that per-channel,
 * per-image and per-pixel statistics all differ; the test split comes from a shifted, wider
 * distribution, so statistics fitted on train ∪ test differ from the training ones. Values are
 * compared with a float64 reference (cs231n's relative error); a failure is compared with what each
 * known mistake gives, computed the same way: statistics on all data, the test split normalised
 * with its own statistics or not at all, the variance for the std, a std without centring, ÷ (n − 1),
 * channels pooled, per-image or per-pixel statistics.
 *
 * Exercise 4 (whitening) is in homeworkWhiten.ts.
 */
import * as tf from '@tensorflow/tfjs';
import { describe } from '../../core/errors';
import { mulberry32, randomNormal } from '../../core/rng';
import { CheckCase, diagnose, Exercise, fmt, Mistake, readTensor, relError, worstIndex, ReturnError } from '../../core/exercise';
import { WHITEN_EXERCISE } from './homeworkWhiten';

/**
 * float32 rounds each stored value to 6e-8 relative; a mean or a variance over at most 200 values
 * per channel (summed pairwise or sequentially) is good to ~1e-6 relative, even when written as
 * E[x²] − μ² (the cases' |μ|/σ is at most ~6: cancellation costs ~36×, ~2e-6). Measured, the
 * instructor's solutions stay below 7e-8 on every case. 1e-4 leaves a margin of 50; the nearest
 * mistake, ÷ (n − 1) for n <= 200 values per channel, is off by 1/(2n) >= 2.5e-3 in σ, a relative
 * error >= 6e-4 (a test asserts every mistake is over 2.5e-4 off in every case).
 */
export const NORMALIZE_TOL = 1e-4;

/** A seeded image batch: x[n, h, w, c] = μ_c + σ_c · (z + brightness_n + gradient_hw). */
export interface ImageDesign { N: number; H: number; W: number; means: number[]; stds: number[]; seed: number }

/** A batch as float32 values, NHWC row-major. */
export interface Images { N: number; H: number; W: number; C: number; x: Float32Array }

export function makeImages(d: ImageDesign): Images {
  const rand = mulberry32(d.seed);
  const C = d.means.length;
  const x = new Float32Array(d.N * d.H * d.W * C);
  for (let n = 0; n < d.N; n++) {
    const brightness = 0.6 * randomNormal(rand);
    for (let h = 0; h < d.H; h++) {
      for (let w = 0; w < d.W; w++) {
        const gradient = d.H * d.W > 1 ? 0.8 * ((h + w) / Math.max(1, d.H + d.W - 2) - 0.5) : 0;
        for (let c = 0; c < C; c++) x[((n * d.H + h) * d.W + w) * C + c] = d.means[c] + d.stds[c] * (randomNormal(rand) + brightness + gradient);
      }
    }
  }
  return { N: d.N, H: d.H, W: d.W, C, x };
}

/** Per-channel statistics as float64 numbers. */
export interface Stats64 { mean: number[]; std: number[] }

/** How statistics are fitted: right (per channel, ÷ n) or one of the known mistakes. */
export type StatsVariant = 'right' | 'variance' | 'uncentred' | 'unbiased' | 'pooled' | 'imageStds';

/** The channel statistics of `im` (or of several batches together), in float64, the `variant` way. */
export function channelStats64(batches: readonly Images[], variant: StatsVariant = 'right'): Stats64 {
  const C = batches[0].C;
  const values = (c: number | null) => batches.flatMap((b) => Array.from(b.x).filter((_, i) => c === null || i % C === c));
  const stats = (xs: number[], ddof = 0) => {
    const mu = xs.reduce((s, v) => s + v, 0) / xs.length;
    const ss = xs.reduce((s, v) => s + (v - mu) * (v - mu), 0);
    return { mu, sd: Math.sqrt(ss / (xs.length - ddof)), rms: Math.sqrt(xs.reduce((s, v) => s + v * v, 0) / xs.length) };
  };
  const mean: number[] = [];
  const std: number[] = [];
  for (let c = 0; c < C; c++) {
    const s = stats(values(variant === 'pooled' ? null : c), variant === 'unbiased' ? 1 : 0);
    mean.push(s.mu);
    if (variant === 'variance') std.push(s.sd * s.sd);
    else if (variant === 'uncentred') std.push(s.rms);
    else if (variant === 'imageStds') {
      const per = batches.flatMap((b) => Array.from({ length: b.N }, (_, n) => {
        const size = b.H * b.W * C;
        return stats(Array.from(b.x.subarray(n * size, (n + 1) * size)).filter((_, i) => i % C === c)).sd;
      }));
      std.push(per.reduce((a, v) => a + v, 0) / per.length);
    } else std.push(s.sd);
  }
  return { mean, std };
}

/** (x − μ_c) / σ_c in float64 for every value of `im`. */
export function normalize64(im: Images, s: Stats64): Float64Array {
  return Float64Array.from(im.x, (v, i) => (v - s.mean[i % im.C]) / s.std[i % im.C]);
}

/** Each image normalised with its own per-channel statistics (per-image normalisation). */
export function perImage64(im: Images): Float64Array {
  const size = im.H * im.W * im.C;
  const out = new Float64Array(im.x.length);
  for (let n = 0; n < im.N; n++) {
    const one: Images = { ...im, N: 1, x: im.x.subarray(n * size, (n + 1) * size) };
    out.set(normalize64(one, channelStats64([one])), n * size);
  }
  return out;
}

/** Every pixel position and channel normalised with its own mean and std over the images of `fit` (AlexNet's mean image, and a std image). */
export function perPixel64(fit: Images, im: Images): Float64Array {
  const size = fit.H * fit.W * fit.C;
  const mean = new Float64Array(size);
  const sq = new Float64Array(size);
  for (let i = 0; i < fit.x.length; i++) mean[i % size] += fit.x[i] / fit.N;
  for (let i = 0; i < fit.x.length; i++) sq[i % size] += (fit.x[i] - mean[i % size]) ** 2 / fit.N;
  return Float64Array.from(im.x, (v, i) => (v - mean[i % size]) / (Math.sqrt(sq[i % size]) || 1));
}

const imageTensor = (im: Images) => tf.tensor4d(im.x, [im.N, im.H, im.W, im.C], 'float32');
const shapeText = (im: Images) => `[${im.N}, ${im.H}, ${im.W}, ${im.C}]`;
const DISPOSED_INPUT = { passed: false, message: 'your function disposed its input images', hint: 'dispose only tensors you created; tf.tidy does that for you' };

// ---- hints --------------------------------------------------------------------------------------

export const STATS_HINTS: Record<Exclude<StatsVariant, 'right'>, string> = {
  variance: 'you used the variance σ² as the std: σ is its square root (tf.moments returns the variance)',
  uncentred: 'std computed without centring: σ = sqrt(mean((x − μ)²)); subtract the channel mean before squaring, sqrt(mean(x²)) is not the std',
  unbiased: 'the std here is the population std, ÷ n (tf.moments, np.std), not ÷ (n − 1)',
  pooled: 'statistics pooled over all channels: reduce over N, H and W only (axes [0, 1, 2]) to get one mean and one std per channel',
  imageStds: 'you averaged per-image stds: the channel std pools the pixels of all images, sqrt(mean over N, H, W of (x − μ_c)²), which includes the differences between images',
};
const PER_IMAGE = 'per-image statistics instead of per-channel: reduce over N, H and W together (axes [0, 1, 2]); one mean and one std per channel for the whole training set';
const PER_PIXEL = 'per-pixel statistics (one mean per pixel position: AlexNet\'s mean image) instead of per-channel: reduce over N, H and W (axes [0, 1, 2])';
export const ALL_DATA = 'statistics computed on all data (train and test together): fit the mean and std on the training split only, then apply those same numbers to the test split, else the test set leaks into the preprocessing';
const TEST_OWN = 'the test split was normalised with its own statistics: apply the TRAINING statistics to it (at test time you normalise each new example with the numbers fitted on the training set)';
const TEST_RAW = 'the test split was returned unnormalised: apply normalize(test, stats) with the training statistics too';
const NO_SCALE = 'only centred: divide by the std as well, (x − μ) / σ';
const BATCH_OWN = 'you normalised with the batch\'s own statistics: use the stats passed in (fitted on the training set), not statistics of the images you are normalising';

// ---- exercise 1: fitChannelStats ----------------------------------------------------------------

/** Reads one field of the returned stats: a tensor, array or typed array of numbers. */
function readField(what: string, value: unknown): Float64Array {
  if (value instanceof tf.Tensor) {
    if (value.isDisposed) throw new ReturnError(`${what} is a disposed tensor (return it from tf.tidy instead of disposing it)`);
    return Float64Array.from(value.dataSync());
  }
  if ((Array.isArray(value) && value.every((v) => typeof v === 'number')) || (ArrayBuffer.isView(value) && !(value instanceof DataView))) {
    return Float64Array.from(value as ArrayLike<number>);
  }
  throw new ReturnError(`${what} must be a tensor or an array of numbers, got ${value === undefined ? 'undefined' : describe(value)}`);
}

/** Reads `{mean, std}` with C numbers each; a count of N·C or H·W·C says which mistake it is. */
export function readStats(what: string, out: unknown, im: Images): Stats64 {
  if (out === null || typeof out !== 'object' || out instanceof tf.Tensor || Array.isArray(out)) {
    throw new ReturnError(`${what} must return {mean, std}, got ${out === undefined ? 'undefined (did you forget to return?)' : out instanceof tf.Tensor ? 'a tensor' : describe(out)}`);
  }
  const o = out as Record<string, unknown>;
  const fields = ['mean', 'std'].map((k) => readField(`${what}.${k}`, o[k]));
  for (const [k, f] of fields.map((f, i) => [['mean', 'std'][i], f] as const)) {
    if (f.length === im.C) continue;
    const hint = f.length === im.N * im.C ? PER_IMAGE : f.length === im.H * im.W * im.C ? PER_PIXEL : f.length === 1 ? STATS_HINTS.pooled : undefined;
    throw new ReturnError(`${what}.${k} has ${f.length} numbers, expected ${im.C} (one per channel)`, hint);
  }
  return { mean: Array.from(fields[0]), std: Array.from(fields[1]) };
}

function statsCase(name: string, d: ImageDesign): CheckCase {
  return {
    name,
    async run([fn], ctx) {
      const im = makeImages({ ...d, seed: ctx.seed(d.seed) });
      const x = imageTensor(im);
      const what = `fitChannelStats(images ${shapeText(im)})`;
      const got = await ctx.call('fitChannelStats', fn, [x], (out) => readStats(what, out, im));
      if (x.isDisposed) return DISPOSED_INPUT;
      const want = channelStats64([im]);
      const flat = (s: Stats64) => [...s.mean, ...s.std];
      const err = relError(flat(got), flat(want));
      const message = `mean [${got.mean.map(fmt).join(', ')}] vs [${want.mean.map(fmt).join(', ')}], std [${got.std.map(fmt).join(', ')}] vs [${want.std.map(fmt).join(', ')}]`;
      if (Number.isFinite(err) && err <= NORMALIZE_TOL) return { passed: true, relError: err, tolerance: NORMALIZE_TOL, message: `${im.C} channel means and stds match` };
      const mistakes: Mistake[] = (Object.keys(STATS_HINTS) as Exclude<StatsVariant, 'right'>[])
        .map((v) => ({ hint: STATS_HINTS[v], expected: flat(channelStats64([im], v)) }));
      return { passed: false, relError: Number.isFinite(err) ? err : null, tolerance: NORMALIZE_TOL, message, hint: diagnose(flat(got), mistakes, NORMALIZE_TOL) };
    },
  };
}

const CIFAR_MEANS = [0.49, 0.48, 0.45];
const CIFAR_STDS = [0.25, 0.24, 0.26];

/** The image batches of the fitChannelStats check, named as the check prints them. */
export const STATS_DESIGNS: readonly (ImageDesign & { name: string })[] = [
  { name: 'images [10, 4, 4, 3], CIFAR-like channels (means 0.49, 0.48, 0.45; stds 0.25, 0.24, 0.26)', N: 10, H: 4, W: 4, means: CIFAR_MEANS, stds: CIFAR_STDS, seed: 211 },
  { name: 'images [6, 5, 5, 3], channels on different scales (means 100, 0, −3; stds 30, 1, 0.5)', N: 6, H: 5, W: 5, means: [100, 0, -3], stds: [30, 1, 0.5], seed: 212 },
  { name: 'edge case: one image [1, 8, 8, 3]', N: 1, H: 8, W: 8, means: CIFAR_MEANS, stds: CIFAR_STDS, seed: 213 },
  { name: 'edge case: grey images [12, 4, 4, 1] (one channel)', N: 12, H: 4, W: 4, means: [0.5], stds: [0.2], seed: 214 },
  { name: 'edge case: 8 values per channel, [2, 2, 2, 3]: the population std divides by 8, not 7', N: 2, H: 2, W: 2, means: [1, 2, 3], stds: [0.5, 1, 2], seed: 215 },
];

/** Homework 02, exercise 1: per-channel mean and population std over N, H and W. */
export const FIT_CHANNEL_STATS: Exercise = {
  name: 'fitChannelStats', homework: 'hw02-preprocessing', lesson: '02', title: 'Per-channel statistics', points: 10,
  functions: ['fitChannelStats'],
  signature: 'function fitChannelStats(images: nn.tf.Tensor4D): { mean: nn.tf.Tensor; std: nn.tf.Tensor }',
  cases: STATS_DESIGNS.map(({ name, ...d }) => statsCase(name, d)),
};

// ---- exercise 2: normalize ----------------------------------------------------------------------

function normalizeCase(name: string, d: ImageDesign, fit: ImageDesign | Stats64): CheckCase {
  return {
    name,
    async run([fn], ctx) {
      const im = makeImages({ ...d, seed: ctx.seed(d.seed) });
      const s = 'seed' in fit ? channelStats64([makeImages({ ...fit, seed: ctx.seed(fit.seed) })]) : fit;
      const x = imageTensor(im);
      const stats = { mean: tf.tensor1d(s.mean, 'float32'), std: tf.tensor1d(s.std, 'float32') };
      const what = `normalize(images ${shapeText(im)}, stats)`;
      const got = await ctx.call('normalize', fn, [x, stats], (out) => readTensor(what, out, [im.N, im.H, im.W, im.C]));
      if (x.isDisposed || stats.mean.isDisposed || stats.std.isDisposed) return DISPOSED_INPUT;
      const f32 = { mean: Array.from(stats.mean.dataSync()), std: Array.from(stats.std.dataSync()) };
      const want = normalize64(im, f32);
      const err = relError(got, want);
      if (Number.isFinite(err) && err <= NORMALIZE_TOL) return { passed: true, relError: err, tolerance: NORMALIZE_TOL, message: `${got.length} values match` };
      const at = (fnOf: (v: number, c: number) => number) => Float64Array.from(im.x, (v, i) => fnOf(v, i % im.C));
      const { mean: m, std: sd } = f32;
      const mistakes: Mistake[] = [
        { hint: 'subtract the mean first: (x − μ_c) / σ_c, you returned x / σ_c', expected: at((v, c) => v / sd[c]) },
        { hint: 'subtract, then divide: (x − μ) / σ, not x / σ − μ', expected: at((v, c) => v / sd[c] - m[c]) },
        { hint: 'divided by σ², the variance: divide by σ, the std', expected: at((v, c) => (v - m[c]) / (sd[c] * sd[c])) },
        { hint: 'multiplied by σ: divide by it, (x − μ) / σ', expected: at((v, c) => (v - m[c]) * sd[c]) },
        { hint: NO_SCALE, expected: at((v, c) => v - m[c]) },
        { hint: BATCH_OWN, expected: normalize64(im, channelStats64([im])) },
        { hint: BATCH_OWN, expected: perImage64(im) },
      ];
      const worst = worstIndex(got, want);
      const message = `at index ${worst} (channel ${worst % im.C}) x = ${fmt(im.x[worst])}: you return ${fmt(got[worst])}, expected ${fmt(want[worst])}`;
      return { passed: false, relError: Number.isFinite(err) ? err : null, tolerance: NORMALIZE_TOL, message, hint: diagnose(got, mistakes, NORMALIZE_TOL) };
    },
  };
}


/** Homework 02, exercise 2: (x − μ_c) / σ_c with given statistics. */
export const NORMALIZE_EXERCISE: Exercise = {
  name: 'normalize', homework: 'hw02-preprocessing', lesson: '02', title: 'Normalising with given statistics', points: 5,
  functions: ['normalize'],
  signature: 'function normalize(images: nn.tf.Tensor4D, stats: { mean: nn.tf.Tensor; std: nn.tf.Tensor }): nn.tf.Tensor4D',
  cases: [
    normalizeCase('a test batch [8, 4, 4, 3] with the statistics of a training batch [10, 4, 4, 3]',
      { N: 8, H: 4, W: 4, means: [0.6, 0.5, 0.4], stds: [0.3, 0.3, 0.3], seed: 221 }, { N: 10, H: 4, W: 4, means: CIFAR_MEANS, stds: CIFAR_STDS, seed: 222 }),
    normalizeCase('images [5, 3, 3, 3] on different scales, statistics μ = (100, 0, −3), σ = (30, 1, 0.5)',
      { N: 5, H: 3, W: 3, means: [100, 0, -3], stds: [30, 1, 0.5], seed: 223 }, { mean: [100, 0, -3], std: [30, 1, 0.5] }),
    normalizeCase('edge case: one image [1, 6, 6, 3]', { N: 1, H: 6, W: 6, means: CIFAR_MEANS, stds: CIFAR_STDS, seed: 224 }, { mean: [0.5, 0.45, 0.4], std: [0.2, 0.25, 0.3] }),
    normalizeCase('edge case: grey images [4, 5, 5, 1]', { N: 4, H: 5, W: 5, means: [0.3], stds: [0.1], seed: 225 }, { mean: [0.25], std: [0.15] }),
  ],
};

// ---- exercise 3: preprocess ---------------------------------------------------------------------

/** The two splits of a case: the test split from a shifted, wider distribution. */
export interface SplitDesign { name: string; train: ImageDesign; test: ImageDesign }

/** Reads `{train, test}` tensors of the given shapes, concatenated (train first). */
function readSplits(what: string, out: unknown, train: Images, test: Images): Float64Array {
  if (out === null || typeof out !== 'object' || out instanceof tf.Tensor || Array.isArray(out)) {
    throw new ReturnError(`${what} must return {train, test}, got ${out === undefined ? 'undefined (did you forget to return?)' : out instanceof tf.Tensor ? 'a tensor' : describe(out)}`);
  }
  const o = out as Record<string, unknown>;
  const a = readTensor(`${what}.train`, o.train, [train.N, train.H, train.W, train.C]);
  const b = readTensor(`${what}.test`, o.test, [test.N, test.H, test.W, test.C]);
  const both = new Float64Array(a.length + b.length);
  both.set(a);
  both.set(b, a.length);
  return both;
}

const join = (a: ArrayLike<number>, b: ArrayLike<number>) => Float64Array.from([...Array.from(a), ...Array.from(b)]);

/** What `preprocess` returns (train then test, flattened) when written the `variant` way, in float64. */
export function preprocess64(train: Images, test: Images, variant: StatsVariant | 'allData' | 'testOwn' | 'testRaw' | 'perImage' | 'perPixel' | 'noScale' = 'right'): Float64Array {
  switch (variant) {
    case 'allData': { const s = channelStats64([train, test]); return join(normalize64(train, s), normalize64(test, s)); }
    case 'testOwn': return join(normalize64(train, channelStats64([train])), normalize64(test, channelStats64([test])));
    case 'testRaw': return join(normalize64(train, channelStats64([train])), test.x);
    case 'perImage': return join(perImage64(train), perImage64(test));
    case 'perPixel': return join(perPixel64(train, train), perPixel64(train, test));
    case 'noScale': { const s = channelStats64([train]); return join(normalize64(train, { ...s, std: s.std.map(() => 1) }), normalize64(test, { ...s, std: s.std.map(() => 1) })); }
    default: { const s = channelStats64([train], variant); return join(normalize64(train, s), normalize64(test, s)); }
  }
}

function splitCase(d: SplitDesign): CheckCase {
  return {
    name: d.name,
    async run([fn], ctx) {
      const [train, test] = [makeImages({ ...d.train, seed: ctx.seed(d.train.seed) }), makeImages({ ...d.test, seed: ctx.seed(d.test.seed) })];
      const splits = { train: imageTensor(train), test: imageTensor(test) };
      const what = `preprocess({train ${shapeText(train)}, test ${shapeText(test)}})`;
      const got = await ctx.call('preprocess', fn, [splits], (out) => readSplits(what, out, train, test));
      if (splits.train.isDisposed || splits.test.isDisposed) return DISPOSED_INPUT;
      const want = preprocess64(train, test);
      const err = relError(got, want);
      const n = train.x.length;
      const part = (v: Float64Array, from: number, to: number) => v.subarray(from, to);
      const errTrain = relError(part(got, 0, n), part(want, 0, n));
      const errTest = relError(part(got, n, got.length), part(want, n, want.length));
      const message = `relative error ${fmt(errTrain)} on train, ${fmt(errTest)} on test (both normalised with the training statistics)`;
      if (Number.isFinite(err) && err <= NORMALIZE_TOL) return { passed: true, relError: err, tolerance: NORMALIZE_TOL, message: 'both splits match' };
      const hints: [Parameters<typeof preprocess64>[2], string][] = [
        ['allData', ALL_DATA], ['testOwn', TEST_OWN], ['testRaw', TEST_RAW], ['variance', STATS_HINTS.variance], ['uncentred', STATS_HINTS.uncentred],
        ['unbiased', STATS_HINTS.unbiased], ['pooled', STATS_HINTS.pooled], ['imageStds', STATS_HINTS.imageStds], ['perImage', PER_IMAGE],
        ['perPixel', PER_PIXEL], ['noScale', NO_SCALE],
      ];
      const mistakes: Mistake[] = hints.map(([v, hint]) => ({ hint, expected: preprocess64(train, test, v) }));
      return { passed: false, relError: Number.isFinite(err) ? err : null, tolerance: NORMALIZE_TOL, message, hint: diagnose(got, mistakes, NORMALIZE_TOL) };
    },
  };
}

/** The splits of the check, named as the check prints them. */
export const SPLIT_DESIGNS: readonly SplitDesign[] = [
  {
    name: 'train [12, 4, 4, 3] CIFAR-like, test [6, 4, 4, 3] brighter (+0.2) and with more contrast (σ × 1.5)',
    train: { N: 12, H: 4, W: 4, means: CIFAR_MEANS, stds: CIFAR_STDS, seed: 231 },
    test: { N: 6, H: 4, W: 4, means: CIFAR_MEANS.map((m) => m + 0.2), stds: CIFAR_STDS.map((s) => 1.5 * s), seed: 232 },
  },
  {
    name: 'train [8, 5, 5, 3], test [8, 5, 5, 3] darker (−0.3) and flatter (σ × 0.6)',
    train: { N: 8, H: 5, W: 5, means: [0.5, 0.5, 0.5], stds: [0.3, 0.2, 0.1], seed: 233 },
    test: { N: 8, H: 5, W: 5, means: [0.2, 0.2, 0.2], stds: [0.18, 0.12, 0.06], seed: 234 },
  },
  {
    name: 'edge case: a test split of one image, train [10, 4, 4, 3], test [1, 4, 4, 3]',
    train: { N: 10, H: 4, W: 4, means: CIFAR_MEANS, stds: CIFAR_STDS, seed: 235 },
    test: { N: 1, H: 4, W: 4, means: [0.7, 0.6, 0.5], stds: [0.1, 0.1, 0.1], seed: 236 },
  },
  {
    name: 'edge case: grey images, train [16, 3, 3, 1], test [4, 3, 3, 1] (+0.4)',
    train: { N: 16, H: 3, W: 3, means: [0.3], stds: [0.15], seed: 237 },
    test: { N: 4, H: 3, W: 3, means: [0.7], stds: [0.15], seed: 238 },
  },
];

/** Homework 02, exercise 3: normalise train and test with statistics fitted on train only. */
export const PREPROCESS_EXERCISE: Exercise = {
  name: 'preprocess', homework: 'hw02-preprocessing', lesson: '02', title: 'Fit on train, apply to both', points: 10,
  functions: ['preprocess'],
  signature: 'function preprocess(splits: { train: nn.tf.Tensor4D; test: nn.tf.Tensor4D }): { train: nn.tf.Tensor4D; test: nn.tf.Tensor4D }',
  cases: SPLIT_DESIGNS.map(splitCase),
};

/** Homework 02's exercises in notebook order (lesson.ts lists them; the registry reads them from there). */
export const HOMEWORK_02: readonly Exercise[] = [FIT_CHANNEL_STATS, NORMALIZE_EXERCISE, PREPROCESS_EXERCISE, WHITEN_EXERCISE];
