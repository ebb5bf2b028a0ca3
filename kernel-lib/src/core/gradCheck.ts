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
 * Compares an analytic gradient with centred differences at `samples` seeded random coordinates
 * (cs231n's grad_check_sparse; every coordinate when samples >= x.length).
 *
 * @example
 * const f = (x: Float64Array) => Math.sin(x[0]) + x[1] * x[1];
 * const x = Float64Array.from([0.3, -1]);
 * nn.gradCheck(f, x, Float64Array.from([Math.cos(0.3), -2])).map((r) => r.verdict)   // ['right', 'right']
 */
export function gradCheck(f: (x: Float64Array) => number, x: Float64Array, analytic: ArrayLike<number>,
  options: { samples?: number; h?: number; seed?: number } = {}): GradCheckRow[] {
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
