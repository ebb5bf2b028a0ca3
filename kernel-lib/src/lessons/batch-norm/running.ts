/**
 * `nn.batchNorm.running` (lesson 04): the running averages of training mode, step by step, for
 * several momenta on the same batches, beside their closed forms.
 *
 * @example
 * const r = await nn.batchNorm.running({ steps: 300, batchSize: 32, momenta: [0.9, 0.99], seed: 3 });
 * r.curves[0].runningMean   // feature 0's running mean after every step: μ (1 - 0.9^t) plus a wobble
 * nn.batchNorm.showRunning(r);
 */
import * as tf from '@tensorflow/tfjs';
import { defineOptions, list, seed } from '../../core/options';
import { ProgressOption } from '../../core/progress';
import { ExperimentRecord, provenance } from '../../core/record';
import { seedStream } from '../../core/rng';
import { experimentProgress } from '../../show/progress';
import { BATCH_NORM_DEFAULTS, disposeBatchNormState } from './batchNorm';
import { BATCH_NORM_LIMITS, checkWork, count, givenOf, epsField, inputMeanField, inputStdField, MOMENTUM_ELEMENT, warmUp } from './batches';
import { batchNormStatsMemory } from './stats';

export interface BatchNormRunningOptions {
  steps?: number;
  batchSize?: number;
  features?: number;
  inputMean?: number;
  inputStd?: number;
  /** One run per momentum, all on the same sequence of batches. */
  momenta?: readonly number[];
  eps?: number;
  seed?: number;
  /** Live bar in a kernel (default), false for silence, or a callback ({done, total, phase, metrics}); never recorded. */
  progress?: ProgressOption;
}

export const BATCH_NORM_RUNNING_DEFAULTS = {
  steps: 200, batchSize: 32, features: 4, inputMean: 5, inputStd: 3, momenta: [0.9, 0.99], eps: BATCH_NORM_DEFAULTS.eps, seed: 0,
} as const;

export interface BatchNormRunningConfig {
  steps: number; batchSize: number; features: number; inputMean: number; inputStd: number;
  momenta: number[]; eps: number; seed: number;
}

/** One momentum's run: running statistics of feature 0 after every step, and the closed forms. */
export interface BatchNormRunningCurve {
  momentum: number;
  /** running_mean and running_var of feature 0 after steps 1..steps. */
  runningMean: number[];
  runningVar: number[];
  /** Expectations from running mean 0, var 1: E[mean_t] = μ (1 - m^t), E[var_t] = m^t + (1 - m^t) σ² (B - 1) / B. */
  expectedMean: number[];
  expectedVar: number[];
  /** All features after the last step. */
  finalMean: number[];
  finalVar: number[];
}

export interface BatchNormRunningRecord extends ExperimentRecord<BatchNormRunningConfig> {
  experiment: 'batchNormRunning';
  /** The population values the running statistics estimate: μ and σ² (B - 1) / B (the expected biased batch variance). */
  target: { mean: number; var: number; populationVar: number };
  curves: BatchNormRunningCurve[];
  meta: { ms: number };
}

const L = BATCH_NORM_LIMITS;
const D = BATCH_NORM_RUNNING_DEFAULTS;

/** The options of {@link batchNormRunning}, declared once (core/options.ts). */
export const BATCH_NORM_RUNNING_OPTIONS = defineOptions('batchNorm.running', {
  steps: count(1, L.steps, D.steps),
  batchSize: count(1, L.batchSize, D.batchSize),
  features: count(1, L.features, D.features),
  inputMean: inputMeanField(D.inputMean),
  inputStd: inputStdField(D.inputStd),
  momenta: list(MOMENTUM_ELEMENT, { minLength: 1, maxLength: L.momenta, default: D.momenta }),
  eps: epsField(D.eps),
  seed: seed(),
}, {
  rules(c, given) {
    checkWork('batchNorm.running', 10 * c.momenta.length * c.steps * c.batchSize * c.features, givenOf(given, ['steps', 'batchSize', 'features', 'momenta']),
      `${c.momenta.length} runs of ${c.steps} steps on batches of ${c.batchSize} x ${c.features}, about 10 operations a value`);
  },
  memory: (c) => [
    batchNormStatsMemory(c.batchSize, c.features),
    // the running statistics of feature 0 after every step and their closed forms, per momentum; all features at the end
    { bytes: 8 * c.momenta.length * (4 * c.steps + 2 * c.features), argument: 'steps', what: `${c.momenta.length} curves of ${c.steps} steps` },
  ],
});

/** Validates `options` (without `progress`) and fills in the defaults. */
export function resolveBatchNormRunningOptions(options: Omit<BatchNormRunningOptions, 'progress'> = {}): BatchNormRunningConfig {
  return BATCH_NORM_RUNNING_OPTIONS.resolve(options);
}

/**
 * The running averages of training mode, step by step: from running mean 0 and variance 1, each
 * step mixes in a fresh batch's statistics with weight 1 - momentum. The estimate forgets its start
 * like m^t (about 1 / (1 - m) steps: 10 for 0.9, 100 for 0.99) and then wobbles around the target
 * with std σ / sqrt(B) · sqrt((1 - m) / (1 + m)) for the mean. The variance target is the expected
 * biased batch variance σ² (B - 1) / B (tfjs and cs231n average the 1/m variance; PyTorch the
 * unbiased one). Progress: one unit per step of every momentum's run (phase "momentum 0.9").
 *
 * @example
 * const r = await nn.batchNorm.running({ seed: 3 });
 * r.target.var   // 9 · 31/32 = 8.72, not 9: the running variance averages the 1/m batch variance
 */
export async function batchNormRunning(options: BatchNormRunningOptions = {}): Promise<BatchNormRunningRecord> {
  const { config: o, progress } = BATCH_NORM_RUNNING_OPTIONS.take(options);
  const bar = experimentProgress(progress, { label: 'batchNorm.running' });
  const start = performance.now();
  const seeds = seedStream(o.seed);
  const sigma2 = o.inputStd ** 2;
  const targetVar = (sigma2 * (o.batchSize - 1)) / o.batchSize;
  const total = o.momenta.length * o.steps;
  const curves: BatchNormRunningCurve[] = [];
  const params = { gamma: tf.ones([o.features]) as tf.Tensor1D, beta: tf.zeros([o.features]) as tf.Tensor1D };
  try {
    for (const [k, momentum] of o.momenta.entries()) {
      const runningMean: number[] = [];
      const runningVar: number[] = [];
      const phase = `momentum ${momentum}`;
      const state = await warmUp({ ...o, momentum }, params, (t) => seeds.derive(`batch${t}`), {
        onStats: (_, m, v) => {
          runningMean.push(m[0]);
          runningVar.push(v[0]);
        },
        onStep: (t) => bar.report({ done: k * o.steps + t, total, phase, metrics: { step: t, runningMean: runningMean[t - 1] } }),
      });
      const finalMean = Array.from(await state.runningMean.data());
      const finalVar = Array.from(await state.runningVar.data());
      disposeBatchNormState(state);
      const decay = runningMean.map((_, i) => momentum ** (i + 1));
      curves.push({
        momentum, runningMean, runningVar,
        expectedMean: decay.map((d) => o.inputMean * (1 - d)),
        expectedVar: decay.map((d) => d + (1 - d) * targetVar),
        finalMean, finalVar,
      });
    }
  } finally {
    tf.dispose([params.gamma, params.beta]);
    bar.finish();
  }
  return {
    experiment: 'batchNormRunning', options: o, ...provenance(),
    target: { mean: o.inputMean, var: targetVar, populationVar: sigma2 }, curves, meta: { ms: performance.now() - start },
  };
}
