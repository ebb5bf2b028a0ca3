/**
 * `nn.batchNorm.fold` (lesson 04): test-mode batch norm merged into the dense or conv layer before
 * it gives the same outputs, to float32 rounding.
 *
 * @example
 * const r = await nn.batchNorm.fold({ seed: 5 });
 * r.dense.relError   // ~1e-7: folded and unfolded compute the same affine map
 * nn.batchNorm.showFold(r);
 */
import * as tf from '@tensorflow/tfjs';
import { defineOptions, float32Bytes, seed } from '../../core/options';
import { ProgressOption } from '../../core/progress';
import { ExperimentRecord, provenance } from '../../core/record';
import { seedStream } from '../../core/rng';
import { experimentProgress, ExperimentProgress } from '../../show/progress';
import {
  BATCH_NORM_DEFAULTS, batchNormForwardUnchecked, batchNormState, batchNormTest, disposeBatchNormState, foldBatchNorm,
} from './batchNorm';
import { BATCH_NORM_LIMITS, checkWork, count, givenOf, epsField, momentumField, readAndDispose } from './batches';
import { initStd } from '../../nets/init';

export interface BatchNormFoldOptions {
  batchSize?: number;
  /** Dense layer: inputs and outputs. */
  inputWidth?: number;
  features?: number;
  /** Conv layer: input height, width and channels, output channels and the square filter size. */
  imageSize?: number;
  inChannels?: number;
  channels?: number;
  filterSize?: number;
  /** Training-mode passes that give the running statistics realistic values before folding. */
  warmupSteps?: number;
  momentum?: number;
  eps?: number;
  seed?: number;
  /** Live bar in a kernel (default), false for silence, or a callback ({done, total, phase, metrics}); never recorded. */
  progress?: ProgressOption;
}

export const BATCH_NORM_FOLD_DEFAULTS = {
  batchSize: 32, inputWidth: 20, features: 16, imageSize: 8, inChannels: 3, channels: 8, filterSize: 3,
  warmupSteps: 20, momentum: BATCH_NORM_DEFAULTS.momentum, eps: BATCH_NORM_DEFAULTS.eps, seed: 0,
} as const;

export type BatchNormFoldConfig = { -readonly [K in keyof typeof BATCH_NORM_FOLD_DEFAULTS]: number };

/** How far the folded layer's outputs are from layer-then-BN's (test mode). */
export interface BatchNormFoldComparison {
  /** Shapes of W and of the outputs. */
  kernelShape: number[];
  outputShape: number[];
  maxAbsDiff: number;
  /** max |folded - unfolded| / max(|folded| + |unfolded|). */
  relError: number;
  /** max |unfolded|: the scale the difference is measured against. */
  maxAbsOutput: number;
}

export interface BatchNormFoldRecord extends ExperimentRecord<BatchNormFoldConfig> {
  experiment: 'batchNormFold';
  dense: BatchNormFoldComparison;
  conv: BatchNormFoldComparison;
  meta: { ms: number };
}

const L = BATCH_NORM_LIMITS;
const D = BATCH_NORM_FOLD_DEFAULTS;

/** The options of {@link batchNormFold}, declared once (core/options.ts); `nnlab batchnorm-fold` checks its flags against them. */
export const BATCH_NORM_FOLD_OPTIONS = defineOptions('batchNorm.fold', {
  batchSize: count(1, L.batchSize, D.batchSize),
  inputWidth: count(1, L.features, D.inputWidth),
  features: count(1, L.features, D.features),
  imageSize: count(1, L.imageSize, D.imageSize),
  inChannels: count(1, L.channels, D.inChannels),
  channels: count(1, L.channels, D.channels),
  filterSize: count(1, L.filterSize, D.filterSize),
  warmupSteps: count(0, L.steps, D.warmupSteps),
  momentum: momentumField(D.momentum),
  eps: epsField(D.eps),
  seed: seed(),
}, {
  rules(c, given) {
    const dense = c.batchSize * c.inputWidth * c.features;
    const conv = c.batchSize * c.imageSize ** 2 * c.filterSize ** 2 * c.inChannels * c.channels;
    checkWork('batchNorm.fold', (c.warmupSteps + 2) * (dense + conv), givenOf(given, ['warmupSteps', 'batchSize', ...(dense > conv ? ['inputWidth', 'features'] : ['imageSize', 'channels', 'inChannels', 'filterSize'])]),
      `${c.warmupSteps + 2} passes through a dense layer ${c.inputWidth} -> ${c.features} and a ${c.filterSize} x ${c.filterSize} conv ` +
      `${c.inChannels} -> ${c.channels} channels on ${c.imageSize} x ${c.imageSize} images, batches of ${c.batchSize}`);
  },
  memory: (c) => {
    const image = c.imageSize ** 2;
    return [
      { bytes: float32Bytes(c.batchSize * (c.inputWidth + 6 * c.features) + c.inputWidth * c.features * 2),
        argument: c.inputWidth >= c.features ? 'inputWidth' : 'features',
        what: `the dense layer: inputs ${c.batchSize} x ${c.inputWidth}, W ${c.inputWidth} x ${c.features} and its outputs: about 6 copies` },
      { bytes: float32Bytes(c.batchSize * image * (c.inChannels + 6 * c.channels) + c.filterSize ** 2 * c.inChannels * c.channels * 2),
        argument: c.batchSize * image > c.inChannels * c.channels ? 'imageSize' : 'channels',
        what: `the conv layer: ${c.batchSize} images of ${c.imageSize} x ${c.imageSize} x ${c.inChannels}, outputs with ${c.channels} channels: about 6 copies` },
    ];
  },
});

/** Validates `options` (without `progress`) and fills in the defaults. */
export function resolveBatchNormFoldOptions(options: Omit<BatchNormFoldOptions, 'progress'> = {}): BatchNormFoldConfig {
  return BATCH_NORM_FOLD_OPTIONS.resolve(options);
}

/**
 * Folding: builds a dense layer z = x · W + b and a conv layer z = conv(x, W) + b, each followed
 * by batch norm with random γ, β and running statistics from `warmupSteps` training-mode passes,
 * and compares test-mode BN(z) with the folded layer x · W' + b' (conv(x, W') + b'), where
 * W' = W ⊙ scale and b' = scale ⊙ b + shift (`nn.batchNorm.foldInto`). They agree to float32
 * rounding: the two compute the same affine map in a different order. Progress: the warm-up steps
 * and the comparison of each layer (phases "dense", "conv").
 *
 * @example
 * const r = await nn.batchNorm.fold({ warmupSteps: 20, seed: 5 });
 * r.conv.maxAbsDiff   // ~1e-6 on outputs of size ~5
 */
export async function batchNormFold(options: BatchNormFoldOptions = {}): Promise<BatchNormFoldRecord> {
  const { config: o, progress } = BATCH_NORM_FOLD_OPTIONS.take(options);
  const bar = experimentProgress(progress, { label: 'batchNorm.fold' });
  try {
    const start = performance.now();
    const seeds = seedStream(o.seed);
    const dense = await compareFold(o, seeds.fork('dense'), 'dense', bar);
    const conv = await compareFold(o, seeds.fork('conv'), 'conv', bar);
    return { experiment: 'batchNormFold', options: o, ...provenance(), dense, conv, meta: { ms: performance.now() - start } };
  } finally {
    bar.finish();
  }
}

type SeedSource = { derive(label: string): number };

async function compareFold(o: BatchNormFoldConfig, seeds: SeedSource, kind: 'dense' | 'conv', bar: ExperimentProgress): Promise<BatchNormFoldComparison> {
  const perLayer = o.warmupSteps + 1;
  const total = 2 * perLayer;
  const base = kind === 'dense' ? 0 : perLayer;
  const D = kind === 'dense' ? o.features : o.channels;
  const kernelShape = kind === 'dense' ? [o.inputWidth, D] : [o.filterSize, o.filterSize, o.inChannels, D];
  const inputShape = kind === 'dense' ? [o.batchSize, o.inputWidth] : [o.batchSize, o.imageSize, o.imageSize, o.inChannels];
  const W = tf.randomNormal(kernelShape, 0, initStd('he', kernelShape), 'float32', seeds.derive('W'));
  const b = tf.randomNormal([D], 0, 1, 'float32', seeds.derive('b')) as tf.Tensor1D;
  const params = {
    gamma: tf.randomUniform([D], 0.5, 2, 'float32', seeds.derive('gamma')) as tf.Tensor1D,
    beta: tf.randomNormal([D], 0, 1, 'float32', seeds.derive('beta')) as tf.Tensor1D,
  };
  const layer = (x: tf.Tensor, w: tf.Tensor, bias: tf.Tensor1D): tf.Tensor => tf.tidy(() => tf.add(kind === 'dense'
    ? tf.matMul(x as tf.Tensor2D, w as tf.Tensor2D) : tf.conv2d(x as tf.Tensor4D, w as tf.Tensor4D, 1, 'same'), bias));
  let state = batchNormState(D);
  const toDispose: tf.Tensor[] = [W, b, params.gamma, params.beta];
  try {
    for (let t = 1; t <= o.warmupSteps; t++) {
      const z = tf.tidy(() => layer(tf.randomNormal(inputShape, 1, 2, 'float32', seeds.derive(`warmup${t}`)), W, b));
      const r = batchNormForwardUnchecked(z, params, state, { training: true, momentum: o.momentum, eps: o.eps });
      tf.dispose([z, r.y]);
      disposeBatchNormState(state);
      state = r.state;
      bar.report({ done: base + t, total, phase: kind, metrics: { step: t } });
    }
    const x = tf.randomNormal(inputShape, 1, 2, 'float32', seeds.derive('X'));
    toDispose.push(x);
    const z = layer(x, W, b);
    const unfolded = batchNormTest(z, params.gamma, params.beta, state, { eps: o.eps });
    const folded = foldBatchNorm({ W, b }, params, state, { eps: o.eps });
    const direct = layer(x, folded.W, folded.b);
    toDispose.push(z, folded.W, folded.b);
    const outputShape = [...unfolded.shape];
    const u = await readAndDispose(unfolded);
    const f = await readAndDispose(direct);
    let maxAbsDiff = 0;
    let den = 0;
    let maxAbsOutput = 0;
    for (let k = 0; k < u.length; k++) {
      maxAbsDiff = Math.max(maxAbsDiff, Math.abs(u[k] - f[k]));
      den = Math.max(den, Math.abs(u[k]) + Math.abs(f[k]));
      maxAbsOutput = Math.max(maxAbsOutput, Math.abs(u[k]));
    }
    const relError = den === 0 ? 0 : maxAbsDiff / den;
    bar.report({ done: base + perLayer, total, phase: kind, metrics: { relError } });
    return { kernelShape, outputShape, maxAbsDiff, relError, maxAbsOutput };
  } finally {
    tf.dispose(toDispose);
    disposeBatchNormState(state);
  }
}
