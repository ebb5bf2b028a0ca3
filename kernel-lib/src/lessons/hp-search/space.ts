/**
 * Search spaces of lesson 06 (hyperparameter search): each hyperparameter gets a range and a
 * scale, trials sample it, and the coarse-to-fine rule narrows the ranges around the best trials.
 *
 * The lecture samples the learning rate and the regularisation strength *log-uniformly*:
 * `reg = 10^U(−5, 5)`, `lr = 10^U(−6, −3)`. On a log scale every decade gets the same number of
 * trials; a uniform draw from [1e-6, 1e-3] would put 90 % of them in the top decade.
 *
 * @example
 * const t = nn.hpSearch.sampleTrial(nn.hpSearch.COARSE_SPACE, 0, 3);
 * t.config.lr    // a number in [1e-6, 1e-3], the same for every run with search seed 0
 */
import { ArgumentError, checkInt, checkNumber } from '../../core/errors';
import { checkSeed, mulberry32, Random, seedStream } from '../../core/rng';

/** One hyperparameter's range: `[low, high]` in its own units, sampled uniformly in `scale`. */
export interface ParamRange { low: number; high: number; scale: 'log' | 'linear' }

/** A search space: one range per hyperparameter the search varies (`lr`, `reg`). */
export type SearchSpace = Readonly<Record<string, ParamRange>>;

/** The lecture's coarse ranges: lr = 10^U(−6, −3), reg = 10^U(−5, 5). */
export const COARSE_SPACE: SearchSpace = {
  lr: { low: 1e-6, high: 1e-3, scale: 'log' },
  reg: { low: 1e-5, high: 1e5, scale: 'log' },
};

/**
 * Checks a search space: every range has finite bounds with low < high, and a log-scale range
 * has positive bounds (log10 of 0 or of a negative number does not exist). Returns it.
 *
 * @example
 * nn.hpSearch.checkSpace('space', { lr: { low: 1e-3, high: 1e-6, scale: 'log' } })
 * // throws "space.lr must be a range with low < high, got {"low":0.001,"high":0.000001,"scale":"log"}"
 */
export function checkSpace(name: string, space: unknown): SearchSpace {
  if (space === null || typeof space !== 'object' || Array.isArray(space) || Object.keys(space).length === 0) {
    throw new ArgumentError(name, space, 'an object of ranges such as { lr: { low: 1e-6, high: 1e-3, scale: \'log\' } }');
  }
  for (const [key, r] of Object.entries(space as Record<string, unknown>)) checkRange(`${name}.${key}`, r);
  return space as SearchSpace;
}

/** Checks one range (see {@link checkSpace}). */
export function checkRange(name: string, r: unknown): ParamRange {
  const range = r as ParamRange;
  if (range === null || typeof range !== 'object' || (range.scale !== 'log' && range.scale !== 'linear')) {
    throw new ArgumentError(name, r, 'a range { low, high, scale: \'log\' | \'linear\' }');
  }
  checkNumber(`${name}.low`, range.low, { min: -1e300, max: 1e300 });
  checkNumber(`${name}.high`, range.high, { min: -1e300, max: 1e300 });
  if (!(range.low < range.high)) throw new ArgumentError(name, r, 'a range with low < high');
  if (range.scale === 'log' && range.low <= 0) throw new ArgumentError(`${name}.low`, range.low, 'a positive number (the range is on a log scale)');
  return range;
}

/**
 * A draw from 10^U(log10 low, log10 high): log10 of the result is uniform on
 * [log10 low, log10 high], so each decade of the range is equally likely.
 *
 * @example
 * const random = nn.seedStream(1).random();
 * nn.hpSearch.logUniform(random, 1e-6, 1e-3)   // e.g. 3.2e-5; log10 uniform on [−6, −3]
 */
export function logUniform(random: Random, low: number, high: number): number {
  checkRange('logUniform range', { low, high, scale: 'log' });
  const a = Math.log10(low);
  const b = Math.log10(high);
  return 10 ** (a + random() * (b - a));
}

/** One value of `range`: log-uniform on a log scale, uniform on a linear one. */
export function sampleRange(random: Random, range: ParamRange): number {
  return range.scale === 'log' ? logUniform(random, range.low, range.high) : range.low + random() * (range.high - range.low);
}

/** Trial i of a search: its hyperparameters and the seed its training run uses. */
export interface TrialSpec { trial: number; config: Record<string, number>; seed: number }

/**
 * Trial `i`'s configuration and training seed. Both follow from the search seed and `i` only
 * (`seedStream(searchSeed).fork('trial i')`, one sub-seed per hyperparameter by name and one for
 * training), so trials can run in any order, in any number of processes, and a resumed search
 * draws exactly the trials it would have drawn.
 *
 * @example
 * const a = nn.hpSearch.sampleTrial(nn.hpSearch.COARSE_SPACE, 7, 12);
 * const b = nn.hpSearch.sampleTrial(nn.hpSearch.COARSE_SPACE, 7, 12);
 * a.config.reg === b.config.reg   // true: same search seed, same trial
 */
export function sampleTrial(space: SearchSpace, searchSeed: number, i: number): TrialSpec {
  checkSpace('space', space);
  checkSeed('searchSeed', searchSeed);
  checkInt('trial', i, { min: 0, max: 1e9 });
  const seeds = seedStream(searchSeed).fork(`trial ${i}`);
  const config: Record<string, number> = {};
  for (const key of Object.keys(space).sort()) config[key] = sampleRange(mulberry32(seeds.derive(`param ${key}`)), space[key]);
  return { trial: i, config, seed: seeds.derive('train') };
}

/**
 * The trials 0..trials−1 of a search (see {@link sampleTrial}). `trials` must be at least 1.
 *
 * @example
 * nn.hpSearch.sampleTrials(nn.hpSearch.COARSE_SPACE, 0, 4).length   // 4
 */
export function sampleTrials(space: SearchSpace, searchSeed: number, trials: number): TrialSpec[] {
  checkInt('trials', trials, { min: 1, max: 100_000 });
  return Array.from({ length: trials }, (_, i) => sampleTrial(space, searchSeed, i));
}

/** The coarse-to-fine rule's parameters. */
export interface NarrowRule {
  /** How many of the best trials (by validation accuracy) the new range spans (default 5). */
  top: number;
  /** How far the span is widened on each side: in decades on a log scale, in the range's own units on a linear one (default 0.5). */
  margin: number;
}

export const NARROW_DEFAULTS: NarrowRule = { top: 5, margin: 0.5 };

/** What narrowing reads of a finished trial. */
export interface ScoredTrial { config: Record<string, number>; valAcc: number | null }

/**
 * The coarse-to-fine rule: take the `top` trials with the highest validation accuracy (trials
 * that diverged or failed have none and are left out); for each hyperparameter, the new range is
 * the span of their values, widened by `margin` on each side (decades on a log scale: on
 * [log10 min, log10 max] ± margin), and cut back to the old range: never wider than the old.
 *
 * @example
 * const results = [
 *   { config: { lr: 1e-4, reg: 1e-2 }, valAcc: 0.40 }, { config: { lr: 3e-4, reg: 1 }, valAcc: 0.38 },
 *   { config: { lr: 1e-6, reg: 1e4 }, valAcc: 0.10 },
 * ];
 * nn.hpSearch.narrow(results, nn.hpSearch.COARSE_SPACE, { top: 2, margin: 0.5 }).lr
 * // { low: 10^−4.5, high: 10^−3 (cut back to the old high), scale: 'log' }
 */
export function narrow(results: readonly ScoredTrial[], space: SearchSpace, rule: Partial<NarrowRule> = {}): Record<string, ParamRange> {
  checkSpace('space', space);
  const top = checkInt('rule.top', rule.top ?? NARROW_DEFAULTS.top, { min: 1, max: 100_000 });
  const margin = checkNumber('rule.margin', rule.margin ?? NARROW_DEFAULTS.margin, { min: 0, max: 1e6 });
  const scored = results.filter((r) => typeof r.valAcc === 'number' && Number.isFinite(r.valAcc));
  if (scored.length === 0) throw new ArgumentError('results', results.length, '', `narrow: no trial has a validation accuracy (all ${results.length} diverged or failed), so there is nothing to narrow around`);
  const best = [...scored].sort((a, b) => (b.valAcc as number) - (a.valAcc as number)).slice(0, top);
  const out: Record<string, ParamRange> = {};
  for (const [key, range] of Object.entries(space)) {
    const log = range.scale === 'log';
    const at = (v: number) => (log ? Math.log10(v) : v);
    const values = best.map((r) => {
      const v = r.config[key];
      if (typeof v !== 'number' || !Number.isFinite(v)) throw new ArgumentError(`results[].config.${key}`, v, 'a finite number (every trial sets every hyperparameter of the space)');
      return at(v);
    });
    const lo = Math.max(at(range.low), Math.min(...values) - margin);
    const hi = Math.min(at(range.high), Math.max(...values) + margin);
    if (!(lo < hi)) throw new ArgumentError('rule.margin', margin, 'a margin > 0 when the best trials share one value', `narrow: the best trials all have ${key} = ${best[0].config[key]} and rule.margin is 0, so the new range would be empty`);
    // a bound cut back to the old range is the old bound itself: 10 ** log10(1e-5) is 9.999999999999999e-6
    const back = (v: number, old: number) => (v === at(old) ? old : log ? 10 ** v : v);
    out[key] = { low: back(lo, range.low), high: back(hi, range.high), scale: range.scale };
  }
  return out;
}

/** Where a value sits in its range: `position` in [0, 1] (on the range's scale), and which edge it is near. */
export interface EdgeFlag { value: number; position: number; edge: 'low' | 'high' | null }

/**
 * The lecture's "why should this worry us?": a best value in the outer `fraction` of its range
 * (on the range's scale) may mean the optimum lies outside the range searched, so the next stage
 * should widen the range on that side rather than narrow it.
 *
 * @example
 * const flags = nn.hpSearch.atEdge({ lr: 9e-4, reg: 1e-2 }, nn.hpSearch.COARSE_SPACE);
 * flags.lr.edge    // 'high': 9e-4 sits at position 0.98 of [1e-6, 1e-3] on the log scale
 * flags.reg.edge   // null: 1e-2 sits at 0.3 of [1e-5, 1e5]
 */
export function atEdge(best: Readonly<Record<string, number>>, space: SearchSpace, fraction = 0.1): Record<string, EdgeFlag> {
  checkSpace('space', space);
  checkNumber('fraction', fraction, { min: 0, max: 0.5 });
  const out: Record<string, EdgeFlag> = {};
  for (const [key, range] of Object.entries(space)) {
    const v = checkNumber(`best.${key}`, best[key], { min: -1e300, max: 1e300 });
    const log = range.scale === 'log';
    const at = (x: number) => (log ? Math.log10(x) : x);
    const position = (at(v) - at(range.low)) / (at(range.high) - at(range.low));
    out[key] = { value: v, position, edge: position < fraction ? 'low' : position > 1 - fraction ? 'high' : null };
  }
  return out;
}
