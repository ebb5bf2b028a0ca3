/**
 * What each init does to training (lesson 03, beyond the slides): the same deep MLP, trained on
 * the same data with the same seed, once per init; the loss curves show which inits learn.
 *
 *   data: the cs231n spiral (classes arms of pointsPerClass 2-D points)
 *   net:  depth hidden layers h_l = f(h_{l-1} · W_l + b_l) of `width` units, logits = h · W_out + b_out
 *   loss: softmax cross-entropy; SGD with momentum on mini-batches, reshuffled every epoch,
 *         in cs231n's form v = momentum · v - lr · dW, W += v (for b too)
 *
 * Every W (output layer included) comes from the init, every b starts at 0. What a student should
 * see: W = 0 and the small init stay at the chance loss ln(classes) (no signal reaches the output,
 * no gradient reaches the weights); the large init starts far above it (huge logits) and then
 * sits near it (saturated tanh units pass almost no gradient); Xavier (tanh) and He learn.
 *
 * @example
 * const r = await nn.weightInit.training({ activation: 'tanh', epochs: 30 });
 * r.curves.map((c) => [c.init, c.loss[c.loss.length - 1]]);
 * nn.weightInit.showTraining(r);
 */
import * as tf from '@tensorflow/tfjs';
import { withQuickPreset } from '../../core/config';
import { checkOptions } from '../../core/errors';
import { defineOptions, float32Bytes, int, list, number, oneOf, seed } from '../../core/options';
import { ProgressOption, takeProgress } from '../../core/progress';
import { provenance } from '../../core/record';
import { SeedStream, seedStream } from '../../core/rng';
import { spiral } from '../../data/synthetic';
import { InitName, INITS, initValues } from '../../nets/init';
import { activate, ActivationName, ACTIVATIONS } from '../../nets/layers';
import { applyUpdate, sgdMomentum } from '../../nets/optim';
import { train } from '../../nets/train';
import { experimentProgress } from '../../show/progress';

/** Options of {@link training}. */
export interface TrainingOptions {
  /** The inits to compare (default: all six). */
  inits?: readonly InitName[];
  activation?: ActivationName;
  /** Hidden layers and their width. */
  depth?: number;
  width?: number;
  epochs?: number;
  batchSize?: number;
  lr?: number;
  momentum?: number;
  /** The spiral: points per class and number of classes. */
  pointsPerClass?: number;
  classes?: number;
  seed?: number;
  /** Live progress: one event per epoch of every init, and a live loss chart in a kernel; never recorded. */
  progress?: ProgressOption;
}

/** The options after defaults and validation. */
export interface TrainingConfig {
  inits: InitName[];
  activation: ActivationName;
  depth: number;
  width: number;
  epochs: number;
  batchSize: number;
  lr: number;
  momentum: number;
  pointsPerClass: number;
  classes: number;
  seed: number;
}

/**
 * Defaults of {@link training}: every init, an 8 x 50 tanh MLP on the 3-arm spiral (100 points per
 * arm), 30 epochs of SGD with momentum 0.9, lr 0.01, batches of 64, seed 0.
 *
 * @example
 * nn.weightInit.TRAINING_DEFAULTS.epochs // 30
 */
export const TRAINING_DEFAULTS: Readonly<TrainingConfig> = {
  inits: [...INITS], activation: 'tanh', depth: 8, width: 50, epochs: 30, batchSize: 64, lr: 0.01, momentum: 0.9,
  pointsPerClass: 100, classes: 3, seed: 0,
};

/**
 * Quick mode (`NNLAB_QUICK=1`, `nnlab run --quick`): fewer epochs; every init still trains.
 * {@link training} applies it itself; options given explicitly win.
 *
 * @example
 * nn.weightInit.TRAINING_QUICK // { epochs: 10 }
 */
export const TRAINING_QUICK: Partial<TrainingConfig> = { epochs: 10 };

/** One init's run: the full-data loss and accuracy before training (index 0) and after every epoch. */
export interface TrainingCurve { init: InitName; loss: number[]; accuracy: number[] }

/** What {@link training} returns: plain JSON. */
export interface TrainingRecord {
  experiment: 'initTraining';
  options: TrainingConfig;
  backend: string;
  versions: { nnlab: string; tfjs: string };
  /** The loss of a net that knows nothing: ln(classes). */
  chanceLoss: number;
  curves: TrainingCurve[];
  meta: { ms: number };
}

/** Called after the evaluation at every epoch (0 = before training) of run `run` (its init's index). */
type OnEpoch = (run: number, init: InitName, epoch: number, loss: number, accuracy: number) => void;

/**
 * The options of {@link training}, declared once (core/options.ts). The sizes are bounded so that
 * the slowest allowed run stays a run, not a hang: each epoch is one pass over the spiral.
 */
export const TRAINING_OPTIONS = defineOptions('weightInit.training', {
  inits: list(oneOf(INITS), { minLength: 1, maxLength: INITS.length, unique: true, default: TRAINING_DEFAULTS.inits }),
  activation: oneOf(ACTIVATIONS, { default: TRAINING_DEFAULTS.activation }),
  depth: int({ min: 1, max: 100, default: TRAINING_DEFAULTS.depth }),
  width: int({ min: 1, max: 4096, default: TRAINING_DEFAULTS.width }),
  epochs: int({ min: 1, max: 10_000, default: TRAINING_DEFAULTS.epochs }),
  batchSize: int({ min: 1, max: 1_000_000, default: TRAINING_DEFAULTS.batchSize }),
  lr: number({ min: Number.MIN_VALUE, max: 1000, default: TRAINING_DEFAULTS.lr }),
  momentum: number({ min: 0, max: 1, default: TRAINING_DEFAULTS.momentum }),
  pointsPerClass: int({ min: 2, max: 1_000_000, default: TRAINING_DEFAULTS.pointsPerClass }),
  classes: int({ min: 2, max: 255, default: TRAINING_DEFAULTS.classes }),
  seed: seed({ default: TRAINING_DEFAULTS.seed }),
}, {
  memory: (c) => {
    const n = c.pointsPerClass * c.classes;
    const weights = 2 * c.width + (c.depth - 1) * c.width * c.width + c.width * c.classes;
    return [
      { bytes: float32Bytes(n * (2 + c.classes + 1)), argument: 'pointsPerClass', what: `the spiral: ${n} points (pointsPerClass ${c.pointsPerClass} x classes ${c.classes})` },
      { bytes: float32Bytes(3 * weights + 2 * n * c.width * c.depth / Math.max(1, Math.ceil(n / c.batchSize))), argument: 'width', what: `an MLP of ${c.depth} layers of ${c.width} units (weights, momentum, gradients and a batch's activations)` },
      // the full-data evaluation after every epoch holds every layer's activations for all n points
      { bytes: float32Bytes(n * c.width * 2), argument: 'pointsPerClass', what: `the full-data evaluation: ${n} points x ${c.width} units` },
    ];
  },
});

/** Validates `options` (without `progress`) and fills in the defaults; every error names the option. */
export function resolveTrainingOptions(options: Omit<TrainingOptions, 'progress'> = {}): TrainingConfig {
  return TRAINING_OPTIONS.resolve(options);
}

/** `options` without the keys set to undefined (an option set to undefined is an option left out). */
function definedOnly<T extends object>(options: T): Partial<T> {
  return Object.fromEntries(Object.entries(options).filter(([, v]) => v !== undefined)) as Partial<T>;
}

/**
 * Trains the same MLP once per init and returns the loss curves. Disposes every tensor it makes. In
 * quick mode {@link TRAINING_QUICK} applies (explicit options win). Progress: one event per epoch
 * (0 = before training) of every init, done counted over all inits' epochs, phase = the init,
 * metrics `{ loss, accuracy, epoch }` (full-data loss and accuracy); in a kernel a live bar and a
 * live loss chart.
 *
 * @example
 * const r = await nn.weightInit.training({ inits: ['zeros', 'xavier', 'he'], activation: 'tanh' });
 * r.curves.map((c) => [c.init, c.loss[c.loss.length - 1]]); // zeros stays at ln 3 = 1.0986
 * nn.weightInit.showTraining(r);
 */
export async function training(options: TrainingOptions = {}): Promise<TrainingRecord> {
  const { options: rest, progress } = takeProgress(checkOptions('weightInit.training options', options));
  const config = resolveTrainingOptions(withQuickPreset(definedOnly(rest), TRAINING_QUICK));
  const total = config.inits.length * config.epochs;
  const bar = experimentProgress(progress, {
    label: 'weightInit.training',
    chart: { metric: 'loss', title: 'Training loss by init (live)', xTitle: 'epoch', yTitle: 'cross-entropy loss', series: config.inits, yScale: 'log' },
  });
  const onEpoch: OnEpoch = (run, init, epoch, loss, accuracy) => bar.report({
    done: run * config.epochs + epoch, total, phase: init, metrics: { loss, accuracy, epoch },
  });
  try {
    return await trainAll(config, onEpoch);
  } finally {
    bar.finish();
  }
}

async function trainAll(config: TrainingConfig, onEpoch: OnEpoch): Promise<TrainingRecord> {
  const start = performance.now();
  const seeds = seedStream(config.seed);
  const data = spiral({ pointsPerClass: config.pointsPerClass, classes: config.classes, seed: seeds.derive('data') });
  const X = tf.tensor2d(data.X, [data.n, data.dims]);
  const Yi = tf.tensor1d(data.y, 'int32');
  const Y = tf.tidy(() => tf.oneHot(Yi, config.classes).toFloat()) as tf.Tensor2D;
  try {
    const curves: TrainingCurve[] = [];
    for (const [run, init] of config.inits.entries()) {
      curves.push(await trainOne(init, config, seeds, { X, Y, Yi }, (...e) => onEpoch(run, init, ...e)));
    }
    return {
      experiment: 'initTraining', options: config, ...provenance(), chanceLoss: Math.log(config.classes), curves,
      meta: { ms: performance.now() - start },
    };
  } finally {
    tf.dispose([X, Y, Yi]);
  }
}

interface Batch { X: tf.Tensor2D; Y: tf.Tensor2D; Yi: tf.Tensor1D }
interface Params { W: tf.Variable[]; b: tf.Variable[] }

/** W_l from the init (sub-seed "W<l>", shared by every init), b_l = 0; the last pair is the output layer. */
function initParams(init: InitName, config: TrainingConfig, seeds: SeedStream): Params {
  const dims = [2, ...new Array<number>(config.depth).fill(config.width), config.classes];
  const W: tf.Variable[] = [];
  const b: tf.Variable[] = [];
  for (let l = 1; l < dims.length; l++) {
    const shape = [dims[l - 1], dims[l]];
    W.push(tf.tidy(() => tf.variable(tf.tensor2d(initValues(init, shape, seeds.derive(`W${l}`)), shape as [number, number]))));
    b.push(tf.tidy(() => tf.variable(tf.zeros([dims[l]]))));
  }
  return { W, b };
}

/** The logits of the net for inputs X [n, 2] -> [n, classes]. */
function logits(params: Params, X: tf.Tensor2D, activation: ActivationName): tf.Tensor2D {
  const L = params.W.length;
  let h: tf.Tensor2D = X;
  for (let l = 0; l < L - 1; l++) h = activate(tf.add(tf.matMul(h, params.W[l]), params.b[l]), activation) as tf.Tensor2D;
  return tf.add(tf.matMul(h, params.W[L - 1]), params.b[L - 1]);
}

/** Mean softmax cross-entropy and accuracy on the whole data set. */
async function evaluate(params: Params, data: Batch, activation: ActivationName): Promise<[number, number]> {
  const [loss, acc] = tf.tidy(() => {
    const z = logits(params, data.X, activation);
    return [tf.losses.softmaxCrossEntropy(data.Y, z), tf.mean(tf.equal(tf.argMax(z, 1), data.Yi).toFloat())];
  });
  const values = [(await loss.data())[0], (await acc.data())[0]] as [number, number];
  tf.dispose([loss, acc]);
  return values;
}

async function trainOne(init: InitName, config: TrainingConfig, seeds: SeedStream, data: Batch,
  onEpoch: (epoch: number, loss: number, accuracy: number) => void): Promise<TrainingCurve> {
  const params = initParams(init, config, seeds);
  const all = [...params.W, ...params.b];
  const shuffles = seeds.fork('shuffle');
  const curve: TrainingCurve = { init, loss: [], accuracy: [] };
  let velocity: ({ v: tf.Tensor } | null)[] = all.map(() => null);
  const step = (batch: Int32Array) => {
    const grads = tf.tidy(() => {
      const idx = tf.tensor1d(batch, 'int32');
      const Xb = tf.gather(data.X, idx);
      const Yb = tf.gather(data.Y, idx);
      return tf.variableGrads(() => tf.losses.softmaxCrossEntropy(Yb, logits(params, Xb, config.activation)) as tf.Scalar, all).grads;
    });
    velocity = applyUpdate(sgdMomentum, all, grads, velocity, config);
    tf.dispose(Object.values(grads));
  };
  try {
    await train({ step }, { count: data.X.shape[0] }, {
      epochs: config.epochs, batchSize: config.batchSize, order: () => shuffles.random(), evaluateFirst: true,
      evaluate: async (epoch) => {
        const [loss, accuracy] = await evaluate(params, data, config.activation);
        curve.loss.push(loss);
        curve.accuracy.push(accuracy);
        onEpoch(epoch, loss, accuracy);
        return { loss, accuracy };
      },
    });
    return curve;
  } finally {
    tf.dispose([...all, ...velocity.flatMap((s) => (s ? [s.v] : []))]);
  }
}
