/**
 * The lecture's 2 × 2 transfer-learning table, measured (lesson 10). Rows: a small or a large
 * target training set; columns: a target task similar to or very different from the source task
 * (./tasks.ts). In every cell each strategy of ./strategies.ts is trained from the same pretrained
 * zoo model and scored on the target task's test images:
 *
 *                  similar task                          very different task
 *   small data     linear classifier on top features     trouble: try linear classifiers on
 *                  (linear)                              features from different depths, or an
 *                                                        ensemble of them (ensemble)
 *   large data     fine-tune a few top layers            fine-tune many layers (or all)
 *                  (finetune-top)                        (finetune-all)
 *
 * A cell's advice is scored against the strategy in brackets: the measured winner "agrees" when it
 * is that strategy.
 *
 * Small cells are repeated over `repeats` seeded draws of the training set (mean ± std).
 *
 * @example
 * const r = await nn.transfer.table({ seed: 1 });
 * nn.transfer.showTable(r);
 * r.cells.find((c) => c.size === 'small' && c.similarity === 'similar')!.best // 'linear'
 */
import { isQuick } from '../../core/config';
import { ArgumentError } from '../../core/errors';
import { defineOptions, int, list, MemoryNeed, oneOf } from '../../core/options';
import { ProgressOption, takeProgress } from '../../core/progress';
import { provenance } from '../../core/record';
import { experimentProgress } from '../../show/progress';
import { STRATEGIES, TransferStrategy } from './strategies';
import { TASKS } from './tasks';
import type { ZooMetadata } from './zoo';
import {
  executePlan, PlannedRun, resolveWithPreset, RUN_DEFAULTS, RUN_FIELDS, RUN_LIMITS, runMemory, runRules, Similarity, SIMILARITIES, stepsFor,
  summarize, TARGET_SIZES, TargetSize, TransferRunConfig, TransferRunOptions, TransferSources,
} from './plan';

/**
 * The lecture's advice per cell of the 2 × 2 table, in words, and the strategies it points to.
 *
 * @example
 * nn.transfer.ADVICE['small/different'].advice // 'You are in trouble: try linear classifiers on …'
 */
export const ADVICE: Record<`${TargetSize}/${Similarity}`, { advice: string; strategies: TransferStrategy[] }> = {
  'small/similar': { advice: 'Linear classifier on the top layer\'s features; keep the pretrained network frozen.', strategies: ['linear'] },
  'large/similar': { advice: 'Fine-tune a few of the top layers (more data: you can afford to adapt more).', strategies: ['finetune-top'] },
  'small/different': {
    advice: 'You are in trouble: try linear classifiers on features from different depths (earlier layers are more generic), or an ensemble of them.',
    strategies: ['ensemble'],
  },
  'large/different': { advice: 'Fine-tune a large number of layers (or everything).', strategies: ['finetune-all'] },
};

export interface TableOptions extends TransferRunOptions {
  strategies?: readonly TransferStrategy[];
  /** Examples per class of the small and the large target training sets (default 5 and 750). */
  small?: number;
  large?: number;
  /** Seeded draws of each small training set (default 3); large cells run once. */
  repeats?: number;
  /** A live bar and loss chart in a kernel by default; false: silent; or a callback. */
  progress?: ProgressOption;
}

export interface TableConfig extends TransferRunConfig {
  strategies: TransferStrategy[];
  small: number;
  large: number;
  repeats: number;
}

/**
 * The defaults of {@link table}: every strategy, 5 and 750 examples per class, 3 draws of the small sets.
 *
 * @example
 * nn.transfer.TABLE_DEFAULTS.large // 750
 */
export const TABLE_DEFAULTS: TableConfig = {
  ...RUN_DEFAULTS, strategies: [...STRATEGIES], small: 5, large: 750, repeats: 3,
};

/**
 * Quick mode (NNLAB_QUICK=1, read by {@link table} itself): 100 per class in the large cells, one
 * draw of the small sets, 200 test images per class, 100 training steps per run instead of 200 (as
 * the curve's quick mode); every cell still runs. The lesson's checks hold with room to spare
 * (seeds 1-3 and the notebook's: every accuracy >= 0.66, linear beats scratch on small/similar).
 *
 * @example
 * await nn.transfer.table({ ...nn.transfer.TABLE_QUICK, seed: 1 }) // quick, whatever the mode
 */
export const TABLE_QUICK: Partial<TableConfig> = { large: 100, repeats: 1, testPerClass: 200, minSteps: 100 };

/** The options of {@link table}, declared once (core/options.ts): the shared run options and the table's own. */
const TABLE_FIELDS = {
  ...RUN_FIELDS,
  strategies: list(oneOf(STRATEGIES), { minLength: 1, maxLength: STRATEGIES.length, unique: true, default: TABLE_DEFAULTS.strategies }),
  small: int({ min: 1, max: RUN_LIMITS.perClass - 1, default: TABLE_DEFAULTS.small }),
  large: int({ min: 2, max: RUN_LIMITS.perClass, default: TABLE_DEFAULTS.large }),
  repeats: int({ min: 1, max: 100, default: TABLE_DEFAULTS.repeats }),
};

/**
 * The rules across the table's options: small < large, named by the option the user gave (large
 * when both or only large were given, small when only small was), and the shared rules.
 */
function tableRules(c: TableConfig, given: Record<string, unknown>): void {
  if (!(c.small < c.large)) {
    if ('large' in given) throw new ArgumentError('large', c.large, `greater than small (${c.small})`);
    throw new ArgumentError('small', c.small, `less than large (${c.large})`);
  }
  runRules(c);
}

/** Peak memory of {@link table}: both tasks' datasets, the large training sets, a batch through the base CNN. */
function tableMemory(c: TableConfig): MemoryNeed[] {
  return runMemory(c, { tasks: SIMILARITIES, perClass: c.large, perClassArgument: 'large' });
}

export const TABLE_OPTIONS = defineOptions('transfer.table', TABLE_FIELDS, {
  rules: (c, given) => tableRules(c as TableConfig, given),
  memory: (c) => tableMemory(c as TableConfig),
});

/**
 * Validates `options` (without `progress`) and fills in the defaults, with {@link TABLE_QUICK} for
 * the options left out in quick mode (default: NNLAB_QUICK); every error names the option given.
 */
export function resolveTableOptions(options: Omit<TableOptions, 'progress'> = {}, quick = isQuick()): TableConfig {
  return resolveWithPreset<TableConfig>(TABLE_OPTIONS, options, TABLE_QUICK, quick, tableRules, tableMemory);
}

export interface TableCellResult { strategy: TransferStrategy; accuracy: number; std: number; accuracies: number[]; trainedParameters: number }

export interface TableCell {
  size: TargetSize;
  similarity: Similarity;
  /** The target task, in words. */
  task: string;
  perClass: number;
  trainImages: number;
  results: TableCellResult[];
  /** The strategy with the highest mean accuracy (on a tie: an advised one if tied, else the first). */
  best: TransferStrategy;
  advice: string;
  advised: TransferStrategy[];
  /** Whether an advised strategy has the highest mean accuracy (a tie with another strategy counts). */
  agrees: boolean;
}

export interface TableRecord {
  experiment: 'transferTable';
  options: TableConfig;
  backend: string;
  versions: { nnlab: string; tfjs: string };
  model: ZooMetadata | null;
  data: Record<string, unknown>;
  cells: TableCell[];
  meta: { ms: number };
}

/**
 * Measures every strategy in the four cells of the table: loads the target tasks and the zoo model
 * (trained on first use), trains every strategy of every cell (small cells over `repeats` draws) and
 * scores it on the task's test images; the record holds each accuracy, the winner per cell and the
 * lecture's advice. Not pure (it reads datasets and the zoo folder) but deterministic: the same seed
 * gives the same record. Frees every model it builds. Reads quick mode ({@link TABLE_QUICK}).
 * `sources` replaces the datasets and the zoo folder (tests).
 *
 * @example
 * const r = await nn.transfer.table({ strategies: ['linear', 'finetune-all'], small: 2, large: 20, repeats: 1, testPerClass: 50, minSteps: 20, seed: 1 }); // small: a minute or so
 * console.log(r.cells.map((c) => `${c.size}/${c.similarity}: ${c.best}`)); // the winner of each cell
 * nn.transfer.showTable(r);
 */
export async function table(options: TableOptions = {}, sources: TransferSources = {}): Promise<TableRecord> {
  return runTable(options, sources, isQuick());
}

/** {@link table} in quick mode or not, whatever NNLAB_QUICK says (`nnlab transfer-table [--quick]`). */
export async function runTable(options: TableOptions, sources: TransferSources, quick: boolean): Promise<TableRecord> {
  const { options: rest, progress } = takeProgress(options);
  const config = resolveTableOptions(rest, quick);
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
  const bar = experimentProgress(progress, {
    label: 'transfer.table',
    chart: { metric: 'loss', title: 'Training loss of every run, by strategy', xTitle: 'training step (all runs)', yTitle: 'cross-entropy loss', series: config.strategies },
  });
  try {
    const { runs, model, data } = await executePlan(config, plan, sources, { bar, phase: (r) => r.strategy });
    const cells: TableCell[] = [];
    for (const size of TARGET_SIZES) {
      const n = size === 'small' ? config.small : config.large;
      for (const similarity of SIMILARITIES) {
        const results = config.strategies.map((strategy) => {
          const mine = runs.filter((r) => r.task === similarity && r.perClass === n && r.strategy === strategy);
          const accuracies = mine.map((r) => r.accuracy);
          return { strategy, ...summarize(accuracies), accuracies, trainedParameters: mine[0].trainedParameters };
        });
        const { advice, strategies: advised } = ADVICE[`${size}/${similarity}`];
        // the winner; on a tie, an advised strategy if one is among the tied (a tie counts as agreeing)
        const top = Math.max(...results.map((r) => r.accuracy));
        const tied = results.filter((r) => r.accuracy === top);
        const best = (tied.find((r) => advised.includes(r.strategy)) ?? tied[0]).strategy;
        cells.push({
          size, similarity, task: TASKS[similarity].description, perClass: n, trainImages: n * classes,
          results, best, advice, advised, agrees: advised.includes(best),
        });
      }
    }
    return { experiment: 'transferTable', options: config, ...provenance(), model, data, cells, meta: { ms: performance.now() - start } };
  } finally {
    bar.finish();
  }
}
