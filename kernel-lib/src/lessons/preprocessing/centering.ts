/**
 * Why zero-mean inputs matter (lesson 02, data preprocessing), measured twice:
 *
 * 1. {@link zeroMean}: one linear softmax classifier on CIFAR-10 pixels, trained with plain SGD
 *    once on the raw pixels in [0, 1] (all ≥ 0, mean ≈ 0.47) and once on the same pixels minus
 *    the training subset's mean (per channel, VGG; or per pixel, AlexNet's mean image). Same seed,
 *    same init, same learning rate, same batches. The weight gradient of class j is
 *
 *      dW[:, j] = Σₙ xₙ · dscores[n, j]          (X [N, D], dscores = (softmax − Y) / N)
 *
 *    For one example with every xₙ ≥ 0, dW[:, j] has a single sign (that of dscores[n, j]): lesson
 *    01's zig-zag, now with 3,072 weights per class. Over a batch the signs of dscores mix, yet the
 *    shared positive mean keeps most of the column on one side. The record counts, per step and
 *    class, the fraction of the column that takes its majority sign and how often the whole column
 *    has one sign, for raw and centred inputs, next to both loss curves and the accuracies.
 *
 *    Measured (wasm, seeds 0-4, channel centring). It is a story about the learning rate: the raw
 *    inputs' shared mean adds a steep direction to the loss, so they tolerate a smaller one.
 *    - lr 0.03 (the default), 5,000 images, 5 epochs: raw inputs zig-zag, their training loss
 *      going up and down between epochs, and end at 1.96-2.20 with 27-32 % validation accuracy;
 *      centred inputs descend steadily to 1.756-1.762 and 37-39 %. dW columns: 95-96 % of a column
 *      shares its majority sign and 61-65 % of the (step, class) columns have one sign with raw
 *      inputs; 67 % and none with centred ones. Quick (2,000 images, 3 epochs): raw 2.05-2.93 and
 *      19-27 %, centred 1.867 and 33-35 %.
 *    - lr 0.01: both descend; centred stays slightly ahead (final loss 1.876-1.877 vs 1.876-1.907,
 *      validation accuracy 35-36 % vs 30-35 %); raw columns still 88 % one-signed on average.
 *    - lr 0.1: the raw run's loss jumps to 5-18 and stays there; the centred one reaches 1.63.
 *    Per-pixel centring (the mean image) ends slightly lower than per-channel (1.744-1.748 at lr 0.03).
 *
 * 2. {@link sensitivity}: a 2-D linear classifier w·x + b on data far from the origin vs centred.
 *    Rotating w by a tiny angle δ moves the score of a point x by (R(δ)w − w)·x, which grows with
 *    |x|: far from the origin a tiny weight change flips many points and moves the loss a lot;
 *    centred, almost nothing changes. The lecture's "before normalization: classification loss
 *    very sensitive to changes in the weight matrix; hard to optimize". Measured (δ = 0.02 rad,
 *    200 points, seeds 0-4): no point changes side on centred data, 16-29 at distance 50, where
 *    the loss moves 57 to 1,460 times as much.
 *
 * @example
 * const r = await nn.preprocessing.zeroMean();
 * r.runs.map((run) => [run.inputs, run.signs.agreement, run.finalValAccuracy])
 * nn.preprocessing.showZeroMean(r);
 */
import * as tf from '@tensorflow/tfjs';
import { ArgumentError } from '../../core/errors';
import { withQuickPreset } from '../../core/config';
import { defineOptions, float32Bytes, int, list, number, oneOf, seed } from '../../core/options';
import { ProgressOption } from '../../core/progress';
import { provenance } from '../../core/record';
import { randomNormal, seedStream } from '../../core/rng';
import { loadDataset } from '../../data/load';
import type { ImageDataset } from '../../data/load';
import { initValues } from '../../nets/init';
import { softmaxLoss } from '../../nets/losses';
import { train } from '../../nets/train';
import { experimentProgress } from '../../show/progress';

// ============================================================================ zeroMean

/** How the inputs are centred: per channel (3 means, VGG) or per pixel (the mean image, AlexNet). */
export const CENTRINGS = ['channel', 'pixel'] as const;
export type Centring = typeof CENTRINGS[number];

/** Defaults of {@link zeroMean}: 5,000 training images, 1,000 validation images, 5 epochs of batches of 100 at lr 0.03. */
export const ZERO_MEAN_DEFAULTS = {
  trainSize: 5000, valSize: 1000, epochs: 5, batchSize: 100, lr: 0.03, weightScale: 0.001, centring: 'channel' as Centring, seed: 0,
} as const;

/** Quick mode: 2,000 training images, 500 validation images, 3 epochs. */
export const ZERO_MEAN_QUICK = { trainSize: 2000, valSize: 500, epochs: 3 } as const;

/** The options of {@link zeroMean}, declared once (core/options.ts). */
export const ZERO_MEAN_FIELDS = {
  /** Training images: the first ones of CIFAR-10's training split. */
  trainSize: int({ min: 10, max: 49_000, default: ZERO_MEAN_DEFAULTS.trainSize }),
  /** Validation images: the ones after the training images in the training split. */
  valSize: int({ min: 10, max: 10_000, default: ZERO_MEAN_DEFAULTS.valSize }),
  epochs: int({ min: 1, max: 100, default: ZERO_MEAN_DEFAULTS.epochs }),
  batchSize: int({ min: 1, max: 49_000, default: ZERO_MEAN_DEFAULTS.batchSize }),
  /** Learning rate of plain SGD, the same for both runs. */
  lr: number({ min: 1e-6, max: 100, default: ZERO_MEAN_DEFAULTS.lr }),
  /** W = weightScale · N(0, 1) at the start (b = 0), the same draw for both runs. */
  weightScale: number({ min: 0, max: 1, default: ZERO_MEAN_DEFAULTS.weightScale }),
  /** Subtract the training subset's per-channel means or its mean image. */
  centring: oneOf(CENTRINGS, { default: ZERO_MEAN_DEFAULTS.centring }),
  seed: seed({ default: ZERO_MEAN_DEFAULTS.seed }),
};

export const ZERO_MEAN_OPTIONS = defineOptions('preprocessing.zeroMean', ZERO_MEAN_FIELDS, {
  rules(c, given) {
    if (c.trainSize + c.valSize > 50_000) {
      const argument = 'valSize' in given && !('trainSize' in given) ? 'valSize' : 'trainSize';
      throw new ArgumentError(argument, c[argument], '', `${argument} is too large: trainSize ${c.trainSize} + valSize ${c.valSize} must be at most 50000, the images of CIFAR-10's training split`);
    }
  },
  // the pixels as float32 rows (raw and centred for training and validation), the weights
  memory: (c) => ({ bytes: float32Bytes(2 * (c.trainSize + c.valSize) * 3072 + 4 * 3072 * 10), argument: 'trainSize', what: `${c.trainSize + c.valSize} images of 3072 pixels, twice` }),
});

/** Options of {@link zeroMean}. */
export interface ZeroMeanOptions {
  trainSize?: number; valSize?: number; epochs?: number; batchSize?: number; lr?: number; weightScale?: number; centring?: Centring; seed?: number;
  /** Live progress (per step, each run a phase, with a live loss chart); never recorded. */
  progress?: ProgressOption;
}

export type ZeroMeanConfig = ReturnType<typeof ZERO_MEAN_OPTIONS.resolve>;

/** The two input sets. */
export const ZERO_MEAN_INPUTS = ['raw', 'centred'] as const;
export type ZeroMeanInputs = typeof ZERO_MEAN_INPUTS[number];
const RUN_NAMES: Readonly<Record<ZeroMeanInputs, string>> = { raw: 'raw pixels in [0, 1]', centred: 'centred pixels' };

/** Sign statistics of the weight gradient columns dW[:, j] over all steps and classes. */
export interface GradientSigns {
  /** Mean over steps and classes of max(#positive, #negative) / #nonzero in dW[:, j]: 1 = one sign, ≈ 0.5 = mixed. */
  agreement: number;
  /** Fraction of (step, class) pairs whose whole column dW[:, j] has one sign. */
  oneSignFraction: number;
  /** The mean agreement of each step (over the classes). */
  perStep: number[];
}

/** One training run. */
export interface ZeroMeanRun {
  inputs: ZeroMeanInputs;
  label: string;
  /** Mean and smallest input value over the training pixels. */
  inputMean: number;
  inputMin: number;
  /** The mini-batch loss of every step. */
  stepLosses: number[];
  /** Before training (epoch 0) and after each epoch: loss and accuracy on the training and validation images. */
  epochs: { epoch: number; trainLoss: number; valLoss: number; trainAccuracy: number; valAccuracy: number }[];
  finalTrainAccuracy: number;
  finalValAccuracy: number;
  /** The step whose loss was not finite, or null. */
  divergedAt: number | null;
  signs: GradientSigns;
}

/** What {@link zeroMean} returns: plain JSON. */
export interface ZeroMeanRecord {
  experiment: 'preprocessingZeroMean';
  options: ZeroMeanConfig;
  backend: string;
  versions: { nnlab: string; tfjs: string };
  data: {
    dataset: string; trainImages: number; valImages: number;
    /** Mean of each channel (R, G, B) over the training images, in [0, 1] pixel units: what 'channel' subtracts. */
    channelMeans: number[];
    /** Mean over all training pixels before and after centring. */
    rawMean: number; centredMean: number;
  };
  runs: ZeroMeanRun[];
  meta: { ms: number };
}

/** Images to use instead of CIFAR-10 (tests); never recorded. */
export interface ZeroMeanSource { dataset?: ImageDataset }

/**
 * Trains one linear softmax classifier on raw and on centred CIFAR-10 pixels; see the module comment.
 *
 * @example
 * const r = await nn.preprocessing.zeroMean({ trainSize: 2000, epochs: 3 });
 * r.runs[0].signs.oneSignFraction   // raw: most gradient columns have one sign
 * r.runs[1].signs.oneSignFraction   // centred: none
 */
export async function zeroMean(options: ZeroMeanOptions = {}, source: ZeroMeanSource = {}): Promise<ZeroMeanRecord> {
  const started = performance.now();
  const isObject = typeof options === 'object' && options !== null && !Array.isArray(options);
  const { config, progress } = ZERO_MEAN_OPTIONS.take(isObject ? withQuickPreset<ZeroMeanOptions>(options, ZERO_MEAN_QUICK) : options);
  const bar = experimentProgress(progress, {
    label: 'preprocessing.zeroMean',
    chart: { metric: 'loss', title: 'Training loss, raw vs centred inputs', xTitle: 'step', yTitle: 'softmax loss', series: ZERO_MEAN_INPUTS.map((i) => RUN_NAMES[i]) },
  });
  try {
    const ds = source.dataset ?? await loadDataset('cifar-10', { split: 'train' });
    const sets = centredSets(ds, config);
    const steps = Math.ceil(config.trainSize / config.batchSize) * config.epochs;
    const runs: ZeroMeanRun[] = [];
    for (const [i, inputs] of ZERO_MEAN_INPUTS.entries()) {
      runs.push(await trainLinear(inputs, sets[inputs], sets.labels, config, (e) => bar.report(e), i * steps, 2 * steps));
    }
    return {
      experiment: 'preprocessingZeroMean', options: config, ...provenance(),
      data: { dataset: ds.name, trainImages: config.trainSize, valImages: config.valSize, channelMeans: sets.channelMeans, rawMean: sets.raw.mean, centredMean: sets.centred.mean },
      runs, meta: { ms: performance.now() - started },
    };
  } finally {
    bar.finish();
  }
}

/** One input set as float32 rows: training [trainSize, D] and validation [valSize, D], with labels. */
export interface PixelSet { train: Float32Array; val: Float32Array; mean: number; min: number }

/**
 * The training and validation pixels in [0, 1], raw and centred with the training images' mean
 * (per channel or per pixel; never the validation images'). Also the channel means.
 */
export function centredSets(ds: ImageDataset, config: Pick<ZeroMeanConfig, 'trainSize' | 'valSize' | 'centring'>): { raw: PixelSet; centred: PixelSet; channelMeans: number[]; labels: { train: Uint8Array; val: Uint8Array } } {
  const D = ds.height * ds.width * ds.channels;
  const nTrain = config.trainSize;
  const nVal = config.valSize;
  if (ds.count < nTrain + nVal) throw new ArgumentError('trainSize', nTrain, '', `trainSize is too large: ${nTrain} training + ${nVal} validation images, the dataset has ${ds.count}`);
  const raw = (from: number, n: number) => {
    const out = new Float32Array(n * D);
    const src = ds.images.subarray(from * D, (from + n) * D);
    for (let i = 0; i < out.length; i++) out[i] = src[i] / 255;
    return out;
  };
  const train = raw(0, nTrain);
  const val = raw(nTrain, nVal);
  const pixelMean = new Float64Array(D);
  for (let n = 0; n < nTrain; n++) for (let j = 0, o = n * D; j < D; j++) pixelMean[j] += train[o + j];
  for (let j = 0; j < D; j++) pixelMean[j] /= nTrain;
  const C = ds.channels;
  const channelMeans = Array.from({ length: C }, (_, c) => {
    let s = 0;
    for (let j = c; j < D; j += C) s += pixelMean[j];
    return s / (D / C);
  });
  const shift = config.centring === 'pixel' ? pixelMean : Float64Array.from({ length: D }, (_, j) => channelMeans[j % C]);
  const centre = (x: Float32Array) => {
    const out = new Float32Array(x.length);
    for (let o = 0; o < x.length; o += D) for (let j = 0; j < D; j++) out[o + j] = x[o + j] - shift[j];
    return out;
  };
  const stats = (x: Float32Array) => {
    let s = 0;
    let m = Infinity;
    for (let i = 0; i < x.length; i++) { s += x[i]; if (x[i] < m) m = x[i]; }
    return { mean: s / x.length, min: m };
  };
  const ct = centre(train);
  return {
    raw: { train, val, ...stats(train) }, centred: { train: ct, val: centre(val), ...stats(ct) }, channelMeans,
    labels: { train: ds.labels.slice(0, nTrain), val: ds.labels.slice(nTrain, nTrain + nVal) },
  };
}

/** Plain SGD on W [D, 10], b [10] through nets/train, the gradient written out (dW = Xᵀ dscores); signs counted each step. */
async function trainLinear(inputs: ZeroMeanInputs, set: PixelSet, labels: { train: Uint8Array; val: Uint8Array }, config: ZeroMeanConfig,
  report: (e: { done: number; total: number; phase: string; metrics: Record<string, number> }) => void, offset: number, total: number): Promise<ZeroMeanRun> {
  const D = set.train.length / config.trainSize;
  const classes = 10;
  const X = tf.tensor2d(set.train, [config.trainSize, D]);
  const Xv = tf.tensor2d(set.val, [config.valSize, D]);
  const oneHot = new Float32Array(config.trainSize * classes);
  labels.train.forEach((l, n) => { oneHot[n * classes + l] = 1; });
  const Y = tf.tensor2d(oneHot, [config.trainSize, classes]);
  const Yv = tf.tidy(() => tf.oneHot(tf.tensor1d(labels.val, 'int32'), classes).toFloat() as tf.Tensor2D);
  const seeds = seedStream(config.seed);
  let W = tf.tensor2d(initValues('small', [D, classes], seeds.derive('W'), config.weightScale), [D, classes]);
  let b = tf.zeros([classes]) as tf.Tensor1D;
  const perStep: number[] = [];
  let oneSign = 0;
  const epochs: ZeroMeanRun['epochs'] = [];
  try {
    const order = seeds.fork('order');
    const evaluate = async (epoch: number) => {
      const [trainLoss, trainAccuracy] = await lossAndAccuracy(X, Y, W, b);
      const [valLoss, valAccuracy] = await lossAndAccuracy(Xv, Yv, W, b);
      epochs.push({ epoch, trainLoss, valLoss, trainAccuracy, valAccuracy });
      return { trainLoss, valLoss, trainAccuracy, valAccuracy };
    };
    const result = await train({
      async step(batch) {
        const out = tf.tidy(() => {
          const Xb = tf.tensor2d(rowsOf(set.train, batch, D), [batch.length, D]);   // rows copied in JS: tf.gather is slow on wasm
          const { loss, dscores } = softmaxLoss(tf.add(tf.matMul(Xb, W), b) as tf.Tensor2D, tf.tensor2d(rowsOf(oneHot, batch, classes), [batch.length, classes]));
          const dW = tf.matMul(Xb, dscores, true, false);          // [D, 10] = Xᵀ dscores
          const db = tf.sum(dscores, 0);
          const counts = tf.stack([tf.sum(tf.cast(tf.greater(dW, 0), 'float32'), 0), tf.sum(tf.cast(tf.less(dW, 0), 'float32'), 0)]);
          return { W: tf.sub(W, tf.mul(dW, config.lr)) as tf.Tensor2D, b: tf.sub(b, tf.mul(db, config.lr)) as tf.Tensor1D, packed: tf.concat([tf.reshape(loss, [1]), tf.reshape(counts, [-1])]) };
        });
        tf.dispose([W, b]);
        W = out.W;
        b = out.b;
        const v = await out.packed.data();
        out.packed.dispose();
        let agreement = 0;
        for (let j = 0; j < classes; j++) {
          const pos = v[1 + j];
          const neg = v[1 + classes + j];
          agreement += pos + neg > 0 ? Math.max(pos, neg) / (pos + neg) : 1;
          if (Math.min(pos, neg) === 0) oneSign += 1;
        }
        perStep.push(agreement / classes);
        return v[0];
      },
    }, { count: config.trainSize }, {
      epochs: config.epochs, batchSize: config.batchSize, order: () => order.random(), onDiverge: 'stop',
      evaluate: (epoch) => evaluate(epoch), evaluateFirst: true,
      progress: report, phase: RUN_NAMES[inputs], progressOffset: offset, progressTotal: total,
    });
    const last = epochs[epochs.length - 1];
    return {
      inputs, label: RUN_NAMES[inputs], inputMean: set.mean, inputMin: set.min, stepLosses: result.losses, epochs,
      finalTrainAccuracy: last.trainAccuracy, finalValAccuracy: last.valAccuracy, divergedAt: result.divergedAt,
      signs: { agreement: mean(perStep), oneSignFraction: perStep.length === 0 ? 0 : oneSign / (perStep.length * classes), perStep },
    };
  } finally {
    tf.dispose([X, Xv, Y, Yv, W, b]);
  }
}

/** The rows `batch` of a row-major [*, D] array, copied. */
function rowsOf(values: Float32Array, batch: Int32Array, D: number): Float32Array {
  const out = new Float32Array(batch.length * D);
  batch.forEach((n, k) => out.set(values.subarray(n * D, (n + 1) * D), k * D));
  return out;
}

/** Softmax loss and accuracy of W, b on X, Y (one forward pass). */
async function lossAndAccuracy(X: tf.Tensor2D, Y: tf.Tensor2D, W: tf.Tensor2D, b: tf.Tensor1D): Promise<[number, number]> {
  const packed = tf.tidy(() => {
    const scores = tf.add(tf.matMul(X, W), b) as tf.Tensor2D;
    const { loss } = softmaxLoss(scores, Y);
    const acc = tf.mean(tf.cast(tf.equal(tf.argMax(scores, 1), tf.argMax(Y, 1)), 'float32'));
    return tf.stack([loss, acc]);
  });
  const v = await packed.data();
  packed.dispose();
  return [v[0], v[1]];
}

function mean(xs: readonly number[]): number {
  return xs.length === 0 ? NaN : xs.reduce((a, c) => a + c, 0) / xs.length;
}

// ============================================================================ sensitivity

/** Defaults of {@link sensitivity}. */
export const SENSITIVITY_DEFAULTS = {
  pointsPerClass: 100, separation: 1.5, spread: 1, delta: 0.02, direction: 45, distances: [0, 1, 2, 5, 10, 20, 50], far: 50, seed: 0,
} as const;

/** The options of {@link sensitivity}, declared once. */
export const SENSITIVITY_FIELDS = {
  /** Points per class (two classes). */
  pointsPerClass: int({ min: 2, max: 100_000, default: SENSITIVITY_DEFAULTS.pointsPerClass }),
  /** Class centres at ±separation along w (before the shift). */
  separation: number({ min: 0, max: 100, default: SENSITIVITY_DEFAULTS.separation }),
  /** Standard deviation of each class's Gaussian cloud. */
  spread: number({ min: 1e-6, max: 100, default: SENSITIVITY_DEFAULTS.spread }),
  /** The weight change: w is rotated by delta radians (b unchanged). */
  delta: number({ min: 1e-9, max: 1, default: SENSITIVITY_DEFAULTS.delta }),
  /** Direction of the shift away from the origin, in degrees from w's direction (0: along w, 90: along the boundary). */
  direction: number({ min: -180, max: 180, default: SENSITIVITY_DEFAULTS.direction }),
  /** Distances of the data's centre from the origin, swept. */
  distances: list(number({ min: 0, max: 1e6 }), { minLength: 1, maxLength: 50, unique: true, default: SENSITIVITY_DEFAULTS.distances }),
  /** The distance drawn in the figure's "far" panel. */
  far: number({ min: 0, max: 1e6, default: SENSITIVITY_DEFAULTS.far }),
  seed: seed({ default: SENSITIVITY_DEFAULTS.seed }),
};

export const SENSITIVITY_OPTIONS = defineOptions('preprocessing.sensitivity', SENSITIVITY_FIELDS, {
  // JS arrays: the points (x, y, label) of one cloud per distance in the record's two panels
  memory: (c) => ({ bytes: 8 * 6 * c.pointsPerClass * (c.distances.length + 2), argument: 'pointsPerClass', what: `${2 * c.pointsPerClass} points` }),
});

/** Options of {@link sensitivity}. */
export interface SensitivityOptions {
  pointsPerClass?: number; separation?: number; spread?: number; delta?: number; direction?: number;
  distances?: readonly number[]; far?: number; seed?: number;
  progress?: ProgressOption;
}

export type SensitivityConfig = ReturnType<typeof SENSITIVITY_OPTIONS.resolve>;

/** What one weight change does at one distance. */
export interface SensitivityRow {
  distance: number;
  /** Points whose predicted class changes, and their fraction. */
  flipped: number; flippedFraction: number;
  /** Mean logistic loss before and after, and |after − before|. */
  lossBefore: number; lossAfter: number; lossChange: number;
  /** Mean |Δscore| over the points. */
  meanScoreChange: number;
}

/** One panel of the figure: the points and the boundary before and after. */
export interface SensitivityPanel {
  distance: number;
  /** Points: x₁, x₂ and label ±1. */
  x1: number[]; x2: number[]; y: number[];
  /** w, b before and w', b after (b' = b). */
  before: { w: [number, number]; b: number };
  after: { w: [number, number]; b: number };
  /** Which points changed side. */
  flipped: boolean[];
}

export interface SensitivityRecord {
  experiment: 'preprocessingSensitivity';
  options: SensitivityConfig;
  backend: string;
  versions: { nnlab: string; tfjs: string };
  rows: SensitivityRow[];
  panels: { centred: SensitivityPanel; far: SensitivityPanel };
  /**
   * Points changing side at `far` over those at distance 0 (counted as at least 1, so the ratio is
   * a lower bound when none change side), and the loss change at `far` over that at 0 (null if 0).
   */
  ratio: { flipped: number; lossChange: number | null };
  meta: { ms: number };
}

/**
 * The loss-sensitivity picture; see the module comment. Float64 JS, no tensors. The classifier is
 * w = (1, 0), b = −w·m for data centred at m = distance·(cos φ, sin φ), so it separates the two
 * clouds equally well at every distance; w' = R(δ)w.
 *
 * @example
 * const r = await nn.preprocessing.sensitivity();
 * r.rows.map((row) => [row.distance, row.flippedFraction])   // grows with the distance
 * nn.preprocessing.showSensitivity(r);
 */
export async function sensitivity(options: SensitivityOptions = {}): Promise<SensitivityRecord> {
  const started = performance.now();
  const { config, progress } = SENSITIVITY_OPTIONS.take(options);
  const bar = experimentProgress(progress, { label: 'preprocessing.sensitivity' });
  try {
    const base = sensitivityCloud(config);
    const rows: SensitivityRow[] = [];
    for (const [i, d] of config.distances.entries()) {
      rows.push(sensitivityRow(sensitivityPanel(base, config, d)));
      bar.report({ done: i + 1, total: config.distances.length, phase: `distance ${d}`, metrics: { flipped: rows[i].flippedFraction } });
    }
    const centred = sensitivityPanel(base, config, 0);
    const far = sensitivityPanel(base, config, config.far);
    const r0 = sensitivityRow(centred);
    const rf = sensitivityRow(far);
    return {
      experiment: 'preprocessingSensitivity', options: config, ...provenance(), rows, panels: { centred, far },
      ratio: { flipped: rf.flipped / Math.max(1, r0.flipped), lossChange: r0.lossChange > 0 ? rf.lossChange / r0.lossChange : null },
      meta: { ms: performance.now() - started },
    };
  } finally {
    bar.finish();
  }
}

/** The two classes around the origin: label ±1 at (±separation, 0) + spread·N(0, I), seeded. */
export function sensitivityCloud(config: SensitivityConfig): { x1: number[]; x2: number[]; y: number[] } {
  const random = seedStream(config.seed).fork('points').random();
  const x1: number[] = [];
  const x2: number[] = [];
  const y: number[] = [];
  for (const label of [1, -1]) {
    for (let i = 0; i < config.pointsPerClass; i++) {
      x1.push(label * config.separation + config.spread * randomNormal(random));
      x2.push(config.spread * randomNormal(random));
      y.push(label);
    }
  }
  return { x1, x2, y };
}

/** The cloud shifted to distance d, the classifier that follows it, and the rotated one. */
export function sensitivityPanel(base: { x1: number[]; x2: number[]; y: number[] }, config: SensitivityConfig, d: number): SensitivityPanel {
  const phi = (config.direction * Math.PI) / 180;
  const m = [d * Math.cos(phi), d * Math.sin(phi)];
  const x1 = base.x1.map((v) => v + m[0]);
  const x2 = base.x2.map((v) => v + m[1]);
  const w: [number, number] = [1, 0];
  const b = -(w[0] * m[0] + w[1] * m[1]);
  const c = Math.cos(config.delta);
  const s = Math.sin(config.delta);
  const w2: [number, number] = [c * w[0] - s * w[1], s * w[0] + c * w[1]];
  const flipped = x1.map((v, i) => Math.sign(w[0] * v + w[1] * x2[i] + b) !== Math.sign(w2[0] * v + w2[1] * x2[i] + b));
  return { distance: d, x1, x2, y: [...base.y], before: { w, b }, after: { w: w2, b }, flipped };
}

/** Flips, losses and score changes of one panel. */
function sensitivityRow(p: SensitivityPanel): SensitivityRow {
  const n = p.x1.length;
  let before = 0;
  let after = 0;
  let dScore = 0;
  for (let i = 0; i < n; i++) {
    const s0 = p.before.w[0] * p.x1[i] + p.before.w[1] * p.x2[i] + p.before.b;
    const s1 = p.after.w[0] * p.x1[i] + p.after.w[1] * p.x2[i] + p.after.b;
    before += logistic(p.y[i] * s0);
    after += logistic(p.y[i] * s1);
    dScore += Math.abs(s1 - s0);
  }
  const flipped = p.flipped.filter(Boolean).length;
  return {
    distance: p.distance, flipped, flippedFraction: flipped / n, lossBefore: before / n, lossAfter: after / n,
    lossChange: Math.abs(after - before) / n, meanScoreChange: dScore / n,
  };
}

/** log(1 + e^(−z)) without overflow. */
function logistic(z: number): number {
  return Math.max(-z, 0) + Math.log1p(Math.exp(-Math.abs(z)));
}
