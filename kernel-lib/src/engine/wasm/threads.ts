/**
 * Threads for the wasm backend in Node: {@link initWasmBackend} starts tfjs's 'wasm' backend on
 * its threaded SIMD build, so XNNPACK's large products use every core instead of one. tfjs itself
 * runs one thread in Node; how we get past that is in ./threads-loader.ts (tfjs-backend-wasm
 * 4.22.0 exactly, pinned and tested).
 *
 * Measured on a 2-vCPU machine (../shared/FINDINGS.md): matMul 1024² ~2x faster with 2 threads
 * when the second core is idle, no faster when other processes keep it busy; results
 * bit-identical to one thread. Threads pay on large products; with the pool on for every op a
 * tiny model got slower (32-64-1, batch 64: 5.6 -> 7.5 ms per step). Since issue 25 the pool is
 * handed to an op only when its work is large enough (threads per operation, ./pool.ts), so the
 * default is 'auto' (the cores, at most 4); `threads` or `NNLAB_WASM_THREADS` choose another
 * count, `perOp: false` or `NNLAB_WASM_PER_OP=0` the old pool-for-every-op. Cost: init ~250 ms
 * instead of ~25 ms, RSS +21 MB for 2 threads.
 *
 * The thread count is fixed when the backend is created. If the wasm backend already runs in this
 * process, initWasmBackend says so in its reason and keeps it, unless `reinit: true` asks it to
 * re-create the backend (tf.removeBackend, then a new one), which it does only when no tensor
 * lives on the old backend.
 *
 * @example
 * const report = await initWasmBackend({ threads: 2 });
 * // { threads: 2, requested: 2, source: 'argument', build: 'threaded-simd',
 * //   reason: '2 threads (argument): threaded SIMD build, 1 pthread worker; products and convolutions from ...',
 * //   perOp: true, meta: { initMs: 180 } }
 */
import { availableCores } from '../../core/cores';
import * as os from 'os';
import * as tf from '@tensorflow/tfjs';
import { BackendWasm, version_wasm } from '@tensorflow/tfjs-backend-wasm';
import { ArgumentError, checkBoolean, checkKnownKeys, envSwitch, firstLine } from '../../core/errors';
import { createThreadedBackend, installedWasmVersion, keepingErrorListeners, MAX_WASM_THREADS, WASM_SHIM_VERSION } from './threads-loader';
import { backendThreads, ELEMENTWISE_MIN_VALUES, isPoolParked, parkPool, PRODUCT_MIN_FLOPS, registerWasmPoolKernels } from './pool';
import { heapMemory } from './tanh';

export { MAX_WASM_THREADS, WASM_SHIM_VERSION } from './threads-loader';

/** 'auto' uses the number of cores, at most this many: the gain beyond 4 is unmeasured here, and every thread is a worker. */
export const AUTO_MAX_WASM_THREADS = 4;

/** A thread count in [1, MAX_WASM_THREADS], or 'auto' (the cores, capped at AUTO_MAX_WASM_THREADS). */
export type WasmThreadsRequest = number | 'auto';

export interface WasmThreadsOptions {
  /** Threads for XNNPACK: an integer in [1, 8] or 'auto'. Default: `NNLAB_WASM_THREADS`, else 'auto'. */
  threads?: WasmThreadsRequest;
  /**
   * Threads per operation (./pool): only products, convolutions and large elementwise ops use the
   * threads, small ops run on one. Default: `NNLAB_WASM_PER_OP` (0 turns it off: every op uses
   * the pool, as tfjs does), else true.
   */
  perOp?: boolean;
  /** Re-create the wasm backend when it already runs with another thread count (default false). */
  reinit?: boolean;
  /** Environment to read NNLAB_WASM_THREADS and NNLAB_WASM_PER_OP from (default process.env). */
  env?: Record<string, string | undefined>;
}

export interface WasmThreadsReport {
  /** Threads the backend runs: tfjs-backend-wasm's getThreadsCount() after init (before parking). */
  threads: number;
  /** What was asked for, after reading the argument or NNLAB_WASM_THREADS. */
  requested: WasmThreadsRequest;
  source: 'argument' | 'NNLAB_WASM_THREADS' | 'default';
  /** The wasm binary that runs. */
  build: 'threaded-simd' | 'simd' | 'plain';
  /** One line: why this count, or why it fell back to 1. */
  reason: string;
  /** Threads per operation: true when only large ops use the threads (always false with 1 thread). */
  perOp: boolean;
  meta: { initMs: number };
}

const WASM_PRIORITY = 2; // the priority tfjs-backend-wasm registers 'wasm' with (dist/base.js)
const THREADS_ALLOWED = `an integer in [1, ${MAX_WASM_THREADS}] or "auto"`;
const THREADS_OPTIONS = ['threads', 'perOp', 'reinit', 'env'] as const;
const PER_OP_RULE = `products and convolutions from ${PRODUCT_MIN_FLOPS.toLocaleString('en-US')} FLOPs and ` +
  `elementwise ops from ${ELEMENTWISE_MIN_VALUES.toLocaleString('en-US')} values use them, smaller ops run on one`;

/** tfjs-backend-wasm's own factory, the single-threaded path (captured before we register ours). */
const stockFactory = tf.findBackendFactory('wasm') as () => Promise<BackendWasm>;

/**
 * The thread request resolved: argument, else NNLAB_WASM_THREADS, else 'auto' (the cores, at most 4). Pure.
 *
 * @example
 * nn.engine.resolveWasmThreads(2)                   // { requested: 2, source: 'argument', threads: 2, why: 'argument' }
 * nn.engine.resolveWasmThreads('auto', {}, 8)       // threads 4: 8 cores, at most 4
 * nn.engine.resolveWasmThreads(undefined, { NNLAB_WASM_THREADS: 'auto' }, 2).threads   // 2
 * nn.engine.resolveWasmThreads(undefined, {}, 2)    // { requested: 'auto', source: 'default', threads: 2, why: 'default, auto: 2 cores, at most 4' }
 */
export function resolveWasmThreads(request: unknown, env: Record<string, string | undefined> = process.env,
  cores: number = availableCores()):
  { requested: WasmThreadsRequest; source: WasmThreadsReport['source']; threads: number; why: string } {
  let requested: WasmThreadsRequest;
  let source: WasmThreadsReport['source'];
  const fromEnv = env.NNLAB_WASM_THREADS?.trim();
  if (request !== undefined) {
    requested = checkThreads('threads', request);
    source = 'argument';
  } else if (fromEnv) {
    const parsed = /^\d+$/.test(fromEnv) ? Number(fromEnv) : fromEnv.toLowerCase();
    if (parsed !== 'auto' && typeof parsed !== 'number') throw new ArgumentError('NNLAB_WASM_THREADS', fromEnv, THREADS_ALLOWED);
    requested = checkThreads('NNLAB_WASM_THREADS', parsed, fromEnv);
    source = 'NNLAB_WASM_THREADS';
  } else {
    // 'auto' by default since issue 25: with threads per operation (./pool) small ops run on one
    // thread, so the lessons' small models no longer pay for the threads that large ones use.
    requested = 'auto';
    source = 'default';
  }
  if (requested !== 'auto') return { requested, source, threads: requested, why: source };
  const threads = Math.max(1, Math.min(cores, AUTO_MAX_WASM_THREADS));
  const auto = `auto: ${cores} core${cores === 1 ? '' : 's'}, at most ${AUTO_MAX_WASM_THREADS}`;
  return { requested, source, threads, why: source === 'default' ? `default, ${auto}` : auto };
}

function checkThreads(name: string, value: unknown, shown: unknown = value): WasmThreadsRequest {
  const ok = value === 'auto' || (typeof value === 'number' && Number.isInteger(value) && value >= 1 && value <= MAX_WASM_THREADS);
  if (!ok) throw new ArgumentError(name, shown, THREADS_ALLOWED);
  return value as WasmThreadsRequest;
}

/**
 * Why the threaded build cannot run here, or null when it can: the pinned tfjs-backend-wasm
 * version, SharedArrayBuffer, shared wasm memory and SIMD (tfjs builds threads only with SIMD).
 */
export async function threadsUnavailableReason(): Promise<string | null> {
  const installed = installedWasmVersion();
  if (installed !== WASM_SHIM_VERSION || version_wasm !== WASM_SHIM_VERSION) {
    return `@tensorflow/tfjs-backend-wasm ${installed} (bundle ${version_wasm}) is not ${WASM_SHIM_VERSION}, the version the thread loader was written for`;
  }
  if (typeof SharedArrayBuffer !== 'function') return 'SharedArrayBuffer is not available in this runtime';
  try {
    new WebAssembly.Memory({ initial: 1, maximum: 1, shared: true });
  } catch {
    return 'this runtime cannot create shared WebAssembly memory';
  }
  if (!(await tf.env().getAsync('WASM_HAS_SIMD_SUPPORT'))) return 'no WebAssembly SIMD, and tfjs builds threads only with SIMD';
  return null;
}

let queue: Promise<unknown> = Promise.resolve();

/**
 * Starts tfjs's 'wasm' backend (and makes it the current one) with `threads` XNNPACK threads:
 * the threaded SIMD build when threads > 1, tfjs's own single-threaded build otherwise or when the
 * threaded one cannot run (the report's reason says why). Calls run one after another.
 *
 * @example
 * const { threads, build, reason } = await nn.engine.initWasmBackend({ threads: 'auto' }); // or NNLAB_WASM_THREADS=2
 * console.log(threads, build, reason); // e.g. 2 'threaded-simd' '2 threads (auto: 2 cores, at most 4): ...'; 1 and why where threads cannot run
 * console.log(tf.getBackend()); // 'wasm'
 */
export function initWasmBackend(options: WasmThreadsOptions = {}): Promise<WasmThreadsReport> {
  const run = queue.then(() => initSerially(options));
  queue = run.catch(() => undefined);
  return run;
}

async function initSerially(options: WasmThreadsOptions): Promise<WasmThreadsReport> {
  const start = performance.now();
  checkKnownKeys('initWasmBackend options', options, THREADS_OPTIONS);
  const reinit = options.reinit === undefined ? false : checkBoolean('reinit', options.reinit);
  const { requested, source, threads, why } = resolveWasmThreads(options.threads, options.env);
  const perOp = resolvePerOp(options.perOp, options.env ?? process.env);
  const done = async (reason: string): Promise<WasmThreadsReport> => ({
    threads: backendThreads(tf.engine().registry.wasm as BackendWasm), requested, source, build: await buildOf(), reason,
    perOp: isPoolParked(tf.engine().registry.wasm), meta: { initMs: Math.round(performance.now() - start) },
  });

  const kept = await keepExistingBackend(threads, reinit);
  if (kept) return done(kept);
  if (threads === 1) return done(await startStock(`1 thread (${why}): tfjs's single-threaded build`));
  const unavailable = await threadsUnavailableReason();
  if (unavailable) return done(await startStock(`fell back to 1 thread: ${unavailable}`));
  let backend: BackendWasm;
  let parked: string | null;
  try {
    backend = await createThreadedBackend(threads);
    parked = perOp ? parkPool(backend, heapMemory(backend), threads) : 'off (NNLAB_WASM_PER_OP=0 or perOp: false)';
  } catch (err) {
    return done(await startStock(`fell back to 1 thread: the threaded build did not start (${firstLine(err)})`));
  }
  if (parked !== null && source === 'default' && perOp) {
    // Without threads per operation, the lessons' small models run slower on threads: one thread.
    keepingErrorListeners(() => backend.dispose())();
    return done(await startStock(`1 thread: threads per operation are unavailable (${parked})`));
  }
  if (parked === null) registerWasmPoolKernels();
  const failed = await startThreaded(backend, threads, perOp);
  if (failed) return done(await startStock(`fell back to 1 thread: ${failed}`));
  const workers = `${threads - 1} pthread worker${threads === 2 ? '' : 's'}`;
  return done(`${threads} threads (${why}): threaded SIMD build, ${workers}; ` +
    (parked === null ? PER_OP_RULE : `every op uses them: threads per operation ${parked}`));
}

/** perOp resolved: the option, else NNLAB_WASM_PER_OP, else true. */
function resolvePerOp(option: unknown, env: Record<string, string | undefined>): boolean {
  return option !== undefined ? checkBoolean('perOp', option) : envSwitch('NNLAB_WASM_PER_OP', env);
}

/**
 * When a wasm backend already exists in this process: switches to it and returns the reason it
 * was kept, or removes it (reinit, no live tensors, another count) and returns null.
 */
async function keepExistingBackend(threads: number, reinit: boolean): Promise<string | null> {
  const existing = tf.engine().registry.wasm as BackendWasm | undefined;
  if (!existing) return null;
  const running = backendThreads(existing);
  const plural = `${running} thread${running === 1 ? '' : 's'}`;
  let reason: string | null = null;
  if (running === threads) {
    reason = `the wasm backend already runs with ${plural} in this process`;
  } else if (!reinit) {
    reason = `kept the wasm backend this process already started with ${plural}: the count is fixed at init (reinit: true re-creates it)`;
  } else if (existing.numDataIds() > 0) {
    const n = existing.numDataIds();
    reason = `kept the wasm backend with ${plural}: ${n === 1 ? '1 tensor still lives' : `${n} tensors still live`} on it; dispose ${n === 1 ? 'it' : 'them'} to re-init`;
  }
  if (reason !== null) {
    if (!(await tf.setBackend('wasm'))) throw new Error("tf.setBackend('wasm') failed on the existing wasm backend");
    return reason;
  }
  // Disposes it (terminating its pthreads) and drops its factory; keepingErrorListeners guards
  // against stock tfjs's dispose, which removes the process's error listeners (attachTfjsApi).
  keepingErrorListeners(() => tf.removeBackend('wasm'))();
  return null;
}

/**
 * Registers a 'wasm' factory that hands tfjs our threaded `backend` and switches to it. Returns
 * null, or why it failed (after removing the backend again, terminating its workers). Should tfjs
 * ever call the factory a second time (after `tf.engine().reset()`), it builds a new threaded
 * backend, or tfjs's single-threaded one when that fails.
 */
async function startThreaded(backend: BackendWasm, threads: number, perOp: boolean): Promise<string | null> {
  let prebuilt: BackendWasm | null = backend;
  registerWasmFactory(() => {
    if (prebuilt === null) {
      return createThreadedBackend(threads).then((b) => {
        if (perOp) parkPool(b, heapMemory(b), threads);
        return b;
      }).catch(() => stockFactory());
    }
    const b = prebuilt;
    prebuilt = null;
    return b;
  });
  let failure: string | null = null;
  try {
    if (!(await tf.setBackend('wasm'))) failure = "tf.setBackend('wasm') returned false on the threaded backend";
  } catch (err) {
    failure = `tf.setBackend('wasm') failed on the threaded backend (${firstLine(err)})`;
  }
  if (failure !== null) {
    if (tf.engine().registry.wasm) tf.removeBackend('wasm'); // disposes it, terminating its workers
    else backend.dispose();
    registerWasmFactory(stockFactory);
  }
  return failure;
}

/** Switches to tfjs's own wasm backend (1 thread in Node); returns `reason`. */
async function startStock(reason: string): Promise<string> {
  if (!stockFactory) throw new Error(`@tensorflow/tfjs-backend-wasm registered no 'wasm' backend before nnlab loaded; ${reason}`);
  if (tf.findBackendFactory('wasm') !== stockFactory) registerWasmFactory(stockFactory);
  if (!(await tf.setBackend('wasm'))) throw new Error(`tf.setBackend('wasm') failed on tfjs's single-threaded build; ${reason}`);
  return reason;
}

/** Makes `factory` the one tfjs calls for 'wasm' (no backend instance may exist). */
function registerWasmFactory(factory: () => BackendWasm | Promise<BackendWasm>): void {
  if (tf.findBackendFactory('wasm')) tf.removeBackend('wasm');
  tf.registerBackend('wasm', factory, WASM_PRIORITY);
}

async function buildOf(): Promise<WasmThreadsReport['build']> {
  const wasm = (tf.engine().registry.wasm as BackendWasm).wasm as { PThread?: unknown };
  if (wasm.PThread) return 'threaded-simd';
  return (await tf.env().getAsync('WASM_HAS_SIMD_SUPPORT')) ? 'simd' : 'plain';
}
