/**
 * Where dataset files come from, in order: the cache (NNLAB_DATA_DIR, default under the user's
 * cache folder), a local mirror (NNLAB_DATA_MIRROR: a folder, read in place and never written, or a
 * URL), then the official locations and their fallbacks. Every file is checked against the
 * registry's size, md5 and sha256 before its first use in a session.
 *
 * A mirror holds the official files under their official names, either flat or in one folder per
 * dataset (`<mirror>/mnist/t10k-images-idx3-ubyte.gz`); CIFAR-10 as the official archive or as the
 * folder it extracts to (`cifar-10-batches-bin/`).
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { checksumMismatch, downloadVerified, hashFile } from './download';
import { DatasetSpec, FileSpec } from './registry';

/** Where files were found. */
export type FileSource = 'cache' | 'mirror' | 'download' | 'partial';

export interface ResolvedFile { file: string; path: string; source: FileSource }

export interface FetchOptions {
  /** Cache folder (default: NNLAB_DATA_DIR, else the user's cache dir + /nnlab/datasets). */
  dataDir?: string;
  /** Mirror folder or URL (default: NNLAB_DATA_MIRROR; '' for none). */
  mirror?: string;
  /** Try the official URLs (default: true unless NNLAB_DATA_OFFLINE=1). A URL mirror is still tried. */
  download?: boolean;
  /** Make no network request at all, not even to a URL mirror (default true: requests allowed). */
  network?: boolean;
  /** Milliseconds without data before a request is abandoned (default 30,000). */
  timeoutMs?: number;
  /** Progress of a download: file name, bytes received and expected. */
  onProgress?: (file: string, received: number, total: number) => void;
  /** Told when a corrupt cached file was removed (then fetched again in the same call): the file and why. */
  onRepair?: (file: string, reason: string) => void;
}

/**
 * The cache folder: NNLAB_DATA_DIR, else a per-user cache folder.
 *
 * @example
 * nn.data.dataDir()                                  // e.g. '/home/me/.cache/nnlab/datasets'
 * nn.data.dataDir({ NNLAB_DATA_DIR: '/data/nnlab' }) // '/data/nnlab'
 */
export function dataDir(env: Record<string, string | undefined> = process.env): string {
  if (env.NNLAB_DATA_DIR) return path.resolve(env.NNLAB_DATA_DIR);
  const home = os.homedir();
  if (process.platform === 'darwin') return path.join(home, 'Library', 'Caches', 'nnlab', 'datasets');
  if (process.platform === 'win32') return path.join(env.LOCALAPPDATA ?? path.join(home, 'AppData', 'Local'), 'nnlab', 'datasets');
  return path.join(env.XDG_CACHE_HOME || path.join(home, '.cache'), 'nnlab', 'datasets');
}

/** Whether `s` is an http(s) URL (else a path). */
export function isUrl(s: string): boolean {
  return /^https?:\/\//.test(s);
}

/** Files already verified in this session: path -> "size:mtime" when it was checked. */
const verified = new Map<string, string>();

function stamp(file: string): string {
  const st = fs.statSync(file);
  return `${st.size}:${st.mtimeMs}`;
}

/**
 * Checks `file` against `spec` once per session (again if it changed). Returns the mismatch
 * sentence, or null when the file is good.
 */
export async function verifyOnce(file: string, spec: FileSpec): Promise<string | null> {
  const s = stamp(file);
  if (verified.get(file) === s) return null;
  const mismatch = checksumMismatch(spec, await hashFile(file));
  if (!mismatch) verified.set(file, s);
  return mismatch;
}

/** The mirror folder paths where `relPath` may be, for dataset `name`. */
export function mirrorCandidates(mirror: string, name: string, relPath: string): string[] {
  return [path.join(mirror, name, relPath), path.join(mirror, relPath)];
}

function fileSpec(spec: DatasetSpec, file: string): FileSpec {
  const f = spec.files[path.basename(file)];
  if (!f) throw new Error(`${file} is not a file of ${spec.name} in the registry`);
  return f;
}

/**
 * Why the cache folder cannot hold `cachePath`, or null: a path on the way is a file, or the first
 * existing folder on the way is not writable. (Otherwise the only symptom would be "missing".)
 */
export function cacheProblem(cachePath: string): string | null {
  let dir = path.dirname(cachePath);
  while (!fs.existsSync(dir)) {
    const up = path.dirname(dir);
    if (up === dir) return null;
    dir = up;
  }
  if (!fs.statSync(dir).isDirectory()) return `${dir} is a file, not a folder (ENOTDIR): set NNLAB_DATA_DIR to a folder`;
  try {
    fs.accessSync(dir, fs.constants.W_OK);
  } catch {
    return `${dir} is not writable (EACCES): fix its permissions or set NNLAB_DATA_DIR to a writable folder`;
  }
  return null;
}

/**
 * The cached copy, verified. A copy that fails its checksums is removed and reported through
 * `onRepair` (the caller then fetches it again: from the mirror or a download).
 */
async function cached(spec: DatasetSpec, relPath: string, cachePath: string, tried: string[],
  onRepair?: (file: string, reason: string) => void): Promise<ResolvedFile | null> {
  if (!fs.existsSync(cachePath)) {
    const problem = cacheProblem(cachePath);
    tried.push(`cache ${cachePath}: ${problem ?? 'missing'}`);
    return null;
  }
  const mismatch = await verifyOnce(cachePath, fileSpec(spec, relPath));
  if (mismatch) {
    fs.rmSync(cachePath, { force: true });
    const reason = `the cached copy ${cachePath} was corrupt (checksum mismatch: ${mismatch}); removed it and fetched it again`;
    tried.push(`cache ${cachePath}: corrupt (checksum mismatch: ${mismatch}), removed`);
    onRepair?.(relPath, reason);
    return null;
  }
  return { file: relPath, path: cachePath, source: 'cache' };
}

/**
 * Finds (or fetches into the cache) one official file of `spec`, by its path relative to the
 * dataset folder (`t10k-labels-idx1-ubyte.gz`, `cifar-10-batches-bin/test_batch.bin`).
 * Returns null when it is nowhere; throws on a checksum mismatch.
 */
export async function findFile(spec: DatasetSpec, relPath: string, opts: FetchOptions = {},
  env: Record<string, string | undefined> = process.env): Promise<{ found: ResolvedFile | null; tried: string[] }> {
  const tried: string[] = [];
  const cachePath = path.join(opts.dataDir ?? dataDir(env), spec.name, relPath);
  const hit = await cached(spec, relPath, cachePath, tried, opts.onRepair);
  if (hit) return { found: hit, tried };

  const mirror = opts.mirror ?? env.NNLAB_DATA_MIRROR ?? '';
  const fspec = fileSpec(spec, relPath);
  if (mirror && !isUrl(mirror)) {
    for (const candidate of mirrorCandidates(path.resolve(mirror), spec.name, relPath)) {
      if (!fs.existsSync(candidate)) { tried.push(`mirror ${candidate}: missing`); continue; }
      const mismatch = await verifyOnce(candidate, fspec);
      if (mismatch) throw new Error(`the mirror file ${candidate} does not match the registry (${mismatch}); fix or remove it from the mirror`);
      return { found: { file: relPath, path: candidate, source: 'mirror' }, tried };
    }
  }
  const base = path.basename(relPath);
  if (relPath !== base || opts.network === false) return { found: null, tried }; // archive members are not downloaded one by one
  const official = opts.download ?? !['1', 'true', 'yes'].includes((env.NNLAB_DATA_OFFLINE ?? '').toLowerCase());
  if (!official) tried.push('official URLs: not tried (offline: NNLAB_DATA_OFFLINE=1 or download: false)');
  const urls = [
    ...(mirror && isUrl(mirror) ? [`${mirror.replace(/\/?$/, '/')}${spec.name}/${base}`, `${mirror.replace(/\/?$/, '/')}${base}`] : []),
    ...(official ? [...spec.urls, ...spec.fallbackUrls].map((u) => `${u}${base}`) : []),
  ];
  for (const url of urls) {
    try {
      await downloadVerified(url, cachePath, fspec, { timeoutMs: opts.timeoutMs, onProgress: (r, t) => opts.onProgress?.(base, r, t) });
      verified.set(cachePath, stamp(cachePath));
      return { found: { file: relPath, path: cachePath, source: 'download' }, tried };
    } catch (err) {
      tried.push(`${url}: ${err instanceof Error ? err.message : String(err)}`);
    }
  }
  return { found: null, tried };
}

/** The error for a file that is nowhere: which file, where it would come from, how to set a mirror. */
export function missingFileError(spec: DatasetSpec, relPath: string, tried: string[]): Error {
  return new Error(`${spec.name}: ${relPath} is not available. Looked in:\n  ${tried.join('\n  ')}\n` +
    `It comes from ${[...spec.urls, ...spec.fallbackUrls].map((u) => `${u}${path.basename(relPath)}`).join(' or ')}. ` +
    'Offline, set NNLAB_DATA_MIRROR to a folder (or URL) holding the official files under their official names, ' +
    'e.g. `export NNLAB_DATA_MIRROR=/path/to/datasets` (see datasets/README.md).');
}

/** A truncated copy `<file>.partial` in the mirror folder, when there is one. */
export function findPartial(spec: DatasetSpec, relPath: string, opts: FetchOptions = {},
  env: Record<string, string | undefined> = process.env): string | null {
  const mirror = opts.mirror ?? env.NNLAB_DATA_MIRROR ?? '';
  if (!mirror || isUrl(mirror)) return null;
  return mirrorCandidates(path.resolve(mirror), spec.name, `${relPath}.partial`).find((p) => fs.existsSync(p)) ?? null;
}
