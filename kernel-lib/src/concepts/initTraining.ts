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
 * const result = await nn.initTraining({ activation: 'tanh', epochs: 30 });
 * result.curves.map((c) => [c.init, c.loss.at(-1)]);
 * nn.showFigure(nn.initTrainingFigure(result));
 */
import * as tf from '@tensorflow/tfjs';
import { ArgumentError, checkInt, checkKnownKeys, checkNumber, checkOneOf } from '../core/errors';
import { checkSeed, SeedStream, seedStream, shuffle } from '../core/rng';
import { spiral } from '../data/synthetic';
import { VERSION } from '../version';
import { InitName, INITS, initValues } from './init';
import { activate, ActivationName, ACTIVATIONS } from './layers';

export interface InitTrainingOptions {
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
}

/** The options after defaults and validation. */
export interface InitTrainingConfig {
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

export const INIT_TRAINING_DEFAULTS: Readonly<InitTrainingConfig> = {
  inits: [...INITS], activation: 'tanh', depth: 8, width: 50, epochs: 30, batchSize: 64, lr: 0.01, momentum: 0.9,
  pointsPerClass: 100, classes: 3, seed: 0,
};

/** Quick mode: fewer epochs; every init still trains. */
export const INIT_TRAINING_QUICK: Partial<InitTrainingConfig> = { epochs: 10 };

/** One init's run: the full-data loss and accuracy before training (index 0) and after every epoch. */
export interface TrainingCurve { init: InitName; loss: number[]; accuracy: number[] }

export interface InitTrainingResult {
  experiment: 'initTraining';
  options: InitTrainingConfig;
  backend: string;
  versions: { nnlab: string; tfjs: string };
  /** The loss of a net that knows nothing: ln(classes). */
  chanceLoss: number;
  curves: TrainingCurve[];
  meta: { ms: number };
}

/** Called after every epoch of every init (a live chart in a notebook, lines in the CLI). */
export type OnEpoch = (init: InitName, epoch: number, loss: number, accuracy: number) => void;

/** Validates `options` and fills in the defaults; every error names the option. */
export function resolveInitTrainingOptions(options: InitTrainingOptions = {}): InitTrainingConfig {
  checkKnownKeys('initTraining', options, Object.keys(INIT_TRAINING_DEFAULTS));
  const given = Object.fromEntries(Object.entries(options).filter(([, v]) => v !== undefined)) as InitTrainingOptions;
  const o = { ...INIT_TRAINING_DEFAULTS, ...given }; // an option set to undefined is an option left out
  if (!Array.isArray(o.inits) || o.inits.length === 0) throw new ArgumentError('inits', o.inits, `a non-empty array of ${INITS.join(', ')}`);
  return {
    inits: o.inits.map((init, i) => checkOneOf(`inits[${i}]`, init, INITS)),
    activation: checkOneOf('activation', o.activation, ACTIVATIONS),
    depth: checkInt('depth', o.depth, { min: 1 }),
    width: checkInt('width', o.width, { min: 1 }),
    epochs: checkInt('epochs', o.epochs, { min: 1 }),
    batchSize: checkInt('batchSize', o.batchSize, { min: 1 }),
    lr: checkNumber('lr', o.lr, { min: Number.MIN_VALUE }),
    momentum: checkNumber('momentum', o.momentum, { min: 0, max: 1 }),
    pointsPerClass: checkInt('pointsPerClass', o.pointsPerClass, { min: 2 }),
    classes: checkInt('classes', o.classes, { min: 2, max: 255 }),
    seed: checkSeed('seed', o.seed),
  };
}

/** Trains the net once per init and returns the loss curves; disposes every tensor it makes. */
export async function initTraining(options: InitTrainingOptions = {}, hooks: { onEpoch?: OnEpoch } = {}): Promise<InitTrainingResult> {
  const config = resolveInitTrainingOptions(options);
  const start = performance.now();
  const seeds = seedStream(config.seed);
  const data = spiral({ pointsPerClass: config.pointsPerClass, classes: config.classes, seed: seeds.derive('data') });
  const X = tf.tensor2d(data.X, [data.n, data.dims]);
  const Yi = tf.tensor1d(data.y, 'int32');
  const Y = tf.tidy(() => tf.oneHot(Yi, config.classes).toFloat()) as tf.Tensor2D;
  try {
    const curves: TrainingCurve[] = [];
    for (const init of config.inits) curves.push(await trainOne(init, config, seeds, { X, Y, Yi }, hooks.onEpoch));
    return {
      experiment: 'initTraining', options: config, backend: tf.getBackend(),
      versions: { nnlab: VERSION, tfjs: tf.version.tfjs }, chanceLoss: Math.log(config.classes), curves,
      meta: { ms: performance.now() - start },
    };
  } finally {
    tf.dispose([X, Y, Yi]);
  }
}

interface Batch { X: tf.Tensor2D; Y: tf.Tensor2D; Yi: tf.Tensor1D }
interface Params { W: tf.Variable[]; b: tf.Variable[] }

/** W_l from the init (sub-seed "W<l>", shared by every init), b_l = 0; the last pair is the output layer. */
function initParams(init: InitName, config: InitTrainingConfig, seeds: SeedStream): Params {
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

/**
 * One step of SGD with momentum in cs231n's form, for every parameter θ with gradient dθ:
 *   v = momentum · v - lr · dθ;   θ = θ + v
 * (tfjs's MomentumOptimizer keeps acc = momentum · acc + dθ and θ -= lr · acc: the same updates
 * while lr is constant, FINDINGS trap 8). Updates `params` and `velocity` in place (tf.Variables).
 */
export function sgdMomentumStep(params: readonly tf.Variable[], velocity: readonly tf.Variable[],
  grads: tf.NamedTensorMap, opts: { lr: number; momentum: number }): void {
  tf.tidy(() => {
    params.forEach((p, i) => {
      const v = tf.sub(tf.mul(velocity[i], opts.momentum), tf.mul(grads[p.name], opts.lr));
      velocity[i].assign(v);
      p.assign(tf.add(p, v));
    });
  });
}

async function trainOne(init: InitName, config: InitTrainingConfig, seeds: SeedStream, data: Batch, onEpoch?: OnEpoch): Promise<TrainingCurve> {
  const params = initParams(init, config, seeds);
  const all = [...params.W, ...params.b];
  const velocity = all.map((p) => tf.tidy(() => tf.variable(tf.zerosLike(p))));
  const shuffles = seeds.fork('shuffle');
  const n = data.X.shape[0];
  const order = Array.from({ length: n }, (_, i) => i);
  const curve: TrainingCurve = { init, loss: [], accuracy: [] };
  try {
    const record = async (epoch: number) => {
      const [loss, accuracy] = await evaluate(params, data, config.activation);
      curve.loss.push(loss);
      curve.accuracy.push(accuracy);
      onEpoch?.(init, epoch, loss, accuracy);
    };
    await record(0);
    for (let epoch = 1; epoch <= config.epochs; epoch++) {
      const perm = shuffle(order, shuffles.random());
      for (let i = 0; i < n; i += config.batchSize) {
        tf.tidy(() => {
          const idx = tf.tensor1d(perm.slice(i, i + config.batchSize), 'int32');
          const Xb = tf.gather(data.X, idx);
          const Yb = tf.gather(data.Y, idx);
          const { grads } = tf.variableGrads(() => tf.losses.softmaxCrossEntropy(Yb, logits(params, Xb, config.activation)) as tf.Scalar, all);
          sgdMomentumStep(all, velocity, grads, config);
        });
      }
      await record(epoch);
    }
    return curve;
  } finally {
    tf.dispose([...all, ...velocity]);
  }
}
