/**
 * Loads tfjs's threaded SIMD wasm build in Node and wraps it in a `BackendWasm`: the part of
 * {@link initWasmBackend} that leans on tfjs and emscripten internals. Written for
 * `@tensorflow/tfjs-backend-wasm` 4.22.0 exactly ({@link WASM_SHIM_VERSION}); every workaround
 * below names the internal it depends on, and `test/wasm-threads.test.ts` fails when an upgrade
 * moves one of them.
 *
 * Why not `tf.setBackend('wasm')` with `setThreadsCount(n)`? Measured here (../shared/FINDINGS.md,
 * "Threads in Node"): tfjs's loader (`init()` in dist/backend_wasm.js) blocks threads in Node in
 * four places. This file does not patch that loader; it does its job itself, with real files:
 *
 * 1. Flag. `WASM_HAS_MULTITHREAD_SUPPORT` (dist/flags_wasm.js) returns false whenever `IS_NODE`
 *    (tfjs issue #3830), so `init()` never picks the threaded build. We skip `init()` and its flag:
 *    we call the emscripten factory of `wasm-out/tfjs-backend-wasm-threaded-simd.js` ourselves and
 *    hand the module to the exported `BackendWasm` constructor, after attaching the `tfjs` cwrap
 *    table exactly as `init()` does ({@link attachTfjsApi}). Nothing is set in `tf.env()`.
 * 2. Worker script. `init()`'s `locateFile` returns a `blob:` URL for `*.worker.js`, which
 *    `worker_threads.Worker` rejects (ERR_WORKER_PATH). Our `locateFile` returns a real file: the
 *    string `wasmWorkerContents` exported by `wasm-out/tfjs-backend-wasm-threaded-simd.worker.js`,
 *    with `\n` escaped as tfjs does before making its Blob (the string holds a `"\n"` literal that a
 *    template string turned into a real newline), written to a private `mkdtemp` directory (mode
 *    0700) and removed once the pool has loaded it.
 * 3. Main script. `init()` sends the workers a Blob of the factory's source text, which in the node
 *    bundle refers to bundle-scope variables that a worker lacks. We set `mainScriptUrlOrBlob` to
 *    the real path of `wasm-out/tfjs-backend-wasm-threaded-simd.js`; the worker loads it with its
 *    `importScripts` (readFileSync + indirect eval), and it is the same file we `require` here, so
 *    both sides run identical glue.
 * 4. Core count. backend.cc computes `num_cores = emscripten_num_logical_cores() / 2` in a static
 *    initialiser and caps every thread count at it: 1 on a 2-vCPU machine. The glue answers that
 *    import with `os.cpus().length`. We instantiate the wasm ourselves through emscripten's
 *    `instantiateWasm` hook, with a copy of the import object whose `env.emscripten_num_logical_cores`
 *    returns `2 * threads`; `os.cpus` and every other global stay untouched.
 *
 * Two more things the glue does that matter in Node:
 * - Pool. `PThread.initMainThread` pre-spawns `pthreadPoolSize = 8` workers, and `receiveInstance`
 *   loads the module into every one. XNNPACK's `pthreadpool_create(n)` takes n - 1 of them (the
 *   calling thread is worker 0), so in `instantiateWasm`, before the module reaches the pool, we
 *   terminate all but n - 1. Measured with 2 threads: RSS +22 MB over one thread instead of +80 MB,
 *   and about half the init time. Keeping fewer than n - 1 would deadlock: a missing worker is
 *   spawned on demand and needs the main thread's event loop to load, while the main thread spins
 *   in pthreadpool's start-up wait.
 * - Exit. `spawnThread` calls `worker.ref()` for each running pthread, and pthreadpool's threads
 *   never return, so Node would never exit by itself. We `unref()` them once the backend is built;
 *   Node terminates unref'ed workers when the event loop is empty. Running the glue also sets
 *   `global.Worker` and adds `uncaughtException` / `unhandledRejection` listeners (they make any
 *   later crash exit with code 7); both are restored as soon as the factory call returns.
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import type { Worker } from 'worker_threads';
import { BackendWasm } from '@tensorflow/tfjs-backend-wasm';
import { firstLine } from '../../core/errors';
import { withTimeout } from '../../core/timeout';

/** The exact `@tensorflow/tfjs-backend-wasm` version this loader was written and tested for. */
export const WASM_SHIM_VERSION = '4.22.0';

/** The most threads the build can run: the glue's pre-spawned pool (`pthreadPoolSize`) and backend.cc's `max_num_threads`. */
export const MAX_WASM_THREADS = 8;

const WASM_PACKAGE = '@tensorflow/tfjs-backend-wasm';
const GLUE_FILE = 'tfjs-backend-wasm-threaded-simd.js';
const WORKER_FILE = 'tfjs-backend-wasm-threaded-simd.worker.js';
const BINARY_FILE = 'tfjs-backend-wasm-threaded-simd.wasm';
/** Longest wait for the module and its workers before giving up (and falling back). */
const LOAD_TIMEOUT_MS = 60_000;

/** The emscripten `PThread` object the glue puts on the module (emscripten 3.1.x library_pthread.js). */
interface PThreadState {
  unusedWorkers: Worker[];
  runningWorkers: Worker[];
  terminateAllThreads(): void;
}

/** The module object: our config, which the glue fills in and resolves with. */
interface GlueModule {
  locateFile(file: string, prefix: string): string;
  mainScriptUrlOrBlob: string;
  instantiateWasm(imports: WebAssembly.Imports, receive: (i: WebAssembly.Instance, m: WebAssembly.Module) => void): object;
  onAbort(what: unknown): void;
  PThread?: PThreadState;
  cwrap?(name: string, returnType: string | null, argTypes: string[]): (...args: number[]) => number;
  tfjs?: unknown;
}

type GlueFactory = (module: GlueModule) => Promise<GlueModule>;

/** Absolute paths of the package's `wasm-out/` files the threaded build needs. */
export function threadedBuildFiles(): { glue: string; worker: string; binary: string } {
  const glue = require.resolve(`${WASM_PACKAGE}/wasm-out/${GLUE_FILE}`);
  const dir = path.dirname(glue);
  return { glue, worker: path.join(dir, WORKER_FILE), binary: path.join(dir, BINARY_FILE) };
}

/** The installed `@tensorflow/tfjs-backend-wasm` version, from its package.json. */
export function installedWasmVersion(): string {
  const file = require.resolve(`${WASM_PACKAGE}/package.json`);
  return (JSON.parse(fs.readFileSync(file, 'utf8')) as { version: string }).version;
}

/**
 * A `BackendWasm` on the threaded SIMD build with exactly `threads` threads (2..8). Rejects, with
 * every worker terminated and nothing global left changed, when anything goes wrong.
 */
export async function createThreadedBackend(threads: number): Promise<BackendWasm> {
  const module = await loadThreadedModule(threads);
  try {
    attachTfjsApi(module);
    const backend = new BackendWasm(module as unknown as ConstructorParameters<typeof BackendWasm>[0]);
    const pool = module.PThread!;
    pool.runningWorkers.forEach((w) => w.unref());
    const got = backend.wasm.tfjs.getThreadsCount();
    if (got !== threads) {
      backend.dispose();
      throw new Error(`the threaded build started ${got} threads instead of ${threads} (an earlier tfjs setThreadsCount() caps it)`);
    }
    return backend;
  } catch (err) {
    module.PThread?.terminateAllThreads();
    throw err;
  }
}

/**
 * Runs the glue's factory with our config (workarounds 2-4 and the pool trim) and waits until the
 * module and its n - 1 workers have loaded. The worker script's temp directory is gone on return.
 */
async function loadThreadedModule(threads: number): Promise<GlueModule> {
  const files = threadedBuildFiles();
  const factory = require(files.glue) as GlueFactory;
  const binary = await fs.promises.readFile(files.binary);
  const workerDir = fs.mkdtempSync(path.join(os.tmpdir(), 'nnlab-wasm-'));
  let trimmed: Promise<unknown>[] = [];
  let restoreErrorHandlers = (): void => undefined;
  let module: GlueModule | undefined;
  try {
    const workerScript = writeWorkerScript(files.worker, workerDir);
    let fail: (err: Error) => void = () => undefined;
    const failed = new Promise<never>((_, reject) => { fail = reject; });
    const config: GlueModule = {
      locateFile: (file) => (file.endsWith('.worker.js') ? workerScript : path.join(path.dirname(files.glue), file)),
      mainScriptUrlOrBlob: files.glue,
      instantiateWasm(imports, receive) {
        try {
          trimmed = trimPool(config.PThread, threads - 1);
          const errors = reportWorkerErrors(config.PThread!.unusedWorkers, fail);
          restoreErrorHandlers = errors.restore;
          WebAssembly.instantiate(binary, withCoreCount(imports, threads))
            .then(({ instance, module: compiled }) => {
              receive(instance, compiled);
              errors.silenceGlue();
            })
            .catch((err) => fail(new Error(`instantiating ${BINARY_FILE} failed: ${firstLine(err)}`)));
        } catch (err) {
          fail(err instanceof Error ? err : new Error(String(err)));
        }
        return {};
      },
      onAbort: (what) => fail(new Error(`the threaded wasm module aborted: ${firstLine(what)}`)),
    };
    module = config;
    const ready = withGlueSideEffectsUndone(() => factory(config));
    await withTimeout(Promise.race([ready, failed]), LOAD_TIMEOUT_MS, 'the threaded wasm module and its workers did not load');
    restoreErrorHandlers(); // on failure, ours stay: a dying worker's late error must not reach the glue's rethrow
    return config;
  } catch (err) {
    module?.PThread?.terminateAllThreads();
    throw err;
  } finally {
    await Promise.allSettled(trimmed);
    fs.rmSync(workerDir, { recursive: true, force: true });
  }
}

/** Writes tfjs's pthread worker source to `dir` as a CommonJS file; returns its path (workaround 2). */
function writeWorkerScript(workerModule: string, dir: string): string {
  const { wasmWorkerContents } = require(workerModule) as { wasmWorkerContents?: unknown };
  if (typeof wasmWorkerContents !== 'string') {
    throw new Error(`${WORKER_FILE} no longer exports the string wasmWorkerContents`);
  }
  const file = path.join(dir, WORKER_FILE.replace(/\.js$/, '.cjs'));
  fs.writeFileSync(file, wasmWorkerContents.replace(/\n/g, '\\n'), { mode: 0o600 });
  return file;
}

/** The import object with `emscripten_num_logical_cores` answering `2 * threads` (workaround 4). */
function withCoreCount(imports: WebAssembly.Imports, threads: number): WebAssembly.Imports {
  const env = imports.env as Record<string, unknown> | undefined;
  if (typeof env?.emscripten_num_logical_cores !== 'function') {
    throw new Error('the glue no longer imports env.emscripten_num_logical_cores');
  }
  const patched = { ...env, emscripten_num_logical_cores: () => 2 * threads };
  // The glue passes one object as both `env` and `wasi_snapshot_preview1`; keep them one.
  return { ...imports, env: patched, wasi_snapshot_preview1: patched };
}

/** Terminates all but `keep` of the pre-spawned pool workers; returns their exit promises. */
function trimPool(pool: PThreadState | undefined, keep: number): Promise<unknown>[] {
  if (!pool || pool.unusedWorkers.length < keep) {
    throw new Error(`the glue pre-spawned ${pool?.unusedWorkers.length ?? 'no'} pthread workers, ${keep} are needed`);
  }
  return pool.unusedWorkers.splice(keep).map((w) => w.on('error', () => undefined).terminate());
}

/**
 * While the pool loads, routes a worker's 'error' event to `fail` (a rejected init, then the
 * fallback). Without this, an error before the glue attaches its listener is an unhandled 'error'
 * event, and one after it reaches the glue's `worker.onerror`, which rethrows on the main thread:
 * either kills the process. `silenceGlue` (call it after the glue's `receiveInstance`) mutes that
 * `onerror`; `restore` puts everything back.
 */
function reportWorkerErrors(workers: Worker[], fail: (err: Error) => void): { silenceGlue(): void; restore(): void } {
  type WithOnError = Worker & { onerror?: (e: Error) => void };
  const pool = [...workers] as WithOnError[];
  const onError = (e: Error): void => fail(new Error(`a pthread worker failed to load: ${firstLine(e)}`));
  pool.forEach((w) => w.on('error', onError));
  let glueHandlers: ((e: Error) => void)[] | null = null;
  return {
    silenceGlue() {
      glueHandlers = pool.map((w) => w.onerror!);
      pool.forEach((w) => { w.onerror = () => undefined; });
    },
    restore() {
      pool.forEach((w, i) => {
        w.off('error', onError);
        if (glueHandlers) w.onerror = glueHandlers[i];
      });
    },
  };
}

/** Runs the glue's factory call, then restores the globals its Node branch sets. */
function withGlueSideEffectsUndone<T>(call: () => T): T {
  const g = globalThis as { Worker?: unknown };
  const hadWorker = Object.prototype.hasOwnProperty.call(g, 'Worker');
  const worker = g.Worker;
  const before = ERROR_EVENTS.map((e) => processEvents.listeners(e));
  try {
    return call();
  } finally {
    if (hadWorker) g.Worker = worker;
    else delete g.Worker;
    ERROR_EVENTS.forEach((e, i) => {
      for (const l of processEvents.listeners(e)) if (!before[i].includes(l)) processEvents.removeListener(e, l as (...a: unknown[]) => void);
    });
  }
}

/**
 * The `tfjs` cwrap table that `BackendWasm` expects, as backend_wasm.js's `init()` builds it
 * (workaround 1), with one difference: `dispose` keeps the process's error listeners. tfjs's
 * post.js wraps `Module._dispose` to remove the listeners the glue added, but its filter
 * (`!list.indexOf(l) > -1`, always true) selects every listener present when the factory
 * returned, so stock tfjs's `tf.removeBackend('wasm')` drops the application's own
 * `uncaughtException` / `unhandledRejection` handlers too (measured with 4.22.0).
 */
function attachTfjsApi(module: GlueModule): void {
  const cwrap = module.cwrap!;
  module.tfjs = {
    init: cwrap('init', null, []),
    initWithThreadsCount: cwrap('init_with_threads_count', null, ['number']),
    getThreadsCount: cwrap('get_threads_count', 'number', []),
    registerTensor: cwrap('register_tensor', null, ['number', 'number', 'number']),
    disposeData: cwrap('dispose_data', null, ['number']),
    dispose: keepingErrorListeners(cwrap('dispose', null, [])),
  };
}

const ERROR_EVENTS = ['uncaughtException', 'unhandledRejection'];
/** `process` as a plain emitter: its typed overloads take one event name literal at a time. */
const processEvents = process as unknown as NodeJS.EventEmitter;

/** `call`, then re-adds any process error listener it removed (see {@link attachTfjsApi}). */
export function keepingErrorListeners(call: () => unknown): () => void {
  return () => {
    const before = ERROR_EVENTS.map((e) => processEvents.rawListeners(e));
    call();
    ERROR_EVENTS.forEach((e, i) => {
      const now = processEvents.rawListeners(e);
      for (const l of before[i]) if (!now.includes(l)) processEvents.on(e, l as (...a: unknown[]) => void);
    });
  };
}


