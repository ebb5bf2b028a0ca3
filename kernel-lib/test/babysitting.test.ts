/**
 * Lesson 05's sanity checks (lessons/babysitting/sanity.ts) on real CIFAR-10 rows: the initial loss
 * against ln 10 and a float64 recomputation, the reg term against ½·reg·ΣW² summed in float64 over the
 * same draws, the tiny subset memorised, the learning-rate verdicts read from the numbers, divergence
 * stopping at once, determinism, leaks, progress and named errors.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs';
import { flatSplits } from '../src/data/splits';
import { initTwoLayer, disposeTwoLayer } from '../src/nets/twoLayer';
import { seedStream } from '../src/core/rng';
import {
  initialLossOf, INITIAL_LOSS_OPTIONS, lrCheck, lrVerdict, overfitTiny, sanityChecks,
} from '../src/lessons/babysitting/sanity';
import { lrCheckFigure, overfitFigure, sanityFigure, sanityRows } from '../src/lessons/babysitting/figures';
import { withoutMeta } from './helpers';

// lrCheck's quick preset: a good learning rate needs ~50 steps to leave ln 10 (the weights start at 1e-4)
const QUICK = { trainSize: 1000, valSize: 200, epochs: 5, batchSize: 100 };

test('initial loss: ln 10 within 4 standard errors, the float64 loss of the same scores agrees, reg 1e3 adds ½·reg·ΣW² of the very draws', async () => {
  const s = await flatSplits({ train: 200, val: 0, test: 0, seed: 0 });
  const c = INITIAL_LOSS_OPTIONS.resolve({});
  const r = initialLossOf(s, c);
  assert.equal(r.expected, Math.log(10));
  assert.ok(Math.abs(r.loss - r.loss64) < 1e-5, `${r.loss} vs ${r.loss64}`);
  assert.ok(r.withinTolerance && Math.abs(r.loss - Math.log(10)) <= r.tolerance, `${r.loss} ± ${r.tolerance}`);
  assert.equal(r.tolerance, Math.max(4 * r.perExampleSd / Math.sqrt(200), 1e-6));
  assert.ok(r.maxAbsScore < 1e-2, `scores at init should be tiny, max ${r.maxAbsScore}`);
  // ΣW² in float64 over the same draws (same seed derivation as initialLossOf)
  const net = initTwoLayer({ inputSize: 3072, hiddenSize: 50, classes: 10, std: 1e-4, seed: seedStream(0).derive('init') });
  let sumSq = 0;
  for (const w of [net.W1, net.W2]) for (const v of w.dataSync()) sumSq += v * v;
  disposeTwoLayer(net);
  assert.ok(Math.abs(r.bigReg.expectedRegLoss - 0.5 * 1e3 * sumSq) < 1e-6 * r.bigReg.expectedRegLoss);
  assert.ok(Math.abs(r.bigReg.regLoss - r.bigReg.expectedRegLoss) < 1e-4, `${r.bigReg.regLoss} vs ${r.bigReg.expectedRegLoss}`);
  assert.ok(Math.abs(r.bigReg.loss - (r.loss + r.bigReg.regLoss)) < 1e-4);
  // ≈ 0.5·1e3·1e-8·(3072·50 + 500) = 0.77: the lecture's 2.30 → 3.06
  assert.ok(r.bigReg.loss > 3.0 && r.bigReg.loss < 3.15, String(r.bigReg.loss));
  // a broken net (weights of 1, not 1e-4) fails the check: the test can fail
  const loud = initialLossOf(s, { ...c, std: 1e-2 });
  assert.equal(loud.withinTolerance, false, `std 1e-2 gives ${loud.loss} ± ${loud.tolerance}`);
});

test('overfitTiny: 20 CIFAR-10 images memorised (100 %, loss < 0.05) within the epoch bound, same seed same record, no leaks, progress per step', async () => {
  const before = tf.memory().numTensors;
  const events: { done: number; total: number; phase: string }[] = [];
  const r = await overfitTiny({ epochs: 100, progress: (e) => events.push(e) });
  assert.equal(tf.memory().numTensors, before, 'leaked tensors');
  assert.equal(r.passed, true, JSON.stringify(r.epochs.slice(-3)));
  assert.ok(r.memorisedAt !== null && r.memorisedAt <= 100);
  assert.equal(r.epochs.length, 101);
  assert.equal(r.epochs[0].loss, null);
  assert.ok(r.finalLoss! < 0.05);
  assert.ok(events.filter((e) => e.phase === 'overfit').length >= 100 && events.every((e) => e.total === 100));
  // far too few epochs: not passed (the check can fail); same seed, same numbers
  const short = await overfitTiny({ epochs: 3, progress: false });
  assert.equal(short.passed, false);
  assert.deepEqual(short.epochs, r.epochs.slice(0, 4));
  assert.deepEqual(withoutMeta(await overfitTiny({ epochs: 3, progress: false })), withoutMeta(short));
  assert.ok(overfitFigure(r).data.length >= 4);
});

test('lrCheck: 1e-6 is "too low" (relative change under 1e-3), 1e6 stops at once on NaN, 1e-2 with stopIfLossAbove 3 stops past 3 × the first loss', async () => {
  const low = await lrCheck({ ...QUICK, lr: 1e-6, progress: false });
  assert.equal(low.run.verdict, 'too low');
  assert.ok(low.run.relativeChange! < 1e-3 && low.run.diverged === null);
  assert.equal(low.run.epochs.length, 6);
  const huge = await lrCheck({ ...QUICK, lr: 1e6, progress: false });
  assert.equal(huge.run.verdict, 'NaN');
  const d = huge.run.diverged!;
  assert.ok(['nan', 'inf'].includes(d.reason));
  // stopped at the step where the loss stopped being finite: no step after it
  assert.equal(huge.run.losses.length, d.step);
  assert.ok(huge.run.losses.slice(0, -1).every((l) => Number.isFinite(l)) && !Number.isFinite(huge.run.losses[d.step - 1] ?? NaN));
  const high = await lrCheck({ ...QUICK, lr: 1e-2, stopIfLossAbove: 3, progress: false });
  assert.equal(high.run.verdict, 'exploding');
  assert.ok(high.run.diverged!.reason === 'above' && Math.abs(high.run.diverged!.threshold! - 3 * high.run.losses[0]) < 1e-4);
  assert.ok(high.run.losses[high.run.losses.length - 1] > high.run.diverged!.threshold!);
  assert.ok(high.run.losses.slice(0, -1).every((l) => l <= high.run.diverged!.threshold!));
  const good = await lrCheck({ ...QUICK, lr: 1e-3, progress: false });
  assert.equal(good.run.verdict, 'learning');
  for (const r of [low, huge, high, good]) assert.ok(lrCheckFigure(r).data.length >= 3);
});

test('lrVerdict reads a run: NaN/inf → NaN, above → exploding, a flat loss → too low, else learning', () => {
  assert.equal(lrVerdict({ diverged: { step: 3, loss: NaN, reason: 'nan' }, relativeChange: null }, 1e-3), 'NaN');
  assert.equal(lrVerdict({ diverged: { step: 3, loss: Infinity, reason: 'inf' }, relativeChange: null }, 1e-3), 'NaN');
  assert.equal(lrVerdict({ diverged: { step: 9, loss: 8, reason: 'above', threshold: 6.9 }, relativeChange: null }, 1e-3), 'exploding');
  assert.equal(lrVerdict({ diverged: null, relativeChange: 5e-4 }, 1e-3), 'too low');
  assert.equal(lrVerdict({ diverged: null, relativeChange: 0.1 }, 1e-3), 'learning');
});

test('sanityChecks: every check passes on CIFAR-10 in quick sizes, the table has one row per check, no leaks, named errors', async () => {
  const before = tf.memory().numTensors;
  const r = await sanityChecks({ trainSize: 600, valSize: 200, epochs: 3, batchSize: 100, tinyEpochs: 100, progress: false });
  assert.equal(tf.memory().numTensors, before, 'leaked tensors');
  assert.equal(r.checks.length, 5);
  assert.ok(r.passed, JSON.stringify(r.checks.filter((c) => !c.passed)));
  assert.deepEqual(r.lrRuns.map((x) => x.verdict), ['too low', 'NaN']);
  assert.equal(sanityRows(r).length, 5);
  assert.ok(sanityFigure(r).data.length >= 4);
  await assert.rejects(sanityChecks({ trainSize: 49_000, valSize: 2000 }), /trainSize.*at most 48000 with valSize 2000/);
  await assert.rejects(sanityChecks({ lrs: [] }), /lrs/);
  await assert.rejects(lrCheck({ trainSize: 100, batchSize: 200 }), /batchSize.*at most trainSize \(100\)/);
  await assert.rejects(lrCheck({ lr: -1 }), /lr.*-1/);
  await assert.rejects(overfitTiny({ n: 0 }), /n must be an integer in \[1, 1000\]/);
});
