/**
 * Homework 09 (lesson 09): inverted dropout forward, `invertedDropout(x, p, training, seed)`, graded
 * in two exercises, one per mode. p is the KEEP probability.
 *
 *   training:  out = x ⊙ U / p,  U ~ Bernoulli(p) elementwise, drawn with `seed`
 *   test:      out = x
 *
 * The mask is the student's own draw, so the training cases check what any correct mask must
 * satisfy: every output is 0 or x / p exactly (float32), the kept fraction is within 4 standard
 * errors of p, the mean output is within 4 SE of x (E[x ⊙ U / p] = x), same seed same mask.
 * Known mistakes: forgot to divide by p, multiplied by p, p taken as the drop probability,
 * scaled at test time as well, vanilla dropout's test rule, a mask at test time, no seed.
 */
import * as tf from '@tensorflow/tfjs';
import { normalArray } from '../../core/normal';
import { CaseContext, CheckCase, close, Exercise, fmt, readTensor, relError } from '../../core/exercise';

const FN = 'invertedDropout';
const SIGNATURE = 'function invertedDropout(x: nn.tf.Tensor, p: number, training: boolean, seed: number): nn.tf.Tensor';
/** float32 results of one multiply or divide are within 1 ulp: relative 1.2e-7; 1e-6 leaves a margin. */
const TOL = 1e-6;

function normalTensor(shape: number[], seed: number): { x: tf.Tensor; values: Float64Array } {
  const n = shape.reduce((a, b) => a * b, 1);
  const values32 = normalArray(n, seed, 1);
  return { x: tf.tensor(values32, shape, 'float32'), values: Float64Array.from(values32) };
}

async function callDropout(ctx: CaseContext, fn: unknown, x: tf.Tensor, p: number, training: boolean, seed: number): Promise<Float64Array> {
  const what = `invertedDropout(x [${x.shape.join(', ')}], ${p}, ${training}, ${seed})`;
  const out = await ctx.call(FN, fn, [x, p, training, seed], (o) => readTensor(what, o, x.shape));
  if (x.isDisposed) throw new Error('your function disposed its input x: dispose only the tensors you create');
  return out;
}

/** Splits a training output into kept (nonzero) and dropped units; `x` has no zeros (normal draws). */
function keptValues(out: Float64Array, x: Float64Array): { kept: number; got: number[]; x: number[] } {
  const got: number[] = [];
  const xs: number[] = [];
  for (let i = 0; i < out.length; i++) if (out[i] !== 0) { got.push(out[i]); xs.push(x[i]); }
  return { kept: got.length / out.length, got, x: xs };
}

/** Training case: every output is 0 or x / p; recognises x, p·x and "p is the drop probability". */
function trainValuesCase(name: string, shape: number[], p: number, seed: number): CheckCase {
  return {
    name,
    async run([fn], ctx) {
      const { x, values } = normalTensor(shape, ctx.seed(seed));
      let out = await callDropout(ctx, fn, x, p, true, ctx.seed(seed + 1));
      // a small input may lose every unit by chance ((1 - p)^n = 1/128 for [7] at p = 0.5): ask again
      // with the next seeds, up to twice, before calling it a mistake
      for (let k = 2; k <= 3 && out.every((v) => v === 0) && (1 - p) ** out.length > 1e-6; k++) out = await callDropout(ctx, fn, x, p, true, ctx.seed(seed + 1) + k);
      const { kept, got, x: xs } = keptValues(out, values);
      if (got.length === 0) return { passed: false, message: 'every unit was dropped', hint: 'keep each unit with probability p: mask = u < p for u ~ Uniform[0, 1)' };
      const expected = xs.map((v) => v / p);
      const err = relError(got, expected);
      const n = out.length;
      const se = Math.sqrt(p * (1 - p) / n);
      const fractionOk = p === 1 ? kept === 1 : Math.abs(kept - p) <= 4 * se;
      const message = `kept ${(100 * kept).toFixed(1)} % (p = ${p}); kept units are ${close(got, xs, TOL) ? 'x' : close(got, xs.map((v) => v * p), TOL) ? 'p·x' : err <= TOL ? 'x / p' : 'neither x / p nor x'}`;
      if (err <= TOL && fractionOk) return { passed: true, relError: err, tolerance: TOL, message };
      let hint: string | undefined;
      if (close(got, xs, TOL) && p !== 1) hint = 'forgot to divide by p: inverted dropout scales the kept units up to x / p during training, so that E[out] = x';
      else if (close(got, xs.map((v) => v * p), TOL)) hint = 'you multiplied by p; inverted dropout divides the kept units by p during training';
      else if (p !== 1 && Math.abs(kept - (1 - p)) <= 4 * se) hint = 'you kept a fraction 1 - p: here p is the KEEP probability (tf.layers.dropout\'s rate is 1 - p): keep where u < p';
      else if (!fractionOk) hint = `the kept fraction must be p within sampling error (4 SE = ${fmt(4 * se)}): one Bernoulli(p) draw per unit`;
      return { passed: false, relError: err, tolerance: TOL, message, hint };
    },
  };
}

/** Homework 09, part 1: training mode. */
export const DROPOUT_TRAIN_MODE: Exercise = {
  name: 'dropoutTrainMode', homework: 'hw09-dropout', lesson: '09', title: 'Inverted dropout, training mode', points: 10,
  functions: [FN], signature: SIGNATURE,
  cases: [
    trainValuesCase('p = 0.5 on a [200, 500] batch: every output is 0 or x / p, about half kept', [200, 500], 0.5, 41),
    trainValuesCase('p = 0.8: kept fraction within 4 SE of 0.8', [200, 500], 0.8, 42),
    {
      name: 'expectation: the mean output over 200,000 ones is 1 (4 SE), p = 0.3',
      async run([fn], ctx) {
        const p = 0.3;
        const x = tf.ones([400, 500]);
        const out = await callDropout(ctx, fn, x, p, true, ctx.seed(43));
        const mean = out.reduce((a, b) => a + b, 0) / out.length;
        const se = Math.sqrt((1 - p) / (p * out.length));
        const passed = Math.abs(mean - 1) <= 4 * se;
        return {
          passed, relError: Math.abs(mean - 1) / (mean + 1), message: `mean ${fmt(mean)}, expected 1 ± ${fmt(4 * se)}`,
          hint: passed ? undefined : Math.abs(mean - p) <= 4 * se * p ? 'forgot to divide by p: E[x ⊙ U] = p·x, and dividing by p brings it back to x' : undefined,
        };
      },
    },
    {
      name: 'seeded: the same seed gives the same mask, another seed another mask',
      async run([fn], ctx) {
        const { x } = normalTensor([40, 50], ctx.seed(44));
        const seeds = ctx.seedPattern(7, 8);
        const outs: Float64Array[] = [];
        for (const seed of seeds) outs.push(await callDropout(ctx, fn, x, 0.5, true, seed));
        const equal = (i: number, j: number) => outs[i].every((v, k) => v === outs[j][k]);
        const passed = seeds.every((a, i) => seeds.every((b, j) => j <= i || (a === b) === equal(i, j)));
        return {
          passed, message: passed ? 'reproducible and seed-dependent' : ctx.runSeed === 0 ? 'the mask does not follow the seed' : `the mask does not follow the seed (seeds ${seeds.join(', ')}, in this order)`,
          hint: passed ? undefined : 'draw the mask with the seed: tf.randomUniform(x.shape, 0, 1, \'float32\', seed)',
        };
      },
    },
    trainValuesCase('edge case p = 1: nothing is dropped, out = x', [30, 20], 1, 45),
    trainValuesCase('edge case: a rank-4 input [2, 5, 5, 3] keeps its shape', [2, 5, 5, 3], 0.5, 46),
    trainValuesCase('edge case: a rank-1 input [7]', [7], 0.5, 47),
  ],
};

/** Test-mode case: out must equal x whatever p and the seed. */
function testCase(name: string, shape: number[], p: number, seed: number): CheckCase {
  return {
    name,
    async run([fn], ctx) {
      const { x, values } = normalTensor(shape, ctx.seed(seed));
      const out = await callDropout(ctx, fn, x, p, false, ctx.seed(seed + 1));
      const err = relError(out, values);
      if (err <= TOL) return { passed: true, relError: err, tolerance: TOL, message: 'out = x' };
      let hint: string | undefined;
      if (close(out, values.map((v) => v / p), TOL)) hint = 'scaled at test time as well: with inverted dropout the 1/p is applied in training only; at test time out = x';
      else if (close(out, values.map((v) => v * p), TOL)) hint = 'that is vanilla dropout\'s test rule (p·x); inverted dropout already scaled during training, so at test time out = x';
      else if (out.some((v) => v === 0)) hint = 'you dropped units at test time: with training = false every unit is used, no mask';
      return { passed: false, relError: err, tolerance: TOL, message: `out differs from x (p = ${p})`, hint };
    },
  };
}

/** Homework 09, part 2: test mode. */
export const DROPOUT_TEST_MODE: Exercise = {
  name: 'dropoutTestMode', homework: 'hw09-dropout', lesson: '09', title: 'Inverted dropout, test mode', points: 10,
  functions: [FN], signature: SIGNATURE,
  cases: [
    testCase('p = 0.5 on [50, 40]: out = x', [50, 40], 0.5, 51),
    testCase('p = 0.8: out = x, whatever p', [50, 40], 0.8, 52),
    testCase('edge case: one example [1, 10], p = 0.3', [1, 10], 0.3, 53),
    testCase('edge case: a rank-3 input [4, 3, 6], p = 0.6', [4, 3, 6], 0.6, 54),
  ],
};
