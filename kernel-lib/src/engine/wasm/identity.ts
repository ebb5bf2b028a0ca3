/**
 * The wasm `Identity` and `Cast` overrides: `y = x` shares x's memory (one more reference) instead of copying
 * it, as tfjs's cpu backend does and as wasm's own `Reshape` does. Lesson: what a training step
 * costs besides its arithmetic (issue 4, "a fast CPU floor").
 *
 * Why: tfjs runs `Identity` a few hundred times per training step (`tf.clone`, the gradient of
 * every op that passes dy through, `keep`/`tidy` bookkeeping, optimizer state); stock
 * tfjs-backend-wasm 4.22 allocates a new buffer and copies every element each time (a CIFAR CNN
 * step: 246 calls, among them full activations of 2M floats).
 *
 * What it computes: the same tensor, `y[i] = x[i]` for every i, shape and dtype of x. Sharing is
 * safe because tfjs never writes into a tensor's memory after the kernel that made it returned
 * (`Variable.assign` swaps the data id); the backend frees the memory when its last reference is
 * disposed (`BackendWasm.disposeData` counts references, exactly as for `Reshape`).
 *
 * `Cast` to the dtype x already has is the same identity (tfjs-core's `moments` casts every
 * activation to float32 before squaring it); stock copies it. A cast to bool is `x != 0` (1 or 0),
 * as on cpu: stock wasm copies the numbers into bytes, so 0.5 becomes 0 (false), 2.5 becomes 2 and
 * -1 becomes 255. Other casts that change the dtype run the stock kernel.
 *
 * Fallback (the stock kernel): string tensors (stock builds a new tensor from the strings).
 *
 * @example
 * registerWasmKernelOverrides();
 * const y = tf.clone(x); // no copy: y and x share memory until both are disposed
 */
import * as tf from '@tensorflow/tfjs';
import { BackendWasm, Info, Inputs, KernelArgs, runStock } from './kernels-stock';

/** The kernel function registered for `Identity` on wasm. */
export function identity(args: KernelArgs): Info {
  const backend = args.backend as BackendWasm;
  const { x } = args.inputs as Inputs<'x'>;
  if (x.dtype === 'string') return runStock(backend, tf.Identity, { x });
  return share(backend, x);
}

/** The kernel function registered for `Cast` on wasm. */
export function cast(args: KernelArgs): Info {
  const backend = args.backend as BackendWasm;
  const { x } = args.inputs as Inputs<'x'>;
  const { dtype } = args.attrs as unknown as tf.CastAttrs;
  if (x.dtype === dtype && x.dtype !== 'string') return share(backend, x);
  if (dtype !== 'bool' || (x.dtype !== 'float32' && x.dtype !== 'int32')) return runStock(backend, tf.Cast, { x }, { dtype });
  const out = backend.makeOutput(x.shape, 'bool');
  const src = backend.typedArrayFromHeap(x);
  const dst = backend.typedArrayFromHeap(out);
  for (let i = 0; i < src.length; i++) dst[i] = src[i] !== 0 ? 1 : 0; // NaN != 0: true, as on cpu
  return out;
}

/** x again, one more reference to its memory. */
function share(backend: BackendWasm, x: Info): Info {
  backend.incRef(x.dataId);
  return { dataId: x.dataId, shape: x.shape, dtype: x.dtype };
}
