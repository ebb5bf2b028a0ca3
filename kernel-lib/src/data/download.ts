/**
 * Verified downloads: a file is streamed to a temporary name beside its destination while its md5
 * and sha256 are computed, and renamed to its real name only when size and both checksums match.
 * An interrupted or corrupted download therefore never leaves a file that looks valid. Network
 * requests time out (no hangs) and follow redirects.
 */
import { createHash } from 'crypto';
import * as fs from 'fs';
import * as http from 'http';
import * as https from 'https';
import * as path from 'path';
import type { FileSpec } from './registry';

export interface DownloadOptions {
  /** Milliseconds without a byte (or a connection) before a request is abandoned (default 30,000). */
  timeoutMs?: number;
  /** Called as bytes arrive: received so far and the expected total. */
  onProgress?: (received: number, total: number) => void;
}

export interface Checksums { size: number; md5: string; sha256: string }

/** Size, md5 and sha256 of a file, streamed (no whole-file buffer). */
export async function hashFile(file: string): Promise<Checksums> {
  const md5 = createHash('md5');
  const sha256 = createHash('sha256');
  let size = 0;
  for await (const chunk of fs.createReadStream(file, { highWaterMark: 1 << 20 })) {
    md5.update(chunk as Buffer);
    sha256.update(chunk as Buffer);
    size += (chunk as Buffer).length;
  }
  return { size, md5: md5.digest('hex'), sha256: sha256.digest('hex') };
}

/** The first way `actual` differs from `expected`, as a sentence part, or null when they agree. */
export function checksumMismatch(expected: FileSpec, actual: Checksums): string | null {
  if (actual.size !== expected.size) return `expected ${expected.size} bytes, got ${actual.size}`;
  if (actual.md5 !== expected.md5) return `expected md5 ${expected.md5}, got ${actual.md5}`;
  if (actual.sha256 !== expected.sha256) return `expected sha256 ${expected.sha256}, got ${actual.sha256}`;
  return null;
}

function get(url: string, timeoutMs: number, redirects = 5): Promise<http.IncomingMessage> {
  return new Promise((resolve, reject) => {
    const client = url.startsWith('https:') ? https : url.startsWith('http:') ? http : null;
    if (!client) return reject(new Error(`unsupported URL ${url} (http or https only)`));
    const req = client.get(url, { headers: { 'user-agent': 'nnlab' } }, (res) => {
      const status = res.statusCode ?? 0;
      if (status >= 300 && status < 400 && res.headers.location && redirects > 0) {
        res.resume();
        resolve(get(new URL(res.headers.location, url).toString(), timeoutMs, redirects - 1));
      } else if (status !== 200) {
        res.resume();
        reject(new Error(`HTTP ${status}`));
      } else {
        res.setTimeout(timeoutMs, () => res.destroy(new Error(`no data for ${timeoutMs / 1000} s`)));
        resolve(res);
      }
    });
    req.setTimeout(timeoutMs, () => req.destroy(new Error(`no answer within ${timeoutMs / 1000} s`)));
    req.on('error', reject);
  });
}

/** Whether a process with this id is running (a signal-0 probe; EPERM means it runs as another user). */
function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * Removes the temporary files `<dest>.download-<pid>-<ms>` that downloads of processes no longer
 * running left behind (a `data fetch` killed with SIGKILL cannot clean up). Returns their paths.
 */
export function removeStaleDownloads(dest: string): string[] {
  const dir = path.dirname(dest);
  const prefix = `${path.basename(dest)}.download-`;
  let names: string[];
  try {
    names = fs.readdirSync(dir);
  } catch {
    return [];
  }
  const removed: string[] = [];
  for (const name of names) {
    const m = name.startsWith(prefix) ? /^(\d+)-\d+$/.exec(name.slice(prefix.length)) : null;
    if (!m || alive(Number(m[1]))) continue;
    fs.rmSync(path.join(dir, name), { force: true });
    removed.push(path.join(dir, name));
  }
  return removed;
}

/** Downloads `url` to `dest` if it matches `spec`; throws (leaving nothing at `dest`) otherwise. */
export async function downloadVerified(url: string, dest: string, spec: FileSpec, opts: DownloadOptions = {}): Promise<void> {
  const timeoutMs = opts.timeoutMs ?? 30_000;
  fs.mkdirSync(path.dirname(dest), { recursive: true });
  removeStaleDownloads(dest);
  const tmp = `${dest}.download-${process.pid}-${Date.now()}`;
  const md5 = createHash('md5');
  const sha256 = createHash('sha256');
  let size = 0;
  let out: fs.WriteStream | null = null;
  try {
    const res = await get(url, timeoutMs);
    out = fs.createWriteStream(tmp);
    const file = out;
    await new Promise<void>((resolve, reject) => {
      res.on('data', (chunk: Buffer) => {
        md5.update(chunk);
        sha256.update(chunk);
        size += chunk.length;
        opts.onProgress?.(size, spec.size);
      });
      res.on('aborted', () => reject(new Error(`connection closed after ${size} of ${spec.size} bytes`)));
      res.on('error', reject);
      file.on('error', reject);
      file.on('finish', resolve);
      res.pipe(file);
    });
    const mismatch = checksumMismatch(spec, { size, md5: md5.digest('hex'), sha256: sha256.digest('hex') });
    if (mismatch) throw new Error(`the download does not match the registry: ${mismatch}`);
    fs.renameSync(tmp, dest);
  } finally {
    // A failed download can reject before the write stream has even opened its file: close the
    // stream first, so that the file cannot appear after it was removed.
    if (out && !out.closed) {
      const file = out;
      await new Promise<void>((resolve) => {
        file.once('close', () => resolve());
        file.destroy();
      });
    }
    fs.rmSync(tmp, { force: true });
  }
}
