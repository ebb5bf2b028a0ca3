/**
 * The wasm gradient overrides (src/engine/wasm/gradients.ts): batch norm's and the mean's gradients
 * against float64 implementations of the derivatives, against central differences through a real
 * tf.layers.batchNormalization in training and inference mode, against tfjs's own gradients, and
 * for leaks. Tolerances follow test/wasm-kernels.test.ts: a float32 sum of K terms is within
 * γ_K·Σ|terms| of the exact sum, γ_K = K·u/(1 - K·u), u = 2⁻²⁴.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-wasm';
import {
  WASM_GRADIENT_OVERRIDES, isWasmGradientOverridden, registerWasmKernelOverrides, unregisterWasmKernelOverrides,
} from '../src/engine/wasm/kernels';
import { centralDifferences, gamma, relError, U32, uniform } from './helpers';

type Grads5 = { dx: Float32Array; dmean: Float32Array; dvariance: Float32Array; dscale: Float32Array; doffset: Float32Array };

/** (tfjs 4.22 cannot differentiate tf.batchNorm without γ on any backend: its tape saves the missing input.) */
interface BnCase { shape: number[]; eps: number; seed: number }

/** Inputs of a batch-norm gradient case: x, μ, σ² (> 0), β, γ and the upstream dy, as float32. */
function bnInputs({ shape, seed }: BnCase) {
  const c = shape[shape.length - 1];
  const n = shape.reduce((p, d) => p * d, 1);
  return {
    x: uniform(n, seed, -2, 2), mean: uniform(c, seed + 1), variance: uniform(c, seed + 2, 0.2, 3),
    offset: uniform(c, seed + 3), scale: uniform(c, seed + 4, 0.5, 2), dy: uniform(n, seed + 5),
  };
}

/** The five gradients of L = Σ dy ⊙ batchNorm(x, μ, σ², β, γ) on the current backend. */
function bnGrads(k: BnCase): Grads5 {
  const v = bnInputs(k);
  return tf.tidy(() => {
    const dy = tf.tensor(v.dy, k.shape);
    const f = (x: tf.Tensor, mean: tf.Tensor, variance: tf.Tensor, offset: tf.Tensor, scale: tf.Tensor) =>
      tf.sum(tf.mul(dy, tf.batchNorm(x, mean, variance, offset, scale, k.eps)));
    const g = tf.grads(f)([tf.tensor(v.x, k.shape), tf.tensor1d(v.mean), tf.tensor1d(v.variance), tf.tensor1d(v.offset), tf.tensor1d(v.scale)]);
    const [dx, dmean, dvariance, doffset, dscale] = g.map((t) => t.dataSync() as Float32Array);
    return { dx, dmean, dvariance, dscale, doffset };
  });
}

/**
 * The same five derivatives in float64 from the module comment's formulas of
 * src/engine/wasm/gradients.ts, written out per element, and Σ|terms| of each (for the bound).
 */
function bnGrads64(k: BnCase): { want: Record<keyof Grads5, Float64Array>; abs: Record<keyof Grads5, Float64Array> } {
  const v = bnInputs(k);
  const c = k.shape[k.shape.length - 1];
  const n = v.x.length;
  const g = (ch: number) => v.scale[ch];
  const r = Float64Array.from(v.variance, (s) => 1 / Math.sqrt(s + Math.fround(k.eps)));
  const want = { dx: new Float64Array(n), dmean: new Float64Array(c), dvariance: new Float64Array(c), dscale: new Float64Array(c), doffset: new Float64Array(c) };
  const abs = { dx: new Float64Array(n), dmean: new Float64Array(c), dvariance: new Float64Array(c), dscale: new Float64Array(c), doffset: new Float64Array(c) };
  for (let i = 0; i < n; i++) {
    const ch = i % c;
    const dy = v.dy[i];
    const xm = v.x[i] - v.mean[ch];
    want.dx[i] = dy * r[ch] * g(ch);
    abs.dx[i] = Math.abs(want.dx[i]);
    want.doffset[ch] += dy;
    abs.doffset[ch] += Math.abs(dy);
    want.dmean[ch] -= dy * r[ch] * g(ch);
    abs.dmean[ch] += Math.abs(dy * r[ch] * g(ch));
    want.dscale[ch] += dy * xm * r[ch];
    abs.dscale[ch] += Math.abs(dy * xm * r[ch]);
    want.dvariance[ch] += -0.5 * r[ch] ** 3 * g(ch) * dy * xm;
    abs.dvariance[ch] += Math.abs(0.5 * r[ch] ** 3 * g(ch) * dy * xm);
  }
  return { want, abs };
}

const BN_CASES: BnCase[] = [
  { shape: [3, 5, 7, 6], eps: 1e-3, seed: 10 },
  { shape: [16, 9], eps: 1e-5, seed: 30 },
  { shape: [2, 1, 33, 1], eps: 0.1, seed: 40 },
  { shape: [64, 4, 4, 32], eps: 1e-3, seed: 50 },
];

test('registerWasmKernelOverrides() installs the FusedBatchNorm and Mean gradients; unregistering puts tfjs\'s own configs back', () => {
  unregisterWasmKernelOverrides();
  const stock = WASM_GRADIENT_OVERRIDES.map((name) => tf.getGradient(name));
  assert.ok(WASM_GRADIENT_OVERRIDES.every((name) => !isWasmGradientOverridden(name)));
  registerWasmKernelOverrides();
  assert.deepEqual([...WASM_GRADIENT_OVERRIDES], ['FusedBatchNorm', 'Mean']);
  assert.ok(WASM_GRADIENT_OVERRIDES.every(isWasmGradientOverridden));
  WASM_GRADIENT_OVERRIDES.forEach((name, i) => {
    assert.deepEqual(tf.getGradient(name)?.inputsToSave, stock[i]?.inputsToSave, `${name}: the same tensors are saved`);
  });
  registerWasmKernelOverrides();
  assert.ok(WASM_GRADIENT_OVERRIDES.every(isWasmGradientOverridden), 'a second call changes nothing');
  unregisterWasmKernelOverrides();
  WASM_GRADIENT_OVERRIDES.forEach((name, i) => assert.equal(tf.getGradient(name), stock[i], `${name}: tfjs's config is back`));
  registerWasmKernelOverrides();
});

test('batch-norm gradients on wasm equal the float64 derivatives within float32 rounding, ranks 2 and 4', async (t) => {
  registerWasmKernelOverrides();
  await tf.setBackend('wasm');
  for (const k of BN_CASES) {
    const got = bnGrads(k);
    const { want, abs } = bnGrads64(k);
    const terms = got.dx.length / k.shape[k.shape.length - 1];
    for (const name of Object.keys(want) as (keyof Grads5)[]) {
      // each result: a sum of `terms` float32 terms (one term for dx) plus up to 6 roundings of the [C] factors
      const K = (name === 'dx' ? 1 : terms) + 6;
      got[name].forEach((v, i) => {
        const bound = gamma(K) * abs[name][i] + 8 * U32 * Math.abs(want[name][i]) + 1e-30;
        assert.ok(Math.abs(v - want[name][i]) <= bound, `[${k.shape}] ${name}[${i}]: ${v} vs ${want[name][i]} (bound ${bound})`);
      });
    }
    t.diagnostic(`[${k.shape}]: all five gradients within bound`);
  }
});

test('batch-norm gradients on wasm agree with tfjs\'s own gradient on cpu, and on cpu the overrides change nothing', async () => {
  registerWasmKernelOverrides();
  for (const k of BN_CASES) {
    await tf.setBackend('wasm');
    const wasm = bnGrads(k);
    await tf.setBackend('cpu');
    const cpuOurs = bnGrads(k);
    unregisterWasmKernelOverrides();
    const cpuStock = bnGrads(k);
    registerWasmKernelOverrides();
    for (const name of Object.keys(wasm) as (keyof Grads5)[]) {
      assert.deepEqual(cpuOurs[name], cpuStock[name], `cpu ${name}: tfjs's gradient runs there`);
      const err = relError(wasm[name], cpuStock[name]);
      assert.ok(err < 1e-6, `[${k.shape}] ${name}: relative error ${err} against cpu`);
    }
  }
  await tf.setBackend('wasm');
});

test('the batch-norm gradient on wasm makes 3 passes over the activation where tfjs\'s makes 10 or more', async () => {
  await tf.setBackend('wasm');
  const k = BN_CASES[0];
  const full = k.shape.reduce((p, d) => p * d, 1);
  const passes = async (): Promise<number> => {
    const v = bnInputs(k);
    const info = await tf.profile(() => tf.tidy(() => {
      const x = tf.tensor(v.x, k.shape);
      const dy = tf.tensor(v.dy, k.shape);
      const params = [v.mean, v.variance, v.offset, v.scale].map((a) => tf.tensor1d(a));
      const [mean, variance, offset, scale] = params;
      const y = tf.batchNorm(x, mean, variance, offset, scale, k.eps);
      // the backward pass alone: tf.grads of the op with dy as the upstream gradient
      tf.grads((a: tf.Tensor, b: tf.Tensor, c: tf.Tensor, d: tf.Tensor, e: tf.Tensor) => tf.batchNorm(a, b, c, d, e, k.eps))([x, ...params], dy);
      return y;
    }));
    // kernels that write a full-size output, minus the forward FusedBatchNorm calls (2)
    return info.kernels.filter((kn) => kn.outputShapes.some((s) => s.reduce((p, d) => p * d, 1) === full) && kn.name !== 'Reshape' && kn.name !== 'Identity').length - 2;
  };
  registerWasmKernelOverrides();
  const ours = await passes();
  unregisterWasmKernelOverrides();
  const stock = await passes();
  registerWasmKernelOverrides();
  assert.equal(ours, 3, 'x - μ, dy·(x - μ), dy·(r·γ)');
  assert.ok(stock >= 10, `tfjs's gradient: ${stock} passes`);
});

/**
 * Float64 L = Σ R ⊙ BN(x) for a batch-norm layer in training mode (batch statistics, biased
 * variance as tf.moments computes it), x [rows, C] with the batch over rows.
 */
function bnTrainLoss64(x: Float64Array, R: Float64Array, rows: number, c: number, gammaV: Float64Array, beta: Float64Array, eps: number): number {
  let L = 0;
  for (let ch = 0; ch < c; ch++) {
    let mu = 0;
    for (let i = 0; i < rows; i++) mu += x[i * c + ch];
    mu /= rows;
    let v = 0;
    for (let i = 0; i < rows; i++) v += (x[i * c + ch] - mu) ** 2;
    v /= rows;
    const r = 1 / Math.sqrt(v + eps);
    for (let i = 0; i < rows; i++) L += R[i * c + ch] * ((x[i * c + ch] - mu) * r * gammaV[ch] + beta[ch]);
  }
  return L;
}

for (const training of [true, false]) {
  test(`tf.layers.batchNormalization on wasm (${training ? 'training: batch statistics, through tf.moments' : 'inference: moving statistics'}) matches float64 central differences`, async (t) => {
    registerWasmKernelOverrides();
    await tf.setBackend('wasm');
    const shape = [4, 3, 5, 6];
    const c = shape[3];
    const rows = shape[0] * shape[1] * shape[2];
    const X = Float64Array.from(uniform(rows * c, 70, -2, 2));
    const R = Float64Array.from(uniform(rows * c, 71));
    const layer = tf.layers.batchNormalization({
      epsilon: 1e-3, gammaInitializer: tf.initializers.randomUniform({ minval: 0.5, maxval: 2, seed: 72 }),
      betaInitializer: tf.initializers.randomUniform({ minval: -1, maxval: 1, seed: 73 }),
      movingMeanInitializer: tf.initializers.randomUniform({ minval: -1, maxval: 1, seed: 74 }),
      movingVarianceInitializer: tf.initializers.randomUniform({ minval: 0.5, maxval: 2, seed: 75 }),
    });
    const x = tf.tensor(Float32Array.from(X), shape);
    const r = tf.tensor(Float32Array.from(R), shape);
    const loss = (input: tf.Tensor) => tf.sum(tf.mul(r, layer.apply(input, { training }) as tf.Tensor)) as tf.Scalar;
    loss(x).dispose();
    const [gammaW, betaW, movingMean, movingVar] = layer.getWeights().map((w) => Float64Array.from(w.dataSync()));
    const before = tf.memory().numTensors;
    const dx = tf.tidy(() => tf.grad(loss)(x).dataSync() as Float32Array);
    assert.equal(tf.memory().numTensors, before, 'no tensor leaks out of the gradient');
    const eps = Math.fround(1e-3);
    const f64 = (): number => (training
      ? bnTrainLoss64(X, R, rows, c, gammaW, betaW, eps)
      : R.reduce((s, rv, i) => s + rv * ((X[i] - movingMean[i % c]) / Math.sqrt(movingVar[i % c] + eps) * gammaW[i % c] + betaW[i % c]), 0));
    const num = centralDifferences(X, f64, 1e-4);
    const err = relError(dx, num);
    t.diagnostic(`dL/dx relative error vs central differences: ${err.toExponential(2)}`);
    assert.ok(err < (training ? 2e-5 : 1e-6), `relative error ${err}`);
    tf.dispose([x, r]);
    layer.dispose();
  });
}

test('the Mean gradient on wasm equals tfjs\'s own bit for bit and dy/|A| repeated along the reduced axes', async () => {
  await tf.setBackend('wasm');
  const cases: [number[], number[], boolean][] = [
    [[64, 4, 4, 8], [0, 1, 2], false], [[3, 5, 7], [1], true], [[3, 5, 7], [0, 2], false], [[5, 6], [-1], false], [[7], [0], false], [[2, 3], [0, 1], true],
  ];
  for (const [i, [shape, axis, keepDims]] of cases.entries()) {
    const xv = uniform(shape.reduce((p, d) => p * d, 1), 80 + i);
    const run = (): { dx: Float32Array; dy: Float32Array } => tf.tidy(() => {
      const x = tf.tensor(xv, shape);
      const outShape = tf.mean(x, axis, keepDims).shape;
      const dy = tf.tensor(uniform(outShape.reduce((p, d) => p * d, 1), 90 + i), outShape);
      return { dx: tf.grad((a: tf.Tensor) => tf.mean(a, axis, keepDims))(x, dy).dataSync() as Float32Array, dy: dy.dataSync() as Float32Array };
    });
    registerWasmKernelOverrides();
    const ours = run();
    unregisterWasmKernelOverrides();
    const stock = run();
    registerWasmKernelOverrides();
    assert.deepEqual(ours.dx, stock.dx, `[${shape}] over [${axis}]`);
    // the definition: dx[i] = dy[kept index of i] / |A|
    const axes = new Set(axis.map((a) => (a + shape.length) % shape.length));
    const count = shape.reduce((p, d, a) => (axes.has(a) ? p * d : p), 1);
    const keptStrides = tf.util.computeStrides(shape.map((d, a) => (axes.has(a) ? 1 : d))).concat(1);
    ours.dx.forEach((v, flat) => {
      const index = tf.util.indexToLoc(flat, shape.length, tf.util.computeStrides(shape));
      const j = index.reduce((sum, idx, a) => sum + (axes.has(a) ? 0 : idx * keptStrides[a]), 0);
      assert.equal(v, Math.fround(ours.dy[j] / count), `[${shape}] dx[${flat}]`);
    });
  }
});
