/**
 * Data augmentation (lesson 08, regularization): random transformations of a training batch that
 * keep its labels, as tfjs ops on the whole batch `x: [N, H, W, C]` of pixels in [0, 1] (no loop
 * over pixels in JS). Each op is a pure function `(x, seed, config) → new batch`: a per-batch
 * `seed` gives each image its own random draws (as tensors), the same seed gives the same batch,
 * and the labels are never touched (an op never sees them).
 *
 * - `flip`: each image mirrored left–right with probability 1/2: `x'[i, r, c] = x[i, r, W−1−c]`;
 * - `crop`: the lecture's random crop: pad by `pad` zeros, crop an H×W window at a random integer
 *   offset (dx, dy ∈ {−pad … pad}): `x'[r, c] = x[r+dy, c+dx]` (0 outside); with a random scale
 *   s ∈ [minScale, maxScale] the window is resized too (`x'(p) = x(c + (p − c)/s + d)`, bilinear);
 * - `jitter`: colour jitter, per image factors β, γ, σ drawn from [1−b, 1+b], [1−c, 1+c], [1−s, 1+s]:
 *   brightness `x·β`, contrast `(x − m)·γ + m` (m: the image's mean grey level), saturation
 *   `g + (x − g)·σ` (g: each pixel's grey 0.299R + 0.587G + 0.114B), then clipped to [0, 1];
 * - `translate`: a shift by up to `shift·W` whole pixels, the edge pixels repeated (no black band);
 * - `rotate`: a rotation by θ ∈ [−degrees, degrees] about the image centre (bilinear, zeros outside);
 * - `cutout`: one `cutout`×`cutout` square set to 0 at a random centre (it may hang over the edge).
 *
 * `augment(x, ops, seed, config)` composes ops by name (each with its own sub-seed);
 * `ttaPredict` averages a net's softmax over shifted (and mirrored) views: test-time augmentation.
 *
 * Geometric ops go through `tf.image.transform` (one projective map per image, all images in one
 * kernel call), which is what keeps a batch of 128 CIFAR images well under 20 ms on wasm.
 *
 * @example
 * const x = tf.randomUniform([4, 32, 32, 3]) as nn.tf.Tensor4D;
 * const y = nn.regularization.augment(x, ['flip', 'crop'], 7);   // same seed → same batch
 * y.shape   // [4, 32, 32, 3]
 */
import * as tf from '@tensorflow/tfjs';
import { ArgumentError, checkInt, checkNumber } from '../core/errors';
import { seedStream } from '../core/rng';

/** The ops `augment` knows, by name. */
export const AUGMENTATIONS = ['flip', 'crop', 'jitter', 'translate', 'rotate', 'cutout'] as const;
export type AugmentName = typeof AUGMENTATIONS[number];

/** The strengths of every op (one config for a whole pipeline). */
export interface AugmentConfig {
  /** crop: zeros padded on each side (pixels). */
  pad: number;
  /** crop: the random scale's range (1, 1: no resize). */
  minScale: number;
  maxScale: number;
  /** jitter: the largest relative change of brightness, contrast and saturation. */
  brightness: number;
  contrast: number;
  saturation: number;
  /** translate: the largest shift, as a fraction of the width. */
  shift: number;
  /** rotate: the largest angle in degrees. */
  degrees: number;
  /** cutout: the side of the square (pixels). */
  cutout: number;
}

/** The default strengths: CIFAR-10's usual pad 4 crop, ±20 % jitter, ±1/8 shift, ±15°, an 8-pixel square. */
export const AUGMENT_CONFIG: Readonly<AugmentConfig> = Object.freeze({
  pad: 4, minScale: 1, maxScale: 1, brightness: 0.2, contrast: 0.2, saturation: 0.2, shift: 0.125, degrees: 15, cutout: 8,
});

/**
 * Checks a partial config and fills in the defaults (an unknown strength or a bad value is an ArgumentError).
 *
 * @example
 * nn.regularization.augmentConfig({ pad: 2 }).pad   // 2, every other strength its default
 */
export function augmentConfig(config: Partial<AugmentConfig> = {}): AugmentConfig {
  if (config === null || typeof config !== 'object') throw new ArgumentError('config', config, 'an object of augmentation strengths');
  for (const key of Object.keys(config)) if (!(key in AUGMENT_CONFIG)) throw new ArgumentError(`config.${key}`, (config as Record<string, unknown>)[key], `a known strength (${Object.keys(AUGMENT_CONFIG).join(', ')})`);
  const c = { ...AUGMENT_CONFIG, ...config };
  checkInt('config.pad', c.pad, { min: 0, max: 64 });
  checkNumber('config.minScale', c.minScale, { min: 0.25, max: 4 });
  checkNumber('config.maxScale', c.maxScale, { min: c.minScale, max: 4 });
  for (const k of ['brightness', 'contrast', 'saturation'] as const) checkNumber(`config.${k}`, c[k], { min: 0, max: 1 });
  checkNumber('config.shift', c.shift, { min: 0, max: 0.5 });
  checkNumber('config.degrees', c.degrees, { min: 0, max: 180 });
  checkInt('config.cutout', c.cutout, { min: 0, max: 64 });
  return c;
}

function checkBatch(x: tf.Tensor): tf.Tensor4D {
  if (!(x instanceof tf.Tensor) || x.rank !== 4) throw new ArgumentError('x', x instanceof tf.Tensor ? `a tensor of shape [${x.shape}]` : x, 'a batch tensor [N, H, W, C]');
  return x as tf.Tensor4D;
}

/** N uniform draws in [lo, hi), seeded (one per image). */
function uniforms(n: number, seed: number, lo: number, hi: number): tf.Tensor1D {
  return tf.randomUniform([n], lo, hi, 'float32', seed) as tf.Tensor1D;
}

/** N integers in {−k … k}, seeded. */
function offsets(n: number, seed: number, k: number): tf.Tensor1D {
  return tf.tidy(() => uniforms(n, seed, 0, 1).mul(2 * k + 1).floor().sub(k).minimum(k)) as tf.Tensor1D;
}

// ------------------------------------------------------------------------- deterministic cores

/**
 * Mirrors the images where `mask` is 1 (a [N] tensor of 0/1): `x'[i, r, c] = x[i, r, W−1−c]`.
 *
 * @example
 * const x = tf.randomUniform([2, 32, 32, 3], 0, 1, 'float32', 1) as nn.tf.Tensor4D;   // two images in [0, 1]
 * nn.regularization.flipWhere(x, tf.tensor1d([1, 0]))   // the first image mirrored, the second kept
 */
export function flipWhere(x: tf.Tensor4D, mask: tf.Tensor1D): tf.Tensor4D {
  // tf.image.flipLeftRight is ten times faster than tf.reverse(x, 2) on wasm; the mask broadcasts from [N, 1, 1, 1]
  return tf.tidy(() => tf.where(mask.cast('bool').reshape([-1, 1, 1, 1]), tf.image.flipLeftRight(x), x));
}

/**
 * Each image shifted by whole pixels: `x'[i, r, c] = x[i, r + dy_i, c + dx_i]`, outside the image
 * 0 (`fill: 'zeros'`, a crop of the zero-padded image) or the nearest edge pixel (`'edge'`).
 *
 * @example
 * const x = tf.randomUniform([2, 32, 32, 3], 0, 1, 'float32', 1) as nn.tf.Tensor4D;   // two images in [0, 1]
 * nn.regularization.shiftImages(x, tf.tensor1d([2]), tf.tensor1d([-1]), 'zeros')
 */
export function shiftImages(x: tf.Tensor4D, dx: tf.Tensor1D, dy: tf.Tensor1D, fill: 'zeros' | 'edge'): tf.Tensor4D {
  return tf.tidy(() => {
    // one projective map per image, all in one kernel: output (c, r) reads the input at (c + dx, r + dy).
    // (tf.image.cropAndResize would be faster, but on wasm (tfjs 4.22) a box reaching past the
    // image's right or bottom edge returns the image unshifted.)
    const n = x.shape[0];
    const one = tf.ones([n]);
    const zero = tf.zeros([n]);
    const m = tf.stack([one, zero, dx, zero, one, dy, zero, zero], 1) as tf.Tensor2D;
    return tf.image.transform(x, m, 'nearest', fill === 'zeros' ? 'constant' : 'nearest', 0);
  });
}

/**
 * Each image zoomed by `scale_i` about its centre and shifted by (dx_i, dy_i): output pixel p reads
 * the input at `c + (p − c)/s + d` (bilinear, 0 outside).
 *
 * @example
 * const x = tf.randomUniform([2, 32, 32, 3], 0, 1, 'float32', 1) as nn.tf.Tensor4D;   // two images in [0, 1]
 * nn.regularization.scaleShift(x, tf.tensor1d([1.2]), tf.tensor1d([0]), tf.tensor1d([0]))   // a 1.2× zoom
 */
export function scaleShift(x: tf.Tensor4D, scale: tf.Tensor1D, dx: tf.Tensor1D, dy: tf.Tensor1D): tf.Tensor4D {
  return tf.tidy(() => {
    const [n, h, w] = x.shape;
    const cx = (w - 1) / 2;
    const cy = (h - 1) / 2;
    const inv = tf.scalar(1).div(scale);
    const zero = tf.zeros([n]);
    const tx = inv.mul(-cx).add(cx).add(dx);
    const ty = inv.mul(-cy).add(cy).add(dy);
    const m = tf.stack([inv, zero, tx, zero, inv, ty, zero, zero], 1) as tf.Tensor2D;
    return tf.image.transform(x, m, 'bilinear', 'constant', 0);
  });
}

/**
 * Each image rotated by `radians_i` about its centre (output pixel p reads the input at
 * `c + R(−θ)(p − c)`), `'bilinear'` or `'nearest'`, 0 outside. θ = π/2 with 'nearest' is exact:
 * `x'[r, c] = x[W−1−c, r]` for a square image.
 *
 * @example
 * const x = tf.randomUniform([2, 32, 32, 3], 0, 1, 'float32', 1) as nn.tf.Tensor4D;   // two images in [0, 1]
 * nn.regularization.rotateImages(x, tf.tensor1d([Math.PI / 2]), 'nearest')
 */
export function rotateImages(x: tf.Tensor4D, radians: tf.Tensor1D, interpolation: 'bilinear' | 'nearest' = 'bilinear'): tf.Tensor4D {
  return tf.tidy(() => {
    const [n, h, w] = x.shape;
    const cx = (w - 1) / 2;
    const cy = (h - 1) / 2;
    const cos = tf.cos(radians);
    const sin = tf.sin(radians);
    const zero = tf.zeros([n]);
    // x_in = cos·x + sin·y + (cx − cos·cx − sin·cy);  y_in = −sin·x + cos·y + (cy + sin·cx − cos·cy)
    const a2 = cos.mul(-cx).sub(sin.mul(cy)).add(cx);
    const b2 = sin.mul(cx).sub(cos.mul(cy)).add(cy);
    const m = tf.stack([cos, sin, a2, sin.neg(), cos, b2, zero, zero], 1) as tf.Tensor2D;
    return tf.image.transform(x, m, interpolation, 'constant', 0);
  });
}

/** Grey weights 0.299, 0.587, 0.114, repeated for each output channel: `x·GREY3` is every pixel's grey level in all three channels. */
const GREY = [0.299, 0.587, 0.114];

/**
 * Colour jitter with per-image factors (each a [N] tensor): brightness `x·β`, contrast
 * `(x − m)·γ + m` with m the image's mean grey, saturation `g + (x − g)·σ` with g the pixel's grey,
 * in this order, then clipped to [0, 1]. Needs 3 channels. Grey is linear, so the three steps are
 * one affine map per image, computed as `x' = βγσ·x + βγ(1 − σ)·g(x) + β(1 − γ)·m(x)`.
 *
 * @example
 * const x = tf.randomUniform([2, 32, 32, 3], 0, 1, 'float32', 1) as nn.tf.Tensor4D;   // two images in [0, 1]
 * nn.regularization.jitterImages(x, tf.tensor1d([1.2]), tf.tensor1d([1]), tf.tensor1d([0]))   // brighter, grey
 */
export function jitterImages(x: tf.Tensor4D, beta: tf.Tensor1D, gamma: tf.Tensor1D, sigma: tf.Tensor1D): tf.Tensor4D {
  if (x.shape[3] !== 3) throw new ArgumentError('x', `a tensor of shape [${x.shape}]`, 'RGB images [N, H, W, 3] (jitter mixes the channels)');
  return tf.tidy(() => {
    const col = (t: tf.Tensor) => t.reshape([-1, 1, 1, 1]);
    const grey3 = tf.tensor2d(GREY.flatMap((w) => [w, w, w]), [3, 3]);
    const g = x.reshape([-1, 3]).matMul(grey3).reshape(x.shape);
    const m = x.mean([1, 2]).matMul(tf.tensor2d(GREY, [3, 1]));   // [N, 1]: each image's mean grey
    const bg = beta.mul(gamma);
    const a = col(bg.mul(sigma));
    const b = col(bg.mul(tf.scalar(1).sub(sigma)));
    const c = col(beta.mul(tf.scalar(1).sub(gamma)).mul(m.reshape([-1])));
    return x.mul(a).add(g.mul(b)).add(c).clipByValue(0, 1) as tf.Tensor4D;
  });
}

/**
 * Sets a `size`×`size` square to 0 in each image, centred at (cy_i, cx_i) (integer centres: rows
 * `cy − ⌊size/2⌋ … cy − ⌊size/2⌋ + size − 1`, clipped at the edges).
 *
 * @example
 * const x = tf.randomUniform([2, 32, 32, 3], 0, 1, 'float32', 1) as nn.tf.Tensor4D;   // two images in [0, 1]
 * nn.regularization.cutoutImages(x, tf.tensor1d([16]), tf.tensor1d([16]), 8)   // an 8×8 hole in the middle
 */
export function cutoutImages(x: tf.Tensor4D, cy: tf.Tensor1D, cx: tf.Tensor1D, size: number): tf.Tensor4D {
  return tf.tidy(() => {
    const [n, h, w, ch] = x.shape;
    const half = Math.floor(size / 2);
    // rows [N, H, 1] and columns [N, 1, W·C] inside the square; their product is the hole
    const inside = (center: tf.Tensor1D, index: tf.Tensor, shape: number[]) => {
      const lo = center.sub(half).reshape(shape);
      return tf.logicalAnd(index.greaterEqual(lo), index.less(lo.add(size))).cast('float32');
    };
    const rows = inside(cy, tf.range(0, h).reshape([1, h, 1]), [n, 1, 1]);
    const cols = inside(cx, tf.range(0, w * ch).div(ch).floor().reshape([1, 1, w * ch]), [n, 1, 1]);
    return x.mul(tf.scalar(1).sub(rows.mul(cols)).reshape(x.shape)) as tf.Tensor4D;
  });
}

// ------------------------------------------------------------------------------- random ops

/**
 * Random horizontal flip: each image mirrored with probability 1/2 (seeded).
 *
 * @example
 * const x = tf.randomUniform([2, 32, 32, 3], 0, 1, 'float32', 1) as nn.tf.Tensor4D;   // two images in [0, 1]
 * const y = nn.regularization.randomFlip(x, 1);   // about half the images mirrored
 */
export function randomFlip(x: tf.Tensor4D, seed: number): tf.Tensor4D {
  const b = checkBatch(x);
  return tf.tidy(() => flipWhere(b, uniforms(b.shape[0], seed, 0, 1).less(0.5).cast('float32') as tf.Tensor1D));
}

/**
 * Random crop with zero padding `pad` (integer offsets in {−pad … pad}); with maxScale > minScale
 * or a scale other than 1, a random zoom s ∈ [minScale, maxScale] as well (bilinear).
 *
 * @example
 * const x = tf.randomUniform([2, 32, 32, 3], 0, 1, 'float32', 1) as nn.tf.Tensor4D;   // two images in [0, 1]
 * const y = nn.regularization.randomCrop(x, 1, { pad: 4 });
 */
export function randomCrop(x: tf.Tensor4D, seed: number, config: Partial<AugmentConfig> = {}): tf.Tensor4D {
  const b = checkBatch(x);
  const c = augmentConfig(config);
  const seeds = seedStream(seed);
  return tf.tidy(() => {
    const n = b.shape[0];
    const dx = offsets(n, seeds.derive('dx'), c.pad);
    const dy = offsets(n, seeds.derive('dy'), c.pad);
    if (c.minScale === 1 && c.maxScale === 1) return shiftImages(b, dx, dy, 'zeros');
    return scaleShift(b, uniforms(n, seeds.derive('scale'), c.minScale, c.maxScale), dx, dy);
  });
}

/**
 * Random colour jitter: brightness, contrast and saturation factors drawn per image (seeded).
 *
 * @example
 * const x = tf.randomUniform([2, 32, 32, 3], 0, 1, 'float32', 1) as nn.tf.Tensor4D;   // two images in [0, 1]
 * const y = nn.regularization.randomJitter(x, 1, { brightness: 0.3 });
 */
export function randomJitter(x: tf.Tensor4D, seed: number, config: Partial<AugmentConfig> = {}): tf.Tensor4D {
  const b = checkBatch(x);
  const c = augmentConfig(config);
  const seeds = seedStream(seed);
  return tf.tidy(() => {
    const n = b.shape[0];
    const draw = (label: string, s: number) => uniforms(n, seeds.derive(label), 1 - s, 1 + s);
    return jitterImages(b, draw('brightness', c.brightness), draw('contrast', c.contrast), draw('saturation', c.saturation));
  });
}

/**
 * Random translation by whole pixels, up to round(shift·W), edges repeated.
 *
 * @example
 * const x = tf.randomUniform([2, 32, 32, 3], 0, 1, 'float32', 1) as nn.tf.Tensor4D;   // two images in [0, 1]
 * const y = nn.regularization.randomTranslate(x, 1, { shift: 0.1 });
 */
export function randomTranslate(x: tf.Tensor4D, seed: number, config: Partial<AugmentConfig> = {}): tf.Tensor4D {
  const b = checkBatch(x);
  const c = augmentConfig(config);
  const seeds = seedStream(seed);
  const k = Math.round(c.shift * b.shape[2]);
  return tf.tidy(() => shiftImages(b, offsets(b.shape[0], seeds.derive('dx'), k), offsets(b.shape[0], seeds.derive('dy'), k), 'edge'));
}

/**
 * Random rotation by θ ∈ [−degrees, degrees] about the centre (bilinear).
 *
 * @example
 * const x = tf.randomUniform([2, 32, 32, 3], 0, 1, 'float32', 1) as nn.tf.Tensor4D;   // two images in [0, 1]
 * const y = nn.regularization.randomRotate(x, 1, { degrees: 10 });
 */
export function randomRotate(x: tf.Tensor4D, seed: number, config: Partial<AugmentConfig> = {}): tf.Tensor4D {
  const b = checkBatch(x);
  const c = augmentConfig(config);
  const r = (c.degrees * Math.PI) / 180;
  return tf.tidy(() => rotateImages(b, uniforms(b.shape[0], seed, -r, r)));
}

/**
 * Random cutout: one `cutout`×`cutout` square of zeros per image, its centre uniform over the image.
 *
 * @example
 * const x = tf.randomUniform([2, 32, 32, 3], 0, 1, 'float32', 1) as nn.tf.Tensor4D;   // two images in [0, 1]
 * const y = nn.regularization.randomCutout(x, 1, { cutout: 8 });
 */
export function randomCutout(x: tf.Tensor4D, seed: number, config: Partial<AugmentConfig> = {}): tf.Tensor4D {
  const b = checkBatch(x);
  const c = augmentConfig(config);
  const seeds = seedStream(seed);
  const [n, h, w] = b.shape;
  return tf.tidy(() => {
    const at = (label: string, len: number) => uniforms(n, seeds.derive(label), 0, 1).mul(len).floor().minimum(len - 1) as tf.Tensor1D;
    return cutoutImages(b, at('cy', h), at('cx', w), c.cutout);
  });
}

/** Each op by name: `(x, seed, config) → new batch`. */
export const AUGMENT_OPS: Readonly<Record<AugmentName, (x: tf.Tensor4D, seed: number, config?: Partial<AugmentConfig>) => tf.Tensor4D>> = Object.freeze({
  flip: (x: tf.Tensor4D, seed: number) => randomFlip(x, seed), crop: randomCrop, jitter: randomJitter, translate: randomTranslate, rotate: randomRotate, cutout: randomCutout,
});

/**
 * Checks a list of op names (a comma-separated string or an array): each one of AUGMENTATIONS.
 *
 * @example
 * nn.regularization.augmentOps('flip,crop')   // ['flip', 'crop']
 */
export function augmentOps(ops: string | readonly string[], argument = 'ops'): AugmentName[] {
  const list = typeof ops === 'string' ? ops.split(',').map((s) => s.trim()).filter((s) => s !== '') : ops;
  if (!Array.isArray(list) && typeof ops !== 'string') throw new ArgumentError(argument, ops, `a list of ${AUGMENTATIONS.join(', ')}`);
  return list.map((name, i) => {
    if (!(AUGMENTATIONS as readonly string[]).includes(name)) throw new ArgumentError(`${argument}[${i}]`, name, `one of ${AUGMENTATIONS.join(', ')}`);
    return name as AugmentName;
  });
}

/**
 * The ops applied in order, each with its own sub-seed of `seed` (`seedStream(seed).derive(name)`):
 * a training step passes a new seed per batch, the same seed gives the same batch.
 *
 * @example
 * const x = tf.randomUniform([2, 32, 32, 3], 0, 1, 'float32', 1) as nn.tf.Tensor4D;   // two images in [0, 1]
 * const y = nn.regularization.augment(x, ['flip', 'crop', 'jitter'], 3);
 */
export function augment(x: tf.Tensor4D, ops: string | readonly string[], seed: number, config: Partial<AugmentConfig> = {}): tf.Tensor4D {
  const b = checkBatch(x);
  const names = augmentOps(ops);
  const c = augmentConfig(config);
  const seeds = seedStream(seed);
  return tf.tidy(() => names.reduce((y, name, i) => AUGMENT_OPS[name](y, seeds.derive(`${i}:${name}`), c), b.clone()));
}

/** Options of {@link ttaPredict}. */
export interface TtaOptions {
  /** Shift of the four corner views (pixels, zero-padded); 0: the centre view only. */
  pad?: number;
  /** Also every view mirrored. */
  flip?: boolean;
}

/**
 * Test-time augmentation: the mean of `softmax(predict(view))` over the centre view, four views
 * shifted by (±pad, ±pad) (zero-padded) and, with `flip`, their mirror images: `[N, classes]`.
 *
 * @example
 * const x = tf.randomUniform([2, 32, 32, 3], 0, 1, 'float32', 1) as nn.tf.Tensor4D;   // two images in [0, 1]
 * const net = nn.nets.createSmallCnn({ seed: 1 });
 * const p = nn.regularization.ttaPredict(net.scores, x, { pad: 2, flip: true });   // [2, 10]: the mean over 10 views
 */
export function ttaPredict(predict: (x: tf.Tensor4D) => tf.Tensor2D, x: tf.Tensor4D, options: TtaOptions = {}): tf.Tensor2D {
  const b = checkBatch(x);
  const pad = checkInt('pad', options.pad ?? 2, { min: 0, max: 64 });
  const shifts = pad === 0 ? [[0, 0]] : [[0, 0], [-pad, -pad], [-pad, pad], [pad, -pad], [pad, pad]];
  const mirrors = options.flip ?? true ? [false, true] : [false];
  return tf.tidy(() => {
    const n = b.shape[0];
    const probs: tf.Tensor2D[] = [];
    for (const mirrored of mirrors) {
      const base = mirrored ? tf.reverse(b, 2) : b;
      for (const [dx, dy] of shifts) {
        const view = dx === 0 && dy === 0 ? base : shiftImages(base, tf.fill([n], dx) as tf.Tensor1D, tf.fill([n], dy) as tf.Tensor1D, 'zeros');
        probs.push(tf.softmax(predict(view)));
      }
    }
    return tf.addN(probs).div(probs.length) as tf.Tensor2D;
  });
}

/**
 * Images of a dataset as a batch in [0, 1]: `[indices.length, H, W, C]` (bytes / 255).
 *
 * @example
 * const ds = nn.data.randomImages({ count: 5, height: 32, width: 32, channels: 3, classes: 10, seed: 1 });
 * const x = nn.regularization.imageBatch(ds, [0, 1, 2]);   // [3, 32, 32, 3]
 */
export function imageBatch(ds: { images: Uint8Array; height: number; width: number; channels: number; count: number }, indices: readonly number[]): tf.Tensor4D {
  const size = ds.height * ds.width * ds.channels;
  const out = new Float32Array(indices.length * size);
  indices.forEach((idx, k) => {
    checkInt(`indices[${k}]`, idx, { min: 0, max: ds.count - 1 });
    const src = ds.images.subarray(idx * size, (idx + 1) * size);
    for (let j = 0; j < size; j++) out[k * size + j] = src[j] / 255;
  });
  return tf.tensor4d(out, [indices.length, ds.height, ds.width, ds.channels]);
}
