/**
 * Lesson 08, regularization part 1: weight penalties, ensembles, batch norm's noise
 * (src/lessons/regularization/penalty.ts, penalties.ts, ensemble.ts, bnNoise.ts, figures.ts, cli.ts).
 * Runs on wasm with CIFAR-10 from the read-only mirror (NNLAB_DATA_MIRROR), loaded once and
 * handed to the experiments as their `source`.
 *
 * References and tolerances:
 * - penaltyTerm against penalty64 (float64, written out) and against tf.grad of the same loss
 *   written with tf ops: float32 sums of ≤ 10,000 terms, relative 1e-5; tf.grad of |w| is
 *   sign-like except at 0 (tfjs gives −1 there), so its weights avoid exact zeros;
 * - the experiments' accuracies recomputed here from the record (mean, best, gap);
 * - the ensemble's average of probabilities recomputed in float64 from netProbabilities.
 */
import { before, test } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-wasm';
import { loadDataset } from '../src/data/load';
import type { ImageDataset, LoadOptions } from '../src/data/load';
import { parseArgs } from '../src/core/args';
import type { ProgressEvent } from '../src/core/progress';
import { PENALTIES, penalty64, penaltyTerm, weightStats } from '../src/lessons/regularization/penalty';
import { regularize, RegularizeOptions } from '../src/lessons/regularization/penalties';
import { ensemble, EnsembleOptions, meanProbabilities, snapshotEnsemble, SnapshotOptions } from '../src/lessons/regularization/ensemble';
import { bnNoise, BnNoiseOptions } from '../src/lessons/regularization/bnNoise';
import { bnNoiseFigure, ensembleFigure, regularizeFigure, regularizeText, snapshotFigure, weightHistogramFigure } from '../src/lessons/regularization/figures';
import { ENSEMBLE_COMMAND, REGULARIZE_COMMAND, runEnsemble, runRegularize } from '../src/lessons/regularization/cli';
import { REGULARIZATION_LESSON } from '../src/lessons/regularization/lesson';
import { cliInProcess, rejectsArgument, throwsArgument, withoutMeta } from './helpers';

let cifar: ImageDataset;
const source = { load: async (_name: string, o: LoadOptions) => (o.split === 'train' ? cifar : loadDataset('cifar-10', o)) };

before(async () => {
  await tf.setBackend('wasm');
  cifar = await loadDataset('cifar-10', { split: 'train' });
});

function uniform(n: number, seed: number): number[] {
  let s = seed;
  return Array.from({ length: n }, () => { s = (s * 1103515245 + 12345) % 2 ** 31; const v = s / 2 ** 31 * 2 - 1; return Math.abs(v) < 1e-3 ? 0.5 : v; });
}

// ------------------------------------------------------------------------------ the penalties, pure

test('penaltyTerm matches penalty64 (float64) and tf.grad of the same loss for L2, L1 and the elastic net, over two weight matrices; 0 at w = 0 for L1', () => {
  const a = uniform(60 * 40, 1);
  const b = uniform(40 * 10, 2);
  const W1 = tf.tensor2d(a, [60, 40]);
  const W2 = tf.tensor2d(b, [40, 10]);
  for (const penalty of PENALTIES) {
    const lambda = 0.37;
    const { loss, grads } = penaltyTerm([W1, W2], penalty, lambda, 0.3);
    const r1 = penalty64(a, penalty, lambda, 0.3);
    const r2 = penalty64(b, penalty, lambda, 0.3);
    const got = loss.dataSync()[0];
    assert.ok(Math.abs(got - (r1.loss + r2.loss)) / (r1.loss + r2.loss) < 1e-5, `${penalty} loss ${got} vs ${r1.loss + r2.loss}`);
    const g1 = grads[0].dataSync();
    r1.grad.forEach((v, i) => assert.ok(Math.abs(g1[i] - v) <= 1e-6 * (1 + Math.abs(v)), `${penalty} grad[${i}] ${g1[i]} vs ${v}`));
    const rho = penalty === 'l2' ? 0 : penalty === 'l1' ? 1 : 0.3;
    const f = (w1: tf.Tensor, w2: tf.Tensor) => tf.mul(lambda, tf.addN([w1, w2].map((w) => tf.add(tf.mul(rho, tf.sum(tf.abs(w))), tf.mul(0.5 * (1 - rho), tf.sum(tf.square(w))))))) as tf.Scalar;
    const [t1, t2] = tf.grads(f)([W1, W2]);
    const d1 = t1.dataSync();
    const d2 = t2.dataSync();
    const h2 = grads[1].dataSync();
    d1.forEach((v, i) => assert.ok(Math.abs(g1[i] - v) <= 1e-6 * (1 + Math.abs(v)), `${penalty}: tf.grad W1[${i}]`));
    d2.forEach((v, i) => assert.ok(Math.abs(h2[i] - v) <= 1e-6 * (1 + Math.abs(v)), `${penalty}: tf.grad W2[${i}]`));
    tf.dispose([loss, ...grads, t1, t2]);
  }
  const Z = tf.tensor1d([0, 2, -3]);
  const { loss, grads } = penaltyTerm([Z], 'l1', 2);
  assert.equal(loss.dataSync()[0], 10);
  assert.deepEqual(Array.from(grads[0].dataSync()), [0, 2, -2], 'subgradient sign(w), 0 at 0');
  assert.deepEqual(penalty64([0, 2, -3], 'l1', 2).grad, [0, 2, -2]);
  tf.dispose([Z, loss, ...grads, W1, W2]);
});

test('penaltyTerm / penalty64 name a bad penalty, a negative λ and a bad ρ; weightStats counts |w| < 0.001·max', () => {
  const W = tf.ones([2, 2]);
  throwsArgument(() => penaltyTerm([W], 'l3' as never, 1), /penalty must be one of "l2", "l1", "elastic"/);
  throwsArgument(() => penaltyTerm([W], 'l2', -1), /lambda/);
  throwsArgument(() => penalty64([1], 'elastic', 1, 2), /l1Ratio/);
  throwsArgument(() => penaltyTerm([], 'l2', 1), /weights/);
  W.dispose();
  const s = weightStats([Float32Array.from([1, 0, 0.0005, -0.5])]);
  assert.equal(s.nearZero, 0.5);
  assert.equal(s.maxAbs, 1);
  assert.ok(Math.abs(s.norm - Math.sqrt(1 + 0.0005 ** 2 + 0.25)) < 1e-12);
});

// ------------------------------------------------------------------------------ regularize

const REG: RegularizeOptions = { penalties: ['l2', 'l1'], lambdas: null, trainSize: 100, valSize: 100, testSize: 100, steps: 15, batchSize: 25, seed: 3 };

test('regularize (small): one baseline + a sweep per penalty; λ chosen on validation, the test read once; the record is deep-equal for one seed; no leaks; progress per step', async () => {
  const events: ProgressEvent[] = [];
  const before = tf.memory().numTensors;
  const r = await regularize({ ...REG, lambdas: [1e-3, 10], progress: (e) => events.push(e) }, source);
  assert.equal(tf.memory().numTensors, before, 'leaked tensors');
  assert.equal(r.experiment, 'regularizationRegularize');
  assert.equal(r.runs.length, 4);
  assert.equal(r.baseline.penalty, 'none');
  for (const run of [r.baseline, ...r.runs]) assert.ok(Math.abs(run.gap - (run.trainAcc - run.valAcc)) < 1e-12);
  const best = [r.baseline, ...r.runs].reduce((a, b) => (b.valAcc > a.valAcc ? b : a));
  assert.equal(r.chosen.valAcc, best.valAcc, 'chosen on validation');
  assert.ok(r.chosen.testAcc >= 0 && r.chosen.testAcc <= 1);
  assert.equal(r.histograms.length, 3, 'none + one per penalty');
  for (const h of r.histograms) assert.equal(h.counts.reduce((a, c) => a + c, 0), 3072 * 50 + 50 * 10, 'every weight of W1 and W2 counted once');
  assert.equal(events.filter((e) => e.metrics.step !== undefined).length, 5 * 15, 'a progress event per step');
  assert.equal(events[events.length - 1].done, events[events.length - 1].total);
  assert.deepEqual(withoutMeta(await regularize({ ...REG, lambdas: [1e-3, 10] }, source)), withoutMeta(r));
  assert.doesNotThrow(() => { regularizeFigure(r); weightHistogramFigure(r); regularizeText(r); });
});

test('regularize (quick sizes): among runs that keep ≥ 3/4 of the unpenalised train accuracy, L1 leaves > 3× the near-zero weights of L2; the largest λ of each penalty underfits (train < 0.35) and closes the gap', async () => {
  const r = await regularize({ penalties: ['l2', 'l1'], lambdas: null, trainSize: 200, valSize: 200, testSize: 100, steps: 25, batchSize: 25, seed: 0 }, source);
  const learning = (p: string) => Math.max(0, ...r.runs.filter((x) => x.penalty === p && x.trainAcc >= 0.75 * r.baseline.trainAcc).map((x) => x.weights.nearZero));
  assert.ok(learning('l1') > 3 * learning('l2'), `L1 near-zero ${learning('l1')} vs L2 ${learning('l2')}`);
  for (const p of ['l1', 'l2']) {
    const runs = r.runs.filter((x) => x.penalty === p);
    const strongest = runs[runs.length - 1];
    assert.ok(strongest.trainAcc < 0.35, `${p} λ ${strongest.lambda}: train ${strongest.trainAcc}`);
    assert.ok(strongest.gap < r.baseline.gap, `${p} λ ${strongest.lambda}: gap ${strongest.gap} vs ${r.baseline.gap}`);
  }
});

test('regularize names a negative λ, an unknown penalty and a batch larger than the rows', async () => {
  await rejectsArgument(() => regularize({ lambdas: [-1] }), /lambdas\[0\]/);
  await rejectsArgument(() => regularize({ penalties: ['l3' as never] }), /penalties\[0\] must be one of "l2", "l1", "elastic"/);
  await rejectsArgument(() => regularize({ trainSize: 20, batchSize: 50 }), /batchSize/);
});

// ------------------------------------------------------------------------------ ensembles

const ENS: EnsembleOptions = { members: 3, trainSize: 300, testSize: 200, steps: 30, batchSize: 50, seed: 2 };

test('ensemble (small): members\' mean and best and the k-member accuracies recomputed from the record; the ensemble is at least the mean member; deep-equal; no leaks; progress', async () => {
  const events: ProgressEvent[] = [];
  const before = tf.memory().numTensors;
  const r = await ensemble({ ...ENS, progress: (e) => events.push(e) }, source);
  assert.equal(tf.memory().numTensors, before, 'leaked tensors');
  const accs = r.members.map((m) => m.testAcc);
  assert.ok(Math.abs(r.memberMean - accs.reduce((a, b) => a + b, 0) / 3) < 1e-12);
  assert.equal(r.memberBest, Math.max(...accs));
  assert.equal(r.byMembers[0], accs[0], 'an ensemble of one is its member');
  assert.equal(r.ensembleAcc, r.byMembers[2]);
  assert.ok(r.ensembleAcc >= r.memberMean, `ensemble ${r.ensembleAcc} vs mean ${r.memberMean}`);
  assert.equal(new Set(accs).size > 1 || accs.length === 1, true, 'members differ');
  assert.equal(events.filter((e) => e.metrics.step !== undefined).length, 90);
  assert.deepEqual(withoutMeta(await ensemble(ENS, source)), withoutMeta(r));
  assert.doesNotThrow(() => ensembleFigure(r));
  assert.deepEqual(Array.from(meanProbabilities([Float32Array.from([0.2, 0.8]), Float32Array.from([0.6, 0.4])])).map((v) => Number(v.toFixed(6))), [0.4, 0.6]);
  await rejectsArgument(() => ensemble({ members: 0 }), /members/);
});

const SNAP: SnapshotOptions = { cycles: 3, trainSize: 300, testSize: 200, steps: 30, batchSize: 50, seed: 2 };

test('snapshotEnsemble (small): the cyclic run\'s rates are SGDR (restarts at lr every period), a snapshot at each cycle\'s end, the single model\'s cosine; deep-equal; no leaks', async () => {
  const before = tf.memory().numTensors;
  const r = await snapshotEnsemble(SNAP, source);
  assert.equal(tf.memory().numTensors, before, 'leaked tensors');
  assert.equal(r.period, 10);
  assert.deepEqual(r.snapshots.map((s) => s.step), [10, 20, 30]);
  assert.equal(r.cyclic.lrs.length, 30);
  for (const t of [0, 10, 20]) assert.equal(r.cyclic.lrs[t], SNAP.lr ?? 3e-3, `restart at step ${t}`);
  assert.ok(r.cyclic.lrs[9] < r.cyclic.lrs[1]);
  assert.equal(r.single.lrs[0], 3e-3);
  assert.ok(r.single.lrs[29] < r.single.lrs[15]);
  assert.equal(r.byLastSnapshots[0], r.snapshots[2].testAcc, 'the last snapshot alone');
  assert.deepEqual(withoutMeta(await snapshotEnsemble(SNAP, source)), withoutMeta(r));
  assert.doesNotThrow(() => snapshotFigure(r));
  await rejectsArgument(() => snapshotEnsemble({ cycles: 10, steps: 5 }), /steps/);
  await rejectsArgument(() => snapshotEnsemble({ lr: 10, lrMin: 10, steps: 40, cycles: 2, trainSize: 100, testSize: 50, batchSize: 50 }, source), /lr must be a smaller learning rate: the cyclic run diverged/);
});

// ------------------------------------------------------------------------------ bnNoise

const BN: BnNoiseOptions = { trainSize: 64, valSize: 64, epochs: 1, batchSizes: [8, 32], seeds: 1, hiddenSize: 16, seed: 1 };

test('bnNoise (small): four settings per seed, the summary is the mean of its runs, steps follow the batch size; deep-equal; no leaks; progress', async () => {
  const events: ProgressEvent[] = [];
  const before = tf.memory().numTensors;
  const r = await bnNoise({ ...BN, progress: (e) => events.push(e) }, source);
  assert.equal(tf.memory().numTensors, before, 'leaked tensors');
  assert.equal(r.runs.length, 4);
  assert.deepEqual(r.runs.map((x) => x.steps), [8, 2, 8, 2]);
  for (const s of r.summary) {
    const these = r.runs.filter((x) => x.batchNorm === s.batchNorm && x.batchSize === s.batchSize);
    assert.ok(Math.abs(s.gap - these.reduce((a, x) => a + x.gap, 0) / these.length) < 1e-12);
  }
  assert.equal(events.filter((e) => e.metrics.step !== undefined).length, 20);
  assert.deepEqual(withoutMeta(await bnNoise(BN, source)), withoutMeta(r));
  assert.doesNotThrow(() => bnNoiseFigure(r));
  await rejectsArgument(() => bnNoise({ trainSize: 20, batchSizes: [64] }), /batchSizes\[0\]/);
});

// ------------------------------------------------------------------------------ CLI and lesson

test('nnlab regularize --json prints the record; --penalty and --lambdas reach it; a negative λ, an unknown penalty and --members 0 are usage errors (exit 2)', async () => {
  const spec = REGULARIZE_COMMAND.spec;
  const prev = process.env.NNLAB_QUICK;
  process.env.NNLAB_QUICK = '1';
  try {
    const r = JSON.parse(await runRegularize(parseArgs('regularize', ['--penalty', 'l1', '--lambdas', '0.01,0.1', '--steps', '5', '--json'], spec)));
    assert.equal(r.experiment, 'regularizationRegularize');
    assert.deepEqual(r.options.penalties, ['l1']);
    assert.deepEqual(r.lambdas, { l1: [0.01, 0.1] });
    const e = JSON.parse(await runEnsemble(parseArgs('ensemble', ['--members', '2', '--steps', '5', '--json'], ENSEMBLE_COMMAND.spec)));
    assert.equal(e.members.length, 2);
  } finally {
    if (prev === undefined) delete process.env.NNLAB_QUICK; else process.env.NNLAB_QUICK = prev;
  }
  for (const argv of [['regularize', '--lambdas', '-1'], ['regularize', '--penalty', 'l3'], ['ensemble', '--members', '0']]) {
    const { status, stderr } = await cliInProcess(argv, 20_000);
    assert.equal(status, 2, `${argv.join(' ')}: ${stderr}`);
  }
  assert.deepEqual(Object.keys(REGULARIZATION_LESSON.commands).slice(0, 3), ['regularize', 'ensemble', 'bn-noise']);
});
