/**
 * One training run of the lecture's two-layer net (nets/twoLayer: explicit weights, hand-written
 * backward) with a weight penalty of lesson 08 added to the loss AND to the gradient of W₁ and W₂
 * (never the biases), plain SGD through THE training loop (nets/train), optionally with a
 * learning-rate schedule (`at.lr`) and snapshots of the weights at chosen steps. The trained
 * weights come back as plain arrays, so a caller can measure them and score any rows later (the
 * test rows only once, for the model chosen on validation).
 */
import * as tf from '@tensorflow/tfjs';
import type { ProgressCallback } from '../../core/progress';
import { seedStream } from '../../core/rng';
import type { ImageDataset, LoadOptions } from '../../data/load';
import { flatSplits, FlatSplits } from '../../data/splits';
import { train } from '../../nets/train';
import { disposeTwoLayer, initTwoLayer, TwoLayerParams, twoLayerLoss, twoLayerScores, twoLayerSgdStep } from '../../nets/twoLayer';
import type { TwoLayerData } from '../../nets/twoLayerTrain';
import { Penalty, penaltyTerm } from './penalty';

/** Images to use instead of CIFAR-10 (tests pass synthetic ones); never recorded. */
export interface RegularizationSource { load?: (name: string, o: LoadOptions) => Promise<ImageDataset> }

/** Seeded, disjoint train / validation / test rows, the train part's channel means subtracted. */
export function regularizationSplits(trainSize: number, valSize: number, testSize: number, seedValue: number, source: RegularizationSource = {}): Promise<FlatSplits> {
  return flatSplits({ train: trainSize, val: valSize, test: testSize, seed: seedStream(seedValue).derive('data') }, source);
}

/** The two-layer net's parameters as plain arrays (row-major), with their shapes. */
export interface NetArrays { dims: number; hidden: number; classes: number; W1: Float32Array; b1: Float32Array; W2: Float32Array; b2: Float32Array }

/** One run's settings. */
export interface NetRunOptions {
  penalty: Penalty | 'none';
  lambda: number;
  l1Ratio: number;
  lr: number;
  /** The learning rate of step t = 0, 1, ... (overrides `lr`). */
  schedule?: (t: number) => number;
  batchSize: number;
  steps: number;
  hiddenSize: number;
  std: number;
  seed: number;
  /** Steps (1-based) after which the weights are copied out. */
  snapshotAt?: readonly number[];
  progress?: { report: ProgressCallback; phase: string; offset: number; total: number };
}

/** What {@link netRun} returns. */
export interface NetRunResult { net: NetArrays; losses: number[]; lrs: number[]; snapshots: NetArrays[]; diverged: boolean }

function toArrays(p: TwoLayerParams): NetArrays {
  return {
    dims: p.W1.shape[0], hidden: p.W1.shape[1], classes: p.W2.shape[1],
    W1: p.W1.dataSync() as Float32Array, b1: p.b1.dataSync() as Float32Array, W2: p.W2.dataSync() as Float32Array, b2: p.b2.dataSync() as Float32Array,
  };
}

function fromArrays(n: NetArrays): TwoLayerParams {
  return {
    W1: tf.tensor2d(n.W1, [n.dims, n.hidden]), b1: tf.tensor1d(n.b1),
    W2: tf.tensor2d(n.W2, [n.hidden, n.classes]), b2: tf.tensor1d(n.b2),
  };
}

/** Trains the net once; see the module comment. Every tensor is disposed before it returns. */
export async function netRun(data: TwoLayerData, o: NetRunOptions): Promise<NetRunResult> {
  const rows = data.y.length;
  const dims = data.X.length / rows;
  const seeds = seedStream(o.seed);
  const X = tf.tensor2d(data.X, [rows, dims]);
  const y = tf.tensor1d(data.y, 'int32');
  let net = initTwoLayer({ inputSize: dims, hiddenSize: o.hiddenSize, classes: 10, std: o.std, seed: seeds.derive('init') });
  const snapshots: NetArrays[] = [];
  const snapAt = new Set(o.snapshotAt ?? []);
  const order = seeds.fork('batches');
  const orders: Array<() => number> = [];
  try {
    const result = await train({
      step: (batch, at) => {
        const lr = at.lr ?? o.lr;
        const loss = tf.tidy(() => {
          const idx = tf.tensor1d(batch, 'int32');
          const { dataLoss, grads } = twoLayerLoss(net, tf.gather(X, idx) as tf.Tensor2D, tf.gather(y, idx) as tf.Tensor1D, { reg: 0 });
          let total: tf.Scalar = dataLoss;
          let g = grads;
          if (o.penalty !== 'none' && o.lambda > 0) {
            const pen = penaltyTerm([net.W1, net.W2], o.penalty, o.lambda, o.l1Ratio);
            total = tf.add(dataLoss, pen.loss) as tf.Scalar;
            g = { ...grads, W1: tf.add(grads.W1, pen.grads[0]) as tf.Tensor2D, W2: tf.add(grads.W2, pen.grads[1]) as tf.Tensor2D };
          }
          const next = twoLayerSgdStep(net, g, lr);
          net = next;
          tf.keep(next.W1); tf.keep(next.b1); tf.keep(next.W2); tf.keep(next.b2);
          return total;
        });
        if (snapAt.has(at.step)) snapshots.push(toArrays(net));
        return loss;
      },
    }, { count: rows }, {
      batchSize: o.batchSize, steps: o.steps, onDiverge: 'stop',
      order: (epoch) => { while (orders.length <= epoch) orders.push(order.random()); return orders[epoch]; },
      ...(o.schedule ? { schedule: o.schedule } : {}),
      ...(o.progress ? { progress: o.progress.report, phase: o.progress.phase, progressOffset: o.progress.offset, progressTotal: o.progress.total } : {}),
    });
    return { net: toArrays(net), losses: result.losses, lrs: result.lrs ?? [], snapshots, diverged: result.diverged !== null };
  } finally {
    disposeTwoLayer(net);
    tf.dispose([X, y]);
  }
}

/** Softmax probabilities [rows × classes] of a net on rows X (row-major). */
export function netProbabilities(n: NetArrays, X: Float32Array): Float32Array {
  const rows = X.length / n.dims;
  const p = fromArrays(n);
  const out = new Float32Array(rows * n.classes);
  try {
    for (let start = 0; start < rows; start += 1000) {
      const size = Math.min(1000, rows - start);
      const probs = tf.tidy(() => tf.softmax(twoLayerScores(p, tf.tensor2d(X.subarray(start * n.dims, (start + size) * n.dims), [size, n.dims]))).dataSync());
      out.set(probs, start * n.classes);
    }
    return out;
  } finally {
    disposeTwoLayer(p);
  }
}

/** The fraction of rows whose largest probability is at the label. */
export function accuracyOfProbabilities(probs: ArrayLike<number>, y: Int32Array, classes: number): number {
  let hits = 0;
  for (let i = 0; i < y.length; i++) {
    let best = 0;
    for (let c = 1; c < classes; c++) if (probs[i * classes + c] > probs[i * classes + best]) best = c;
    if (best === y[i]) hits += 1;
  }
  return hits / y.length;
}

/** The accuracy of a net on rows and labels. */
export function netAccuracy(n: NetArrays, d: TwoLayerData): number {
  return accuracyOfProbabilities(netProbabilities(n, d.X), d.y, n.classes);
}
