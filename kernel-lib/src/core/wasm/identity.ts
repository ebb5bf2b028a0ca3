/**
 * The wasm `Identity` override: `y = x` shares x's memory (one more reference) instead of copying
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
  backend.incRef(x.dataId);
  return { dataId: x.dataId, shape: x.shape, dtype: x.dtype };
}
