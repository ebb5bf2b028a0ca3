/**
 * Parsers for the official file formats, with header and size validation:
 * - IDX (MNIST, Fashion-MNIST): magic 0x00 0x00 <type> <ndims>, then ndims big-endian uint32 sizes,
 *   then the data row-major; we read type 0x08 (unsigned byte). Gzipped.
 * - CIFAR-10 binary batches: records of 1 label byte (0-9) and 3,072 pixel bytes (1,024 R, then G,
 *   then B, each 32 x 32 row-major). We store images as NHWC (height, width, channel) bytes.
 * - tar (ustar), to extract the CIFAR-10 archive.
 */
import * as zlib from 'zlib';

/** A parsed IDX file: its sizes and its bytes. `complete` is the number of whole items present. */
export interface Idx { dims: number[]; data: Uint8Array; complete: number }

/** gunzips `buf`; with `partial`, returns whatever a truncated stream holds instead of throwing. */
export function gunzip(buf: Uint8Array, name: string, partial = false): Buffer {
  try {
    return partial ? zlib.gunzipSync(buf, { finishFlush: zlib.constants.Z_SYNC_FLUSH }) : zlib.gunzipSync(buf);
  } catch (err) {
    throw new Error(`${name}: not a valid gzip file (${err instanceof Error ? err.message : String(err)})${partial ? '' : '; a truncated download?'}`);
  }
}

/**
 * Parses an (already gunzipped) IDX file of unsigned bytes. A file shorter than its header says is
 * an error unless `allowTruncated`, in which case only the complete items are returned.
 */
export function parseIdx(buf: Uint8Array, name: string, opts: { allowTruncated?: boolean } = {}): Idx {
  if (buf.length < 4) throw new Error(`${name}: ${buf.length} bytes is too short for an IDX header`);
  const view = new DataView(buf.buffer, buf.byteOffset, buf.byteLength);
  if (buf[0] !== 0 || buf[1] !== 0) throw new Error(`${name}: not an IDX file (magic ${buf[0]} ${buf[1]}, expected 0 0)`);
  if (buf[2] !== 0x08) throw new Error(`${name}: IDX data type 0x${buf[2].toString(16)} is not 0x08 (unsigned byte)`);
  const ndims = buf[3];
  if (ndims < 1 || ndims > 4) throw new Error(`${name}: IDX header says ${ndims} dimensions, expected 1 to 4`);
  const header = 4 + 4 * ndims;
  if (buf.length < header) throw new Error(`${name}: ${buf.length} bytes is too short for a ${ndims}-dimensional IDX header`);
  const dims = Array.from({ length: ndims }, (_, i) => view.getUint32(4 + 4 * i, false));
  const itemSize = dims.slice(1).reduce((a, d) => a * d, 1);
  const expected = header + dims[0] * itemSize;
  if (buf.length > expected) throw new Error(`${name}: ${buf.length} bytes, more than the ${expected} its header announces`);
  let complete = dims[0];
  if (buf.length < expected) {
    complete = Math.floor((buf.length - header) / itemSize);
    if (!opts.allowTruncated) {
      throw new Error(`${name}: truncated: its header announces ${dims[0]} items (${expected} bytes) but it has ${buf.length} bytes ` +
        `(${complete} complete items)`);
    }
  }
  return { dims, data: buf.subarray(header, header + complete * itemSize), complete };
}

export const CIFAR_RECORD = 1 + 3 * 32 * 32;

/** Parses CIFAR-10 binary batch bytes into NHWC images and labels. */
export function parseCifarBatch(buf: Uint8Array, name: string): { images: Uint8Array; labels: Uint8Array; count: number } {
  if (buf.length === 0 || buf.length % CIFAR_RECORD !== 0) {
    throw new Error(`${name}: ${buf.length} bytes is not a whole number of ${CIFAR_RECORD}-byte CIFAR-10 records`);
  }
  const count = buf.length / CIFAR_RECORD;
  const images = new Uint8Array(count * 3072);
  const labels = new Uint8Array(count);
  for (let n = 0; n < count; n++) {
    const rec = n * CIFAR_RECORD;
    const label = buf[rec];
    if (label > 9) throw new Error(`${name}: record ${n} has label ${label}, expected 0 to 9`);
    labels[n] = label;
    const out = n * 3072;
    for (let p = 0; p < 1024; p++) {
      images[out + 3 * p] = buf[rec + 1 + p];
      images[out + 3 * p + 1] = buf[rec + 1 + 1024 + p];
      images[out + 3 * p + 2] = buf[rec + 1 + 2048 + p];
    }
  }
  return { images, labels, count };
}

/** One member of a tar archive. */
export interface TarEntry { name: string; data: Buffer }

/** Reads the regular files of an (ungzipped) ustar/GNU tar archive. */
export function readTar(buf: Buffer, name: string): TarEntry[] {
  const entries: TarEntry[] = [];
  let off = 0;
  while (off + 512 <= buf.length) {
    const block = buf.subarray(off, off + 512);
    if (block.every((b) => b === 0)) break;
    const field = (a: number, b: number) => block.subarray(a, b).toString('latin1').replace(/\0.*$/s, '');
    const prefix = field(345, 500);
    const entryName = (prefix ? `${prefix}/` : '') + field(0, 100);
    const size = parseInt(field(124, 136).trim() || '0', 8);
    const type = field(156, 157);
    if (!Number.isFinite(size) || off + 512 + size > buf.length) throw new Error(`${name}: damaged tar archive at byte ${off} (${entryName})`);
    if (type === '0' || type === '') entries.push({ name: entryName, data: buf.subarray(off + 512, off + 512 + size) });
    off += 512 + Math.ceil(size / 512) * 512;
  }
  return entries;
}
