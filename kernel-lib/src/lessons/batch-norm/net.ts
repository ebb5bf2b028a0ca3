/**
 * A small fully connected classifier with optional batch norm, for the training parts of lesson 04
 * ("Batch normalization"): the train/test-mode bug, the rescue from a bad init, trainability at
 * larger learning rates. Written with {@link batchNormForward}, so the running statistics are
 * explicit state that the training loop threads through, exactly as the lecture draws it:
 *
 *   hidden layer l:  z = h · W_l (+ b_l without BN),  h' = f(BN(z))  with BN,  f(z) without
 *   read-out:        logits = h · W_out + b_out
 *
 * BN goes after the dense layer and before the nonlinearity. A BN layer has no bias before it: β
 * takes its place (BN subtracts the batch mean, which removes any bias).
 *
 * Parameters are `tf.Variable`s trained by a tfjs optimizer; gradients come from autodiff through
 * our batch-norm functions. Everything is seeded: W_l = std · N(0, 1) from sub-seed "W<l>".
 *
 * Internal to the lesson (modeBug.ts, rescue.ts, learningRates.ts; tests import it by path): the
 * public face of these nets is the experiments.
 *
 * @example
 * const net = createBatchNormNet({ inputWidth: 2, widths: [64, 64], classes: 3, batchNorm: true, init: 'he', seed: 1 });
 * const { logits, states } = batchNormNetForward(net, X, net.states, { training: false });
 * disposeBatchNormNet(net);
 */
import * as tf from '@tensorflow/tfjs';
import { ArgumentError, checkBoolean, checkInt, checkNumber, checkOneOf } from '../../core/errors';
import { checkSeed, seedStream } from '../../core/rng';
import type { ProgressCallback } from '../../core/progress';
import { train } from '../../nets/train';
import type { PointSet } from '../../data/synthetic';
import { initStd } from '../../nets/init';
import { accuracyOf } from '../../nets/losses';

export { accuracyOf };
import { BatchNormConfig, batchNormForwardUnchecked, BatchNormState, disposeBatchNormState } from './batchNorm';

/** Hidden nonlinearities the BN lesson uses. */
export const BN_NET_ACTIVATIONS = ['relu', 'tanh'] as const;
export type BnNetActivation = typeof BN_NET_ACTIVATIONS[number];

/** Weight inits of lesson 03 that lesson 04 uses: std of W for a layer with `fanIn` inputs. */
export const BN_NET_INITS = ['small', 'xavier', 'he'] as const;
export type BnNetInit = typeof BN_NET_INITS[number];

/** std of W: small 0.01, xavier 1/sqrt(fanIn), he sqrt(2/fanIn): lesson 03's formulas, from nets/init.ts. */
export function bnNetWeightStd(init: BnNetInit, fanIn: number): number {
  return initStd(checkOneOf('init', init, BN_NET_INITS), [fanIn, 1]);
}

export interface BatchNormNetOptions {
  inputWidth: number;
  /** Width of each hidden layer. */
  widths: readonly number[];
  classes: number;
  batchNorm: boolean;
  init: BnNetInit;
  activation?: BnNetActivation;
  seed: number;
}

export interface BnHiddenLayer {
  W: tf.Variable;
  /** Present without BN only. */
  b: tf.Variable | null;
  /** Present with BN only. */
  gamma: tf.Variable | null;
  beta: tf.Variable | null;
}

/** The net: parameters as variables, the BN running statistics as plain tensors (state). */
export interface BatchNormNet {
  options: Required<BatchNormNetOptions>;
  hidden: BnHiddenLayer[];
  Wout: tf.Variable;
  bout: tf.Variable;
  /** One state per hidden layer with BN; [] without BN. */
  states: BatchNormState[];
}

/** Builds a seeded net (weights drawn from N(0, std²), γ = 1, β = 0, running mean 0, var 1). */
export function createBatchNormNet(options: BatchNormNetOptions): BatchNormNet {
  const o = resolveNetOptions(options);
  const seeds = seedStream(o.seed);
  const dims = [o.inputWidth, ...o.widths];
  const hidden: BnHiddenLayer[] = [];
  const states: BatchNormState[] = [];
  for (let l = 1; l < dims.length; l++) {
    const W = drawWeights([dims[l - 1], dims[l]], bnNetWeightStd(o.init, dims[l - 1]), seeds.derive(`W${l}`));
    if (o.batchNorm) {
      hidden.push({ W, b: null, gamma: filled(dims[l], 1), beta: filled(dims[l], 0) });
      states.push({ runningMean: tf.zeros([dims[l]]), runningVar: tf.ones([dims[l]]) });
    } else {
      hidden.push({ W, b: filled(dims[l], 0), gamma: null, beta: null });
    }
  }
  const last = dims[dims.length - 1];
  const Wout = drawWeights([last, o.classes], 1 / Math.sqrt(last), seeds.derive('Wout'));
  return { options: o, hidden, Wout, bout: filled(o.classes, 0), states };
}

/** A [n] variable filled with `value` (made inside tidy: tf.variable(t) leaves t behind otherwise). */
function filled(n: number, value: number): tf.Variable {
  return tf.tidy(() => tf.variable(tf.fill([n], value)));
}

function drawWeights(shape: [number, number], std: number, seed: number): tf.Variable {
  return tf.tidy(() => tf.variable(tf.randomNormal(shape, 0, std, 'float32', seed)));
}

function resolveNetOptions(options: BatchNormNetOptions): Required<BatchNormNetOptions> {
  const widths = options.widths;
  if (!Array.isArray(widths) || widths.length === 0) throw new ArgumentError('widths', widths, 'a non-empty array of layer widths');
  return {
    inputWidth: checkInt('inputWidth', options.inputWidth, { min: 1 }),
    widths: widths.map((w, i) => checkInt(`widths[${i}]`, w, { min: 1 })),
    classes: checkInt('classes', options.classes, { min: 2 }),
    batchNorm: checkBoolean('batchNorm', options.batchNorm),
    init: checkOneOf('init', options.init, BN_NET_INITS),
    activation: checkOneOf('activation', options.activation ?? 'relu', BN_NET_ACTIVATIONS),
    seed: checkSeed('seed', options.seed),
  };
}

/** Every variable of the net (what the optimizer trains). */
export function batchNormNetVariables(net: BatchNormNet): tf.Variable[] {
  const vars: tf.Variable[] = [];
  for (const layer of net.hidden) for (const v of [layer.W, layer.b, layer.gamma, layer.beta]) if (v) vars.push(v);
  return [...vars, net.Wout, net.bout];
}

/** Frees the net's variables and state. */
export function disposeBatchNormNet(net: BatchNormNet): void {
  tf.dispose(batchNormNetVariables(net));
  net.states.forEach(disposeBatchNormState);
  net.states = [];
}

/** What one forward pass gives: logits [batchSize, classes], the new BN states, each hidden layer's output. */
export interface BatchNormNetOutput { logits: tf.Tensor2D; states: BatchNormState[]; hidden: tf.Tensor2D[] }

/**
 * Forward pass through the net in the given mode. `states` are the BN running statistics to use
 * (test mode) or to update (training mode); the new ones come back in `states`. All returned
 * tensors are new and owned by the caller.
 */
export function batchNormNetForward(net: BatchNormNet, X: tf.Tensor2D, states: readonly BatchNormState[],
  config: BatchNormConfig): BatchNormNetOutput {
  if (net.options.batchNorm && states.length !== net.hidden.length) {
    throw new ArgumentError('states.length', states.length, `${net.hidden.length} (one per hidden layer with batch norm)`);
  }
  const run = (): BatchNormNetOutput => {
    let h: tf.Tensor2D = X;
    const newStates: BatchNormState[] = [];
    const hidden: tf.Tensor2D[] = [];
    net.hidden.forEach((layer, l) => {
      let z = tf.matMul(h, layer.W);
      if (layer.gamma && layer.beta) {
        const bn = batchNormForwardUnchecked(z, { gamma: layer.gamma as tf.Tensor1D, beta: layer.beta as tf.Tensor1D }, states[l], config);
        z = bn.y as tf.Tensor2D;
        newStates.push(bn.state);
      } else {
        z = tf.add(z, layer.b!);
      }
      h = (net.options.activation === 'relu' ? tf.relu(z) : tf.tanh(z)) as tf.Tensor2D;
      hidden.push(h);
    });
    const logits = tf.add(tf.matMul(h, net.Wout), net.bout) as tf.Tensor2D;
    return { logits, states: newStates, hidden };
  };
  // tidy keeps every tensor of the returned object (tfjs types want an index signature: hence the casts)
  return tf.tidy(run as unknown as () => tf.TensorContainer) as unknown as BatchNormNetOutput;
}


export interface BatchNormNetTrainOptions {
  steps: number;
  batchSize: number;
  lr: number;
  optimizer: 'sgd' | 'adam';
  momentum?: number;
  eps?: number;
  seed: number;
  /** Progress of every step, in the one shape (`metrics: {loss, step}`); see nets/train.ts. */
  progress?: ProgressCallback;
  phase?: string;
  progressOffset?: number;
  progressTotal?: number;
}

/**
 * Trains the net in place with the one training loop (nets/train.ts) by mini-batch descent on
 * softmax cross-entropy, in training mode: each step draws a batch without replacement
 * (reshuffled every epoch, seeded, a short last batch dropped), updates the weights and replaces
 * `net.states` by the new running statistics. Returns the loss of every step (NaN or Infinity
 * once training diverged; it then stops early and pads with NaN).
 */
export async function trainBatchNormNet(net: BatchNormNet, data: PointSet, options: BatchNormNetTrainOptions): Promise<number[]> {
  checkInt('steps', options.steps, { min: 1 });
  checkInt('batchSize', options.batchSize, { min: 1, max: data.n });
  checkNumber('lr', options.lr, { min: 0 });
  checkOneOf('optimizer', options.optimizer, ['sgd', 'adam'] as const);
  const X = tf.tensor2d(data.X, [data.n, data.dims]);
  const Y = tf.tidy(() => tf.oneHot(tf.tensor1d(Array.from(data.y), 'int32'), data.classes));
  const optimizer = options.optimizer === 'sgd' ? tf.train.sgd(options.lr) : tf.train.adam(options.lr);
  const seeds = seedStream(options.seed);
  try {
    const { losses } = await train({ step: (batch) => trainStep(net, X, Y, batch, optimizer, options) }, { count: data.n }, {
      steps: options.steps, batchSize: options.batchSize, dropLast: true, order: () => seeds.random(), onDiverge: 'stop',
      progress: options.progress, phase: options.phase, progressOffset: options.progressOffset, progressTotal: options.progressTotal,
    });
    while (losses.length < options.steps) losses.push(NaN);
    return losses;
  } finally {
    tf.dispose([X, Y]);
    optimizer.dispose();
  }
}

/** One step: forward in training mode, loss, gradients, update; swaps in the new BN states. */
function trainStep(net: BatchNormNet, X: tf.Tensor2D, Y: tf.Tensor, indices: Int32Array, optimizer: tf.Optimizer,
  options: BatchNormNetTrainOptions): tf.Scalar {
  let newStates: BatchNormState[] = [];
  const loss = tf.tidy(() => {
    const idx = tf.tensor1d(indices, 'int32');
    const xb = tf.gather(X, idx) as tf.Tensor2D;
    const yb = tf.gather(Y, idx);
    const { value, grads } = tf.variableGrads(() => {
      const out = batchNormNetForward(net, xb, net.states, { training: true, momentum: options.momentum, eps: options.eps });
      newStates = out.states.map((s) => ({ runningMean: tf.keep(s.runningMean), runningVar: tf.keep(s.runningVar) }));
      return tf.losses.softmaxCrossEntropy(yb, out.logits) as tf.Scalar;
    }, batchNormNetVariables(net));
    optimizer.applyGradients(grads);
    return value;
  });
  net.states.forEach(disposeBatchNormState);
  net.states = newStates;
  return loss;
}

/** Predicted class per row of X in the given mode (states are not updated: new ones are freed). */
export async function batchNormNetPredict(net: BatchNormNet, X: tf.Tensor2D, config: BatchNormConfig): Promise<{ classes: number[]; probs: number[][] }> {
  const { logits, states, hidden } = batchNormNetForward(net, X, net.states, config);
  const probsT = tf.softmax(logits);
  const flat = await probsT.data();
  tf.dispose([logits, probsT, ...hidden]);
  states.forEach(disposeBatchNormState);
  const K = net.options.classes;
  const probs: number[][] = [];
  const classes: number[] = [];
  for (let i = 0; i < X.shape[0]; i++) {
    const row = Array.from(flat.subarray(i * K, (i + 1) * K));
    probs.push(row);
    classes.push(row.indexOf(Math.max(...row)));
  }
  return { classes, probs };
}

