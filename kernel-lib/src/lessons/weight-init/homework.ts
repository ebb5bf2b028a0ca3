/**
 * Homework 03, exercises 1 and 2: `xavierInit(shape, seed)` and `heInit(shape, seed)` (lesson 03,
 * weight initialization). The student draws W = std · N(0, 1) with
 *
 *   Xavier: std = 1 / sqrt(fanIn)        He: std = sqrt(2 / fanIn)
 *
 * fanIn = shape[0] for a dense kernel [fanIn, fanOut], h · w · inChannels for a conv kernel
 * [h, w, inChannels, outChannels]. Random draws cannot be compared value by value with the
 * reference (any seeded normal generator is correct), so the cases compare statistics with their
 * sampling error: the std of n draws has a relative standard error of 1 / sqrt(2n); a case passes
 * within 4 SE. Known mistakes (variance for std, fanOut, Glorot's or the other init's formula,
 * tf's truncated normal, no seed) are recognised from the measured std.
 */
import { initStd } from '../../nets/init';
import { CaseContext, CheckCase, Exercise, fmt, readTensor } from '../../core/exercise';

type InitKind = 'xavier' | 'he';

/** The std each known mistake would give for a kernel of `shape`, with the hint it deserves. */
function initMistakes(kind: InitKind, shape: readonly number[]): { std: number; hint: string }[] {
  const nIn = shape.length === 2 ? shape[0] : shape[0] * shape[1] * shape[2];
  const nOut = shape.length === 2 ? shape[1] : shape[0] * shape[1] * shape[3];
  const truth = initStd(kind, shape);
  const list = [
    { std: 0.88 * truth, hint: 'your std is 0.88x the formula: a normal truncated at ±2σ (tf.truncatedNormal, tf.initializers.*Normal) is narrower than its σ. Draw with tf.randomNormal and multiply by the std' },
    { std: kind === 'xavier' ? 1 / nIn : 2 / nIn, hint: `that is the variance (${kind === 'xavier' ? '1' : '2'} / fanIn), not the std: take its square root` },
    { std: kind === 'xavier' ? 1 / Math.sqrt(nOut) : Math.sqrt(2 / nOut), hint: 'you used fanOut; the lecture divides by fanIn, the number of inputs of each unit (shape[0] of a dense kernel)' },
    { std: Math.sqrt(2 / (nIn + nOut)), hint: 'that is Glorot\'s std sqrt(2 / (fanIn + fanOut)); this exercise asks for the lecture\'s formula, which uses fanIn only' },
    { std: 1, hint: 'your weights have std 1: scale the N(0, 1) draws by the std' },
  ];
  if (kind === 'xavier') list.push({ std: Math.sqrt(2 / nIn), hint: 'that is He\'s std sqrt(2 / fanIn): Xavier has no factor 2 (the 2 makes up for ReLU)' });
  else {
    list.push({ std: 1 / Math.sqrt(nIn), hint: 'that is Xavier\'s std 1 / sqrt(fanIn): He doubles the variance, std sqrt(2 / fanIn), because ReLU zeroes half the inputs' });
    list.push({ std: 2 / Math.sqrt(nIn), hint: 'you doubled the std; He doubles the variance, so the std grows by sqrt(2): sqrt(2 / fanIn)' });
  }
  if (shape.length === 4) {
    list.push({ std: kind === 'xavier' ? 1 / Math.sqrt(shape[2]) : Math.sqrt(2 / shape[2]), hint: `for a conv kernel [h, w, in, out] fanIn = h · w · in = ${nIn}, not just the input channels` });
  }
  return list;
}

/** Mean, std (divide by n) and the fraction beyond 2 `sigma` of the values. */
function sampleStats(values: Float64Array, sigma: number): { mean: number; std: number; tails: number } {
  let sum = 0;
  for (const v of values) sum += v;
  const mean = sum / values.length;
  let ss = 0;
  let tails = 0;
  for (const v of values) { ss += (v - mean) ** 2; if (Math.abs(v) > 2 * sigma) tails++; }
  return { mean, std: Math.sqrt(ss / values.length), tails: tails / values.length };
}

async function draw(ctx: CaseContext, name: string, fn: unknown, shape: number[], seed: number): Promise<Float64Array> {
  return ctx.call(name, fn, [[...shape], seed], (out) => readTensor(`${name}([${shape.join(', ')}], ${seed})`, out, shape));
}

/** A case comparing the std of one draw with the formula, 4 standard errors wide. */
function stdCase(kind: InitKind, fnName: string, label: string, shape: number[], seed: number): CheckCase {
  return {
    name: label,
    async run([fn], ctx) {
      const w = await draw(ctx, fnName, fn, shape, ctx.seed(seed));
      const sigma = initStd(kind, shape);
      const { mean, std } = sampleStats(w, sigma);
      // cs231n's relative error of two positive numbers is |s - σ| / (s + σ) ≈ (relative difference) / 2;
      // the std of n normal draws has a relative standard error of 1 / sqrt(2n).
      const tolerance = 4 / Math.sqrt(2 * w.length) / 2;
      const relError = Math.abs(std - sigma) / (std + sigma);
      const meanOk = Math.abs(mean) <= 4 * sigma / Math.sqrt(w.length);
      const passed = relError <= tolerance && meanOk;
      const what = `std ${fmt(std)} vs ${fmt(sigma)}, mean ${fmt(mean)}`;
      if (passed) return { passed, relError, tolerance, message: what };
      const mistake = initMistakes(kind, shape).find((m) => Math.abs(std - m.std) / (std + m.std) <= 4 * tolerance);
      const hint = mistake?.hint ?? (meanOk ? undefined : 'the weights must have mean 0: N(0, 1) times the std, no offset');
      return { passed, relError, tolerance, message: `${what}: expected std ${fmt(sigma)} within 4 SE and mean 0`, hint };
    },
  };
}

/**
 * The seeds of a case's reproducibility calls: [a, a, b] under nn.check (runSeed 0, today's calls);
 * in a grading run six calls over three fresh seeds in a run-dependent order, so outputs replayed
 * call by call from another run do not follow the pattern of equal and different seeds.
 */
/** The first pair of calls that breaks "equal outputs exactly for equal seeds", as a message (null: none). */
function patternMismatch<T>(seeds: readonly number[], outs: readonly T[], same: (a: T, b: T) => boolean): { message: string } | null {
  for (let i = 0; i < seeds.length; i++) {
    for (let j = i + 1; j < seeds.length; j++) {
      const equal = same(outs[i], outs[j]);
      if (seeds[i] === seeds[j] && !equal) return { message: `two calls with seed ${seeds[i]} gave different weights` };
      if (seeds[i] !== seeds[j] && equal) return { message: `seeds ${seeds[i]} and ${seeds[j]} gave identical weights` };
    }
  }
  return null;
}

function initCases(kind: InitKind, fnName: string): CheckCase[] {
  const formula = kind === 'xavier' ? '1/sqrt(fanIn)' : 'sqrt(2/fanIn)';
  return [
    stdCase(kind, fnName, `dense [500, 300]: std = ${formula} = ${fmt(initStd(kind, [500, 300]))}`, [500, 300], 11),
    stdCase(kind, fnName, `dense [64, 2000] (fanIn < fanOut): std = ${fmt(initStd(kind, [64, 2000]))}`, [64, 2000], 12),
    stdCase(kind, fnName, `edge case fanIn = 1, [1, 50000]: std = ${fmt(initStd(kind, [1, 50000]))}`, [1, 50000], 13),
    stdCase(kind, fnName, `conv kernel [3, 3, 16, 64] (fanIn = 3·3·16 = 144): std = ${fmt(initStd(kind, [3, 3, 16, 64]))}`, [3, 3, 16, 64], 14),
    {
      name: 'normal, not truncated: 4.55 % of the weights lie beyond 2 std',
      async run([fn], ctx) {
        const shape = [400, 400];
        const w = await draw(ctx, fnName, fn, shape, ctx.seed(15));
        const sigma = initStd(kind, shape);
        const { tails } = sampleStats(w, sigma);
        const p = 0.0455; // P(|z| > 2) for z ~ N(0, 1)
        const se = Math.sqrt(p * (1 - p) / w.length);
        const passed = Math.abs(tails - p) <= 4 * se;
        return {
          passed, message: `${(100 * tails).toFixed(2)} % beyond 2σ, expected ${(100 * p).toFixed(2)} % ± ${(400 * se).toFixed(2)} (4 SE)`,
          hint: passed ? undefined : tails < p / 2
            ? 'too few large weights: draw from a normal distribution (tf.randomNormal), not a uniform or a truncated normal'
            : undefined,
        };
      },
    },
    {
      name: 'seeded: the same seed gives the same weights, another seed other weights',
      async run([fn], ctx) {
        const seeds = ctx.seedPattern(21, 22);
        const outs: Float64Array[] = [];
        for (const seed of seeds) outs.push(await draw(ctx, fnName, fn, [50, 40], seed));
        const found = patternMismatch(seeds, outs, (a, b) => a.every((v, i) => v === b[i]));
        if (!found) return { passed: true, message: 'reproducible and seed-dependent' };
        return {
          passed: false, message: found.message,
          hint: 'pass the seed to the random draw: tf.randomNormal(shape, 0, 1, \'float32\', seed)',
        };
      },
    },
  ];
}

/** Homework 03, exercise 1: W = N(0, 1) / sqrt(fanIn). */
export const XAVIER_INIT: Exercise = {
  name: 'xavierInit', homework: 'hw03-weight-init', lesson: '03', title: 'Xavier initialization', points: 10,
  functions: ['xavierInit'], signature: 'function xavierInit(shape: number[], seed: number): nn.tf.Tensor',
  cases: initCases('xavier', 'xavierInit'),
};

/** Homework 03, exercise 2: W = N(0, 1) · sqrt(2 / fanIn). */
export const HE_INIT: Exercise = {
  name: 'heInit', homework: 'hw03-weight-init', lesson: '03', title: 'He initialization', points: 10,
  functions: ['heInit'], signature: 'function heInit(shape: number[], seed: number): nn.tf.Tensor',
  cases: initCases('he', 'heInit'),
};
