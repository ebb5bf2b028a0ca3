/**
 * The wasm `_FusedMatMul` override: `act(op(A)·op(B) + bias)` on XNNPACK whatever the transposes,
 * and right where the stock kernel is wrong. Lesson: the Dense layer (issue 4).
 *
 * What it computes, as tfjs-core's `fused.matMul` defines it (and the cpu backend does it):
 * `C = act(op(A)·op(B) + bias)` with `op` as in {@link ./batch-mat-mul}, `bias` broadcast against
 * C, and `act` one of linear, relu, relu6, leakyrelu (slope `leakyreluAlpha`), sigmoid, elu, prelu
 * (slopes `preluActivationWeights`). Shapes: A [batch, M, K] or [batch, K, M], B [batch, K, N] or
 * [batch, N, K] (the op always passes rank 3) -> C [batch, M, N].
 *
 * Stock tfjs-backend-wasm 4.22 shares the BatchMatMul C++ code: transposed or batched products run
 * the slow scalar loop, and that loop reads a rank-1 bias of size N as if it were the whole output
 * (`bias[min(i·N + j, N - 1)]`): measured against cpu, every row but the first gets the last bias
 * value (relative error 0.1-0.4). The XNNPACK path, for its part, reads a bias of size 1 as a bias of
 * size N. The override therefore takes two routes:
 * - fast: both batches 1 and bias absent or of shape [N]: transpose the flagged operands explicitly
 *   and call the stock kernel with no transposes, which hands bias and activation to XNNPACK.
 * - composed (every other case): the {@link batchMatMul} override, then stock `Add` for the bias
 *   (broadcasting like cpu), then the stock activation kernel: what the cpu backend does.
 * Unknown activations, non-float32 inputs and shapes tfjs rejects go to the stock kernel, which
 * raises tfjs's own error.
 *
 * @example
 * tf.fused.matMul({ a: X, b: W, bias: b, activation: 'relu' }); // Dense forward: relu(X·W + b)
 */
import * as tf from '@tensorflow/tfjs';
import { batchMatMul, matrix, planBatchMatMul } from './batch-mat-mul';
import { BackendWasm, Info, Inputs, KernelArgs, runStock, view, withScratch } from './kernels-stock';

/** tfjs activation name -> the stock wasm kernel that applies it (null: nothing to apply). */
const ACTIVATION_KERNELS: Record<string, string | null> = {
  linear: null,
  relu: tf.Relu,
  relu6: tf.Relu6,
  leakyrelu: tf.LeakyRelu,
  sigmoid: tf.Sigmoid,
  elu: tf.Elu,
  prelu: tf.Prelu,
};

/** The kernel function registered for `_FusedMatMul` on wasm. */
export function fusedMatMul(args: KernelArgs): Info {
  const backend = args.backend as BackendWasm;
  const { a, b, bias, preluActivationWeights } = args.inputs as Inputs<'a' | 'b'> & Partial<Inputs<'bias' | 'preluActivationWeights'>>;
  const attrs = args.attrs as unknown as tf._FusedMatMulAttrs;
  const { transposeA, transposeB, activation } = attrs;
  const plan = planBatchMatMul(a.shape, b.shape, transposeA, transposeB);
  const stockOnly = plan.why === 'shapes' || plan.why === 'empty';
  if (stockOnly || !(activation in ACTIVATION_KERNELS) || a.dtype !== 'float32' || b.dtype !== 'float32') {
    return runStock(backend, tf._FusedMatMul, args.inputs, attrs);
  }
  const unbatched = plan.batchA === 1 && plan.batchB === 1;
  const biasFits = bias == null || (bias.shape.length === 1 && bias.shape[0] === plan.n);
  // a swapped product gives Cᵀ, which XNNPACK's bias (one per column of its output) does not fit
  if (unbatched && biasFits && !plan.swap) {
    return withScratch(backend, (scratch) => {
      const a2 = matrix(scratch, a, transposeA);
      const b2 = matrix(scratch, b, transposeB);
      return runStock(backend, tf._FusedMatMul, {
        a: view(a2, [1, ...a2.shape]), b: view(b2, [1, ...b2.shape]), bias, preluActivationWeights,
      }, { ...attrs, transposeA: false, transposeB: false });
    });
  }
  return composed(backend, args.inputs, attrs);
}

/** act(op(A)·op(B) + bias) as three kernels, like the cpu backend. */
function composed(backend: BackendWasm, inputs: tf.NamedTensorInfoMap, attrs: tf._FusedMatMulAttrs): Info {
  const { a, b, bias, preluActivationWeights } = inputs as Inputs<'a' | 'b'> & Partial<Inputs<'bias' | 'preluActivationWeights'>>;
  const { transposeA, transposeB, activation, leakyreluAlpha } = attrs;
  return withScratch(backend, (scratch) => {
    let y = batchMatMul({ inputs: { a, b }, backend, attrs: { transposeA, transposeB } });
    if (bias != null) {
      y = runStock(backend, tf.Add, { a: scratch.keep(y), b: bias });
    }
    const kernel = ACTIVATION_KERNELS[activation];
    if (kernel === tf.Prelu) {
      y = runStock(backend, kernel, { x: scratch.keep(y), alpha: preluActivationWeights });
    } else if (kernel !== null) {
      y = runStock(backend, kernel, { x: scratch.keep(y) }, { alpha: leakyreluAlpha ?? 0.2 });
    }
    return y;
  });
}
