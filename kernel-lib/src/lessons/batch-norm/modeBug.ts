/**
 * `nn.batchNorm.modeBug` (lesson 04): a net with batch norm, trained properly, then evaluated in
 * the wrong mode. Trains a 2-64-64-3 BN net with Adam on the spiral and evaluates the same weights
 * four ways.
 *
 * @example
 * const r = await nn.batchNorm.modeBug({ seed: 4 });
 * r.evaluations.map((e) => [e.name, e.accuracy])  // test mode ~0.98; training mode on a batch of 1: 0.33
 * nn.batchNorm.showModeBug(r);
 */
import * as tf from '@tensorflow/tfjs';
import { checkInt } from '../../core/errors';
import { defineOptions, list, number } from '../../core/options';
import { ProgressOption } from '../../core/progress';
import { ExperimentRecord, provenance } from '../../core/record';
import { seedStream } from '../../core/rng';
import type { PointSet } from '../../data/synthetic';
import { experimentProgress } from '../../show/progress';
import { BATCH_NORM_DEFAULTS } from './batchNorm';
import { accuracyOf, BatchNormNet, batchNormNetPredict, createBatchNormNet, disposeBatchNormNet } from './net';
import { BATCH_NORM_LIMITS, count } from './batches';
import {
  commonFields, commonRules, CommonTrainingConfig, CommonTrainingOptions, jsonLosses, quickOptions, spirals, trainingMemory, trainRun, widthField,
} from './training';

export interface BatchNormModeBugOptions extends CommonTrainingOptions {
  widths?: readonly number[];
  /** Adam's learning rate. */
  lr?: number;
  /** Test examples whose class probabilities the record lists. */
  examples?: number;
  /** Live bar and loss chart in a kernel (default), false for silence, or a callback ({done, total, phase, metrics}); never recorded. */
  progress?: ProgressOption;
}

/** Defaults: 2-64-64-3 with BN, Adam 0.01, 300 steps of 64 on 300 spiral points. */
export const BATCH_NORM_MODE_BUG_DEFAULTS = {
  pointsPerClass: 100, classes: 3, widths: [64, 64], steps: 300, batchSize: 64, lr: 0.01,
  momentum: BATCH_NORM_DEFAULTS.momentum, eps: BATCH_NORM_DEFAULTS.eps, examples: 6, seed: 0,
} as const;

/** Quick mode (NNLAB_QUICK=1, applied by the experiment under your options): fewer steps, every evaluation still runs. */
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

export interface BatchNormModeBugRecord extends ExperimentRecord<BatchNormModeBugConfig> {
  experiment: 'batchNormModeBug';
  /** Mini-batch loss of every training step. */
  loss: (number | null)[];
  /** In order: test mode; training mode on the whole test set, on batches of 1, on one-class batches. */
  evaluations: BatchNormModeEvaluation[];
  /** probs[e] and predicted[e] follow `evaluations`. */
  examples: BatchNormModeExample[];
  meta: { ms: number };
}

const D = BATCH_NORM_MODE_BUG_DEFAULTS;

/** The options of {@link batchNormModeBug}, declared once (core/options.ts). */
export const BATCH_NORM_MODE_BUG_OPTIONS = defineOptions('batchNorm.modeBug', {
  ...commonFields(D),
  widths: list(widthField(), { minLength: 1, maxLength: BATCH_NORM_LIMITS.depth, default: D.widths }),
  lr: number({ min: 0, max: BATCH_NORM_LIMITS.lr, default: D.lr }),
  examples: count(0, 10_000, D.examples),
}, {
  rules(c, given) {
    commonRules('batchNorm.modeBug', c, c.widths, 1, given);
    checkInt('examples', c.examples, { min: 0, max: c.pointsPerClass * c.classes });
  },
  memory: (c) => trainingMemory(c, c.widths, 'widths'),
});

/** Validates `options` (without `progress`; quick preset already applied) and fills in the defaults. */
export function resolveBatchNormModeBugOptions(options: Omit<BatchNormModeBugOptions, 'progress'> = {}): BatchNormModeBugConfig {
  return BATCH_NORM_MODE_BUG_OPTIONS.resolve(options);
}

/**
 * The classic bug: a net with batch norm, trained properly, then evaluated in training mode. On
 * the whole (balanced) test set the batch statistics are close to the running ones and nothing
 * looks wrong; on a batch of 1, x - μ_B = 0 at every BN layer, so every input gives the same output
 * (β) and accuracy falls to chance; on batches of one class the batch statistics are shifted and
 * predictions drift towards other classes. Test mode gives every example its answer independently
 * of its batch. Quick mode applies {@link BATCH_NORM_MODE_BUG_QUICK}. Progress: one unit per
 * training step (phase "batch norm", metrics loss and step), with a live loss chart in a kernel.
 *
 * @example
 * const r = await nn.batchNorm.modeBug({ widths: [64, 64, 64], seed: 4 });
 * r.evaluations[2].distinctPredictions   // 1: a batch of one gives every example the same class
 */
export async function batchNormModeBug(options: BatchNormModeBugOptions = {}): Promise<BatchNormModeBugRecord> {
  const { config: o, progress } = BATCH_NORM_MODE_BUG_OPTIONS.take(quickOptions(options, BATCH_NORM_MODE_BUG_QUICK));
  const bar = experimentProgress(progress, {
    label: 'batchNorm.modeBug',
    chart: { metric: 'loss', title: 'Training loss of the BN net (Adam)', xTitle: 'step', yTitle: 'cross-entropy', series: ['batch norm'] },
  });
  const start = performance.now();
  const { train, test } = spirals(o);
  const net = createBatchNormNet({ inputWidth: 2, widths: o.widths, classes: o.classes, batchNorm: true, init: 'he', seed: seedStream(o.seed).derive('net') });
  try {
    const losses = await trainRun(net, train, {
      steps: o.steps, batchSize: o.batchSize, lr: o.lr, optimizer: 'adam', momentum: o.momentum, eps: o.eps,
      seed: seedStream(o.seed).derive('batches'),
    }, { bar, phase: 'batch norm', before: 0, total: o.steps });
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
    bar.finish();
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
