/**
 * The wasm kernel overrides (src/engine/wasm/kernels.ts) against tfjs's pure-JS 'cpu' backend on a
 * grid of shapes, against float64 central differences through real layers, in a training run,
 * and for leaks.
 *
 * Tolerances. Every output compared here is a float32 sum of K products. Whatever the order of
 * the sum (cpu adds left to right, XNNPACK in blocks with fused multiply-adds), the computed sum
 * obeys |ŝ - s| <= γ_K · Σ|products|, γ_K = K·u / (1 - K·u), u = 2⁻²⁴ the unit roundoff of
 * float32 (Higham, Accuracy and Stability of Numerical Algorithms, 2nd ed., §3.1); transposes,
 * padding and copies add no rounding. Two float32 computations therefore differ by at most
 * 2·γ_K·Σ|products| element-wise, and cs231n's relative error max|a - b| / max(|a| + |b|) by at
 * most 2·γ_K·max Σ|products| / max(|a| + |b|). Σ|products| is computed exactly enough in float64
 * by running the float64 reference on |inputs|. {@link float32Tolerance} is that bound.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-wasm';
import { mulberry32 } from '../src/core/rng';
import {
  LOOP_MIN_WORK, SHORT_RUN, WASM_KERNEL_OVERRIDES, conv2dBackpropFilterReference, isWasmKernelOverridden,
  columnSums, mergeAxes, planBatchMatMul, planConv2dBackpropFilter, planConv2dBackpropInput, planReduce, planTile,
  registerWasmKernelOverrides, unregisterWasmGradientOverrides, unregisterWasmKernelOverrides,
} from '../src/engine/wasm/kernels';
import { centralDifferences, gamma, relError, U32, U64, uniform } from './helpers';
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';
import { directJobs, FilterGradOptions, patchesModule, setFilterGradOptions } from '../src/engine/wasm/conv2d-backprop-filter';
import { dropoutMask, dropoutMaskTensor } from '../src/nets/models';
import { maxPoolGradModule } from '../src/engine/wasm/max-pool-grad';
import { colsumModule } from '../src/engine/wasm/reduce';
import { planTranspose } from '../src/engine/wasm/transpose';
import { heapMemory } from '../src/engine/wasm/wat';
import { Info, reverseBlocks, withFloat64Scratch } from '../src/engine/wasm/kernels-stock';

type Shape4 = [number, number, number, number];
type Pad = 'valid' | 'same' | number | [[number, number], [number, number], [number, number], [number, number]];

/**
 * The largest cs231n relative error two float32 computations of sums of `terms` products may
 * show (module comment): 2·γ_K·max Σ|products| / max(|a| + |b|).
 */
function float32Tolerance(terms: number, absSums: ArrayLike<number>, a: ArrayLike<number>, b: ArrayLike<number>): number {
  return (2 * gamma(terms) * maxOf(absSums)) / maxPairSum(a, b);
}

function maxOf(xs: ArrayLike<number>): number {
  let m = 0;
  for (let i = 0; i < xs.length; i++) m = Math.max(m, Math.abs(xs[i]));
  return m;
}

function maxPairSum(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i]) + Math.abs(b[i]));
  return m;
}

function abs(xs: ArrayLike<number>): Float64Array {
  return Float64Array.from(xs, Math.abs);
}

function size(shape: readonly number[]): number {
  return shape.reduce((p, d) => p * d, 1);
}

interface Result { values: Float32Array; shape: number[] }

/** Runs `make` (which builds its inputs and calls one kernel) on cpu, then on wasm. */
async function onCpuAndWasm(make: () => tf.Tensor): Promise<{ cpu: Result; wasm: Result }> {
  const run = (): Result => tf.tidy(() => {
    const t = make();
    return { values: t.dataSync() as Float32Array, shape: t.shape };
  });
  await tf.setBackend('cpu');
  const cpu = run();
  await tf.setBackend('wasm');
  return { cpu, wasm: run() };
}

function runKernel(name: string, inputs: tf.NamedTensorMap, attrs: object): tf.Tensor {
  return tf.engine().runKernel(name, inputs, attrs as unknown as tf.NamedAttrMap) as tf.Tensor;
}

// ---------------------------------------------------------------------------------------------
// Float64 references

/** Σ_k |op(A)[i, m, k]|·|op(B)[i, k, n]| for every output element (batch 1 broadcasts). */
function matMulAbsSums(a: Float32Array, aShape: number[], b: Float32Array, bShape: number[], ta: boolean, tb: boolean): Float64Array {
  const [a1, a2] = aShape.slice(-2);
  const [b1, b2] = bShape.slice(-2);
  const m = ta ? a2 : a1;
  const k = ta ? a1 : a2;
  const n = tb ? b1 : b2;
  const batchA = size(aShape.slice(0, -2));
  const batchB = size(bShape.slice(0, -2));
  const batch = Math.max(batchA, batchB);
  const out = new Float64Array(batch * m * n);
  for (let i = 0; i < batch; i++) {
    const ao = (batchA === 1 ? 0 : i) * m * k;
    const bo = (batchB === 1 ? 0 : i) * k * n;
    for (let r = 0; r < m; r++) {
      for (let c = 0; c < n; c++) {
        let s = 0;
        for (let j = 0; j < k; j++) {
          const av = a[ao + (ta ? j * m + r : r * k + j)];
          const bv = b[bo + (tb ? c * k + j : j * n + c)];
          s += Math.abs(av) * Math.abs(bv);
        }
        out[(i * m + r) * n + c] = s;
      }
    }
  }
  return out;
}

type Conv2DInfo = tf.backend_util.Conv2DInfo;

function convInfo(xShape: Shape4, filterShape: Shape4, strides: number, pad: Pad, mode?: 'floor' | 'round' | 'ceil'): Conv2DInfo {
  return tf.backend_util.computeConv2DInfo(xShape, filterShape, strides, 1, pad, mode, false, 'channelsLast');
}

/**
 * Calls `f(xAt, yAt, wAt)` for every product x[n, oh·sh + kh - pt, ow·sw + kw - pl, ci] ·
 * W[kh, kw, ci, co] of the forward convolution y[n, oh, ow, co] (NHWC, flat offsets).
 */
function forEachProduct(info: Conv2DInfo, f: (xAt: number, yAt: number, wAt: number) => void): void {
  const { batchSize: n, inHeight: h, inWidth: w, inChannels: ci, outHeight: oh, outWidth: ow, outChannels: co } = info;
  const { filterHeight: fh, filterWidth: fw, strideHeight: sh, strideWidth: sw } = info;
  for (let b = 0; b < n; b++) for (let i = 0; i < oh; i++) for (let j = 0; j < ow; j++) {
    for (let kh = 0; kh < fh; kh++) {
      const row = i * sh + kh - info.padInfo.top;
      if (row < 0 || row >= h) continue;
      for (let kw = 0; kw < fw; kw++) {
        const col = j * sw + kw - info.padInfo.left;
        if (col < 0 || col >= w) continue;
        for (let c = 0; c < ci; c++) for (let o = 0; o < co; o++) {
          f(((b * h + row) * w + col) * ci + c, ((b * oh + i) * ow + j) * co + o, ((kh * fw + kw) * ci + c) * co + o);
        }
      }
    }
  }
}

function conv64(x: ArrayLike<number>, W: ArrayLike<number>, info: Conv2DInfo): Float64Array {
  const y = new Float64Array(size(info.outShape));
  forEachProduct(info, (xi, yi, wi) => { y[yi] += x[xi] * W[wi]; });
  return y;
}

function filterGrad64(x: ArrayLike<number>, dy: ArrayLike<number>, info: Conv2DInfo): Float64Array {
  const dW = new Float64Array(info.filterHeight * info.filterWidth * info.inChannels * info.outChannels);
  forEachProduct(info, (xi, yi, wi) => { dW[wi] += x[xi] * dy[yi]; });
  return dW;
}

function inputGrad64(dy: ArrayLike<number>, W: ArrayLike<number>, info: Conv2DInfo): Float64Array {
  const dx = new Float64Array(size(info.inShape));
  forEachProduct(info, (xi, yi, wi) => { dx[xi] += dy[yi] * W[wi]; });
  return dx;
}

// ---------------------------------------------------------------------------------------------
// Registration

test('registerWasmKernelOverrides() installs the fifteen kernels once and unregisterWasmKernelOverrides() restores the stock ones', async () => {
  await tf.setBackend('wasm');
  unregisterWasmKernelOverrides();
  const stock = Object.fromEntries(WASM_KERNEL_OVERRIDES.map((name) => [name, tf.getKernel(name, 'wasm')]));
  assert.equal(stock.Conv2DBackpropFilter, undefined, 'stock tfjs-backend-wasm 4.22 has no Conv2DBackpropFilter');
  assert.equal(stock.NnlabAdamUpdate, undefined, 'the fused Adam update is nnlab\'s own');
  assert.equal(stock.NnlabDropoutMask, undefined, 'the dropout mask is nnlab\'s own');
  assert.deepEqual(registerWasmKernelOverrides(), ['BatchMatMul', '_FusedMatMul', 'Conv2DBackpropFilter', 'Conv2DBackpropInput', 'Tile', 'Identity', 'MaxPoolGrad', 'Sum', 'Mean', 'Cast', 'Tanh', 'FusedBatchNorm', 'NnlabAdamUpdate', 'Transpose', 'NnlabDropoutMask']);
  const installed = WASM_KERNEL_OVERRIDES.map((name) => tf.getKernel(name, 'wasm'));
  assert.deepEqual(registerWasmKernelOverrides(), [...WASM_KERNEL_OVERRIDES], 'a second call changes nothing');
  assert.deepEqual(WASM_KERNEL_OVERRIDES.map((name) => tf.getKernel(name, 'wasm')), installed);
  assert.ok(WASM_KERNEL_OVERRIDES.every(isWasmKernelOverridden));
  assert.equal(tf.getKernel(tf.BatchMatMul, 'wasm')?.setupFunc, stock.BatchMatMul?.setupFunc, 'the stock setup is kept');
  assert.equal(tf.getKernel(tf.BatchMatMul, 'cpu')?.kernelFunc === installed[0]?.kernelFunc, false, 'cpu is untouched');

  assert.deepEqual(unregisterWasmKernelOverrides(), [...WASM_KERNEL_OVERRIDES]);
  for (const name of WASM_KERNEL_OVERRIDES) assert.equal(tf.getKernel(name, 'wasm'), stock[name], name);
  assert.deepEqual(unregisterWasmKernelOverrides(), [], 'nothing left to undo');
  registerWasmKernelOverrides();
});

test('registerWasmKernelOverrides() before tf.setBackend("wasm") still sets up the stock kernels it calls', () => {
  const kernels = path.join(__dirname, '..', 'src', 'engine', 'wasm', 'kernels.js');
  const script = `
    const tf = require('@tensorflow/tfjs'); require('@tensorflow/tfjs-backend-wasm');
    require(${JSON.stringify(kernels)}).registerWasmKernelOverrides();
    tf.setBackend('wasm').then(() => {
      const y = tf.matMul(tf.ones([3, 2]), tf.ones([3, 4]), true, false);
      process.stdout.write('\\nRESULT ' + tf.getBackend() + ' ' + JSON.stringify(y.shape) + ' ' + Array.from(y.dataSync()).join(','));
    });`;
  const out = execFileSync(process.execPath, ['-e', script], { cwd: path.join(__dirname, '..'), encoding: 'utf8' });
  assert.equal(out.split('\n').pop(), 'RESULT wasm [2,4] 3,3,3,3,3,3,3,3');
});

// ---------------------------------------------------------------------------------------------
// BatchMatMul and _FusedMatMul

test('planBatchMatMul(aShape, bShape, transposeA, transposeB) sends every product with a fast form to XNNPACK', () => {
  const path = (a: number[], b: number[], ta = false, tb = false) => {
    const p = planBatchMatMul(a, b, ta, tb);
    return p.path === 'stock' ? `stock (${p.why})` : p.path;
  };
  assert.equal(path([4, 5], [5, 6]), 'stock (plain)');
  assert.equal(path([5, 4], [5, 6], true), 'single');
  assert.equal(path([4, 5], [6, 5], false, true), 'single');
  assert.equal(path([1, 1, 5, 4], [1, 6, 5], true, true), 'single');
  assert.equal(path([3, 4, 5], [5, 6]), 'foldBatchA');
  assert.equal(path([4, 5], [3, 5, 6]), 'foldBatchB');
  assert.equal(path([3, 40, 40], [3, 40, 40]), 'loop');
  assert.equal(path([3, 4, 5], [3, 5, 6]), 'stock (small batched)');
  assert.equal(path([2, 1, 4, 5], [1, 3, 5, 6]), 'stock (two-way broadcast)');
  assert.equal(path([4, 5], [6, 7]), 'stock (shapes)');
  assert.equal(path([0, 5], [5, 6], false, false), 'stock (empty)');
  // the right operand is the one XNNPACK packs: swapped when that at least halves the packing
  const swapped = (a: number[], b: number[], ta = false, tb = false) => planBatchMatMul(a, b, ta, tb).swap === true;
  assert.equal(swapped([128, 784], [784, 512]), true, 'an MLP layer\'s forward product, batch 128');
  assert.equal(swapped([128, 512], [512, 512], false, true), true, 'its input gradient dY·Wᵀ');
  assert.equal(swapped([64, 512], [2048, 512], false, true), true, 'the CNN dense layer\'s input gradient');
  assert.equal(swapped([128, 784], [128, 512], true, false), false, 'its filter gradient Xᵀ·dY: M = 784 > N');
  assert.equal(swapped([128, 300], [300, 200]), false, 'M = 128 > N / 2 and B not transposed');
  assert.equal(swapped([128, 600], [200, 600], false, true), true, 'B transposed and M < N');
  assert.equal(swapped([128, 300], [200, 300], false, true), false, 'the same with K = 300 saves 21,600 < 2^15 packed values');
  assert.equal(swapped([4, 100], [100, 300]), false, 'saves 29,600 < 2^15 packed values');
  assert.equal(path([128, 784], [784, 512]), 'single');
  assert.deepEqual(planBatchMatMul([1, 128, 784], [784, 512], false, false).outShape, [1, 128, 512]);
  assert.deepEqual(planBatchMatMul([2, 3, 5, 4], [5, 6], true, false).outShape, [2, 3, 4, 6]);
  assert.equal(LOOP_MIN_WORK, 40 ** 3);
});

/** op(A) [..., M, K] stored as [..., K, M] when transposed. */
function stored(batch: number[], rows: number, cols: number, transposed: boolean): number[] {
  return transposed ? [...batch, cols, rows] : [...batch, rows, cols];
}

const MATMUL_SIZES: [number, number, number][] = [[1, 1, 1], [3, 5, 7], [17, 31, 9], [128, 256, 64]];
const FLAGS: [boolean, boolean][] = [[false, false], [true, false], [false, true], [true, true]];

test('tf.matMul(a, b, transposeA, transposeB) on wasm equals cpu within float32 rounding, for every transpose and batch layout', async (t) => {
  registerWasmKernelOverrides();
  const cases: { a: number[]; b: number[]; m: number; k: number; n: number }[] = [];
  for (const [m, k, n] of MATMUL_SIZES) cases.push({ a: [], b: [], m, k, n });
  for (const [m, k, n] of [[17, 31, 9], [48, 40, 40]]) {
    cases.push({ a: [3], b: [3], m, k, n }, { a: [3], b: [], m, k, n }, { a: [], b: [3], m, k, n });
  }
  cases.push({ a: [1], b: [1], m: 17, k: 31, n: 9 }, { a: [2, 3], b: [1], m: 5, k: 4, n: 6 }, { a: [1, 1], b: [2, 3], m: 5, k: 4, n: 6 });
  // swapped (Cᵀ = op(B)ᵀ·op(A)ᵀ) for every flag combination: 2M <= N and K·(N - M) >= 2^15
  cases.push({ a: [], b: [], m: 16, k: 300, n: 256 }, { a: [1], b: [], m: 7, k: 200, n: 250 });
  let worst = 0;
  for (const [i, c] of cases.entries()) {
    for (const [ta, tb] of FLAGS) {
      const aShape = stored(c.a, c.m, c.k, ta);
      const bShape = stored(c.b, c.k, c.n, tb);
      const a = uniform(size(aShape), 2 * i + 1);
      const b = uniform(size(bShape), 2 * i + 2);
      const { cpu, wasm } = await onCpuAndWasm(() => tf.matMul(tf.tensor(a, aShape), tf.tensor(b, bShape), ta, tb));
      const label = `matMul([${aShape}], [${bShape}], ${ta}, ${tb}) via ${planBatchMatMul(aShape, bShape, ta, tb).path}`;
      assert.deepEqual(wasm.shape, cpu.shape, label);
      const err = relError(cpu.values, wasm.values);
      const tol = float32Tolerance(c.k, matMulAbsSums(a, aShape, b, bShape, ta, tb), cpu.values, wasm.values);
      assert.ok(err <= tol, `${label}: relative error ${err} > ${tol}`);
      worst = Math.max(worst, err);
    }
  }
  t.diagnostic(`BatchMatMul: max relative error vs cpu ${worst.toExponential(2)}`);
});

test('tf.fused.matMul({a, b, transposeA, transposeB, bias, activation}) on wasm equals cpu, including the biases stock wasm gets wrong', async (t) => {
  registerWasmKernelOverrides();
  const activations = ['linear', 'relu', 'relu6', 'leakyrelu', 'sigmoid', 'elu', 'prelu'] as const;
  const layouts: { batch: number[]; m: number; k: number; n: number }[] = [
    { batch: [], m: 3, k: 5, n: 7 }, { batch: [], m: 17, k: 31, n: 9 }, { batch: [3], m: 17, k: 31, n: 9 },
    { batch: [], m: 9, k: 300, n: 130 }, // swapped: bias and activation after the product (the composed way)
  ];
  let worst = 0;
  let seed = 100;
  for (const { batch, m, k, n } of layouts) {
    for (const [ta, tb] of FLAGS) {
      for (const biasShape of [null, [n], [1], [m, n]]) {
        for (const activation of activations) {
          const aShape = stored(batch, m, k, ta);
          const bShape = stored(batch, k, n, tb);
          const a = uniform(size(aShape), seed++);
          const b = uniform(size(bShape), seed++);
          const bias = biasShape && uniform(size(biasShape), seed++);
          const slopes = Float32Array.from(uniform(n, seed++), (v) => (v + 1) / 2);
          const { cpu, wasm } = await onCpuAndWasm(() => tf.fused.matMul({
            a: tf.tensor(a, aShape), b: tf.tensor(b, bShape), transposeA: ta, transposeB: tb,
            bias: bias ? tf.tensor(bias, biasShape as number[]) : undefined, activation, leakyreluAlpha: 0.1,
            preluActivationWeights: activation === 'prelu' ? tf.tensor(slopes, [n]) : undefined,
          }));
          const label = `fused.matMul([${aShape}], [${bShape}], ${ta}, ${tb}, bias [${biasShape}], ${activation})`;
          assert.deepEqual(wasm.shape, cpu.shape, label);
          // The product as above, one more rounding for + bias (K + 1 terms, |bias| among them);
          // every activation has slope <= 1, so it does not grow the error, and evaluating it
          // (exp in sigmoid and elu) adds at most a few ulps of the output: 4u each side.
          const sums = matMulAbsSums(a, aShape, b, bShape, ta, tb).map((s) => s + (bias ? maxOf(bias) : 0));
          const err = relError(cpu.values, wasm.values);
          const tol = float32Tolerance(k + 1, sums, cpu.values, wasm.values) + (8 * U32 * maxOf(cpu.values)) / maxPairSum(cpu.values, wasm.values);
          assert.ok(err <= tol, `${label}: relative error ${err} > ${tol}`);
          worst = Math.max(worst, err);
        }
      }
    }
  }
  t.diagnostic(`_FusedMatMul: max relative error vs cpu ${worst.toExponential(2)}`);
});

test('stock wasm tf.fused.matMul({transposeB: true, bias}) with a bias of shape [N] is wrong, and right with the overrides', async () => {
  const [m, k, n] = [4, 5, 6];
  const a = uniform(m * k, 501);
  const b = uniform(n * k, 502);
  const bias = uniform(n, 503);
  const fused = () => tf.fused.matMul({ a: tf.tensor2d(a, [m, k]), b: tf.tensor2d(b, [n, k]), transposeB: true, bias: tf.tensor1d(bias) });
  unregisterWasmKernelOverrides();
  try {
    const stock = await onCpuAndWasm(fused);
    assert.ok(relError(stock.cpu.values, stock.wasm.values) > 0.01, 'stock 4.22 adds bias[N - 1] to every row after the first');
  } finally {
    registerWasmKernelOverrides();
  }
  const fixed = await onCpuAndWasm(fused);
  assert.ok(relError(fixed.cpu.values, fixed.wasm.values) <= float32Tolerance(k + 1, [k + 1], fixed.cpu.values, fixed.wasm.values));
});

// ---------------------------------------------------------------------------------------------
// Conv2DBackpropFilter and Conv2DBackpropInput

interface ConvCase { xShape: Shape4; filterShape: Shape4; strides: number; pad: Pad; mode?: 'floor' | 'round' | 'ceil'; info: Conv2DInfo }

const EXPLICIT: Pad = [[0, 0], [2, 0], [1, 3], [0, 0]];

/**
 * Filters 1, 2, 3, 5 x strides 1, 2, 3 x padding valid, same, 1, explicit asymmetric; batch 1-3,
 * H and W 5..13 (odd and even), channels 1-8 cycle over the cases. Plus numeric padding with each
 * rounding mode.
 */
function convCases(): ConvCase[] {
  const cases: ConvCase[] = [];
  let i = 0;
  for (const f of [1, 2, 3, 5]) {
    for (const strides of [1, 2, 3]) {
      for (const pad of ['valid', 'same', 1, EXPLICIT] as Pad[]) {
        const xShape: Shape4 = [1 + (i % 3), 5 + ((i * 5) % 9), 5 + ((i * 7 + 3) % 9), 1 + ((i * 3) % 8)];
        const filterShape: Shape4 = [f, f, xShape[3], 1 + ((i * 5 + 2) % 8)];
        cases.push({ xShape, filterShape, strides, pad, info: convInfo(xShape, filterShape, strides, pad) });
        i++;
      }
    }
  }
  // images narrower or lower than the filter, stride 1 'same': some taps see no column (or no row) of x at all
  for (const [xShape, f] of [[[2, 2, 2, 3], 5], [[1, 1, 7, 2], 3], [[3, 6, 1, 1], 3], [[2, 1, 1, 2], 5]] as [Shape4, number][]) {
    const filterShape: Shape4 = [f, f, xShape[3], 2];
    cases.push({ xShape, filterShape, strides: 1, pad: 'same', info: convInfo(xShape, filterShape, 1, 'same') });
  }
  for (const mode of ['floor', 'round', 'ceil'] as const) {
    for (const [h, f, strides, pad] of [[5, 2, 2, 0], [8, 3, 3, 1], [7, 2, 3, 0]]) {
      const xShape: Shape4 = [2, h, h + 1, 3];
      const filterShape: Shape4 = [f, f, 3, 2];
      cases.push({ xShape, filterShape, strides, pad, mode, info: convInfo(xShape, filterShape, strides, pad, mode) });
    }
  }
  return cases;
}

function describeCase(c: ConvCase): string {
  return `x [${c.xShape}], filter [${c.filterShape}], strides ${c.strides}, pad ${JSON.stringify(c.pad)}${c.mode ? `, ${c.mode}` : ''}`;
}

test('planConv2dBackpropFilter(info) pads or crops x so the rearranged conv returns exactly fh x fw', () => {
  for (const c of convCases()) {
    const { pad: [top, bottom, left, right], crop, dilations } = planConv2dBackpropFilter(c.info);
    const { inHeight: h, inWidth: w, outHeight: oh, outWidth: ow, filterHeight: fh, filterWidth: fw } = c.info;
    // rows out of a stride-1 conv of (H - crop) padded rows with a filter of OH taps dilated by sh
    assert.equal(h - crop.bottom + top + bottom - ((oh - 1) * dilations[0] + 1) + 1, fh, describeCase(c));
    assert.equal(w - crop.right + left + right - ((ow - 1) * dilations[1] + 1) + 1, fw, describeCase(c));
    assert.ok(Math.min(top, bottom, left, right, crop.bottom, crop.right) >= 0);
    assert.ok(crop.bottom === 0 || bottom === 0);
    // and tfjs agrees: conv2d(x' [Ci, H - crop, W - crop, N], dy' [OH, OW, N, Co]) is [Ci, fh, fw, Co]
    const [n, , , ci] = c.xShape;
    const co = c.filterShape[3];
    const rearranged = tf.backend_util.computeConv2DInfo([ci, h - crop.bottom, w - crop.right, n], [oh, ow, n, co], 1,
      dilations, [[0, 0], [top, bottom], [left, right], [0, 0]]);
    assert.deepEqual(rearranged.outShape, [ci, fh, fw, co], describeCase(c));
  }
});

test('planConv2dBackpropInput(info) pads or crops the spread dy so the stride-1 conv returns exactly H x W', () => {
  for (const c of convCases()) {
    const { pad: [top, bottom, left, right], crop } = planConv2dBackpropInput(c.info);
    const { inHeight: h, inWidth: w, outHeight: oh, outWidth: ow, filterHeight: fh, filterWidth: fw } = c.info;
    assert.equal(top + oh * c.info.strideHeight - crop.top - crop.bottom + bottom - fh + 1, h, describeCase(c));
    assert.equal(left + ow * c.info.strideWidth - crop.left - crop.right + right - fw + 1, w, describeCase(c));
    assert.ok(Math.min(top, bottom, left, right, crop.top, crop.bottom, crop.left, crop.right) >= 0);
    // and tfjs agrees: conv2d(spread dy [N, OH·sh - crops, OW·sw - crops, Co], rot W [fh, fw, Co, Ci]) is x's shape
    const [n, , , ci] = c.xShape;
    const co = c.filterShape[3];
    const spread = [n, oh * c.info.strideHeight - crop.top - crop.bottom, ow * c.info.strideWidth - crop.left - crop.right, co] as Shape4;
    const conv = tf.backend_util.computeConv2DInfo(spread, [fh, fw, co, ci], 1, 1, [[0, 0], [top, bottom], [left, right], [0, 0]]);
    assert.deepEqual(conv.outShape, c.xShape, describeCase(c));
  }
});

/** The filter gradient's paths: direct (the default), the patch matrix whole and in blocks of rows (tiny blocks here), and the conv. */
const FILTER_PATHS: Array<[string, Partial<FilterGradOptions>]> = [
  ['direct', { path: 'direct' }], ['patches', { path: 'patches' }],
  ['patches in blocks', { path: 'patches', maxPatchValues: 50 }], ['conv', { path: 'conv' }],
];

for (const [label, opts] of FILTER_PATHS) test(`Conv2DBackpropFilter on wasm (${label}) equals cpu within float32 rounding over strides 1-3, filters 1-5, valid/same/explicit padding`, async (t) => {
  registerWasmKernelOverrides();
  const before = setFilterGradOptions(opts);
  t.after(() => setFilterGradOptions(before));
  let worst = 0;
  for (const [i, c] of convCases().entries()) {
    const x = uniform(size(c.xShape), 1000 + 2 * i);
    const dy = uniform(size(c.info.outShape), 1001 + 2 * i);
    const { cpu, wasm } = await onCpuAndWasm(() => runKernel(tf.Conv2DBackpropFilter,
      { x: tf.tensor4d(x, c.xShape), dy: tf.tensor4d(dy, c.info.outShape) },
      { strides: c.strides, pad: c.pad, dataFormat: 'NHWC', dimRoundingMode: c.mode, filterShape: c.filterShape }));
    assert.deepEqual(wasm.shape, c.filterShape, describeCase(c));
    const terms = c.info.batchSize * c.info.outHeight * c.info.outWidth;
    const err = relError(cpu.values, wasm.values);
    const tol = float32Tolerance(terms, filterGrad64(abs(x), abs(dy), c.info), cpu.values, wasm.values);
    assert.ok(err <= tol, `${describeCase(c)}: relative error ${err} > ${tol}`);
    worst = Math.max(worst, err);
  }
  t.diagnostic(`Conv2DBackpropFilter (${label}): max relative error vs cpu ${worst.toExponential(2)}`);
});

test('patches.wat writes the transposed patch matrix exactly: every entry x[c, b, i·sh + kh - pt, j·sw + kw - pl] or 0, over the conv cases', async () => {
  registerWasmKernelOverrides();
  await tf.setBackend('wasm');
  const backend = tf.backend() as BackendWasm;
  const module = patchesModule(heapMemory(backend));
  assert.notEqual(module, null);
  for (const [k, c] of convCases().entries()) {
    const { batchSize: n, inHeight: h, inWidth: w, inChannels: ci, outHeight: oh, outWidth: ow, filterHeight: fh, filterWidth: fw,
      strideHeight: sh, strideWidth: sw, padInfo: { top: pt, left: pl } } = c.info;
    const x = tf.tensor(uniform(n * h * w * ci, 5000 + k), [ci, n, h, w]);
    const out = tf.fill([fh * fw * ci * n * oh * ow], NaN);
    const heapOf = (t: tf.Tensor) => backend.typedArrayFromHeap(t as unknown as tf.TensorInfo) as Float32Array;
    // rows in two calls, split unevenly: a block of rows starts where its r0 says
    const rows = fh * fw * ci;
    const split = Math.floor(rows / 3);
    module!.patches(heapOf(x).byteOffset, heapOf(out).byteOffset, ci, n, h, w, oh, ow, fw, sh, sw, pt, pl, 0, split);
    module!.patches(heapOf(x).byteOffset, heapOf(out).byteOffset + 4 * split * n * oh * ow, ci, n, h, w, oh, ow, fw, sh, sw, pt, pl, split, rows);
    const xs = x.dataSync();
    const got = out.dataSync();
    let at = 0;
    let bad = -1;
    for (let kh = 0; kh < fh; kh++) for (let kw = 0; kw < fw; kw++) for (let ch = 0; ch < ci; ch++) for (let b = 0; b < n; b++) {
      for (let i = 0; i < oh; i++) for (let j = 0; j < ow; j++, at++) {
        const row = i * sh + kh - pt;
        const col = j * sw + kw - pl;
        const want = row >= 0 && row < h && col >= 0 && col < w ? xs[((ch * n + b) * h + row) * w + col] : 0;
        if (bad < 0 && !Object.is(got[at], want)) bad = at;
      }
    }
    assert.equal(bad, -1, `${describeCase(c)}: entry ${bad} is ${got[bad]}`);
    tf.dispose([x, out]);
  }
});

test('patches.wat\'s pad and direct give the filter gradient within float32 rounding of a float64 sum, over the conv cases with Co = 4, 8, 12 and 20', async () => {
  registerWasmKernelOverrides();
  await tf.setBackend('wasm');
  const backend = tf.backend() as BackendWasm;
  const module = patchesModule(heapMemory(backend));
  assert.notEqual(module, null);
  const heapOf = (t: tf.Tensor) => backend.typedArrayFromHeap(t as unknown as tf.TensorInfo) as Float32Array;
  let worst = 0;
  for (const [k, c0] of convCases().entries()) {
    const co = [4, 8, 12, 20][k % 4]; // one tile of 4, one of 8, 8 + 4, 2 x 8 + 4
    const filterShape: Shape4 = [c0.filterShape[0], c0.filterShape[1], c0.filterShape[2], co];
    const info = convInfo(c0.xShape, filterShape, c0.strides, c0.pad, c0.mode);
    const { batchSize: n, inHeight: h, inWidth: w, inChannels: ci, outHeight: oh, outWidth: ow, filterHeight: fh, filterWidth: fw,
      strideHeight: sh, strideWidth: sw, padInfo: { top: pt, left: pl } } = info;
    const hp = (oh - 1) * sh + fh;
    const wp = (ow - 1) * sw + fw;
    const xs = uniform(n * h * w * ci, 7000 + k);
    const dys = uniform(n * oh * ow * co, 7001 + k);
    const x = tf.tensor(xs, [n, h, w, ci]);
    const dy = tf.tensor(dys, [n, oh, ow, co]);
    const xp = tf.fill([n, hp, wp, ci], NaN);
    const dW = tf.fill([fh, fw, ci, co], NaN); // direct overwrites it
    module!.pad(heapOf(x).byteOffset, heapOf(xp).byteOffset, n, h, w, ci, hp, wp, pt, pl);
    const padded = xp.dataSync();
    for (let b = 0; b < n; b++) for (let i = 0; i < hp; i++) for (let j = 0; j < wp; j++) for (let ch = 0; ch < ci; ch++) {
      const row = i - pt;
      const col = j - pl;
      const want = row >= 0 && row < h && col >= 0 && col < w ? xs[((b * h + row) * w + col) * ci + ch] : 0;
      const at = ((b * hp + i) * wp + j) * ci + ch;
      assert.ok(Object.is(padded[at], want), `${describeCase(c0)}: padded x [${b},${i},${j},${ch}] is ${padded[at]}, not ${want}`);
    }
    // blocks of 1, 2 and all output rows; all channels at once, and in the shares of 2 and 3 threads
    for (const [ob, threads] of [[1, 1], [2, 2], [oh, 3]]) {
      for (const [cb, ce] of directJobs(co, threads)) {
        module!.direct(heapOf(xp).byteOffset, heapOf(dy).byteOffset, heapOf(dW).byteOffset, n, hp, wp, ci, oh, ow, co, fh, fw, sh, sw, ob, cb, ce);
      }
      const got = dW.dataSync();
      const want = filterGrad64(xs, dys, info);
      const err = relError(want, got);
      const tol = float32Tolerance(n * oh * ow, filterGrad64(abs(xs), abs(dys), info), want, got);
      assert.ok(err <= tol, `${describeCase(c0)}, Co ${co}, ${ob} rows a block: relative error ${err} > ${tol}`);
      worst = Math.max(worst, err);
    }
    tf.dispose([x, dy, xp, dW]);
  }
  assert.ok(worst > 0, 'float32 sums of random values differ somewhere from the float64 ones');
});

test('directJobs(co, threads) splits the output channels into whole tiles of 8, as even as they go, the tail of 4 last', () => {
  assert.deepEqual(directJobs(32, 1), [[0, 32]]);
  assert.deepEqual(directJobs(32, 2), [[0, 16], [16, 32]]);
  assert.deepEqual(directJobs(64, 3), [[0, 16], [16, 40], [40, 64]]);
  assert.deepEqual(directJobs(20, 2), [[0, 8], [8, 20]]);
  assert.deepEqual(directJobs(4, 4), [[0, 4]], 'one tile: one thread');
  assert.deepEqual(directJobs(12, 8), [[0, 8], [8, 12]]);
  for (const co of [4, 8, 12, 20, 32, 36, 128]) for (const threads of [1, 2, 3, 4, 7]) {
    const jobs = directJobs(co, threads);
    assert.equal(jobs[0][0], 0);
    assert.equal(jobs[jobs.length - 1][1], co);
    jobs.forEach(([cb, ce], i) => {
      assert.ok(cb % 8 === 0 && ce > cb && (i === jobs.length - 1 || ce % 8 === 0), `${co}, ${threads}: [${cb}, ${ce})`);
      if (i > 0) assert.equal(cb, jobs[i - 1][1]);
    });
  }
});

test('every committed NAME-bytes.ts (adam, batchnorm, colsum, maxpoolgrad, patches, tanh, transpose) is what scripts/build-wat.sh NAME makes from NAME.wat (when wat2wasm is installed)', (t) => {
  try {
    execFileSync('wat2wasm', ['--version'], { stdio: 'ignore' });
  } catch {
    t.skip('wat2wasm not installed (apt-get install wabt)');
    return;
  }
  const root = path.resolve(__dirname, '..', '..', '..');
  const dir = path.join(root, 'kernel-lib', 'src', 'engine', 'wasm');
  const names = fs.readdirSync(dir).filter((f) => f.endsWith('.wat')).map((f) => f.slice(0, -4)).sort();
  assert.deepEqual(names, ['adam', 'batchnorm', 'colsum', 'maxpoolgrad', 'patches', 'tanh', 'transpose']);
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'nnlab-wat-'));
  for (const name of names) {
    const out = path.join(tmp, `${name}-bytes.ts`);
    execFileSync('bash', [path.join(root, 'scripts', 'build-wat.sh'), name, out], { stdio: 'ignore' });
    assert.equal(fs.readFileSync(out, 'utf8'), fs.readFileSync(path.join(dir, `${name}-bytes.ts`), 'utf8'), name);
  }
  fs.rmSync(tmp, { recursive: true });
});

test('setFilterGradOptions changes the path and the block size and returns the previous options; a bad value is one line naming it', () => {
  const before = setFilterGradOptions({ path: 'conv' });
  assert.deepEqual(before, { path: 'direct', maxPatchValues: 2 ** 25 }, 'the defaults: the direct path, else the GEMM over patches, 128 MB at most');
  assert.deepEqual(setFilterGradOptions({ maxPatchValues: 10 }), { path: 'conv', maxPatchValues: 2 ** 25 });
  assert.deepEqual(setFilterGradOptions(before), { path: 'conv', maxPatchValues: 10 });
  assert.throws(() => setFilterGradOptions({ path: 'gemm' as FilterGradOptions['path'] }), { message: `setFilterGradOptions: path is "gemm"; allowed: 'direct', 'patches', 'conv'` });
  assert.throws(() => setFilterGradOptions({ maxPatchValues: 0 }), { message: 'setFilterGradOptions: maxPatchValues is 0; allowed: an integer >= 1' });
  assert.deepEqual(setFilterGradOptions({}), before);
});

test('reverseBlocks is tf.reverse along the leading axis, value for value; a shape that does not split says so', async () => {
  await tf.setBackend('wasm');
  const backend = tf.backend() as BackendWasm;
  for (const [shape, blocks] of [[[9, 3, 4], 9], [[1, 5], 1], [[4, 2, 2, 2], 4], [[6], 3]] as [number[], number][]) {
    const x = tf.tensor(uniform(shape.reduce((a, b) => a * b, 1), 77), shape);
    const info = reverseBlocks(backend, x as unknown as Info, blocks, shape);
    const got = tf.engine().makeTensorFromTensorInfo(info);
    const want = tf.reverse(x.reshape([blocks, -1]), 0).reshape(shape);
    assert.deepEqual(Array.from(got.dataSync()), Array.from(want.dataSync()), `[${shape}] in ${blocks} blocks`);
    assert.deepEqual(got.shape, shape);
    tf.dispose([x, got, want]);
  }
  const x = tf.zeros([5, 2]);
  assert.throws(() => reverseBlocks(backend, x as unknown as Info, 3, [5, 2]), /^Error: reverseBlocks: 10 values do not make 3 blocks of shape \[5,2\]$/);
  x.dispose();
});

test('Conv2DBackpropInput on wasm equals cpu within float32 rounding over strides 1-3, filters 1-5, valid/same/explicit padding', async (t) => {
  registerWasmKernelOverrides();
  let worst = 0;
  for (const [i, c] of convCases().entries()) {
    const dy = uniform(size(c.info.outShape), 2000 + 2 * i);
    const W = uniform(size(c.filterShape), 2001 + 2 * i);
    const { cpu, wasm } = await onCpuAndWasm(() => runKernel(tf.Conv2DBackpropInput,
      { dy: tf.tensor4d(dy, c.info.outShape), filter: tf.tensor4d(W, c.filterShape) },
      { strides: c.strides, pad: c.pad, dataFormat: 'NHWC', dimRoundingMode: c.mode, inputShape: c.xShape }));
    assert.deepEqual(wasm.shape, c.xShape, describeCase(c));
    const terms = c.filterShape[0] * c.filterShape[1] * c.filterShape[3];
    const err = relError(cpu.values, wasm.values);
    const tol = float32Tolerance(terms, inputGrad64(abs(dy), abs(W), c.info), cpu.values, wasm.values);
    assert.ok(err <= tol, `${describeCase(c)}: relative error ${err} > ${tol}`);
    worst = Math.max(worst, err);
  }
  t.diagnostic(`Conv2DBackpropInput: max relative error vs cpu ${worst.toExponential(2)}`);
});

test('Conv2DBackpropFilter and Conv2DBackpropInput with dataFormat "NCHW" on wasm equal cpu', async () => {
  registerWasmKernelOverrides();
  for (const [i, [h, f, strides, pad]] of ([[7, 3, 1, 'same'], [9, 2, 2, 'valid'], [8, 3, 3, 1]] as [number, number, number, Pad][]).entries()) {
    const xShape: Shape4 = [2, 3, h, h + 2];
    const filterShape: Shape4 = [f, f, 3, 4];
    const info = tf.backend_util.computeConv2DInfo(xShape, filterShape, strides, 1, pad, undefined, false, 'channelsFirst');
    const x = uniform(size(xShape), 3000 + i);
    const dy = uniform(size(info.outShape), 3100 + i);
    const W = uniform(size(filterShape), 3200 + i);
    const nhwc = convInfo([2, h, h + 2, 3], filterShape, strides, pad);
    const dW = await onCpuAndWasm(() => runKernel(tf.Conv2DBackpropFilter, { x: tf.tensor4d(x, xShape), dy: tf.tensor4d(dy, info.outShape) },
      { strides, pad, dataFormat: 'NCHW', filterShape }));
    const dX = await onCpuAndWasm(() => runKernel(tf.Conv2DBackpropInput, { dy: tf.tensor4d(dy, info.outShape), filter: tf.tensor4d(W, filterShape) },
      { strides, pad, dataFormat: 'NCHW', inputShape: xShape }));
    assert.deepEqual([dW.wasm.shape, dX.wasm.shape], [filterShape, xShape]);
    // Σ|products| bound: the largest |x|·|dy| (resp. |dy|·|W|) is <= 1, times the number of terms.
    const nW = nhwc.batchSize * nhwc.outHeight * nhwc.outWidth;
    const nX = f * f * 4;
    assert.ok(relError(dW.cpu.values, dW.wasm.values) <= (2 * gamma(nW) * nW) / maxPairSum(dW.cpu.values, dW.wasm.values), `dW case ${i}`);
    assert.ok(relError(dX.cpu.values, dX.wasm.values) <= (2 * gamma(nX) * nX) / maxPairSum(dX.cpu.values, dX.wasm.values), `dX case ${i}`);
  }
});

test('conv2dBackpropFilterReference(x, dy, info), the JavaScript fallback, equals the float64 definition', () => {
  const c = convCases()[23];
  const x = uniform(size(c.xShape), 4000);
  const dy = uniform(size(c.info.outShape), 4001);
  const got = conv2dBackpropFilterReference({ values: x, shape: c.xShape }, { values: dy, shape: c.info.outShape }, c.info);
  const want = filterGrad64(x, dy, c.info);
  // float64 sums rounded once to float32: u relative to each element
  assert.ok(relError(got, want) <= U32, describeCase(c));
});

test('tf.grad of conv2d with dilations 2 still throws tfjs\'s own error on wasm with the overrides', async () => {
  registerWasmKernelOverrides();
  await tf.setBackend('wasm');
  const x = tf.ones([1, 7, 7, 2]);
  assert.throws(() => tf.tidy(() => tf.grad((W: tf.Tensor) => tf.conv2d(x as tf.Tensor4D, W as tf.Tensor4D, 1, 'same', 'NHWC', 2).sum())(tf.ones([3, 3, 2, 2]))),
    /dilation rates greater than 1 are not yet supported in gradients/);
  x.dispose();
});

// ---------------------------------------------------------------------------------------------
// Gradients of layers against float64 central differences

// centralDifferences (./helpers): the losses below are linear in every parameter, so the
// difference is exact for any h and only float64 rounding remains.

/**
 * Relative error budget of a float32 gradient whose elements sum `terms` products against a
 * float64 central difference: γ_K(2⁻²⁴)·max Σ|products| (one float32 computation) plus the
 * central difference's rounding γ_T(2⁻⁵³)·Σ|terms of L| / h.
 */
function gradTolerance(terms: number, absSums: ArrayLike<number>, lossTerms: number, lossAbs: number, h: number,
  a: ArrayLike<number>, b: ArrayLike<number>): number {
  return (gamma(terms) * maxOf(absSums) + (gamma(lossTerms, U64) * lossAbs) / h) / maxPairSum(a, b);
}

const H_STEP = 0.5;

test('tf.grads through tf.layers.dense on wasm match float64 central differences (cs231n gradient check)', async (t) => {
  registerWasmKernelOverrides();
  await tf.setBackend('wasm');
  const [batchSize, fanIn, fanOut] = [6, 7, 5];
  const X = Float64Array.from(uniform(batchSize * fanIn, 11));
  const R = Float64Array.from(uniform(batchSize * fanOut, 12));
  const layer = tf.layers.dense({
    units: fanOut, kernelInitializer: tf.initializers.randomUniform({ minval: -1, maxval: 1, seed: 13 }),
    biasInitializer: tf.initializers.randomUniform({ minval: -1, maxval: 1, seed: 14 }),
  });
  const x = tf.tensor2d(Float32Array.from(X), [batchSize, fanIn]);
  const r = tf.tensor2d(Float32Array.from(R), [batchSize, fanOut]);
  // L = Σ R ⊙ (X·W + b): R plays the upstream gradient dL/dy.
  const loss = (input: tf.Tensor) => tf.sum(tf.mul(r, layer.apply(input) as tf.Tensor)) as tf.Scalar;
  loss(x).dispose();
  const [kernel, bias] = layer.trainableWeights.map((w) => w.read() as tf.Variable);
  const { grads } = tf.variableGrads(() => loss(x), [kernel, bias]);
  const dx = tf.grad(loss)(x);
  const dW = grads[kernel.name].dataSync();
  const db = grads[bias.name].dataSync();
  const dX = dx.dataSync();
  const W = Float64Array.from(kernel.dataSync());
  const b = Float64Array.from(bias.dataSync());

  const loss64 = (Xv: ArrayLike<number>, Wv: ArrayLike<number>, bv: ArrayLike<number>): number => {
    let L = 0;
    for (let i = 0; i < batchSize; i++) for (let j = 0; j < fanOut; j++) {
      let y = bv[j];
      for (let k = 0; k < fanIn; k++) y += Xv[i * fanIn + k] * Wv[k * fanOut + j];
      L += R[i * fanOut + j] * y;
    }
    return L;
  };
  const lossAbs = loss64(abs(X), abs(W), abs(b));
  const lossTerms = batchSize * fanOut * (fanIn + 2);
  const numW = centralDifferences(W, () => loss64(X, W, b), H_STEP);
  const numB = centralDifferences(b, () => loss64(X, W, b), H_STEP);
  const numX = centralDifferences(X, () => loss64(X, W, b), H_STEP);
  // dW = Xᵀ·R (batchSize terms), db = Σ_rows R (batchSize terms), dX = R·Wᵀ (fanOut terms)
  const absW = matMulAbsSums(Float32Array.from(X), [batchSize, fanIn], Float32Array.from(R), [batchSize, fanOut], true, false);
  const absX = matMulAbsSums(Float32Array.from(R), [batchSize, fanOut], Float32Array.from(W), [fanIn, fanOut], false, true);
  const absB = Array.from({ length: fanOut }, (_, j) => R.filter((_, i) => i % fanOut === j).reduce((s, v) => s + Math.abs(v), 0));
  for (const [name, got, want, terms, sums] of [
    ['dW', dW, numW, batchSize, absW], ['db', db, numB, batchSize, absB], ['dX', dX, numX, fanOut, absX],
  ] as [string, ArrayLike<number>, Float64Array, number, ArrayLike<number>][]) {
    const err = relError(got, want);
    const tol = gradTolerance(terms, sums, lossTerms, lossAbs, H_STEP, got, want);
    assert.ok(err <= tol, `${name}: relative error ${err} > ${tol}`);
    t.diagnostic(`dense ${name}: relative error vs central differences ${err.toExponential(2)} (bound ${tol.toExponential(2)})`);
  }
  tf.dispose([x, r, dx, grads[kernel.name], grads[bias.name]]);
  layer.dispose();
});

for (const { kernelSize, strides, padding } of [
  { kernelSize: 3, strides: 2, padding: 'same' as const },
  { kernelSize: 2, strides: 1, padding: 'valid' as const },
]) {
  test(`tf.grads through tf.layers.conv2d({kernelSize: ${kernelSize}, strides: ${strides}, padding: '${padding}'}) on wasm match float64 central differences`, async (t) => {
    registerWasmKernelOverrides();
    await tf.setBackend('wasm');
    const xShape: Shape4 = [2, 7, 6, 3];
    const filters = 4;
    const info = convInfo(xShape, [kernelSize, kernelSize, 3, filters], strides, padding);
    const X = Float64Array.from(uniform(size(xShape), 21));
    const R = Float64Array.from(uniform(size(info.outShape), 22));
    const layer = tf.layers.conv2d({
      filters, kernelSize, strides, padding,
      kernelInitializer: tf.initializers.randomUniform({ minval: -1, maxval: 1, seed: 23 }),
      biasInitializer: tf.initializers.randomUniform({ minval: -1, maxval: 1, seed: 24 }),
    });
    const x = tf.tensor4d(Float32Array.from(X), xShape);
    const r = tf.tensor4d(Float32Array.from(R), info.outShape);
    // L = Σ R ⊙ (conv2d(x, W) + b): R plays the upstream gradient dL/dy.
    const loss = (input: tf.Tensor) => tf.sum(tf.mul(r, layer.apply(input) as tf.Tensor)) as tf.Scalar;
    loss(x).dispose();
    const [kernel, bias] = layer.trainableWeights.map((w) => w.read() as tf.Variable);
    const { grads } = tf.variableGrads(() => loss(x), [kernel, bias]);
    const dx = tf.grad(loss)(x);
    const W = Float64Array.from(kernel.dataSync());
    const b = Float64Array.from(bias.dataSync());

    const loss64 = (Xv: ArrayLike<number>, Wv: ArrayLike<number>, bv: ArrayLike<number>): number => {
      const y = conv64(Xv, Wv, info);
      let L = 0;
      for (let i = 0; i < y.length; i++) L += R[i] * (y[i] + bv[i % filters]);
      return L;
    };
    const lossAbs = loss64(abs(X), abs(W), abs(b));
    const lossTerms = size(info.outShape) * (kernelSize * kernelSize * 3 + 2);
    const pixels = info.batchSize * info.outHeight * info.outWidth;
    const absB = Array.from({ length: filters }, (_, c) => R.filter((_, i) => i % filters === c).reduce((s, v) => s + Math.abs(v), 0));
    for (const [name, got, want, terms, sums] of [
      ['dW', grads[kernel.name].dataSync(), centralDifferences(W, () => loss64(X, W, b), H_STEP), pixels, filterGrad64(abs(X), abs(R), info)],
      ['db', grads[bias.name].dataSync(), centralDifferences(b, () => loss64(X, W, b), H_STEP), pixels, absB],
      ['dX', dx.dataSync(), centralDifferences(X, () => loss64(X, W, b), H_STEP), kernelSize * kernelSize * filters, inputGrad64(abs(R), abs(W), info)],
    ] as [string, ArrayLike<number>, Float64Array, number, ArrayLike<number>][]) {
      const err = relError(got, want);
      const tol = gradTolerance(terms, sums, lossTerms, lossAbs, H_STEP, got, want);
      assert.ok(err <= tol, `${name}: relative error ${err} > ${tol}`);
      t.diagnostic(`conv2d ${name}: relative error vs central differences ${err.toExponential(2)} (bound ${tol.toExponential(2)})`);
    }
    tf.dispose([x, r, dx, grads[kernel.name], grads[bias.name]]);
    layer.dispose();
  });
}

// ---------------------------------------------------------------------------------------------
// Training

/** 32 seeded 8x8 images; label 1 when the left half is brighter than the right half. */
function brightSideData(seed: number): { xs: tf.Tensor4D; ys: tf.Tensor2D } {
  const random = mulberry32(seed);
  const n = 32;
  const pixels = new Float32Array(n * 64);
  const labels = new Float32Array(n * 2);
  for (let i = 0; i < n; i++) {
    const left = i % 2;
    for (let p = 0; p < 64; p++) pixels[i * 64 + p] = random() + ((p % 8 < 4) === (left === 1) ? 0.5 : 0);
    labels[i * 2 + left] = 1;
  }
  return { xs: tf.tensor4d(pixels, [n, 8, 8, 1]), ys: tf.tensor2d(labels, [n, 2]) };
}

function convNet(): tf.Sequential {
  const model = tf.sequential({
    layers: [
      tf.layers.conv2d({ inputShape: [8, 8, 1], filters: 4, kernelSize: 3, padding: 'same', activation: 'relu', kernelInitializer: tf.initializers.glorotUniform({ seed: 31 }) }),
      tf.layers.conv2d({ filters: 4, kernelSize: 3, strides: 2, activation: 'relu', kernelInitializer: tf.initializers.glorotUniform({ seed: 32 }) }),
      tf.layers.flatten(),
      tf.layers.dense({ units: 2, activation: 'softmax', kernelInitializer: tf.initializers.glorotUniform({ seed: 33 }) }),
    ],
  });
  model.compile({ optimizer: tf.train.adam(0.01), loss: 'categoricalCrossentropy' });
  return model;
}

test('a tf.layers model with conv2d and dense layers trains on wasm: model.fit lowers the loss', async () => {
  registerWasmKernelOverrides();
  await tf.setBackend('wasm');
  const { xs, ys } = brightSideData(41);
  const model = convNet();
  const history = await model.fit(xs, ys, { epochs: 8, batchSize: 16, shuffle: false, verbose: 0 });
  const losses = history.history.loss as number[];
  assert.ok(losses.every(Number.isFinite), `losses ${losses}`);
  assert.ok(losses[losses.length - 1] < 0.8 * losses[0], `loss went from ${losses[0]} to ${losses[losses.length - 1]}`);
  tf.dispose([xs, ys]);
  model.dispose();
});

test('after unregisterWasmKernelOverrides(), training a conv layer on stock wasm fails with "Conv2DBackpropFilter not registered"', async () => {
  await tf.setBackend('wasm');
  unregisterWasmKernelOverrides();
  try {
    const x = tf.ones([1, 5, 5, 1]) as tf.Tensor4D;
    assert.throws(() => tf.tidy(() => tf.grad((W: tf.Tensor) => tf.conv2d(x, W as tf.Tensor4D, 1, 'same').sum())(tf.ones([3, 3, 1, 1]))),
      /Kernel 'Conv2DBackpropFilter' not registered for backend 'wasm'/);
    x.dispose();
  } finally {
    registerWasmKernelOverrides();
  }
});

// ---------------------------------------------------------------------------------------------
// Tile

test('mergeAxes(shape, reps) drops axes with s = t = 1 and merges neighbours with t = 1 or with s = 1', () => {
  assert.deepEqual(mergeAxes([1, 1, 1, 32], [64, 32, 32, 1]), { shape: [1, 32], reps: [65536, 1] }, 'the batch-norm expansion');
  assert.deepEqual(mergeAxes([2, 3, 4], [1, 1, 5]), { shape: [6, 4], reps: [1, 5] });
  assert.deepEqual(mergeAxes([2, 1, 3], [2, 1, 2]), { shape: [2, 3], reps: [2, 2] });
  assert.deepEqual(mergeAxes([1, 1], [1, 1]), { shape: [], reps: [] });
  assert.deepEqual(mergeAxes([], []), { shape: [], reps: [] });
  assert.deepEqual(mergeAxes([3, 1, 5], [1, 2, 1]), { shape: [3, 1, 5], reps: [1, 2, 1] }, 'nothing to merge');
});

test('planTile(shape, reps, dtype) copies, fills or leaves the call to the stock kernel', () => {
  const path = (shape: number[], reps: number[], dtype = 'float32') => {
    const p = planTile(shape, reps, dtype);
    return p.path === 'stock' ? `stock (${p.why})` : p.path;
  };
  assert.equal(path([1, 1, 1, 32], [64, 32, 32, 1]), 'fill');
  assert.equal(path([3, 5], [1, 1]), 'copy');
  assert.equal(path([], []), 'copy');
  assert.equal(path([3, 5], [0, 2]), 'empty');
  assert.equal(path([3, 0], [2, 2], 'int32'), 'empty');
  assert.equal(path([3], [2], 'bool'), 'fill');
  assert.equal(path([3], [2], 'string'), 'stock (dtype)');
  assert.equal(path([3], [2], 'complex64'), 'stock (dtype)');
  assert.equal(path([3, 5], [2]), 'stock (reps)');
  assert.equal(path([3], [1.5]), 'stock (reps)');
  assert.equal(path([3], [-1]), 'stock (reps)');
  assert.deepEqual(planTile([2, 3, 4], [3, 1, 2], 'float32').outShape, [6, 3, 8]);
  assert.equal(SHORT_RUN, 16);
});

/** Values of `dtype` for a tile test: random, with float32 extremes and int32 limits mixed in. */
function tileValues(n: number, dtype: 'float32' | 'int32' | 'bool', seed: number): Float32Array | Int32Array | Uint8Array {
  const random = mulberry32(seed);
  if (dtype === 'bool') return Uint8Array.from({ length: n }, () => (random() < 0.5 ? 1 : 0));
  if (dtype === 'int32') {
    const special = [-(2 ** 31), 2 ** 31 - 1, 0, -1];
    return Int32Array.from({ length: n }, (_, i) => (i % 7 === 3 ? special[i % 4] : Math.floor((random() - 0.5) * 2 ** 32)));
  }
  const special = [NaN, -0, Infinity, -Infinity, 3.4028234663852886e38, 1.401298464324817e-45];
  return Float32Array.from({ length: n }, (_, i) => (i % 7 === 3 ? special[i % special.length] : 2 * random() - 1));
}

/** `tile(x, reps)` by its definition, out[i] = x[i mod s], in plain JavaScript. */
function tile64(x: ArrayLike<number>, shape: number[], reps: number[]): number[] {
  const outShape = shape.map((s, i) => s * reps[i]);
  const out: number[] = [];
  for (let flat = 0; flat < size(outShape); flat++) {
    let rest = flat;
    let at = 0;
    let stride = 1;
    for (let d = shape.length - 1; d >= 0; d--) {
      at += (rest % outShape[d] % shape[d]) * stride;
      rest = Math.floor(rest / outShape[d]);
      stride *= shape[d];
    }
    out.push(x[at]);
  }
  return out;
}

/** A seeded grid of (shape, reps) per rank 0-6: sizes 1-5 plus runs longer than SHORT_RUN, reps 1-4 and 7. */
function tileGrid(): { shape: number[]; reps: number[] }[] {
  const random = mulberry32(77);
  const pick = <T>(xs: T[]): T => xs[Math.floor(random() * xs.length)];
  const cases = [
    { shape: [1, 1, 1, 32], reps: [4, 3, 5, 1] }, // batch norm's expansion
    { shape: [1, 7], reps: [9, 1] },
    { shape: [5], reps: [1] },
    { shape: [37], reps: [5] },
    { shape: [2, 40], reps: [3, 2] },
    { shape: [17, 1], reps: [1, 19] },
    { shape: [3, 1, 18], reps: [2, 5, 1] },
    { shape: [], reps: [] },
    { shape: [3, 4], reps: [0, 2] },
    { shape: [0, 4], reps: [2, 2] },
  ];
  for (let rank = 1; rank <= 6; rank++) {
    for (let i = 0; i < 8; i++) {
      const shape = Array.from({ length: rank }, () => pick([1, 1, 2, 3, 5, rank <= 3 ? 17 : 1]));
      const reps = Array.from({ length: rank }, () => pick([1, 1, 2, 3, 4, 7]));
      cases.push({ shape, reps });
    }
  }
  return cases;
}

test('tf.tile(x, reps) on wasm equals cpu exactly over ranks 0-6, odd sizes, reps of 1 and 0, float32/int32/bool', async (t) => {
  registerWasmKernelOverrides();
  assert.ok(isWasmKernelOverridden(tf.Tile));
  let checked = 0;
  for (const [i, { shape, reps }] of tileGrid().entries()) {
    for (const dtype of ['float32', 'int32', 'bool'] as const) {
      const x = tileValues(size(shape), dtype, 100 + i);
      const { cpu, wasm } = await onCpuAndWasm(() => tf.tile(tf.tensor(x, shape, dtype), reps));
      const what = `tile(${dtype} [${shape}], [${reps}])`;
      assert.deepEqual(wasm.shape, cpu.shape, what);
      assert.ok(Array.from(wasm.values).every((v, j) => Object.is(v, cpu.values[j])), `${what}: wasm differs from cpu`);
      assert.ok(tile64(x, shape, reps).every((v, j) => Object.is(v, wasm.values[j])), `${what}: wasm differs from the definition`);
      checked++;
    }
  }
  t.diagnostic(`${checked} tiles equal cpu and the definition element for element`);
});

test('tf.tile(x, reps) on wasm keeps float32 bit patterns (NaN payloads, -0) exactly', async () => {
  registerWasmKernelOverrides();
  await tf.setBackend('wasm');
  const bits = Uint32Array.from([0x7fc00001, 0xffc12345, 0x80000000, 0x00000001, 0x3f800000, 0x7f800000]);
  const x = tf.tensor(new Float32Array(bits.buffer), [2, 3]);
  const y = tf.tile(x, [3, 40]);
  const got = new Uint32Array(new Float32Array(y.dataSync()).buffer);
  const want = Uint32Array.from(tile64(bits, [2, 3], [3, 40]));
  assert.deepEqual(got, want);
  tf.dispose([x, y]);
});

test('tf.tile(x, reps) with reps that do not match the rank still throws tfjs\'s own error on wasm', async () => {
  registerWasmKernelOverrides();
  await tf.setBackend('wasm');
  const x = tf.ones([2, 3]);
  assert.throws(() => tf.tile(x, [2]), /rank of input 2 must match length of reps 2/);
  x.dispose();
});

test('with tfjs\'s own batch-norm gradient, the tile of [1, 1, 1, C] runs on the Tile override and dx equals stock wasm bit for bit', async () => {
  await tf.setBackend('wasm');
  const [n, h, w, c] = [3, 5, 7, 6];
  const values = [uniform(n * h * w * c, 51), uniform(c, 52), uniform(c, 53).map((v) => v + 1.5), uniform(c, 54), uniform(c, 55)];
  const dyValues = uniform(n * h * w * c, 56);
  const run = (): Float32Array => tf.tidy(() => {
    const inputs = [tf.tensor4d(values[0], [n, h, w, c]), ...values.slice(1).map((v) => tf.tensor1d(v))];
    const dy = tf.tensor4d(dyValues, [n, h, w, c]);
    // L = Σ dy ⊙ batchNorm(x, mean, variance, offset, scale): dy plays the upstream gradient.
    const grads = tf.grads((x, mean, variance, offset, scale) => tf.sum(tf.mul(dy, tf.batchNorm(x, mean, variance, offset, scale, 1e-3))));
    return grads(inputs)[0].dataSync() as Float32Array;
  });
  unregisterWasmKernelOverrides();
  let stock: Float32Array;
  try {
    stock = run();
  } finally {
    registerWasmKernelOverrides();
  }
  unregisterWasmGradientOverrides(); // nnlab's kernels, tfjs's gradient
  try {
    const profile = await tf.profile(() => { run(); });
    const tiles = profile.kernels.filter((k) => k.name === tf.Tile);
    assert.deepEqual(tiles.map((k) => k.inputShapes), [[[1, 1, 1, c]]], 'the gradient of x tiles 1/√(σ² + eps) once');
    assert.deepEqual(run(), stock, 'dx: the same kernels, the Tile override exact');
  } finally {
    registerWasmKernelOverrides();
  }
});

// ---------------------------------------------------------------------------------------------
// Identity

test('tf.clone(x) on wasm returns x\'s values for float32/int32/bool without a copy, and each stays valid after the other is disposed', async () => {
  registerWasmKernelOverrides();
  assert.ok(isWasmKernelOverridden(tf.Identity));
  await tf.setBackend('wasm');
  const backend = tf.backend();
  for (const dtype of ['float32', 'int32', 'bool'] as const) {
    const values = tileValues(7, dtype, 60);
    for (const first of ['x', 'y'] as const) {
      const before = backend.numDataIds();
      const x = tf.tensor(values, [7], dtype);
      const y = tf.clone(x);
      assert.equal(backend.numDataIds(), before + 1, `${dtype}: the clone shares x's memory`);
      assert.deepEqual([y.shape, y.dtype], [x.shape, x.dtype]);
      const [gone, kept] = first === 'x' ? [x, y] : [y, x];
      gone.dispose();
      assert.ok(Array.from(kept.dataSync()).every((v, i) => Object.is(v, values[i])), `${dtype}: values after disposing ${first}`);
      kept.dispose();
      assert.equal(backend.numDataIds(), before, `${dtype}: memory freed with the last reference`);
    }
  }
});

test('tf.clone(x) of a string tensor on wasm still runs the stock kernel', async () => {
  registerWasmKernelOverrides();
  await tf.setBackend('wasm');
  const x = tf.tensor(['conv', 'bn']);
  const y = tf.clone(x);
  assert.deepEqual(y.dataSync(), ['conv', 'bn']);
  tf.dispose([x, y]);
});

test('tf.cast(x, x.dtype) on wasm shares x\'s memory; casts to another dtype equal cpu, and to bool are x != 0 (stock wasm: 0.5 -> 0)', async () => {
  registerWasmKernelOverrides();
  assert.ok(isWasmKernelOverridden(tf.Cast));
  await tf.setBackend('wasm');
  const backend = tf.backend();
  const x = tf.tensor(Float32Array.from([1.5, -2.25, 0, NaN, 3e38]), [5]);
  const before = backend.numDataIds();
  const y = tf.engine().runKernel(tf.Cast, { x }, { dtype: 'float32' } as unknown as tf.NamedAttrMap) as tf.Tensor;
  assert.equal(backend.numDataIds(), before, 'no new buffer');
  x.dispose();
  assert.ok(Array.from(y.dataSync()).every((v, i) => Object.is(v, [1.5, -2.25, 0, NaN, Math.fround(3e38)][i])));
  y.dispose();
  for (const [values, from, to] of [
    [[1.5, -2.7, 0, 2 ** 31 + 0.5, -0.4], 'float32', 'int32'], [[0, 1, -3, 7], 'int32', 'float32'], [[1, 0, 1], 'bool', 'int32'],
    [[0, 2.5, -1, 0.5, -0, NaN, 1e-40], 'float32', 'bool'], [[0, 3, -1, 256], 'int32', 'bool'],
  ] as [number[], tf.DataType, tf.DataType][]) {
    const { cpu, wasm } = await onCpuAndWasm(() => tf.cast(tf.tensor(values, [values.length], from), to));
    assert.deepEqual(Array.from(wasm.values), Array.from(cpu.values), `${from} -> ${to}`);
  }
  const bools = tf.tidy(() => Array.from(tf.cast(tf.tensor([0, 2.5, -1, 0.5, 256]), 'bool').dataSync()));
  assert.deepEqual(bools, [0, 1, 1, 1, 1]);
  unregisterWasmKernelOverrides();
  try {
    const stockBools = tf.tidy(() => Array.from(tf.cast(tf.tensor([0, 2.5, -1, 0.5, 256]), 'bool').dataSync()));
    assert.deepEqual(stockBools, [0, 2, 255, 0, 0], 'stock wasm copies numbers into bytes');
  } finally {
    registerWasmKernelOverrides();
  }
});

test('tf.variable(x) on wasm with the Identity override: assign() leaves the clone and the old value untouched', async () => {
  registerWasmKernelOverrides();
  await tf.setBackend('wasm');
  const x = tf.tensor([1, 2, 3]);
  const v = tf.variable(x);
  const snapshot = tf.clone(v);
  v.assign(tf.tensor([4, 5, 6]));
  assert.deepEqual([Array.from(x.dataSync()), Array.from(snapshot.dataSync()), Array.from(v.dataSync())], [[1, 2, 3], [1, 2, 3], [4, 5, 6]]);
  tf.dispose([x, v, snapshot]);
});

// ---------------------------------------------------------------------------------------------
// MaxPoolGrad

/** Pooling inputs with ties, zeros, all-negative windows and a NaN: the cases argmax rules decide. */
function poolValues(n: number, seed: number): Float32Array {
  const random = mulberry32(seed);
  return Float32Array.from({ length: n }, (_, i) => (i === 5 ? NaN : i === 7 ? -Infinity : i % 4 === 0 ? 0 : Math.round(8 * random() - 4) / 2));
}

/** Runs MaxPoolGrad (dy, x, maxPool(x)) on the current backend. */
function maxPoolGradOf(x: tf.Tensor4D, dy: tf.Tensor, filterSize: number | [number, number], strides: number | [number, number],
  pad: 'valid' | 'same' | number, dimRoundingMode?: 'floor' | 'round' | 'ceil'): tf.Tensor {
  const output = tf.maxPool(x, filterSize, strides, pad, dimRoundingMode);
  return runKernel(tf.MaxPoolGrad, { dy, input: x, output }, { filterSize, strides, pad, dimRoundingMode });
}

test('MaxPoolGrad on wasm equals cpu bit for bit over filters 1-3, strides 1-3, valid/same/numeric padding, odd sizes, 1-9 channels, ties, -Inf and NaN', async (t) => {
  registerWasmKernelOverrides();
  assert.ok(isWasmKernelOverridden(tf.MaxPoolGrad));
  await tf.setBackend('wasm');
  assert.notEqual(maxPoolGradModule(heapMemory(tf.backend() as BackendWasm)), null, 'windows apart run in the SIMD module');
  let checked = 0;
  // channels 1-3: the module's one-by-one tail only; 8 and 9: four at a time (and a tail)
  for (const xShape of [[2, 7, 6, 3], [1, 5, 9, 2], [3, 4, 4, 1], [2, 7, 6, 8], [1, 6, 5, 9]] as Shape4[]) {
    for (const filterSize of [1, 2, 3, [2, 3]] as (number | [number, number])[]) {
      for (const strides of [1, 2, 3, [1, 2]] as (number | [number, number])[]) {
        for (const pad of ['valid', 'same', 1] as ('valid' | 'same' | number)[]) {
          const dimRoundingMode = typeof pad === 'number' ? 'ceil' as const : undefined;
          const x = poolValues(size(xShape), 300 + checked);
          const outShape = tf.backend_util.computePool2DInfo(xShape, filterSize, strides, 1, pad, dimRoundingMode).outShape;
          if (size(outShape) === 0) continue;
          const dy = uniform(size(outShape), 500 + checked);
          dy[0] = -0;
          const { cpu, wasm } = await onCpuAndWasm(() => maxPoolGradOf(tf.tensor4d(x, xShape), tf.tensor(dy, outShape), filterSize, strides, pad, dimRoundingMode));
          const what = `MaxPoolGrad x [${xShape}], filterSize ${filterSize}, strides ${strides}, pad ${pad}`;
          assert.deepEqual(wasm.shape, cpu.shape, what);
          assert.ok(Array.from(wasm.values).every((v, j) => Object.is(v, cpu.values[j])), `${what}: wasm differs from cpu`);
          checked++;
        }
      }
    }
  }
  t.diagnostic(`${checked} pooling gradients equal cpu element for element`);
});

test('stock wasm MaxPoolGrad drops the gradient of a window whose max is <= 0; with the overrides it goes to the first max, as on cpu', async () => {
  await tf.setBackend('wasm');
  // windows: [-1 -2; 1 2] -> 2, [-3 -.5; 3 4] -> 4, [0 0; -5 2] -> 2, [0 0; 0 -1] -> the first 0
  const x = tf.tensor4d([-1, -2, -3, -0.5, 1, 2, 3, 4, 0, 0, 0, 0, -5, 2, 0, -1], [1, 4, 4, 1]);
  const dy = tf.tensor4d([10, 20, 30, 40], [1, 2, 2, 1]);
  const grad = () => tf.tidy(() => Array.from(maxPoolGradOf(x, dy, 2, 2, 'valid').dataSync()));
  unregisterWasmKernelOverrides();
  let stock: number[];
  try {
    stock = grad();
  } finally {
    registerWasmKernelOverrides();
  }
  assert.deepEqual(stock, [0, 0, 0, 0, 0, 10, 0, 20, 0, 0, 0, 0, 0, 30, 0, 0], 'stock wasm loses the 40');
  assert.deepEqual(grad(), [0, 0, 0, 0, 0, 10, 0, 20, 0, 0, 40, 0, 0, 30, 0, 0]);
  tf.dispose([x, dy]);
});

// ---------------------------------------------------------------------------------------------
// Sum and Mean

test('planReduce(shape, axis, dtype, keepDims) takes float32 reductions over a leading prefix of the axes as column sums', () => {
  assert.deepEqual(planReduce([64, 32, 32, 32], [0, 1, 2], 'float32', false), { path: 'columns', rows: 65536, columns: 32, outShape: [32] });
  assert.deepEqual(planReduce([64, 32, 32, 32], [2, 0, 1, 1], 'float32', true), { path: 'columns', rows: 65536, columns: 32, outShape: [1, 1, 1, 32] });
  assert.deepEqual(planReduce([5, 3, 4], [-3], 'float32', false), { path: 'columns', rows: 5, columns: 12, outShape: [3, 4] });
  assert.deepEqual(planReduce([128, 10], 0, 'float32', false), { path: 'columns', rows: 128, columns: 10, outShape: [10] });
  for (const [shape, axis, dtype] of [
    [[64, 8, 8, 128], [1, 2], 'float32'], // global average pooling: not a prefix
    [[5, 3, 4], [0, 1, 2], 'float32'], // every axis: stock sums it without a transpose
    [[5, 3, 4], [2], 'float32'], // innermost: stock, no transpose
    [[5, 3], [0], 'int32'],
    [[7], [0], 'float32'],
    [[0, 3], [0], 'float32'],
  ] as [number[], number[], string][]) {
    assert.equal(planReduce(shape, axis, dtype, false).path, 'stock', `[${shape}] over [${axis}] (${dtype})`);
  }
});

test('columnSums(x, rows, columns) adds the rows of a row-major matrix in float64', () => {
  const x = Float32Array.from([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15]); // 5 x 3
  assert.deepEqual(Array.from(columnSums(x, 5, 3)), [35, 40, 45]);
  // 2^24 + 1 + 1: float32 accumulation would lose both ones
  assert.deepEqual(Array.from(columnSums(Float32Array.from([2 ** 24, 1, 1, 1, 1]), 5, 1)), [2 ** 24 + 4]);
});

test('colsum.wat gives columnSums\' float64 bits: rows 1-9 (blocks of four and the rest), odd and even columns, NaN and ±Infinity', async () => {
  registerWasmKernelOverrides();
  await tf.setBackend('wasm');
  const backend = tf.backend() as BackendWasm;
  const module = colsumModule(heapMemory(backend));
  assert.notEqual(module, null);
  for (const [rows, cols] of [[1, 1], [4, 2], [5, 3], [9, 7], [8, 64], [7, 1]]) {
    const values = uniform(rows * cols, rows * 100 + cols).map((v, i) => (i === 3 ? NaN : i === 5 ? Infinity : v * 10 ** (i % 9)));
    const x = tf.tensor1d(values);
    const got = withFloat64Scratch(backend, cols, (acc, address) => {
      module!.colsum((backend.typedArrayFromHeap(x as unknown as tf.TensorInfo) as Float32Array).byteOffset, address, rows, cols);
      return acc.slice();
    });
    const want = columnSums(values, rows, cols);
    assert.ok(Array.from(got).every((v, c) => Object.is(v, want[c])), `${rows} x ${cols}: ${got} vs ${want}`);
    x.dispose();
  }
});

/** Σ over the leading `k` axes of x (shape `shape`) in float64, and Σ|x| alongside. */
function leadingSums(x: Float32Array, shape: number[], k: number): { sums: Float64Array; abs: Float64Array } {
  const columns = size(shape.slice(k));
  const sums = new Float64Array(columns);
  const absSums = new Float64Array(columns);
  x.forEach((v, i) => { sums[i % columns] += v; absSums[i % columns] += Math.abs(v); });
  return { sums, abs: absSums };
}

test('tf.sum and tf.mean over leading axes on wasm are the float64 sum rounded once to float32, over ranks 2-5, odd sizes and keepDims', async (t) => {
  registerWasmKernelOverrides();
  assert.ok(isWasmKernelOverridden(tf.Sum) && isWasmKernelOverridden(tf.Mean));
  await tf.setBackend('wasm');
  const cases: [number[], number][] = [
    [[1, 1], 1], [[7, 1], 1], [[2, 3], 1], [[128, 10], 1], [[3, 5, 7], 1], [[3, 5, 7], 2], [[64, 9, 9, 5], 3],
    [[2, 3, 4, 5, 6], 1], [[2, 3, 4, 5, 6], 4], [[4, 33, 31, 3], 3], [[13, 1, 17], 2], [[1, 1, 1, 8], 3],
    // from 2^16 values the SIMD module sums: odd columns, and rows not a multiple of 4
    [[64, 33, 7, 5], 3], [[3, 7, 11, 301], 3],
  ];
  let checked = 0;
  for (const [i, [shape, k]] of cases.entries()) {
    const x = uniform(size(shape), 300 + i).map((v, j) => v * (1 + (j % 7) * 100)); // magnitudes 1..600
    const axes = Array.from({ length: k }, (_, a) => a).reverse();
    const rows = size(shape.slice(0, k));
    const { sums, abs: absSums } = leadingSums(x, shape, k);
    for (const keepDims of [false, true]) {
      const [s, m] = tf.tidy(() => {
        const xt = tf.tensor(x, shape);
        return [tf.sum(xt, axes, keepDims), tf.mean(xt, axes, keepDims)].map((r) => ({ shape: r.shape, values: r.dataSync() as Float32Array }));
      });
      const outShape = keepDims ? shape.map((d, a) => (a < k ? 1 : d)) : shape.slice(k);
      const what = `[${shape}] over [${axes}] keepDims ${keepDims}`;
      assert.deepEqual([s.shape, m.shape], [outShape, outShape], what);
      sums.forEach((exact, c) => {
        // one float64 sum (error <= γ_K(2^-53)·Σ|x|), rounded once to float32 (<= 2^-24·|s|)
        const slack = gamma(rows, U64) * absSums[c];
        assert.ok(Math.abs(s.values[c] - exact) <= U32 * Math.abs(exact) + slack, `${what}: sum[${c}] ${s.values[c]} vs ${exact}`);
        assert.ok(Math.abs(m.values[c] - exact / rows) <= U32 * Math.abs(exact / rows) + 2 * slack / rows, `${what}: mean[${c}] ${m.values[c]} vs ${exact / rows}`);
        checked += 2;
      });
    }
  }
  t.diagnostic(`${checked} sums and means within one float32 rounding of the exact value`);
});

test('tf.sum and tf.mean on wasm propagate NaN and ±Infinity as cpu does, and the stock paths (int32, inner axes, all axes) equal cpu', async () => {
  const x = Float32Array.from([1, NaN, Infinity, Infinity, 2, 3, -Infinity, 5, 4, 6, -7, 8]); // [3, 4]: column sums 7, NaN, Inf - Inf = NaN, Inf
  const { cpu, wasm } = await onCpuAndWasm(() => tf.concat([tf.sum(tf.tensor(x, [3, 4]), 0), tf.mean(tf.tensor(x, [3, 4]), 0)]));
  // non-finite results exactly as cpu; finite ones within a float32 ulp (cpu's mean multiplies by
  // float32(1/M): 7/3 becomes 2.33333349, the correctly rounded 2.33333325 here)
  assert.ok(wasm.values.every((v, i) => (Number.isFinite(v) ? Math.abs(v - cpu.values[i]) <= 2 * U32 * Math.abs(v) : Object.is(v, cpu.values[i]))),
    `${wasm.values} vs cpu ${cpu.values}`);
  assert.equal(wasm.values[4], Math.fround(7 / 3), 'the mean is the exact quotient rounded once');
  assert.ok(wasm.values[0] === 7 && Number.isNaN(wasm.values[1]) && Number.isNaN(wasm.values[2]) && wasm.values[3] === Infinity, `${wasm.values}`);
  const ints = Int32Array.from({ length: 60 }, (_, i) => (i * 7919) % 101 - 50);
  for (const make of [
    () => tf.sum(tf.tensor(ints, [3, 4, 5], 'int32'), [0, 1]),
    () => tf.mean(tf.tensor(ints, [3, 4, 5], 'int32'), 0),
    () => tf.sum(tf.tensor(uniform(60, 400), [3, 4, 5]), [1, 2]),
    () => tf.sum(tf.tensor(uniform(60, 401), [3, 4, 5])),
    () => tf.mean(tf.tensor(uniform(60, 402), [3, 4, 5]), -1),
  ]) {
    const r = await onCpuAndWasm(make);
    assert.deepEqual(r.wasm.shape, r.cpu.shape);
    r.wasm.values.forEach((v, i) => assert.ok(Math.abs(v - r.cpu.values[i]) <= 1e-6 * (1 + Math.abs(r.cpu.values[i])), `${make}: ${v} vs ${r.cpu.values[i]}`));
  }
});

// ---------------------------------------------------------------------------------------------
// Transpose

test('planTranspose drops size-1 axes, merges axes that stay neighbours, and keeps batched swaps; the rest is stock', () => {
  const plan = (shape: number[], perm: number[], dtype = 'float32') => {
    const p = planTranspose(shape, perm, dtype);
    return p.path === 'swap' ? `swap ${p.batch}x${p.rows}x${p.cols}` : p.path === 'copy' ? 'copy' : `stock (${p.why})`;
  };
  assert.equal(plan([65536, 32], [1, 0]), 'swap 1x65536x32');
  assert.equal(plan([64, 32, 32, 32], [0, 3, 1, 2]), 'swap 64x1024x32', 'NHWC -> NCHW');
  assert.equal(plan([64, 32, 32, 32], [0, 2, 3, 1]), 'swap 64x32x1024', 'NCHW -> NHWC');
  assert.equal(plan([2, 3, 4], [2, 0, 1]), 'swap 1x6x4');
  assert.equal(plan([2, 3, 4], [1, 2, 0]), 'swap 1x2x12');
  assert.equal(plan([9, 32, 64], [0, 2, 1]), 'swap 9x32x64', 'the input gradient\'s filter');
  assert.equal(plan([1, 5, 1, 7], [3, 2, 1, 0]), 'swap 1x5x7', 'size-1 axes move nothing');
  assert.equal(plan([3, 1, 2], [1, 0, 2]), 'copy');
  assert.equal(plan([4, 5], [0, 1]), 'copy');
  assert.equal(plan([2, 3, 4], [1, 0, 2]), 'stock (perm)', 'a swap with a block kept last');
  assert.equal(plan([2, 3, 4, 5], [3, 1, 2, 0]), 'stock (perm)');
  assert.equal(plan([4, 5], [1, 0], 'bool'), 'stock (dtype)');
  assert.equal(plan([0, 5], [1, 0]), 'stock (perm)', 'empty');
});

test('Transpose on wasm equals cpu value for value (NaN, -0, int32) over ranks 1-5, every permutation of rank <= 4, odd sizes', async () => {
  registerWasmKernelOverrides();
  const permutations = (r: number): number[][] => r === 0 ? [[]] : permutations(r - 1).flatMap((p) => Array.from({ length: r }, (_, i) => [...p.slice(0, i), r - 1, ...p.slice(i)]));
  const cases: [number[], number[]][] = [];
  for (const shape of [[7], [5, 9], [4, 8], [1, 6], [3, 5, 6], [2, 1, 7], [4, 4, 4], [2, 3, 5, 6], [3, 1, 4, 9], [9, 13]]) {
    for (const perm of permutations(shape.length)) cases.push([shape, perm]);
  }
  // tiles of 64 rows and what is left: 64 + 1, 64 + 36, 128 + 2 rows
  cases.push([[2, 3, 1, 4, 5], [0, 4, 2, 1, 3]], [[2, 3, 4, 5, 6], [0, 1, 4, 2, 3]], [[65, 67], [1, 0]], [[3, 33, 17], [0, 2, 1]],
    [[100, 6], [1, 0]], [[2, 70, 5], [0, 2, 1]], [[130, 9], [1, 0]]);
  let swaps = 0;
  for (const [k, [shape, perm]] of cases.entries()) {
    for (const dtype of ['float32', 'int32'] as const) {
      const n = shape.reduce((a, b) => a * b, 1);
      const values = dtype === 'int32'
        ? Int32Array.from({ length: n }, (_, i) => (i * 2654435761) | 0)
        : Float32Array.from(uniform(n, 300 + k), (v, i) => (i % 11 === 3 ? NaN : i % 13 === 5 ? -0 : v));
      const { cpu, wasm } = await onCpuAndWasm(() => runKernel(tf.Transpose, { x: tf.tensor(values, shape, dtype) }, { perm }));
      assert.deepEqual(wasm.shape, cpu.shape);
      const same = Array.from(cpu.values).every((v, i) => Object.is(v, wasm.values[i]));
      assert.ok(same, `[${shape}] by [${perm}] (${dtype})`);
      if (planTranspose(shape, perm, dtype).path === 'swap') swaps++;
    }
  }
  assert.ok(swaps >= 60, `${swaps} cases ran the SIMD swap`);
});

test('the Transpose override runs in the filter and input gradients (their transposes go through the registered kernel)', async () => {
  registerWasmKernelOverrides();
  await tf.setBackend('wasm');
  const calls: string[] = [];
  const config = tf.getKernel(tf.Transpose, 'wasm')!;
  tf.unregisterKernel(tf.Transpose, 'wasm');
  tf.registerKernel({ ...config, kernelFunc: (args) => { calls.push(JSON.stringify(args.attrs)); return config.kernelFunc(args); } });
  const before = setFilterGradOptions({ path: 'patches' }); // the direct path has no transpose
  try {
    const x = tf.randomUniform([2, 6, 6, 3]);
    const W = tf.randomUniform([3, 3, 3, 4]);
    const [dx, dW] = tf.grads((a: tf.Tensor, b: tf.Tensor) => tf.conv2d(a as tf.Tensor4D, b as tf.Tensor4D, 1, 'same').sum())([x, W]);
    assert.ok(calls.length >= 2, `Transpose calls: ${calls.join(' ')}`);
    tf.dispose([x, W, dx, dW]);
  } finally {
    setFilterGradOptions(before);
    tf.unregisterKernel(tf.Transpose, 'wasm');
    tf.registerKernel(config);
  }
});

test('NnlabDropoutMask on wasm writes dropoutMask\'s values straight into the heap, leaks nothing, and names a bad attribute', async () => {
  registerWasmKernelOverrides();
  await tf.setBackend('wasm');
  const backend = tf.backend();
  for (const [shape, rate, seed] of [[[64, 16, 16, 32], 0.2, 7], [[3, 5], 0.5, 0], [[0, 4], 0.5, 1], [[1], 0.9, 2 ** 40]] as Array<[number[], number, number]>) {
    const before = [tf.memory().numTensors, backend.numDataIds()];
    const t = dropoutMaskTensor(shape, rate, seed);
    assert.deepEqual(t.shape, shape);
    const want = dropoutMask(t.size, rate, seed);
    assert.deepEqual(new Uint32Array(t.dataSync().buffer.slice(0)), new Uint32Array(want.buffer), `[${shape}] ${rate} ${seed}`);
    t.dispose();
    assert.deepEqual([tf.memory().numTensors, backend.numDataIds()], before);
  }
  const run = (attrs: object) => tf.engine().runKernel('NnlabDropoutMask', {}, attrs as tf.NamedAttrMap);
  assert.throws(() => run({ shape: [2], rate: 1, seed: 1 }), { message: 'NnlabDropoutMask: rate is 1; allowed: a number in [0, 1)' });
  assert.throws(() => run({ shape: [2.5], rate: 0.5, seed: 1 }), { message: 'NnlabDropoutMask: shape is [2.5]; allowed: an array of integers >= 0' });
  assert.throws(() => run({ shape: [2], rate: 0.5, seed: -1 }), { message: 'NnlabDropoutMask: seed is -1; allowed: an integer >= 0' });
  // elsewhere: the same values from JavaScript
  await tf.setBackend('cpu');
  try {
    const t = dropoutMaskTensor([40, 7], 0.3, 5);
    assert.deepEqual(t.dataSync(), dropoutMask(280, 0.3, 5));
    t.dispose();
  } finally {
    await tf.setBackend('wasm');
  }
});

// ---------------------------------------------------------------------------------------------
// Leaks

interface KernelCall { kernel: string; inputs: tf.NamedTensorMap; attrs: object }

test('every override path leaves tf.memory().numTensors and the wasm backend\'s buffers unchanged', async () => {
  registerWasmKernelOverrides();
  await tf.setBackend('wasm');
  const backend = tf.backend();
  const t = (shape: number[], seed: number) => tf.tensor(uniform(size(shape), seed), shape);
  const conv = (kernel: string, strides: number, pad: Pad, xShape: Shape4, filterShape: Shape4, dataFormat = 'NHWC'): KernelCall => {
    const info = tf.backend_util.computeConv2DInfo(xShape, filterShape, strides, 1, pad, undefined, false,
      dataFormat === 'NHWC' ? 'channelsLast' : 'channelsFirst');
    return kernel === tf.Conv2DBackpropFilter
      ? { kernel, inputs: { x: t(xShape, 1), dy: t(info.outShape, 2) }, attrs: { strides, pad, dataFormat, filterShape } }
      : { kernel, inputs: { dy: t(info.outShape, 3), filter: t(filterShape, 4) }, attrs: { strides, pad, dataFormat, inputShape: xShape } };
  };
  const calls: KernelCall[] = [
    ...FLAGS.map(([transposeA, transposeB]) => ({ kernel: tf.BatchMatMul, inputs: { a: t([9, 9], 5), b: t([9, 9], 6) }, attrs: { transposeA, transposeB } })),
    { kernel: tf.BatchMatMul, inputs: { a: t([3, 5, 4], 7), b: t([6, 5], 8) }, attrs: { transposeA: true, transposeB: true } },
    { kernel: tf.BatchMatMul, inputs: { a: t([5, 4], 9), b: t([3, 6, 5], 10) }, attrs: { transposeA: true, transposeB: true } },
    { kernel: tf.BatchMatMul, inputs: { a: t([2, 40, 40], 11), b: t([2, 40, 40], 12) }, attrs: { transposeA: true, transposeB: false } },
    { kernel: tf.BatchMatMul, inputs: { a: t([2, 4, 5], 13), b: t([2, 5, 6], 14) }, attrs: { transposeA: false, transposeB: false } },
    { kernel: tf._FusedMatMul, inputs: { a: t([1, 5, 4], 15), b: t([1, 6, 5], 16), bias: t([6], 17) }, attrs: { transposeA: true, transposeB: true, activation: 'relu' } },
    { kernel: tf._FusedMatMul, inputs: { a: t([2, 5, 4], 18), b: t([2, 5, 6], 19), bias: t([6], 20), preluActivationWeights: t([6], 21) }, attrs: { transposeA: true, transposeB: false, activation: 'prelu' } },
    conv(tf.Conv2DBackpropFilter, 1, 'same', [2, 7, 6, 3], [3, 3, 3, 4]),
    conv(tf.Conv2DBackpropFilter, 3, 'valid', [2, 9, 9, 3], [2, 2, 3, 4]),
    conv(tf.Conv2DBackpropFilter, 2, 'same', [2, 3, 7, 6], [3, 3, 3, 4], 'NCHW'),
    conv(tf.Conv2DBackpropInput, 1, 'same', [2, 7, 6, 3], [3, 3, 3, 4]),
    conv(tf.Conv2DBackpropInput, 3, 'same', [2, 7, 7, 3], [1, 1, 3, 4]),
    conv(tf.Conv2DBackpropInput, 2, 4, [2, 7, 6, 3], [2, 2, 3, 4]),
    conv(tf.Conv2DBackpropInput, 2, 'same', [2, 3, 7, 6], [3, 3, 3, 4], 'NCHW'),
    { kernel: tf.Tile, inputs: { x: t([1, 1, 1, 5], 22) }, attrs: { reps: [3, 4, 2, 1] } },
    { kernel: tf.Tile, inputs: { x: t([3, 5], 23) }, attrs: { reps: [1, 1] } },
    { kernel: tf.Tile, inputs: { x: t([3, 5], 24) }, attrs: { reps: [0, 2] } },
    { kernel: tf.Tile, inputs: { x: tf.tensor([1, 0, 1], [3], 'bool') }, attrs: { reps: [5] } },
    { kernel: tf.Tile, inputs: { x: tf.tensor([[1, 2]], [1, 2], 'int32') }, attrs: { reps: [2, 20] } },
    { kernel: tf.Identity, inputs: { x: t([3, 5], 25) }, attrs: {} },
    { kernel: tf.Identity, inputs: { x: tf.tensor(['a', 'b']) }, attrs: {} },
    { kernel: tf.MaxPoolGrad, inputs: { dy: t([2, 3, 3, 3], 26), input: t([2, 7, 6, 3], 27), output: t([2, 3, 3, 3], 28) }, attrs: { filterSize: 2, strides: 2, pad: 'valid' } },
    { kernel: tf.MaxPoolGrad, inputs: { dy: t([2, 7, 6, 3], 29), input: t([2, 7, 6, 3], 30), output: t([2, 7, 6, 3], 31) }, attrs: { filterSize: 3, strides: 1, pad: 'same' } },
    { kernel: tf.Cast, inputs: { x: t([3, 5], 35) }, attrs: { dtype: 'float32' } },
    { kernel: tf.Cast, inputs: { x: t([3, 5], 36) }, attrs: { dtype: 'int32' } },
    { kernel: tf.Cast, inputs: { x: t([3, 5], 37) }, attrs: { dtype: 'bool' } },
    { kernel: tf.Sum, inputs: { x: t([4, 3, 5], 32) }, attrs: { axis: [0, 1], keepDims: false } },
    { kernel: tf.Sum, inputs: { x: t([4, 3, 5], 33) }, attrs: { axis: [1], keepDims: true } },
    { kernel: tf.Mean, inputs: { x: t([4, 3, 5], 34) }, attrs: { axis: [0], keepDims: true } },
    { kernel: tf.Mean, inputs: { x: tf.tensor([[1, 2], [3, 4]], [2, 2], 'int32') }, attrs: { axis: [0], keepDims: false } },
    { kernel: tf.Transpose, inputs: { x: t([3, 5, 2], 38) }, attrs: { perm: [0, 2, 1] } },
    { kernel: tf.Transpose, inputs: { x: t([3, 5, 2], 39) }, attrs: { perm: [1, 0, 2] } },
    { kernel: tf.Transpose, inputs: { x: t([3, 1, 2], 40) }, attrs: { perm: [1, 0, 2] } },
    { kernel: tf.Transpose, inputs: { x: tf.tensor([1, 0, 1, 1], [2, 2], 'bool') }, attrs: { perm: [1, 0] } },
  ];
  for (const { kernel, inputs, attrs } of calls) {
    for (const [label, opts] of kernel === tf.Conv2DBackpropFilter ? FILTER_PATHS : FILTER_PATHS.slice(0, 1)) {
      const previous = setFilterGradOptions(opts);
      const before = [tf.memory().numTensors, backend.numDataIds()];
      runKernel(kernel, inputs, attrs).dispose();
      assert.deepEqual([tf.memory().numTensors, backend.numDataIds()], before, `${kernel} ${JSON.stringify(attrs)} (${label})`);
      setFilterGradOptions(previous);
    }
    tf.dispose(inputs);
  }
});
