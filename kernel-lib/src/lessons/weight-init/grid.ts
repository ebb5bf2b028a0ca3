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
import { ArgumentError } from '../../core/errors';
import { defineOptions, list, oneOf } from '../../core/options';
import { seedStream } from '../../core/rng';
import { InitName, INITS, initStd } from '../../nets/init';
import { ActivationName, ACTIVATIONS } from '../../nets/layers';
import { experimentProgress } from '../../show/progress';
import { sharedDraws } from './draws';
import { runLabel, stdFactorPerLayer } from './math';
import { runStats, STATS_FIELDS, statsMemory, StatsConfig, StatsOptions, StatsRecord, toStatsConfig } from './stats';

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

const { init: _init, activation: _activation, scale: _scale, ...SIZE_FIELDS } = STATS_FIELDS;

/** The options of {@link grid}, declared once: the setup's sizes as in `stats`, the inits and activations. */
export const GRID_OPTIONS = defineOptions('weightInit.grid', {
  ...SIZE_FIELDS,
  inits: list(oneOf(INITS), { minLength: 1, maxLength: INITS.length, unique: true, default: GRID_DEFAULTS.inits }),
  activations: list(oneOf(ACTIVATIONS), { minLength: 1, maxLength: ACTIVATIONS.length, unique: true, default: GRID_DEFAULTS.activations }),
}, {
  rules(c) {
    if (c.widths !== null && (c.depth !== null || c.width !== null)) {
      throw new ArgumentError('widths', c.widths, 'left out when depth or width is given (give one or the other)');
    }
  },
  // one run at a time, plus the N(0, 1) draws the runs share (X, every W, G): about twice one run
  memory: (c) => {
    const need = statsMemory(toStatsConfig({ ...c, init: 'xavier', activation: 'tanh', scale: null }));
    return [need, { ...need, what: 'the same again for the draws every run shares' }];
  },
});

/** What {@link grid} returns: one record per (init, activation), inits outermost. */
export interface GridRecord {
  experiment: 'initStatsGrid';
  inits: InitName[];
  activations: ActivationName[];
  records: StatsRecord[];
  meta: { ms: number };
}

/**
 * Runs {@link stats} for every init x activation of one setup, inits outermost. Progress, done
 * counted over the whole grid: one event at the start (done 0, so a live bar and its ETA start
 * with the first run); one per label of shared N(0, 1) numbers when it is drawn (phase "small
 * (0.01) init, tanh: drawing W3", metrics `{}`; setup B's 4096 x 4096 draws take as long as a
 * layer); one per layer of each pass of each run, as {@link stats} reports them (phase = the run,
 * "small (0.01) init, tanh", metrics `{ layer, std }`: the std of h_l on the forward pass, of
 * dL/dW_l on the backward pass); a run's last event adds `{ stdFactor, ms }` (the std's factor
 * per layer and the run's wall time).
 *
 * @example
 * const g = await nn.weightInit.grid({ batchSize: 200, depth: 10, width: 100, inits: ['xavier', 'he'] });
 * g.records.map((r) => `${r.init}/${r.activation}: ${nn.weightInit.verdict(r)}`);
 * // ['xavier/tanh: healthy', 'xavier/relu: vanishes', 'he/tanh: healthy', 'he/relu: healthy']
 */
export async function grid(options: GridOptions = {}): Promise<GridRecord> {
  const { config: c, progress } = GRID_OPTIONS.take(options);
  const initList = c.inits;
  const activationList = c.activations;
  const configs = initList.flatMap((init) => activationList.map((activation) => toStatsConfig({ ...c, init, activation, scale: null })));
  const start = performance.now();
  const bar = experimentProgress(progress, { label: 'weightInit.grid' });
  const units = configs.map(layerUnits);
  const total = drawCount(configs) + units.reduce((a, b) => a + b, 0);
  let done = 0;
  let phase = configLabel(configs[0]);
  // each label's N(0, 1) numbers are drawn once, when a run first needs them: one unit each
  const draws = sharedDraws(seedStream(configs[0].seed), (label) => {
    done += 1;
    bar.report({ done, total, phase: `${phase}: drawing ${label}`, metrics: {} });
  });
  const records: StatsRecord[] = [];
  try {
    bar.report({ done, total, phase, metrics: {} });
    for (const [i, config] of configs.entries()) {
      phase = configLabel(config);
      let last = { layer: 0, std: 0 };
      let inRun = 0;
      const r = await runStats(config, draws, (_pass, layer, std) => {
        inRun += 1;
        last = { layer, std };
        if (inRun === units[i]) return; // the run's last layer is reported with the run's summary
        done += 1;
        bar.report({ done, total, phase, metrics: last });
      });
      records.push(r);
      done += 1;
      bar.report({ done, total, phase, metrics: { ...last, stdFactor: stdFactorPerLayer(r), ms: r.meta.ms } });
    }
  } finally {
    draws.dispose();
    bar.finish();
  }
  return { experiment: 'initStatsGrid', inits: initList, activations: activationList, records, meta: { ms: performance.now() - start } };
}

/** The run's label before it runs (as {@link runLabel} names its record). */
function configLabel(config: StatsConfig): string {
  return runLabel({ init: config.init, activation: config.activation, options: config });
}

/**
 * How many labels the shared draws will draw: X, every W_l that some run scales by a std > 0
 * (W = 0 is filled, not drawn), and G when the gradients are measured.
 */
function drawCount(configs: StatsConfig[]): number {
  const c = configs[0];
  const dims = [c.inputWidth, ...c.widths];
  const weights = c.widths.filter((_, i) => configs.some((k) => initStd(k.init, [dims[i], dims[i + 1]], k.scale ?? undefined) !== 0));
  return 1 + weights.length + (c.gradients ? 1 : 0);
}

/** The progress units of one run: one per layer on the forward pass, and as many on the backward pass. */
function layerUnits(config: StatsConfig): number {
  return config.widths.length * (config.gradients ? 2 : 1);
}

