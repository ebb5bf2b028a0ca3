/**
 * A glance past batch norm (lesson 04): layer norm, instance norm and group norm normalise the
 * same way, x̂ = (x - μ) / sqrt(σ² + eps), but over different sets of values. For an activation
 * tensor x [N, H, W, C] (batch, height, width, channels):
 *
 * | method        | μ, σ² computed over                  | one statistic per   |
 * |---------------|--------------------------------------|---------------------|
 * | batch norm    | N, H, W                              | channel c           |
 * | layer norm    | H, W, C                              | example n           |
 * | instance norm | H, W                                 | (n, c)              |
 * | group norm    | H, W and the C / G channels of group | (n, group g)        |
 *
 * Group norm with G = 1 is layer norm, with G = C instance norm. Only batch norm mixes examples of
 * a batch, so only batch norm needs running averages and behaves differently in training and test
 * mode; the others compute the same thing for one example alone as in any batch.
 *
 * @example
 * const y = nn.batchNorm.groupNorm(x, 2, { eps: 1e-5 });   // [N, H, W, C] -> same shape, 2 groups of C / 2
 */
import * as tf from '@tensorflow/tfjs';
import { ArgumentError, checkInt, checkKnownKeys } from '../../core/errors';
import { checkFinite, checkTensor } from '../../core/tensorChecks';
import { batchMoments, checkBatchNormHyper } from './batchNorm';

/** Throws unless x is a live, finite tensor [N, H, W, C]. */
function checkImageBatch(x: tf.Tensor): tf.Tensor4D {
  if (x instanceof tf.Tensor) checkTensor('x', x);
  if (!(x instanceof tf.Tensor) || x.rank !== 4) {
    throw new ArgumentError('x.shape', x instanceof tf.Tensor ? [...x.shape] : x, '[batchSize, height, width, channels]');
  }
  checkFinite('x', x);
  return x as tf.Tensor4D;
}

/**
 * Group norm (no learnable scale or shift): the C channels are cut into G groups of C / G; each
 * (example, group) is normalised over its H · W · C / G values. Returns a new [N, H, W, C] tensor.
 *
 * @example
 * const x = tf.randomNormal([4, 3, 3, 6], 0, 1, 'float32', 1);    // [N, H, W, C]
 * const y = nn.batchNorm.groupNorm(x, 2, { eps: 1e-5 });           // 4 · 2 groups of 27 values each
 */
export function groupNorm(x: tf.Tensor, groups: number, hyper: { eps?: number } = {}): tf.Tensor4D {
  const x4 = checkImageBatch(x);
  checkKnownKeys('batchNorm.groupNorm', hyper, ['eps']);
  const { eps } = checkBatchNormHyper(hyper);
  const [N, H, W, C] = x4.shape;
  const G = checkInt('groups', groups, { min: 1, max: C });
  if (C % G !== 0) throw new ArgumentError('groups', groups, `a divisor of the number of channels (${C})`);
  return tf.tidy(() => {
    const grouped = tf.reshape(x4, [N, H, W, G, C / G]);
    const { mean, variance } = tf.moments(grouped, [1, 2, 4], true);
    return tf.reshape(tf.div(tf.sub(grouped, mean), tf.sqrt(tf.add(variance, eps))), [N, H, W, C]) as tf.Tensor4D;
  });
}

/**
 * Layer norm: each example normalised over all its H · W · C values (group norm with one group).
 *
 * @example
 * const x = tf.randomNormal([4, 3, 3, 6], 0, 1, 'float32', 1);    // [N, H, W, C]
 * const y = nn.batchNorm.layerNorm(x);                             // 4 statistics, one per example
 */
export function layerNorm(x: tf.Tensor, hyper: { eps?: number } = {}): tf.Tensor4D {
  return groupNorm(x, 1, hyper);
}

/**
 * Instance norm: each (example, channel) normalised over its H · W positions (one group per channel).
 *
 * @example
 * const x = tf.randomNormal([4, 3, 3, 6], 0, 1, 'float32', 1);    // [N, H, W, C]
 * const y = nn.batchNorm.instanceNorm(x);                          // 4 · 6 statistics
 */
export function instanceNorm(x: tf.Tensor, hyper: { eps?: number } = {}): tf.Tensor4D {
  return groupNorm(x, checkImageBatch(x).shape[3], hyper);
}

/** Spatial batch norm without scale and shift, training mode: each channel over N · H · W values. */
export function batchNormalizeChannels(x: tf.Tensor, hyper: { eps?: number } = {}): tf.Tensor4D {
  const x4 = checkImageBatch(x);
  const { eps } = checkBatchNormHyper(hyper);
  return tf.tidy(() => {
    const { mean, variance } = batchMoments(x4);
    return tf.div(tf.sub(x4, mean), tf.sqrt(tf.add(variance, eps))) as tf.Tensor4D;
  });
}

