/**
 * The lecture's 2 × 2 transfer-learning table, measured (lesson 10). Rows: a small or a large
 * target training set; columns: a target task similar to or very different from the source task
 * (see ./transferTasks). In every cell each strategy of ./transfer is trained from the same
 * pretrained zoo model and scored on the target task's test images:
 *
 *                  similar task                          very different task
 *   small data     linear classifier on top features     trouble: try linear classifiers on
 *                                                        features from different depths
 *   large data     fine-tune a few top layers            fine-tune many layers (or all)
 *
 * Three experiments, each a pure function from options to a plain record:
 * - {@link transferTable}: accuracy of every strategy in every cell, the winner, the advice;
 * - {@link transferDepth}: linear classifiers on features from each depth (the "small and different" cell);
 * - {@link transferCurve}: test accuracy against the number of target examples per class.
 *
 * Small cells are noisy (which 5 images per class you get matters), so they are repeated over
 * `repeats` seeded draws of the training set; every strategy sees the same draws. Learning rates
 * per strategy: a fresh linear head tolerates (and needs) a larger step than a whole network
 * trained from scratch; pretrained layers being fine-tuned move at a tenth of the head's rate.
 *
 * @example
 * const r = await nn.transferTable({ repeats: 1 });
 * r.cells.find((c) => c.size === 'small' && c.similarity === 'similar').best // 'linear'
 */
import * as tf from '@tensorflow/tfjs';
import { ArgumentError, checkInt, checkKnownKeys, checkNumber, checkOneOf } from '../core/errors';
import { checkSeed, seedStream } from '../core/rng';
import type { ImageDataset } from '../data/load';
import { indicesByClass, perClass, select } from '../data/transform';
import { VERSION } from '../version';
import { loadPretrained, MODEL_ZOO, ZooMetadata, zooMetadata } from './modelZoo';
import {
  accuracy, checkLearningRate, disposeTransferModel, linearProbe, TRANSFER_STRATEGIES, TransferModel, transferModel, TransferStrategy, trainClassifier,
} from './transfer';
import { loadTask, TaskData, TRANSFER_TASKS } from './transferTasks';

export const TARGET_SIZES = ['small', 'large'] as const;
export type TargetSize = typeof TARGET_SIZES[number];
export const SIMILARITIES = ['similar', 'different'] as const;
export type Similarity = typeof SIMILARITIES[number];

/** The lecture's advice per cell, in words, and the strategies it points to. */
export const TRANSFER_ADVICE: Record<`${TargetSize}/${Similarity}`, { advice: string; strategies: TransferStrategy[] }> = {
  'small/similar': { advice: 'Linear classifier on the top layer\'s features; keep the pretrained network frozen.', strategies: ['linear'] },
  'large/similar': { advice: 'Fine-tune a few of the top layers (more data: you can afford to adapt more).', strategies: ['finetune-top', 'finetune-all'] },
  'small/different': { advice: 'You are in trouble: try linear classifiers on features from different depths (earlier layers are more generic).', strategies: ['linear'] },
  'large/different': { advice: 'Fine-tune a large number of layers (or everything).', strategies: ['finetune-all'] },
};

/** Options shared by the three experiments. */
export interface TransferRunOptions {
  /** The pretrained zoo model (default 'mnist-0-4-cnn'). */
  model?: string;
  /** Passes over the target training set (default 3); small sets get `minSteps` steps at least. */
  epochs?: number;
  /** Minimum training steps per run (default 200): 25 images still get enough updates. */
  minSteps?: number;
  batchSize?: number;
  /** Adam learning rate of each strategy's fresh layers (scratch: every layer). */
  lrs?: Partial<Record<TransferStrategy, number>>;
  /** Fine-tuned pretrained layers learn at lr × this (default 0.1). */
  pretrainedLrScale?: number;
  /** For 'finetune-top': pretrained weight layers trained below the head (default 1: conv3). */
  topLayers?: number;
  /** Test images per class (default: all of the task's test images). */
  testPerClass?: number | null;
  seed?: number;
}

export interface TransferRunConfig {
  model: string;
  epochs: number;
  minSteps: number;
  batchSize: number;
  lrs: Record<TransferStrategy, number>;
  pretrainedLrScale: number;
  topLayers: number;
  testPerClass: number | null;
  seed: number;
}

export const TRANSFER_RUN_DEFAULTS: TransferRunConfig = {
  model: 'mnist-0-4-cnn', epochs: 3, minSteps: 200, batchSize: 64,
  lrs: { scratch: 3e-3, linear: 1e-2, 'finetune-top': 1e-2, 'finetune-all': 1e-2 },
  pretrainedLrScale: 0.1, topLayers: 1, testPerClass: null, seed: 0,
};

const RUN_KEYS = ['model', 'epochs', 'minSteps', 'batchSize', 'lrs', 'pretrainedLrScale', 'topLayers', 'testPerClass', 'seed'] as const;

function resolveRun(o: TransferRunOptions): TransferRunConfig {
  const d = TRANSFER_RUN_DEFAULTS;
  const model = o.model ?? d.model;
  if (typeof model !== 'string' || model === '') throw new ArgumentError('model', model, 'a zoo name, a URL or a folder');
  const lrs = { ...d.lrs };
  if (o.lrs !== undefined) {
    if (typeof o.lrs !== 'object' || o.lrs === null) throw new ArgumentError('lrs', o.lrs, `an object {strategy: lr} with strategies ${TRANSFER_STRATEGIES.join(', ')}`);
    for (const [k, v] of Object.entries(o.lrs)) lrs[checkOneOf('lrs key', k, TRANSFER_STRATEGIES)] = checkLearningRate(`lrs.${k}`, v);
  }
  return {
    model,
    epochs: checkInt('epochs', o.epochs ?? d.epochs, { min: 1, max: 1000 }),
    minSteps: checkInt('minSteps', o.minSteps ?? d.minSteps, { min: 0, max: 1e6 }),
    batchSize: checkInt('batchSize', o.batchSize ?? d.batchSize, { min: 1, max: 10_000 }),
    lrs,
    pretrainedLrScale: checkNumber('pretrainedLrScale', o.pretrainedLrScale ?? d.pretrainedLrScale, { min: 0, max: 10 }),
    topLayers: checkInt('topLayers', o.topLayers ?? d.topLayers, { min: 1 }),
    testPerClass: o.testPerClass === undefined || o.testPerClass === null ? d.testPerClass : checkInt('testPerClass', o.testPerClass, { min: 1 }),
    seed: checkSeed('seed', o.seed ?? d.seed),
  };
}

/** Callbacks and injected data of the experiments. */
export interface TransferHooks {
  /** Training steps done and in all, over the whole experiment. */
  onStep?: (done: number, total: number) => void;
  /** After every finished run. */
  onRun?: (run: TransferRunResult) => void;
  /** Use these datasets instead of loading MNIST / Fashion-MNIST (tests). */
  data?: TaskData;
  /** Zoo folder (default: NNLAB_MODEL_DIR or the cache). */
  modelDir?: string;
}

/** One trained and scored model. */
export interface TransferRunResult {
  task: 'similar' | 'different';
  perClass: number;
  strategy: TransferStrategy;
  /** For depth probes: the layer whose features the linear classifier reads. */
  layer: string | null;
  repeat: number;
  accuracy: number;
  trainedParameters: number;
  steps: number;
}

/** A planned run: what to train, and how many steps (known before training, for one progress bar). */
interface PlannedRun { task: 'similar' | 'different'; perClass: number; strategy: TransferStrategy; layer: string | null; repeat: number; steps: number }

function stepsFor(config: TransferRunConfig, classes: number, perClassCount: number): number {
  const perEpoch = Math.ceil((classes * perClassCount) / config.batchSize);
  return Math.max(config.epochs, Math.ceil(config.minSteps / perEpoch)) * perEpoch;
}

/** The test images of a task: all, or `testPerClass` per class (the first ones, in file order). */
function testSet(ds: ImageDataset, testPerClass: number | null): ImageDataset {
  if (testPerClass === null) return ds;
  const by = indicesByClass(ds);
  const smallest = Math.min(...by.map((c) => c.length));
  if (testPerClass > smallest) throw new ArgumentError('testPerClass', testPerClass, `at most ${smallest} (the smallest class of ${ds.name} ${ds.split})`);
  return select(ds, by.flatMap((c) => c.slice(0, testPerClass)).sort((a, b) => a - b));
}

/** Loads data and the zoo model once, then trains and scores every planned run, in order. */
async function executePlan(config: TransferRunConfig, plan: PlannedRun[], hooks: TransferHooks): Promise<{ runs: TransferRunResult[]; model: ZooMetadata | null; data: Record<string, unknown> }> {
  const tasks = [...new Set(plan.map((r) => r.task))];
  const sets = new Map<string, { train: ImageDataset; test: ImageDataset }>();
  for (const task of tasks) {
    const [train, test] = await Promise.all([loadTask(task, 'train', hooks.data), loadTask(task, 'test', hooks.data)]);
    for (const r of plan.filter((p) => p.task === task)) {
      const smallest = Math.min(...indicesByClass(train).map((c) => c.length));
      if (r.perClass > smallest) throw new ArgumentError('examples per class', r.perClass, `at most ${smallest} for the ${task} task (${TRANSFER_TASKS[task].description}: ${train.count} training images${train.note ? `; ${train.note}` : ''})`);
    }
    sets.set(task, { train, test: testSet(test, config.testPerClass) });
  }
  const load = () => loadPretrained(config.model, { dir: hooks.modelDir, data: hooks.data });
  const probe = await load();
  const meta = zooMetadata(probe);
  probe.dispose();
  const total = plan.reduce((s, r) => s + r.steps, 0);
  let done = 0;
  const seeds = seedStream(config.seed);
  const runs: TransferRunResult[] = [];
  for (const r of plan) {
    const { train, test } = sets.get(r.task)!;
    const drawSeed = seeds.derive(`draw ${r.task} ${r.perClass} ${r.repeat}`);
    const sub = perClass(train, r.perClass, drawSeed);
    const base = await load();
    let t: TransferModel | null = null;
    try {
      const initSeed = seeds.derive(`init ${r.task} ${r.perClass} ${r.repeat}`);
      t = r.layer !== null ? linearProbe(base, r.layer, train.classNames.length, initSeed)
        : await transferModel(base, { strategy: r.strategy, classes: train.classNames.length, topLayers: config.topLayers, seed: initSeed });
      const summary = await trainClassifier(t, sub, {
        epochs: config.epochs, minSteps: config.minSteps, batchSize: config.batchSize, lr: config.lrs[r.strategy],
        pretrainedLrScale: config.pretrainedLrScale, seed: seeds.derive(`order ${r.task} ${r.perClass} ${r.repeat}`),
        onStep: () => hooks.onStep?.(++done, total),
      });
      const result: TransferRunResult = {
        task: r.task, perClass: r.perClass, strategy: r.strategy, layer: r.layer, repeat: r.repeat,
        accuracy: await accuracy(t.model, test), trainedParameters: summary.trainedParameters, steps: summary.steps,
      };
      runs.push(result);
      hooks.onRun?.(result);
    } finally {
      if (t) disposeTransferModel(t);
      base.dispose();
    }
  }
  const data = Object.fromEntries([...sets].map(([task, s]) => [task, {
    description: TRANSFER_TASKS[task as 'similar'].description, trainImages: s.train.count, testImages: s.test.count, note: s.train.note ?? null,
  }]));
  return { runs, model: meta, data };
}

/** Mean and (sample) standard deviation of the accuracies of repeated runs. */
function summarize(values: number[]): { accuracy: number; std: number } {
  const mean = values.reduce((a, b) => a + b, 0) / values.length;
  const std = values.length < 2 ? 0 : Math.sqrt(values.reduce((s, v) => s + (v - mean) ** 2, 0) / (values.length - 1));
  return { accuracy: mean, std };
}

function header<T>(config: T) {
  return { options: config, backend: tf.getBackend(), versions: { nnlab: VERSION, tfjs: tf.version.tfjs } };
}

// ---------------------------------------------------------------------------------------------
// The 2 × 2 table

export interface TransferTableOptions extends TransferRunOptions {
  strategies?: readonly TransferStrategy[];
  /** Examples per class of the small and the large target training sets (default 5 and 750). */
  small?: number;
  large?: number;
  /** Seeded draws of each small training set (default 3); large cells run once. */
  repeats?: number;
}

export interface TransferTableConfig extends TransferRunConfig {
  strategies: TransferStrategy[];
  small: number;
  large: number;
  repeats: number;
}

export const TRANSFER_TABLE_DEFAULTS: TransferTableConfig = {
  ...TRANSFER_RUN_DEFAULTS, strategies: [...TRANSFER_STRATEGIES], small: 5, large: 750, repeats: 3,
};

/** Quick mode: 100 per class in the large cells, one draw of the small sets, 200 test images per class; every cell still runs. */
export const TRANSFER_TABLE_QUICK: Partial<TransferTableConfig> = { large: 100, repeats: 1, testPerClass: 200 };

export function resolveTransferTableOptions(options: TransferTableOptions = {}): TransferTableConfig {
  if (typeof options !== 'object' || options === null) throw new ArgumentError('options', options, 'an object');
  checkKnownKeys('transferTable', options, [...RUN_KEYS, 'strategies', 'small', 'large', 'repeats']);
  const strategies = options.strategies ?? TRANSFER_TABLE_DEFAULTS.strategies;
  if (!Array.isArray(strategies) || strategies.length === 0) throw new ArgumentError('strategies', strategies, `a non-empty list of ${TRANSFER_STRATEGIES.join(', ')}`);
  const small = checkInt('small', options.small ?? TRANSFER_TABLE_DEFAULTS.small, { min: 1 });
  return {
    ...resolveRun(options),
    strategies: strategies.map((s, i) => checkOneOf(`strategies[${i}]`, s, TRANSFER_STRATEGIES)),
    small,
    large: checkInt('large', options.large ?? TRANSFER_TABLE_DEFAULTS.large, { min: small + 1 }),
    repeats: checkInt('repeats', options.repeats ?? TRANSFER_TABLE_DEFAULTS.repeats, { min: 1, max: 100 }),
  };
}

export interface TransferCellResult { strategy: TransferStrategy; accuracy: number; std: number; accuracies: number[]; trainedParameters: number }

export interface TransferCell {
  size: TargetSize;
  similarity: Similarity;
  /** The target task, in words. */
  task: string;
  perClass: number;
  trainImages: number;
  results: TransferCellResult[];
  /** The strategy with the highest mean accuracy. */
  best: TransferStrategy;
  advice: string;
  advised: TransferStrategy[];
  /** Whether the measured winner is one the advice points to. */
  agrees: boolean;
}

export interface TransferTableRecord {
  experiment: 'transferTable';
  options: TransferTableConfig;
  backend: string;
  versions: { nnlab: string; tfjs: string };
  model: ZooMetadata | null;
  data: Record<string, unknown>;
  cells: TransferCell[];
  meta: { ms: number };
}

/** Measures every strategy in the four cells of the table. Frees every model it builds. */
export async function transferTable(options: TransferTableOptions = {}, hooks: TransferHooks = {}): Promise<TransferTableRecord> {
  const config = resolveTransferTableOptions(options);
  const start = performance.now();
  const classes = 5;
  const plan: PlannedRun[] = [];
  for (const size of TARGET_SIZES) {
    const n = size === 'small' ? config.small : config.large;
    for (const task of SIMILARITIES) {
      for (let repeat = 0; repeat < (size === 'small' ? config.repeats : 1); repeat++) {
        for (const strategy of config.strategies) plan.push({ task, perClass: n, strategy, layer: null, repeat, steps: stepsFor(config, classes, n) });
      }
    }
  }
  const { runs, model, data } = await executePlan(config, plan, hooks);
  const cells: TransferCell[] = [];
  for (const size of TARGET_SIZES) {
    const n = size === 'small' ? config.small : config.large;
    for (const similarity of SIMILARITIES) {
      const results = config.strategies.map((strategy) => {
        const mine = runs.filter((r) => r.task === similarity && r.perClass === n && r.strategy === strategy);
        const accuracies = mine.map((r) => r.accuracy);
        return { strategy, ...summarize(accuracies), accuracies, trainedParameters: mine[0].trainedParameters };
      });
      const best = results.reduce((a, b) => (b.accuracy > a.accuracy ? b : a)).strategy;
      const { advice, strategies: advised } = TRANSFER_ADVICE[`${size}/${similarity}`];
      cells.push({
        size, similarity, task: TRANSFER_TASKS[similarity].description, perClass: n, trainImages: n * classes,
        results, best, advice, advised, agrees: advised.includes(best),
      });
    }
  }
  return { experiment: 'transferTable', ...header(config), model, data, cells, meta: { ms: performance.now() - start } };
}

// ---------------------------------------------------------------------------------------------
// Features from different depths

export interface TransferDepthOptions extends TransferRunOptions {
  /** Layers whose (flattened) outputs the linear classifiers read, input side first (default pool1, pool2, flatten = conv3). */
  layers?: readonly string[];
  tasks?: readonly Similarity[];
  /** Examples per class (default 20: small, and enough that one draw shows the depth effect). */
  perClass?: number;
  repeats?: number;
}

export interface TransferDepthConfig extends TransferRunConfig { layers: string[]; tasks: Similarity[]; perClass: number; repeats: number }

export const TRANSFER_DEPTH_DEFAULTS: TransferDepthConfig = {
  ...TRANSFER_RUN_DEFAULTS, layers: ['pool1', 'pool2', 'flatten'], tasks: ['similar', 'different'], perClass: 20, repeats: 3,
};

/** Quick mode: one draw, 200 test images per class. */
export const TRANSFER_DEPTH_QUICK: Partial<TransferDepthConfig> = { repeats: 1, testPerClass: 200 };

export function resolveTransferDepthOptions(options: TransferDepthOptions = {}): TransferDepthConfig {
  if (typeof options !== 'object' || options === null) throw new ArgumentError('options', options, 'an object');
  checkKnownKeys('transferDepth', options, [...RUN_KEYS, 'layers', 'tasks', 'perClass', 'repeats']);
  const d = TRANSFER_DEPTH_DEFAULTS;
  const layers = options.layers ?? d.layers;
  if (!Array.isArray(layers) || layers.length === 0 || layers.some((l) => typeof l !== 'string')) throw new ArgumentError('layers', layers, 'a non-empty list of layer names');
  const tasks = options.tasks ?? d.tasks;
  if (!Array.isArray(tasks) || tasks.length === 0) throw new ArgumentError('tasks', tasks, 'a non-empty list of similar, different');
  return {
    ...resolveRun(options),
    layers: [...layers],
    tasks: tasks.map((t, i) => checkOneOf(`tasks[${i}]`, t, SIMILARITIES)),
    perClass: checkInt('perClass', options.perClass ?? d.perClass, { min: 1 }),
    repeats: checkInt('repeats', options.repeats ?? d.repeats, { min: 1, max: 100 }),
  };
}

export interface TransferDepthRecord {
  experiment: 'transferDepth';
  options: TransferDepthConfig;
  backend: string;
  versions: { nnlab: string; tfjs: string };
  model: ZooMetadata | null;
  data: Record<string, unknown>;
  /** One row per task and layer: the linear classifier's mean test accuracy over the draws. */
  rows: { task: Similarity; layer: string; features: number; accuracy: number; std: number; accuracies: number[] }[];
  /** The best layer per task. */
  best: Record<string, string>;
  meta: { ms: number };
}

/** Linear classifiers on frozen features of each depth, for each task. */
export async function transferDepth(options: TransferDepthOptions = {}, hooks: TransferHooks = {}): Promise<TransferDepthRecord> {
  const config = resolveTransferDepthOptions(options);
  const start = performance.now();
  const plan: PlannedRun[] = config.tasks.flatMap((task) => Array.from({ length: config.repeats }, (_, repeat) => config.layers.map((layer) => ({
    task, perClass: config.perClass, strategy: 'linear' as const, layer, repeat, steps: stepsFor(config, 5, config.perClass),
  }))).flat());
  const { runs, model, data } = await executePlan(config, plan, hooks);
  const rows = config.tasks.flatMap((task) => config.layers.map((layer) => {
    const mine = runs.filter((r) => r.task === task && r.layer === layer);
    const accuracies = mine.map((r) => r.accuracy);
    return { task, layer, features: (mine[0].trainedParameters / 5) - 1, ...summarize(accuracies), accuracies };
  }));
  const best = Object.fromEntries(config.tasks.map((task) => [task,
    rows.filter((r) => r.task === task).reduce((a, b) => (b.accuracy > a.accuracy ? b : a)).layer]));
  return { experiment: 'transferDepth', ...header(config), model, data, rows, best, meta: { ms: performance.now() - start } };
}

// ---------------------------------------------------------------------------------------------
// Learning curve

export interface TransferCurveOptions extends TransferRunOptions {
  task?: Similarity;
  strategies?: readonly TransferStrategy[];
  /** Examples per class along the curve (default 1, 2, 5, 10, 20, 50, 100, 250, 750). */
  sizes?: readonly number[];
}

export interface TransferCurveConfig extends TransferRunConfig { task: Similarity; strategies: TransferStrategy[]; sizes: number[] }

export const TRANSFER_CURVE_DEFAULTS: TransferCurveConfig = {
  ...TRANSFER_RUN_DEFAULTS, task: 'similar', strategies: ['scratch', 'linear', 'finetune-all'], sizes: [1, 2, 5, 10, 20, 50, 100, 250, 750],
};

/** Quick mode: three sizes, 200 test images per class. */
export const TRANSFER_CURVE_QUICK: Partial<TransferCurveConfig> = { sizes: [1, 10, 100], testPerClass: 200 };

export function resolveTransferCurveOptions(options: TransferCurveOptions = {}): TransferCurveConfig {
  if (typeof options !== 'object' || options === null) throw new ArgumentError('options', options, 'an object');
  checkKnownKeys('transferCurve', options, [...RUN_KEYS, 'task', 'strategies', 'sizes']);
  const d = TRANSFER_CURVE_DEFAULTS;
  const sizes = options.sizes ?? d.sizes;
  if (!Array.isArray(sizes) || sizes.length < 2) throw new ArgumentError('sizes', sizes, 'a list of at least two examples-per-class counts');
  const strategies = options.strategies ?? d.strategies;
  if (!Array.isArray(strategies) || strategies.length === 0) throw new ArgumentError('strategies', strategies, `a non-empty list of ${TRANSFER_STRATEGIES.join(', ')}`);
  return {
    ...resolveRun(options),
    task: checkOneOf('task', options.task ?? d.task, SIMILARITIES),
    strategies: strategies.map((s, i) => checkOneOf(`strategies[${i}]`, s, TRANSFER_STRATEGIES)),
    sizes: [...sizes].map((n, i) => checkInt(`sizes[${i}]`, n, { min: 1 })).sort((a, b) => a - b),
  };
}

export interface TransferCurveRecord {
  experiment: 'transferCurve';
  options: TransferCurveConfig;
  backend: string;
  versions: { nnlab: string; tfjs: string };
  model: ZooMetadata | null;
  data: Record<string, unknown>;
  points: { strategy: TransferStrategy; perClass: number; trainImages: number; accuracy: number }[];
  meta: { ms: number };
}

/** Test accuracy of each strategy against the number of target training examples per class. */
export async function transferCurve(options: TransferCurveOptions = {}, hooks: TransferHooks = {}): Promise<TransferCurveRecord> {
  const config = resolveTransferCurveOptions(options);
  const start = performance.now();
  const plan: PlannedRun[] = config.sizes.flatMap((n) => config.strategies.map((strategy) => ({
    task: config.task, perClass: n, strategy, layer: null, repeat: 0, steps: stepsFor(config, 5, n),
  })));
  const { runs, model, data } = await executePlan(config, plan, hooks);
  const points = runs.map((r) => ({ strategy: r.strategy, perClass: r.perClass, trainImages: r.perClass * 5, accuracy: r.accuracy }));
  return { experiment: 'transferCurve', ...header(config), model, data, points, meta: { ms: performance.now() - start } };
}
