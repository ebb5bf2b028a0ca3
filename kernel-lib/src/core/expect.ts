/**
 * `nn.expect`: the checks of a lesson's check cells, one line each. A failed check throws a
 * {@link CheckFailure} whose whole text is one line (what was checked, what was expected, what was
 * measured, and a hint when one is given): the nnlab kernel prints it without a stack trace, so a
 * student reads the reason, not eight frames of node:vm and tslab. A passed check returns the
 * measured value, so a cell can go on with it.
 *
 * @example
 * nn.expect.near(0.998, 1, 0.01, 'std of layer 1');             // passes, returns 0.998
 * nn.expect.below(3e-7, 1e-6, 'relative error', 'float32 rounding is ~6e-8 per operation');
 * nn.expect.within(0.71, [0.66, 0.76], 'std factor per layer');
 * nn.expect.that(1 + 1 === 2, 'one plus one is two');
 */
import { ArgumentError } from './errors';

/**
 * A failed check: its message is one line and its stack is that line only (no frames), so that
 * Jupyter shows the reason and nothing else.
 */
export class CheckFailure extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'CheckFailure';
    this.stack = `${this.name}: ${message}`;
  }
}

/**
 * A number as a check message shows it: 4 significant digits, exponent form when tiny or huge.
 *
 * @example
 * nn.expect.formatMeasured(0.98164)   // '0.9816'
 * nn.expect.formatMeasured(3.2e-7)    // '3.2e-7'
 */
export function formatMeasured(v: unknown): string {
  if (typeof v !== 'number') return JSON.stringify(v) ?? String(v);
  if (!Number.isFinite(v)) return String(v);
  if (v === 0) return '0';
  const a = Math.abs(v);
  if (a < 1e-3 || a >= 1e6) return v.toExponential(2).replace(/\.?0+e/, 'e');
  return String(Number(v.toPrecision(4)));
}

function fail(what: string, expected: string, measured: unknown, hint?: string): never {
  throw new CheckFailure(`${what}: expected ${expected}, measured ${formatMeasured(measured)}${hint ? ` (hint: ${hint})` : ''}`);
}

function checkWhat(fn: string, what: unknown): string {
  if (typeof what !== 'string' || what.trim() === '') throw new ArgumentError(`expect.${fn}: what`, what, 'a non-empty string naming what is checked');
  return what;
}

function isNumber(v: unknown): v is number {
  return typeof v === 'number' && !Number.isNaN(v);
}

/**
 * Passes when |measured - expected| <= tolerance. NaN never passes.
 *
 * @example
 * nn.expect.near(0.5003, 0.5, 0.0063, 'kept fraction');   // 0.5003
 */
export function near(measured: number, expected: number, tolerance: number, what: string, hint?: string): number {
  checkWhat('near', what);
  if (!(tolerance >= 0)) throw new ArgumentError('expect.near: tolerance', tolerance, 'a number >= 0');
  if (!isNumber(measured) || !(Math.abs(measured - expected) <= tolerance)) {
    fail(what, `${formatMeasured(expected)} ± ${formatMeasured(tolerance)}`, measured, hint);
  }
  return measured;
}

/**
 * Passes when lo <= measured <= hi.
 *
 * @example
 * nn.expect.within(0.42, [0.15, 0.7], 'std of layer 4');
 */
export function within(measured: number, range: readonly [number, number], what: string, hint?: string): number {
  checkWhat('within', what);
  if (!Array.isArray(range) || range.length !== 2 || !(range[0] <= range[1])) {
    throw new ArgumentError('expect.within: range', range, 'a pair [lo, hi] with lo <= hi');
  }
  if (!isNumber(measured) || !(measured >= range[0] && measured <= range[1])) {
    fail(what, `a value in [${formatMeasured(range[0])}, ${formatMeasured(range[1])}]`, measured, hint);
  }
  return measured;
}

/**
 * Passes when measured < bound.
 *
 * @example
 * nn.expect.below(2e-7, 1e-6, 'relative error');
 */
export function below(measured: number, bound: number, what: string, hint?: string): number {
  checkWhat('below', what);
  if (!isNumber(measured) || !(measured < bound)) fail(what, `below ${formatMeasured(bound)}`, measured, hint);
  return measured;
}

/**
 * Passes when measured > bound.
 *
 * @example
 * nn.expect.above(0.93, 0.85, 'test accuracy');
 */
export function above(measured: number, bound: number, what: string, hint?: string): number {
  checkWhat('above', what);
  if (!isNumber(measured) || !(measured > bound)) fail(what, `above ${formatMeasured(bound)}`, measured, hint);
  return measured;
}

/**
 * Passes when measured === expected (numbers, strings, booleans).
 *
 * @example
 * const run = await nn.weightInit.stats({ init: 'xavier', activation: 'tanh', batchSize: 100, width: 100 });
 * nn.expect.equal(nn.weightInit.verdict(run), 'healthy', 'verdict of Xavier + tanh');
 */
export function equal<T extends number | string | boolean>(measured: T, expected: T, what: string, hint?: string): T {
  checkWhat('equal', what);
  if (measured !== expected) fail(what, formatMeasured(expected), measured, hint);
  return measured;
}

/**
 * Passes when the statistic is within k standard errors of its expectation (default k = 4: a false
 * alarm about once in 16,000 runs for a Gaussian statistic).
 *
 * @example
 * nn.expect.withinSE(0.5012, 0.5, 0.0016, 'kept fraction');   // 0.75 SE away: passes
 */
export function withinSE(measured: number, expected: number, se: number, what: string, k = 4, hint?: string): number {
  checkWhat('withinSE', what);
  if (!(se > 0)) throw new ArgumentError('expect.withinSE: se', se, 'a standard error > 0');
  if (!isNumber(measured) || !(Math.abs(measured - expected) <= k * se)) {
    const away = isNumber(measured) ? `${formatMeasured(Math.abs(measured - expected) / se)} SE away` : '';
    const note = [away, hint].filter(Boolean).join('; ');
    fail(what, `${formatMeasured(expected)} within ${k} SE (± ${formatMeasured(k * se)})`, measured, note || undefined);
  }
  return measured;
}

/**
 * Passes when `condition` is true; `what` says what should hold.
 *
 * @example
 * const { leaked } = await nn.countTensors(() => nn.batchNorm.fold({ seed: 5 }));
 * nn.expect.that(leaked === 0, 'the experiment frees every tensor', `${leaked} tensors left`);
 */
export function that(condition: boolean, what: string, hint?: string): void {
  checkWhat('that', what);
  if (condition !== true) throw new CheckFailure(`${what}: does not hold${hint ? ` (hint: ${hint})` : ''}`);
}
