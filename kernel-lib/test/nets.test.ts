/**
 * nets/: the one training loop (batch order, epochs vs steps, dropLast, divergence, evaluation,
 * progress, tensors) and the update rules (against float64 references and tfjs's optimizers).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs';
import { epochBatches, train } from '../src/nets/train';
import { applyUpdate, sgd, sgdMomentum } from '../src/nets/optim';
import { mulberry32, seedStream, shuffle } from '../src/core/rng';
import type { ProgressEvent } from '../src/core/progress';
import * as path from 'path';
import { spawnSync } from 'child_process';
import * as twoLayer from '../src/nets/twoLayer';
import { normalArray } from '../src/core/normal';

test('epochBatches(10, 4, random) cuts one seeded shuffle into 4 + 4 + 2 (4 + 4 with dropLast)', () => {
  const order = shuffle([...Array(10).keys()], mulberry32(3));
  assert.deepEqual(epochBatches(10, 4, mulberry32(3)).map((b) => Array.from(b)), [order.slice(0, 4), order.slice(4, 8), order.slice(8)]);
  assert.deepEqual(epochBatches(10, 4, mulberry32(3), true).map((b) => b.length), [4, 4]);
  assert.deepEqual(Array.from(epochBatches(5, 5, null)[0]), [0, 1, 2, 3, 4]);
});

test('train({epochs: 3}) visits every example once per epoch, in a new seeded order each epoch, and is reproducible', async () => {
  const run = async (seed: number) => {
    const seen: number[][] = [];
    const seeds = seedStream(seed);
    const r = await train({ step: (b, at) => { seen.push([at.epoch, ...b]); return b.length; } }, { count: 7 }, { epochs: 3, batchSize: 3, order: () => seeds.random() });
    return { seen, r };
  };
  const a = await run(1);
  assert.equal(a.r.steps, 9);
  for (const e of [1, 2, 3]) {
    const visited = a.seen.filter((s) => s[0] === e).flatMap((s) => s.slice(1)).sort((x, y) => x - y);
    assert.deepEqual(visited, [0, 1, 2, 3, 4, 5, 6], `epoch ${e}`);
  }
  assert.notDeepEqual(a.seen.filter((s) => s[0] === 1).map((s) => s.slice(1)), a.seen.filter((s) => s[0] === 2).map((s) => s.slice(1)));
  assert.deepEqual((await run(1)).seen, a.seen);
  assert.notDeepEqual((await run(2)).seen, a.seen);
  // epoch mean loss is weighted by batch size: losses 3, 3, 1 -> (9 + 9 + 1) / 7
  assert.deepEqual(a.r.epochs.map((e) => e.loss), [19 / 7, 19 / 7, 19 / 7]);
});

test('train({steps: 5, dropLast: true}) reshuffles as needed and evaluates only after complete epochs', async () => {
  const evaluated: number[] = [];
  const r = await train({ step: () => 1 }, { count: 5 }, {
    steps: 5, batchSize: 2, dropLast: true, order: (e) => mulberry32(e + 1), evaluate: (e) => { evaluated.push(e); return { acc: e }; }, evaluateFirst: true,
  });
  assert.equal(r.steps, 5);
  assert.deepEqual(evaluated, [0, 1, 2]); // 2 steps per epoch: epochs 1 and 2 complete, the 5th step starts epoch 3
  assert.deepEqual(r.epochs.map((e) => e.metrics.acc), [0, 1, 2]);
});

test('train stops at a non-finite loss with onDiverge "stop", throws by default, goes on with "continue"', async () => {
  const losses = [1, 2, Infinity, 4];
  const net = () => ({ step: (_b: Int32Array, at: { step: number }) => losses[at.step - 1] });
  const stopped = await train(net(), { count: 4 }, { steps: 4, batchSize: 1, order: null, onDiverge: 'stop' });
  assert.deepEqual({ losses: stopped.losses, divergedAt: stopped.divergedAt }, { losses: [1, 2, Infinity], divergedAt: 3 });
  await assert.rejects(train(net(), { count: 4 }, { steps: 4, batchSize: 1, order: null }), /train: the loss became Infinity at step 3 \(learning rate too large\?\)/);
  assert.deepEqual((await train(net(), { count: 4 }, { steps: 4, batchSize: 1, order: null, onDiverge: 'continue' })).losses, losses);
  assert.deepEqual(stopped.diverged, { step: 3, loss: Infinity, reason: 'inf' });
});

test('train: NaN at step k stops at step k with reason "nan"; stopIfLossAbove: 3 stops at the first loss over 3 x the first step\'s, and not at 3 x exactly', async () => {
  const run = (losses: number[], extra: Record<string, unknown> = {}) => train({ step: (_b: Int32Array, at: { step: number }) => losses[at.step - 1] },
    { count: losses.length }, { steps: losses.length, batchSize: 1, order: null, onDiverge: 'stop', ...extra });
  const nan = await run([2.3, 2.2, NaN, 1]);
  assert.deepEqual([nan.steps, nan.divergedAt, nan.diverged], [3, 3, { step: 3, loss: NaN, reason: 'nan' }]);
  const exploding = await run([2, 1.5, 6, 6.5, 1], { stopIfLossAbove: 3 });
  assert.deepEqual([exploding.steps, exploding.diverged], [4, { step: 4, loss: 6.5, reason: 'above', threshold: 6 }]);
  const fine = await run([2, 1.5, 6, 1], { stopIfLossAbove: 3 });
  assert.deepEqual([fine.steps, fine.diverged, fine.divergedAt], [4, null, null]);
  await assert.rejects(run([1], { stopIfLossAbove: 0.5 }), /^ArgumentError: stopIfLossAbove must be/);
});

test('train reports progress in the one shape, counting from progressOffset to progressTotal', async () => {
  const events: ProgressEvent[] = [];
  await train({ step: () => 0.5 }, { count: 4 }, { epochs: 1, batchSize: 2, order: null, progress: (e) => events.push(e), phase: 'run B', progressOffset: 2, progressTotal: 4 });
  assert.deepEqual(events, [
    { done: 3, total: 4, phase: 'run B', metrics: { loss: 0.5, step: 1 } },
    { done: 4, total: 4, phase: 'run B', metrics: { loss: 0.5, step: 2 } },
  ]);
  const withEval: ProgressEvent[] = [];
  await train({ step: () => 0.5 }, { count: 2 }, { epochs: 1, batchSize: 2, order: null, progress: (e) => withEval.push(e), evaluate: () => ({ acc: 1 }) });
  assert.deepEqual(withEval, [
    { done: 1, total: 1, phase: 'train', metrics: { loss: 0.5, step: 1 } },
    { done: 1, total: 1, phase: 'train', metrics: { meanLoss: 0.5, acc: 1, epoch: 1 } },
  ]);
});

test('train reads and disposes a scalar loss tensor, and rejects bad options by name', async () => {
  await tf.setBackend('cpu');
  const before = tf.memory().numTensors;
  const r = await train({ step: (b) => tf.scalar(b.length) }, { count: 3 }, { epochs: 1, batchSize: 2, order: null });
  assert.deepEqual(r.losses, [2, 1]);
  assert.equal(tf.memory().numTensors, before);
  await assert.rejects(train({ step: () => 1 }, { count: 3 }, { batchSize: 0, epochs: 1, order: null }), /batchSize must be an integer >= 1, got 0/);
  await assert.rejects(train({ step: () => 1 }, { count: 3 }, { batchSize: 1, order: null }), /train options must be exactly one of epochs and steps/);
  await assert.rejects(train({ step: () => 1 }, { count: 3 }, { batchSize: 4, epochs: 1, order: null, dropLast: true }), /batchSize must be an integer in \[1, 3\], got 4/);
});

test('sgd and sgdMomentum match a float64 reference over ten seeded steps, and momentum equals tfjs MomentumOptimizer at constant lr', async () => {
  await tf.setBackend('cpu');
  const random = mulberry32(9);
  const grads = Array.from({ length: 10 }, () => Array.from({ length: 6 }, () => random() * 2 - 1));
  const w0 = [0.5, -1, 2, 0, 0.25, -0.75];
  const lr = 0.1;
  const rho = 0.9;
  // float64 reference of the lecture's rule
  let w64 = w0.slice();
  let v64 = w0.map(() => 0);
  for (const g of grads) {
    v64 = v64.map((v, i) => rho * v - lr * g[i]);
    w64 = w64.map((w, i) => w + v64[i]);
  }
  const variable = tf.variable(tf.tensor1d(w0));
  let states: ({ v: tf.Tensor } | null)[] = [null];
  for (const g of grads) {
    const dw = tf.tensor1d(g);
    states = applyUpdate(sgdMomentum, [variable], { [variable.name]: dw }, states, { lr, momentum: rho });
    dw.dispose();
  }
  const ours = Array.from(await variable.data());
  const rel = Math.max(...ours.map((x, i) => Math.abs(x - w64[i]) / Math.max(1e-3, Math.abs(w64[i]))));
  assert.ok(rel < 1e-5, `relative error ${rel} vs float64 (float32 over 10 steps)`);
  // tfjs: acc = ρ·acc + g; w -= lr·acc
  const theirs = tf.variable(tf.tensor1d(w0));
  const opt = tf.train.momentum(lr, rho);
  for (const g of grads) {
    const dw = tf.tensor1d(g);
    opt.applyGradients([{ name: theirs.name, tensor: dw }]);
    dw.dispose();
  }
  const t = Array.from(await theirs.data());
  assert.ok(Math.max(...t.map((x, i) => Math.abs(x - ours[i]))) < 1e-5, `tfjs ${t} vs ours ${ours}`);
  const { w } = sgd(tf.tensor1d([1, 2]), tf.tensor1d([0.5, -0.5]), null, { lr: 0.1 });
  assert.deepEqual(Array.from(await w.data()).map((x) => Math.round(x * 1e6) / 1e6), [0.95, 2.05]);
  tf.dispose([variable, theirs, w, ...states.flatMap((s) => (s ? [s.v] : []))]);
  opt.dispose();
});

// ------------------------------------------------------------------------------ the two-layer net

/** cs231n's TwoLayerNet.loss in NumPy float64 (test/numpy/two_layer.py). */
function numpyTwoLayer(job: Record<string, unknown>): Record<string, number | number[]> {
  const script = path.resolve(__dirname, '..', '..', 'test', 'numpy', 'two_layer.py');
  const out = spawnSync('/usr/bin/python3', [script, JSON.stringify(job)], { encoding: 'utf8', maxBuffer: 1 << 24 });
  assert.equal(out.status, 0, `${script}: ${out.stderr || out.error?.message}`);
  return JSON.parse(out.stdout);
}

test('twoLayerLoss: loss, data loss, reg loss and every gradient equal cs231n\'s TwoLayerNet in NumPy float64 (N 6, D 12, H 7, C 4, reg 0.3)', async () => {
  const net = twoLayer.initTwoLayer({ inputSize: 12, hiddenSize: 7, classes: 4, std: 0.5, seed: 3 });
  const before = tf.memory().numTensors;
  net.b1.dispose();
  net.b1 = tf.tensor1d([0.1, -0.2, 0.05, 0, 0.3, -0.1, 0.2]);   // non-zero biases: their gradients are tested too
  const X = tf.tensor2d(normalArray(6 * 12, 7), [6, 12]);
  const y = tf.tensor1d([0, 3, 1, 2, 3, 0], 'int32');
  const r = twoLayer.twoLayerLoss(net, X, y, { reg: 0.3 });
  const ref = numpyTwoLayer({ W1: net.W1.arraySync(), b1: net.b1.arraySync(), W2: net.W2.arraySync(), b2: net.b2.arraySync(), X: X.arraySync(), y: y.arraySync(), reg: 0.3 });
  for (const k of ['loss', 'dataLoss', 'regLoss'] as const) {
    assert.ok(Math.abs(r[k].dataSync()[0] - (ref[k] as number)) <= 1e-5 * Math.abs(ref[k] as number), `${k}: ${r[k].dataSync()[0]} vs ${ref[k]}`);
  }
  for (const k of twoLayer.TWO_LAYER_PARAMS) {
    const ours = Array.from(r.grads[k].dataSync());
    // float32 against float64: relative to the gradient's largest entry (sums of up to 12 products)
    const scale = Math.max(...(ref[k] as number[]).map(Math.abs));
    const worst = Math.max(...ours.map((v, i) => Math.abs(v - (ref[k] as number[])[i])));
    assert.ok(worst <= 1e-5 * scale, `d${k}: worst ${worst} against scale ${scale}`);
  }
  // a step of SGD: p - lr·grad, the old parameters disposed
  const W1 = Array.from(net.W1.dataSync());
  const dW1 = Array.from(r.grads.W1.dataSync());
  const stepped = twoLayer.twoLayerSgdStep(net, r.grads, 0.1);
  assert.ok(net.W1.isDisposed);
  Array.from(stepped.W1.dataSync()).forEach((v, i) => assert.ok(Math.abs(v - (W1[i] - 0.1 * dW1[i])) < 1e-6));
  tf.dispose([r.loss, r.dataLoss, r.regLoss, ...Object.values(r.grads), X, y]);
  twoLayer.disposeTwoLayer(stepped);
  assert.equal(tf.memory().numTensors, before - 4);   // initTwoLayer's four are counted in `before`, and gone
});

test('initTwoLayer: std·N(0, 1) weights (the lecture\'s 1e-4 by default), zero biases; the initial loss on 3072-dim inputs is ln 10 to 1e-4', async () => {
  const net = twoLayer.initTwoLayer({ inputSize: 3072, hiddenSize: 50, classes: 10, seed: 0 });
  const w = Array.from(net.W1.dataSync());
  const std = Math.sqrt(w.reduce((s, v) => s + v * v, 0) / w.length);
  assert.ok(Math.abs(std - 1e-4) < 1e-4 * 4 / Math.sqrt(2 * w.length), `std ${std}`);
  assert.deepEqual(Array.from(net.b1.dataSync()), new Array(50).fill(0));
  const X = tf.tensor2d(normalArray(20 * 3072, 1, 60), [20, 3072]);   // pixel-like spread, centred
  const y = tf.tensor1d(Array.from({ length: 20 }, (_, i) => i % 10), 'int32');
  const r = twoLayer.twoLayerLoss(net, X, y, { reg: 0 });
  assert.ok(Math.abs(r.loss.dataSync()[0] - Math.log(10)) < 1e-4, `initial loss ${r.loss.dataSync()[0]}`);
  tf.dispose([r.loss, r.dataLoss, r.regLoss, ...Object.values(r.grads), X, y]);
  twoLayer.disposeTwoLayer(net);
});

test('the two-layer net names bad shapes, labels and reg', () => {
  const net = twoLayer.initTwoLayer({ inputSize: 5, hiddenSize: 3, classes: 2, seed: 0 });
  const X = tf.zeros([4, 6]) as tf.Tensor2D;
  const y = tf.tensor1d([0, 1, 0], 'int32');
  assert.throws(() => twoLayer.twoLayerScores(net, X), { message: /^X must have shape \[N, 5\] \(W1 is \[5, 3\]\), got shape \[4, 6\]$/ });
  const X5 = tf.zeros([4, 5]) as tf.Tensor2D;
  assert.throws(() => twoLayer.twoLayerLoss(net, X5, y, { reg: 0 }), { message: /^y must hold one label per row of X, shape \[4\], got shape \[3\]$/ });
  const y4 = tf.tensor1d([0, 1, 0, 1], 'int32');
  assert.throws(() => twoLayer.twoLayerLoss(net, X5, y4, { reg: -1 }), { message: /^reg must be/ });
  assert.throws(() => twoLayer.initTwoLayer({ inputSize: 0, hiddenSize: 3, classes: 2, seed: 0 }), { message: /^inputSize must be an integer/ });
  tf.dispose([X, y, X5, y4]);
  twoLayer.disposeTwoLayer(net);
});
