/**
 * The model store: tfjs Layers models saved in a local folder (tfjs' own format, model.json +
 * weights.bin) and models published at a URL, downloaded once into a cache folder. Storage only:
 * which models exist and how they are trained is the transfer lesson's business
 * (lessons/transfer/zoo.ts).
 *
 * The store is NNLAB_MODEL_DIR, else `models/` beside the dataset cache (~/.cache/nnlab/models).
 * Saving and loading are tf.io IOHandlers over the file system (tfjs' `file://` handler needs
 * tfjs-node, which is optional here). Files are written to a temporary folder that is renamed into
 * place, so an interrupted save or download never leaves a half model behind.
 */
import * as crypto from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { firstLine } from '../core/errors';
import { dataDir, isUrl } from './files';

/**
 * The zoo folder: NNLAB_MODEL_DIR, else `models` beside the dataset cache folder.
 *
 * @example
 * nn.data.modelDir()                                   // e.g. '/home/me/.cache/nnlab/models'
 * nn.data.modelDir({ NNLAB_MODEL_DIR: '/data/models' }) // '/data/models'
 */
export function modelDir(env: Record<string, string | undefined> = process.env): string {
  if (env.NNLAB_MODEL_DIR) return path.resolve(env.NNLAB_MODEL_DIR);
  return path.join(path.dirname(dataDir(env)), 'models');
}

/** A tf.io handler that saves to and loads from a folder: model.json + weights.bin. */
export function folderHandler(dir: string): tf.io.IOHandler {
  return {
    async save(artifacts: tf.io.ModelArtifacts): Promise<tf.io.SaveResult> {
      if (artifacts.modelTopology instanceof ArrayBuffer) throw new Error('saveModel: binary model topologies are not supported');
      const weights = artifacts.weightData === undefined ? new ArrayBuffer(0) : tf.io.CompositeArrayBuffer.join(artifacts.weightData);
      const json: tf.io.ModelJSON = {
        modelTopology: artifacts.modelTopology ?? {},
        format: artifacts.format ?? 'layers-model',
        generatedBy: artifacts.generatedBy,
        convertedBy: artifacts.convertedBy ?? null,
        weightsManifest: [{ paths: ['weights.bin'], weights: artifacts.weightSpecs ?? [] }],
        ...(artifacts.trainingConfig ? { trainingConfig: artifacts.trainingConfig } : {}),
        ...(artifacts.userDefinedMetadata ? { userDefinedMetadata: artifacts.userDefinedMetadata } : {}),
      };
      writeFolderAtomically(dir, { 'model.json': JSON.stringify(json), 'weights.bin': Buffer.from(weights) });
      return { modelArtifactsInfo: tf.io.getModelArtifactsInfoForJSON(artifacts) };
    },
    async load(): Promise<tf.io.ModelArtifacts> {
      const file = path.join(dir, 'model.json');
      if (!fs.existsSync(file)) throw new Error(`no model in ${dir}: ${file} does not exist`);
      const json = JSON.parse(fs.readFileSync(file, 'utf8')) as tf.io.ModelJSON;
      return tf.io.getModelArtifactsForJSON(json, async (manifest) => {
        const specs = tf.io.getWeightSpecs(manifest);
        const buffers = manifest.flatMap((group) => group.paths.map((p) => {
          const b = fs.readFileSync(path.join(dir, p));
          return b.buffer.slice(b.byteOffset, b.byteOffset + b.byteLength) as ArrayBuffer;
        }));
        return [specs, tf.io.CompositeArrayBuffer.join(buffers)];
      });
    },
  };
}

/** Writes files to `<dir>.tmp-<pid>` and renames it to `dir` (replacing an old copy). */
function writeFolderAtomically(dir: string, files: Record<string, string | Buffer>): void {
  const tmp = `${dir}.tmp-${process.pid}-${Date.now()}`;
  fs.mkdirSync(tmp, { recursive: true });
  try {
    for (const [name, content] of Object.entries(files)) fs.writeFileSync(path.join(tmp, name), content);
    fs.rmSync(dir, { recursive: true, force: true });
    fs.renameSync(tmp, dir);
  } finally {
    fs.rmSync(tmp, { recursive: true, force: true });
  }
}

/**
 * Saves a Layers model to a folder in tfjs' format (model.json + weights.bin).
 *
 * @example
 * const model = tf.sequential({ layers: [tf.layers.dense({ units: 2, inputShape: [4], activation: 'softmax' })] });
 * await nn.data.saveModel(model, 'out/tiny-model');   // out/tiny-model/model.json + weights.bin
 */
export async function saveModel(model: tf.LayersModel, dir: string): Promise<void> {
  await model.save(folderHandler(path.resolve(dir)));
}

/** The `userDefinedMetadata.nnlab` record saved in a folder's model.json (null when absent or unreadable). */
export function savedNnlabMetadata(dir: string): Record<string, unknown> | null {
  try {
    const json = JSON.parse(fs.readFileSync(path.join(dir, 'model.json'), 'utf8')) as { userDefinedMetadata?: { nnlab?: Record<string, unknown> } };
    return json.userDefinedMetadata?.nnlab ?? null;
  } catch {
    return null;
  }
}

/** Options of {@link cacheUrlModel}. */
export interface UrlModelOptions {
  /** Download again even when cached (default false). */
  refresh?: boolean;
  /** Milliseconds a request may take (default 60,000). */
  timeoutMs?: number;
}

/** The cache folder of a URL's model: `<zoo>/url/<first 16 hex of sha256(url)>`. */
export function urlCacheDir(url: string, zoo: string = modelDir()): string {
  return path.join(zoo, 'url', crypto.createHash('sha256').update(url).digest('hex').slice(0, 16));
}

/** GET `url` as bytes; the whole request (headers and body) must finish within `timeoutMs`. */
async function fetchBytes(url: string, timeoutMs: number): Promise<Buffer> {
  try {
    const res = await fetch(url, { signal: AbortSignal.timeout(timeoutMs) });
    if (!res.ok) throw new Error(`the server answered ${res.status} ${res.statusText}`);
    return Buffer.from(await res.arrayBuffer());
  } catch (err) {
    const why = err instanceof Error && err.name === 'TimeoutError' ? `no complete answer within ${timeoutMs / 1000} s` : `${firstLine(err)}${causeOf(err)}`;
    throw new Error(`loadPretrained: could not fetch ${url}: ${why}`);
  }
}

/** " (reason)" from an error's `cause` (fetch puts ECONNREFUSED there), or ''. */
function causeOf(err: unknown): string {
  const cause = (err as { cause?: unknown } | null)?.cause;
  return cause === undefined ? '' : ` (${firstLine(cause)})`;
}

const DTYPE_BYTES: Record<string, number> = { float32: 4, int32: 4, bool: 1, uint8: 1, float16: 2 };

/**
 * Downloads model.json and its weight files (paths relative to the URL) into the URL's cache
 * folder, checking that the weight bytes add up to what the manifest declares. Returns the folder.
 */
export async function cacheUrlModel(url: string, zoo: string, options: UrlModelOptions = {}): Promise<string> {
  const dir = urlCacheDir(url, zoo);
  if (!options.refresh && fs.existsSync(path.join(dir, 'model.json'))) return dir;
  const timeoutMs = options.timeoutMs ?? 60_000;
  const raw = await fetchBytes(url, timeoutMs);
  let json: tf.io.ModelJSON;
  try {
    json = JSON.parse(raw.toString('utf8')) as tf.io.ModelJSON;
  } catch {
    throw new Error(`loadPretrained: ${url} is not JSON (is it the model.json of a tfjs model?)`);
  }
  if (typeof json !== 'object' || json === null || !json.modelTopology || !Array.isArray(json.weightsManifest)) {
    throw new Error(`loadPretrained: ${url} is not a tfjs model.json (no modelTopology / weightsManifest)`);
  }
  const files: Record<string, string | Buffer> = { 'source.json': JSON.stringify({ url, fetched: new Date().toISOString() }) };
  let got = 0;
  for (const group of json.weightsManifest) {
    for (const p of group.paths) {
      if (p.includes('..') || path.isAbsolute(p) || /[\\/]/.test(p) || isUrl(p)) throw new Error(`loadPretrained: ${url} names a weight file outside its folder: ${p}`);
      const bytes = await fetchBytes(new URL(p, url).toString(), timeoutMs);
      files[p] = bytes;
      got += bytes.length;
    }
  }
  const expected = json.weightsManifest.flatMap((g) => g.weights).reduce((s, w) => {
    const q = w.quantization ? (w.quantization.dtype === 'uint8' ? 1 : 2) : (DTYPE_BYTES[w.dtype] ?? 4);
    return s + w.shape.reduce((a, b) => a * b, 1) * q;
  }, 0);
  if (got !== expected) throw new Error(`loadPretrained: the weight files of ${url} hold ${got} bytes, the manifest declares ${expected} (incomplete download?)`);
  files['model.json'] = raw;
  fs.mkdirSync(path.dirname(dir), { recursive: true });
  writeFolderAtomically(dir, files);
  return dir;
}
