/**
 * The wasm Tanh override (src/engine/wasm/tanh.ts) against tfjs's cpu backend, bit for bit: on a
 * dense grid of float32 inputs (every 1021st float32 in [-10, 10], 2.1 million values, about 8,200
 * per binade and sign, so every binade and many patterns of low bits are hit; compared with
 * Math.fround(Math.tanh(x)), which is the cpu kernel, as a second test shows on 100k of them) and on the special values (±0, denormals, the
 * thresholds where tanh rounds to x and to ±1, large |x|, ±Inf, NaN); its gradient; its fallbacks;
 * leaks (test/wasm-kernels.test.ts checks the committed wasm bytes against their source). The exhaustive check over every float32
 * is a script (`npm run bench:tanh -w nnlab -- --exhaustive`), too slow for a test.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'child_process';
import * as path from 'path';
import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-wasm';
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';
import { exhaustive, parseArgs } from '../src/bench/tanh';
import { heapMemory, isWasmKernelOverridden, registerWasmKernelOverrides, tanhModule, unregisterWasmKernelOverrides } from '../src/engine/wasm/kernels';

/** Float32 values with the given bit patterns. */
function fromBits(bits: ArrayLike<number>): Float32Array {
  return new Float32Array(Uint32Array.from(bits).buffer);
}

/** Every `step`-th float32 in [-limit, limit] (both signs of each magnitude), then `extra`. */
function grid(limit: number, step: number, extra: readonly number[] = []): Float32Array {
  const top = new Uint32Array(Float32Array.of(limit).buffer)[0];
  const count = Math.floor(top / step) + 1;
  const bits = new Uint32Array(2 * count + extra.length);
  for (let i = 0; i < count; i++) {
    bits[2 * i] = i * step;
    bits[2 * i + 1] = (i * step) | 0x80000000;
  }
  new Float32Array(bits.buffer).set(extra, 2 * count);
  return new Float32Array(bits.buffer);
}

const SPECIAL = [
  0, -0, 1e-45, -1e-45, 5.9e-39, 1.1754942e-38, 1.17549435e-38, -1.17549435e-38, 1e-30, 2 ** -13, 2 ** -12, 3e-4, 3.1e-4,
  0.5, 0.54930615, 0.625, 1, 2, 9, 9.01, 9.1, 10, 10.000001, -10.000001, 20, 88.7, 1e30, 3.4028235e38, -3.4028235e38,
  Infinity, -Infinity, NaN,
];

/** tf.tanh of `values` on `backend`, read back. */
async function tanhOn(backend: 'cpu' | 'wasm', values: Float32Array): Promise<Float32Array> {
  await tf.setBackend(backend);
  return tf.tidy(() => tf.tanh(tf.tensor1d(values)).dataSync() as Float32Array);
}

/** Indices where a and b differ in any bit (NaN equals NaN, whatever its payload). */
function bitDifferences(a: Float32Array, b: Float32Array): number[] {
  const ua = new Uint32Array(a.buffer, a.byteOffset, a.length);
  const ub = new Uint32Array(b.buffer, b.byteOffset, b.length);
  const out: number[] = [];
  for (let i = 0; i < a.length; i++) {
    if (ua[i] !== ub[i] && !(Number.isNaN(a[i]) && Number.isNaN(b[i]))) out.push(i);
  }
  return out;
}

test('registerWasmKernelOverrides() installs Tanh, and its SIMD module loads on the one-thread heap', async () => {
  registerWasmKernelOverrides();
  await tf.setBackend('wasm');
  assert.ok(isWasmKernelOverridden(tf.Tanh));
  const memory = heapMemory(tf.backend() as BackendWasm);
  assert.ok(memory instanceof WebAssembly.Memory, 'the heap\'s memory object is found');
  assert.notEqual(tanhModule(memory), null, 'the module instantiates (else the stock kernel would run)');
});

test('tf.tanh(x) on wasm equals Math.fround(Math.tanh(x)) bit for bit, for every 1021st float32 in [-10, 10] and the special values', async () => {
  registerWasmKernelOverrides();
  const x = grid(10, 1021, SPECIAL);
  assert.equal(x.length, 2 * 1_070_144 + SPECIAL.length);
  const wasm = await tanhOn('wasm', x);
  const bad = bitDifferences(wasm, Float32Array.from(x, Math.tanh));
  assert.deepEqual(bad.slice(0, 5).map((i) => [x[i], wasm[i], Math.tanh(x[i])]), [], `${bad.length} of ${x.length} differ`);
});

test('the cpu backend\'s tanh is Math.fround(Math.tanh(x)), and wasm\'s equals it, on 100k values of the grid', async () => {
  registerWasmKernelOverrides();
  const x = grid(10, 21001, SPECIAL);
  const cpu = await tanhOn('cpu', x);
  assert.deepEqual(bitDifferences(cpu, Float32Array.from(x, Math.tanh)), []);
  assert.deepEqual(bitDifferences(await tanhOn('wasm', x), cpu), []);
});

test('tf.tanh on wasm keeps the sign of zero, sends ±Inf to ±1 and NaN to NaN, and returns denormals unchanged', async () => {
  registerWasmKernelOverrides();
  const x = new Float32Array([0, -0, Infinity, -Infinity, NaN, 1e-45, -1e-45, 1e-40]);
  const y = await tanhOn('wasm', x);
  assert.ok(Object.is(y[0], 0) && Object.is(y[1], -0), `${y[0]}, ${y[1]}`);
  assert.deepEqual([...y.slice(2, 4)], [1, -1]);
  assert.ok(Number.isNaN(y[4]));
  assert.deepEqual([...y.slice(5)], [...x.slice(5)]);
});

test('tf.tanh on wasm is exact for every length from 1 to 13 (the module takes 4 at a time, the rest with Math.tanh)', async () => {
  registerWasmKernelOverrides();
  for (let n = 1; n <= 13; n++) {
    const x = Float32Array.from({ length: n }, (_, i) => (i - 6) * 0.37 + n * 0.01);
    assert.deepEqual(bitDifferences(await tanhOn('wasm', x), Float32Array.from(x, Math.tanh)), [], `n = ${n}`);
  }
});

test('the gradient of tf.tanh on wasm, dy·(1 - y²), equals cpu\'s bit for bit', async () => {
  registerWasmKernelOverrides();
  const x = grid(10, 65537).slice(0, 20000);
  const dy = Float32Array.from(x, (_, i) => Math.sin(i));
  const grad = async (backend: 'cpu' | 'wasm') => {
    await tf.setBackend(backend);
    return tf.tidy(() => tf.grad((t: tf.Tensor) => tf.tanh(t))(tf.tensor1d(x), tf.tensor1d(dy)).dataSync() as Float32Array);
  };
  assert.deepEqual(bitDifferences(await grad('wasm'), await grad('cpu')), []);
});

test('Tanh on wasm runs the stock kernel for int32 inputs and empty tensors, as with the overrides off', async () => {
  await tf.setBackend('wasm');
  const run = (x: tf.Tensor): unknown => {
    try {
      return tf.tidy(() => [...(tf.engine().runKernel(tf.Tanh, { x }) as tf.Tensor).dataSync()]);
    } catch (err) {
      return String(err);
    }
  };
  const inputs = [tf.tensor1d([-2, 0, 3], 'int32'), tf.zeros([0, 3])];
  unregisterWasmKernelOverrides();
  const stock = inputs.map(run);
  registerWasmKernelOverrides();
  assert.deepEqual(inputs.map(run), stock);
  tf.dispose(inputs);
});

test('Tanh on wasm leaves tf.memory().numTensors and the wasm backend\'s buffers unchanged', async () => {
  registerWasmKernelOverrides();
  await tf.setBackend('wasm');
  const backend = tf.backend() as BackendWasm;
  const inputs = [tf.randomNormal([1000, 500]), tf.tensor1d([1, 2, 3]), tf.tensor1d([1, 2], 'int32'), tf.zeros([0])];
  for (const x of inputs) {
    const before = [tf.memory().numTensors, backend.numDataIds()];
    try {
      (tf.engine().runKernel(tf.Tanh, { x }) as tf.Tensor).dispose();
    } catch {
      // the stock kernel may refuse int32; what matters is that nothing is left behind
    }
    assert.deepEqual([tf.memory().numTensors, backend.numDataIds()], before, `${x.dtype} [${x.shape}]`);
  }
  tf.dispose(inputs);
});

test('with 2 wasm threads (shared heap) the module loads its shared-memory build and tf.tanh still equals Math.fround(Math.tanh(x)) (in a child)', () => {
  const src = path.resolve(__dirname, '..', 'src');
  const script = `
    const tf = require('@tensorflow/tfjs');
    const nn = require(${JSON.stringify(path.join(src, 'index.js'))});
    const { heapMemory, tanhModule } = require(${JSON.stringify(path.join(src, 'engine', 'wasm', 'tanh.js'))});
    (async () => {
      const report = await nn.useDevice('cpu', { print: false, wasm: { threads: 2 } });
      const memory = heapMemory(tf.backend());
      const x = Float32Array.from({ length: 100003 }, (_, i) => (i - 50000) * 2e-4);
      const y = tf.tidy(() => tf.tanh(tf.tensor1d(x)).dataSync());
      let differ = 0;
      for (let i = 0; i < x.length; i++) if (y[i] !== Math.fround(Math.tanh(x[i]))) differ++;
      console.log(JSON.stringify({ threads: report.details.wasm.threads.threads, tanh: report.details.wasm.kernels.includes('Tanh'),
        shared: memory !== undefined && memory.buffer instanceof SharedArrayBuffer, module: tanhModule(memory) !== null, differ }));
      process.exit(0);
    })().catch((e) => { console.error(e); process.exit(1); });`;
  const out = execFileSync(process.execPath, ['-e', script], {
    cwd: path.resolve(__dirname, '..', '..'), env: { ...process.env, NNLAB_WASM_THREADS: '', NNLAB_WASM_KERNELS: '' }, encoding: 'utf8', timeout: 90_000,
  });
  assert.deepEqual(JSON.parse(out.trim().split('\n').pop()!), { threads: 2, tanh: true, shared: true, module: true, differ: 0 });
});

test('bench:tanh\'s exhaustive check over every float32 in [0.5, 0.504) finds no mismatch and a float64 error far below the margin K = 4096 ulps', () => {
  const from = new Uint32Array(Float32Array.of(0.5).buffer)[0];
  const r = exhaustive(from, from + (1 << 16));
  assert.equal(r.count, 1 << 16);
  assert.equal(r.mismatches, 0);
  assert.ok(r.maxUlps > 0 && r.maxUlps < 64, `largest error ${r.maxUlps} ulps`);
});

test('bench:tanh parseArgs takes --rounds, --calls, --exhaustive, --json, and a bad value is one line naming it', () => {
  assert.deepEqual(parseArgs(['--rounds', '3', '--calls', '2', '--exhaustive']), { rounds: 3, calls: 2, exhaustive: true, json: false });
  assert.throws(() => parseArgs(['--rounds', '0']), { message: 'bench:tanh: --rounds must be an integer in [1, 50], got "0"' });
  assert.throws(() => parseArgs(['--fast']), { message: 'bench:tanh: unknown argument "--fast" (known: --rounds N, --calls N, --exhaustive, --json)' });
});
