/**
 * Why squared error on softmax outputs trains a classifier poorly (lesson 12). With p = softmax(s),
 *
 *   cross-entropy:  ∂L/∂s = p − t
 *   squared error:  L = ½‖p − t‖²,  ∂L/∂sⱼ = Σᵢ (pᵢ − tᵢ)·pᵢ(δᵢⱼ − pⱼ)
 *
 * The softmax Jacobian pᵢ(δᵢⱼ − pⱼ) multiplies the error: when the net is confidently wrong
 * (p_wrong → 1, p_correct → 0) every entry of the Jacobian goes to 0, so the squared error's
 * gradient vanishes exactly where the error is largest, while the cross-entropy's stays ≈ √2.
 *
 * `mseVsCe` measures it twice: (a) ‖∂L/∂s‖ as one wrong class's score grows (float64 JS), and
 * (b) the same two-layer net, same initial weights, same batches, trained on a spiral with each
 * loss through the training loop (nets/train): loss and accuracy curves.
 *
 * @example
 * const r = await nn.losses.mseVsCe();
 * r.confident.ceGradNorm / r.confident.mseGradNorm   // ≫ 1 at a confident wrong prediction
 * nn.losses.showMseVsCe(r);
 */
import * as tf from '@tensorflow/tfjs';
import { withQuickPreset } from '../../core/config';
import { defineOptions, int, number, oneOf, seed } from '../../core/options';
import { ProgressOption } from '../../core/progress';
import { ExperimentRecord, provenance } from '../../core/record';
import { seedStream } from '../../core/rng';
import { spiral } from '../../data/synthetic';
import { createOptimizer } from '../../nets/optim';
import { train } from '../../nets/train';
import { experimentProgress } from '../../show/progress';
import { lossExample, softmaxBackwardRow } from './lossShapes';

/** The two training losses. */
export const MSE_VS_CE_LOSSES = ['crossEntropy', 'mse'] as const;
export type MseVsCeLoss = typeof MSE_VS_CE_LOSSES[number];
export const MSE_VS_CE_LABELS: Readonly<Record<MseVsCeLoss, string>> = { crossEntropy: 'cross-entropy', mse: 'squared error on softmax' };

/**
 * ‖∂L/∂s‖ of both losses for one row of scores and its label (float64).
 *
 * @example
 * const g = nn.losses.scoreGradients([0, 8, 0], 0);   // confidently wrong: p(class 1) ≈ 0.999
 * g.ceGradNorm    // ≈ 1.41
 * g.mseGradNorm   // ≈ 0.0007
 */
export function scoreGradients(scores: readonly number[], label: number): { probs: number[]; ce: number[]; mse: number[]; ceGradNorm: number; mseGradNorm: number; ceLoss: number; mseLoss: number } {
  const e = lossExample(scores, label);
  const t = scores.map((_, j) => (j === label ? 1 : 0));
  const dp = e.probs.map((p, j) => p - t[j]);
  const mse = softmaxBackwardRow(e.probs, dp);
  const norm = (v: readonly number[]) => Math.sqrt(v.reduce((s, x) => s + x * x, 0));
  return {
    probs: e.probs, ce: e.dCrossEntropy, mse, ceGradNorm: norm(e.dCrossEntropy), mseGradNorm: norm(mse),
    ceLoss: e.crossEntropy, mseLoss: 0.5 * dp.reduce((s, x) => s + x * x, 0),
  };
}

/** Defaults of {@link mseVsCe}. */
export const MSE_VS_CE_DEFAULTS = {
  classes: 10, maxWrongScore: 12, points: 61,
  pointsPerClass: 100, spiralClasses: 3, hidden: 64, initStd: 1, optimizer: 'sgd' as 'sgd' | 'adam', lr: 0.5, epochs: 60, batchSize: 32, seed: 0,
};
/** Quick mode (NNLAB_QUICK=1): 20 epochs. */
export const MSE_VS_CE_QUICK: MseVsCeOptions = { epochs: 20 };

/** The options of {@link mseVsCe}, declared once. */
export const MSE_VS_CE_FIELDS = {
  /** C of the gradient sweep. */
  classes: int({ min: 2, max: 1000, default: MSE_VS_CE_DEFAULTS.classes }),
  /** The sweep raises one wrong class's score from 0 to this (the others stay 0). */
  maxWrongScore: number({ min: 0.1, max: 100, default: MSE_VS_CE_DEFAULTS.maxWrongScore }),
  points: int({ min: 2, max: 10_001, default: MSE_VS_CE_DEFAULTS.points }),
  pointsPerClass: int({ min: 5, max: 10_000, default: MSE_VS_CE_DEFAULTS.pointsPerClass }),
  spiralClasses: int({ min: 2, max: 10, default: MSE_VS_CE_DEFAULTS.spiralClasses }),
  hidden: int({ min: 1, max: 1024, default: MSE_VS_CE_DEFAULTS.hidden }),
  /** The std of both layers' initial weights (N(0, σ²) scaled by 1/√fan-in). */
  initStd: number({ min: 0, max: 100, default: MSE_VS_CE_DEFAULTS.initStd }),
  optimizer: oneOf(['sgd', 'adam'] as const, { default: MSE_VS_CE_DEFAULTS.optimizer }),
  lr: number({ min: 1e-6, max: 100, default: MSE_VS_CE_DEFAULTS.lr }),
  epochs: int({ min: 1, max: 10_000, default: MSE_VS_CE_DEFAULTS.epochs }),
  batchSize: int({ min: 1, max: 100_000, default: MSE_VS_CE_DEFAULTS.batchSize }),
  seed: seed({ default: MSE_VS_CE_DEFAULTS.seed }),
};
export const MSE_VS_CE_OPTIONS = defineOptions('losses.mseVsCe', MSE_VS_CE_FIELDS);
export type MseVsCeConfig = ReturnType<typeof MSE_VS_CE_OPTIONS.resolve>;
/** Options of {@link mseVsCe}. */
export type MseVsCeOptions = Partial<MseVsCeConfig> & { progress?: ProgressOption };

/** The gradient sweep: one wrong class's score grows, the correct one and the rest stay 0. */
export interface GradientSweep {
  wrongScore: number[];
  /** The wrong class's probability (the net's confidence in the wrong answer). */
  pWrong: number[];
  pCorrect: number[];
  ceGradNorm: number[];
  mseGradNorm: number[];
  ceLoss: number[];
  mseLoss: number[];
}

/** One epoch of a training run, on the whole training and test sets. */
export interface MseVsCeEpoch { epoch: number; crossEntropy: number; mse: number; trainAccuracy: number; testAccuracy: number; confidentlyWrong: number }

/** One training run. */
export interface MseVsCeRun {
  loss: MseVsCeLoss;
  label: string;
  /** The training objective of every step. */
  stepLoss: number[];
  /** Epoch 0 (before training) and every epoch. */
  epochs: MseVsCeEpoch[];
}

/** What {@link mseVsCe} returns: plain JSON. */
export interface MseVsCeRecord extends ExperimentRecord<MseVsCeConfig> {
  experiment: 'lossesMseVsCe';
  sweep: GradientSweep;
  /** Both gradient norms where the wrong class has p = 0.99 (solved for its score). */
  confident: { pWrong: number; wrongScore: number; ceGradNorm: number; mseGradNorm: number; ratio: number };
  runs: MseVsCeRun[];
  meta: { ms: number };
}

interface Net { W1: tf.Variable; b1: tf.Variable; W2: tf.Variable; b2: tf.Variable }

function scoresOf(net: Net, X: tf.Tensor2D): tf.Tensor2D {
  return tf.tidy(() => tf.relu(X.matMul(net.W1).add(net.b1)).matMul(net.W2).add(net.b2) as tf.Tensor2D);
}

function objective(loss: MseVsCeLoss, scores: tf.Tensor2D, Y: tf.Tensor2D): tf.Scalar {
  if (loss === 'crossEntropy') return tf.losses.softmaxCrossEntropy(Y, scores) as tf.Scalar;
  // ½‖p − t‖² per row, the mean over rows (squaredError64's convention)
  return tf.softmax(scores).sub(Y).square().sum(1).mean().mul(0.5) as tf.Scalar;
}

/**
 * (a) ‖∂L/∂s‖ of cross-entropy and of squared error on the softmax as one wrong class's score
 * grows among `classes` scores (float64); (b) a two-layer ReLU net on a spiral trained with each
 * loss from the same initial weights and batches (nets/train, `optimizer` at `lr`): the
 * cross-entropy, squared error, train and test accuracy, and the fraction of training points the
 * net gets confidently wrong (p_wrong > 0.9) after every epoch. Quick mode: {@link MSE_VS_CE_QUICK}.
 * Progress: one unit per step, a live loss chart.
 *
 * @example
 * const r = await nn.losses.mseVsCe({ epochs: 20 });
 * r.runs.map((run) => [run.loss, run.epochs[run.epochs.length - 1].testAccuracy])
 */
export async function mseVsCe(options: MseVsCeOptions = {}): Promise<MseVsCeRecord> {
  const started = performance.now();
  const { config: c, progress } = MSE_VS_CE_OPTIONS.take(typeof options === 'object' && options !== null && !Array.isArray(options) ? withQuickPreset(options, MSE_VS_CE_QUICK) : options);
  // (a) the sweep
  const sweep: GradientSweep = { wrongScore: [], pWrong: [], pCorrect: [], ceGradNorm: [], mseGradNorm: [], ceLoss: [], mseLoss: [] };
  for (let i = 0; i < c.points; i++) {
    const a = (c.maxWrongScore * i) / (c.points - 1);
    const s = new Array<number>(c.classes).fill(0);
    s[1] = a;
    const g = scoreGradients(s, 0);
    sweep.wrongScore.push(a); sweep.pWrong.push(g.probs[1]); sweep.pCorrect.push(g.probs[0]);
    sweep.ceGradNorm.push(g.ceGradNorm); sweep.mseGradNorm.push(g.mseGradNorm); sweep.ceLoss.push(g.ceLoss); sweep.mseLoss.push(g.mseLoss);
  }
  // p_wrong = e^a / (e^a + C − 1) = 0.99  ⇔  a = log(0.99·(C − 1) / 0.01)
  const wrongScore = Math.log((0.99 * (c.classes - 1)) / 0.01);
  const s99 = new Array<number>(c.classes).fill(0);
  s99[1] = wrongScore;
  const g99 = scoreGradients(s99, 0);
  const confident = { pWrong: g99.probs[1], wrongScore, ceGradNorm: g99.ceGradNorm, mseGradNorm: g99.mseGradNorm, ratio: g99.ceGradNorm / g99.mseGradNorm };

  // (b) training
  const seeds = seedStream(c.seed);
  const trainSet = spiral({ pointsPerClass: c.pointsPerClass, classes: c.spiralClasses, seed: seeds.derive('train') });
  const testSet = spiral({ pointsPerClass: c.pointsPerClass, classes: c.spiralClasses, seed: seeds.derive('test') });
  const K = c.spiralClasses;
  const stepsPerEpoch = Math.ceil(trainSet.n / c.batchSize);
  const total = MSE_VS_CE_LOSSES.length * c.epochs * stepsPerEpoch;
  const bar = experimentProgress(progress, {
    label: 'losses.mseVsCe',
    chart: { metric: 'loss', title: 'Training objective per step', xTitle: 'step', yTitle: 'loss', series: MSE_VS_CE_LOSSES.map((l) => MSE_VS_CE_LABELS[l]), yScale: 'log' },
  });
  const [Xtr, Ytr, Xte] = [tf.tensor2d(trainSet.X, [trainSet.n, 2]), tf.tidy(() => tf.oneHot(tf.tensor1d(trainSet.y, 'int32'), K).toFloat() as tf.Tensor2D), tf.tensor2d(testSet.X, [testSet.n, 2])];
  const runs: MseVsCeRun[] = [];
  try {
    for (const [r, loss] of MSE_VS_CE_LOSSES.entries()) {
      const init = seedStream(seeds.derive('net'));
      const variable = (make: () => tf.Tensor) => tf.tidy(() => tf.variable(make(), true));
      const net: Net = {
        W1: variable(() => tf.randomNormal([2, c.hidden], 0, c.initStd / Math.sqrt(2), 'float32', init.next())),
        b1: variable(() => tf.zeros([c.hidden])),
        W2: variable(() => tf.randomNormal([c.hidden, K], 0, c.initStd / Math.sqrt(c.hidden), 'float32', init.next())),
        b2: variable(() => tf.zeros([K])),
      };
      const vars = [net.W1, net.b1, net.W2, net.b2];
      const opt = createOptimizer(c.optimizer, { lr: c.lr });
      const epochs: MseVsCeEpoch[] = [];
      try {
        const evaluate = (epoch: number): Record<string, number> => {
          const m = tf.tidy(() => {
            const s = scoresOf(net, Xtr);
            const p = tf.softmax(s);
            const yTrue = tf.tensor1d(trainSet.y, 'int32');
            const pred = s.argMax(1);
            const wrongConfident = p.max(1).greater(0.9).logicalAnd(pred.notEqual(yTrue)).toFloat().mean();
            const testPred = scoresOf(net, Xte).argMax(1);
            return [objective('crossEntropy', s, Ytr), objective('mse', s, Ytr), pred.equal(yTrue).toFloat().mean(), testPred.equal(tf.tensor1d(testSet.y, 'int32')).toFloat().mean(), wrongConfident]
              .map((t) => t.dataSync()[0]);
          });
          const e: MseVsCeEpoch = { epoch, crossEntropy: m[0], mse: m[1], trainAccuracy: m[2], testAccuracy: m[3], confidentlyWrong: m[4] };
          epochs.push(e);
          return { crossEntropy: e.crossEntropy, trainAccuracy: e.trainAccuracy, testAccuracy: e.testAccuracy };
        };
        const order = seedStream(seeds.derive('batches'));
        const result = await train({
          step: (batch) => {
            const { value, grads } = tf.variableGrads(() => tf.tidy(() => {
              const idx = tf.tensor1d(batch, 'int32');
              return objective(loss, scoresOf(net, tf.gather(Xtr, idx)), tf.gather(Ytr, idx));
            }), vars);
            opt.apply(vars, grads);
            tf.dispose(grads);
            return value;
          },
        }, { count: trainSet.n }, {
          epochs: c.epochs, batchSize: c.batchSize, order: () => order.random(), evaluate, evaluateFirst: true, onDiverge: 'stop',
          progress: (e) => bar.report(e), phase: MSE_VS_CE_LABELS[loss], progressOffset: r * c.epochs * stepsPerEpoch, progressTotal: total,
        });
        runs.push({ loss, label: MSE_VS_CE_LABELS[loss], stepLoss: result.losses, epochs });
      } finally {
        opt.dispose();
        tf.dispose(vars);
      }
    }
  } finally {
    tf.dispose([Xtr, Ytr, Xte]);
    bar.finish();
  }
  return { experiment: 'lossesMseVsCe', options: c, ...provenance(), sweep, confident, runs, meta: { ms: performance.now() - started } };
}
