/**
 * Backend-level building blocks of the nnlab wasm kernel overrides ({@link ./kernels}): call the
 * stock `@tensorflow/tfjs-backend-wasm` kernels directly with the backend, look at a tensor under
 * another shape without copying it, copy windows inside the wasm heap, and free every
 * intermediate. An override is a short recipe of stock kernels (Transpose, Conv2D, PadV2, the
 * XNNPACK product) glued with these helpers.
 *
 * Everything here works on `TensorInfo`s (`{dataId, shape, dtype}`), not on `tf.Tensor`s: inside a
 * kernel the engine does not track what we allocate, so an intermediate that is not released with
 * `backend.disposeData` is a leak of wasm memory that `tf.memory().numTensors` never shows. Every
 * override therefore runs its intermediates through a {@link Scratch}, which frees them on return
 * and on throw (a `tf.tidy` one level down).
 *
 * The one piece of state: the stock kernel configs that {@link ./kernels} replaced, kept so that an
 * override can call the original (e.g. the plain XNNPACK product) and so that
 * `unregisterWasmKernelOverrides()` can put them back.
 */
import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-wasm';
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';
import { unpooled, withPool } from './pool';

export type { BackendWasm };
export type Info = tf.TensorInfo;
export type Shape = number[];

const BACKEND = 'wasm';

/** What tfjs passes a kernel function. */
export interface KernelArgs {
  inputs: tf.NamedTensorInfoMap;
  backend: unknown;
  attrs?: tf.NamedAttrMap;
}

/** The named inputs `names` of a kernel call; tfjs guarantees the required ones are present. */
export type Inputs<Name extends string> = Record<Name, Info>;

/**
 * Stock configs of the kernels nnlab replaced, by kernel name. Kept on `globalThis` (as tfjs keeps
 * its kernel registry) so that two copies of nnlab in one process share it: either can restore
 * the stock kernels.
 */
const replaced: Map<string, tf.KernelConfig> = ((globalThis as Record<symbol, unknown>)[Symbol.for('nnlab.wasm.stockKernels')] ??=
  new Map<string, tf.KernelConfig>()) as Map<string, tf.KernelConfig>;

/** Remembers the stock config of a kernel we are about to replace (first one wins). */
export function rememberStock(config: tf.KernelConfig): void {
  if (!replaced.has(config.kernelName)) replaced.set(config.kernelName, config);
}

/** The stock config we replaced under `name`, if any. */
export function rememberedStock(name: string): tf.KernelConfig | undefined {
  return replaced.get(name);
}

/**
 * The stock wasm kernel `name`: the config we replaced, else whatever the registry holds.
 * Throws, naming the kernel, when neither exists (tfjs-backend-wasm not loaded).
 */
export function stockKernel(name: string): tf.KernelConfig {
  const config = replaced.get(name) ?? tf.getKernel(name, BACKEND);
  if (config === undefined) {
    throw new Error(`nnlab wasm kernels: the stock wasm kernel '${name}' is not registered; ` +
      `import '@tensorflow/tfjs-backend-wasm' before using the wasm backend`);
  }
  return config;
}

/** Runs the stock wasm kernel `name` on `inputs`; the result is new and owned by the caller. */
export function runStock(backend: BackendWasm, name: string, inputs: tf.NamedTensorInfoMap,
  attrs: object = {}): Info {
  const args = { inputs, backend, attrs: attrs as tf.NamedAttrMap };
  const out = withPool(name, args, () => unpooled(stockKernel(name).kernelFunc)(args));
  if (Array.isArray(out)) throw new Error(`nnlab wasm kernels: '${name}' returned ${out.length} tensors, expected one`);
  return out;
}

/**
 * `t` seen under another shape of the same size: no copy, no reference count. A view must not
 * outlive `t` and is never disposed itself (dispose `t`).
 */
export function view(t: Info, shape: Shape): Info {
  if (size(shape) !== size(t.shape)) {
    throw new Error(`nnlab wasm kernels: cannot view shape [${t.shape}] as [${shape}]`);
  }
  return { dataId: t.dataId, shape, dtype: t.dtype };
}

/** Number of elements of a shape. */
export function size(shape: readonly number[]): number {
  return shape.reduce((a, b) => a * b, 1);
}

/**
 * The intermediates of one kernel call: {@link Scratch.keep} registers a tensor, and
 * {@link withScratch} releases all of them when the call returns or throws.
 */
export class Scratch {
  readonly backend: BackendWasm;
  private readonly kept: Info[] = [];

  constructor(backend: BackendWasm) {
    this.backend = backend;
  }

  /** Registers `t` for release at the end of the call and returns it. */
  keep(t: Info): Info {
    this.kept.push(t);
    return t;
  }

  /** Runs a stock kernel and keeps its result as an intermediate. */
  run(name: string, inputs: tf.NamedTensorInfoMap, attrs: object = {}): Info {
    return this.keep(runStock(this.backend, name, inputs, attrs));
  }

  /**
   * `x` transposed by `perm`, kept as an intermediate: through the Transpose kernel registered now
   * (nnlab's ./transpose.ts while the overrides are installed, else stock's).
   */
  transpose(x: Info, perm: number[]): Info {
    const config = tf.getKernel(tf.Transpose, BACKEND) ?? stockKernel(tf.Transpose);
    const out = config.kernelFunc({ inputs: { x }, backend: this.backend, attrs: { perm } });
    if (Array.isArray(out)) throw new Error(`nnlab wasm kernels: 'Transpose' returned ${out.length} tensors, expected one`);
    return this.keep(out);
  }

  /** Releases every kept tensor (the engine never saw them). */
  release(): void {
    for (const t of this.kept.splice(0)) this.backend.disposeData(t.dataId);
  }
}

/**
 * Runs `body` with a fresh {@link Scratch} and releases its intermediates afterwards. A tensor
 * `body` returns must not be kept in the scratch, nor be a view of a kept one (it would dangle).
 */
export function withScratch<T>(backend: BackendWasm, body: (scratch: Scratch) => T): T {
  const scratch = new Scratch(backend);
  try {
    return body(scratch);
  } finally {
    scratch.release();
  }
}

/** A new float32 tensor of zeros (wasm `makeOutput` does not clear its memory). */
export function zeros(backend: BackendWasm, shape: Shape): Info {
  const out = backend.makeOutput(shape, 'float32');
  heap(backend, out).fill(0);
  return out;
}

/**
 * Runs `body` with `count` float64 values of scratch in the wasm heap (zeroed), given as a view
 * and as its byte address for a module; the scratch is disposed after. The view is detached if
 * `body` allocates tensors: take it before, or read through a fresh view.
 */
export function withFloat64Scratch<T>(backend: BackendWasm, count: number, body: (values: Float64Array, address: number) => T): T {
  // 2·count float32 slots, +2 so that an 8-byte-aligned start fits (float32 slots are 4-aligned)
  const slots = backend.makeOutput([2 * count + 2], 'float32');
  try {
    const view = heap(backend, slots);
    const address = view.byteOffset + (view.byteOffset % 8);
    const values = new Float64Array(view.buffer, address, count);
    values.fill(0);
    return body(values, address);
  } finally {
    backend.disposeData(slots.dataId);
  }
}

/**
 * A float32 view of `t`'s memory in the wasm heap. Take it after the last allocation: growing the
 * heap detaches earlier views.
 */
export function heap(backend: BackendWasm, t: Info): Float32Array {
  return backend.typedArrayFromHeap(t) as Float32Array;
}

/** A new tensor of shape `shape` holding elements [offset, offset + size(shape)) of `t`. */
export function copyRange(backend: BackendWasm, t: Info, offset: number, shape: Shape): Info {
  const out = backend.makeOutput(shape, 'float32');
  heap(backend, out).set(heap(backend, t).subarray(offset, offset + size(shape)));
  return out;
}

/**
 * A new tensor of shape `shape` holding `t`'s `blocks` equal blocks of values in reverse order
 * (the first block last): `tf.reverse` along a leading axis, as one `set` per block (the stock
 * Reverse kernel took 7.3 ms on a [9, 128, 128] filter, this 0.1 ms).
 */
export function reverseBlocks(backend: BackendWasm, t: Info, blocks: number, shape: Shape): Info {
  const n = size(t.shape);
  if (size(shape) !== n || n % blocks !== 0) throw new Error(`reverseBlocks: ${n} values do not make ${blocks} blocks of shape [${shape}]`);
  const out = backend.makeOutput(shape, 'float32');
  const src = heap(backend, t);
  const dst = heap(backend, out);
  const len = n / blocks;
  for (let k = 0; k < blocks; k++) dst.set(src.subarray(k * len, (k + 1) * len), (blocks - 1 - k) * len);
  return out;
}

/**
 * A new NHWC tensor: `x` [n, h, w, c] without its first `top` and last `bottom` rows and its first
 * `left` and last `right` columns (all >= 0). One `set` per kept row.
 */
export function crop(backend: BackendWasm, x: Info, top: number, bottom: number, left: number, right: number): Info {
  const [n, h, w, c] = x.shape;
  const outH = h - top - bottom;
  const outW = w - left - right;
  const out = backend.makeOutput([n, outH, outW, c], 'float32');
  const src = heap(backend, x);
  const dst = heap(backend, out);
  const rowLength = outW * c;
  for (let b = 0; b < n; b++) {
    for (let i = 0; i < outH; i++) {
      const from = ((b * h + i + top) * w + left) * c;
      dst.set(src.subarray(from, from + rowLength), (b * outH + i) * rowLength);
    }
  }
  return out;
}
