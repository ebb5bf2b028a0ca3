/**
 * Threads per operation for the threaded wasm backend: XNNPACK's thread pool is "parked" (the
 * backend's pool pointer set to null, so every XNNPACK call runs on the calling thread) and handed
 * back only for the duration of a kernel call whose work is large enough to gain from it. Small
 * ops then cost what they cost on one thread, large products and convolutions run on every core,
 * and the default can be 'auto' threads (issue 25).
 *
 * How. tfjs-backend-wasm 4.22.0's backend.cc keeps one global `pthreadpool *threadpool` (created
 * by `init_with_threads_count`) and every kernel passes it to XNNPACK at each call; XNNPACK runs an
 * operator on the caller's thread when that pointer is null. In the threaded SIMD build the
 * global lives at heap address {@link POOL_ADDRESS}: `get_threads_count` is `i32.const 23564;
 * i32.load`, then -1 when null. {@link parkPool} checks that before touching it: the cell must
 * hold a pointer, `get_threads_count()` must answer the thread count with it and -1 without it.
 * Kernel calls are synchronous on the main thread, so the swap around one call cannot race.
 *
 * Which kernels. Only the exports that read the pool: found with
 * `bash scripts/wasm-pool-kernels.sh` (wabt's disassembly; the exports from which a chain of calls
 * reaches a load of address 23564): {@link POOL_RULES}, checked against it by the test. Every
 * other wasm kernel runs its own single-threaded loop.
 *
 * Thresholds, measured on this 2-vCPU machine with 2 threads, as a training loop meets the op:
 * after a few small ops, when the pool's worker has gone back to sleep and must be woken (median
 * of 7; time parked / time with the pool): products 64³ (2^19 FLOPs) 0.64, 64×100×100 (2^20.2)
 * 1.39, 128³ 1.72, 128×512×512 1.90; conv 2.3 MFLOPs 1.37, 72 MFLOPs 2.00; relu on 32,768 values
 * 1.07, 65,536: 1.09, 1M: 1.46; softmax 32,768: 1.34, 65,536: 1.64. (Back to back, with the worker
 * still spinning, the break-even is lower: 64³ 1.57, relu 16,384 1.12, but a training loop is not
 * back to back: lesson 04's 8-layer width-64 net ran 2x slower with the pool from 2^18.) Hence
 * products and convolutions use the pool from {@link PRODUCT_MIN_FLOPS}, everything else from
 * {@link ELEMENTWISE_MIN_VALUES} values. Results are bit-identical either way (XNNPACK splits the
 * output into tiles; each tile's sums run in the same order): `test/wasm-threads.test.ts`
 * compares every pooled kernel's output with one thread's, and the golden records hold.
 *
 * @example
 * await nn.engine.initWasmBackend({ threads: 2 });   // parks the pool: report.perOp === true
 * tf.matMul(a512, b512);   // 2 threads: 268 MFLOPs >= 2^20
 * tf.relu(tf.ones([100]));  // 1 thread: 100 values < 65,536
 */
import * as tf from '@tensorflow/tfjs';
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';
import type { KernelArgs } from './kernels-stock';

/** Heap address of backend.cc's `threadpool` global in tfjs-backend-wasm 4.22.0's threaded SIMD build. */
export const POOL_ADDRESS = 23564;

/** Products and convolutions use the pool from this many FLOPs (2^20: 64x100x100 1.39x faster; 64^3 = 2^19 0.64x). */
export const PRODUCT_MIN_FLOPS = 2 ** 20;

/** Elementwise ops, pooling, softmax and padding use the pool from this many values (2^16: relu 1.09x, softmax 1.64x). */
export const ELEMENTWISE_MIN_VALUES = 2 ** 16;

type Work = (args: KernelArgs) => number;

const shapeOf = (args: KernelArgs, name: string): number[] => args.inputs[name]?.shape ?? [];
const product = (dims: readonly number[]): number => dims.reduce((a, b) => a * b, 1);

/** 2·batch·M·N·K of a (batched) matrix product. */
const matMulFlops: Work = (args) => {
  const a = shapeOf(args, 'a');
  const b = shapeOf(args, 'b');
  if (a.length < 2 || b.length < 2) return 0;
  const ta = Boolean(args.attrs?.transposeA);
  const tb = Boolean(args.attrs?.transposeB);
  const m = ta ? a[a.length - 1] : a[a.length - 2];
  const k = ta ? a[a.length - 2] : a[a.length - 1];
  const n = tb ? b[b.length - 2] : b[b.length - 1];
  return 2 * Math.max(product(a.slice(0, -2)), product(b.slice(0, -2))) * m * n * k;
};

/** 2 · output positions · filter size, for NHWC x and HWIO (or HW·C·multiplier) filters. */
const convFlops: Work = (args) => {
  const x = shapeOf(args, 'x');
  const f = shapeOf(args, 'filter');
  if (x.length !== 4 || f.length !== 4) return 0;
  const strides = args.attrs?.strides;
  const [sh, sw] = typeof strides === 'number' ? [strides, strides] : Array.isArray(strides) ? strides as number[] : [1, 1];
  return 2 * x[0] * Math.ceil(x[1] / sh) * Math.ceil(x[2] / sw) * product(f);
};

/** Values in the largest input. */
const values: Work = (args) => Math.max(0, ...Object.values(args.inputs).map((t) => (t ? product(t.shape) : 0)));

interface PoolRule { work: Work; min: number }
const products: PoolRule = { work: matMulFlops, min: PRODUCT_MIN_FLOPS };
const convs: PoolRule = { work: convFlops, min: PRODUCT_MIN_FLOPS };
const elementwise: PoolRule = { work: values, min: ELEMENTWISE_MIN_VALUES };

/** The wasm kernels that read the pool (scripts/wasm-pool-kernels.sh), with their work and threshold. */
export const POOL_RULES: Readonly<Record<string, PoolRule>> = {
  [tf.BatchMatMul]: products, [tf._FusedMatMul]: products,
  [tf.Conv2D]: convs, [tf.FusedConv2D]: convs, [tf.DepthwiseConv2dNative]: convs, [tf.FusedDepthwiseConv2D]: convs,
  ...Object.fromEntries([tf.Add, tf.Sub, tf.Multiply, tf.RealDiv, tf.SquaredDifference, tf.Neg, tf.Round, tf.Square,
    tf.Abs, tf.Ceil, tf.Floor, tf.Relu, tf.Relu6, tf.Elu, tf.Prelu, tf.Sigmoid, tf.ClipByValue, tf.MaxPool, tf.AvgPool,
    tf.PadV2, tf.ResizeBilinear, tf.Softmax].map((name) => [name, elementwise])),
};

/** A parked pool: where its pointer lives and what it is. */
interface Parked { memory: WebAssembly.Memory; cell: Int32Array; pointer: number; threads: number; on: boolean }

/** Backends whose pool is parked. */
const parkedPools = new WeakMap<object, Parked>();

function cellOf(p: Parked): Int32Array {
  if (p.cell.buffer !== p.memory.buffer) p.cell = new Int32Array(p.memory.buffer, POOL_ADDRESS, 1); // the heap grew
  return p.cell;
}

/**
 * Runs `run` (kernel `name` on `args`) with the pool handed back when the call's work reaches the
 * kernel's threshold; otherwise, or when the backend's pool is not parked, just runs it.
 */
export function withPool<T>(name: string, args: KernelArgs, run: () => T): T {
  const p = parkedPools.get(args.backend as object);
  const rule = POOL_RULES[name];
  if (p === undefined || p.on || rule === undefined || rule.work(args) < rule.min) return run();
  p.on = true;
  cellOf(p)[0] = p.pointer;
  try {
    return run();
  } finally {
    cellOf(p)[0] = 0;
    p.on = false;
  }
}

/** Whether this backend's pool is parked (threads per operation). */
export function isPoolParked(backend: unknown): boolean {
  return parkedPools.has(backend as object);
}

/** The backend's XNNPACK threads: `get_threads_count()`, which answers -1 while the pool is parked. */
export function backendThreads(backend: BackendWasm): number {
  return parkedPools.get(backend)?.threads ?? backend.wasm.tfjs.getThreadsCount();
}

/**
 * Parks the XNNPACK pool of a threaded backend with `threads` threads on `memory` (its heap).
 * Returns null, or why it could not (then nothing was changed: every op uses the pool).
 */
export function parkPool(backend: BackendWasm, memory: WebAssembly.Memory | undefined, threads: number): string | null {
  if (memory === undefined) return "the backend's wasm memory was not found";
  const count = (): number => backend.wasm.tfjs.getThreadsCount();
  const cell = new Int32Array(memory.buffer, POOL_ADDRESS, 1);
  const pointer = cell[0];
  if (pointer <= 0 || count() !== threads) return `no pool pointer at heap address ${POOL_ADDRESS} (tfjs-backend-wasm build changed?)`;
  cell[0] = 0;
  if (count() !== -1) {
    cell[0] = pointer;
    return `heap address ${POOL_ADDRESS} is not the pool pointer (tfjs-backend-wasm build changed?)`;
  }
  parkedPools.set(backend, { memory, cell, pointer, threads, on: false });
  return null;
}

/** Marks a kernel function wrapped by {@link pooled}; holds the function it wraps. */
const POOLED = Symbol.for('nnlab.wasm.pooled');

/** `kernelFunc` with the pool decision around it, when `name` reads the pool; else `kernelFunc`. Idempotent. */
export function pooled(name: string, kernelFunc: tf.KernelFunc): tf.KernelFunc {
  if (POOLED in kernelFunc || POOL_RULES[name] === undefined) return kernelFunc;
  const wrapped = (args: KernelArgs) => withPool(name, args, () => kernelFunc(args as Parameters<tf.KernelFunc>[0]));
  return Object.assign(wrapped as tf.KernelFunc, { [POOLED]: kernelFunc });
}

/** Whether `kernelFunc` is a {@link pooled} wrapper. */
export function isPooled(kernelFunc: tf.KernelFunc): boolean {
  return POOLED in kernelFunc;
}

/** The function {@link pooled} wrapped, or `kernelFunc` itself. */
export function unpooled(kernelFunc: tf.KernelFunc): tf.KernelFunc {
  return (kernelFunc as { [POOLED]?: tf.KernelFunc })[POOLED] ?? kernelFunc;
}

/**
 * Wraps every registered wasm kernel of {@link POOL_RULES} with the pool decision (nnlab's own
 * overrides included: theirs reach XNNPACK through the stock kernels, which decide). Idempotent;
 * the wrappers pass straight through on a backend whose pool is not parked. Returns the names wrapped now.
 */
export function registerWasmPoolKernels(): string[] {
  const wrapped: string[] = [];
  for (const name of Object.keys(POOL_RULES)) {
    const config = tf.getKernel(name, 'wasm');
    if (config === undefined || POOLED in config.kernelFunc) continue;
    tf.unregisterKernel(name, 'wasm');
    tf.registerKernel({ ...config, kernelFunc: pooled(name, config.kernelFunc) });
    wrapped.push(name);
  }
  return wrapped;
}
