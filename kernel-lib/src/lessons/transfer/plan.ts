/**
 * What the three experiments of lesson 10 (./table.ts, ./depth.ts, ./curve.ts) share: the options of
 * one training run, a plan of runs (each: task, examples per class, strategy or probed layer, draw),
 * and its execution. Loads the target tasks and the pretrained zoo model once, then for every run
 * draws the training set, builds the strategy on a fresh copy of the zoo model, trains it and scores
 * it on the task's test images, freeing every model it builds. Internal: the public API is the
 * experiments.
 *
 * Small cells are noisy (which 5 images per class you get matters), so they are repeated over seeded
 * draws of the training set; every strategy sees the same draws. Learning rates per strategy: a fresh
 * linear head tolerates (and needs) a larger step than a whole network trained from scratch;
 * pretrained layers being fine-tuned move at a tenth of the head's rate.
 */
import { ArgumentError, checkOneOf } from '../../core/errors';
import { checkMemory, custom, float32Bytes, int, MemoryNeed, number, optional, OptionSchema, seed } from '../../core/options';
import { seedStream } from '../../core/rng';
import type * as tf from '@tensorflow/tfjs';
import type { ImageDataset } from '../../data/load';
import { indicesByClass, perClass, select } from '../../data/transform';
import type { ExperimentProgress } from '../../show/progress';
import { checkModelSource, loadPretrained, MODEL_ZOO, ZooMetadata, zooMetadata } from './zoo';
import { disposeModel, linearProbe, STRATEGIES, TransferModel, transferModel, TransferStrategy, weightLayers } from './strategies';
import { accuracy, checkLearningRate, trainClassifier } from './train';
import { loadTask, TaskData, TASKS } from './tasks';

export const TARGET_SIZES = ['small', 'large'] as const;
export type TargetSize = typeof TARGET_SIZES[number];
export const SIMILARITIES = ['similar', 'different'] as const;
export type Similarity = typeof SIMILARITIES[number];

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

export const RUN_DEFAULTS: TransferRunConfig = {
  model: 'mnist-0-4-cnn', epochs: 3, minSteps: 200, batchSize: 64,
  lrs: { scratch: 3e-3, linear: 1e-2, 'finetune-top': 1e-2, 'finetune-all': 1e-2, ensemble: 1e-2 },
  pretrainedLrScale: 0.1, topLayers: 1, testPerClass: null, seed: 0,
};

/** Most examples per class, test images per class, steps and batch rows a run takes (MNIST has at most 6,742 images of a class). */
export const RUN_LIMITS = { perClass: 10_000, testPerClass: 10_000, epochs: 1000, minSteps: 1_000_000, batchSize: 10_000, topLayers: 100, layers: 100 } as const;

/**
 * The layers of the zoo's base CNN (./strategies.ts, buildBaseCnn), input side first: what a zoo
 * model's options are checked against before anything loads.
 */
export const BASE_CNN_LAYERS = ['conv1', 'pool1', 'conv2', 'pool2', 'conv3', 'flatten', 'head'] as const;
/** Pretrained weight layers of the base CNN below its head (conv1, conv2, conv3): the most 'finetune-top' can train. */
export const BASE_CNN_TOP_LAYERS = 3;

/** `lrs`: an object {strategy: lr}; the strategies left out keep their default rate. */
function checkLrs(name: string, value: unknown): Record<TransferStrategy, number> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new ArgumentError(name, value, `an object {strategy: lr} with strategies ${STRATEGIES.join(', ')}`);
  }
  const lrs = { ...RUN_DEFAULTS.lrs };
  for (const [k, v] of Object.entries(value)) lrs[checkOneOf(`${name} key`, k, STRATEGIES)] = checkLearningRate(`${name}.${k}`, v);
  return lrs;
}

/**
 * The options every experiment of lesson 10 shares, declared once (core/options.ts); each
 * experiment adds its own (./table.ts, ./depth.ts, ./curve.ts).
 */
export const RUN_FIELDS = {
  model: custom(checkModelSource, { default: RUN_DEFAULTS.model, bad: ['', 'no-such-model-here', 42] }),
  epochs: int({ min: 1, max: RUN_LIMITS.epochs, default: RUN_DEFAULTS.epochs }),
  minSteps: int({ min: 0, max: RUN_LIMITS.minSteps, default: RUN_DEFAULTS.minSteps }),
  batchSize: int({ min: 1, max: RUN_LIMITS.batchSize, default: RUN_DEFAULTS.batchSize }),
  lrs: custom(checkLrs, { default: RUN_DEFAULTS.lrs, bad: [5, 'fast', { magic: 1e-2 }, { linear: 0 }, { linear: NaN }, { linear: 11 }] }),
  pretrainedLrScale: number({ min: 0, max: 10, default: RUN_DEFAULTS.pretrainedLrScale }),
  topLayers: int({ min: 1, max: RUN_LIMITS.topLayers, default: RUN_DEFAULTS.topLayers }),
  testPerClass: optional(int({ min: 1, max: RUN_LIMITS.testPerClass })),
  seed: seed(),
};

/** The rules of the shared options that a zoo model settles before it loads: topLayers within its pretrained layers. */
export function runRules(c: TransferRunConfig): void {
  if (MODEL_ZOO[c.model] && c.topLayers > BASE_CNN_TOP_LAYERS) {
    throw new ArgumentError('topLayers', c.topLayers, `an integer in [1, ${BASE_CNN_TOP_LAYERS}] (${c.model} has ${BASE_CNN_TOP_LAYERS} pretrained weight layers below its head: ${BASE_CNN_LAYERS.filter((l) => l.startsWith('conv')).join(', ')})`);
  }
}

/**
 * Resolves an experiment's options with its quick preset in quick mode: the schema checks the
 * options as given (with the full-mode defaults); then, in quick mode, the preset fills in every
 * option the user left out and `rules` and the memory estimate are checked again on the result,
 * still naming the options the user gave (a preset value is not "given").
 */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export function resolveWithPreset<C extends object>(schema: OptionSchema<any>, options: unknown, preset: Partial<C>, quick: boolean,
  rules: (config: C, given: Record<string, unknown>) => void, memory: (config: C) => MemoryNeed | MemoryNeed[]): C {
  // the defaults are shared: a record's lrs is its own copy
  const config = Object.fromEntries(Object.entries(schema.resolve(options)).map(([k, v]) => [k, isPlainObject(v) ? { ...v } : v])) as C;
  if (!quick) return config;
  const given = Object.fromEntries(Object.entries(options as object).filter(([, v]) => v !== undefined));
  const out = { ...config } as Record<string, unknown>;
  for (const [key, value] of Object.entries(preset)) if (!(key in given)) out[key] = Array.isArray(value) ? [...value] : value;
  rules(out as C, given);
  checkMemory(schema.name, memory(out as C));
  return out as C;
}

const isPlainObject = (v: unknown): v is object => typeof v === 'object' && v !== null && !Array.isArray(v);

/**
 * Memory a plan holds at its peak, estimated from its options (core/options.ts): the datasets of
 * its tasks (uint8 images, loaded whole, plus the task's classes copied out), the training batch
 * through the base CNN with its activations and their gradients, and the model's parameters with
 * Adam's state. A model that is not the zoo's is assumed to be the size of the base CNN (its size
 * is known only once it is loaded).
 */
export function runMemory(c: TransferRunConfig, data: { tasks: readonly Similarity[]; perClass: number; perClassArgument: string }): MemoryNeed[] {
  const datasets = [...new Set(data.tasks.map((t) => TASKS[t].dataset))].map((d) => (d === 'mnist' ? 'MNIST' : 'Fashion-MNIST'));
  const datasetBytes = datasets.length * DATASET_IMAGES * IMAGE_BYTES * 1.5 + 5 * data.perClass * IMAGE_BYTES;
  const rows = Math.max(c.batchSize, SCORE_BATCH);
  const trainFloats = c.batchSize * ACTIVATIONS_PER_IMAGE * 3 + c.batchSize * (IMAGE_BYTES + 5);
  const scoreFloats = SCORE_BATCH * ACTIVATIONS_PER_IMAGE;
  const paramBytes = float32Bytes(BASE_CNN_PARAMETERS * 4 * 2);
  return [
    { bytes: datasetBytes, argument: data.perClassArgument,
      what: `${datasets.join(' and ')} (${DATASET_IMAGES} images of 28 × 28 bytes each), and a training set of ${data.perClass} images per class` },
    { bytes: float32Bytes(Math.max(trainFloats, scoreFloats)), argument: 'batchSize',
      what: `batches of ${rows === c.batchSize ? c.batchSize : `${c.batchSize} (training) and ${SCORE_BATCH} (scoring)`} images through the base CNN, about ${ACTIVATIONS_PER_IMAGE} activations per image, kept with their gradients while training` },
    { bytes: paramBytes, argument: 'model',
      what: `${MODEL_ZOO[c.model] ? c.model : 'the model (assumed the size of the zoo\'s base CNN)'}: ${BASE_CNN_PARAMETERS} parameters with gradients and Adam's two moments, twice (the loaded model and a strategy's copy)` },
  ];
}

/** Images of one dataset of a task, train and test (MNIST and Fashion-MNIST: 60,000 + 10,000). */
const DATASET_IMAGES = 70_000;
/** Bytes of a 28 × 28 × 1 image. */
const IMAGE_BYTES = 28 * 28;
/** Images scored at once (./train.ts, accuracy). */
const SCORE_BATCH = 500;
/**
 * Numbers per image through the base CNN: input 784, conv1 10,816, pool1 2,704, conv2 3,872,
 * pool2 800, conv3 576, flatten 576, head 5, and the flattened pool1 and pool2 of the ensemble's
 * heads (3,504).
 */
const ACTIVATIONS_PER_IMAGE = 784 + 10_816 + 2704 + 3872 + 800 + 576 + 576 + 5 + 3504;
/** Parameters of the base CNN with 5 classes (./strategies.ts), and the ensemble's three heads. */
const BASE_CNN_PARAMETERS = 26_181 + (2704 + 800 + 576 + 3) * 5;

/**
 * Where an experiment's images and pretrained model come from (the experiments' second argument,
 * for tests): datasets instead of MNIST / Fashion-MNIST, and the zoo folder.
 */
export interface TransferSources {
  /** Use these datasets instead of loading MNIST / Fashion-MNIST. */
  data?: TaskData;
  /** Zoo folder (default: NNLAB_MODEL_DIR or the cache). */
  modelDir?: string;
}

/** One trained and scored model. */
export interface TransferRunResult {
  task: Similarity;
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
export interface PlannedRun { task: Similarity; perClass: number; strategy: TransferStrategy; layer: string | null; repeat: number; steps: number }

export function stepsFor(config: TransferRunConfig, classes: number, perClassCount: number): number {
  const perEpoch = Math.ceil((classes * perClassCount) / config.batchSize);
  return Math.max(config.epochs, Math.ceil(config.minSteps / perEpoch)) * perEpoch;
}

/**
 * The progress units of a plan: work measured in forward passes of one image through the base CNN,
 * so that the bar's ETA (from the rate so far) holds whichever runs come first. A training step
 * costs STEP_COST plus, per image of its batch, TRAIN_COST of its strategy (forward, then backward
 * through the trained layers); scoring costs one unit per test image. Measured on wasm, 1 thread
 * (about 0.4 ms per unit): a linear head, or conv3 as well, trains at about the cost of a forward
 * pass; backpropagating through all three convolutions costs 2.5 (scratch) to 3.5 (fine-tuning
 * everything, two optimizers); a step's fixed cost (batch copy, optimizer) is about 8 images.
 */
const TRAIN_COST: Record<TransferStrategy, number> = { scratch: 2.5, linear: 1, 'finetune-top': 1.2, 'finetune-all': 3.5, ensemble: 1.1 };
const STEP_COST = 8;

/** The cost of training step `step` (1-based) of a run on `count` images (the short last batch counts less). */
export function stepCost(strategy: TransferStrategy, step: number, count: number, batchSize: number): number {
  const perEpoch = Math.ceil(count / batchSize);
  const i = (step - 1) % perEpoch;
  const images = i < perEpoch - 1 ? batchSize : count - batchSize * (perEpoch - 1);
  return Math.round(STEP_COST + TRAIN_COST[strategy] * images);
}

/** The cost of a whole planned run (training and scoring `testImages`), in the units of {@link stepCost}. */
export function runCost(run: PlannedRun, classes: number, batchSize: number, testImages: number): number {
  let cost = testImages;
  for (let step = 1; step <= run.steps; step++) cost += stepCost(run.strategy, step, classes * run.perClass, batchSize);
  return cost;
}

/** The test images of a task: all, or `testPerClass` per class (the first ones, in file order). */
function testSet(ds: ImageDataset, testPerClass: number | null): ImageDataset {
  if (testPerClass === null) return ds;
  const by = indicesByClass(ds);
  const smallest = Math.min(...by.map((c) => c.length));
  if (testPerClass > smallest) throw new ArgumentError('testPerClass', testPerClass, `at most ${smallest} (the smallest class of ${ds.name} ${ds.split})`);
  return select(ds, by.flatMap((c) => c.slice(0, testPerClass)).sort((a, b) => a - b));
}

/** How the plan reports: the experiment's reporter and the phase (a progress series) of each run. */
export interface PlanProgress { bar: ExperimentProgress; phase: (run: PlannedRun) => string }

/**
 * Loads data and the zoo model once, then trains and scores every planned run, in order. Reports
 * `{ done, total, phase, metrics: { loss, step, perClass } }` after every training step (`step`
 * counts the steps of the whole plan), `{ ..., metrics: { scored } }` after every 500 test images
 * and `{ ..., metrics: { accuracy } }` after every run. `done` and `total` count work, not runs or
 * steps: forward-pass equivalents ({@link stepCost}), so the ETA from the rate so far is honest.
 */
export async function executePlan(config: TransferRunConfig, plan: PlannedRun[], sources: TransferSources, progress: PlanProgress): Promise<{ runs: TransferRunResult[]; model: ZooMetadata | null; data: Record<string, unknown> }> {
  const tasks = [...new Set(plan.map((r) => r.task))];
  const sets = new Map<string, { train: ImageDataset; test: ImageDataset }>();
  for (const task of tasks) {
    const [train, test] = await Promise.all([loadTask(task, 'train', sources.data), loadTask(task, 'test', sources.data)]);
    for (const r of plan.filter((p) => p.task === task)) {
      const smallest = Math.min(...indicesByClass(train).map((c) => c.length));
      if (r.perClass > smallest) throw new ArgumentError('examples per class', r.perClass, `at most ${smallest} for the ${task} task (${TASKS[task].description}: ${train.count} training images${train.note ? `; ${train.note}` : ''})`);
    }
    sets.set(task, { train, test: testSet(test, config.testPerClass) });
  }
  const load = () => loadPretrained(config.model, { dir: sources.modelDir, data: sources.data, progress: false });
  const probe = await load();
  const meta = zooMetadata(probe);
  try {
    checkPlanOnModel(config, plan, probe);
  } finally {
    probe.dispose();
  }
  const total = plan.reduce((s, r) => s + runCost(r, 5, config.batchSize, sets.get(r.task)!.test.count), 0);
  let done = 0;
  let step = 0;
  const seeds = seedStream(config.seed);
  const runs: TransferRunResult[] = [];
  for (const r of plan) {
    const { train, test } = sets.get(r.task)!;
    const phase = progress.phase(r);
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
        progress: (e) => {
          done += stepCost(r.strategy, e.done, sub.count, config.batchSize);
          progress.bar.report({ done, total, phase, metrics: { loss: e.metrics.loss, step: ++step, perClass: r.perClass } });
        },
      });
      const scoredBefore = done;
      const score = await accuracy(t.model, test, (n) => {
        done = scoredBefore + n;
        progress.bar.report({ done, total, phase, metrics: { scored: n } });
      });
      const result: TransferRunResult = {
        task: r.task, perClass: r.perClass, strategy: r.strategy, layer: r.layer, repeat: r.repeat,
        accuracy: score, trainedParameters: summary.trainedParameters, steps: summary.steps,
      };
      runs.push(result);
      progress.bar.report({ done, total, phase, metrics: { accuracy: result.accuracy } });
    } finally {
      if (t) disposeModel(t);
      base.dispose();
    }
  }
  const data = Object.fromEntries([...sets].map(([task, s]) => [task, {
    description: TASKS[task as Similarity].description, trainImages: s.train.count, testImages: s.test.count, note: s.train.note ?? null,
  }]));
  return { runs, model: meta, data };
}

/**
 * What only the loaded model can settle, checked before any training: 'finetune-top' trains at most
 * the model's pretrained weight layers, and a probed layer must be one of the model's.
 */
function checkPlanOnModel(config: TransferRunConfig, plan: PlannedRun[], model: tf.LayersModel): void {
  const below = weightLayers(model).length - 1;
  if (plan.some((r) => r.strategy === 'finetune-top' && r.layer === null) && config.topLayers > below) {
    throw new ArgumentError('topLayers', config.topLayers, `an integer in [1, ${below}] (${config.model} has ${below} pretrained weight layers below its head)`);
  }
  const names = model.layers.map((l) => l.name);
  for (const layer of new Set(plan.map((r) => r.layer))) {
    if (layer !== null && !names.includes(layer)) throw new ArgumentError('layers', layer, `layers of ${config.model}: ${names.join(', ')}`);
  }
}

/** Mean and (sample) standard deviation of the accuracies of repeated runs. */
export function summarize(values: number[]): { accuracy: number; std: number } {
  const mean = values.reduce((a, b) => a + b, 0) / values.length;
  const std = values.length < 2 ? 0 : Math.sqrt(values.reduce((s, v) => s + (v - mean) ** 2, 0) / (values.length - 1));
  return { accuracy: mean, std };
}
