/**
 * Batch normalization (lesson 04, "Batch normalization: train and test modes"), written out as
 * functions: "want unit-Gaussian activations? Make them so."
 *
 * Training mode, per feature j over the mini-batch B = {x_1 .. x_m} (the lecture's algorithm):
 *
 *   μ_B   = (1/m) Σ_i x_ij                        mini-batch mean
 *   σ²_B  = (1/m) Σ_i (x_ij - μ_B)²               mini-batch variance (biased: 1/m)
 *   x̂_ij  = (x_ij - μ_B) / sqrt(σ²_B + eps)       normalize
 *   y_ij  = γ_j x̂_ij + β_j                        scale and shift (learnable γ, β)
 *
 * and the running averages that test mode will use (tfjs/Keras/cs231n convention):
 *
 *   running_mean ← momentum · running_mean + (1 - momentum) · μ_B
 *   running_var  ← momentum · running_var  + (1 - momentum) · σ²_B
 *
 * Test mode uses only the running statistics: y = γ (x - running_mean) / sqrt(running_var + eps) + β,
 * a fixed affine map per feature that {@link foldBatchNorm} (`nn.batchNorm.foldInto`) merges into the layer before it.
 *
 * Shapes: x is [batchSize, features] after a dense layer, or [batchSize, height, width, channels]
 * after a conv layer ("spatial" batch norm: the statistics of channel c pool the batch and every
 * position, m = batchSize · height · width). gamma, beta and the running statistics are [D], D the
 * last axis of x.
 *
 * Conventions (STYLE.md, tfjs trap 5): `momentum` is the weight of the OLD running value, as in
 * `tf.layers.batchNormalization` (default 0.99) and cs231n (0.9). PyTorch's and d2l's `momentum` is
 * the weight of the NEW batch value (default 0.1): PyTorch m = 1 - ours. tfjs also uses the biased
 * variance for its running variance (PyTorch the unbiased one). Epsilon: ours 1e-5 (cs231n, PyTorch),
 * tfjs 1e-3. With {@link TFJS_BATCH_NORM_DEFAULTS} (`nn.batchNorm.TFJS_DEFAULTS`) these functions agree with tf.layers.
 *
 * State is explicit (STYLE.md): {@link batchNormForward} returns new running statistics instead of
 * mutating, and `training` must always be given: the mode is the lesson.
 *
 * In the namespace `nn.batchNorm` these are `forward`, `train`, `test`, `params`, `state`,
 * `disposeState`, `moments`, `affine`, `foldInto`, `DEFAULTS` and `TFJS_DEFAULTS`.
 *
 * @example
 * const params = nn.batchNorm.params(4);            // gamma = 1, beta = 0
 * let state = nn.batchNorm.state(4);                // running mean 0, running var 1
 * const { y, state: next } = nn.batchNorm.forward(x, params, state, { training: true });
 * nn.batchNorm.disposeState(state); state = next;   // the caller owns what comes back
 * const yTest = nn.batchNorm.test(x, params.gamma, params.beta, state, {});
 */
import * as tf from '@tensorflow/tfjs';
import { ArgumentError, checkBoolean, checkKnownKeys } from '../../core/errors';
import { checkFinite, checkTensor } from '../../core/tensorChecks';

/** The learnable parameters of a batch-norm layer: scale γ and shift β, each [D]. */
export interface BatchNormParams { gamma: tf.Tensor1D; beta: tf.Tensor1D }

/** The running statistics of a batch-norm layer (its state), each [D]. */
export interface BatchNormState { runningMean: tf.Tensor1D; runningVar: tf.Tensor1D }

/** The constants of batch norm. */
export interface BatchNormHyper {
  /** Weight of the old running value: running ← momentum · running + (1 - momentum) · batch. In [0, 1). */
  momentum?: number;
  /** Added to the variance before the square root; > 0. */
  eps?: number;
}

/** Options of {@link batchNormForward}: the mode (required) and the constants. */
export interface BatchNormConfig extends BatchNormHyper {
  /** true: normalise with the batch statistics and update the running ones; false: use the running ones. */
  training: boolean;
}

/** Our defaults, the lecture's (cs231n): momentum 0.9, eps 1e-5 (`nn.batchNorm.DEFAULTS`). */
export const BATCH_NORM_DEFAULTS = { momentum: 0.9, eps: 1e-5 } as const;

/** The defaults of `tf.layers.batchNormalization` in tfjs 4.22: momentum 0.99, epsilon 1e-3 (`nn.batchNorm.TFJS_DEFAULTS`). */
export const TFJS_BATCH_NORM_DEFAULTS = { momentum: 0.99, eps: 1e-3 } as const;

/** The output of {@link batchNormForward}: new tensors owned by the caller. */
export interface BatchNormResult { y: tf.Tensor; state: BatchNormState }

/**
 * Batch norm forward, either mode (formulas in the module comment). Training mode normalises with
 * the mini-batch statistics and returns updated running statistics; test mode uses the running
 * statistics and returns copies of them unchanged. Every returned tensor is new and owned by the
 * caller; the inputs are not modified.
 *
 * @example
 * const x = tf.randomNormal([32, 4], 5, 3, 'float32', 1);          // a batch of 32, 4 features
 * const params = nn.batchNorm.params(4), state = nn.batchNorm.state(4);
 * const { y, state: next } = nn.batchNorm.forward(x, params, state, { training: true, momentum: 0.9 });
 * // y: every feature mean 0, std ≈ 1; next: running mean 0.5, running var ≈ 1.8 after one step
 */
export function batchNormForward(x: tf.Tensor, params: BatchNormParams, state: BatchNormState,
  config: BatchNormConfig): BatchNormResult {
  const resolved = resolveBatchNormConfig(config);
  checkBatchNormShapes(x, params, state);
  checkBatchNormFinite(x, params, state);
  return batchNormForwardUnchecked(x, params, state, resolved);
}

/**
 * {@link batchNormForward} without reading the values back to check that they are finite: for the
 * lesson's own loops (the BN net's training steps, the warm-ups), where a NaN is a result to
 * report (training diverged), not a bad input, and a sync per step would slow every step. Checks
 * the config and the shapes.
 */
export function batchNormForwardUnchecked(x: tf.Tensor, params: BatchNormParams, state: BatchNormState,
  config: BatchNormConfig): BatchNormResult {
  const { training, momentum, eps } = resolveBatchNormConfig(config);
  checkBatchNormShapes(x, params, state);
  return tf.tidy(() => {
    if (!training) {
      const y = normalize(x, state.runningMean, state.runningVar, params, eps);
      return { y, state: { runningMean: state.runningMean.clone(), runningVar: state.runningVar.clone() } };
    }
    const { mean, variance } = batchMomentsUnchecked(x);
    const y = normalize(x, mean, variance, params, eps);
    return { y, state: updateRunning(state, mean, variance, momentum) };
  });
}

/**
 * Training mode with the mode in the name: `{y, running}`, the output and the updated running
 * statistics. Same as `batchNormForward(x, {gamma, beta}, running, {training: true, ...hyper})`.
 *
 * @example
 * const x = tf.randomNormal([32, 4], 5, 3, 'float32', 1);
 * const { gamma, beta } = nn.batchNorm.params(4);
 * const { y, running } = nn.batchNorm.train(x, gamma, beta, nn.batchNorm.state(4), { momentum: 0.9, eps: 1e-5 });
 */
export function batchNormTrain(x: tf.Tensor, gamma: tf.Tensor1D, beta: tf.Tensor1D, running: BatchNormState,
  hyper: BatchNormHyper = {}): { y: tf.Tensor; running: BatchNormState } {
  checkKnownKeys('batchNorm.train', hyper, ['momentum', 'eps']);
  const { y, state } = batchNormForward(x, { gamma, beta }, running, { ...checkBatchNormHyper(hyper), training: true });
  return { y, running: state };
}

/**
 * Test mode with the mode in the name: y = γ (x - running_mean) / sqrt(running_var + eps) + β, from
 * the running statistics only (no batch statistics, so one example gives the same answer alone
 * as in any batch).
 *
 * @example
 * const x = tf.randomNormal([1, 4], 5, 3, 'float32', 1);           // one example alone
 * const { gamma, beta } = nn.batchNorm.params(4);
 * const y = nn.batchNorm.test(x, gamma, beta, nn.batchNorm.state(4), { eps: 1e-5 });   // no batch statistics at all
 */
export function batchNormTest(x: tf.Tensor, gamma: tf.Tensor1D, beta: tf.Tensor1D, running: BatchNormState,
  hyper: Pick<BatchNormHyper, 'eps'> = {}): tf.Tensor {
  checkKnownKeys('batchNorm.test', hyper, ['eps']);
  const { y, state } = batchNormForward(x, { gamma, beta }, running, { ...hyper, training: false });
  disposeBatchNormState(state);
  return y;
}

/** Validates the mode and constants and fills in {@link BATCH_NORM_DEFAULTS}; errors name the field. */
export function resolveBatchNormConfig(config: BatchNormConfig): Required<BatchNormConfig> {
  if (typeof config !== 'object' || config === null) {
    throw new ArgumentError('config', config, 'an object {training, momentum?, eps?}');
  }
  checkKnownKeys('batchNorm.forward', config, ['training', 'momentum', 'eps']);
  const training = checkBoolean('training', config.training);
  return { training, ...checkBatchNormHyper(config) };
}

/** Largest eps batch norm takes (tfjs uses 1e-3, the lecture 1e-5). */
export const EPS_MAX = 1000;

/** Most features (channels) of one batch-norm layer: its γ, β and running statistics are [D]. */
export const MAX_FEATURES = 1_000_000;

/** Checks momentum in [0, 1) and eps > 0 (defaults filled in). */
export function checkBatchNormHyper(hyper: BatchNormHyper): Required<BatchNormHyper> {
  const { momentum, eps } = { ...BATCH_NORM_DEFAULTS, ...stripUndefined(hyper) };
  return { momentum: checkMomentum('momentum', momentum), eps: checkEps('eps', eps) };
}

/** A running-average momentum: a number in [0, 1). */
export function checkMomentum(name: string, momentum: unknown): number {
  if (typeof momentum !== 'number' || !(momentum >= 0 && momentum < 1)) {
    throw new ArgumentError(name, momentum,
      'a number in [0, 1) (the weight of the old running value: running = momentum * running + (1 - momentum) * batch)');
  }
  return momentum;
}

/** Batch norm's eps: a finite number > 0, at most {@link EPS_MAX}. */
export function checkEps(name: string, eps: unknown): number {
  if (typeof eps !== 'number' || !Number.isFinite(eps) || !(eps > 0) || eps > EPS_MAX) {
    throw new ArgumentError(name, eps, `a finite number in (0, ${EPS_MAX}] (it keeps sqrt(var + eps) away from 0)`);
  }
  return eps;
}

function stripUndefined<T extends object>(o: T): Partial<T> {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as Partial<T>;
}

/**
 * Throws unless x is [batchSize, D] or [batchSize, height, width, D] and gamma, beta and the
 * running statistics are all [D]; returns D.
 */
export function checkBatchNormShapes(x: tf.Tensor, params: BatchNormParams, state: BatchNormState): number {
  checkInput(x);
  const D = x.shape[x.rank - 1];
  checkBatchNormParams(D, params, state, `the last axis of x, shape [${x.shape.join(', ')}]`);
  return D;
}

/** Throws unless gamma, beta, runningMean and runningVar are all tensors of shape [D]. */
export function checkBatchNormParams(D: number, params: BatchNormParams, state: BatchNormState, what: string): void {
  const per = `[${D}] (one value per feature: ${what})`;
  const vectors: [string, unknown][] = [['gamma', params?.gamma], ['beta', params?.beta],
    ['runningMean', state?.runningMean], ['runningVar', state?.runningVar]];
  for (const [name, t] of vectors) {
    if (!(t instanceof tf.Tensor)) throw new ArgumentError(name, t, `a tensor of shape ${per}`);
    checkTensor(name, t);
    if (t.rank !== 1 || t.shape[0] !== D) throw new ArgumentError(`${name}.shape`, [...t.shape], per);
  }
}

/** Throws unless x, γ, β and the running statistics hold only finite values (reads them back). */
export function checkBatchNormFinite(x: tf.Tensor | null, params: BatchNormParams, state: BatchNormState): void {
  if (x !== null) checkFinite('x', x);
  checkFinite('gamma', params.gamma);
  checkFinite('beta', params.beta);
  checkFinite('runningMean', state.runningMean);
  checkFinite('runningVar', state.runningVar);
}

function checkInput(x: tf.Tensor): void {
  checkTensor('x', x);
  if (x.rank !== 2 && x.rank !== 4) {
    throw new ArgumentError('x.shape', [...x.shape], '[batchSize, features] or [batchSize, height, width, channels]');
  }
  if (x.shape[0] < 1) throw new ArgumentError('x.shape[0]', x.shape[0], 'a batch size >= 1');
}

/** The axes batch norm reduces over: every axis but the last (features or channels). */
export function batchNormAxes(rank: number): number[] {
  return Array.from({ length: rank - 1 }, (_, i) => i);
}

/**
 * μ_B and σ²_B (biased, 1/m) per feature, each [D]: over every axis but the last.
 *
 * @example
 * const x = tf.randomNormal([8, 4, 4, 3], 0, 2, 'float32', 1);     // [N, H, W, C]
 * const { mean, variance } = nn.batchNorm.moments(x);              // [3] each: per channel over N, H, W
 */
export function batchMoments(x: tf.Tensor): { mean: tf.Tensor1D; variance: tf.Tensor1D } {
  checkTensor('x', x);
  checkFinite('x', x);
  return batchMomentsUnchecked(x);
}

function batchMomentsUnchecked(x: tf.Tensor): { mean: tf.Tensor1D; variance: tf.Tensor1D } {
  return tf.tidy(() => {
    const axes = batchNormAxes(x.rank);
    const mean = tf.mean(x, axes);
    const variance = tf.mean(tf.square(tf.sub(x, mean)), axes);
    return { mean: mean as tf.Tensor1D, variance: variance as tf.Tensor1D };
  });
}

/** y = γ (x - μ) / sqrt(σ² + eps) + β, broadcasting [D] vectors over the last axis of x. */
function normalize(x: tf.Tensor, mean: tf.Tensor1D, variance: tf.Tensor1D, params: BatchNormParams, eps: number): tf.Tensor {
  const xHat = tf.div(tf.sub(x, mean), tf.sqrt(tf.add(variance, eps)));
  return tf.add(tf.mul(params.gamma, xHat), params.beta);
}

/** running ← momentum · running + (1 - momentum) · batch, for the mean and the variance. */
function updateRunning(state: BatchNormState, mean: tf.Tensor1D, variance: tf.Tensor1D, momentum: number): BatchNormState {
  const mix = (running: tf.Tensor1D, batch: tf.Tensor1D) => tf.add(tf.mul(momentum, running), tf.mul(1 - momentum, batch)) as tf.Tensor1D;
  return { runningMean: mix(state.runningMean, mean), runningVar: mix(state.runningVar, variance) };
}

/**
 * Fresh parameters for D features: γ = 1, β = 0 (the layer starts as a pure normalizer).
 *
 * @example
 * const params = nn.batchNorm.params(16);   // { gamma: ones [16], beta: zeros [16] }
 */
export function batchNormParams(D: number): BatchNormParams {
  checkFeatures(D);
  return { gamma: tf.ones([D]) as tf.Tensor1D, beta: tf.zeros([D]) as tf.Tensor1D };
}

/**
 * Fresh state for D features: running mean 0, running variance 1 (tf.layers' initializers).
 *
 * @example
 * const state = nn.batchNorm.state(16);     // { runningMean: zeros [16], runningVar: ones [16] }
 */
export function batchNormState(D: number): BatchNormState {
  checkFeatures(D);
  return { runningMean: tf.zeros([D]) as tf.Tensor1D, runningVar: tf.ones([D]) as tf.Tensor1D };
}

function checkFeatures(D: number): void {
  if (!Number.isInteger(D) || D < 1 || D > MAX_FEATURES) {
    throw new ArgumentError('D', D, `an integer in [1, ${MAX_FEATURES}] (the number of features; γ and β hold one value each)`);
  }
}

/**
 * Disposes a state's two tensors (the old state, once a new one has replaced it).
 *
 * @example
 * let state = nn.batchNorm.state(4);
 * const x = tf.randomNormal([8, 4], 0, 1, 'float32', 1);
 * const { state: next } = nn.batchNorm.forward(x, nn.batchNorm.params(4), state, { training: true });
 * nn.batchNorm.disposeState(state); state = next;
 */
export function disposeBatchNormState(state: BatchNormState): void {
  tf.dispose([state.runningMean, state.runningVar]);
}

/**
 * Test-mode batch norm as the affine map it is, per feature: y = scale ⊙ x + shift with
 * scale = γ / sqrt(running_var + eps) and shift = β - scale ⊙ running_mean. New [D] tensors.
 *
 * @example
 * const { scale, shift } = nn.batchNorm.affine(nn.batchNorm.params(4), nn.batchNorm.state(4), { eps: 1e-5 });
 * // fresh γ = 1, β = 0, running mean 0, var 1: scale ≈ 1, shift = 0
 */
export function batchNormAffine(params: BatchNormParams, state: BatchNormState,
  hyper: Pick<BatchNormHyper, 'eps'> = {}): { scale: tf.Tensor1D; shift: tf.Tensor1D } {
  checkKnownKeys('batchNorm.affine', hyper, ['eps']);
  const { eps } = checkBatchNormHyper(hyper);
  const gamma: unknown = params?.gamma;
  if (gamma instanceof tf.Tensor) checkTensor('gamma', gamma);
  if (!(gamma instanceof tf.Tensor) || gamma.rank !== 1) {
    throw new ArgumentError('gamma', gamma instanceof tf.Tensor ? [...gamma.shape] : gamma, 'a tensor of shape [D]');
  }
  checkBatchNormParams(gamma.shape[0], params, state, 'the length of gamma');
  checkBatchNormFinite(null, params, state);
  return tf.tidy(() => {
    const scale = tf.div(params.gamma, tf.sqrt(tf.add(state.runningVar, eps))) as tf.Tensor1D;
    return { scale, shift: tf.sub(params.beta, tf.mul(scale, state.runningMean)) as tf.Tensor1D };
  });
}

/** A dense or conv layer's weights: W [fanIn, D] or [filterH, filterW, inChannels, D], bias b [D] or null. */
export interface FoldableLayer { W: tf.Tensor; b: tf.Tensor1D | null }

/**
 * Folds a test-mode batch norm into the dense or conv layer before it. With z = x · W + b (or the
 * convolution) and scale, shift from {@link batchNormAffine}:
 *
 *   BN(z) = scale ⊙ (x · W + b) + shift = x · (W ⊙ scale) + (scale ⊙ b + shift)
 *
 * so W' = W with output column (channel) j multiplied by scale_j, and b' = scale ⊙ b + shift.
 * The folded layer gives the same outputs as layer-then-BN in test mode, with no BN at all: what
 * deployment tools do. (Only test mode folds: in training mode the statistics change every batch.)
 *
 * @example
 * const W = tf.randomNormal([20, 4], 0, 0.3, 'float32', 1), b = tf.tensor1d([0.1, 0, -0.1, 0.2]);
 * const params = nn.batchNorm.params(4), state = nn.batchNorm.state(4);
 * const folded = nn.batchNorm.foldInto({ W, b }, params, state, { eps: 1e-5 });
 * // x · folded.W + folded.b equals nn.batchNorm.test(x · W + b, params.gamma, params.beta, state) for every x
 */
export function foldBatchNorm(layer: FoldableLayer, params: BatchNormParams, state: BatchNormState,
  hyper: Pick<BatchNormHyper, 'eps'> = {}): { W: tf.Tensor; b: tf.Tensor1D } {
  const W = layer?.W;
  if (W instanceof tf.Tensor) checkTensor('layer.W', W);
  if (!(W instanceof tf.Tensor) || (W.rank !== 2 && W.rank !== 4)) {
    throw new ArgumentError('layer.W.shape', W instanceof tf.Tensor ? [...W.shape] : W,
      '[fanIn, D] (dense) or [filterH, filterW, inChannels, D] (conv)');
  }
  const D = W.shape[W.rank - 1];
  if (layer.b !== null && (!(layer.b instanceof tf.Tensor) || layer.b.rank !== 1 || layer.b.shape[0] !== D)) {
    throw new ArgumentError('layer.b', layer.b instanceof tf.Tensor ? [...layer.b.shape] : layer.b,
      `null or a tensor of shape [${D}] (one bias per output of W)`);
  }
  if (layer.b !== null) checkTensor('layer.b', layer.b);
  checkFinite('layer.W', W);
  if (layer.b !== null) checkFinite('layer.b', layer.b);
  checkBatchNormParams(D, params, state, `the last axis of W, shape [${W.shape.join(', ')}]`);
  return tf.tidy(() => {
    const { scale, shift } = batchNormAffine(params, state, hyper);
    const b = layer.b === null ? shift : tf.add(tf.mul(scale, layer.b), shift);
    return { W: tf.mul(W, scale), b: b as tf.Tensor1D };
  });
}
