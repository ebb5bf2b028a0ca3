/**
 * Threads for the wasm backend (src/engine/wasm/threads.ts). The thread count is fixed per process
 * once the wasm backend starts, so this file's own process runs 2 threads, and every other count
 * or starting state runs in a child process (a `node -e` script, killed if it outlives its
 * timeout so no test can hang).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'child_process';
import * as crypto from 'crypto';
import * as os from 'os';
import * as path from 'path';
import * as tf from '@tensorflow/tfjs';
import { BackendWasm, getThreadsCount } from '@tensorflow/tfjs-backend-wasm';
import { heapMemory } from '../src/engine/wasm/wat';
import { watPool } from '../src/engine/wasm/wat-pool';
import { AUTO_MAX_WASM_THREADS, initWasmBackend, resolveWasmThreads, WASM_SHIM_VERSION } from '../src/engine/wasm/threads';
import { installedWasmVersion } from '../src/engine/wasm/threads-loader';

const PACKAGE_ROOT = path.resolve(__dirname, '..', '..');
const THREADS_MODULE = path.resolve(__dirname, '..', 'src', 'engine', 'wasm', 'threads.js');
const CHILD_TIMEOUT_MS = 90_000;

/**
 * SHA-256 of the float32 output bytes of a 512x512 matMul and two conv2d (3x3 'same' stride 1;
 * 5x5 'valid' stride 2) on seeded inputs (tfjs draws randomUniform in JS: the same on every
 * backend). Self-contained: it is also sent, as source text, to child processes.
 */
function fingerprints(tfx: typeof tf, sha256: (bytes: Uint8Array) => string): Record<string, string> {
  return tfx.tidy(() => {
    const hash = (t: tf.Tensor): string => {
      const v = t.dataSync() as Float32Array;
      return sha256(new Uint8Array(v.buffer, v.byteOffset, v.byteLength));
    };
    const A = tfx.randomUniform([512, 512], -1, 1, 'float32', 1) as tf.Tensor2D;
    const B = tfx.randomUniform([512, 512], -1, 1, 'float32', 2) as tf.Tensor2D;
    const X = tfx.randomUniform([4, 32, 32, 16], -1, 1, 'float32', 3) as tf.Tensor4D;
    const W3 = tfx.randomUniform([3, 3, 16, 32], -1, 1, 'float32', 4) as tf.Tensor4D;
    const W5 = tfx.randomUniform([5, 5, 16, 24], -1, 1, 'float32', 5) as tf.Tensor4D;
    return {
      matMul: hash(tfx.matMul(A, B)),
      conv2dSame: hash(tfx.conv2d(X, W3, 1, 'same')),
      conv2dValidStride2: hash(tfx.conv2d(X, W5, 2, 'valid')),
      // the other kernels that reach XNNPACK's pool (src/engine/wasm/pool.ts), on 65,536 values
      relu: hash(tfx.relu(X)),
      clip: hash(tfx.clipByValue(X, -0.5, 0.5)),
      square: hash(tfx.square(X)),
      softmax: hash(tfx.softmax(X.reshape([256, 256]))),
      maxPool: hash(tfx.maxPool(X, 2, 2, 'valid')),
      avgPool: hash(tfx.avgPool(X, 3, 1, 'same')),
      pad: hash(tfx.pad(X, [[0, 0], [1, 1], [1, 1], [0, 0]], 0.5)),
      resize: hash(tfx.image.resizeBilinear(X, [48, 48])),
      depthwise: hash(tfx.depthwiseConv2d(X, W3.slice([0, 0, 0, 0], [3, 3, 16, 2]), 1, 'same')),
    };
  });
}

function sha256(bytes: Uint8Array): string {
  return crypto.createHash('sha256').update(bytes).digest('hex');
}

interface ChildRun { code: number | null; stdout: string; stderr: string; exitedAt: number }

/** Runs `body` (JS, with `tf`, `nn` = threads.js and `crypto` in scope) in a fresh node process. */
function runChild(body: string, env: Record<string, string> = {}, timeoutMs = CHILD_TIMEOUT_MS): Promise<ChildRun> {
  const script = `const tf = require('@tensorflow/tfjs'); const crypto = require('crypto');\n` +
    `const nn = require(${JSON.stringify(THREADS_MODULE)});\n` +
    `const fingerprints = ${fingerprints.toString()};\n` +
    `const sha256 = ${sha256.toString()};\n` +
    `(async () => { ${body} })().catch((e) => { console.error(e); process.exitCode = 1; });`;
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['-e', script], {
      cwd: PACKAGE_ROOT, env: { ...process.env, NNLAB_WASM_THREADS: '', ...env }, stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => { stdout += d; });
    child.stderr.on('data', (d) => { stderr += d; });
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`child did not exit within ${timeoutMs / 1000} s\nstdout: ${stdout}\nstderr: ${stderr}`));
    }, timeoutMs);
    child.on('exit', (code) => {
      const exitedAt = Date.now();
      child.on('close', () => { clearTimeout(timer); resolve({ code, stdout, stderr, exitedAt }); });
    });
  });
}

/** The JSON a child printed on its line starting with `tag`. */
function childJson(run: ChildRun, tag: string): any { // eslint-disable-line @typescript-eslint/no-explicit-any
  const line = run.stdout.split('\n').find((l) => l.startsWith(`${tag} `));
  assert.ok(line, `child printed no "${tag}" line (exit ${run.code})\nstdout: ${run.stdout}\nstderr: ${run.stderr}`);
  return JSON.parse(line.slice(tag.length + 1));
}

// This process: 2 threads, started by the first test (tests in a file run in order).
let twoThreadFingerprints: Record<string, string> | undefined;

test('initWasmBackend({ threads: 2 }) runs the threaded build with getThreadsCount() == 2 and restores what the glue touches', async () => {
  const g = globalThis as { Worker?: unknown };
  const listeners = [process.listenerCount('uncaughtException'), process.listenerCount('unhandledRejection')];
  const cpus = os.cpus;
  const report = await initWasmBackend({ threads: 2, env: {} });
  assert.equal(tf.getBackend(), 'wasm');
  assert.equal(getThreadsCount(), 2);
  assert.deepEqual({ ...report, meta: undefined }, {
    threads: 2, requested: 2, source: 'argument', build: 'threaded-simd',
    reason: '2 threads (argument): threaded SIMD build, 1 pthread worker; products and convolutions from 1,048,576 FLOPs ' +
      'and elementwise ops from 65,536 values use them, smaller ops run on one',
    perOp: true, meta: undefined,
  });
  assert.equal(g.Worker, undefined, 'the glue sets global.Worker; initWasmBackend removes it again');
  assert.deepEqual([process.listenerCount('uncaughtException'), process.listenerCount('unhandledRejection')], listeners);
  assert.equal(os.cpus, cpus);
  assert.equal(tf.env().getFlags().WASM_HAS_MULTITHREAD_SUPPORT, undefined, 'the flag is never set nor evaluated');
  twoThreadFingerprints = fingerprints(tf, sha256);
});

test('initWasmBackend({ threads: 1 }) after 2 threads keeps the running backend and says so', async () => {
  const report = await initWasmBackend({ threads: 1, env: {} });
  assert.equal(report.threads, 2);
  assert.equal(report.reason, 'kept the wasm backend this process already started with 2 threads: the count is fixed at init (reinit: true re-creates it)');
  const again = await initWasmBackend({ threads: 2, env: {} });
  assert.equal(again.reason, 'the wasm backend already runs with 2 threads in this process');
});

test('a 512x512 matMul and two conv2d with 2 threads are bit-identical to 1 thread (NNLAB_WASM_THREADS=1, in a child)', async () => {
  assert.ok(twoThreadFingerprints, 'the 2-thread test ran first');
  const run = await runChild(`
    const report = await nn.initWasmBackend();
    console.log('REPORT ' + JSON.stringify(report));
    console.log('FINGERPRINTS ' + JSON.stringify(fingerprints(tf, sha256)));`, { NNLAB_WASM_THREADS: '1' });
  const report = childJson(run, 'REPORT');
  assert.deepEqual([report.threads, report.requested, report.source, report.build], [1, 1, 'NNLAB_WASM_THREADS', 'simd']);
  assert.deepEqual(childJson(run, 'FINGERPRINTS'), twoThreadFingerprints);
});

/**
 * SHA-256 of the outputs of the kernels that share their work with nnlab's helper threads
 * (src/engine/wasm/wat-pool.ts), overrides installed, each large enough to get them: the direct
 * filter gradient (9.4M FLOPs), MaxPoolGrad (65,536 values of dy) and FusedBatchNorm (262,144
 * values). Self-contained: sent to children as text.
 */
function helperFingerprints(tfx: typeof tf, sha256: (bytes: Uint8Array) => string, kernels: string, filter: string): Record<string, string> {
  /* eslint-disable @typescript-eslint/no-var-requires */
  require(kernels).registerWasmKernelOverrides();
  const previous = require(filter).setFilterGradOptions({ path: 'direct' });
  try {
    return tfx.tidy(() => {
      const hash = (t: tf.Tensor): string => {
        const v = t.dataSync() as Float32Array;
        return sha256(new Uint8Array(v.buffer, v.byteOffset, v.byteLength));
      };
      const u = (shape: number[], seed: number) => tfx.randomUniform(shape, -1, 1, 'float32', seed);
      const x = u([8, 16, 16, 8], 7);
      const dy = u([8, 16, 16, 32], 8);
      const images = u([16, 32, 32, 16], 9) as tf.Tensor4D;
      const pooled = tfx.maxPool(images, 2, 2, 'valid');
      const c = (seed: number) => u([16], seed).abs().add(0.5) as tf.Tensor1D;
      return {
        filterGrad: hash(tfx.engine().runKernel('Conv2DBackpropFilter', { x, dy },
          { strides: [1, 1], pad: 'same', dataFormat: 'NHWC', filterShape: [3, 3, 8, 32] }) as tf.Tensor),
        maxPoolGrad: hash(tfx.engine().runKernel('MaxPoolGrad', { dy: u(pooled.shape, 10), input: images, output: pooled },
          { filterSize: 2, strides: 2, pad: 'valid' }) as tf.Tensor),
        batchNorm: hash(tfx.batchNorm(images, c(11), c(12), c(13), c(14), 1e-3)),
      };
    });
  } finally {
    require(filter).setFilterGradOptions(previous);
    require(kernels).unregisterWasmKernelOverrides();
  }
}

test('the kernels that share work with a helper thread (filter gradient, MaxPoolGrad, FusedBatchNorm) are bit-identical to 1 thread (in a child)', async () => {
  const kernels = path.resolve(__dirname, '..', 'src', 'engine', 'wasm', 'kernels.js');
  const filter = path.resolve(__dirname, '..', 'src', 'engine', 'wasm', 'conv2d-backprop-filter.js');
  const here = helperFingerprints(tf, sha256, kernels, filter);
  const pool = watPool(heapMemory(tf.backend() as BackendWasm), 1);
  assert.equal(pool?.helpers, 1, 'this process (2 threads) ran them with one helper');
  const run = await runChild(`
    await nn.initWasmBackend();
    const helperFingerprints = ${helperFingerprints.toString()};
    console.log('HELPERS ' + JSON.stringify(helperFingerprints(tf, sha256, ${JSON.stringify(kernels)}, ${JSON.stringify(filter)})));`,
  { NNLAB_WASM_THREADS: '1' });
  assert.deepEqual(childJson(run, 'HELPERS'), here);
});

test('a child that ran 2 threads (NNLAB_WASM_THREADS=2) exits by itself within 5 s of its last op', async () => {
  const run = await runChild(`
    const report = await nn.initWasmBackend();
    console.log('REPORT ' + JSON.stringify(report));
    const s = tf.tidy(() => tf.matMul(tf.ones([1024, 1024]), tf.ones([1024, 1024])).sum().dataSync()[0]);
    console.log('LAST_OP ' + JSON.stringify({ sum: s, at: Date.now() }));`, { NNLAB_WASM_THREADS: '2' }, 30_000);
  assert.equal(run.code, 0, run.stderr);
  const report = childJson(run, 'REPORT');
  assert.deepEqual([report.threads, report.requested, report.source], [2, 2, 'NNLAB_WASM_THREADS']);
  const last = childJson(run, 'LAST_OP');
  assert.equal(last.sum, 1024 ** 3);
  const lingerMs = run.exitedAt - last.at;
  assert.ok(lingerMs < 5000, `the child lingered ${lingerMs} ms after its last op`);
});

test('initWasmBackend falls back to 1 thread with a one-line reason when SharedArrayBuffer is missing, and tfjs still computes', async () => {
  const run = await runChild(`
    delete globalThis.SharedArrayBuffer;
    const report = await nn.initWasmBackend({ threads: 2 });
    console.log('REPORT ' + JSON.stringify(report));
    console.log('SUM ' + tf.tidy(() => tf.matMul(tf.ones([64, 64]), tf.ones([64, 64])).sum().dataSync()[0]));`);
  const report = childJson(run, 'REPORT');
  assert.deepEqual([report.threads, report.requested, report.build], [1, 2, 'simd']);
  assert.equal(report.reason, 'fell back to 1 thread: SharedArrayBuffer is not available in this runtime');
  assert.equal(childJson(run, 'SUM'), 64 ** 3);
  assert.equal(run.code, 0, run.stderr);
});

test('initWasmBackend({ threads: 2, reinit: true }) re-creates a 1-thread wasm backend on which no tensor lives, then 3 threads, keeping the error listeners of the process', async () => {
  const run = await runChild(`
    process.on('uncaughtException', function mine() {});
    await tf.setBackend('wasm');
    const kept = await nn.initWasmBackend({ threads: 2 });
    const x = tf.ones([3]);
    const refused = await nn.initWasmBackend({ threads: 2, reinit: true });
    x.dispose();
    const redone = await nn.initWasmBackend({ threads: 2, reinit: true });
    const three = await nn.initWasmBackend({ threads: 3, reinit: true });
    console.log('REPORTS ' + JSON.stringify([kept, refused, redone, three]));
    console.log('SUM ' + tf.tidy(() => tf.matMul(tf.ones([256, 256]), tf.ones([256, 256])).sum().dataSync()[0]));
    tf.removeBackend('wasm');
    console.log('LISTENERS ' + JSON.stringify(process.listeners('uncaughtException').map((l) => l.name)));`);
  const [kept, refused, redone, three] = childJson(run, 'REPORTS');
  assert.equal(kept.threads, 1);
  assert.match(kept.reason, /^kept the wasm backend this process already started with 1 thread: the count is fixed at init \(reinit: true re-creates it\)$/);
  assert.equal(refused.threads, 1);
  assert.equal(refused.reason, 'kept the wasm backend with 1 thread: 1 tensor still lives on it; dispose it to re-init');
  assert.deepEqual([redone.threads, redone.build], [2, 'threaded-simd']);
  assert.deepEqual([three.threads, three.perOp], [3, true]);
  assert.match(three.reason, /^3 threads \(argument\): threaded SIMD build, 2 pthread workers; products and convolutions from/);
  // Stock tfjs's dispose removes every error listener; we put back what was there (which
  // includes the stock glue's own anonymous one), so the process's 'mine' survives.
  assert.ok(childJson(run, 'LISTENERS').includes('mine'), 'disposing the 1-, 2- and 3-thread backends keeps the listeners the process had');
  assert.equal(childJson(run, 'SUM'), 256 ** 3);
  assert.equal(run.code, 0, run.stderr);
});

test('resolveWasmThreads takes the argument, else NNLAB_WASM_THREADS, else auto; auto = the cores capped at 4', () => {
  assert.deepEqual(resolveWasmThreads(3, { NNLAB_WASM_THREADS: '2' }, 2), { requested: 3, source: 'argument', threads: 3, why: 'argument' });
  assert.deepEqual(resolveWasmThreads(undefined, { NNLAB_WASM_THREADS: ' 2 ' }, 8),
    { requested: 2, source: 'NNLAB_WASM_THREADS', threads: 2, why: 'NNLAB_WASM_THREADS' });
  assert.equal(resolveWasmThreads(undefined, { NNLAB_WASM_THREADS: 'AUTO' }, 2).threads, 2);
  assert.deepEqual(resolveWasmThreads(undefined, { NNLAB_WASM_THREADS: '' }, 16),
    { requested: 'auto', source: 'default', threads: AUTO_MAX_WASM_THREADS, why: 'default, auto: 16 cores, at most 4' });
  assert.equal(resolveWasmThreads(undefined, {}, 2).threads, 2);
  assert.equal(resolveWasmThreads(undefined, {}, 1).threads, 1);
  assert.deepEqual(resolveWasmThreads('auto', {}, 16),
    { requested: 'auto', source: 'argument', threads: AUTO_MAX_WASM_THREADS, why: 'auto: 16 cores, at most 4' });
  assert.equal(resolveWasmThreads('auto', {}, 1).threads, 1);
});

test('resolveWasmThreads rejects bad values, naming the argument or variable, the value and what is allowed', () => {
  const allowed = 'an integer in [1, 8] or "auto"';
  for (const [bad, shown] of [[0, '0'], [9, '9'], [1.5, '1.5'], [NaN, 'NaN'], ['2', '"2"'], ['two', '"two"'], [null, 'null']]) {
    assert.throws(() => resolveWasmThreads(bad, {}), { name: 'ArgumentError', message: `threads must be ${allowed}, got ${shown}` });
  }
  for (const [bad, shown] of [['abc', '"abc"'], ['0', '"0"'], ['2.5', '"2.5"'], ['9', '"9"'], ['-2', '"-2"']]) {
    assert.throws(() => resolveWasmThreads(undefined, { NNLAB_WASM_THREADS: bad }),
      { name: 'ArgumentError', message: `NNLAB_WASM_THREADS must be ${allowed}, got ${shown}` });
  }
});

test('initWasmBackend rejects unknown options and a non-boolean reinit before touching tfjs', async () => {
  await assert.rejects(initWasmBackend({ thread: 2 } as never), { message: /^initWasmBackend options\.thread must be one of the known options \(threads, perOp, reinit, env\)/ });
  await assert.rejects(initWasmBackend({ perOp: 1 } as never), { message: 'perOp must be true or false, got 1' });
  await assert.rejects(initWasmBackend({ env: { NNLAB_WASM_PER_OP: 'maybe' } }),
    { message: 'NNLAB_WASM_PER_OP must be one of 1, true, on, yes, 0, false, off, no or empty, got "maybe"' });
  await assert.rejects(initWasmBackend({ reinit: 'yes' } as never), { message: 'reinit must be true or false, got "yes"' });
});

test(`the installed @tensorflow/tfjs-backend-wasm is exactly ${WASM_SHIM_VERSION}, the version the thread loader was written for`, () => {
  const installed = installedWasmVersion();
  assert.equal(installed, WASM_SHIM_VERSION,
    `@tensorflow/tfjs-backend-wasm ${installed} is installed, but src/engine/wasm/threads-loader.ts leans on ` +
    `${WASM_SHIM_VERSION}'s internals (wasm-out/ file names, the emscripten glue's PThread pool and ` +
    `instantiateWasm imports, backend.cc's num_cores, init()'s tfjs cwrap table). Until it is re-read ` +
    `against the new wasm-out/ and this pin is moved, initWasmBackend falls back to 1 thread.`);
});
