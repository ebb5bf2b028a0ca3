/**
 * Lesson 07, training part: the two-layer net under each optimizer, schedules, decay, weight
 * averaging (src/lessons/optimizers/compare.ts, scheduleRun.ts, ema.ts, figuresTraining.ts,
 * cliTraining.ts). Runs on wasm with CIFAR-10 from the read-only mirror, loaded once.
 *
 * References:
 * - plain SGD through `createOptimizer('sgd')` against lesson 05's `nn.nets.trainTwoLayer` (its own
 *   hand-written SGD step, same seed derivation): the same losses to float32 rounding (1e-5);
 * - Adam through the loop against the net's forward/backward and `step64('adam')` written out in
 *   float64 here, 4 steps at lr 1e-3 (the loss falls by > 0.01): the same losses to 1e-4 relative
 *   (float32 matmuls over 3072 inputs, and Adam's m̂/√v̂ amplifies tiny gradients' rounding);
 * - every schedule's values against formulas written here in float64 (1e-12 relative);
 * - the learning rates the loop handed the optimizer against the schedule's own values (exact);
 * - the moving average with β = 0 is the raw weights: identical validation numbers.
 */
import { before, test } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-wasm';
import { loadDataset } from '../src/data/load';
import type { ImageDataset, LoadOptions } from '../src/data/load';
import { parseArgs } from '../src/core/args';
import type { ProgressEvent } from '../src/core/progress';
import { trainTwoLayer } from '../src/nets/twoLayerTrain';
import { compareOptimizers, CompareOptimizersOptions, COMPARE_LRS, optimizerRun, tailMean, trainingSplits } from '../src/lessons/optimizers/compare';
import { decayRun, scheduleCurves, scheduleSpec, SCHEDULE_KINDS } from '../src/lessons/optimizers/scheduleRun';
import { emaRun } from '../src/lessons/optimizers/ema';
import { compareFigure, compareText, decayFigure, emaFigure, optimizerColour, scheduleCurvesFigure, scheduleRows } from '../src/lessons/optimizers/figuresTraining';
import { COMPARE_COMMAND, runCompareOptimizers, runSchedule, SCHEDULE_COMMAND } from '../src/lessons/optimizers/cliTraining';
import { TRAINING_EXPERIMENTS, TRAINING_SHOW } from '../src/lessons/optimizers/trainingLesson';
import { OPTIMIZERS } from '../src/nets/optim';
import { step64, State64 } from '../src/nets/optim64';
import { epochBatches } from '../src/nets/train';
import { initTwoLayer } from '../src/nets/twoLayer';
import { seedStream } from '../src/core/rng';
import { rejectsArgument, throwsArgument, withoutMeta } from './helpers';

let cifar: ImageDataset;
const source = { load: async (_name: string, o: LoadOptions) => (o.split === 'train' ? cifar : loadDataset('cifar-10', o)) };
const SMALL = { trainSize: 200, valSize: 100, batchSize: 50, epochs: 2, seed: 3 } as const;

before(async () => {
  await tf.setBackend('wasm');
  cifar = await loadDataset('cifar-10', { split: 'train' });
});

test('SGD through createOptimizer and THE loop reproduces lesson 05\'s trainTwoLayer step for step (same seed, init, batches)', async () => {
  const s = await trainingSplits(200, 100, 1, source);
  const ours = await optimizerRun(s.train, s.val, { optimizer: 'sgd', config: { lr: 1e-3 }, reg: 1e-3, hiddenSize: 50, batchSize: 50, epochs: 2, seed: 5 });
  const ref = await trainTwoLayer({ train: s.train, val: s.val, classes: 10, reg: 1e-3, lr: 1e-3, batchSize: 50, epochs: 2, seed: 5 });
  assert.equal(ours.losses.length, 8);
  ours.losses.forEach((l, i) => assert.ok(Math.abs(l! - ref.losses[i]) <= 1e-5 * Math.abs(ref.losses[i]), `step ${i + 1}: ${l} vs ${ref.losses[i]}`));
  ours.epochs.forEach((e, i) => assert.equal(e.valAcc, ref.epochs[i].valAcc, `epoch ${i}`));
  assert.deepEqual(ours.lrs, new Array(8).fill(1e-3));
});

/** The two-layer net's loss and gradients in float64, written out here (rows X: N × D, row-major). */
function lossAndGrads64(p: Record<'W1' | 'b1' | 'W2' | 'b2', number[]>, X: Float32Array, y: Int32Array, rows: number[], D: number, H: number, reg: number) {
  const C = 10;
  const N = rows.length;
  const g = { W1: new Array<number>(D * H).fill(0), b1: new Array<number>(H).fill(0), W2: new Array<number>(H * C).fill(0), b2: new Array<number>(C).fill(0) };
  let loss = 0;
  for (const r of rows) {
    const x = X.subarray(r * D, (r + 1) * D);
    const z = p.b1.slice();
    for (let d = 0; d < D; d++) { const xd = x[d]; if (xd !== 0) for (let j = 0; j < H; j++) z[j] += xd * p.W1[d * H + j]; }
    const h = z.map((v) => Math.max(0, v));
    const s = p.b2.slice();
    for (let j = 0; j < H; j++) for (let c = 0; c < C; c++) s[c] += h[j] * p.W2[j * C + c];
    const max = Math.max(...s);
    const e = s.map((v) => Math.exp(v - max));
    const sum = e.reduce((a, b) => a + b, 0);
    loss += -Math.log(e[y[r]] / sum) / N;
    const ds = e.map((v, c) => (v / sum - (c === y[r] ? 1 : 0)) / N);
    const dz = new Array<number>(H).fill(0);
    for (let j = 0; j < H; j++) for (let c = 0; c < C; c++) { g.W2[j * C + c] += h[j] * ds[c]; if (z[j] > 0) dz[j] += ds[c] * p.W2[j * C + c]; }
    for (let c = 0; c < C; c++) g.b2[c] += ds[c];
    for (let j = 0; j < H; j++) g.b1[j] += dz[j];
    for (let d = 0; d < D; d++) { const xd = x[d]; if (xd !== 0) for (let j = 0; j < H; j++) g.W1[d * H + j] += xd * dz[j]; }
  }
  let sq = 0;
  for (const w of [...p.W1, ...p.W2]) sq += w * w;
  for (let i = 0; i < g.W1.length; i++) g.W1[i] += reg * p.W1[i];
  for (let i = 0; i < g.W2.length; i++) g.W2[i] += reg * p.W2[i];
  return { loss: loss + 0.5 * reg * sq, grads: g };
}

test('Adam through createOptimizer and THE loop against the net and Adam written out in float64 (step64), 4 steps on 100 CIFAR-10 rows: the same losses to 1e-4', async () => {
  const s = await trainingSplits(100, 50, 2, source);
  const seed = 7;
  const run = await optimizerRun(s.train, s.val, { optimizer: 'adam', config: { lr: 1e-3 }, reg: 1e-3, hiddenSize: 20, batchSize: 50, epochs: 2, seed });
  const seeds = seedStream(seed);
  const init = initTwoLayer({ inputSize: 3072, hiddenSize: 20, classes: 10, seed: seeds.derive('init') });
  const p = { W1: Array.from(init.W1.dataSync()), b1: Array.from(init.b1.dataSync()), W2: Array.from(init.W2.dataSync()), b2: Array.from(init.b2.dataSync()) };
  tf.dispose(Object.values(init));
  const order = seeds.fork('batches');
  const states: Record<string, State64 | null> = { W1: null, b1: null, W2: null, b2: null };
  const losses: number[] = [];
  for (let epoch = 0; epoch < 2; epoch++) {
    for (const batch of epochBatches(100, 50, order.random())) {
      const { loss, grads } = lossAndGrads64(p, s.train.X, s.train.y, Array.from(batch), 3072, 20, 1e-3);
      losses.push(loss);
      for (const k of ['W1', 'b1', 'W2', 'b2'] as const) ({ w: p[k], state: states[k] } = step64('adam', p[k], grads[k], states[k], { lr: 1e-3 }));
    }
  }
  assert.equal(run.losses.length, 4);
  run.losses.forEach((l, i) => assert.ok(Math.abs(l! - losses[i]) <= 1e-4 * losses[i], `step ${i + 1}: ${l} vs float64 ${losses[i]}`));
  assert.ok(losses[3] < losses[0] - 0.01, `Adam moved the loss: ${losses.join(', ')}`);
});

test('compareOptimizers: one init (every run\'s first loss is the same, ≈ ln 10), no leak, progress per step, deterministic, record shape', async () => {
  const o: CompareOptimizersOptions = { ...SMALL, optimizers: ['sgd', 'momentum', 'adam'] };
  const events: ProgressEvent[] = [];
  const before = tf.memory().numTensors;
  const r = await compareOptimizers({ ...o, progress: (e) => events.push(e) }, source);
  assert.equal(tf.memory().numTensors, before, 'leaked tensors');
  assert.equal(r.experiment, 'optimizersCompare');
  assert.deepEqual(r.runs.map((x) => x.optimizer), ['sgd', 'momentum', 'adam']);
  assert.deepEqual(r.runs.map((x) => x.lr), [COMPARE_LRS.sgd, COMPARE_LRS.momentum, COMPARE_LRS.adam]);
  const first = r.runs[0].losses[0]!;
  assert.ok(Math.abs(first - Math.log(10)) < 5e-3, String(first));
  for (const run of r.runs) {
    assert.equal(run.losses[0], first);
    assert.equal(run.losses.length, 8);
    assert.equal(run.epochs.length, 3);
    assert.equal(run.finalLoss, tailMean(run.losses, r.options.tail));
    assert.equal(run.finalValAcc, run.epochs[2].valAcc);
  }
  assert.equal(events.filter((e) => e.metrics && 'loss' in e.metrics).length, 24);
  assert.equal(events[events.length - 1].done, 24);
  assert.equal(events[events.length - 1].total, 24);
  const again = await compareOptimizers(o, source);
  assert.deepEqual(withoutMeta(again), withoutMeta(r));
  assert.doesNotThrow(() => JSON.stringify(r));
  const fig = compareFigure(r);
  assert.equal(fig.data.length, 6);
  assert.equal((fig.data[0] as { line: { color: string } }).line.color, optimizerColour('sgd'));
  assert.match(compareText(r), /SGD \+ momentum/);
});

test('compareOptimizers: bad options are ArgumentErrors naming the option', async () => {
  await rejectsArgument(() => compareOptimizers({ optimizers: ['sgd', 'lion' as 'sgd'] }, source), /optimizers\[1\] must be one of/);
  await rejectsArgument(() => compareOptimizers({ optimizers: ['sgd', 'adam'], lrs: [1e-3] }, source), /^lrs must be one learning rate per optimizer/);
  await rejectsArgument(() => compareOptimizers({ trainSize: 100, batchSize: 200 }, source), /^batchSize must be at most trainSize/);
  await rejectsArgument(() => compareOptimizers({ epochs: 0 }, source), /^epochs must be/);
});

test('the learning rates the loop handed the optimizer are the schedule\'s values; decayRun\'s constant run has a constant lr; no leak', async () => {
  const before = tf.memory().numTensors;
  const r = await decayRun({ ...SMALL, kind: 'step' }, source);
  assert.equal(tf.memory().numTensors, before, 'leaked tensors');
  const [constant, decay] = r.runs;
  assert.deepEqual(constant.lrs, new Array(8).fill(r.options.lr));
  assert.deepEqual(decay.lrs, Array.from({ length: 8 }, (_, t) => r.options.lr * 0.1 ** Math.floor(t / 3)));
  assert.equal(constant.losses[0], decay.losses[0], 'same init, same first batch');
  assert.equal(constant.losses[1], decay.losses[1], 'same lr on the first 3 steps');
  assert.notEqual(constant.losses[7], decay.losses[7]);
  assert.equal(decayFigure(r).data.length, 6);
  await rejectsArgument(() => decayRun({ kind: 'constant' as 'step' }, source), /^kind must be one of/);
});

test('scheduleCurves: every kind against formulas written here (float64), warmup starts at lr0/w and reaches lr0 at step w', () => {
  const n = 90;
  const lr0 = 0.1;
  const r = scheduleCurves({ steps: n, lr0 });
  assert.deepEqual(r.curves.map((c) => c.kind), [...SCHEDULE_KINDS]);
  const close = (a: number, b: number) => Math.abs(a - b) <= 1e-12 * Math.max(1, Math.abs(b));
  const want: Record<string, (t: number) => number> = {
    constant: () => lr0,
    step: (t) => lr0 * 0.1 ** Math.floor(t / 30),
    exp: (t) => lr0 * Math.exp(-Math.log(100) / n * t),
    inv: (t) => lr0 / (1 + 9 / n * t),
    invsqrt: (t) => lr0 / Math.sqrt(1 + 99 / n * t),
    cosine: (t) => lr0 * (1 + Math.cos(Math.PI * t / n)) / 2,
    linear: (t) => lr0 * (1 - t / n),
    sgdr: (t) => { const [start, len] = t < 13 ? [0, 13] : t < 39 ? [13, 26] : [39, 52]; return lr0 * (1 + Math.cos(Math.PI * (t - start) / len)) / 2; },
    warmup: (t) => (t < 9 ? lr0 * (t + 1) / 9 : lr0 * (1 + Math.cos(Math.PI * (t - 9) / 81)) / 2),
  };
  for (const c of r.curves) c.values.forEach((v, t) => assert.ok(close(v, want[c.kind](t)), `${c.kind}(${t}) = ${v}, expected ${want[c.kind](t)}`));
  const warm = r.curves.find((c) => c.kind === 'warmup')!;
  assert.ok(close(warm.values[0], lr0 / 9) && close(warm.values[8], lr0));
  assert.equal(scheduleRows(r).length, SCHEDULE_KINDS.length);
  const fig = scheduleCurvesFigure(r);
  assert.equal(fig.data.length, SCHEDULE_KINDS.length);
  throwsArgument(() => scheduleSpec('poly', 1e-3, 100), /^schedule kind must be one of/);
  throwsArgument(() => scheduleCurves({ steps: 5 }), /^steps must be/);
});

test('emaRun: with β = 0 the average is the raw weights (identical numbers); with β = 0.9 epoch 0 (the init) agrees and later epochs differ; no leak, progress, deterministic', async () => {
  const zero = await emaRun({ ...SMALL, decay: 0 }, source);
  assert.deepEqual(zero.ema, zero.raw);
  const events: ProgressEvent[] = [];
  const before = tf.memory().numTensors;
  const r = await emaRun({ ...SMALL, decay: 0.9, progress: (e) => events.push(e) }, source);
  assert.equal(tf.memory().numTensors, before, 'leaked tensors');
  assert.equal(r.ema.valAcc[0], r.raw.valAcc[0]);
  assert.ok(Math.abs(r.ema.valLoss[0] - r.raw.valLoss[0]) < 1e-6);
  assert.notEqual(r.ema.valLoss[2], r.raw.valLoss[2]);
  assert.equal(events[events.length - 1].done, 8);
  assert.deepEqual(withoutMeta(await emaRun({ ...SMALL, decay: 0.9 }, source)), withoutMeta(r));
  assert.equal(emaFigure(r).data.length, 4);
  await rejectsArgument(() => emaRun({ decay: 1 }, source), /^decay must be/);
});

test('nnlab schedule: values at a few steps, --json with every value, a named error for an unknown kind', () => {
  const text = runSchedule(parseArgs('schedule', ['--kind', 'step', '--steps', '30', '--lr0', '0.1'], SCHEDULE_COMMAND.spec));
  assert.match(text, /step \(×0\.1 twice\)/);
  assert.match(text, /max 0\.1, min 0\.001/);
  const json = JSON.parse(runSchedule(parseArgs('schedule', ['--kind', 'warmup', '--steps', '20', '--json'], SCHEDULE_COMMAND.spec)));
  assert.equal(json.values.length, 20);
  assert.deepEqual(json.spec, { kind: 'cosine', lr0: 1e-3, total: 18, warmup: 2 });
  assert.throws(() => runSchedule(parseArgs('schedule', ['--kind', 'poly'], SCHEDULE_COMMAND.spec)), /--kind must be one of "step", "exp", "inv", "invsqrt", "cosine", "linear", "sgdr", "warmup", got "poly"/);
});

test('nnlab compare-optimizers --optimizers sgd,adam --epochs 1 --train-size 200 --json: the record of compareOptimizers with those options; a bad optimizer is a usage error naming --optimizers', async () => {
  const json = JSON.parse(await runCompareOptimizers(parseArgs('compare-optimizers', ['--optimizers', 'sgd,adam', '--epochs', '1', '--train-size', '200', '--json'], COMPARE_COMMAND.spec)));
  assert.equal(json.experiment, 'optimizersCompare');
  assert.deepEqual(json.options.optimizers, ['sgd', 'adam']);
  assert.equal(json.options.trainSize, 200);
  assert.equal(json.runs[1].losses.length, 1);
  assert.equal(typeof json.ms, 'number');
  await assert.rejects(() => runCompareOptimizers(parseArgs('compare-optimizers', ['--optimizers', 'sgd,lion'], COMPARE_COMMAND.spec)), /--optimizers\[1\] must be one of/);
});

test('registry data: every experiment is declared with its options, every record kind has its show; optimizer colours follow nn.nets.OPTIMIZERS', () => {
  assert.deepEqual(Object.keys(TRAINING_EXPERIMENTS), ['compareOptimizers', 'scheduleCurves', 'decayRun', 'emaRun']);
  assert.deepEqual(Object.keys(TRAINING_SHOW), ['optimizersCompare', 'optimizersScheduleCurves', 'optimizersDecay', 'optimizersEma']);
  assert.equal(new Set(OPTIMIZERS.map(optimizerColour)).size, OPTIMIZERS.length);
  throwsArgument(() => optimizerColour('lion'), /^optimizer must be one of/);
});
