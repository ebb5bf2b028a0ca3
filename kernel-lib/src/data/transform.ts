/**
 * Working with a loaded dataset: subsets (first n, n per class, a set of classes), a seeded
 * train/validation split, normalisation statistics and batches as float32 tensors.
 *
 * Normalisations (the preprocessing lesson, CURRICULUM.md §2), x in [0, 255]:
 * - 'unit':             x / 255, in [0, 1]
 * - 'mean-image':       (x - mean image) / 255 (AlexNet): mean over the training set, per pixel and channel
 * - 'channel-mean':     (x - per-channel mean) / 255 (VGG)
 * - 'channel-standard': (x - per-channel mean) / per-channel std (ResNet)
 * Statistics come from the training split ({@link imageStats}) and are applied to every split.
 */
import * as tf from '@tensorflow/tfjs';
import { ArgumentError, checkImageDataset, checkInt, checkOneOf, checkOptions, checkProbability } from '../core/errors';
import { checkSeed, mulberry32, shuffle } from '../core/rng';
import type { ImageDataset } from './load';

export const NORMALIZATIONS = ['unit', 'mean-image', 'channel-mean', 'channel-standard', 'none'] as const;
export type Normalization = typeof NORMALIZATIONS[number];

/** Training-set statistics in [0, 255] units: the mean image (H*W*C) and per-channel mean and std. */
export interface ImageStats { meanImage: Float32Array; channelMean: number[]; channelStd: number[] }

/**
 * A new dataset holding the examples at `indices` (in that order).
 *
 * @example
 * const ds = nn.data.randomImages({ count: 20, height: 8, width: 8, channels: 1, classes: 2, seed: 1 });
 * const sub = nn.data.select(ds, [0, 5, 7], 'three examples');
 * sub.count   // 3
 * sub.note    // 'three examples'
 */
export function select(ds: ImageDataset, indices: readonly number[], note?: string): ImageDataset {
  const size = ds.height * ds.width * ds.channels;
  const images = new Uint8Array(indices.length * size);
  const labels = new Uint8Array(indices.length);
  indices.forEach((idx, k) => {
    if (!Number.isInteger(idx) || idx < 0 || idx >= ds.count) throw new ArgumentError(`indices[${k}]`, idx, `an integer in [0, ${ds.count - 1}]`);
    images.set(ds.images.subarray(idx * size, (idx + 1) * size), k * size);
    labels[k] = ds.labels[idx];
  });
  return { ...ds, count: indices.length, images, labels, note: note ?? ds.note };
}

/**
 * The first `n` examples.
 *
 * @example
 * const ds = nn.data.randomImages({ count: 20, height: 8, width: 8, channels: 1, classes: 2, seed: 1 });
 * const first = nn.data.take(ds, 5);
 * first.count   // 5
 * first.note    // 'random-images train: first 5 of 20'
 */
export function take(ds: ImageDataset, n: number): ImageDataset {
  checkInt('n', n, { min: 0, max: ds.count });
  return select(ds, Array.from({ length: n }, (_, i) => i), `${ds.name} ${ds.split}: first ${n} of ${ds.count}`);
}

/**
 * The indices of each class, in dataset order.
 *
 * @example
 * const ds = nn.data.randomImages({ count: 20, height: 8, width: 8, channels: 1, classes: 2, seed: 1 });
 * const [class0, class1] = nn.data.indicesByClass(ds);
 * class0.length + class1.length   // 20
 */
export function indicesByClass(ds: ImageDataset): number[][] {
  const by: number[][] = ds.classNames.map(() => []);
  for (let i = 0; i < ds.count; i++) by[ds.labels[i]].push(i);
  return by;
}

/**
 * `n` examples of every class, drawn with `seed`, in class order.
 *
 * @example
 * const ds = nn.data.randomImages({ count: 40, height: 8, width: 8, channels: 1, classes: 2, seed: 1 });
 * const balanced = nn.data.perClass(ds, 5, 1);
 * nn.data.classCounts(balanced)   // [5, 5]
 */
export function perClass(ds: ImageDataset, n: number, seed: number): ImageDataset {
  checkSeed('seed', seed);
  const by = indicesByClass(ds);
  const smallest = Math.min(...by.map((c) => c.length));
  checkInt('n', n, { min: 1, max: smallest });
  const random = mulberry32(seed);
  return select(ds, by.flatMap((idx) => shuffle(idx, random).slice(0, n).sort((a, b) => a - b)),
    `${ds.name} ${ds.split}: ${n} per class (seed ${seed})`);
}

/**
 * Only the examples of `classes` (original class numbers). With `relabel` (default true) they are
 * renumbered 0..k-1 in the order given, and classNames follow.
 *
 * @example
 * const ds = nn.data.randomImages({ count: 30, height: 8, width: 8, channels: 1, classes: 3, seed: 1 });
 * const pair = nn.data.onlyClasses(ds, [2, 0]);   // class 2 becomes 0, class 0 becomes 1
 * pair.classNames   // ['class 2', 'class 0']
 * const kept = nn.data.onlyClasses(ds, [2, 0], false);   // original labels kept
 */
export function onlyClasses(ds: ImageDataset, classes: readonly number[], relabel = true): ImageDataset {
  if (!Array.isArray(classes) || classes.length === 0 || new Set(classes).size !== classes.length) {
    throw new ArgumentError('classes', classes, 'a non-empty list of distinct class numbers');
  }
  classes.forEach((c, i) => checkInt(`classes[${i}]`, c, { min: 0, max: ds.classNames.length - 1 }));
  const keep: number[] = [];
  for (let i = 0; i < ds.count; i++) if (classes.includes(ds.labels[i])) keep.push(i);
  const sub = select(ds, keep, `${ds.name} ${ds.split}: classes ${classes.map((c) => ds.classNames[c]).join(', ')}`);
  if (!relabel) return sub;
  const map = new Map(classes.map((c, i) => [c, i]));
  return { ...sub, labels: sub.labels.map((l) => map.get(l)!), classNames: classes.map((c) => ds.classNames[c]) };
}

/**
 * A seeded split into train and validation parts; `valFraction` of the examples go to validation.
 *
 * @example
 * const ds = nn.data.randomImages({ count: 20, height: 8, width: 8, channels: 1, classes: 2, seed: 1 });
 * const { train, val } = nn.data.trainValSplit(ds, 0.25, 1);
 * [train.count, val.count]   // [15, 5]
 */
export function trainValSplit(ds: ImageDataset, valFraction: number, seed: number): { train: ImageDataset; val: ImageDataset } {
  checkProbability('valFraction', valFraction, { open: 'both' });
  checkSeed('seed', seed);
  const order = shuffle(Array.from({ length: ds.count }, (_, i) => i), mulberry32(seed));
  const nVal = Math.round(ds.count * valFraction);
  return {
    train: select(ds, order.slice(nVal).sort((a, b) => a - b), `${ds.name} ${ds.split}: training part of a ${1 - valFraction}/${valFraction} split (seed ${seed})`),
    val: select(ds, order.slice(0, nVal).sort((a, b) => a - b), `${ds.name} ${ds.split}: validation part of a ${1 - valFraction}/${valFraction} split (seed ${seed})`),
  };
}

/**
 * Counts per class.
 *
 * @example
 * const ds = nn.data.randomImages({ count: 20, height: 8, width: 8, channels: 1, classes: 2, seed: 1 });
 * const counts = nn.data.classCounts(ds);   // two counts that add up to 20
 * nn.table(counts.map((n, k) => ({ class: ds.classNames[k], count: n })));
 */
export function classCounts(ds: ImageDataset): number[] {
  const counts = ds.classNames.map(() => 0);
  for (let i = 0; i < ds.count; i++) counts[ds.labels[i]] += 1;
  return counts;
}

/**
 * Mean image and per-channel mean/std of a (training) dataset, in float64, in [0, 255] units.
 *
 * @example
 * const train = nn.data.randomImages({ count: 20, height: 8, width: 8, channels: 3, classes: 2, seed: 1 });
 * const stats = nn.data.imageStats(train);
 * stats.channelMean   // three means near 127.5 (uniform random bytes)
 * stats.channelStd    // three stds near 74
 * stats.meanImage.length   // 192 = 8 * 8 * 3
 */
export function imageStats(ds: ImageDataset): ImageStats {
  const size = ds.height * ds.width * ds.channels;
  const sum = new Float64Array(size);
  const chSum = new Array<number>(ds.channels).fill(0);
  const chSq = new Array<number>(ds.channels).fill(0);
  for (let n = 0; n < ds.count; n++) {
    const off = n * size;
    for (let j = 0; j < size; j++) {
      const v = ds.images[off + j];
      sum[j] += v;
      chSum[j % ds.channels] += v;
      chSq[j % ds.channels] += v * v;
    }
  }
  const perChannel = ds.count * ds.height * ds.width;
  const channelMean = chSum.map((s) => s / perChannel);
  return {
    meanImage: Float32Array.from(sum, (s) => s / ds.count),
    channelMean,
    channelStd: chSq.map((q, c) => Math.sqrt(Math.max(0, q / perChannel - channelMean[c] ** 2))),
  };
}

export interface BatchOptions {
  /** First example (default 0). */
  start?: number;
  /** Number of examples (default: to the end). Or give `indices`. */
  size?: number;
  indices?: readonly number[];
  /** Default 'unit'. */
  normalize?: Normalization;
  /** Needed for every normalisation but 'unit' and 'none': the training set's statistics. */
  stats?: ImageStats;
  /** Labels as one-hot float32 [n, classes] instead of int32 [n] (default false). */
  oneHot?: boolean;
}

/**
 * A batch as tensors: x float32 [n, H, W, C] normalised, y int32 [n] or one-hot [n, classes]. Caller disposes.
 *
 * @example
 * const train = nn.data.randomImages({ count: 20, height: 8, width: 8, channels: 1, classes: 2, seed: 1 });
 * const stats = nn.data.imageStats(train);
 * const { x, y } = nn.data.toTensors(train, { start: 0, size: 8, normalize: 'channel-standard', stats, oneHot: true });
 * x.shape   // [8, 8, 8, 1]
 * y.shape   // [8, 2]
 * tf.dispose([x, y]);
 */
export function toTensors(ds: ImageDataset, opts: BatchOptions = {}): { x: tf.Tensor4D; y: tf.Tensor } {
  checkImageDataset('toTensors: dataset', ds);
  checkOptions('toTensors options', opts, ['start', 'size', 'indices', 'normalize', 'stats', 'oneHot']);
  const normalize = checkOneOf('normalize', opts.normalize ?? 'unit', NORMALIZATIONS);
  const start = checkInt('start', opts.start ?? 0, { min: 0, max: ds.count });
  const indices = opts.indices ?? Array.from({ length: opts.size ?? ds.count - start }, (_, i) => start + i);
  const n = indices.length;
  const size = ds.height * ds.width * ds.channels;
  if (!['unit', 'none'].includes(normalize) && !opts.stats) {
    throw new ArgumentError('stats', opts.stats, `the training set's imageStats(train) for normalize "${normalize}"`);
  }
  const x = new Float32Array(n * size);
  const y = new Int32Array(n);
  const s = opts.stats;
  indices.forEach((idx, k) => {
    if (!Number.isInteger(idx) || idx < 0 || idx >= ds.count) throw new ArgumentError(`indices[${k}]`, idx, `an integer in [0, ${ds.count - 1}]`);
    y[k] = ds.labels[idx];
    const src = idx * size;
    const dst = k * size;
    for (let j = 0; j < size; j++) {
      const v = ds.images[src + j];
      const c = j % ds.channels;
      x[dst + j] = normalize === 'unit' ? v / 255
        : normalize === 'none' ? v
          : normalize === 'mean-image' ? (v - s!.meanImage[j]) / 255
            : normalize === 'channel-mean' ? (v - s!.channelMean[c]) / 255
              : (v - s!.channelMean[c]) / (s!.channelStd[c] || 1);
    }
  });
  const xs = tf.tensor4d(x, [n, ds.height, ds.width, ds.channels]);
  const ys = opts.oneHot ? tf.tidy(() => tf.oneHot(tf.tensor1d(y, 'int32'), ds.classNames.length).toFloat()) : tf.tensor1d(y, 'int32');
  return { x: xs, y: ys };
}

/**
 * Index batches of `batchSize` over the dataset, shuffled with `seed` (or in order when seed is null).
 *
 * @example
 * nn.data.batchIndices(10, 4, null)   // [[0, 1, 2, 3], [4, 5, 6, 7], [8, 9]]
 * const shuffled = nn.data.batchIndices(10, 4, 1);   // the same sizes, in a seeded order
 */
export function batchIndices(count: number, batchSize: number, seed: number | null): number[][] {
  checkInt('batchSize', batchSize, { min: 1 });
  const order = Array.from({ length: count }, (_, i) => i);
  const shuffled = seed === null ? order : shuffle(order, mulberry32(checkSeed('seed', seed)));
  const out: number[][] = [];
  for (let i = 0; i < count; i += batchSize) out.push(shuffled.slice(i, i + batchSize));
  return out;
}
