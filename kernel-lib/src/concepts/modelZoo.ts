/**
 * A model zoo for lesson 10: pretrained tfjs Layers models saved in a local folder, and the same
 * loading code for a model published at a URL (cached locally after the first download).
 *
 *   loadPretrained('mnist-0-4-cnn')                          the lesson's base CNN, from the zoo folder
 *                                                            (trained and saved there on first use, seeded)
 *   loadPretrained('https://host/path/model.json')           a tfjs Layers model from a server, cached
 *   loadPretrained('/path/to/folder')                        a folder holding model.json + weight files
 *   saveModel(model, '/path/to/folder')                      tfjs' own format (model.json + weights.bin)
 *
 * The zoo folder is NNLAB_MODEL_DIR, else `models/` beside the dataset cache (~/.cache/nnlab/models).
 * Saving and loading are tf.io IOHandlers over the file system (tfjs' `file://` handler needs
 * tfjs-node, which is optional here). Files are written to a temporary folder that is renamed into
 * place, so an interrupted save or download never leaves a half model behind.
 */
import * as crypto from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { ArgumentError, checkKnownKeys, firstLine } from '../core/errors';
import { dataDir, isUrl } from '../data/files';
import { VERSION } from '../version';
import { accuracy, buildBaseCnn, disposeTransferModel, trainClassifier, TransferModel, weightLayers } from './transfer';
import { loadTask, TaskData, TRANSFER_TASKS, TransferTaskName } from './transferTasks';

/** The zoo folder: NNLAB_MODEL_DIR, else `models` beside the dataset cache folder. */
export function modelDir(env: Record<string, string | undefined> = process.env): string {
  if (env.NNLAB_MODEL_DIR) return path.resolve(env.NNLAB_MODEL_DIR);
  return path.join(path.dirname(dataDir(env)), 'models');
}

/** How a zoo model is made: architecture, source task and training recipe. */
export interface ZooEntry {
  name: string;
  description: string;
  task: TransferTaskName;
  /** Bumped when the architecture or recipe changes: a saved model of another revision is retrained. */
  revision: number;
  /** Passes over the source training images, batch size, Adam learning rate, seed. */
  recipe: { epochs: number; batchSize: number; lr: number; seed: number };
}

export const MODEL_ZOO: Record<string, ZooEntry> = {
  'mnist-0-4-cnn': {
    name: 'mnist-0-4-cnn',
    description: 'the lesson\'s base CNN (conv1 16, conv2 32, conv3 64, softmax head 5; 26,181 parameters) trained on MNIST digits 0–4',
    task: 'source',
    revision: 1,
    recipe: { epochs: 3, batchSize: 64, lr: 1e-3, seed: 0 },
  },
};

/** Metadata saved in model.json (`userDefinedMetadata.nnlab`). */
export interface ZooMetadata {
  name: string;
  description: string;
  task: string;
  revision: number;
  recipe: ZooEntry['recipe'];
  trainImages: number;
  testAccuracy: number;
  backend: string;
  nnlab: string;
  tfjs: string;
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

/** Saves a Layers model to a folder in tfjs' format (model.json + weights.bin). */
export async function saveModel(model: tf.LayersModel, dir: string): Promise<void> {
  await model.save(folderHandler(path.resolve(dir)));
}

/** Options of {@link loadPretrained}. */
export interface LoadPretrainedOptions {
  /** The zoo folder (default {@link modelDir}). */
  dir?: string;
  /** A zoo model that is not in the folder yet is trained and saved (default true); false: an error. */
  train?: boolean;
  /** Download a URL again even when cached (default false). */
  refresh?: boolean;
  /** Milliseconds a URL request may take (default 60,000). */
  timeoutMs?: number;
  /** Progress while a zoo model is trained: steps done and in all. */
  onStep?: (done: number, total: number) => void;
  /** Datasets to train a zoo model on instead of loading them (tests). */
  data?: TaskData;
}

/**
 * Loads a pretrained tfjs Layers model: a zoo name ({@link MODEL_ZOO}), an http(s) URL of a
 * model.json (downloaded once into `<dir>/url/<hash>/`, then read from there), or a folder.
 * The caller disposes the model (`model.dispose()`).
 */
export async function loadPretrained(source: string, options: LoadPretrainedOptions = {}): Promise<tf.LayersModel> {
  checkKnownKeys('loadPretrained', options, ['dir', 'train', 'refresh', 'timeoutMs', 'onStep', 'data']);
  if (typeof source !== 'string' || source === '') throw new ArgumentError('source', source, `a zoo name (${Object.keys(MODEL_ZOO).join(', ')}), a URL or a folder`);
  const zoo = path.resolve(options.dir ?? modelDir());
  if (isUrl(source)) return tf.loadLayersModel(folderHandler(await cacheUrlModel(source, zoo, options)));
  const entry = MODEL_ZOO[source];
  if (!entry) {
    const dir = path.resolve(source.endsWith('model.json') ? path.dirname(source) : source);
    if (!fs.existsSync(path.join(dir, 'model.json'))) {
      throw new ArgumentError('source', source, `a zoo name (${Object.keys(MODEL_ZOO).join(', ')}), an http(s) URL of a model.json, or a folder holding model.json`);
    }
    return tf.loadLayersModel(folderHandler(dir));
  }
  const dir = path.join(zoo, entry.name);
  if (savedRevision(dir) !== entry.revision) {
    if (options.train === false) throw new Error(`loadPretrained: ${entry.name} is not in ${zoo} (build it with \`nnlab zoo build ${entry.name}\`, or pass { train: true })`);
    const model = await pretrain(entry, { onStep: options.onStep, data: options.data });
    try {
      await saveModel(model, dir);
    } finally {
      model.dispose();
    }
  }
  return tf.loadLayersModel(folderHandler(dir));
}

/** The revision recorded in a saved zoo model's model.json (null when absent or unreadable). */
function savedRevision(dir: string): number | null {
  try {
    const json = JSON.parse(fs.readFileSync(path.join(dir, 'model.json'), 'utf8')) as { userDefinedMetadata?: { nnlab?: ZooMetadata } };
    return json.userDefinedMetadata?.nnlab?.revision ?? null;
  } catch {
    return null;
  }
}

/** The zoo metadata saved with a model (null when it has none). */
export function zooMetadata(model: tf.LayersModel): ZooMetadata | null {
  const meta = model.getUserDefinedMetadata() as { nnlab?: ZooMetadata } | undefined;
  return meta?.nnlab ?? null;
}

/**
 * Trains a zoo model from its recipe: the base CNN on the source task's training images, Adam,
 * seeded. Returns the trained model with its metadata (test accuracy included) set.
 */
export async function pretrain(entry: ZooEntry, hooks: { onStep?: (done: number, total: number) => void; data?: TaskData } = {}): Promise<tf.LayersModel> {
  const [train, test] = await Promise.all([loadTask(entry.task, 'train', hooks.data), loadTask(entry.task, 'test', hooks.data)]);
  const model = buildBaseCnn({ classes: train.classNames.length, seed: entry.recipe.seed });
  const all = weightLayers(model).map((l) => l.name);
  const t: TransferModel = { strategy: 'scratch', model, pretrained: [], trained: all, fresh: all, release: () => model.dispose() };
  try {
    await trainClassifier(t, train, {
      epochs: entry.recipe.epochs, batchSize: entry.recipe.batchSize, lr: entry.recipe.lr, seed: entry.recipe.seed,
      onStep: hooks.onStep ? (d, n) => hooks.onStep!(d, n) : undefined,
    });
    const meta: ZooMetadata = {
      name: entry.name, description: entry.description, task: TRANSFER_TASKS[entry.task].description, revision: entry.revision, recipe: entry.recipe,
      trainImages: train.count, testAccuracy: await accuracy(model, test), backend: tf.getBackend(), nnlab: VERSION, tfjs: tf.version.tfjs,
    };
    model.setUserDefinedMetadata({ nnlab: meta });
    return model;
  } catch (err) {
    disposeTransferModel(t);
    throw err;
  }
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
async function cacheUrlModel(url: string, zoo: string, options: LoadPretrainedOptions): Promise<string> {
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
