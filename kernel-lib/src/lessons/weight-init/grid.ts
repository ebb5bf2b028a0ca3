/**
 * The lecture's comparison (lesson 03): the activation-statistics experiment for every init x
 * activation of one setup, with one seed. All runs share the input X and the standard normals
 * behind every W (common random numbers): each record equals `stats({...options, init,
 * activation})` exactly, and the numbers are drawn once for the whole grid.
 *
 * @example
 * const g = await nn.weightInit.grid({ ...nn.weightInit.SETUP_B });
 * nn.weightInit.showGrid(g); // std per layer by init, and a verdict per run
 */
import { ArgumentError, checkOneOf } from '../../core/errors';
import { ProgressOption, takeProgress } from '../../core/progress';
import { seedStream } from '../../core/rng';
import { InitName, INITS } from '../../nets/init';
import { ActivationName, ACTIVATIONS } from '../../nets/layers';
import { experimentProgress } from '../../show/progress';
import { sharedDraws } from './draws';
import { runLabel, stdFactorPerLayer } from './math';
import { resolveStatsOptions, runStats, StatsOptions, StatsRecord } from './stats';

/** Options of {@link grid}: one setup (as in {@link stats}), the inits and activations to cross. */
export interface GridOptions extends Omit<StatsOptions, 'init' | 'activation' | 'scale'> {
  /** Default: all six, in the lecture's order. */
  inits?: readonly InitName[];
  /** Default: tanh and relu. */
  activations?: readonly ActivationName[];
}

/**
 * Defaults of {@link grid}: every init, in the lecture's order, crossed with tanh and ReLU; the
 * setup's options default as in `stats` (STATS_DEFAULTS: setup A).
 *
 * @example
 * nn.weightInit.GRID_DEFAULTS.activations // ['tanh', 'relu']
 */
export const GRID_DEFAULTS: { readonly inits: readonly InitName[]; readonly activations: readonly ActivationName[] } = {
  inits: INITS, activations: ['tanh', 'relu'],
};

/** What {@link grid} returns: one record per (init, activation), inits outermost. */
export interface GridRecord {
  experiment: 'initStatsGrid';
  inits: InitName[];
  activations: ActivationName[];
  records: StatsRecord[];
  meta: { ms: number };
}

/**
 * Runs {@link stats} for every init x activation of one setup, inits outermost. Progress: one
 * event per run, phase = the run ("small (0.01) init, tanh"), metrics `{ stdFactor, ms }` (the
 * std's factor per layer and the run's wall time).
 *
 * @example
 * const g = await nn.weightInit.grid({ batchSize: 200, depth: 10, width: 100, inits: ['xavier', 'he'] });
 * g.records.map((r) => `${r.init}/${r.activation}: ${nn.weightInit.verdict(r)}`);
 * // ['xavier/tanh: healthy', 'xavier/relu: vanishes', 'he/tanh: healthy', 'he/relu: healthy']
 */
export async function grid(options: GridOptions = {}): Promise<GridRecord> {
  const { options: given, progress } = takeProgress(options);
  const { inits = GRID_DEFAULTS.inits, activations = GRID_DEFAULTS.activations, ...rest } = given;
  const initList = checkList('inits', inits, INITS);
  const activationList = checkList('activations', activations, ACTIVATIONS);
  const configs = initList.flatMap((init) => activationList.map((activation) => resolveStatsOptions({ ...rest, init, activation })));
  const start = performance.now();
  const bar = experimentProgress(progress, { label: 'weightInit.grid' });
  const draws = sharedDraws(seedStream(configs[0].seed));
  const records: StatsRecord[] = [];
  try {
    for (const config of configs) {
      const r = await runStats(config, draws);
      records.push(r);
      bar.report({ done: records.length, total: configs.length, phase: runLabel(r), metrics: { stdFactor: stdFactorPerLayer(r), ms: r.meta.ms } });
    }
  } finally {
    draws.dispose();
    bar.finish();
  }
  return { experiment: 'initStatsGrid', inits: initList, activations: activationList, records, meta: { ms: performance.now() - start } };
}

function checkList<T extends string>(name: string, values: unknown, allowed: readonly T[]): T[] {
  if (!Array.isArray(values) || values.length === 0) throw new ArgumentError(name, values, `a non-empty array of ${allowed.join(', ')}`);
  return values.map((v, i) => checkOneOf(`${name}[${i}]`, v, allowed));
}
