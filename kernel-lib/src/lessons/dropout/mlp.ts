/**
 * The MNIST MLP of lesson 09's overfitting experiment, trained by hand: images as dense float32
 * rows, He-initialised tf variables, the cs231n training step (forward with masks, softmax loss,
 * the backward pass written out in net.ts, then Adam or SGD with momentum), an epoch loop that
 * yields to the event loop after every step, and a test-mode evaluation. Internal to
 * {@link overfit} and bench/dropout.ts; the namespace exports only {@link MNIST_MLP_SIZES}.
 *
 *   L = -(1/N) Σ_n log softmax(scores_n)[y_n],   dL/dscores = (softmax(scores) - Y) / N
 */
import * as tf from '@tensorflow/tfjs';
import { ArgumentError } from '../../core/errors';
import type { SeedStream } from '../../core/rng';
import type { ImageDataset } from '../../data/load';
import type { DropoutScheme } from './dropout';
import { heWeights, NetLayer, netBackwardStep, netForwardStep, netPredictStep } from './net';
import { softmaxLoss } from '../../nets/losses';

export { softmaxLoss };

/** The MNIST MLP of the lecture: 784-512-512-512-10 (932,362 parameters). */
export const MNIST_MLP_SIZES: readonly number[] = [784, 512, 512, 512, 10];

/** Update rules the trainer supports: Adam (β1 0.9, β2 0.999) or SGD with momentum 0.9. */
export const MLP_OPTIMIZERS = ['adam', 'momentum'] as const;
export type MlpOptimizer = typeof MLP_OPTIMIZERS[number];

/** Images as float32 rows x / 255 [count, 784] and one-hot labels [count, 10], for fast batch copies. */
export interface DenseData { x: Float32Array; y: Float32Array; count: number }

/** Flattens an image dataset to {@link DenseData}. */
export function denseData(ds: ImageDataset): DenseData {
  const size = ds.height * ds.width * ds.channels;
  if (size !== 784 || ds.classNames.length !== 10) {
    throw new ArgumentError('dataset', `${ds.name} (${ds.height}x${ds.width}x${ds.channels}, ${ds.classNames.length} classes)`, 'images of 784 pixels in 10 classes');
  }
  const x = new Float32Array(ds.count * size);
  for (let i = 0; i < x.length; i++) x[i] = ds.images[i] / 255;
  const y = new Float32Array(ds.count * 10);
  for (let i = 0; i < ds.count; i++) y[i * 10 + ds.labels[i]] = 1;
  return { x, y, count: ds.count };
}

/** Rows `indices` of the data as tensors x [n, 784], y [n, 10] (the caller disposes them). */
export function denseBatch(data: DenseData, indices: readonly number[]): { x: tf.Tensor2D; y: tf.Tensor2D } {
  const n = indices.length;
  const x = new Float32Array(n * 784);
  const y = new Float32Array(n * 10);
  indices.forEach((idx, k) => {
    x.set(data.x.subarray(idx * 784, idx * 784 + 784), k * 784);
    y.set(data.y.subarray(idx * 10, idx * 10 + 10), k * 10);
  });
  return { x: tf.tensor2d(x, [n, 784]), y: tf.tensor2d(y, [n, 10]) };
}

/** An MLP being trained: its parameters as tf variables and its optimizer. */
export interface MlpTrainer { params: NetLayer[]; optimizer: tf.Optimizer }

/** He-initialised variables (seeded, float32: the values of netParams64(sizes, seed)) and the optimizer. */
export function createMlpTrainer(sizes: readonly number[], seed: number, optimizer: MlpOptimizer, lr: number): MlpTrainer {
  const params = sizes.slice(1).map((fanOut, l) => tf.tidy(() => ({ // tidy frees the initial values, keeps the variables
    W: tf.variable(tf.tensor2d(heWeights(sizes[l], fanOut, seed, l + 1), [sizes[l], fanOut])) as tf.Variable<tf.Rank.R2>,
    b: tf.variable(tf.zeros([fanOut])) as tf.Variable<tf.Rank.R1>,
  })));
  return { params, optimizer: optimizer === 'adam' ? tf.train.adam(lr) : tf.train.momentum(lr, 0.9) };
}

/** Frees the trainer's variables and optimizer state. */
export function disposeMlpTrainer(trainer: MlpTrainer): void {
  for (const { W, b } of trainer.params) tf.dispose([W, b]);
  trainer.optimizer.dispose();
}

/** One training step on a batch: forward with fresh masks (sub-seed `seed`), loss, backward, Adam. Returns the loss. */
export function mlpTrainStep(trainer: MlpTrainer, x: tf.Tensor2D, y: tf.Tensor2D,
  options: { p: number; scheme: DropoutScheme; seed: number }): tf.Scalar {
  const { params, optimizer } = trainer;
  const { loss, grads } = tf.tidy(() => {
    const { scores, cache } = netForwardStep(x, params, { p: options.p, scheme: options.scheme, seed: options.seed, training: true, activation: 'relu' });
    const { loss, dscores } = softmaxLoss(scores, y);
    const g = netBackwardStep(dscores, cache, params);
    const named: tf.NamedTensorMap = {};
    params.forEach(({ W, b }, l) => {
      named[(W as tf.Variable).name] = g[l].dW;
      named[(b as tf.Variable).name] = g[l].db;
    });
    return { loss, grads: named };
  });
  optimizer.applyGradients(grads);
  tf.dispose(Object.values(grads));
  return loss;
}

/**
 * One step of the MLP on the examples `batch` of `data` (the step the one training loop calls):
 * a mask sub-seed `seed`, forward, loss, backward, update. Returns the loss (the caller's tensor).
 */
export function mlpBatchStep(trainer: MlpTrainer, data: DenseData, batch: ArrayLike<number>,
  options: { p: number; scheme: DropoutScheme; seed: number }): tf.Scalar {
  const { x, y } = denseBatch(data, Array.from(batch));
  const loss = mlpTrainStep(trainer, x, y, options);
  tf.dispose([x, y]);
  return loss;
}

/**
 * One epoch over explicit batches (the benchmark's fixed batch lists; the lesson trains with
 * nets/train.ts over {@link mlpBatchStep}): a step per batch, each with its own mask sub-seed
 * from `seeds`. Resolves to the mean training-time loss. `onStep(loss)` is called after every step
 * with that step's training-time loss, and every step ends by yielding to the event loop, so that
 * a notebook kernel can send its live progress (and hear an interrupt) while the loop runs.
 */
export async function mlpTrainEpoch(trainer: MlpTrainer, data: DenseData, order: readonly (readonly number[])[],
  options: { p: number; scheme: DropoutScheme; seeds: SeedStream; onStep?: (loss: number) => void }): Promise<number> {
  let lossSum = 0;
  let count = 0;
  for (const batch of order) {
    const loss = mlpBatchStep(trainer, data, batch, { p: options.p, scheme: options.scheme, seed: options.seeds.next() });
    const stepLoss = (await loss.data())[0];
    lossSum += stepLoss * batch.length;
    count += batch.length;
    loss.dispose();
    options.onStep?.(stepLoss);
    await new Promise((resolve) => setImmediate(resolve));
  }
  return lossSum / count;
}

/** Test-mode loss and accuracy on the first `count` examples, in chunks of 1,000. */
export async function mlpEvaluate(params: readonly NetLayer[], data: DenseData, count: number,
  options: { p: number; scheme: DropoutScheme }): Promise<{ loss: number; acc: number }> {
  let lossSum = 0;
  let correct = 0;
  for (let start = 0; start < count; start += 1000) {
    const indices = Array.from({ length: Math.min(1000, count - start) }, (_, i) => start + i);
    const { x, y } = denseBatch(data, indices);
    const [lossT, correctT] = tf.tidy(() => {
      const scores = netPredictStep(x, params, { p: options.p, scheme: options.scheme, activation: 'relu' });
      const { loss } = softmaxLoss(scores, y);
      return [tf.mul(loss, indices.length), tf.sum(tf.equal(tf.argMax(scores, 1), tf.argMax(y, 1)).toFloat())];
    });
    lossSum += (await lossT.data())[0];
    correct += (await correctT.data())[0];
    tf.dispose([x, y, lossT, correctT]);
  }
  return { loss: lossSum / count, acc: correct / count };
}
