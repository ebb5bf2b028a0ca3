import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-wasm';
import { BackendProbe, CandidateId, ProbeResult, resolveRequest, useDevice } from '../src/engine/device';
import { describeAdapter, installedPackageName } from '../src/engine/backends';
import { availableCores } from '../src/core/cores';

/** A fake backend: available or not, software or not, activation that may fail. */
function fake(id: CandidateId, kind: 'cpu' | 'gpu', found: Partial<ProbeResult>, activation: 'ok' | 'fails' = 'ok'): BackendProbe & { activated: number } {
  const probe = {
    id, kind, activated: 0,
    async probe(): Promise<ProbeResult> { return { available: false, detail: `${id} missing`, ...found }; },
    async activate(): Promise<string> {
      if (activation === 'fails') throw new Error(`${id} exploded`);
      probe.activated += 1;
      await tf.setBackend('cpu');
      return `${id} running`;
    },
  };
  return probe;
}

function world(avail: Partial<Record<CandidateId, Partial<ProbeResult>>>, failing: CandidateId[] = []) {
  const kinds: Record<CandidateId, 'cpu' | 'gpu'> = { 'tfjs-node-gpu': 'gpu', webgpu: 'gpu', 'tfjs-node': 'cpu', wasm: 'cpu', cpu: 'cpu' };
  return (Object.keys(kinds) as CandidateId[]).map((id) =>
    fake(id, kinds[id], avail[id] ?? (id === 'cpu' ? { available: true } : { hint: id === 'tfjs-node' ? 'native backend not installed: `npm i @tensorflow/tfjs-node@4.22.0` for more speed' : undefined }),
      failing.includes(id) ? 'fails' : 'ok'));
}

const quiet = { print: false, env: {} };

test('useDevice("cpu") prefers tfjs-node, then wasm, then cpu', async () => {
  let r = await useDevice('cpu', { ...quiet, probes: world({ 'tfjs-node': { available: true }, wasm: { available: true } }) });
  assert.equal(r.candidate, 'tfjs-node');
  r = await useDevice('cpu', { ...quiet, probes: world({ wasm: { available: true } }) });
  assert.equal(r.candidate, 'wasm');
  assert.deepEqual(r.attempts.map((a) => [a.candidate, a.outcome]), [['tfjs-node', 'unavailable'], ['wasm', 'selected']]);
  assert.match(r.summary, /npm i @tensorflow\/tfjs-node@4\.22\.0/);
  r = await useDevice('cpu', { ...quiet, probes: world({}) });
  assert.equal(r.candidate, 'cpu');
});

test('useDevice("cpu") never touches a GPU backend even when one is available', async () => {
  const probes = world({ 'tfjs-node-gpu': { available: true }, webgpu: { available: true }, wasm: { available: true } });
  const r = await useDevice('cpu', { ...quiet, probes });
  assert.equal(r.candidate, 'wasm');
  assert.equal(probes.find((p) => p.id === 'webgpu')!.activated, 0);
});

test('useDevice("gpu") prefers tfjs-node-gpu, then WebGPU, and names a software adapter', async () => {
  let r = await useDevice('gpu', { ...quiet, probes: world({ 'tfjs-node-gpu': { available: true }, webgpu: { available: true }, wasm: { available: true } }) });
  assert.equal(r.candidate, 'tfjs-node-gpu');
  r = await useDevice('gpu', { ...quiet, probes: world({ webgpu: { available: true, software: true, detail: 'SwiftShader' }, wasm: { available: true } }) });
  assert.deepEqual([r.candidate, r.device, r.software, r.fellBack], ['webgpu', 'gpu', true, false]);
  assert.match(r.summary, /software GPU: correct but slow/);
});

test('useDevice("gpu") with no GPU falls back to the CPU chain and says why', async () => {
  const r = await useDevice('gpu', { ...quiet, probes: world({ wasm: { available: true }, webgpu: { detail: 'no WebGPU adapter' } }) });
  assert.deepEqual([r.candidate, r.device, r.fellBack], ['wasm', 'cpu', true]);
  assert.match(r.summary, /no GPU backend works here \(tfjs-node-gpu: tfjs-node-gpu missing; webgpu: no WebGPU adapter\), running on the CPU/);
});

test('useDevice("gpu") goes on down the chain when a backend fails to start', async () => {
  const r = await useDevice('gpu', { ...quiet, probes: world({ webgpu: { available: true }, wasm: { available: true } }, ['webgpu']) });
  assert.equal(r.candidate, 'wasm');
  assert.deepEqual(r.attempts.find((a) => a.candidate === 'webgpu'), { candidate: 'webgpu', outcome: 'failed', detail: 'webgpu exploded' });
});

test('useDevice("auto") skips a software GPU adapter but takes a hardware one', async () => {
  let r = await useDevice('auto', { ...quiet, probes: world({ webgpu: { available: true, software: true }, wasm: { available: true } }) });
  assert.equal(r.candidate, 'wasm');
  assert.equal(r.attempts.find((a) => a.candidate === 'webgpu')!.outcome, 'skipped');
  r = await useDevice('auto', { ...quiet, probes: world({ webgpu: { available: true }, wasm: { available: true } }) });
  assert.equal(r.candidate, 'webgpu');
  r = await useDevice('auto', { ...quiet, probes: world({ 'tfjs-node': { available: true }, webgpu: { available: true } }) });
  assert.equal(r.candidate, 'tfjs-node');
});

test('useDevice reads NNLAB_DEVICE when no argument is given, and the argument wins over it', async () => {
  assert.deepEqual(resolveRequest(undefined, { NNLAB_DEVICE: 'gpu' }), { requested: 'gpu', source: 'NNLAB_DEVICE' });
  assert.deepEqual(resolveRequest('cpu', { NNLAB_DEVICE: 'gpu' }), { requested: 'cpu', source: 'argument' });
  assert.deepEqual(resolveRequest(undefined, {}), { requested: 'auto', source: 'default' });
  const r = await useDevice(undefined, { print: false, env: { NNLAB_DEVICE: 'cpu' }, probes: world({ wasm: { available: true } }) });
  assert.deepEqual([r.requested, r.source], ['cpu', 'NNLAB_DEVICE']);
});

test('useDevice("tpu") and NNLAB_DEVICE=tpu are argument errors naming the value', async () => {
  await assert.rejects(useDevice('tpu' as never, quiet), { message: 'device must be one of "auto", "cpu", "gpu", got "tpu"' });
  assert.throws(() => resolveRequest(undefined, { NNLAB_DEVICE: 'tpu' }), { message: 'NNLAB_DEVICE must be one of "auto", "cpu", "gpu", got "tpu"' });
});

test('useDevice prints its one-line summary by default', async () => {
  const lines: string[] = [];
  const log = console.log;
  console.log = (s: string) => { lines.push(s); };
  try {
    await useDevice('cpu', { env: {}, probes: world({ wasm: { available: true } }) });
  } finally {
    console.log = log;
  }
  assert.equal(lines.length, 1);
  // the fakes run on tfjs's cpu backend, which the summary names beside the candidate
  assert.match(lines[0], /^nnlab device: wasm \(backend "cpu"\) \(wasm running\); native backend not installed/);
});

test('a package named @tensorflow/tfjs-node that is really @tensorflow/tfjs (danfo\'s alias) is not the native backend', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'nnlab-alias-'));
  const pkg = path.join(dir, 'package.json');
  fs.writeFileSync(pkg, JSON.stringify({ name: '@tensorflow/tfjs', version: '4.22.0' }));
  assert.equal(installedPackageName('@tensorflow/tfjs-node', () => pkg), '@tensorflow/tfjs');
  assert.equal(installedPackageName('nope', () => { throw new Error('not found'); }), null);
  // and in this very install: the name check is what keeps the alias from being taken for tfjs-node
  const real = installedPackageName('@tensorflow/tfjs-node');
  assert.notEqual(real, '@tensorflow/tfjs-node', 'tfjs-node must not be installed in the test environment');
});

test('describeAdapter names SwiftShader and fallback adapters as software', () => {
  assert.deepEqual(describeAdapter({ vendor: 'google', architecture: 'swiftshader', description: 'SwiftShader driver 5.0.0', isFallbackAdapter: true }),
    { name: 'SwiftShader driver 5.0.0', software: true });
  assert.deepEqual(describeAdapter({ vendor: 'nvidia', architecture: 'ada', description: 'NVIDIA GeForce RTX 4070' }),
    { name: 'NVIDIA GeForce RTX 4070', software: false });
  assert.deepEqual(describeAdapter({ vendor: 'mesa', device: 'llvmpipe (LLVM 15.0.6, 256 bits)' }),
    { name: 'mesa llvmpipe (LLVM 15.0.6, 256 bits)', software: true });
  assert.equal(describeAdapter(undefined).name, 'unknown adapter');
});

test('useDevice("cpu") on this machine runs wasm with SIMD', async () => {
  const r = await useDevice('cpu', quiet);
  assert.deepEqual([r.candidate, r.backend, r.device, r.fellBack], ['wasm', 'wasm', 'cpu', false]);
  // the default: 'auto' threads (the cores, at most 4), handed out per operation when several
  const auto = Math.min(availableCores(), 4);
  assert.equal(r.description, auto > 1 ? `SIMD, ${auto} threads per op, nnlab kernels` : 'SIMD, 1 thread, nnlab kernels');
  const wasm = r.details.wasm as { kernels: string[]; threads: { threads: number; reason: string } };
  assert.ok(wasm.kernels.includes('Conv2DBackpropFilter'));
  assert.ok(wasm.threads.threads >= 1 && wasm.threads.reason.length > 0);
  assert.equal(tf.getBackend(), 'wasm');
});
