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
import { ArgumentError, describe } from '../../core/errors';
import { boolean, checkMemory, ConfigOf, float32Bytes, int, list, MemoryNeed, oneOf, optional, seed as seedField } from '../../core/options';
import { checkSeed } from '../../core/rng';
import { checkFinite, checkTensor, describeTensor } from '../../core/tensorChecks';
import { checkKeepProbability, dropoutOptions, keepProbability } from './options';

export { checkKeepProbability };

/** The two ways to put dropout into a network. */
export const SCHEMES = ['vanilla', 'inverted'] as const;
export type DropoutScheme = typeof SCHEMES[number];

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

const SEED_WHEN_TRAINING = 'an integer sub-seed when training (a new one per mask, e.g. seeds.next(): ' +
  'tfjs seeds are stateless, so a fixed seed repeats the same mask)';

/** The options of {@link forward}, declared once (core/options.ts): p, scheme and training are required. */
const DROPOUT_FIELDS = {
  p: keepProbability(),
  scheme: oneOf(SCHEMES),
  /** Required: the mode is the lesson. */
  training: boolean(),
  /** Required when training; left out at test time (null). */
  seed: optional(seedField()),
};

/** A seed is required when training: tfjs seeds are stateless, a mask needs its own sub-seed. */
function seedWhenTraining(c: { training: boolean; seed: number | null }): void {
  if (c.training && c.seed === null) throw new ArgumentError('seed', undefined, SEED_WHEN_TRAINING);
}

export const DROPOUT_OPTIONS = dropoutOptions('dropout.forward', DROPOUT_FIELDS, { rules: seedWhenTraining, progress: false });

const { scheme: _scheme, ...ONE_SCHEME_FIELDS } = DROPOUT_FIELDS;
/** The options of {@link vanilla} and {@link inverted}: those of {@link forward} less the scheme, which the function fixes. */
const SCHEME_OPTIONS: Record<DropoutScheme, ReturnType<typeof dropoutOptions<typeof ONE_SCHEME_FIELDS>>> = {
  vanilla: dropoutOptions('dropout.vanilla', ONE_SCHEME_FIELDS, { rules: seedWhenTraining, progress: false }),
  inverted: dropoutOptions('dropout.inverted', ONE_SCHEME_FIELDS, { rules: seedWhenTraining, progress: false }),
};

/** Resolved dropout options: `seed` is null at test time without one. */
export type DropoutConfig = ConfigOf<typeof DROPOUT_FIELDS>;

/** Validates dropout options (every error names the option); `seed` is null at test time without one. */
export function resolveDropoutOptions(options: DropoutOptions): DropoutConfig {
  return DROPOUT_OPTIONS.resolve(options);
}

/** A mask's shape: up to 8 dimensions of up to 2^31 - 1 units each (its size is checked against memory too). */
const MASK_SHAPE = list(int({ min: 0, max: 2 ** 31 - 1 }), { minLength: 0, maxLength: 8 });

/** Most units in one mask: a float32 typed array holds at most 2^30 numbers (4 GB) here. */
export const MASK_MAX_UNITS = 2 ** 30;

/** What {@link mask} holds at its peak: the uniform draws, u + p and the mask, float32. */
function maskMemory(shape: readonly number[]): MemoryNeed {
  const units = shape.reduce((a, b) => a * b, 1);
  return { bytes: float32Bytes(3 * units), argument: 'shape', what: `a mask of ${units} units ([${shape.join(', ')}]) and the uniform draws behind it, float32` };
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
  const dims = MASK_SHAPE.check('shape', shape);
  const units = dims.reduce((a, b) => a * b, 1);
  if (units > MASK_MAX_UNITS) {
    throw new ArgumentError('shape', shape, '', `shape is too large: dropout.mask of shape ${describe(shape)} would hold ${units} units, ` +
      `over the ${MASK_MAX_UNITS} (2^30) that one float32 tensor can hold here (4 GB)`);
  }
  checkMemory('dropout.mask', maskMemory(dims));
  return drawMask(dims, p, seed);
}

/** The mask without the checks (internal: forward's callers have checked already). */
function drawMask(shape: number[], p: number, seed: number): tf.Tensor {
  if (p === 1) return tf.ones(shape);
  return tf.tidy(() => tf.floor(tf.add(tf.randomUniform(shape, 0, 1, 'float32', seed), p)));
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
  const config = DROPOUT_OPTIONS.resolve(options);
  checkFinite('x', checkTensor('x', x));
  return dropoutStep(x, config);
}

/**
 * {@link forward} without the checks: internal, for the net and the experiments, whose inputs are
 * checked once (a NaN check reads the values back: not once per layer and step).
 */
export function dropoutStep(x: tf.Tensor, config: DropoutConfig): { out: tf.Tensor; cache: DropoutCache } {
  const { p, scheme, training, seed } = config;
  return tf.tidy(() => {
    let multiplier: tf.Tensor;
    if (training) {
      const U = drawMask(x.shape, p, seed as number);
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
  const d = checkTensor('dout', dout);
  const multiplier = checkCache(cache);
  if (multiplier.rank > 0 && (d.rank !== multiplier.rank || d.shape.some((n, i) => n !== multiplier.shape[i]))) {
    throw new ArgumentError('dout', dout, '', `dout must be a tensor of the shape of the forward pass's x, [${multiplier.shape.join(', ')}], got ${describeTensor(d)}`);
  }
  checkFinite('dout', d);
  return backwardStep(d, cache);
}

/** {@link backward} without the checks (internal: the net's backward pass). */
export function backwardStep(dout: tf.Tensor, cache: DropoutCache): tf.Tensor {
  return tf.mul(dout, cache.multiplier);
}

/** Throws unless `cache` is what {@link forward} returned, its multiplier alive; returns the multiplier. */
function checkCache(cache: unknown): tf.Tensor {
  const multiplier = (cache as { multiplier?: unknown } | null)?.multiplier;
  if (cache === null || typeof cache !== 'object' || !(multiplier instanceof tf.Tensor)) {
    throw new ArgumentError('cache', cache, 'the cache that nn.dropout.forward returned ({ multiplier })');
  }
  return checkTensor('cache.multiplier', multiplier);
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
  const multiplier = (cache as { multiplier?: unknown } | null)?.multiplier;
  if (cache === null || typeof cache !== 'object' || !(multiplier instanceof tf.Tensor)) {
    throw new ArgumentError('cache', cache, 'the cache that nn.dropout.forward returned ({ multiplier })');
  }
  multiplier.dispose();
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
  return applyDropout(x, options, 'vanilla');
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
  return applyDropout(x, options, 'inverted');
}

function applyDropout(x: tf.Tensor, options: Omit<DropoutOptions, 'scheme'>, scheme: DropoutScheme): tf.Tensor {
  const name = `dropout.${scheme}`;
  if (options !== null && typeof options === 'object' && 'scheme' in options) {
    const other = SCHEMES.find((s) => s !== scheme) as DropoutScheme;
    throw new ArgumentError('scheme', (options as { scheme?: unknown }).scheme, '', `${name}: scheme is not an option: ` +
      `nn.${name} is ${scheme} dropout, whatever the scheme says; for ${other} dropout call nn.dropout.${other}(x, options) ` +
      `or nn.dropout.forward(x, { scheme: '${other}', ... })`);
  }
  const config = SCHEME_OPTIONS[scheme].resolve(options);
  checkFinite('x', checkTensor('x', x));
  const { out, cache } = dropoutStep(x, { ...config, scheme });
  disposeCache(cache);
  return out;
}
