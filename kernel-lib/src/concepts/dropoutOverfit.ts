/**
 * Dropout against overfitting (lesson 09): the MNIST MLP 784-512-512-512-10 (932,362 parameters)
 * trained on a small part of the training set, without dropout (p = 1) and with dropout after
 * every hidden layer (p = 0.8 and 0.5: "dropout 0.2 and 0.5" in Keras' drop-rate terms), with
 * train and validation loss and accuracy after every epoch.
 *
 * What a student should see: without dropout the training loss goes to ~0 and training accuracy
 * to 100 % while the validation loss turns around and climbs (memorising); with dropout the
 * training loss falls more slowly and the validation loss stays lower.
 *
 * The training step is the cs231n one: forward with masks (dropoutNetForward), softmax loss,
 * backward written out (dropoutNetBackward), then Adam (or SGD with momentum). Every mask has its own sub-seed; all runs
 * start from the same weights and see the same batch order, so they differ only by p. Metrics
 * are computed in test mode (no masks) on the validation split and on as many training examples.
 *
 * @example
 * const r = await nn.dropoutOverfit({ ps: [1, 0.5], epochs: 10 }, { onEpoch: (e) => console.log(e) });
 * r.runs[0].epochs.at(-1) // {epoch: 10, trainLoss: 0.002, trainAcc: 1, valLoss: 0.31, valAcc: 0.95, ...}
 */
import * as tf from '@tensorflow/tfjs';
import { ArgumentError, checkInt, checkKnownKeys, checkNumber, checkOneOf } from '../core/errors';
import { checkSeed, SeedStream, seedStream } from '../core/rng';
import { loadDataset } from '../data/load';
import type { ImageDataset } from '../data/load';
import { batchIndices, select, trainValSplit } from '../data/transform';
import { VERSION } from '../version';
import { checkKeepProbability, DropoutScheme, DROPOUT_SCHEMES } from './dropout';
import {
  DropoutNetLayer, dropoutNetBackward, dropoutNetForward, dropoutNetParameterCount, dropoutNetPredict, heWeights,
} from './dropoutNet';

/** Options of {@link dropoutOverfit}. */
export interface DropoutOverfitOptions {
  /** Keep probabilities to compare; 1 = no dropout. */
  ps?: readonly number[];
  scheme?: DropoutScheme;
  /** Layer sizes [784, ..., 10]. */
  sizes?: readonly number[];
  /** Training and validation examples, split (seeded) from the first trainSize + valSize MNIST training images. */
  trainSize?: number;
  valSize?: number;
  epochs?: number;
  batchSize?: number;
  /** The update rule: Adam (β1 0.9, β2 0.999, the default) or SGD with momentum 0.9. */
  optimizer?: DropoutOverfitOptimizer;
  /** The learning rate. */
  lr?: number;
  seed?: number;
}

/** Update rules the experiment supports. */
export const DROPOUT_OVERFIT_OPTIMIZERS = ['adam', 'momentum'] as const;
export type DropoutOverfitOptimizer = typeof DROPOUT_OVERFIT_OPTIMIZERS[number];

export interface DropoutOverfitConfig {
  ps: number[];
  scheme: DropoutScheme;
  sizes: number[];
  trainSize: number;
  valSize: number;
  epochs: number;
  batchSize: number;
  optimizer: DropoutOverfitOptimizer;
  lr: number;
  seed: number;
}

/** The MNIST MLP of the lecture: 784-512-512-512-10. */
export const MNIST_MLP_SIZES: readonly number[] = [784, 512, 512, 512, 10];

/** Defaults: no dropout, p = 0.8 and p = 0.5; 10,000 training and 5,000 validation images; 15 epochs of Adam (lr 1e-3, batch 128). */
export const DROPOUT_OVERFIT_DEFAULTS: DropoutOverfitConfig = {
  ps: [1, 0.8, 0.5], scheme: 'inverted', sizes: [...MNIST_MLP_SIZES], trainSize: 10_000, valSize: 5_000,
  epochs: 15, batchSize: 128, optimizer: 'adam', lr: 1e-3, seed: 0,
};

/** Quick mode (tests, live demos): a small subset and a few epochs; every step still runs. */
export const DROPOUT_OVERFIT_QUICK: Partial<DropoutOverfitConfig> = { trainSize: 1_000, valSize: 500, epochs: 3 };

const OPTION_KEYS = ['ps', 'scheme', 'sizes', 'trainSize', 'valSize', 'epochs', 'batchSize', 'optimizer', 'lr', 'seed'] as const;

/** One epoch of one run, all metrics in test mode except `dropoutLoss`. */
export interface OverfitEpoch {
  epoch: number;
  trainLoss: number;
  trainAcc: number;
  valLoss: number;
  valAcc: number;
  /** Mean training-time loss (with masks) over the epoch's steps. */
  dropoutLoss: number;
}

export interface OverfitRun { p: number; epochs: OverfitEpoch[] }

/** What {@link dropoutOverfit} returns: plain JSON. */
export interface DropoutOverfitRecord {
  experiment: 'dropoutOverfit';
  options: DropoutOverfitConfig;
  backend: string;
  versions: { nnlab: string; tfjs: string };
  parameters: number;
  /** Where the images came from (a note when only a truncated file was available). */
  data: { dataset: string; trainSize: number; valSize: number; evalTrainSize: number; note: string | null };
  runs: OverfitRun[];
  meta: { ms: number };
}

/** Callbacks: the notebook wires them to a live chart and a progress bar, the CLI to text lines. */
export interface DropoutOverfitHooks {
  onEpoch?: (p: number, epoch: OverfitEpoch) => void;
  onStep?: (done: number, total: number) => void;
  /** Use these images instead of loading MNIST (tests, other datasets with 784 pixels and 10 classes). */
  data?: ImageDataset;
}

export function resolveDropoutOverfitOptions(options: DropoutOverfitOptions = {}): DropoutOverfitConfig {
  if (typeof options !== 'object' || options === null) throw new ArgumentError('options', options, 'an object');
  checkKnownKeys('dropoutOverfit', options, OPTION_KEYS);
  const o = { ...DROPOUT_OVERFIT_DEFAULTS, ...options };
  if (!Array.isArray(o.ps) || o.ps.length === 0) throw new ArgumentError('ps', o.ps, 'a non-empty array of keep probabilities in (0, 1]');
  if (!Array.isArray(o.sizes) || o.sizes.length < 2) throw new ArgumentError('sizes', o.sizes, 'an array [784, ..., 10] of layer sizes');
  const sizes = o.sizes.map((s, i) => checkInt(`sizes[${i}]`, s, { min: 1 }));
  if (sizes[0] !== 784 || sizes[sizes.length - 1] !== 10) throw new ArgumentError('sizes', o.sizes, 'layer sizes starting at 784 (28x28 pixels) and ending at 10 (classes)');
  return {
    ps: o.ps.map((p, i) => checkKeepProbability(`ps[${i}]`, p)),
    scheme: checkOneOf('scheme', o.scheme, DROPOUT_SCHEMES),
    sizes,
    trainSize: checkInt('trainSize', o.trainSize, { min: 1 }),
    valSize: checkInt('valSize', o.valSize, { min: 1 }),
    epochs: checkInt('epochs', o.epochs, { min: 1, max: 1000 }),
    batchSize: checkInt('batchSize', o.batchSize, { min: 1, max: 60_000 }),
    optimizer: checkOneOf('optimizer', o.optimizer, DROPOUT_OVERFIT_OPTIMIZERS),
    lr: checkNumber('lr', o.lr, { min: Number.MIN_VALUE, max: 10 }),
    seed: checkSeed('seed', o.seed),
  };
}

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
export interface MlpTrainer { params: DropoutNetLayer[]; optimizer: tf.Optimizer }

/** He-initialised variables (seeded, float32: the values of dropoutNetParams64(sizes, seed)) and the optimizer. */
export function createMlpTrainer(sizes: readonly number[], seed: number, optimizer: DropoutOverfitOptimizer, lr: number): MlpTrainer {
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

/**
 * Softmax loss (cs231n's softmax_loss): L = -(1/N) Σ_n log softmax(scores_n)[y_n],
 * dL/dscores = (softmax(scores) - Y) / N, with Y one-hot [N, C]. New tensors, the caller's.
 */
export function softmaxLoss(scores: tf.Tensor2D, Y: tf.Tensor2D): { loss: tf.Scalar; dscores: tf.Tensor2D } {
  return tf.tidy(() => {
    const N = scores.shape[0];
    const logp = tf.logSoftmax(scores);
    return { loss: tf.div(tf.neg(tf.sum(tf.mul(Y, logp))), N) as tf.Scalar, dscores: tf.div(tf.sub(tf.exp(logp), Y), N) as tf.Tensor2D };
  });
}

/** One training step on a batch: forward with fresh masks (sub-seed `seed`), loss, backward, Adam. Returns the loss. */
export function mlpTrainStep(trainer: MlpTrainer, x: tf.Tensor2D, y: tf.Tensor2D,
  options: { p: number; scheme: DropoutScheme; seed: number }): tf.Scalar {
  const { params, optimizer } = trainer;
  const { loss, grads } = tf.tidy(() => {
    const { scores, cache } = dropoutNetForward(x, params, { ...options, training: true });
    const { loss, dscores } = softmaxLoss(scores, y);
    const g = dropoutNetBackward(dscores, cache, params);
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
 * One epoch over `order` (batches of indices): a step per batch, each with its own mask sub-seed
 * from `seeds`. Resolves to the mean training-time loss. `onStep` is called after every step, and
 * every step ends by yielding to the event loop, so that a notebook kernel can send its live
 * progress (and hear an interrupt) while the loop runs.
 */
export async function mlpTrainEpoch(trainer: MlpTrainer, data: DenseData, order: readonly (readonly number[])[],
  options: { p: number; scheme: DropoutScheme; seeds: SeedStream; onStep?: () => void }): Promise<number> {
  let lossSum = 0;
  let count = 0;
  for (const batch of order) {
    const { x, y } = denseBatch(data, batch);
    const loss = mlpTrainStep(trainer, x, y, { p: options.p, scheme: options.scheme, seed: options.seeds.next() });
    tf.dispose([x, y]);
    lossSum += (await loss.data())[0] * batch.length;
    count += batch.length;
    loss.dispose();
    options.onStep?.();
    await new Promise((resolve) => setImmediate(resolve));
  }
  return lossSum / count;
}

/** Test-mode loss and accuracy on the first `count` examples, in chunks of 1,000. */
export async function mlpEvaluate(params: readonly DropoutNetLayer[], data: DenseData, count: number,
  options: { p: number; scheme: DropoutScheme }): Promise<{ loss: number; acc: number }> {
  let lossSum = 0;
  let correct = 0;
  for (let start = 0; start < count; start += 1000) {
    const indices = Array.from({ length: Math.min(1000, count - start) }, (_, i) => start + i);
    const { x, y } = denseBatch(data, indices);
    const [lossT, correctT] = tf.tidy(() => {
      const scores = dropoutNetPredict(x, params, options);
      const { loss } = softmaxLoss(scores, y);
      return [tf.mul(loss, indices.length), tf.sum(tf.equal(tf.argMax(scores, 1), tf.argMax(y, 1)).toFloat())];
    });
    lossSum += (await lossT.data())[0];
    correct += (await correctT.data())[0];
    tf.dispose([x, y, lossT, correctT]);
  }
  return { loss: lossSum / count, acc: correct / count };
}

/** Loads the training and validation parts: the first trainSize + valSize MNIST training images, split with a seed. */
async function loadSplit(config: DropoutOverfitConfig, seed: number, given?: ImageDataset): Promise<{ train: ImageDataset; val: ImageDataset; note: string | null }> {
  const ds = given ?? await loadDataset('mnist', { split: 'train', allowPartial: true, progress: false });
  const need = config.trainSize + config.valSize;
  if (ds.count < need) {
    throw new ArgumentError('trainSize + valSize', need, `at most the ${ds.count} training images available${ds.note ? ` (${ds.note})` : ''}`);
  }
  const first = select(ds, Array.from({ length: need }, (_, i) => i));
  const { train, val } = trainValSplit(first, config.valSize / need, seed);
  return { train, val, note: ds.note ?? null };
}

/**
 * Runs the experiment: for each p, the same initial weights and batch order, `epochs` epochs of
 * Adam with dropout at every hidden layer, metrics after each epoch. Frees every tensor it makes.
 */
export async function dropoutOverfit(options: DropoutOverfitOptions = {}, hooks: DropoutOverfitHooks = {}): Promise<DropoutOverfitRecord> {
  const config = resolveDropoutOverfitOptions(options);
  const start = performance.now();
  const seeds = seedStream(config.seed);
  const split = await loadSplit(config, seeds.derive('split'), hooks.data);
  const train = denseData(split.train);
  const val = denseData(split.val);
  const evalTrainSize = Math.min(train.count, val.count);
  const orders = Array.from({ length: config.epochs }, (_, e) => batchIndices(train.count, config.batchSize, seeds.derive(`order${e + 1}`)));
  const totalSteps = config.ps.length * orders.reduce((s, o) => s + o.length, 0);
  let done = 0;
  const runs: OverfitRun[] = [];
  for (const p of config.ps) {
    const trainer = createMlpTrainer(config.sizes, seeds.derive('init'), config.optimizer, config.lr);
    const masks = seeds.fork(`masks p=${p}`);
    const epochs: OverfitEpoch[] = [];
    try {
      for (let e = 0; e < config.epochs; e++) {
        const dropoutLoss = await mlpTrainEpoch(trainer, train, orders[e], {
          p, scheme: config.scheme, seeds: masks, onStep: () => hooks.onStep?.(++done, totalSteps),
        });
        const t = await mlpEvaluate(trainer.params, train, evalTrainSize, { p, scheme: config.scheme });
        const v = await mlpEvaluate(trainer.params, val, val.count, { p, scheme: config.scheme });
        const epoch = { epoch: e + 1, trainLoss: t.loss, trainAcc: t.acc, valLoss: v.loss, valAcc: v.acc, dropoutLoss };
        epochs.push(epoch);
        hooks.onEpoch?.(p, epoch);
      }
    } finally {
      disposeMlpTrainer(trainer);
    }
    runs.push({ p, epochs });
  }
  return {
    experiment: 'dropoutOverfit', options: config, backend: tf.getBackend(), versions: { nnlab: VERSION, tfjs: tf.version.tfjs },
    parameters: dropoutNetParameterCount(config.sizes),
    data: { dataset: hooks.data?.name ?? 'mnist', trainSize: train.count, valSize: val.count, evalTrainSize, note: split.note },
    runs, meta: { ms: performance.now() - start },
  };
}
