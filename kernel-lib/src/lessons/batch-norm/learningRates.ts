/**
 * `nn.batchNorm.learningRates` (lesson 04): trainability at several learning rates, with and
 * without batch norm. The same deep ReLU net, same initial weights, same batches, plain SGD.
 *
 * @example
 * const r = await nn.batchNorm.learningRates({ seed: 6 });
 * r.runs.filter((run) => run.lr === 3)   // plain: diverged or at chance; batch norm: still learns
 * nn.batchNorm.showLearningRates(r);
 */
import { ArgumentError } from '../../core/errors';
import { defineOptions, Field, list, oneOf } from '../../core/options';
import { ProgressOption } from '../../core/progress';
import { ExperimentRecord, provenance } from '../../core/record';
import { seedStream } from '../../core/rng';
import { experimentProgress } from '../../show/progress';
import { BATCH_NORM_DEFAULTS } from './batchNorm';
import { BN_NET_ACTIVATIONS, BN_NET_INITS, BnNetActivation, BnNetInit, createBatchNormNet, disposeBatchNormNet } from './net';
import { BATCH_NORM_LIMITS, count } from './batches';
import {
  commonFields, commonRules, CommonTrainingConfig, CommonTrainingOptions, jsonLosses, quickOptions, spirals, testAccuracy, trainingMemory, trainRun,
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

const D = BATCH_NORM_LEARNING_RATES_DEFAULTS;
const { pointsPerClass, classes, steps, batchSize, momentum, eps, seed } = commonFields(D);

/** A learning rate of the list: a finite number > 0 (huge ones are allowed: they show divergence). */
const LR_ELEMENT: Field<number> = {
  kind: 'number', min: 0, max: BATCH_NORM_LIMITS.lr,
  check(name, v) {
    if (typeof v !== 'number' || !Number.isFinite(v) || !(v > 0) || v > BATCH_NORM_LIMITS.lr) {
      throw new ArgumentError(name, v, `a finite number in (0, ${BATCH_NORM_LIMITS.lr}]`);
    }
    return v;
  },
};

/** The options of {@link batchNormLearningRates}, declared once (core/options.ts), in the record's key order. */
export const BATCH_NORM_LEARNING_RATES_OPTIONS = defineOptions('batchNorm.learningRates', {
  pointsPerClass, classes, steps, batchSize, momentum, eps, seed,
  lrs: list(LR_ELEMENT, { minLength: 1, maxLength: BATCH_NORM_LIMITS.lrs, default: D.lrs }),
  depth: count(1, BATCH_NORM_LIMITS.depth, D.depth),
  width: count(1, BATCH_NORM_LIMITS.width, D.width),
  init: oneOf(BN_NET_INITS, { default: D.init }),
  activation: oneOf(BN_NET_ACTIVATIONS, { default: D.activation }),
}, {
  rules: (c, given) => commonRules('batchNorm.learningRates', c, new Array<number>(c.depth).fill(c.width), 2 * c.lrs.length, given),
  memory: (c) => trainingMemory(c, new Array<number>(c.depth).fill(c.width), c.depth > c.width ? 'depth' : 'width'),
});

/** Validates `options` (without `progress`; quick preset already applied) and fills in the defaults. */
export function resolveBatchNormLearningRatesOptions(options: Omit<BatchNormLearningRatesOptions, 'progress'> = {}): BatchNormLearningRatesConfig {
  return BATCH_NORM_LEARNING_RATES_OPTIONS.resolve(options);
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
  const { config: o, progress } = BATCH_NORM_LEARNING_RATES_OPTIONS.take(quickOptions(options, BATCH_NORM_LEARNING_RATES_QUICK));
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
