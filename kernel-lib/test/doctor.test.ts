/**
 * `nnlab doctor`: each failure is faked through the doctor's environment (like the device chain's
 * fake probes) and the check's status, reason and fix are asserted; then the real doctor runs on
 * this machine, in process and as `nnlab doctor --json`.
 */
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { inspect } from 'util';
import { doctor, doctorText, DoctorCheck, DoctorEnvironment, DoctorRecord, findCudaLibraries, findTfjsCores, formatBytes } from '../src/api/doctor';
import { describeAdapter, nativeInstallState, realProbe } from '../src/engine/backends';
import type { CandidateId, DeviceReport, ProbeResult } from '../src/engine/device';
import { hashFile } from '../src/data/download';
import { repoRoot } from '../src/core/paths';
import { findJupyterPython, probePythons } from '../src/jupyter/python';
import { installKernelSpecs } from '../src/jupyter/kernelspec';
import { ArgumentError } from '../src/core/errors';
import { cliInProcess, SWIFTSHADER_ICD } from './helpers';
import { tslabJupyter } from '../src/core/kernel';

const ROOT = repoRoot();
const LAUNCHER = path.join(ROOT, 'kernel-lib', 'bin', 'nnlab-kernel.js');
const MIRROR = process.env.NNLAB_DATA_MIRROR || path.resolve(ROOT, '..', 'shared', 'datasets');
/** The shared mirror's files (mnist, CIFAR-10) are needed by the tests that copy or verify them. */
const NO_MIRROR = !fs.existsSync(path.join(MIRROR, 'cifar-10')) && `no dataset mirror at ${MIRROR} (set NNLAB_DATA_MIRROR)`;
const BIN = path.join(ROOT, 'kernel-lib', 'bin', 'nnlab.js');
const GB = 1024 ** 3;

const made: string[] = [];
function tmp(prefix: string): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), `nnlab-doctor-${prefix}-`));
  made.push(dir);
  return dir;
}
after(() => { for (const dir of made) fs.rmSync(dir, { recursive: true, force: true }); });

const HEALTHY_PROBES: Record<CandidateId, ProbeResult> = {
  wasm: { available: true, detail: 'WebAssembly (XNNPACK)' },
  'tfjs-node': { available: true, detail: 'native TensorFlow (@tensorflow/tfjs-node)' },
  'tfjs-node-gpu': { available: false, detail: '@tensorflow/tfjs-node-gpu is not installed', problem: 'not-installed' },
  webgpu: { available: true, detail: 'WebGPU adapter "NVIDIA GeForce RTX 4090"', software: false },
  cpu: { available: true, detail: 'plain JavaScript' },
};

/** A machine where everything a lesson needs is there; each test breaks one thing. */
function healthy(overrides: Partial<DoctorEnvironment> = {}): Partial<DoctorEnvironment> {
  const cache = tmp('cache');
  return {
    env: { PATH: process.env.PATH, NNLAB_DATA_DIR: cache, NNLAB_MODEL_DIR: path.join(cache, 'models') },
    nodeVersion: '20.20.0',
    repoRoot: ROOT,
    nodeModulesFrom: path.join(ROOT, 'kernel-lib'),
    tfjsVersion: '4.22.0',
    deviceReport: () => null,
    probe: async (id) => HEALTHY_PROBES[id],
    wasmThreads: async () => ({ sharedArrayBuffer: true, unavailable: null }),
    cudaLibraries: () => ({ libcudart: [], libcudnn: [] }),
    pythons: () => [{ python: '/usr/bin/python3', source: 'the system Python', jupyter: true }],
    kernels: () => [
      { name: 'nnlab-cpu', dir: '/home/me/.local/share/jupyter/kernels/nnlab-cpu', argv: [process.execPath, LAUNCHER, '--config-path', '{connection_file}'] },
      { name: 'nnlab-gpu', dir: '/home/me/.local/share/jupyter/kernels/nnlab-gpu', argv: [process.execPath, LAUNCHER, '--config-path', '{connection_file}'] },
    ],
    hash: hashFile,
    freeBytes: () => 50 * GB,
    ...overrides,
  };
}

async function run(environment: Partial<DoctorEnvironment>, quick = false): Promise<DoctorRecord> {
  return doctor({ show: false, quick, environment });
}

function find(record: DoctorRecord, id: string): DoctorCheck {
  const c = record.checks.find((x) => x.id === id);
  assert.ok(c, `a check "${id}" in ${record.checks.map((x) => x.id).join(', ')}`);
  return c;
}

test('doctor() on a healthy fake machine: every check but the data ones is ok, ok checks have no fix, the record follows the record conventions', async () => {
  const r = await run(healthy());
  for (const id of ['node', 'tfjs', 'wasm', 'tfjs-node', 'tfjs-node-gpu', 'webgpu', 'device', 'wasm-threads', 'jupyter', 'kernels', 'models', 'disk']) {
    if (id === 'models') continue; // an empty zoo is a warning (checked below)
    const c = find(r, id);
    assert.equal(c.status, 'ok', `${id}: ${c.reason}`);
    assert.equal(c.fix, null);
  }
  assert.equal(r.experiment, 'doctor');
  assert.deepEqual(r.options, { quick: false });
  assert.equal(r.backend, 'none', 'no backend was started: the doctor computes nothing');
  assert.equal(r.versions.tfjs, '4.22.0');
  assert.ok(r.meta.ms >= 0);
  assert.equal(r.ok, r.checks.every((c) => c.status !== 'fail'));
  assert.deepEqual(r.counts, { ok: r.checks.filter((c) => c.status === 'ok').length, warn: r.checks.filter((c) => c.status === 'warn').length, fail: r.checks.filter((c) => c.status === 'fail').length });
  assert.match(find(r, 'device').reason, /^auto \(default\) runs on tfjs-node/);
  assert.match(find(r, 'kernels').reason, /nnlab-cpu, nnlab-gpu in \/home\/me\/.local\/share\/jupyter\/kernels, running this clone/);
  assert.deepEqual(JSON.parse(JSON.stringify(r)), r, 'plain JSON');
  assert.equal(inspect(r), `nnlab doctor: ${r.counts.ok} ok, ${r.counts.warn} warnings, ${r.counts.fail} failed (the record: .checks)`);
});

test('doctor() with Node 18 fails the node check with the engines requirement and how to upgrade', async () => {
  const c = find(await run(healthy({ nodeVersion: '18.19.0' })), 'node');
  assert.equal(c.status, 'fail');
  assert.equal(c.reason, 'Node 18.19.0 is older than nnlab needs (>=20, package.json engines)');
  assert.match(c.fix!, /^install Node 20 or newer \(`nvm install 20`/);
});

test('doctor() with no Python at all fails jupyter and kernels with the apt command', async () => {
  const r = await run(healthy({ pythons: () => [] }));
  const j = find(r, 'jupyter');
  assert.equal(j.status, 'fail');
  assert.match(j.reason, /^no Python found/);
  assert.match(j.fix!, /^sudo apt-get install jupyter-notebook jupyter-nbconvert python3-nbclient jupyter-client/);
  assert.equal(find(r, 'kernels').status, 'fail');
  assert.equal(r.ok, false);
});

test('doctor() where the only python3 is a pyenv one without Jupyter names it and fails jupyter (probePythons really asks it)', async () => {
  const bin = tmp('pyenv');
  const shim = path.join(bin, 'python3');
  fs.writeFileSync(shim, '#!/bin/sh\necho "ModuleNotFoundError: No module named \'jupyter_client\'" >&2\nexit 1\n', { mode: 0o755 });
  const env = { PATH: bin };
  const tried = probePythons(env, null);
  assert.deepEqual(tried, [{ python: shim, source: 'python3 on PATH', jupyter: false }]);
  const r = await run(healthy({ pythons: () => tried }));
  const j = find(r, 'jupyter');
  assert.equal(j.status, 'fail');
  assert.equal(j.reason, `no Python with Jupyter (jupyter_client, nbclient, nbconvert, nbformat); tried ${shim} (python3 on PATH)`);
  assert.match(j.fix!, /sudo apt-get install jupyter-notebook/);
  assert.match(j.fix!, /NNLAB_PYTHON/);
});

test('doctor() with a pyenv python3 first on PATH and Jupyter in the system Python says both', async () => {
  const c = find(await run(healthy({
    pythons: () => [
      { python: '/usr/bin/python3', source: 'the system Python', jupyter: true },
      { python: '/home/me/.pyenv/shims/python3', source: 'python3 on PATH', jupyter: false },
    ],
  })), 'jupyter');
  assert.equal(c.status, 'ok');
  assert.equal(c.reason, 'through /usr/bin/python3 (the system Python); without Jupyter: /home/me/.pyenv/shims/python3 (python3 on PATH)');
});

function kernelsAt(launcher: string) {
  return () => ['nnlab-cpu', 'nnlab-gpu'].map((name) => ({ name, dir: `/k/${name}`, argv: [process.execPath, launcher, '--config-path', '{connection_file}'] }));
}

test('doctor() detects kernels of a deleted clone (argv into a folder that is gone) and gives nnlab kernels install', async () => {
  const gone = tmp('gone-clone');
  const launcher = path.join(gone, 'kernel-lib', 'bin', 'nnlab-kernel.js');
  fs.rmSync(gone, { recursive: true, force: true });
  const c = find(await run(healthy({ kernels: kernelsAt(launcher) })), 'kernels');
  assert.equal(c.status, 'fail');
  assert.equal(c.reason.split('; ')[0], `nnlab-cpu: its launcher ${launcher} does not exist (a moved or deleted clone: ${gone} is gone)`);
  assert.match(c.reason, /nnlab-gpu: its launcher/);
  assert.equal(c.fix, `cd ${ROOT} && npx nnlab kernels install`);
});

test('doctor() detects kernels that run another clone', async () => {
  const other = tmp('other-clone');
  const launcher = path.join(other, 'kernel-lib', 'bin', 'nnlab-kernel.js');
  fs.mkdirSync(path.dirname(launcher), { recursive: true });
  fs.writeFileSync(launcher, '');
  const c = find(await run(healthy({ kernels: kernelsAt(launcher) })), 'kernels');
  assert.equal(c.status, 'fail');
  assert.equal(c.reason.split('; ')[0], `nnlab-cpu: it runs another clone (${other}), not this one (${ROOT})`);
  assert.match(c.fix!, /npx nnlab kernels install$/);
});

test('doctor() with only the CPU kernel registered says the GPU one is missing', async () => {
  const c = find(await run(healthy({ kernels: () => kernelsAt(LAUNCHER)().slice(0, 1) })), 'kernels');
  assert.equal(c.status, 'fail');
  assert.equal(c.reason, 'nnlab-gpu: not registered');
});

/** A node_modules tree with `copies` tfjs-core folders: the hoisted one and nested ones. */
function treeWithCores(versions: string[]): string {
  const root = tmp('tree');
  versions.forEach((v, i) => {
    const dir = i === 0 ? path.join(root, 'node_modules', '@tensorflow', 'tfjs-core')
      : path.join(root, 'node_modules', `dep${i}`, 'node_modules', '@tensorflow', 'tfjs-core');
    fs.mkdirSync(dir, { recursive: true });
    fs.writeFileSync(path.join(dir, 'package.json'), JSON.stringify({ name: '@tensorflow/tfjs-core', version: v }));
  });
  fs.mkdirSync(path.join(root, 'kernel-lib'));
  return root;
}

test('doctor() with two tfjs-core copies (one nested) fails tfjs and says npm dedupe', async () => {
  const root = treeWithCores(['4.22.0', '4.21.0']);
  assert.equal(findTfjsCores(path.join(root, 'kernel-lib')).length, 2);
  const c = find(await run(healthy({ nodeModulesFrom: path.join(root, 'kernel-lib') })), 'tfjs');
  assert.equal(c.status, 'fail');
  assert.match(c.reason, /^2 copies of @tensorflow\/tfjs-core \(4\.22\.0 in .*node_modules\/@tensorflow\/tfjs-core, 4\.21\.0 in .*dep1\/node_modules\/@tensorflow\/tfjs-core\)/);
  assert.match(c.fix!, /npm dedupe/);
});

test('findTfjsCores() ignores a copy above the first node_modules that has one (Node never reaches it from the clone)', () => {
  const outer = treeWithCores(['4.0.0']);
  const clone = path.join(outer, 'clone');
  fs.mkdirSync(path.join(clone, 'node_modules', '@tensorflow', 'tfjs-core'), { recursive: true });
  fs.writeFileSync(path.join(clone, 'node_modules', '@tensorflow', 'tfjs-core', 'package.json'), JSON.stringify({ version: '4.22.0' }));
  fs.mkdirSync(path.join(clone, 'kernel-lib'));
  assert.deepEqual(findTfjsCores(path.join(clone, 'kernel-lib')).map((c) => c.version), ['4.22.0']);
  assert.deepEqual(findTfjsCores(path.join(outer, 'kernel-lib')).map((c) => c.version), ['4.0.0']);
});

test('findTfjsCores() finds exactly one tfjs-core in this clone', () => {
  const cores = findTfjsCores(path.join(ROOT, 'kernel-lib'));
  assert.equal(cores.length, 1, JSON.stringify(cores));
  assert.equal(cores[0].version, '4.22.0');
});

/** A fake `@tensorflow/tfjs-node` install in a temp node_modules (real files, real probe). */
function nativeInstall(opts: { binding: boolean; name?: string }): { resolve: (id: string) => string; dir: string } {
  const nm = tmp('native');
  const dir = path.join(nm, '@tensorflow', 'tfjs-node');
  fs.mkdirSync(path.join(dir, 'lib'), { recursive: true });
  fs.writeFileSync(path.join(dir, 'package.json'), JSON.stringify({ name: opts.name ?? '@tensorflow/tfjs-node', version: '4.22.0' }));
  if (opts.binding) {
    fs.mkdirSync(path.join(dir, 'lib', 'napi-v8'));
    fs.writeFileSync(path.join(dir, 'lib', 'napi-v8', 'tfjs_binding.node'), 'not a shared object');
  }
  return { resolve: (id) => path.join(nm, id), dir };
}

test('doctor() with tfjs-node installed without its binding (the npm 11 install-scripts trap) warns and says approve + rebuild', async () => {
  const fakeInstall = nativeInstall({ binding: false });
  assert.deepEqual(nativeInstallState('@tensorflow/tfjs-node', { resolve: fakeInstall.resolve }), { state: 'no-binding', dir: fakeInstall.dir });
  const probe = (id: CandidateId) => (id === 'tfjs-node' ? realProbe(id, {}, { resolve: fakeInstall.resolve }).probe() : Promise.resolve(HEALTHY_PROBES[id]));
  const c = find(await run(healthy({ probe })), 'tfjs-node');
  assert.equal(c.status, 'warn');
  assert.equal(c.reason, 'installed without its native library (lib/napi-v*/tfjs_binding.node is missing: npm 11 blocked its install script)');
  assert.equal(c.fix, 'npm install-scripts approve @tensorflow/tfjs-node && npm rebuild @tensorflow/tfjs-node (downloads libtensorflow: needs internet)');
});

test('doctor() with a tfjs-node binding that fails to load (N-API mismatch) reports the loader\'s line and npm rebuild', async () => {
  const fakeInstall = nativeInstall({ binding: true });
  const napi = 'The module \'tfjs_binding.node\' was compiled against a different Node.js version using NODE_MODULE_VERSION 108. This version of Node.js requires NODE_MODULE_VERSION 115.';
  const load = () => { throw new Error(`${napi}\n    at Module._extensions..node`); };
  const state = nativeInstallState('@tensorflow/tfjs-node', { resolve: fakeInstall.resolve, load });
  assert.equal(state.state, 'load-error');
  const probe = (id: CandidateId) => (id === 'tfjs-node' ? realProbe(id, {}, { resolve: fakeInstall.resolve, load }).probe() : Promise.resolve(HEALTHY_PROBES[id]));
  const c = find(await run(healthy({ probe })), 'tfjs-node');
  assert.equal(c.status, 'warn');
  assert.equal(c.reason, `installed, but its binding does not load: ${napi}`);
  assert.match(c.fix!, /^npm rebuild @tensorflow\/tfjs-node \(or reinstall it for this Node 20\.20\.0/);
});

test('doctor() where tfjs-node is danfo\'s alias of plain tfjs (or absent) warns "not installed" with the install command', async () => {
  const alias = nativeInstall({ binding: false, name: '@tensorflow/tfjs' });
  const probe = (id: CandidateId) => (id === 'tfjs-node' ? realProbe(id, {}, { resolve: alias.resolve }).probe() : Promise.resolve(HEALTHY_PROBES[id]));
  const r = await run(healthy({ probe }));
  const c = find(r, 'tfjs-node');
  assert.equal(c.status, 'warn');
  assert.match(c.reason, /^not installed \(optional\)/);
  assert.match(c.fix!, /^npm i @tensorflow\/tfjs-node@4\.22\.0 && npm install-scripts approve @tensorflow\/tfjs-node && npm rebuild @tensorflow\/tfjs-node/);
  assert.equal(r.ok, true, 'an optional backend is a warning, not a failure');
});

test('doctor() with no Vulkan adapter warns on WebGPU with what Dawn said and the driver packages', async () => {
  const noAdapter: ProbeResult = {
    available: false, problem: 'no-adapter',
    detail: 'no WebGPU adapter (Dawn found no usable Vulkan, Metal or D3D12 GPU; Dawn says "vkCreateInstance: Found no drivers!")',
  };
  const r = await run(healthy({ probe: async (id) => (id === 'webgpu' ? noAdapter : HEALTHY_PROBES[id]) }));
  const c = find(r, 'webgpu');
  assert.equal(c.status, 'warn');
  assert.match(c.reason, /^no WebGPU adapter: no (Vulkan|Metal|D3D12) GPU \(Dawn found no usable .*Found no drivers!/);
  if (process.platform === 'linux') assert.match(c.fix!, /^sudo apt-get install libvulkan1 mesa-vulkan-drivers/);
  assert.equal(r.ok, true);
});

test('doctor() with a software adapter (SwiftShader) warns that it is software and the auto device skips it', async () => {
  const { name, software } = describeAdapter({ description: 'SwiftShader driver 5.0.0' });
  assert.equal(software, true);
  const probes: Record<CandidateId, ProbeResult> = { ...HEALTHY_PROBES, 'tfjs-node': { available: false, detail: 'not installed', problem: 'not-installed' },
    webgpu: { available: true, detail: `WebGPU adapter "${name}"`, software } };
  const r = await run(healthy({ probe: async (id) => probes[id] }));
  const c = find(r, 'webgpu');
  assert.equal(c.status, 'warn');
  assert.equal(c.reason, 'only a software adapter: WebGPU adapter "SwiftShader driver 5.0.0" (correct but slow; the GPU kernel uses it, auto skips it)');
  assert.match(find(r, 'device').reason, /^auto \(default\) runs on wasm/);
  assert.match(c.fix!, /install its own driver .*; a software adapter cannot be made fast$/);
});

test('the real WebGPU probe on SwiftShader (VK_ICD_FILENAMES): nnlab doctor --json calls it software and says to unset VK_ICD_FILENAMES', { skip: !fs.existsSync(SWIFTSHADER_ICD) && 'no SwiftShader ICD (apt-get install chromium)' }, () => {
  const env = { ...process.env, VK_ICD_FILENAMES: SWIFTSHADER_ICD, XDG_RUNTIME_DIR: tmp('xdg'), NNLAB_DATA_DIR: tmp('cache'), NNLAB_DEVICE: '' };
  const cli = spawnSync(process.execPath, [BIN, 'doctor', '--json', '--quick'], { encoding: 'utf8', env, timeout: 120_000 });
  const c = find(JSON.parse(cli.stdout) as DoctorRecord, 'webgpu');
  assert.equal(c.status, 'warn', c.reason);
  assert.match(c.reason, /^only a software adapter: WebGPU adapter "SwiftShader/);
  assert.equal(c.details.software, true);
  assert.match(c.fix!, new RegExp(`^unset VK_ICD_FILENAMES \\(it selects ${SWIFTSHADER_ICD.replace(/\./g, '\\.')}\\)`));
});

test('doctor() after useDevice() in the same process names what runs now (the device report)', async () => {
  const running = { summary: 'nnlab device: wasm (SIMD, 1 thread, nnlab kernels)', details: { wasm: { threads: { threads: 1, build: 'simd' } } } } as unknown as DeviceReport;
  const r = await run(healthy({ deviceReport: () => running }));
  assert.match(find(r, 'wasm-threads').reason, /; running: 1 \(simd\)$/);
  const c = find(r, 'device');
  assert.equal(c.status, 'ok');
  assert.match(c.reason, /; running now: wasm \(SIMD, 1 thread, nnlab kernels\)$/);
  assert.equal(c.details.running, running);
});

test('doctor() where no backend loads (not even wasm) fails wasm and device', async () => {
  const r = await run(healthy({ probe: async (id) => (id === 'cpu' ? HEALTHY_PROBES.cpu : { available: false, detail: `${id} did not register` }) }));
  assert.equal(find(r, 'wasm').status, 'fail');
  assert.match(find(r, 'wasm').reason, /^the wasm backend does not load: wasm did not register/);
  assert.equal(find(r, 'device').status, 'ok', 'the cpu backend is still there');
  assert.equal(r.ok, false);
});

test('doctor() reports CUDA 13 beside tfjs-node-gpu\'s CUDA 11.8 need (findCudaLibraries reads ldconfig -p and LD_LIBRARY_PATH)', async () => {
  const lib = tmp('ld');
  fs.writeFileSync(path.join(lib, 'libcudnn.so.8'), '');
  const ldconfig = () => '2 libs found in cache `/etc/ld.so.cache\'\n\tlibcudart.so.13 (libc6,x86-64) => /usr/local/cuda-13.0/lib/libcudart.so.13\n\tlibm.so.6 (libc6,x86-64) => /lib/libm.so.6\n';
  const cuda = findCudaLibraries({ LD_LIBRARY_PATH: lib }, ldconfig);
  assert.deepEqual(cuda, { libcudart: ['/usr/local/cuda-13.0/lib/libcudart.so.13'], libcudnn: [path.join(lib, 'libcudnn.so.8')] });
  const c = find(await run(healthy({ cudaLibraries: () => cuda })), 'tfjs-node-gpu');
  assert.equal(c.status, 'warn');
  assert.equal(c.reason, 'not installed; this machine has CUDA libraries (libcudart.so.11.0 missing (found libcudart.so.13), libcudnn.so.8 found)');
  assert.match(c.fix!, /^install CUDA 11\.8 and cuDNN 8\.6 .*; then npm i @tensorflow\/tfjs-node-gpu@4\.22\.0/);
});

test('doctor() with a bad NNLAB_WASM_THREADS fails wasm threads naming the value; 2 threads where threads cannot run warns', async () => {
  const bad = healthy();
  bad.env = { ...bad.env, NNLAB_WASM_THREADS: 'lots' };
  const c = find(await run(bad), 'wasm-threads');
  assert.equal(c.status, 'fail');
  assert.match(c.reason, /^NNLAB_WASM_THREADS must be an integer in \[1, 8\] or "auto", got "lots"/);
  assert.match(c.fix!, /^export NNLAB_WASM_THREADS=1/);
  const two = healthy({ wasmThreads: async () => ({ sharedArrayBuffer: false, unavailable: 'SharedArrayBuffer is not available in this runtime' }) });
  two.env = { ...two.env, NNLAB_WASM_THREADS: '2' };
  const w = find(await run(two), 'wasm-threads');
  assert.equal(w.status, 'warn');
  assert.equal(w.reason, '2 threads asked for (NNLAB_WASM_THREADS), but 1 runs: SharedArrayBuffer is not available in this runtime');
});

/** A healthy environment whose cache (and mirror) are the given folders. */
function withData(cache: string, mirror: string | null, offline: boolean): Partial<DoctorEnvironment> {
  const e = healthy();
  e.env = { ...e.env, NNLAB_DATA_DIR: cache, ...(mirror ? { NNLAB_DATA_MIRROR: mirror } : {}), ...(offline ? { NNLAB_DATA_OFFLINE: '1' } : {}) };
  return e;
}

test('doctor() with mnist missing warns with nnlab data fetch online, and fails offline without a mirror', async () => {
  const cache = tmp('empty-cache');
  const online = find(await run(withData(cache, null, false)), 'data:mnist');
  assert.equal(online.status, 'warn');
  assert.equal(online.reason, '0 of 4 files present; missing: train-images-idx3-ubyte.gz, train-labels-idx1-ubyte.gz, t10k-images-idx3-ubyte.gz, t10k-labels-idx1-ubyte.gz');
  assert.equal(online.fix, 'npx nnlab data fetch mnist (downloads from the official sites)');
  const offline = find(await run(withData(cache, null, true)), 'data:mnist');
  assert.equal(offline.status, 'fail');
  assert.match(offline.reason, /offline \(NNLAB_DATA_OFFLINE=1\), so a lesson cannot fetch them$/);
  assert.match(offline.fix!, /export NNLAB_DATA_MIRROR=/);
});

test('doctor() with a truncated mnist file in the mirror reports it as partial', { skip: NO_MIRROR }, async () => {
  const mirror = tmp('mirror');
  fs.mkdirSync(path.join(mirror, 'mnist'));
  for (const f of ['train-labels-idx1-ubyte.gz', 't10k-images-idx3-ubyte.gz', 't10k-labels-idx1-ubyte.gz']) {
    fs.copyFileSync(path.join(MIRROR, 'mnist', f), path.join(mirror, 'mnist', f));
  }
  fs.writeFileSync(path.join(mirror, 'mnist', 'train-images-idx3-ubyte.gz.partial'), Buffer.alloc(1000));
  const c = find(await run(withData(tmp('cache'), mirror, true)), 'data:mnist');
  assert.equal(c.status, 'warn');
  assert.equal(c.reason, '3 of 4 files present; truncated: train-images-idx3-ubyte.gz (lessons use the complete images in them)');
  assert.match(c.fix!, /^NNLAB_DATA_OFFLINE=0 npx nnlab data fetch mnist \(needs internet\), or put the complete files into the mirror/);
  const files = c.details.files as { file: string; status: string; note: string | null }[];
  assert.equal(files.find((f) => f.file === 'train-images-idx3-ubyte.gz')!.note, 'only a truncated copy, 1000 of 9912422 bytes');
});

test('doctor() with a corrupt cached file (same size, other bytes) fails on the checksum, leaves the file, and says rm + fetch; --quick misses it', { skip: NO_MIRROR }, async () => {
  const cache = tmp('corrupt-cache');
  const file = path.join(cache, 'mnist', 't10k-labels-idx1-ubyte.gz');
  fs.mkdirSync(path.dirname(file), { recursive: true });
  const bytes = fs.readFileSync(path.join(MIRROR, 'mnist', 't10k-labels-idx1-ubyte.gz'));
  bytes[100] ^= 0xff;
  fs.writeFileSync(file, bytes);
  const c = find(await run(withData(cache, null, false)), 'data:mnist');
  assert.equal(c.status, 'fail');
  assert.match(c.reason, new RegExp(`^1 corrupt file: ${file} \\(expected md5 ec29112dd5afa0611ce80d1b7f02629c, got [0-9a-f]{32}\\)$`));
  assert.equal(c.fix, `rm ${file} && npx nnlab data fetch mnist`);
  assert.ok(fs.existsSync(file), 'the doctor only looks: it does not remove the corrupt file');
  const quick = find(await run(withData(cache, null, false), true), 'data:mnist');
  assert.notEqual(quick.status, 'fail', 'sizes only: --quick cannot see a same-size corruption');
  fs.writeFileSync(file, bytes.subarray(0, 10));
  const short = find(await run(withData(cache, null, false), true), 'data:mnist');
  assert.equal(short.status, 'fail');
  assert.match(short.reason, /expected 4542 bytes, got 10/);
});

test('doctor() verifies CIFAR-10 in the shared mirror by checksum (ok), and by size with quick', { skip: NO_MIRROR }, async () => {
  const full = find(await run(withData(tmp('cache'), MIRROR, true)), 'data:cifar-10');
  assert.equal(full.status, 'ok', full.reason);
  assert.equal(full.reason, '6 files present, checksums verified (in the mirror)');
  const quick = find(await run(withData(tmp('cache'), MIRROR, true), true), 'data:cifar-10');
  assert.equal(quick.reason, '6 files present, sizes match (checksums skipped: --quick) (in the mirror)');
});

test('doctor() takes CIFAR-10 from its archive in the mirror where the batches are not extracted, and fails a corrupt archive', async () => {
  const mirror = tmp('archive-mirror');
  const archive = path.join(mirror, 'cifar-10', 'cifar-10-binary.tar.gz');
  fs.mkdirSync(path.dirname(archive));
  fs.closeSync(fs.openSync(archive, 'w'));
  fs.truncateSync(archive, 170052171); // the official size, sparse: only --quick can mistake it for the archive
  const quick = find(await run(withData(tmp('cache'), mirror, true), true), 'data:cifar-10');
  assert.equal(quick.status, 'ok', quick.reason);
  const files = quick.details.files as { note: string | null }[];
  assert.ok(files.every((f) => f.note === 'in cifar-10-binary.tar.gz (extracted on first use)'));
  const full = find(await run(withData(tmp('cache'), mirror, true)), 'data:cifar-10');
  assert.equal(full.status, 'fail');
  assert.match(full.reason, new RegExp(`^1 corrupt file: ${archive} \\(expected md5 c32a1d4ab5d03f1284b67883e8d87530, got [0-9a-f]{32}\\)$`));
  assert.match(full.fix!, /^replace .*cifar-10-binary\.tar\.gz in the mirror with the official file/);
});

test('doctor() with 100 MB free fails the disk check, with 500 MB warns, and says how much the datasets need', async () => {
  const low = find(await run(healthy({ freeBytes: () => 100 * 1024 ** 2 })), 'disk');
  assert.equal(low.status, 'fail');
  assert.match(low.reason, /^only 100\.0 MB free for .*; the datasets not yet here \(cache or mirror\) need 216\.3 MB \(under 200\.0 MB\)$/);
  assert.match(low.fix!, /export NNLAB_DATA_DIR=/);
  const some = find(await run(healthy({ freeBytes: () => 500 * 1024 ** 2 })), 'disk');
  assert.equal(some.status, 'warn');
  assert.equal(formatBytes(1.5 * GB), '1.5 GB');
});

test('doctor() with an empty model zoo warns and gives nnlab zoo build', async () => {
  const c = find(await run(healthy()), 'models');
  assert.equal(c.status, 'warn');
  assert.match(c.reason, /^mnist-0-4-cnn is not built in /);
  assert.equal(c.fix, 'npx nnlab zoo build mnist-0-4-cnn');
});

test('doctor() with the zoo model built and another model saved says both', async () => {
  const e = healthy();
  const zoo = e.env!.NNLAB_MODEL_DIR!;
  for (const [name, revision] of [['mnist-0-4-cnn', 1], ['my-mlp', null]] as const) {
    fs.mkdirSync(path.join(zoo, name), { recursive: true });
    fs.writeFileSync(path.join(zoo, name, 'model.json'), JSON.stringify({ modelTopology: {}, userDefinedMetadata: revision ? { nnlab: { revision } } : {} }));
  }
  const c = find(await run(e), 'models');
  assert.equal(c.status, 'ok');
  assert.equal(c.reason, `mnist-0-4-cnn built in ${zoo}; also saved there: my-mlp`);
});

test('doctor() where listing the kernels fails reports it on the kernels check and keeps jupyter ok', async () => {
  const r = await run(healthy({ kernels: () => { throw new Error('jupyter kernelspec list failed: No module named jupyter_client'); } }));
  assert.equal(find(r, 'jupyter').status, 'ok');
  const c = find(r, 'kernels');
  assert.equal(c.status, 'fail');
  assert.equal(c.reason, 'cannot list the kernels with /usr/bin/python3: jupyter kernelspec list failed: No module named jupyter_client');
  assert.match(c.fix!, /npx nnlab kernels install$/);
});

test('doctor() turns a check that throws into a failed check with its message, and runs the others', async () => {
  const r = await run(healthy({ pythons: () => { throw new Error('spawnSync python3 ETIMEDOUT'); } }));
  const c = find(r, 'jupyter');
  assert.equal(c.status, 'fail');
  assert.equal(c.reason, 'the check itself failed: spawnSync python3 ETIMEDOUT');
  assert.equal(find(r, 'disk').status, 'ok');
  assert.ok(r.meta.steps.data >= 0 && r.meta.steps.backends >= 0);
});

test('doctor() in a kernel shows the report as an HTML table with a mark, reason and fix per check', async () => {
  const j = tslabJupyter();
  assert.ok(j, 'tslab is installed');
  const shown: Record<string, unknown>[] = [];
  j.lastWriteDisplayData = (d) => { shown.push(d.data); };
  try {
    const r = await doctor({ environment: healthy({ nodeVersion: '18.0.0' }) });
    assert.equal(shown.length, 1);
    const html = shown[0]['text/html'] as string;
    assert.match(html, /^<table class="nnlab-table"><caption[^>]*>nnlab doctor: \d+ ok, \d+ warnings, \d+ failed<\/caption>/);
    assert.equal((html.match(/<tr>/g) ?? []).length, r.checks.length + 1, 'a header and one row per check');
    assert.match(html, /<td[^>]*>✗<\/td><td[^>]*>Node.js<\/td><td[^>]*>Node 18.0.0 is older/);
    await doctor({ show: false, environment: healthy() });
    assert.equal(shown.length, 1, 'show: false shows nothing');
  } finally {
    j.lastWriteDisplayData = null;
  }
});

test('doctorText() prints one aligned line per check with its mark, then the fixes', async () => {
  const r = await run(healthy({ nodeVersion: '18.0.0' }));
  const text = doctorText(r);
  const lines = text.split('\n');
  const width = Math.max(...r.checks.map((c) => c.title.length));
  r.checks.forEach((c, i) => assert.equal(lines[i], `${{ ok: '✓', warn: '!', fail: '✗' }[c.status]} ${c.title.padEnd(width)}  ${c.reason}`));
  assert.ok(lines.includes('Fixes:'));
  assert.ok(lines.includes(`  Node.js: ${find(r, 'node').fix}`));
  assert.match(lines[lines.length - 1], /failed: a lesson needs what failed/);
});

test('doctor() rejects bad options, naming them', async () => {
  await assert.rejects(doctor({ quick: 'yes' as unknown as boolean }), (e: unknown) => e instanceof ArgumentError && e.message === 'quick must be true or false, got "yes"');
  await assert.rejects(doctor({ fast: true } as never), (e: unknown) => e instanceof ArgumentError && /doctor\.fast must be one of the known options \(quick, show, environment\)/.test(e.message));
});

test('nnlab doctor --frobnicate is a usage error (exit 2) naming the known options', async () => {
  const r = await cliInProcess(['doctor', '--frobnicate']);
  assert.equal(r.status, 2);
  assert.match(r.stderr, /doctor: unknown option "--frobnicate" \(known: --json, --quick, --help\)/);
});

test('the real doctor on this machine: node, tfjs, wasm, jupyter and this clone\'s kernels are ok; nnlab doctor --json agrees and exits by its checks', async () => {
  const prefix = tmp('kernels');
  installKernelSpecs(findJupyterPython().python, { prefix });
  const env = {
    ...process.env, JUPYTER_PATH: path.join(prefix, 'share', 'jupyter'),
    NNLAB_DATA_MIRROR: MIRROR, NNLAB_DATA_OFFLINE: '1', NNLAB_DATA_DIR: tmp('real-cache'), NNLAB_DEVICE: '',
  };
  const r = await doctor({ show: false, environment: { env } });
  for (const id of ['node', 'tfjs', 'wasm', 'device', 'wasm-threads', 'jupyter', 'kernels', 'disk', ...(NO_MIRROR ? [] : ['data:cifar-10'])]) {
    const c = find(r, id);
    assert.equal(c.status, 'ok', `${id}: ${c.reason}`);
  }
  assert.match(find(r, 'jupyter').reason, /^through \//);
  const cli = spawnSync(process.execPath, [BIN, 'doctor', '--json'], { encoding: 'utf8', env, timeout: 120_000 });
  const record = JSON.parse(cli.stdout) as DoctorRecord;
  assert.equal(record.experiment, 'doctor');
  assert.equal(cli.status, record.checks.some((c) => c.status === 'fail') ? 1 : 0, cli.stderr);
  assert.equal(record.ok, cli.status === 0);
  assert.deepEqual(record.checks.map((c) => c.id), r.checks.map((c) => c.id));
  for (const c of record.checks) {
    assert.ok(['ok', 'warn', 'fail'].includes(c.status));
    assert.equal(typeof c.reason, 'string');
    assert.ok(c.status === 'ok' ? c.fix === null : typeof c.fix === 'string' && c.fix.length > 0, `${c.id} has a fix`);
  }
  assert.equal(find(record, 'kernels').status, 'ok');
});
