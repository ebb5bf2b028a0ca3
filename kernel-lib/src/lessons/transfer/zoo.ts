/**
 * The model zoo of lesson 10: which pretrained models exist (MODEL_ZOO), how each is trained on
 * first use (seeded: {@link pretrain}), and loading one by name, URL or folder. Storage (folders,
 * URL cache, `nn.data.saveModel`) is data/models.ts.
 *
 *   nn.transfer.loadPretrained('mnist-0-4-cnn')               the lesson's base CNN, from the zoo folder
 *                                                            (trained and saved there on first use, seeded)
 *   nn.transfer.loadPretrained('https://host/path/model.json') a tfjs Layers model from a server, cached
 *   nn.transfer.loadPretrained('/path/to/folder')             a folder holding model.json + weight files
 *   await nn.data.saveModel(model, '/path/to/folder')         tfjs' own format (model.json + weights.bin)
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { ArgumentError, checkImageDataset, checkKnownKeys, checkOneOf, checkString } from '../../core/errors';
import { boolean, custom, defineOptions, int, optional } from '../../core/options';
import type { ProgressOption } from '../../core/progress';
import { isUrl } from '../../data/files';
import { cacheUrlModel, folderHandler, modelDir, saveModel, savedNnlabMetadata } from '../../data/models';
import { VERSION } from '../../core/version';
import { experimentProgress } from '../../show/progress';
import { buildBaseCnn, disposeModel, TransferModel, weightLayers } from './strategies';
import { accuracy, trainClassifier } from './train';
import { loadTask, TaskData, TASKS, TransferTaskName } from './tasks';

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

/**
 * The zoo: every pretrained model {@link loadPretrained} knows by name, with its recipe.
 *
 * @example
 * Object.keys(nn.transfer.MODEL_ZOO) // ['mnist-0-4-cnn']
 */
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
  /**
   * Progress while a zoo model is trained on first use ({@link pretrain}'s): a live bar and loss
   * chart in a kernel by default, or a callback of `{ done, total, phase, metrics: { loss, step } }`.
   */
  progress?: ProgressOption;
  /** Datasets to train a zoo model on instead of loading them (tests). */
  data?: TaskData;
}

/** The folder of a model given as a folder or its model.json. */
function modelFolder(source: string): string {
  return path.resolve(source.endsWith('model.json') ? path.dirname(source) : source);
}

/**
 * Throws unless `value` names a model {@link loadPretrained} can load: a zoo name, an http(s) URL,
 * or a folder (or its model.json) that holds model.json. Checked before anything loads.
 */
export function checkModelSource(name: string, value: unknown): string {
  const allowed = `a zoo name (${Object.keys(MODEL_ZOO).join(', ')}), an http(s) URL of a model.json, or a folder holding model.json`;
  if (typeof value !== 'string' || value === '') throw new ArgumentError(name, value, allowed);
  if (MODEL_ZOO[value] || isUrl(value)) return value;
  if (!fs.existsSync(path.join(modelFolder(value), 'model.json'))) throw new ArgumentError(name, value, allowed);
  return value;
}

/** `data`: datasets by name, each {train, test} (the transfer tests' synthetic stand-ins). */
function checkTaskData(name: string, value: unknown): TaskData {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw new ArgumentError(name, value, 'an object {mnist?, "fashion-mnist"?} of {train, test} datasets');
  for (const [key, splits] of Object.entries(value)) {
    checkOneOf(`${name} key`, key, ['mnist', 'fashion-mnist'] as const);
    if (typeof splits !== 'object' || splits === null) throw new ArgumentError(`${name}.${key}`, splits, 'an object {train, test} of image datasets');
    checkKnownKeys(`${name}.${key}`, splits, ['train', 'test']);
    for (const [split, ds] of Object.entries(splits)) checkImageDataset(`${name}.${key}.${split}`, ds);
  }
  return value as TaskData;
}

/** The options of {@link loadPretrained}, declared once (core/options.ts). */
export const LOAD_OPTIONS = defineOptions('transfer.loadPretrained', {
  dir: optional(custom((name, v) => checkString(name, v), { bad: ['', 5] })),
  train: boolean({ default: true }),
  refresh: boolean({ default: false }),
  timeoutMs: int({ min: 1, max: 3_600_000, default: 60_000 }),
  data: optional(custom(checkTaskData, { bad: [5, 'mnist', { mnist: 5 }, { emnist: {} }, { mnist: { train: {} } }] })),
});

/**
 * Loads a pretrained tfjs Layers model: a zoo name ({@link MODEL_ZOO}), an http(s) URL of a
 * model.json (downloaded once into `<dir>/url/<hash>/`, then read from there), or a folder.
 * The caller disposes the model (`model.dispose()`).
 *
 * @example
 * const base = await nn.transfer.loadPretrained('mnist-0-4-cnn'); // trained on first use (about half a minute)
 * nn.transfer.zooMetadata(base)!.testAccuracy // 0.99
 * base.dispose();
 */
export async function loadPretrained(source: string, options: LoadPretrainedOptions = {}): Promise<tf.LayersModel> {
  const { config, progress } = LOAD_OPTIONS.take(options);
  checkModelSource('source', source);
  const zoo = path.resolve(config.dir ?? modelDir());
  if (isUrl(source)) return tf.loadLayersModel(folderHandler(await cacheUrlModel(source, zoo, { refresh: config.refresh, timeoutMs: config.timeoutMs })));
  const entry = MODEL_ZOO[source];
  if (!entry) return tf.loadLayersModel(folderHandler(modelFolder(source)));
  const dir = path.join(zoo, entry.name);
  if (savedRevision(dir) !== entry.revision) {
    if (!config.train) throw new Error(`loadPretrained: ${entry.name} is not in ${zoo} (build it with \`nnlab zoo build ${entry.name}\`, or pass { train: true })`);
    const model = await pretrain(entry, { progress, data: config.data ?? undefined });
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
  const revision = savedNnlabMetadata(dir)?.revision;
  return typeof revision === 'number' ? revision : null;
}

/**
 * The zoo metadata saved with a model (null when it has none): name, source task, recipe, source
 * test accuracy, versions.
 *
 * @example
 * const base = await nn.transfer.loadPretrained('mnist-0-4-cnn');
 * console.log(nn.transfer.zooMetadata(base)?.trainImages); // 30596
 * base.dispose();
 */
export function zooMetadata(model: tf.LayersModel): ZooMetadata | null {
  const meta = model.getUserDefinedMetadata() as { nnlab?: ZooMetadata } | undefined;
  return meta?.nnlab ?? null;
}

/**
 * Trains a zoo model from its recipe: the base CNN on the source task's training images, Adam,
 * seeded. Returns the trained model with its metadata (test accuracy included) set; the caller
 * disposes it. {@link loadPretrained} calls it on a zoo model's first use and saves the result.
 * `progress`: a live bar and loss chart in a kernel by default; `data`: datasets instead of
 * MNIST (tests).
 *
 * @example
 * const cnn = await nn.transfer.pretrain(nn.transfer.MODEL_ZOO['mnist-0-4-cnn']); // about half a minute
 * console.log(nn.transfer.zooMetadata(cnn)?.testAccuracy); // 0.99
 * await nn.data.saveModel(cnn, 'my-zoo/mnist-0-4-cnn');
 * cnn.dispose();
 */
export async function pretrain(entry: ZooEntry, options: { progress?: ProgressOption; data?: TaskData } = {}): Promise<tf.LayersModel> {
  const { progress, data } = options;
  const [train, test] = await Promise.all([loadTask(entry.task, 'train', data), loadTask(entry.task, 'test', data)]);
  const model = buildBaseCnn({ classes: train.classNames.length, seed: entry.recipe.seed });
  const all = weightLayers(model).map((l) => l.name);
  const t: TransferModel = { strategy: 'scratch', model, pretrained: [], trained: all, fresh: all, release: () => model.dispose() };
  const bar = experimentProgress(progress, {
    label: `transfer.pretrain ${entry.name}`,
    chart: { metric: 'loss', title: `Pretraining ${entry.name} on ${TASKS[entry.task].description}`, xTitle: 'step', yTitle: 'cross-entropy loss', series: [entry.name] },
  });
  try {
    await trainClassifier(t, train, {
      epochs: entry.recipe.epochs, batchSize: entry.recipe.batchSize, lr: entry.recipe.lr, seed: entry.recipe.seed,
      progress: (e) => bar.report({ ...e, phase: entry.name }),
    });
    const meta: ZooMetadata = {
      name: entry.name, description: entry.description, task: TASKS[entry.task].description, revision: entry.revision, recipe: entry.recipe,
      trainImages: train.count, testAccuracy: await accuracy(model, test), backend: tf.getBackend(), nnlab: VERSION, tfjs: tf.version.tfjs,
    };
    model.setUserDefinedMetadata({ nnlab: meta });
    return model;
  } catch (err) {
    disposeModel(t);
    throw err;
  } finally {
    bar.finish();
  }
}

