/**
 * Loading a dataset split into compact storage: images as uint8 NHWC bytes, labels as uint8, plus
 * the class names. Tensors are made per batch from this (./transform), so the whole of CIFAR-10
 * stays 150 MB of bytes instead of 600 MB of float32.
 *
 * @example
 * const train = await nn.data.loadDataset('mnist', { split: 'train' });
 * train.count // 60000; train.images.length === 60000 * 28 * 28
 */
import * as fs from 'fs';
import * as path from 'path';
import { checkBoolean, checkFunction, checkNumber, checkOneOf, checkOptions, checkString } from '../core/errors';
import { inKernel } from '../core/kernel';
import { CIFAR_RECORD, gunzip, parseCifarBatch, parseIdx, readTar } from './formats';
import { dataDir, FetchOptions, findFile, findPartial, missingFileError } from './files';
import { datasetSpec, DatasetSpec, Split, SPLITS } from './registry';
import { checksumMismatch, hashFile } from './download';

/** A split of an image dataset in compact storage. */
export interface ImageDataset {
  name: string;
  split: Split;
  count: number;
  height: number;
  width: number;
  channels: number;
  /** count x height x width x channels bytes (NHWC), 0-255. */
  images: Uint8Array;
  /** count labels in [0, classNames.length). */
  labels: Uint8Array;
  classNames: string[];
  /** Set when the data is not the whole official split (a truncated file, a subset). */
  note?: string;
}

/** The options loadDataset knows; any other key is an error. */
const LOAD_KEYS = ['split', 'allowPartial', 'dataDir', 'mirror', 'download', 'network', 'timeoutMs', 'onProgress', 'onRepair'] as const;

export interface LoadOptions extends FetchOptions {
  split?: Split;
  /**
   * Where only a truncated copy of an official file is available (`<file>.partial` in the mirror),
   * use its complete images and say how many (default false: a missing file is an error).
   */
  allowPartial?: boolean;
}

/**
 * Loads one split of a registered dataset (from the cache, a mirror or the official URLs).
 * Download progress goes to `options.onProgress` (none by default; `nn.data.loadDataset` passes
 * live progress bars).
 */
export async function loadDataset(name: string, options: LoadOptions = {}): Promise<ImageDataset> {
  const spec = datasetSpec(name);
  checkOptions('loadDataset options', options, LOAD_KEYS);
  if (options.dataDir !== undefined) checkString('loadDataset options.dataDir', options.dataDir);
  if (options.mirror !== undefined) checkString('loadDataset options.mirror', options.mirror, true);
  if (options.allowPartial !== undefined) checkBoolean('loadDataset options.allowPartial', options.allowPartial);
  if (options.download !== undefined) checkBoolean('loadDataset options.download', options.download);
  if (options.network !== undefined) checkBoolean('loadDataset options.network', options.network);
  if (options.timeoutMs !== undefined) checkNumber('loadDataset options.timeoutMs', options.timeoutMs, { min: 1 });
  for (const key of ['onProgress', 'onRepair'] as const) if (options[key] !== undefined) checkFunction(`loadDataset options.${key}`, options[key]);
  const split = checkOneOf('split', options.split ?? 'train', SPLITS);
  return spec.format === 'idx' ? loadIdx(spec, split, options) : loadCifar(spec, split, options);
}

async function readIdxFile(spec: DatasetSpec, file: string, opts: LoadOptions): Promise<{ idx: ReturnType<typeof parseIdx>; partial: boolean; path: string }> {
  const { found, tried } = await findFile(spec, file, opts);
  if (found) return { idx: parseIdx(gunzip(fs.readFileSync(found.path), found.path), found.path), partial: false, path: found.path };
  const partial = opts.allowPartial ? findPartial(spec, file, opts) : null;
  if (!partial) {
    const err = missingFileError(spec, file, tried);
    const hint = findPartial(spec, file, opts) ? ` A truncated copy (${file}.partial) is in the mirror: pass { allowPartial: true } to use its complete images.` : '';
    throw new Error(err.message + hint);
  }
  const idx = parseIdx(gunzip(fs.readFileSync(partial), partial, true), partial, { allowTruncated: true });
  return { idx, partial: true, path: partial };
}

async function loadIdx(spec: DatasetSpec, split: Split, opts: LoadOptions): Promise<ImageDataset> {
  const s = spec.splits[split];
  if ('batches' in s) throw new Error(`${spec.name}: split ${split} is not an IDX split`);
  const images = await readIdxFile(spec, s.images, opts);
  const labels = await readIdxFile(spec, s.labels, opts);
  const [h, w, c] = spec.imageShape;
  const { dims } = images.idx;
  if (dims.length !== 3 || dims[1] !== h || dims[2] !== w) throw new Error(`${images.path}: images are ${dims.join('x')}, expected N x ${h} x ${w}`);
  if (labels.idx.dims.length !== 1) throw new Error(`${labels.path}: labels have ${labels.idx.dims.length} dimensions, expected 1`);
  if (!images.partial && images.idx.complete !== s.count) throw new Error(`${images.path}: ${images.idx.complete} images, expected ${s.count}`);
  const count = Math.min(images.idx.complete, labels.idx.complete);
  if (!images.partial && labels.idx.complete !== count) throw new Error(`${labels.path}: ${labels.idx.complete} labels for ${count} images`);
  const labelData = labels.idx.data.slice(0, count);
  const bad = labelData.findIndex((l) => l >= spec.classNames.length);
  if (bad >= 0) throw new Error(`${labels.path}: label ${labelData[bad]} at index ${bad} is not a class (0 to ${spec.classNames.length - 1})`);
  const ds: ImageDataset = {
    name: spec.name, split, count, height: h, width: w, channels: c,
    images: images.idx.data.slice(0, count * h * w * c), labels: labelData, classNames: spec.classNames,
  };
  if (images.partial || labels.partial) {
    ds.note = `${spec.name} ${split}: only the first ${count} of ${s.count} images (the complete ones in the truncated file ${images.path})`;
    // stdout in a notebook; stderr elsewhere, so that `nnlab ... --json` output stays pure JSON
    (inKernel() ? console.log : console.error)(`note: ${ds.note}`);
  }
  return ds;
}

/** Extracts the CIFAR-10 archive into the cache, checking every member against the registry. */
async function extractCifarArchive(spec: DatasetSpec, archivePath: string, opts: LoadOptions): Promise<void> {
  const folder = spec.archive!.folder;
  const target = path.join(opts.dataDir ?? dataDir(), spec.name, folder);
  fs.mkdirSync(target, { recursive: true });
  for (const entry of readTar(gunzip(fs.readFileSync(archivePath), archivePath), archivePath)) {
    const base = path.basename(entry.name);
    const fspec = spec.files[base];
    if (!fspec || path.basename(path.dirname(entry.name)) !== folder) continue;
    const tmp = path.join(target, `${base}.extract-${process.pid}`);
    fs.writeFileSync(tmp, entry.data);
    const mismatch = checksumMismatch(fspec, await hashFile(tmp));
    if (mismatch) {
      fs.rmSync(tmp, { force: true });
      throw new Error(`${archivePath}: member ${entry.name} does not match the registry (${mismatch})`);
    }
    fs.renameSync(tmp, path.join(target, base));
  }
}

async function loadCifar(spec: DatasetSpec, split: Split, opts: LoadOptions): Promise<ImageDataset> {
  const s = spec.splits[split];
  if (!('batches' in s)) throw new Error(`${spec.name}: split ${split} is not a CIFAR split`);
  const folder = spec.archive!.folder;
  const paths: string[] = [];
  for (const batch of s.batches) {
    let { found, tried } = await findFile(spec, `${folder}/${batch}`, opts);
    if (!found) {
      const archive = await findFile(spec, spec.archive!.file, opts);
      if (!archive.found) throw missingFileError(spec, spec.archive!.file, [...tried, ...archive.tried]);
      await extractCifarArchive(spec, archive.found.path, opts);
      ({ found, tried } = await findFile(spec, `${folder}/${batch}`, opts));
      if (!found) throw missingFileError(spec, `${folder}/${batch}`, tried);
    }
    paths.push(found.path);
  }
  const images = new Uint8Array(s.count * 3072);
  const labels = new Uint8Array(s.count);
  let n = 0;
  for (const p of paths) {
    const batch = parseCifarBatch(fs.readFileSync(p), p);
    if (n + batch.count > s.count) throw new Error(`${p}: more records than the ${s.count} of split ${split}`);
    images.set(batch.images, n * 3072);
    labels.set(batch.labels, n);
    n += batch.count;
  }
  if (n !== s.count) throw new Error(`${spec.name} ${split}: ${n} records in ${paths.length} files, expected ${s.count} (${CIFAR_RECORD} bytes each)`);
  const [h, w, c] = spec.imageShape;
  return { name: spec.name, split, count: n, height: h, width: w, channels: c, images, labels, classNames: spec.classNames };
}

