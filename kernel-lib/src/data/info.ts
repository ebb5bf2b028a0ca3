/**
 * What is known and what is here, per dataset: files with sizes and where each was found
 * (verified against the registry), the cache folder, the mirror, and counts per class of each
 * split that can be loaded. Backs `nnlab data info` and `nnlab data fetch`.
 */
import * as fs from 'fs';
import * as path from 'path';
import { dataDir, FetchOptions, findFile, findPartial } from './files';
import { classCounts } from './transform';
import { loadDataset } from './load';
import { datasetSpec, Split, SPLITS, splitFiles } from './registry';

export interface FileStatus {
  file: string;
  size: number;
  md5: string;
  sha256: string;
  /** 'verified' (found, checksums match), 'missing', 'partial' (only a truncated copy) */
  status: 'verified' | 'missing' | 'partial';
  source: string | null;
  path: string | null;
  /** What happened to it in this call, e.g. a corrupt cached copy removed and fetched again; null when nothing. */
  note: string | null;
}

export interface DatasetInfo {
  name: string;
  title: string;
  licence: string;
  classNames: string[];
  imageShape: number[];
  cache: string;
  mirror: string | null;
  files: FileStatus[];
  splits: { split: Split; expected: number; loaded: number | null; perClass: number[] | null; note: string | null; error: string | null }[];
}

function errorText(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

/** The files each split needs (CIFAR-10: the extracted batches, which the archive provides). */
export function filesOf(name: string): string[] {
  const spec = datasetSpec(name);
  const files = SPLITS.flatMap((s) => splitFiles(spec, s));
  return spec.archive ? files.map((f) => `${spec.archive!.folder}/${f}`) : files;
}

/**
 * Status of every file, without downloading (unless `fetch`), then counts per class.
 *
 * @example
 * const info = await nn.data.datasetInfo('mnist');   // looks, downloads nothing
 * nn.table(info.files.map((f) => ({ file: f.file, status: f.status, source: f.source })));
 * nn.table(info.splits.map((s) => ({ split: s.split, expected: s.expected, loaded: s.loaded })));
 */
export async function datasetInfo(name: string, opts: FetchOptions & { fetch?: boolean; allowPartial?: boolean } = {}): Promise<DatasetInfo> {
  const spec = datasetSpec(name);
  const { fetch: _fetch, ...load } = opts; // loadDataset's options: every key but `fetch`
  const fetchErrors = new Map<Split, string>(); // the whole reason: where it looked, the URLs tried, the advice
  const repairs = new Map<string, string>(); // file -> a corrupt cached copy was removed (and fetched again)
  const onRepair = (file: string, reason: string) => {
    repairs.set(file, reason);
    opts.onRepair?.(file, reason);
  };
  if (opts.fetch) {
    for (const split of SPLITS) {
      try { await loadDataset(name, { ...load, onRepair, split, allowPartial: false }); } catch (err) { fetchErrors.set(split, errorText(err)); }
    }
  }
  const files: FileStatus[] = [];
  for (const rel of filesOf(name)) {
    const f = spec.files[path.basename(rel)];
    const { found } = await findFile(spec, rel, { ...opts, onRepair, network: false });
    const partial = found ? null : findPartial(spec, rel, opts);
    const repaired = repairs.get(rel) ?? null;
    files.push({
      file: rel, size: f.size, md5: f.md5, sha256: f.sha256,
      status: found ? 'verified' : partial ? 'partial' : 'missing',
      source: found ? found.source : partial ? 'mirror (truncated copy)' : null,
      path: found ? found.path : partial,
      note: repaired && !found ? repaired.replace('removed it and fetched it again', 'removed it; no other copy could be fetched') : repaired,
    });
  }
  const splits: DatasetInfo['splits'] = [];
  for (const split of SPLITS) {
    const expected = spec.splits[split].count;
    try {
      const ds = await loadDataset(name, { ...load, split, network: false, allowPartial: opts.allowPartial ?? true });
      splits.push({ split, expected, loaded: ds.count, perClass: classCounts(ds), note: ds.note ?? null, error: null });
    } catch (err) {
      splits.push({ split, expected, loaded: null, perClass: null, note: null, error: fetchErrors.get(split) ?? errorText(err) });
    }
  }
  const mirror = opts.mirror ?? process.env.NNLAB_DATA_MIRROR ?? '';
  const cache = path.join(opts.dataDir ?? dataDir(), name);
  return {
    name, title: spec.title, licence: spec.licence, classNames: spec.classNames, imageShape: spec.imageShape,
    cache: fs.existsSync(cache) ? cache : `${cache} (empty)`, mirror: mirror || null, files, splits,
  };
}
