/**
 * Homework 04 (lesson 04): batch-norm forward in both modes with running averages,
 * `batchNormForward(x, gamma, beta, running, {training, momentum, eps}) -> {y, running}`, graded
 * in two exercises, one per mode, against a float64 JavaScript reference:
 *
 *   training:  μ = mean_i x_i,  σ² = mean_i (x_i - μ)²  (biased: 1/m)
 *              y = γ (x - μ) / sqrt(σ² + eps) + β
 *              running.mean ← momentum · running.mean + (1 - momentum) · μ   (and the same for σ²)
 *   test:      y = γ (x - running.mean) / sqrt(running.variance + eps) + β; running unchanged
 *
 * (momentum is the weight of the OLD value, as in tfjs and cs231n; PyTorch's is 1 - ours.) Each known
 * mistake is a variant of the reference; a failing output that matches a variant gets its hint:
 * biased vs unbiased variance, running statistics not updated, the momentum convention swapped,
 * batch statistics at test time, running statistics updated at test time, eps misplaced, γ and β
 * forgotten, statistics over the wrong axis, constants hard-coded instead of read from the config.
 */
import * as tf from '@tensorflow/tfjs';
import { mulberry32, randomNormal } from '../../core/rng';
import { CaseContext, CheckCase, close, Exercise, readTensor, relError, ReturnError } from '../../core/exercise';

const FN = 'batchNormForward';
const SIGNATURE = 'function batchNormForward(x: nn.tf.Tensor2D, gamma: nn.tf.Tensor1D, beta: nn.tf.Tensor1D, ' +
  'running: {mean: nn.tf.Tensor, variance: nn.tf.Tensor}, config: {training: boolean, momentum: number, eps: number}): ' +
  '{y: nn.tf.Tensor, running: {mean: nn.tf.Tensor, variance: nn.tf.Tensor}}';
/**
 * float32: inputs within ±15 and feature stds >= 0.05 give absolute errors of a few 1e-6 in y, whose
 * entries are O(1): a relative error near 1e-6; 2e-5 leaves a margin of ~10 without letting a
 * real mistake (the smallest, m/(m-1) with m = 64, moves y by 4e-3) pass.
 */
const TOL = 2e-5;

interface Problem {
  N: number; D: number;
  x: Float64Array; gamma: Float64Array; beta: Float64Array; rm: Float64Array; rv: Float64Array;
  momentum: number; eps: number;
}

interface Variant {
  ddof?: 0 | 1; runningDdof?: 0 | 1; eps?: 'inside' | 'outside' | 'none'; swapMomentum?: boolean; noUpdate?: boolean;
  useRunning?: boolean; useBatch?: boolean; noAffine?: boolean; perExample?: boolean; noSqrt?: boolean;
  hyper?: { momentum: number; eps: number };
}

/** The reference (variant {}) and every known mistake, in float64. */
function bn64(p: Problem, training: boolean, v: Variant = {}): { y: Float64Array; rm: Float64Array; rv: Float64Array } {
  const { N, D, x } = p;
  const momentum = v.hyper?.momentum ?? p.momentum;
  const eps = v.hyper?.eps ?? p.eps;
  const stats = (ddof: number) => {
    const mean = new Float64Array(D);
    const variance = new Float64Array(D);
    for (let j = 0; j < D; j++) {
      let s = 0;
      for (let i = 0; i < N; i++) s += x[i * D + j];
      mean[j] = s / N;
      let ss = 0;
      for (let i = 0; i < N; i++) ss += (x[i * D + j] - mean[j]) ** 2;
      variance[j] = N - ddof > 0 ? ss / (N - ddof) : Number.NaN;
    }
    return { mean, variance };
  };
  const batch = stats(v.ddof ?? 0);
  const normWith = training ? !v.useRunning : Boolean(v.useBatch);
  const mean = normWith ? batch.mean : p.rm;
  const variance = normWith ? batch.variance : p.rv;
  const y = new Float64Array(N * D);
  for (let i = 0; i < N; i++) {
    let rowMean = 0;
    let rowVar = 0;
    if (v.perExample) {
      for (let j = 0; j < D; j++) rowMean += x[i * D + j] / D;
      for (let j = 0; j < D; j++) rowVar += (x[i * D + j] - rowMean) ** 2 / D;
    }
    for (let j = 0; j < D; j++) {
      const m = v.perExample ? rowMean : mean[j];
      const s2 = v.perExample ? rowVar : variance[j];
      const den = v.noSqrt ? s2 + eps : v.eps === 'outside' ? Math.sqrt(s2) + eps : v.eps === 'none' ? Math.sqrt(s2) : Math.sqrt(s2 + eps);
      const xHat = (x[i * D + j] - m) / den;
      y[i * D + j] = v.noAffine ? xHat : p.gamma[j] * xHat + p.beta[j];
    }
  }
  if (!training || v.noUpdate) return { y, rm: p.rm, rv: p.rv };
  const runVar = v.runningDdof === undefined ? batch.variance : stats(v.runningDdof).variance;
  const w = v.swapMomentum ? 1 - momentum : momentum;
  const rm = p.rm.map((r, j) => w * r + (1 - w) * batch.mean[j]);
  const rv = p.rv.map((r, j) => w * r + (1 - w) * runVar[j]);
  return { y, rm, rv };
}

/** A seeded problem: feature j ~ N(means[j], stds[j]²); γ ~ N(1, 0.3²), β ~ N(0, 1), running mean N(0, 1), running var in [0.5, 2]. */
function problem(N: number, means: number[], stds: number[], seed: number, momentum: number, eps: number): Problem {
  const rand = mulberry32(seed);
  const D = means.length;
  const f32 = (a: number[]) => Float64Array.from(Float32Array.from(a));
  const x = f32(Array.from({ length: N * D }, (_, k) => means[k % D] + stds[k % D] * randomNormal(rand)));
  return {
    N, D, x, momentum, eps,
    gamma: f32(means.map(() => 1 + 0.3 * randomNormal(rand))),
    beta: f32(means.map(() => randomNormal(rand))),
    rm: f32(means.map(() => randomNormal(rand))),
    rv: f32(means.map(() => 0.5 + 1.5 * rand())),
  };
}

interface Got { y: Float64Array; rm: Float64Array; rv: Float64Array }

async function callBatchNorm(ctx: CaseContext, fn: unknown, p: Problem, training: boolean): Promise<Got> {
  const x = tf.tensor2d(Float32Array.from(p.x), [p.N, p.D], 'float32');
  const gamma = tf.tensor1d(Float32Array.from(p.gamma), 'float32');
  const beta = tf.tensor1d(Float32Array.from(p.beta), 'float32');
  const running = { mean: tf.tensor1d(Float32Array.from(p.rm), 'float32'), variance: tf.tensor1d(Float32Array.from(p.rv), 'float32') };
  const config = { training, momentum: p.momentum, eps: p.eps };
  const what = `batchNormForward(x [${p.N}, ${p.D}], ..., {training: ${training}, momentum: ${p.momentum}, eps: ${p.eps}})`;
  const got = await ctx.call(FN, fn, [x, gamma, beta, running, config], (out) => {
    const o = out as { y?: unknown; running?: { mean?: unknown; variance?: unknown } } | null;
    if (o === null || typeof o !== 'object' || !('y' in o) || typeof o.running !== 'object' || o.running === null) {
      throw new ReturnError(`${what} must return {y, running: {mean, variance}}, got ${out === undefined ? 'undefined' : Object.keys(o ?? {}).join(', ') || String(out)}`);
    }
    return {
      y: readTensor(`${what}.y`, o.y, [p.N, p.D]),
      rm: readTensor(`${what}.running.mean`, o.running.mean, [p.D]),
      rv: readTensor(`${what}.running.variance`, o.running.variance, [p.D]),
    };
  });
  if ([x, gamma, beta, running.mean, running.variance].some((t) => t.isDisposed)) {
    throw new ReturnError('your function disposed one of its inputs (x, gamma, beta or the running statistics)', 'return new tensors and leave the inputs alone; the caller owns them');
  }
  return got;
}

function compare(got: Got, want: Got): number {
  return Math.max(relError(got.y, want.y), relError(got.rm, want.rm), relError(got.rv, want.rv));
}

function matches(got: Got, p: Problem, training: boolean, v: Variant, parts: ('y' | 'rm' | 'rv')[] = ['y', 'rm', 'rv']): boolean {
  const want = bn64(p, training, v);
  return parts.every((k) => close(got[k], want[k], TOL));
}

const TRAIN_MISTAKES: { v: Variant; parts?: ('y' | 'rm' | 'rv')[]; hint: string }[] = [
  { v: { useRunning: true }, parts: ['y'], hint: 'training mode normalises with the mini-batch statistics μ_B and σ²_B; the running ones are for test mode' },
  { v: { ddof: 1 }, hint: 'biased vs unbiased variance: batch norm divides by m (the batch size), not m - 1 (tf.moments does this)' },
  { v: { runningDdof: 1 }, hint: 'the running variance averages the same biased batch variance σ²_B (1/m) that normalises x; PyTorch uses 1/(m - 1) there, tfjs and cs231n do not' },
  { v: { noUpdate: true }, hint: 'forgot to update the running statistics: in training mode return running.mean = momentum · running.mean + (1 - momentum) · μ_B (and the same for the variance)' },
  { v: { swapMomentum: true }, hint: 'momentum is the weight of the OLD running value: running = momentum · running + (1 - momentum) · batch (PyTorch\'s momentum is 1 - ours)' },
  { v: { hyper: { momentum: 0.9, eps: 1e-5 } }, hint: 'read momentum and eps from the config argument instead of hard-coding 0.9 and 1e-5' },
  { v: { eps: 'outside' }, parts: ['y'], hint: 'eps goes inside the square root: (x - μ) / sqrt(σ² + eps)' },
  { v: { noSqrt: true }, parts: ['y'], hint: 'divide by the standard deviation sqrt(σ² + eps), not by the variance' },
  { v: { noAffine: true }, parts: ['y'], hint: 'scale and shift: y = γ · x̂ + β' },
  { v: { perExample: true }, parts: ['y'], hint: 'the statistics are per feature over the batch (axis 0), not per example (axis 1)' },
];

const TEST_MISTAKES: { v: Variant; parts?: ('y' | 'rm' | 'rv')[]; hint: string }[] = [
  { v: { useBatch: true }, parts: ['y'], hint: 'used batch statistics at test time: test mode normalises with running.mean and running.variance, so one example gives the same answer alone as in any batch' },
  { v: { eps: 'outside' }, parts: ['y'], hint: 'eps goes inside the square root: (x - running.mean) / sqrt(running.variance + eps)' },
  { v: { noSqrt: true }, parts: ['y'], hint: 'divide by the standard deviation sqrt(running.variance + eps), not by the variance' },
  { v: { hyper: { momentum: 0.9, eps: 1e-5 } }, parts: ['y'], hint: 'read eps from the config argument instead of hard-coding 1e-5' },
  { v: { noAffine: true }, parts: ['y'], hint: 'scale and shift: y = γ · x̂ + β' },
];

/** A case whose problem is drawn in `run` from `ctx.seed(seed)`: today's inputs under nn.check, fresh ones per grading run. */
function bnCase(name: string, training: boolean, seed: number, make: (seed: number) => Problem): CheckCase {
  return {
    name,
    async run([fn], ctx) {
      const p = make(ctx.seed(seed));
      const got = await callBatchNorm(ctx, fn, p, training);
      const want = bn64(p, training);
      const err = compare(got, want);
      if (Number.isFinite(err) && err <= TOL) return { passed: true, relError: err, tolerance: TOL, message: 'y and the running statistics match' };
      const parts = (['y', 'rm', 'rv'] as const).filter((k) => !close(got[k], want[k], TOL));
      const names = { y: 'y', rm: 'running.mean', rv: 'running.variance' };
      const message = `${parts.map((k) => names[k]).join(', ')} differ${parts.length === 1 ? 's' : ''} from the reference` +
        (got.y.some((v) => !Number.isFinite(v)) ? ' (y has NaN or Infinity)' : '');
      let hint = (training ? TRAIN_MISTAKES : TEST_MISTAKES).find((m) => matches(got, p, training, m.v, m.parts ?? parts))?.hint;
      if (!hint && !training && (!close(got.rm, p.rm, TOL) || !close(got.rv, p.rv, TOL))) {
        hint = 'test mode must not change the running statistics: return them as they came in';
      }
      if (!hint && got.y.some((v) => !Number.isFinite(v))) hint = 'a feature with zero variance gives 0 / 0: add eps inside the square root, sqrt(σ² + eps)';
      return { passed: false, relError: err, tolerance: TOL, message, hint };
    },
  };
}

/**
 * The momentum-0 edge case's 2 examples of 1 feature, drawn from `seed` (then seed + 1, ...) until
 * they lie at least 0.1 apart: with |x₁ − x₂| near 0, σ² ≈ 0 and float32's rounding of x − μ is a
 * large part of y (a draw within 2e-3, about one in 2000, would fail a right answer).
 */
function twoApart(seed: number): Problem {
  let p = problem(2, [1], [2], seed, 0, 1e-5);
  for (let k = 1; k < 100 && Math.abs(p.x[0] - p.x[1]) < 0.1; k++) p = problem(2, [1], [2], seed + k, 0, 1e-5);
  return p;
}

/** Homework 04, part 1: training mode (batch statistics, running averages). */
export const BATCH_NORM_TRAIN_MODE: Exercise = {
  name: 'batchNormTrainMode', homework: 'hw04-batchnorm', lesson: '04', title: 'Batch norm, training mode', points: 10,
  functions: [FN], signature: SIGNATURE,
  cases: [
    bnCase('a batch of 64 x 5 features, momentum 0.9, eps 1e-5', true, 61, (s) => problem(64, [-3, 0, 1, 2.5, 3], [0.5, 1, 3, 2, 1.5], s, 0.9, 1e-5)),
    bnCase('a batch of 8 x 4 (tfjs constants: momentum 0.99, eps 1e-3), one feature with std 0.05', true, 62,
      (s) => problem(8, [1, -2, 0.5, 0], [2, 0.05, 1, 3], s, 0.99, 1e-3)),
    bnCase('edge case: a constant feature (σ² = 0): y = β there, no NaN', true, 63, (s) => {
      const p = problem(16, [2.5, 0, -1], [0, 1, 2], s, 0.9, 1e-5);
      for (let i = 0; i < p.N; i++) p.x[i * p.D] = 2.5;
      return p;
    }),
    bnCase('edge case: momentum 0 (the running statistics become the batch\'s), 2 examples of 1 feature', true, 64,
      (s) => twoApart(s)),
  ],
};

/** Homework 04, part 2: test mode (running statistics only). */
export const BATCH_NORM_TEST_MODE: Exercise = {
  name: 'batchNormTestMode', homework: 'hw04-batchnorm', lesson: '04', title: 'Batch norm, test mode', points: 10,
  functions: [FN], signature: SIGNATURE,
  cases: [
    bnCase('a batch of 32 x 4: y from the running statistics, running unchanged', false, 71, (s) => problem(32, [1, -1, 3, 0], [1, 2, 0.5, 1], s, 0.9, 1e-5)),
    bnCase('edge case: a single example [1, 4]', false, 72, (s) => problem(1, [1, -1, 3, 0], [1, 2, 0.5, 1], s, 0.9, 1e-5)),
    bnCase('eps 1e-3 and a running variance of 1e-4: eps matters', false, 73, (s) => {
      const p = problem(16, [0, 1, 2], [0.01, 1, 1], s, 0.99, 1e-3);
      p.rv[0] = Math.fround(1e-4);
      return p;
    }),
  ],
};
