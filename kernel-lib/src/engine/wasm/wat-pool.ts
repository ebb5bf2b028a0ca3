/**
 * Helper threads for nnlab's own wasm modules (issue 25): XNNPACK's products run on every core,
 * but a kernel in one of nnlab's small SIMD modules (./patches.wat and the rest) ran on the
 * calling thread alone. On the threaded build the heap is a shared memory, so a Node worker can
 * instantiate the same module on it and run part of a call: {@link WatPool.run} hands jobs[1..]
 * to helpers, runs jobs[0] itself and returns when all are done. Jobs must write disjoint memory
 * (the direct filter gradient splits dW by output channels), so the result is the same bits
 * whatever the number of threads.
 *
 * How: one worker per helper, started on first use (~50 ms), each with a small shared control
 * block: [state, function, argument count, arguments...]. The caller writes a job, sets the state
 * to JOB and wakes the worker (Atomics.notify); the worker runs the function and sets DONE or
 * FAILED; the caller waits on it with Atomics.wait (allowed on Node's main thread; the kernel stays
 * synchronous, as tfjs requires). Workers are unref'd: they never keep a process alive. A worker
 * that cannot instantiate the modules says so at once; one that fails to start, dies or does not
 * answer within {@link HELPER_TIMEOUT_MS} is never used again:
 * its part runs on the calling thread from then on, and a job it failed is an error naming it.
 *
 * Helpers only exist on the threaded build (a shared heap) with more than one thread
 * (NNLAB_WASM_THREADS): helpers = threads - 1, so with XNNPACK's own worker parked between
 * operations the cores are never oversubscribed by nnlab. Kernels ask for them on the same
 * thresholds as XNNPACK's pool (./pool.ts): products from PRODUCT_MIN_FLOPS, the other ops from
 * ELEMENTWISE_MIN_VALUES values. Users: the direct filter gradient (./conv2d-backprop-filter.ts,
 * split by output channels), MaxPoolGrad (./max-pool-grad.ts, by images) and FusedBatchNorm
 * (./batchnorm.ts, by rows).
 *
 * @example
 * const pool = watPool(heapMemory(backend), backendThreads(backend) - 1);
 * pool?.run('direct', [argsA, argsB], (args) => module.direct(...args));
 */
import { Worker } from 'worker_threads';
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';
import { backendThreads } from './pool';
import { heapMemory } from './wat';
import { BATCHNORM_WASM_SHARED } from './batchnorm-bytes';
import { MAXPOOLGRAD_WASM_SHARED } from './maxpoolgrad-bytes';
import { PATCHES_WASM_SHARED } from './patches-bytes';

/** The functions helpers can run: module bytes (the shared-memory build) and export name. */
const HELPER_FUNCTIONS = {
  direct: { bytes: PATCHES_WASM_SHARED, name: 'direct' },
  route: { bytes: MAXPOOLGRAD_WASM_SHARED, name: 'route' },
  bn: { bytes: BATCHNORM_WASM_SHARED, name: 'bn' },
} as const;

export type HelperFunction = keyof typeof HELPER_FUNCTIONS;
const FUNCTION_NAMES = Object.keys(HELPER_FUNCTIONS) as HelperFunction[];

/** How long a call waits for a helper (or a helper's start) before it gives up on it. */
export const HELPER_TIMEOUT_MS = 30_000;

/** The most arguments of a job. */
const MAX_ARGS = 32;

const IDLE = 0;
const JOB = 1;
const DONE = 2;
const FAILED = 3;
const READY = 4;
const EXIT = 5;

/** The worker's code: instantiate every helper module on the shared heap, then run jobs until EXIT. */
const WORKER_SOURCE = `
const { workerData } = require('worker_threads');
const ctrl = new Int32Array(workerData.control);
let fns = null;
try {
  fns = workerData.functions.map(([bytes, name]) =>
    new WebAssembly.Instance(new WebAssembly.Module(Buffer.from(bytes, 'base64')), { env: { memory: workerData.memory } }).exports[name]);
} catch (e) {
  // say so at once: the caller is blocked waiting for READY and cannot see this worker's error event
}
Atomics.store(ctrl, 0, fns ? ${READY} : ${FAILED});
Atomics.notify(ctrl, 0);
for (; fns;) {
  let s = Atomics.load(ctrl, 0);
  while (s !== ${JOB} && s !== ${EXIT}) { Atomics.wait(ctrl, 0, s); s = Atomics.load(ctrl, 0); }
  if (s === ${EXIT}) break;
  try {
    fns[ctrl[1]](...ctrl.subarray(3, 3 + ctrl[2]));
    Atomics.store(ctrl, 0, ${DONE});
  } catch (e) {
    Atomics.store(ctrl, 0, ${FAILED});
  }
  Atomics.notify(ctrl, 0);
}
`;

interface Helper {
  worker: Worker;
  control: Int32Array;
  /** False once it failed to start, died, failed a job or timed out. */
  alive: boolean;
}

export interface WatPool {
  /** Helpers alive now (the calling thread not counted). */
  readonly helpers: number;
  /**
   * Runs `fn` on jobs[1..] in helpers (as many as are alive; the rest, and jobs[0], through
   * `local` on this thread) and returns when every job is done. Throws, naming the function and
   * the helper, when a helper's job fails or times out.
   */
  run(fn: HelperFunction, jobs: number[][], local: (args: number[]) => void): void;
  /** Stops the workers (tests; the process exits without it). */
  close(): void;
}

const pools = new WeakMap<WebAssembly.Memory, WatPool>();

/**
 * The helper pool a kernel call on `backend` gets: threads - 1 helpers on the threaded build when
 * its work is `large` (the caller's threshold, as XNNPACK's pool: ./pool.ts), else null.
 */
export function helpersFor(backend: BackendWasm, large: boolean): WatPool | null {
  return large ? watPool(heapMemory(backend), backendThreads(backend) - 1) : null;
}

/** Runs every job: through `pool` (jobs[0] on this thread) when there is one, else all on this thread, in order. */
export function runJobs(pool: WatPool | null, fn: HelperFunction, jobs: number[][], local: (args: number[]) => void): void {
  if (pool === null || jobs.length < 2) jobs.forEach(local);
  else pool.run(fn, jobs, local);
}

/** `parts` ranges [start, end) of 0..total, in order, as even as they go; fewer (none empty) when total < parts. */
export function evenRanges(total: number, parts: number): Array<[number, number]> {
  const k = Math.max(1, Math.min(parts, total));
  return Array.from({ length: k }, (_, i): [number, number] => [Math.floor((i * total) / k), Math.floor(((i + 1) * total) / k)]);
}

/**
 * The helper pool of a shared wasm heap with `helpers` workers (created on first call, cached per
 * memory); null on a plain heap or with helpers < 1.
 */
export function watPool(memory: WebAssembly.Memory | undefined, helpers: number): WatPool | null {
  if (memory === undefined || helpers < 1) return null;
  if (typeof SharedArrayBuffer === 'undefined' || !(memory.buffer instanceof SharedArrayBuffer)) return null;
  let pool = pools.get(memory);
  if (pool === undefined) {
    pool = createPool(memory, helpers);
    pools.set(memory, pool);
  }
  return pool;
}

function startHelper(memory: WebAssembly.Memory): Helper {
  const control = new Int32Array(new SharedArrayBuffer(4 * (3 + MAX_ARGS)));
  const worker = new Worker(WORKER_SOURCE, {
    eval: true,
    workerData: { memory, control: control.buffer, functions: FUNCTION_NAMES.map((f) => [HELPER_FUNCTIONS[f].bytes, HELPER_FUNCTIONS[f].name]) },
  });
  worker.unref();
  const helper: Helper = { worker, control, alive: true };
  worker.on('error', () => { helper.alive = false; });
  worker.on('exit', () => { helper.alive = false; });
  // wait (synchronously) until it has instantiated the modules
  const deadline = Date.now() + HELPER_TIMEOUT_MS;
  for (let s = Atomics.load(control, 0); s !== READY; s = Atomics.load(control, 0)) {
    if (s === FAILED || Date.now() >= deadline) { helper.alive = false; void worker.terminate(); break; }
    Atomics.wait(control, 0, IDLE, 50);
  }
  if (helper.alive) Atomics.store(control, 0, IDLE);
  return helper;
}

function createPool(memory: WebAssembly.Memory, count: number): WatPool {
  let started: Helper[] | null = null;
  const live = (): Helper[] => {
    started ??= Array.from({ length: count }, () => startHelper(memory));
    return started.filter((h) => h.alive);
  };
  return {
    get helpers() { return started === null ? count : started.filter((h) => h.alive).length; },
    run(fn, jobs, local) {
      if (jobs.length === 0) return;
      const helpers = jobs.length > 1 ? live().slice(0, jobs.length - 1) : [];
      const index = FUNCTION_NAMES.indexOf(fn);
      helpers.forEach((h, i) => {
        const args = jobs[i + 1];
        if (args.length > MAX_ARGS) throw new Error(`watPool.run(${fn}): ${args.length} arguments; at most ${MAX_ARGS}`);
        h.control.set(args, 3);
        h.control[1] = index;
        h.control[2] = args.length;
        Atomics.store(h.control, 0, JOB);
        Atomics.notify(h.control, 0);
      });
      try {
        local(jobs[0]);
        for (let i = 1 + helpers.length; i < jobs.length; i++) local(jobs[i]);
      } finally {
        waitFor(fn, helpers);
      }
    },
    close() {
      for (const h of started ?? []) {
        h.alive = false;
        Atomics.store(h.control, 0, EXIT);
        Atomics.notify(h.control, 0);
      }
    },
  };
}

/** Waits until every helper has finished its job; throws when one failed or timed out (and retires it). */
function waitFor(fn: HelperFunction, helpers: Helper[]): void {
  let failure: string | null = null;
  helpers.forEach((h, i) => {
    const deadline = Date.now() + HELPER_TIMEOUT_MS;
    let s = Atomics.load(h.control, 0);
    while (s === JOB && Date.now() < deadline) {
      Atomics.wait(h.control, 0, JOB, HELPER_TIMEOUT_MS);
      s = Atomics.load(h.control, 0);
    }
    if (s === DONE) {
      Atomics.store(h.control, 0, IDLE);
      return;
    }
    h.alive = false;
    void h.worker.terminate();
    failure ??= `helper thread ${i + 1} ${s === JOB ? `did not finish in ${HELPER_TIMEOUT_MS / 1000} s` : 'failed'}`;
  });
  if (failure !== null) throw new Error(`nnlab wasm kernels: ${fn}: ${failure}; it is not used again (its part runs on the calling thread)`);
}
