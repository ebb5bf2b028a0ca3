/**
 * Dropout (lesson 09): during training, randomly set units to zero; keep each one with
 * probability p (p = 0.5 is the classic value; p = 1 keeps every unit, i.e. no dropout).
 *
 *   mask  U ~ Bernoulli(p), elementwise, a new mask for every forward pass
 *   vanilla:   train  out = x ⊙ U          test  out = p · x
 *   inverted:  train  out = x ⊙ U / p      test  out = x
 *
 * Both make the expected training-time value of x equal to its test-time value:
 * E[x ⊙ U] = p · x (vanilla, so test multiplies by p) and E[x ⊙ U / p] = x (inverted, so test
 * does nothing). Frameworks use inverted dropout: prediction code then has no dropout in it.
 * The gradient of either is the same multiplier: dx = dout ⊙ U (vanilla) or dout ⊙ U / p.
 *
 * `p` is always the KEEP probability. tf.layers.dropout takes the DROP probability
 * (`rate = 1 - p`) and silently clamps rates outside [0, 1) to "no dropout" (STYLE.md, trap 4):
 * here every p outside (0, 1] is an error. `training` is required: the mode is the lesson.
 *
 * Seeds: tfjs seeds are stateless per call (trap 3), so a fixed seed gives the same mask every
 * time. Give every mask its own sub-seed from a seed stream (`seeds.next()`).
 *
 * @example
 * const seeds = nn.seedStream(0);
 * const { out } = nn.dropout.forward(x, { p: 0.5, scheme: 'inverted', training: true, seed: seeds.next() });
 * const test = nn.dropout.forward(x, { p: 0.5, scheme: 'inverted', training: false }).out; // = x
 */
import * as tf from '@tensorflow/tfjs';
import { ArgumentError, checkBoolean, checkOneOf } from '../../core/errors';
import { checkSeed } from '../../core/rng';

/** The two ways to put dropout into a network. */
export const SCHEMES = ['vanilla', 'inverted'] as const;
export type DropoutScheme = typeof SCHEMES[number];

/** Throws unless `p` is a keep probability in (0, 1]; returns it (internal: every entry point's check). */
export function checkKeepProbability(name: string, p: unknown): number {
  if (typeof p !== 'number' || !Number.isFinite(p) || !(p > 0 && p <= 1)) {
    throw new ArgumentError(name, p, 'a keep probability in (0, 1] (p = 1 keeps every unit: no dropout; ' +
      'p is the keep probability, tf.layers.dropout\'s rate is 1 - p)');
  }
  return p;
}

/** Options of {@link forward}, {@link vanilla} and {@link inverted}. */
export interface DropoutOptions {
  /** The keep probability, in (0, 1]. */
  p: number;
  scheme: DropoutScheme;
  /** Required: true draws a mask, false applies the test-time rule. */
  training: boolean;
  /** Required when training: the sub-seed of this mask (a new one per call). */
  seed?: number;
}

/** What {@link backward} needs: the multiplier the forward pass applied. */
export interface DropoutCache {
  /** U (vanilla) or U / p (inverted) when training; the scalar p or 1 at test time. */
  multiplier: tf.Tensor;
}

/** Validates dropout options (every error names the option); `seed` is null at test time without one. */
export function resolveDropoutOptions(options: DropoutOptions): { p: number; scheme: DropoutScheme; training: boolean; seed: number | null } {
  if (typeof options !== 'object' || options === null) throw new ArgumentError('options', options, 'an object {p, scheme, training, seed}');
  const p = checkKeepProbability('p', options.p);
  const scheme = checkOneOf('scheme', options.scheme, SCHEMES);
  const training = checkBoolean('training', options.training);
  if (training && options.seed === undefined) {
    throw new ArgumentError('seed', undefined, 'an integer sub-seed when training (a new one per mask, e.g. seeds.next(): ' +
      'tfjs seeds are stateless, so a fixed seed repeats the same mask)');
  }
  const seed = options.seed === undefined ? null : checkSeed('seed', options.seed);
  return { p, scheme, training, seed };
}

/**
 * A dropout mask U ~ Bernoulli(p): 0s and 1s, float32, of `shape`, U = floor(u + p) with
 * u ~ Uniform[0, 1) drawn with `seed`, so a fraction p of the units is kept (within
 * sqrt(p (1 - p) / n)). This is the mask tf.dropout draws for `rate = 1 - p` and the same seed;
 * p = 1 gives all ones. The caller owns the result.
 *
 * @example
 * const seeds = nn.seedStream(1);
 * const U = nn.dropout.mask([100, 1000], 0.5, seeds.next());
 * const kept = U.mean();
 * console.log(kept.dataSync()[0]); // about 0.5: half the units kept
 * tf.dispose([U, kept]);
 */
export function mask(shape: readonly number[], p: number, seed: number): tf.Tensor {
  checkKeepProbability('p', p);
  checkSeed('seed', seed);
  if (!Array.isArray(shape) || shape.some((d) => !Number.isInteger(d) || d < 0)) {
    throw new ArgumentError('shape', shape, 'an array of integers >= 0');
  }
  if (p === 1) return tf.ones(shape as number[]);
  return tf.tidy(() => tf.floor(tf.add(tf.randomUniform(shape as number[], 0, 1, 'float32', seed), p)));
}

/**
 * Dropout on x, either scheme, either mode. Returns out (new, the caller's) and a cache for the
 * backward pass (the caller disposes `cache.multiplier`, or calls {@link disposeCache}).
 *
 *   training:  out = x ⊙ U (vanilla), x ⊙ U / p (inverted)
 *   test:      out = p · x (vanilla), x (inverted)
 *
 * @example
 * const seeds = nn.seedStream(1);
 * const x = tf.ones([2, 4]);
 * const { out, cache } = nn.dropout.forward(x, { p: 0.5, scheme: 'vanilla', training: true, seed: seeds.next() });
 * out.print(); // 0s and 1s: x ⊙ U
 * const dout = tf.onesLike(x);
 * const dx = nn.dropout.backward(dout, cache); // dout ⊙ U: the same 0/1 pattern
 * nn.dropout.disposeCache(cache);
 * tf.dispose([x, out, dout, dx]);
 */
export function forward(x: tf.Tensor, options: DropoutOptions): { out: tf.Tensor; cache: DropoutCache } {
  const { p, scheme, training, seed } = resolveDropoutOptions(options);
  checkTensor('x', x);
  return tf.tidy(() => {
    let multiplier: tf.Tensor;
    if (training) {
      const U = mask(x.shape, p, seed as number);
      multiplier = scheme === 'inverted' && p !== 1 ? tf.div(U, p) : U;
    } else {
      multiplier = tf.scalar(scheme === 'vanilla' ? p : 1);
    }
    return { out: tf.mul(x, multiplier), cache: { multiplier } };
  });
}

/**
 * dx = dout ⊙ multiplier: the gradient of {@link forward} (dout ⊙ U for vanilla, dout ⊙ U / p for
 * inverted, dout · p or dout at test time). A new tensor, the caller's.
 *
 * @example
 * const x = tf.ones([2, 4]);
 * const { out, cache } = nn.dropout.forward(x, { p: 0.5, scheme: 'inverted', training: true, seed: nn.seedStream(1).next() });
 * const dout = tf.onesLike(x);
 * const dx = nn.dropout.backward(dout, cache); // 0 or 2 (= U / p), where out is 0 or 2
 * nn.dropout.disposeCache(cache);
 * tf.dispose([x, out, dout, dx]);
 */
export function backward(dout: tf.Tensor, cache: DropoutCache): tf.Tensor {
  checkTensor('dout', dout);
  return tf.mul(dout, cache.multiplier);
}

/**
 * Frees the tensor a dropout cache holds.
 *
 * @example
 * const x = tf.ones([2, 4]);
 * const { out, cache } = nn.dropout.forward(x, { p: 0.5, scheme: 'vanilla', training: false });
 * nn.dropout.disposeCache(cache); // once the backward pass no longer needs it
 * tf.dispose([x, out]);
 */
export function disposeCache(cache: DropoutCache): void {
  cache.multiplier.dispose();
}

/**
 * Vanilla dropout: train x ⊙ U, test p · x. Returns a new tensor.
 *
 * @example
 * const seeds = nn.seedStream(1);
 * const x = tf.ones([2, 4]);
 * const train = nn.dropout.vanilla(x, { p: 0.5, training: true, seed: seeds.next() }); // 0 or x
 * const test = nn.dropout.vanilla(x, { p: 0.5, training: false });                      // 0.5 · x
 * test.print(); // [[0.5, 0.5, 0.5, 0.5], [0.5, 0.5, 0.5, 0.5]]
 * tf.dispose([x, train, test]);
 */
export function vanilla(x: tf.Tensor, options: Omit<DropoutOptions, 'scheme'>): tf.Tensor {
  return applyDropout(x, { ...options, scheme: 'vanilla' });
}

/**
 * Inverted dropout (what frameworks implement): train x ⊙ U / p, test x (unchanged values, a new
 * tensor).
 *
 * @example
 * const seeds = nn.seedStream(1);
 * const x = tf.ones([2, 4]);
 * const train = nn.dropout.inverted(x, { p: 0.5, training: true, seed: seeds.next() }); // 0 or 2x
 * const test = nn.dropout.inverted(x, { p: 0.5, training: false });                      // x
 * train.print(); // 0s and 2s
 * tf.dispose([x, train, test]);
 */
export function inverted(x: tf.Tensor, options: Omit<DropoutOptions, 'scheme'>): tf.Tensor {
  return applyDropout(x, { ...options, scheme: 'inverted' });
}

function applyDropout(x: tf.Tensor, options: DropoutOptions): tf.Tensor {
  const { out, cache } = forward(x, options);
  disposeCache(cache);
  return out;
}

function checkTensor(name: string, x: unknown): void {
  if (!(x instanceof tf.Tensor)) throw new ArgumentError(name, x, 'a tf.Tensor');
}
