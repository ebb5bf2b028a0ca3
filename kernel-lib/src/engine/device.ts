/**
 * Device selection: which TensorFlow.js backend runs the lessons, and why.
 *
 * The chain, first available wins:
 *   gpu:  tfjs-node-gpu (CUDA) -> WebGPU (the `webgpu` package: Dawn on Vulkan, Metal or D3D12)
 *         -> the cpu chain, with a message saying why there is no GPU
 *   cpu:  tfjs-node (native TensorFlow) -> wasm (XNNPACK, SIMD) -> cpu (plain JavaScript)
 *   auto: tfjs-node-gpu -> tfjs-node -> WebGPU on a hardware adapter -> wasm -> cpu
 *
 * The request comes from the argument, else `NNLAB_DEVICE` (the two nnlab Jupyter kernels set it
 * to `cpu` and `gpu`), else `auto`. A software GPU adapter (SwiftShader, llvmpipe) is used when
 * `gpu` is asked for, and named as software in the report: correct but slow.
 *
 * Selection is a pure walk over {@link BackendProbe}s, so it is unit-tested with fake
 * availability; the real probes live in ./backends.
 *
 * @example
 * const report = await nn.useDevice('gpu');
 * // prints e.g. "nnlab device: webgpu on SwiftShader driver 5.0.0 (software GPU: correct but slow)"
 */
import * as tf from '@tensorflow/tfjs';
import { ArgumentError, checkOneOf, firstLine } from '../core/errors';
import { VERSION } from '../core/version';
import type { ParsedArgs } from '../core/args';
import { out } from '../core/command';
import type { WasmLayerOptions } from './backends';

export const DEVICE_REQUESTS = ['auto', 'cpu', 'gpu'] as const;
/** What a user asks for. */
export type DeviceRequest = typeof DEVICE_REQUESTS[number];

/** The backends nnlab knows, in the vocabulary of their npm packages. */
export type CandidateId = 'tfjs-node-gpu' | 'tfjs-node' | 'webgpu' | 'wasm' | 'cpu';

/** What a probe found out about one backend, without switching to it. */
export interface ProbeResult {
  available: boolean;
  /** Why it is not available, or a description of what was found (adapter, SIMD...). */
  detail: string;
  /** True for a software GPU adapter (SwiftShader, llvmpipe, WARP). */
  software?: boolean;
  /** How to get this backend when it is missing (an install command, an env variable). */
  hint?: string;
  /**
   * Why it is missing, as a code `nnlab doctor` turns into a status and a fix: 'not-installed',
   * 'no-binding' (a native package without its library), 'load-error', 'other-core',
   * 'no-package' (the optional `webgpu` package), 'no-adapter', 'adapter-error'.
   */
  problem?: 'not-installed' | 'no-binding' | 'load-error' | 'other-core' | 'no-package' | 'no-adapter' | 'adapter-error';
}

/** One backend: how to look for it and how to switch tfjs to it. */
export interface BackendProbe {
  id: CandidateId;
  kind: 'cpu' | 'gpu';
  /** Looks for the backend; never throws (a failure is `available: false`). */
  probe(): Promise<ProbeResult>;
  /**
   * Switches tfjs to the backend; resolves to a description (e.g. "SIMD, 1 thread"), or to a
   * description and plain-JSON details for the report.
   */
  activate(): Promise<string | { description: string; details?: Record<string, unknown> }>;
}

/** One step of the walk down the chain. */
export interface DeviceAttempt {
  candidate: CandidateId;
  outcome: 'selected' | 'unavailable' | 'failed' | 'skipped';
  detail: string;
}

/** What {@link useDevice} chose, as plain JSON (also `nnlab device --json`). */
export interface DeviceReport {
  requested: DeviceRequest;
  /** Where the request came from. */
  source: 'argument' | 'NNLAB_DEVICE' | 'default';
  /** The chosen candidate and the tfjs backend name it runs as (`tf.getBackend()`). */
  candidate: CandidateId;
  backend: string;
  device: 'cpu' | 'gpu';
  software: boolean;
  /** What is running: "SIMD, 1 thread", an adapter name... */
  description: string;
  /** True when a GPU was asked for and the CPU chain runs instead. */
  fellBack: boolean;
  attempts: DeviceAttempt[];
  /** How to get more speed, when there is an obvious next step. */
  hint: string | null;
  /** Backend-specific facts, plain JSON (wasm: threads and kernel overrides). */
  details: Record<string, unknown>;
  /** The one-line report that useDevice prints. */
  summary: string;
  versions: { nnlab: string; tfjs: string; node: string };
}

export interface UseDeviceOptions {
  /** Print the one-line summary (default true). */
  print?: boolean;
  /** The probes to walk (tests inject fakes; default: the real backends). */
  probes?: readonly BackendProbe[];
  /** Environment to read NNLAB_DEVICE from (default process.env). */
  env?: Record<string, string | undefined>;
  /** The wasm performance layer: kernel overrides and threads (defaults: on, 1 thread). */
  wasm?: WasmLayerOptions;
}

/** The order in which candidates are tried for each request. */
export const DEVICE_CHAINS: Record<DeviceRequest, readonly CandidateId[]> = {
  gpu: ['tfjs-node-gpu', 'webgpu', 'tfjs-node', 'wasm', 'cpu'],
  cpu: ['tfjs-node', 'wasm', 'cpu'],
  auto: ['tfjs-node-gpu', 'tfjs-node', 'webgpu', 'wasm', 'cpu'],
};

/**
 * Resolves the request: argument, else NNLAB_DEVICE, else 'auto'. Validates both.
 *
 * @example
 * nn.engine.resolveRequest('cpu')                             // { requested: 'cpu', source: 'argument' }
 * nn.engine.resolveRequest(undefined, { NNLAB_DEVICE: 'gpu' }) // { requested: 'gpu', source: 'NNLAB_DEVICE' }
 * nn.engine.resolveRequest(undefined, {})                      // { requested: 'auto', source: 'default' }
 */
export function resolveRequest(request: unknown, env: Record<string, string | undefined> = process.env):
  { requested: DeviceRequest; source: DeviceReport['source'] } {
  if (request !== undefined) {
    return { requested: checkOneOf('device', request, DEVICE_REQUESTS), source: 'argument' };
  }
  const fromEnv = env.NNLAB_DEVICE;
  if (fromEnv !== undefined && fromEnv.trim() !== '') {
    return { requested: checkOneOf('NNLAB_DEVICE', fromEnv.trim().toLowerCase(), DEVICE_REQUESTS), source: 'NNLAB_DEVICE' };
  }
  return { requested: 'auto', source: 'default' };
}

/**
 * Walks the chain for `requested` over `probes` and switches tfjs to the first backend that is
 * available and activates. Pure apart from the probes' own effects.
 *
 * @example
 * // a fake chain with only the plain JavaScript backend (tests walk the chain this way)
 * const probes: nn.engine.BackendProbe[] = [{
 *   id: 'cpu', kind: 'cpu',
 *   probe: async () => ({ available: true, detail: 'plain JavaScript' }),
 *   activate: async () => { await tf.setBackend('cpu'); return 'plain JavaScript'; },
 * }];
 * const chosen = await nn.engine.selectDevice('gpu', probes);
 * chosen.candidate   // 'cpu'
 * chosen.fellBack    // true: a GPU was asked for and the CPU chain runs
 */
export async function selectDevice(requested: DeviceRequest, probes: readonly BackendProbe[]):
  Promise<Omit<DeviceReport, 'source' | 'summary' | 'versions' | 'hint'> & { hints: string[] }> {
  const attempts: DeviceAttempt[] = [];
  const hints: string[] = [];
  for (const id of DEVICE_CHAINS[requested]) {
    const backend = probes.find((p) => p.id === id);
    if (!backend) continue;
    const found = await backend.probe();
    if (!found.available) {
      attempts.push({ candidate: id, outcome: 'unavailable', detail: found.detail });
      if (found.hint) hints.push(found.hint);
      continue;
    }
    if (requested === 'auto' && backend.kind === 'gpu' && found.software) {
      attempts.push({ candidate: id, outcome: 'skipped', detail: `${found.detail}: a software adapter is slower than the CPU; ask for 'gpu' to use it anyway` });
      continue;
    }
    let description: string;
    let details: Record<string, unknown> = {};
    try {
      const activated = await backend.activate();
      description = typeof activated === 'string' ? activated : activated.description;
      details = typeof activated === 'string' ? {} : activated.details ?? {};
    } catch (err) {
      attempts.push({ candidate: id, outcome: 'failed', detail: firstLine(err) });
      continue;
    }
    attempts.push({ candidate: id, outcome: 'selected', detail: description });
    return {
      requested, candidate: id, backend: tf.getBackend(), device: backend.kind,
      software: Boolean(found.software), description, details,
      fellBack: requested === 'gpu' && backend.kind === 'cpu', attempts, hints,
    };
  }
  throw new Error(`no TensorFlow.js backend could be started for device "${requested}": ` +
    attempts.map((a) => `${a.candidate}: ${a.detail}`).join('; '));
}

let lastReport: DeviceReport | null = null;

/**
 * The report of the latest {@link useDevice} call in this process (what runs and why), or null
 * before the first call.
 *
 * @example
 * await nn.useDevice();
 * nn.deviceReport()?.backend   // 'wasm'
 */
export function deviceReport(): DeviceReport | null {
  return lastReport;
}

/** The one-line report: what runs, why, and the next step to more speed. */
export function summarize(r: Omit<DeviceReport, 'summary' | 'versions'>): string {
  const what = `${r.candidate === r.backend ? r.backend : `${r.candidate} (backend "${r.backend}")`}` +
    ` (${r.description})`;
  const parts = [`nnlab device: ${what}`];
  if (r.software) parts.push('software GPU: correct but slow');
  if (r.fellBack) {
    const why = r.attempts.filter((a) => a.outcome !== 'selected' && isGpu(a.candidate))
      .map((a) => `${a.candidate}: ${a.detail}`).join('; ');
    parts.push(`no GPU backend works here (${why}), running on the CPU`);
  }
  if (r.hint) parts.push(r.hint);
  return parts.join('; ');
}

function isGpu(id: CandidateId): boolean {
  return id === 'tfjs-node-gpu' || id === 'webgpu';
}

/**
 * Picks and starts the backend for `request` (or NNLAB_DEVICE, or 'auto'), prints a one-line
 * report and returns it. Asking for 'gpu' where none works falls back to the CPU chain with a
 * message; it never throws for lack of a GPU.
 *
 * @example
 * const report = await nn.useDevice('cpu');   // prints e.g. "nnlab device: wasm (SIMD, 2 threads per op, nnlab kernels) ..."
 * report.backend    // 'wasm' (or 'tensorflow' where tfjs-node is installed)
 * report.fellBack   // false: the CPU chain was asked for
 */
export async function useDevice(request?: DeviceRequest, options: UseDeviceOptions = {}): Promise<DeviceReport> {
  if (typeof request === 'object' && request !== null) {
    throw new ArgumentError('device', request, 'one of "auto", "cpu", "gpu" (options go second)');
  }
  const { requested, source } = resolveRequest(request, options.env);
  const probes = options.probes ?? (await import('./backends')).realBackends(options.wasm);
  const chosen = await selectDevice(requested, probes);
  const { hints, ...rest } = chosen;
  const hint = rest.candidate === 'wasm' || rest.candidate === 'cpu'
    ? hints.find((h) => h.includes('tfjs-node') && !h.includes('gpu')) ?? null
    : null;
  const partial = { ...rest, source, hint };
  const report: DeviceReport = {
    ...partial,
    summary: summarize(partial),
    versions: { nnlab: VERSION, tfjs: tf.version.tfjs, node: process.version },
  };
  if (options.print ?? true) console.log(report.summary);
  lastReport = report;
  return report;
}


/**
 * A CLI command's `run` for a lesson experiment: picks the backend as a notebook does
 * (NNLAB_DEVICE=cpu|gpu, else auto), prints its one-line summary unless `--json`, then prints
 * what `produce` returns. A string means exit status 0; `{ text, status }` sets the status (a
 * sanity check that failed is 1).
 *
 * @example
 * const command = {
 *   summary: 'say hello', usage: 'nnlab hello [--json]', spec: { flags: ['json'] },
 *   run: nn.runOnDevice(async (a) => (a.flags.has('json') ? '{"hello":1}' : 'hello')),
 * };
 */
export function runOnDevice(produce: (a: ParsedArgs) => Promise<string | { text: string; status: number }>): (a: ParsedArgs) => Promise<number> {
  return async (a) => {
    const device = await useDevice(undefined, { print: false });
    if (!a.flags.has('json')) out(device.summary);
    const result = await produce(a);
    if (typeof result === 'string') {
      out(result);
      return 0;
    }
    out(result.text);
    return result.status;
  };
}
