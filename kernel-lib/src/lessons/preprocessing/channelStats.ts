/**
 * Preprocessing images in practice (lesson 02): the statistics the famous CIFAR-10 nets subtract,
 * fitted on the TRAINING images only, then applied unchanged to validation and test images.
 *
 *   'mean-image'   AlexNet: subtract the mean image μ[h, w, c] (32×32×3 numbers): x' = (x − μ) / 255
 *   'channel-mean' VGG: subtract the per-channel mean μ_c (3 numbers):       x' = (x − μ_c) / 255
 *   'channel-std'  ResNet: subtract μ_c and divide by the per-channel std σ_c: x' = (x − μ_c) / σ_c
 *
 * with μ_c = mean over every training image and pixel of channel c, and σ_c the population std of
 * the same values (divided by N·H·W). Over the full 50,000 training images: μ = (125.3, 123.0,
 * 113.9) / 255 = (0.4914, 0.4822, 0.4465) and σ = (0.2470, 0.2435, 0.2616). The widely copied
 * (0.2023, 0.1994, 0.2010) is not that std: it is within 2e-4 of the mean of the per-image stds
 * (0.2022, 0.1993, 0.2009, measured here with NumPy on the official files), which leaves out the
 * variation between images; the record carries both.
 *
 * The statistics are sums in float64 JS over the uint8 bytes (`data/transform` imageStats): exact
 * up to float64 rounding. The validation images are the last `valSize` of the training split (never
 * in the fit); the test images are read only after the fit is final (`test/preprocessing.test.ts`
 * proves it with a spy loader). Applying them (`applyStats`) runs on the device, batch by batch;
 * the record gives each split's per-channel mean and std after normalisation: the training images
 * land on mean 0 (std 1 with 'channel-std') exactly, the others close to it but not exactly.
 *
 * @example
 * const r = await nn.preprocessing.channelStats({ mode: 'channel-std' });
 * r.channels.map((c) => c.std01)        // [0.2470, 0.2435, 0.2616] with the full training split
 * nn.preprocessing.showChannelStats(r);
 */
import * as tf from '@tensorflow/tfjs';
import { withQuickPreset } from '../../core/config';
import { ArgumentError, checkImageDataset } from '../../core/errors';
import { defineOptions, int, oneOf } from '../../core/options';
import { ProgressOption } from '../../core/progress';
import { provenance } from '../../core/record';
import { loadDataset } from '../../data/load';
import type { ImageDataset, LoadOptions } from '../../data/load';
import { imageStats, select, toTensors } from '../../data/transform';
import type { ImageStats } from '../../data/transform';
import { experimentProgress } from '../../show/progress';

/** The three recipes, in the order the lecture shows them. */
export const CHANNEL_MODES = ['mean-image', 'channel-mean', 'channel-std'] as const;
export type ChannelMode = typeof CHANNEL_MODES[number];

/** Datasets this experiment reads (CIFAR-10's training split has the published numbers). */
export const CHANNEL_DATASETS = ['cifar-10'] as const;

/** CIFAR-10's training-split size. */
const CIFAR_TRAIN = 50_000;

/** Defaults of {@link channelStats}: the standard 45,000 / 5,000 split of the training images, all 10,000 test images. */
export const CHANNEL_DEFAULTS = { dataset: 'cifar-10', mode: 'channel-std', trainSize: 45_000, valSize: 5_000, testSize: 10_000 } as const;

/** Quick mode (NNLAB_QUICK=1): 5,000 training images, 1,000 validation and 1,000 test images. */
export const CHANNEL_QUICK = { trainSize: 5_000, valSize: 1_000, testSize: 1_000 } as const;

/** The options of {@link channelStats}, declared once (core/options.ts). */
export const CHANNEL_FIELDS = {
  dataset: oneOf(CHANNEL_DATASETS, { default: CHANNEL_DEFAULTS.dataset }),
  /** Which statistics are subtracted (and divided by). */
  mode: oneOf(CHANNEL_MODES, { default: CHANNEL_DEFAULTS.mode }),
  /** The first trainSize training images: the statistics are fitted on them. */
  trainSize: int({ min: 1, max: CIFAR_TRAIN, default: CHANNEL_DEFAULTS.trainSize }),
  /** The last valSize training images: held out, normalised with the training statistics (0: none). */
  valSize: int({ min: 0, max: CIFAR_TRAIN - 1, default: CHANNEL_DEFAULTS.valSize }),
  /** The first testSize test images, normalised with the training statistics (0: the test split is not read). */
  testSize: int({ min: 0, max: 10_000, default: CHANNEL_DEFAULTS.testSize }),
};

export const CHANNEL_OPTIONS = defineOptions('preprocessing.channelStats', CHANNEL_FIELDS, {
  rules: (c, given) => {
    if (c.trainSize + c.valSize > CIFAR_TRAIN) {
      const name = 'valSize' in given ? 'valSize' : 'trainSize';
      const other = name === 'valSize' ? `the ${c.trainSize} fitted` : `the ${c.valSize} held out for validation`;
      throw new ArgumentError(name, c[name], `at most ${CIFAR_TRAIN - (name === 'valSize' ? c.trainSize : c.valSize)} (the ${CIFAR_TRAIN} training images less ${other}: validation images are never in the fit)`);
    }
  },
  // the training split as bytes (read whole), the test split's bytes, one batch of float32 images
  memory: (c) => ({ bytes: CIFAR_TRAIN * 3072 + (c.testSize > 0 ? 10_000 * 3072 : 0) + 3 * APPLY_BATCH * 3072 * 4, argument: 'trainSize', what: `CIFAR-10's bytes and batches of ${APPLY_BATCH} float32 images` }),
});

/** Images normalised per device batch by {@link channelStats}. */
const APPLY_BATCH = 1000;

/** Options of {@link channelStats}. */
export interface ChannelStatsOptions {
  dataset?: typeof CHANNEL_DATASETS[number]; mode?: ChannelMode; trainSize?: number; valSize?: number; testSize?: number;
  /** Live progress (fit, then each split); never recorded. */
  progress?: ProgressOption;
}

export type ChannelStatsConfig = ReturnType<typeof CHANNEL_OPTIONS.resolve>;

/** Where the images come from, instead of `loadDataset` (tests pass a spy); never recorded. */
export interface ChannelStatsSource { load?: (name: string, options: LoadOptions) => Promise<ImageDataset> }

/** The published CIFAR-10 statistics (0-1 scale), over the full 50,000 training images. */
export const CIFAR10_PUBLISHED = {
  mean: [0.4914, 0.4822, 0.4465],
  std: [0.2470, 0.2435, 0.2616],
  /** The widely copied "std" (e.g. kuangliu/pytorch-cifar): ≈ the mean of per-image stds, not the std of the pixels. */
  copiedStd: [0.2023, 0.1994, 0.2010],
} as const;

/** Statistics fitted on training images; plain JSON, 0-255 scale (the bytes' scale). */
export interface ChannelStatsFit {
  mode: ChannelMode;
  /** Training images the statistics come from. */
  count: number;
  height: number; width: number; channels: number;
  /** 'mean-image': μ[h, w, c] in HWC order (height·width·channels numbers); else null. */
  meanImage: number[] | null;
  /** μ_c per channel (every mode reports it; 'mean-image' subtracts the image instead). */
  channelMean: number[];
  /** 'channel-std': σ_c per channel; else null. */
  channelStd: number[] | null;
}

/** One channel's numbers next to the published ones. */
export interface ChannelRow {
  channel: string;
  mean255: number; mean01: number;
  std255: number; std01: number;
  /** Mean over images of each image's own std of this channel (0-1 scale): where 0.2023 comes from. */
  meanPerImageStd01: number;
  publishedMean01: number; publishedStd01: number; copiedStd01: number;
}

/** A split's per-channel mean and std after normalisation with the training statistics. */
export interface AppliedSplit { split: 'train' | 'val' | 'test'; images: number; mean: number[]; std: number[] }

/** What {@link channelStats} returns: plain JSON. */
export interface ChannelStatsRecord {
  experiment: 'preprocessingChannelStats';
  options: ChannelStatsConfig;
  backend: string;
  versions: { nnlab: string; tfjs: string };
  data: { dataset: string; fittedOn: string; note: string | null };
  /** The statistics of `mode`, as subtracted / divided (0-255 scale, rounded to 4 decimals). */
  fit: ChannelStatsFit;
  /** The formula `mode` applies. */
  formula: string;
  channels: ChannelRow[];
  /** The mean image's smallest and largest value (0-255): its contrast is small; the figure stretches it. */
  meanImageRange: [number, number] | null;
  applied: AppliedSplit[];
  meta: { ms: number };
}

const FORMULAS: Record<ChannelMode, string> = {
  'mean-image': "x' = (x − μ[h, w, c]) / 255",
  'channel-mean': "x' = (x − μ_c) / 255",
  'channel-std': "x' = (x − μ_c) / σ_c",
};

/**
 * The per-channel (or per-pixel) statistics of CIFAR-10's training images and their effect on
 * held-out images; see the module comment.
 *
 * @example
 * const r = await nn.preprocessing.channelStats({ mode: 'mean-image', trainSize: 5000 });
 * r.fit.meanImage?.length   // 3072 = 32 * 32 * 3
 * r.applied                // per split: channel means ≈ 0 after subtracting the training mean image
 */
export async function channelStats(options: ChannelStatsOptions = {}, source: ChannelStatsSource = {}): Promise<ChannelStatsRecord> {
  const started = performance.now();
  const isObject = typeof options === 'object' && options !== null && !Array.isArray(options);
  const { config, progress } = CHANNEL_OPTIONS.take(isObject ? withQuickPreset<ChannelStatsOptions>(options, CHANNEL_QUICK) : options);
  const load = source.load ?? loadDataset;
  const bar = experimentProgress(progress, { label: 'preprocessing.channelStats' });
  const total = 2 + (config.valSize > 0 ? 1 : 0) + (config.testSize > 0 ? 1 : 0);
  let done = 0;
  try {
    const all = await load(config.dataset, { split: 'train' });
    checkImageDataset('training split', all);
    if (all.count < config.trainSize + config.valSize) {
      throw new ArgumentError('trainSize', config.trainSize, `at most ${all.count - config.valSize}: the training split holds ${all.count} images`);
    }
    const train = select(all, range(0, config.trainSize));
    const val = config.valSize > 0 ? select(all, range(all.count - config.valSize, all.count)) : null;
    bar.report({ done: ++done, total, phase: 'read the training split', metrics: {} });
    const stats = imageStats(train);
    const fit = fitFrom(train, stats, config.mode);
    const channels = channelRows(train, stats);
    bar.report({ done: ++done, total, phase: 'fit', metrics: {} });
    const applied: AppliedSplit[] = [appliedStats('train', train, fit)];
    if (val) {
      applied.push(appliedStats('val', val, fit));
      bar.report({ done: ++done, total, phase: 'validation', metrics: {} });
    }
    if (config.testSize > 0) {
      // read only now: the fit above is final and never sees a test image
      const test = await load(config.dataset, { split: 'test' });
      checkImageDataset('test split', test);
      applied.push(appliedStats('test', select(test, range(0, Math.min(config.testSize, test.count))), fit));
      bar.report({ done: ++done, total, phase: 'test', metrics: {} });
    }
    const round = (v: number) => Number(v.toFixed(4));
    return {
      experiment: 'preprocessingChannelStats', options: config, ...provenance(),
      data: { dataset: all.name, fittedOn: `the first ${config.trainSize} training images`, note: all.note ?? null },
      fit: { ...fit, meanImage: fit.meanImage?.map(round) ?? null, channelMean: fit.channelMean.map(round), channelStd: fit.channelStd?.map(round) ?? null },
      formula: FORMULAS[config.mode],
      channels,
      meanImageRange: fit.meanImage ? [Math.min(...fit.meanImage), Math.max(...fit.meanImage)] : null,
      applied,
      meta: { ms: performance.now() - started },
    };
  } finally {
    bar.finish();
  }
}

/**
 * The statistics of `mode` over `train`'s images (float64 sums over the bytes; 0-255 scale). Takes
 * nothing but the training images: what it returns cannot depend on validation or test data.
 *
 * @example
 * const train = nn.data.randomImages({ count: 100, seed: 1 });     // 32×32×3 random bytes
 * const fit = nn.preprocessing.fitStats(train, 'channel-std');   // { channelMean: [~127.5, ...], channelStd: [~73.9, ...], ... }
 */
export function fitStats(train: ImageDataset, mode: ChannelMode): ChannelStatsFit {
  checkImageDataset('train', train);
  return fitFrom(train, imageStats(train), CHANNEL_OPTIONS.fields.mode.check('mode', mode));
}

function fitFrom(train: ImageDataset, s: ImageStats, m: ChannelMode): ChannelStatsFit {
  return {
    mode: m, count: train.count, height: train.height, width: train.width, channels: train.channels,
    meanImage: m === 'mean-image' ? Array.from(s.meanImage) : null,
    channelMean: s.channelMean,
    channelStd: m === 'channel-std' ? s.channelStd : null,
  };
}

/**
 * Images normalised with fitted training statistics (see the module comment for each mode's
 * formula): float32 [n, H, W, C], a new tensor the caller disposes. `start`/`size` pick a batch.
 *
 * @example
 * const train = nn.data.randomImages({ count: 100, seed: 1 });
 * const test = nn.data.randomImages({ count: 20, seed: 2 });
 * const fit = nn.preprocessing.fitStats(train, 'channel-std');
 * const x = nn.preprocessing.applyStats(fit, test, { start: 0, size: 10 });   // [10, 32, 32, 3]
 * x.dispose();
 */
export function applyStats(fit: ChannelStatsFit, images: ImageDataset, batch: { start?: number; size?: number } = {}): tf.Tensor4D {
  checkFit(fit, images);
  const stats = {
    meanImage: Float32Array.from(fit.meanImage ?? []), channelMean: fit.channelMean, channelStd: fit.channelStd ?? [],
  };
  const normalize = fit.mode === 'channel-std' ? 'channel-standard' : fit.mode;
  const { x, y } = toTensors(images, { ...batch, normalize, stats });
  y.dispose();
  return x;
}

/** Per-channel mean and std of a split after {@link applyStats}, batch by batch on the device, summed in float64. */
function appliedStats(split: AppliedSplit['split'], ds: ImageDataset, fit: ChannelStatsFit): AppliedSplit {
  const C = ds.channels;
  const sum = new Float64Array(C);
  const sq = new Float64Array(C);
  for (let start = 0; start < ds.count; start += APPLY_BATCH) {
    const size = Math.min(APPLY_BATCH, ds.count - start);
    // float32 sums over the batch's images only (one per pixel and channel), then float64 across pixels and batches
    const [s, q] = tf.tidy(() => {
      const x = applyStats(fit, ds, { start, size }).reshape([size, -1]);
      return [tf.sum(x, 0).dataSync(), tf.sum(tf.square(x), 0).dataSync()];
    });
    for (let j = 0; j < s.length; j++) { sum[j % C] += s[j]; sq[j % C] += q[j]; }
  }
  const n = ds.count * ds.height * ds.width;
  const mean = Array.from(sum, (v) => v / n);
  return { split, images: ds.count, mean, std: Array.from(sq, (v, c) => Math.sqrt(Math.max(0, v / n - mean[c] ** 2))) };
}

/** Every channel's mean and std (0-255 and 0-1), the mean of per-image stds, and the published numbers. */
function channelRows(train: ImageDataset, stats: ImageStats): ChannelRow[] {
  const s = stats.channelStd;
  const perImage = meanPerImageStd(train);
  const names = train.channels === 3 ? ['red', 'green', 'blue'] : Array.from({ length: train.channels }, (_, c) => `channel ${c}`);
  return names.map((channel, c) => ({
    channel,
    mean255: stats.channelMean[c], mean01: stats.channelMean[c] / 255,
    std255: s[c], std01: s[c] / 255,
    meanPerImageStd01: perImage[c] / 255,
    publishedMean01: CIFAR10_PUBLISHED.mean[c], publishedStd01: CIFAR10_PUBLISHED.std[c], copiedStd01: CIFAR10_PUBLISHED.copiedStd[c],
  }));
}

/**
 * Mean over images of each image's own population std of each channel (0-255), in float64: the
 * number behind the widely copied CIFAR-10 "std" (0.2023, 0.1994, 0.2010) × 255.
 *
 * @example
 * nn.preprocessing.meanPerImageStd(nn.data.randomImages({ count: 10, seed: 1 }))   // three values near 73.9 (uniform bytes)
 */
export function meanPerImageStd(ds: ImageDataset): number[] {
  const { channels: C } = ds;
  const pixels = ds.height * ds.width;
  const out = new Float64Array(C);
  for (let n = 0; n < ds.count; n++) {
    const off = n * pixels * C;
    for (let c = 0; c < C; c++) {
      let s = 0;
      let q = 0;
      for (let p = 0; p < pixels; p++) {
        const v = ds.images[off + p * C + c];
        s += v;
        q += v * v;
      }
      const m = s / pixels;
      out[c] += Math.sqrt(Math.max(0, q / pixels - m * m));
    }
  }
  return Array.from(out, (v) => v / ds.count);
}

function checkFit(fit: unknown, images: ImageDataset): asserts fit is ChannelStatsFit {
  const f = fit as ChannelStatsFit;
  if (typeof f !== 'object' || f === null || !CHANNEL_MODES.includes(f.mode) || !Array.isArray(f.channelMean)) {
    throw new ArgumentError('fit', fit, 'statistics returned by nn.preprocessing.fitStats(train, mode)');
  }
  checkImageDataset('images', images);
  if (f.height !== images.height || f.width !== images.width || f.channels !== images.channels) {
    throw new ArgumentError('images', `${images.height}×${images.width}×${images.channels} images`, `images of the fitted shape ${f.height}×${f.width}×${f.channels}`);
  }
  if (f.mode === 'mean-image' && f.meanImage?.length !== f.height * f.width * f.channels) throw new ArgumentError('fit.meanImage', f.meanImage, `${f.height * f.width * f.channels} numbers`);
  if (f.mode === 'channel-std' && (f.channelStd?.length !== f.channels || f.channelStd.some((s) => !(s > 0)))) {
    throw new ArgumentError('fit.channelStd', f.channelStd, `${f.channels} positive numbers`);
  }
}

function range(from: number, to: number): number[] {
  return Array.from({ length: to - from }, (_, i) => from + i);
}
