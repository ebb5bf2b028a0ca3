/**
 * The wasm `Sum` and `Mean` overrides: reductions over the leading axes (a batch norm's statistics
 * and gradients, every bias gradient) as column sums on the wasm heap, instead of stock's full
 * transpose first. Lesson: what backpropagation through batch norm costs (issue 4, "a fast CPU
 * floor").
 *
 * What they compute, as every tfjs backend does: for x of shape [d_0, ..., d_{r-1}] reduced over
 * the axes 0..k-1 (in any order, k < r), seen as a matrix X [M, C] with M = d_0···d_{k-1} rows and
 * C = d_k···d_{r-1} columns,
 *
 *   sum(x)[c]  = Σ_{m<M} X[m, c]
 *   mean(x)[c] = (Σ_{m<M} X[m, c]) / M
 *
 * with output shape [d_k, ..., d_{r-1}] (keepDims: ones in place of the reduced axes). Sums run in
 * float64 (as tfjs's cpu backend sums), four rows added pairwise per step, and are rounded to
 * float32 once: in nnlab's small SIMD module ./colsum.wat (two columns per step; bytes in
 * ./colsum-bytes.ts), or where it cannot load in the same order in JavaScript ({@link columnSums}); stock wasm accumulates in float32, so its result can differ from
 * this one in the last bits, and this one is the closer to the exact sum. NaN and ±Infinity
 * propagate as in any sum.
 *
 * Why: stock tfjs-backend-wasm 4.22 (`kernels/Sum.ts`, `Mean.ts`) reduces only innermost axes, so
 * a reduction over [N, H, W] of an NHWC activation first transposes all of it to [C, N, H, W] with
 * the generic strided Transpose. Batch norm's backward pass reduces an activation six times per
 * layer: measured in a CIFAR CNN step (batch 64, one thread), the 12 sums of [64, 32, 32, 32] over
 * [0, 1, 2] took 6.7 ms each, a column sum of the same 2M floats ~1.3 ms.
 *
 * Fallback (the stock kernel): dtypes other than float32, reductions that are not over a leading
 * prefix of the axes (stock handles innermost ones without a transpose), and empty tensors.
 *
 * @example
 * registerWasmKernelOverrides();
 * tf.sum(dy, [0, 1, 2]); // dy [N, H, W, C] -> [C]: the bias gradient of a conv layer
 * tf.mean(x, [0, 1, 2]); // the batch mean of batch norm
 */
import * as tf from '@tensorflow/tfjs';
import { COLSUM_WASM, COLSUM_WASM_SHARED } from './colsum-bytes';
import { heapMemory, watLoader } from './wat';
import { BackendWasm, heap, Info, Inputs, KernelArgs, runStock, size, withFloat64Scratch } from './kernels-stock';

export type ReducePath = 'stock' | 'columns';

/** What {@link planReduce} decided. */
export interface ReducePlan {
  path: ReducePath;
  /** Rows summed: the product of the reduced (leading) axes. */
  rows: number;
  /** Columns: the product of the kept (trailing) axes. */
  columns: number;
  /** The output's shape (keepDims applied); [] when `path` is `stock`. */
  outShape: number[];
}

/**
 * Picks how to reduce x of shape `shape` and dtype `dtype` over `axis` (tfjs's attribute: a
 * number, a list, negative axes allowed, duplicates ignored): `columns` when the axes are exactly
 * 0..k-1 for some 0 < k < rank and x is float32 and non-empty, else `stock`. Pure.
 */
export function planReduce(shape: readonly number[], axis: number | number[], dtype: string, keepDims: boolean): ReducePlan {
  const stock: ReducePlan = { path: 'stock', rows: 0, columns: 0, outShape: [] };
  const rank = shape.length;
  if (dtype !== 'float32' || rank < 2 || size(shape as number[]) === 0) return stock;
  const axes = [...new Set(tf.util.parseAxisParam(axis, shape as number[]))].sort((a, b) => a - b);
  const k = axes.length;
  if (k === 0 || k >= rank || axes.some((a, i) => a !== i)) return stock;
  const outShape = keepDims ? shape.map((d, i) => (i < k ? 1 : d)) : shape.slice(k);
  return { path: 'columns', rows: size(shape.slice(0, k)), columns: size(shape.slice(k)), outShape };
}

/** The kernel function registered for `Sum` on wasm. */
export function sum(args: KernelArgs): Info {
  return reduce(args, tf.Sum, false);
}

/** The kernel function registered for `Mean` on wasm. */
export function mean(args: KernelArgs): Info {
  return reduce(args, tf.Mean, true);
}

function reduce(args: KernelArgs, kernel: string, divide: boolean): Info {
  const backend = args.backend as BackendWasm;
  const { x } = args.inputs as Inputs<'x'>;
  const attrs = args.attrs as unknown as tf.SumAttrs;
  const plan = planReduce(x.shape, attrs.axis, x.dtype, attrs.keepDims);
  if (plan.path === 'stock') return runStock(backend, kernel, { x }, attrs);
  const out = backend.makeOutput(plan.outShape, 'float32');
  const module = plan.rows * plan.columns >= COLSUM_MIN_VALUES ? colsumModule(heapMemory(backend)) : null;
  let sums: Float64Array;
  if (module === null) {
    sums = columnSums(heap(backend, x), plan.rows, plan.columns);
  } else {
    sums = withFloat64Scratch(backend, plan.columns, (acc, address) => {
      module.colsum(heap(backend, x).byteOffset, address, plan.rows, plan.columns);
      return acc.slice();
    });
  }
  const dst = heap(backend, out);
  for (let c = 0; c < plan.columns; c++) dst[c] = divide ? sums[c] / plan.rows : sums[c];
  return out;
}

/**
 * From this many values the module sums (measured: [64, 512] 0.05 ms in the module against 0.04 in
 * JavaScript, the module's extra allocation costing more than it saves; [64, 32, 32, 32] 0.76
 * against 2.9 ms).
 */
export const COLSUM_MIN_VALUES = 2 ** 16;

/** The exports of ./colsum.wat. */
export interface ColsumModule {
  /** acc[c] (float64, zero on entry) += the column sums of x [rows, cols], in {@link columnSums}' order. */
  colsum(x: number, acc: number, rows: number, cols: number): void;
}

/** ./colsum.wat on `memory`, cached per memory; null where it cannot be instantiated ({@link columnSums} runs). */
export const colsumModule = watLoader<ColsumModule>(COLSUM_WASM, COLSUM_WASM_SHARED);

/**
 * Σ_m X[m, c] for X [rows, columns] row-major in `x`, in float64: four rows per step, added in
 * pairs, then the remaining rows one by one.
 */
export function columnSums(x: Float32Array, rows: number, columns: number): Float64Array {
  const acc = new Float64Array(columns);
  const C = columns;
  let m = 0;
  for (; m + 4 <= rows; m += 4) {
    const b = m * C;
    for (let c = 0; c < C; c++) acc[c] += (x[b + c] + x[b + C + c]) + (x[b + 2 * C + c] + x[b + 3 * C + c]);
  }
  for (; m < rows; m++) {
    const b = m * C;
    for (let c = 0; c < C; c++) acc[c] += x[b + c];
  }
  return acc;
}
