/**
 * Weight initializers of the lecture (lesson 03, "Weight initialization"), each a small named
 * function of a shape and a seed that returns a new float32 tensor W = std · N(0, 1):
 *
 * | init     | std of W                     | lecture                                  |
 * |----------|------------------------------|------------------------------------------|
 * | `zeros`  | 0                            | "W = 0: what happens?"                   |
 * | `small`  | scale, default 0.01          | `W = 0.01 * np.random.randn(Din, Dout)`  |
 * | `large`  | scale, default 1.0           | `W = 1.0 * np.random.randn(Din, Dout)`   |
 * | `xavier` | 1 / sqrt(fanIn)              | `W = np.random.randn(Din, Dout) / np.sqrt(Din)` |
 * | `glorot` | sqrt(2 / (fanIn + fanOut))   | Glorot & Bengio 2010, variance 2 / (Din + Dout) |
 * | `he`     | sqrt(2 / fanIn)              | He et al. 2015 (Kaiming): `* np.sqrt(2 / Din)`  |
 *
 * Shapes follow tfjs: a dense kernel is [fanIn, fanOut]; a conv kernel is
 * [filterH, filterW, inChannels, outChannels], so fanIn = filterH · filterW · inChannels and
 * fanOut = filterH · filterW · outChannels.
 *
 * The draws are exact normals (tfjs trap 1: `tf.initializers.heNormal` and `glorotNormal` draw a
 * normal truncated at ±2σ without rescaling, whose std is ~0.88x the formula).
 *
 * @example
 * const W = nn.nets.he([500, 500], 42);          // std sqrt(2 / 500) = 0.0632
 * const V = nn.nets.small([500, 500], 42, 0.05); // small random with another scale
 * nn.nets.initStd('xavier', [500, 500])          // 0.0447
 */
import { checkTensorSize } from '../core/options';
import * as tf from '@tensorflow/tfjs';
import { ArgumentError, checkInt, checkNumber, checkOneOf } from '../core/errors';
import { normalArray } from '../core/normal';
import { checkSeed } from '../core/rng';

/** The initializers of the lecture, in the order the lecture tries them. */
export const INITS = ['zeros', 'small', 'large', 'xavier', 'glorot', 'he'] as const;
export type InitName = typeof INITS[number];

/** The default scale of the two scaled inits ("small" 0.01·N(0,1), "large" 1.0·N(0,1)). */
export const INIT_SCALES: Readonly<Record<'small' | 'large', number>> = { small: 0.01, large: 1.0 };

/** Whether `init` takes a scale (only `small` and `large` do). */
export function initTakesScale(init: InitName): init is 'small' | 'large' {
  return init === 'small' || init === 'large';
}

/** Throws unless `shape` is a dense [fanIn, fanOut] or conv [h, w, in, out] kernel shape. */
export function checkKernelShape(name: string, shape: unknown): number[] {
  if (!Array.isArray(shape) || (shape.length !== 2 && shape.length !== 4)) {
    throw new ArgumentError(name, shape, 'a kernel shape [fanIn, fanOut] or [filterH, filterW, inChannels, outChannels]');
  }
  shape.forEach((d, i) => checkInt(`${name}[${i}]`, d, { min: 1 }));
  return shape as number[];
}

/**
 * Number of inputs of one unit: shape[0] for a dense kernel, filterH · filterW · inChannels for a conv kernel.
 *
 * @example
 * nn.nets.fanIn([784, 100])       // 784: a dense kernel [fanIn, fanOut]
 * nn.nets.fanIn([3, 3, 16, 32])   // 144 = 3 * 3 * 16: a conv kernel [h, w, in, out]
 */
export function fanIn(shape: readonly number[]): number {
  const s = checkKernelShape('shape', shape);
  return s.length === 2 ? s[0] : s[0] * s[1] * s[2];
}

/**
 * Number of outputs one input feeds: shape[1] for a dense kernel, filterH · filterW · outChannels for a conv kernel.
 *
 * @example
 * nn.nets.fanOut([784, 100])       // 100
 * nn.nets.fanOut([3, 3, 16, 32])   // 288 = 3 * 3 * 32
 */
export function fanOut(shape: readonly number[]): number {
  const s = checkKernelShape('shape', shape);
  return s.length === 2 ? s[1] : s[0] * s[1] * s[3];
}

/**
 * The standard deviation of W under `init` for a kernel of `shape` (see the table above);
 * `scale` is used by `small` and `large` only (defaults 0.01 and 1.0).
 *
 * @example
 * nn.nets.initStd('he', [500, 500])           // 0.0632 = sqrt(2 / 500)
 * nn.nets.initStd('xavier', [500, 500])       // 0.0447 = 1 / sqrt(500)
 * nn.nets.initStd('small', [500, 500], 0.05)  // 0.05
 */
export function initStd(init: InitName, shape: readonly number[], scale?: number): number {
  checkOneOf('init', init, INITS);
  const nIn = fanIn(shape);
  const nOut = fanOut(shape);
  if (scale !== undefined && !initTakesScale(init)) {
    throw new ArgumentError('scale', scale, `undefined for init "${init}" (only "small" and "large" take a scale)`);
  }
  switch (init) {
    case 'zeros': return 0;
    case 'small':
    case 'large': return checkNumber('scale', scale ?? INIT_SCALES[init], { min: 0 });
    case 'xavier': return 1 / Math.sqrt(nIn);
    case 'glorot': return Math.sqrt(2 / (nIn + nOut));
    case 'he': return Math.sqrt(2 / nIn);
  }
}

/**
 * The weights of `init` as a Float32Array (row-major `shape`): std · N(0, 1) drawn with the
 * seeded ziggurat sampler. The tensor initializers below wrap it; experiments that only need the
 * numbers (or draw them ahead of time) call it directly.
 *
 * @example
 * const w = nn.nets.initValues('xavier', [4, 3], 42);   // a Float32Array of 12, std 1 / sqrt(4) = 0.5
 * const W = tf.tensor2d(w, [4, 3]);
 * W.dispose();
 */
export function initValues(init: InitName, shape: readonly number[], seed: number, scale?: number): Float32Array {
  const std = initStd(init, shape, scale);
  checkSeed('seed', seed);
  checkTensorSize('shape', shape, 'nets.initWeights');
  const size = shape.reduce((a, b) => a * b, 1);
  return std === 0 ? new Float32Array(size) : normalArray(size, seed, std);
}

/**
 * W = std · N(0, 1) for any init, as a new tensor of `shape`.
 *
 * @example
 * const W = nn.nets.initWeights('glorot', [784, 100], 42);   // std sqrt(2 / 884) = 0.0476
 * W.shape   // [784, 100]
 * const V = nn.nets.initWeights('large', [784, 100], 42, 0.5);   // 0.5 * N(0, 1)
 * tf.dispose([W, V]);
 */
export function initWeights(init: InitName, shape: readonly number[], seed: number, scale?: number): tf.Tensor {
  return tf.tensor(initValues(init, shape, seed, scale), [...shape], 'float32');
}

/**
 * W = 0. Every unit of a layer computes the same thing and gets the same gradient: symmetry is never broken.
 *
 * @example
 * const W = nn.nets.zeros([3, 2]);
 * W.arraySync()   // [[0, 0], [0, 0], [0, 0]]
 * W.dispose();
 */
export function zeros(shape: readonly number[], seed = 1): tf.Tensor {
  return initWeights('zeros', shape, seed);
}

/**
 * W = scale · N(0, 1), scale 0.01 by default: activations shrink layer by layer in a deep net.
 *
 * @example
 * const W = nn.nets.small([500, 500], 42);         // std 0.01
 * const V = nn.nets.small([500, 500], 42, 0.05);   // std 0.05
 * tf.dispose([W, V]);
 */
export function small(shape: readonly number[], seed: number, scale = INIT_SCALES.small): tf.Tensor {
  return initWeights('small', shape, seed, scale);
}

/**
 * W = scale · N(0, 1), scale 1.0 by default: tanh units saturate at ±1 and their gradients vanish.
 *
 * @example
 * const W = nn.nets.large([500, 500], 42);   // std 1: tanh(x · W) saturates at ±1
 * W.dispose();
 */
export function large(shape: readonly number[], seed: number, scale = INIT_SCALES.large): tf.Tensor {
  return initWeights('large', shape, seed, scale);
}

/**
 * W = N(0, 1) / sqrt(fanIn) ("Xavier", LeCun normal): keeps the variance of a linear or tanh layer.
 *
 * @example
 * const W = nn.nets.xavier([500, 500], 42);   // std 1 / sqrt(500) = 0.0447
 * W.dispose();
 */
export function xavier(shape: readonly number[], seed: number): tf.Tensor {
  return initWeights('xavier', shape, seed);
}

/**
 * W = N(0, 1) · sqrt(2 / (fanIn + fanOut)) (Glorot normal): balances forward and backward variance.
 *
 * @example
 * const W = nn.nets.glorot([500, 100], 42);   // std sqrt(2 / 600) = 0.0577
 * W.dispose();
 */
export function glorot(shape: readonly number[], seed: number): tf.Tensor {
  return initWeights('glorot', shape, seed);
}

/**
 * W = N(0, 1) · sqrt(2 / fanIn) (He / Kaiming normal): the factor 2 makes up for ReLU zeroing half the inputs.
 *
 * @example
 * const W = nn.nets.he([500, 500], 42);   // std sqrt(2 / 500) = 0.0632
 * const K = nn.nets.he([3, 3, 16, 32], 42);   // a conv kernel: fanIn 144, std 0.118
 * tf.dispose([W, K]);
 */
export function he(shape: readonly number[], seed: number): tf.Tensor {
  return initWeights('he', shape, seed);
}
