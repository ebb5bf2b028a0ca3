/**
 * Synthetic data sets for quick demos and tests, all seeded:
 * - spiral: the cs231n spiral, K interleaved arms of N points each in 2-D (not linearly separable);
 * - blobs: K Gaussian clusters;
 * - correlatedCloud: a 2-D Gaussian cloud with a chosen mean, stds and correlation (for PCA and
 *   whitening in the preprocessing lesson);
 * - randomImages: CIFAR-shaped random images and labels (for speed tests and shape checks).
 * Points come back as plain arrays (X: n x D, row-major Float32Array; y: labels).
 */
import { ArgumentError } from '../core/errors';
import { defineOptions, float32Bytes, int, list, MemoryNeed, number, seed } from '../core/options';
import { mulberry32, randomNormal } from '../core/rng';
import type { ImageDataset } from './load';

/** Points with labels: X is n x dims, row-major. */
export interface PointSet { X: Float32Array; y: Uint8Array; n: number; dims: number; classes: number }

/** Most points a generator makes: 2^26 (its arrays stay under 1 GB). */
export const SYNTHETIC_MAX_POINTS = 2 ** 26;

const pointsMemory = (n: number, dims: number, argument: string, what: string): MemoryNeed =>
  ({ bytes: float32Bytes(n * dims) + n, argument, what: `${n} points of ${dims} dims (${what})` });

const maxPoints = (name: string, n: number, argument: string): void => {
  if (n > SYNTHETIC_MAX_POINTS) {
    throw new ArgumentError(argument, n, '', `${argument} is too large: ${name} would make ${n} numbers, over its limit of ${SYNTHETIC_MAX_POINTS}`);
  }
};

/** The declared options of {@link spiral} (core/options.ts). */
export const SPIRAL_OPTIONS = defineOptions('spiral options', {
  pointsPerClass: int({ min: 2, max: SYNTHETIC_MAX_POINTS, default: 100 }),
  classes: int({ min: 1, max: 255, default: 3 }),
  noise: number({ min: 0, max: 1e6, default: 0.2 }),
  seed: seed({}),
}, {
  rules: (c) => maxPoints('spiral', c.pointsPerClass * c.classes, 'pointsPerClass'),
  memory: (c) => pointsMemory(c.pointsPerClass * c.classes, 2, 'pointsPerClass', `pointsPerClass ${c.pointsPerClass} x classes ${c.classes}`),
});

/** The declared options of {@link blobs} (core/options.ts). */
export const BLOBS_OPTIONS = defineOptions('blobs options', {
  pointsPerClass: int({ min: 1, max: SYNTHETIC_MAX_POINTS, default: 100 }),
  classes: int({ min: 1, max: 255, default: 3 }),
  dims: int({ min: 1, max: 100_000, default: 2 }),
  spread: number({ min: 0, max: 1e6, default: 5 }),
  std: number({ min: 0, max: 1e6, default: 1 }),
  seed: seed({}),
}, {
  rules: (c) => maxPoints('blobs', c.pointsPerClass * c.classes * c.dims, 'pointsPerClass'),
  memory: (c) => pointsMemory(c.pointsPerClass * c.classes, c.dims, 'pointsPerClass', `pointsPerClass ${c.pointsPerClass} x classes ${c.classes}`),
});

/** The declared options of {@link correlatedCloud} (core/options.ts). */
export const CLOUD_OPTIONS = defineOptions('correlatedCloud options', {
  n: int({ min: 1, max: SYNTHETIC_MAX_POINTS, default: 500 }),
  mean: list(number({ min: -1e6, max: 1e6 }), { minLength: 2, maxLength: 2, default: [3, -2] }),
  std: list(number({ min: 0, max: 1e6 }), { minLength: 2, maxLength: 2, default: [2, 0.5] }),
  rho: number({ min: -1, max: 1, default: 0.8 }),
  seed: seed({}),
}, { memory: (c) => pointsMemory(c.n, 2, 'n', `n ${c.n}`) });

/** The declared options of {@link randomImages} (core/options.ts). */
export const IMAGES_OPTIONS = defineOptions('randomImages options', {
  count: int({ min: 1, max: 1_000_000, default: 1000 }),
  height: int({ min: 1, max: 4096, default: 32 }),
  width: int({ min: 1, max: 4096, default: 32 }),
  channels: int({ min: 1, max: 4, default: 3 }),
  classes: int({ min: 1, max: 255, default: 10 }),
  seed: seed({}),
}, {
  memory: (c) => ({ bytes: c.count * c.height * c.width * c.channels, argument: 'count',
    what: `${c.count} images of ${c.height} x ${c.width} x ${c.channels} bytes` }),
});

/**
 * The cs231n spiral: for class k and i = 0..N-1, r = i / (N - 1), t = 4k + 4 i / (N - 1) + 0.2 z
 * (z ~ N(0, 1)), point (r sin t, r cos t).
 *
 * @example
 * const pts = nn.data.spiral({ pointsPerClass: 50, classes: 3, noise: 0.2, seed: 1 });
 * [pts.n, pts.dims, pts.classes]   // [150, 2, 3]
 * const X = tf.tensor2d(pts.X, [pts.n, pts.dims]);   // ready for a model
 * X.dispose();
 */
export function spiral(opts: { pointsPerClass?: number; classes?: number; noise?: number; seed: number }): PointSet {
  if (opts === undefined) throw new ArgumentError('spiral options', opts, 'an object of options with a seed');
  const { pointsPerClass: N, classes: K, noise, seed: s } = SPIRAL_OPTIONS.resolve(opts);
  const random = mulberry32(s);
  const X = new Float32Array(N * K * 2);
  const y = new Uint8Array(N * K);
  for (let k = 0; k < K; k++) {
    for (let i = 0; i < N; i++) {
      const idx = k * N + i;
      const r = i / (N - 1);
      const t = 4 * k + (4 * i) / (N - 1) + noise * randomNormal(random);
      X[2 * idx] = r * Math.sin(t);
      X[2 * idx + 1] = r * Math.cos(t);
      y[idx] = k;
    }
  }
  return { X, y, n: N * K, dims: 2, classes: K };
}

/**
 * K Gaussian blobs in `dims` dimensions: centres uniform in [-spread, spread], unit std (times `std`).
 *
 * @example
 * const pts = nn.data.blobs({ pointsPerClass: 20, classes: 3, dims: 2, spread: 5, std: 1, seed: 1 });
 * pts.X.length   // 120: 60 points x 2 dims, row-major
 * pts.y[59]      // 2
 */
export function blobs(opts: { pointsPerClass?: number; classes?: number; dims?: number; spread?: number; std?: number; seed: number }): PointSet {
  if (opts === undefined) throw new ArgumentError('blobs options', opts, 'an object of options with a seed');
  const { pointsPerClass: N, classes: K, dims: D, spread, std, seed: s } = BLOBS_OPTIONS.resolve(opts);
  const random = mulberry32(s);
  const centres = Array.from({ length: K }, () => Array.from({ length: D }, () => (2 * random() - 1) * spread));
  const X = new Float32Array(N * K * D);
  const y = new Uint8Array(N * K);
  for (let k = 0; k < K; k++) {
    for (let i = 0; i < N; i++) {
      const idx = k * N + i;
      for (let d = 0; d < D; d++) X[idx * D + d] = centres[k][d] + std * randomNormal(random);
      y[idx] = k;
    }
  }
  return { X, y, n: N * K, dims: D, classes: K };
}

/**
 * n points from a 2-D Gaussian with mean (mx, my), stds (sx, sy) and correlation rho:
 * x = mx + sx z1, y = my + sy (rho z1 + sqrt(1 - rho^2) z2).
 *
 * @example
 * const cloud = nn.data.correlatedCloud({ n: 200, mean: [3, -2], std: [2, 0.5], rho: 0.8, seed: 1 });
 * const x = Array.from({ length: cloud.n }, (_, i) => cloud.X[2 * i]);
 * const y = Array.from({ length: cloud.n }, (_, i) => cloud.X[2 * i + 1]);
 * nn.plot(nn.figure.scatter({ title: 'Correlated cloud', xTitle: 'x', yTitle: 'y', series: [{ name: 'points', x, y }] }));
 */
export function correlatedCloud(opts: { n?: number; mean?: [number, number]; std?: [number, number]; rho?: number; seed: number }): PointSet {
  if (opts === undefined) throw new ArgumentError('correlatedCloud options', opts, 'an object of options with a seed');
  const { n, mean: [mx, my], std: [sx, sy], rho, seed: s } = CLOUD_OPTIONS.resolve(opts);
  const random = mulberry32(s);
  const X = new Float32Array(2 * n);
  for (let i = 0; i < n; i++) {
    const z1 = randomNormal(random);
    const z2 = randomNormal(random);
    X[2 * i] = mx + sx * z1;
    X[2 * i + 1] = my + sy * (rho * z1 + Math.sqrt(1 - rho * rho) * z2);
  }
  return { X, y: new Uint8Array(n), n, dims: 2, classes: 1 };
}

/**
 * CIFAR-shaped random images (uniform bytes) with uniform labels.
 *
 * @example
 * const train = nn.data.randomImages({ count: 20, height: 8, width: 8, channels: 1, classes: 2, seed: 1 });
 * train.images.length   // 1280 = 20 * 8 * 8 * 1 bytes
 * train.classNames      // ['class 0', 'class 1']
 */
export function randomImages(opts: { count?: number; height?: number; width?: number; channels?: number; classes?: number; seed: number }): ImageDataset {
  if (opts === undefined) throw new ArgumentError('randomImages options', opts, 'an object of options with a seed');
  const { count, height, width, channels, classes, seed: s } = IMAGES_OPTIONS.resolve(opts);
  const random = mulberry32(s);
  const images = new Uint8Array(count * height * width * channels);
  for (let i = 0; i < images.length; i++) images[i] = Math.floor(random() * 256);
  const labels = Uint8Array.from({ length: count }, () => Math.floor(random() * classes));
  return {
    name: 'random-images', split: 'train', count, height, width, channels, images, labels,
    classNames: Array.from({ length: classes }, (_, k) => `class ${k}`), note: `uniform random bytes (seed ${s})`,
  };
}
