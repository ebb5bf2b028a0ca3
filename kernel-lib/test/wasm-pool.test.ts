/**
 * Threads per operation (src/engine/wasm/pool.ts): the XNNPACK pool of a threaded wasm backend is
 * parked (its pointer null) except during a kernel call large enough to gain from it. This
 * process runs 2 threads; the defaults run in child processes. Bit-identity of pooled and
 * one-thread results is in test/wasm-threads.test.ts (its fingerprints cover every pooled kernel).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'child_process';
import * as path from 'path';
import * as tf from '@tensorflow/tfjs';
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';
import { initWasmBackend } from '../src/engine/wasm/threads';
import {
  backendThreads, ELEMENTWISE_MIN_VALUES, isPoolParked, parkPool, POOL_ADDRESS, POOL_RULES, PRODUCT_MIN_FLOPS,
  registerWasmPoolKernels, unpooled, withPool,
} from '../src/engine/wasm/pool';
import { isWasmKernelOverridden, registerWasmKernelOverrides, unregisterWasmKernelOverrides } from '../src/engine/wasm/kernels';
import { rememberedStock } from '../src/engine/wasm/kernels-stock';
import { heapMemory } from '../src/engine/wasm/tanh';
import { KernelArgs } from '../src/engine/wasm/kernels-stock';

const POOLED = Symbol.for('nnlab.wasm.pooled');
const PACKAGE_ROOT = path.resolve(__dirname, '..', '..');
const THREADS_MODULE = path.resolve(__dirname, '..', 'src', 'engine', 'wasm', 'threads.js');

let backend: BackendWasm;
/** The pool pointer cell, read now (the heap may have grown). */
const cell = (): number => new Int32Array(heapMemory(backend)!.buffer, POOL_ADDRESS, 1)[0];
const info = (shape: number[]): tf.TensorInfo => ({ dataId: {}, shape, dtype: 'float32' });
const matMulArgs = (a: number[], b: number[], attrs = {}): KernelArgs => ({ inputs: { a: info(a), b: info(b) }, backend, attrs });

test('initWasmBackend({ threads: 2 }) parks the pool: the pointer cell is 0 and get_threads_count() answers -1 between ops', async () => {
  const report = await initWasmBackend({ threads: 2, env: {} });
  backend = tf.backend() as BackendWasm;
  assert.deepEqual([report.threads, report.perOp, isPoolParked(backend)], [2, true, true]);
  assert.equal(cell(), 0);
  assert.equal(backend.wasm.tfjs.getThreadsCount(), -1, 'the raw count reads the parked (null) pool');
  assert.equal(backendThreads(backend), 2);
  tf.tidy(() => tf.matMul(tf.ones([512, 512]), tf.ones([512, 512])).dataSync());
  assert.equal(cell(), 0, 'parked again after a pooled op');
});

test('withPool hands the pool to products from 2^20 FLOPs and elementwise ops from 2^16 values, and to nothing else', () => {
  const during = (name: string, args: KernelArgs): boolean => withPool(name, args, () => cell() !== 0);
  assert.equal(PRODUCT_MIN_FLOPS, 1_048_576);
  assert.equal(ELEMENTWISE_MIN_VALUES, 65_536);
  assert.equal(during('BatchMatMul', matMulArgs([1, 128, 64], [1, 64, 64])), true, '2*128*64*64 = 2^20');
  assert.equal(during('BatchMatMul', matMulArgs([1, 128, 64], [1, 64, 63])), false);
  assert.equal(during('BatchMatMul', matMulArgs([1, 64, 127], [1, 64, 64], { transposeA: true })), false, 'transposed: k = 64, m = 127');
  assert.equal(during('_FusedMatMul', matMulArgs([2, 64, 64], [1, 64, 64])), true, 'batch 2 from a');
  const conv = (x: number[], f: number[], strides: number | number[]): KernelArgs => ({ inputs: { x: info(x), filter: info(f) }, backend, attrs: { strides } });
  assert.equal(during('Conv2D', conv([1, 16, 16, 16], [4, 4, 16, 8], 1)), true, '2*256*(4*4*16*8) = 2^20');
  assert.equal(during('Conv2D', conv([1, 16, 16, 16], [4, 4, 16, 8], [2, 1])), false, 'stride 2 halves the positions');
  const x = (n: number): KernelArgs => ({ inputs: { x: info([n]) }, backend });
  assert.equal(during('Relu', x(65_536)), true);
  assert.equal(during('Relu', x(65_535)), false);
  assert.equal(during('Softmax', x(1 << 20)), true);
  assert.equal(during('Tile', x(1 << 20)), false, 'Tile never reads the pool');
  assert.equal(during('Exp', x(1 << 20)), false, 'nor Exp (a scalar loop in 4.22)');
  assert.equal(cell(), 0);
  // nested: an inner small op keeps the outer op's pool
  assert.equal(withPool('Relu', x(1 << 20), () => during('Relu', x(8))), true);
  // a throwing kernel parks the pool again
  assert.throws(() => withPool('Relu', x(1 << 20), () => { throw new Error('boom'); }), /boom/);
  assert.equal(cell(), 0);
  // on a backend that is not parked (cpu), withPool just runs
  assert.equal(withPool('Relu', { inputs: { x: info([1 << 20]) }, backend: {} }, () => 'ran'), 'ran');
});

test('every kernel that reads the pool is registered pooled, and nnlab\'s overrides stay recognisable and restorable', () => {
  assert.deepEqual(registerWasmPoolKernels(), [], 'initWasmBackend wrapped them already');
  for (const name of Object.keys(POOL_RULES)) {
    const k = tf.getKernel(name, 'wasm');
    assert.ok(k && POOLED in k.kernelFunc, `${name} is pooled`);
  }
  registerWasmKernelOverrides();
  const mm = tf.getKernel('BatchMatMul', 'wasm')!;
  assert.ok(POOLED in mm.kernelFunc && isWasmKernelOverridden('BatchMatMul'), 'the override is pooled and still an override');
  unregisterWasmKernelOverrides();
  const restored = tf.getKernel('BatchMatMul', 'wasm')!;
  assert.ok(POOLED in restored.kernelFunc && !isWasmKernelOverridden('BatchMatMul'));
  assert.equal(unpooled(restored.kernelFunc), unpooled(rememberedStock('BatchMatMul')!.kernelFunc));
  registerWasmKernelOverrides();
  const before = tf.memory().numTensors;
  const y = tf.tidy(() => tf.matMul(tf.ones([300, 200]), tf.ones([300, 200]), true, false).sum().dataSync()[0]);
  assert.equal(y, 300 * 200 * 200);
  assert.equal(tf.memory().numTensors, before);
  assert.equal(cell(), 0);
});

test('parkPool refuses, changing nothing, when the cell does not hold the pool of that thread count', () => {
  const other = { ...backend } as BackendWasm; // not registered as parked
  const fake = new WebAssembly.Memory({ initial: 1 });
  assert.equal(parkPool(other, fake, 2), `no pool pointer at heap address ${POOL_ADDRESS} (tfjs-backend-wasm build changed?)`);
  assert.equal(parkPool(other, undefined, 2), "the backend's wasm memory was not found");
  assert.equal(isPoolParked(other), false);
});

test('POOL_ADDRESS and POOL_RULES are what scripts/wasm-pool-kernels.sh reads from the installed binary', (t) => {
  if (spawnSync('sh', ['-c', 'command -v wasm2wat']).status !== 0) {
    t.skip('wasm2wat not installed (apt-get install wabt)');
    return;
  }
  const run = spawnSync('bash', [path.join(PACKAGE_ROOT, '..', 'scripts', 'wasm-pool-kernels.sh')], { encoding: 'utf8' });
  assert.equal(run.status, 0, run.stderr);
  assert.match(run.stdout, new RegExp(`^threadpool pointer at heap address ${POOL_ADDRESS} `));
  const kernels = run.stdout.trim().split('\n').pop()!.trim().split(/\s+/).sort();
  assert.deepEqual(kernels, Object.keys(POOL_RULES).sort());
});

/** initWasmBackend's report in a fresh node process with `env`. */
function childReport(env: Record<string, string>, options = '{}'): { threads: number; perOp: boolean; reason: string; build: string } {
  const script = `const tf = require('@tensorflow/tfjs'); const nn = require(${JSON.stringify(THREADS_MODULE)});
    nn.initWasmBackend(${options}).then((r) => { tf.tidy(() => tf.matMul(tf.ones([256, 256]), tf.ones([256, 256])).dataSync()); console.log('REPORT ' + JSON.stringify(r)); });`;
  const run = spawnSync(process.execPath, ['-e', script], {
    cwd: PACKAGE_ROOT, env: { ...process.env, NNLAB_WASM_THREADS: '', NNLAB_WASM_PER_OP: '', ...env }, encoding: 'utf8', timeout: 60_000,
  });
  const line = run.stdout.split('\n').find((l) => l.startsWith('REPORT '));
  assert.ok(line, `no report (exit ${run.status}): ${run.stderr}`);
  return JSON.parse(line.slice(7));
}

test('the default is auto threads with threads per operation; 1 core runs the single-threaded build; NNLAB_WASM_PER_OP=0 keeps the pool on for every op', () => {
  const two = childReport({ NNLAB_CORES: '2' });
  assert.deepEqual([two.threads, two.perOp, two.build], [2, true, 'threaded-simd']);
  assert.match(two.reason, /^2 threads \(default, auto: 2 cores, at most 4\): threaded SIMD build, 1 pthread worker; products and convolutions/);
  const one = childReport({ NNLAB_CORES: '1' });
  assert.deepEqual([one.threads, one.perOp, one.build], [1, false, 'simd']);
  const always = childReport({ NNLAB_CORES: '2', NNLAB_WASM_PER_OP: '0' });
  assert.deepEqual([always.threads, always.perOp], [2, false]);
  assert.match(always.reason, /; every op uses them: threads per operation off \(NNLAB_WASM_PER_OP=0 or perOp: false\)$/);
});
