/**
 * The wasm `Transpose` override: a permutation that moves one block of axes past another (a
 * batched 2-D transpose) in SIMD blocks of 4 x 4 instead of stock's element-by-element loop.
 * Lesson: backpropagation through a convolution (issue 25, the CNN ceiling): the filter gradient
 * transposes each layer's input to channel-major, and stock tfjs-backend-wasm 4.22 takes 3.8 to
 * 7.3 ms for the lecture CNN's [65536, 32] and 2.7 to 3.6 ms for [4096, 128]; this 1.9 and 0.3 to
 * 0.4 ms ([2048, 512]: 5.8 against 1.0 ms; fastest of 15, interleaved, on 2 cores).
 *
 * What it computes, as every backend does: for x of shape s and a permutation p of its axes, out
 * has shape [s_{p_0}, ..., s_{p_{r-1}}] and out[i_{p_0}, ..., i_{p_{r-1}}] = x[i_0, ..., i_{r-1}].
 *
 * How ({@link planTranspose}): axes of size 1 are dropped (they move nothing), and neighbouring
 * axes that stay neighbours in the same order are merged. What is left is the identity (a copy),
 * a swap of two blocks [R, C] -> [C, R], or a batch of such swaps [B, R, C] -> [B, C, R]: those
 * run in ./transpose.wat (bytes in ./transpose-bytes.ts). Every other permutation (three blocks
 * or more that cross) and an empty x run the stock kernel. Only 4-byte dtypes (float32, int32)
 * take the fast path, moved as int32, so every value keeps its bits; the result equals stock's.
 *
 * @example
 * planTranspose([64, 32, 32, 32], [0, 3, 1, 2], 'float32'); // { path: 'swap', batch: 64, rows: 1024, cols: 32 }
 * planTranspose([2, 3, 4], [2, 0, 1], 'float32');           // { path: 'swap', batch: 1, rows: 6, cols: 4 }
 * planTranspose([2, 3, 4], [1, 0, 2], 'float32');           // { path: 'stock', why: 'perm', ... }: [2, 3] swap with 4 kept last
 */
import * as tf from '@tensorflow/tfjs';
import { BackendWasm, Info, Inputs, KernelArgs, runStock, size } from './kernels-stock';
import { TRANSPOSE_WASM, TRANSPOSE_WASM_SHARED } from './transpose-bytes';
import { heapMemory, watLoader } from './wat';

export type TransposePath = 'stock' | 'copy' | 'swap';

/** What {@link planTranspose} decided: a copy, or `batch` swaps of [rows, cols] -> [cols, rows]. */
export interface TransposePlan {
  path: TransposePath;
  /** Set when `path` is 'stock': the dtype is not 4 bytes, or the permutation is not a batched swap. */
  why?: 'dtype' | 'perm';
  batch: number;
  rows: number;
  cols: number;
}

/**
 * How `x` of shape `shape` transposed by `perm` runs (see the module comment). `perm` is a
 * permutation of 0..rank-1 (tfjs-core checks that before the kernel runs).
 */
export function planTranspose(shape: readonly number[], perm: readonly number[], dtype: string): TransposePlan {
  const n = size(shape as number[]);
  if (dtype !== 'float32' && dtype !== 'int32') return { path: 'stock', why: 'dtype', batch: 1, rows: 1, cols: n };
  if (n === 0) return { path: 'stock', why: 'perm', batch: 1, rows: 1, cols: 0 };
  // drop the axes of size 1, renumbering the rest in input order
  const kept = shape.map((d, a) => (d > 1 ? a : -1)).filter((a) => a >= 0);
  const rank = new Map(kept.map((a, i) => [a, i]));
  const p = perm.filter((a) => rank.has(a)).map((a) => rank.get(a)!);
  const dims = kept.map((a) => shape[a]);
  // blocks: runs of the output order that are consecutive input axes
  const blocks: number[][] = [];
  for (const a of p) {
    const last = blocks[blocks.length - 1];
    if (last !== undefined && last[last.length - 1] + 1 === a) last.push(a);
    else blocks.push([a]);
  }
  const sizeOf = (block: number[]) => block.reduce((acc, a) => acc * dims[a], 1);
  if (blocks.length <= 1) return { path: 'copy', batch: 1, rows: 1, cols: n };
  // in input order the blocks are sorted by their first axis
  const inputOrder = [...blocks].sort((u, v) => u[0] - v[0]);
  const order = blocks.map((b) => inputOrder.indexOf(b)); // the output's blocks, by input position
  if (order.length === 2) return { path: 'swap', batch: 1, rows: sizeOf(inputOrder[0]), cols: sizeOf(inputOrder[1]) };
  if (order.length === 3 && order[0] === 0 && order[1] === 2 && order[2] === 1) {
    return { path: 'swap', batch: sizeOf(inputOrder[0]), rows: sizeOf(inputOrder[1]), cols: sizeOf(inputOrder[2]) };
  }
  return { path: 'stock', why: 'perm', batch: 1, rows: 1, cols: n };
}

/** The exports of ./transpose.wat. */
export interface TransposeModule {
  /** dst[b, c, r] = src[b, r, c] for 4-byte values (byte offsets in the heap). */
  transpose(src: number, dst: number, batch: number, rows: number, cols: number): void;
}

/** ./transpose.wat on `memory`, cached per memory; null where it cannot be instantiated (stock runs). */
export const transposeModule = watLoader<TransposeModule>(TRANSPOSE_WASM, TRANSPOSE_WASM_SHARED);

/** `x` transposed by `perm` on the fast path, a new tensor; null where the plan says stock or the module cannot load. */
export function fastTranspose(backend: BackendWasm, x: Info, perm: readonly number[]): Info | null {
  const plan = planTranspose(x.shape, perm, x.dtype);
  if (plan.path === 'stock') return null;
  const module = plan.path === 'swap' ? transposeModule(heapMemory(backend)) : null;
  if (plan.path === 'swap' && module === null) return null;
  const out = backend.makeOutput(perm.map((a) => x.shape[a]), x.dtype);
  // views after the allocation, which can grow (and detach) the heap; 4-byte values moved as int32
  const src = backend.typedArrayFromHeap(x) as Int32Array | Float32Array;
  const dst = backend.typedArrayFromHeap(out) as Int32Array | Float32Array;
  if (module === null) new Int32Array(dst.buffer, dst.byteOffset, dst.length).set(new Int32Array(src.buffer, src.byteOffset, src.length));
  else module.transpose(src.byteOffset, dst.byteOffset, plan.batch, plan.rows, plan.cols);
  return out;
}

/** The kernel function registered for `Transpose` on wasm. */
export function transpose(args: KernelArgs): Info {
  const backend = args.backend as BackendWasm;
  const { x } = args.inputs as Inputs<'x'>;
  const { perm } = args.attrs as unknown as tf.TransposeAttrs;
  return fastTranspose(backend, x, perm) ?? runStock(backend, tf.Transpose, { x }, { perm });
}
