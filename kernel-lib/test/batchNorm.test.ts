/**
 * Lesson 04, batch normalization: the functional core against a float64 reference of the lecture's
 * formulas and against NumPy (cs231n's batchnorm_forward), agreement with tf.layers.batchNormalization
 * in both modes (with its momentum convention), folding, the per-feature invariants, bad inputs,
 * the experiments (determinism, phenomena, leaks), the figures and the group-norm family.
 *
 * Tolerances. float32 has unit roundoff u = 2^-24 ≈ 6e-8. The batch mean of m values carries an
 * absolute error of at most about m·u·max|x| (sequential sums), and x̂ = (x - μ) / sqrt(σ² + eps)
 * divides it by σ: a worst-case relative error of m·u·(|μ|/σ + 3), which grows with |μ|/σ (batch
 * norm in float32 loses digits on features whose mean is large against their spread). Our inputs
 * keep |μ|/σ ≤ 5 and m ≤ 64: worst case 64·6e-8·8 ≈ 3e-5, so we allow 5e-5 (cs231n's rel_error);
 * the errors actually seen are ~1e-7, as the test names say.
 * Folding computes the same dot products of fanIn ≤ 27 terms in a different order: worst case
 * ~2·fanIn·u ≈ 3e-6 relative; we allow 1e-5.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'child_process';
import * as path from 'path';
import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-wasm';
import { countTensors } from '../src/core/leaks';
import {
  BATCH_NORM_DEFAULTS, batchMoments, batchNormAffine, batchNormForward, BatchNormParams, batchNormParams, BatchNormState,
  batchNormState, batchNormTest, batchNormTrain, disposeBatchNormState, foldBatchNorm, TFJS_BATCH_NORM_DEFAULTS,
} from '../src/lessons/batch-norm/batchNorm';
import { batchNormStats } from '../src/lessons/batch-norm/stats';
import { batchNormIdentity } from '../src/lessons/batch-norm/identity';
import { batchNormRunning } from '../src/lessons/batch-norm/running';
import { batchNormFold } from '../src/lessons/batch-norm/fold';
import { BATCH_NORM_MODE_BUG_QUICK, batchNormModeBug } from '../src/lessons/batch-norm/modeBug';
import { BATCH_NORM_RESCUE_QUICK, batchNormRescue } from '../src/lessons/batch-norm/rescue';
import { BATCH_NORM_LEARNING_RATES_QUICK, batchNormLearningRates } from '../src/lessons/batch-norm/learningRates';
import { normComparison } from '../src/lessons/batch-norm/normComparison';
import { groupNorm, instanceNorm, layerNorm } from '../src/lessons/batch-norm/norms';
import { epochBatches } from '../src/nets/train';
import { batchNormNetForward, bnNetWeightStd, createBatchNormNet, disposeBatchNormNet } from '../src/lessons/batch-norm/net';
import { featureStats } from '../src/core/stats';
import type { ProgressEvent } from '../src/core/progress';
import { seedStream } from '../src/core/rng';
import {
  batchNormFoldRows, batchNormIdentityRows, batchNormRunningFigure, batchNormStatsFigure, batchNormStatsRows, normComparisonFigure,
  normComparisonRows,
} from '../src/lessons/batch-norm/figures';
import {
  batchNormLearningRatesFigure, batchNormLearningRatesRows, batchNormModeBugExampleRows, batchNormModeBugFigure, batchNormModeBugRows,
  batchNormRescueFigure,
} from '../src/lessons/batch-norm/trainingFigures';
import { tensorStackRows } from '../src/show/tensors';
import * as batchNorm from '../src/lessons/batch-norm';
import { BATCH_NORM_LESSON } from '../src/lessons/batch-norm/lesson';
import type { Figure } from '../src/show/figure';
import { cliInProcess, relError, withoutMeta } from './helpers';

const PYTHON = '/usr/bin/python3';
const NUMPY_SCRIPT = path.resolve(__dirname, '..', '..', 'test', 'numpy', 'batch_norm.py');
const numpy = spawnSync(PYTHON, ['-c', 'import numpy'], { encoding: 'utf8' });
const NO_NUMPY = numpy.status === 0 ? false : `${PYTHON} with numpy is missing: apt-get install python3-numpy`;

/** Relative error allowed between float32 results and a float64 reference (see the file comment). */
const TOL = 5e-5;
const FOLD_TOL = 1e-5;

test.before(async () => {
  await tf.setBackend('wasm');
  await tf.ready();
});


/**
 * x: rows of D features, feature j ~ N(means[j], stds[j]²), drawn in JS from a seed and rounded to
 * float32, so that the float64 references see exactly the numbers the tensors hold.
 */
function features(rows: number, means: number[], stds: number[], seed: number): number[][] {
  const random = seedStream(seed).random();
  const normal = () => Math.sqrt(-2 * Math.log(1 - random())) * Math.cos(2 * Math.PI * random());
  return Array.from({ length: rows }, () => means.map((m, j) => Math.fround(m + stds[j] * normal())));
}

/** The lecture's training-mode formulas in float64 over the rows of x ([m, D]). */
function referenceTrain(x: number[][], gamma: number[], beta: number[], running: { mean: number[]; var: number[] },
  momentum: number, eps: number) {
  const m = x.length;
  const D = x[0].length;
  const mu = Array.from({ length: D }, (_, j) => x.reduce((a, r) => a + r[j], 0) / m);
  const sigma2 = Array.from({ length: D }, (_, j) => x.reduce((a, r) => a + (r[j] - mu[j]) ** 2, 0) / m);
  const y = x.map((r) => r.map((v, j) => gamma[j] * ((v - mu[j]) / Math.sqrt(sigma2[j] + eps)) + beta[j]));
  return {
    y, mu, sigma2,
    runningMean: running.mean.map((r, j) => momentum * r + (1 - momentum) * mu[j]),
    runningVar: running.var.map((r, j) => momentum * r + (1 - momentum) * sigma2[j]),
  };
}

function referenceTest(x: number[][], gamma: number[], beta: number[], running: { mean: number[]; var: number[] }, eps: number) {
  return x.map((r) => r.map((v, j) => gamma[j] * (v - running.mean[j]) / Math.sqrt(running.var[j] + eps) + beta[j]));
}

const flat = (rows: number[][]) => rows.flat();

function makeParams(gamma: number[], beta: number[]): BatchNormParams {
  return { gamma: tf.tensor1d(gamma), beta: tf.tensor1d(beta) };
}
function makeState(mean: number[], variance: number[]): BatchNormState {
  return { runningMean: tf.tensor1d(mean), runningVar: tf.tensor1d(variance) };
}
function disposeAll(...items: (BatchNormParams | BatchNormState | tf.Tensor)[]): void {
  for (const it of items) tf.dispose(it instanceof tf.Tensor ? it : Object.values(it));
}

const GAMMA = [1.5, 0.5, 2, 1];
const BETA = [0.1, -1, 3, 0];
const RUNNING = { mean: [4, 5, -2, 0.5], var: [8, 10, 1, 0.25] };
const X = features(64, [5, 5, -2, 0.02], [3, 3, 1, 0.01], 11);

// ---------------------------------------------------------------- the functional core

test('batchNormForward(x, params, state, {training: true}) equals the lecture\'s formulas in float64 (rel error ~1e-7 < 5e-5)', async () => {
  const x = tf.tensor2d(X);
  const params = makeParams(GAMMA, BETA);
  const state = makeState(RUNNING.mean, RUNNING.var);
  const { y, state: next } = batchNormForward(x, params, state, { training: true, momentum: 0.9, eps: 1e-5 });
  const ref = referenceTrain(X, GAMMA, BETA, RUNNING, 0.9, 1e-5);
  assert.ok(relError(await y.data(), flat(ref.y)) < TOL, `y rel error ${relError(await y.data(), flat(ref.y))}`);
  assert.ok(relError(await next.runningMean.data(), ref.runningMean) < TOL);
  assert.ok(relError(await next.runningVar.data(), ref.runningVar) < TOL);
  assert.deepEqual(Array.from(await state.runningMean.data()), Array.from(Float32Array.from(RUNNING.mean)), 'the old state is not modified');
  disposeAll(x, params, state, next, y);
});

test('batchNormForward(x, params, state, {training: false}) uses only the running statistics and returns them unchanged as new tensors', async () => {
  const x = tf.tensor2d(X);
  const params = makeParams(GAMMA, BETA);
  const state = makeState(RUNNING.mean, RUNNING.var);
  const { y, state: next } = batchNormForward(x, params, state, { training: false, eps: 1e-5 });
  assert.ok(relError(await y.data(), flat(referenceTest(X, GAMMA, BETA, RUNNING, 1e-5))) < TOL);
  assert.notEqual(next.runningMean, state.runningMean, 'new tensors: the caller owns what comes back');
  assert.deepEqual(Array.from(await next.runningMean.data()), Array.from(await state.runningMean.data()));
  assert.deepEqual(Array.from(await next.runningVar.data()), Array.from(await state.runningVar.data()));
  // one example alone gets the same answer as inside the batch: test mode has no batch statistics
  const one = tf.tensor2d([X[3]]);
  const alone = batchNormTest(one, params.gamma, params.beta, state, { eps: 1e-5 });
  assert.deepEqual(Array.from(await alone.data()), Array.from((await y.data()).subarray(12, 16)));
  disposeAll(x, params, state, next, y, one, alone);
});

test('batchNormForward on [N, H, W, C] normalises each channel over N, H and W (spatial batch norm)', async () => {
  const [N, H, W, C] = [4, 3, 5, 4];
  const rows = features(N * H * W, [5, -1, 0, 20], [3, 1, 0.1, 4], 12); // row r = position (n, h, w)
  const x = tf.tensor4d(flat(rows), [N, H, W, C]);
  const params = makeParams(GAMMA, BETA);
  const state = makeState(RUNNING.mean, RUNNING.var);
  const { y, state: next } = batchNormForward(x, params, state, { training: true, momentum: 0.8, eps: 1e-3 });
  const ref = referenceTrain(rows, GAMMA, BETA, RUNNING, 0.8, 1e-3);
  assert.deepEqual(y.shape, [N, H, W, C]);
  assert.ok(relError(await y.data(), flat(ref.y)) < TOL);
  assert.ok(relError(await next.runningMean.data(), ref.runningMean) < TOL);
  assert.ok(relError(await next.runningVar.data(), ref.runningVar) < TOL);
  disposeAll(x, params, state, next, y);
});

test('training-mode outputs have per-feature mean 0 and std sqrt(σ²/(σ² + eps)) whatever the input\'s offset and scale', async () => {
  const x = tf.tensor2d(X);
  const params = batchNormParams(4);
  const state = batchNormState(4);
  const eps = 1e-5;
  const { y, state: next } = batchNormForward(x, params, state, { training: true, eps });
  const out = featureStats(await y.data(), 4);
  const input = featureStats(flat(X), 4);
  input.std.forEach((s, j) => {
    const expected = Math.sqrt(s * s / (s * s + eps)); // feature 3 has σ ≈ 0.01: std ≈ 0.95, not 1
    assert.ok(Math.abs(out.mean[j]) < 1e-5 * (1 + Math.abs(input.mean[j]) / s), `feature ${j} mean ${out.mean[j]}`);
    assert.ok(Math.abs(out.std[j] - expected) < TOL, `feature ${j} std ${out.std[j]} vs ${expected}`);
  });
  assert.ok(out.std[3] < 0.97, `eps matters when the variance is small: std ${out.std[3]}`);
  disposeAll(x, params, state, next, y);
});

test('batchNormTrain and batchNormTest are batchNormForward with the mode in the name', async () => {
  const x = tf.tensor2d(X);
  const params = makeParams(GAMMA, BETA);
  const state = makeState(RUNNING.mean, RUNNING.var);
  const a = batchNormTrain(x, params.gamma, params.beta, state, { momentum: 0.7, eps: 1e-4 });
  const b = batchNormForward(x, params, state, { training: true, momentum: 0.7, eps: 1e-4 });
  assert.deepEqual(Array.from(await a.y.data()), Array.from(await b.y.data()));
  assert.deepEqual(Array.from(await a.running.runningVar.data()), Array.from(await b.state.runningVar.data()));
  const t = batchNormTest(x, params.gamma, params.beta, state, { eps: 1e-4 });
  const u = batchNormForward(x, params, state, { training: false, eps: 1e-4 });
  assert.deepEqual(Array.from(await t.data()), Array.from(await u.y.data()));
  disposeAll(x, params, state, a.y, a.running, b.y, b.state, t, u.y, u.state);
});

test('batchNormForward uses the defaults momentum 0.9 and eps 1e-5 (cs231n), and PyTorch\'s momentum is 1 - ours', async () => {
  assert.deepEqual(BATCH_NORM_DEFAULTS, { momentum: 0.9, eps: 1e-5 });
  const x = tf.tensor2d(X);
  const params = makeParams(GAMMA, BETA);
  const state = makeState(RUNNING.mean, RUNNING.var);
  const { y, state: next } = batchNormForward(x, params, state, { training: true });
  const ref = referenceTrain(X, GAMMA, BETA, RUNNING, 0.9, 1e-5);
  assert.ok(relError(await y.data(), flat(ref.y)) < TOL);
  // PyTorch: running = (1 - m_pt) · running + m_pt · batch with m_pt = 0.1 is our momentum 0.9
  const mPt = 0.1;
  const pytorch = RUNNING.mean.map((r, j) => (1 - mPt) * r + mPt * ref.mu[j]);
  assert.ok(relError(await next.runningMean.data(), pytorch) < TOL);
  disposeAll(x, params, state, next, y);
});

test('training-mode batch norm ignores the scale of its input: BN(a · z) = BN(z) up to eps (why BN tolerates large learning rates)', async () => {
  const z = tf.tensor2d(X);
  const params = makeParams(GAMMA, BETA);
  const state = makeState(RUNNING.mean, RUNNING.var);
  const eps = 1e-9; // BN(a·z) = (a z - a μ) / sqrt(a² σ² + eps): exact when eps ≪ σ² (here σ² ≥ 1e-4)
  const a = tf.mul(z, 37);
  const r1 = batchNormForward(z, params, state, { training: true, eps });
  const r2 = batchNormForward(a, params, state, { training: true, eps });
  assert.ok(relError(await r1.y.data(), await r2.y.data()) < TOL);
  disposeAll(z, a, params, state, r1.y, r1.state, r2.y, r2.state);
});

test('batchMoments(x) is the per-feature mean and the biased (1/m) variance', async () => {
  const x = tf.tensor2d(X);
  const { mean, variance } = batchMoments(x);
  const ref = referenceTrain(X, GAMMA, BETA, RUNNING, 0.9, 1e-5);
  assert.ok(relError(await mean.data(), ref.mu) < TOL);
  assert.ok(relError(await variance.data(), ref.sigma2) < TOL);
  tf.dispose([x, mean, variance]);
});

test('batchNormForward agrees with NumPy\'s cs231n batchnorm_forward over 3 training steps and a test step', { skip: NO_NUMPY }, async () => {
  for (const shape of [[64, 4], [4, 3, 5, 4]]) {
    const rows = features(shape.slice(0, -1).reduce((a, b) => a * b, 1), [5, -1, 0, 20], [3, 1, 0.1, 4], 13);
    const x = tf.tensor(flat(rows), shape);
    const xs = Array.from(await x.data()); // exactly the float32 values we normalise
    const params = makeParams(GAMMA, BETA);
    let state = makeState(RUNNING.mean, RUNNING.var);
    let first: Float32Array | null = null;
    for (let step = 0; step < 3; step++) {
      const r = batchNormForward(x, params, state, { training: true, momentum: 0.9, eps: 1e-5 });
      if (!first) first = (await r.y.data()) as Float32Array;
      r.y.dispose();
      disposeBatchNormState(state);
      state = r.state;
    }
    const t = batchNormTest(x, params.gamma, params.beta, state, { eps: 1e-5 });
    const job = { x: xs, shape, gamma: GAMMA, beta: BETA, running_mean: RUNNING.mean, running_var: RUNNING.var, momentum: 0.9, eps: 1e-5, steps: 3 };
    const py = spawnSync(PYTHON, [NUMPY_SCRIPT, JSON.stringify(job)], { encoding: 'utf8', maxBuffer: 64 << 20 });
    assert.equal(py.status, 0, py.stderr);
    const np = JSON.parse(py.stdout);
    assert.ok(relError(first!, np.train) < TOL, `train ${shape}`);
    assert.ok(relError(await state.runningMean.data(), np.running_mean) < TOL, `running mean ${shape}`);
    assert.ok(relError(await state.runningVar.data(), np.running_var) < TOL, `running var ${shape}`);
    assert.ok(relError(await t.data(), np.test) < TOL, `test ${shape}`);
    disposeAll(x, params, state, t);
  }
});

// ---------------------------------------------------------------- agreement with tf.layers

/** A built tf.layers.batchNormalization with our γ, β and running statistics as its weights. */
function tfLayer(momentum: number, eps: number | undefined, rank: number): tf.layers.Layer {
  const layer = tf.layers.batchNormalization({ axis: -1, momentum, ...(eps === undefined ? {} : { epsilon: eps }) });
  layer.build(rank === 2 ? [null, 4] : [null, 3, 5, 4]);
  const weights = [tf.tensor1d(GAMMA), tf.tensor1d(BETA), tf.tensor1d(RUNNING.mean), tf.tensor1d(RUNNING.var)];
  layer.setWeights(weights); // copies the values into the layer's variables
  tf.dispose(weights);
  return layer;
}

for (const rank of [2, 4]) {
  for (const [label, momentum, eps] of [['its defaults (momentum 0.99, epsilon 1e-3)', TFJS_BATCH_NORM_DEFAULTS.momentum, undefined],
    ['momentum 0.9, epsilon 1e-5', 0.9, 1e-5]] as const) {
    test(`batchNormForward agrees with tf.layers.batchNormalization on rank ${rank} with ${label}, in both modes`, async () => {
      const hyper = { momentum, eps: eps ?? TFJS_BATCH_NORM_DEFAULTS.eps };
      const shape = rank === 2 ? [64, 4] : [4, 3, 5, 4];
      const rows = features(shape.slice(0, -1).reduce((a, b) => a * b, 1), [5, -1, 0, 20], [3, 1, 0.1, 4], 14);
      const x = tf.tensor(flat(rows), shape);
      const layer = tfLayer(momentum, eps, rank);
      const params = makeParams(GAMMA, BETA);
      const state = makeState(RUNNING.mean, RUNNING.var);
      // test mode first (it must not touch the moving statistics), then training mode
      const tfTest = layer.apply(x, { training: false }) as tf.Tensor;
      const ours = batchNormForward(x, params, state, { training: false, ...hyper });
      assert.ok(relError(await tfTest.data(), await ours.y.data()) < TOL, 'test mode');
      const tfTrain = layer.apply(x, { training: true }) as tf.Tensor;
      const oursTrain = batchNormForward(x, params, state, { training: true, ...hyper });
      assert.ok(relError(await tfTrain.data(), await oursTrain.y.data()) < TOL, 'training mode output');
      // tf.layers updates its moving statistics in place: moving = m · moving + (1 - m) · batch, as ours
      const [, , movingMean, movingVar] = layer.getWeights();
      assert.ok(relError(await movingMean.data(), await oursTrain.state.runningMean.data()) < TOL, 'moving mean');
      assert.ok(relError(await movingVar.data(), await oursTrain.state.runningVar.data()) < TOL, 'moving variance (biased, 1/m)');
      disposeAll(x, params, state, tfTest, ours.y, ours.state, tfTrain, oursTrain.y, oursTrain.state);
      layer.weights.forEach((w) => w.dispose()); // layer.dispose() refuses a layer that was only applied eagerly
    });
  }
}

test('tf.layers.batchNormalization\'s apply(x) without {training} is test mode (tfjs trap 6): outputs from the moving statistics, which stay put', async () => {
  const x = tf.tensor2d(X);
  const layer = tfLayer(0.9, 1e-5, 2);
  const y = layer.apply(x) as tf.Tensor;
  assert.ok(relError(await y.data(), flat(referenceTest(X, GAMMA, BETA, RUNNING, 1e-5))) < TOL);
  assert.ok(relError(await layer.getWeights()[2].data(), RUNNING.mean) < 1e-7, 'no update of the moving mean');
  tf.dispose([x, y]);
  layer.weights.forEach((w) => w.dispose());
});

// ---------------------------------------------------------------- folding

test('foldBatchNorm merges test-mode BN into a dense layer: x · W\' + b\' equals BN(x · W + b) (rel error ~1e-7 < 1e-5)', async () => {
  const x = tf.tensor2d(features(32, new Array(6).fill(1), new Array(6).fill(2), 15));
  const W = tf.randomNormal([6, 4], 0, 1, 'float32', 7);
  for (const b of [tf.tensor1d([0.5, -1, 2, 0]), null]) {
    const params = makeParams(GAMMA, BETA);
    const state = makeState(RUNNING.mean, RUNNING.var);
    const z = b ? tf.add(tf.matMul(x, W), b) : tf.matMul(x, W);
    const unfolded = batchNormTest(z, params.gamma, params.beta, state, { eps: 1e-5 });
    const folded = foldBatchNorm({ W, b }, params, state, { eps: 1e-5 });
    const direct = tf.add(tf.matMul(x, folded.W as tf.Tensor2D), folded.b);
    assert.ok(relError(await direct.data(), await unfolded.data()) < FOLD_TOL, `bias ${b ? 'given' : 'null'}`);
    disposeAll(params, state, z, unfolded, folded.W, folded.b, direct);
    if (b) b.dispose();
  }
  tf.dispose([x, W]);
});

test('foldBatchNorm merges test-mode BN into a conv layer: each output channel\'s filter is scaled', async () => {
  const x = tf.randomNormal([2, 6, 6, 3], 0, 1, 'float32', 8);
  const W = tf.randomNormal([3, 3, 3, 4], 0, 0.5, 'float32', 9);
  const b = tf.tensor1d([0.5, -1, 2, 0]);
  const params = makeParams(GAMMA, BETA);
  const state = makeState(RUNNING.mean, RUNNING.var);
  const z = tf.add(tf.conv2d(x as tf.Tensor4D, W as tf.Tensor4D, 1, 'same'), b);
  const unfolded = batchNormTest(z, params.gamma, params.beta, state, { eps: 1e-5 });
  const folded = foldBatchNorm({ W, b }, params, state, { eps: 1e-5 });
  const direct = tf.add(tf.conv2d(x as tf.Tensor4D, folded.W as tf.Tensor4D, 1, 'same'), folded.b);
  assert.deepEqual(folded.W.shape, [3, 3, 3, 4]);
  assert.ok(relError(await direct.data(), await unfolded.data()) < FOLD_TOL);
  disposeAll(x, W, b, params, state, z, unfolded, folded.W, folded.b, direct);
});

test('batchNormAffine gives scale = γ / sqrt(running_var + eps) and shift = β - scale · running_mean', async () => {
  const params = makeParams(GAMMA, BETA);
  const state = makeState(RUNNING.mean, RUNNING.var);
  const { scale, shift } = batchNormAffine(params, state, { eps: 1e-3 });
  const s = GAMMA.map((g, j) => g / Math.sqrt(RUNNING.var[j] + 1e-3));
  assert.ok(relError(await scale.data(), s) < TOL);
  assert.ok(relError(await shift.data(), BETA.map((b, j) => b - s[j] * RUNNING.mean[j])) < TOL);
  disposeAll(params, state, scale, shift);
});

test('batchNormFold reports folded == unfolded for dense and conv within float32 rounding', async () => {
  const r = await batchNormFold({ seed: 3 });
  for (const kind of ['dense', 'conv'] as const) {
    assert.ok(r[kind].relError < FOLD_TOL, `${kind}: ${r[kind].relError}`);
    assert.ok(r[kind].maxAbsDiff < FOLD_TOL * 2 * r[kind].maxAbsOutput);
    assert.ok(r[kind].maxAbsOutput > 1, 'a non-trivial output');
  }
  assert.deepEqual(r.conv.kernelShape, [3, 3, 3, 8]);
  assert.deepEqual(r.dense.outputShape, [32, 16]);
});

// ---------------------------------------------------------------- bad inputs

test('batchNormForward rejects shapes, eps and momentum that don\'t fit, naming the value', () => {
  const x = tf.zeros([8, 4]);
  const params = batchNormParams(4);
  const state = batchNormState(4);
  const three = tf.zeros([3]);
  assert.throws(() => batchNormForward(x, { ...params, gamma: three as tf.Tensor1D }, state, { training: true }),
    { name: 'ArgumentError', message: 'gamma.shape must be [4] (one value per feature: the last axis of x, shape [8, 4]), got [3]' });
  assert.throws(() => batchNormForward(x, { ...params, beta: three as tf.Tensor1D }, state, { training: true }), /^ArgumentError: beta\.shape must be \[4\]/);
  assert.throws(() => batchNormForward(x, params, { ...state, runningMean: three as tf.Tensor1D }, { training: false }), /runningMean\.shape must be \[4\].*got \[3\]/);
  assert.throws(() => batchNormForward(x, params, { ...state, runningVar: three as tf.Tensor1D }, { training: false }), /runningVar\.shape must be \[4\].*got \[3\]/);
  assert.throws(() => batchNormForward(x, params, state, { training: true, eps: 0 }),
    { message: 'eps must be a finite number in (0, 1000] (it keeps sqrt(var + eps) away from 0), got 0' });
  assert.throws(() => batchNormForward(x, params, state, { training: true, eps: -1e-5 }), /eps must be a finite number in \(0, 1000\].*got -0\.00001/);
  assert.throws(() => batchNormForward(x, params, state, { training: true, momentum: 1 }),
    { message: 'momentum must be a number in [0, 1) (the weight of the old running value: running = momentum * running + (1 - momentum) * batch), got 1' });
  assert.throws(() => batchNormForward(x, params, state, { training: true, momentum: -0.1 }), /momentum must be a number in \[0, 1\).*got -0\.1/);
  assert.throws(() => batchNormForward(x, params, state, { training: true, momentum: NaN }), /momentum .*got NaN/);
  assert.throws(() => batchNormForward(x, params, state, {} as never), { message: 'training must be true or false, got undefined' });
  assert.throws(() => batchNormForward(x, params, state, { training: 1 } as never), /training must be true or false, got 1/);
  assert.throws(() => batchNormForward(x, params, state, { training: true, epsilon: 1e-3 } as never), /batchNorm\.forward\.epsilon must be one of the known options \(training, momentum, eps\)/);
  const x3 = tf.zeros([2, 3, 4]);
  assert.throws(() => batchNormForward(x3, params, state, { training: true }),
    { message: 'x.shape must be [batchSize, features] or [batchSize, height, width, channels], got [2, 3, 4]' });
  assert.throws(() => batchNormTrain(x, params.gamma, params.beta, state, { momentum: 1.5 }), /momentum must be a number in \[0, 1\)/);
  assert.throws(() => batchNormTrain(x, params.gamma, params.beta, state, { epsilon: 1e-3 } as never), /batchNorm\.train\.epsilon must be one of the known options \(momentum, eps\)/);
  assert.throws(() => batchNormTest(x, params.gamma, params.beta, state, { momentum: 0.9 } as never), /batchNorm\.test\.momentum must be one of the known options \(eps\)/);
  assert.throws(() => batchNormForward(x, params, state, { training: true, eps: Infinity }), /eps must be a finite number in \(0, 1000\]/);
  disposeAll(x, params, state, three, x3);
});

test('foldBatchNorm rejects a kernel, a bias or BN parameters that don\'t match, naming the value', () => {
  const params = batchNormParams(4);
  const state = batchNormState(4);
  const W3 = tf.zeros([2, 3, 4]);
  const W = tf.zeros([5, 4]);
  const W6 = tf.zeros([5, 6]);
  const b3 = tf.zeros([3]);
  assert.throws(() => foldBatchNorm({ W: W3, b: null }, params, state), /layer\.W\.shape must be \[fanIn, D\] \(dense\) or \[filterH, filterW, inChannels, D\] \(conv\), got \[2, 3, 4\]/);
  assert.throws(() => foldBatchNorm({ W, b: b3 as tf.Tensor1D }, params, state), /layer\.b must be null or a tensor of shape \[4\] \(one bias per output of W\), got \[3\]/);
  assert.throws(() => foldBatchNorm({ W: W6, b: null }, params, state), /gamma\.shape must be \[6\] \(one value per feature: the last axis of W, shape \[5, 6\]\), got \[4\]/);
  assert.throws(() => foldBatchNorm({ W, b: null }, params, state, { eps: 0 }), /eps must be a finite number in \(0, 1000\]/);
  disposeAll(params, state, W3, W, W6, b3);
});

test('the argument checks allocate nothing: a rejected call leaks no tensors', async () => {
  const x = tf.zeros([8, 4]);
  const params = batchNormParams(4);
  const state = batchNormState(4);
  const report = await countTensors(() => {
    for (const bad of [{ training: true, eps: 0 }, { training: true, momentum: 1 }, {}]) {
      assert.throws(() => batchNormForward(x, params, state, bad as never));
    }
    assert.throws(() => foldBatchNorm({ W: tf.zeros([5, 6]), b: null }, params, state));
  });
  assert.equal(report.leaked, 1, 'only the test\'s own zeros([5, 6])');
  disposeAll(x, params, state);
});

// ---------------------------------------------------------------- leaks

test('batchNormForward, batchNormTrain, batchNormTest, batchNormAffine and foldBatchNorm leave only what they return', async () => {
  const x = tf.tensor2d(X);
  const params = makeParams(GAMMA, BETA);
  const state = makeState(RUNNING.mean, RUNNING.var);
  const W = tf.ones([3, 4]);
  const b = tf.ones([4]) as tf.Tensor1D;
  for (const [name, fn, returned] of [
    ['batchNormForward train', () => batchNormForward(x, params, state, { training: true }), 3],
    ['batchNormForward test', () => batchNormForward(x, params, state, { training: false }), 3],
    ['batchNormTrain', () => batchNormTrain(x, params.gamma, params.beta, state), 3],
    ['batchNormTest', () => batchNormTest(x, params.gamma, params.beta, state), 1],
    ['batchNormAffine', () => batchNormAffine(params, state), 2],
    ['foldBatchNorm', () => foldBatchNorm({ W, b }, params, state), 2],
    ['foldBatchNorm, no bias', () => foldBatchNorm({ W, b: null }, params, state), 2],
  ] as const) {
    const r = await countTensors(fn as () => unknown);
    assert.equal(r.leaked, returned, `${name} leaves ${r.leaked} tensors, returns ${returned}`);
    tf.dispose(r.result as tf.TensorContainer);
  }
  disposeAll(x, params, state, W, b);
});

test('every experiment of the lesson leaks no tensors', async () => {
  const runs: [string, () => Promise<unknown>][] = [
    ['batchNormStats', () => batchNormStats({ batchSize: 32, warmupSteps: 3 })],
    ['batchNormIdentity', () => batchNormIdentity({})],
    ['batchNormRunning', () => batchNormRunning({ steps: 5 })],
    ['batchNormFold', () => batchNormFold({ warmupSteps: 2 })],
    ['batchNormModeBug', () => batchNormModeBug({ steps: 3, pointsPerClass: 10, batchSize: 8, widths: [8] })],
    ['batchNormRescue', () => batchNormRescue({ steps: 3, pointsPerClass: 10, batchSize: 8, depth: 2, width: 8 })],
    ['batchNormLearningRates (one diverges)', () => batchNormLearningRates({ steps: 20, pointsPerClass: 10, batchSize: 8, depth: 3, width: 8, lrs: [0.1, 1e6] })],
    ['normComparison', () => normComparison({})],
  ];
  for (const [name, run] of runs) {
    const r = await countTensors(run);
    assert.equal(r.leaked, 0, `${name} leaked ${r.leaked} tensors`);
  }
});

test('a rejected experiment option leaks nothing and names the option', async () => {
  const r = await countTensors(async () => {
    await assert.rejects(batchNormStats({ momentum: 1 }), /momentum must be a number in \[0, 1\)/);
    await assert.rejects(batchNormStats({ mode: 'eval' as never }), /mode must be one of "train", "test", "both", got "eval"/);
    await assert.rejects(batchNormStats({ batchsize: 3 } as never), /batchNorm\.stats\.batchsize must be one of the known options/);
    await assert.rejects(batchNormRunning({ momenta: [0.9, 1] }), /momenta\[1\] must be a number in \[0, 1\), got 1/);
    await assert.rejects(batchNormIdentity({ eps: 0 }), /eps must be a finite number in \(0, 1000\]/);
    await assert.rejects(batchNormFold({ features: 0 }), /features must be an integer in \[1, 100000\], got 0/);
    await assert.rejects(batchNormModeBug({ widths: [] }), /widths must be an array of 1 to 100 values, got \[\]/);
    await assert.rejects(batchNormModeBug({ batchSize: 1000 }), /batchSize must be an integer in \[2, 300\], got 1000/);
    await assert.rejects(batchNormRescue({ init: 'huge' as never }), /init must be one of "small", "xavier", "he", got "huge"/);
    await assert.rejects(batchNormLearningRates({ lrs: [0.1, 0] }), /lrs\[1\] must be a finite number in \(0, 1000000\], got 0/);
    await assert.rejects(normComparison({ channels: 6, groups: 4 }), /groups must be a divisor of channels \(6\), got 4/);
  });
  assert.equal(r.leaked, 0);
});

// ---------------------------------------------------------------- progress: one shape

/** Small runs of every experiment, each taking the extra options (e.g. `progress`). */
const SMALL_RUNS: [string, (extra: object) => Promise<{ options: object; meta: unknown }>][] = [
  ['batchNorm.stats', (extra) => batchNormStats({ batchSize: 32, warmupSteps: 3, ...extra })],
  ['batchNorm.identity', (extra) => batchNormIdentity({ ...extra })],
  ['batchNorm.running', (extra) => batchNormRunning({ steps: 5, ...extra })],
  ['batchNorm.fold', (extra) => batchNormFold({ warmupSteps: 2, ...extra })],
  ['batchNorm.modeBug', (extra) => batchNormModeBug({ steps: 3, pointsPerClass: 10, batchSize: 8, widths: [8], ...extra })],
  ['batchNorm.rescue', (extra) => batchNormRescue({ steps: 3, pointsPerClass: 10, batchSize: 8, depth: 2, width: 8, ...extra })],
  ['batchNorm.learningRates (one diverges)', (extra) => batchNormLearningRates({ steps: 20, pointsPerClass: 10, batchSize: 8, depth: 3, width: 8, lrs: [0.1, 1e6], ...extra })],
  ['batchNorm.normComparison', (extra) => normComparison({ ...extra })],
];

/** The units of work each small run reports in total, and its phases in order. */
const SMALL_PROGRESS: Record<string, { total: number; phases: string[] }> = {
  'batchNorm.stats': { total: 4, phases: ['warm-up', 'measure'] },
  'batchNorm.identity': { total: 1, phases: ['identity'] },
  'batchNorm.running': { total: 10, phases: ['momentum 0.9', 'momentum 0.99'] },
  'batchNorm.fold': { total: 6, phases: ['dense', 'conv'] },
  'batchNorm.modeBug': { total: 3, phases: ['batch norm'] },
  'batchNorm.rescue': { total: 6, phases: ['plain', 'batch norm'] },
  'batchNorm.learningRates (one diverges)': { total: 80, phases: ['plain, lr 0.1', 'batch norm, lr 0.1', 'plain, lr 1000000', 'batch norm, lr 1000000'] },
  'batchNorm.normComparison': { total: 4, phases: ['batch norm', 'layer norm', 'instance norm', 'group norm'] },
};

test('every experiment({progress: callback}) reports {done, total, phase, metrics} with done rising to total over the whole experiment, and progress never enters record.options', async () => {
  for (const [name, run] of SMALL_RUNS) {
    const events: ProgressEvent[] = [];
    const r = await run({ progress: (e: ProgressEvent) => events.push(e) });
    const { total, phases } = SMALL_PROGRESS[name];
    assert.ok(events.length > 0, `${name}: no progress events`);
    for (const [k, e] of events.entries()) {
      assert.deepEqual(Object.keys(e).sort(), ['done', 'metrics', 'phase', 'total'], `${name}: the one shape`);
      assert.equal(e.total, total, `${name}: total counts the whole experiment`);
      assert.ok(Number.isInteger(e.done) && e.done >= 1 && e.done <= total, `${name}: done ${e.done}`);
      if (k > 0) assert.ok(e.done >= events[k - 1].done, `${name}: done never goes back (${events[k - 1].done} -> ${e.done})`);
      assert.equal(typeof e.phase, 'string');
      for (const v of Object.values(e.metrics)) assert.equal(typeof v, 'number');
    }
    assert.equal(events[events.length - 1].done, total, `${name}: ends at total`);
    assert.deepEqual([...new Set(events.map((e) => e.phase))], phases, `${name}: phases`);
    assert.ok(!('progress' in r.options), `${name}: progress is not recorded`);
    assert.deepEqual(withoutMeta(await run({ progress: false })), withoutMeta(r), `${name}: progress changes no number`);
  }
});

test('the training experiments report {loss, step} per step: rescue({progress}) gives both runs\' losses as recorded', async () => {
  const events: ProgressEvent[] = [];
  const r = await batchNormRescue({ steps: 4, pointsPerClass: 10, batchSize: 8, depth: 2, width: 8, seed: 2, progress: (e) => events.push(e) });
  assert.deepEqual(events.map((e) => e.done), [1, 2, 3, 4, 5, 6, 7, 8]);
  assert.deepEqual(events.map((e) => e.metrics.step), [1, 2, 3, 4, 1, 2, 3, 4]);
  assert.deepEqual(events.filter((e) => e.phase === 'plain').map((e) => e.metrics.loss), r.loss.plain);
  assert.deepEqual(events.filter((e) => e.phase === 'batch norm').map((e) => e.metrics.loss), r.loss.batchNorm);
});

test('an experiment rejects a progress that is not true, false or a function, naming it; an unknown option lists progress among the known', async () => {
  await assert.rejects(batchNormRescue({ progress: 'yes' as never }), /progress must be true, false or a function \(\{ done, total, phase, metrics \}\) => void, got "yes"/);
  await assert.rejects(batchNormFold({ progres: true } as never), /batchNorm\.fold\.progres must be one of the known options \(.*seed, progress\)/);
});

test('in quick mode (NNLAB_QUICK=1) the training experiments apply their QUICK preset under the caller\'s options; otherwise not', async () => {
  const before = process.env.NNLAB_QUICK;
  const small = { pointsPerClass: 10, batchSize: 8, width: 8, seed: 1 };
  try {
    process.env.NNLAB_QUICK = '1';
    const quick = await batchNormRescue({ ...small, steps: 2 });
    assert.deepEqual([quick.options.depth, quick.options.steps], [BATCH_NORM_RESCUE_QUICK.depth, 2], 'the preset fills depth; the explicit steps win');
    const lrs = await batchNormLearningRates({ ...small, steps: 2, depth: 2 });
    assert.deepEqual(lrs.options.lrs, BATCH_NORM_LEARNING_RATES_QUICK.lrs);
    const bug = await batchNormModeBug({ pointsPerClass: 10, batchSize: 8, widths: [8], examples: 2, seed: 1, progress: false });
    assert.equal(bug.options.steps, BATCH_NORM_MODE_BUG_QUICK.steps);
    delete process.env.NNLAB_QUICK;
    const full = await batchNormRescue({ ...small, steps: 2 });
    assert.equal(full.options.depth, 8, 'the default depth outside quick mode');
  } finally {
    if (before === undefined) delete process.env.NNLAB_QUICK;
    else process.env.NNLAB_QUICK = before;
  }
});

test('nn.batchNorm is the curated namespace: the math, the experiments with their DEFAULTS and QUICK presets, their show and figure functions', () => {
  assert.deepEqual(Object.keys(batchNorm).sort(), [
    'DEFAULTS', 'FOLD_DEFAULTS', 'IDENTITY_DEFAULTS', 'LEARNING_RATES_DEFAULTS', 'LEARNING_RATES_QUICK', 'MODE_BUG_DEFAULTS', 'MODE_BUG_QUICK',
    'NORM_COMPARISON_DEFAULTS', 'RESCUE_DEFAULTS', 'RESCUE_QUICK', 'RUNNING_DEFAULTS', 'STATS_DEFAULTS', 'TFJS_DEFAULTS',
    'affine', 'disposeState', 'featureStats', 'fold', 'foldInto', 'forward', 'groupNorm', 'identity', 'instanceNorm', 'layerNorm',
    'learningRates', 'learningRatesFigure', 'modeBug', 'modeBugFigure', 'moments', 'normComparison', 'normComparisonFigure', 'params',
    'rescue', 'rescueFigure', 'running', 'runningFigure', 'showFold', 'showIdentity', 'showLearningRates', 'showModeBug',
    'showNormComparison', 'showRescue', 'showRunning', 'showStats', 'showTensors', 'state', 'stats', 'statsFigure', 'test', 'train',
  ]);
  assert.equal(batchNorm.rescue, batchNormRescue);
  assert.equal(batchNorm.forward, batchNormForward);
  assert.deepEqual(batchNorm.DEFAULTS, { momentum: 0.9, eps: 1e-5 });
});

test('nn.show(record) draws a batch-norm record with the namespace\'s show function (the lesson\'s show map, by record.experiment)', () => {
  const show = BATCH_NORM_LESSON.show;
  assert.deepEqual(Object.keys(show).sort(), ['batchNormFold', 'batchNormIdentity', 'batchNormLearningRates', 'batchNormModeBug', 'batchNormRescue',
    'batchNormRunning', 'batchNormStats', 'normComparison']);
  assert.equal(show.batchNormStats, batchNorm.showStats);
  assert.equal(show.batchNormIdentity, batchNorm.showIdentity);
  assert.equal(show.batchNormRunning, batchNorm.showRunning);
  assert.equal(show.batchNormFold, batchNorm.showFold);
  assert.equal(show.batchNormModeBug, batchNorm.showModeBug);
  assert.equal(show.batchNormRescue, batchNorm.showRescue);
  assert.equal(show.batchNormLearningRates, batchNorm.showLearningRates);
  assert.equal(show.normComparison, batchNorm.showNormComparison);
});

// ---------------------------------------------------------------- experiments: records and determinism

test('every experiment with one seed twice gives deep-equal plain-JSON records once meta is set aside; another seed differs', async () => {
  const small = { steps: 10, pointsPerClass: 20, batchSize: 16 };
  const runs: [string, (seed: number) => Promise<{ meta: unknown }>][] = [
    ['batchNormStats', (seed) => batchNormStats({ batchSize: 64, warmupSteps: 5, seed })],
    ['batchNormIdentity', (seed) => batchNormIdentity({ seed })],
    ['batchNormRunning', (seed) => batchNormRunning({ steps: 10, seed })],
    ['batchNormFold', (seed) => batchNormFold({ warmupSteps: 3, seed })],
    ['batchNormModeBug', (seed) => batchNormModeBug({ ...small, widths: [16], seed })],
    ['batchNormRescue', (seed) => batchNormRescue({ ...small, depth: 3, width: 16, seed })],
    ['batchNormLearningRates', (seed) => batchNormLearningRates({ ...small, depth: 3, width: 16, lrs: [0.1, 1], seed })],
    ['normComparison', (seed) => normComparison({ seed })],
  ];
  for (const [name, run] of runs) {
    const a = await run(5);
    const b = await run(5);
    const c = await run(6);
    assert.deepEqual(withoutMeta(a), withoutMeta(b), `${name}: same seed, same record`);
    assert.notDeepEqual(withoutMeta(a), withoutMeta(c), `${name}: another seed, another record`);
    assert.deepEqual(JSON.parse(JSON.stringify(a)), a, `${name}: plain JSON`);
    const rec = a as unknown as { backend: string; versions: { tfjs: string }; options: { seed: number }; meta: { ms: number } };
    assert.equal(rec.backend, 'wasm');
    assert.equal(rec.versions.tfjs, '4.22.0');
    assert.equal(rec.options.seed, 5, `${name}: the record carries its resolved options`);
    assert.ok(rec.meta.ms >= 0);
  }
});

test('batchNormStats: training mode gives mean 0 and std 1 per feature; test mode after warm-up gives it approximately; without warm-up test mode returns x ~ N(5, 3²)', async () => {
  const r = await batchNormStats({ seed: 1 });
  assert.deepEqual(r.options, { batchSize: 256, features: 4, inputMean: 5, inputStd: 3, warmupSteps: 100, momentum: 0.9, eps: 1e-5, mode: 'both', seed: 1 });
  const n = r.options.batchSize;
  for (let j = 0; j < 4; j++) {
    assert.ok(Math.abs(r.input.mean[j] - 5) < 4 * 3 / Math.sqrt(n), 'input mean 5 within 4 SE');
    assert.ok(Math.abs(r.train!.mean[j]) < 1e-5);
    assert.ok(Math.abs(r.train!.std[j] - 1) < 1e-5);
    // test mode, (x - running_mean) / sqrt(running_var + eps), normalises only approximately. Its mean, in units of σ:
    // SE of this batch's mean 1/sqrt(256) = 0.0625, of the running mean 0.0625 · sqrt((1 - m) / (1 + m)) = 0.014;
    // together 0.064, 4 SE = 0.26. Its std: SE of the sample std ~ 1/sqrt(2 · 256) = 0.044, of sqrt(running var) ~ 0.01;
    // 4 SE ≈ 0.18.
    assert.ok(Math.abs(r.test!.mean[j]) < 0.26 && Math.abs(r.test!.std[j] - 1) < 0.18, `feature ${j}: ${r.test!.mean[j]}, ${r.test!.std[j]}`);
  }
  assert.ok(r.discrepancy!.maxAbs > 0 && r.discrepancy!.meanAbs < 0.3);
  const cold = await batchNormStats({ seed: 1, warmupSteps: 0 });
  assert.deepEqual(cold.running, { mean: [0, 0, 0, 0], var: [1, 1, 1, 1] });
  cold.test!.mean.forEach((m, j) => assert.ok(Math.abs(m - cold.input.mean[j]) < 1e-4, 'test mode with fresh running statistics is the identity'));
  assert.ok(cold.discrepancy!.meanAbs > 4, 'the outputs of the two modes are far apart');
  const trainOnly = await batchNormStats({ seed: 1, mode: 'train' });
  assert.equal(trainOnly.test, null);
  assert.equal(trainOnly.discrepancy, null);
  assert.deepEqual(trainOnly.train, r.train);
  assert.equal((await batchNormStats({ seed: 1, mode: 'test' })).train, null);
});

test('batchNormIdentity: γ = sqrt(σ²_B + eps) and β = μ_B give back x up to float32 rounding', async () => {
  const r = await batchNormIdentity({ seed: 2 });
  assert.ok(r.relError < 1e-6, `relative error ${r.relError} (expected a few times 6e-8)`);
  assert.ok(r.maxAbsDiff < 1e-5 * 20);
  r.gamma.forEach((g, j) => assert.ok(Math.abs(g - Math.sqrt(r.batchVar[j] + 1e-5)) < 1e-12));
  assert.deepEqual(r.beta, r.batchMean);
});

test('batchNormRunning: the running averages follow E[mean_t] = μ(1 - m^t) and end within 4 SE of the target σ²(B-1)/B, not σ²', async () => {
  const r = await batchNormRunning({ seed: 3 });
  const { batchSize: B, inputStd: sigma, steps: T } = r.options;
  assert.deepEqual(r.target, { mean: 5, var: 9 * 31 / 32, populationVar: 9 });
  for (const c of r.curves) {
    const m = c.momentum;
    assert.equal(c.runningMean.length, T);
    assert.ok(Math.abs(c.expectedMean[0] - 5 * (1 - m)) < 1e-12 && Math.abs(c.expectedVar[0] - (m + (1 - m) * r.target.var)) < 1e-12);
    const shrink = Math.sqrt((1 - m) / (1 + m) * (1 - m ** (2 * T)));
    const seMean = sigma / Math.sqrt(B) * shrink;
    const seVar = Math.sqrt(2 * sigma ** 4 * (B - 1) / B ** 2) * shrink;
    const e = c.expectedMean[T - 1];
    const ev = c.expectedVar[T - 1];
    c.finalMean.forEach((v, j) => assert.ok(Math.abs(v - e) < 4 * seMean, `momentum ${m}, feature ${j}: mean ${v} vs ${e} ± ${seMean}`));
    c.finalVar.forEach((v, j) => assert.ok(Math.abs(v - ev) < 4 * seVar, `momentum ${m}, feature ${j}: var ${v} vs ${ev} ± ${seVar}`));
  }
  // early on, momentum 0.99 still remembers the start (mean 0): after 10 steps E = 5(1 - 0.99^10) = 0.48
  const slow = r.curves.find((c) => c.momentum === 0.99)!;
  assert.ok(slow.runningMean[9] < 1, `slow start ${slow.runningMean[9]}`);
});

test('batchNormModeBug: test mode is right, training mode on a batch of 1 predicts one class for everything, on one-class batches it drifts', async () => {
  const r = await batchNormModeBug({ ...BATCH_NORM_MODE_BUG_QUICK, seed: 4 });
  const [testMode, wholeSet, single, skewed] = r.evaluations;
  assert.deepEqual(r.evaluations.map((e) => e.training), [false, true, true, true]);
  assert.ok(testMode.accuracy > 0.85, `test-mode accuracy ${testMode.accuracy}`);
  assert.ok(Math.abs(wholeSet.accuracy - testMode.accuracy) < 0.1, 'a big balanced batch hides the bug');
  assert.equal(single.distinctPredictions, 1, 'batch of 1: x - μ_B = 0 everywhere, every input gives β');
  assert.ok(Math.abs(single.accuracy - 1 / 3) < 1e-9, 'balanced classes: exactly chance');
  assert.ok(skewed.accuracy < testMode.accuracy - 0.2, `one-class batches: ${skewed.accuracy}`);
  assert.ok(skewed.changed > 0.2);
  assert.equal(testMode.changed, 0);
  assert.equal(r.examples.length, 6);
  for (const ex of r.examples) {
    assert.equal(ex.probs.length, 4);
    ex.probs.forEach((p) => assert.ok(Math.abs(p.reduce((a, b) => a + b, 0) - 1) < 1e-5));
  }
  assert.equal(r.loss.length, BATCH_NORM_MODE_BUG_QUICK.steps);
});

test('batchNormRescue: at the small init the plain net\'s activations vanish and it stays at ln 3; with BN they keep their std and it learns', async () => {
  const r = await batchNormRescue({ ...BATCH_NORM_RESCUE_QUICK, seed: 5 });
  const last = r.layers[r.layers.length - 1];
  assert.ok(last.plain < 1e-6, `plain last-layer std ${last.plain}`);
  r.layers.forEach((l) => assert.ok(l.batchNorm > 0.4 && l.batchNorm < 1, `BN layer ${l.layer} std ${l.batchNorm}`));
  assert.deepEqual(r.weightStd, new Array(r.options.depth).fill(0.01));
  // tanh ≈ identity near 0: each plain layer multiplies the spread by about 0.01 · sqrt(width) = 0.08 (the
  // sampling error of ||h W|| / ||h|| over 64 x 64 weights is a few per cent: allow 20 %)
  for (let l = 1; l < r.layers.length; l++) {
    const ratio = r.layers[l].plain / r.layers[l - 1].plain;
    assert.ok(Math.abs(ratio / (0.01 * Math.sqrt(r.options.width)) - 1) < 0.2, `layer ${l + 1}: ratio ${ratio}`);
  }
  const tail = (xs: (number | null)[]) => xs.slice(-10).reduce((a: number, b) => a + (b ?? NaN), 0) / 10;
  assert.ok(Math.abs(tail(r.loss.plain) - Math.log(3)) < 0.02, `plain loss ${tail(r.loss.plain)}`);
  assert.ok(tail(r.loss.batchNorm) < 0.9, `BN loss ${tail(r.loss.batchNorm)}`);
  assert.ok(r.accuracy.batchNorm! > r.accuracy.plain! + 0.2);
});

test('batchNormLearningRates: plain SGD fails at lr 3 (overflows, or its ReLUs die at chance) where the BN net still trains', async () => {
  const r = await batchNormLearningRates({ ...BATCH_NORM_LEARNING_RATES_QUICK, seed: 6 });
  const run = (lr: number, bn: boolean) => r.runs.find((x) => x.lr === lr && x.batchNorm === bn)!;
  assert.equal(r.runs.length, 6);
  const plain = run(3, false);
  assert.ok(plain.diverged ? plain.finalLoss === null && plain.accuracy === null : plain.accuracy! < 0.5,
    `plain at lr 3: ${plain.diverged ? 'diverged' : plain.accuracy}`);
  assert.equal(run(3, true).diverged, false);
  assert.ok(run(3, true).accuracy! > 0.8, `BN at lr 3: ${run(3, true).accuracy}`);
  assert.ok(run(0.3, true).accuracy! > 0.8);
  assert.ok(run(0.01, true).finalLoss! < run(0.01, false).finalLoss!, 'at a small lr BN also learns faster');
});

test('the BN net trains with the one loop: epochs of a seeded shuffle, 3 full batches of 3 from 10 per epoch (the short rest dropped)', () => {
  const seeds = seedStream(1);
  const epoch = epochBatches(10, 3, seeds.random(), true);
  assert.deepEqual(epoch.map((b) => b.length), [3, 3, 3]);
  assert.equal(new Set(epoch.flatMap((b) => Array.from(b))).size, 9);
  const again = seedStream(1);
  assert.deepEqual(epochBatches(10, 3, again.random(), true), epoch);
});

test('bnNetWeightStd evaluates lesson 03\'s formulas: small 0.01, xavier 1/sqrt(fanIn), he sqrt(2/fanIn)', () => {
  assert.equal(bnNetWeightStd('small', 64), 0.01);
  assert.equal(bnNetWeightStd('xavier', 64), 1 / 8);
  assert.equal(bnNetWeightStd('he', 50), Math.sqrt(2 / 50));
  assert.throws(() => bnNetWeightStd('large' as never, 4), /init must be one of "small", "xavier", "he", got "large"/);
});

test('batchNormNetForward without BN is f(h · W + b) per layer, then h · W_out + b_out', async () => {
  const net = createBatchNormNet({ inputWidth: 2, widths: [5, 4], classes: 3, batchNorm: false, init: 'xavier', activation: 'tanh', seed: 2 });
  const X0 = tf.tensor2d([[0.5, -1], [2, 0.25], [-0.3, 0.8]]);
  const out = batchNormNetForward(net, X0, [], { training: true });
  const manual = tf.tidy(() => {
    let h: tf.Tensor2D = X0;
    for (const layer of net.hidden) h = tf.tanh(tf.add(tf.matMul(h, layer.W), layer.b!)) as tf.Tensor2D;
    return tf.add(tf.matMul(h, net.Wout), net.bout);
  });
  assert.ok(relError(await out.logits.data(), await manual.data()) < TOL);
  assert.equal(out.hidden.length, 2);
  assert.deepEqual(out.states, []);
  tf.dispose([X0, out.logits, ...out.hidden, manual]);
  disposeBatchNormNet(net);
});

test('createBatchNormNet checks its options, and has no bias before BN (β takes its place)', () => {
  const net = createBatchNormNet({ inputWidth: 2, widths: [4, 4], classes: 3, batchNorm: true, init: 'he', seed: 1 });
  assert.ok(net.hidden.every((l) => l.b === null && l.gamma && l.beta));
  assert.equal(net.states.length, 2);
  disposeBatchNormNet(net);
  assert.throws(() => createBatchNormNet({ inputWidth: 2, widths: [4], classes: 3, batchNorm: 'yes' as never, init: 'he', seed: 1 }),
    /batchNorm must be true or false, got "yes"/);
});

// ---------------------------------------------------------------- group norm and friends

/** Normalises groups of x ([N, H, W, C] flat) in float64: groupOf(n, c) names the group. */
function referenceNorm(x: ArrayLike<number>, [N, H, W, C]: number[], groupOf: (n: number, c: number) => number, eps: number): number[] {
  const sums = new Map<number, { s: number; q: number; k: number }>();
  const at = (n: number, p: number, c: number) => (n * H * W + p) * C + c;
  for (let n = 0; n < N; n++) for (let p = 0; p < H * W; p++) for (let c = 0; c < C; c++) {
    const g = groupOf(n, c);
    const e = sums.get(g) ?? { s: 0, q: 0, k: 0 };
    e.s += x[at(n, p, c)]; e.k += 1;
    sums.set(g, e);
  }
  for (let n = 0; n < N; n++) for (let p = 0; p < H * W; p++) for (let c = 0; c < C; c++) {
    const e = sums.get(groupOf(n, c))!;
    e.q += (x[at(n, p, c)] - e.s / e.k) ** 2;
  }
  const out = new Array<number>(x.length);
  for (let n = 0; n < N; n++) for (let p = 0; p < H * W; p++) for (let c = 0; c < C; c++) {
    const e = sums.get(groupOf(n, c))!;
    out[at(n, p, c)] = (x[at(n, p, c)] - e.s / e.k) / Math.sqrt(e.q / e.k + eps);
  }
  return out;
}

test('groupNorm(x, G) normalises each (example, group of C/G channels) over H, W and its channels; G = 1 is layerNorm, G = C instanceNorm', async () => {
  const shape = [3, 2, 4, 6];
  const x = tf.tidy(() => tf.randomNormal(shape, 0, 1, 'float32', 21).mul(tf.range(1, 7)).add(tf.range(0, 6)));
  const xs = await x.data();
  const eps = 1e-5;
  const g2 = groupNorm(x, 2, { eps });
  assert.ok(relError(await g2.data(), referenceNorm(xs, shape, (n, c) => n * 2 + Math.floor(c / 3), eps)) < TOL);
  const ln = layerNorm(x, { eps });
  assert.ok(relError(await ln.data(), referenceNorm(xs, shape, (n) => n, eps)) < TOL);
  const inorm = instanceNorm(x, { eps });
  assert.ok(relError(await inorm.data(), referenceNorm(xs, shape, (n, c) => n * 6 + c, eps)) < TOL);
  assert.throws(() => groupNorm(x, 4), /groups must be a divisor of the number of channels \(6\), got 4/);
  assert.throws(() => groupNorm(tf.zeros([2, 3]), 1), /x\.shape must be \[batchSize, height, width, channels\], got \[2, 3\]/);
  tf.dispose([x, g2, ln, inorm]);
});

test('normComparison: every method gives mean 0, std 1 in each of its groups, and only batch norm depends on the rest of the batch', async () => {
  const r = await normComparison({ seed: 7 });
  assert.deepEqual(r.methods.map((m) => [m.method, m.statistics, m.valuesPerStatistic]), [
    ['batch norm', 6, 36], ['layer norm', 4, 54], ['instance norm', 24, 9], ['group norm', 8, 27],
  ]);
  for (const m of r.methods) {
    assert.ok(m.maxAbsMean < 1e-5, `${m.method} mean ${m.maxAbsMean}`);
    assert.ok(m.maxAbsStdError < 1e-3, `${m.method} std error ${m.maxAbsStdError}`);
    assert.equal(m.independentOfBatch, m.method !== 'batch norm');
    assert.equal(new Set(m.groupOf.flat()).size, m.statistics);
  }
  assert.deepEqual(r.methods[3].groupOf[1], [2, 2, 2, 3, 3, 3]);
});

// ---------------------------------------------------------------- figures and tables

function assertLabelled(fig: Figure, name: string): void {
  const title = (fig.layout.title as { text?: string }).text;
  assert.ok(title && title.length > 0, `${name}: title`);
  const axes = Object.entries(fig.layout).filter(([k]) => /^[xy]axis\d*$/.test(k));
  assert.ok(axes.length >= 2, `${name}: axes`);
  for (const [k, ax] of axes) assert.ok((ax as { title?: { text?: string } }).title?.text, `${name}: ${k} is labelled`);
  assert.ok(fig.data.length > 0);
  assert.deepEqual(JSON.parse(JSON.stringify(fig)), fig, `${name}: plain JSON`);
}

test('every figure of the lesson is labelled, plain JSON, and keeps a series\' colour across panels', async () => {
  const small = { steps: 6, pointsPerClass: 10, batchSize: 8 };
  const stats = await batchNormStats({ batchSize: 32, warmupSteps: 3 });
  const running = await batchNormRunning({ steps: 5 });
  const bug = await batchNormModeBug({ ...small, widths: [8] });
  const rescue = await batchNormRescue({ ...small, depth: 2, width: 8 });
  const lrs = await batchNormLearningRates({ ...small, depth: 2, width: 8, lrs: [0.1, 1e6] });
  const comparison = await normComparison({});
  const figs: [string, Figure][] = [
    ['batchNormStatsFigure', batchNormStatsFigure(stats)], ['batchNormRunningFigure', batchNormRunningFigure(running)],
    ['batchNormModeBugFigure', batchNormModeBugFigure(bug)], ['batchNormRescueFigure', batchNormRescueFigure(rescue)],
    ['batchNormLearningRatesFigure', batchNormLearningRatesFigure(lrs)], ['normComparisonFigure', normComparisonFigure(comparison)],
  ];
  for (const [name, fig] of figs) assertLabelled(fig, name);
  const statsFig = figs[0][1];
  assert.deepEqual(statsFig.data.map((t) => t.name), ['input', 'training mode', 'test mode', 'input', 'training mode', 'test mode']);
  const colorOf = (fig: Figure, name: string) => new Set(fig.data.filter((t) => t.name === name).map((t) => (t.marker as { color: string }).color));
  assert.equal(colorOf(statsFig, 'test mode').size, 1, 'one colour per series in both panels');
  assert.equal(colorOf(figs[3][1], 'batch norm').size, 1);
  // diverged runs leave gaps (null), not zeros
  const plain = figs[4][1].data.find((t) => t.name === 'plain')!;
  assert.equal((plain.y as (number | null)[])[1], null);
  assert.equal(figs[5][1].data.length, 4);
  // rows
  assert.deepEqual(Object.keys(batchNormStatsRows(stats)[0]),
    ['feature', 'input mean', 'input std', 'train mean', 'train std', 'test mean', 'test std', 'running mean', 'running var']);
  assert.equal(batchNormLearningRatesRows(lrs)[1]['plain loss'], 'diverged');
  assert.equal(batchNormModeBugRows(bug).length, 4);
  // the mode bug's training loss is drawn once, live while the net trains (its progress display):
  // the final figure is the test accuracy of the four evaluations, with the chance line, only
  const bugFig = figs[2][1];
  assert.deepEqual(bugFig.data.map((t) => t.name), ['accuracy', 'chance, 1/3']);
  assert.deepEqual(bugFig.data[0].x, bug.evaluations.map((e) => e.name));
  assert.ok(!('xaxis2' in bugFig.layout) && !JSON.stringify(bugFig).includes('loss'), 'no loss panel');
  assert.match(String(batchNormModeBugExampleRows(bug)[0]['test mode']), /^\d \(p \d\.\d\d\)$/);
  // the same for rescue: its loss is drawn live while the nets train; the final figure shows the
  // activation std at init and the test accuracy, not the loss again
  const rescueFig = figs[3][1];
  assert.deepEqual(rescueFig.data.map((t) => t.name), ['plain', 'batch norm', 'accuracy', 'chance, 1/3']);
  assert.ok(!JSON.stringify(rescueFig).includes('loss'), 'no loss panel');
  assert.equal(normComparisonRows(comparison).length, 4);
  assert.equal(batchNormIdentityRows(await batchNormIdentity({})).length, 4);
  assert.deepEqual(batchNormFoldRows(await batchNormFold({ warmupSteps: 1 })).map((r) => r.layer), ['dense', 'conv']);
});

test('tensorStackRows stacks matrices and vectors over the same features, and rejects a mismatch', () => {
  const rows = tensorStackRows({ x: [[1, 2], [3, 4]], 'μ_B': [2, 3] });
  assert.deepEqual(rows, [
    { '': 'x[0]', 'feature 0': 1, 'feature 1': 2 },
    { '': 'x[1]', 'feature 0': 3, 'feature 1': 4 },
    { '': 'μ_B', 'feature 0': 2, 'feature 1': 3 },
  ]);
  assert.throws(() => tensorStackRows({ x: [[1, 2]], y: [1, 2, 3] }), /y\[0\]\.length must be 2 \(every row has one value per feature\), got 3/);
});

// ---------------------------------------------------------------- issue 17: bad input to lesson 04

/** Runs `f`, which must throw an ArgumentError matching `message` within `ms`. */
async function rejectsFast(f: () => unknown, message: RegExp, ms = 1000): Promise<void> {
  const start = performance.now();
  await assert.rejects(async () => { await f(); }, (err: unknown) => {
    assert.ok(err instanceof Error && err.name === 'ArgumentError', `${err instanceof Error ? `${err.name}: ${err.message}` : String(err)}`);
    assert.match(err.message, message);
    assert.ok(!err.message.includes('\n'), `one line: ${err.message}`);
    return true;
  });
  assert.ok(performance.now() - start < ms, `rejected after ${(performance.now() - start).toFixed(0)} ms`);
}

test('a disposed tensor is an ArgumentError naming the argument and saying it is disposed (was "Cannot read properties of undefined (reading \'backend\')")', async () => {
  const params = batchNormParams(4);
  const state = batchNormState(4);
  const x = tf.randomNormal([8, 4], 0, 1, 'float32', 1);
  const gone = tf.randomNormal([8, 4], 0, 1, 'float32', 2);
  gone.dispose();
  const disposed = /^x must be a tensor that is not disposed, got a disposed tensor \[8, 4\] \(it was disposed/;
  await rejectsFast(() => batchNormForward(gone, params, state, { training: true }), disposed);
  await rejectsFast(() => batchNormForward(gone, params, state, { training: false }), disposed);
  await rejectsFast(() => batchNormTrain(gone, params.gamma, params.beta, state), disposed);
  await rejectsFast(() => batchNormTest(gone, params.gamma, params.beta, state), disposed);
  await rejectsFast(() => batchMoments(gone), disposed);
  const gamma = tf.ones([4]) as tf.Tensor1D;
  gamma.dispose();
  await rejectsFast(() => batchNormForward(x, { ...params, gamma }, state, { training: true }), /^gamma must be a tensor that is not disposed, got a disposed tensor \[4\]/);
  await rejectsFast(() => batchNormAffine({ ...params, gamma }, state), /^gamma must be a tensor that is not disposed/);
  const runningVar = tf.ones([4]) as tf.Tensor1D;
  runningVar.dispose();
  await rejectsFast(() => batchNormForward(x, params, { ...state, runningVar }, { training: false }), /^runningVar must be a tensor that is not disposed/);
  const W = tf.ones([5, 4]);
  W.dispose();
  await rejectsFast(() => foldBatchNorm({ W, b: null }, params, state), /^layer\.W must be a tensor that is not disposed, got a disposed tensor \[5, 4\]/);
  const image = tf.zeros([2, 3, 3, 4]);
  image.dispose();
  await rejectsFast(() => groupNorm(image, 2), /^x must be a tensor that is not disposed, got a disposed tensor \[2, 3, 3, 4\]/);
  await rejectsFast(() => layerNorm(image), /^x must be a tensor that is not disposed/);
  await rejectsFast(() => instanceNorm(image), /^x must be a tensor that is not disposed/);
  tf.dispose([x, params.gamma, params.beta]);
  disposeBatchNormState(state);
});

test('a NaN or Infinity in an input tensor is an ArgumentError saying how many and where (was NaN outputs, silently)', async () => {
  const r = await countTensors(async () => {
    const params = batchNormParams(3);
    const state = batchNormState(3);
    const x = tf.tensor2d([[1, 2, 3], [4, NaN, 6]]);
    const nan = /^x must be finite: it holds 1 NaN \(the first at \[1, 1\]\), got a float32 tensor \[2, 3\]/;
    await rejectsFast(() => batchNormForward(x, params, state, { training: true }), nan);
    await rejectsFast(() => batchNormForward(x, params, state, { training: false }), nan);
    await rejectsFast(() => batchNormTrain(x, params.gamma, params.beta, state), nan);
    await rejectsFast(() => batchNormTest(x, params.gamma, params.beta, state), nan);
    await rejectsFast(() => batchMoments(x), nan);
    const good = tf.tensor2d([[1, 2, 3], [4, 5, 6]]);
    const gamma = tf.tensor1d([1, Infinity, 1]);
    await rejectsFast(() => batchNormForward(good, { ...params, gamma }, state, { training: true }), /^gamma must be finite: it holds 1 infinite value \(the first at \[1\]\)/);
    await rejectsFast(() => batchNormAffine({ ...params, gamma }, state), /^gamma must be finite/);
    const runningMean = tf.tensor1d([0, 0, NaN]);
    await rejectsFast(() => batchNormTest(good, params.gamma, params.beta, { ...state, runningMean }), /^runningMean must be finite: it holds 1 NaN \(the first at \[2\]\)/);
    const W = tf.tensor2d([[1, NaN, 1], [1, 1, 1]]);
    await rejectsFast(() => foldBatchNorm({ W, b: null }, params, state), /^layer\.W must be finite: it holds 1 NaN \(the first at \[0, 1\]\)/);
    const image = tf.tensor4d([1, 2, NaN, 4], [1, 1, 1, 4]);
    await rejectsFast(() => groupNorm(image, 2), /^x must be finite: it holds 1 NaN \(the first at \[0, 0, 0, 2\]\)/);
    await rejectsFast(() => layerNorm(image), /^x must be finite/);
    await rejectsFast(() => instanceNorm(image), /^x must be finite/);
    tf.dispose([x, good, gamma, runningMean, W, image, params.gamma, params.beta]);
    disposeBatchNormState(state);
  });
  assert.equal(r.leaked, 0);
});

test('a net that diverges still trains to NaN and reports it: only inputs are checked for NaN, not the lesson\'s own steps', async () => {
  const r = await batchNormLearningRates({ steps: 20, pointsPerClass: 10, batchSize: 8, depth: 3, width: 8, lrs: [1e6], progress: false });
  assert.equal(r.runs[0].diverged, true);
});

test('batchNormParams(1e9) and batchNormState(1e9) are refused at once (were two 4 GB tensors)', async () => {
  await rejectsFast(() => batchNormParams(1e9), /^D must be an integer in \[1, 1000000\] \(the number of features; γ and β hold one value each\), got 1000000000$/);
  await rejectsFast(() => batchNormState(1e9), /^D must be an integer in \[1, 1000000\]/);
  await rejectsFast(() => batchNormParams(0), /^D must be an integer in \[1, 1000000\]/);
  await rejectsFast(() => batchNormParams(2.5), /^D must be an integer in \[1, 1000000\]/);
});

test('huge experiment sizes are ArgumentErrors at once (batchSize and warmupSteps ran until killed, features threw a RangeError after 16 s)', async () => {
  await rejectsFast(() => batchNormStats({ batchSize: 1e9 }), /^batchSize must be an integer in \[1, 1000000\], got 1000000000$/);
  await rejectsFast(() => batchNormStats({ warmupSteps: 1e9 }), /^warmupSteps must be an integer in \[0, 10000\], got 1000000000$/);
  await rejectsFast(() => batchNormStats({ features: 1e9 }), /^features must be an integer in \[1, 100000\], got 1000000000$/);
  // each within its limit, together too much: the work or the memory estimate says so before anything runs
  await rejectsFast(() => batchNormStats({ batchSize: 1_000_000, features: 100_000 }), /^batchSize is too large: batchNorm\.stats would/);
  await rejectsFast(() => batchNormStats({ batchSize: 100_000, features: 10_000, warmupSteps: 0 }), /^batchSize is too large: batchNorm\.stats would hold about .* GB at once \(batches of 100000 x 10000/);
  await rejectsFast(() => batchNormRunning({ steps: 10_000, batchSize: 100_000, features: 100 }), /^steps is too large: batchNorm\.running would do about .* multiply-adds/);
  await rejectsFast(() => batchNormIdentity({ batchSize: 1_000_000, features: 10_000 }), /^batchSize is too large: batchNorm\.identity would hold about/);
  await rejectsFast(() => batchNormFold({ imageSize: 1024, channels: 4096 }), /is too large: batchNorm\.fold would/);
  await rejectsFast(() => normComparison({ batchSize: 10_000, height: 1024, width: 1024 }), /is too large: batchNorm\.normComparison would hold/);
  await rejectsFast(() => batchNormRescue({ steps: 10_000, width: 4096 }), /^steps is too large: batchNorm\.rescue would do about/);
  await rejectsFast(() => batchNormLearningRates({ width: 4096, depth: 100 }), /^width is too large: batchNorm\.learningRates would/);
  await rejectsFast(() => batchNormModeBug({ examples: 301 }), /^examples must be an integer in \[0, 300\], got 301$/);
  await rejectsFast(() => normComparison({ channels: 6, groups: 12 }), /^groups must be an integer in \[1, 6\] \(at most channels\), got 12$/);
});

const cliRun = (argv: string[]) => cliInProcess(argv);

test('nnlab batchnorm: a repeated option, a huge size or sizes too large together are exit 2 with one line naming the flag', async () => {
  let r = await cliRun(['batchnorm', '--mode', 'train', '--mode', 'test']);
  assert.equal(r.status, 2);
  assert.match(r.stderr, /batchnorm: --mode is given twice \("train" and "test"\); give it once/);
  r = await cliRun(['batchnorm', '--batch', '1000000000']);
  assert.equal(r.status, 2);
  assert.match(r.stderr, /batchnorm: --batch must be an integer in \[1, 1000000\], got "1000000000"/);
  r = await cliRun(['batchnorm', '--warmup', '1e9']);
  assert.equal(r.status, 2);
  assert.match(r.stderr, /--warmup must be an integer/);
  r = await cliRun(['batchnorm', '--batch', '1000000', '--features', '100000']);
  assert.equal(r.status, 2);
  assert.match(r.stderr, /--batch is too large/);
  r = await cliRun(['batchnorm-fold', '--seed', '1', '--seed', '2']);
  assert.equal(r.status, 2);
  assert.match(r.stderr, /batchnorm-fold: --seed is given twice/);
  r = await cliRun(['batchnorm-fold', '--eps', '0']);
  assert.equal(r.status, 2);
  assert.match(r.stderr, /batchnorm-fold: --eps must be a finite number in \(0, 1000\]/);
});
