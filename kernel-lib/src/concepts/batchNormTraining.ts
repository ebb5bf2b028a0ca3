/**
 * Experiments of lesson 04 ("Batch normalization") that train a network: the train/test-mode bug,
 * the rescue of a deep net from a bad init, and trainability at larger learning rates. All train
 * {@link createBatchNormNet} nets on the cs231n spiral (3 interleaved arms, 2-D; not linearly
 * separable) with held-out test points from another seed.
 *
 * Records are plain JSON with resolved options, backend and versions; losses that overflowed are
 * `null` (JSON has no NaN); wall time sits in `meta`. Long runs take an `onStep(step, loss, run)`
 * hook as a second argument, kept out of the options so that the options stay data.
 *
 * @example
 * const bug = await nn.batchNormModeBug({ seed: 1 });
 * bug.evaluations.map((e) => [e.name, e.accuracy]) // test mode ~0.98, training mode on a batch of 1: ~0.33
 * nn.showBatchNormModeBug(bug);
 */
import * as tf from '@tensorflow/tfjs';
import { ArgumentError, checkInt, checkKnownKeys, checkNumber, checkOneOf } from '../core/errors';
import { checkSeed, seedStream } from '../core/rng';
import { spiral, PointSet } from '../data/synthetic';
import { BATCH_NORM_DEFAULTS, checkBatchNormHyper, disposeBatchNormState } from './batchNorm';
import { FeatureStats, featureStats, Provenance, provenance } from './batchNormExperiments';
import {
  accuracyOf, BatchNormNet, batchNormNetForward, BN_NET_ACTIVATIONS, BN_NET_INITS, bnNetWeightStd, BnNetActivation,
  BnNetInit, createBatchNormNet, disposeBatchNormNet, batchNormNetPredict, trainBatchNormNet,
} from './batchNormNet';

/** Progress hook of the training experiments: `run` names the net being trained ("batch norm, lr 0.1"). */
export interface BatchNormTrainingHooks { onStep?: (step: number, loss: number, run: string) => void }

/** Options every training experiment shares. */
interface CommonTrainingOptions {
  /** Spiral points per class, for training and again for testing. */
  pointsPerClass?: number;
  classes?: number;
  steps?: number;
  batchSize?: number;
  /** Batch norm's running-average momentum (not an optimizer momentum: the optimizers are plain SGD and Adam). */
  momentum?: number;
  eps?: number;
  seed?: number;
}

const COMMON_KEYS = ['pointsPerClass', 'classes', 'steps', 'batchSize', 'momentum', 'eps', 'seed'] as const;

interface CommonTrainingConfig {
  pointsPerClass: number; classes: number; steps: number; batchSize: number; momentum: number; eps: number; seed: number;
}

function resolveCommon(name: string, options: object, defaults: CommonTrainingConfig & object, keys: readonly string[]):
  CommonTrainingConfig & Record<string, unknown> {
  if (typeof options !== 'object' || options === null) throw new ArgumentError('options', options, 'an object');
  checkKnownKeys(name, options, keys);
  const o = { ...defaults, ...options } as CommonTrainingConfig & Record<string, unknown>;
  const pointsPerClass = checkInt('pointsPerClass', o.pointsPerClass, { min: 2 });
  const classes = checkInt('classes', o.classes, { min: 2, max: 255 });
  const { momentum, eps } = checkBatchNormHyper({ momentum: o.momentum, eps: o.eps });
  return {
    ...o, pointsPerClass, classes,
    steps: checkInt('steps', o.steps, { min: 1 }),
    batchSize: checkInt('batchSize', o.batchSize, { min: 2, max: pointsPerClass * classes }),
    momentum, eps, seed: checkSeed('seed', o.seed),
  };
}

function checkWidths(widths: unknown): number[] {
  if (!Array.isArray(widths) || widths.length === 0) throw new ArgumentError('widths', widths, 'a non-empty array of layer widths');
  return widths.map((w, i) => checkInt(`widths[${i}]`, w, { min: 1 }));
}

/** Training and test spirals of the experiment (sub-seeds "train" and "test"). */
function spirals(o: CommonTrainingConfig): { train: PointSet; test: PointSet } {
  const seeds = seedStream(o.seed);
  return {
    train: spiral({ pointsPerClass: o.pointsPerClass, classes: o.classes, seed: seeds.derive('train') }),
    test: spiral({ pointsPerClass: o.pointsPerClass, classes: o.classes, seed: seeds.derive('test') }),
  };
}

/** Losses as JSON: non-finite values become null. */
function jsonLosses(losses: readonly number[]): (number | null)[] {
  return losses.map((v) => (Number.isFinite(v) ? v : null));
}

// ---------------------------------------------------------------------------------------------
// batchNormModeBug: a trained BN net evaluated in the wrong mode

export interface BatchNormModeBugOptions extends CommonTrainingOptions {
  widths?: readonly number[];
  /** Adam's learning rate. */
  lr?: number;
  /** Test examples whose class probabilities the record lists. */
  examples?: number;
}

/** Defaults: 2-64-64-3 with BN, Adam 0.01, 300 steps of 64 on 300 spiral points. */
export const BATCH_NORM_MODE_BUG_DEFAULTS = {
  pointsPerClass: 100, classes: 3, widths: [64, 64], steps: 300, batchSize: 64, lr: 0.01,
  momentum: BATCH_NORM_DEFAULTS.momentum, eps: BATCH_NORM_DEFAULTS.eps, examples: 6, seed: 0,
} as const;

/** Quick mode: fewer steps, every evaluation still runs. */
export const BATCH_NORM_MODE_BUG_QUICK: BatchNormModeBugOptions = { steps: 100 };

export interface BatchNormModeBugConfig extends CommonTrainingConfig { widths: number[]; lr: number; examples: number }

/** One way of evaluating the trained net on the test set. */
export interface BatchNormModeEvaluation {
  name: string;
  /** The BN mode used. */
  training: boolean;
  /** How the test set was batched. */
  batches: string;
  accuracy: number;
  /** Fraction of test predictions that differ from test mode's. */
  changed: number;
  /** Number of distinct classes predicted (1: the net says the same thing for every input). */
  distinctPredictions: number;
}

/** Class probabilities of one test example under each evaluation. */
export interface BatchNormModeExample { index: number; label: number; probs: number[][]; predicted: number[] }

export interface BatchNormModeBugRecord extends Provenance {
  experiment: 'batchNormModeBug';
  options: BatchNormModeBugConfig;
  /** Mini-batch loss of every training step. */
  loss: (number | null)[];
  /** In order: test mode; training mode on the whole test set, on batches of 1, on one-class batches. */
  evaluations: BatchNormModeEvaluation[];
  /** probs[e] and predicted[e] follow `evaluations`. */
  examples: BatchNormModeExample[];
  meta: { ms: number };
}

/** Validates `options` and fills in the defaults. */
export function resolveBatchNormModeBugOptions(options: BatchNormModeBugOptions = {}): BatchNormModeBugConfig {
  const o = resolveCommon('batchNormModeBug', options, BATCH_NORM_MODE_BUG_DEFAULTS as unknown as CommonTrainingConfig,
    [...COMMON_KEYS, 'widths', 'lr', 'examples']);
  const n = o.pointsPerClass * o.classes;
  return {
    ...pickCommon(o), widths: checkWidths(o.widths), lr: checkNumber('lr', o.lr, { min: 0 }),
    examples: checkInt('examples', o.examples, { min: 0, max: n }),
  };
}

function pickCommon(o: CommonTrainingConfig): CommonTrainingConfig {
  const { pointsPerClass, classes, steps, batchSize, momentum, eps, seed } = o;
  return { pointsPerClass, classes, steps, batchSize, momentum, eps, seed };
}

/**
 * The classic bug: a net with batch norm, trained properly, then evaluated in training mode. On
 * the whole (balanced) test set the batch statistics are close to the running ones and nothing
 * looks wrong; on a batch of 1, x - μ_B = 0 at every BN layer, so every input gives the same output
 * (β) and accuracy falls to chance; on batches of one class the batch statistics are shifted and
 * predictions drift towards other classes. Test mode gives every example its answer independently
 * of its batch.
 */
export async function batchNormModeBug(options: BatchNormModeBugOptions = {}, hooks: BatchNormTrainingHooks = {}): Promise<BatchNormModeBugRecord> {
  const o = resolveBatchNormModeBugOptions(options);
  const start = performance.now();
  const { train, test } = spirals(o);
  const net = createBatchNormNet({ inputWidth: 2, widths: o.widths, classes: o.classes, batchNorm: true, init: 'he', seed: seedStream(o.seed).derive('net') });
  try {
    const losses = await trainBatchNormNet(net, train, {
      steps: o.steps, batchSize: o.batchSize, lr: o.lr, optimizer: 'adam', momentum: o.momentum, eps: o.eps,
      seed: seedStream(o.seed).derive('batches'), onStep: (s, l) => hooks.onStep?.(s, l, 'batch norm'),
    });
    const runs = await evaluateModes(net, test, o);
    const reference = runs[0].classes;
    const evaluations = runs.map((r) => ({
      name: r.name, training: r.training, batches: r.batches, accuracy: accuracyOf(r.classes, test.y),
      changed: r.classes.filter((c, i) => c !== reference[i]).length / test.n,
      distinctPredictions: new Set(r.classes).size,
    }));
    const examples = exampleIndices(test.n, o.examples).map((index) => ({
      index, label: test.y[index], probs: runs.map((r) => r.probs[index]), predicted: runs.map((r) => r.classes[index]),
    }));
    return {
      experiment: 'batchNormModeBug', options: o, ...provenance(), loss: jsonLosses(losses), evaluations, examples,
      meta: { ms: performance.now() - start },
    };
  } finally {
    disposeBatchNormNet(net);
  }
}

interface ModeRun { name: string; training: boolean; batches: string; classes: number[]; probs: number[][] }

/** Predictions on `test` batched as `groups` (lists of indices), in one mode, back in test-set order. */
async function predictGrouped(net: BatchNormNet, X: tf.Tensor2D, groups: number[][], training: boolean, eps: number):
  Promise<{ classes: number[]; probs: number[][] }> {
  const classes = new Array<number>(X.shape[0]);
  const probs = new Array<number[]>(X.shape[0]);
  for (const group of groups) {
    const batch = tf.tidy(() => tf.gather(X, tf.tensor1d(group, 'int32')));
    const p = await batchNormNetPredict(net, batch, { training, eps });
    batch.dispose();
    group.forEach((i, k) => { classes[i] = p.classes[k]; probs[i] = p.probs[k]; });
  }
  return { classes, probs };
}

async function evaluateModes(net: BatchNormNet, test: PointSet, o: BatchNormModeBugConfig): Promise<ModeRun[]> {
  const all = [Array.from({ length: test.n }, (_, i) => i)];
  const single = all[0].map((i) => [i]);
  const byClass = Array.from({ length: o.classes }, (_, k) => all[0].filter((i) => test.y[i] === k));
  const X = tf.tensor2d(test.X, [test.n, test.dims]);
  try {
    return [
      { name: 'test mode', training: false, batches: `whole test set (${test.n})`, ...await predictGrouped(net, X, all, false, o.eps) },
      { name: 'training mode, whole test set', training: true, batches: `whole test set (${test.n})`, ...await predictGrouped(net, X, all, true, o.eps) },
      { name: 'training mode, batch of 1', training: true, batches: `${test.n} batches of 1`, ...await predictGrouped(net, X, single, true, o.eps) },
      { name: 'training mode, one-class batches', training: true, batches: `${o.classes} batches of ${o.pointsPerClass}, one class each`,
        ...await predictGrouped(net, X, byClass, true, o.eps) },
    ];
  } finally {
    X.dispose();
  }
}

/** `k` indices spread evenly over 0..n-1 (every class of a class-sorted set is represented). */
function exampleIndices(n: number, k: number): number[] {
  return Array.from({ length: k }, (_, i) => Math.floor(((i + 0.5) * n) / k));
}

// ---------------------------------------------------------------------------------------------
// batchNormRescue: BN rescues a deep net from a bad init

export interface BatchNormRescueOptions extends CommonTrainingOptions {
  depth?: number;
  width?: number;
  /** The (bad) weight init of lesson 03: small is W = 0.01 · N(0, 1). */
  init?: BnNetInit;
  activation?: BnNetActivation;
  /** Plain SGD's learning rate. */
  lr?: number;
}

/** Defaults: 8 tanh layers of 64 with the small init (0.01), SGD 0.3, 200 steps. */
export const BATCH_NORM_RESCUE_DEFAULTS = {
  pointsPerClass: 100, classes: 3, depth: 8, width: 64, init: 'small', activation: 'tanh', steps: 200, batchSize: 64, lr: 0.3,
  momentum: BATCH_NORM_DEFAULTS.momentum, eps: BATCH_NORM_DEFAULTS.eps, seed: 0,
} as const;

export const BATCH_NORM_RESCUE_QUICK: BatchNormRescueOptions = { depth: 5, steps: 80 };

export interface BatchNormRescueConfig extends CommonTrainingConfig {
  depth: number; width: number; init: BnNetInit; activation: BnNetActivation; lr: number;
}

/** Activation std of one hidden layer at init, without and with BN (training mode, the training set). */
export interface BatchNormRescueLayer { layer: number; plain: number; batchNorm: number }

export interface BatchNormRescueRecord extends Provenance {
  experiment: 'batchNormRescue';
  options: BatchNormRescueConfig;
  /** The std of every W_l under the init. */
  weightStd: number[];
  layers: BatchNormRescueLayer[];
  loss: { plain: (number | null)[]; batchNorm: (number | null)[] };
  /** Test-set accuracy after training (test mode); null if training diverged. */
  accuracy: { plain: number | null; batchNorm: number | null };
  meta: { ms: number };
}

/** Validates `options` and fills in the defaults. */
export function resolveBatchNormRescueOptions(options: BatchNormRescueOptions = {}): BatchNormRescueConfig {
  const o = resolveCommon('batchNormRescue', options, BATCH_NORM_RESCUE_DEFAULTS as unknown as CommonTrainingConfig,
    [...COMMON_KEYS, 'depth', 'width', 'init', 'activation', 'lr']);
  return {
    ...pickCommon(o),
    depth: checkInt('depth', o.depth, { min: 1 }),
    width: checkInt('width', o.width, { min: 1 }),
    init: checkOneOf('init', o.init, BN_NET_INITS),
    activation: checkOneOf('activation', o.activation, BN_NET_ACTIVATIONS),
    lr: checkNumber('lr', o.lr, { min: 0 }),
  };
}

/**
 * The same deep net, same weights, without and with batch norm after every dense layer. At a bad
 * init (W = 0.01 · N(0, 1)) the plain net's activations shrink by ~0.01 · sqrt(width) per layer
 * and its gradients vanish: SGD cannot move it off chance (loss ln 3 = 1.10). BN rescales every
 * layer's pre-activations to unit variance whatever the scale of W, so the activations keep their
 * std layer after layer and the same SGD trains it. (Lesson 03 fixes the init; BN makes the net
 * far less sensitive to it.)
 */
export async function batchNormRescue(options: BatchNormRescueOptions = {}, hooks: BatchNormTrainingHooks = {}): Promise<BatchNormRescueRecord> {
  const o = resolveBatchNormRescueOptions(options);
  const start = performance.now();
  const { train, test } = spirals(o);
  const widths = new Array<number>(o.depth).fill(o.width);
  const netSeed = seedStream(o.seed).derive('net');
  const stds: number[][] = [];
  const losses: (number | null)[][] = [];
  const accuracy: (number | null)[] = [];
  for (const batchNorm of [false, true]) {
    const name = batchNorm ? 'batch norm' : 'plain';
    const net = createBatchNormNet({ inputWidth: 2, widths, classes: o.classes, batchNorm, init: o.init, activation: o.activation, seed: netSeed });
    try {
      stds.push(await hiddenStds(net, train, o.eps));
      const l = await trainBatchNormNet(net, train, {
        steps: o.steps, batchSize: o.batchSize, lr: o.lr, optimizer: 'sgd', momentum: o.momentum, eps: o.eps,
        seed: seedStream(o.seed).derive('batches'), onStep: (s, v) => hooks.onStep?.(s, v, name),
      });
      losses.push(jsonLosses(l));
      accuracy.push(await testAccuracy(net, test, l, o.eps));
    } finally {
      disposeBatchNormNet(net);
    }
  }
  const dims = [2, ...widths];
  return {
    experiment: 'batchNormRescue', options: o, ...provenance(),
    weightStd: widths.map((_, l) => bnNetWeightStd(o.init, dims[l])),
    layers: widths.map((_, l) => ({ layer: l + 1, plain: stds[0][l], batchNorm: stds[1][l] })),
    loss: { plain: losses[0], batchNorm: losses[1] },
    accuracy: { plain: accuracy[0], batchNorm: accuracy[1] },
    meta: { ms: performance.now() - start },
  };
}

/** Std of every hidden layer's activations over the whole training set, in training mode (what SGD sees). */
async function hiddenStds(net: BatchNormNet, data: PointSet, eps: number): Promise<number[]> {
  const X = tf.tensor2d(data.X, [data.n, data.dims]);
  const out = batchNormNetForward(net, X, net.states, { training: true, eps });
  const stds: number[] = [];
  for (const h of out.hidden) {
    const s: FeatureStats = featureStats(await h.data(), 1); // all values pooled: one "feature"
    stds.push(s.std[0]);
  }
  tf.dispose([X, out.logits, ...out.hidden]);
  out.states.forEach(disposeBatchNormState);
  return stds;
}

async function testAccuracy(net: BatchNormNet, test: PointSet, losses: readonly number[], eps: number): Promise<number | null> {
  if (!losses.every(Number.isFinite)) return null;
  const X = tf.tensor2d(test.X, [test.n, test.dims]);
  const p = await batchNormNetPredict(net, X, { training: false, eps });
  X.dispose();
  return accuracyOf(p.classes, test.y);
}

// ---------------------------------------------------------------------------------------------
// batchNormLearningRates: trainability at several learning rates, with and without BN

export interface BatchNormLearningRatesOptions extends CommonTrainingOptions {
  /** Plain SGD learning rates to try. */
  lrs?: readonly number[];
  depth?: number;
  width?: number;
  init?: BnNetInit;
  activation?: BnNetActivation;
}

/** Defaults: 6 ReLU layers of 64, He init, SGD at six learning rates from 0.01 to 3, 200 steps each. */
export const BATCH_NORM_LEARNING_RATES_DEFAULTS = {
  pointsPerClass: 100, classes: 3, lrs: [0.01, 0.03, 0.1, 0.3, 1, 3], depth: 6, width: 64, init: 'he', activation: 'relu',
  steps: 200, batchSize: 64, momentum: BATCH_NORM_DEFAULTS.momentum, eps: BATCH_NORM_DEFAULTS.eps, seed: 0,
} as const;

export const BATCH_NORM_LEARNING_RATES_QUICK: BatchNormLearningRatesOptions = { lrs: [0.01, 0.3, 3], depth: 4, steps: 60 };

export interface BatchNormLearningRatesConfig extends CommonTrainingConfig {
  lrs: number[]; depth: number; width: number; init: BnNetInit; activation: BnNetActivation;
}

/** One training run. */
export interface BatchNormLearningRateRun {
  lr: number;
  batchNorm: boolean;
  /** Mean loss over the last tenth of the steps; null if training diverged (loss overflowed). */
  finalLoss: number | null;
  /** Test accuracy (test mode) after training; null if diverged. */
  accuracy: number | null;
  diverged: boolean;
  loss: (number | null)[];
}

export interface BatchNormLearningRatesRecord extends Provenance {
  experiment: 'batchNormLearningRates';
  options: BatchNormLearningRatesConfig;
  /** For each lr: the plain run, then the BN run. */
  runs: BatchNormLearningRateRun[];
  meta: { ms: number };
}

/** Validates `options` and fills in the defaults. */
export function resolveBatchNormLearningRatesOptions(options: BatchNormLearningRatesOptions = {}): BatchNormLearningRatesConfig {
  const o = resolveCommon('batchNormLearningRates', options, BATCH_NORM_LEARNING_RATES_DEFAULTS as unknown as CommonTrainingConfig,
    [...COMMON_KEYS, 'lrs', 'depth', 'width', 'init', 'activation']);
  const lrs = o.lrs;
  if (!Array.isArray(lrs) || lrs.length === 0) throw new ArgumentError('lrs', lrs, 'a non-empty array of learning rates > 0');
  return {
    ...pickCommon(o),
    lrs: lrs.map((lr, i) => {
      if (typeof lr !== 'number' || !Number.isFinite(lr) || lr <= 0) throw new ArgumentError(`lrs[${i}]`, lr, 'a finite number > 0');
      return lr;
    }),
    depth: checkInt('depth', o.depth, { min: 1 }),
    width: checkInt('width', o.width, { min: 1 }),
    init: checkOneOf('init', o.init, BN_NET_INITS),
    activation: checkOneOf('activation', o.activation, BN_NET_ACTIVATIONS),
  };
}

/**
 * Trains the same deep net (same initial weights, same batches) with plain SGD at each learning
 * rate, without and with batch norm. Without BN the usable range ends where a step overshoots: the
 * loss blows up (overflows: `diverged`) or the ReLUs die and the net sits at chance; with BN the scale of the weights no longer changes what a layer computes
 * (BN(a · z) = BN(z)), so large steps stay stable and the range of good learning rates is wider.
 */
export async function batchNormLearningRates(options: BatchNormLearningRatesOptions = {}, hooks: BatchNormTrainingHooks = {}):
  Promise<BatchNormLearningRatesRecord> {
  const o = resolveBatchNormLearningRatesOptions(options);
  const start = performance.now();
  const { train, test } = spirals(o);
  const widths = new Array<number>(o.depth).fill(o.width);
  const netSeed = seedStream(o.seed).derive('net');
  const runs: BatchNormLearningRateRun[] = [];
  for (const lr of o.lrs) {
    for (const batchNorm of [false, true]) {
      const name = `${batchNorm ? 'batch norm' : 'plain'}, lr ${lr}`;
      const net = createBatchNormNet({ inputWidth: 2, widths, classes: o.classes, batchNorm, init: o.init, activation: o.activation, seed: netSeed });
      try {
        const l = await trainBatchNormNet(net, train, {
          steps: o.steps, batchSize: o.batchSize, lr, optimizer: 'sgd', momentum: o.momentum, eps: o.eps,
          seed: seedStream(o.seed).derive('batches'), onStep: (s, v) => hooks.onStep?.(s, v, name),
        });
        const diverged = !l.every(Number.isFinite);
        const tail = l.slice(l.length - Math.max(1, Math.floor(l.length / 10)));
        runs.push({
          lr, batchNorm, diverged,
          finalLoss: diverged ? null : tail.reduce((a, b) => a + b, 0) / tail.length,
          accuracy: await testAccuracy(net, test, l, o.eps),
          loss: jsonLosses(l),
        });
      } finally {
        disposeBatchNormNet(net);
      }
    }
  }
  return { experiment: 'batchNormLearningRates', options: o, ...provenance(), runs, meta: { ms: performance.now() - start } };
}
