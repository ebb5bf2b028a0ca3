/**
 * The real backend probes behind {@link useDevice}: how to find each TensorFlow.js backend on this
 * machine and switch to it. Optional packages are loaded only here, dynamically, so an install
 * without them works.
 *
 * Measured facts this relies on (../shared/FINDINGS.md):
 * - `@tensorflow/tfjs-node(-gpu)` download libtensorflow at install time and are not installed by
 *   default. danfojs-node's install aliases `@tensorflow/tfjs-node` to plain `@tensorflow/tfjs`
 *   (package.json overrides), and npm may hoist that alias to the top: a package named
 *   `@tensorflow/tfjs-node` whose package.json says `@tensorflow/tfjs` is not the native backend.
 * - WebGPU in Node needs the `webgpu` package's globals and `navigator.gpu` before
 *   `@tensorflow/tfjs-backend-webgpu` is loaded (it registers only if `navigator.gpu` exists).
 *   `requestAdapter()` resolves to null, quickly, where Dawn finds no usable GPU.
 * - Where no Vulkan driver exists, Dawn prints "Warning: vkCreateInstance: Found no drivers!" to
 *   file descriptor 2 from native code (process.stderr never sees it), so the adapter is first
 *   asked for in a child process whose stderr is captured (`probeAdapterInChild`, ~0.1 s).
 */
import { execFile } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-wasm';
import { envSwitch, firstLine } from '../core/errors';
import { withTimeout } from '../core/timeout';
import type { BackendProbe, CandidateId, ProbeResult } from './device';
import { registerWasmKernelOverrides, unregisterWasmKernelOverrides, WASM_GRADIENT_OVERRIDES } from './wasm/kernels';
import { initWasmBackend, resolveWasmThreads, WasmThreadsRequest } from './wasm/threads';

/** How the wasm backend is started: nnlab's performance layer, on by default. */
export interface WasmLayerOptions {
  /**
   * nnlab's wasm kernel overrides (fast transposed products, conv gradients): default true, or
   * false with NNLAB_WASM_KERNELS=0 (stock tfjs, for comparisons).
   */
  kernels?: boolean;
  /** XNNPACK threads: an integer in [1, 8] or 'auto' (default: NNLAB_WASM_THREADS, else 'auto', with threads per operation). */
  threads?: WasmThreadsRequest;
}

const TFJS_VERSION = tf.version.tfjs;
const ADAPTER_TIMEOUT_MS = 20_000;

/** Resolves `pkg`'s package.json and returns its declared name, or null when not installed. */
export function installedPackageName(pkg: string, resolve: (id: string) => string = require.resolve): string | null {
  try {
    const file = resolve(`${pkg}/package.json`);
    return (JSON.parse(fs.readFileSync(file, 'utf8')) as { name?: string }).name ?? null;
  } catch {
    return null;
  }
}

/** Where an optional native package stands: the states {@link nativeInstallState} tells apart. */
export type NativeState =
  | { state: 'absent' }
  | { state: 'alias'; dir: string; name: string | null }
  | { state: 'no-binding'; dir: string }
  | { state: 'load-error'; dir: string; binding: string; error: string }
  | { state: 'loaded'; dir: string; binding: string };

/** What {@link nativeInstallState} reads; tests pass fakes (a temp folder, a loader that throws). */
export interface NativeInstallView {
  resolve?: (id: string) => string;
  load?: (pkg: string) => unknown;
}

/**
 * How an optional native package (`@tensorflow/tfjs-node`, `-gpu`) is installed, without guessing
 * from one error: absent; an alias of plain tfjs under its name (danfojs-node's override, hoisted
 * by npm); present without its native library `lib/napi-v* /tfjs_binding.node` (npm 11 blocks the
 * install script that fetches it); a binding that fails to load (an N-API or glibc mismatch: the
 * loader's first line); or loaded.
 *
 * @example
 * const s = nn.engine.nativeInstallState('@tensorflow/tfjs-node');
 * s.state   // 'absent' on a default install; 'no-binding' after a plain `npm i` under npm 11
 */
export function nativeInstallState(pkg: string, view: NativeInstallView = {}): NativeState {
  const resolve = view.resolve ?? require.resolve;
  let file: string;
  try {
    file = resolve(`${pkg}/package.json`);
  } catch {
    return { state: 'absent' };
  }
  const dir = path.dirname(file);
  let name: string | null = null;
  try {
    name = (JSON.parse(fs.readFileSync(file, 'utf8')) as { name?: string }).name ?? null;
  } catch { /* unreadable: not the package */ }
  if (name !== pkg) return { state: 'alias', dir, name };
  const binding = findBinding(dir);
  if (!binding) return { state: 'no-binding', dir };
  try {
    (view.load ?? require)(pkg);
  } catch (err) {
    return { state: 'load-error', dir, binding, error: firstLine(err) };
  }
  return { state: 'loaded', dir, binding };
}

/** `lib/napi-v<N>/tfjs_binding.node` under a tfjs-node folder, the highest N first; null when none. */
function findBinding(dir: string): string | null {
  let entries: string[];
  try {
    entries = fs.readdirSync(path.join(dir, 'lib'));
  } catch {
    return null;
  }
  const napi = entries.filter((e) => /^napi-v\d+$/.test(e)).sort((a, b) => Number(b.slice(6)) - Number(a.slice(6)));
  for (const e of napi) {
    const file = path.join(dir, 'lib', e, 'tfjs_binding.node');
    if (fs.existsSync(file)) return file;
  }
  return null;
}

function nativeProbe(pkg: '@tensorflow/tfjs-node' | '@tensorflow/tfjs-node-gpu', kind: 'cpu' | 'gpu', view: NativeInstallView = {}): BackendProbe {
  const install = `npm i ${pkg}@${TFJS_VERSION}` + (kind === 'gpu' ? ' (Linux x86-64 with CUDA 11.8 and cuDNN 8.6)' : '');
  return {
    id: kind === 'gpu' ? 'tfjs-node-gpu' : 'tfjs-node',
    kind,
    async probe(): Promise<ProbeResult> {
      const s = nativeInstallState(pkg, view);
      if (s.state === 'absent' || s.state === 'alias') {
        return {
          available: false,
          detail: `${pkg} is not installed` + (s.state === 'alias' ? ` (${s.dir} is ${s.name ?? 'another package'} under its name)` : ''),
          hint: `native backend not installed: \`${install}\` for more speed`,
          problem: 'not-installed',
        };
      }
      if (s.state === 'no-binding') {
        return {
          available: false,
          detail: `${pkg} is installed without its native library (no lib/napi-v*/tfjs_binding.node in ${s.dir}: npm 11 blocked its install script)`,
          hint: `\`npm install-scripts approve ${pkg} && npm rebuild ${pkg}\` (needs internet)`,
          problem: 'no-binding',
        };
      }
      if (s.state === 'load-error') {
        return {
          available: false, detail: `${pkg} is installed but does not load: ${s.error}`,
          hint: `rebuild it for this Node: \`npm rebuild ${pkg}\`, else reinstall: \`${install}\``, problem: 'load-error',
        };
      }
      if (!tf.findBackendFactory('tensorflow')) {
        return {
          available: false,
          detail: `${pkg} loaded but registered with another copy of tfjs-core; install the version that matches @tensorflow/tfjs ${TFJS_VERSION}`,
          hint: install,
          problem: 'other-core',
        };
      }
      return { available: true, detail: `native TensorFlow (${pkg})` };
    },
    async activate(): Promise<string> {
      await setBackendOrThrow('tensorflow');
      return `native TensorFlow via ${pkg}`;
    },
  };
}

interface GpuAdapterLike { info?: { vendor?: string; architecture?: string; device?: string; description?: string; isFallbackAdapter?: boolean } }
interface GpuLike { requestAdapter(opts?: object): Promise<GpuAdapterLike | null> }

const SOFTWARE_ADAPTERS = /swiftshader|llvmpipe|lavapipe|softpipe|microsoft basic render|warp/i;

/** A readable adapter name and whether it is a software rasteriser, from GPUAdapterInfo. */
export function describeAdapter(info: GpuAdapterLike['info']): { name: string; software: boolean } {
  const i = info ?? {};
  const name = i.description || [i.vendor, i.architecture, i.device].filter(Boolean).join(' ') || 'unknown adapter';
  const software = Boolean(i.isFallbackAdapter) || SOFTWARE_ADAPTERS.test(`${name} ${i.architecture ?? ''} ${i.device ?? ''}`);
  return { name, software };
}


function webgpuProbe(): BackendProbe {
  let adapterName = '';
  return {
    id: 'webgpu',
    kind: 'gpu',
    async probe(): Promise<ProbeResult> {
      const quiet = hasNodeGpu() ? null : await probeAdapterInChild();
      if (quiet && 'loadError' in quiet) {
        return {
          available: false,
          detail: `the optional package "webgpu" does not load (${quiet.loadError})`,
          hint: `npm i webgpu@0.6.2 @tensorflow/tfjs-backend-webgpu@${TFJS_VERSION}`,
          problem: 'no-package',
        };
      }
      if (quiet && !quiet.adapter) return noAdapter(quiet.dawn);
      let gpu: GpuLike;
      try {
        gpu = nodeGpu();
      } catch (err) {
        return {
          available: false,
          detail: `the optional package "webgpu" does not load (${firstLine(err)})`,
          hint: `npm i webgpu@0.6.2 @tensorflow/tfjs-backend-webgpu@${TFJS_VERSION}`,
          problem: 'no-package',
        };
      }
      let adapter: GpuAdapterLike | null;
      try {
        adapter = await withTimeout(gpu.requestAdapter({ powerPreference: 'high-performance' }), ADAPTER_TIMEOUT_MS, 'navigator.gpu.requestAdapter() did not answer');
      } catch (err) {
        return { available: false, detail: `WebGPU adapter request failed: ${firstLine(err)}`, problem: 'adapter-error' };
      }
      if (!adapter) return noAdapter([]);
      const { name, software } = describeAdapter(adapter.info);
      adapterName = name;
      return { available: true, detail: `WebGPU adapter "${name}"`, software };
    },
    async activate(): Promise<string> {
      try {
        require('@tensorflow/tfjs-backend-webgpu');
      } catch (err) {
        throw new Error(`@tensorflow/tfjs-backend-webgpu does not load: ${firstLine(err)}`);
      }
      await setBackendOrThrow('webgpu');
      return `WebGPU on ${adapterName}`;
    },
  };
}

/** No adapter: what Dawn said (its warnings, rephrased), and what is needed. */
function noAdapter(dawn: string[]): ProbeResult {
  const said = dawn.length ? `; Dawn says "${dawn.join('; ')}"` : '';
  return {
    available: false,
    detail: `no WebGPU adapter (Dawn found no usable Vulkan, Metal or D3D12 GPU${said})`,
    hint: 'on Linux, a GPU driver with Vulkan support and libvulkan1 are needed',
    problem: 'no-adapter',
  };
}

/** Dawn's warnings from its stderr, one line each, without "Warning:", stack lines or build paths. */
function dawnWarnings(stderr: string): string[] {
  return stderr.split('\n').map((l) => l.trim()).filter((l) => /^Warning:/.test(l))
    .map((l) => l.replace(/^Warning:\s*/, '')).filter((l, i, all) => l && all.indexOf(l) === i);
}

// Run by a child `node -e`: loads the webgpu package (path in argv), asks for an adapter, prints JSON.
const CHILD_PROBE = `
const w = require(process.argv[1]);
Object.assign(globalThis, w.globals);
const done = (r) => { process.stdout.write(JSON.stringify(r)); process.exit(0); };
w.create([]).requestAdapter({ powerPreference: 'high-performance' })
  .then((a) => done({ adapter: Boolean(a) }), (e) => done({ error: String((e && e.message) || e) }));`;

/**
 * Asks Dawn for an adapter in a child process whose stderr is captured (~0.1 s). Where no GPU
 * driver exists, Dawn and the Vulkan loader write "Warning: vkCreateInstance: Found no drivers!"
 * (with a source path from the package's build machine) straight to file descriptor 2, where no
 * JavaScript can catch it; asking in a child keeps that noise out of a notebook or a terminal and
 * turns it into the probe's detail. The parent creates its own instance only where an adapter
 * exists. Null when the child cannot run (then the parent asks itself, noise and all).
 */
async function probeAdapterInChild(): Promise<{ adapter: boolean; dawn: string[] } | { loadError: string } | null> {
  let pkg: string;
  try {
    pkg = require.resolve('webgpu');
  } catch (err) {
    return { loadError: firstLine(err) };
  }
  const r = await new Promise<{ stdout: string; stderr: string } | null>((resolve) => {
    execFile(process.execPath, ['-e', CHILD_PROBE, pkg], { timeout: ADAPTER_TIMEOUT_MS, encoding: 'utf8' },
      (err, stdout, stderr) => resolve(err && !stdout ? null : { stdout, stderr }));
  });
  if (!r) return null;
  try {
    const answer = JSON.parse(r.stdout) as { adapter?: boolean; error?: string };
    if (answer.error !== undefined) return null; // the request failed: the parent asks again and reports it
    return { adapter: answer.adapter === true, dawn: dawnWarnings(r.stderr) };
  } catch {
    return null;
  }
}

function hasNodeGpu(): boolean {
  return Boolean((globalThis as unknown as { navigator?: { gpu?: GpuLike } }).navigator?.gpu);
}

/** `navigator.gpu` in Node, from the `webgpu` package (Dawn); sets the WebGPU globals once. */
function nodeGpu(): GpuLike {
  const g = globalThis as unknown as { navigator?: { gpu?: GpuLike } };
  if (g.navigator?.gpu) return g.navigator.gpu;
  // eslint-disable-next-line @typescript-eslint/no-var-requires
  const webgpu = require('webgpu') as { create(flags: string[]): GpuLike; globals: Record<string, unknown> };
  Object.assign(globalThis, webgpu.globals);
  const gpu = webgpu.create([]);
  if (g.navigator) {
    Object.defineProperty(g.navigator, 'gpu', { value: gpu, configurable: true });
  } else {
    g.navigator = { gpu };
  }
  return gpu;
}

/** Whether the kernel overrides are on: the option, else NNLAB_WASM_KERNELS (default on). */
export function wasmKernelsWanted(opt: boolean | undefined, env: Record<string, string | undefined> = process.env): boolean {
  return opt ?? envSwitch('NNLAB_WASM_KERNELS', env);
}

function wasmProbe(layer: WasmLayerOptions): BackendProbe {
  // Settings are checked here, before the walk: a bad NNLAB_WASM_* value is the user's error to
  // see, not a backend failure to fall back from.
  const useKernels = wasmKernelsWanted(layer.kernels);
  resolveWasmThreads(layer.threads);
  return {
    id: 'wasm',
    kind: 'cpu',
    async probe(): Promise<ProbeResult> {
      return tf.findBackendFactory('wasm')
        ? { available: true, detail: 'WebAssembly (XNNPACK)' }
        : { available: false, detail: '@tensorflow/tfjs-backend-wasm did not register' };
    },
    async activate() {
      const kernels = useKernels ? registerWasmKernelOverrides() : (unregisterWasmKernelOverrides(), []);
      const threads = await initWasmBackend({ threads: layer.threads });
      if (tf.getBackend() !== 'wasm') throw new Error(`the wasm backend did not start (${threads.reason})`);
      const simd = Boolean(await tf.env().getAsync('WASM_HAS_SIMD_SUPPORT'));
      const description = `${simd ? 'SIMD' : 'no SIMD'}, ${threads.threads} thread${threads.threads === 1 ? '' : 's'}` +
        `${threads.perOp ? ' per op' : ''}, ${kernels.length ? 'nnlab kernels' : 'stock kernels'}`;
      const { meta: _timing, ...threadInfo } = threads; // timing stays out of the report: same setup, same report
      const gradients = useKernels ? [...WASM_GRADIENT_OVERRIDES] : [];
      return { description, details: { wasm: { threads: threadInfo, kernels, gradients } } };
    },
  };
}

function cpuProbe(): BackendProbe {
  return {
    id: 'cpu',
    kind: 'cpu',
    async probe(): Promise<ProbeResult> {
      return { available: true, detail: 'plain JavaScript' };
    },
    async activate(): Promise<string> {
      await setBackendOrThrow('cpu');
      return 'plain JavaScript, the slowest: a reference, not for training';
    },
  };
}

async function setBackendOrThrow(name: string): Promise<void> {
  let ok = false;
  let why = '';
  try {
    ok = await tf.setBackend(name);
  } catch (err) {
    why = `: ${firstLine(err)}`;
  }
  if (!ok) {
    // tfjs keeps a backend whose init failed as the current one; remove it so that the next
    // candidate (and any op in between) does not run into it.
    tf.removeBackend(name);
    throw new Error(`tf.setBackend('${name}') failed${why}`);
  }
}


/** The real probes, in no particular order (the chain in ./device decides the order). */
export function realBackends(layer: WasmLayerOptions = {}): BackendProbe[] {
  return (['tfjs-node-gpu', 'tfjs-node', 'webgpu', 'wasm', 'cpu'] as const).map((id) => realProbe(id, layer));
}

/**
 * One real probe by its id, without building the others (`nnlab doctor` asks each backend in turn).
 * `native` replaces how the native packages are found and loaded (tests point it at a temp folder).
 *
 * @example
 * const found = await nn.engine.realProbe('webgpu').probe();
 * found.available   // false where Dawn finds no Vulkan, Metal or D3D12 adapter
 */
export function realProbe(id: CandidateId, layer: WasmLayerOptions = {}, native: NativeInstallView = {}): BackendProbe {
  switch (id) {
    case 'tfjs-node-gpu': return nativeProbe('@tensorflow/tfjs-node-gpu', 'gpu', native);
    case 'tfjs-node': return nativeProbe('@tensorflow/tfjs-node', 'cpu', native);
    case 'webgpu': return webgpuProbe();
    case 'wasm': return wasmProbe(layer);
    default: return cpuProbe();
  }
}
