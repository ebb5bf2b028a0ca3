/**
 * `nn.batchNorm.stats` (lesson 04): per-feature statistics of a batch before and after batch norm,
 * in training mode (batch statistics) and in test mode (running statistics after a warm-up).
 *
 * @example
 * const r = await nn.batchNorm.stats({ inputMean: 5, inputStd: 3, seed: 1 });
 * r.train?.mean  // ≈ [0, 0, 0, 0]: unit Gaussian per feature in training mode
 * nn.batchNorm.showStats(r);
 */
import * as tf from '@tensorflow/tfjs';
import { defineOptions, float32Bytes, MemoryNeed, oneOf, seed } from '../../core/options';
import { ProgressOption } from '../../core/progress';
import { ExperimentRecord, provenance } from '../../core/record';
import { seedStream } from '../../core/rng';
import { FeatureStats, featureStats } from '../../core/stats';
import { experimentProgress } from '../../show/progress';
import { BATCH_NORM_DEFAULTS, BatchNormParams, BatchNormState, batchNormForward, disposeBatchNormState } from './batchNorm';
import {
  BATCH_NORM_LIMITS, checkWork, count, givenOf, epsField, gaussianBatch, inputMeanField, inputStdField, momentumField, readAndDispose, warmUp,
} from './batches';

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
  /** Live bar in a kernel (default), false for silence, or a callback ({done, total, phase, metrics}); never recorded. */
  progress?: ProgressOption;
}

/** Defaults: a 256 x 4 batch of N(5, 3²), 100 warm-up steps, the lecture's momentum and eps. */
export const BATCH_NORM_STATS_DEFAULTS = {
  batchSize: 256, features: 4, inputMean: 5, inputStd: 3, warmupSteps: 100,
  momentum: BATCH_NORM_DEFAULTS.momentum, eps: BATCH_NORM_DEFAULTS.eps, mode: 'both', seed: 0,
} as const;

export type BatchNormStatsConfig = { -readonly [K in keyof typeof BATCH_NORM_STATS_DEFAULTS]: K extends 'mode' ? BatchNormMode : number };

export interface BatchNormStatsRecord extends ExperimentRecord<BatchNormStatsConfig> {
  experiment: 'batchNormStats';
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

const L = BATCH_NORM_LIMITS;
const D = BATCH_NORM_STATS_DEFAULTS;

/**
 * The options of {@link batchNormStats}, declared once (core/options.ts): kinds, ranges, the
 * memory estimate and the total work are checked before anything runs; `nnlab batchnorm` checks
 * its flags against the same fields.
 */
export const BATCH_NORM_STATS_OPTIONS = defineOptions('batchNorm.stats', {
  batchSize: count(1, L.batchSize, D.batchSize),
  features: count(1, L.features, D.features),
  inputMean: inputMeanField(D.inputMean),
  inputStd: inputStdField(D.inputStd),
  warmupSteps: count(0, L.steps, D.warmupSteps),
  momentum: momentumField(D.momentum),
  eps: epsField(D.eps),
  mode: oneOf(BATCH_NORM_MODES, { default: D.mode }),
  seed: seed(),
}, {
  rules(c, given) {
    checkWork('batchNorm.stats', 10 * (c.warmupSteps + 3) * c.batchSize * c.features, givenOf(given, ['warmupSteps', 'batchSize', 'features']),
      `${c.warmupSteps} warm-up steps and the measurement on batches of ${c.batchSize} x ${c.features}, about 10 operations a value`);
  },
  memory: (c) => batchNormStatsMemory(c.batchSize, c.features),
});

/**
 * What {@link batchNormStats} holds at its peak: the measured batch x, a warm-up batch and the
 * intermediates of one forward pass (about 8 copies of [batchSize, features]), and the outputs
 * read back.
 */
export function batchNormStatsMemory(batchSize: number, features: number): MemoryNeed {
  const values = batchSize * features;
  return {
    bytes: float32Bytes(10 * values) + 8 * 3 * values, argument: batchSize >= features ? 'batchSize' : 'features',
    what: `batches of ${batchSize} x ${features}: about 10 float32 copies, and the outputs read back`,
  };
}

/** Validates `options` (without `progress`) and fills in the defaults; every error names the option. */
export function resolveBatchNormStatsOptions(options: Omit<BatchNormStatsOptions, 'progress'> = {}): BatchNormStatsConfig {
  return BATCH_NORM_STATS_OPTIONS.resolve(options);
}

/**
 * Per-feature statistics of a batch x ~ N(inputMean, inputStd²) before and after batch norm
 * (γ = 1, β = 0). Training mode: every feature comes out with mean 0 and std sqrt(σ²/(σ² + eps))
 * ≈ 1, exactly, whatever the input. Test mode: the running statistics (after `warmupSteps`
 * training-mode passes) normalise only approximately; with no warm-up the running statistics are
 * still mean 0, variance 1 and test mode returns the input unchanged (mean 5, std 3): the
 * train/test discrepancy. Progress: one unit per warm-up step and one for the measurement.
 *
 * @example
 * const r = await nn.batchNorm.stats({ warmupSteps: 0, seed: 1 });
 * r.test?.mean   // ≈ [5, 5, 5, 5]: fresh running statistics leave x as it is
 */
export async function batchNormStats(options: BatchNormStatsOptions = {}): Promise<BatchNormStatsRecord> {
  const { config: o, progress } = BATCH_NORM_STATS_OPTIONS.take(options);
  const bar = experimentProgress(progress, { label: 'batchNorm.stats' });
  const start = performance.now();
  const seeds = seedStream(o.seed);
  const total = o.warmupSteps + 1;
  const params = { gamma: tf.ones([o.features]) as tf.Tensor1D, beta: tf.zeros([o.features]) as tf.Tensor1D };
  let state: BatchNormState | null = null;
  const x = gaussianBatch(o.batchSize, o.features, o.inputMean, o.inputStd, seeds.derive('X'));
  try {
    state = await warmUp({ ...o, steps: o.warmupSteps }, params, (t) => seeds.derive(`warmup${t}`),
      { onStep: (t) => bar.report({ done: t, total, phase: 'warm-up', metrics: { step: t } }) });
    const running = { mean: Array.from(await state.runningMean.data()), var: Array.from(await state.runningVar.data()) };
    const input = featureStats(await x.data(), o.features);
    const yTrain = o.mode === 'test' ? null : await outputOf(x, params, state, true, o);
    const yTest = o.mode === 'train' ? null : await outputOf(x, params, state, false, o);
    bar.report({ done: total, total, phase: 'measure', metrics: {} });
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
    bar.finish();
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
