/**
 * nnlab's own wasm kernel `NnlabDropoutMask`: the multiplier of inverted dropout, written straight
 * into a new tensor on the wasm heap. Lesson: dropout (the lecture CNN and MLP train with it:
 * `nets/models` StepDropout).
 *
 * What: attributes `shape`, `rate` (drop probability, in [0, 1)) and `seed`; output float32 of
 * `shape` whose values are float32(1/(1 - rate)) with probability 1 - rate, independently, else 0:
 * core/rng's {@link fillDropoutMask} (mulberry32), the same values as `nets/models` dropoutMask
 * on every backend.
 *
 * Why: tf.dropout draws tf.randomUniform in JavaScript (seedrandom's alea, ~6 ns a value), copies
 * it to the backend and adds, floors and divides there: for the lecture CNN's first dropout
 * ([64, 16, 16, 32]) ~5.7 ms a step. Writing the mask into heap memory that is already mapped takes
 * ~1.7 ns a value (~0.9 ms there), and the layer then multiplies once.
 *
 * @example
 * registerWasmKernelOverrides();
 * const mask = tf.engine().runKernel('NnlabDropoutMask', {}, { shape: [64, 512], rate: 0.5, seed: 7 });
 */
import { fillDropoutMask } from '../../core/rng';
import { BackendWasm, heap, Info, KernelArgs, size } from './kernels-stock';

/** The kernel's name (nnlab's own: tfjs has no such kernel). */
export const DROPOUT_MASK = 'NnlabDropoutMask';

/** The attributes of a {@link DROPOUT_MASK} call. */
export interface DropoutMaskAttrs { shape: number[]; rate: number; seed: number }

/** The kernel function registered for {@link DROPOUT_MASK} on wasm. */
export function dropoutMaskKernel(args: KernelArgs): Info {
  const backend = args.backend as BackendWasm;
  const { shape, rate, seed } = args.attrs as unknown as DropoutMaskAttrs;
  if (!Array.isArray(shape) || !shape.every((d) => Number.isInteger(d) && d >= 0)) {
    throw new Error(`${DROPOUT_MASK}: shape is ${JSON.stringify(shape)}; allowed: an array of integers >= 0`);
  }
  if (!(typeof rate === 'number' && rate >= 0 && rate < 1)) throw new Error(`${DROPOUT_MASK}: rate is ${JSON.stringify(rate)}; allowed: a number in [0, 1)`);
  if (!Number.isSafeInteger(seed) || seed < 0) throw new Error(`${DROPOUT_MASK}: seed is ${JSON.stringify(seed)}; allowed: an integer >= 0`);
  const out = backend.makeOutput(shape, 'float32');
  const n = size(shape);
  if (n > 0) {
    const values = heap(backend, out);
    fillDropoutMask(new Uint32Array(values.buffer, values.byteOffset, n), rate, seed);
  }
  return out;
}
