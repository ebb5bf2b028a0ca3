/**
 * Transfer learning (lesson 10): take a network trained on a source task, and reuse it on a target
 * task. The four strategies of the lecture, as small functions over a loaded tf.LayersModel:
 *
 *   (a) 'scratch'      the same architecture, fresh initialisation, every layer trained
 *   (b) 'linear'       cut the head, freeze the base, train a new softmax layer on the frozen features
 *   (c) 'finetune-top' new head, the top k layers with weights trained too (the rest frozen)
 *   (d) 'finetune-all' new head, every layer trained; pretrained layers at a smaller learning rate
 *
 * plus {@link linearProbe}: a linear classifier on the features of any depth (a layer name), for
 * the "small and different" cell of the 2 × 2 table.
 *
 * Freezing is tf.layers' own: `layer.trainable = false` takes the layer's weights out of
 * `model.trainableWeights`, and {@link trainClassifier} only ever updates those. Pretrained layers
 * are shared with the loaded model (no copy), so dispose the strategy's model and the loaded model
 * when done ({@link disposeTransferModel}).
 *
 * Every initialisation here is our own seeded Glorot uniform (U(−√(6/(fanIn+fanOut)), +…), the
 * tf.layers default), drawn in JS: the same seed gives the same weights on every backend.
 *
 * @example
 * const base = await nn.loadPretrained('mnist-0-4-cnn');
 * const t = nn.transferModel(base, { strategy: 'linear', classes: 5, seed: 1 });
 * await nn.trainClassifier(t, train, { epochs: 3, seed: 2 });
 * nn.accuracy(t.model, test) // 0.9
 * nn.disposeTransferModel(t); base.dispose();
 */
import * as tf from '@tensorflow/tfjs';
import { ArgumentError, checkInt, checkKnownKeys, checkNumber, checkOneOf } from '../core/errors';
import { checkSeed, mulberry32, seedStream } from '../core/rng';
import type { ImageDataset } from '../data/load';
import { batchIndices, toTensors } from '../data/transform';

export const TRANSFER_STRATEGIES = ['scratch', 'linear', 'finetune-top', 'finetune-all'] as const;
export type TransferStrategy = typeof TRANSFER_STRATEGIES[number];

/** One-line descriptions, for tables and legends. */
export const TRANSFER_STRATEGY_LABELS: Record<TransferStrategy, string> = {
  scratch: '(a) from scratch',
  linear: '(b) linear on frozen features',
  'finetune-top': '(c) fine-tune top layers',
  'finetune-all': '(d) fine-tune everything',
};

/**
 * The base CNN of the lesson's model zoo, [N, 28, 28, 1] → [N, classes] softmax, three conv layers
 * from generic to specific and a linear softmax head on the top features:
 *   conv1 3×3×16 ReLU [26,26,16] → pool1 2×2 [13,13,16] → conv2 3×3×32 ReLU [11,11,32] →
 *   pool2 2×2 [5,5,32] → conv3 3×3×64 ReLU [3,3,64] → flatten [576] → head dense softmax.
 * Features per image at each depth: pool1 2,704, pool2 800, flatten (= conv3) 576.
 * Parameters with 5 classes: 160 + 4,640 + 18,496 + 2,885 = 26,181. Weights are seeded (module comment).
 */
export function buildBaseCnn(options: { classes: number; seed: number }): tf.LayersModel {
  const classes = checkInt('classes', options.classes, { min: 2 });
  const model = tf.sequential({
    name: 'base_cnn',
    layers: [
      tf.layers.conv2d({ name: 'conv1', inputShape: [28, 28, 1], filters: 16, kernelSize: 3, activation: 'relu' }),
      tf.layers.maxPooling2d({ name: 'pool1', poolSize: 2 }),
      tf.layers.conv2d({ name: 'conv2', filters: 32, kernelSize: 3, activation: 'relu' }),
      tf.layers.maxPooling2d({ name: 'pool2', poolSize: 2 }),
      tf.layers.conv2d({ name: 'conv3', filters: 64, kernelSize: 3, activation: 'relu' }),
      tf.layers.flatten({ name: 'flatten' }),
      tf.layers.dense({ name: 'head', units: classes, activation: 'softmax' }),
    ],
  });
  reinitialize(model.layers, checkSeed('seed', options.seed));
  return model;
}

/** fanIn and fanOut of a kernel: dense [in, out]; conv [kh, kw, in, out] → kh·kw·in and kh·kw·out. */
function kernelFans(shape: readonly number[]): [number, number] {
  if (shape.length < 2) return [shape[0] ?? 1, shape[0] ?? 1];
  const receptive = shape.slice(0, -2).reduce((a, b) => a * b, 1);
  return [receptive * shape[shape.length - 2], receptive * shape[shape.length - 1]];
}

/**
 * Fresh weights for `layers` from `seed`: kernels Glorot uniform, biases and batch-norm betas and
 * moving means 0, gammas and moving variances 1. Each layer gets its own sub-seed (by name).
 */
export function reinitialize(layers: readonly tf.layers.Layer[], seed: number): void {
  const seeds = seedStream(checkSeed('seed', seed));
  for (const layer of layers) {
    const weights = layer.weights;
    if (weights.length === 0) continue;
    const random = mulberry32(seeds.derive(layer.name));
    const values = weights.map((w) => {
      const shape = w.shape as number[]; // built layers: no null dimensions
      const n = shape.reduce((a, b) => a * b, 1);
      const v = new Float32Array(n);
      const kind = w.originalName.split('/').pop() ?? '';
      if (kind === 'kernel' || kind === 'depthwise_kernel') {
        const [fanIn, fanOut] = kernelFans(shape);
        const limit = Math.sqrt(6 / (fanIn + fanOut));
        for (let i = 0; i < n; i++) v[i] = (2 * random() - 1) * limit;
      } else if (kind === 'gamma' || kind === 'moving_variance') {
        v.fill(1);
      }
      return tf.tensor(v, shape);
    });
    layer.setWeights(values);
    tf.dispose(values);
  }
}

/** The layers that hold weights, input side first (the ones "top k" counts). */
export function weightLayers(model: tf.LayersModel): tf.layers.Layer[] {
  return model.layers.filter((l) => l.weights.length > 0);
}

/** Sets `trainable` on every layer of the model (freeze: false). */
export function setTrainable(model: tf.LayersModel, trainable: boolean): void {
  for (const l of model.layers) l.trainable = trainable;
}

/**
 * Copies of all the model's weight values, keyed "layer/weight" (e.g. "conv1/kernel"): compare two
 * snapshots to see what training changed (freezing tests, the homework checks).
 */
export function weightSnapshot(model: tf.LayersModel): Record<string, Float32Array> {
  const out: Record<string, Float32Array> = {};
  for (const w of model.weights) out[w.originalName] = Float32Array.from(w.read().dataSync() as Float32Array);
  return out;
}

/** Options of {@link transferModel}. */
export interface TransferModelOptions {
  strategy: TransferStrategy;
  /** Classes of the target task. */
  classes: number;
  /** For 'finetune-top': how many pretrained weight layers below the new head to train (default 1). */
  topLayers?: number;
  /** Seed of the new head's (and, for 'scratch', every layer's) initial weights. */
  seed: number;
}

/** A model built for one strategy, and which of its layers are pretrained and trained. */
export interface TransferModel {
  strategy: TransferStrategy;
  model: tf.LayersModel;
  /** Weight layers taken over from the pretrained model (empty for 'scratch'). */
  pretrained: string[];
  /** Weight layers that training updates. */
  trained: string[];
  /** Layers whose weights are new (the head; everything for 'scratch'). */
  fresh: string[];
  /** Frees what this strategy made (see {@link disposeTransferModel}). */
  release: () => void;
}

/**
 * A new classifier head on the output of `layerName` of `base` (flattened first when it is not
 * [N, D]): the base's layers up to there, shared, and a Dense softmax layer with `classes` units.
 */
export function withNewHead(base: tf.LayersModel, layerName: string, classes: number, seed: number): tf.LayersModel {
  const layer = findLayer(base, layerName);
  let x = layer.output as tf.SymbolicTensor;
  if (x.shape.length !== 2) x = tf.layers.flatten({ name: `${layerName}_flat` }).apply(x) as tf.SymbolicTensor;
  const head = tf.layers.dense({ name: `new_head_${layerName}`, units: checkInt('classes', classes, { min: 2 }), activation: 'softmax' });
  const out = head.apply(x) as tf.SymbolicTensor;
  reinitialize([head], seed);
  return tf.model({ name: `${base.name}_to_${classes}`, inputs: base.inputs, outputs: out });
}

function findLayer(model: tf.LayersModel, name: string): tf.layers.Layer {
  const layer = model.layers.find((l) => l.name === name);
  if (!layer) throw new ArgumentError('layer', name, `one of the model's layers: ${model.layers.map((l) => l.name).join(', ')}`);
  return layer;
}

/** The layer below the head: the last layer's input layer (where the base "ends"). */
export function penultimateLayer(model: tf.LayersModel): string {
  const layers = model.layers;
  if (layers.length < 2) throw new ArgumentError('model', `${layers.length} layer(s)`, 'a model with a head on top of at least one layer');
  return layers[layers.length - 2].name;
}

/**
 * Builds the model of one strategy from a loaded pretrained model (whose last layer is its head).
 * Freezes and unfreezes the shared layers as the strategy says; 'scratch' builds an independent copy
 * of the architecture (from `base.toJSON()`) with fresh weights.
 */
export async function transferModel(base: tf.LayersModel, options: TransferModelOptions): Promise<TransferModel> {
  checkKnownKeys('transferModel', options, ['strategy', 'classes', 'topLayers', 'seed']);
  const strategy = checkOneOf('strategy', options.strategy, TRANSFER_STRATEGIES);
  const classes = checkInt('classes', options.classes, { min: 2 });
  const seeds = seedStream(checkSeed('seed', options.seed));
  if (strategy === 'scratch') {
    const copy = await tf.models.modelFromJSON({ modelTopology: base.toJSON(null, false) as tf.io.ModelJSON['modelTopology'] });
    const model = withNewHead(copy, penultimateLayer(copy), classes, seeds.derive('head'));
    reinitialize(model.layers.slice(0, -1), seeds.derive('scratch'));
    const all = weightLayers(model).map((l) => l.name);
    const head = model.layers[model.layers.length - 1];
    return { strategy, model, pretrained: [], trained: all, fresh: all, release: () => { copy.dispose(); head.dispose(); } };
  }
  const baseLayers = weightLayers(base).slice(0, -1); // without the old head
  const topLayers = strategy === 'linear' ? 0 : strategy === 'finetune-all' ? baseLayers.length
    : checkInt('topLayers', options.topLayers ?? 1, { min: 1, max: baseLayers.length });
  setTrainable(base, false);
  baseLayers.slice(baseLayers.length - topLayers).forEach((l) => { l.trainable = true; });
  const model = withNewHead(base, penultimateLayer(base), classes, seeds.derive('head'));
  const head = model.layers[model.layers.length - 1];
  return {
    strategy, model,
    pretrained: baseLayers.map((l) => l.name),
    trained: [...baseLayers.slice(baseLayers.length - topLayers).map((l) => l.name), head.name],
    fresh: [head.name],
    release: () => head.dispose(),
  };
}

/**
 * A linear classifier on the frozen features of `layerName` (any depth): the base's layers up to
 * there, all frozen, and a new softmax layer.
 */
export function linearProbe(base: tf.LayersModel, layerName: string, classes: number, seed: number): TransferModel {
  setTrainable(base, false);
  const model = withNewHead(base, layerName, classes, checkSeed('seed', seed));
  const head = model.layers[model.layers.length - 1];
  return {
    strategy: 'linear', model, pretrained: weightLayers(model).slice(0, -1).map((l) => l.name), trained: [head.name], fresh: [head.name],
    release: () => head.dispose(),
  };
}

/**
 * Frees a strategy's model. Shared pretrained layers stay with the loaded model (dispose that
 * separately: `base.dispose()`); only what this strategy made (the new head; for 'scratch' the whole
 * copy) is freed. Not `t.model.dispose()`: that would free the shared layers under the loaded model.
 */
export function disposeTransferModel(t: TransferModel): void {
  t.release();
}

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
  /** After every step: steps done, steps in all, the step's loss. */
  onStep?: (done: number, total: number, loss: number) => void;
}

const TRAIN_KEYS = ['epochs', 'minSteps', 'batchSize', 'lr', 'pretrainedLrScale', 'seed', 'onStep'] as const;

/** What training did: the steps, the mean loss of the last pass, and the weight count that changed. */
export interface TrainSummary { steps: number; finalLoss: number; trainedParameters: number }

/**
 * Trains the strategy's trainable weights (or those of a hand-built model whose last layer is its new head) with Adam on the categorical cross-entropy
 * L = −(1/N) Σ_n log p_n[y_n] (the head's softmax output, clipped at 1e-7 like Keras). Fresh layers
 * learn at `lr`, trained pretrained layers at `lr · pretrainedLrScale` (two Adam optimizers). Batches
 * are drawn in a seeded order; images scaled to [0, 1]. Frozen layers' weights are never touched.
 * Yields to the event loop after every step (live progress in a notebook).
 */
export async function trainClassifier(model: TransferModel | tf.LayersModel, train: ImageDataset, options: TrainClassifierOptions): Promise<TrainSummary> {
  checkKnownKeys('trainClassifier', options, TRAIN_KEYS);
  const t = model instanceof tf.LayersModel ? asTransferModel(model) : model;
  const epochs = checkInt('epochs', options.epochs ?? 3, { min: 1, max: 10_000 });
  const minSteps = checkInt('minSteps', options.minSteps ?? 0, { min: 0, max: 1e6 });
  const batchSize = checkInt('batchSize', options.batchSize ?? 64, { min: 1 });
  const lr = checkLearningRate('lr', options.lr ?? 1e-3);
  const scale = checkNumber('pretrainedLrScale', options.pretrainedLrScale ?? 0.1, { min: 0, max: 10 });
  const seeds = seedStream(checkSeed('seed', options.seed));
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
  let done = 0;
  let lastLoss = 0;
  try {
    for (let e = 0; e < passes; e++) {
      let lossSum = 0;
      for (const batch of batchIndices(train.count, batchSize, seeds.derive(`order${e}`))) {
        const { x, y } = toTensors(train, { indices: batch, oneHot: true });
        const { value, grads } = tf.variableGrads(() => crossEntropy(t.model.apply(x, { training: true }) as tf.Tensor2D, y as tf.Tensor2D), all);
        for (const g of groups) g.optimizer.applyGradients(g.vars.map((v) => ({ name: v.name, tensor: grads[v.name] })));
        const loss = (await value.data())[0];
        tf.dispose([x, y, value, ...Object.values(grads)]);
        if (!Number.isFinite(loss)) throw new Error(`trainClassifier: the loss became ${loss} at step ${done + 1} (lr ${lr} too large?)`);
        lossSum += loss * batch.length;
        options.onStep?.(++done, total, loss);
        await new Promise((resolve) => setImmediate(resolve));
      }
      lastLoss = lossSum / train.count;
    }
  } finally {
    for (const g of groups) g.optimizer.dispose();
  }
  return { steps: total, finalLoss: lastLoss, trainedParameters: all.reduce((s, v) => s + v.size, 0) };
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

/** −(1/N) Σ y·log(clip(p, 1e-7, 1)): cross-entropy of softmax probabilities p [N, C] against one-hot y. */
export function crossEntropy(p: tf.Tensor2D, y: tf.Tensor2D): tf.Scalar {
  return tf.tidy(() => tf.neg(tf.mean(tf.sum(tf.mul(y, tf.log(tf.clipByValue(p, 1e-7, 1))), 1))) as tf.Scalar);
}

/** Fraction of `ds` the model classifies right (argmax of its output), in batches of 500. */
export async function accuracy(model: tf.LayersModel, ds: ImageDataset): Promise<number> {
  let correct = 0;
  for (let start = 0; start < ds.count; start += 500) {
    const { x, y } = toTensors(ds, { start, size: Math.min(500, ds.count - start) });
    const hits = tf.tidy(() => tf.sum(tf.equal(tf.argMax(model.predict(x) as tf.Tensor, 1), y)));
    correct += (await hits.data())[0];
    tf.dispose([x, y, hits]);
  }
  return correct / ds.count;
}
