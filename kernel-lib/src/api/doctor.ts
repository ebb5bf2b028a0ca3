/**
 * `nnlab doctor` and `await nn.doctor()`: what is there, what is not, and the exact fix for each
 * problem. One check per thing a lesson depends on (Node, tfjs, the backends, wasm threads,
 * Jupyter, the kernels, the datasets, the model zoo, disk space), each with a status (ok / warn /
 * fail), a one-line reason and a command that fixes it. A fail is something a lesson needs;
 * a warn is speed or convenience left on the table.
 *
 * Like the device chain (engine/device.ts: a pure walk over injected probes), the doctor reads the
 * machine only through a {@link DoctorEnvironment} whose defaults are the real probes; tests fake
 * each failure by overriding one field. The backends are asked through engine/backends.ts's own
 * probes (`realProbe`), never probed a second way here.
 */
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { inspect } from 'util';
import * as tf from '@tensorflow/tfjs';
import { checkBoolean, checkOptions, firstLine } from '../core/errors';
import { inKernel } from '../core/kernel';
import { Provenance, provenance } from '../core/record';
import { repoRoot } from '../core/paths';
import { realProbe } from '../engine/backends';
import { CandidateId, DEVICE_CHAINS, DeviceReport, deviceReport, ProbeResult, resolveRequest } from '../engine/device';
import { resolveWasmThreads, threadsUnavailableReason } from '../engine/wasm/threads';
import { probePythons, PythonProbe, REQUIRED_MODULES } from '../jupyter/python';
import { KERNEL_NAMES, listKernelSpecs, RegisteredKernel } from '../jupyter/kernelspec';
import { datasetNames, datasetSpec } from '../data/registry';
import { dataDir, isUrl, mirrorCandidates } from '../data/files';
import { filesOf } from '../data/info';
import { Checksums, checksumMismatch, hashFile } from '../data/download';
import { modelDir, savedNnlabMetadata } from '../data/models';
import { MODEL_ZOO } from '../lessons/transfer/zoo';
import { showTable } from '../show/table';

/** ok: nothing to do; warn: works, but something is missing or slow; fail: a lesson needs it. */
export type CheckStatus = 'ok' | 'warn' | 'fail';

/** One line of the report. */
export interface DoctorCheck {
  /** A stable name: 'node', 'tfjs', 'wasm', 'jupyter', 'kernels', 'data:cifar-10', 'disk', ... */
  id: string;
  title: string;
  status: CheckStatus;
  /** One line: what was found. */
  reason: string;
  /** The command that fixes it (null when the status is ok). */
  fix: string | null;
  /** Plain JSON: the facts behind the reason (paths, versions, files). */
  details: Record<string, unknown>;
}

/** The report, a plain JSON record like every experiment's. */
export interface DoctorRecord extends Provenance {
  experiment: 'doctor';
  options: { quick: boolean };
  checks: DoctorCheck[];
  /** True when no check failed (warnings allowed): the exit status of `nnlab doctor` is 0. */
  ok: boolean;
  counts: Record<CheckStatus, number>;
  /** Wall time: the whole run and each step (backends, data: the checksums...), in ms. */
  meta: { ms: number; steps: Record<string, number> };
}

/** What a CUDA search found: the paths of each library family (libcudart, libcudnn). */
export interface CudaLibraries { libcudart: string[]; libcudnn: string[] }

/** What the wasm threads check reads: whether the threaded build can run here, and why not. */
export interface WasmThreadsSupport { sharedArrayBuffer: boolean; unavailable: string | null }

/**
 * Everything the doctor reads from the machine. Every field has a real default; a test replaces
 * one to fake a failure (an old Node, a pyenv Python without Jupyter, a stale kernel...).
 */
export interface DoctorEnvironment {
  /** Environment variables (NNLAB_*, PATH, JUPYTER_PATH, LD_LIBRARY_PATH). */
  env: Record<string, string | undefined>;
  /** `process.versions.node`. */
  nodeVersion: string;
  /** The clone: its package.json holds `engines.node`, its kernel launcher is what kernels must run. */
  repoRoot: string;
  /** Where node_modules are searched from (this folder and every folder above it). */
  nodeModulesFrom: string;
  /** The tfjs this library runs (`tf.version.tfjs`). */
  tfjsVersion: string;
  /** What `useDevice` chose in this process, if it ran (engine/device.ts's `deviceReport()`). */
  deviceReport(): DeviceReport | null;
  /** One backend's probe (engine/backends.ts's `realProbe(id).probe()`). */
  probe(id: CandidateId): Promise<ProbeResult>;
  /** Whether the threaded wasm build can run here. */
  wasmThreads(): Promise<WasmThreadsSupport>;
  /** CUDA and cuDNN libraries for tfjs-node-gpu (`ldconfig -p`, LD_LIBRARY_PATH). */
  cudaLibraries(): CudaLibraries;
  /** The Pythons tried for Jupyter, in order, with the answer of each (jupyter/python.ts). */
  pythons(): PythonProbe[];
  /** The kernelspecs the Jupyter of `python` knows (jupyter/kernelspec.ts). */
  kernels(python: string): RegisteredKernel[];
  /** Size, md5 and sha256 of a file (data/download.ts). */
  hash(file: string): Promise<Checksums>;
  /** Free bytes for an unprivileged user on the file system of `dir` (fs.statfs). */
  freeBytes(dir: string): number;
}

/** Options of {@link doctor}. */
export interface DoctorOptions {
  /** Skip the checksums of dataset files (sizes only): seconds instead of ~2 s for all of CIFAR-10. Default false. */
  quick?: boolean;
  /** Show the report as a table in a notebook (default true; outside a kernel nothing is printed). */
  show?: boolean;
  /** Replace parts of the real environment (tests fake failures this way). */
  environment?: Partial<DoctorEnvironment>;
}

const DOCTOR_OPTIONS = ['quick', 'show', 'environment'] as const;
const GB = 1024 ** 3;
const MB = 1024 ** 2;
/** Free space under which the cache is a warning, and a failure. */
export const DISK_WARN_BYTES = GB;
export const DISK_FAIL_BYTES = 200 * MB;

/** The real environment: this process, this clone, the real probes. */
export function realEnvironment(env: Record<string, string | undefined> = process.env): DoctorEnvironment {
  return {
    env,
    nodeVersion: process.versions.node,
    repoRoot: repoRoot(),
    nodeModulesFrom: path.join(repoRoot(), 'kernel-lib'),
    tfjsVersion: tf.version.tfjs,
    deviceReport,
    probe: (id) => realProbe(id).probe(),
    async wasmThreads() {
      return { sharedArrayBuffer: typeof SharedArrayBuffer === 'function', unavailable: await threadsUnavailableReason() };
    },
    cudaLibraries: () => findCudaLibraries(env),
    pythons: () => probePythons(env),
    kernels: (python) => listKernelSpecs(python, env),
    hash: hashFile,
    freeBytes: (dir) => {
      const s = fs.statfsSync(dir);
      return s.bavail * s.bsize;
    },
  };
}

/**
 * Checks this machine for everything the lessons need and says how to fix what is missing: Node,
 * tfjs (one tfjs-core), the backends and why each does or does not load, wasm threads, Jupyter
 * and its Python, the nnlab kernels (pointing at this clone), the datasets with their checksums,
 * the model zoo and disk space. In a notebook it shows the report as a table; it resolves to the
 * record either way (`record.ok` is false when something a lesson needs fails).
 *
 * @example
 * const report = await nn.doctor();               // the first cell of a lesson, when in doubt
 * report.checks.filter((c) => c.status !== 'ok').map((c) => `${c.title}: ${c.fix}`);
 * await nn.doctor({ quick: true });               // dataset sizes only, no checksums
 */
export async function doctor(options: DoctorOptions = {}): Promise<DoctorRecord> {
  checkOptions('doctor', options, DOCTOR_OPTIONS);
  const quick = checkBoolean('quick', options.quick ?? false);
  const show = checkBoolean('show', options.show ?? true);
  const start = Date.now();
  const e: DoctorEnvironment = { ...realEnvironment(options.environment?.env), ...options.environment };
  const { checks, steps } = await runChecks(e, quick);
  const record = toRecord(checks, quick, { ms: Date.now() - start, steps });
  if (show && inKernel()) showDoctor(record);
  return record;
}

/** Every check in order, each step timed; a step that throws becomes a failed check (the others still run). */
async function runChecks(e: DoctorEnvironment, quick: boolean): Promise<{ checks: DoctorCheck[]; steps: Record<string, number> }> {
  const plan: [string, string, () => Promise<DoctorCheck | DoctorCheck[]> | DoctorCheck | DoctorCheck[]][] = [
    ['node', 'Node.js', () => nodeCheck(e)],
    ['tfjs', 'TensorFlow.js', () => tfjsCheck(e)],
    ['backends', 'backends', () => backendChecks(e)],
    ['wasm-threads', 'wasm threads', () => wasmThreadsCheck(e)],
    ['jupyter', 'Jupyter', () => jupyterAndKernelChecks(e)],
    ['data', 'datasets', () => dataChecks(e, quick)],
    ['models', 'model zoo', () => modelsCheck(e)],
    ['disk', 'disk space', () => diskCheck(e)],
  ];
  const checks: DoctorCheck[] = [];
  const steps: Record<string, number> = {};
  for (const [id, title, step] of plan) {
    const t0 = Date.now();
    try {
      const found = await step();
      checks.push(...(Array.isArray(found) ? found : [found]));
    } catch (err) {
      checks.push(check(id, title, 'fail', `the check itself failed: ${firstLine(err)}`,
        `report it with the output of \`npx nnlab doctor --json\` (the check "${id}" threw)`));
    }
    steps[id] = Date.now() - t0;
  }
  return { checks, steps };
}

/** The record: checks, counts, `ok`, provenance and timing. */
function toRecord(checks: DoctorCheck[], quick: boolean, meta: DoctorRecord['meta']): DoctorRecord {
  const counts = { ok: 0, warn: 0, fail: 0 };
  for (const c of checks) counts[c.status] += 1;
  const { backend, versions } = provenance();
  const record: DoctorRecord = {
    // the doctor computes nothing: before any useDevice() no backend is set, and the record says so
    experiment: 'doctor', options: { quick }, checks, ok: counts.fail === 0, counts, backend: backend ?? 'none', versions, meta,
  };
  // `await nn.doctor()` as a cell's last line: one summary line under the table, not the whole
  // record (non-enumerable, so the record stays plain JSON)
  Object.defineProperty(record, inspect.custom, {
    value: () => `nnlab doctor: ${counts.ok} ok, ${counts.warn} warnings, ${counts.fail} failed (the record: .checks)`, enumerable: false,
  });
  return record;
}

/** The report as a table (in a notebook: HTML; elsewhere printed as text). */
export function showDoctor(record: DoctorRecord): void {
  showTable(record.checks.map((c) => ({ '': MARKS[c.status], check: c.title, reason: c.reason, fix: c.fix ?? '' })),
    { title: `nnlab doctor: ${record.counts.ok} ok, ${record.counts.warn} warnings, ${record.counts.fail} failed` });
}

const MARKS: Record<CheckStatus, string> = { ok: '✓', warn: '!', fail: '✗' };

/**
 * The report as terminal text: one aligned line per check with its mark, then the fixes.
 *
 * @example
 * console.log(nn.doctorText(await nn.doctor({ show: false })));
 * // ✓ Node.js         Node 20.20.0 (nnlab needs >=20)
 * // ! tfjs-node       not installed (optional): native TensorFlow, several times faster than wasm
 * // ...
 * // Fixes:
 * //   tfjs-node: npm i @tensorflow/tfjs-node@4.22.0 && ...
 */
export function doctorText(record: DoctorRecord): string {
  const width = Math.max(...record.checks.map((c) => c.title.length));
  const lines = record.checks.map((c) => `${MARKS[c.status]} ${c.title.padEnd(width)}  ${c.reason}`);
  const fixes = record.checks.filter((c) => c.status !== 'ok' && c.fix);
  if (fixes.length) lines.push('', 'Fixes:', ...fixes.map((c) => `  ${c.title}: ${c.fix}`));
  lines.push('', `${record.counts.ok} ok, ${record.counts.warn} warnings, ${record.counts.fail} failed` +
    (record.ok ? '' : ': a lesson needs what failed') + ` (${(record.meta.ms / 1000).toFixed(1)} s)`);
  return lines.join('\n');
}

function check(id: string, title: string, status: CheckStatus, reason: string, fix: string | null,
  details: Record<string, unknown> = {}): DoctorCheck {
  return { id, title, status, reason, fix: status === 'ok' ? null : fix, details };
}

// ---- Node and tfjs ------------------------------------------------------------------------------

/** The smallest major version `engines.node` allows (">=20" -> 20), or null when it says nothing. */
export function minimumNodeMajor(engines: string | undefined): number | null {
  const m = /^\s*>=?\s*v?(\d+)/.exec(engines ?? '');
  return m ? Number(m[1]) : null;
}

function nodeCheck(e: DoctorEnvironment): DoctorCheck {
  let wanted: string | undefined;
  try {
    wanted = (JSON.parse(fs.readFileSync(path.join(e.repoRoot, 'package.json'), 'utf8')) as { engines?: { node?: string } }).engines?.node;
  } catch { /* no package.json: no requirement known */ }
  const min = minimumNodeMajor(wanted) ?? 20;
  const major = Number(e.nodeVersion.split('.')[0]);
  const details = { version: e.nodeVersion, engines: wanted ?? null, execPath: process.execPath };
  if (major >= min) return check('node', 'Node.js', 'ok', `Node ${e.nodeVersion} (nnlab needs ${wanted ?? `>=${min}`})`, null, details);
  return check('node', 'Node.js', 'fail', `Node ${e.nodeVersion} is older than nnlab needs (${wanted ?? `>=${min}`}, package.json engines)`,
    `install Node ${min} or newer (\`nvm install ${min}\`, or https://nodejs.org), then \`npm ci && npm run build\``, details);
}

/**
 * Every `@tensorflow/tfjs-core` reachable from `from`: the node_modules above it up to the first
 * that holds one, and every copy nested inside their packages. Two means two tfjs engines.
 */
export function findTfjsCores(from: string): { path: string; version: string }[] {
  const found = new Map<string, string>();
  const seen = new Set<string>();
  const walk = (nm: string, depth: number): void => {
    let real: string;
    try {
      real = fs.realpathSync(nm);
    } catch {
      return;
    }
    if (seen.has(real) || depth > 16) return;
    seen.add(real);
    const core = path.join(real, '@tensorflow', 'tfjs-core', 'package.json');
    if (fs.existsSync(core)) {
      try {
        found.set(path.dirname(fs.realpathSync(core)), (JSON.parse(fs.readFileSync(core, 'utf8')) as { version?: string }).version ?? '?');
      } catch { /* unreadable package.json: still a copy */ found.set(path.dirname(core), '?'); }
    }
    for (const pkg of packagesIn(real)) walk(path.join(pkg, 'node_modules'), depth + 1);
  };
  // upwards like Node's resolution, up to the first node_modules that holds tfjs-core: a copy
  // further up (in ~/node_modules, say) is shadowed by it and never loaded from here
  for (let dir = path.resolve(from); ; dir = path.dirname(dir)) {
    walk(path.join(dir, 'node_modules'), 0);
    if (fs.existsSync(path.join(dir, 'node_modules', '@tensorflow', 'tfjs-core', 'package.json')) || path.dirname(dir) === dir) break;
  }
  return [...found].map(([p, version]) => ({ path: p, version }));
}

/** The package folders of a node_modules folder (scoped ones one level down). */
function packagesIn(nm: string): string[] {
  const list = (dir: string) => { try { return fs.readdirSync(dir); } catch { return []; } };
  return list(nm).filter((n) => !n.startsWith('.'))
    .flatMap((n) => (n.startsWith('@') ? list(path.join(nm, n)).map((s) => path.join(nm, n, s)) : [path.join(nm, n)]));
}

function tfjsCheck(e: DoctorEnvironment): DoctorCheck {
  const cores = findTfjsCores(e.nodeModulesFrom);
  const details = { tfjs: e.tfjsVersion, cores };
  if (cores.length === 1) {
    return check('tfjs', 'TensorFlow.js', 'ok', `tfjs ${e.tfjsVersion}, one @tensorflow/tfjs-core (${cores[0].version})`, null, details);
  }
  if (cores.length === 0) {
    return check('tfjs', 'TensorFlow.js', 'fail', `no @tensorflow/tfjs-core under the node_modules above ${e.nodeModulesFrom}`,
      `cd ${e.repoRoot} && npm ci && npm run build`, details);
  }
  return check('tfjs', 'TensorFlow.js', 'fail',
    `${cores.length} copies of @tensorflow/tfjs-core (${cores.map((c) => `${c.version} in ${c.path}`).join(', ')}): ` +
    'backends and tensors of one copy are invisible to the other',
    `cd ${e.repoRoot} && npm dedupe (if a copy remains: rm -rf node_modules && npm ci)`, details);
}

// ---- backends -----------------------------------------------------------------------------------

const PKG = { 'tfjs-node': '@tensorflow/tfjs-node', 'tfjs-node-gpu': '@tensorflow/tfjs-node-gpu' } as const;

async function probeSafely(e: DoctorEnvironment, id: CandidateId): Promise<ProbeResult> {
  try {
    return await e.probe(id);
  } catch (err) {
    return { available: false, detail: firstLine(err), problem: 'load-error' };
  }
}

async function backendChecks(e: DoctorEnvironment): Promise<DoctorCheck[]> {
  const ids: CandidateId[] = ['wasm', 'tfjs-node', 'tfjs-node-gpu', 'webgpu'];
  const found = new Map<CandidateId, ProbeResult>();
  for (const id of ids) found.set(id, await probeSafely(e, id));
  found.set('cpu', { available: true, detail: 'plain JavaScript' });
  return [
    wasmCheck(found.get('wasm')!),
    nativeCheck(e, 'tfjs-node', found.get('tfjs-node')!),
    nativeGpuCheck(e, found.get('tfjs-node-gpu')!),
    webgpuCheck(e, found.get('webgpu')!),
    deviceCheck(e, found),
  ];
}

function wasmCheck(r: ProbeResult): DoctorCheck {
  if (r.available) return check('wasm', 'wasm backend', 'ok', `${r.detail}: every lesson runs on it`, null, { ...r });
  return check('wasm', 'wasm backend', 'fail', `the wasm backend does not load: ${r.detail}`,
    'npm ci (reinstalls @tensorflow/tfjs-backend-wasm); check NNLAB_WASM_KERNELS and NNLAB_WASM_THREADS', { ...r });
}

function nativeCheck(e: DoctorEnvironment, id: 'tfjs-node', r: ProbeResult): DoctorCheck {
  const pkg = PKG[id];
  const install = `npm i ${pkg}@${e.tfjsVersion} && npm install-scripts approve ${pkg} && npm rebuild ${pkg}`;
  if (r.available) return check(id, id, 'ok', `loads: ${r.detail}`, null, { ...r });
  switch (r.problem) {
    case 'no-binding':
      return check(id, id, 'warn', `installed without its native library (lib/napi-v*/tfjs_binding.node is missing: npm 11 blocked its install script)`,
        `npm install-scripts approve ${pkg} && npm rebuild ${pkg} (downloads libtensorflow: needs internet)`, { ...r });
    case 'load-error':
      return check(id, id, 'warn', `installed, but its binding does not load: ${r.detail.replace(/^.*does not load: /, '')}`,
        `npm rebuild ${pkg} (or reinstall it for this Node ${e.nodeVersion}: ${install})`, { ...r });
    case 'other-core':
      return check(id, id, 'warn', r.detail, `npm i ${pkg}@${e.tfjsVersion}`, { ...r });
    default:
      return check(id, id, 'warn', 'not installed (optional): native TensorFlow, several times faster than wasm on large models',
        `${install} (needs internet)`, { ...r });
  }
}

/** The CUDA libraries tfjs-node-gpu 4.22 loads (TensorFlow 2.x: CUDA 11.8, cuDNN 8.6). */
const CUDA_NEEDED = { libcudart: 'libcudart.so.11.0', libcudnn: 'libcudnn.so.8' } as const;

function nativeGpuCheck(e: DoctorEnvironment, r: ProbeResult): DoctorCheck {
  const id = 'tfjs-node-gpu';
  const pkg = PKG[id];
  const cuda = e.cudaLibraries();
  const has = (lib: keyof CudaLibraries) => cuda[lib].some((f) => path.basename(f).startsWith(CUDA_NEEDED[lib]));
  const versions = (lib: keyof CudaLibraries) => [...new Set(cuda[lib].map((f) => path.basename(f)).filter((f) => /\.so\.\d/.test(f)))];
  const libs = (['libcudart', 'libcudnn'] as const).map((lib) => (has(lib) ? `${CUDA_NEEDED[lib]} found`
    : `${CUDA_NEEDED[lib]} missing${versions(lib).length ? ` (found ${versions(lib).join(', ')})` : ''}`)).join(', ');
  const ready = has('libcudart') && has('libcudnn');
  const anyCuda = cuda.libcudart.length > 0 || cuda.libcudnn.length > 0;
  const details = { ...r, cuda, needed: CUDA_NEEDED };
  const cudaFix = 'install CUDA 11.8 and cuDNN 8.6 (NVIDIA\'s packages; they can sit beside another CUDA), and put their lib folder on LD_LIBRARY_PATH';
  const install = `npm i ${pkg}@${e.tfjsVersion} && npm install-scripts approve ${pkg} && npm rebuild ${pkg}`;
  if (r.available) return check(id, id, 'ok', `loads (${libs})`, null, details);
  if (r.problem === 'not-installed' || r.problem === undefined) {
    if (!anyCuda) return check(id, id, 'ok', 'not installed, and no CUDA libraries here, so none is needed: WebGPU or the CPU chain run', null, details);
    return check(id, id, 'warn', `not installed; this machine has CUDA libraries (${libs})`, ready ? install : `${cudaFix}; then ${install}`, details);
  }
  if (r.problem === 'no-binding') {
    return check(id, id, 'warn', 'installed without its native library (lib/napi-v*/tfjs_binding.node is missing: npm 11 blocked its install script)',
      `npm install-scripts approve ${pkg} && npm rebuild ${pkg} (needs internet)`, details);
  }
  return check(id, id, 'warn', `installed, but does not load (${libs}): ${r.detail.replace(/^.*does not load: /, '')}`,
    ready ? `npm rebuild ${pkg} (or reinstall: ${install})` : cudaFix, details);
}

/** The GPU API WebGPU needs on this platform. */
function gpuApi(): string {
  return process.platform === 'darwin' ? 'Metal' : process.platform === 'win32' ? 'D3D12' : 'Vulkan';
}

function webgpuCheck(e: DoctorEnvironment, r: ProbeResult): DoctorCheck {
  const id = 'webgpu';
  const driverFix = process.platform === 'linux'
    ? 'sudo apt-get install libvulkan1 mesa-vulkan-drivers (or your GPU vendor\'s driver with Vulkan)'
    : `update the GPU driver (${gpuApi()})`;
  if (r.available && !r.software) return check(id, 'WebGPU', 'ok', `hardware adapter: ${r.detail}`, null, { ...r, software: false });
  if (r.available) {
    const icd = e.env.VK_ICD_FILENAMES ? `unset VK_ICD_FILENAMES (it selects ${e.env.VK_ICD_FILENAMES}), or on a machine with a GPU: ` : 'on a machine with a GPU, ';
    return check(id, 'WebGPU', 'warn', `only a software adapter: ${r.detail} (correct but slow; the GPU kernel uses it, auto skips it)`,
      `${icd}install its own driver (${gpuApi()}${process.platform === 'linux' ? ': NVIDIA\'s driver, or for AMD/Intel sudo apt-get install mesa-vulkan-drivers libvulkan1' : ''}); a software adapter cannot be made fast`,
      { ...r, software: true });
  }
  if (r.problem === 'no-package') return check(id, 'WebGPU', 'warn', r.detail, r.hint ?? null, { ...r });
  return check(id, 'WebGPU', 'warn', `${r.detail.replace(/^no WebGPU adapter/, `no WebGPU adapter: no ${gpuApi()} GPU`)}`,
    driverFix, { ...r });
}

/** The backend the device chain would pick with these probe results (the walk of engine/device.ts, without switching). */
function deviceCheck(e: DoctorEnvironment, found: Map<CandidateId, ProbeResult>): DoctorCheck {
  let request: ReturnType<typeof resolveRequest>;
  try {
    request = resolveRequest(undefined, e.env);
  } catch (err) {
    return check('device', 'device', 'fail', firstLine(err), 'export NNLAB_DEVICE=auto (or cpu, gpu), or unset NNLAB_DEVICE');
  }
  const chain = DEVICE_CHAINS[request.requested];
  const pick = chain.find((id) => {
    const r = found.get(id);
    return r?.available && !(request.requested === 'auto' && r.software);
  });
  const running = e.deviceReport();
  const details = { requested: request.requested, source: request.source, chain, candidate: pick ?? null, running };
  if (!pick) return check('device', 'device', 'fail', `no backend of the ${request.requested} chain is available`, 'npm ci', details);
  const now = running ? `; running now: ${running.summary.replace(/^nnlab device: /, '')}` : '';
  return check('device', 'device', 'ok', `${request.requested} (${request.source}) runs on ${pick}: ${found.get(pick)!.detail}${now}`, null, details);
}

async function wasmThreadsCheck(e: DoctorEnvironment): Promise<DoctorCheck> {
  const title = 'wasm threads';
  let resolved: ReturnType<typeof resolveWasmThreads>;
  try {
    resolved = resolveWasmThreads(undefined, e.env);
  } catch (err) {
    return check('wasm-threads', title, 'fail', firstLine(err), 'export NNLAB_WASM_THREADS=1 (or 2..8, auto), or unset NNLAB_WASM_THREADS',
      { NNLAB_WASM_THREADS: e.env.NNLAB_WASM_THREADS ?? null });
  }
  const support = await e.wasmThreads();
  const details = { ...support, requested: resolved.requested, source: resolved.source, threads: resolved.threads, NNLAB_WASM_THREADS: e.env.NNLAB_WASM_THREADS ?? null };
  const sab = `SharedArrayBuffer ${support.sharedArrayBuffer ? 'available' : 'missing'}`;
  if (resolved.threads > 1 && support.unavailable && resolved.source !== 'default') {
    return check('wasm-threads', title, 'warn', `${resolved.threads} threads asked for (${resolved.why}), but 1 runs: ${support.unavailable}`,
      'unset NNLAB_WASM_THREADS (the default falls back to 1 thread quietly)', details);
  }
  const build = support.unavailable ? `threaded build unavailable: ${support.unavailable}` : 'threaded build available';
  // what the engine runs, when useDevice started wasm in this process (its report's details)
  const running = (e.deviceReport()?.details as { wasm?: { threads?: { threads: number; build: string } } } | undefined)?.wasm?.threads;
  const now = running ? `; running: ${running.threads} (${running.build})` : '';
  return check('wasm-threads', title, 'ok', `${resolved.threads} thread${resolved.threads === 1 ? '' : 's'} (${resolved.why}); ${sab}; ${build}${now}`, null,
    { ...details, running: running ?? null });
}

/** libcudart and libcudnn on the loader's path: `ldconfig -p`, then every LD_LIBRARY_PATH folder. */
export function findCudaLibraries(env: Record<string, string | undefined> = process.env,
  ldconfig: () => string = () => spawnSync('/sbin/ldconfig', ['-p'], { encoding: 'utf8', timeout: 10_000 }).stdout ?? ''): CudaLibraries {
  const all: string[] = [];
  for (const line of ldconfig().split('\n')) {
    const m = /=>\s*(\S+)$/.exec(line.trim());
    if (m) all.push(m[1]);
  }
  for (const dir of (env.LD_LIBRARY_PATH ?? '').split(path.delimiter).filter(Boolean)) {
    try {
      for (const f of fs.readdirSync(dir)) all.push(path.join(dir, f));
    } catch { /* not a folder */ }
  }
  const of = (lib: string) => [...new Set(all.filter((f) => path.basename(f).startsWith(`${lib}.so`)))];
  return { libcudart: of('libcudart'), libcudnn: of('libcudnn') };
}

// ---- Jupyter and the kernels --------------------------------------------------------------------

const JUPYTER_FIX = 'sudo apt-get install jupyter-notebook jupyter-nbconvert python3-nbclient jupyter-client ' +
  '(elsewhere: python3 -m pip install notebook nbconvert nbclient; or export NNLAB_PYTHON=/path/to/python-with-jupyter)';

function jupyterAndKernelChecks(e: DoctorEnvironment): DoctorCheck[] {
  const tried = e.pythons();
  const found = tried.find((p) => p.jupyter);
  const without = tried.filter((p) => !p.jupyter).map((p) => `${p.python} (${p.source})`);
  const details = { tried, python: found ?? null };
  if (!found) {
    const reason = tried.length
      ? `no Python with Jupyter (${REQUIRED_MODULES.join(', ')}); tried ${without.join(', ')}`
      : 'no Python found (no NNLAB_PYTHON, no jupyter, no python3 on PATH)';
    return [
      check('jupyter', 'Jupyter', 'fail', reason, JUPYTER_FIX, details),
      check('kernels', 'nnlab kernels', 'fail', 'cannot list kernels without Jupyter', `${JUPYTER_FIX}; then cd ${e.repoRoot} && npx nnlab kernels install`),
    ];
  }
  const also = without.length ? `; without Jupyter: ${without.join(', ')}` : '';
  return [
    check('jupyter', 'Jupyter', 'ok', `through ${found.python} (${found.source})${also}`, null, details),
    kernelsCheck(e, found.python),
  ];
}

/** This clone's kernel launcher: what every nnlab kernel's argv must run. */
function launcherOf(root: string): string {
  return path.join(root, 'kernel-lib', 'bin', 'nnlab-kernel.js');
}

/** What is wrong with one registered nnlab kernel, or null. */
export function kernelProblem(k: RegisteredKernel, root: string, exists: (p: string) => boolean = fs.existsSync): string | null {
  const [node, launcher] = k.argv;
  if (!launcher) return `${k.name}: its argv (${JSON.stringify(k.argv)}) names no launcher`;
  if (!exists(launcher)) {
    return `${k.name}: its launcher ${launcher} does not exist (a moved or deleted clone${exists(path.resolve(launcher, '..', '..', '..')) ? '' : `: ${path.resolve(launcher, '..', '..', '..')} is gone`})`;
  }
  if (path.resolve(launcher) !== path.resolve(launcherOf(root))) {
    return `${k.name}: it runs another clone (${path.resolve(launcher, '..', '..', '..')}), not this one (${root})`;
  }
  if (!node || !exists(node)) return `${k.name}: its Node ${node ?? '(none)'} does not exist`;
  return null;
}

function kernelsCheck(e: DoctorEnvironment, python: string): DoctorCheck {
  const fix = `cd ${e.repoRoot} && npx nnlab kernels install`;
  let all: RegisteredKernel[];
  try {
    all = e.kernels(python);
  } catch (err) {
    return check('kernels', 'nnlab kernels', 'fail', `cannot list the kernels with ${python}: ${firstLine(err)}`, `${JUPYTER_FIX}; then ${fix}`);
  }
  const ours = Object.values(KERNEL_NAMES).map((name) => all.find((k) => k.name === name) ?? name);
  const problems = ours.map((k) => (typeof k === 'string' ? `${k}: not registered` : kernelProblem(k, e.repoRoot))).filter((p): p is string => p !== null);
  const details = { kernels: ours.map((k) => (typeof k === 'string' ? { name: k, dir: null, argv: null } : k)), launcher: launcherOf(e.repoRoot) };
  if (problems.length) return check('kernels', 'nnlab kernels', 'fail', problems.join('; '), fix, details);
  const dirs = [...new Set(ours.map((k) => path.dirname((k as RegisteredKernel).dir)))];
  return check('kernels', 'nnlab kernels', 'ok', `${Object.values(KERNEL_NAMES).join(', ')} in ${dirs.join(', ')}, running this clone`, null, details);
}

// ---- datasets, models, disk ---------------------------------------------------------------------

/** One dataset file as the doctor found it. */
export interface DoctorFile {
  file: string;
  status: 'verified' | 'present' | 'corrupt' | 'partial' | 'missing';
  where: 'cache' | 'mirror' | null;
  path: string | null;
  size: number;
  note: string | null;
}

/** Where a dataset file may be: the cache first, then the mirror folder. */
function locations(e: DoctorEnvironment, name: string, rel: string): { where: 'cache' | 'mirror'; path: string }[] {
  const mirror = e.env.NNLAB_DATA_MIRROR ?? '';
  return [
    { where: 'cache', path: path.join(dataDir(e.env), name, rel) },
    ...(mirror && !isUrl(mirror) ? mirrorCandidates(path.resolve(mirror), name, rel).map((p) => ({ where: 'mirror' as const, path: p })) : []),
  ];
}

async function inspectFile(e: DoctorEnvironment, name: string, rel: string, quick: boolean): Promise<DoctorFile> {
  const spec = datasetSpec(name).files[path.basename(rel)];
  for (const loc of locations(e, name, rel)) {
    if (!fs.existsSync(loc.path)) continue;
    const base = { file: rel, where: loc.where, path: loc.path, size: spec.size };
    if (quick) {
      const size = fs.statSync(loc.path).size;
      return size === spec.size ? { ...base, status: 'present', note: 'size only (--quick)' }
        : { ...base, status: 'corrupt', note: `expected ${spec.size} bytes, got ${size}` };
    }
    const mismatch = checksumMismatch(spec, await e.hash(loc.path));
    return { ...base, status: mismatch ? 'corrupt' : 'verified', note: mismatch };
  }
  const partial = locations(e, name, `${rel}.partial`).find((l) => fs.existsSync(l.path));
  if (partial) return { file: rel, status: 'partial', where: partial.where, path: partial.path, size: spec.size, note: `only a truncated copy, ${fs.statSync(partial.path).size} of ${spec.size} bytes` };
  return { file: rel, status: 'missing', where: null, path: null, size: spec.size, note: null };
}

/** The files of a dataset the doctor looks at: the split files, and CIFAR-10's archive where the batches are not extracted. */
async function inspectDataset(e: DoctorEnvironment, name: string, quick: boolean): Promise<DoctorFile[]> {
  const files: DoctorFile[] = [];
  for (const rel of filesOf(name)) files.push(await inspectFile(e, name, rel, quick));
  const archive = datasetSpec(name).archive;
  if (archive && files.some((f) => f.status === 'missing')) {
    const a = await inspectFile(e, name, archive.file, quick);
    if (a.status === 'verified' || a.status === 'present') {
      return files.map((f) => (f.status === 'missing' ? { ...f, status: a.status, where: a.where, path: a.path, note: `in ${archive.file} (extracted on first use)` } : f));
    }
    if (a.status !== 'missing') files.push(a); // a corrupt or truncated archive is what to fix
  }
  return files;
}

async function dataChecks(e: DoctorEnvironment, quick: boolean): Promise<DoctorCheck[]> {
  const offline = ['1', 'true', 'yes'].includes((e.env.NNLAB_DATA_OFFLINE ?? '').toLowerCase());
  const mirror = e.env.NNLAB_DATA_MIRROR || null;
  const checks: DoctorCheck[] = [];
  for (const name of datasetNames()) {
    const files = await inspectDataset(e, name, quick);
    const count = (s: DoctorFile['status']) => files.filter((f) => f.status === s);
    const id = `data:${name}`;
    const details = { cache: path.join(dataDir(e.env), name), mirror, offline, files };
    const fetch = `npx nnlab data fetch ${name}`;
    const corrupt = count('corrupt');
    if (corrupt.length) {
      const inCache = corrupt.filter((f) => f.where === 'cache');
      const fix = inCache.length
        ? `rm ${inCache.map((f) => f.path).join(' ')} && ${fetch}`
        : `replace ${corrupt.map((f) => f.path).join(', ')} in the mirror with the official file${corrupt.length > 1 ? 's' : ''} (or unset NNLAB_DATA_MIRROR and ${fetch})`;
      checks.push(check(id, name, 'fail', `${corrupt.length} corrupt file${corrupt.length > 1 ? 's' : ''}: ${corrupt.map((f) => `${f.path} (${f.note})`).join('; ')}`, fix, details));
      continue;
    }
    const good = files.filter((f) => f.status === 'verified' || f.status === 'present');
    const missing = count('missing');
    const partial = count('partial');
    const how = quick ? 'sizes match (checksums skipped: --quick)' : 'checksums verified';
    if (!missing.length && !partial.length) {
      checks.push(check(id, name, 'ok', `${good.length} file${good.length > 1 ? 's' : ''} present, ${how} (in the ${[...new Set(good.map((f) => f.where))].join(' and the ')})`, null, details));
      continue;
    }
    const parts = [`${good.length} of ${files.length} files present`];
    if (partial.length) parts.push(`truncated: ${partial.map((f) => f.file).join(', ')} (lessons use the complete images in them)`);
    if (missing.length) parts.push(`missing: ${missing.map((f) => f.file).join(', ')}`);
    const cannotFetch = missing.length > 0 && offline;
    const fix = !offline ? `${fetch} (downloads from the official sites)`
      : cannotFetch ? `copy the official files into a folder and export NNLAB_DATA_MIRROR=/that/folder (see datasets/README.md), then ${fetch}`
        : `NNLAB_DATA_OFFLINE=0 ${fetch} (needs internet), or put the complete files into the mirror ${mirror ?? ''}`.trimEnd();
    checks.push(check(id, name, cannotFetch ? 'fail' : 'warn', parts.join('; ') + (cannotFetch ? '; offline (NNLAB_DATA_OFFLINE=1), so a lesson cannot fetch them' : ''), fix, details));
  }
  return checks;
}

function modelsCheck(e: DoctorEnvironment): DoctorCheck {
  const zoo = modelDir(e.env);
  const entries = Object.values(MODEL_ZOO).map((entry) => {
    const meta = savedNnlabMetadata(path.join(zoo, entry.name));
    const state = meta === null ? 'missing' : meta.revision === entry.revision ? 'built' : 'stale';
    return { name: entry.name, state, revision: entry.revision, saved: meta?.revision ?? null };
  });
  const folders = (dir: string) => { try { return fs.readdirSync(dir).filter((n) => fs.existsSync(path.join(dir, n, 'model.json'))); } catch { return []; } };
  const urlModels = folders(path.join(zoo, 'url')).length;
  const saved = folders(zoo);
  const details = { dir: zoo, models: entries, saved, urlModels };
  const notBuilt = entries.filter((x) => x.state !== 'built');
  const others = saved.filter((n) => !MODEL_ZOO[n]);
  const cached = (others.length ? `; also saved there: ${others.join(', ')}` : '') +
    (urlModels ? `; ${urlModels} model${urlModels > 1 ? 's' : ''} cached from URLs` : '');
  if (!notBuilt.length) return check('models', 'model zoo', 'ok', `${entries.map((x) => x.name).join(', ')} built in ${zoo}${cached}`, null, details);
  return check('models', 'model zoo', 'warn',
    `${notBuilt.map((x) => `${x.name} ${x.state === 'stale' ? `is an older revision (${x.saved}, now ${x.revision})` : 'is not built'}`).join('; ')} ` +
    `in ${zoo} (lesson 10 trains it on first use, a few minutes)${cached}`,
    notBuilt.map((x) => `npx nnlab zoo build ${x.name}`).join(' && '), details);
}

/** The nearest folder of `p` that exists (the cache may not exist yet). */
function existingAncestor(p: string): string {
  let dir = path.resolve(p);
  while (!fs.existsSync(dir) && path.dirname(dir) !== dir) dir = path.dirname(dir);
  return dir;
}

function diskCheck(e: DoctorEnvironment): DoctorCheck {
  const cache = dataDir(e.env);
  const where = existingAncestor(cache);
  const free = e.freeBytes(where);
  const need = datasetNames().reduce((sum, name) => {
    const spec = datasetSpec(name);
    const here = (rel: string) => locations(e, name, rel).some((l) => fs.existsSync(l.path));
    return sum + filesOf(name).reduce((s, rel) => s + (here(rel) ? 0 : spec.files[path.basename(rel)].size), 0);
  }, 0);
  const details = { cache, filesystemOf: where, freeBytes: free, datasetsNeedBytes: need, warnBelow: DISK_WARN_BYTES, failBelow: DISK_FAIL_BYTES };
  const reason = `${formatBytes(free)} free for ${cache}; the datasets not yet here (cache or mirror) need ${formatBytes(need)}`;
  const fix = `free space on ${where}, or export NNLAB_DATA_DIR=/a/folder/with/space`;
  if (free < DISK_FAIL_BYTES) return check('disk', 'disk space', 'fail', `only ${reason} (under ${formatBytes(DISK_FAIL_BYTES)})`, fix, details);
  if (free < DISK_WARN_BYTES || free < need) return check('disk', 'disk space', 'warn', `only ${reason} (under ${formatBytes(DISK_WARN_BYTES)}, or less than the datasets need)`, fix, details);
  return check('disk', 'disk space', 'ok', reason, null, details);
}

/** Bytes in the largest unit under 1024 (GB, MB, kB), one decimal. */
export function formatBytes(n: number): string {
  if (n >= GB) return `${(n / GB).toFixed(1)} GB`;
  if (n >= MB) return `${(n / MB).toFixed(1)} MB`;
  return `${(n / 1024).toFixed(1)} kB`;
}
