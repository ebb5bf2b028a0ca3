/**
 * The dataset registry: MNIST, Fashion-MNIST and CIFAR-10 with their official file names, download
 * locations (official first, then well-known fallbacks), byte sizes and checksums. The data lives
 * in datasets/registry.json at the repository root; this module types and validates it.
 */
import * as fs from 'fs';
import { ArgumentError } from '../core/errors';
import { datasetRegistryPath } from '../core/paths';

/** One official file: its size in bytes and its checksums (hex). */
export interface FileSpec { size: number; md5: string; sha256: string; sha256Source?: string }

export interface IdxSplit { images: string; labels: string; count: number }
export interface CifarSplit { batches: string[]; count: number }

/** One dataset of the registry. */
export interface DatasetSpec {
  name: string;
  title: string;
  licence: string;
  format: 'idx' | 'cifar-bin';
  /** [height, width, channels] of one image. */
  imageShape: [number, number, number];
  classNames: string[];
  /** Base URLs (ending in /) tried in order: official ones, then the fallbacks. */
  urls: string[];
  fallbackUrls: string[];
  /** CIFAR-10: the official archive and the folder it extracts to. */
  archive?: { file: string; folder: string };
  splits: { train: IdxSplit | CifarSplit; test: IdxSplit | CifarSplit };
  files: Record<string, FileSpec>;
}

export const SPLITS = ['train', 'test'] as const;
export type Split = typeof SPLITS[number];

let cache: Record<string, DatasetSpec> | null = null;

function readRegistry(): Record<string, DatasetSpec> {
  if (!cache) {
    const json = JSON.parse(fs.readFileSync(datasetRegistryPath(), 'utf8')) as { datasets: Record<string, Omit<DatasetSpec, 'name'>> };
    cache = Object.fromEntries(Object.entries(json.datasets).map(([name, d]) => [name, { name, ...d }]));
  }
  return cache;
}

/**
 * The names of the registered datasets.
 *
 * @example
 * nn.data.datasetNames()   // ['mnist', 'fashion-mnist', 'cifar-10']
 */
export function datasetNames(): string[] {
  return Object.keys(readRegistry());
}

/**
 * One dataset's spec; an unknown name is an error that lists the known ones.
 *
 * @example
 * const spec = nn.data.datasetSpec('cifar-10');
 * spec.imageShape          // [32, 32, 3]
 * spec.classNames.slice(0, 3)   // ['airplane', 'automobile', 'bird']
 * spec.splits.test.count   // 10000
 */
export function datasetSpec(name: string): DatasetSpec {
  const spec = readRegistry()[name];
  if (!spec) throw new ArgumentError('dataset', name, `one of ${datasetNames().map((n) => JSON.stringify(n)).join(', ')}`);
  return spec;
}

/**
 * The files a split needs, by their official names.
 *
 * @example
 * nn.data.splitFiles(nn.data.datasetSpec('mnist'), 'test')   // ['t10k-images-idx3-ubyte.gz', 't10k-labels-idx1-ubyte.gz']
 */
export function splitFiles(spec: DatasetSpec, split: Split): string[] {
  const s = spec.splits[split];
  return 'batches' in s ? [...s.batches] : [s.images, s.labels];
}
