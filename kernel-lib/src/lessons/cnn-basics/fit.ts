/**
 * Lesson 11's training of tf.layers models through THE loop (`nets/train`): one step is forward in
 * training mode (dropout on, BN on batch statistics and updating its moving averages), mean softmax
 * cross-entropy on the logits, gradients of the trainable weights, one Adam update — the step
 * `nnlab bench` times. After every epoch: the running training accuracy of that epoch's batches
 * (as the net saw them: augmented, dropout on) and the accuracy on held-out validation images
 * (inference mode). Evaluation runs in chunks of 256 images.
 *
 * Batch norm in inference mode uses its moving averages, which start at mean 0, variance 1 and
 * move a fraction (1 − momentum) of the way to each batch's statistics per step: after a short
 * run they are still far from the real statistics (after 16 steps with momentum 0.9, 19% of the
 * initial variance 1 remains) and inference is garbage. So before every evaluation the BN
 * statistics are recomputed on the first `calibrate` training images in one training-mode pass
 * ("precise BN"): each BN layer's moving mean and variance become that batch's statistics.
 */
import * as tf from '@tensorflow/tfjs';
import { ArgumentError } from '../../core/errors';
import type { ProgressCallback } from '../../core/progress';
import { mulberry32, sample, seedStream, shuffle, type SeedStream } from '../../core/rng';
import type { ImageDataset } from '../../data/load';
import { train, TrainResult } from '../../nets/train';

/** Which images of the two splits a run uses, and their labels. */
export interface DrawnSplits {
  trainIdx: number[]; valIdx: number[]; testIdx: number[];
  yTrain: Int32Array; yVal: Int32Array; yTest: Int32Array;
}

/**
 * The seeded images of a run: validation = the first `valSize` of one shuffle of the training split
 * (seed stream key 'train/val'), training = the next `trainSize`, test = a sorted seeded draw of
 * `testSize` from the test split (key 'test'). Named errors when the splits are too small.
 *
 * @example
 * const train = await nn.data.loadDataset('cifar-10', { split: 'train' });
 * const test = await nn.data.loadDataset('cifar-10', { split: 'test' });
 * const d = nn.cnn.drawSplits(train, test, { trainSize: 100, valSize: 20, testSize: 50 }, nn.seedStream(0));
 * d.trainIdx.length   // 100
 */
export function drawSplits(train: ImageDataset, test: ImageDataset, sizes: { trainSize: number; valSize: number; testSize: number }, seeds: SeedStream): DrawnSplits {
  const { trainSize, valSize, testSize } = sizes;
  if (trainSize + valSize > train.count) throw new ArgumentError('trainSize', trainSize, `at most ${train.count - valSize} with valSize ${valSize}: the training split holds ${train.count} images`);
  if (testSize > test.count) throw new ArgumentError('testSize', testSize, `at most ${test.count} (the test split)`);
  const order = shuffle(Array.from({ length: train.count }, (_, i) => i), mulberry32(seeds.derive('train/val')));
  const valIdx = order.slice(0, valSize);
  const trainIdx = order.slice(valSize, valSize + trainSize);
  const testIdx = sample(Array.from({ length: test.count }, (_, i) => i), testSize, mulberry32(seeds.derive('test'))).sort((a, b) => a - b);
  return {
    trainIdx, valIdx, testIdx,
    yTrain: Int32Array.from(trainIdx, (i) => train.labels[i]),
    yVal: Int32Array.from(valIdx, (i) => train.labels[i]),
    yTest: Int32Array.from(testIdx, (i) => test.labels[i]),
  };
}

/** One epoch of a run: mean training loss, running training accuracy, validation accuracy (epoch 0: before training). */
export interface FitEpoch { epoch: number; loss: number | null; trainAcc: number | null; valAcc: number }

export interface FitOptions {
  epochs: number;
  batchSize: number;
  lr: number;
  /** Seeds the batch order (and the augmentation draws). */
  seed: number;
  /** A new version of each batch (e.g. random flips and crops), from its own seed; default: none. */
  augment?: (x: tf.Tensor, seed: number) => tf.Tensor;
  progress?: ProgressCallback;
  phase?: string;
  progressOffset?: number;
  progressTotal?: number;
  /** Training images for the BN statistics before each evaluation (default 256; 0: keep the moving averages). */
  calibrate?: number;
}

export interface FitResult { epochs: FitEpoch[]; losses: number[]; steps: number; msPerStep: number }

/**
 * The predicted classes of `x` (argmax of the logits), inference mode, in chunks of 256.
 *
 * @example
 * const model = nn.nets.mlpModel(1);
 * nn.cnn.predictClasses(model, tf.zeros([3, 784]))   // Int32Array of 3 classes
 */
export function predictClasses(model: tf.LayersModel, x: tf.Tensor): Int32Array {
  const n = x.shape[0];
  const out = new Int32Array(n);
  for (let start = 0; start < n; start += 256) {
    const count = Math.min(256, n - start);
    const guess = tf.tidy(() => (model.predict(x.slice(start, count)) as tf.Tensor).argMax(1).dataSync());
    out.set(guess, start);
  }
  return out;
}

/**
 * The share of `guess` equal to `labels`.
 *
 * @example
 * nn.cnn.accuracy([1, 2, 3, 0], [1, 2, 0, 0])   // 0.75
 */
export function accuracy(guess: ArrayLike<number>, labels: ArrayLike<number>): number {
  let right = 0;
  for (let i = 0; i < labels.length; i++) if (guess[i] === labels[i]) right++;
  return labels.length ? right / labels.length : 0;
}

/**
 * "Precise BN": sets every batch-norm layer's moving mean and variance to the statistics of the
 * batch `x` (one forward pass in training mode with momentum 0). No-op for a model without BN.
 *
 * @example
 * const model = nn.nets.cnnModel(1);
 * nn.cnn.calibrateBatchNorm(model, tf.randomUniform([64, 32, 32, 3]));
 */
export function calibrateBatchNorm(model: tf.LayersModel, x: tf.Tensor): void {
  const bns = model.layers.filter((l) => l.getClassName() === 'BatchNormalization') as unknown as { momentum: number }[];
  if (bns.length === 0) return;
  const kept = bns.map((l) => l.momentum);
  try {
    bns.forEach((l) => { l.momentum = 0; });
    tf.tidy(() => { model.apply(x, { training: true }); });
  } finally {
    bns.forEach((l, i) => { l.momentum = kept[i]; });
  }
}

/**
 * Trains `model` on (xTrain, yTrain) with Adam through nets/train; see the module comment.
 *
 * @example
 * const model = nn.cnn.mnistCnnModel(1);
 * const x = tf.randomUniform([64, 28, 28, 1]), y = Int32Array.from({ length: 64 }, (_, i) => i % 10);
 * const fit = await nn.cnn.fitLayers(model, x, y, x, y, { epochs: 1, batchSize: 32, lr: 1e-3, seed: 1 });
 * fit.epochs.map((e) => e.valAcc)   // epoch 0 (before training) and epoch 1
 */
export async function fitLayers(model: tf.LayersModel, xTrain: tf.Tensor, yTrain: Int32Array, xVal: tf.Tensor, yVal: Int32Array, o: FitOptions): Promise<FitResult> {
  const optimizer = tf.train.adam(o.lr);
  const vars = model.trainableWeights.map((w) => w.read() as tf.Variable);
  const yT = tf.tensor1d(yTrain, 'int32');
  const seeds = seedStream(o.seed);
  let right = 0;
  let seen = 0;
  let stepMs = 0;
  let result: TrainResult;
  try {
    result = await train({
      step: (batch, at) => {
        const t0 = performance.now();
        let correct: tf.Scalar | null = null;
        const loss = tf.tidy(() => {
          const idx = tf.tensor1d(batch, 'int32');
          const clean = xTrain.gather(idx);
          const x = o.augment ? o.augment(clean, seeds.derive(`augment ${at.step}`)) : clean;
          const y = yT.gather(idx);
          const { value, grads } = tf.variableGrads(() => {
            const logits = model.apply(x, { training: true }) as tf.Tensor2D;
            correct = tf.keep(logits.argMax(1).equal(y).sum() as tf.Scalar);
            return tf.losses.softmaxCrossEntropy(tf.oneHot(y, logits.shape[1]), logits) as tf.Scalar;
          }, vars);
          optimizer.applyGradients(grads as tf.NamedTensorMap as Record<string, tf.Variable>);
          return value;
        });
        right += (correct as unknown as tf.Scalar).dataSync()[0];
        seen += batch.length;
        tf.dispose(correct as unknown as tf.Scalar);
        const value = loss.dataSync()[0];
        loss.dispose();
        stepMs += performance.now() - t0;
        return value;
      },
    }, { count: yTrain.length }, {
      epochs: o.epochs, batchSize: o.batchSize, order: (e) => mulberry32(seeds.derive(`order ${e}`)), evaluateFirst: true,
      evaluate: (epoch) => {
        const calibrate = Math.min(o.calibrate ?? 256, yTrain.length);
        if (calibrate > 0) tf.tidy(() => calibrateBatchNorm(model, xTrain.slice(0, calibrate)));
        const trainAcc = seen ? right / seen : NaN;
        right = 0;
        seen = 0;
        return { ...(epoch > 0 ? { trainAcc } : {}), valAcc: accuracy(predictClasses(model, xVal), yVal) };
      },
      progress: o.progress, phase: o.phase, progressOffset: o.progressOffset, progressTotal: o.progressTotal,
    });
  } finally {
    yT.dispose();
    optimizer.dispose();
  }
  return {
    epochs: result.epochs.map((e) => ({ epoch: e.epoch, loss: e.loss, trainAcc: e.epoch > 0 ? e.metrics.trainAcc : null, valAcc: e.metrics.valAcc })),
    losses: result.losses, steps: result.steps, msPerStep: result.steps ? stepMs / result.steps : 0,
  };
}

/**
 * A model's weights: all (Keras-style: BN moving statistics included), trainable, and the rest.
 *
 * @example
 * nn.cnn.parameterCounts(nn.nets.cnnModel(1))   // { total: 1345066, trainable: 1343146, nonTrainable: 1920 }
 */
export function parameterCounts(model: tf.LayersModel): { total: number; trainable: number; nonTrainable: number } {
  const count = (ws: tf.LayerVariable[]) => ws.reduce((s, w) => s + w.shape.reduce((a: number, b) => a * (b ?? 1), 1), 0);
  const trainable = count(model.trainableWeights);
  const total = model.countParams();
  return { total, trainable, nonTrainable: total - trainable };
}

/** Disposes a tf.layers model's weights (every layer). */
export function disposeModel(model: tf.LayersModel): void {
  model.layers.forEach((l) => l.dispose());
}
