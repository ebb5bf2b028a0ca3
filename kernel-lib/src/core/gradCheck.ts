/**
 * Numerical gradient checks, the way the lecture (cs231n's `gradient_check.py`) does them: the
 * centred difference
 *
 *   ∂f/∂xᵢ ≈ (f(x + h·eᵢ) − f(x − h·eᵢ)) / 2h          (error O(h²))
 *
 * compared with the analytic gradient by the relative error
 *
 *   rel(a, n) = |a − n| / max(1e-8, |a| + |n|)          (cs231n's rel_error)
 *
 * and judged with the lecture's scale, for float64: above 1e-2 the gradient is probably wrong;
 * 1e-2 to 1e-4 is uncomfortable; below 1e-4 is fine for functions with kinks (ReLU, max) and
 * still suspicious without them; below 1e-7 is right.
 *
 * These work on float64 JS arrays (`Float64Array`): in float32 (a tfjs tensor) the difference
 * f(x + h) − f(x − h) loses about log₁₀(|f| / (2h·|∂f|)) of float32's 7 digits, so with h = 1e-3
 * relative errors of 1e-3 to 1e-2 are normal and say nothing; check in float64 JS.
 *
 * @example
 * const f = (x: Float64Array) => x.reduce((s, v) => s + v ** 3, 0);
 * const x = Float64Array.from([1, -2, 0.5]);
 * const rows = nn.gradCheck(f, x, Float64Array.from(x, (v) => 3 * v * v));
 * rows.every((r) => r.verdict === 'right')   // true: relative errors about 1e-10
 */
import { ArgumentError, checkInt, checkNumber } from './errors';
import { mulberry32 } from './rng';

/** The lecture's verdicts on a float64 relative error. */
export type GradVerdict = 'right' | 'fine with kinks' | 'uncomfortable' | 'wrong';

/** The thresholds of {@link gradVerdict} (relative error, float64). */
export const GRAD_CHECK_THRESHOLDS = { right: 1e-7, kinks: 1e-4, uncomfortable: 1e-2 } as const;

/**
 * cs231n's rel_error of two numbers: |a − b| / max(1e-8, |a| + |b|).
 *
 * @example
 * nn.gradRelError(1, 3)   // 0.5
 */
export function gradRelError(a: number, b: number): number {
  return Math.abs(a - b) / Math.max(1e-8, Math.abs(a) + Math.abs(b));
}

/**
 * The lecture's verdict on a relative error.
 *
 * @example
 * nn.gradVerdict(3e-9)   // 'right'
 * nn.gradVerdict(5e-3)   // 'uncomfortable'
 */
export function gradVerdict(relError: number): GradVerdict {
  if (!(relError <= GRAD_CHECK_THRESHOLDS.uncomfortable)) return 'wrong';
  if (relError > GRAD_CHECK_THRESHOLDS.kinks) return 'uncomfortable';
  if (relError > GRAD_CHECK_THRESHOLDS.right) return 'fine with kinks';
  return 'right';
}

function checkInputs(f: unknown, x: unknown, h: number): Float64Array {
  if (typeof f !== 'function') throw new ArgumentError('f', f, 'a function from a Float64Array to a number');
  if (!(x instanceof Float64Array) || x.length === 0) throw new ArgumentError('x', x, 'a non-empty Float64Array (float64: float32 differences are too coarse for a check)');
  checkNumber('h', h, { min: 1e-12, max: 1 });
  return x;
}

function evaluate(f: (x: Float64Array) => number, x: Float64Array, where: string): number {
  const v = f(x);
  if (typeof v !== 'number' || !Number.isFinite(v)) throw new ArgumentError('f', v, 'a finite number at every point', `f must return a finite number, got ${v} at ${where}`);
  return v;
}

/** ∂f/∂xᵢ by the centred difference, at one index; x is restored. */
function centred(f: (x: Float64Array) => number, x: Float64Array, i: number, h: number): number {
  const old = x[i];
  x[i] = old + h;
  const plus = evaluate(f, x, `x[${i}] + h`);
  x[i] = old - h;
  const minus = evaluate(f, x, `x[${i}] - h`);
  x[i] = old;
  return (plus - minus) / (2 * h);
}

/**
 * The whole numerical gradient of f at x by centred differences (2·x.length calls of f). x is
 * changed during the call and restored.
 *
 * @example
 * nn.numericalGradient((x) => x[0] * x[1], Float64Array.from([2, 3]))   // Float64Array [3, 2] (to ~1e-10)
 */
export function numericalGradient(f: (x: Float64Array) => number, x: Float64Array, h = 1e-5): Float64Array {
  checkInputs(f, x, h);
  const grad = new Float64Array(x.length);
  for (let i = 0; i < x.length; i++) grad[i] = centred(f, x, i, h);
  return grad;
}

/** One checked coordinate. */
export interface GradCheckRow { index: number; analytic: number; numeric: number; relError: number; verdict: GradVerdict }

/**
 * The gradient check, in two forms.
 *
 * - `gradCheck(f, x, analytic, { samples, h, seed })` (lessons 05 and 06): rows of an analytic
 *   gradient against centred differences at `samples` seeded random coordinates (cs231n's
 *   grad_check_sparse, drawn with replacement; every coordinate when samples >= x.length), with
 *   cs231n's relative error |a − n| / (|a| + |n|).
 * - `gradCheck(f, x, { h, samples, seed, analytic, tolerance })` (lesson 12): the same as
 *   {@link gradCheckRecord}: f returns the loss or `{ loss, grad }`, and the result is a record
 *   with rows and a summary, with the relative error |a − n| / max(|a|, |n|).
 *
 * The third argument decides: an array of numbers is the analytic gradient (the first form); an
 * options object or nothing is the second.
 *
 * @example
 * const f = (x: Float64Array) => Math.sin(x[0]) + x[1] * x[1];
 * const x = Float64Array.from([0.3, -1]);
 * nn.gradCheck(f, x, Float64Array.from([Math.cos(0.3), -2])).map((r) => r.verdict)   // ['right', 'right']
 * nn.gradCheck((v: Float64Array) => ({ loss: f(v), grad: [Math.cos(v[0]), 2 * v[1]] }), x, { h: 1e-5 }).passed   // true
 */
export function gradCheck(f: (x: Float64Array) => number, x: Float64Array, analytic: ArrayLike<number>,
  options?: { samples?: number; h?: number; seed?: number }): GradCheckRow[];
export function gradCheck<X extends Float64Array | { data: Float64Array }>(f: GradCheckFunction<X>, x: X, options?: GradCheckOptions): GradCheckRecord;
export function gradCheck(f: unknown, x: unknown, third?: unknown, fourth?: unknown): GradCheckRow[] | GradCheckRecord {
  const isArray = third !== null && typeof third === 'object' && typeof (third as ArrayLike<number>).length === 'number';
  if (third === undefined || (!isArray && typeof third === 'object' && third !== null)) {
    return gradCheckRecord(f as GradCheckFunction<Float64Array>, x as Float64Array, (third ?? {}) as GradCheckOptions);
  }
  return gradCheckRows(f as (x: Float64Array) => number, x as Float64Array, third as ArrayLike<number>, (fourth ?? {}) as { samples?: number; h?: number; seed?: number });
}

function gradCheckRows(f: (x: Float64Array) => number, x: Float64Array, analytic: ArrayLike<number>,
  options: { samples?: number; h?: number; seed?: number }): GradCheckRow[] {
  const h = options.h ?? 1e-5;
  checkInputs(f, x, h);
  if (!analytic || typeof analytic.length !== 'number' || analytic.length !== x.length) {
    throw new ArgumentError('analytic', analytic, `an array of ${x.length} numbers, one per coordinate of x`);
  }
  const samples = checkInt('samples', options.samples ?? x.length, { min: 1, max: 1e6 });
  const random = mulberry32(checkInt('seed', options.seed ?? 0, { min: 0 }));
  const indices = samples >= x.length ? Array.from({ length: x.length }, (_, i) => i) : Array.from({ length: samples }, () => Math.floor(random() * x.length));
  return indices.map((index) => {
    const a = Number(analytic[index]);
    const numeric = centred(f, x, index, h);
    const relError = gradRelError(a, numeric);
    return { index, analytic: a, numeric, relError, verdict: gradVerdict(relError) };
  });
}

/**
 * The relative error of lesson 12 and of {@link gradCheckRecord}: |a − n| / max(|a|, |n|), the
 * form the lecture writes. It is 0 when both are 0, and the denominator never falls below 1e-8
 * (so two gradients that are both ~1e-12 do not read as "wrong"). It is at most twice
 * {@link gradRelError} (cs231n's |a| + |n| form) and never smaller, so the same verdict scale applies.
 *
 * @example
 * nn.gradRelErrorMax(1, 3)   // 0.6667 = 2 / 3
 * nn.gradRelErrorMax(0, 0)   // 0
 */
export function gradRelErrorMax(a: number, n: number): number {
  const diff = Math.abs(a - n);
  if (diff === 0) return 0;
  return diff / Math.max(1e-8, Math.abs(a), Math.abs(n));
}

/** A function {@link gradCheckRecord} checks: the loss at x, or the loss and its analytic gradient. */
export type GradCheckFunction<X> = (x: X) => number | { loss: number; grad: ArrayLike<number> | { data: ArrayLike<number> } };

/** The options of {@link gradCheckRecord}. */
export interface GradCheckOptions {
  /** The step of the centred difference (default 1e-5, the float64 choice: ∛ε ≈ 6e-6). */
  h?: number;
  /** How many distinct coordinates, drawn at random with `seed` (default: every coordinate). */
  samples?: number;
  /** The seed of the coordinate draw (default 0). */
  seed?: number;
  /** The analytic gradient; when absent, `f(x)` must return `{ loss, grad }`. */
  analytic?: ArrayLike<number> | { data: ArrayLike<number> };
  /** The largest max relative error that passes (default 1e-7, GRAD_CHECK_THRESHOLDS.right). */
  tolerance?: number;
}

/** What {@link gradCheckRecord} returns: plain data (JSON-safe). */
export interface GradCheckRecord {
  kind: 'gradCheck';
  /** Always 'max': relError = |a − n| / max(|a|, |n|) ({@link gradRelErrorMax}). */
  convention: 'max';
  h: number;
  seed: number;
  /** The number of coordinates of x. */
  size: number;
  /** One row per checked coordinate, in index order. */
  rows: GradCheckRow[];
  /** The largest relative error over the rows. */
  maxRelError: number;
  /** The row with the largest relative error. */
  worst: GradCheckRow;
  /** The lecture's verdict on maxRelError. */
  verdict: GradVerdict;
  tolerance: number;
  /** maxRelError <= tolerance. */
  passed: boolean;
}

function dataOf(x: unknown): Float64Array | null {
  if (x instanceof Float64Array) return x;
  if (x && typeof x === 'object' && (x as { data?: unknown }).data instanceof Float64Array) return (x as { data: Float64Array }).data;
  return null;
}

function gradArray(g: unknown): ArrayLike<number> | null {
  if (g && typeof g === 'object' && 'data' in (g as object) && typeof (g as { data: ArrayLike<number> }).data?.length === 'number') return (g as { data: ArrayLike<number> }).data;
  if (g && typeof (g as ArrayLike<number>).length === 'number') return g as ArrayLike<number>;
  return null;
}

/**
 * The gradient check of lesson 12, for students and for homework checkers: centred differences
 * at `samples` distinct seeded coordinates of x (a Float64Array, or an Array64 `{ shape, data }`;
 * f receives x itself, perturbed in place and restored), compared with the analytic gradient by
 * |a − n| / max(|a|, |n|), returned as a record with rows and a summary. The analytic gradient
 * comes from `options.analytic`, or from `f(x)` returning `{ loss, grad }`.
 *
 * @example
 * const f = (x: Float64Array) => ({ loss: x[0] ** 2 * x[1], grad: [2 * x[0] * x[1], x[0] ** 2] });
 * const r = nn.gradCheckRecord(f, Float64Array.from([1.5, -2]), { h: 1e-5 });
 * r.passed    // true
 * r.verdict   // 'right' (maxRelError about 1e-11)
 */
export function gradCheckRecord<X extends Float64Array | { data: Float64Array }>(f: GradCheckFunction<X>, x: X, options: GradCheckOptions = {}): GradCheckRecord {
  if (typeof f !== 'function') throw new ArgumentError('f', f, 'a function of x returning a number or { loss, grad }');
  const data = dataOf(x);
  if (!data || data.length === 0) throw new ArgumentError('x', x, 'a non-empty Float64Array or an Array64 { shape, data: Float64Array } (float64: float32 differences are too coarse for a check)');
  if (options === null || typeof options !== 'object') throw new ArgumentError('options', options, 'an object { h, samples, seed, analytic, tolerance }');
  const h = checkNumber('h', options.h ?? 1e-5, { min: 1e-12, max: 1 });
  const samples = checkInt('samples', options.samples ?? data.length, { min: 1, max: 1e7 });
  const seed = checkInt('seed', options.seed ?? 0, { min: 0 });
  const tolerance = checkNumber('tolerance', options.tolerance ?? GRAD_CHECK_THRESHOLDS.right, { min: 0, max: 1 });
  const lossAt = (where: string): number => {
    const v = f(x);
    const loss = typeof v === 'number' ? v : (v && typeof v === 'object' ? (v as { loss: unknown }).loss : v);
    if (typeof loss !== 'number' || !Number.isFinite(loss)) throw new ArgumentError('f', loss, 'a finite number (or { loss, grad } with a finite loss) at every point', `f must return a finite loss, got ${loss} at ${where}`);
    return loss;
  };
  let analytic: ArrayLike<number> | null;
  if (options.analytic !== undefined) {
    analytic = gradArray(options.analytic);
    if (!analytic || analytic.length !== data.length) throw new ArgumentError('analytic', options.analytic, `an array (or Array64) of ${data.length} numbers, one per coordinate of x`);
  } else {
    const v = f(x);
    analytic = v && typeof v === 'object' ? gradArray((v as { grad: unknown }).grad) : null;
    if (!analytic || analytic.length !== data.length) throw new ArgumentError('f', v, `{ loss, grad } with a grad of ${data.length} numbers (or pass options.analytic)`, `f must return { loss, grad } with ${data.length} gradient numbers when options.analytic is not given`);
    analytic = Float64Array.from(analytic);   // f may reuse its buffers
  }
  let indices: number[];
  if (samples >= data.length) indices = Array.from({ length: data.length }, (_, i) => i);
  else {
    // a seeded partial Fisher-Yates shuffle: `samples` distinct coordinates
    const random = mulberry32(seed);
    const all = Array.from({ length: data.length }, (_, i) => i);
    for (let i = 0; i < samples; i++) {
      const j = i + Math.floor(random() * (data.length - i));
      [all[i], all[j]] = [all[j], all[i]];
    }
    indices = all.slice(0, samples).sort((a, b) => a - b);
  }
  const rows = indices.map((index): GradCheckRow => {
    const old = data[index];
    data[index] = old + h;
    const plus = lossAt(`x[${index}] + h`);
    data[index] = old - h;
    const minus = lossAt(`x[${index}] - h`);
    data[index] = old;
    const numeric = (plus - minus) / (2 * h);
    const a = Number((analytic as ArrayLike<number>)[index]);
    const relError = Number.isFinite(a) ? gradRelErrorMax(a, numeric) : Infinity;
    return { index, analytic: a, numeric, relError, verdict: gradVerdict(relError) };
  });
  const worst = rows.reduce((w, r) => (r.relError > w.relError ? r : w), rows[0]);
  return {
    kind: 'gradCheck', convention: 'max', h, seed, size: data.length, rows, maxRelError: worst.relError, worst,
    verdict: gradVerdict(worst.relError), tolerance, passed: worst.relError <= tolerance,
  };
}
