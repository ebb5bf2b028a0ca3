/**
 * Lesson 09: dropout vs inverted dropout. Masks, both schemes in both modes, the gradients, the
 * lecture's network against its float64 twin, the expectation identities (exact by enumeration,
 * Monte Carlo within standard errors), the ensemble, tf.layers.dropout's kind, the overfitting
 * experiment, bad-p errors, leaks and seeded determinism. Runs on the wasm backend.
 */
import { before, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'child_process';
import * as path from 'path';
import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-wasm';
import { ArgumentError } from '../src/core/errors';
import { countTensors } from '../src/core/leaks';
import { seedStream } from '../src/core/rng';
import * as dropout from '../src/lessons/dropout';
import { checkKeepProbability } from '../src/lessons/dropout/dropout';
import { heWeights } from '../src/lessons/dropout/net';
import { expectationSetup } from '../src/lessons/dropout/exact';
import { softmaxLoss } from '../src/lessons/dropout/mlp';
import { resolveOverfitOptions } from '../src/lessons/dropout/overfit';
import { stepsPerEpoch } from '../src/nets/train';
import { expectationRows, overfitRows, tfLayersKindRows } from '../src/lessons/dropout/figures';
import type { ProgressEvent } from '../src/core/progress';
import { cliInProcess, relError, withoutMeta } from './helpers';

/** The keep-probability error for a bad value, as every entry point words it. */
const badP = (name: string, got: string) => `${name} must be a keep probability in (0, 1] (p = 1 keeps every unit: no dropout; ` +
  `p is the keep probability, tf.layers.dropout's rate is 1 - p), got ${got}`;

/** float32 rounding: 2^-24 relative per operation. */
const EPS32 = 2 ** -24;
const EPS64 = 2 ** -53;


async function values(t: tf.Tensor): Promise<number[]> {
  return Array.from(await t.data());
}

before(async () => {
  await tf.setBackend('wasm');
});

// ---------------------------------------------------------------- masks

test('dropout.mask([200, 500], 0.3, seed) holds only 0s and 1s and keeps a fraction within 4 SE of p', async () => {
  const mask = dropout.mask([200, 500], 0.3, 11);
  const v = await values(mask);
  mask.dispose();
  assert.ok(v.every((m) => m === 0 || m === 1), 'a mask is 0 or 1');
  const kept = v.reduce((a, b) => a + b, 0) / v.length;
  const se = Math.sqrt(0.3 * 0.7 / v.length); // Bernoulli(p): SE of the kept fraction
  assert.ok(Math.abs(kept - 0.3) < 4 * se, `kept ${kept}, p 0.3, 4 SE ${4 * se}`);
});

test('dropout.mask(shape, p, seed) repeats itself for one seed (tf seeds are stateless) and changes with the next sub-seed', async () => {
  const seeds = seedStream(5);
  const s1 = seeds.next();
  const s2 = seeds.next();
  const [a, b, c] = [dropout.mask([1000], 0.5, s1), dropout.mask([1000], 0.5, s1), dropout.mask([1000], 0.5, s2)];
  const [va, vb, vc] = await Promise.all([a, b, c].map(values));
  tf.dispose([a, b, c]);
  assert.deepEqual(va, vb, 'same seed, same mask: a Monte-Carlo loop must draw a new sub-seed per mask');
  const differ = va.filter((m, i) => m !== vc[i]).length;
  assert.ok(differ > 400 && differ < 600, `independent masks differ in about half the units, got ${differ} of 1000`);
});

test('dropout.mask(shape, 1, seed) keeps every unit: p = 1 is no dropout', async () => {
  const mask = dropout.mask([64, 64], 1, 3);
  assert.ok((await values(mask)).every((m) => m === 1));
  mask.dispose();
});

// ---------------------------------------------------------------- both schemes, both modes

test('dropout.forward(x, {scheme: "vanilla"}) is x ⊙ U in training and p · x at test time', async () => {
  const x = tf.randomNormal([50, 40], 0, 1, 'float32', 1);
  const mask = dropout.mask([50, 40], 0.8, 21);
  const train = dropout.forward(x, { p: 0.8, scheme: 'vanilla', training: true, seed: 21 });
  const test_ = dropout.forward(x, { p: 0.8, scheme: 'vanilla', training: false });
  const [vx, vm, vt, ve] = await Promise.all([x, mask, train.out, test_.out].map(values));
  assert.deepEqual(vt, vx.map((v, i) => Math.fround(v * vm[i])), 'training: kept units unchanged, dropped ones 0');
  assert.deepEqual(ve, vx.map((v) => Math.fround(v * Math.fround(0.8))), 'test: every unit times p');
  tf.dispose([x, mask, train.out, train.cache.multiplier, test_.out, test_.cache.multiplier]);
});

test('dropout.forward(x, {scheme: "inverted"}) is x ⊙ U / p in training (same mask) and x at test time', async () => {
  const x = tf.randomNormal([50, 40], 0, 1, 'float32', 2);
  const vanilla = dropout.vanilla(x, { p: 0.5, training: true, seed: 8 });
  const inverted = dropout.inverted(x, { p: 0.5, training: true, seed: 8 });
  const atTest = dropout.inverted(x, { p: 0.5, training: false });
  const [vx, vv, vi, ve] = await Promise.all([x, vanilla, inverted, atTest].map(values));
  assert.deepEqual(vi, vv.map((v) => v / 0.5), 'inverted = vanilla / p with one mask (division by 0.5 is exact)');
  assert.deepEqual(ve, vx, 'test time: the identity');
  assert.ok(vi.some((v) => v === 0) && vi.some((v, i) => v === vx[i] * 2), 'some units dropped, kept ones doubled');
  tf.dispose([x, vanilla, inverted, atTest]);
});

test('dropout.backward(dout, cache) is the gradient tf.grad finds through dropout.forward, for both schemes and modes', async () => {
  const x = tf.randomNormal([30, 20], 0, 1, 'float32', 3);
  const dout = tf.randomNormal([30, 20], 0, 1, 'float32', 4);
  for (const scheme of ['vanilla', 'inverted'] as const) {
    for (const training of [true, false]) {
      const opts = { p: 0.6, scheme, training, seed: 9 };
      const auto = tf.grad((t: tf.Tensor) => tf.sum(tf.mul(dropout.forward(t, opts).out, dout)))(x);
      const { out, cache } = dropout.forward(x, opts);
      const manual = dropout.backward(dout, cache);
      // one multiplication each way: equal to float32 rounding
      assert.ok(relError(await values(auto), await values(manual)) <= 2 * EPS32, `${scheme}, training ${training}`);
      tf.dispose([auto, out, cache.multiplier, manual]);
    }
  }
  tf.dispose([x, dout]);
});

test('dropout.forward(x, {training}) requires the mode: undefined or 1 is an error naming training', () => {
  const x = tf.ones([2, 2]);
  assert.throws(() => dropout.forward(x, { p: 0.5, scheme: 'inverted' } as never), { message: 'training must be given (dropout.forward needs it), got undefined' });
  assert.throws(() => dropout.forward(x, { p: 0.5, scheme: 'inverted', training: 1 } as never), { message: 'training must be true or false, got 1' });
  assert.throws(() => dropout.forward(x, { p: 0.5, scheme: 'dropconnect', training: false } as never),
    { message: 'scheme must be one of "vanilla", "inverted", got "dropconnect"' });
  x.dispose();
});

test('dropout.forward(x, {training: true}) without a seed is an error that says to draw a sub-seed per mask', () => {
  const x = tf.ones([2, 2]);
  assert.throws(() => dropout.forward(x, { p: 0.5, scheme: 'vanilla', training: true }), {
    message: 'seed must be an integer sub-seed when training (a new one per mask, e.g. seeds.next(): tfjs seeds are stateless, ' +
      'so a fixed seed repeats the same mask), got undefined',
  });
  x.dispose();
});

test('a bad keep probability p = 0, -0.2, 1.5, NaN or "0.5" is an error naming p and its value at every entry point', async () => {
  const x = tf.ones([2, 2]);
  for (const [p, shown] of [[0, '0'], [-0.2, '-0.2'], [1.5, '1.5'], [NaN, 'NaN'], ['0.5', '"0.5"']] as const) {
    assert.throws(() => checkKeepProbability('p', p), { name: 'ArgumentError', message: badP('p', shown) });
    assert.throws(() => dropout.mask([2], p as number, 1), { message: badP('p', shown) });
    assert.throws(() => dropout.vanilla(x, { p: p as number, training: false }), { message: badP('p', shown) });
    assert.throws(() => dropout.inverted(x, { p: p as number, training: true, seed: 1 }), { message: badP('p', shown) });
    assert.throws(() => dropout.neuronExpectation({ w: [1, 1], x: [1, 1], p: p as number }), { message: badP('p', shown) });
    await assert.rejects(dropout.expectation({ p: p as number }), { message: badP('p', shown) });
    await assert.rejects(dropout.ensemble({ p: p as number }), { message: badP('p', shown) });
    await assert.rejects(dropout.tfLayersKind({ p: p as number }), { message: badP('p', shown) });
    await assert.rejects(dropout.overfit({ ps: [1, p as number] }), { message: badP('ps[1]', shown) });
  }
  x.dispose();
});

test('tf.layers.dropout({rate: 1}) silently returns its input in training (trap 4), where our p = 0 is an error', async () => {
  const x = tf.ones([4, 4]);
  const layer = tf.layers.dropout({ rate: 1, seed: 1 });
  const out = layer.apply(x, { training: true }) as tf.Tensor;
  assert.deepEqual(await values(out), new Array(16).fill(1), 'rate 1 would drop everything; tfjs clamps it to no dropout');
  assert.throws(() => dropout.inverted(x, { p: 0, training: true, seed: 1 }), { message: badP('p', '0') });
  tf.dispose([x, out]);
  layer.dispose();
});

// ---------------------------------------------------------------- the lecture's network

/** Tolerance of a float32 forward pass against float64: Σ fan-in terms × 2^-24, ×8 for cancellation in the sums. */
function forwardTolerance(sizes: readonly number[]): number {
  return 8 * sizes.slice(0, -1).reduce((a, b) => a + b, 0) * EPS32;
}

test('dropout.netForward equals its float64 twin dropout.netForward64 given the same masks, in training and at test time', async () => {
  const sizes = [6, 10, 12, 3];
  const params64 = dropout.netParams64(sizes, 4);
  const params = dropout.netTensors(params64);
  const X = tf.randomNormal([5, 6], 0, 1, 'float32', 6) as tf.Tensor2D;
  const xRows = await X.array() as number[][];
  for (const scheme of ['vanilla', 'inverted'] as const) {
    for (const training of [true, false]) {
      const { scores, cache } = dropout.netForward(X, params, { p: 0.5, scheme, training, seed: 31 });
      const got = await scores.array() as number[][];
      const mults = await Promise.all(cache.hidden.map((h) => h.dropout.multiplier.array() as Promise<number[][] | number>));
      xRows.forEach((x, n) => {
        const masks = training ? mults.map((m) => (m as number[][])[n].map((v) => (v === 0 ? 0 : 1))) : undefined;
        const want = dropout.netForward64(x, params64, { p: 0.5, scheme, training, masks }).scores;
        assert.ok(relError(got[n], want) <= forwardTolerance(sizes), `${scheme} training ${training} row ${n}: ${relError(got[n], want)}`);
      });
      scores.dispose();
      dropout.disposeNetCache(cache);
    }
  }
  tf.dispose(X);
  dropout.disposeNet(params);
});

test('dropout.netPredict with zero biases: vanilla is p² times inverted (two dropout points, ReLU is positively homogeneous)', async () => {
  const params = dropout.netTensors(dropout.netParams64([4, 8, 8, 2], 2));
  const X = tf.randomNormal([6, 4], 0, 1, 'float32', 7) as tf.Tensor2D;
  const vanilla = await values(dropout.netPredict(X, params, { p: 0.5, scheme: 'vanilla' }));
  const inverted = await values(dropout.netPredict(X, params, { p: 0.5, scheme: 'inverted' }));
  assert.ok(relError(vanilla, inverted.map((v) => v * 0.25)) <= forwardTolerance([4, 8, 8, 2]));
  tf.disposeVariables();
  tf.dispose(X);
  dropout.disposeNet(params);
});

test('dropout.netBackward(dscores, cache, params) matches tf.grads of the same forward pass (same masks), both schemes', async () => {
  const sizes = [7, 9, 11, 4];
  const params = dropout.netTensors(dropout.netParams64(sizes, 8));
  const X = tf.randomNormal([6, 7], 0, 1, 'float32', 9) as tf.Tensor2D;
  const G = tf.randomNormal([6, 4], 0, 1, 'float32', 10);
  for (const scheme of ['vanilla', 'inverted'] as const) {
    const opts = { p: 0.7, scheme, training: true, seed: 41 };
    const flat = params.flatMap((l) => [l.W, l.b]);
    const auto = tf.grads((...ts: tf.Tensor[]) => {
      const layers = params.map((_, l) => ({ W: ts[2 * l] as tf.Tensor2D, b: ts[2 * l + 1] as tf.Tensor1D }));
      return tf.sum(tf.mul(dropout.netForward(X, layers, opts).scores, G));
    })(flat);
    const { scores, cache } = dropout.netForward(X, params, opts);
    const manual = dropout.netBackward(G as tf.Tensor2D, cache, params).flatMap((g) => [g.dW, g.db]);
    for (let i = 0; i < flat.length; i++) {
      // backprop through 3 layers: a few dozen float32 operations per entry
      assert.ok(relError(await values(auto[i]), await values(manual[i])) <= forwardTolerance(sizes), `${scheme} grad ${i}`);
    }
    tf.dispose([...auto, ...manual, scores]);
    dropout.disposeNetCache(cache);
  }
  tf.dispose([X, G]);
  dropout.disposeNet(params);
});

test('softmaxLoss(scores, Y) gives the mean cross-entropy and (softmax - Y) / N, as tf.losses and tf.grad do', async () => {
  const scores = tf.randomNormal([8, 5], 0, 2, 'float32', 12) as tf.Tensor2D;
  const Y = tf.oneHot(tf.tensor1d([0, 1, 2, 3, 4, 0, 1, 2], 'int32'), 5).toFloat() as tf.Tensor2D;
  const { loss, dscores } = softmaxLoss(scores, Y);
  const ref = tf.losses.softmaxCrossEntropy(Y, scores);
  const g = tf.grad((s: tf.Tensor) => tf.losses.softmaxCrossEntropy(Y, s))(scores);
  assert.ok(relError(await values(loss), await values(ref)) <= 16 * EPS32);
  assert.ok(relError(await values(dscores), await values(g)) <= 16 * EPS32);
  tf.dispose([scores, Y, loss, dscores, ref, g]);
});

test('dropout.netParameterCount([784, 512, 512, 512, 10]) is 932,362, the lecture\'s MNIST MLP', () => {
  assert.equal(dropout.netParameterCount([784, 512, 512, 512, 10]), 932_362);
});

// ---------------------------------------------------------------- expectations

test('dropout.neuronExpectation({w: [w1, w2], x: [x, y], p: 0.5}) is the lecture\'s ¼ + ¼ + ¼ + ¼ sum: half the test output, exactly', () => {
  const e = dropout.neuronExpectation({ w: [2, 1], x: [1, 3], p: 0.5 });
  const [w1, w2, x, y] = [2, 1, 1, 3];
  const lecture = 0.25 * (w1 * x + w2 * y) + 0.25 * (w1 * x + 0 * y) + 0.25 * (0 * x + 0 * y) + 0.25 * (0 * x + w2 * y);
  assert.equal(e.trainExpectation.vanilla, lecture);
  assert.equal(e.trainExpectation.vanilla, 0.5 * e.full, 'E[a] = ½ (w1 x + w2 y)');
  assert.deepEqual(e.test, { vanilla: 2.5, vanillaForgot: 5, inverted: 5 });
  assert.equal(e.trainExpectation.inverted, e.test.inverted);
  assert.deepEqual(e.masks.map((m) => m.probability), [0.25, 0.25, 0.25, 0.25]);
});

test('dropout.neuronExpectation for p = 0.8, 0.3, 1 gives p · (w·x) under vanilla training and w·x under inverted', () => {
  for (const p of [0.8, 0.3, 1]) {
    const e = dropout.neuronExpectation({ w: [-1.5, 0.25], x: [2, -4], p });
    assert.ok(Math.abs(e.trainExpectation.vanilla - p * e.full) <= 4 * EPS64 * Math.abs(e.full) * 4, `p ${p}`);
    assert.ok(Math.abs(e.trainExpectation.inverted - e.full) <= 4 * EPS64 * Math.abs(e.full) * 4 / p, `p ${p}`);
    assert.ok(Math.abs(e.masks.reduce((s, m) => s + m.probability, 0) - 1) <= 4 * EPS64);
  }
});

test('dropout.exactExpectation agrees with brute force over all 2^units masks of dropout.netForward64', () => {
  const params = dropout.netParams64([3, 3, 2, 2], 13);
  const x = [0.5, -1.25, 2];
  for (const scheme of ['vanilla', 'inverted'] as const) {
    const exact = dropout.exactExpectation(x, params, { p: 0.3, scheme })!;
    const sums = { first: [0, 0], hidden: [0, 0], output: [0, 0] };
    for (let code = 0; code < 32; code++) {
      const bits = Array.from({ length: 5 }, (_, j) => (code >>> j) & 1);
      const masks = [bits.slice(0, 3), bits.slice(3)];
      const kept = bits.reduce((a, b) => a + b, 0);
      const w = 0.3 ** kept * 0.7 ** (5 - kept);
      const v = dropout.netForward64(x, params, { p: 0.3, scheme, training: true, masks });
      v.z[1].forEach((z, j) => { sums.first[j] += w * z; });
      v.h[1].forEach((h, j) => { sums.hidden[j] += w * h; });
      v.scores.forEach((s, j) => { sums.output[j] += w * s; });
    }
    for (const probe of ['first', 'hidden', 'output'] as const) {
      assert.ok(relError(exact[probe], sums[probe]) <= 64 * EPS64, `${scheme} ${probe}`);
    }
  }
});

/** The exact expectations of test/numpy/dropout_expectation.py (NumPy, brute force over every mask). */
function numpyExact(r: dropout.ExpectationRecord, scheme: 'vanilla' | 'inverted'): Record<string, number[]> {
  const script = path.resolve(__dirname, '..', '..', 'test', 'numpy', 'dropout_expectation.py');
  const job = { params: r.params, X: r.X, p: r.options.p, scheme, activation: r.options.activation };
  const out = spawnSync('/usr/bin/python3', [script, JSON.stringify(job)], { encoding: 'utf8', maxBuffer: 1 << 24 });
  assert.equal(out.status, 0, out.stderr);
  return JSON.parse(out.stdout);
}

let defaultRecord: dropout.ExpectationRecord;
const record = async () => (defaultRecord ??= await dropout.expectation({ seed: 0 }));
const caseOf = (r: dropout.ExpectationRecord, c: string) => r.cases.find((x) => x.scheme === c)!;
/** Bonferroni: P(any of k normal z beyond 5) <= k · 5.7e-7; the nets here have at most 64 entries per probe. */
const Z_IDENTITY = 5;

test('dropout.expectation: the neuron\'s Monte-Carlo means are within 4 SE of the exact expectation in all three cases', async () => {
  const r = await record();
  for (const m of r.neuron.monteCarlo) assert.ok(Math.abs(m.trainMean - m.exact) < 4 * m.se, `${m.scheme}: ${m.trainMean} vs ${m.exact} (SE ${m.se})`);
  const forgot = r.neuron.monteCarlo.find((m) => m.scheme === 'vanillaForgot')!;
  assert.ok(Math.abs(forgot.z) > 50, `(b): mean ${forgot.trainMean} against test ${forgot.test} is ${forgot.z} SE off`);
});

test('dropout.expectation: (a) and (c) are exact right after the first dropout point, by enumeration and within 5 SE by Monte Carlo', async () => {
  const r = await record();
  for (const c of ['vanilla', 'inverted']) {
    const s = caseOf(r, c).probes.first;
    assert.ok(s.maxExactGap! <= r.thinnedNetworks * EPS64 * 16 * s.scale, `${c}: exact gap ${s.maxExactGap} is rounding`);
    assert.ok(s.maxZ! < Z_IDENTITY, `${c}: the worst entry is ${s.maxZ} SE from the test value`);
    assert.ok(Math.abs(s.gap) < 4 * s.gapSe, `${c}: mean gap ${s.gap} ± ${s.gapSe}`);
  }
});

test('dropout.expectation: (b) forgetting the test-time scaling misses by far, at every probe', async () => {
  const r = await record();
  const b = caseOf(r, 'vanillaForgot');
  for (const probe of ['first', 'hidden', 'output'] as const) {
    assert.ok(b.probes[probe].maxZ === null || b.probes[probe].maxZ! > 50, `${probe}: ${b.probes[probe].maxZ}`);
    assert.ok(b.probes[probe].maxExactGap! > 0.1 * b.probes[probe].scale);
  }
  const sa = caseOf(r, 'vanilla').probes.first;
  const sb = b.probes.first;
  // z2 - b2 is scaled by p: exact(b) - b2 = p · (test(b) - b2), and b2 = 0 here
  sb.exact!.forEach((e, i) => assert.ok(Math.abs(e - r.options.p * sb.test[i]) <= 16 * EPS32 * sb.scale, `entry ${i}`));
  assert.ok(relError(sa.trainMean, sb.trainMean) <= 1e-9, 'the same training-time values as (a): the bug is at test time only');
});

test('dropout.expectation: after the next ReLU the exact mean exceeds the test value (Jensen) and the Monte Carlo measures the gap', async () => {
  const r = await record();
  for (const c of ['vanilla', 'inverted']) {
    const hidden = caseOf(r, c).probes.hidden;
    assert.ok(hidden.minExactGap! >= -r.thinnedNetworks * EPS64 * 16 * hidden.scale, `${c}: E[max(0, z)] >= max(0, E[z]) entry by entry`);
    assert.ok(hidden.maxExactGap! > 0.05 * hidden.scale, `${c}: some unit changes sign across masks`);
    assert.ok(hidden.gap > 10 * hidden.gapSe, `${c}: mean gap ${hidden.gap} ± ${hidden.gapSe} is positive`);
    const output = caseOf(r, c).probes.output;
    assert.ok(output.maxExactGap! > 0.05 * output.scale, `${c}: the output's mean is not its test value`);
    assert.ok(output.maxZ! > 10, `${c}: and the Monte Carlo sees it (${output.maxZ} SE)`);
  }
});

test('dropout.expectation: the Monte Carlo agrees with the exact expectation within 5 SE for every case and probe', async () => {
  const r = await record();
  for (const c of r.cases) for (const s of Object.values(c.probes)) assert.ok(s.maxZExact! < Z_IDENTITY, `${c.scheme} ${s.probe}: ${s.maxZExact}`);
});

test('dropout.expectation({activation: "linear"}) is exact at the output too: a linear net has no Jensen gap', async () => {
  const r = await dropout.expectation({ activation: 'linear', samples: 5000, seed: 3 });
  for (const c of ['vanilla', 'inverted']) {
    for (const s of Object.values(caseOf(r, c).probes)) {
      assert.ok(s.maxExactGap! <= r.thinnedNetworks * EPS64 * 16 * s.scale, `${c} ${s.probe}: ${s.maxExactGap}`);
      assert.ok(s.maxZ! < Z_IDENTITY, `${c} ${s.probe}: ${s.maxZ}`);
    }
  }
});

test('dropout.expectation({seed}) twice gives deep-equal records (meta aside) and leaks no tensors', async () => {
  const a = await countTensors(() => dropout.expectation({ samples: 3000, seed: 9 }));
  const b = await dropout.expectation({ samples: 3000, seed: 9 });
  assert.equal(a.leaked, 0);
  assert.deepEqual(withoutMeta(a.result), withoutMeta(b));
  assert.notDeepEqual(withoutMeta(b).cases, withoutMeta(await dropout.expectation({ samples: 3000, seed: 10 })).cases);
  assert.equal(JSON.stringify(JSON.parse(JSON.stringify(b))), JSON.stringify(b), 'plain JSON');
});

test('dropout.expectation rejects unknown options and a net with fewer than two dropout points', async () => {
  await assert.rejects(dropout.expectation({ sampels: 10 } as never), /dropout\.expectation\.sampels must be one of the known options \(p, samples, sizes, batchSize, activation, neuron, seed, progress\)/);
  await assert.rejects(dropout.expectation({ sizes: [4, 8, 1] }), {
    message: 'sizes must be an array [D, H1, H2, ..., C] with at least two hidden layers (two dropout points), got [4, 8, 1]',
  });
  await assert.rejects(dropout.expectation({ samples: 1 }), { message: 'samples must be an integer in [2, 1000000], got 1' });
});

// ---------------------------------------------------------------- ensemble

test('dropout.ensemble: the error to the exact mean falls with k, the error to the test output levels off at the floor', async () => {
  const { result: r, leaked } = await countTensors(() => dropout.ensemble({ seed: 0 }));
  assert.equal(leaked, 0);
  const last = r.ks.length - 1;
  assert.ok(r.toExact![last] < r.toExact![0] / 10, `k = ${r.ks[last]}: ${r.toExact![last]} vs k = 1: ${r.toExact![0]} (1/√k predicts 1/64)`);
  assert.ok(r.floor! > 0 && r.toTest[last] > 3 * r.toExact![last], 'at large k the ReLU gap dominates');
  // toTest² = toExact² + floor² + a cross term with mean 0 and SE 2·toExact·floor/√(repeats·outputs)
  const n = r.options.repeats * r.options.batchSize * r.options.sizes[r.options.sizes.length - 1];
  const cross = r.toTest[last] ** 2 - r.toExact![last] ** 2 - r.floor! ** 2;
  assert.ok(Math.abs(cross) < 4 * 2 * r.toExact![last] * r.floor! / Math.sqrt(n) + 1e-6, `cross term ${cross}`);
});

test('dropout.ensemble({activation: "linear"}): no floor, the error to the test output is the error to the exact mean', async () => {
  const r = await dropout.ensemble({ activation: 'linear', ks: [1, 8, 64, 512], repeats: 8, seed: 1 });
  assert.ok(r.floor! <= 1e-12);
  r.toTest.forEach((t, i) => assert.ok(Math.abs(t - r.toExact![i]) <= 1e-5 * t, `k ${r.ks[i]}: ${t} vs ${r.toExact![i]}`));
  await assert.rejects(dropout.ensemble({ ks: [4, 2] }), { message: 'ks must be increasing ensemble sizes, got [4, 2]' });
});

// ---------------------------------------------------------------- tf.layers.dropout

test('dropout.tfLayersKind({p}) finds tf.layers.dropout({rate: 1 - p}) to be inverted dropout: same output in both modes, unlike vanilla', async () => {
  for (const p of [0.5, 0.8, 0.3]) {
    const { result: r, leaked } = await countTensors(() => dropout.tfLayersKind({ p, seed: 4 }));
    assert.equal(leaked, 0);
    assert.equal(r.kind, 'inverted');
    assert.equal(r.rate, 1 - p);
    assert.deepEqual([r.test.toInverted, r.train.toInverted], [0, 0], 'bit for bit: identity at test time, x ⊙ U / p with the same mask in training');
    assert.ok(r.test.toVanilla > 0.1 && r.train.toVanilla > 0.1, 'vanilla differs in both modes');
    assert.ok(Math.abs(r.keptFraction - p) < 4 * r.keptFractionSe, `kept ${r.keptFraction}`);
  }
  assert.equal((await dropout.tfLayersKind({ p: 1 })).kind, 'both', 'p = 1: no dropout, the two schemes coincide');
});

// ---------------------------------------------------------------- overfitting experiment

const SMALL = { sizes: [784, 32, 32, 32, 10], trainSize: 300, valSize: 100, epochs: 2, batchSize: 50, ps: [1, 0.5], seed: 3 };
let small: dropout.OverfitRecord;

test('dropout.overfit(small) records train and validation metrics per epoch for every p and leaks no tensors', async () => {
  const epochs: [string, number][] = [];
  let steps = 0;
  const { result, leaked } = await countTensors(() => dropout.overfit({
    ...SMALL, progress: ({ done, total, phase, metrics }) => {
      assert.equal(total, 2 * 2 * 6);
      if (metrics.valLoss !== undefined) epochs.push([phase, metrics.epoch]);
      else steps = done;
    },
  }));
  small = result;
  assert.equal(leaked, 0);
  assert.deepEqual(epochs, [['no dropout (p = 1)', 1], ['no dropout (p = 1)', 2], ['dropout p = 0.5', 1], ['dropout p = 0.5', 2]]);
  assert.equal(steps, 24);
  assert.equal(result.parameters, dropout.netParameterCount(SMALL.sizes));
  assert.deepEqual([result.data.trainSize, result.data.valSize, result.data.evalTrainSize], [300, 100, 100]);
  for (const run of result.runs) {
    for (const e of run.epochs) {
      for (const v of [e.trainAcc, e.valAcc]) assert.ok(v >= 0 && v <= 1);
      for (const v of [e.trainLoss, e.valLoss, e.dropoutLoss]) assert.ok(Number.isFinite(v) && v > 0);
    }
    assert.ok(run.epochs[1].trainLoss < run.epochs[0].trainLoss, `p ${run.p}: training lowers the training loss`);
  }
});

test('dropout.overfit(small) twice with one seed gives deep-equal records (meta aside)', async () => {
  small ??= await dropout.overfit(SMALL);
  assert.deepEqual(withoutMeta(await dropout.overfit(SMALL)), withoutMeta(small));
});

test('dropout.OVERFIT_DEFAULTS is the lesson\'s two-seed-sized run; {...dropout.OVERFIT_LARGE} is the larger one, in quick mode too', () => {
  const steps = (c: dropout.OverfitConfig) => c.ps.length * c.epochs * stepsPerEpoch(c.trainSize, c.batchSize);
  const small = resolveOverfitOptions({});
  assert.deepEqual([small.ps, small.trainSize, small.valSize, small.epochs, steps(small)], [[1, 0.5], 2000, 1000, 10, 320]);
  const large = resolveOverfitOptions({ ...dropout.OVERFIT_LARGE });
  assert.deepEqual([large.ps, large.trainSize, large.valSize, large.epochs, steps(large)], [[1, 0.8, 0.5], 10_000, 5000, 15, 3555]);
  assert.deepEqual({ ...large, ps: small.ps, trainSize: 2000, valSize: 1000, epochs: 10 }, small, 'the same net, optimiser and batches otherwise');
});

test('dropout.overfit asks for no more images than there are, naming the option', async () => {
  await assert.rejects(dropout.overfit({ trainSize: 60_000, valSize: 10_000, epochs: 1 }),
    /^ArgumentError: trainSize \+ valSize must be at most the \d+ training images available/);
  await assert.rejects(dropout.overfit({ sizes: [100, 10] }), { message: 'sizes must be layer sizes starting at 784 (28x28 pixels) and ending at 10 (classes), got [100, 10]' });
});

// ---------------------------------------------------------------- figures and tables

test('dropout.expectationFigure(record) labels every cell and draws ±2 SE error bars and the exact gaps', async () => {
  const r = await record();
  const fig = dropout.expectationFigure(r);
  const layout = fig.layout as Record<string, { title?: { text?: string } }>;
  assert.match(String((fig.layout.title as { text: string }).text), /p = 0.5/);
  for (let k = 1; k <= 6; k++) {
    const s = k === 1 ? '' : String(k);
    assert.ok(layout[`xaxis${s}`].title?.text && layout[`yaxis${s}`].title?.text, `cell ${k} has axis titles`);
  }
  const mc = fig.data.filter((t) => t.name === 'Monte Carlo ± 2 SE');
  assert.equal(mc.length, 6);
  const firstSe = caseOf(r, 'vanilla').probes.first.se;
  assert.deepEqual((mc[0].error_y as { array: number[] }).array, firstSe.map((e) => 2 * e));
  assert.equal(fig.data.filter((t) => t.name === 'exact (all masks)').length, 6);
  assert.equal(expectationRows(r).length, 9);
  assert.equal(dropout.neuronFigure(r).data.length, 3);
  assert.throws(() => dropout.expectationFigure({ experiment: 'initStats' } as never), /record must be a record returned by nn\.dropout\.expectation\(\)/);
});

test('dropout.ensembleFigure, dropout.overfitFigure and the tables are labelled plain data', async () => {
  const ens = dropout.ensembleFigure(await dropout.ensemble({ ks: [1, 4, 16], repeats: 2 }));
  assert.equal((ens.layout.xaxis as { type: string }).type, 'log');
  assert.ok(ens.data.some((t) => String(t.name).startsWith('floor')));
  small ??= await dropout.overfit(SMALL);
  const fig = dropout.overfitFigure(small);
  assert.equal(fig.data.length, 8, '2 runs x train/val x loss/accuracy');
  assert.match(String((fig.layout.title as { text: string }).text), /MNIST MLP 784-32-32-32-10/);
  assert.equal(overfitRows(small)[0].run, 'no dropout (p = 1)');
  assert.equal(tfLayersKindRows(await dropout.tfLayersKind({ p: 0.5 })).length, 2);
});

test('dropout.overfit({progress: true}) outside a notebook prints a text bar over all steps and the validation loss per run', async () => {
  const lines: string[] = [];
  const write = process.stderr.write;
  process.stderr.write = ((chunk: string | Uint8Array) => { lines.push(String(chunk)); return true; }) as typeof process.stderr.write;
  try {
    await dropout.overfit({ ...SMALL, epochs: 1, progress: true });
  } finally {
    process.stderr.write = write;
  }
  assert.ok(lines.some((l) => /Validation loss while training @ epoch 1: no dropout \(p = 1\) \d/.test(l)), lines.join(''));
  assert.ok(lines.some((l) => /^dropout\.overfit: dropout p = 0\.5 100% .* 12\/12 /.test(l)), lines.join(''));
});

// ---------------------------------------------------------------- the one progress shape

/** Checks a run's progress events: the one shape, one total, done never decreasing and ending at the total. */
function checkEvents(events: ProgressEvent[], phases: readonly string[]): void {
  assert.ok(events.length > 0);
  for (const e of events) {
    assert.deepEqual(Object.keys(e).sort(), ['done', 'metrics', 'phase', 'total']);
    assert.ok(Object.values(e.metrics).every((v) => typeof v === 'number' && Number.isFinite(v)), JSON.stringify(e));
  }
  assert.ok(events.every((e) => e.total === events[0].total), 'one total for the whole experiment');
  events.forEach((e, i) => assert.ok(i === 0 || e.done >= events[i - 1].done, `done ${e.done} after ${events[i - 1]?.done}`));
  assert.equal(events[events.length - 1].done, events[0].total);
  assert.deepEqual([...new Set(events.map((e) => e.phase))], phases);
}

test('dropout.expectation({progress: fn}) reports the neuron, every chunk of masks and the enumeration; progress is not recorded', async () => {
  const events: ProgressEvent[] = [];
  const options = { samples: 40_000, seed: 2 };
  const r = await dropout.expectation({ ...options, progress: (e) => events.push(e) });
  checkEvents(events, ['neuron', 'net: masks', 'net: exact']);
  assert.deepEqual(events.map((e) => e.done), [1, 2, 3, 4, 5], 'the neuron, 40,000 masks in three chunks of at most 16,384, the enumeration');
  assert.ok(!('progress' in r.options));
  assert.deepEqual(withoutMeta(r), withoutMeta(await dropout.expectation({ ...options, progress: false })), 'watching changes no number');
});

test('dropout.ensemble({progress: fn}) counts the masks drawn up to repeats × max(ks); progress is not recorded', async () => {
  const events: ProgressEvent[] = [];
  const options = { ks: [1, 4, 16], repeats: 3, seed: 5 };
  const r = await dropout.ensemble({ ...options, progress: (e) => events.push(e) });
  checkEvents(events, ['masks']);
  assert.equal(events[0].total, 48);
  assert.ok(!('progress' in r.options));
  assert.deepEqual(withoutMeta(r), withoutMeta(await dropout.ensemble(options)));
});

test('dropout.tfLayersKind({progress: fn}) reports the test mode, then training; progress is not recorded', async () => {
  const events: ProgressEvent[] = [];
  const r = await dropout.tfLayersKind({ p: 0.5, seed: 1, progress: (e) => events.push(e) });
  checkEvents(events, ['test', 'training']);
  assert.deepEqual(events.map((e) => [e.done, e.total]), [[1, 2], [2, 2]]);
  assert.ok(!('progress' in r.options));
  assert.deepEqual(r, await dropout.tfLayersKind({ p: 0.5, seed: 1 }));
});

test('dropout.overfit({progress: fn}) reports the loading of the images (done 0), every step ({loss, step}) and epoch ({meanLoss, valLoss, ..., epoch}) over all runs; progress is not recorded', async () => {
  const events: ProgressEvent[] = [];
  const r = await dropout.overfit({ ...SMALL, progress: (e) => events.push(e) });
  checkEvents(events, ['loading the images', 'no dropout (p = 1)', 'dropout p = 0.5']);
  assert.deepEqual(events[0], { done: 0, total: 24, phase: 'loading the images', metrics: {} }, 'the bar appears before the images are read');
  const steps = events.slice(1).filter((e) => e.metrics.valLoss === undefined);
  assert.deepEqual(steps.map((e) => e.done), Array.from({ length: 24 }, (_, i) => i + 1));
  assert.deepEqual(Object.keys(steps[0].metrics), ['loss', 'step']);
  const epochs = events.filter((e) => e.metrics.valLoss !== undefined);
  assert.deepEqual(epochs.map((e) => Object.keys(e.metrics)), Array(4).fill(['meanLoss', 'trainLoss', 'trainAcc', 'valLoss', 'valAcc', 'epoch']));
  // the one training loop reports each epoch's mean training-time loss: the record's dropoutLoss
  assert.deepEqual(epochs.map((e) => e.metrics.meanLoss), r.runs.flatMap((run) => run.epochs.map((e) => e.dropoutLoss)));
  assert.deepEqual(epochs.map((e) => e.metrics.valLoss), r.runs.flatMap((run) => run.epochs.map((e) => e.valLoss)));
  assert.ok(!('progress' in r.options));
  small ??= await dropout.overfit(SMALL);
  assert.deepEqual(withoutMeta(r), withoutMeta(small));
});

test('every dropout experiment rejects a progress option that is not true, false or a function, naming it', async () => {
  const message = 'progress must be true, false or a function ({ done, total, phase, metrics }) => void, got "yes"';
  await assert.rejects(dropout.expectation({ progress: 'yes' } as never), { message });
  await assert.rejects(dropout.ensemble({ progress: 'yes' } as never), { message });
  await assert.rejects(dropout.tfLayersKind({ progress: 'yes' } as never), { message });
  await assert.rejects(dropout.overfit({ progress: 'yes' } as never), { message });
});

// ---------------------------------------------------------------- the 3-layer setup

test('expectationSetup({sizes, batchSize, seed}) is seeded: same seed, same net and inputs; float32 values', () => {
  const a = expectationSetup({ sizes: [4, 8, 8, 1], batchSize: 3, seed: 1 });
  const b = expectationSetup({ sizes: [4, 8, 8, 1], batchSize: 3, seed: 1 });
  const c = expectationSetup({ sizes: [4, 8, 8, 1], batchSize: 3, seed: 2 });
  assert.deepEqual(a, b);
  assert.notDeepEqual(a.params, c.params);
  const all = [...a.X.flat(), ...a.params.flatMap((l: dropout.NetLayer64) => l.W.flat())];
  assert.ok(all.every((v) => Math.fround(v) === v));
});

// ---------------------------------------------------------------- init, leaks of the ops, determinism

test('heWeights(784, 512, seed, 1) draws W ~ N(0, 2 / fanIn): mean and std within 4 SE', () => {
  const W = heWeights(784, 512, 1, 1);
  const n = W.length;
  const mean = W.reduce((a, b) => a + b, 0) / n;
  const std = Math.sqrt(W.reduce((a, b) => a + (b - mean) ** 2, 0) / n);
  const sigma = Math.sqrt(2 / 784);
  assert.ok(Math.abs(mean) < 4 * sigma / Math.sqrt(n), `mean ${mean}`); // SE of a mean: σ/√n
  assert.ok(Math.abs(std - sigma) < 4 * sigma / Math.sqrt(2 * n), `std ${std} vs ${sigma}`); // SE of a normal std: σ/√(2n)
  assert.deepEqual(Array.from(W.subarray(0, 512)), dropout.netParams64([784, 512, 10], 1)[0].W[0], 'the same numbers as dropout.netParams64');
});

test('dropout.forward, dropout.netForward and dropout.netBackward leave only the tensors they return', async () => {
  const params = dropout.netTensors(dropout.netParams64([5, 6, 7, 3], 1));
  const X = tf.randomNormal([4, 5], 0, 1, 'float32', 1) as tf.Tensor2D;
  const ops = await countTensors(() => {
    const { out, cache } = dropout.forward(X, { p: 0.5, scheme: 'inverted', training: true, seed: 1 });
    const dx = dropout.backward(out, cache);
    tf.dispose([out, dx, cache.multiplier]);
  });
  assert.equal(ops.leaked, 0);
  const net = await countTensors(() => {
    const { scores, cache } = dropout.netForward(X, params, { p: 0.5, scheme: 'vanilla', training: true, seed: 2 });
    const grads = dropout.netBackward(scores, cache, params);
    tf.dispose([scores, ...grads.flatMap((g) => [g.dW, g.db])]);
    dropout.disposeNetCache(cache);
    dropout.netPredict(X, params, { p: 0.5, scheme: 'vanilla' }).dispose();
  });
  assert.equal(net.leaked, 0);
  tf.dispose(X);
  dropout.disposeNet(params);
});

test('dropout.ensemble({seed}) twice gives deep-equal records (meta aside); dropout.overfit takes SGD with momentum too', async () => {
  const opts = { ks: [1, 4, 16], repeats: 3, seed: 5 };
  assert.deepEqual(withoutMeta(await dropout.ensemble(opts)), withoutMeta(await dropout.ensemble(opts)));
  const r = await dropout.overfit({ ...SMALL, ps: [0.5], epochs: 1, optimizer: 'momentum', lr: 0.05 });
  assert.equal(r.options.optimizer, 'momentum');
  await assert.rejects(dropout.overfit({ optimizer: 'rmsprop' } as never), { message: 'optimizer must be one of "adam", "momentum", got "rmsprop"' });
});

test('dropout.expectation\'s exact expectations equal an independent NumPy brute force over all 2^16 masks, and its Monte Carlo is within 5 SE of NumPy', async () => {
  const r = await record();
  for (const c of r.cases) {
    const ref = numpyExact(r, c.scheme === 'inverted' ? 'inverted' : 'vanilla');
    for (const s of Object.values(c.probes)) {
      // both sum 65,536 weighted float64 terms: rounding of order 2^16 · 2^-53 relative
      assert.ok(relError(s.exact!, ref[s.probe]) <= r.thinnedNetworks * EPS64 * 16, `${c.scheme} ${s.probe}: ${relError(s.exact!, ref[s.probe])}`);
      s.trainMean.forEach((m, i) => assert.ok(Math.abs(m - ref[s.probe][i]) <= Z_IDENTITY * s.se[i] || s.se[i] === 0, `${c.scheme} ${s.probe} ${i}`));
    }
  }
});

// ---------------------------------------------------------------- bad input (issue 17)

/** Runs `f`, expecting an ArgumentError whose message matches `message`; returns the message. */
async function argumentError(f: () => unknown, message: RegExp | string): Promise<string> {
  let caught: unknown;
  try {
    await f();
  } catch (err) {
    caught = err;
  }
  assert.ok(caught instanceof ArgumentError, `expected an ArgumentError, got ${caught instanceof Error ? `${caught.name}: ${caught.message}` : String(caught)}`);
  if (typeof message === 'string') assert.equal(caught.message, message);
  else assert.match(caught.message, message);
  return caught.message;
}

test('tf.layers\' rate is never silently ignored: dropout.forward({..., rate: 0.9}) says that p is the keep probability 1 - rate', async () => {
  const x = tf.ones([2, 3]);
  // before: rate ignored, the default-free p = 0.5 run as if nothing was said
  await argumentError(() => dropout.forward(x, { p: 0.5, scheme: 'inverted', training: true, seed: 1, rate: 0.9 } as never),
    'dropout.forward: rate is not an option: rate is tf.layers\' drop rate; nnlab\'s dropout takes the keep probability p = 1 - rate (rate 0.9 is p = 0.1)');
  await argumentError(() => dropout.inverted(x, { rate: 0.9, training: false } as never), /^dropout\.inverted: rate is not an option: rate is tf\.layers' drop rate; nnlab's dropout takes the keep probability p = 1 - rate/);
  await argumentError(() => dropout.expectation({ rate: 0.5 } as never), /^dropout\.expectation: rate is not an option: .* keep probability p = 1 - rate \(rate 0\.5 is p = 0\.5\)$/);
  await argumentError(() => dropout.overfit({ rate: 0.2 } as never), /^dropout\.overfit: rate is not an option: .* keep probability ps = 1 - rate \(rate 0\.2 is ps = 0\.8\)$/);
  await argumentError(() => dropout.netForward(x as tf.Tensor2D, [], { p: 0.5, scheme: 'inverted', training: false, rate: 0.5 } as never), /^dropout\.netForward: rate is not an option/);
  // any other unknown key too, with the known ones
  await argumentError(() => dropout.forward(x, { p: 0.5, scheme: 'inverted', training: false, sed: 1 } as never), 'dropout.forward.sed must be one of the known options (p, scheme, training, seed); "sed" is not an option (did you mean "seed"?), got 1');
  x.dispose();
});

test('dropout.inverted(x, {scheme: "vanilla"}) and dropout.vanilla(x, {scheme}) are errors: the function fixes the scheme', async () => {
  const x = tf.ones([2, 3]);
  // before: the scheme was silently overridden by inverted
  await argumentError(() => dropout.inverted(x, { p: 0.5, training: false, scheme: 'vanilla' } as never),
    'dropout.inverted: scheme is not an option: nn.dropout.inverted is inverted dropout, whatever the scheme says; for vanilla dropout ' +
    'call nn.dropout.vanilla(x, options) or nn.dropout.forward(x, { scheme: \'vanilla\', ... })');
  await argumentError(() => dropout.vanilla(x, { p: 0.5, training: false, scheme: 'vanilla' } as never), /^dropout\.vanilla: scheme is not an option/);
  await argumentError(() => dropout.inverted(x, { p: 0.5, training: false, progress: true } as never), /^dropout\.inverted\.progress must be one of the known options \(p, training, seed\); "progress" is not an option/);
  x.dispose();
});

test('dropout.backward(x, null), a disposed dout or a wrong shape is an ArgumentError naming the argument, not a TypeError', async () => {
  const x = tf.ones([2, 3]);
  const { out, cache } = dropout.forward(x, { p: 0.5, scheme: 'inverted', training: true, seed: 1 });
  // before: TypeError: Cannot read properties of null (reading 'multiplier')
  await argumentError(() => dropout.backward(x, null as never), 'cache must be the cache that nn.dropout.forward returned ({ multiplier }), got null');
  await argumentError(() => dropout.backward(null as never, cache), 'dout must be a tensor, got null');
  await argumentError(() => dropout.backward([[1, 2, 3]] as never, cache), /^dout must be a tensor, got an array \[\[1, 2, 3\]\] \(make a tensor with tf\.tensor/);
  const wrong = tf.ones([3, 2]);
  await argumentError(() => dropout.backward(wrong, cache), 'dout must be a tensor of the shape of the forward pass\'s x, [2, 3], got a float32 tensor [3, 2]');
  const gone = tf.ones([2, 3]);
  gone.dispose();
  await argumentError(() => dropout.backward(gone, cache), /^dout must be a tensor that is not disposed, got a disposed tensor \[2, 3\]/);
  await argumentError(() => dropout.forward(gone, { p: 0.5, scheme: 'inverted', training: false }), /^x must be a tensor that is not disposed/);
  await argumentError(() => dropout.netBackward(x as tf.Tensor2D, null as never, []), /^params must be a non-empty array of layers/);
  dropout.disposeCache(cache);
  await argumentError(() => dropout.backward(x, cache), /^cache\.multiplier must be a tensor that is not disposed/);
  await argumentError(() => dropout.disposeCache(undefined as never), /^cache must be the cache that nn\.dropout\.forward returned/);
  tf.dispose([x, out, wrong]);
});

test('a NaN inside the input is an error naming the tensor and where the NaN is, not NaN outputs', async () => {
  const x = tf.tensor2d([[1, 2, 3], [4, NaN, 6]]);
  // before: out held NaN, silently
  await argumentError(() => dropout.forward(x, { p: 0.5, scheme: 'inverted', training: true, seed: 1 }),
    /^x must be finite: it holds 1 NaN \(the first at \[1, 1\]\), got a float32 tensor \[2, 3\]/);
  await argumentError(() => dropout.vanilla(x, { p: 0.5, training: false }), /^x must be finite: it holds 1 NaN/);
  const { out, cache } = dropout.forward(tf.onesLike(x), { p: 0.5, scheme: 'vanilla', training: true, seed: 2 });
  const inf = tf.tensor2d([[1, Infinity, 3], [4, 5, 6]]);
  await argumentError(() => dropout.backward(inf, cache), /^dout must be finite: it holds 1 infinite value \(the first at \[0, 1\]\)/);
  const params = dropout.netTensors(dropout.netParams64([3, 4, 4, 1], 1));
  await argumentError(() => dropout.netForward(x, params, { p: 0.5, scheme: 'inverted', training: false }), /^X must be finite: it holds 1 NaN/);
  await argumentError(() => dropout.netPredict(tf.ones([2, 5]) as tf.Tensor2D, params, { p: 0.5, scheme: 'inverted' }), /^X\.shape must be \[any, 3\], got \[2, 5\]/);
  dropout.disposeNet(params);
  dropout.disposeCache(cache);
  tf.dispose([x, out, inf]);
});

test('dropout.mask([1e9, 1e9], ...) is an ArgumentError with the size limit, and a mask over the memory limit says how much it needs', async () => {
  // before: RangeError: Invalid typed array length
  await argumentError(() => dropout.mask([1e9, 1e9], 0.5, 1),
    'shape is too large: dropout.mask of shape [1000000000, 1000000000] would hold 1000000000000000000 units, over the 1073741824 (2^30) that one float32 tensor can hold here (4 GB)');
  const message = await argumentError(() => dropout.mask([30_000, 30_000], 0.5, 1), /^shape is too large: dropout\.mask would hold about 10\.1 GB at once \(a mask of 900000000 units \(\[30000, 30000\]\) and the uniform draws behind it, float32\), over the memory limit of/);
  assert.ok(!message.includes('\n'));
  await argumentError(() => dropout.mask([2, -1], 0.5, 1), 'shape[1] must be an integer in [0, 2147483647], got -1');
  await argumentError(() => dropout.mask('2x2' as never, 0.5, 1), 'shape must be an array of 0 to 8 values, got "2x2"');
});

test('every experiment refuses a run estimated over 30 s, naming the option, before it starts', async () => {
  const start = Date.now();
  await argumentError(() => dropout.expectation({ samples: 1_000_000, batchSize: 100 }),
    /^samples is too large: dropout\.expectation would run for about \d+ s \(1000000 masks per example through the 4-8-8-1 net, batchSize 100\), over its limit of 30 s; use at most \d+ samples here, or a smaller net or batchSize$/);
  await argumentError(() => dropout.expectation({ sizes: [4, 10, 10, 1], batchSize: 5000, samples: 2 }), /^sizes is too large: dropout\.expectation would run for about \d+ minutes \(all 2\^20 masks enumerated for each of 5000 examples, twice\)/);
  await argumentError(() => dropout.ensemble({ repeats: 2000, sizes: [4, 256, 256, 1] }), /^repeats is too large: dropout\.ensemble would run for about/);
  // the enumeration's cost grows with the layers' widths too, not only with 2^units
  await argumentError(() => dropout.ensemble({ sizes: [64, 10, 10, 64], ks: [1, 2], repeats: 1 }), /^sizes is too large: dropout\.ensemble would run for about \d+ s \(all 2\^20 masks enumerated for each of 8 examples\)/);
  await argumentError(() => dropout.overfit({ epochs: 200, trainSize: 20_000 }), /^epochs is too large: dropout\.overfit would train 2 nets of 932362 parameters for 200 epochs of 20000 images/);
  await argumentError(() => dropout.tfLayersKind({ rows: 10_000, cols: 10_000 }), /^rows is too large: dropout\.tfLayersKind would hold about 4\.5 GB at once/);
  assert.ok(Date.now() - start < 3000, `refusals took ${Date.now() - start} ms`);
  // the largest default-net run the CLI allows stays well under a minute by the estimate, and the defaults are quick
  const { expectationSeconds, resolveExpectationOptions } = await import('../src/lessons/dropout/expectation');
  const most = expectationSeconds(resolveExpectationOptions({ samples: 1_000_000 }));
  assert.ok(most.monteCarlo + most.exact < 10, JSON.stringify(most));
  const usual = expectationSeconds(resolveExpectationOptions({}));
  assert.ok(usual.monteCarlo + usual.exact < 1, JSON.stringify(usual));
});

test('nn.dropout.neuronExpectation() is the lecture\'s neuron; its options are declared like an experiment\'s', async () => {
  assert.deepEqual(dropout.neuronExpectation(), dropout.neuronExpectation({ w: [2, 1], x: [1, 3], p: 0.5 }));
  await argumentError(() => dropout.neuronExpectation({ w: [1, 2, 3] as never }), 'w must be an array of 2 values, got [1, 2, 3]');
  await argumentError(() => dropout.neuronExpectation({ x: [1, NaN] }), 'x[1] must be a finite number in [-1000000, 1000000], got NaN');
  await argumentError(() => dropout.exactExpectation([1, 2], dropout.netParams64([4, 2, 2, 1], 1), { p: 0.5, scheme: 'inverted' }), 'x must be an array of 4 numbers (the net\'s inputs), got [1, 2]');
  await argumentError(() => dropout.exactExpectation([1, 2, 3, 4], dropout.netParams64([4, 2, 2, 1], 1), { p: 0.5, scheme: 'inverted', rate: 0.5 } as never), /^dropout\.exactExpectation: rate is not an option/);
});

test('nnlab dropout --samples 10000000 and --p 0.5 --p 0.9 are usage errors (exit 2) naming the option', async () => {
  const run = (argv: string[]) => cliInProcess(argv);

  // before: 10,000,000 masks were allowed and ran for 60 s with no output
  let r = await run(['dropout', '--samples', '10000000']);
  assert.equal(r.status, 2);
  assert.match(r.stderr, /^nnlab: dropout: --samples must be an integer in \[2, 1000000\], got "10000000"$/m);
  r = await run(['dropout', '--p', '0.5', '--p', '0.9']);
  assert.equal(r.status, 2);
  assert.match(r.stderr, /^nnlab: dropout: --p is given twice \("0\.5" and "0\.9"\); give it once$/m);
  r = await run(['dropout-overfit', '--large', '--epochs', '1000']);
  assert.equal(r.status, 2);
  assert.match(r.stderr, /^nnlab: dropout-overfit: --epochs is too large: dropout\.overfit would train 3 nets/m);
  const { DROPOUT_COMMANDS } = await import('../src/lessons/dropout/cli');
  assert.match(DROPOUT_COMMANDS.dropout.usage, /--samples N {2}masks per example, 2 to 1000000 \(default 20000\); about 7 s per\n\s+million masks on one wasm thread, twice that on a busy machine; a progress\n\s+bar on stderr for runs over 2 s/);
});

test('the net\'s functions check their arguments: huge sizes, bad masks, a NaN input, an unknown option or a null cache is an ArgumentError', async () => {
  await argumentError(() => dropout.netParams64([1e9, 1e9], 1), 'sizes[0] must be an integer in [1, 65536], got 1000000000');
  await argumentError(() => dropout.netParams64([65_536, 65_536, 10], 1), /^sizes is too large: dropout\.netParams64 would hold about \d+\.\d GB at once \(4295688202 parameters of the 65536-65536-10 net as float64 arrays\), over the memory limit of/);
  const params64 = dropout.netParams64([3, 2, 2, 1], 1);
  await argumentError(() => dropout.netForward64([1, NaN, 3], params64, { p: 0.5, scheme: 'inverted', training: false }), 'x[1] must be a finite number, got NaN');
  await argumentError(() => dropout.netForward64([1, 2, 3], params64, { p: 0.5, scheme: 'inverted', training: true, masks: [[1, 0], [1, 2]] }),
    'masks[1] must be 2 values, each 0 or 1 (hidden layer 2\'s units), got [1, 2]');
  await argumentError(() => dropout.netForward64([1, 2, 3], params64, { p: 0.5, scheme: 'inverted', training: false, rate: 0.5 } as never), /^dropout\.netForward64: rate is not an option/);
  await argumentError(() => dropout.disposeNetCache(null as never), /^cache must be the cache that nn\.dropout\.netForward returned/);
  const params = dropout.netTensors(params64);
  const X = tf.ones([2, 3]) as tf.Tensor2D;
  await argumentError(() => dropout.netForward(X, params, { p: 0.5, scheme: 'inverted', training: false, activation: 'tanh' } as never), 'activation must be one of "relu", "linear", got "tanh"');
  await argumentError(() => dropout.netForward(X, [{ W: params[0].W, b: null }] as never, { p: 0.5, scheme: 'inverted', training: false }), 'params[0].b must be a tensor of rank 1, got null');
  await argumentError(() => dropout.netPredict(X, params, { p: 0.5, scheme: 'inverted', training: true } as never), /^dropout\.netPredict\.training must be one of the known options \(p, scheme, activation\); "training" is not an option/);
  dropout.disposeNet(params);
  X.dispose();
});
