/**
 * The learning curve of lesson 10: test accuracy of training from scratch, a linear classifier on
 * frozen features and fine-tuning everything, against the number of target training examples per
 * class. Pretraining helps most when data is scarce; with enough data, scratch catches up.
 *
 * @example
 * const r = await nn.transfer.curve({ seed: 1 });
 * nn.transfer.showCurve(r);
 */
import { isQuick } from '../../core/config';
import { defineOptions, int, list, MemoryNeed, oneOf } from '../../core/options';
import { ProgressOption, takeProgress } from '../../core/progress';
import { provenance } from '../../core/record';
import { experimentProgress } from '../../show/progress';
import { STRATEGIES, TransferStrategy } from './strategies';
import type { ZooMetadata } from './zoo';
import {
  executePlan, PlannedRun, resolveWithPreset, RUN_DEFAULTS, RUN_FIELDS, RUN_LIMITS, runMemory, runRules, Similarity, SIMILARITIES, stepsFor,
  TransferRunConfig, TransferRunOptions, TransferSources,
} from './plan';

export interface CurveOptions extends TransferRunOptions {
  task?: Similarity;
  strategies?: readonly TransferStrategy[];
  /** Examples per class along the curve (default 1, 2, 5, 10, 20, 50, 100, 250, 750). */
  sizes?: readonly number[];
  /** A live bar and loss chart in a kernel by default; false: silent; or a callback. */
  progress?: ProgressOption;
}

export interface CurveConfig extends TransferRunConfig { task: Similarity; strategies: TransferStrategy[]; sizes: number[] }

/**
 * The defaults of {@link curve}: the similar task; scratch, linear and finetune-all; 1 to 750 examples per class.
 *
 * @example
 * nn.transfer.CURVE_DEFAULTS.sizes // [1, 2, 5, 10, 20, 50, 100, 250, 750]
 */
export const CURVE_DEFAULTS: CurveConfig = {
  ...RUN_DEFAULTS, task: 'similar', strategies: ['scratch', 'linear', 'finetune-all'], sizes: [1, 2, 5, 10, 20, 50, 100, 250, 750],
};

/**
 * Quick mode (NNLAB_QUICK=1, read by {@link curve} itself): five sizes from 1 to 250 per class, so
 * the curves still cross (scratch meets the linear classifier at about 100–250 per class); at
 * least 100 steps per run instead of 200 (the larger sizes train 5 to 13 passes); 200 test images
 * per class. About as fast as three sizes at 200 steps.
 *
 * @example
 * await nn.transfer.curve({ ...nn.transfer.CURVE_QUICK, seed: 1 }) // quick, whatever the mode
 */
export const CURVE_QUICK: Partial<CurveConfig> = { sizes: [1, 5, 25, 100, 250], minSteps: 100, testPerClass: 200 };

/** The options of {@link curve}, declared once (core/options.ts): the shared run options and its own. */
const CURVE_FIELDS = {
  ...RUN_FIELDS,
  task: oneOf(SIMILARITIES, { default: CURVE_DEFAULTS.task }),
  strategies: list(oneOf(STRATEGIES), { minLength: 1, maxLength: STRATEGIES.length, unique: true, default: CURVE_DEFAULTS.strategies }),
  sizes: list(int({ min: 1, max: RUN_LIMITS.perClass }), { minLength: 2, maxLength: 50, unique: true, default: CURVE_DEFAULTS.sizes }),
};

/** Peak memory of {@link curve}: the task's dataset, the largest training set, a batch through the base CNN. */
function curveMemory(c: CurveConfig): MemoryNeed[] {
  return runMemory(c, { tasks: [c.task], perClass: Math.max(...c.sizes), perClassArgument: 'sizes' });
}

export const CURVE_OPTIONS = defineOptions('transfer.curve', CURVE_FIELDS, {
  rules: (c) => runRules(c as CurveConfig),
  memory: (c) => curveMemory(c as CurveConfig),
});

/**
 * Validates `options` (without `progress`) and fills in the defaults, with {@link CURVE_QUICK} for
 * the options left out in quick mode (default: NNLAB_QUICK); every error names the option given.
 * The sizes come back in increasing order.
 */
export function resolveCurveOptions(options: Omit<CurveOptions, 'progress'> = {}, quick = isQuick()): CurveConfig {
  const config = resolveWithPreset<CurveConfig>(CURVE_OPTIONS, options, CURVE_QUICK, quick, (c) => runRules(c), curveMemory);
  return { ...config, sizes: [...config.sizes].sort((a, b) => a - b) };
}

export interface CurveRecord {
  experiment: 'transferCurve';
  options: CurveConfig;
  backend: string;
  versions: { nnlab: string; tfjs: string };
  model: ZooMetadata | null;
  data: Record<string, unknown>;
  points: { strategy: TransferStrategy; perClass: number; trainImages: number; accuracy: number }[];
  meta: { ms: number };
}

/**
 * Test accuracy of each strategy against the number of target training examples per class (one
 * seeded draw per size). Reads datasets and the zoo folder; the same seed gives the same record.
 * Reads quick mode ({@link CURVE_QUICK}). `sources` replaces the datasets and the zoo folder (tests).
 *
 * @example
 * const r = await nn.transfer.curve({ strategies: ['scratch', 'linear'], sizes: [1, 10], testPerClass: 50, minSteps: 20, seed: 1 });
 * console.log(r.points.map((p) => `${p.strategy} ${p.perClass}/class: ${p.accuracy}`));
 * nn.transfer.showCurve(r);
 */
export async function curve(options: CurveOptions = {}, sources: TransferSources = {}): Promise<CurveRecord> {
  const { options: rest, progress } = takeProgress(options);
  const config = resolveCurveOptions(rest);
  const start = performance.now();
  const plan: PlannedRun[] = config.sizes.flatMap((n) => config.strategies.map((strategy) => ({
    task: config.task, perClass: n, strategy, layer: null, repeat: 0, steps: stepsFor(config, 5, n),
  })));
  const bar = experimentProgress(progress, {
    label: 'transfer.curve',
    chart: { metric: 'loss', title: 'Training loss of every run, by strategy', xTitle: 'training step (all runs)', yTitle: 'cross-entropy loss', series: config.strategies },
  });
  try {
    const { runs, model, data } = await executePlan(config, plan, sources, { bar, phase: (r) => r.strategy });
    const points = runs.map((r) => ({ strategy: r.strategy, perClass: r.perClass, trainImages: r.perClass * 5, accuracy: r.accuracy }));
    return { experiment: 'transferCurve', options: config, ...provenance(), model, data, points, meta: { ms: performance.now() - start } };
  } finally {
    bar.finish();
  }
}
