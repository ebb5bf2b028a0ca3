/**
 * The lecture's two-layer net, written out with explicit weight tensors so that a student sees
 * every step (lessons 05 and 06, and their homework):
 *
 *   z₁ = X·W₁ + b₁,  h = max(0, z₁),  scores = h·W₂ + b₂,
 *   L = −(1/N) Σₙ log softmax(scoresₙ)[yₙ]  +  ½·reg·(ΣW₁² + ΣW₂²)
 *
 * (biases are not regularised). The backward pass, from `softmaxLoss`'s dscores:
 *
 *   dW₂ = hᵀ·dscores + reg·W₂,  db₂ = Σₙ dscores,  dh = dscores·W₂ᵀ,
 *   dz₁ = dh ⊙ [z₁ > 0],        dW₁ = Xᵀ·dz₁ + reg·W₁, db₁ = Σₙ dz₁.
 *
 * Weights start as the lecture's `std · randn` (`std = 1e-4`), biases at 0: with such small
 * weights every class gets probability ≈ 1/10 and the initial data loss is ≈ ln 10.
 *
 * @example
 * const net = nn.nets.initTwoLayer({ inputSize: 3072, hiddenSize: 50, classes: 10, seed: 0 });
 * const X = nn.tf.randomNormal([20, 3072], 0, 60) as nn.tf.Tensor2D;   // centred pixels
 * const labels = nn.tf.tensor1d(Array.from({ length: 20 }, (_, i) => i % 10), 'int32');
 * const { loss } = nn.nets.twoLayerLoss(net, X, labels, { reg: 0 });
 * loss.dataSync()[0]   // about 2.3026 = ln 10
 */
import * as tf from '@tensorflow/tfjs';
import { ArgumentError, checkInt, checkNumber } from '../core/errors';
import { normalArray } from '../core/normal';
import { seedStream } from '../core/rng';
import { softmaxLoss } from './losses';

/** The parameters of the two-layer net, by name. */
export interface TwoLayerParams { W1: tf.Tensor2D; b1: tf.Tensor1D; W2: tf.Tensor2D; b2: tf.Tensor1D }

/** The names of the parameters, in order. */
export const TWO_LAYER_PARAMS = ['W1', 'b1', 'W2', 'b2'] as const;

/** The lecture's weight scale: `W = std * np.random.randn(...)`. */
export const TWO_LAYER_STD = 1e-4;

/**
 * New parameters: W₁ [inputSize, hiddenSize] and W₂ [hiddenSize, classes] drawn as std·N(0, 1)
 * (W₁ from the seed stream's 'W1', W₂ from 'W2'), biases 0. The caller disposes them
 * (`disposeTwoLayer`).
 *
 * @example
 * const net = nn.nets.initTwoLayer({ inputSize: 4, hiddenSize: 3, classes: 2, std: 0.1, seed: 1 });
 * net.W1.shape   // [4, 3]
 * nn.nets.disposeTwoLayer(net);
 */
export function initTwoLayer(o: { inputSize: number; hiddenSize: number; classes: number; std?: number; seed: number }): TwoLayerParams {
  const d = checkInt('inputSize', o.inputSize, { min: 1, max: 1 << 20 });
  const h = checkInt('hiddenSize', o.hiddenSize, { min: 1, max: 1 << 16 });
  const c = checkInt('classes', o.classes, { min: 2, max: 1 << 16 });
  const std = checkNumber('std', o.std ?? TWO_LAYER_STD, { min: 0, max: 100 });
  const seeds = seedStream(o.seed);
  const draw = (n: number, name: string) => Float32Array.from(normalArray(n, seeds.derive(name)), (v) => v * std);
  return {
    W1: tf.tensor2d(draw(d * h, 'W1'), [d, h]), b1: tf.zeros([h]),
    W2: tf.tensor2d(draw(h * c, 'W2'), [h, c]), b2: tf.zeros([c]),
  };
}

/**
 * Disposes the parameters.
 *
 * @example
 * const net = nn.nets.initTwoLayer({ inputSize: 4, hiddenSize: 3, classes: 2, seed: 1 });
 * nn.nets.disposeTwoLayer(net);
 * net.W1.isDisposed   // true
 */
export function disposeTwoLayer(p: TwoLayerParams): void {
  tf.dispose([p.W1, p.b1, p.W2, p.b2]);
}

function checkShapes(p: TwoLayerParams, X: tf.Tensor2D): void {
  const [d, h] = p.W1.shape;
  const shape = (t: tf.Tensor) => `[${t.shape.join(', ')}]`;
  if (X.rank !== 2 || X.shape[1] !== d) throw new ArgumentError('X', X.shape, '', `X must have shape [N, ${d}] (W1 is ${shape(p.W1)}), got shape ${shape(X)}`);
  if (p.W2.shape[0] !== h) throw new ArgumentError('W2', p.W2.shape, '', `W2 must have shape [${h}, C] (W1 is ${shape(p.W1)}), got shape ${shape(p.W2)}`);
  if (p.b1.shape[0] !== h || p.b2.shape[0] !== p.W2.shape[1]) {
    throw new ArgumentError('b1', p.b1.shape, '', `b1 and b2 must have shapes [${h}] and [${p.W2.shape[1]}], got ${shape(p.b1)} and ${shape(p.b2)}`);
  }
}

/**
 * Class scores [N, C] of the net for rows X [N, D]. A new tensor, the caller's.
 *
 * @example
 * const net = nn.nets.initTwoLayer({ inputSize: 4, hiddenSize: 3, classes: 2, std: 0.1, seed: 1 });
 * const scores = nn.nets.twoLayerScores(net, nn.tf.ones([5, 4]));
 * scores.shape   // [5, 2]
 */
export function twoLayerScores(p: TwoLayerParams, X: tf.Tensor2D): tf.Tensor2D {
  checkShapes(p, X);
  return tf.tidy(() => tf.add(tf.matMul(tf.relu(tf.add(tf.matMul(X, p.W1), p.b1)), p.W2), p.b2) as tf.Tensor2D);
}

/** What {@link twoLayerLoss} returns: new tensors, the caller's (`tf.dispose` the grads). */
export interface TwoLayerLoss {
  /** Data loss + regularisation loss. */
  loss: tf.Scalar;
  dataLoss: tf.Scalar;
  regLoss: tf.Scalar;
  grads: TwoLayerParams;
}

/**
 * The loss of the net on rows X with integer labels y, and its gradient with respect to every
 * parameter (the backward pass of the module comment, written out).
 *
 * @example
 * const net = nn.nets.initTwoLayer({ inputSize: 4, hiddenSize: 3, classes: 2, std: 0.1, seed: 1 });
 * const X = nn.tf.randomNormal([5, 4]) as nn.tf.Tensor2D;
 * const y = nn.tf.tensor1d([0, 1, 1, 0, 1], 'int32');
 * const { loss, dataLoss, regLoss, grads } = nn.nets.twoLayerLoss(net, X, y, { reg: 0.1 });
 * loss.dataSync()[0]   // about ln 2: tiny weights, two classes
 * nn.tf.dispose([loss, dataLoss, regLoss, ...Object.values(grads)]);
 */
export function twoLayerLoss(p: TwoLayerParams, X: tf.Tensor2D, y: tf.Tensor1D, o: { reg: number }): TwoLayerLoss {
  checkShapes(p, X);
  const reg = checkNumber('reg', o.reg, { min: 0, max: 1e12 });
  if (y.rank !== 1 || y.shape[0] !== X.shape[0]) throw new ArgumentError('y', y.shape, '', `y must hold one label per row of X, shape [${X.shape[0]}], got shape [${y.shape.join(', ')}]`);
  return tf.tidy(() => {
    const C = p.W2.shape[1];
    const z1 = tf.add(tf.matMul(X, p.W1), p.b1);
    const h = tf.relu(z1);
    const scores = tf.add(tf.matMul(h, p.W2), p.b2) as tf.Tensor2D;
    const { loss: dataLoss, dscores } = softmaxLoss(scores, tf.oneHot(tf.cast(y, 'int32'), C).toFloat() as tf.Tensor2D);
    const regLoss = tf.mul(0.5 * reg, tf.add(tf.sum(tf.square(p.W1)), tf.sum(tf.square(p.W2)))) as tf.Scalar;
    const dW2 = tf.add(tf.matMul(h, dscores, true, false), tf.mul(reg, p.W2)) as tf.Tensor2D;
    const db2 = tf.sum(dscores, 0) as tf.Tensor1D;
    const dh = tf.matMul(dscores, p.W2, false, true);
    const dz1 = tf.mul(dh, tf.cast(tf.greater(z1, 0), 'float32'));
    const dW1 = tf.add(tf.matMul(X, dz1, true, false), tf.mul(reg, p.W1)) as tf.Tensor2D;
    const db1 = tf.sum(dz1, 0) as tf.Tensor1D;
    return { loss: tf.add(dataLoss, regLoss) as tf.Scalar, dataLoss, regLoss, grads: { W1: dW1, b1: db1, W2: dW2, b2: db2 } };
  });
}

/**
 * One step of plain SGD, in place of the old parameters: returns new ones, p − lr·grads, and
 * disposes the old. The grads stay the caller's.
 *
 * @example
 * let net = nn.nets.initTwoLayer({ inputSize: 4, hiddenSize: 3, classes: 2, std: 0.1, seed: 1 });
 * const X = nn.tf.randomNormal([5, 4]) as nn.tf.Tensor2D;
 * const y = nn.tf.tensor1d([0, 1, 1, 0, 1], 'int32');
 * const { loss, dataLoss, regLoss, grads } = nn.nets.twoLayerLoss(net, X, y, { reg: 0 });
 * net = nn.nets.twoLayerSgdStep(net, grads, 1e-1);   // the old parameters are disposed
 * nn.tf.dispose([loss, dataLoss, regLoss, ...Object.values(grads)]);
 */
export function twoLayerSgdStep(p: TwoLayerParams, grads: TwoLayerParams, lr: number): TwoLayerParams {
  checkNumber('lr', lr, { min: 0, max: 1e12 });
  const next = tf.tidy(() => ({
    W1: tf.sub(p.W1, tf.mul(lr, grads.W1)) as tf.Tensor2D, b1: tf.sub(p.b1, tf.mul(lr, grads.b1)) as tf.Tensor1D,
    W2: tf.sub(p.W2, tf.mul(lr, grads.W2)) as tf.Tensor2D, b2: tf.sub(p.b2, tf.mul(lr, grads.b2)) as tf.Tensor1D,
  }));
  disposeTwoLayer(p);
  return next;
}
