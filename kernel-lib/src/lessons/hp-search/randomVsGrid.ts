/**
 * Random search vs grid search (lesson 06, hyperparameter search; Bergstra & Bengio, "Random
 * Search for Hyper-Parameter Optimization", 2012). When one hyperparameter matters much more than
 * another, a √n × √n grid spends its n trials on only √n distinct values of the important one,
 * while n random trials try n distinct values of it.
 *
 * The objective is synthetic, on [0, 1]² (higher is better, like a validation accuracy):
 *
 *   f(a, u) = g(a) + h(u),   g(a) = exp(−(a − μ)² / (2σ²)),   h(u) = ε·(1 − (2u − 1)²)
 *
 * `a` is the important hyperparameter (a bump of height 1 at μ, width σ), `u` the unimportant one
 * (a shallow bump of height ε at u = 1/2). Defaults μ = 0.7, σ = 0.05, ε = 0.05: the best value
 * is f(μ, 1/2) = 1.05. The grid is the lattice of cell centres ((i + ½)/m, (j + ½)/m), m = √n;
 * random search draws n points uniform on [0, 1]² from the seed stream.
 *
 * Beside the one pictured search, the record repeats the comparison `repeats` times (seeded):
 * - `fixedPeak`: the same objective; the grid's best is one number, random search's best is a
 *   distribution over seeds;
 * - `randomPeak`: each repeat also draws where the good value lies, μ ~ U(0.1, 0.9) (nobody knows
 *   μ before searching), so the grid is not favoured or penalised by one choice of μ.
 *
 * Measured (defaults, 200 repeats, seeds 0-4), the mean best found:
 * - 9 trials: μ = 0.7 fixed, grid 0.079 (its nearest a is 5/6) vs random 0.66-0.73, random ahead
 *   in 90-94 % of the repeats; μ random, grid 0.46-0.52 vs random 0.65-0.68, random ahead in
 *   56-68 % (the grid wins when μ falls near one of its three values of a);
 * - 16 trials: μ fixed, grid 0.372 vs random 0.82-0.87 (91-95 %); μ random, grid 0.53-0.58 vs
 *   random 0.83-0.86 (73-76 %).
 * Random search's mean best agrees with E[max of n draws of f], 0.677 (9 trials) and 0.838 (16),
 * computed by quadrature in the tests.
 *
 * @example
 * const r = await nn.hpSearch.randomVsGrid({ trials: 9 });
 * r.methods.map((m) => [m.method, m.distinctImportant, m.best.value])   // grid tries 3 values of a, random 9
 * nn.hpSearch.showRandomVsGrid(r);
 */
import { ArgumentError } from '../../core/errors';
import { defineOptions, int, number, seed } from '../../core/options';
import { ProgressOption } from '../../core/progress';
import { provenance } from '../../core/record';
import { Random, seedStream } from '../../core/rng';
import { moments } from '../../core/stats';
import { experimentProgress } from '../../show/progress';

/** Defaults of {@link randomVsGrid}: 9 trials, μ = 0.7, σ = 0.05, ε = 0.05, 200 repeats. */
export const RANDOM_VS_GRID_DEFAULTS = { trials: 9, peak: 0.7, width: 0.05, unimportantWeight: 0.05, repeats: 200, seed: 0 } as const;

/** Where a repeat with a random peak draws μ: U(0.1, 0.9). */
export const RANDOM_PEAK_RANGE: readonly [number, number] = [0.1, 0.9];

/** The options of {@link randomVsGrid}, declared once (core/options.ts). */
export const RANDOM_VS_GRID_FIELDS = {
  /** The budget n of both searches: a perfect square (4, 9, 16, ...), so the grid is √n × √n. */
  trials: int({ min: 4, max: 400, default: RANDOM_VS_GRID_DEFAULTS.trials }),
  /** μ, where the important hyperparameter's bump peaks. */
  peak: number({ min: 0, max: 1, default: RANDOM_VS_GRID_DEFAULTS.peak }),
  /** σ, the width of the bump in the important hyperparameter. */
  width: number({ min: 0.005, max: 1, default: RANDOM_VS_GRID_DEFAULTS.width }),
  /** ε, the height of the unimportant hyperparameter's shallow bump. */
  unimportantWeight: number({ min: 0, max: 1, default: RANDOM_VS_GRID_DEFAULTS.unimportantWeight }),
  /** How many seeded repeats of both searches the summary averages over. */
  repeats: int({ min: 1, max: 100_000, default: RANDOM_VS_GRID_DEFAULTS.repeats }),
  seed: seed({ default: RANDOM_VS_GRID_DEFAULTS.seed }),
};

export const RANDOM_VS_GRID_OPTIONS = defineOptions('hpSearch.randomVsGrid', RANDOM_VS_GRID_FIELDS, {
  rules(c) {
    const m = Math.round(Math.sqrt(c.trials));
    if (m * m !== c.trials) {
      throw new ArgumentError('trials', c.trials, '', `trials must be a perfect square (4, 9, 16, 25, ...) so that the grid is √trials × √trials, got ${c.trials}`);
    }
  },
  // plain arrays: two sample sets and 4 numbers per repeat
  memory: (c) => ({ bytes: 8 * (6 * c.trials + 6 * c.repeats + 202), argument: 'repeats', what: `${c.repeats} repeats` }),
});

/** Options of {@link randomVsGrid}. */
export interface RandomVsGridOptions {
  trials?: number; peak?: number; width?: number; unimportantWeight?: number; repeats?: number; seed?: number;
  /** Progress per repeat; never recorded. */
  progress?: ProgressOption;
}

export type RandomVsGridConfig = ReturnType<typeof RANDOM_VS_GRID_OPTIONS.resolve>;

/** The two search methods. */
export const SEARCH_METHODS = ['grid', 'random'] as const;
export type SearchMethod = typeof SEARCH_METHODS[number];

/** The objective's parameters: μ, σ, ε. */
export interface Objective { peak: number; width: number; unimportantWeight: number }

/** A trial: where it sits and what it scored. */
export interface TrialPoint { important: number; unimportant: number; value: number }

/** One search of n trials. */
export interface SearchRun {
  method: SearchMethod;
  /** The n trials, in order. */
  samples: { important: number[]; unimportant: number[]; value: number[] };
  /** How many different values of the important hyperparameter the search tried. */
  distinctImportant: number;
  distinctUnimportant: number;
  /** The best trial (the first one on ties) and its index. */
  best: TrialPoint & { index: number };
}

/** The best value each method found over the repeats, and how often random search won. */
export interface RepeatSummary {
  /** Per repeat: the best value of grid and random search. */
  grid: number[];
  random: number[];
  /** Mean and population std of each method's best. */
  gridMean: number; gridStd: number; randomMean: number; randomStd: number;
  /** Fraction of repeats where random search's best is above the grid's (strictly). */
  randomWins: number;
}

/** What {@link randomVsGrid} returns: plain JSON. */
export interface RandomVsGridRecord {
  experiment: 'hpSearchRandomVsGrid';
  options: RandomVsGridConfig;
  backend: string;
  versions: { nnlab: string; tfjs: string };
  objective: {
    formula: string;
    /** The best value anywhere, f(μ, ½) = 1 + ε, and where. */
    optimum: TrialPoint;
    /** g(a) on 201 points of [0, 1]: the objective's marginal in the important hyperparameter. */
    important: { x: number[]; y: number[] };
    /** h(u) on 201 points: the marginal in the unimportant one. */
    unimportant: { x: number[]; y: number[] };
  };
  /** The pictured searches: grid, then random. */
  methods: SearchRun[];
  /** `repeats` searches with the same objective (the grid's best is then one number). */
  fixedPeak: RepeatSummary;
  /** `repeats` searches, each with its own μ ~ U(0.1, 0.9) (in `peaks`). */
  randomPeak: RepeatSummary & { peaks: number[] };
  meta: { ms: number };
}

/**
 * The objective f(a, u) = exp(−(a − μ)²/(2σ²)) + ε·(1 − (2u − 1)²); see the module comment.
 *
 * @example
 * nn.hpSearch.objective(0.7, 0.5, { peak: 0.7, width: 0.05, unimportantWeight: 0.05 })   // 1.05, the optimum
 */
export function objective(important: number, unimportant: number, o: Objective): number {
  return importantTerm(important, o) + unimportantTerm(unimportant, o);
}

/** g(a) = exp(−(a − μ)²/(2σ²)): the part of f that depends on the important hyperparameter. */
function importantTerm(a: number, o: Objective): number {
  return Math.exp(-((a - o.peak) ** 2) / (2 * o.width ** 2));
}

/** h(u) = ε·(1 − (2u − 1)²): the part that depends on the unimportant one. */
function unimportantTerm(u: number, o: Objective): number {
  return o.unimportantWeight * (1 - (2 * u - 1) ** 2);
}

/**
 * The grid of n = m² trials: the cell centres ((i + ½)/m, (j + ½)/m), row by row (the important
 * hyperparameter varies fastest). Only m distinct values of each hyperparameter.
 *
 * @example
 * nn.hpSearch.gridPoints(4)   // { important: [0.25, 0.75, 0.25, 0.75], unimportant: [0.25, 0.25, 0.75, 0.75] }
 */
export function gridPoints(trials: number): { important: number[]; unimportant: number[] } {
  const m = Math.round(Math.sqrt(trials));
  if (!Number.isInteger(trials) || trials < 1 || m * m !== trials) {
    throw new ArgumentError('trials', trials, 'a perfect square >= 1 (1, 4, 9, 16, ...): the grid is √trials × √trials');
  }
  const important: number[] = [];
  const unimportant: number[] = [];
  for (let j = 0; j < m; j++) for (let i = 0; i < m; i++) { important.push((i + 0.5) / m); unimportant.push((j + 0.5) / m); }
  return { important, unimportant };
}

/**
 * n trials uniform on [0, 1]², drawn from `random` (important, then unimportant, per trial).
 *
 * @example
 * const pts = nn.hpSearch.randomPoints(9, nn.seedStream(0).random());
 * new Set(pts.important).size   // 9
 */
export function randomPoints(trials: number, random: Random): { important: number[]; unimportant: number[] } {
  if (!Number.isInteger(trials) || trials < 1) throw new ArgumentError('trials', trials, 'an integer >= 1');
  const important: number[] = [];
  const unimportant: number[] = [];
  for (let k = 0; k < trials; k++) { important.push(random()); unimportant.push(random()); }
  return { important, unimportant };
}

/** Scores the trials and finds the best. */
function searchRun(method: SearchMethod, pts: { important: number[]; unimportant: number[] }, o: Objective): SearchRun {
  const value = pts.important.map((a, k) => objective(a, pts.unimportant[k], o));
  let index = 0;
  value.forEach((v, k) => { if (v > value[index]) index = k; });
  return {
    method, samples: { ...pts, value }, distinctImportant: new Set(pts.important).size, distinctUnimportant: new Set(pts.unimportant).size,
    best: { important: pts.important[index], unimportant: pts.unimportant[index], value: value[index], index },
  };
}

function bestOf(pts: { important: number[]; unimportant: number[] }, o: Objective): number {
  let best = -Infinity;
  pts.important.forEach((a, k) => { best = Math.max(best, objective(a, pts.unimportant[k], o)); });
  return best;
}

function summary(grid: number[], random: number[]): RepeatSummary {
  const g = moments(grid);
  const r = moments(random);
  return {
    grid, random, gridMean: g.mean, gridStd: g.std, randomMean: r.mean, randomStd: r.std,
    randomWins: random.filter((v, k) => v > grid[k]).length / random.length,
  };
}

/**
 * Grid vs random search on the synthetic objective; see the module comment. Float64 JS, no tensors.
 *
 * @example
 * const r = await nn.hpSearch.randomVsGrid({ trials: 16, seed: 3 });
 * [r.fixedPeak.gridMean, r.fixedPeak.randomMean]   // the mean best of each method over 200 repeats
 */
export async function randomVsGrid(options: RandomVsGridOptions = {}): Promise<RandomVsGridRecord> {
  const started = performance.now();
  const { config, progress } = RANDOM_VS_GRID_OPTIONS.take(options);
  const bar = experimentProgress(progress, { label: 'hpSearch.randomVsGrid' });
  try {
    const o: Objective = { peak: config.peak, width: config.width, unimportantWeight: config.unimportantWeight };
    const seeds = seedStream(config.seed);
    const grid = gridPoints(config.trials);
    const methods = [searchRun('grid', grid, o), searchRun('random', randomPoints(config.trials, seeds.fork('pictured').random()), o)];
    const fixed = { grid: [] as number[], random: [] as number[] };
    const moving = { grid: [] as number[], random: [] as number[], peaks: [] as number[] };
    const gridFixed = bestOf(grid, o);
    const repeats = seeds.fork('repeats');
    const [lo, hi] = RANDOM_PEAK_RANGE;
    for (let r = 0; r < config.repeats; r++) {
      const random = repeats.random();
      fixed.grid.push(gridFixed);
      fixed.random.push(bestOf(randomPoints(config.trials, random), o));
      const peaked: Objective = { ...o, peak: lo + (hi - lo) * random() };
      moving.peaks.push(peaked.peak);
      moving.grid.push(bestOf(grid, peaked));
      moving.random.push(bestOf(randomPoints(config.trials, random), peaked));
      if ((r + 1) % 50 === 0 || r + 1 === config.repeats) {
        bar.report({ done: r + 1, total: config.repeats, phase: 'repeats', metrics: { randomMean: moments(fixed.random).mean } });
      }
    }
    const xs = Array.from({ length: 201 }, (_, k) => k / 200);
    return {
      experiment: 'hpSearchRandomVsGrid', options: config, ...provenance(),
      objective: {
        formula: `f(a, u) = exp(−(a − ${o.peak})² / (2·${o.width}²)) + ${o.unimportantWeight}·(1 − (2u − 1)²)`,
        optimum: { important: o.peak, unimportant: 0.5, value: objective(o.peak, 0.5, o) },
        important: { x: xs, y: xs.map((a) => importantTerm(a, o)) },
        unimportant: { x: xs, y: xs.map((u) => unimportantTerm(u, o)) },
      },
      methods,
      fixedPeak: summary(fixed.grid, fixed.random),
      randomPeak: { ...summary(moving.grid, moving.random), peaks: moving.peaks },
      meta: { ms: performance.now() - started },
    };
  } finally {
    bar.finish();
  }
}
