/**
 * Interleaved rounds (issue 25, "Stable ratios"): on a shared machine the speed of every
 * configuration drifts by tens of percent within minutes, so a benchmark that times A for a while
 * and then B for a while compares A's good minutes with B's bad ones. Here every configuration runs
 * once per round, the rounds repeat (ABAB..., not AAA...BBB), a ratio is computed inside each round
 * (its two sides minutes apart) and the report gives the median of the per-round ratios and their
 * spread:
 *
 *   spread = (max - min) / 2 / median   of the per-round ratios (a half-range: "±6.1%"),
 *
 * flagged as unstable above {@link SPREAD_BOUND} (±15 %, the check). Pure functions over
 * plain numbers; `nnlab bench` (./run.ts) and `bench:init-stats` (./initStats.ts) use them.
 *
 * @example
 * interleave(['wasm-nnlab', 'pytorch'], 2);  // wasm-nnlab, pytorch, wasm-nnlab, pytorch (rounds 0, 0, 1, 1)
 * roundStats([0.8, 0.9, 1.0]);               // { median: 0.9, min: 0.8, max: 1, spread: 0.111, unstable: false, rounds: 3 }
 */

/** A ratio whose per-round spread is above this half-range (relative to the median) is flagged. */
export const SPREAD_BOUND = 0.15;

/** The median: the middle value, or the mean of the two middle ones. `median([3, 1, 2])` -> 2. */
export function median(values: readonly number[]): number {
  if (values.length === 0) throw new Error('median of no values');
  const s = [...values].sort((a, b) => a - b);
  const mid = s.length >> 1;
  return s.length % 2 ? s[mid] : (s[mid - 1] + s[mid]) / 2;
}

/** One slot of an interleaved schedule: which configuration runs, in which round (from 0). */
export interface Slot<T> { round: number; config: T }

/**
 * The run order of `rounds` interleaved rounds: every configuration once per round, in the given
 * order, round after round. `interleave(['A', 'B'], 3)` -> A B A B A B (rounds 0 0 1 1 2 2).
 *
 * @example
 * interleave(['wasm-nnlab', 'pytorch', 'cpu'], 2).map((s) => `${s.config}@${s.round}`);
 * // ['wasm-nnlab@0', 'pytorch@0', 'cpu@0', 'wasm-nnlab@1', 'pytorch@1', 'cpu@1']
 */
export function interleave<T>(configs: readonly T[], rounds: number): Slot<T>[] {
  if (!Number.isInteger(rounds) || rounds < 1) throw new Error(`rounds must be an integer >= 1, got ${rounds}`);
  return Array.from({ length: rounds }, (_, round) => configs.map((config) => ({ round, config }))).flat();
}

/** The median of per-round values with their range and spread. */
export interface RoundStats {
  median: number;
  min: number;
  max: number;
  /** (max - min) / 2 / median; null with fewer than 2 rounds (no spread to speak of). */
  spread: number | null;
  /** spread > bound; null when there is no spread. */
  unstable: boolean | null;
  /** How many rounds the figures come from. */
  rounds: number;
}

/**
 * The median of per-round values (ratios), their min and max, and the spread
 * `(max - min) / 2 / median`, flagged when above `bound`. Empty input: null.
 *
 * @example
 * roundStats([0.8, 1.0, 0.9]);   // median 0.9, spread (1.0 - 0.8) / 2 / 0.9 = 0.111, unstable false
 * roundStats([0.5, 1.0, 0.9]);   // spread 0.278 > 0.15: unstable
 */
export function roundStats(values: readonly number[], bound = SPREAD_BOUND): RoundStats | null {
  if (values.length === 0) return null;
  const m = median(values);
  const min = Math.min(...values);
  const max = Math.max(...values);
  const spread = values.length < 2 ? null : m > 0 ? (max - min) / 2 / m : Infinity;
  return { median: m, min, max, spread, unstable: spread === null ? null : spread > bound, rounds: values.length };
}

/**
 * Per-round ratios `values[i] / references[i]`; null in a round where either side is missing or
 * the reference is not > 0.
 *
 * @example
 * perRoundRatios([2, null, 3], [4, 5, 6]);   // [0.5, null, 0.5]
 */
export function perRoundRatios(values: readonly (number | null)[], references: readonly (number | null)[]): (number | null)[] {
  return values.map((v, i) => {
    const r = references[i];
    return v == null || r == null || !(r > 0) ? null : v / r;
  });
}

/** The numbers of an array of numbers and nulls. */
export function present(values: readonly (number | null)[]): number[] {
  return values.filter((v): v is number => v !== null);
}

/**
 * A spread as text, one decimal below 10 %: `±6.1%`, `±23%`; `-` without one (a single round).
 *
 * @example
 * formatSpread(0.0612);  // '±6.1%'
 * formatSpread(0.234);   // '±23%'
 * formatSpread(null);    // '-'
 */
export function formatSpread(spread: number | null): string {
  if (spread === null) return '-';
  return Number.isFinite(spread) ? `±${(100 * spread).toFixed(spread < 0.0995 ? 1 : 0)}%` : '±inf';
}

/** The flag printed beside an unstable ratio. */
export function unstableFlag(stats: Pick<RoundStats, 'unstable'>, bound = SPREAD_BOUND): string {
  return stats.unstable ? `UNSTABLE (spread > ±${Math.round(100 * bound)}%)` : '';
}
