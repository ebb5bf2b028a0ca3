/**
 * Lesson 06, two experiments: random vs grid search (`randomVsGrid`, float64 JS, no tensors) and
 * k-fold cross-validation vs one validation split (`crossValidation`, the two-layer net on a small
 * CIFAR-10 pool from the read-only mirror, wasm backend with nnlab's kernels as useDevice installs).
 *
 * References and tolerances:
 * - the objective against the formula evaluated here in float64;
 * - random search's mean best over repeats against E[max of n draws of f] computed here by
 *   quadrature: P(max ≤ t) = F(t)ⁿ with F(t) = |{f ≤ t}| measured on a 1000 × 1000 midpoint grid, and
 *   E[max] = ∫₀^top (1 − F(t)ⁿ) dt; within 4 standard errors of the repeats' mean plus the
 *   quadrature's own error (bounded by the grid's cell: |f(a, u) − f(a', u')| ≤ Lipschitz·h);
 * - random beats grid: the paired difference of the repeats' bests, more than 4 of its standard
 *   errors above 0, as measured for seeds 0–2 at 9 and 16 trials (the module comment's numbers);
 * - the k-fold estimate against mean / population std / s/√k recomputed here from the fold accuracies.
 */
import { before, test } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-wasm';
import * as H from '../src/lessons/hp-search';
import { RANDOM_VS_GRID_OPTIONS } from '../src/lessons/hp-search/randomVsGrid';
import { channelMeansOf, CROSS_VALIDATION_OPTIONS, MIN_FOLD_SIZE } from '../src/lessons/hp-search/crossValidation';
import { CROSS_VALIDATE_COMMAND, RANDOM_VS_GRID_COMMAND, runCrossValidate, runRandomVsGrid } from '../src/lessons/hp-search/cliExperiments';
import { crossValidationText, randomVsGridText } from '../src/lessons/hp-search/figuresExperiments';
import { HP_SEARCH_LESSON } from '../src/lessons/hp-search/lesson';
import { registerWasmKernelOverrides } from '../src/engine/wasm/kernels';
import { parseArgs } from '../src/core/args';
import { ArgumentError } from '../src/core/errors';
import { seedStream } from '../src/core/rng';
import { flatSplits } from '../src/data/splits';
import { trainTwoLayer } from '../src/nets/twoLayerTrain';
import type { ProgressEvent } from '../src/core/progress';
import { cliInProcess, rejectsArgument, throwsArgument, withoutMeta } from './helpers';

before(async () => {
  await tf.setBackend('wasm');
  registerWasmKernelOverrides();   // what useDevice installs: the fast transposed matMul of dW = Xᵀ·dz
});

const DEFAULT_OBJECTIVE = { peak: 0.7, width: 0.05, unimportantWeight: 0.05 };

/** f written out here: exp(−(a − μ)²/(2σ²)) + ε·(1 − (2u − 1)²). */
function f(a: number, u: number, o = DEFAULT_OBJECTIVE): number {
  return Math.exp(-((a - o.peak) * (a - o.peak)) / (2 * o.width * o.width)) + o.unimportantWeight * (1 - (2 * u - 1) * (2 * u - 1));
}

// ------------------------------------------------------------------------------ randomVsGrid

test('objective(a, u) equals exp(−(a − μ)²/(2σ²)) + ε·(1 − (2u − 1)²) written here; its maximum is 1 + ε at (μ, ½)', () => {
  for (const [a, u] of [[0.7, 0.5], [0.75, 0.25], [0, 1], [0.31, 0.9], [1, 0]]) {
    assert.equal(H.objective(a, u, DEFAULT_OBJECTIVE), f(a, u));
  }
  assert.equal(H.objective(0.7, 0.5, DEFAULT_OBJECTIVE), 1.05);
  assert.ok(Math.abs(H.objective(0.75, 0.25, DEFAULT_OBJECTIVE) - (Math.exp(-0.5) + 0.0375)) < 1e-15);
  const o = { peak: 0.2, width: 0.3, unimportantWeight: 0.5 };
  assert.equal(H.objective(0.5, 0.5, o), Math.exp(-0.5) + 0.5);
});

test('gridPoints(9) is the lattice of cell centres (1/6, 1/2, 5/6)²; gridPoints(8) is an ArgumentError', () => {
  const g = H.gridPoints(9);
  const c = [1 / 6, 1 / 2, 5 / 6];
  assert.deepEqual(g.important, [...c, ...c, ...c]);
  assert.deepEqual(g.unimportant, [c[0], c[0], c[0], c[1], c[1], c[1], c[2], c[2], c[2]]);
  throwsArgument(() => H.gridPoints(8), /^trials must be a perfect square >= 1 \(1, 4, 9, 16, \.\.\.\): the grid is √trials × √trials, got 8$/);
});

test('randomVsGrid({ trials: n }): grid search tries √n distinct values of each hyperparameter, random search n, for n = 4, 9, 16, 25, 100 and seeds 0-4', async () => {
  for (const trials of [4, 9, 16, 25, 100]) {
    for (let seed = 0; seed < 5; seed++) {
      const r = await H.randomVsGrid({ trials, seed, repeats: 1 });
      const [grid, random] = r.methods;
      assert.deepEqual([grid.method, random.method], ['grid', 'random']);
      assert.equal(grid.distinctImportant, Math.sqrt(trials));
      assert.equal(grid.distinctUnimportant, Math.sqrt(trials));
      assert.equal(random.distinctImportant, trials, `random, ${trials} trials, seed ${seed}`);
      assert.equal(random.distinctUnimportant, trials);
      // the counts are those of the samples the record holds
      assert.equal(new Set(grid.samples.important).size, grid.distinctImportant);
      assert.equal(new Set(random.samples.important).size, random.distinctImportant);
      assert.ok(random.samples.important.every((a) => a >= 0 && a < 1) && random.samples.unimportant.every((u) => u >= 0 && u < 1));
    }
  }
});

test('randomVsGrid(): each trial\'s value is f at its point, the best is the largest of them, the pictured objective\'s curves are g and h', async () => {
  const r = await H.randomVsGrid({ trials: 16, seed: 4, repeats: 3 });
  for (const m of r.methods) {
    const values = m.samples.important.map((a, k) => f(a, m.samples.unimportant[k]));
    assert.deepEqual(m.samples.value, values);
    const best = Math.max(...values);
    assert.equal(m.best.value, best);
    assert.equal(m.best.index, values.indexOf(best));
    assert.deepEqual([m.best.important, m.best.unimportant], [m.samples.important[m.best.index], m.samples.unimportant[m.best.index]]);
  }
  // the grid's best with μ = 0.7 on the 4 × 4 lattice: a = 0.625, u = 0.375 or 0.625 (first: 0.375)
  assert.deepEqual([r.methods[0].best.important, r.methods[0].best.unimportant], [0.625, 0.375]);
  assert.equal(r.methods[0].best.value, f(0.625, 0.375));
  assert.deepEqual(r.objective.optimum, { important: 0.7, unimportant: 0.5, value: 1.05 });
  r.objective.important.x.forEach((a, k) => assert.ok(Math.abs(r.objective.important.y[k] - (f(a, 0.5) - 0.05)) < 1e-15));
  r.objective.unimportant.x.forEach((u, k) => assert.ok(Math.abs(r.objective.unimportant.y[k] - (f(0.7, u) - 1)) < 1e-15));
});

/** E[max of n independent draws of f(U)] with U uniform on [0, 1]², by quadrature (see the file comment). */
function expectedBest(n: number, o = DEFAULT_OBJECTIVE): { mean: number; error: number } {
  const M = 1000;
  const h = 1 / M;
  const values = new Float64Array(M * M);
  for (let i = 0; i < M; i++) for (let j = 0; j < M; j++) values[i * M + j] = f((i + 0.5) * h, (j + 0.5) * h, o);
  values.sort();
  const top = 1 + o.unimportantWeight;
  const T = 4000;
  let integral = 0;
  let k = 0;
  for (let s = 0; s < T; s++) {
    const t = ((s + 0.5) / T) * top;
    while (k < values.length && values[k] <= t) k++;
    integral += (1 - (k / values.length) ** n) * (top / T);
  }
  // a cell's value differs from f anywhere in the cell by at most L·h/√2·√2 (L = max |∇f|), which
  // moves every quantile, and so the mean of the max, by at most that much; plus the t-grid's step
  const lipschitz = Math.exp(-0.5) / o.width + 4 * o.unimportantWeight;
  return { mean: integral, error: lipschitz * h + top / T };
}

test('randomVsGrid({ repeats: 2000 }): random search\'s mean best equals E[max of n draws of f] by quadrature within 4 standard errors (9 and 16 trials); the grid\'s best is f at its nearest lattice point', async () => {
  for (const trials of [9, 16]) {
    const r = await H.randomVsGrid({ trials, repeats: 2000, seed: 11 });
    const expected = expectedBest(trials);
    const se = r.fixedPeak.randomStd / Math.sqrt(2000);
    assert.ok(Math.abs(r.fixedPeak.randomMean - expected.mean) < 4 * se + expected.error,
      `${trials} trials: mean best ${r.fixedPeak.randomMean} vs E[max] ${expected.mean} (4 SE = ${4 * se}, quadrature ${expected.error})`);
    const m = Math.sqrt(trials);
    const nearest = Math.round(0.7 * m - 0.5);   // the cell centre (i + ½)/m nearest to μ = 0.7
    assert.ok(r.fixedPeak.gridStd < 1e-12, `grid std ${r.fixedPeak.gridStd}: one value repeated`);
    const middle = (Math.floor(m / 2) + 0.5) / m;   // the lattice value of u nearest to ½ (½ itself when m is odd)
    assert.ok(Math.abs(r.fixedPeak.gridMean - f((nearest + 0.5) / m, middle)) < 1e-12, `grid ${r.fixedPeak.gridMean}`);
  }
});

test('randomVsGrid(): random search finds more than grid search on average, over 200 repeats with μ fixed and with μ ~ U(0.1, 0.9), for 9 and 16 trials and seeds 0-2 (paired difference > 4 SE)', async () => {
  for (const trials of [9, 16]) {
    for (let seed = 0; seed < 3; seed++) {
      const r = await H.randomVsGrid({ trials, seed });
      for (const [name, s] of [['fixed μ', r.fixedPeak], ['random μ', r.randomPeak]] as const) {
        const d = s.random.map((v, k) => v - s.grid[k]);
        const mean = d.reduce((a, b) => a + b, 0) / d.length;
        const sd = Math.sqrt(d.reduce((a, b) => a + (b - mean) ** 2, 0) / (d.length - 1));
        assert.ok(mean > 4 * sd / Math.sqrt(d.length), `${trials} trials, seed ${seed}, ${name}: random − grid = ${mean} (SE ${sd / Math.sqrt(d.length)})`);
        assert.ok(Math.abs(s.randomMean - s.gridMean - mean) < 1e-12);
        assert.ok(s.randomWins > 0.5, `${name}: random wins ${s.randomWins}`);
        assert.equal(s.randomWins, d.filter((x) => x > 0).length / d.length);
      }
      assert.ok(r.randomPeak.peaks.every((p) => p >= 0.1 && p < 0.9));
    }
  }
});

test('randomVsGrid(): two runs with one seed give deep-equal records; another seed moves the random trials, not the grid; progress reports every 50 repeats', async () => {
  const events: ProgressEvent[] = [];
  const a = await H.randomVsGrid({ trials: 9, repeats: 120, seed: 5, progress: (e) => events.push(e) });
  assert.deepEqual(withoutMeta(a), withoutMeta(await H.randomVsGrid({ trials: 9, repeats: 120, seed: 5 })));
  const b = await H.randomVsGrid({ trials: 9, repeats: 120, seed: 6 });
  assert.deepEqual(b.methods[0], a.methods[0]);
  assert.notDeepEqual(b.methods[1].samples, a.methods[1].samples);
  assert.deepEqual(events.map((e) => [e.done, e.total, e.phase]), [[50, 120, 'repeats'], [100, 120, 'repeats'], [120, 120, 'repeats']]);
  assert.equal(a.experiment, 'hpSearchRandomVsGrid');
  assert.deepEqual(a.options, { trials: 9, peak: 0.7, width: 0.05, unimportantWeight: 0.05, repeats: 120, seed: 5 });
});

test('randomVsGrid rejects bad options with an ArgumentError naming the option: trials not a perfect square, trials out of range, a peak outside [0, 1], an unknown key', async () => {
  const cases: [unknown, RegExp][] = [
    [{ trials: 10 }, /^trials must be a perfect square \(4, 9, 16, 25, \.\.\.\) so that the grid is √trials × √trials, got 10$/],
    [{ trials: 15 }, /^trials must be a perfect square/],
    [{ trials: 1 }, /^trials must be an integer in \[4, 400\], got 1$/],
    [{ trials: 9.5 }, /^trials must be an integer/],
    [{ peak: 1.5 }, /^peak must be a finite number in \[0, 1\], got 1\.5$/],
    [{ width: 0 }, /^width must be a finite number in \[0\.005, 1\], got 0$/],
    [{ repeats: 0 }, /^repeats must be an integer in \[1, 100000\], got 0$/],
    [{ trails: 9 }, /trails/],
  ];
  for (const [o, message] of cases) await rejectsArgument(() => H.randomVsGrid(o as H.RandomVsGridOptions), message);
  assert.ok(Object.values(RANDOM_VS_GRID_OPTIONS.fields).every((fd) => (fd.kind !== 'int' && fd.kind !== 'number') || fd.max !== undefined));
});

test('randomVsGridFigure: grid and random panels with g(a), the trials, their projections on both axes, the best trial and the optimum, one colour per series; the repeats figure; a wrong record is an ArgumentError', async () => {
  const r = await H.randomVsGrid({ trials: 9, repeats: 50 });
  const fig = H.randomVsGridFigure(r);
  const names = [...new Set(fig.data.map((t) => t.name as string))];
  assert.deepEqual(names, ['g(a): the objective along a', 'trials projected on a', 'trials', 'trials projected on u', 'best trial', 'optimum']);
  const layout = JSON.stringify(fig.layout).replace(/<br>/g, ' ');
  assert.match(layout, /Grid: 3 distinct values of a/);
  assert.match(layout, /Random: 9 distinct values of a/);
  assert.match(layout, /Grid vs random search, 9 trials each/);
  for (const name of names) {
    const colours = new Set(fig.data.filter((t) => t.name === name).map((t) => JSON.stringify((t.marker as { color?: string }).color)));
    assert.equal(colours.size, 1, name);
  }
  // the projections on a, drawn on the curve: the grid's 9 trials sit on 3 points
  const onCurve = fig.data.filter((t) => t.name === 'trials projected on a' && t.xaxis === 'x');
  assert.equal(new Set((onCurve[0].x as number[])).size, 3);
  const rep = H.randomVsGridRepeatsFigure(r);
  assert.deepEqual([...new Set(rep.data.map((t) => t.name))], ['grid search', 'random search']);
  for (const t of rep.data) assert.equal((t.y as number[]).reduce((a, b) => a + b, 0), 50);
  assert.equal(H.randomVsGridRows(r).length, 2);
  assert.match(randomVsGridText(r), /random search found more than the grid in \d+\.\d % of them/);
  throwsArgument(() => H.randomVsGridFigure({ experiment: 'x' } as unknown as H.RandomVsGridRecord), /^record must be a record returned by nn\.hpSearch\.randomVsGrid\(\)/);
});

// ------------------------------------------------------------------------------ folds

test('foldIndices(count, k): k disjoint folds that together hold every index once, sizes as NumPy\'s array_split, seeded', () => {
  for (const [count, k] of [[10, 3], [100, 5], [1000, 5], [7, 7], [23, 4]]) {
    const folds = H.foldIndices(count, k, seedStream(count + k).random());
    assert.equal(folds.length, k);
    const all = folds.flat();
    assert.equal(all.length, count);
    assert.equal(new Set(all).size, count);
    assert.ok(all.every((i) => Number.isInteger(i) && i >= 0 && i < count));
    const sizes = folds.map((fo) => fo.length);
    assert.deepEqual(sizes, Array.from({ length: k }, (_, i) => Math.floor(count / k) + (i < count % k ? 1 : 0)));
    assert.deepEqual(H.foldIndices(count, k, seedStream(count + k).random()), folds);
  }
  assert.notDeepEqual(H.foldIndices(100, 5, seedStream(1).random()), H.foldIndices(100, 5, seedStream(2).random()));
  throwsArgument(() => H.foldIndices(10, 1, seedStream(0).random()), /^folds must be an integer in \[2, count\] = \[2, 10\], got 1$/);
  throwsArgument(() => H.foldIndices(3, 4, seedStream(0).random()), /^folds must be an integer in \[2, count\] = \[2, 3\], got 4$/);
});

test('foldEstimate([...]) is the mean, the population std and s/√k (s with k − 1) of the fold accuracies, computed here', () => {
  const acc = [0.3, 0.32, 0.28, 0.31, 0.29];
  const e = H.foldEstimate(acc);
  const mean = (0.3 + 0.32 + 0.28 + 0.31 + 0.29) / 5;
  const ss = acc.reduce((a, x) => a + (x - mean) ** 2, 0);
  assert.ok(Math.abs(e.mean - mean) < 1e-15);
  assert.ok(Math.abs(e.std - Math.sqrt(ss / 5)) < 1e-15);
  assert.ok(Math.abs(e.stdErr - Math.sqrt(ss / 4) / Math.sqrt(5)) < 1e-15);
  assert.ok(Math.abs(e.std - 0.01414213562373095) < 1e-15);   // NumPy: np.std([0.3, 0.32, 0.28, 0.31, 0.29])
  throwsArgument(() => H.foldEstimate([0.5]), /^accuracies\.length must be at least 2 \(one per fold\), got 1$/);
});

test('channelMeansOf(X, train rows) is the per-channel (NHWC) mean of those rows only: changing the other rows leaves it alone', () => {
  const D = 12;   // 2 × 2 pixels × 3 channels
  const X = Float32Array.from({ length: 5 * D }, (_, i) => (i * 37) % 256);
  const train = [0, 2, 4];
  const expected = [0, 1, 2].map((c) => {
    let s = 0;
    for (const n of train) for (let p = 0; p < 4; p++) s += X[n * D + 3 * p + c];
    return s / 12;
  });
  assert.deepEqual(channelMeansOf(X, train, D), expected);
  const changed = Float32Array.from(X);
  for (const n of [1, 3]) for (let j = 0; j < D; j++) changed[n * D + j] = 255;
  assert.deepEqual(channelMeansOf(changed, train, D), expected);
});

// ------------------------------------------------------------------------------ crossValidation (CIFAR-10)

const SMALL = {
  poolSize: 100, folds: 4, splits: 2, shuffles: 2, epochs: 2, batchSize: 25, testSize: 50,
  settings: [{ lr: 1e-3, reg: 0.25 }, { lr: 1e-3, reg: 10 }],
};

test('crossValidation(small) on CIFAR-10: the folds partition the pool, each k-fold estimate equals its recomputation from the fold accuracies, spreads too; deep-equal for one seed; progress per net; no tensor left behind', async () => {
  const before = tf.memory().numTensors;
  const events: ProgressEvent[] = [];
  const r = await H.crossValidation({ ...SMALL, progress: (e) => events.push(e) });
  assert.equal(tf.memory().numTensors, before);
  assert.equal(r.experiment, 'hpSearchCrossValidation');
  assert.deepEqual(r.data.foldSizes, [25, 25, 25, 25]);
  assert.equal(r.settings.length, 2);
  assert.deepEqual(r.settings.map((s) => s.label), ['lr 1e-3, reg 0.25', 'lr 1e-3, reg 10']);
  for (const s of r.settings) {
    assert.equal(s.kFold.length, 2);
    for (const cut of s.kFold) {
      assert.deepEqual(cut.folds.map((fo) => fo.fold), [0, 1, 2, 3]);
      for (const fo of cut.folds) {
        assert.deepEqual([fo.trainCount, fo.valCount], [75, 25]);
        assert.ok(Number.isInteger(Math.round(fo.valAccuracy * 25)) && Math.abs(fo.valAccuracy * 25 - Math.round(fo.valAccuracy * 25)) < 1e-9, `accuracy ${fo.valAccuracy} of 25 images`);
      }
      const acc = cut.folds.map((fo) => fo.valAccuracy);
      const mean = acc.reduce((a, b) => a + b, 0) / acc.length;
      const ss = acc.reduce((a, b) => a + (b - mean) ** 2, 0);
      assert.ok(Math.abs(cut.mean - mean) < 1e-12);
      assert.ok(Math.abs(cut.std - Math.sqrt(ss / 4)) < 1e-12);
      assert.ok(Math.abs(cut.stdErr - Math.sqrt(ss / 3) / 2) < 1e-12);
    }
    const means = s.kFold.map((c) => c.mean);
    assert.ok(Math.abs(s.kFoldSpread.mean - (means[0] + means[1]) / 2) < 1e-12);
    assert.ok(Math.abs(s.kFoldSpread.std - Math.abs(means[0] - means[1]) / 2) < 1e-12);
    const single = s.singleSplits.map((x) => x.valAccuracy);
    assert.deepEqual(s.singleSplits.map((x) => [x.split, x.trainCount, x.valCount]), [[0, 75, 25], [1, 75, 25]]);
    assert.deepEqual([s.singleSpread.min, s.singleSpread.max], [Math.min(...single), Math.max(...single)]);
    assert.ok(s.test !== null && s.test.trainCount === 100 && s.test.testCount === 50);
    assert.ok(s.test.accuracy >= 0 && s.test.accuracy <= 1);
  }
  // the two settings share the folds, the splits and the inits, yet train differently (reg 0.25 vs 10)
  assert.notDeepEqual(r.settings[0].kFold[0].folds.map((fo) => fo.trainAccuracy), r.settings[1].kFold[0].folds.map((fo) => fo.trainAccuracy));
  // progress: one event per trained net, 2 × (2 splits + 2 cuts × 4 folds + 1 whole-pool run) = 22
  assert.deepEqual(events.map((e) => e.done), Array.from({ length: 22 }, (_, i) => i + 1));
  assert.ok(events.every((e) => e.total === 22 && typeof e.metrics.valAccuracy === 'number'));
  assert.equal(events[0].phase, 'lr 1e-3, reg 0.25: fold 1 of 4, cut 1');
  assert.equal(events[21].phase, 'lr 1e-3, reg 10: whole pool, test');
  assert.deepEqual(withoutMeta(await H.crossValidation(SMALL)), withoutMeta(r));
});

test('crossValidation: fold 1 of the first cut and the first single split equal nets trained here by hand on the other folds, centred with their own training rows\' channel means', async () => {
  const o = { poolSize: 100, folds: 4, splits: 1, shuffles: 1, epochs: 2, batchSize: 25, testSize: 0, settings: [{ lr: 1e-3, reg: 0.25 }], seed: 3 };
  const r = await H.crossValidation(o);
  const seeds = seedStream(3);
  const data = await flatSplits({ train: 100, val: 0, test: 0, seed: seeds.derive('pool'), center: 'none' });
  const D = 3072;
  const byHand = async (trainIdx: number[], valIdx: number[], runSeed: number) => {
    const sums = [0, 0, 0];
    for (const n of trainIdx) for (let j = 0; j < D; j++) sums[j % 3] += data.train.X[n * D + j];
    const means = sums.map((v) => v / (trainIdx.length * 1024));
    const take = (idx: number[]) => ({
      X: Float32Array.from({ length: idx.length * D }, (_, i) => data.train.X[idx[Math.floor(i / D)] * D + (i % D)] - means[(i % D) % 3]),
      y: Int32Array.from(idx, (n) => data.train.y[n]),
    });
    const run = await trainTwoLayer({ train: take(trainIdx), val: take(valIdx), classes: 10, hiddenSize: 50, reg: 0.25, lr: 1e-3, batchSize: 25, epochs: 2, seed: runSeed, evalTrainSize: 250 });
    return run.epochs[run.epochs.length - 1];
  };
  const folds = H.foldIndices(100, 4, seeds.fork('folds 0').random());
  const fold0 = await byHand([...folds[1], ...folds[2], ...folds[3]], folds[0], seeds.derive('train 0 0'));
  const f0 = r.settings[0].kFold[0].folds[0];
  assert.deepEqual([f0.valAccuracy, f0.trainAccuracy, f0.trainLoss], [fold0.valAcc, fold0.trainAcc, fold0.loss]);
  assert.ok(typeof f0.trainLoss === 'number' && f0.trainLoss > 1 && f0.trainLoss < 2.5, `last epoch's loss ${f0.trainLoss}`);
  const held = H.foldIndices(100, 4, seeds.fork('split 0').random())[0];
  const single = await byHand(Array.from({ length: 100 }, (_, i) => i).filter((i) => !held.includes(i)), held, seeds.derive('single 0'));
  const s0 = r.settings[0].singleSplits[0];
  assert.deepEqual([s0.valAccuracy, s0.trainAccuracy, s0.trainLoss], [single.valAcc, single.trainAcc, single.loss]);
});

test('crossValidation rejects bad options with an ArgumentError naming the option: folds < 2, folds too many for the pool, a bad setting, an unknown key', async () => {
  const cases: [unknown, RegExp][] = [
    [{ folds: 1 }, /^folds must be an integer in \[2, 50\], got 1$/],
    [{ poolSize: 20, folds: 5 }, new RegExp(`^folds is too large or small: 20 images in 5 folds leaves 4 per fold; each fold needs at least ${MIN_FOLD_SIZE}`)],
    [{ poolSize: 20 }, /^poolSize is too large or small: 20 images in 5 folds leaves 4 per fold/],
    [{ settings: [{ lr: 0, reg: 1 }] }, /^settings\[0\]\.lr must be a number in \(0, 10\], got 0$/],
    [{ settings: [{ lr: 1e-3, reg: -1 }] }, /^settings\[0\]\.reg must be a number in \[0, 1e6\], got -1$/],
    [{ settings: [{ lr: 1e-3, reg: 1, mu: 0.9 }] }, /^settings\[0\]\.mu must be not given: a setting has only lr and reg/],
    [{ settings: [] }, /^settings must be an array of 1 to 6 values, got \[\]$/],
    [{ testSize: -1 }, /^testSize must be an integer in \[0, 10000\], got -1$/],
    [{ poolSize: 100, folds: 3, batchSize: 70 }, /^batchSize must be at most 66, the training rows of a run \(poolSize 100 minus its largest fold of 34\), got 70$/],
    [{ fold: 5 }, /fold/],
  ];
  for (const [o, message] of cases) await rejectsArgument(() => H.crossValidation(o as H.CrossValidationOptions), message);
  assert.equal(CROSS_VALIDATION_OPTIONS.resolve({}).folds, 5);
  // the quick preset passes the rules (batch of 50 within the 200 training rows of a run)
  assert.deepEqual(CROSS_VALIDATION_OPTIONS.resolve({ ...H.CROSS_VALIDATION_QUICK }).poolSize, 250);
});

test('crossValidationFigure: one panel per setting with the single splits, the k-fold estimates with error bars (± std over folds), the spreads and the test accuracy; a wrong record is an ArgumentError', async () => {
  const r = await H.crossValidation({ ...SMALL, shuffles: 2, splits: 3, testSize: 20, epochs: 1 });
  const fig = H.crossValidationFigure(r);
  assert.deepEqual([...new Set(fig.data.map((t) => t.name))], [
    'one split (each seed)', '4-fold: mean ± std over folds (each cut)', 'mean ± std over seeds or cuts', 'test accuracy, trained on the whole pool',
  ]);
  const kf = fig.data.filter((t) => t.name === '4-fold: mean ± std over folds (each cut)');
  assert.equal(kf.length, 2);
  kf.forEach((t, i) => {
    assert.deepEqual(t.y, r.settings[i].kFold.map((c) => c.mean));
    assert.deepEqual((t.error_y as { array: number[] }).array, r.settings[i].kFold.map((c) => c.std));
  });
  const spread = fig.data.filter((t) => t.name === 'mean ± std over seeds or cuts')[0];
  assert.deepEqual((spread.error_y as { array: number[] }).array, [r.settings[0].singleSpread.std, r.settings[0].kFoldSpread.std]);
  const layout = JSON.stringify(fig.layout).replace(/<br>/g, ' ');
  assert.match(layout, /4-fold cross-validation vs one validation split, 100 CIFAR-10 images/);
  assert.match(layout, /lr 1e-3, reg 10/);
  assert.equal(H.crossValidationRows(r).length, 2);
  assert.match(crossValidationText(r), /folds of 25\/25\/25\/25/);
  throwsArgument(() => H.crossValidationFigure({ experiment: 'hpSearchRandomVsGrid' } as unknown as H.CrossValidationRecord), /^record must be a record returned by nn\.hpSearch\.crossValidation\(\)/);
});

// ------------------------------------------------------------------------------ CLI

test('the random-vs-grid and cross-validate commands: `--trials 16 --seed 2 --json` and a small `--folds 3 --json` print records; the text names what was run; bad values are usage errors (exit 2)', async () => {
  const rs = RANDOM_VS_GRID_COMMAND.spec;
  const r = JSON.parse(await runRandomVsGrid(parseArgs('random-vs-grid', ['--trials', '16', '--seed', '2', '--repeats', '20', '--json'], rs)));
  assert.equal(r.experiment, 'hpSearchRandomVsGrid');
  assert.deepEqual([r.options.trials, r.options.seed, r.options.repeats], [16, 2, 20]);
  assert.deepEqual(r.methods.map((m: H.SearchRun) => m.distinctImportant), [4, 16]);
  assert.match(await runRandomVsGrid(parseArgs('random-vs-grid', ['--trials=9', '--repeats=10'], rs)), /Grid vs random search, 9 trials each \(seed 0\)/);
  assert.throws(() => parseArgs('random-vs-grid', ['--trials', 'many'], rs), /random-vs-grid: --trials must be/);
  const bad = await cliInProcess(['random-vs-grid', '--trials', '10']);
  assert.equal(bad.status, 2);
  assert.match(bad.stderr, /--trials must be a perfect square/);
  const cs = CROSS_VALIDATE_COMMAND.spec;
  const c = JSON.parse(await runCrossValidate(parseArgs('cross-validate', ['--folds', '3', '--pool-size', '60', '--batch-size', '20', '--splits', '1', '--shuffles', '1', '--epochs', '1', '--test-size', '0', '--json'], cs)));
  assert.equal(c.experiment, 'hpSearchCrossValidation');
  assert.deepEqual([c.options.folds, c.options.poolSize, c.options.batchSize, c.options.testSize, c.data.foldSizes], [3, 60, 20, 0, [20, 20, 20]]);
  assert.equal(c.settings[0].test, null);
  assert.match(await runCrossValidate(parseArgs('cross-validate', ['--folds=3', '--pool-size=60', '--batch-size=20', '--splits=2', '--shuffles=1', '--epochs=1', '--test-size=0'], cs)),
    /3-fold over 1 cut, mean ± std[^\n]*\n[^\n]*\n[^\n]*\(one cut\)/);
  assert.throws(() => parseArgs('cross-validate', ['--folds', '1'], cs), /cross-validate: --folds must be an integer in \[2, 50\]/);
  assert.deepEqual(Object.keys(HP_SEARCH_LESSON.commands).filter((n) => n === 'random-vs-grid' || n === 'cross-validate'), ['random-vs-grid', 'cross-validate']);
  assert.ok('randomVsGrid' in HP_SEARCH_LESSON.experiments && 'crossValidation' in HP_SEARCH_LESSON.experiments);
});
