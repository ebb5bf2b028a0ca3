/**
 * The wasm FusedBatchNorm override (src/engine/wasm/batchnorm.ts) against tfjs's cpu backend, bit
 * for bit: channels odd and even, parameters per channel or of size 1, offset and scale absent,
 * default and custom ε, special values (NaN, ±Inf, zero variance, huge and tiny values); a
 * parameter of another size goes to the stock kernel; the tf.layers batch-norm layer in training
 * and inference; leaks.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-wasm';
import { isWasmKernelOverridden, registerWasmKernelOverrides } from '../src/engine/wasm/kernels';
import { uniform } from './helpers';

interface Case { x: number[]; c: number; params: { mean: number; variance: number; offset: number | null; scale: number | null }; eps?: number }

/** x shapes with last axis c; each parameter of size c, 1, or absent (offset, scale). */
const CASES: Case[] = [
  { x: [4, 6, 6, 3], c: 3, params: { mean: 3, variance: 3, offset: 3, scale: 3 } },
  { x: [2, 5, 5, 32], c: 32, params: { mean: 32, variance: 32, offset: 32, scale: 32 }, eps: 1e-5 },
  { x: [64, 7], c: 7, params: { mean: 7, variance: 1, offset: null, scale: 7 } },
  { x: [9, 1], c: 1, params: { mean: 1, variance: 1, offset: 1, scale: null } },
  { x: [3, 4, 10], c: 10, params: { mean: 1, variance: 10, offset: 1, scale: 1 }, eps: 0 },
  { x: [1001], c: 1001, params: { mean: 1001, variance: 1001, offset: 1001, scale: 1001 } },
];

const SPECIAL = [NaN, Infinity, -Infinity, 0, -0, 1e-45, 3e38, -3e38, 1e-20];

function bitsDiffer(a: Float32Array, b: Float32Array): number {
  const ua = new Uint32Array(a.buffer, a.byteOffset, a.length);
  const ub = new Uint32Array(b.buffer, b.byteOffset, b.length);
  let n = 0;
  for (let i = 0; i < a.length; i++) if (ua[i] !== ub[i] && !(Number.isNaN(a[i]) && Number.isNaN(b[i]))) n++;
  return n;
}

async function batchNormOn(backend: 'cpu' | 'wasm', k: number, c: Case): Promise<Float32Array> {
  await tf.setBackend(backend);
  const xs = uniform(c.x.reduce((a, b) => a * b, 1), 100 + k).map((v, i) => (i < SPECIAL.length ? SPECIAL[i] : 3 * v));
  const p = (n: number | null, seed: number, f: (v: number) => number) => (n === null ? undefined : tf.tensor1d(uniform(n, seed).map(f)));
  return tf.tidy(() => tf.batchNorm(tf.tensor(xs, c.x), p(c.params.mean, 200 + k, (v) => v)!, p(c.params.variance, 300 + k, (v) => (k === 0 ? 0 : Math.abs(v) * 2))!,
    p(c.params.offset, 400 + k, (v) => v), p(c.params.scale, 500 + k, (v) => 1 + v), c.eps).dataSync() as Float32Array);
}

test('tf.batchNorm on wasm with the overrides gives the cpu backend\'s bits: odd and even channels, parameters per channel or shared, offset or scale absent, special values', async () => {
  registerWasmKernelOverrides();
  await tf.setBackend('wasm');
  assert.ok(isWasmKernelOverridden(tf.FusedBatchNorm));
  for (const [k, c] of CASES.entries()) {
    const cpu = await batchNormOn('cpu', k, c);
    const wasm = await batchNormOn('wasm', k, c);
    assert.equal(bitsDiffer(wasm, cpu), 0, `case ${k}: x [${c.x}] ${JSON.stringify(c.params)}`);
    assert.ok(cpu.some(Number.isNaN), 'NaN stays NaN');
  }
});

test('a parameter of a size other than C or 1 goes to the stock kernel, and the answer is still tfjs\'s', async () => {
  registerWasmKernelOverrides();
  await tf.setBackend('wasm');
  // mean of size 2 cycles through the 6 channels of x: tfjs's kernels do this on every backend
  const run = () => tf.tidy(() => tf.batchNorm(tf.tensor(uniform(24, 1), [4, 6]), tf.tensor1d([0.5, -0.5]), tf.tensor1d([1, 1]), undefined, undefined, 1e-3).dataSync());
  const wasm = run();
  await tf.setBackend('cpu');
  const cpu = run();
  assert.ok(wasm.every((v, i) => Math.abs(v - cpu[i]) <= 1e-6 * Math.max(1, Math.abs(cpu[i]))));
});

test('a tf.layers batch-norm layer in training and in inference gives the cpu backend\'s bits on wasm', async () => {
  registerWasmKernelOverrides();
  const run = async (backend: 'cpu' | 'wasm') => {
    await tf.setBackend(backend);
    const layer = tf.layers.batchNormalization({ inputShape: [5, 5, 8] });
    const model = tf.sequential({ layers: [layer] });
    tf.tidy(() => model.setWeights(model.getWeights().map((w, i) => tf.add(w, tf.randomUniform(w.shape, 0, 1, 'float32', 7 + i)))));
    const x = tf.randomNormal([6, 5, 5, 8], 2, 3, 'float32', 11);
    const train = tf.tidy(() => (model.apply(x, { training: true }) as tf.Tensor).dataSync() as Float32Array);
    const infer = tf.tidy(() => (model.apply(x, { training: false }) as tf.Tensor).dataSync() as Float32Array);
    tf.dispose(x);
    model.dispose();
    return { train, infer };
  };
  const cpu = await run('cpu');
  const wasm = await run('wasm');
  assert.equal(bitsDiffer(wasm.infer, cpu.infer), 0, 'inference: moving statistics');
  // training: the batch moments come from Mean kernels (float64 column sums on wasm, float64 on cpu)
  assert.ok(wasm.train.every((v, i) => Math.abs(v - cpu.train[i]) <= 1e-5 * Math.max(1, Math.abs(cpu.train[i]))));
});

test('the FusedBatchNorm override leaves no tensor and no wasm memory behind', async () => {
  registerWasmKernelOverrides();
  await tf.setBackend('wasm');
  const backend = tf.backend() as unknown as { numDataIds(): number };
  const x = tf.randomNormal([8, 4, 4, 5]);
  const [m, v, o, s] = [tf.zeros([5]), tf.ones([5]), tf.zeros([5]), tf.ones([5])];
  tf.batchNorm(x, m, v, o, s).dispose();
  const before = [tf.memory().numTensors, backend.numDataIds()];
  for (let i = 0; i < 3; i++) tf.batchNorm(x, m, v, o, s).dispose();
  tf.tidy(() => { tf.batchNorm(x, tf.tensor1d([1, 2]), tf.tensor1d([1, 2])); }); // stock
  assert.deepEqual([tf.memory().numTensors, backend.numDataIds()], [before[0], before[1]]);
  tf.dispose([x, m, v, o, s]);
});
