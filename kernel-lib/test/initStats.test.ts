/**
 * Lesson 03, weight initialization: the normal sampler, histograms, the initializers, the dense
 * layer's backward pass, the activation-statistics experiment, its grid and the training
 * comparison; then the cross-checks against NumPy (/usr/bin/python3): once on exactly our draws
 * (equal up to float32 rounding), once with NumPy's own draws (equal within sampling noise).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-wasm';
import { countTensors } from '../src/core/leaks';
import { fillNormal, normalArray, scaleInPlace } from '../src/core/normal';
import { binOf, histogram, histogramEdges, moments } from '../src/core/stats';
import { fanIn, fanOut, he, initStd, initValues, INITS, xavier, zeros } from '../src/nets/init';
import { ACTIVATIONS, denseBackward, denseForward, matMulAT, matMulBT, productMoments } from '../src/nets/layers';
import { ProgressEvent } from '../src/core/progress';
import { resolveStatsOptions, SETUP_A, stats, statsInputs, StatsRecord } from '../src/lessons/weight-init/stats';
import { grid } from '../src/lessons/weight-init/grid';
import { stdFactorPerLayer, verdict } from '../src/lessons/weight-init/math';
import { resolveTrainingOptions, training, TRAINING_QUICK } from '../src/lessons/weight-init/training';
import { applyUpdate, sgdMomentum } from '../src/nets/optim';
import {
  autoScale, gradientsComparisonFigure, gradientsFigure, gridFigure, histogramsFigure, statsFigure, statsRows, summaryRows, trainingFigure,
  trainingRows,
} from '../src/lessons/weight-init/figures';
import * as weightInit from '../src/lessons/weight-init';
import { relError, withoutMeta } from './helpers';

const PYTHON = '/usr/bin/python3';
const NUMPY_SCRIPT = path.resolve(__dirname, '..', '..', 'test', 'numpy', 'init_stats.py');
/** A small net for fast tests: 200 x 100 input, 4 layers of 100. */
const SMALL = { batchSize: 200, depth: 4, width: 100 } as const;

test.before(async () => {
  await tf.setBackend('wasm');
  await tf.ready();
});


/** Φ(x), the standard normal CDF (Abramowitz & Stegun 7.1.26, |error| < 1.5e-7). */
function normalCdf(x: number): number {
  const z = Math.abs(x) / Math.SQRT2;
  const t = 1 / (1 + 0.3275911 * z);
  const erf = 1 - ((((1.061405429 * t - 1.453152027) * t + 1.421413741) * t - 0.284496736) * t + 0.254829592) * t * Math.exp(-z * z);
  return x >= 0 ? (1 + erf) / 2 : (1 - erf) / 2;
}

// ---------------------------------------------------------------- the normal sampler

test('normalArray(1e6, seed) has mean 0, variance 1 and kurtosis 3 within 4 standard errors', () => {
  const n = 1_000_000;
  const z = normalArray(n, 12345);
  let s1 = 0, s2 = 0, s4 = 0;
  for (const v of z) { s1 += v; s2 += v * v; s4 += v ** 4; }
  const mean = s1 / n, variance = s2 / n, m4 = s4 / n;
  // SE of the mean 1/sqrt(n); of E[z²] sqrt(2/n); of E[z⁴] sqrt((105 - 9)/n)
  assert.ok(Math.abs(mean) < 4 / Math.sqrt(n), `mean ${mean}`);
  assert.ok(Math.abs(variance - 1) < 4 * Math.sqrt(2 / n), `variance ${variance}`);
  assert.ok(Math.abs(m4 - 3) < 4 * Math.sqrt(96 / n), `fourth moment ${m4}`);
});

test('normalArray follows Φ: Kolmogorov distance below the 1 % critical value 1.63/sqrt(n), tails included', () => {
  const n = 200_000;
  const z = Array.from(normalArray(n, 7)).sort((a, b) => a - b);
  let d = 0;
  for (let i = 0; i < n; i++) {
    const F = normalCdf(z[i]);
    d = Math.max(d, Math.abs(F - i / n), Math.abs(F - (i + 1) / n));
  }
  assert.ok(d < 1.63 / Math.sqrt(n), `Kolmogorov distance ${d}`);
  // the tail beyond the ziggurat's base strip (R = 3.4426) comes from its own branch: P = 2(1 - Φ(R))
  const p = 2 * (1 - normalCdf(3.442619855899));
  const tail = z.filter((v) => Math.abs(v) > 3.442619855899).length / n;
  assert.ok(Math.abs(tail - p) < 4 * Math.sqrt(p * (1 - p) / n), `tail fraction ${tail}, expected ${p}`);
});

test('normalArray(n, seed, std) is the seed\'s standard draws times std, bit for bit, and seed 0 is a seed', () => {
  assert.deepEqual(normalArray(1000, 3, 0.01), scaleInPlace(normalArray(1000, 3), 0.01));
  assert.deepEqual(normalArray(1000, 0), normalArray(1000, 0));
  assert.notDeepEqual(normalArray(1000, 0), normalArray(1000, 1));
  assert.deepEqual(fillNormal(new Float32Array(10), 5), normalArray(10, 5));
  // the same rounding as a float32 product on the device: tf.mul(z, std) gives the same numbers
  const scaled = tf.tidy(() => tf.mul(tf.tensor1d(normalArray(1000, 3)), 0.0447).dataSync());
  assert.deepEqual(scaled, normalArray(1000, 3, 0.0447));
});

test('normalArray and fillNormal reject bad arguments with the argument\'s name', () => {
  assert.throws(() => normalArray(-1, 1), /size must be an integer >= 0, got -1/);
  assert.throws(() => normalArray(10, -2), /seed must be an integer in \[0, 2\^53 - 1\], got -2/);
  assert.throws(() => normalArray(10, 1, -1), /std must be a finite number >= 0, got -1/);
  assert.throws(() => fillNormal(new Float64Array(3) as unknown as Float32Array, 1), /out must be a Float32Array/);
});

// ---------------------------------------------------------------- histograms and moments

test('histogram uses numpy\'s bins: [lo, hi) except the last, [lo, hi]; values outside are not counted', () => {
  const h = histogram([-1, -0.5, 0, 0.5, 1, 1.5, -2, NaN], { bins: 2, range: [-1, 1] });
  assert.deepEqual(h, { edges: [-1, 0, 1], counts: [2, 3] });
  assert.deepEqual(histogramEdges(30, [-1, 1]).length, 31);
  assert.equal(histogramEdges(30, [-1, 1])[30], 1);
  const edges = histogramEdges(3, [0, 0.3]);
  assert.equal(binOf(edges[1], edges, 3 / 0.3), 1, 'a value on an inner edge goes to the bin on its right');
  assert.throws(() => histogram([1], { bins: 0 }), /bins must be an integer in \[1, 1000000\], got 0/);
  assert.throws(() => histogram([1], { range: [1, -1] }), /range must be a pair \[lo, hi\] with lo < hi, got \[1, -1\]/);
});

test('moments(values) is the population mean and std in float64, exact for values near 0.5 that differ by 1e-9', () => {
  const values = Array.from({ length: 1000 }, (_, i) => 0.5 + (i % 2 === 0 ? 1e-9 : -1e-9));
  const m = moments(values);
  assert.ok(Math.abs(m.mean - 0.5) < 1e-15);
  assert.ok(Math.abs(m.std - 1e-9) < 1e-15, `std ${m.std}`);
});

// ---------------------------------------------------------------- initializers

test('fanIn and fanOut: [fanIn, fanOut] for dense kernels, filterH · filterW · channels for conv kernels', () => {
  assert.deepEqual([fanIn([500, 300]), fanOut([500, 300])], [500, 300]);
  assert.deepEqual([fanIn([3, 3, 16, 32]), fanOut([3, 3, 16, 32])], [3 * 3 * 16, 3 * 3 * 32]);
  assert.throws(() => fanIn([3, 3, 16]), /shape must be a kernel shape \[fanIn, fanOut\] or \[filterH, filterW, inChannels, outChannels\], got \[3, 3, 16\]/);
  assert.throws(() => fanIn([0, 3]), /shape\[0\] must be an integer >= 1, got 0/);
});

test('initStd evaluates the lecture\'s formulas: 0, 0.01, 1.0, 1/sqrt(fanIn), sqrt(2/(fanIn+fanOut)), sqrt(2/fanIn)', () => {
  const shape = [500, 300];
  assert.equal(initStd('zeros', shape), 0);
  assert.equal(initStd('small', shape), 0.01);
  assert.equal(initStd('small', shape, 0.05), 0.05);
  assert.equal(initStd('large', shape), 1.0);
  assert.equal(initStd('xavier', shape), 1 / Math.sqrt(500));
  assert.equal(initStd('glorot', shape), Math.sqrt(2 / 800));
  assert.equal(initStd('he', shape), Math.sqrt(2 / 500));
  assert.equal(initStd('he', [3, 3, 16, 32]), Math.sqrt(2 / 144));
  assert.throws(() => initStd('he', shape, 0.1), /scale must be undefined for init "he" \(only "small" and "large" take a scale\), got 0\.1/);
  assert.throws(() => initStd('kaiming' as 'he', shape), /init must be one of "zeros", "small", "large", "xavier", "glorot", "he", got "kaiming"/);
});

test('every init draws weights whose std is its formula within 4 standard errors (SE = std / sqrt(2n))', () => {
  const shape = [400, 250];
  const n = 400 * 250;
  for (const init of INITS) {
    const expected = initStd(init, shape);
    const { mean, std } = moments(initValues(init, shape, 99));
    if (expected === 0) { assert.deepEqual([mean, std], [0, 0]); continue; }
    assert.ok(Math.abs(mean) < 4 * expected / Math.sqrt(n), `${init}: mean ${mean}`);
    assert.ok(Math.abs(std - expected) < 4 * expected / Math.sqrt(2 * n), `${init}: std ${std}, expected ${expected}`);
  }
});

test('he(shape, seed) has the He std while tf.initializers.heNormal is truncated at 2σ: ~0.88x (tfjs trap 1)', async () => {
  const shape: [number, number] = [500, 500];
  const ours = he(shape, 5);
  const theirs = tf.initializers.heNormal({ seed: 5 }).apply(shape) as tf.Tensor;
  const target = Math.sqrt(2 / 500);
  const oursStd = moments(await ours.data()).std;
  const theirsStd = moments(await theirs.data()).std;
  // truncated at ±2σ without rescaling: std = σ · sqrt(1 - 4φ(2)/(2Φ(2) - 1)) = 0.8796σ
  assert.ok(Math.abs(oursStd / target - 1) < 0.01, `ours ${oursStd / target}`);
  assert.ok(Math.abs(theirsStd / target - 0.8796) < 0.01, `tf's ${theirsStd / target}`);
  const z = await zeros([3, 4]).data();
  assert.deepEqual(Array.from(z), new Array(12).fill(0));
  assert.deepEqual(await xavier([20, 30], 8).data(), initValues('xavier', [20, 30], 8));
  tf.dispose([ours, theirs]);
});

// ---------------------------------------------------------------- the dense layer

test('denseForward/denseBackward give tf.grads\'s gradients for every activation (rel error < 1e-5, float32)', () => {
  const x = tf.randomNormal([30, 20], 0, 1, 'float32', 1) as tf.Tensor2D;
  const W1 = tf.randomNormal([20, 15], 0, 0.3, 'float32', 2) as tf.Tensor2D;
  const W2 = tf.randomNormal([15, 10], 0, 0.3, 'float32', 3) as tf.Tensor2D;
  const G = tf.randomNormal([30, 10], 0, 1, 'float32', 4) as tf.Tensor2D;
  for (const activation of ACTIVATIONS) {
    const ours = tf.tidy(() => {
      const l1 = denseForward(x, W1, activation);
      const l2 = denseForward(l1.out, W2, activation);
      const b2 = denseBackward(G, l2.cache);
      const b1 = denseBackward(b2.dx, l1.cache);
      return [b1.dx, b1.dW, b2.dW].map((t) => t.dataSync());
    });
    const theirs = tf.tidy(() => {
      const f = (a: tf.Tensor, w1: tf.Tensor, w2: tf.Tensor) => {
        const act = (z: tf.Tensor) => ({ tanh: tf.tanh, relu: tf.relu, sigmoid: tf.sigmoid, elu: tf.elu, selu: tf.selu,
          leakyRelu: (t: tf.Tensor) => tf.leakyRelu(t, 0.01) })[activation](z);
        return tf.sum(tf.mul(G, act(tf.matMul(act(tf.matMul(a, w1)), w2))));
      };
      return tf.grads(f)([x, W1, W2]).map((t) => t.dataSync());
    });
    // float32 sums of ~20 terms: |error| ~ 20 · 6e-8 relative, well under 1e-5
    for (let k = 0; k < 3; k++) assert.ok(relError(ours[k], theirs[k]) < 1e-5, `${activation} gradient ${k}: ${relError(ours[k], theirs[k])}`);
  }
  tf.dispose([x, W1, W2, G]);
});

test('matMulAT and matMulBT equal the transposed products on both of matMulBT\'s routes', () => {
  const a = tf.randomNormal([6, 40], 0, 1, 'float32', 1) as tf.Tensor2D;
  const b = tf.randomNormal([50, 40], 0, 1, 'float32', 2) as tf.Tensor2D; // p·q = 2000 > n(q+p) = 540: (b·aᵀ)ᵀ
  const c = tf.randomNormal([3, 40], 0, 1, 'float32', 3) as tf.Tensor2D; // p·q = 120 < 6 · 43: a · transpose(c)
  const x = tf.randomNormal([6, 7], 0, 1, 'float32', 4) as tf.Tensor2D;
  const pairs = tf.tidy(() => [
    [matMulBT(a, b), tf.matMul(a, b, false, true)],
    [matMulBT(a, c), tf.matMul(a, c, false, true)],
    [matMulAT(a, x), tf.matMul(a, x, true, false)],
  ].map(([u, v]) => [u.dataSync(), v.dataSync()]));
  for (const [u, v] of pairs) assert.ok(relError(u, v) < 1e-6);
  tf.dispose([a, b, c, x]);
});

test('productMoments(a, b) is the mean and std of aᵀ·b\'s entries on both routes (Gram identity and direct)', async () => {
  const a = tf.randomNormal([12, 70], 0, 1, 'float32', 5) as tf.Tensor2D;
  const b = tf.add(tf.randomNormal([12, 90], 0, 1, 'float32', 6), 0.3) as tf.Tensor2D;
  const product = tf.tidy(() => tf.matMul(a, b, true, false).dataSync());
  const reference = moments(product); // float64 over the 70 x 90 entries
  for (const route of ['gram', 'direct'] as const) {
    const m = await productMoments(a, b, route);
    // float32 Grams and sums of 12-70 terms: relative error ~1e-6
    assert.ok(Math.abs(m.mean - reference.mean) < 1e-5 * reference.std, `${route} mean ${m.mean} vs ${reference.mean}`);
    assert.ok(Math.abs(m.std / reference.std - 1) < 1e-5, `${route} std ${m.std} vs ${reference.std}`);
  }
  tf.dispose([a, b]);
});

// ---------------------------------------------------------------- the experiment

test('weightInit.stats with one seed twice gives deep-equal records once meta (the timing) is set aside', async () => {
  const a = await stats({ ...SMALL, init: 'he', activation: 'relu', seed: 3 });
  const b = await stats({ ...SMALL, init: 'he', activation: 'relu', seed: 3 });
  assert.deepEqual(withoutMeta(a), withoutMeta(b));
  assert.equal(typeof a.meta.ms, 'number');
  const c = await stats({ ...SMALL, init: 'he', activation: 'relu', seed: 4 });
  assert.notDeepEqual(withoutMeta(a).layers, withoutMeta(c).layers);
});

test('weightInit.stats returns plain JSON with its resolved options, backend and versions', async () => {
  const r = await stats({ ...SMALL, init: 'small', activation: 'tanh' });
  assert.deepEqual(JSON.parse(JSON.stringify(r)), r);
  assert.deepEqual(r.options, { batchSize: 200, inputWidth: 100, widths: [100, 100, 100, 100], init: 'small', activation: 'tanh',
    scale: 0.01, bins: 30, range: [-1, 1], seed: 0, gradients: true });
  assert.deepEqual([r.experiment, r.init, r.activation, r.backend, r.versions.tfjs, r.saturation], ['initStats', 'small', 'tanh', 'wasm', '4.22.0', '|a| > 0.99']);
  assert.deepEqual(r.layers.map((l) => l.layer), [1, 2, 3, 4]);
  assert.deepEqual(r.gradients!.map((g) => g.layer), [1, 2, 3, 4]);
  for (const l of r.layers) {
    assert.equal(l.histogram.edges.length, 31);
    assert.ok(l.histogram.counts.reduce((s, c) => s + c, 0) <= 200 * 100);
    assert.equal(l.weightStd, 0.01);
  }
  assert.ok(Math.abs(r.input.std - 1) < 4 / Math.sqrt(2 * 200 * 100), `input std ${r.input.std}`);
  assert.deepEqual(resolveStatsOptions({ init: undefined, seed: undefined }), resolveStatsOptions({}), 'undefined means left out');
  const noGrad = await stats({ ...SMALL, init: 'small', activation: 'tanh', gradients: false });
  assert.equal(noGrad.gradients, null);
  assert.deepEqual(noGrad.layers, r.layers, 'the backward pass does not change the forward statistics');
});

test('weightInit.stats leaks no tensors, with and without gradients, and when a layer overflows', async () => {
  for (const gradients of [true, false]) {
    const report = await countTensors(() => stats({ ...SMALL, init: 'xavier', activation: 'tanh', gradients }));
    assert.equal(report.leaked, 0, `gradients ${gradients}`);
  }
  const report = await countTensors(async () => {
    await assert.rejects(stats({ batchSize: 10, depth: 40, width: 400, init: 'large', activation: 'relu' }),
      /initStats: layer \d+ activations overflowed float32 \(\d+ values are inf or NaN\) with init "large" and relu: use fewer layers or a smaller scale/);
  });
  assert.equal(report.leaked, 0);
});

test('stdFactorPerLayer(record) is (std_L / std_1)^(1/(L-1)), the verdict\'s measure of vanishing and exploding', () => {
  const record = (stds: number[]) => ({ layers: stds.map((std, i) => ({ layer: i + 1, std })) }) as unknown as StatsRecord;
  assert.equal(stdFactorPerLayer(record([1, 0.5, 0.25])), 0.5);
  assert.ok(Math.abs(stdFactorPerLayer(record([0.2, 0.3, 0.45, 0.675])) - 1.5) < 1e-12);
  assert.deepEqual([stdFactorPerLayer(record([0.7])), stdFactorPerLayer(record([0, 0]))], [1, 1]);
});

test('weightInit.stats shows the lecture\'s phenomena on setup A', async () => {
  const run = (init: 'small' | 'large' | 'xavier' | 'he' | 'zeros', activation: 'tanh' | 'relu') => stats({ ...SETUP_A, init, activation, seed: 1 });
  const small = await run('small', 'tanh');
  const first = small.layers[0].std;
  const last = small.layers[9].std;
  // each layer multiplies the std by about sqrt(500) · 0.01 = 0.22: 0.22^9 ≈ 1e-6
  assert.ok(last / first < 1e-5, `small: last/first ${last / first}`);
  assert.equal(verdict(small), 'vanishes');
  const large = await run('large', 'tanh');
  assert.ok(large.layers.every((l) => l.saturated > 0.85), 'large: most tanh units saturated in every layer');
  assert.equal(verdict(large), 'saturates');
  const xt = await run('xavier', 'tanh');
  assert.equal(verdict(xt), 'healthy');
  assert.equal(verdict(await run('xavier', 'relu')), 'vanishes');
  const hr = await run('he', 'relu');
  assert.equal(verdict(hr), 'healthy');
  // He + ReLU, layer 1: z ~ N(0, 2) given a unit-norm-ish input row, relu(z) has mean 1/sqrt(π) and
  // std sqrt(1 - 1/π); SE of the layer mean ≈ 0.002 (the column norms of W vary by sqrt(2/500))
  assert.ok(Math.abs(hr.layers[0].mean - 1 / Math.sqrt(Math.PI)) < 4 * 0.002, `he mean ${hr.layers[0].mean}`);
  assert.ok(Math.abs(hr.layers[0].std - Math.sqrt(1 - 1 / Math.PI)) < 4 * 0.002, `he std ${hr.layers[0].std}`);
  assert.ok(hr.layers.every((l) => l.std > 0.6 && l.std < 1.1), `he std band: ${hr.layers.map((l) => l.std)}`);
  const z = await run('zeros', 'tanh');
  assert.ok(z.layers.every((l) => l.std === 0 && l.mean === 0));
  assert.ok(z.gradients!.every((g) => g.std === 0), 'W = 0: every weight gradient is 0');
  assert.equal(verdict(z), 'symmetric');
});

test('weightInit.stats rejects bad options with an error that names the option, the value and what is allowed', async () => {
  const cases: [object, RegExp][] = [
    [{ batchSize: 0 }, /^ArgumentError: batchSize must be an integer in \[1, 1000000\], got 0$/],
    [{ depth: -1 }, /^ArgumentError: depth must be an integer in \[1, 1000\], got -1$/],
    [{ width: 0 }, /^ArgumentError: width must be an integer in \[1, 65536\], got 0$/],
    [{ widths: [10, 0] }, /^ArgumentError: widths\[1\] must be an integer in \[1, 65536\], got 0$/],
    [{ widths: [10], depth: 3 }, /^ArgumentError: widths must be left out when depth or width is given/],
    [{ inputWidth: 2.5 }, /^ArgumentError: inputWidth must be an integer in \[1, 65536\], got 2\.5$/],
    [{ init: 'kaiming' }, /^ArgumentError: init must be one of "zeros", "small", "large", "xavier", "glorot", "he", got "kaiming"$/],
    [{ activation: 'softmax' }, /^ArgumentError: activation must be one of "tanh", "relu", "leakyRelu", "sigmoid", "elu", "selu", got "softmax"$/],
    [{ bins: 0 }, /^ArgumentError: bins must be an integer in \[1, 10000\], got 0$/],
    [{ range: [1, -1] }, /^ArgumentError: range must be a pair \[lo, hi\] with lo < hi, got \[1, -1\]$/],
    [{ init: 'he', scale: 2 }, /^ArgumentError: scale must be left out for init "he"/],
    [{ init: 'small', scale: -1 }, /^ArgumentError: scale must be a finite number in \[0, 1000000\], got -1$/],
    [{ seed: -1 }, /^ArgumentError: seed must be an integer in \[0, 2\^53 - 1\], got -1$/],
    [{ seeed: 1 }, /^ArgumentError: weightInit\.stats\.seeed must be one of the known options.*\(did you mean "seed"\?\)/],
    [{ width: 100_000 }, /^ArgumentError: width must be an integer in \[1, 65536\], got 100000$/],
    [{ width: 20_000 }, /^ArgumentError: widths is too large: weightInit\.stats would hold about 15\.[0-9] GB at once \(10 layers of up to 20000 units/],
    [{ depth: 1e9 }, /^ArgumentError: depth must be an integer in \[1, 1000\], got 1000000000$/],
    [{ bins: 1e9 }, /^ArgumentError: bins must be an integer in \[1, 10000\], got 1000000000$/],
  ];
  for (const [options, message] of cases) {
    assert.throws(() => resolveStatsOptions(options), message, JSON.stringify(options));
    await assert.rejects(stats(options), message);
  }
});

test('statsInputs gives the draws behind a record: the first layer\'s h = tanh(X · W1) has the record\'s std', async () => {
  const options = { ...SMALL, init: 'xavier', activation: 'tanh', seed: 9 } as const;
  const { X, W, G } = statsInputs(options);
  assert.deepEqual([X.length, W.length, W[0].length, G.length], [200 * 100, 4, 100 * 100, 200 * 100]);
  const h = tf.tidy(() => tf.tanh(tf.matMul(tf.tensor2d(X, [200, 100]), tf.tensor2d(W[0], [100, 100]))).dataSync());
  const r = await stats(options);
  assert.ok(Math.abs(moments(h).std - r.layers[0].std) < 1e-12);
});

test('weightInit.grid runs every init x activation and each record equals the single run', async () => {
  const g = await grid({ ...SMALL, inits: ['small', 'xavier', 'he'], activations: ['tanh', 'relu'] });
  assert.deepEqual(g.records.map((r) => `${r.init}/${r.activation}`), ['small/tanh', 'small/relu', 'xavier/tanh', 'xavier/relu', 'he/tanh', 'he/relu']);
  const single = await stats({ ...SMALL, init: 'xavier', activation: 'relu' });
  assert.deepEqual(withoutMeta(g.records[3]), withoutMeta(single));
  await assert.rejects(grid({ inits: [] }), /^ArgumentError: inits must be an array of 1 to 6 of zeros, small, large, xavier, glorot, he, each once, got \[\]$/);
  await assert.rejects(grid({ activations: ['tanh', 'swish' as 'tanh'] }), /activations\[1\] must be one of/);
  const report = await countTensors(() => grid({ ...SMALL, inits: ['zeros', 'glorot'] }));
  assert.equal(report.leaked, 0);
});

// ---------------------------------------------------------------- training

test('weightInit.training: deterministic, no leaks, and W = 0 stays at the chance loss ln 3 while He learns', async () => {
  const options = { inits: ['zeros', 'he'], activation: 'relu', depth: 3, width: 16, epochs: 6, pointsPerClass: 40, lr: 0.05 } as const;
  const report = await countTensors(() => training(options));
  assert.equal(report.leaked, 0);
  const a = report.result;
  assert.deepEqual(withoutMeta(a), withoutMeta(await training(options)));
  assert.deepEqual(a.curves.map((c) => [c.init, c.loss.length, c.accuracy.length]), [['zeros', 7, 7], ['he', 7, 7]]);
  assert.equal(a.chanceLoss, Math.log(3));
  const [zeros, heCurve] = a.curves;
  assert.ok(zeros.loss.every((l) => Math.abs(l - Math.log(3)) < 0.01), `zeros: ${zeros.loss}`);
  assert.ok(heCurve.loss[6] < 0.9 * Math.log(3), `he: ${heCurve.loss}`);
  const seen: number[] = [];
  await training({ ...options, inits: ['he'], progress: ({ metrics }) => seen.push(metrics.epoch) });
  assert.deepEqual(seen, [0, 1, 2, 3, 4, 5, 6]);
});

test('weightInit.training({ activation: \'relu\', depth: 20, inits: [\'xavier\', \'he\'], epochs: 10 }): He learns, Xavier stays at chance (lesson 03\'s check)', async () => {
  // the notebook's deep ReLU section in quick mode, with its thresholds: He's best loss below
  // 0.75 ln 3, Xavier's above 0.9 ln 3 (seeds 0-7: He <= 0.60, Xavier >= 1.09 within 10 epochs)
  const r = await training({ inits: ['xavier', 'he'], activation: 'relu', depth: 20, epochs: 10, seed: 0 });
  const best = (i: number) => Math.min(...r.curves[i].loss.slice(1));
  assert.ok(best(1) < 0.75 * Math.log(3), `he: ${r.curves[1].loss}`);
  assert.ok(best(0) > 0.9 * Math.log(3), `xavier: ${r.curves[0].loss}`);
});

test('the training experiment steps with nets.sgdMomentum: v = momentum · v - lr · dθ, θ = θ + v, the updates of tf.train.momentum at constant lr', () => {
  const theta = tf.variable(tf.tensor1d([1, -2]), true, 'theta-test');
  const [state] = applyUpdate(sgdMomentum, [theta], { 'theta-test': tf.tensor1d([2, 4]) }, [{ v: tf.tensor1d([0.5, 0.25]) }], { lr: 0.1, momentum: 0.9 });
  // v = 0.9 · [0.5, 0.25] - 0.1 · [2, 4] = [0.25, -0.175]; θ = [1.25, -2.175]
  assert.ok(relError(state!.v.dataSync(), [0.25, -0.175]) < 1e-6);
  assert.ok(relError(theta.dataSync(), [1.25, -2.175]) < 1e-6);
  // three steps of tf.train.momentum on f(θ) = Σ θ², from v = 0, land on the same θ
  const ours = tf.variable(tf.tensor1d([1, -2]), true, 'ours-test');
  let ourV: ({ v: tf.Tensor } | null)[] = [null];
  const theirs = tf.variable(tf.tensor1d([1, -2]), true, 'theirs-test');
  const optimizer = tf.train.momentum(0.1, 0.9);
  for (let step = 0; step < 3; step++) {
    const grads = tf.variableGrads(() => tf.sum(tf.square(ours)) as tf.Scalar, [ours]).grads;
    ourV = applyUpdate(sgdMomentum, [ours], grads, ourV, { lr: 0.1, momentum: 0.9 });
    tf.dispose(Object.values(grads));
    optimizer.minimize(() => tf.sum(tf.square(theirs)) as tf.Scalar, false, [theirs]);
  }
  assert.ok(relError(ours.dataSync(), theirs.dataSync()) < 1e-6);
  tf.dispose([theta, state!.v, ours, ourV[0]!.v, theirs]);
  optimizer.dispose();
});

test('weightInit.training rejects bad options by name', () => {
  assert.throws(() => resolveTrainingOptions({ epochs: 0 }), /^ArgumentError: epochs must be an integer in \[1, 10000\], got 0$/);
  assert.throws(() => resolveTrainingOptions({ lr: 0 }), /^ArgumentError: lr must be a finite number/);
  assert.throws(() => resolveTrainingOptions({ inits: ['he', 'orthogonal' as 'he'] }), /inits\[1\] must be one of/);
  assert.throws(() => resolveTrainingOptions({ momentum: 1.5 }), /momentum must be a finite number in \[0, 1\], got 1\.5/);
});

// ---------------------------------------------------------------- progress and the namespace

/** Checks one experiment's progress events: the one shape, done rising by one to total, the phases seen. */
function assertProgress(events: ProgressEvent[], total: number, metricKeys: string[]): string[] {
  assert.equal(events.length, total, 'one event per unit of work');
  events.forEach((e, i) => {
    assert.deepEqual(Object.keys(e).sort(), ['done', 'metrics', 'phase', 'total']);
    assert.deepEqual([e.done, e.total, typeof e.phase], [i + 1, total, 'string']);
    assert.deepEqual(Object.keys(e.metrics).sort(), [...metricKeys].sort());
    for (const v of Object.values(e.metrics)) assert.equal(typeof v, 'number');
  });
  return [...new Set(events.map((e) => e.phase))];
}

test('weightInit.stats({ progress }) reports each layer of both passes as { done, total, phase, metrics } and never records progress', async () => {
  const events: ProgressEvent[] = [];
  const r = await stats({ ...SMALL, init: 'xavier', activation: 'tanh', progress: (e) => events.push(e) });
  assert.deepEqual(assertProgress(events, 8, ['layer', 'std']), ['forward', 'backward']);
  assert.deepEqual(events.map((e) => e.metrics.layer), [1, 2, 3, 4, 4, 3, 2, 1], 'forward first to last, backward last to first');
  assert.deepEqual(events.slice(0, 4).map((e) => e.metrics.std), r.layers.map((l) => l.std));
  assert.ok(!('progress' in r.options));
  assert.deepEqual(withoutMeta(r), withoutMeta(await stats({ ...SMALL, init: 'xavier', activation: 'tanh' })), 'watching does not change the record');
  const forwardOnly: ProgressEvent[] = [];
  await stats({ ...SMALL, gradients: false, progress: (e) => forwardOnly.push(e) });
  assert.deepEqual(assertProgress(forwardOnly, 4, ['layer', 'std']), ['forward']);
  await stats({ ...SMALL, progress: false });
  await assert.rejects(stats({ progress: 'yes' as unknown as boolean }), /^ArgumentError: progress must be true, false or a function/);
});

test('weightInit.grid({ progress }) reports a start, each shared draw, and each layer of both passes of every run, each run\'s last with its std factor and time', async () => {
  const events: ProgressEvent[] = [];
  const g = await grid({ ...SMALL, inits: ['small', 'he'], progress: (e) => events.push(e) });
  // draws X, W1..W4 and G (6), then 4 runs x 4 layers x 2 passes (32); a first event at done 0
  // starts the bar's clock
  const total = 6 + 4 * SMALL.depth * 2;
  assert.equal(events.length, 1 + total);
  events.forEach((e, i) => {
    assert.deepEqual(Object.keys(e).sort(), ['done', 'metrics', 'phase', 'total']);
    assert.deepEqual([e.done, e.total], [i, total], 'done rises by one from 0 to total');
    for (const v of Object.values(e.metrics)) assert.equal(typeof v, 'number');
  });
  assert.deepEqual(events[0], { done: 0, total, phase: 'small (0.01) init, tanh', metrics: {} });
  const drawing = events.filter((e) => e.phase.includes(': drawing '));
  assert.deepEqual(drawing.map((e) => e.phase.replace('small (0.01) init, tanh: drawing ', '')), ['X', 'W1', 'W2', 'W3', 'W4', 'G']);
  assert.ok(drawing.every((e) => Object.keys(e.metrics).length === 0));
  const layers = events.slice(1).filter((e) => !e.phase.includes(': drawing '));
  const labels = ['small (0.01) init, tanh', 'small (0.01) init, relu', 'he init, tanh', 'he init, relu'];
  assert.deepEqual(layers.map((e) => e.phase), labels.flatMap((l) => new Array<string>(8).fill(l)));
  assert.deepEqual(layers.slice(0, 8).map((e) => e.metrics.layer), [1, 2, 3, 4, 4, 3, 2, 1], 'forward, then backward');
  assert.deepEqual(layers.slice(0, 4).map((e) => e.metrics.std), g.records[0].layers.map((l) => l.std));
  const ends = events.filter((e) => 'ms' in e.metrics);
  assert.deepEqual(ends, layers.filter((_, i) => i % 8 === 7), 'the last event of each run carries its summary');
  assert.equal(ends[3].done, total);
  assert.ok(ends.every((e) => Object.keys(e.metrics).sort().join() === 'layer,ms,std,stdFactor'));
  assert.ok(layers.filter((e) => !('ms' in e.metrics)).every((e) => Object.keys(e.metrics).sort().join() === 'layer,std'));
  assert.deepEqual(ends.map((e) => e.metrics.stdFactor), g.records.map(stdFactorPerLayer));
  assert.deepEqual(ends.map((e) => e.metrics.ms), g.records.map((r) => r.meta.ms));
  assert.ok(g.records.every((r) => !('progress' in r.options)));
  // W = 0 is filled, not drawn: a grid of zeros alone draws X and G only; without gradients, no G
  const zeros: ProgressEvent[] = [];
  await grid({ ...SMALL, inits: ['zeros'], activations: ['relu'], progress: (e) => zeros.push(e) });
  assert.deepEqual(zeros.map((e) => e.done), [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
  assert.deepEqual(zeros.filter((e) => e.phase.includes('drawing')).map((e) => e.phase), ['zeros init, relu: drawing X', 'zeros init, relu: drawing G']);
  const forwardOnly: ProgressEvent[] = [];
  await grid({ ...SMALL, inits: ['he'], activations: ['relu'], gradients: false, progress: (e) => forwardOnly.push(e) });
  assert.deepEqual(forwardOnly.map((e) => e.done), [0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
  const unwatched = await grid({ ...SMALL, inits: ['small', 'he'] });
  assert.deepEqual(g.records.map(withoutMeta), unwatched.records.map(withoutMeta), 'watching does not change the records');
});

test('weightInit.training({ progress }) reports every epoch of every init over the whole run, and never records progress', async () => {
  const events: ProgressEvent[] = [];
  const options = { inits: ['zeros', 'he'], depth: 2, width: 8, epochs: 3, pointsPerClass: 10 } as const;
  const r = await training({ ...options, progress: (e) => events.push(e) });
  // epoch 0 (before training) is reported too: done runs from 0 to inits x epochs
  assert.equal(events.length, 2 * (3 + 1));
  assert.deepEqual(events.map((e) => e.done), [0, 1, 2, 3, 3, 4, 5, 6]);
  assert.ok(events.every((e) => e.total === 6 && Object.keys(e.metrics).sort().join() === 'accuracy,epoch,loss'));
  assert.deepEqual(events.map((e) => `${e.phase}@${e.metrics.epoch}`), ['zeros@0', 'zeros@1', 'zeros@2', 'zeros@3', 'he@0', 'he@1', 'he@2', 'he@3']);
  assert.deepEqual(events.filter((e) => e.phase === 'he').map((e) => e.metrics.loss), r.curves[1].loss);
  assert.ok(!('progress' in r.options));
  assert.deepEqual(withoutMeta(r), withoutMeta(await training(options)), 'watching does not change the record');
});

test('weightInit.training reads quick mode itself: TRAINING_QUICK (epochs 10) under NNLAB_QUICK=1, explicit options win', async () => {
  const small = { inits: ['he'], depth: 1, width: 4, pointsPerClass: 5 } as const;
  const saved = process.env.NNLAB_QUICK;
  try {
    process.env.NNLAB_QUICK = '1';
    assert.equal((await training(small)).options.epochs, TRAINING_QUICK.epochs);
    assert.equal((await training({ ...small, epochs: 2 })).options.epochs, 2);
    process.env.NNLAB_QUICK = '0';
    assert.equal((await training({ ...small, epochs: undefined })).options.epochs, 30);
  } finally {
    if (saved === undefined) delete process.env.NNLAB_QUICK;
    else process.env.NNLAB_QUICK = saved;
  }
});

test('nn.weightInit exports the lesson\'s math, experiments, defaults, figures and show functions, and no internals', () => {
  assert.deepEqual(Object.keys(weightInit).sort(), [
    'GRID_DEFAULTS', 'SATURATION', 'SETUP_A', 'SETUP_B', 'STATS_DEFAULTS', 'TRAINING_DEFAULTS', 'TRAINING_QUICK', 'VERDICT_THRESHOLDS',
    'gradientsComparisonFigure', 'gradientsFigure', 'grid', 'gridFigure', 'histogramsFigure', 'showGrid', 'showStats', 'showTraining',
    'stats', 'statsFigure', 'statsInputs', 'stdFactorPerLayer', 'trainingFigure', 'training', 'verdict',
  ].sort());
});

// ---------------------------------------------------------------- figures and tables

test('statsFigure, histogramsFigure and gradientsFigure label every panel and draw every layer', async () => {
  const r = await stats({ ...SMALL, init: 'small', activation: 'tanh' });
  const fig = statsFigure(r);
  assert.equal(fig.data.length, 2);
  assert.match(String((fig.layout.title as { text: string }).text), /Activation statistics: small \(0\.01\) init, tanh/);
  assert.deepEqual([(fig.layout.xaxis as { title: { text: string } }).title.text, (fig.layout.yaxis2 as { title: { text: string } }).title.text], ['layer', 'std']);
  assert.equal((fig.layout.yaxis2 as { type?: string }).type, 'log', 'small init: the std spans decades');
  const hist = histogramsFigure(r);
  assert.equal(hist.data.length, 4);
  assert.deepEqual([(hist.layout.xaxis as { title: { text: string } }).title.text, (hist.layout.yaxis as { title: { text: string } }).title.text], ['activation', 'count']);
  assert.deepEqual((hist.layout.xaxis4 as { tickvals: number[] }).tickvals, [-0.5, 0.5]);
  assert.deepEqual([(hist.layout.yaxis4 as { matches?: string }).matches, (hist.layout.yaxis4 as { showticklabels?: boolean }).showticklabels],
    ['y', false], 'one count axis for every layer, labelled on the first panel');
  // honest axes: the mean is drawn on the spread's scale, symmetric about 0
  const meanRange = (fig.layout.yaxis as { range: number[] }).range;
  assert.equal(meanRange[0], -meanRange[1]);
  assert.ok(meanRange[1] >= Math.max(...r.layers.map((l) => l.std)), 'the mean axis spans at least the largest std');
  assert.deepEqual(hist.data[0].y, r.layers[0].histogram.counts);
  const grads = gradientsFigure(r);
  assert.deepEqual(grads.data.map((t) => t.name), ['dL/dW (weights)', 'dL/dx (layer input)']);
  const compare = gradientsComparisonFigure([r, await stats({ ...SMALL, init: 'xavier', activation: 'tanh' })]);
  assert.deepEqual(compare.data.map((t) => t.name), ['small (0.01) init, tanh', 'xavier init, tanh']);
  const rows = statsRows(r);
  assert.deepEqual(Object.keys(rows[0]), ['layer', 'mean', 'std', 'saturated', 'dead units', 'std dL/dW', 'std dL/dx']);
  assert.throws(() => statsFigure({} as StatsRecord), /record must be a record returned by weightInit\.stats/);
  assert.deepEqual([autoScale([1, 1e-5]), autoScale([0, 1]), autoScale([1, 2])], ['log', 'linear', 'linear']);
});

test('gridFigure, summaryRows and trainingFigure summarise a grid and a training run', async () => {
  const g = await grid({ batchSize: 200, depth: 10, width: 100, inits: ['zeros', 'xavier', 'he'] });
  const fig = gridFigure(g);
  assert.deepEqual(fig.data.map((t) => t.name), ['xavier', 'he', 'xavier', 'he'], 'W = 0 (std 0) cannot be drawn on a log axis');
  assert.match(String((fig.layout.title as { text: string }).text).replace(/<br>/g, ' '), /W = 0 is not drawn/);
  assert.deepEqual(fig.data.map((t) => (t.line as { color: string }).color).slice(0, 2), fig.data.map((t) => (t.line as { color: string }).color).slice(2),
    'one colour per init in both panels');
  const glorot = gridFigure(await grid({ batchSize: 50, depth: 2, width: 20, inputWidth: 20, inits: ['xavier', 'glorot'], activations: ['tanh'] }));
  assert.deepEqual(glorot.data.map((t) => t.name), ['xavier', 'glorot (= xavier: square layers)']);
  const rows = summaryRows(g);
  assert.deepEqual(rows.map((r) => r.verdict), ['symmetric', 'symmetric', 'healthy', 'vanishes', 'healthy', 'healthy']);
  const t = await training({ inits: ['small', 'xavier'], depth: 2, width: 8, epochs: 2, pointsPerClass: 10 });
  const tfig = trainingFigure(t);
  assert.deepEqual(tfig.data.map((t) => t.name), ['small', 'xavier', 'chance, ln 3']);
  assert.deepEqual(trainingRows(t).map((row) => [row.init, row['loss before'], row['loss after']]),
    t.curves.map((c) => [c.init, c.loss[0], c.loss[2]]));
  const chance = tfig.data[2];
  assert.deepEqual([chance.mode, (chance.line as { dash: string }).dash], ['lines', 'dash'], 'the chance line is a dashed reference line');
  assert.notEqual((tfig.data[0].line as { dash: string }).dash, (tfig.data[1].line as { dash: string }).dash, 'runs at chance stay visible on top of each other');
});

// ---------------------------------------------------------------- NumPy cross-checks

const numpy = spawnSync(PYTHON, ['-c', 'import numpy'], { encoding: 'utf8' });
const NO_NUMPY = numpy.status === 0 ? false
  : `${PYTHON} with numpy is missing (${(numpy.error?.message ?? numpy.stderr).trim().split('\n').pop()}): apt-get install python3-numpy`;

function runNumpy<T>(jobs: unknown[]): T {
  const r = spawnSync(PYTHON, [NUMPY_SCRIPT, JSON.stringify(jobs)], { encoding: 'utf8', maxBuffer: 64 << 20, timeout: 600_000 });
  if (r.status !== 0) throw new Error(`numpy script failed: ${r.stderr}`);
  return JSON.parse(r.stdout) as T;
}

interface NumpyLayer { mean: number; std: number; counts: number[]; saturated: number; deadUnits: number }
interface NumpyRecord { input: NumpyLayer; layers: NumpyLayer[]; gradients?: { layer: number; std: number; dxStd: number }[]; ms: number }

test('histogram and moments equal np.histogram and np.mean/np.std on the same float32 values', { skip: NO_NUMPY }, () => {
  const values = Array.from(normalArray(5000, 21, 0.7));
  values.push(-1, 1, 1 + 1e-7, ...histogramEdges(30, [-1, 1])); // edges and just outside
  const [np] = runNumpy<{ edges: number[]; counts: number[]; mean: number; std: number }[]>([{ options: { bins: 30, range: [-1, 1] }, values }]);
  const ours = histogram(Float32Array.from(values), { bins: 30, range: [-1, 1] });
  const m = moments(Float32Array.from(values));
  assert.deepEqual(ours.counts, np.counts);
  assert.deepEqual(ours.edges.map(Math.fround), np.edges, 'NumPy reports the float32 edges it bins float32 data with');
  assert.ok(Math.abs(m.mean - np.mean) < 1e-15 && Math.abs(m.std - np.std) < 1e-15);
});

test('weightInit.stats equals NumPy on the same draws for every activation (float32 vs float64: rel error < 1e-4)', { skip: NO_NUMPY }, async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'nnlab-init-'));
  try {
    // 300 x 120 forms dW (productMoments' direct route); 8 x 300 takes the Gram route (setup B's)
    const runs = [...ACTIVATIONS.map((activation) => ({ batchSize: 300, depth: 5, width: 120, activation })),
      { batchSize: 8, depth: 3, width: 300, activation: 'tanh' as const }];
    for (const { activation, ...sizes } of runs) {
      const options = { ...sizes, init: 'xavier', activation, seed: 2 } as const;
      const { X, W, G } = statsInputs(options);
      const file = path.join(dir, `${activation}-${sizes.batchSize}.f32`);
      fs.writeFileSync(file, Buffer.concat([X, ...W, G].map((a) => Buffer.from(a.buffer, a.byteOffset, a.byteLength))));
      const ours = await stats(options);
      const [[np]] = runNumpy<NumpyRecord[][]>([{ options: ours.options, arrays: file }]);
      // float32 products of 120 terms: relative errors ~1e-6 per value, 1e-4 leaves room for 5 layers
      const close = (a: number, b: number, what: string) => assert.ok(Math.abs(a - b) <= 1e-4 * Math.max(Math.abs(a), Math.abs(b)) + 1e-7, `${activation} ${what}: ${a} vs ${b}`);
      ours.layers.forEach((l, i) => {
        const n = np.layers[i];
        close(l.mean, n.mean, `layer ${l.layer} mean`);
        close(l.std, n.std, `layer ${l.layer} std`);
        close(l.saturated, n.saturated, `layer ${l.layer} saturated`);
        close(l.deadUnits, n.deadUnits, `layer ${l.layer} dead units`);
        // a value within float32 rounding of a bin edge may land on the other side
        const moved = l.histogram.counts.reduce((s, c, k) => s + Math.abs(c - n.counts[k]), 0);
        assert.ok(moved <= 4, `${activation} layer ${l.layer}: ${moved} values in other bins`);
        close(ours.gradients![i].std, np.gradients![i].std, `layer ${l.layer} dW std`);
        close(ours.gradients![i].dxStd, np.gradients![i].dxStd, `layer ${l.layer} dx std`);
      });
    }
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

/**
 * Our run (seed 0) against K NumPy runs with their own draws: each statistic must lie within
 * 5 standard errors of the NumPy mean, SE = sd · sqrt(1 + 1/K) (one run around a mean of K).
 * Eight runs estimate a spread only roughly (a sample sd of 8 falls below half the true one about
 * 2 % of the time), so sd is the largest sample sd of that statistic in this layer and its two
 * neighbours, and never below the binomial SE of a fraction (sqrt(p(1-p)/n), p at least 1/n).
 * Stds are compared on a log scale (they span 15 decades under the small init). Histograms: the
 * total-variation distance from the NumPy mean histogram must not exceed twice the largest such
 * distance of a NumPy run from the mean of the others.
 */
test('weightInit.stats agrees layer by layer with an independent NumPy run of setup A within sampling noise', { skip: NO_NUMPY }, async () => {
  const K = 8;
  const configs = [['small', 'tanh'], ['large', 'tanh'], ['xavier', 'tanh'], ['xavier', 'relu'], ['he', 'relu']] as const;
  const ours = [];
  for (const [init, activation] of configs) ours.push(await stats({ ...SETUP_A, init, activation }));
  // matmul 'fastest': np.einsum where it beats the BLAS (3-4x over Debian's reference libblas3, same sums in the same order)
  const np = runNumpy<NumpyRecord[][]>(ours.map((r) => ({ options: r.options, seeds: Array.from({ length: K }, (_, i) => 1000 + i), dtype: 'float64', matmul: 'fastest' })));
  const failures: string[] = [];
  const meanSd = (xs: number[]) => {
    const mean = xs.reduce((s, v) => s + v, 0) / xs.length;
    return { mean, sd: Math.sqrt(xs.reduce((s, v) => s + (v - mean) ** 2, 0) / (xs.length - 1)) };
  };
  /** value: ours per layer; samples[l]: NumPy's K values; count: how many values a fraction is over. */
  const check = (what: string, value: number[], samples: number[][], opts: { log?: boolean; count?: number } = {}) => {
    const f = (v: number) => (opts.log ? Math.log(v) : v);
    const stats = samples.map((xs) => meanSd(xs.map(f)));
    value.forEach((v, l) => {
      let sd = Math.max(...[l - 1, l, l + 1].filter((m) => m >= 0 && m < stats.length).map((m) => stats[m].sd));
      if (opts.count) {
        const p = Math.max(stats[l].mean, 1 / opts.count);
        sd = Math.max(sd, Math.sqrt(p * (1 - p) / opts.count));
      }
      const z = Math.abs(f(v) - stats[l].mean) / (sd * Math.sqrt(1 + 1 / K));
      if (!(z <= 5)) failures.push(`${what} layer ${l + 1}: ours ${v}, numpy ${samples[l].map((x) => x.toPrecision(4)).join(' ')} (${z.toFixed(1)} SE)`);
    });
  };
  const tv = (p: number[], q: number[]) => p.reduce((s, v, k) => s + Math.abs(v - q[k]), 0) / 2;
  const normalize = (c: number[]) => { const n = c.reduce((s, v) => s + v, 0) || 1; return c.map((v) => v / n); };
  const meanOf = (hs: number[][]) => hs[0].map((_, k) => hs.reduce((s, h) => s + h[k], 0) / hs.length);
  ours.forEach((r, c) => {
    const runs = np[c];
    const name = `${r.init}/${r.activation}`;
    const layer = (k: keyof NumpyLayer) => r.layers.map((_, i) => runs.map((run) => run.layers[i][k] as number));
    const grad = (k: 'std' | 'dxStd') => r.gradients!.map((_, i) => runs.map((run) => run.gradients![i][k]));
    const n = r.options.batchSize * r.options.widths[0];
    check(`${name} std`, r.layers.map((l) => l.std), layer('std'), { log: true });
    check(`${name} mean`, r.layers.map((l) => l.mean), layer('mean'));
    check(`${name} saturated`, r.layers.map((l) => l.saturated), layer('saturated'), { count: n });
    check(`${name} dead units`, r.layers.map((l) => l.deadUnits), layer('deadUnits'), { count: r.options.widths[0] });
    check(`${name} dW std`, r.gradients!.map((g) => g.std), grad('std'), { log: true });
    check(`${name} dx std`, r.gradients!.map((g) => g.dxStd), grad('dxStd'), { log: true });
    r.layers.forEach((l, i) => {
      const hists = runs.map((run) => normalize(run.layers[i].counts));
      const loo = hists.map((h, j) => tv(h, meanOf(hists.filter((_, m) => m !== j))));
      const d = tv(normalize(l.histogram.counts), meanOf(hists));
      if (!(d <= 2 * Math.max(...loo) + 1e-12)) failures.push(`${name} layer ${l.layer} histogram: TV ${d.toFixed(4)} vs numpy's ${Math.max(...loo).toFixed(4)}`);
    });
  });
  assert.deepEqual(failures, []);
});
