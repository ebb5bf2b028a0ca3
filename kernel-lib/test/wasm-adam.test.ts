/**
 * The fused Adam update on wasm (src/engine/wasm/adam.ts): `tf.train.adam` through one
 * NnlabAdamUpdate call per variable gives the same bits as tfjs's own 14-op update on the cpu
 * backend and on stock wasm, over many steps, for shapes whose size is and is not a multiple of 4,
 * default and custom hyperparameters and a learning rate changed between steps; its JavaScript
 * fallback equals the SIMD module; install and uninstall; leaks; the kernel's errors; the
 * shared-memory build under 2 threads.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'child_process';
import * as path from 'path';
import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-wasm';
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';
import { adamConstants, adamLoop, adamModule, uninstallFusedAdam } from '../src/engine/wasm/adam';
import { ADAM_UPDATE, heapMemory, isFusedAdamInstalled, isWasmKernelOverridden, registerWasmKernelOverrides, unregisterWasmKernelOverrides } from '../src/engine/wasm/kernels';

/** What applyGradients takes (tfjs does not export the type's name). */
type Gradients = Parameters<tf.AdamOptimizer['applyGradients']>[0];

/** Shapes of the variables: sizes 1, 3, 4, 5, 1023, 4096 + 7, and an MLP layer. */
const SHAPES: number[][] = [[], [3], [2, 2], [5], [31, 33], [4103], [784, 64]];

interface Run { weights: Float32Array[]; moments: Float32Array[] }

/**
 * `steps` Adam steps of `make()` over variables of SHAPES on `backend` (the gradients are fixed
 * functions of the step and the values, seeds from 1: seed 0 is no seed in tfjs), with the learning
 * rate halved after half of the steps. Returns the variables and the optimizer's weights.
 */
async function adamRun(backend: 'cpu' | 'wasm', make: () => tf.AdamOptimizer, steps: number): Promise<Run> {
  await tf.setBackend(backend);
  const vars = SHAPES.map((s, i) => tf.variable(tf.randomNormal(s, 0, 1, 'float32', 10 + i), true, `adam-test-${backend}-${i}-${Math.random()}`));
  const opt = make();
  for (let step = 0; step < steps; step++) {
    if (step === Math.floor(steps / 2)) (opt as unknown as { learningRate: number }).learningRate /= 2;
    const grads = Object.fromEntries(vars.map((v, i) => [v.name, tf.tidy(() =>
      tf.add(tf.randomNormal(v.shape, 0, 1 + i, 'float32', 1000 * step + i + 1), tf.mul(v, 0.1)))]));
    opt.applyGradients(grads as unknown as Gradients);
    tf.dispose(Object.values(grads));
  }
  const weights = vars.map((v) => v.dataSync() as Float32Array);
  const moments = (await opt.getWeights()).slice(1).map((w) => w.tensor.dataSync() as Float32Array);
  opt.dispose();
  tf.dispose(vars);
  return { weights, moments };
}

function sameBits(a: Float32Array[], b: Float32Array[], what: string): void {
  assert.equal(a.length, b.length);
  a.forEach((x, k) => {
    const ux = new Uint32Array(x.buffer, x.byteOffset, x.length);
    const uy = new Uint32Array(b[k].buffer, b[k].byteOffset, b[k].length);
    let differ = 0;
    let first = -1;
    for (let i = 0; i < x.length; i++) if (ux[i] !== uy[i]) { differ++; if (first < 0) first = i; }
    assert.equal(differ, 0, `${what} ${k}: ${differ} of ${x.length} differ, first at ${first}: ${x[first]} vs ${b[k][first]}`);
  });
}

test('registerWasmKernelOverrides() installs the fused Adam update and unregister puts tfjs\'s back', () => {
  const stock = tf.AdamOptimizer.prototype.applyGradients;
  unregisterWasmKernelOverrides();
  assert.equal(isFusedAdamInstalled(), false);
  assert.equal(tf.getKernel(ADAM_UPDATE, 'wasm'), undefined);
  const tfjsOwn = tf.AdamOptimizer.prototype.applyGradients;
  registerWasmKernelOverrides();
  assert.ok(isFusedAdamInstalled());
  assert.ok(isWasmKernelOverridden(ADAM_UPDATE));
  const fused = tf.AdamOptimizer.prototype.applyGradients;
  registerWasmKernelOverrides();
  assert.equal(tf.AdamOptimizer.prototype.applyGradients, fused, 'a second call changes nothing');
  unregisterWasmKernelOverrides();
  assert.equal(tf.AdamOptimizer.prototype.applyGradients, tfjsOwn);
  assert.equal(tf.getKernel(ADAM_UPDATE, 'wasm'), undefined);
  registerWasmKernelOverrides();
  if (stock === tfjsOwn) unregisterWasmKernelOverrides();
});

for (const [label, make] of [
  ['tf.train.adam(0.01)', () => tf.train.adam(0.01)],
  ['tf.train.adam(0.3, 0.5, 0.9, 1e-3)', () => tf.train.adam(0.3, 0.5, 0.9, 1e-3)],
] as Array<[string, () => tf.AdamOptimizer]>) {
  test(`${label} on wasm through the fused update: the same bits as tfjs's own update on cpu and on stock wasm, 30 steps`, async () => {
    registerWasmKernelOverrides();
    let calls = 0;
    const kernel = tf.getKernel(ADAM_UPDATE, 'wasm')!;
    tf.unregisterKernel(ADAM_UPDATE, 'wasm');
    tf.registerKernel({ ...kernel, kernelFunc: (args) => { calls++; return kernel.kernelFunc(args); } });
    try {
      const fused = await adamRun('wasm', make, 30);
      assert.equal(calls, 30 * SHAPES.length, 'one kernel call per variable and step');
      const cpu = await adamRun('cpu', make, 30);
      sameBits(fused.weights, cpu.weights, 'variable');
      sameBits(fused.moments, cpu.moments, 'moment');
      uninstallFusedAdam();
      const stock = await adamRun('wasm', make, 30);
      assert.equal(calls, 30 * SHAPES.length, 'tfjs\'s update does not call the kernel');
      sameBits(fused.weights, stock.weights, 'variable');
      sameBits(fused.moments, stock.moments, 'moment');
    } finally {
      tf.unregisterKernel(ADAM_UPDATE, 'wasm');
      tf.registerKernel(kernel);
      registerWasmKernelOverrides();
    }
  });
}

test('the fused update leaves no tensor and no wasm memory behind after the first step (which creates the moments)', async () => {
  registerWasmKernelOverrides();
  await tf.setBackend('wasm');
  const vars = SHAPES.map((s, i) => tf.variable(tf.randomNormal(s, 0, 1, 'float32', i)));
  const grads = vars.map((v, i) => ({ name: v.name, tensor: tf.randomNormal(v.shape, 0, 1, 'float32', 50 + i) }));
  const opt = tf.train.adam(1e-3);
  opt.applyGradients(grads);
  const before = tf.memory();
  for (let i = 0; i < 5; i++) opt.applyGradients(grads);
  const after = tf.memory();
  assert.equal(after.numTensors, before.numTensors);
  assert.equal(after.numBytes, before.numBytes);
  opt.dispose();
  tf.dispose([...vars, ...grads.map((g) => g.tensor)]);
});

test('the JavaScript fallback loop gives the SIMD module\'s bits, on 10,003 values with extreme gradients', async () => {
  registerWasmKernelOverrides();
  await tf.setBackend('wasm');
  const backend = tf.backend() as BackendWasm;
  const module = adamModule(heapMemory(backend));
  assert.notEqual(module, null, 'the module instantiates on the one-thread heap');
  const n = 10_003;
  const rand = (seed: number, scale: number) => tf.tidy(() => tf.mul(tf.randomNormal([n], 0, 1, 'float32', seed), scale));
  const [x, m, v, g] = [rand(1, 1), rand(2, 1e-2), tf.abs(rand(3, 1e-4)), rand(4, 1e3)];
  const gExtreme = tf.tidy(() => tf.concat([g.slice(0, n - 6), tf.tensor1d([0, -0, 1e-30, 3e38, 1e-45, -7])]));
  const k = adamConstants({ beta1: 0.9, beta2: 0.999, epsilon: 1e-7, learningRate: 0.01 }, 0.9 ** 3, 0.999 ** 3);
  const out = [0, 1, 2].map(() => tf.zeros([n]));
  const ref = [0, 1, 2].map(() => new Float32Array(n));
  const h = (t: tf.Tensor) => backend.typedArrayFromHeap(t as unknown as tf.TensorInfo) as Float32Array;
  const [xs, ms, vs, gs, xo, mo, vo] = [x, m, v, gExtreme, ...out].map(h);
  module!.adam(xs.byteOffset, ms.byteOffset, vs.byteOffset, gs.byteOffset, xo.byteOffset, mo.byteOffset, vo.byteOffset, n, k.b1, k.c1, k.b2, k.c2, k.a1, k.a2, k.eps, k.nlr);
  adamLoop(xs, ms, vs, gs, ref[0], ref[1], ref[2], k);
  sameBits(out.map((t) => t.dataSync() as Float32Array), ref, 'output');
  assert.ok(out[2].dataSync().some((y) => y === Infinity), 'g = 3e38 overflows g² as on every backend');
  tf.dispose([x, m, v, g, gExtreme, ...out]);
});

test('adamConstants rounds what tfjs\'s ops see: 1 - beta in float64, then float32; the bias corrections from float32 accumulators', () => {
  const k = adamConstants({ beta1: 0.9, beta2: 0.999, epsilon: 1e-7, learningRate: 0.001 }, Math.fround(0.81), Math.fround(0.998001));
  assert.deepEqual(k, {
    b1: Math.fround(0.9), c1: Math.fround(1 - 0.9), b2: Math.fround(0.999), c2: Math.fround(1 - 0.999),
    a1: Math.fround(1 - Math.fround(0.81)), a2: Math.fround(1 - Math.fround(0.998001)), eps: Math.fround(1e-7), nlr: Math.fround(-0.001),
  });
});

test('the kernel called directly with a wrong input names it, its value and what is allowed', async () => {
  registerWasmKernelOverrides();
  await tf.setBackend('wasm');
  const attrs = { beta1: 0.9, beta2: 0.999, epsilon: 1e-7, learningRate: 0.001 };
  const x = tf.zeros([2, 3]);
  const acc = tf.scalar(0.9);
  assert.throws(() => tf.engine().runKernel(ADAM_UPDATE, { x, m: x, v: x, g: tf.zeros([3, 3]), accBeta1: acc, accBeta2: acc }, attrs),
    { message: 'NnlabAdamUpdate: input g has shape [3,3]; allowed: x\'s shape [2,3]' });
  assert.throws(() => tf.engine().runKernel(ADAM_UPDATE, { x, m: x, v: tf.zeros([2, 3], 'int32'), g: x, accBeta1: acc, accBeta2: acc }, attrs),
    { message: 'NnlabAdamUpdate: input v has dtype int32; allowed: float32' });
  tf.dispose([x, acc]);
});

test('an int32 variable is not the fused kernel\'s: tf.train.adam gives tfjs\'s own answer (here its error) on wasm', async () => {
  registerWasmKernelOverrides();
  await tf.setBackend('wasm');
  const v = tf.variable(tf.zeros([3], 'int32'));
  const opt = tf.train.adam(0.1);
  let fusedError = '';
  try { opt.applyGradients({ [v.name]: tf.ones([3], 'int32') } as unknown as Gradients); } catch (e) { fusedError = (e as Error).message; }
  uninstallFusedAdam();
  const opt2 = tf.train.adam(0.1);
  let stockError = '';
  try { opt2.applyGradients({ [v.name]: tf.ones([3], 'int32') } as unknown as Gradients); } catch (e) { stockError = (e as Error).message; }
  registerWasmKernelOverrides();
  assert.equal(fusedError, stockError);
  opt.dispose(); opt2.dispose(); v.dispose();
});

test('with 2 wasm threads (shared heap) the shared-memory build loads and tf.train.adam gives the cpu backend\'s bits (in a child)', () => {
  const src = path.resolve(__dirname, '..', 'src');
  const script = `
    const tf = require('@tensorflow/tfjs');
    const nn = require(${JSON.stringify(path.join(src, 'index.js'))});
    const { heapMemory, adamModule } = require(${JSON.stringify(path.join(src, 'engine', 'wasm', 'kernels.js'))});
    const run = () => {
      const v = tf.variable(tf.randomNormal([1000, 37], 0, 1, 'float32', 1));
      const opt = tf.train.adam(0.05);
      for (let s = 0; s < 10; s++) tf.tidy(() => opt.applyGradients({ [v.name]: tf.randomNormal(v.shape, 0, 1, 'float32', s + 2) }));
      const out = v.dataSync();
      v.dispose(); opt.dispose();
      return out;
    };
    (async () => {
      const report = await nn.useDevice('cpu', { print: false, wasm: { threads: 2 } });
      const memory = heapMemory(tf.backend());
      const wasm = run();
      await tf.setBackend('cpu');
      const cpu = run();
      let differ = 0;
      for (let i = 0; i < wasm.length; i++) if (wasm[i] !== cpu[i]) differ++;
      console.log(JSON.stringify({ threads: report.details.wasm.threads.threads, adam: report.details.wasm.kernels.includes('NnlabAdamUpdate'),
        shared: memory !== undefined && memory.buffer instanceof SharedArrayBuffer, module: adamModule(memory) !== null, differ }));
      process.exit(0);
    })().catch((e) => { console.error(e); process.exit(1); });`;
  const out = execFileSync(process.execPath, ['-e', script], {
    cwd: path.resolve(__dirname, '..', '..'), env: { ...process.env, NNLAB_WASM_THREADS: '', NNLAB_WASM_KERNELS: '' }, encoding: 'utf8', timeout: 90_000,
  });
  assert.deepEqual(JSON.parse(out.trim().split('\n').pop()!), { threads: 2, adam: true, shared: true, module: true, differ: 0 });
});
