/**
 * `nn.batchNorm.identity` (lesson 04): γ = sqrt(σ²_B + eps) and β = μ_B undo the normalisation, so
 * normalising costs the network no expressive power.
 *
 * @example
 * const r = await nn.batchNorm.identity({ inputMean: 5, inputStd: 3, seed: 2 });
 * r.relError    // a few times 6e-8: y = x up to float32 rounding
 * nn.batchNorm.showIdentity(r);
 */
import * as tf from '@tensorflow/tfjs';
import { defineOptions, float32Bytes, seed } from '../../core/options';
import { ProgressOption } from '../../core/progress';
import { ExperimentRecord, provenance } from '../../core/record';
import { seedStream } from '../../core/rng';
import { featureStats } from '../../core/stats';
import { experimentProgress } from '../../show/progress';
import { BATCH_NORM_DEFAULTS, batchNormForward, batchNormState, disposeBatchNormState } from './batchNorm';
import { BATCH_NORM_LIMITS, count, epsField, gaussianBatch, inputMeanField, inputStdField } from './batches';

export interface BatchNormIdentityOptions {
  batchSize?: number;
  features?: number;
  inputMean?: number;
  inputStd?: number;
  eps?: number;
  seed?: number;
  /** Live bar in a kernel (default), false for silence, or a callback ({done, total, phase, metrics}); never recorded. */
  progress?: ProgressOption;
}

export const BATCH_NORM_IDENTITY_DEFAULTS = { batchSize: 64, features: 4, inputMean: 5, inputStd: 3, eps: BATCH_NORM_DEFAULTS.eps, seed: 0 } as const;

export type BatchNormIdentityConfig = { -readonly [K in keyof typeof BATCH_NORM_IDENTITY_DEFAULTS]: number };

export interface BatchNormIdentityRecord extends ExperimentRecord<BatchNormIdentityConfig> {
  experiment: 'batchNormIdentity';
  /** The batch statistics μ_B and σ²_B per feature, and the parameters set from them. */
  batchMean: number[];
  batchVar: number[];
  gamma: number[];
  beta: number[];
  /** max |y - x| and the relative error max |y - x| / max(|y| + |x|). */
  maxAbsDiff: number;
  relError: number;
  meta: { ms: number };
}

const L = BATCH_NORM_LIMITS;
const D = BATCH_NORM_IDENTITY_DEFAULTS;

/** The options of {@link batchNormIdentity}, declared once (core/options.ts). */
export const BATCH_NORM_IDENTITY_OPTIONS = defineOptions('batchNorm.identity', {
  batchSize: count(1, L.batchSize, D.batchSize),
  features: count(1, L.features, D.features),
  inputMean: inputMeanField(D.inputMean),
  inputStd: inputStdField(D.inputStd),
  eps: epsField(D.eps),
  seed: seed(),
}, {
  memory: (c) => ({
    // x, y and the intermediates of one forward pass in float32, and x and y read back as JS numbers
    bytes: float32Bytes(8 * c.batchSize * c.features) + 8 * 2 * c.batchSize * c.features,
    argument: c.batchSize >= c.features ? 'batchSize' : 'features',
    what: `a batch of ${c.batchSize} x ${c.features}: about 8 float32 copies, and x and y read back`,
  }),
});

/** Validates `options` (without `progress`) and fills in the defaults. */
export function resolveBatchNormIdentityOptions(options: Omit<BatchNormIdentityOptions, 'progress'> = {}): BatchNormIdentityConfig {
  return BATCH_NORM_IDENTITY_OPTIONS.resolve(options);
}

/**
 * Identity recovery: with γ = sqrt(σ²_B + eps) and β = μ_B, training-mode batch norm gives back
 * its input, y = γ (x - μ_B) / sqrt(σ²_B + eps) + β = x. So normalising costs the network nothing:
 * if the unnormalised activations were better, it can learn γ and β to undo the normalisation.
 * In float32 the difference is rounding only: relative error a few times 2^-24 ≈ 6e-8.
 * Progress: one unit.
 *
 * @example
 * const r = await nn.batchNorm.identity({ seed: 2 });
 * r.gamma   // sqrt(σ²_B + eps) per feature; r.beta = r.batchMean
 */
export async function batchNormIdentity(options: BatchNormIdentityOptions = {}): Promise<BatchNormIdentityRecord> {
  const { config: o, progress } = BATCH_NORM_IDENTITY_OPTIONS.take(options);
  const bar = experimentProgress(progress, { label: 'batchNorm.identity' });
  try {
    const start = performance.now();
    const x = gaussianBatch(o.batchSize, o.features, o.inputMean, o.inputStd, seedStream(o.seed).derive('X'));
    const xs = Array.from(await x.data());
    const stats = featureStats(xs, o.features);
    const batchVar = stats.std.map((s) => s * s);
    const gamma = batchVar.map((v) => Math.sqrt(v + o.eps));
    const params = { gamma: tf.tensor1d(gamma), beta: tf.tensor1d(stats.mean) };
    const state = batchNormState(o.features);
    const r = batchNormForward(x, params, state, { training: true, eps: o.eps });
    const ys = await r.y.data();
    tf.dispose([x, r.y, params.gamma, params.beta]);
    [state, r.state].forEach(disposeBatchNormState);
    let maxAbsDiff = 0;
    let scale = 0;
    for (let k = 0; k < xs.length; k++) {
      maxAbsDiff = Math.max(maxAbsDiff, Math.abs(ys[k] - xs[k]));
      scale = Math.max(scale, Math.abs(ys[k]) + Math.abs(xs[k]));
    }
    const relError = scale === 0 ? 0 : maxAbsDiff / scale;
    bar.report({ done: 1, total: 1, phase: 'identity', metrics: { relError } });
    return {
      experiment: 'batchNormIdentity', options: o, ...provenance(),
      batchMean: stats.mean, batchVar, gamma, beta: stats.mean,
      maxAbsDiff, relError, meta: { ms: performance.now() - start },
    };
  } finally {
    bar.finish();
  }
}
