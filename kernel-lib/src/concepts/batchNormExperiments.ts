/**
 * Experiments of lesson 04 ("Batch normalization") that need no training: what batch norm does to
 * per-feature statistics in each mode, how γ and β can undo it, how the running averages converge,
 * and that test-mode BN folds into the layer before it. Each returns a plain JSON record with its
 * resolved options, the backend and the versions; wall time sits in `meta`, so two runs with one
 * seed are deep-equal once `meta` is set aside.
 *
 * @example
 * const record = await nn.batchNormStats({ inputMean: 5, inputStd: 3, seed: 1 });
 * record.train.mean  // ≈ [0, 0, 0, 0]: unit Gaussian per feature in training mode
 * nn.showBatchNormStats(record);
 */
import * as tf from '@tensorflow/tfjs';
import { ArgumentError, checkInt, checkKnownKeys, checkNumber, checkOneOf } from '../core/errors';
import { checkSeed, seedStream } from '../core/rng';
import { VERSION } from '../version';
import {
  BATCH_NORM_DEFAULTS, BatchNormParams, BatchNormState, batchNormForward, batchNormState, batchNormTest,
  checkBatchNormHyper, disposeBatchNormState, foldBatchNorm,
} from './batchNorm';

/** Where a record was computed: the tfjs backend and the library versions. */
export interface Provenance { backend: string; versions: { nnlab: string; tfjs: string } }

/** The backend and versions, as every record of the lesson carries them. */
export function provenance(): Provenance {
  return { backend: tf.getBackend(), versions: { nnlab: VERSION, tfjs: tf.version.tfjs } };
}

/** Per-feature mean and population std (ddof 0) of a row-major [rows, D] array, in float64. */
export interface FeatureStats { mean: number[]; std: number[] }

/** Per-feature mean and population std of `values` ([rows, D] row-major, any leading shape flattened). */
export function featureStats(values: ArrayLike<number>, D: number): FeatureStats {
  const rows = values.length / D;
  if (!Number.isInteger(rows) || rows < 1) throw new ArgumentError('values.length', values.length, `a positive multiple of D = ${D}`);
  const mean = new Array<number>(D).fill(0);
  const ss = new Array<number>(D).fill(0);
  for (let k = 0; k < values.length; k++) mean[k % D] += values[k];
  for (let j = 0; j < D; j++) mean[j] /= rows;
  for (let k = 0; k < values.length; k++) ss[k % D] += (values[k] - mean[k % D]) ** 2;
  return { mean, std: ss.map((s) => Math.sqrt(s / rows)) };
}

async function readAndDispose(t: tf.Tensor): Promise<Float32Array> {
  const v = (await t.data()) as Float32Array;
  t.dispose();
  return v;
}

function checkOptionsObject(name: string, options: unknown, known: readonly string[]): void {
  if (typeof options !== 'object' || options === null) throw new ArgumentError('options', options, 'an object');
  checkKnownKeys(name, options, known);
}

/** A batch x ~ N(mean, std²), [batchSize, features], from one sub-seed. */
function gaussianBatch(batchSize: number, features: number, mean: number, std: number, seed: number): tf.Tensor2D {
  return tf.randomNormal([batchSize, features], mean, std, 'float32', seed);
}

/**
 * Runs `steps` training-mode forward passes on fresh batches (sub-seeds "<label><t>") from a state
 * of running mean 0 and variance 1, and returns the final state (owned by the caller) and, when
 * `onStep` is given, the running statistics after every step.
 */
async function warmUp(o: { steps: number; batchSize: number; features: number; inputMean: number; inputStd: number;
  momentum: number; eps: number }, params: BatchNormParams, seedOf: (t: number) => number,
onStep?: (t: number, mean: Float32Array, variance: Float32Array) => void): Promise<BatchNormState> {
  let state = batchNormState(o.features);
  for (let t = 1; t <= o.steps; t++) {
    const x = gaussianBatch(o.batchSize, o.features, o.inputMean, o.inputStd, seedOf(t));
    const { y, state: next } = batchNormForward(x, params, state, { training: true, momentum: o.momentum, eps: o.eps });
    tf.dispose([x, y]);
    disposeBatchNormState(state);
    state = next;
    if (onStep) onStep(t, (await state.runningMean.data()) as Float32Array, (await state.runningVar.data()) as Float32Array);
  }
  return state;
}

// ---------------------------------------------------------------------------------------------
// batchNormStats: per-feature statistics before and after BN, in training and in test mode

/** Which modes {@link batchNormStats} evaluates. */
export const BATCH_NORM_MODES = ['train', 'test', 'both'] as const;
export type BatchNormMode = typeof BATCH_NORM_MODES[number];

export interface BatchNormStatsOptions {
  /** Rows of every batch (m). */
  batchSize?: number;
  /** Features per row (D). */
  features?: number;
  /** Every feature of the input is N(inputMean, inputStd²). */
  inputMean?: number;
  inputStd?: number;
  /** Training-mode passes on fresh batches before the measurement, filling the running statistics. */
  warmupSteps?: number;
  momentum?: number;
  eps?: number;
  /** Which outputs to compute: training mode, test mode, or both and their discrepancy. */
  mode?: BatchNormMode;
  seed?: number;
}

/** Defaults: a 256 x 4 batch of N(5, 3²), 100 warm-up steps, the lecture's momentum and eps. */
export const BATCH_NORM_STATS_DEFAULTS = {
  batchSize: 256, features: 4, inputMean: 5, inputStd: 3, warmupSteps: 100,
  momentum: BATCH_NORM_DEFAULTS.momentum, eps: BATCH_NORM_DEFAULTS.eps, mode: 'both', seed: 0,
} as const;

export type BatchNormStatsConfig = { -readonly [K in keyof typeof BATCH_NORM_STATS_DEFAULTS]: K extends 'mode' ? BatchNormMode : number };

export interface BatchNormStatsRecord extends Provenance {
  experiment: 'batchNormStats';
  options: BatchNormStatsConfig;
  /** The running mean and variance per feature after the warm-up (test mode uses these). */
  running: { mean: number[]; var: number[] };
  /** Per-feature statistics of the measured batch x. */
  input: FeatureStats;
  /** Of y = BN(x) in training mode (batch statistics); null when mode is "test". */
  train: FeatureStats | null;
  /** Of y = BN(x) in test mode (running statistics); null when mode is "train". */
  test: FeatureStats | null;
  /** max and mean |y_train - y_test| over the batch; null unless mode is "both". */
  discrepancy: { maxAbs: number; meanAbs: number } | null;
  meta: { ms: number };
}

/** Validates `options` and fills in the defaults; every error names the option. */
export function resolveBatchNormStatsOptions(options: BatchNormStatsOptions = {}): BatchNormStatsConfig {
  checkOptionsObject('batchNormStats', options, Object.keys(BATCH_NORM_STATS_DEFAULTS));
  const o = { ...BATCH_NORM_STATS_DEFAULTS, ...options };
  const { momentum, eps } = checkBatchNormHyper({ momentum: o.momentum, eps: o.eps });
  return {
    batchSize: checkInt('batchSize', o.batchSize, { min: 1 }),
    features: checkInt('features', o.features, { min: 1 }),
    inputMean: checkNumber('inputMean', o.inputMean),
    inputStd: checkNumber('inputStd', o.inputStd, { min: 0 }),
    warmupSteps: checkInt('warmupSteps', o.warmupSteps, { min: 0 }),
    momentum, eps,
    mode: checkOneOf('mode', o.mode, BATCH_NORM_MODES),
    seed: checkSeed('seed', o.seed),
  };
}

/**
 * Per-feature statistics of a batch x ~ N(inputMean, inputStd²) before and after batch norm
 * (γ = 1, β = 0). Training mode: every feature comes out with mean 0 and std sqrt(σ²/(σ² + eps))
 * ≈ 1, exactly, whatever the input. Test mode: the running statistics (after `warmupSteps`
 * training-mode passes) normalise only approximately; with no warm-up the running statistics are
 * still mean 0, variance 1 and test mode returns the input unchanged (mean 5, std 3): the
 * train/test discrepancy.
 */
export async function batchNormStats(options: BatchNormStatsOptions = {}): Promise<BatchNormStatsRecord> {
  const o = resolveBatchNormStatsOptions(options);
  const start = performance.now();
  const seeds = seedStream(o.seed);
  const params = { gamma: tf.ones([o.features]) as tf.Tensor1D, beta: tf.zeros([o.features]) as tf.Tensor1D };
  let state: BatchNormState | null = null;
  const x = gaussianBatch(o.batchSize, o.features, o.inputMean, o.inputStd, seeds.derive('X'));
  try {
    state = await warmUp({ ...o, steps: o.warmupSteps }, params, (t) => seeds.derive(`warmup${t}`));
    const running = { mean: Array.from(await state.runningMean.data()), var: Array.from(await state.runningVar.data()) };
    const input = featureStats(await x.data(), o.features);
    const yTrain = o.mode === 'test' ? null : await outputOf(x, params, state, true, o);
    const yTest = o.mode === 'train' ? null : await outputOf(x, params, state, false, o);
    return {
      experiment: 'batchNormStats', options: o, ...provenance(), running, input,
      train: yTrain && featureStats(yTrain, o.features),
      test: yTest && featureStats(yTest, o.features),
      discrepancy: yTrain && yTest ? discrepancy(yTrain, yTest) : null,
      meta: { ms: performance.now() - start },
    };
  } finally {
    tf.dispose([x, params.gamma, params.beta]);
    if (state) disposeBatchNormState(state);
  }
}

async function outputOf(x: tf.Tensor, params: BatchNormParams, state: BatchNormState, training: boolean,
  o: { momentum: number; eps: number }): Promise<Float32Array> {
  const r = batchNormForward(x, params, state, { training, momentum: o.momentum, eps: o.eps });
  disposeBatchNormState(r.state);
  return readAndDispose(r.y);
}

function discrepancy(a: Float32Array, b: Float32Array): { maxAbs: number; meanAbs: number } {
  let maxAbs = 0;
  let sum = 0;
  for (let k = 0; k < a.length; k++) {
    const d = Math.abs(a[k] - b[k]);
    sum += d;
    if (d > maxAbs) maxAbs = d;
  }
  return { maxAbs, meanAbs: sum / a.length };
}

// ---------------------------------------------------------------------------------------------
// batchNormIdentity: γ = sqrt(σ² + eps), β = μ undo the normalisation

export interface BatchNormIdentityOptions {
  batchSize?: number;
  features?: number;
  inputMean?: number;
  inputStd?: number;
  eps?: number;
  seed?: number;
}

export const BATCH_NORM_IDENTITY_DEFAULTS = { batchSize: 64, features: 4, inputMean: 5, inputStd: 3, eps: BATCH_NORM_DEFAULTS.eps, seed: 0 } as const;

export type BatchNormIdentityConfig = { -readonly [K in keyof typeof BATCH_NORM_IDENTITY_DEFAULTS]: number };

export interface BatchNormIdentityRecord extends Provenance {
  experiment: 'batchNormIdentity';
  options: BatchNormIdentityConfig;
  /** The batch statistics μ_B and σ²_B per feature, and the parameters set from them. */
  batchMean: number[];
  batchVar: number[];
  gamma: number[];
  beta: number[];
  /** max |y - x| and the relative error max |y - x| / max(|y| + |x|). */
  maxAbsDiff: number;
  relError: number;
  meta: { ms: number };
}

/** Validates `options` and fills in the defaults. */
export function resolveBatchNormIdentityOptions(options: BatchNormIdentityOptions = {}): BatchNormIdentityConfig {
  checkOptionsObject('batchNormIdentity', options, Object.keys(BATCH_NORM_IDENTITY_DEFAULTS));
  const o = { ...BATCH_NORM_IDENTITY_DEFAULTS, ...options };
  return {
    batchSize: checkInt('batchSize', o.batchSize, { min: 1 }),
    features: checkInt('features', o.features, { min: 1 }),
    inputMean: checkNumber('inputMean', o.inputMean),
    inputStd: checkNumber('inputStd', o.inputStd, { min: 0 }),
    eps: checkBatchNormHyper({ eps: o.eps }).eps,
    seed: checkSeed('seed', o.seed),
  };
}

/**
 * Identity recovery: with γ = sqrt(σ²_B + eps) and β = μ_B, training-mode batch norm gives back
 * its input, y = γ (x - μ_B) / sqrt(σ²_B + eps) + β = x. So normalising costs the network nothing:
 * if the unnormalised activations were better, it can learn γ and β to undo the normalisation.
 * In float32 the difference is rounding only: relative error a few times 2^-24 ≈ 6e-8.
 */
export async function batchNormIdentity(options: BatchNormIdentityOptions = {}): Promise<BatchNormIdentityRecord> {
  const o = resolveBatchNormIdentityOptions(options);
  const start = performance.now();
  const x = gaussianBatch(o.batchSize, o.features, o.inputMean, o.inputStd, seedStream(o.seed).derive('X'));
  const xs = Array.from(await x.data());
  const stats = featureStats(xs, o.features);
  const batchVar = stats.std.map((s) => s * s);
  const gamma = batchVar.map((v) => Math.sqrt(v + o.eps));
  const params = { gamma: tf.tensor1d(gamma), beta: tf.tensor1d(stats.mean) };
  const state = batchNormState(o.features);
  const r = batchNormForward(x, params, state, { training: true, eps: o.eps });
  const ys = await r.y.data();
  tf.dispose([x, r.y, params.gamma, params.beta]);
  [state, r.state].forEach(disposeBatchNormState);
  let maxAbsDiff = 0;
  let scale = 0;
  for (let k = 0; k < xs.length; k++) {
    maxAbsDiff = Math.max(maxAbsDiff, Math.abs(ys[k] - xs[k]));
    scale = Math.max(scale, Math.abs(ys[k]) + Math.abs(xs[k]));
  }
  return {
    experiment: 'batchNormIdentity', options: o, ...provenance(),
    batchMean: stats.mean, batchVar, gamma, beta: stats.mean,
    maxAbsDiff, relError: scale === 0 ? 0 : maxAbsDiff / scale, meta: { ms: performance.now() - start },
  };
}

// ---------------------------------------------------------------------------------------------
// batchNormRunning: the running averages over training steps

export interface BatchNormRunningOptions {
  steps?: number;
  batchSize?: number;
  features?: number;
  inputMean?: number;
  inputStd?: number;
  /** One run per momentum, all on the same sequence of batches. */
  momenta?: readonly number[];
  eps?: number;
  seed?: number;
}

export const BATCH_NORM_RUNNING_DEFAULTS = {
  steps: 200, batchSize: 32, features: 4, inputMean: 5, inputStd: 3, momenta: [0.9, 0.99], eps: BATCH_NORM_DEFAULTS.eps, seed: 0,
} as const;

export interface BatchNormRunningConfig {
  steps: number; batchSize: number; features: number; inputMean: number; inputStd: number;
  momenta: number[]; eps: number; seed: number;
}

/** One momentum's run: running statistics of feature 0 after every step, and the closed forms. */
export interface BatchNormRunningCurve {
  momentum: number;
  /** running_mean and running_var of feature 0 after steps 1..steps. */
  runningMean: number[];
  runningVar: number[];
  /** Expectations from running mean 0, var 1: E[mean_t] = μ (1 - m^t), E[var_t] = m^t + (1 - m^t) σ² (B - 1) / B. */
  expectedMean: number[];
  expectedVar: number[];
  /** All features after the last step. */
  finalMean: number[];
  finalVar: number[];
}

export interface BatchNormRunningRecord extends Provenance {
  experiment: 'batchNormRunning';
  options: BatchNormRunningConfig;
  /** The population values the running statistics estimate: μ and σ² (B - 1) / B (the expected biased batch variance). */
  target: { mean: number; var: number; populationVar: number };
  curves: BatchNormRunningCurve[];
  meta: { ms: number };
}

/** Validates `options` and fills in the defaults. */
export function resolveBatchNormRunningOptions(options: BatchNormRunningOptions = {}): BatchNormRunningConfig {
  checkOptionsObject('batchNormRunning', options, Object.keys(BATCH_NORM_RUNNING_DEFAULTS));
  const o = { ...BATCH_NORM_RUNNING_DEFAULTS, ...options };
  if (!Array.isArray(o.momenta) || o.momenta.length === 0) throw new ArgumentError('momenta', o.momenta, 'a non-empty array of momenta in [0, 1)');
  return {
    steps: checkInt('steps', o.steps, { min: 1 }),
    batchSize: checkInt('batchSize', o.batchSize, { min: 1 }),
    features: checkInt('features', o.features, { min: 1 }),
    inputMean: checkNumber('inputMean', o.inputMean),
    inputStd: checkNumber('inputStd', o.inputStd, { min: 0 }),
    momenta: o.momenta.map((m, i) => {
      try { return checkBatchNormHyper({ momentum: m }).momentum; } catch { throw new ArgumentError(`momenta[${i}]`, m, 'a number in [0, 1)'); }
    }),
    eps: checkBatchNormHyper({ eps: o.eps }).eps,
    seed: checkSeed('seed', o.seed),
  };
}

/**
 * The running averages of training mode, step by step: from running mean 0 and variance 1, each
 * step mixes in a fresh batch's statistics with weight 1 - momentum. The estimate forgets its start
 * like m^t (about 1 / (1 - m) steps: 10 for 0.9, 100 for 0.99) and then wobbles around the target
 * with std σ / sqrt(B) · sqrt((1 - m) / (1 + m)) for the mean. The variance target is the expected
 * biased batch variance σ² (B - 1) / B (tfjs and cs231n average the 1/m variance; PyTorch the
 * unbiased one).
 */
export async function batchNormRunning(options: BatchNormRunningOptions = {}): Promise<BatchNormRunningRecord> {
  const o = resolveBatchNormRunningOptions(options);
  const start = performance.now();
  const seeds = seedStream(o.seed);
  const sigma2 = o.inputStd ** 2;
  const targetVar = (sigma2 * (o.batchSize - 1)) / o.batchSize;
  const curves: BatchNormRunningCurve[] = [];
  const params = { gamma: tf.ones([o.features]) as tf.Tensor1D, beta: tf.zeros([o.features]) as tf.Tensor1D };
  try {
    for (const momentum of o.momenta) {
      const runningMean: number[] = [];
      const runningVar: number[] = [];
      const state = await warmUp({ ...o, momentum }, params, (t) => seeds.derive(`batch${t}`), (_, m, v) => {
        runningMean.push(m[0]);
        runningVar.push(v[0]);
      });
      const finalMean = Array.from(await state.runningMean.data());
      const finalVar = Array.from(await state.runningVar.data());
      disposeBatchNormState(state);
      const decay = runningMean.map((_, i) => momentum ** (i + 1));
      curves.push({
        momentum, runningMean, runningVar,
        expectedMean: decay.map((d) => o.inputMean * (1 - d)),
        expectedVar: decay.map((d) => d + (1 - d) * targetVar),
        finalMean, finalVar,
      });
    }
  } finally {
    tf.dispose([params.gamma, params.beta]);
  }
  return {
    experiment: 'batchNormRunning', options: o, ...provenance(),
    target: { mean: o.inputMean, var: targetVar, populationVar: sigma2 }, curves, meta: { ms: performance.now() - start },
  };
}

// ---------------------------------------------------------------------------------------------
// batchNormFold: test-mode BN merged into the dense / conv layer before it

export interface BatchNormFoldOptions {
  batchSize?: number;
  /** Dense layer: inputs and outputs. */
  inputWidth?: number;
  features?: number;
  /** Conv layer: input height, width and channels, output channels and the square filter size. */
  imageSize?: number;
  inChannels?: number;
  channels?: number;
  filterSize?: number;
  /** Training-mode passes that give the running statistics realistic values before folding. */
  warmupSteps?: number;
  momentum?: number;
  eps?: number;
  seed?: number;
}

export const BATCH_NORM_FOLD_DEFAULTS = {
  batchSize: 32, inputWidth: 20, features: 16, imageSize: 8, inChannels: 3, channels: 8, filterSize: 3,
  warmupSteps: 20, momentum: BATCH_NORM_DEFAULTS.momentum, eps: BATCH_NORM_DEFAULTS.eps, seed: 0,
} as const;

export type BatchNormFoldConfig = { -readonly [K in keyof typeof BATCH_NORM_FOLD_DEFAULTS]: number };

/** How far the folded layer's outputs are from layer-then-BN's (test mode). */
export interface BatchNormFoldComparison {
  /** Shapes of W and of the outputs. */
  kernelShape: number[];
  outputShape: number[];
  maxAbsDiff: number;
  /** max |folded - unfolded| / max(|folded| + |unfolded|). */
  relError: number;
  /** max |unfolded|: the scale the difference is measured against. */
  maxAbsOutput: number;
}

export interface BatchNormFoldRecord extends Provenance {
  experiment: 'batchNormFold';
  options: BatchNormFoldConfig;
  dense: BatchNormFoldComparison;
  conv: BatchNormFoldComparison;
  meta: { ms: number };
}

/** Validates `options` and fills in the defaults. */
export function resolveBatchNormFoldOptions(options: BatchNormFoldOptions = {}): BatchNormFoldConfig {
  checkOptionsObject('batchNormFold', options, Object.keys(BATCH_NORM_FOLD_DEFAULTS));
  const o = { ...BATCH_NORM_FOLD_DEFAULTS, ...options };
  const { momentum, eps } = checkBatchNormHyper({ momentum: o.momentum, eps: o.eps });
  const ints = ['batchSize', 'inputWidth', 'features', 'imageSize', 'inChannels', 'channels', 'filterSize'] as const;
  const resolved = Object.fromEntries(ints.map((k) => [k, checkInt(k, o[k], { min: 1 })])) as Record<typeof ints[number], number>;
  return { ...resolved, warmupSteps: checkInt('warmupSteps', o.warmupSteps, { min: 0 }), momentum, eps, seed: checkSeed('seed', o.seed) };
}

/**
 * Folding: builds a dense layer z = x · W + b and a conv layer z = conv(x, W) + b, each followed
 * by batch norm with random γ, β and running statistics from `warmupSteps` training-mode passes,
 * and compares test-mode BN(z) with the folded layer x · W' + b' (conv(x, W') + b'), where
 * W' = W ⊙ scale and b' = scale ⊙ b + shift ({@link foldBatchNorm}). They agree to float32
 * rounding: the two compute the same affine map in a different order.
 */
export async function batchNormFold(options: BatchNormFoldOptions = {}): Promise<BatchNormFoldRecord> {
  const o = resolveBatchNormFoldOptions(options);
  const start = performance.now();
  const seeds = seedStream(o.seed);
  const dense = await compareFold(o, seeds.fork('dense'), 'dense');
  const conv = await compareFold(o, seeds.fork('conv'), 'conv');
  return { experiment: 'batchNormFold', options: o, ...provenance(), dense, conv, meta: { ms: performance.now() - start } };
}

type SeedSource = { derive(label: string): number };

async function compareFold(o: BatchNormFoldConfig, seeds: SeedSource, kind: 'dense' | 'conv'): Promise<BatchNormFoldComparison> {
  const D = kind === 'dense' ? o.features : o.channels;
  const kernelShape = kind === 'dense' ? [o.inputWidth, D] : [o.filterSize, o.filterSize, o.inChannels, D];
  const inputShape = kind === 'dense' ? [o.batchSize, o.inputWidth] : [o.batchSize, o.imageSize, o.imageSize, o.inChannels];
  const fanIn = kernelShape.slice(0, -1).reduce((a, b) => a * b, 1);
  const W = tf.randomNormal(kernelShape, 0, Math.sqrt(2 / fanIn), 'float32', seeds.derive('W'));
  const b = tf.randomNormal([D], 0, 1, 'float32', seeds.derive('b')) as tf.Tensor1D;
  const params = {
    gamma: tf.randomUniform([D], 0.5, 2, 'float32', seeds.derive('gamma')) as tf.Tensor1D,
    beta: tf.randomNormal([D], 0, 1, 'float32', seeds.derive('beta')) as tf.Tensor1D,
  };
  const layer = (x: tf.Tensor, w: tf.Tensor, bias: tf.Tensor1D): tf.Tensor => tf.tidy(() => tf.add(kind === 'dense'
    ? tf.matMul(x as tf.Tensor2D, w as tf.Tensor2D) : tf.conv2d(x as tf.Tensor4D, w as tf.Tensor4D, 1, 'same'), bias));
  let state = batchNormState(D);
  const toDispose: tf.Tensor[] = [W, b, params.gamma, params.beta];
  try {
    for (let t = 1; t <= o.warmupSteps; t++) {
      const z = tf.tidy(() => layer(tf.randomNormal(inputShape, 1, 2, 'float32', seeds.derive(`warmup${t}`)), W, b));
      const r = batchNormForward(z, params, state, { training: true, momentum: o.momentum, eps: o.eps });
      tf.dispose([z, r.y]);
      disposeBatchNormState(state);
      state = r.state;
    }
    const x = tf.randomNormal(inputShape, 1, 2, 'float32', seeds.derive('X'));
    toDispose.push(x);
    const z = layer(x, W, b);
    const unfolded = batchNormTest(z, params.gamma, params.beta, state, { eps: o.eps });
    const folded = foldBatchNorm({ W, b }, params, state, { eps: o.eps });
    const direct = layer(x, folded.W, folded.b);
    toDispose.push(z, folded.W, folded.b);
    const outputShape = [...unfolded.shape];
    const u = await readAndDispose(unfolded);
    const f = await readAndDispose(direct);
    let maxAbsDiff = 0;
    let den = 0;
    let maxAbsOutput = 0;
    for (let k = 0; k < u.length; k++) {
      maxAbsDiff = Math.max(maxAbsDiff, Math.abs(u[k] - f[k]));
      den = Math.max(den, Math.abs(u[k]) + Math.abs(f[k]));
      maxAbsOutput = Math.max(maxAbsOutput, Math.abs(u[k]));
    }
    return { kernelShape, outputShape, maxAbsDiff, relError: den === 0 ? 0 : maxAbsDiff / den, maxAbsOutput };
  } finally {
    tf.dispose(toDispose);
    disposeBatchNormState(state);
  }
}
