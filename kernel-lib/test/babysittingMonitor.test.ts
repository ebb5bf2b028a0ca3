/**
 * Lesson 05, monitoring while training: loss-curve shapes, the train/validation gap, update/weight
 * ratios and first-layer templates (src/lessons/babysitting/monitor*.ts, templates.ts,
 * figuresMonitor.ts, cliMonitor.ts). Runs on wasm with CIFAR-10 from the read-only mirror
 * (NNLAB_DATA_MIRROR), loaded once and handed to the experiments as their `source`.
 *
 * References and tolerances:
 * - smoothLoss against a float64 EMA with bias correction written here (exact arithmetic order, 1e-12);
 * - the readings and verdicts recomputed here from the record's own numbers;
 * - update ratios against ‖W1_k − W1_{k−1}‖ / ‖W1_{k−1}‖ recomputed in float64 from the weights of
 *   runs of 1, 2 and 3 steps (one seed: run k's first steps are run k−1's). The loop computes the
 *   ratio in float32 (a sum of 153,600 squares: relative error ≲ γ_n·(something small), far below
 *   1e-4 in practice with tfjs's pairwise reduction); the test allows 1e-4 relative;
 * - template bytes against round(255·(w − min)/(max − min)) of each W1 column, written here;
 * - the neighbour correlation of i.i.d. noise within 4 standard errors (1/√n) of 0.
 */
import { before, test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-wasm';
import { loadDataset } from '../src/data/load';
import type { ImageDataset, LoadOptions } from '../src/data/load';
import { seedStream } from '../src/core/rng';
import { parseArgs } from '../src/core/args';
import { ArgumentError } from '../src/core/errors';
import type { ProgressEvent } from '../src/core/progress';
import {
  gapVerdict, lossShapes, LossShapesOptions, LOSS_READING_BOUNDS, LOSS_SHAPE_SHORT, lrText, monitorRun, monitorSplits, readLossCurve, smoothLoss, trainValGap, TrainValGapOptions,
} from '../src/lessons/babysitting/monitor';
import { finiteMedian, ratioVerdict, updateRatios, UpdateRatiosOptions } from '../src/lessons/babysitting/monitorRatios';
import { neighbourCorrelation, templateImages, templates, TemplatesOptions } from '../src/lessons/babysitting/templates';
import {
  lossShapesFigure, lossShapesRows, templatesHtml, templatesPng, trainValGapFigure, trainValGapText, updateRatiosFigure, updateRatiosRows,
} from '../src/lessons/babysitting/figuresMonitor';
import { MONITOR_COMMAND, runMonitor } from '../src/lessons/babysitting/cliMonitor';
import { MONITOR_EXPERIMENTS, MONITOR_SHOW } from '../src/lessons/babysitting/monitorLesson';
import { rejectsArgument, throwsArgument, withoutMeta } from './helpers';

let cifar: ImageDataset;
const source = { load: async (_name: string, o: LoadOptions) => (o.split === 'train' ? cifar : loadDataset('cifar-10', o)) };

before(async () => {
  await tf.setBackend('wasm');
  cifar = await loadDataset('cifar-10', { split: 'train' });
});

// ------------------------------------------------------------------------------ the readings, pure

test('smoothLoss([...], β) is the bias-corrected EMA ŝ_t = s_t / (1 − β^t) of a float64 loop written here; a null step leaves the average alone', () => {
  const losses = [2.3, 2.1, 2.2, null, 1.7, 1.9, 1.2];
  const beta = 0.8;
  let s = 0;
  let t = 0;
  const expected = losses.map((l) => { if (l === null) return null; t++; s = beta * s + (1 - beta) * l; return s / (1 - beta ** t); });
  const got = smoothLoss(losses, beta);
  got.forEach((v, i) => (expected[i] === null ? assert.equal(v, null) : assert.ok(Math.abs(v! - expected[i]!) < 1e-12, `${i}: ${v} vs ${expected[i]}`)));
  assert.equal(smoothLoss([5, 1], 0)[1], 1, 'β = 0: no smoothing');
  assert.ok(Math.abs(smoothLoss([3, 3, 3], 0.9)[2]! - 3) < 1e-15, 'bias correction: a constant stays itself');
  throwsArgument(() => smoothLoss([1], 1), /^beta must be a number in \[0, 1\)/);
});

test('readLossCurve reads flat, linear, fast-then-slow and exploding curves from their numbers, with the default bounds (flat < 2 %, explode > 3×)', () => {
  const N = 40;
  const flat = Array.from({ length: N }, (_, i) => 2.3 - 0.0005 * i);
  const linear = Array.from({ length: N }, (_, i) => 2.3 - 0.01 * i);
  const fast = Array.from({ length: N }, (_, i) => 1 + 1.3 * Math.exp(-i / 5));
  const explode = Array.from({ length: N }, (_, i) => 2.3 * 1.2 ** i);
  assert.equal(readLossCurve(flat, 0).shape, 'flat');
  assert.ok(Math.abs(readLossCurve(flat, 0).relativeChange! - 0.0005 * 39 / 2.3) < 1e-12);
  assert.equal(readLossCurve(linear, 0).shape, 'linear');
  assert.equal(readLossCurve(fast, 0).shape, 'fast then slow');
  assert.equal(readLossCurve(explode, 0).shape, 'explodes');
  assert.equal(readLossCurve([2.3, 2.2, null], 0).shape, 'explodes', 'a NaN step');
  assert.equal(readLossCurve([2.3, 1.9, 2.5, 3.1, 4.2], 0).shape, 'explodes', 'ends higher than it started, below 3×');
  assert.equal(readLossCurve(flat, 0, LOSS_READING_BOUNDS, true).shape, 'explodes', 'stopped by the loop');
  // the bound decides: a 1.7 % change is flat at 2 %, linear at 1 %
  assert.equal(readLossCurve(flat, 0, { flat: 0.005, explode: 3 }).shape, 'linear');
  const r = readLossCurve(fast, 0);
  assert.equal(r.firstHalfDrop! > r.secondHalfDrop!, true);
  assert.ok(Math.abs(r.firstHalfDrop! - (fast[0] - fast[19])) < 1e-12, 'the middle is step floor((N − 1) / 2)');
  throwsArgument(() => readLossCurve([], 0), /^losses must be a non-empty array/);
  throwsArgument(() => readLossCurve([null, 1], 0), /first one is finite/);
  assert.equal(lrText(3e-4), '3e-4');
  assert.equal(lrText(0.002), '2e-3');
});

test('gapVerdict, ratioVerdict and finiteMedian: the lecture\'s readings at their bounds', () => {
  const b = { bigGap: 0.15, lowAccuracy: 0.5 };
  assert.equal(gapVerdict(1, 0.2, b), 'overfitting');
  assert.equal(gapVerdict(0.65, 0.5, b), 'overfitting', 'exactly the bound is big');
  assert.equal(gapVerdict(0.36, 0.33, b), 'underfitting');
  assert.equal(gapVerdict(0.7, 0.65, b), 'fine');
  assert.equal(finiteMedian([3, null, 1, 2, NaN]), 2);
  assert.equal(finiteMedian([4, 1, 3, 2]), 2.5);
  assert.equal(finiteMedian([null]), null);
  assert.equal(ratioVerdict(4e-6, { low: 1e-4, high: 1e-1 }), 'too low');
  assert.equal(ratioVerdict(5e-2, { low: 1e-4, high: 1e-1 }), 'ok');
  assert.equal(ratioVerdict(3, { low: 1e-4, high: 1e-1 }), 'too high');
  assert.equal(ratioVerdict(null, { low: 1e-4, high: 1e-1 }), null);
});

// ------------------------------------------------------------------------------ lossShapes (CIFAR-10)

const SHAPES: LossShapesOptions = { trainSize: 400, batchSize: 40, epochs: 4, lowLr: 1e-6, goodLr: 3e-3, highLr: 1e6, seed: 3 };

test('lossShapes({ lowLr: 1e-6, goodLr: 3e-3, highLr: 1e6 }) on 400 CIFAR-10 rows, 40 steps: the too-low run barely moves (relative change < 2 %), the too-high one is stopped at a NaN and reads "explodes", the good one falls; readings follow from the recorded losses', async () => {
  const events: ProgressEvent[] = [];
  const before = tf.memory().numTensors;
  const r = await lossShapes({ ...SHAPES, progress: (e) => events.push(e) }, source);
  assert.equal(tf.memory().numTensors, before, 'leaked tensors');
  assert.equal(r.experiment, 'babysittingLossShapes');
  assert.deepEqual(r.runs.map((run) => run.role), ['too low', 'good', 'too high']);
  const [low, good, high] = r.runs;
  assert.equal(low.losses.length, 40);
  assert.ok(Math.abs(low.losses[0]! - Math.log(10)) < 5e-3, `initial loss ${low.losses[0]} ≈ ln 10`);
  assert.equal(low.losses[0], good.losses[0], 'one init, one first batch');
  assert.ok(Math.abs(low.reading.relativeChange!) < LOSS_READING_BOUNDS.flat, String(low.reading.relativeChange));
  assert.equal(low.reading.shape, 'flat');
  assert.ok(high.diverged !== null && high.diverged.reason === 'nan' || high.diverged?.reason === 'inf', JSON.stringify(high.diverged));
  assert.equal(high.losses.length, high.diverged!.step, 'stopped at the step that diverged');
  assert.equal(high.losses[high.losses.length - 1], null);
  assert.equal(high.reading.shape, 'explodes');
  assert.ok(good.reading.final! < good.reading.initial - 0.05, 'the good run falls');
  assert.equal(r.best, 'good');
  for (const run of r.runs) {
    assert.deepEqual(run.reading, readLossCurve(run.losses, r.options.smoothing, LOSS_READING_BOUNDS, run.diverged !== null));
    assert.deepEqual(run.smoothed, smoothLoss(run.losses, r.options.smoothing));
    assert.equal(run.asExpected, { 'too low': ['flat', 'linear'], good: ['fast then slow'], 'too high': ['explodes'] }[run.role].includes(run.reading.shape));
  }
  // progress: each run a phase, steps counted over all three runs
  assert.deepEqual([...new Set(events.map((e) => e.phase))], r.runs.map((run) => run.label));
  assert.ok(events.every((e) => e.total === 120));
  const steps = events.filter((e) => e.metrics.step !== undefined);
  assert.equal(steps.length, 40 + 40 + high.diverged!.step);
  assert.equal(steps[41].done, 42);
  // one seed, one record
  assert.deepEqual(withoutMeta(await lossShapes(SHAPES, source)), withoutMeta(r));
  assert.ok(JSON.parse(JSON.stringify(r)), 'plain JSON');
});

test('lossShapesFigure: one panel per run titled with its shape, raw and smoothed lines of one colour, the diverged run marked; rows and a wrong record', async () => {
  const r = await lossShapes({ ...SHAPES, epochs: 1 }, source);
  const fig = lossShapesFigure(r);
  const annotations = (fig.layout.annotations as { text: string }[]).map((a) => a.text.replace(/<br>/g, ' '));
  assert.deepEqual(annotations, r.runs.map((run) => `${run.reading.shape}: ${LOSS_SHAPE_SHORT[run.reading.shape]}`));
  for (const run of r.runs) {
    const own = fig.data.filter((t) => t.name === run.label);
    assert.equal(own.length, 2, 'raw and smoothed');
    assert.equal(new Set(own.map((t) => (t.line as { color: string }).color)).size, 1, 'one colour');
    assert.deepEqual(own.map((t) => t.showlegend), [true, false]);
  }
  const marker = fig.data.find((t) => String(t.name).startsWith('stopped'));
  assert.ok(marker, 'the diverged run is marked');
  assert.deepEqual(marker!.x, [r.runs[2].diverged!.step]);
  assert.equal(lossShapesRows(r)[2].diverged, `step ${r.runs[2].diverged!.step} (${r.runs[2].diverged!.reason})`);
  assert.throws(() => lossShapesFigure({ experiment: 'x' } as never), /record must be a record returned by nn\.babysitting\.lossShapes\(\)/);
});

// ------------------------------------------------------------------------------ trainValGap (CIFAR-10)

const GAP: TrainValGapOptions = { tinySize: 40, trainSize: 800, valSize: 200, steps: 64, batchSize: 20, fullBatchSize: 100, seed: 1 };

test('trainValGap({ tinySize: 40, trainSize: 800, steps: 64 }): the tiny subset without reg is memorised (train accuracy ≥ 0.9) with a far bigger gap than the full set; the verdicts follow from the numbers; deep-equal for one seed; no leaks; progress on steps', async () => {
  const events: ProgressEvent[] = [];
  const before = tf.memory().numTensors;
  const r = await trainValGap({ ...GAP, progress: (e) => events.push(e) }, source);
  assert.equal(tf.memory().numTensors, before, 'leaked tensors');
  const [tiny, full] = r.runs;
  assert.deepEqual([tiny.trainRows, full.trainRows, tiny.reg, full.reg], [40, 800, 0, r.options.reg]);
  assert.deepEqual(tiny.epochs.map((e) => e.step), Array.from({ length: 33 }, (_, i) => 2 * i), 'every epoch of 2 steps');
  assert.deepEqual(full.epochs.map((e) => e.step), [0, 8, 16, 24, 32, 40, 48, 56, 64]);
  assert.ok(tiny.finalTrainAcc >= 0.9, String(tiny.finalTrainAcc));
  assert.ok(tiny.gap > full.gap + 0.3, `${tiny.gap} vs ${full.gap}`);
  for (const run of r.runs) {
    for (const e of run.epochs) assert.equal(e.gap, e.trainAcc - e.valAcc);
    const last = run.epochs[run.epochs.length - 1];
    assert.deepEqual([run.finalTrainAcc, run.finalValAcc, run.gap], [last.trainAcc, last.valAcc, last.gap]);
    assert.equal(run.verdict, gapVerdict(run.finalTrainAcc, run.finalValAcc, r.options));
  }
  assert.equal(tiny.verdict, 'overfitting');
  // the chart's x: evaluation events carry the step within the run, not the epoch
  const evals = events.filter((e) => e.metrics.valAcc !== undefined);
  assert.ok(evals.every((e) => e.metrics.epoch === undefined && e.metrics.step === e.done - (e.phase === 'full set' ? 64 : 0)));
  assert.ok(events.every((e) => e.total === 128));
  assert.deepEqual(withoutMeta(await trainValGap(GAP, source)), withoutMeta(r));
  const fig = trainValGapFigure(r);
  assert.deepEqual([...new Set(fig.data.map((t) => t.name))], ['train accuracy', 'validation accuracy', 'chance, 0.1', 'gap, tiny subset, no reg', 'gap, full set', 'big gap, 0.15']);
  assert.match(trainValGapText(r), /tiny subset, no reg\s+40\s+0\s+/);
});

// ------------------------------------------------------------------------------ updateRatios (CIFAR-10)

const RATIOS: UpdateRatiosOptions = { trainSize: 300, steps: 3, batchSize: 100, lrs: [1e-6, 2e-3, 1e-2], seed: 5 };

test('updateRatios(): r_t of W1 equals ‖W1_t − W1_{t−1}‖ / ‖W1_{t−1}‖ recomputed in float64 from the weights of 1-, 2- and 3-step runs; medians and verdicts follow; larger lr, larger ratio', async () => {
  const before = tf.memory().numTensors;
  const events: ProgressEvent[] = [];
  const r = await updateRatios({ ...RATIOS, progress: (e) => events.push(e) }, source);
  assert.equal(tf.memory().numTensors, before, 'leaked tensors');
  const s = await monitorSplits(300, 0, 5, source);
  const trainSeed = seedStream(5).derive('train');
  const cfg = { ...r.options, seed: trainSeed, keepWeights: true };
  for (const [i, lr] of RATIOS.lrs!.entries()) {
    const w: number[][] = [];
    for (let k = 1; k <= 3; k++) {
      const run = await monitorRun(s.train, undefined, { ...cfg, lr, steps: k, evalTrainSize: 200 });
      if (k === 1) w.push(run.firstLayer!.before);
      w.push(run.firstLayer!.after);
    }
    for (let k = 1; k <= 3; k++) {
      let d = 0;
      let n = 0;
      for (let j = 0; j < w[k].length; j++) { d += (w[k][j] - w[k - 1][j]) ** 2; n += w[k - 1][j] ** 2; }
      const expected = Math.sqrt(d / n);
      const got = r.runs[i].ratios.W1[k - 1]!;
      assert.ok(Math.abs(got - expected) <= 1e-4 * expected, `lr ${lr}, step ${k}: ${got} vs ${expected}`);
    }
  }
  for (const run of r.runs) {
    for (const layer of ['W1', 'W2'] as const) {
      assert.equal(run.median[layer], finiteMedian(run.ratios[layer]));
      assert.equal(run.verdict[layer], ratioVerdict(run.median[layer], r.options));
    }
  }
  assert.ok(r.runs[0].median.W1! < r.runs[1].median.W1! && r.runs[1].median.W1! < r.runs[2].median.W1!);
  assert.equal(r.runs[0].verdict.W1, 'too low');
  // W1 and the update after step 1 scale with lr: the ratio at step 1 is linear in lr
  assert.ok(Math.abs(r.runs[1].ratios.W1[0]! / r.runs[0].ratios.W1[0]! - 2e3) < 2e3 * 1e-3);
  assert.equal(r.healthy, 1e-3);
  assert.deepEqual([...new Set(events.map((e) => e.phase))], ['lr 1e-6', 'lr 2e-3', 'lr 1e-2']);
  assert.deepEqual(withoutMeta(await updateRatios(RATIOS, source)), withoutMeta(r));
  const fig = updateRatiosFigure(r);
  assert.equal((fig.layout.yaxis as { type: string }).type, 'log');
  assert.equal((fig.layout.yaxis2 as { type: string }).type, 'log');
  assert.ok(fig.data.some((t) => t.name === 'lecture\'s healthy ≈ 1e-3 (below: too low)' && (t.y as number[])[0] === 1e-3));
  assert.ok(fig.data.some((t) => t.name === 'too high above 0.5' && (t.y as number[])[0] === 0.5));
  assert.equal(updateRatiosRows(r)[0]['W1 reads'], 'too low');
});

test('updateRatios({ lrs: [1e6] }): the NaN run stops, its ratios after the blow-up are null, the figure marks it', async () => {
  const r = await updateRatios({ trainSize: 200, steps: 10, batchSize: 100, lrs: [1e6], seed: 1 }, source);
  const run = r.runs[0];
  assert.ok(run.diverged !== null, 'diverged');
  assert.equal(run.ratios.W1.length, run.diverged!.step);
  assert.ok(JSON.parse(JSON.stringify(r)).runs[0].ratios.W1.every((v: unknown) => v === null || typeof v === 'number'));
  assert.ok(updateRatiosFigure(r).data.some((t) => t.name === 'run stopped: loss not finite'));
});

// ------------------------------------------------------------------------------ templates

test('templateImages scales each column of W1 on its own: round(255·(w − min)/(max − min)), a constant column is 128', () => {
  const inputSize = 12;
  const hidden = 3;
  const W1 = Array.from({ length: inputSize * hidden }, (_, i) => Math.sin(i * 1.7) * (1 + (i % hidden)));
  for (let j = 0; j < inputSize; j++) W1[j * hidden + 2] = 0.5;   // unit 2 constant
  const imgs = templateImages(W1, inputSize, hidden);
  assert.equal(imgs.length, 3);
  for (let k = 0; k < 2; k++) {
    const col = Array.from({ length: inputSize }, (_, j) => W1[j * hidden + k]);
    const lo = Math.min(...col);
    const hi = Math.max(...col);
    assert.deepEqual(Array.from(imgs[k]), col.map((w) => Math.round(255 * (w - lo) / (hi - lo))));
    assert.equal(Math.min(...imgs[k]), 0);
    assert.equal(Math.max(...imgs[k]), 255);
  }
  assert.ok(imgs[2].every((v) => v === 128));
  throwsArgument(() => templateImages([1, 2, 3], 2, 2), /^W1\.length must be inputSize · hidden = 4, got 3$/);
});

test('neighbourCorrelation: 1 for a ramp along x, within 4 standard errors of 0 for i.i.d. noise', () => {
  assert.ok(Math.abs(neighbourCorrelation([1, 2, 3, 4, 5, 6, 7, 8], [2, 4, 1]) - 1) < 1e-12);
  const random = seedStream(9).random();
  const noise = Array.from({ length: 32 * 32 * 3 }, () => random() - 0.5);
  const n = 32 * 31 * 3;
  assert.ok(Math.abs(neighbourCorrelation(noise, [32, 32, 3])) < 4 / Math.sqrt(n));
  throwsArgument(() => neighbourCorrelation([1, 2], [2, 2, 1]), /^template\.length must be H·W·C = 4, got 2$/);
});

test('templates({ hiddenSize: 6, 600 rows, 3 epochs }): the images are templateImages of the same run\'s W1 before and after; noise before (correlation ≈ 0), smoother after; no leaks; deep-equal for one seed; PNG and HTML', async () => {
  const o: TemplatesOptions = { trainSize: 600, valSize: 100, epochs: 3, batchSize: 100, hiddenSize: 6, seed: 2 };
  const before = tf.memory().numTensors;
  const r = await templates(o, source);
  assert.equal(tf.memory().numTensors, before, 'leaked tensors');
  assert.deepEqual(r.shape, [32, 32, 3]);
  assert.equal(r.images.before.length, 6);
  const s = await monitorSplits(600, 100, 2, source);
  const run = await monitorRun(s.train, s.val, { ...r.options, seed: seedStream(2).derive('train'), evalTrainSize: 200, keepWeights: true });
  const b64 = (W: number[]) => templateImages(W, 3072, 6).map((img) => Buffer.from(img).toString('base64'));
  assert.deepEqual(r.images.before, b64(run.firstLayer!.before));
  assert.deepEqual(r.images.after, b64(run.firstLayer!.after));
  assert.ok(Math.abs(r.smoothness.before) < 4 / Math.sqrt(32 * 31 * 3), `before: ${r.smoothness.before}`);
  assert.ok(r.smoothness.after > r.smoothness.before + 0.1, `after: ${r.smoothness.after}`);
  assert.ok(r.ranges.before.every(([lo, hi]) => lo > -1e-3 && hi < 1e-3), 'std 1e-4 init');
  assert.equal(r.steps, 18);
  assert.deepEqual(withoutMeta(await templates(o, source)), withoutMeta(r));
  const png = templatesPng(r, 'after', 3, 2);
  assert.deepEqual([...png.subarray(1, 4)].map((c) => String.fromCharCode(c)).join(''), 'PNG');
  assert.equal(png.readUInt32BE(16), 3 * (32 * 2 + 2), 'width: 3 columns of 64 px + padding');
  assert.equal(png.readUInt32BE(20), 2 * (32 * 2 + 2), 'height: 2 rows');
  assert.match(templatesHtml(r), /before training: neighbour correlation -?0\.0\d/);
  throwsArgument(() => templatesPng(r, 'during' as never), /^which must be one of "before", "after", got "during"$/);
});

// ------------------------------------------------------------------------------ errors, registration, CLI

test('the monitoring experiments reject bad options with an ArgumentError naming the option and what is allowed', async () => {
  const cases: [() => Promise<unknown>, RegExp][] = [
    [() => lossShapes({ batchSize: 600, trainSize: 500 }, source), /^batchSize must be at most trainSize \(500\), got 600$/],
    [() => lossShapes({ lowLr: -1 }, source), /^lowLr must be a finite number in \[0, 1000000\], got -1$/],
    [() => lossShapes({ smoothing: 1 }, source), /^smoothing must be a finite number in \[0, 0\.999\], got 1$/],
    [() => lossShapes({ lr: 1 } as never, source), /lr/],
    [() => trainValGap({ tinySize: 900, trainSize: 800 }, source), /^tinySize must be at most trainSize \(800\)/],
    [() => trainValGap({ tinySize: 20, batchSize: 50 }, source), /^batchSize must be at most tinySize \(20\), got 50$/],
    [() => trainValGap({ trainSize: 45_000, valSize: 6000 }, source), /^trainSize is too large: trainSize 45000 \+ valSize 6000 must be at most 50000/],
    [() => updateRatios({ lrs: [] }, source), /^lrs must be an array of 1 to 6 values, got \[\]$/],
    [() => updateRatios({ lrs: [1e-3, 1e-3] }, source), /^lrs\[1\] must be a value not already in lrs/],
    [() => updateRatios({ low: 0.5, high: 0.1 }, source), /^low must be below high \(0\.1\), got 0\.5$/],
    [() => templates({ hiddenSize: 0 }, source), /^hiddenSize must be an integer in \[1, 1024\], got 0$/],
    [() => templates({ trainSize: 49_000, valSize: 2000 }, source), /^trainSize is too large/],
  ];
  for (const [f, message] of cases) await rejectsArgument(f, message);
});

test('MONITOR_EXPERIMENTS and MONITOR_SHOW name the four experiments and their records; every number option has an upper bound', () => {
  assert.deepEqual(Object.keys(MONITOR_EXPERIMENTS), ['lossShapes', 'trainValGap', 'updateRatios', 'templates']);
  assert.deepEqual(Object.keys(MONITOR_SHOW), ['babysittingLossShapes', 'babysittingTrainValGap', 'babysittingUpdateRatios', 'babysittingTemplates']);
  for (const [name, e] of Object.entries(MONITOR_EXPERIMENTS)) {
    for (const [key, field] of Object.entries(e.options.fields)) {
      const f = field as { kind: string; max?: number };
      if (f.kind === 'number' || f.kind === 'int') assert.ok(f.max !== undefined, `${name}.${key}`);
    }
  }
});

test('nnlab monitor --show train-val-gap --json (quick mode) prints the record; --seed reaches it; --show templates --png FILE writes the grid; a bad --show is a usage error', async () => {
  const quick = process.env.NNLAB_QUICK;
  process.env.NNLAB_QUICK = '1';
  try {
    const spec = MONITOR_COMMAND.spec;
    const r = JSON.parse(await runMonitor(parseArgs('monitor', ['--show', 'train-val-gap', '--seed', '4', '--json'], spec)));
    assert.equal(r.experiment, 'babysittingTrainValGap');
    assert.deepEqual([r.options.seed, r.options.tinySize, r.options.steps], [4, 50, 40]);
    assert.equal(typeof r.ms, 'number');
    const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'nnlab-monitor-')), 'templates.png');
    const text = await runMonitor(parseArgs('monitor', ['--show', 'templates', '--png', file], spec));
    assert.match(text, /^First-layer weights W1\[:, k\] as 32×32×3 images/);
    assert.match(text, /25 templates; neighbour correlation -?0\.0\d+ before, 0\.\d+ after 30 steps/);
    assert.ok(text.endsWith(`the templates after training: ${file}`));
    assert.equal(fs.readFileSync(file).subarray(1, 4).toString('latin1'), 'PNG');
    fs.rmSync(path.dirname(file), { recursive: true });
    assert.throws(() => parseArgs('monitor', ['--show', 'loss'], spec), /monitor: --show must be one of "loss-shapes", "train-val-gap", "update-ratios", "templates"/);
    assert.throws(() => parseArgs('monitor', ['--seed', '-1'], spec), /monitor: --seed/);
  } finally {
    if (quick === undefined) delete process.env.NNLAB_QUICK;
    else process.env.NNLAB_QUICK = quick;
  }
});
