/**
 * The training loop and the score of lesson 10: Adam on the cross-entropy of a strategy's trainable
 * weights (frozen layers are never touched), and test accuracy. Shared by the strategies, the zoo's
 * pretraining and the three experiments.
 *
 * @example
 * const t = await nn.transfer.model(base, { strategy: 'linear', classes: 5, seed: 1 });
 * await nn.transfer.trainClassifier(t, train, { epochs: 3, seed: 2 });
 * await nn.transfer.accuracy(t.model, test) // 0.9
 */
import * as tf from '@tensorflow/tfjs';
import { ArgumentError, checkImageDataset } from '../../core/errors';
import { custom, defineOptions, float32Bytes, int, number, seed } from '../../core/options';
import type { ProgressOption } from '../../core/progress';
import { mulberry32, seedStream } from '../../core/rng';
import type { ImageDataset } from '../../data/load';
import { toTensors } from '../../data/transform';
import { crossEntropy } from '../../nets/losses';
import { train as trainLoop } from '../../nets/train';

export { crossEntropy };
import { experimentProgress } from '../../show/progress';
import { checkLayersModel, TransferModel, weightLayers } from './strategies';

/** A learning rate: a finite number in (0, 10]. */
export function checkLearningRate(name: string, value: unknown): number {
  if (typeof value !== 'number' || !(value > 0 && value <= 10)) throw new ArgumentError(name, value, 'a learning rate in (0, 10]');
  return value;
}

/** Options of {@link trainClassifier}. */
export interface TrainClassifierOptions {
  /** Passes over the training set (default 3). */
  epochs?: number;
  /** At least this many steps: small sets get more passes (default 0). */
  minSteps?: number;
  /** Default 64 (a smaller set is one batch). */
  batchSize?: number;
  /** Adam learning rate of the fresh layers (default 1e-3). */
  lr?: number;
  /** Learning rate of trained pretrained layers, as a fraction of `lr` (default 0.1: fine-tune gently). */
  pretrainedLrScale?: number;
  /** Seed of the batch order. */
  seed: number;
  /**
   * After every step, `{ done, total, phase: 'train', metrics: { loss, step } }` (steps over all
   * passes). Default: a live bar and loss chart in a kernel, silent elsewhere.
   */
  progress?: ProgressOption;
}

/**
 * The options of {@link trainClassifier}, declared once (core/options.ts); `seed` is required. The
 * options are checked first, then the model and the training set.
 */
export const TRAIN_OPTIONS = defineOptions('transfer.trainClassifier', {
  epochs: int({ min: 1, max: 10_000, default: 3 }),
  minSteps: int({ min: 0, max: 1_000_000, default: 0 }),
  batchSize: int({ min: 1, max: 10_000, default: 64 }),
  lr: custom(checkLearningRate, { default: 1e-3, bad: [0, -1e-3, NaN, Infinity, 11, '0.01'] }),
  pretrainedLrScale: number({ min: 0, max: 10, default: 0.1 }),
  seed: seed({}),
}, {
  // a batch of 28 × 28 images through the base CNN, kept with its gradients (as the experiments' estimate, ./plan.ts)
  memory: (c) => ({ bytes: float32Bytes(c.batchSize * 23_000 * 3), argument: 'batchSize', what: `a batch of ${c.batchSize} images through the base CNN (about 23,000 activations per 28 × 28 image), kept with their gradients` }),
});

/** Throws unless `value` is a model {@link trainClassifier} can train: a strategy's model or a tf.LayersModel. */
function checkTrainable(name: string, value: unknown): TransferModel | tf.LayersModel {
  if (value instanceof tf.LayersModel) return value;
  const t = value as Partial<TransferModel> | null;
  if (typeof t === 'object' && t !== null && t.model instanceof tf.LayersModel && Array.isArray(t.fresh)) return t as TransferModel;
  return checkLayersModel(name, value);
}

/** What training did: the steps, the mean loss of the last pass, and the weight count that changed. */
export interface TrainSummary { steps: number; finalLoss: number; trainedParameters: number }

/**
 * Trains the strategy's trainable weights (or those of a hand-built model whose last layer is its
 * new head) with Adam on the categorical cross-entropy L = −(1/N) Σ_n log p_n[y_n] (the head's
 * softmax output, clipped at 1e-7 like Keras). Fresh layers learn at `lr`, trained pretrained layers
 * at `lr · pretrainedLrScale` (two Adam optimizers). Batches are drawn in a seeded order; images
 * scaled to [0, 1]. Frozen layers' weights are never touched. Yields to the event loop after every
 * step (live progress in a notebook).
 *
 * @example
 * const base = nn.transfer.buildBaseCnn({ classes: 5, seed: 0 }); // or await nn.transfer.loadPretrained('mnist-0-4-cnn')
 * const few = nn.data.randomImages({ count: 25, height: 28, width: 28, channels: 1, classes: 5, seed: 1 }); // or real images: nn.transfer.loadTask
 * const t = await nn.transfer.model(base, { strategy: 'linear', classes: 5, seed: 2 });
 * const summary = await nn.transfer.trainClassifier(t, few, { epochs: 1, minSteps: 20, lr: 1e-2, seed: 3 });
 * console.log(summary.steps, summary.trainedParameters); // 20 (25 images are one batch: 20 passes) 2885 (the new head)
 * nn.transfer.disposeModel(t);
 * base.dispose();
 */
export async function trainClassifier(model: TransferModel | tf.LayersModel, train: ImageDataset, options: TrainClassifierOptions): Promise<TrainSummary> {
  const { config, progress } = TRAIN_OPTIONS.take(options);
  const { epochs, minSteps, batchSize, lr, pretrainedLrScale: scale } = config;
  const checked = checkTrainable('model', model);
  checkImageDataset('train', train);
  const t = checked instanceof tf.LayersModel ? asTransferModel(checked) : checked;
  const seeds = seedStream(config.seed);
  const classes = t.model.outputs[0].shape[1] as number;
  if (train.labels.some((y) => y >= classes)) throw new ArgumentError('train', `labels up to ${Math.max(...train.labels)}`, `labels in [0, ${classes - 1}] for a head with ${classes} units`);
  const fresh = new Set(t.fresh);
  const vars = (pick: (layer: string) => boolean) => t.model.layers.filter((l) => l.trainable && pick(l.name))
    .flatMap((l) => l.trainableWeights.map((w) => w.read() as tf.Variable));
  const groups = [
    { vars: vars((n) => fresh.has(n)), lr },
    { vars: vars((n) => !fresh.has(n)), lr: lr * scale },
  ].filter((g) => g.vars.length > 0 && g.lr > 0).map((g) => ({ ...g, optimizer: tf.train.adam(g.lr) }));
  const all = groups.flatMap((g) => g.vars);
  const stepsPerEpoch = Math.ceil(train.count / batchSize);
  const passes = Math.max(epochs, Math.ceil(minSteps / stepsPerEpoch));
  const total = passes * stepsPerEpoch;
  const bar = experimentProgress(progress, {
    label: 'transfer.trainClassifier',
    chart: { metric: 'loss', title: 'Training loss', xTitle: 'step', yTitle: 'cross-entropy loss', series: ['train'] },
  });
  const step = (batch: Int32Array) => {
    const { x, y } = toTensors(train, { indices: Array.from(batch), oneHot: true });
    const { value, grads } = tf.variableGrads(() => lossOf(t, x, y as tf.Tensor2D), all);
    for (const g of groups) g.optimizer.applyGradients(g.vars.map((v) => ({ name: v.name, tensor: grads[v.name] })));
    tf.dispose([x, y, ...Object.values(grads)]);
    return value;
  };
  let lastLoss = 0;
  try {
    // the one training loop: passes of a seeded shuffle (sub-seeds order0, order1, ...), the short last batch kept
    const result = await trainLoop({ step }, { count: train.count }, {
      epochs: passes, batchSize, order: (e) => mulberry32(seeds.derive(`order${e}`)), onDiverge: 'stop', progress: (e) => bar.report(e),
    });
    if (result.divergedAt !== null) {
      throw new Error(`trainClassifier: the loss became ${result.losses[result.losses.length - 1]} at step ${result.divergedAt} (lr ${lr} too large?)`);
    }
    lastLoss = result.epochs[result.epochs.length - 1].loss ?? 0;
  } finally {
    for (const g of groups) g.optimizer.dispose();
    bar.finish();
  }
  return { steps: total, finalLoss: lastLoss, trainedParameters: all.reduce((s, v) => s + v.size, 0) };
}

/**
 * The training loss of one batch: the cross-entropy of the model's output; for an ensemble
 * ('ensemble': `t.members`), the mean of its members' own cross-entropies, (1/K) Σ_k L_k (the
 * members' weights are disjoint, so each one's gradient is its own loss's scaled by 1/K, a scale
 * Adam's step only sees through its ε).
 */
function lossOf(t: TransferModel, x: tf.Tensor, y: tf.Tensor2D): tf.Scalar {
  if (!t.members) return crossEntropy(t.model.apply(x, { training: true }) as tf.Tensor2D, y);
  const outs = t.members.apply(x, { training: true }) as tf.Tensor2D[];
  return tf.div(tf.addN(outs.map((p) => crossEntropy(p, y))), outs.length) as tf.Scalar;
}

/**
 * A model built by hand (e.g. the homework's prepareFineTune) seen as a strategy: its last layer is
 * the fresh head (trained at `lr`), every other trainable layer is pretrained (at lr · pretrainedLrScale).
 */
function asTransferModel(model: tf.LayersModel): TransferModel {
  const head = model.layers[model.layers.length - 1].name;
  const layers = weightLayers(model).map((l) => l.name);
  return { strategy: 'finetune-top', model, pretrained: layers.filter((n) => n !== head), trained: layers.filter((l) => model.getLayer(l).trainable), fresh: [head], release: () => model.dispose() };
}

/**
 * Fraction of `ds` the model classifies right (argmax of its output), in batches of 500.
 * `onBatch(done, total)` is called after each batch (images scored so far, of `ds.count`).
 *
 * @example
 * const cnn = nn.transfer.buildBaseCnn({ classes: 5, seed: 1 });
 * const ds = nn.data.randomImages({ count: 100, height: 28, width: 28, channels: 1, classes: 5, seed: 2 });
 * console.log(await nn.transfer.accuracy(cnn, ds)); // about 0.2: chance, untrained on random images
 * cnn.dispose();
 */
export async function accuracy(model: tf.LayersModel, ds: ImageDataset, onBatch?: (done: number, total: number) => void): Promise<number> {
  checkLayersModel('model', model);
  checkImageDataset('ds', ds);
  if (onBatch !== undefined && typeof onBatch !== 'function') throw new ArgumentError('onBatch', onBatch, 'a function (done, total) => void, or nothing');
  let correct = 0;
  for (let start = 0; start < ds.count; start += 500) {
    const size = Math.min(500, ds.count - start);
    const { x, y } = toTensors(ds, { start, size });
    const hits = tf.tidy(() => tf.sum(tf.equal(tf.argMax(model.predict(x) as tf.Tensor, 1), y)));
    correct += (await hits.data())[0];
    tf.dispose([x, y, hits]);
    onBatch?.(start + size, ds.count);
  }
  return correct / ds.count;
}
