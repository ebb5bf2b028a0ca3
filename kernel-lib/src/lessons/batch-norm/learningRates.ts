/**
 * `nn.batchNorm.learningRates` (lesson 04): trainability at several learning rates, with and
 * without batch norm. The same deep ReLU net, same initial weights, same batches, plain SGD.
 *
 * @example
 * const r = await nn.batchNorm.learningRates({ seed: 6 });
 * r.runs.filter((run) => run.lr === 3)   // plain: diverged or at chance; batch norm: still learns
 * nn.batchNorm.showLearningRates(r);
 */
import { ArgumentError, checkInt, checkOneOf } from '../../core/errors';
import { ProgressOption, takeProgress } from '../../core/progress';
import { ExperimentRecord, provenance } from '../../core/record';
import { seedStream } from '../../core/rng';
import { experimentProgress } from '../../show/progress';
import { BATCH_NORM_DEFAULTS } from './batchNorm';
import { BN_NET_ACTIVATIONS, BN_NET_INITS, BnNetActivation, BnNetInit, createBatchNormNet, disposeBatchNormNet } from './net';
import {
  COMMON_KEYS, CommonTrainingConfig, CommonTrainingOptions, jsonLosses, pickCommon, quickOptions, resolveCommon, spirals,
  testAccuracy, trainRun,
} from './training';

export interface BatchNormLearningRatesOptions extends CommonTrainingOptions {
  /** Plain SGD learning rates to try. */
  lrs?: readonly number[];
  depth?: number;
  width?: number;
  init?: BnNetInit;
  activation?: BnNetActivation;
  /** Live bar and loss chart in a kernel (default), false for silence, or a callback ({done, total, phase, metrics}); never recorded. */
  progress?: ProgressOption;
}

/** Defaults: 6 ReLU layers of 64, He init, SGD at six learning rates from 0.01 to 3, 200 steps each. */
export const BATCH_NORM_LEARNING_RATES_DEFAULTS = {
  pointsPerClass: 100, classes: 3, lrs: [0.01, 0.03, 0.1, 0.3, 1, 3], depth: 6, width: 64, init: 'he', activation: 'relu',
  steps: 200, batchSize: 64, momentum: BATCH_NORM_DEFAULTS.momentum, eps: BATCH_NORM_DEFAULTS.eps, seed: 0,
} as const;

/** Quick mode (NNLAB_QUICK=1, applied by the experiment under your options): three learning rates, 4 layers, 60 steps. */
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

export interface BatchNormLearningRatesRecord extends ExperimentRecord<BatchNormLearningRatesConfig> {
  experiment: 'batchNormLearningRates';
  /** For each lr: the plain run, then the BN run. */
  runs: BatchNormLearningRateRun[];
  meta: { ms: number };
}

/** Validates `options` (without `progress`; quick preset already applied) and fills in the defaults. */
export function resolveBatchNormLearningRatesOptions(options: Omit<BatchNormLearningRatesOptions, 'progress'> = {}): BatchNormLearningRatesConfig {
  const o = resolveCommon('batchNorm.learningRates', options, BATCH_NORM_LEARNING_RATES_DEFAULTS as unknown as CommonTrainingConfig,
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

/** The name of one run, as progress phases and the live chart's series call it: "plain, lr 0.3", "batch norm, lr 0.3". */
function runName(lr: number, batchNorm: boolean): string {
  return `${batchNorm ? 'batch norm' : 'plain'}, lr ${lr}`;
}

/**
 * Trains the same deep net (same initial weights, same batches) with plain SGD at each learning
 * rate, without and with batch norm. Without BN the usable range ends where a step overshoots: the
 * loss blows up (overflows: `diverged`) or the ReLUs die and the net sits at chance; with BN the
 * scale of the weights no longer changes what a layer computes (BN(a · z) = BN(z)), so large steps
 * stay stable and the range of good learning rates is wider. Quick mode applies
 * {@link BATCH_NORM_LEARNING_RATES_QUICK}. Progress: one unit per training step of every run
 * (phase "plain, lr 0.3"), with a live loss chart (log scale) in a kernel.
 *
 * @example
 * const r = await nn.batchNorm.learningRates({ lrs: [0.1, 1, 10], seed: 6 });
 * r.runs.map((run) => [run.lr, run.batchNorm, run.accuracy])
 */
export async function batchNormLearningRates(options: BatchNormLearningRatesOptions = {}): Promise<BatchNormLearningRatesRecord> {
  const { options: rest, progress } = takeProgress(options);
  const o = resolveBatchNormLearningRatesOptions(quickOptions(rest, BATCH_NORM_LEARNING_RATES_QUICK));
  const names = o.lrs.flatMap((lr) => [runName(lr, false), runName(lr, true)]);
  const bar = experimentProgress(progress, {
    label: 'batchNorm.learningRates',
    chart: { metric: 'loss', title: 'Training loss per learning rate, without and with batch norm', xTitle: 'step', yTitle: 'cross-entropy', series: names, yScale: 'log' },
  });
  const start = performance.now();
  const { train, test } = spirals(o);
  const widths = new Array<number>(o.depth).fill(o.width);
  const netSeed = seedStream(o.seed).derive('net');
  const total = names.length * o.steps;
  const runs: BatchNormLearningRateRun[] = [];
  try {
    for (const lr of o.lrs) {
      for (const batchNorm of [false, true]) {
        const phase = runName(lr, batchNorm);
        const net = createBatchNormNet({ inputWidth: 2, widths, classes: o.classes, batchNorm, init: o.init, activation: o.activation, seed: netSeed });
        try {
          const l = await trainRun(net, train, {
            steps: o.steps, batchSize: o.batchSize, lr, optimizer: 'sgd', momentum: o.momentum, eps: o.eps,
            seed: seedStream(o.seed).derive('batches'),
          }, { bar, phase, before: runs.length * o.steps, total });
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
  } finally {
    bar.finish();
  }
  return { experiment: 'batchNormLearningRates', options: o, ...provenance(), runs, meta: { ms: performance.now() - start } };
}
