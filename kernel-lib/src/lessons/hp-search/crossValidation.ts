/**
 * Cross-validation vs one validation split (lesson 06, hyperparameter search). How good a setting
 * of (lr, reg) is, is estimated from held-out examples; on a small dataset that estimate is noisy.
 * The lecture: "cross-validation: split data into folds, try each fold as validation and average
 * the results; useful for small datasets, but not used too frequently in deep learning" (it costs
 * k trainings per setting).
 *
 * On a pool of N CIFAR-10 training images (a seeded draw), for each (lr, reg) setting:
 * - k-fold: the pool is shuffled and cut into k folds (sizes differ by at most one, as NumPy's
 *   `array_split`); each fold in turn validates a net trained on the other k − 1. The estimate is
 *   the mean of the k fold accuracies, reported as mean ± std over folds (population std, NumPy's
 *   `scores.std()`) and the mean's standard error s/√k (s the sample std). Repeated for `shuffles`
 *   different cuts of the same pool, so the spread of the k-fold estimate itself is measured too.
 * - one split: the pool shuffled with another seed, one fold's worth (⌈N/k⌉ images) held out, the
 *   net trained on the rest: one accuracy per split seed, `splits` of them. Their spread is the
 *   variance of a single-split estimate, which is what k-fold averages away.
 * - with `testSize > 0`, a net trained on the whole pool and tested on that many images of the
 *   official test split: the number both estimates try to predict.
 *
 * Every net is the lecture's two-layer net (3072 → 50 → 10, plain SGD, `nets/twoLayerTrain`).
 * Centring: each training run subtracts the per-channel means of its own training rows (never of
 * its validation fold) from both; pixels stay in 0–255 units, as cs231n does. The folds, the splits
 * and the init seeds are shared by every setting (common random numbers), so settings are compared
 * on the same data.
 *
 * Measured (defaults: 1,000 images, 5 folds of 200, 10 epochs of batches of 50, wasm, seed 0):
 * - lr 1e-3, reg 0.25: one split over 5 seeds 0.300-0.360 (std 0.023); the 5-fold estimate over
 *   3 cuts 0.314, 0.325, 0.339 (std 0.010; ± 0.010-0.043 over the folds of one cut); test accuracy
 *   of the whole-pool net 0.338;
 * - lr 1e-3, reg 10: one split 0.285-0.355 (std 0.027); 5-fold 0.289, 0.323, 0.315 (std 0.015);
 *   test 0.323.
 * Seed 1: one split 0.235-0.305 (std 0.027) and 0.230-0.325 (std 0.035); 5-fold over 3 cuts
 * 0.286-0.298 and 0.262-0.273 (std 0.005 each); test 0.314 and 0.330. A single split's number
 * moves 2-7 times as much as the 5-fold mean (√5 ≈ 2.2 if the folds were independent), as much as
 * the gap between the two settings: with seed 1, one split (the third) ranks reg 10 above reg 0.25,
 * which every 5-fold estimate ranks the other way.
 *
 * @example
 * const r = await nn.hpSearch.crossValidation({ folds: 5 });
 * r.settings.map((s) => [s.label, s.kFold[0].mean, s.kFold[0].std, s.singleSpread.std])
 * nn.hpSearch.showCrossValidation(r);
 */
import { ArgumentError } from '../../core/errors';
import { withQuickPreset } from '../../core/config';
import { custom, defineOptions, float32Bytes, int, list, seed } from '../../core/options';
import { ProgressOption } from '../../core/progress';
import { provenance } from '../../core/record';
import { Random, seedStream, shuffle } from '../../core/rng';
import { moments } from '../../core/stats';
import { flatSplits } from '../../data/splits';
import type { FlatSplit } from '../../data/splits';
import { trainTwoLayer } from '../../nets/twoLayerTrain';
import { experimentProgress } from '../../show/progress';

/** One hyperparameter setting of the two-layer net. */
export interface HpSetting { lr: number; reg: number }

/**
 * Defaults of {@link crossValidation}: a pool of 1,000 images, 5 folds, 5 single splits, 3 shuffles
 * of the folds, 10 epochs of batches of 50 (160 steps on 800 images), two settings that differ in
 * reg only.
 */
export const CROSS_VALIDATION_DEFAULTS = {
  poolSize: 1000, folds: 5, splits: 5, shuffles: 3, epochs: 10, batchSize: 50, hiddenSize: 50, testSize: 1000, seed: 0,
  // frozen: a resolved config (and so a record) holds these very objects
  settings: Object.freeze([Object.freeze({ lr: 1e-3, reg: 0.25 }), Object.freeze({ lr: 1e-3, reg: 10 })]) as readonly HpSetting[],
} as const;

/** Quick mode: 250 images, 3 single splits, one cut into folds, 4 epochs, 250 test images (about 4 s of CPU on wasm, 1 thread). */
export const CROSS_VALIDATION_QUICK = { poolSize: 250, splits: 3, shuffles: 1, epochs: 4, testSize: 250 } as const;

/** Training accuracy is measured on the first 250 training rows of a run (it is reported, not compared). */
export const EVAL_TRAIN_SIZE = 250;

/** The fewest validation images a fold may hold. */
export const MIN_FOLD_SIZE = 5;

function checkSetting(name: string, v: unknown): HpSetting {
  const allowed = 'an object { lr, reg } with lr in (0, 10] and reg in [0, 1e6]';
  if (typeof v !== 'object' || v === null || Array.isArray(v)) throw new ArgumentError(name, v, allowed);
  const keys = Object.keys(v);
  const extra = keys.find((k) => k !== 'lr' && k !== 'reg');
  if (extra !== undefined) throw new ArgumentError(`${name}.${extra}`, (v as Record<string, unknown>)[extra], 'not given: a setting has only lr and reg');
  const { lr, reg } = v as { lr?: unknown; reg?: unknown };
  if (typeof lr !== 'number' || !Number.isFinite(lr) || lr <= 0 || lr > 10) throw new ArgumentError(`${name}.lr`, lr, 'a number in (0, 10]');
  if (typeof reg !== 'number' || !Number.isFinite(reg) || reg < 0 || reg > 1e6) throw new ArgumentError(`${name}.reg`, reg, 'a number in [0, 1e6]');
  return { lr, reg };
}

/** The options of {@link crossValidation}, declared once (core/options.ts). */
export const CROSS_VALIDATION_FIELDS = {
  /** N, the images of the pool: a seeded draw from CIFAR-10's training split. */
  poolSize: int({ min: 10, max: 50_000, default: CROSS_VALIDATION_DEFAULTS.poolSize }),
  /** k, the folds. */
  folds: int({ min: 2, max: 50, default: CROSS_VALIDATION_DEFAULTS.folds }),
  /** Single validation splits, each with its own seed. */
  splits: int({ min: 1, max: 100, default: CROSS_VALIDATION_DEFAULTS.splits }),
  /** Different cuts of the pool into k folds. */
  shuffles: int({ min: 1, max: 20, default: CROSS_VALIDATION_DEFAULTS.shuffles }),
  epochs: int({ min: 1, max: 200, default: CROSS_VALIDATION_DEFAULTS.epochs }),
  batchSize: int({ min: 1, max: 50_000, default: CROSS_VALIDATION_DEFAULTS.batchSize }),
  hiddenSize: int({ min: 1, max: 1000, default: CROSS_VALIDATION_DEFAULTS.hiddenSize }),
  /** Images of the official test split for the whole-pool run; 0 skips it. */
  testSize: int({ min: 0, max: 10_000, default: CROSS_VALIDATION_DEFAULTS.testSize }),
  /** The (lr, reg) settings compared. */
  settings: list(custom(checkSetting, { bad: [{ lr: 0, reg: 1 }, { lr: 1e-3, reg: -1 }, { lr: 1e-3 }] }), {
    minLength: 1, maxLength: 6, default: CROSS_VALIDATION_DEFAULTS.settings,
  }),
  seed: seed({ default: CROSS_VALIDATION_DEFAULTS.seed }),
};

export const CROSS_VALIDATION_OPTIONS = defineOptions('hpSearch.crossValidation', CROSS_VALIDATION_FIELDS, {
  rules(c, given) {
    const smallest = Math.floor(c.poolSize / c.folds);
    if (smallest < MIN_FOLD_SIZE) {
      const argument = 'poolSize' in given && !('folds' in given) ? 'poolSize' : 'folds';
      throw new ArgumentError(argument, c[argument], '',
        `${argument} is too large or small: ${c.poolSize} images in ${c.folds} folds leaves ${smallest} per fold; each fold needs at least ${MIN_FOLD_SIZE} (poolSize >= ${MIN_FOLD_SIZE}·folds)`);
    }
    const fewest = c.poolSize - Math.ceil(c.poolSize / c.folds);   // the training rows of a run that holds out the largest fold
    if (c.batchSize > fewest) {
      throw new ArgumentError('batchSize', c.batchSize, '', `batchSize must be at most ${fewest}, the training rows of a run (poolSize ${c.poolSize} minus its largest fold of ${Math.ceil(c.poolSize / c.folds)}), got ${c.batchSize}`);
    }
  },
  // the pool and the test images as float32 rows, twice (centred copies of one run), the weights
  memory: (c) => ({
    bytes: float32Bytes(3 * (c.poolSize + c.testSize) * 3072 + 2 * (3072 * c.hiddenSize + 10 * c.hiddenSize)),
    argument: 'poolSize', what: `${c.poolSize} pool and ${c.testSize} test images of 3072 pixels`,
  }),
});

/** Options of {@link crossValidation}. */
export interface CrossValidationOptions {
  poolSize?: number; folds?: number; splits?: number; shuffles?: number; epochs?: number; batchSize?: number; hiddenSize?: number;
  testSize?: number; settings?: readonly HpSetting[]; seed?: number;
  /** Progress per trained net; never recorded. */
  progress?: ProgressOption;
}

export type CrossValidationConfig = ReturnType<typeof CROSS_VALIDATION_OPTIONS.resolve>;

/** One trained net and the accuracy it was measured with. */
export interface HeldOutRun {
  trainCount: number;
  valCount: number;
  /** Accuracy on the held-out rows after the last epoch. */
  valAccuracy: number;
  /** Accuracy on (at most {@link EVAL_TRAIN_SIZE} of) its training rows. */
  trainAccuracy: number;
  /** The mean mini-batch loss of the last epoch (null if it diverged before completing one). */
  trainLoss: number | null;
  /** Why training stopped early ("nan at step 12"), or null. */
  diverged: string | null;
}

/** One cut of the pool into k folds, for one setting. */
export interface KFoldRun {
  shuffle: number;
  folds: (HeldOutRun & { fold: number })[];
  /** The k-fold estimate: the mean of the fold accuracies. */
  mean: number;
  /** Population std over folds (NumPy's `scores.std()`). */
  std: number;
  /** s/√k with s the sample std over folds: the standard error of the mean. */
  stdErr: number;
}

/** Mean and population std of a set of estimates. */
export interface Spread { mean: number; std: number; min: number; max: number }

/** One setting's estimates. */
export interface SettingEstimates {
  lr: number;
  reg: number;
  /** "lr 1e-3, reg 0.25". */
  label: string;
  kFold: KFoldRun[];
  /** Over the shuffles: the spread of the k-fold estimate itself (std 0 with one shuffle). */
  kFoldSpread: Spread;
  singleSplits: (HeldOutRun & { split: number })[];
  /** Over the split seeds: the spread of a single-split estimate. */
  singleSpread: Spread;
  /** A net trained on the whole pool, tested on the test images; null with testSize 0. */
  test: { accuracy: number; trainCount: number; testCount: number; diverged: string | null } | null;
}

/** What {@link crossValidation} returns: plain JSON. */
export interface CrossValidationRecord {
  experiment: 'hpSearchCrossValidation';
  options: CrossValidationConfig;
  backend: string;
  versions: { nnlab: string; tfjs: string };
  data: {
    dataset: string; poolSize: number;
    /** Images per fold (k numbers); a single split holds out foldSizes[0]. */
    foldSizes: number[];
    testSize: number;
    centring: string;
  };
  settings: SettingEstimates[];
  meta: { ms: number };
}

/**
 * The k folds of `count` examples: a shuffle of 0..count−1 by `random`, cut into k runs of
 * consecutive positions whose sizes differ by at most one (the first count mod k folds hold one
 * more, as NumPy's `array_split`). Disjoint, and together every index once.
 *
 * @example
 * nn.hpSearch.foldIndices(10, 3, nn.seedStream(0).random()).map((f) => f.length)   // [4, 3, 3]
 */
export function foldIndices(count: number, k: number, random: Random): number[][] {
  if (!Number.isInteger(count) || count < 1) throw new ArgumentError('count', count, 'an integer >= 1');
  if (!Number.isInteger(k) || k < 2 || k > count) throw new ArgumentError('folds', k, `an integer in [2, count] = [2, ${count}]`);
  const order = shuffle(Array.from({ length: count }, (_, i) => i), random);
  const folds: number[][] = [];
  let at = 0;
  for (let f = 0; f < k; f++) {
    const size = Math.floor(count / k) + (f < count % k ? 1 : 0);
    folds.push(order.slice(at, at + size));
    at += size;
  }
  return folds;
}

/**
 * The rows `idx` of the pool as a training or validation set, minus `means` per channel (NHWC:
 * channel = column mod 3).
 */
function rows(pool: FlatSplit, idx: readonly number[], means: readonly number[], D: number): { X: Float32Array; y: Int32Array } {
  const X = new Float32Array(idx.length * D);
  const y = new Int32Array(idx.length);
  idx.forEach((n, k) => {
    const src = pool.X.subarray(n * D, (n + 1) * D);
    for (let j = 0; j < D; j++) X[k * D + j] = src[j] - means[j % 3];
    y[k] = pool.y[n];
  });
  return { X, y };
}

/**
 * Per-channel means of the pool rows `idx` (pixels in 0–255), in float64: the statistics a run may
 * fit, computed from its training rows only.
 *
 * @example
 * // inside crossValidation: the means of the k − 1 training folds, never of the validation fold
 */
export function channelMeansOf(X: Float32Array, idx: readonly number[], D: number): number[] {
  const sums = [0, 0, 0];
  for (const n of idx) for (let j = 0; j < D; j++) sums[j % 3] += X[n * D + j];
  return sums.map((s) => s / (idx.length * (D / 3)));
}

function spread(values: readonly number[]): Spread {
  const m = moments(values);
  return { mean: m.mean, std: m.std, min: Math.min(...values), max: Math.max(...values) };
}

/**
 * The label of a setting, with small and large numbers in exponent form.
 *
 * @example
 * nn.hpSearch.settingLabel({ lr: 1e-3, reg: 0.25 })   // 'lr 1e-3, reg 0.25'
 */
export function settingLabel(s: HpSetting): string {
  const short = (v: number) => (v !== 0 && (Math.abs(v) < 1e-2 || Math.abs(v) >= 1e4) ? v.toExponential().replace(/\.?0+e/, 'e').replace('e+', 'e') : String(v));
  return `lr ${short(s.lr)}, reg ${short(s.reg)}`;
}

/**
 * k-fold cross-validation vs single validation splits on a small CIFAR-10 pool with the two-layer
 * net; see the module comment.
 *
 * @example
 * const r = await nn.hpSearch.crossValidation({ poolSize: 500, folds: 5, splits: 3, shuffles: 1, epochs: 5 });
 * const s = r.settings[0];
 * `${s.label}: 5-fold ${s.kFold[0].mean.toFixed(3)} ± ${s.kFold[0].std.toFixed(3)}, one split ${s.singleSpread.min.toFixed(3)}–${s.singleSpread.max.toFixed(3)}`
 */
export async function crossValidation(options: CrossValidationOptions = {}): Promise<CrossValidationRecord> {
  const started = performance.now();
  const isObject = typeof options === 'object' && options !== null && !Array.isArray(options);
  const { config, progress } = CROSS_VALIDATION_OPTIONS.take(isObject ? withQuickPreset<CrossValidationOptions>(options, CROSS_VALIDATION_QUICK) : options);
  const bar = experimentProgress(progress, { label: 'hpSearch.crossValidation' });
  try {
    const seeds = seedStream(config.seed);
    const data = await flatSplits({ train: config.poolSize, val: 0, test: config.testSize, seed: seeds.derive('pool'), center: 'none' });
    const D = data.dims;
    const pool = data.train;
    const k = config.folds;
    const cuts = Array.from({ length: config.shuffles }, (_, r) => foldIndices(pool.count, k, seeds.fork(`folds ${r}`).random()));
    const splits = Array.from({ length: config.splits }, (_, j) => foldIndices(pool.count, k, seeds.fork(`split ${j}`).random())[0]);
    const perSetting = config.splits + config.shuffles * k + (config.testSize > 0 ? 1 : 0);
    const total = perSetting * config.settings.length;
    let done = 0;
    const run = async (setting: HpSetting, trainIdx: number[], valIdx: number[] | null, runSeed: number, phase: string): Promise<HeldOutRun> => {
      const means = channelMeansOf(pool.X, trainIdx, D);
      const trainSet = rows(pool, trainIdx, means, D);
      const valSet = valIdx === null ? centred(data.test, means, D) : rows(pool, valIdx, means, D);
      const r = await trainTwoLayer({
        train: trainSet, val: valSet, classes: data.classNames.length, hiddenSize: config.hiddenSize, reg: setting.reg, lr: setting.lr,
        batchSize: config.batchSize, epochs: config.epochs, seed: runSeed, evalTrainSize: EVAL_TRAIN_SIZE,
      });
      const last = r.epochs[r.epochs.length - 1];
      const result: HeldOutRun = {
        // every run has validation rows, so valAcc is a number
        trainCount: trainIdx.length, valCount: valSet.y.length, valAccuracy: last.valAcc ?? NaN, trainAccuracy: last.trainAcc,
        trainLoss: last.epoch === 0 ? null : last.loss,
        diverged: r.diverged === null ? null : `${r.diverged.reason} at step ${r.diverged.step}`,
      };
      done += 1;
      bar.report({ done, total, phase, metrics: { valAccuracy: result.valAccuracy } });
      return result;
    };
    const all = Array.from({ length: pool.count }, (_, i) => i);
    const settings: SettingEstimates[] = [];
    for (const setting of config.settings) {
      const label = settingLabel(setting);
      const kFold: KFoldRun[] = [];
      for (const [r, folds] of cuts.entries()) {
        const runs: KFoldRun['folds'] = [];
        for (const [f, valIdx] of folds.entries()) {
          const trainIdx = folds.filter((_, g) => g !== f).flat();
          runs.push({ fold: f, ...await run(setting, trainIdx, valIdx, seeds.derive(`train ${r} ${f}`), `${label}: fold ${f + 1} of ${k}, cut ${r + 1}`) });
        }
        kFold.push({ shuffle: r, folds: runs, ...foldEstimate(runs.map((x) => x.valAccuracy)) });
      }
      const singleSplits: SettingEstimates['singleSplits'] = [];
      for (const [j, valIdx] of splits.entries()) {
        const held = new Set(valIdx);
        const trainIdx = all.filter((i) => !held.has(i));
        singleSplits.push({ split: j, ...await run(setting, trainIdx, valIdx, seeds.derive(`single ${j}`), `${label}: one split, seed ${j + 1}`) });
      }
      let test: SettingEstimates['test'] = null;
      if (config.testSize > 0) {
        const t = await run(setting, all, null, seeds.derive('whole pool'), `${label}: whole pool, test`);
        test = { accuracy: t.valAccuracy, trainCount: t.trainCount, testCount: t.valCount, diverged: t.diverged };
      }
      settings.push({
        lr: setting.lr, reg: setting.reg, label, kFold, kFoldSpread: spread(kFold.map((x) => x.mean)),
        singleSplits, singleSpread: spread(singleSplits.map((x) => x.valAccuracy)), test,
      });
    }
    return {
      experiment: 'hpSearchCrossValidation', options: config, ...provenance(),
      data: {
        dataset: data.dataset, poolSize: pool.count, foldSizes: cuts[0].map((f) => f.length), testSize: config.testSize,
        centring: 'each run subtracts the per-channel means of its own training rows (pixels in 0-255 units)',
      },
      settings, meta: { ms: performance.now() - started },
    };
  } finally {
    bar.finish();
  }
}

/**
 * The k-fold estimate from the fold accuracies: their mean, population std and the standard error
 * s/√k of the mean (s the sample std, k − 1 in the denominator).
 *
 * @example
 * nn.hpSearch.foldEstimate([0.3, 0.32, 0.28, 0.31, 0.29])   // { mean: 0.3, std: 0.01414..., stdErr: 0.00707... }
 */
export function foldEstimate(accuracies: readonly number[]): { mean: number; std: number; stdErr: number } {
  if (!Array.isArray(accuracies) || accuracies.length < 2) throw new ArgumentError('accuracies.length', Array.isArray(accuracies) ? accuracies.length : accuracies, 'at least 2 (one per fold)');
  const k = accuracies.length;
  const m = moments(accuracies);
  return { mean: m.mean, std: m.std, stdErr: Math.sqrt((m.std * m.std * k) / (k - 1)) / Math.sqrt(k) };
}

/** All rows of a split minus `means` per channel. */
function centred(s: FlatSplit, means: readonly number[], D: number): { X: Float32Array; y: Int32Array } {
  const X = new Float32Array(s.X.length);
  for (let i = 0; i < X.length; i++) X[i] = s.X[i] - means[(i % D) % 3];
  return { X, y: s.y };
}
