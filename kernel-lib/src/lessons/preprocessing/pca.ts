/**
 * PCA on CIFAR-10 (lesson 02, data preprocessing): the principal components of N training images
 * as vectors of D = 3,072 pixels in [0, 1], centred with the training mean image μ:
 *
 *   C = (1/N) Σₙ (xₙ − μ)(xₙ − μ)ᵀ = V Λ Vᵀ          (D x D, λ₁ ≥ λ₂ ≥ ...)
 *   variance kept by k components = (λ₁ + ... + λ_k) / trace C
 *   reconstruction x̂ = μ + V_k V_kᵀ (x − μ),   train MSE = (trace C − λ₁ − ... − λ_k) / D
 *
 * What a student sees: a few dozen directions hold most of the variance of natural images, and an
 * image rebuilt from 10 components is a colour blur, from 200 a recognisable picture. Measured
 * (5,000 images, wasm): 10 components keep 65.6 % of the variance, 50 keep 84.6 %, 200 keep 94.9 %;
 * 90 % needs 95 components (95 % and 99 % need more than 200). Held-out MSE per pixel: 0.0215,
 * 0.0099, 0.0036 at k = 10, 50, 200 (training images: 0.0214, 0.0096, 0.0032). Eigenvalues of 500
 * images agree with NumPy's eigvalsh to 2e-7·λ₁ (test/preprocessing-centering.test.ts).
 *
 * How the eigenvectors are found: tfjs has no eigen solver (`tf.linalg` has `qr`, `gramSchmidt`
 * and `bandPart`; its `qr` builds Householder reflections from per-column ops, 6 s for a 3072 x 50
 * block on wasm), so C is formed once on the device (Xcᵀ Xc / N: 2ND² multiply-adds, a tfjs
 * matmul) and its top K = max(ks) pairs come from subspace iteration with Rayleigh-Ritz
 * (`nets/linalg.ts` `topEigen`: C·Q in tfjs, Q orthonormalised in float64 JS, K + oversample
 * columns). The alternative, the N x N Gram matrix Xc Xcᵀ (same nonzero eigenvalues), needs a full
 * N x N eigen decomposition in JS: fine for a few hundred images, too slow for thousands.
 * `convergence.maxResidual` is the largest ‖C v − λ v‖ / λ₁ of the K pairs.
 *
 * Reconstructions are of CIFAR-10 test images (never seen by the PCA), clipped to [0, 1] for the
 * pictures; the MSEs are of the unclipped reconstructions.
 *
 * @example
 * const r = await nn.preprocessing.pcaCifar({ trainSize: 2000, ks: [10, 50, 200] });
 * r.kFor            // [{ fraction: 0.9, k: ... }, { fraction: 0.95, k: ... }, { fraction: 0.99, k: null }]
 * nn.preprocessing.showPcaCifar(r);
 */
import * as tf from '@tensorflow/tfjs';
import { ArgumentError } from '../../core/errors';
import { withQuickPreset } from '../../core/config';
import { defineOptions, float32Bytes, int, list, seed } from '../../core/options';
import { ProgressOption } from '../../core/progress';
import { provenance } from '../../core/record';
import { loadDataset } from '../../data/load';
import type { ImageDataset } from '../../data/load';
import { topEigen } from '../../nets/linalg';
import { experimentProgress } from '../../show/progress';

/** Defaults of {@link pcaCifar}. */
export const PCA_DEFAULTS = {
  trainSize: 5000, ks: [10, 50, 200], images: 6, heldOut: 1000, oversample: 20, iterations: 12, seed: 0,
} as const;

/**
 * Quick mode: 500 training images, k up to 50, 200 held-out images, 8 iterations with 10 extra
 * directions (2.0 s against 2.5-3.0 s with 10 and 20; the variance kept at k = 50 is the same to 4
 * digits, the largest residual 2e-4 instead of 6e-5).
 */
export const PCA_QUICK = { trainSize: 500, ks: [5, 20, 50], heldOut: 200, iterations: 8, oversample: 10 } as const;

/** Most components {@link pcaCifar} computes: its Rayleigh-Ritz step is a (K + oversample)² Jacobi in JS. */
export const PCA_MAX_K = 300;

/** The variance fractions whose k the record gives. */
export const PCA_FRACTIONS = [0.9, 0.95, 0.99] as const;

/** The options of {@link pcaCifar}, declared once (core/options.ts). */
export const PCA_FIELDS = {
  /** Training images (the first ones of CIFAR-10's training split). */
  trainSize: int({ min: 10, max: 50_000, default: PCA_DEFAULTS.trainSize }),
  /** Numbers of components to reconstruct with; the largest is how many eigenpairs are computed. */
  ks: list(int({ min: 1, max: PCA_MAX_K }), { minLength: 1, maxLength: 8, unique: true, default: PCA_DEFAULTS.ks }),
  /** Test images whose reconstructions are kept as pictures. */
  images: int({ min: 0, max: 32, default: PCA_DEFAULTS.images }),
  /** Test images over which the held-out reconstruction MSE is measured. */
  heldOut: int({ min: 1, max: 10_000, default: PCA_DEFAULTS.heldOut }),
  /** Extra vectors the iteration carries beyond K. */
  oversample: int({ min: 0, max: 200, default: PCA_DEFAULTS.oversample }),
  /** Subspace iterations Q ← orth(C·Q). */
  iterations: int({ min: 1, max: 1000, default: PCA_DEFAULTS.iterations }),
  seed: seed({ default: PCA_DEFAULTS.seed }),
};

const D = 3072;

export const PCA_OPTIONS = defineOptions('preprocessing.pcaCifar', PCA_FIELDS, {
  rules(c, given) {
    const K = Math.max(...c.ks);
    if (K > c.trainSize - 1) {
      const argument = 'ks' in given && !('trainSize' in given) ? 'ks' : 'trainSize';
      throw new ArgumentError(argument, argument === 'ks' ? c.ks : c.trainSize, '', `${argument} does not fit: the largest k (${K}) must be below trainSize (${c.trainSize}): ` +
        `N centred images span at most N − 1 directions`);
    }
  },
  // the centred training images, the held-out images, the covariance (when formed) and a few blocks of vectors
  memory: (c) => ({
    bytes: float32Bytes(c.trainSize * D + c.heldOut * D + D * D + 6 * D * (Math.max(...c.ks) + c.oversample)),
    argument: 'trainSize', what: `${c.trainSize} training and ${c.heldOut} held-out images of ${D} pixels, the ${D} x ${D} covariance`,
  }),
});

/** Options of {@link pcaCifar}. */
export interface PcaOptions {
  trainSize?: number; ks?: readonly number[]; images?: number; heldOut?: number; oversample?: number; iterations?: number; seed?: number;
  /** Live progress (the covariance, the eigenvectors, then one event per k); never recorded. */
  progress?: ProgressOption;
}

export type PcaConfig = ReturnType<typeof PCA_OPTIONS.resolve>;

/** What {@link pcaCifar} returns: plain JSON. */
export interface PcaRecord {
  experiment: 'preprocessingPca';
  options: PcaConfig;
  backend: string;
  versions: { nnlab: string; tfjs: string };
  data: { dataset: string; trainImages: number; heldOutImages: number; height: number; width: number; channels: number };
  /** trace C: the total variance, Σ of every eigenvalue (pixels in [0, 1]). */
  totalVariance: number;
  /** λ₁ ... λ_K, decreasing. */
  eigenvalues: number[];
  /** (λ₁ + ... + λ_k) / trace C for k = 1 ... K. */
  varianceExplained: number[];
  /** The fewest components that keep each fraction of the variance, or null when K is not enough. */
  kFor: { fraction: number; k: number | null }[];
  /** Subspace iterations run, and the largest ‖C vᵢ − λᵢ vᵢ‖ / λ₁ of the K pairs. */
  convergence: { iterations: number; maxResidual: number };
  /** Per k: MSE per pixel on the training images (measured, and (trace C − Σλ) / D) and on the held-out test images. */
  reconstruction: { k: number; trainMse: number; trainMseFromEigenvalues: number; heldOutMse: number }[];
  /** Test images as HWC bytes: the originals and their reconstructions at each k (clipped to [0, 1]). */
  pictures: { indices: number[]; labels: string[]; original: number[][]; reconstructed: { k: number; images: number[][] }[] };
  meta: { ms: number };
}

/** Images to use instead of CIFAR-10 (tests); never recorded. */
export interface PcaSource { train?: ImageDataset; test?: ImageDataset }

/**
 * PCA of CIFAR-10 training images; see the module comment.
 *
 * @example
 * const r = await nn.preprocessing.pcaCifar({ trainSize: 1000, ks: [10, 50] });
 * r.varianceExplained[9]   // the variance kept by 10 components, about 0.65
 */
export async function pcaCifar(options: PcaOptions = {}, source: PcaSource = {}): Promise<PcaRecord> {
  const started = performance.now();
  const isObject = typeof options === 'object' && options !== null && !Array.isArray(options);
  const { config, progress } = PCA_OPTIONS.take(isObject ? withQuickPreset<PcaOptions>(options, PCA_QUICK) : options);
  const trainDs = source.train ?? await loadDataset('cifar-10', { split: 'train' });
  const testDs = source.test ?? await loadDataset('cifar-10', { split: 'test' });
  for (const [name, ds, n] of [['trainSize', trainDs, config.trainSize], ['heldOut', testDs, Math.max(config.heldOut, config.images)]] as const) {
    if (ds.height * ds.width * ds.channels !== D) throw new ArgumentError(`${name} dataset`, `${ds.height}x${ds.width}x${ds.channels}`, `images of ${D} values (32 x 32 x 3)`);
    if (ds.count < n) throw new ArgumentError(name, n, '', `${name} is too large: the dataset has ${ds.count} images`);
  }
  const N = config.trainSize;
  const K = Math.max(...config.ks);
  const total = 2 + config.ks.length;
  const { Xc, mu } = centred(trainDs, N);
  const bar = experimentProgress(progress, { label: 'preprocessing.pcaCifar' });
  let C: tf.Tensor2D | null = null;
  let V: tf.Tensor2D | null = null;
  try {
    // transpose first: plain tfjs-wasm's transposeA matMul is ~40x slower (nnlab's kernels are fast either way)
    C = tf.tidy(() => tf.div(tf.matMul(tf.transpose(Xc), Xc), N) as tf.Tensor2D);
    bar.report({ done: 1, total, phase: 'covariance', metrics: {} });
    await new Promise((resolve) => setImmediate(resolve));
    const eig = topEigen(C, K, { iterations: config.iterations, oversample: config.oversample, seed: config.seed });
    bar.report({ done: 2, total, phase: 'eigenvectors', metrics: { residual: Math.max(...eig.residuals) } });
    V = eig.vectors;
    const totalVariance = (await rowSum(tf.tidy(() => tf.sum(tf.square(Xc), 1)))) / N;
    const varianceExplained: number[] = [];
    let cum = 0;
    for (const lambda of eig.values) varianceExplained.push((cum += lambda) / totalVariance);
    const kFor = PCA_FRACTIONS.map((fraction) => {
      const i = varianceExplained.findIndex((v) => v >= fraction);
      return { fraction, k: i < 0 ? null : i + 1 };
    });
    const test = centredRows(testDs, Math.max(config.heldOut, config.images), mu);
    try {
      const reconstruction: PcaRecord['reconstruction'] = [];
      const pictures: PcaRecord['pictures'] = {
        indices: Array.from({ length: config.images }, (_, i) => i),
        labels: Array.from({ length: config.images }, (_, i) => testDs.classNames[testDs.labels[i]]),
        original: Array.from({ length: config.images }, (_, i) => Array.from(testDs.images.subarray(i * D, (i + 1) * D))), reconstructed: [],
      };
      for (const [j, k] of config.ks.entries()) {
        const Vk = tf.slice(V, [0, 0], [D, k]);
        const trainMse = await reconstructionMse(Xc, Vk);
        const heldOutMse = await reconstructionMse(tf.slice(test, [0, 0], [config.heldOut, D]), Vk, true);
        const tail = eig.values.slice(0, k).reduce((a, b) => a + b, 0);
        reconstruction.push({ k, trainMse, trainMseFromEigenvalues: (totalVariance - tail) / D, heldOutMse });
        if (config.images > 0) pictures.reconstructed.push({ k, images: await reconstructedBytes(tf.slice(test, [0, 0], [config.images, D]), Vk, mu) });
        Vk.dispose();
        bar.report({ done: 2 + j + 1, total, phase: 'reconstructions', metrics: { k, heldOutMse } });
      }
      return {
        experiment: 'preprocessingPca', options: config, ...provenance(),
        data: { dataset: trainDs.name, trainImages: N, heldOutImages: config.heldOut, height: trainDs.height, width: trainDs.width, channels: trainDs.channels },
        totalVariance, eigenvalues: eig.values, varianceExplained, kFor,
        convergence: { iterations: eig.iterations, maxResidual: Math.max(...eig.residuals) },
        reconstruction, pictures, meta: { ms: performance.now() - started },
      };
    } finally {
      test.dispose();
    }
  } finally {
    tf.dispose([Xc, mu, ...(C ? [C] : []), ...(V ? [V] : [])]);
    bar.finish();
  }
}

/** The first n images as rows in [0, 1] minus their mean image μ; μ as [1, D]. */
function centred(ds: ImageDataset, n: number): { Xc: tf.Tensor2D; mu: tf.Tensor2D } {
  const x = new Float32Array(n * D);
  for (let i = 0; i < x.length; i++) x[i] = ds.images[i] / 255;
  return tf.tidy(() => {
    const X = tf.tensor2d(x, [n, D]);
    const mu = tf.mean(X, 0, true) as tf.Tensor2D;
    return { Xc: tf.sub(X, mu) as tf.Tensor2D, mu };
  });
}

/** The first n images of ds as rows in [0, 1] minus μ (the training mean). */
function centredRows(ds: ImageDataset, n: number, mu: tf.Tensor2D): tf.Tensor2D {
  const x = new Float32Array(n * D);
  for (let i = 0; i < x.length; i++) x[i] = ds.images[i] / 255;
  return tf.tidy(() => tf.sub(tf.tensor2d(x, [n, D]), mu) as tf.Tensor2D);
}

/** Mean over rows and pixels of (Xc − Xc Vk Vkᵀ)²; disposes Xc when `owned`. */
async function reconstructionMse(Xc: tf.Tensor2D, Vk: tf.Tensor, owned = false): Promise<number> {
  const perRow = tf.tidy(() => tf.sum(tf.square(tf.sub(Xc, tf.matMul(tf.matMul(Xc, Vk), Vk, false, true))), 1));
  const rows = Xc.shape[0];
  if (owned) Xc.dispose();
  return (await rowSum(perRow)) / (rows * D);
}

/** μ + Xc Vk Vkᵀ as bytes (clipped to [0, 1], rounded), one array per row; disposes Xc. */
async function reconstructedBytes(Xc: tf.Tensor2D, Vk: tf.Tensor, mu: tf.Tensor2D): Promise<number[][]> {
  const t = tf.tidy(() => tf.round(tf.mul(tf.clipByValue(tf.add(tf.matMul(tf.matMul(Xc, Vk), Vk, false, true), mu), 0, 1), 255)));
  const v = await t.data();
  const rows = Xc.shape[0];
  tf.dispose([t, Xc]);
  return Array.from({ length: rows }, (_, i) => Array.from(v.subarray(i * D, (i + 1) * D)));
}

/** The sum of a vector of per-row sums, in float64 (each row summed by tfjs); disposes it. */
async function rowSum(t: tf.Tensor): Promise<number> {
  const v = await t.data();
  t.dispose();
  let s = 0;
  for (const x of v) s += x;
  return s;
}
