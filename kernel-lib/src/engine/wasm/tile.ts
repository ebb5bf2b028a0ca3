/**
 * The wasm `Tile` override: `tf.tile(x, reps)` by block copies inside the wasm heap instead of
 * stock's element-by-element loop. Lesson: backpropagation through batch normalization (issue 4,
 * "a fast CPU floor").
 *
 * Why: tfjs-core's batch-norm gradient (`FusedBatchNorm_grad`) expands `1/√(σ² + eps)` of shape
 * [1, 1, 1, C] to the whole activation [N, H, W, C] with `tile` before multiplying it into dy. Stock
 * tfjs-backend-wasm 4.22 (`kernels/Tile.cc`) computes every output element on its own, converting
 * its flat offset to a multi-index and back through freshly allocated vectors: ~710 of the ~2,000
 * ms of a CIFAR CNN training step (batch 64) went there, more than all convolutions together.
 *
 * What it computes, as every tfjs backend does:
 *
 *   out[i_0, ..., i_{r-1}] = x[i_0 mod s_0, ..., i_{r-1} mod s_{r-1}],  out shape [s_0·t_0, ..., s_{r-1}·t_{r-1}]
 *
 * for x of shape s = [s_0, ..., s_{r-1}] and reps t = [t_0, ..., t_{r-1}] (any rank, any reps >= 0).
 *
 * How ({@link planTile}): first the axes are merged where that changes nothing: axes with s = t = 1
 * are dropped, neighbouring axes both with t = 1 become one axis (a plain reshape), and
 * neighbouring axes both with s = 1 become one axis with t the product of theirs. The BN case
 * [1, 1, 1, C] x [N, H, W, 1] becomes [1, C] x [N·H·W, 1]. Then, working on the output's memory:
 * 1. place x where the first tile goes: runs of `s_{r-1}` elements copied to their offsets in out;
 * 2. for each axis d from the last to the first with t_d > 1: every block that now holds the first
 *    copy along d (s_d·(inner size) contiguous elements, the inner axes being complete) is repeated
 *    t_d times by doubling: copy the filled part right after itself until the span is full, so
 *    ⌈log₂ t_d⌉ copies per block. The BN case is one run of C elements and ⌈log₂(N·H·W)⌉ copies.
 * Copies are `copyWithin` on a view of the whole heap (memmove), or a plain loop for runs shorter
 * than {@link SHORT_RUN}; 4-byte dtypes move as int32, so float32 bits (NaN payloads, -0) are kept:
 * the result equals the stock kernel's bit for bit.
 *
 * Fallback (the stock kernel, which raises or warns as tfjs does): dtypes other than float32,
 * int32 and bool (stock Tile handles no others either), and reps that are not one non-negative
 * integer per axis (tfjs-core's op rejects those before the kernel runs).
 *
 * @example
 * registerWasmKernelOverrides();
 * tf.tile(tf.reshape(invStd, [1, 1, 1, C]), [N, H, W, 1]); // [N, H, W, C]: BN backward's expansion
 */
import * as tf from '@tensorflow/tfjs';
import { BackendWasm, Info, Inputs, KernelArgs, runStock, size } from './kernels-stock';

/**
 * Runs shorter than this many elements are copied with a loop: below it a `copyWithin` call
 * costs more than the elements it moves.
 */
export const SHORT_RUN = 16;

/** dtype -> bytes per element in the wasm heap, for the dtypes the override handles. */
const ELEMENT_BYTES: Record<string, number> = { float32: 4, int32: 4, bool: 1 };

export type TilePath = 'stock' | 'empty' | 'copy' | 'fill';

/** Why a tile stays on the stock kernel. */
export type TileStockReason = 'dtype' | 'reps';

/** What {@link planTile} decided. */
export interface TilePlan {
  path: TilePath;
  /** Set when `path` is `stock`. */
  why?: TileStockReason;
  /** Shape of the output: `s_i·t_i` per axis (empty when `path` is `stock`). */
  outShape: number[];
  /** x's shape after merging axes (module comment); [] when no axis is left. */
  shape: number[];
  /** The reps of the merged axes. */
  reps: number[];
}

/**
 * Picks how to run `tile(x, reps)` for x of shape `shape` and dtype `dtype` (module comment):
 * `empty` (the output has no element), `copy` (every rep is 1: one copy of x), `fill` (copy, then
 * repeat blocks), or `stock`. Pure.
 */
export function planTile(shape: readonly number[], reps: readonly number[], dtype: string): TilePlan {
  const stock = (why: TileStockReason): TilePlan => ({ path: 'stock', why, outShape: [], shape: [], reps: [] });
  if (!(dtype in ELEMENT_BYTES)) return stock('dtype');
  if (reps.length !== shape.length || reps.some((t) => !Number.isInteger(t) || t < 0)) return stock('reps');
  const outShape = shape.map((s, i) => s * reps[i]);
  const merged = mergeAxes(shape, reps);
  const path: TilePath = size(outShape) === 0 ? 'empty' : merged.reps.every((t) => t === 1) ? 'copy' : 'fill';
  return { path, outShape, ...merged };
}

/**
 * The axes of (shape, reps) merged where the tiled layout stays the same: s = t = 1 dropped,
 * neighbours with t = 1 multiplied into one (s·s'), neighbours with s = 1 into one (t·t').
 */
export function mergeAxes(shape: readonly number[], reps: readonly number[]): { shape: number[]; reps: number[] } {
  const s: number[] = [];
  const t: number[] = [];
  shape.forEach((si, i) => {
    const ti = reps[i];
    if (si === 1 && ti === 1) return;
    const last = s.length - 1;
    if (last >= 0 && ((t[last] === 1 && ti === 1) || (s[last] === 1 && si === 1))) {
      s[last] *= si;
      t[last] *= ti;
    } else {
      s.push(si);
      t.push(ti);
    }
  });
  return { shape: s, reps: t };
}

/** The kernel function registered for `Tile` on wasm. */
export function tile(args: KernelArgs): Info {
  const backend = args.backend as BackendWasm;
  const { x } = args.inputs as Inputs<'x'>;
  const { reps } = args.attrs as unknown as tf.TileAttrs;
  const plan = planTile(x.shape, reps, x.dtype);
  if (plan.path === 'stock') return runStock(backend, tf.Tile, { x }, { reps });
  const out = backend.makeOutput(plan.outShape, x.dtype);
  if (plan.path === 'empty') return out;
  // Views of the whole heap, taken after the last allocation (growing the heap detaches them).
  const bytes = ELEMENT_BYTES[x.dtype];
  const buffer = backend.typedArrayFromHeap(out).buffer;
  const heap = bytes === 4 ? new Int32Array(buffer) : new Uint8Array(buffer);
  const from = offsetOf(backend, x) / bytes;
  const to = offsetOf(backend, out) / bytes;
  if (plan.path === 'copy') {
    copy(heap, to, from, size(x.shape));
  } else {
    fill(heap, from, to, plan.shape, plan.reps);
  }
  return out;
}

/** Byte offset of a tensor's memory in the wasm heap. */
function offsetOf(backend: BackendWasm, t: Info): number {
  return (backend.dataIdMap.get(t.dataId) as { memoryOffset: number }).memoryOffset;
}

type Heap = Int32Array | Uint8Array;

/** heap[to .. to + n) = heap[from .. from + n) (the ranges may overlap only as memmove allows). */
function copy(heap: Heap, to: number, from: number, n: number): void {
  if (n < SHORT_RUN) {
    for (let k = 0; k < n; k++) heap[to + k] = heap[from + k];
  } else {
    heap.copyWithin(to, from, from + n);
  }
}

/**
 * Steps 1 and 2 of the module comment for merged axes `s`, `t` (at least one t > 1): x at
 * element `from`, out at element `to`.
 */
function fill(heap: Heap, from: number, to: number, s: number[], t: number[]): void {
  const r = s.length;
  const outShape = s.map((si, i) => si * t[i]);
  const outStrides = tf.util.computeStrides(outShape).concat(1);
  // 1. x's rows (runs of s[r-1] elements) to their places in the first tile.
  const run = s[r - 1];
  let read = from;
  forEachOffset(s.slice(0, r - 1), outStrides, (at) => {
    copy(heap, to + at, read, run);
    read += run;
  });
  // 2. repeat the first copy along each axis, innermost first.
  for (let d = r - 1; d >= 0; d--) {
    if (t[d] === 1) continue;
    const block = s[d] * outStrides[d];
    const span = block * t[d];
    forEachOffset(s.slice(0, d), outStrides, (at) => {
      const start = to + at;
      for (let filled = block; filled < span; filled *= 2) copy(heap, start + filled, start, Math.min(filled, span - filled));
    });
  }
}

/**
 * Calls `f(Σ_j i_j·strides[j])` for every multi-index i over `sizes` (row-major order); once with 0
 * when `sizes` is empty.
 */
function forEachOffset(sizes: number[], strides: number[], f: (offset: number) => void): void {
  const r = sizes.length;
  const index = new Array<number>(r).fill(0);
  let offset = 0;
  for (;;) {
    f(offset);
    let j = r - 1;
    while (j >= 0 && index[j] === sizes[j] - 1) {
      offset -= index[j] * strides[j];
      index[j] = 0;
      j--;
    }
    if (j < 0) return;
    index[j]++;
    offset += strides[j];
  }
}
