/**
 * Homework 02 (data preprocessing): the references of its checks against NumPy, the provided
 * eigen-solver `nn.preprocessing.eigh`, the cases' data (every known mistake is told apart from
 * the right answer and from every other mistake, in every case, so each hint is earned), and what
 * the checks accept that is right but written otherwise. The instructor's solutions and the
 * mistakes' hints and scores are in homework.test.ts (in-process) and grade.test.ts (Jupyter).
 */
import { before, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'child_process';
import * as path from 'path';
import * as tf from '@tensorflow/tfjs';
import * as nn from '../src/index';
import { runCheck } from '../src/homework';
import { relError } from '../src/core/stats';
import { mulberry32, randomNormal } from '../src/core/rng';
import {
  channelStats64, makeImages, NORMALIZE_TOL, preprocess64, SPLIT_DESIGNS, STATS_DESIGNS, StatsVariant, STATS_HINTS,
} from '../src/lessons/preprocessing/homework';
import {
  covariance, eigh, WHITEN_COV_TOL, WHITEN_DESIGNS, WHITEN_HINTS, WHITEN_LINEAR_TOL, WHITEN_MEAN_TOL, whiten64, whitenData, WhitenVariant, whitenStats,
} from '../src/lessons/preprocessing/homeworkWhiten';
import { compile, RIGHT } from './fixtures/homework/solutions';

before(async () => { await nn.useDevice('cpu', { print: false }); });

interface NumpyOut { stats: { mean: number[]; std: number[] }[]; whiten: number[][]; eigh: { values: number[]; vectors: number[][] }[] }
function numpy(job: object): NumpyOut {
  const script = path.resolve(__dirname, '..', '..', 'test', 'numpy', 'hw02_preprocessing.py');
  const out = spawnSync('/usr/bin/python3', [script, JSON.stringify(job)], { encoding: 'utf8', maxBuffer: 1 << 26 });
  assert.equal(out.status, 0, out.stderr);
  return JSON.parse(out.stdout) as NumpyOut;
}
const flat = (rows: number[][]) => rows.flat();

test('eigh(C) gives NumPy\'s eigenpairs (descending, largest component positive) to 1e-12, and C·U = U·diag(λ), UᵀU = I', () => {
  const rand = mulberry32(5);
  const matrices: number[][][] = [[[2, 1], [1, 2]], [[4, 1, 0], [1, 3, 0], [0, 0, 1]], [[1, 0], [0, 1]], [[5]]];
  for (const D of [2, 3, 5, 8]) {
    const r = Array.from({ length: D }, () => Array.from({ length: D }, () => randomNormal(rand)));
    matrices.push(r.map((row, i) => row.map((_, j) => r[i].reduce((s, __, k) => s + r[i][k] * r[j][k], 0)))); // R·Rᵀ
  }
  const np = numpy({ symmetric: matrices });
  matrices.forEach((C, m) => {
    const { values, vectors } = eigh(C);
    const D = C.length;
    assert.ok(relError(values, np.eigh[m].values) < 1e-12, `values of matrix ${m}`);
    if (m !== 2) assert.ok(relError(flat(vectors), flat(np.eigh[m].vectors)) < 1e-12, `vectors of matrix ${m}`); // I has no unique eigenvectors
    for (let i = 0; i < D; i++) {
      for (let j = 0; j < D; j++) {
        const cu = C[i].reduce((s, _, k) => s + C[i][k] * vectors[k][j], 0);
        assert.ok(Math.abs(cu - vectors[i][j] * values[j]) < 1e-12 * Math.max(1, Math.abs(values[0])));
        const utu = vectors.reduce((s, row) => s + row[i] * row[j], 0);
        assert.ok(Math.abs(utu - (i === j ? 1 : 0)) < 1e-12);
      }
    }
  });
});

test('eigh([[2, 1], [1, 2]]) is the doc comment\'s example: values [3, 1], columns (1, 1)/√2 and (1, −1)/√2 (a tie: the first component positive)', () => {
  const { values, vectors } = eigh([[2, 1], [1, 2]]);
  const h = Math.SQRT1_2;
  assert.ok(relError(values, [3, 1]) < 1e-15);
  assert.ok(relError(flat(vectors), [h, h, h, -h]) < 1e-15);
  assert.deepEqual(nn.preprocessing.eigh([[2, 1], [1, 2]]), { values, vectors });
});

test('eigh rejects what is not a symmetric matrix of finite numbers, naming C and the value', () => {
  assert.throws(() => eigh([[1, 2]] as number[][]), /^ArgumentError: C must be a square D×D array of finite numbers \(number\[\]\[\], 1 <= D <= 64; read a tensor with \.arraySync\(\)\), got \[\[1, 2\]\]/);
  assert.throws(() => eigh([[1, NaN], [NaN, 1]]), /C must be a square D×D array of finite numbers/);
  assert.throws(() => eigh(tf.eye(2) as unknown as number[][]), /C must be a square D×D array/);
  assert.throws(() => eigh([[1, 2], [3, 1]]), /^ArgumentError: C must be symmetric: C\[1\]\[0\] = 3 but C\[0\]\[1\] = 2/);
  assert.doesNotThrow(() => eigh([[1, 2], [2 + 1e-7, 1]]), 'float32 rounding of a computed covariance is tolerated');
});

test('the check\'s channel statistics equal np.mean and np.std over axes (0, 1, 2), and its whitening equals NumPy\'s, to 1e-12', () => {
  const designs = [...SPLIT_DESIGNS.flatMap((d) => [d.train, d.test])];
  const images = designs.map(makeImages);
  const mats = WHITEN_DESIGNS.map(whitenData);
  const np = numpy({
    images: images.map((im) => ({ shape: [im.N, im.H, im.W, im.C], x: Array.from(im.x) })),
    matrices: mats.map((m) => ({ N: m.N, D: m.D, X: Array.from(m.X) })),
  });
  images.forEach((im, i) => {
    const s = channelStats64([im]);
    assert.ok(relError([...s.mean, ...s.std], [...np.stats[i].mean, ...np.stats[i].std]) < 1e-12);
  });
  mats.forEach((m, i) => assert.ok(relError(whiten64(m), np.whiten[i]) < 1e-10, WHITEN_DESIGNS[i].name));
});

test('whiten64 of every case has mean 0, covariance I and no linear-fit residual (float64: below 1e-12)', () => {
  for (const d of WHITEN_DESIGNS) {
    const m = whitenData(d);
    const s = whitenStats(m, whiten64(m));
    assert.ok(s.mean < 1e-12 && s.cov < 1e-12 && s.residual < 1e-12, `${d.name}: ${JSON.stringify(s)}`);
    const { values } = eigh(covariance(m.X, m.N, m.D, new Array(m.D).fill(0).map((_, j) => m.X.filter((__, i) => i % m.D === j).reduce((a, v) => a + v, 0) / m.N)));
    assert.ok(values[m.D - 1] > 0.09, `${d.name}: smallest eigenvalue ${values[m.D - 1]} (the tolerances assume >= 0.09)`);
  }
});

test('every whitening mistake fails every case\'s thresholds and is told apart from every other mistake (relative error > 1e-2)', () => {
  const variants = Object.keys(WHITEN_HINTS) as Exclude<WhitenVariant, 'right'>[];
  for (const d of WHITEN_DESIGNS) {
    const m = whitenData(d);
    const outs = variants.map((v) => whiten64(m, v));
    outs.forEach((y, i) => {
      const s = whitenStats(m, y);
      assert.ok(s.mean > WHITEN_MEAN_TOL || s.cov > WHITEN_COV_TOL || s.residual > WHITEN_LINEAR_TOL, `${d.name}: ${variants[i]} passes`);
      for (let j = 0; j < i; j++) assert.ok(relError(y, outs[j]) > 1e-2, `${d.name}: ${variants[i]} vs ${variants[j]}`);
    });
  }
});

test('every normalisation mistake is off by more than the tolerance in every case, and told apart from every other', () => {
  const variants = ['allData', 'testOwn', 'testRaw', 'variance', 'uncentred', 'unbiased', 'pooled', 'imageStds', 'perImage', 'perPixel', 'noScale'] as const;
  for (const d of SPLIT_DESIGNS) {
    const [train, test] = [makeImages(d.train), makeImages(d.test)];
    const right = preprocess64(train, test);
    const outs = variants.map((v) => preprocess64(train, test, v));
    outs.forEach((y, i) => {
      if (d.train.means.length === 1 && variants[i] === 'pooled') return; // one channel: pooled is right
      assert.ok(relError(y, right) > 10 * NORMALIZE_TOL, `${d.name}: ${variants[i]} is ${relError(y, right)} from right`);
      for (let j = 0; j < i; j++) {
        if (d.train.means.length === 1 && variants[j] === 'pooled') continue;
        assert.ok(relError(y, outs[j]) > 10 * NORMALIZE_TOL, `${d.name}: ${variants[i]} vs ${variants[j]}`);
      }
    });
  }
  // the statistics mistakes of exercise 1, on each of its cases
  const statsVariants = Object.keys(STATS_HINTS) as Exclude<StatsVariant, 'right'>[];
  for (const d of STATS_DESIGNS) {
    const im = makeImages(d);
    const both = (s: { mean: number[]; std: number[] }) => [...s.mean, ...s.std];
    const right = both(channelStats64([im]));
    // one channel: pooled statistics are right; one image: the mean of per-image stds is the std
    const live = statsVariants.filter((v) => !(v === 'pooled' && im.C === 1) && !(v === 'imageStds' && im.N === 1));
    const outs = live.map((v) => both(channelStats64([im], v)));
    outs.forEach((y, i) => {
      assert.ok(relError(y, right) > 2.5 * NORMALIZE_TOL, `${d.name}: ${live[i]} is ${relError(y, right)} from right`);
      for (let j = 0; j < i; j++) assert.ok(relError(y, outs[j]) > 2.5 * NORMALIZE_TOL, `${d.name}: ${live[i]} vs ${live[j]}`);
    });
  }
});

test('the checks accept what is right but written otherwise: stats as plain arrays, the variance as E[x²] − μ², ZCA whitening, ε = 1e-5 added to λ', async () => {
  const arrays = (images: tf.Tensor4D) => tf.tidy(() => {
    const { mean, variance } = tf.moments(images, [0, 1, 2]);
    return { mean: Array.from(mean.dataSync()), std: Array.from(variance.sqrt().dataSync()) };
  });
  assert.equal((await runCheck('fitChannelStats', arrays)).passed, true);
  const raw = (images: tf.Tensor4D) => tf.tidy(() => {
    const mean = images.mean([0, 1, 2]);
    return { mean, std: images.square().mean([0, 1, 2]).sub(mean.square()).sqrt() };
  });
  const r = await runCheck('fitChannelStats', raw);
  assert.equal(r.passed, true, r.cases.map((c) => c.message).join('; '));
  const zca = compile(RIGHT.whiten.replace('return tf.matMul(Xc, U).div(tf.sqrt(tf.tensor1d(values)));',
    'return tf.matMul(tf.matMul(Xc, U).div(tf.sqrt(tf.tensor1d(values))), U, false, true);'), 'whiten');
  const eps = compile(RIGHT.whiten.replace('tf.sqrt(tf.tensor1d(values))', 'tf.sqrt(tf.tensor1d(values).add(1e-5))'), 'whiten');
  for (const [name, fn] of [['ZCA', zca], ['epsilon', eps]] as const) {
    const w = await runCheck('whiten', fn);
    assert.equal(w.passed, true, `${name}: ${w.cases.map((c) => c.message).join('; ')}`);
  }
});

test('a whitening that is not computed from X (fresh white noise) fails on the linear-fit residual, with its hint', async () => {
  const noise = (X: tf.Tensor2D) => tf.tidy(() => {
    const Z = tf.randomNormal(X.shape, 0, 1, 'float32', 7) as tf.Tensor2D;
    return compile(RIGHT.whiten, 'whiten')(Z) as tf.Tensor2D;
  });
  const r = await runCheck('whiten', noise);
  assert.equal(r.score, 0);
  assert.match(r.cases[0].message, /largest \|mean\| [\d.e-]+ \(<= 0\.0001\), largest \|cov − I\| [\d.e-]+ \(<= 0\.0005\), residual of a linear fit on X [\d.]+ \(<= 0\.0001\): not white/);
  assert.match(r.hints.join('\n'), /computed from X by a linear map/);
});

test('fitChannelStats returning no object, or std of the wrong length, fails with the message; preprocess returning one tensor too', async () => {
  let r = await runCheck('fitChannelStats', (x: tf.Tensor4D) => tf.moments(x, [0, 1, 2]).mean);
  assert.match(r.cases[0].message, /fitChannelStats\(images \[10, 4, 4, 3\]\) must return \{mean, std\}, got a tensor/);
  r = await runCheck('fitChannelStats', (x: tf.Tensor4D) => ({ mean: [0, 0, 0], std: [1, 1] }));
  assert.match(r.cases[0].message, /fitChannelStats\(images \[10, 4, 4, 3\]\)\.std has 2 numbers, expected 3 \(one per channel\)/);
  r = await runCheck('preprocess', (s: { train: tf.Tensor4D }) => s.train.clone());
  assert.match(r.cases[0].message, /preprocess\(\{train \[12, 4, 4, 3\], test \[6, 4, 4, 3\]\}\) must return \{train, test\}, got a tensor/);
  assert.equal(r.leaked, 0);
});

test('hw02\'s checks are deterministic: two runs of each on the instructor\'s solutions give the same cases, to the last digit', async () => {
  const fit = compile(RIGHT.fitChannelStats, 'fitChannelStats');
  const norm = compile(RIGHT.normalize, 'normalize');
  const fns: Record<string, unknown> = {
    fitChannelStats: fit, normalize: norm, whiten: compile(RIGHT.whiten, 'whiten'),
    preprocess: compile(RIGHT.preprocess, 'preprocess', { fitChannelStats: fit, normalize: norm }),
  };
  for (const [name, fn] of Object.entries(fns)) {
    const [a, b] = [await runCheck(name, fn), await runCheck(name, fn)];
    assert.deepEqual(a.cases, b.cases, name);
    assert.equal(a.score, a.points, name);
  }
});
