/**
 * A fully connected layer with its activation, written the cs231n way: `denseForward(x, W,
 * activation) -> {out, cache}` and `denseBackward(dout, cache) -> {dx, dW}`, each op's backward
 * next to its forward. The weight-initialization lesson (03) runs its deep nets with these, so
 * that the backward pass, the part the lecture only asks about ("what happens to the
 * gradients?"), is in plain sight.
 *
 * Forward:  z = x · W,  out = f(z)                  x [batchSize, fanIn], W [fanIn, fanOut]
 * Backward: dz = dout ⊙ f'(z),  dW = xᵀ · dz,  dx = dz · Wᵀ
 * f'(z) is written in terms of out = f(z): tanh' = 1 - out², sigmoid' = out (1 - out),
 * relu' = [out > 0], leakyRelu' = 1 or 0.01, elu' = 1 or out + 1, selu' = λ or out + λα.
 *
 * No bias: the lecture's experiment has none. Tensors returned are new and owned by the caller;
 * the cache holds references to x and W (not copies) and `out`.
 *
 * @example
 * const { out, cache } = nn.nets.denseForward(x, W, 'tanh');
 * const { dx, dW } = nn.nets.denseBackward(dout, cache);
 */
import * as tf from '@tensorflow/tfjs';
import { checkOneOf, checkShape } from '../core/errors';
import * as act from './activations';
import { LEAKY_RELU_ALPHA, SELU_ALPHA, SELU_LAMBDA } from './activations';

/** The activations of lesson 1 that the init experiment supports (cheap elementwise ops). */
export const ACTIVATIONS = ['tanh', 'relu', 'leakyRelu', 'sigmoid', 'elu', 'selu'] as const;
export type ActivationName = typeof ACTIVATIONS[number];

export { LEAKY_RELU_ALPHA, SELU_ALPHA, SELU_LAMBDA };

/**
 * out = f(z), elementwise, with the kernels of ./activations (lesson 01's functions).
 *
 * @example
 * const z = tf.tensor1d([-1, 0, 2]);
 * nn.nets.activate(z, 'relu').arraySync()   // [0, 0, 2]
 * nn.nets.activate(z, 'tanh').arraySync()   // [-0.762, 0, 0.964]
 */
export function activate(z: tf.Tensor, activation: ActivationName): tf.Tensor {
  switch (checkOneOf('activation', activation, ACTIVATIONS)) {
    case 'tanh': return act.tanh(z);
    case 'relu': return act.relu(z);
    case 'leakyRelu': return act.leakyRelu(z, LEAKY_RELU_ALPHA);
    case 'sigmoid': return act.sigmoid(z);
    case 'elu': return act.elu(z, 1);
    case 'selu': return act.selu(z);
  }
}

/**
 * f'(z), elementwise, computed from out = f(z): the cache keeps out, not z. The same derivatives
 * in z, written to keep float32's precision where f saturates, are ./activations' `*Grad`
 * (1 - out² is 0 in float32 for tanh(z > 9); 4σ(2z)σ(-2z) is not); a test checks that the two agree.
 *
 * @example
 * const out = nn.nets.activate(tf.tensor1d([-1, 0, 2]), 'tanh');
 * nn.nets.activationGrad(out, 'tanh').arraySync()   // 1 - out²: [0.42, 1, 0.0707]
 */
export function activationGrad(out: tf.Tensor, activation: ActivationName): tf.Tensor {
  return tf.tidy(() => {
    switch (checkOneOf('activation', activation, ACTIVATIONS)) {
      case 'tanh': return tf.sub(1, tf.square(out));
      case 'sigmoid': return tf.mul(out, tf.sub(1, out));
      case 'relu': return tf.step(out, 0);
      case 'leakyRelu': return tf.step(out, LEAKY_RELU_ALPHA);
      case 'elu': return tf.add(tf.minimum(out, 0), 1);
      case 'selu': return tf.where(tf.greater(out, 0), tf.scalar(SELU_LAMBDA), tf.add(out, SELU_LAMBDA * SELU_ALPHA));
    }
  });
}

/** What {@link denseBackward} needs from the forward pass. */
export interface DenseCache { x: tf.Tensor2D; W: tf.Tensor2D; out: tf.Tensor2D; activation: ActivationName }

/**
 * out = f(x · W). Returns out (new) and the cache (x, W, out: not copies).
 *
 * @example
 * const x = tf.tensor2d([[1, 2], [3, 4], [5, 6]]);                          // a batch of 3, fanIn 2
 * const W = tf.tensor2d(nn.nets.initValues('xavier', [2, 4], 1), [2, 4]);   // fanIn 2, fanOut 4
 * const { out, cache } = nn.nets.denseForward(x, W, 'tanh');
 * out.shape   // [3, 4]
 */
export function denseForward(x: tf.Tensor2D, W: tf.Tensor2D, activation: ActivationName): { out: tf.Tensor2D; cache: DenseCache } {
  checkShape('W', W.shape, [x.shape[1], null]);
  const out = tf.tidy(() => activate(tf.matMul(x, W), activation)) as tf.Tensor2D;
  return { out, cache: { x, W, out, activation } };
}

/**
 * dz = dout ⊙ f'(z); dW = xᵀ · dz; dx = dz · Wᵀ. Returns new tensors dx [batchSize, fanIn], dW [fanIn, fanOut].
 *
 * @example
 * const x = tf.tensor2d([[1, 2], [3, 4], [5, 6]]);
 * const W = tf.tensor2d(nn.nets.initValues('xavier', [2, 4], 1), [2, 4]);
 * const { out, cache } = nn.nets.denseForward(x, W, 'relu');
 * const { dx, dW } = nn.nets.denseBackward(tf.onesLike(out), cache);   // upstream gradient: ones
 * dx.shape   // [3, 2], like x
 * dW.shape   // [2, 4], like W
 */
export function denseBackward(dout: tf.Tensor2D, cache: DenseCache): { dx: tf.Tensor2D; dW: tf.Tensor2D } {
  const { x, W, out, activation } = cache;
  checkShape('dout', dout.shape, out.shape);
  return tf.tidy(() => {
    const dz = tf.mul(dout, activationGrad(out, activation)) as tf.Tensor2D;
    return { dW: matMulAT(x, dz), dx: matMulBT(dz, W) };
  });
}

/**
 * aᵀ · b for a [n, p], b [n, q] -> [p, q], as an explicit transpose and a plain product: the
 * wasm backend runs plain products on XNNPACK and transposed ones in a scalar loop (FINDINGS.md).
 */
export function matMulAT(a: tf.Tensor2D, b: tf.Tensor2D): tf.Tensor2D {
  return tf.tidy(() => tf.matMul(tf.transpose(a), b));
}

/**
 * a · bᵀ for a [n, q], b [p, q] -> [n, p], with plain products only. Two ways: transpose b
 * (p·q numbers moved), or (b · aᵀ)ᵀ (n·q + n·p moved); the cheaper is taken. For a thin batch
 * (16 rows against a 4096 x 4096 W) the second moves 130 thousand numbers instead of 16 million.
 */
export function matMulBT(a: tf.Tensor2D, b: tf.Tensor2D): tf.Tensor2D {
  const [n, q] = a.shape;
  const p = b.shape[0];
  return tf.tidy(() => (p * q <= n * (q + p)
    ? tf.matMul(a, tf.transpose(b))
    : tf.transpose(tf.matMul(b, tf.transpose(a))))) as tf.Tensor2D;
}

/**
 * The mean and std of the entries of aᵀ·b (a [n, p], b [n, q]: a weight gradient dW = xᵀ·dz)
 * without forming the p x q product when the batch n is small:
 *   Σ_ij (aᵀb)_ij   = Σ_k (Σ_i a_ki)(Σ_j b_kj)                (row sums)
 *   Σ_ij (aᵀb)_ij²  = ‖aᵀb‖²_F = Σ_kl (a·aᵀ)_kl (b·bᵀ)_kl   (two n x n Gram matrices)
 * then mean = Σ / (pq) and std = sqrt(Σ² / (pq) - mean²), summed in float64. The `gram` route
 * costs n²(p + q) multiply-adds, the `direct` one (form aᵀb, reduce it on the device) n·p·q and
 * p·q numbers of memory; the cheaper is taken unless `route` says which. For the lecture's
 * setup B (n = 16, 4096 x 4096 weights) the Gram route avoids a 64 MB tensor per layer.
 */
export async function productMoments(a: tf.Tensor2D, b: tf.Tensor2D, route?: 'gram' | 'direct'): Promise<{ mean: number; std: number }> {
  const [n, p] = a.shape;
  checkShape('b', b.shape, [n, null]);
  const q = b.shape[1];
  const useGram = route === undefined ? n * (p + q) < p * q : route === 'gram';
  if (!useGram) {
    const { mean, variance } = tf.tidy(() => tf.moments(matMulAT(a, b)));
    const [m, v] = [(await mean.data())[0], (await variance.data())[0]];
    tf.dispose([mean, variance]);
    return { mean: m, std: Math.sqrt(v) };
  }
  const parts = tf.tidy(() => [matMulBT(a, a), matMulBT(b, b), tf.sum(a, 1), tf.sum(b, 1)]);
  const [ga, gb, ra, rb] = await Promise.all(parts.map((t) => t.data()));
  tf.dispose(parts);
  let s1 = 0;
  let s2 = 0;
  for (let k = 0; k < n; k++) s1 += ra[k] * rb[k];
  for (let k = 0; k < n * n; k++) s2 += ga[k] * gb[k];
  const mean = s1 / (p * q);
  return { mean, std: Math.sqrt(Math.max(0, s2 / (p * q) - mean * mean)) };
}
