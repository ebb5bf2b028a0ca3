/**
 * Features from different depths (lesson 10): the lecture's advice for the "small data, very
 * different task" cell is to train linear classifiers on features from different depths, because
 * lower layers are more generic. This experiment freezes the zoo model and trains a linear softmax
 * classifier on the flattened output of each probed layer (pool1 2,704 features, pool2 800,
 * flatten = conv3 576), for the similar and the very different task.
 *
 * @example
 * const r = await nn.transfer.depth({ seed: 1 });
 * nn.transfer.showDepth(r);
 * r.best // { similar: 'flatten', different: 'pool2' }
 */
import { isQuick } from '../../core/config';
import { ArgumentError, checkString } from '../../core/errors';
import { custom, defineOptions, int, list, MemoryNeed, oneOf } from '../../core/options';
import { ProgressOption, takeProgress } from '../../core/progress';
import { provenance } from '../../core/record';
import { experimentProgress } from '../../show/progress';
import { MODEL_ZOO, ZooMetadata } from './zoo';
import {
  BASE_CNN_LAYERS, executePlan, PlannedRun, resolveWithPreset, RUN_DEFAULTS, RUN_FIELDS, RUN_LIMITS, runMemory, runRules, Similarity,
  SIMILARITIES, stepsFor, summarize, TransferRunConfig, TransferRunOptions, TransferSources,
} from './plan';

export interface DepthOptions extends TransferRunOptions {
  /** Layers whose (flattened) outputs the linear classifiers read, input side first (default pool1, pool2, flatten = conv3). */
  layers?: readonly string[];
  tasks?: readonly Similarity[];
  /** Examples per class (default 20: small, and enough that one draw shows the depth effect). */
  perClass?: number;
  repeats?: number;
  /** A live bar and loss chart in a kernel by default; false: silent; or a callback. */
  progress?: ProgressOption;
}

export interface DepthConfig extends TransferRunConfig { layers: string[]; tasks: Similarity[]; perClass: number; repeats: number }

/**
 * The defaults of {@link depth}: pool1, pool2 and flatten on both tasks, 20 examples per class, 3 draws.
 *
 * @example
 * nn.transfer.DEPTH_DEFAULTS.layers // ['pool1', 'pool2', 'flatten']
 */
export const DEPTH_DEFAULTS: DepthConfig = {
  ...RUN_DEFAULTS, layers: ['pool1', 'pool2', 'flatten'], tasks: ['similar', 'different'], perClass: 20, repeats: 3,
};

/**
 * Quick mode (NNLAB_QUICK=1, read by {@link depth} itself): one draw, 200 test images per class.
 *
 * @example
 * await nn.transfer.depth({ ...nn.transfer.DEPTH_QUICK, seed: 1 }) // quick, whatever the mode
 */
export const DEPTH_QUICK: Partial<DepthConfig> = { repeats: 1, testPerClass: 200 };

/** The options of {@link depth}, declared once (core/options.ts): the shared run options and its own. */
const DEPTH_FIELDS = {
  ...RUN_FIELDS,
  layers: list(custom((name, v) => checkString(name, v), { bad: ['', 5] }), { minLength: 1, maxLength: RUN_LIMITS.layers, unique: true, default: DEPTH_DEFAULTS.layers }),
  tasks: list(oneOf(SIMILARITIES), { minLength: 1, maxLength: SIMILARITIES.length, unique: true, default: DEPTH_DEFAULTS.tasks }),
  perClass: int({ min: 1, max: RUN_LIMITS.perClass, default: DEPTH_DEFAULTS.perClass }),
  repeats: int({ min: 1, max: 100, default: DEPTH_DEFAULTS.repeats }),
};

/** The rules across the options: a zoo model's probed layers are among its layers; the shared rules. */
function depthRules(c: DepthConfig): void {
  if (MODEL_ZOO[c.model]) {
    for (const [i, layer] of c.layers.entries()) {
      if (!(BASE_CNN_LAYERS as readonly string[]).includes(layer)) throw new ArgumentError(`layers[${i}]`, layer, `a layer of ${c.model}: ${BASE_CNN_LAYERS.join(', ')}`);
    }
  }
  runRules(c);
}

/** Peak memory of {@link depth}: the datasets of its tasks, the training sets, a batch through the base CNN. */
function depthMemory(c: DepthConfig): MemoryNeed[] {
  return runMemory(c, { tasks: c.tasks, perClass: c.perClass, perClassArgument: 'perClass' });
}

export const DEPTH_OPTIONS = defineOptions('transfer.depth', DEPTH_FIELDS, {
  rules: (c) => depthRules(c as DepthConfig),
  memory: (c) => depthMemory(c as DepthConfig),
});

/**
 * Validates `options` (without `progress`) and fills in the defaults, with {@link DEPTH_QUICK} for
 * the options left out in quick mode (default: NNLAB_QUICK); every error names the option given.
 */
export function resolveDepthOptions(options: Omit<DepthOptions, 'progress'> = {}, quick = isQuick()): DepthConfig {
  return resolveWithPreset<DepthConfig>(DEPTH_OPTIONS, options, DEPTH_QUICK, quick, depthRules, depthMemory);
}

export interface DepthRecord {
  experiment: 'transferDepth';
  options: DepthConfig;
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

/**
 * Linear classifiers on frozen features of each depth, for each task: the mean test accuracy per
 * task and layer over `repeats` draws of `perClass` examples per class, and the best layer per
 * task. Reads datasets and the zoo folder; the same seed gives the same record. Reads quick mode
 * ({@link DEPTH_QUICK}). `sources` replaces the datasets and the zoo folder (tests).
 *
 * @example
 * const r = await nn.transfer.depth({ layers: ['pool1', 'flatten'], perClass: 5, repeats: 1, testPerClass: 50, minSteps: 20, seed: 1 });
 * console.log(r.best); // the best probed layer per task: { similar: ..., different: ... }
 * nn.transfer.showDepth(r);
 */
export async function depth(options: DepthOptions = {}, sources: TransferSources = {}): Promise<DepthRecord> {
  const { options: rest, progress } = takeProgress(options);
  const config = resolveDepthOptions(rest);
  const start = performance.now();
  const plan: PlannedRun[] = config.tasks.flatMap((task) => Array.from({ length: config.repeats }, (_, repeat) => config.layers.map((layer) => ({
    task, perClass: config.perClass, strategy: 'linear' as const, layer, repeat, steps: stepsFor(config, 5, config.perClass),
  }))).flat());
  const phase = (r: { task: string; layer: string | null }) => `${r.task} ${r.layer}`;
  const bar = experimentProgress(progress, {
    label: 'transfer.depth',
    chart: {
      metric: 'loss', title: 'Training loss of the linear classifiers, by task and layer', xTitle: 'training step (all runs)', yTitle: 'cross-entropy loss',
      series: config.tasks.flatMap((task) => config.layers.map((layer) => phase({ task, layer }))),
    },
  });
  try {
    const { runs, model, data } = await executePlan(config, plan, sources, { bar, phase });
    const rows = config.tasks.flatMap((task) => config.layers.map((layer) => {
      const mine = runs.filter((r) => r.task === task && r.layer === layer);
      const accuracies = mine.map((r) => r.accuracy);
      return { task, layer, features: (mine[0].trainedParameters / 5) - 1, ...summarize(accuracies), accuracies };
    }));
    const best = Object.fromEntries(config.tasks.map((task) => [task,
      rows.filter((r) => r.task === task).reduce((a, b) => (b.accuracy > a.accuracy ? b : a)).layer]));
    return { experiment: 'transferDepth', options: config, ...provenance(), model, data, rows, best, meta: { ms: performance.now() - start } };
  } finally {
    bar.finish();
  }
}
