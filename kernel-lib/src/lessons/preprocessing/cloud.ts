/**
 * The lecture's preprocessing pipeline on a 2-D point cloud (lesson 02): a correlated Gaussian
 * cloud far from the origin, then
 *
 *   original      X                          mean (3, 2), stds (2, 0.5), correlation 0.8
 *   zero-centred  Xc = X − mean(X)           the cloud moves to the origin
 *   normalised    Xn = Xc / std(X)           each feature with std 1 (still correlated: a tilted ellipse)
 *   decorrelated  Xrot = Xc·U                rotated onto the covariance's eigenvectors: a diagonal covariance
 *   whitened      Xwhite = Xrot / sqrt(λ + eps)  the covariance becomes the identity: a round cloud
 *
 * with cov = Xcᵀ·Xc / N = U·diag(λ)·Uᵀ (the cs231n notes' convention). The stages are tfjs ops
 * (`whitening.ts`: mean, the covariance by matMul, the projections); the 2×2 eigen-decomposition is
 * one Jacobi rotation in float64 (`nets/linalg` symmetricEigen: for 2×2 it is the closed form). Every
 * stage's mean, std and covariance are computed in float64 JS from the float32 points read back.
 * What a student should see: the decorrelated points' correlation is at float32 rounding level
 * (~1e-7), while the normalised cloud still has correlation ≈ 0.8; the whitened covariance is I up
 * to eps's own shrink λ / (λ + eps) (1.2e-4 for the smaller λ ≈ 0.08 with eps = 1e-5) and float32
 * rounding (~1e-6).
 *
 * @example
 * const r = await nn.preprocessing.cloud();
 * r.checks.whitenedMaxDeviation         // 1.2e-4: max |cov(Xwhite) − I|, almost all of it eps's shrink
 * r.checks.whitenedResidual             // ~1e-6: what float32 rounding adds
 * r.stages.map((s) => s.stage)          // ['original', 'zero-centred', 'normalised', 'decorrelated', 'whitened']
 * nn.preprocessing.showCloud(r);
 */
import * as tf from '@tensorflow/tfjs';
import { defineOptions, float32Bytes, int, list, number, seed } from '../../core/options';
import { ProgressOption } from '../../core/progress';
import { provenance } from '../../core/record';
import { seedStream } from '../../core/rng';
import { correlatedCloud } from '../../data/synthetic';
import { experimentProgress } from '../../show/progress';
import { decorrelate, pcaFit, PcaFit } from './whitening';

/** Defaults of {@link cloud}. */
export const CLOUD_DEFAULTS = { points: 500, mean: [3, 2], std: [2, 0.5], correlation: 0.8, eps: 1e-5, decimals: 5, seed: 0 } as const;

/** The options of {@link cloud}, declared once (core/options.ts). */
export const CLOUD_FIELDS = {
  /** Points N in the cloud. */
  points: int({ min: 2, max: 100_000, default: CLOUD_DEFAULTS.points }),
  /** The cloud's centre (x₁, x₂): far from the origin, so that zero-centring has something to do. */
  mean: list(number({ min: -1e4, max: 1e4 }), { minLength: 2, maxLength: 2, default: CLOUD_DEFAULTS.mean }),
  /** Standard deviation of each feature (unequal: normalising has something to do). */
  std: list(number({ min: 1e-3, max: 1e4 }), { minLength: 2, maxLength: 2, default: CLOUD_DEFAULTS.std }),
  /** Correlation ρ of the two features (decorrelating has something to do). */
  correlation: number({ min: -0.99, max: 0.99, default: CLOUD_DEFAULTS.correlation }),
  /** Added to each eigenvalue before the square root when whitening. */
  eps: number({ min: 0, max: 1, default: CLOUD_DEFAULTS.eps }),
  /** Decimals the points are rounded to in the record (statistics use the unrounded values). */
  decimals: int({ min: 1, max: 8, default: CLOUD_DEFAULTS.decimals }),
  seed: seed({ default: CLOUD_DEFAULTS.seed }),
};

export const CLOUD_OPTIONS = defineOptions('preprocessing.cloud', CLOUD_FIELDS, {
  // five stages of N points in 2 dims, as float32 tensors and as JS arrays
  memory: (c) => ({ bytes: 5 * 3 * float32Bytes(2 * c.points), argument: 'points', what: `5 stages of ${c.points} points` }),
});

/** Options of {@link cloud}. */
export interface CloudOptions {
  points?: number; mean?: readonly number[]; std?: readonly number[]; correlation?: number; eps?: number; decimals?: number; seed?: number;
  /** Live progress (one event per stage); never recorded. */
  progress?: ProgressOption;
}

export type CloudConfig = ReturnType<typeof CLOUD_OPTIONS.resolve>;

/** The five stages, in the lecture's order. */
export const CLOUD_STAGES = ['original', 'zero-centred', 'normalised', 'decorrelated', 'whitened'] as const;
export type CloudStage = typeof CLOUD_STAGES[number];

/** One stage: its points (rounded to `decimals`) and statistics (float64, from the unrounded float32 points). */
export interface CloudStageRecord {
  stage: CloudStage;
  /** How the stage is made, in the lecture's symbols. */
  formula: string;
  x: number[];
  y: number[];
  mean: [number, number];
  /** Population std (divided by N) of each coordinate. */
  std: [number, number];
  /** Covariance Xcᵀ·Xc / N of the stage's points, [[c11, c12], [c21, c22]]. */
  covariance: [[number, number], [number, number]];
  /** c12 / sqrt(c11·c22). */
  correlation: number;
}

/** What {@link cloud} returns: plain JSON. */
export interface CloudRecord {
  experiment: 'preprocessingCloud';
  options: CloudConfig;
  backend: string;
  versions: { nnlab: string; tfjs: string };
  /** The distribution the points are drawn from: its covariance Σ. */
  population: { mean: number[]; covariance: [[number, number], [number, number]] };
  stages: CloudStageRecord[];
  /** PCA of the original cloud's covariance: λ descending; vectors[j] is direction j (u₁ⱼ, u₂ⱼ). */
  pca: { values: [number, number]; vectors: [[number, number], [number, number]]; explained: [number, number] };
  checks: {
    /** max |mean| over coordinates after zero-centring. */
    centredMaxMean: number;
    /** max |std − 1| after normalising. */
    normalisedMaxStdDeviation: number;
    /** |c12| / sqrt(c11·c22) of the decorrelated points (their correlation). */
    decorrelatedOffDiagonal: number;
    /** max |cov(Xwhite) − I| over the four entries: eps's shrink plus float32 rounding. */
    whitenedMaxDeviation: number;
    /** max eps / (λ + eps): how far eps alone moves the whitened variances λ / (λ + eps) below 1. */
    epsShrink: number;
    /** max |cov(Xwhite) − diag(λ / (λ + eps))|: float32 rounding only. */
    whitenedResidual: number;
  };
  meta: { ms: number };
}

/**
 * The 2-D preprocessing pipeline; see the module comment.
 *
 * @example
 * const r = await nn.preprocessing.cloud({ points: 200, correlation: -0.5, seed: 3 });
 * r.stages[2].correlation   // ≈ -0.5: normalising keeps the correlation
 * r.stages[3].correlation   // ≈ 0: decorrelating removes it
 */
export async function cloud(options: CloudOptions = {}): Promise<CloudRecord> {
  const started = performance.now();
  const { config, progress } = CLOUD_OPTIONS.take(options);
  const bar = experimentProgress(progress, { label: 'preprocessing.cloud' });
  try {
    const drawn = correlatedCloud({
      n: config.points, mean: [config.mean[0], config.mean[1]], std: [config.std[0], config.std[1]], rho: config.correlation,
      seed: seedStream(config.seed).derive('cloud'),
    });
    const { points, fit } = pipeline(drawn.X, config);
    const stages = CLOUD_STAGES.map((stage, k) => {
      bar.report({ done: k + 1, total: CLOUD_STAGES.length, phase: stage, metrics: {} });
      return stageRecord(stage, points[stage], config.decimals);
    });
    const [s1, s2] = config.std;
    const c12 = config.correlation * s1 * s2;
    const whiteCov = stages[4].covariance;
    return {
      experiment: 'preprocessingCloud', options: config, ...provenance(),
      population: { mean: [...config.mean], covariance: [[s1 * s1, c12], [c12, s2 * s2]] },
      stages,
      pca: {
        values: [fit.values[0], fit.values[1]],
        vectors: [[fit.vectors[0], fit.vectors[2]], [fit.vectors[1], fit.vectors[3]]],
        explained: [fit.values[0] / fit.totalVariance, fit.values[1] / fit.totalVariance],
      },
      checks: {
        centredMaxMean: Math.max(...stages[1].mean.map(Math.abs)),
        normalisedMaxStdDeviation: Math.max(...stages[2].std.map((s) => Math.abs(s - 1))),
        decorrelatedOffDiagonal: Math.abs(stages[3].correlation),
        whitenedMaxDeviation: maxDeviation(whiteCov, [1, 1]),
        epsShrink: Math.max(...fit.values.map((l) => config.eps / (l + config.eps))),
        whitenedResidual: maxDeviation(whiteCov, fit.values.map((l) => l / (l + config.eps))),
      },
      meta: { ms: performance.now() - started },
    };
  } finally {
    bar.finish();
  }
}

/** The five stages as float32 points (row-major [N, 2]) and the PCA fit, with tfjs ops. */
export function pipeline(X: Float32Array, config: Pick<CloudConfig, 'points' | 'eps'>): { points: Record<CloudStage, Float32Array>; fit: PcaFit } {
  const N = config.points;
  const original = tf.tensor2d(X, [N, 2]);
  try {
    const fit = pcaFit(original);
    const stages = tf.tidy(() => {
      const centred = tf.sub(original, tf.mean(original, 0));
      const std = tf.sqrt(tf.mean(tf.square(centred), 0));
      const normalised = tf.div(centred, std);
      const decorrelated = decorrelate(original, fit);
      const whitened = tf.div(decorrelated, tf.sqrt(tf.add(tf.tensor1d(fit.values), config.eps)));
      return [original.clone(), centred, normalised, decorrelated, whitened];
    });
    const values = stages.map((t) => t.dataSync() as Float32Array);
    tf.dispose(stages);
    return { points: Object.fromEntries(CLOUD_STAGES.map((s, k) => [s, values[k]])) as Record<CloudStage, Float32Array>, fit };
  } finally {
    original.dispose();
  }
}

/** max |C − diag(d)| over the entries of a 2×2 matrix. */
function maxDeviation(C: [[number, number], [number, number]], d: number[]): number {
  return Math.max(Math.abs(C[0][0] - d[0]), Math.abs(C[0][1]), Math.abs(C[1][0]), Math.abs(C[1][1] - d[1]));
}

const FORMULAS: Record<CloudStage, string> = {
  original: 'X',
  'zero-centred': 'Xc = X − mean(X)',
  normalised: 'Xn = Xc / std(X)',
  decorrelated: 'Xrot = Xc·U',
  whitened: 'Xwhite = Xrot / sqrt(λ + eps)',
};

/** A stage's points and statistics (float64 sums over the float32 points). */
function stageRecord(stage: CloudStage, P: Float32Array, decimals: number): CloudStageRecord {
  const N = P.length / 2;
  const m = [0, 0];
  for (let i = 0; i < N; i++) { m[0] += P[2 * i]; m[1] += P[2 * i + 1]; }
  m[0] /= N; m[1] /= N;
  let c11 = 0; let c12 = 0; let c22 = 0;
  for (let i = 0; i < N; i++) {
    const a = P[2 * i] - m[0];
    const b = P[2 * i + 1] - m[1];
    c11 += a * a; c12 += a * b; c22 += b * b;
  }
  c11 /= N; c12 /= N; c22 /= N;
  const round = (v: number) => Number(v.toFixed(decimals));
  return {
    stage, formula: FORMULAS[stage],
    x: Array.from({ length: N }, (_, i) => round(P[2 * i])),
    y: Array.from({ length: N }, (_, i) => round(P[2 * i + 1])),
    mean: [m[0], m[1]], std: [Math.sqrt(c11), Math.sqrt(c22)],
    covariance: [[c11, c12], [c12, c22]],
    correlation: c12 / Math.sqrt(c11 * c22),
  };
}
