/**
 * `nn.batchNorm.rescue` (lesson 04): batch norm rescues a deep net from a bad init. The same deep
 * tanh net, same weights, trained with plain SGD without and with BN after every dense layer.
 *
 * @example
 * const r = await nn.batchNorm.rescue({ seed: 5 });
 * r.accuracy   // { plain: ~0.33 (chance), batchNorm: far above }
 * nn.batchNorm.showRescue(r);
 */
import * as tf from '@tensorflow/tfjs';
import { defineOptions, number, oneOf } from '../../core/options';
import { ProgressOption } from '../../core/progress';
import { ExperimentRecord, provenance } from '../../core/record';
import { seedStream } from '../../core/rng';
import { FeatureStats, featureStats } from '../../core/stats';
import type { PointSet } from '../../data/synthetic';
import { experimentProgress } from '../../show/progress';
import { BATCH_NORM_DEFAULTS, disposeBatchNormState } from './batchNorm';
import {
  BatchNormNet, batchNormNetForward, BN_NET_ACTIVATIONS, BN_NET_INITS, bnNetWeightStd, BnNetActivation, BnNetInit,
  createBatchNormNet, disposeBatchNormNet,
} from './net';
import { BATCH_NORM_LIMITS, count } from './batches';
import {
  commonFields, commonRules, CommonTrainingConfig, CommonTrainingOptions, jsonLosses, quickOptions, spirals, testAccuracy, trainingMemory, trainRun,
} from './training';

export interface BatchNormRescueOptions extends CommonTrainingOptions {
  depth?: number;
  width?: number;
  /** The (bad) weight init of lesson 03: small is W = 0.01 · N(0, 1). */
  init?: BnNetInit;
  activation?: BnNetActivation;
  /** Plain SGD's learning rate. */
  lr?: number;
  /** Live bar and loss chart in a kernel (default), false for silence, or a callback ({done, total, phase, metrics}); never recorded. */
  progress?: ProgressOption;
}

/** Defaults: 8 tanh layers of 64 with the small init (0.01), SGD 0.3, 200 steps. */
export const BATCH_NORM_RESCUE_DEFAULTS = {
  pointsPerClass: 100, classes: 3, depth: 8, width: 64, init: 'small', activation: 'tanh', steps: 200, batchSize: 64, lr: 0.3,
  momentum: BATCH_NORM_DEFAULTS.momentum, eps: BATCH_NORM_DEFAULTS.eps, seed: 0,
} as const;

/** Quick mode (NNLAB_QUICK=1, applied by the experiment under your options): 5 layers, 80 steps. */
export const BATCH_NORM_RESCUE_QUICK: BatchNormRescueOptions = { depth: 5, steps: 80 };

export interface BatchNormRescueConfig extends CommonTrainingConfig {
  depth: number; width: number; init: BnNetInit; activation: BnNetActivation; lr: number;
}

/** Activation std of one hidden layer at init, without and with BN (training mode, the training set). */
export interface BatchNormRescueLayer { layer: number; plain: number; batchNorm: number }

export interface BatchNormRescueRecord extends ExperimentRecord<BatchNormRescueConfig> {
  experiment: 'batchNormRescue';
  /** The std of every W_l under the init. */
  weightStd: number[];
  layers: BatchNormRescueLayer[];
  loss: { plain: (number | null)[]; batchNorm: (number | null)[] };
  /** Test-set accuracy after training (test mode); null if training diverged. */
  accuracy: { plain: number | null; batchNorm: number | null };
  meta: { ms: number };
}

const D = BATCH_NORM_RESCUE_DEFAULTS;
const { pointsPerClass, classes, steps, batchSize, momentum, eps, seed } = commonFields(D);

/** The options of {@link batchNormRescue}, declared once (core/options.ts), in the record's key order. */
export const BATCH_NORM_RESCUE_OPTIONS = defineOptions('batchNorm.rescue', {
  pointsPerClass, classes, steps, batchSize, momentum, eps, seed,
  depth: count(1, BATCH_NORM_LIMITS.depth, D.depth),
  width: count(1, BATCH_NORM_LIMITS.width, D.width),
  init: oneOf(BN_NET_INITS, { default: D.init }),
  activation: oneOf(BN_NET_ACTIVATIONS, { default: D.activation }),
  lr: number({ min: 0, max: BATCH_NORM_LIMITS.lr, default: D.lr }),
}, {
  rules: (c, given) => commonRules('batchNorm.rescue', c, new Array<number>(c.depth).fill(c.width), 2, given),
  memory: (c) => trainingMemory(c, new Array<number>(c.depth).fill(c.width), c.depth > c.width ? 'depth' : 'width'),
});

/** Validates `options` (without `progress`; quick preset already applied) and fills in the defaults. */
export function resolveBatchNormRescueOptions(options: Omit<BatchNormRescueOptions, 'progress'> = {}): BatchNormRescueConfig {
  return BATCH_NORM_RESCUE_OPTIONS.resolve(options);
}

/**
 * The same deep net, same weights, without and with batch norm after every dense layer. At a bad
 * init (W = 0.01 · N(0, 1)) the plain net's activations shrink by ~0.01 · sqrt(width) per layer
 * and its gradients vanish: SGD cannot move it off chance (loss ln 3 = 1.10). BN rescales every
 * layer's pre-activations to unit variance whatever the scale of W, so the activations keep their
 * std layer after layer and the same SGD trains it. (Lesson 03 fixes the init; BN makes the net
 * far less sensitive to it.) Quick mode applies {@link BATCH_NORM_RESCUE_QUICK}. Progress: one
 * unit per training step of both runs (phases "plain", "batch norm"), with a live loss chart.
 *
 * @example
 * const r = await nn.batchNorm.rescue({ init: 'xavier', seed: 5 });
 * r.layers.map((l) => [l.plain, l.batchNorm])   // activation std per layer at init
 */
export async function batchNormRescue(options: BatchNormRescueOptions = {}): Promise<BatchNormRescueRecord> {
  const { config: o, progress } = BATCH_NORM_RESCUE_OPTIONS.take(quickOptions(options, BATCH_NORM_RESCUE_QUICK));
  const bar = experimentProgress(progress, {
    label: 'batchNorm.rescue',
    chart: { metric: 'loss', title: 'Training loss without and with batch norm (SGD)', xTitle: 'step', yTitle: 'cross-entropy', series: ['plain', 'batch norm'] },
  });
  const start = performance.now();
  const { train, test } = spirals(o);
  const widths = new Array<number>(o.depth).fill(o.width);
  const netSeed = seedStream(o.seed).derive('net');
  const stds: number[][] = [];
  const losses: (number | null)[][] = [];
  const accuracy: (number | null)[] = [];
  try {
    for (const [k, batchNorm] of [false, true].entries()) {
      const phase = batchNorm ? 'batch norm' : 'plain';
      const net = createBatchNormNet({ inputWidth: 2, widths, classes: o.classes, batchNorm, init: o.init, activation: o.activation, seed: netSeed });
      try {
        stds.push(await hiddenStds(net, train, o.eps));
        const l = await trainRun(net, train, {
          steps: o.steps, batchSize: o.batchSize, lr: o.lr, optimizer: 'sgd', momentum: o.momentum, eps: o.eps,
          seed: seedStream(o.seed).derive('batches'),
        }, { bar, phase, before: k * o.steps, total: 2 * o.steps });
        losses.push(jsonLosses(l));
        accuracy.push(await testAccuracy(net, test, l, o.eps));
      } finally {
        disposeBatchNormNet(net);
      }
    }
  } finally {
    bar.finish();
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
