/**
 * Train / validation / test rows for the lecture's fully connected nets (lessons 05 and 06): each
 * image flattened to one row of H·W·C pixels, with the per-channel mean of the TRAINING part
 * subtracted, in 0–255 units as cs231n's two-layer net assignment uses them (no division by 255:
 * the lecture's learning rates, 1e-6 too small, 1e-3 good, 3e-3 too large, are for this scale).
 *
 * - train and val: disjoint draws from the official training split, one seeded shuffle
 *   (val takes the first `val` images of the shuffle, train the next `train`);
 * - test: a seeded draw from the official test split (never seen by the statistics);
 * - channel means: float64 sums over the train part's bytes only, then subtracted from all three.
 */
import { ArgumentError, checkImageDataset, checkInt, checkOneOf, checkOptions } from '../core/errors';
import { checkSeed, mulberry32, seedStream, shuffle } from '../core/rng';
import type { ImageDataset, LoadOptions } from './load';
import { loadDataset } from './load';
import { imageStats } from './transform';

/** One part of a split: `count` rows of `dims` pixels each, and their labels. */
export interface FlatSplit { X: Float32Array; y: Int32Array; count: number }

/** What {@link flatSplits} returns. */
export interface FlatSplits {
  dataset: string;
  /** Pixels per row: H·W·C (3072 for CIFAR-10). */
  dims: number;
  shape: [number, number, number];
  classNames: string[];
  /** The train part's per-channel means, subtracted from every part (zeros with center 'none'). */
  channelMean: number[];
  train: FlatSplit;
  val: FlatSplit;
  test: FlatSplit;
  /** Which images each part holds, in words. */
  note: string;
}

export interface FlatSplitsOptions {
  /** A registered image dataset (default 'cifar-10'). */
  dataset?: string;
  /** Rows in each part; train + val at most the training split's size, test at most the test split's. */
  train: number;
  val: number;
  test: number;
  seed: number;
  /** 'channel-mean' (default) subtracts the train part's channel means; 'none' keeps raw 0–255 pixels. */
  center?: 'channel-mean' | 'none';
  /** Passed to loadDataset. */
  load?: Omit<LoadOptions, 'split'>;
}

const KEYS = ['dataset', 'train', 'val', 'test', 'seed', 'center', 'load'];

/**
 * Seeded, disjoint train / validation / test rows with train-only channel means subtracted; see the
 * module comment. `source.load` replaces the dataset loader (tests pass synthetic images).
 *
 * @example
 * const s = await nn.data.flatSplits({ train: 1000, val: 200, test: 200, seed: 0 });
 * s.dims                  // 3072
 * s.train.X.length        // 3072000: 1000 rows
 * s.channelMean           // about [125, 123, 114]: CIFAR-10's red, green and blue means
 */
export async function flatSplits(options: FlatSplitsOptions, source: { load?: (name: string, o: LoadOptions) => Promise<ImageDataset> } = {}): Promise<FlatSplits> {
  checkOptions('flatSplits options', options, KEYS);
  const dataset = options.dataset ?? 'cifar-10';
  const nTrain = checkInt('train', options.train, { min: 1, max: 1_000_000 });
  const nVal = checkInt('val', options.val, { min: 0, max: 1_000_000 });
  const nTest = checkInt('test', options.test, { min: 0, max: 1_000_000 });
  const seed = checkSeed('seed', options.seed);
  const center = checkOneOf('center', options.center ?? 'channel-mean', ['channel-mean', 'none']);
  const load = source.load ?? loadDataset;
  const trainSplit = await load(dataset, { ...options.load, split: 'train' });
  checkImageDataset('training split', trainSplit);
  if (nTrain + nVal > trainSplit.count) {
    throw new ArgumentError('train', nTrain, `at most ${trainSplit.count - nVal} with val ${nVal}: the training split of ${dataset} holds ${trainSplit.count} images`);
  }
  const seeds = seedStream(seed);
  const order = shuffle(Array.from({ length: trainSplit.count }, (_, i) => i), mulberry32(seeds.derive('train/val')));
  const valIdx = order.slice(0, nVal);
  const trainIdx = order.slice(nVal, nVal + nTrain);
  const dims = trainSplit.height * trainSplit.width * trainSplit.channels;
  const channelMean = center === 'none' ? new Array<number>(trainSplit.channels).fill(0) : trainMeans(trainSplit, trainIdx);
  let test: FlatSplit = { X: new Float32Array(0), y: new Int32Array(0), count: 0 };
  let testNote = 'no test rows';
  if (nTest > 0) {
    const testSplit = await load(dataset, { ...options.load, split: 'test' });
    checkImageDataset('test split', testSplit);
    if (nTest > testSplit.count) throw new ArgumentError('test', nTest, `at most ${testSplit.count}: the test split of ${dataset} holds ${testSplit.count} images`);
    const testOrder = shuffle(Array.from({ length: testSplit.count }, (_, i) => i), mulberry32(seeds.derive('test')));
    test = rows(testSplit, testOrder.slice(0, nTest), channelMean);
    testNote = `${nTest} of the ${testSplit.count} test images`;
  }
  return {
    dataset, dims, shape: [trainSplit.height, trainSplit.width, trainSplit.channels], classNames: trainSplit.classNames,
    channelMean, train: rows(trainSplit, trainIdx, channelMean), val: rows(trainSplit, valIdx, channelMean), test,
    note: `${dataset} (seed ${seed}): train ${nTrain} and val ${nVal} disjoint images of the ${trainSplit.count} training images, test ${testNote}; ${center === 'none' ? 'raw pixels 0–255' : 'the train part\'s channel means subtracted (0–255 units)'}${trainSplit.note ? `; ${trainSplit.note}` : ''}`,
  };
}

function trainMeans(ds: ImageDataset, indices: number[]): number[] {
  const size = ds.height * ds.width * ds.channels;
  const images = new Uint8Array(indices.length * size);
  indices.forEach((idx, k) => images.set(ds.images.subarray(idx * size, (idx + 1) * size), k * size));
  return imageStats({ ...ds, images, labels: new Uint8Array(indices.length), count: indices.length }).channelMean;
}

function rows(ds: ImageDataset, indices: number[], channelMean: number[]): FlatSplit {
  const size = ds.height * ds.width * ds.channels;
  const C = ds.channels;
  const X = new Float32Array(indices.length * size);
  const y = new Int32Array(indices.length);
  indices.forEach((idx, k) => {
    y[k] = ds.labels[idx];
    const src = idx * size;
    const dst = k * size;
    for (let j = 0; j < size; j++) X[dst + j] = ds.images[src + j] - channelMean[j % C];
  });
  return { X, y, count: indices.length };
}
