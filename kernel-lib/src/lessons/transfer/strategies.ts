/**
 * Transfer learning (lesson 10), the model surgery: take a network trained on a source task and
 * reuse it on a target task. The four strategies of the lecture, and the lecture's advice for the
 * small-and-different cell, as small functions over a loaded tf.LayersModel:
 *
 *   (a) 'scratch'      the same architecture, fresh initialisation, every layer trained
 *   (b) 'linear'       cut the head, freeze the base, train a new softmax layer on the frozen features
 *   (c) 'finetune-top' new head, the top k layers with weights trained too (the rest frozen)
 *   (d) 'finetune-all' new head, every layer trained; pretrained layers at a smaller learning rate
 *   (e) 'ensemble'     base frozen; one linear softmax classifier on the features of each depth
 *                      (pool1, pool2, flatten), each trained on its own cross-entropy; the
 *                      prediction is the mean of their softmax outputs, p = (1/K) Σ_k softmax(W_k h_k + b_k)
 *
 * plus {@link linearProbe}: a linear classifier on the features of any depth (a layer name), for
 * the "small and different" cell of the 2 × 2 table.
 *
 * Freezing is tf.layers' own: `layer.trainable = false` takes the layer's weights out of
 * `model.trainableWeights`, and the training loop (./train.ts) only ever updates those. Pretrained
 * layers are shared with the loaded model (no copy), so dispose the strategy's model and the loaded
 * model when done ({@link disposeModel}).
 *
 * Every initialisation here is our own seeded Glorot uniform (U(−√(6/(fanIn+fanOut)), +…), the
 * tf.layers default), drawn in JS: the same seed gives the same weights on every backend.
 *
 * @example
 * const base = await nn.transfer.loadPretrained('mnist-0-4-cnn');
 * const t = await nn.transfer.model(base, { strategy: 'linear', classes: 5, seed: 1 });
 * await nn.transfer.trainClassifier(t, train, { epochs: 3, seed: 2 });
 * await nn.transfer.accuracy(t.model, test) // 0.9
 * nn.transfer.disposeModel(t); base.dispose();
 */
import * as tf from '@tensorflow/tfjs';
import { ArgumentError, checkBoolean, checkInt, checkString, describe } from '../../core/errors';
import { defineOptions, int, oneOf, seed as seedField } from '../../core/options';
import { checkSeed, mulberry32, seedStream } from '../../core/rng';

/**
 * The strategies of the lecture, (a) to (e): (a)–(d) the four ways to reuse a network, (e) the
 * advice for small data on a very different task (linear classifiers on several depths, averaged).
 *
 * @example
 * for (const strategy of nn.transfer.STRATEGIES) console.log(strategy, nn.transfer.STRATEGY_LABELS[strategy]);
 */
export const STRATEGIES = ['scratch', 'linear', 'finetune-top', 'finetune-all', 'ensemble'] as const;
export type TransferStrategy = typeof STRATEGIES[number];

/**
 * One-line descriptions of the strategies, for tables and legends.
 *
 * @example
 * nn.transfer.STRATEGY_LABELS.linear // '(b) linear on frozen features'
 */
export const STRATEGY_LABELS: Record<TransferStrategy, string> = {
  scratch: '(a) from scratch',
  linear: '(b) linear on frozen features',
  'finetune-top': '(c) fine-tune top layers',
  'finetune-all': '(d) fine-tune everything',
  ensemble: '(e) linear on 3 depths, averaged',
};

/**
 * The depths whose frozen features the 'ensemble' strategy's linear classifiers read, input side
 * first: pool1 (2,704 features), pool2 (800), flatten (= conv3, 576).
 *
 * @example
 * nn.transfer.ENSEMBLE_LAYERS // ['pool1', 'pool2', 'flatten']
 */
export const ENSEMBLE_LAYERS = ['pool1', 'pool2', 'flatten'] as const;

/**
 * The base CNN of the lesson's model zoo, [N, 28, 28, 1] → [N, classes] softmax, three conv layers
 * from generic to specific and a linear softmax head on the top features:
 *   conv1 3×3×16 ReLU [26,26,16] → pool1 2×2 [13,13,16] → conv2 3×3×32 ReLU [11,11,32] →
 *   pool2 2×2 [5,5,32] → conv3 3×3×64 ReLU [3,3,64] → flatten [576] → head dense softmax.
 * Features per image at each depth: pool1 2,704, pool2 800, flatten (= conv3) 576.
 * Parameters with 5 classes: 160 + 4,640 + 18,496 + 2,885 = 26,181. Weights are seeded (module comment).
 *
 * @example
 * const cnn = nn.transfer.buildBaseCnn({ classes: 5, seed: 1 });
 * console.log(cnn.countParams()); // 26181
 * cnn.dispose();
 */
export function buildBaseCnn(options: { classes: number; seed: number }): tf.LayersModel {
  const { classes, seed } = BASE_CNN_OPTIONS.resolve(options);
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
  reinitialize(model.layers, seed);
  return model;
}

/** Most classes of a new head (a head of 576 × 10,000 weights on the base CNN). */
export const MAX_CLASSES = 10_000;

/** The options of {@link buildBaseCnn}: both required. */
export const BASE_CNN_OPTIONS = defineOptions('transfer.buildBaseCnn', {
  classes: int({ min: 2, max: MAX_CLASSES }),
  seed: seedField({}),
});

/** How errors show what was given instead of a model: "a model with layers conv1, pool1, ..." or the value. */
function describeModel(value: unknown): string {
  if (value instanceof tf.LayersModel) return `a model with layers ${value.layers.map((l) => l.name).join(', ')}`;
  if (value instanceof tf.Tensor) return `a tensor [${value.shape.join(', ')}]`;
  return describe(value);
}

/**
 * Throws unless `value` is a tf.LayersModel (a loaded or built model) holding every layer of
 * `needs` (`why`: what needs them). Returns it, typed.
 *
 * @example
 * checkLayersModel('base', null) // "base must be a tf.LayersModel (from nn.transfer.loadPretrained or nn.transfer.buildBaseCnn), got null"
 */
export function checkLayersModel(name: string, value: unknown, needs: readonly string[] = [], why = ''): tf.LayersModel {
  const allowed = 'a tf.LayersModel (from nn.transfer.loadPretrained or nn.transfer.buildBaseCnn)';
  if (!(value instanceof tf.LayersModel)) throw new ArgumentError(name, value, allowed, `${name} must be ${allowed}, got ${describeModel(value)}`);
  const names = value.layers.map((l) => l.name);
  const missing = needs.filter((n) => !names.includes(n));
  if (missing.length > 0) {
    const want = `a model with the layers ${needs.join(', ')}${why ? ` (${why})` : ''}`;
    throw new ArgumentError(name, value, want, `${name} must be ${want}, got ${describeModel(value)}`);
  }
  return value;
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
 *
 * @example
 * const cnn = nn.transfer.buildBaseCnn({ classes: 5, seed: 1 });
 * nn.transfer.reinitialize(cnn.layers, 9); // |w| <= sqrt(6 / (fanIn + fanOut)) in every kernel
 * console.log(tf.tidy(() => cnn.getLayer('conv1').getWeights()[0].abs().max().dataSync()[0])); // <= sqrt(6 / (9 + 144)) = 0.198
 * cnn.dispose();
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

/**
 * The layers that hold weights, input side first (the ones "top k" counts).
 *
 * @example
 * const cnn = nn.transfer.buildBaseCnn({ classes: 5, seed: 1 });
 * console.log(nn.transfer.weightLayers(cnn).map((l) => l.name)); // ['conv1', 'conv2', 'conv3', 'head']
 * cnn.dispose();
 */
export function weightLayers(model: tf.LayersModel): tf.layers.Layer[] {
  return checkLayersModel('model', model).layers.filter((l) => l.weights.length > 0);
}

/**
 * Sets `trainable` on every layer of the model (freeze: false).
 *
 * @example
 * const cnn = nn.transfer.buildBaseCnn({ classes: 5, seed: 1 });
 * nn.transfer.setTrainable(cnn, false);
 * console.log(cnn.trainableWeights.length); // 0: every layer frozen
 * cnn.dispose();
 */
export function setTrainable(model: tf.LayersModel, trainable: boolean): void {
  checkLayersModel('model', model);
  checkBoolean('trainable', trainable);
  for (const l of model.layers) l.trainable = trainable;
}

/**
 * Copies of all the model's weight values, keyed "layer/weight" (e.g. "conv1/kernel"): compare two
 * snapshots to see what training changed (freezing tests, the homework checks).
 *
 * @example
 * const base = nn.transfer.buildBaseCnn({ classes: 5, seed: 0 }); // or await nn.transfer.loadPretrained('mnist-0-4-cnn')
 * const few = nn.data.randomImages({ count: 25, height: 28, width: 28, channels: 1, classes: 5, seed: 1 }); // or real images: nn.transfer.loadTask
 * const t = await nn.transfer.model(base, { strategy: 'linear', classes: 5, seed: 2 });
 * const before = nn.transfer.weightSnapshot(t.model);
 * await nn.transfer.trainClassifier(t, few, { epochs: 1, seed: 3 });
 * const after = nn.transfer.weightSnapshot(t.model);
 * console.log(Object.keys(before).filter((k) => before[k].some((v, i) => v !== after[k][i]))); // only the new head's kernel and bias
 * nn.transfer.disposeModel(t);
 * base.dispose();
 */
export function weightSnapshot(model: tf.LayersModel): Record<string, Float32Array> {
  const out: Record<string, Float32Array> = {};
  for (const w of checkLayersModel('model', model).weights) out[w.originalName] = Float32Array.from(w.read().dataSync() as Float32Array);
  return out;
}

/** Options of {@link transferModel} (`nn.transfer.model`). */
export interface TransferModelOptions {
  strategy: TransferStrategy;
  /** Classes of the target task. */
  classes: number;
  /** For 'finetune-top': how many pretrained weight layers below the new head to train (default 1). */
  topLayers?: number;
  /** Seed of the new head's (and, for 'scratch', every layer's) initial weights. */
  seed: number;
}

/**
 * The options of {@link transferModel} (`nn.transfer.model`), declared once (core/options.ts):
 * strategy, classes and seed are required; topLayers (default 1) is checked against the model's
 * pretrained weight layers once the model is known.
 */
export const MODEL_OPTIONS = defineOptions('transfer.model', {
  strategy: oneOf(STRATEGIES),
  classes: int({ min: 2, max: MAX_CLASSES }),
  topLayers: int({ min: 1, max: 100, default: 1 }),
  seed: seedField({}),
});

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
  /** Frees what this strategy made (see {@link disposeModel}). */
  release: () => void;
  /**
   * For 'ensemble': a model with one output per member (each member's softmax), sharing the
   * layers of `model`; training minimises each member's own cross-entropy.
   */
  members?: tf.LayersModel;
}

/**
 * A new classifier head on the output of `layerName` of `base` (flattened first when it is not
 * [N, D]): the base's layers up to there, shared, and a Dense softmax layer with `classes` units.
 *
 * @example
 * const base = nn.transfer.buildBaseCnn({ classes: 5, seed: 0 }); // or await nn.transfer.loadPretrained('mnist-0-4-cnn')
 * const m = nn.transfer.withNewHead(base, 'pool2', 3, 1); // 800 features -> softmax over 3 classes
 * console.log(m.outputs[0].shape); // [null, 3]
 * m.layers[m.layers.length - 1].dispose(); // the new head (m shares the base's layers)
 * base.dispose();
 */
export function withNewHead(base: tf.LayersModel, layerName: string, classes: number, seed: number): tf.LayersModel {
  checkLayersModel('base', base);
  checkString('layerName', layerName);
  const { x, head } = headOn(base, layerName, checkInt('classes', classes, { min: 2, max: MAX_CLASSES }));
  const out = head.apply(x) as tf.SymbolicTensor;
  reinitialize([head], checkSeed('seed', seed));
  return tf.model({ name: `${base.name}_to_${classes}`, inputs: base.inputs, outputs: out });
}

function findLayer(model: tf.LayersModel, name: string): tf.layers.Layer {
  const layer = model.layers.find((l) => l.name === name);
  if (!layer) throw new ArgumentError('layer', name, `one of the model's layers: ${model.layers.map((l) => l.name).join(', ')}`);
  return layer;
}

/** The layer below the head: the last layer's input layer (where the base "ends"). */
function penultimateLayer(model: tf.LayersModel): string {
  const layers = model.layers;
  if (layers.length < 2) throw new ArgumentError('base', `${layers.length} layer(s)`, 'a model with a head on top of at least one layer');
  return layers[layers.length - 2].name;
}

/**
 * Builds the model of one strategy from a loaded pretrained model (whose last layer is its head).
 * Freezes and unfreezes the shared layers as the strategy says; 'scratch' builds an independent copy
 * of the architecture (from `base.toJSON()`) with fresh weights. Public as `nn.transfer.model`.
 *
 * @example
 * const base = nn.transfer.buildBaseCnn({ classes: 5, seed: 0 }); // or await nn.transfer.loadPretrained('mnist-0-4-cnn')
 * const t = await nn.transfer.model(base, { strategy: 'finetune-top', classes: 5, topLayers: 1, seed: 2 });
 * console.log(t.trained); // ['conv3', 'new_head_flatten']
 * nn.transfer.disposeModel(t);
 * base.dispose();
 */
export async function transferModel(base: tf.LayersModel, options: TransferModelOptions): Promise<TransferModel> {
  const { strategy, classes, topLayers: top, seed } = MODEL_OPTIONS.resolve(options);
  checkLayersModel('base', base, strategy === 'ensemble' ? ENSEMBLE_LAYERS : [], `strategy "ensemble" reads the features of ${ENSEMBLE_LAYERS.join(', ')}`);
  const seeds = seedStream(seed);
  if (strategy === 'ensemble') return ensembleModel(base, ENSEMBLE_LAYERS, classes, seeds.derive('ensemble'));
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
    : checkInt('topLayers', top, { min: 1, max: baseLayers.length });
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
 *
 * @example
 * const base = nn.transfer.buildBaseCnn({ classes: 5, seed: 0 }); // or await nn.transfer.loadPretrained('mnist-0-4-cnn')
 * const few = nn.data.randomImages({ count: 25, height: 28, width: 28, channels: 1, classes: 5, seed: 1 }); // or real images: nn.transfer.loadTask
 * const probe = nn.transfer.linearProbe(base, 'pool1', 5, 1); // 2,704 features per image
 * const summary = await nn.transfer.trainClassifier(probe, few, { epochs: 1, seed: 2 });
 * console.log(summary.trainedParameters); // 13525 = (2704 + 1) · 5: only the new head
 * nn.transfer.disposeModel(probe);
 * base.dispose();
 */
export function linearProbe(base: tf.LayersModel, layerName: string, classes: number, seed: number): TransferModel {
  checkLayersModel('base', base);
  setTrainable(base, false);
  const model = withNewHead(base, layerName, classes, checkSeed('seed', seed));
  const head = model.layers[model.layers.length - 1];
  return {
    strategy: 'linear', model, pretrained: weightLayers(model).slice(0, -1).map((l) => l.name), trained: [head.name], fresh: [head.name],
    release: () => head.dispose(),
  };
}

/** The flattened output of `layerName` of `base`, and a new softmax layer on it (not yet applied). */
function headOn(base: tf.LayersModel, layerName: string, classes: number): { x: tf.SymbolicTensor; head: tf.layers.Layer } {
  let x = findLayer(base, layerName).output as tf.SymbolicTensor;
  if (x.shape.length !== 2) x = tf.layers.flatten({ name: `${layerName}_flat` }).apply(x) as tf.SymbolicTensor;
  return { x, head: tf.layers.dense({ name: `new_head_${layerName}`, units: classes, activation: 'softmax' }) };
}

/**
 * Strategy (e), an ensemble of linear classifiers trained at different depths: the base frozen, a
 * new softmax layer on the flattened features of each of `layers`, and the prediction the mean of
 * their outputs, p = (1/K) Σ_k softmax(W_k h_k + b_k). `members` outputs the K softmaxes apart, so
 * that training fits each classifier to its own cross-entropy (their weights are disjoint: the same
 * as training K linear probes on the same batches). Public through `nn.transfer.model(base,
 * { strategy: 'ensemble', ... })`.
 */
function ensembleModel(base: tf.LayersModel, layers: readonly string[], classes: number, seed: number): TransferModel {
  setTrainable(base, false);
  const seeds = seedStream(seed);
  const heads = layers.map((name) => {
    const { x, head } = headOn(base, name, classes);
    const out = head.apply(x) as tf.SymbolicTensor;
    reinitialize([head], seeds.derive(name));
    return { head, out };
  });
  const outs = heads.map((h) => h.out);
  const mean = tf.layers.average({ name: 'ensemble_mean' }).apply(outs) as tf.SymbolicTensor;
  const model = tf.model({ name: `${base.name}_ensemble_${classes}`, inputs: base.inputs, outputs: mean });
  const members = tf.model({ name: `${base.name}_members_${classes}`, inputs: base.inputs, outputs: outs });
  const names = heads.map((h) => h.head.name);
  return {
    strategy: 'ensemble', model, members, pretrained: weightLayers(base).slice(0, -1).map((l) => l.name), trained: names, fresh: names,
    release: () => heads.forEach((h) => h.head.dispose()),
  };
}

/**
 * Frees a strategy's model. Shared pretrained layers stay with the loaded model (dispose that
 * separately: `base.dispose()`); only what this strategy made (the new head; for 'scratch' the whole
 * copy) is freed. Not `t.model.dispose()`: that would free the shared layers under the loaded model.
 *
 * @example
 * const base = nn.transfer.buildBaseCnn({ classes: 5, seed: 0 }); // or await nn.transfer.loadPretrained('mnist-0-4-cnn')
 * const t = await nn.transfer.model(base, { strategy: 'linear', classes: 5, seed: 1 });
 * nn.transfer.disposeModel(t); // the new head only
 * base.dispose();              // then the shared pretrained layers
 */
export function disposeModel(t: TransferModel): void {
  if (typeof t !== 'object' || t === null || typeof t.release !== 'function') {
    throw new ArgumentError('t', t, 'a model built by nn.transfer.model or nn.transfer.linearProbe (for a tf.LayersModel: model.dispose())');
  }
  t.release();
}

