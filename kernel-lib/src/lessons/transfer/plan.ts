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
import { ArgumentError, checkInt, checkNumber, checkOneOf } from '../../core/errors';
import { withQuickPreset } from '../../core/config';
import { checkSeed, seedStream } from '../../core/rng';
import type { ImageDataset } from '../../data/load';
import { indicesByClass, perClass, select } from '../../data/transform';
import type { ExperimentProgress } from '../../show/progress';
import { loadPretrained, ZooMetadata, zooMetadata } from './zoo';
import { disposeModel, linearProbe, STRATEGIES, TransferModel, transferModel, TransferStrategy } from './strategies';
import { accuracy, checkLearningRate, trainClassifier } from './train';
import { loadTask, TaskData, TASKS } from './tasks';

export const TARGET_SIZES = ['small', 'large'] as const;
export type TargetSize = typeof TARGET_SIZES[number];
export const SIMILARITIES = ['similar', 'different'] as const;
export type Similarity = typeof SIMILARITIES[number];

/**
 * An experiment's options with its quick preset applied in quick mode (NNLAB_QUICK=1; explicit
 * options win); anything that is not an object is left for the validation to reject.
 */
export function withQuick<T extends object>(options: T, preset: object): T {
  return typeof options === 'object' && options !== null ? withQuickPreset(options, preset as Partial<T>) as T : options;
}

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

export const RUN_KEYS = ['model', 'epochs', 'minSteps', 'batchSize', 'lrs', 'pretrainedLrScale', 'topLayers', 'testPerClass', 'seed'] as const;

export function resolveRun(o: TransferRunOptions): TransferRunConfig {
  const d = RUN_DEFAULTS;
  const model = o.model ?? d.model;
  if (typeof model !== 'string' || model === '') throw new ArgumentError('model', model, 'a zoo name, a URL or a folder');
  const lrs = { ...d.lrs };
  if (o.lrs !== undefined) {
    if (typeof o.lrs !== 'object' || o.lrs === null) throw new ArgumentError('lrs', o.lrs, `an object {strategy: lr} with strategies ${STRATEGIES.join(', ')}`);
    for (const [k, v] of Object.entries(o.lrs)) lrs[checkOneOf('lrs key', k, STRATEGIES)] = checkLearningRate(`lrs.${k}`, v);
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
  probe.dispose();
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

/** Mean and (sample) standard deviation of the accuracies of repeated runs. */
export function summarize(values: number[]): { accuracy: number; std: number } {
  const mean = values.reduce((a, b) => a + b, 0) / values.length;
  const std = values.length < 2 ? 0 : Math.sqrt(values.reduce((s, v) => s + (v - mean) ** 2, 0) / (values.length - 1));
  return { accuracy: mean, std };
}
