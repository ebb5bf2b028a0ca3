/**
 * One training run of the lecture's two-layer net (nets/twoLayer: explicit weights, hand-written
 * backward pass, L2 on both weight matrices) with plain SGD through THE training loop (nets/train):
 * what lessons 05 (babysitting) and 06 (hyperparameter search) run again and again.
 *
 * Step k of epoch e: a seeded mini-batch, the loss and its gradient, then
 * W ← W − lr·decay^(e−1)·dW. Before training (epoch 0) and after every epoch: the mean loss of the
 * epoch, the accuracy on (the first `evalTrainSize` rows of) the training rows and on the validation
 * rows. A diverging run (NaN, ∞, or with `stopIfLossAbove: k` a loss over k × the first step's)
 * stops at once and says so in `diverged`: it never throws.
 *
 * @example
 * const s = await nn.data.flatSplits({ train: 500, val: 100, test: 0, seed: 0 });
 * const run = await nn.nets.trainTwoLayer({ train: s.train, val: s.val, reg: 0, lr: 1e-4, epochs: 2, seed: 0 });
 * run.initialLoss                  // about 2.3026 = ln 10
 * run.epochs.map((e) => e.valAcc)  // epoch 0 (chance, about 0.1), then rising
 */
import * as tf from '@tensorflow/tfjs';
import { ArgumentError, checkBoolean, checkInt, checkNumber, checkOptions } from '../core/errors';
import type { ProgressCallback } from '../core/progress';
import { checkSeed, seedStream } from '../core/rng';
import { train, TrainResult } from './train';
import { disposeTwoLayer, initTwoLayer, TwoLayerParams, twoLayerLoss, twoLayerScores, twoLayerSgdStep, TWO_LAYER_STD } from './twoLayer';

/** Rows and labels: `X` holds y.length rows of equal length. */
export interface TwoLayerData { X: Float32Array; y: Int32Array }

export interface TwoLayerRunOptions {
  train: TwoLayerData;
  /** Validation rows; without them `valAcc` is null. */
  val?: TwoLayerData;
  hiddenSize?: number;
  /** Number of classes (default: the largest label + 1). */
  classes?: number;
  /** Weight scale of the init `std · randn` (default 1e-4). */
  std?: number;
  reg: number;
  lr: number;
  /** The learning rate is multiplied by this after every epoch (default 1: constant). */
  lrDecay?: number;
  batchSize?: number;
  /** Give this or `steps`. */
  epochs?: number;
  steps?: number;
  seed: number;
  /** Stop when a step's loss passes this multiple of the first step's (the search's rule: 3). */
  stopIfLossAbove?: number;
  /** Training accuracy is measured on the first N training rows (default 1000). */
  evalTrainSize?: number;
  /** Log ‖ΔW‖/‖W‖ of W1 and W2 at every step (the training loop's `updateRatios`). */
  updateRatios?: boolean;
  /** Return W1 before and after training (for the template images). */
  keepWeights?: boolean;
  progress?: ProgressCallback;
  phase?: string;
  progressOffset?: number;
  progressTotal?: number;
}

/** One epoch's numbers; epoch 0 is before training (loss null). */
export interface TwoLayerEpoch { epoch: number; loss: number | null; trainAcc: number; valAcc: number | null; lr: number }

export interface TwoLayerRun {
  /** The mini-batch loss of every step. */
  losses: number[];
  /** The first step's loss (before any update): ln C with tiny weights and reg 0. */
  initialLoss: number;
  epochs: TwoLayerEpoch[];
  steps: number;
  diverged: TrainResult['diverged'];
  updateRatios?: { W1: number[]; W2: number[] };
  /** With `keepWeights`: W1 [inputSize, hiddenSize] row-major, before and after training. */
  firstLayer?: { shape: [number, number]; before: number[]; after: number[] };
}

const KEYS = ['train', 'val', 'hiddenSize', 'classes', 'std', 'reg', 'lr', 'lrDecay', 'batchSize', 'epochs', 'steps', 'seed', 'stopIfLossAbove',
  'evalTrainSize', 'updateRatios', 'keepWeights', 'progress', 'phase', 'progressOffset', 'progressTotal'];

function checkData(name: string, d: TwoLayerData | undefined): { rows: number; dims: number } {
  if (!d || !(d.X instanceof Float32Array) || !(d.y instanceof Int32Array)) {
    throw new ArgumentError(name, d, '{ X: Float32Array, y: Int32Array } (rows and labels, e.g. a part of nn.data.flatSplits)');
  }
  const rows = d.y.length;
  if (rows < 1 || d.X.length % rows !== 0) throw new ArgumentError(`${name}.X`, `${d.X.length} numbers`, `a multiple of ${name}.y.length (${rows} rows)`);
  return { rows, dims: d.X.length / rows };
}

/**
 * Trains the two-layer net once; see the module comment.
 *
 * @example
 * const s = await nn.data.flatSplits({ train: 200, val: 100, test: 0, seed: 0 });
 * const run = await nn.nets.trainTwoLayer({ train: s.train, val: s.val, reg: 0, lr: 1e6, steps: 20, seed: 0 });
 * run.diverged   // { step: 2, loss: NaN, reason: 'nan' } or similar: stopped at once
 */
export async function trainTwoLayer(o: TwoLayerRunOptions): Promise<TwoLayerRun> {
  checkOptions('trainTwoLayer options', o, KEYS);
  const { rows, dims } = checkData('train', o.train);
  const valShape = o.val ? checkData('val', o.val) : null;
  if (valShape && valShape.dims !== dims) throw new ArgumentError('val.X', `rows of ${valShape.dims}`, `rows of ${dims} numbers, as in train`);
  let maxLabel = 0;
  for (const labels of [o.train.y, o.val?.y ?? new Int32Array(0)]) for (const l of labels) maxLabel = Math.max(maxLabel, l);
  const classes = checkInt('classes', o.classes ?? Math.max(2, maxLabel + 1), { min: Math.max(2, maxLabel + 1), max: 1 << 16 });
  const hidden = checkInt('hiddenSize', o.hiddenSize ?? 50, { min: 1, max: 4096 });
  const reg = checkNumber('reg', o.reg, { min: 0, max: 1e12 });
  const lr = checkNumber('lr', o.lr, { min: 0, max: 1e12 });
  const decay = checkNumber('lrDecay', o.lrDecay ?? 1, { min: 0, max: 1 });
  const batchSize = checkInt('batchSize', o.batchSize ?? 200, { min: 1, max: rows });
  const evalTrain = checkInt('evalTrainSize', o.evalTrainSize ?? 1000, { min: 1, max: 1_000_000 });
  const seed = checkSeed('seed', o.seed);
  if (o.updateRatios !== undefined) checkBoolean('updateRatios', o.updateRatios);
  if (o.keepWeights !== undefined) checkBoolean('keepWeights', o.keepWeights);
  const seeds = seedStream(seed);
  const X = tf.tensor2d(o.train.X, [rows, dims]);
  const y = tf.tensor1d(o.train.y, 'int32');
  const Xval = o.val ? tf.tensor2d(o.val.X, [valShape!.rows, dims]) : null;
  let net: TwoLayerParams = initTwoLayer({ inputSize: dims, hiddenSize: hidden, classes, std: o.std ?? TWO_LAYER_STD, seed: seeds.derive('init') });
  const before = o.keepWeights ? Array.from(net.W1.dataSync()) : null;
  const lrAt = (epoch: number) => lr * decay ** (epoch - 1);
  const accuracy = (Xs: tf.Tensor2D, labels: Int32Array, n: number): number => {
    let hits = 0;
    for (let start = 0; start < n; start += 1000) {
      const size = Math.min(1000, n - start);
      const predicted = tf.tidy(() => tf.argMax(twoLayerScores(net, tf.slice(Xs, [start, 0], [size, dims])), 1).dataSync());
      for (let i = 0; i < size; i++) if (predicted[i] === labels[start + i]) hits += 1;
    }
    return hits / n;
  };
  const order = seeds.fork('batches');
  const orders: Array<() => number> = [];
  try {
    const result = await train({
      step: (batch, at) => {
        const idx = tf.tensor1d(batch, 'int32');
        const Xb = tf.gather(X, idx) as tf.Tensor2D;
        const yb = tf.gather(y, idx) as tf.Tensor1D;
        const { loss, dataLoss, regLoss, grads } = twoLayerLoss(net, Xb, yb, { reg });
        net = twoLayerSgdStep(net, grads, lrAt(at.epoch));
        tf.dispose([idx, Xb, yb, dataLoss, regLoss, grads.W1, grads.b1, grads.W2, grads.b2]);
        return loss;
      },
      params: () => ({ W1: net.W1, W2: net.W2 }),
    }, { count: rows }, {
      batchSize, epochs: o.epochs, steps: o.steps,
      order: (epoch) => { while (orders.length <= epoch) orders.push(order.random()); return orders[epoch]; },
      onDiverge: 'stop', stopIfLossAbove: o.stopIfLossAbove, updateRatios: o.updateRatios,
      evaluateFirst: true,
      evaluate: (epoch) => ({
        trainAcc: accuracy(X, o.train.y, Math.min(evalTrain, rows)),
        ...(Xval ? { valAcc: accuracy(Xval, o.val!.y, valShape!.rows) } : {}),
        lr: lrAt(epoch + 1),
      }),
      progress: o.progress, phase: o.phase, progressOffset: o.progressOffset, progressTotal: o.progressTotal,
    });
    return {
      losses: result.losses,
      initialLoss: result.losses[0] ?? NaN,
      epochs: result.epochs.map((e) => ({ epoch: e.epoch, loss: e.loss, trainAcc: e.metrics.trainAcc, valAcc: e.metrics.valAcc ?? null, lr: e.metrics.lr })),
      steps: result.steps,
      diverged: result.diverged,
      ...(result.updateRatios ? { updateRatios: { W1: result.updateRatios.W1, W2: result.updateRatios.W2 } } : {}),
      ...(before ? { firstLayer: { shape: [dims, hidden] as [number, number], before, after: Array.from(net.W1.dataSync()) } } : {}),
    };
  } finally {
    disposeTwoLayer(net);
    tf.dispose([X, y, ...(Xval ? [Xval] : [])]);
  }
}
