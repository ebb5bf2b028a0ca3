/**
 * Homework 06 (lesson 06, hyperparameter search): the two pieces of a coarse-to-fine search a
 * student writes by hand.
 *
 *   logUniform(random, low, high)          10^(a + u·(b − a)), a = log10 low, b = log10 high, u = random()
 *   narrowRange(trials, range, top, margin) the span of the `top` best trials' values in log10,
 *                                           widened by `margin` decades each side, cut back to the old range
 *
 * logUniform is checked twice: value by value against the float64 formula for the same draws of a
 * seeded `random` (so a right answer passes exactly and each known mistake is named), and as a
 * distribution — 4000 draws whose log10 must pass a Kolmogorov–Smirnov test against the uniform law
 * on [a, b] at α = 0.001 (critical D = 1.95/√n) — so another correct way of drawing (one that uses
 * `random` differently, or the natural log) passes too. narrowRange is checked against the float64
 * rule on designed trials: diverged trials (valAcc null) among the best, a best trial at the edge,
 * fewer finished trials than `top`, one best trial; in a grading run (a fresh run seed) each case
 * also asks one random instance, so a table of the designed answers does not pass.
 */
import { tapeRandom } from '../../core/wire';
import { describe } from '../../core/errors';
import { CaseContext, CaseOutcome, CheckCase, diagnose, Exercise, fmt, Mistake, relError, ReturnError } from '../../core/exercise';
import { mulberry32, Random } from '../../core/rng';

// ---- exercise 1: logUniform --------------------------------------------------------------------------

/** A right answer and a mistake may differ by float64 rounding of log10 and 10^x: ~1e-15 relative; 1e-9 is far from every mistake. */
export const LOG_UNIFORM_TOL = 1e-9;

/** How a draw is computed: right, or one of the known mistakes. */
export type LogUniformVariant = 'right' | 'uniform' | 'exponent' | 'mixedBases' | 'noOffset' | 'noScale';

/** One draw from `u` (a uniform number in [0, 1)), the `variant` way, in float64. */
export function logUniform64(u: number, low: number, high: number, variant: LogUniformVariant = 'right'): number {
  const a = Math.log10(low);
  const b = Math.log10(high);
  switch (variant) {
    case 'uniform': return low + u * (high - low);
    case 'exponent': return a + u * (b - a);
    case 'mixedBases': return 10 ** (Math.log(low) + u * (Math.log(high) - Math.log(low)));
    case 'noOffset': return 10 ** (u * (b - a));
    case 'noScale': return 10 ** (a + u * b);
    default: return 10 ** (a + u * (b - a));
  }
}

export const LOG_UNIFORM_HINTS: Record<Exclude<LogUniformVariant, 'right'>, string> = {
  uniform: 'that is uniform in the value, low + u·(high − low): ~90 % of the draws land in the top decade; draw the exponent uniformly instead, 10^(a + u·(b − a)) with a = log10 low, b = log10 high',
  exponent: 'you returned the exponent a + u·(b − a): raise 10 to it (10 ** exponent)',
  mixedBases: 'the exponent uses Math.log (natural log) but you raise 10 to it: use Math.log10 with 10 **, or Math.log with Math.exp',
  noOffset: 'the exponent must start at a = log10 low: 10^(a + u·(b − a)), not 10^(u·(b − a))',
  noScale: 'scale u by the width of the exponent range, b − a, not by b',
};

/** The ranges of the value-by-value cases, as the check names them. */
export const LOG_UNIFORM_DESIGNS: readonly { name: string; low: number; high: number; seed: number }[] = [
  { name: 'the lecture\'s learning rates: lr = 10^U(−6, −3), 50 draws', low: 1e-6, high: 1e-3, seed: 611 },
  { name: 'the lecture\'s regularisation: reg = 10^U(−5, 5), 50 draws', low: 1e-5, high: 1e5, seed: 612 },
  { name: 'bounds that are not powers of ten: [3e-4, 2e-2], 50 draws', low: 3e-4, high: 2e-2, seed: 613 },
  { name: 'edge case: a range inside one decade, [0.5, 2], 50 draws', low: 0.5, high: 2, seed: 614 },
];

/** Calls the student's logUniform `n` times with a recording seeded random; returns the draws and the u's it consumed. */
async function draws(fn: unknown, ctx: Parameters<CheckCase['run']>[1], low: number, high: number, n: number, seed: number): Promise<{ values: Float64Array; us: number[][] }> {
  const base = mulberry32(seed);
  const values = new Float64Array(n);
  const us: number[][] = [];
  for (let i = 0; i < n; i++) {
    const used: number[] = [];
    // a tape: when the student's code runs in the grader's kernel it gets the numbers this would give
    const random: Random = tapeRandom(base, (u) => used.push(u));
    values[i] = await ctx.call('logUniform', fn, [random, low, high], (out) => {
      if (typeof out !== 'number') throw new ReturnError(`logUniform(random, ${low}, ${high}) must return a number, got ${out === undefined ? 'undefined (did you forget to return?)' : describe(out)}`);
      return out;
    });
    us.push(used);
  }
  return { values, us };
}

function logUniformCase(d: { name: string; low: number; high: number; seed: number }): CheckCase {
  return {
    name: d.name,
    async run([fn], ctx) {
      const n = 50;
      const { values, us } = await draws(fn, ctx, d.low, d.high, n, ctx.seed(d.seed));
      const outside = Array.from(values).findIndex((v) => !(v >= d.low && v <= d.high));
      if (us.some((u) => u.length === 0)) {
        return { passed: false, message: `a draw called random() 0 times: it cannot be random`, hint: 'call random() once per draw: u = random(), then 10^(a + u·(b − a))' };
      }
      if (us.some((u) => u.length > 1) && outside < 0) {
        // another way of using random(): only the distribution can be checked (the last case)
        return { passed: true, message: `all ${n} draws lie in [${d.low}, ${d.high}] (random() was called ${us.reduce((s, u) => s + u.length, 0)} times, so the draws are checked as a distribution in the last case)` };
      }
      const u = us.map((x) => x[0] ?? 0);
      const want = u.map((x) => logUniform64(x, d.low, d.high));
      const err = relError(values, want);
      if (Number.isFinite(err) && err <= LOG_UNIFORM_TOL && outside < 0) return { passed: true, relError: err, tolerance: LOG_UNIFORM_TOL, message: `${n} draws equal 10^(a + u·(b − a)) for the same u` };
      const mistakes: Mistake[] = (Object.keys(LOG_UNIFORM_HINTS) as Exclude<LogUniformVariant, 'right'>[])
        .map((v) => ({ hint: LOG_UNIFORM_HINTS[v], expected: u.map((x) => logUniform64(x, d.low, d.high, v)) }));
      const k = outside >= 0 ? outside : 0;
      const message = outside >= 0
        ? `draw ${k} is ${fmt(values[k])}, outside [${d.low}, ${d.high}] (u = ${fmt(u[k])}; expected ${fmt(want[k])})`
        : `for u = ${fmt(u[0])} you return ${fmt(values[0])}, expected ${fmt(want[0])}`;
      return { passed: false, relError: Number.isFinite(err) ? err : null, tolerance: LOG_UNIFORM_TOL, message, hint: diagnose(values, mistakes, LOG_UNIFORM_TOL) };
    },
  };
}

/** The Kolmogorov–Smirnov statistic of `values` against the uniform law on [a, b]. */
export function ksUniform(values: ArrayLike<number>, a: number, b: number): number {
  const u = Array.from(values, (v) => (v - a) / (b - a)).sort((p, q) => p - q);
  let d = 0;
  u.forEach((x, i) => { d = Math.max(d, (i + 1) / u.length - x, x - i / u.length); });
  return d;
}

/** Draws of the distribution case, and its critical KS distance (α = 0.001: P(√n·D > 1.95) ≈ 0.001). */
export const KS_DRAWS = 4000;
export const KS_CRITICAL = 1.95 / Math.sqrt(KS_DRAWS);

/**
 * The seed of the distribution case's random(): 615 under nn.check; in a grading run the first of
 * ctx.seed(615), ctx.seed(615) + 1, ... whose 4000 draws, taken the lecture's way (one u per draw),
 * pass the KS test with room to spare (D < 0.9 × critical), so right work is never failed by the
 * test's α = 0.001 (one grading run in a thousand would otherwise fail it).
 */
function ksSeed(ctx: CaseContext): number {
  let seed = ctx.seed(615);
  for (let k = 0; ctx.runSeed !== 0 && k < 100; k++, seed++) {
    const random = mulberry32(seed);
    const logs = Array.from({ length: KS_DRAWS }, () => Math.log10(logUniform64(random(), 1e-6, 1e-3)));
    if (ksUniform(logs, -6, -3) < 0.9 * KS_CRITICAL) break;
  }
  return seed;
}

const distributionCase: CheckCase = {
  name: `the distribution: log10 of ${KS_DRAWS} draws of 10^U(−6, −3) is uniform on [−6, −3] (Kolmogorov–Smirnov D < 1.95/√n = ${KS_CRITICAL.toFixed(4)}, α = 0.001)`,
  async run([fn], ctx) {
    const { values } = await draws(fn, ctx, 1e-6, 1e-3, KS_DRAWS, ksSeed(ctx));
    const logs = Array.from(values, (v) => Math.log10(v));
    if (logs.some((v) => !(v >= -6 && v <= -3))) return { passed: false, message: 'some draws lie outside [1e-6, 1e-3]', hint: 'every draw must lie in [low, high]' };
    const d = ksUniform(logs, -6, -3);
    const topDecade = logs.filter((v) => v > -4).length / KS_DRAWS;
    if (d < KS_CRITICAL) return { passed: true, message: `KS D = ${d.toFixed(4)} < ${KS_CRITICAL.toFixed(4)}; ${(100 * topDecade).toFixed(1)} % of the draws in the top decade (a third expected)` };
    return {
      passed: false, message: `KS D = ${d.toFixed(4)}, over the critical ${KS_CRITICAL.toFixed(4)}: log10 of your draws is not uniform; ${(100 * topDecade).toFixed(1)} % of them lie in the top decade [1e-4, 1e-3] (a third expected)`,
      hint: topDecade > 0.8 ? LOG_UNIFORM_HINTS.uniform : 'draw the exponent uniformly: 10^(a + u·(b − a)), one random() per draw',
    };
  },
};

/** Homework 06, exercise 1: log-uniform sampling. */
export const LOG_UNIFORM_EXERCISE: Exercise = {
  name: 'logUniform', homework: 'hw06-hyperparameter-search', lesson: '06', title: 'Log-uniform sampling', points: 10,
  functions: ['logUniform'],
  signature: 'function logUniform(random: () => number, low: number, high: number): number',
  cases: [...LOG_UNIFORM_DESIGNS.map(logUniformCase), distributionCase],
};

// ---- exercise 2: narrowRange -------------------------------------------------------------------------

/** A trial as narrowRange sees it: one hyperparameter's value and the validation accuracy (null: diverged). */
export interface RangeTrial { value: number; valAcc: number | null }

/** Exponents are compared: log10 of a right answer is exact to ~1e-15; 1e-9 is far from every mistake. */
export const NARROW_TOL = 1e-9;

export type NarrowVariant = 'right' | 'keepsDiverged' | 'worst' | 'noClip' | 'linearMargin' | 'first';

/** The new range the `variant` way, in float64 (see the module comment for the rule). */
export function narrowRange64(trials: readonly RangeTrial[], range: { low: number; high: number }, top: number, margin: number, variant: NarrowVariant = 'right'): { low: number; high: number } {
  const pool = variant === 'keepsDiverged' ? trials.map((t) => ({ ...t, valAcc: t.valAcc ?? 0 })) : trials.filter((t) => t.valAcc !== null);
  const sorted = variant === 'first' ? [...pool] : [...pool].sort((p, q) => (variant === 'worst' ? 1 : -1) * ((p.valAcc as number) - (q.valAcc as number)));
  const best = sorted.slice(0, top).map((t) => t.value);
  if (variant === 'linearMargin') {
    return { low: Math.max(range.low, Math.min(...best) - margin), high: Math.min(range.high, Math.max(...best) + margin) };
  }
  let lo = Math.log10(Math.min(...best)) - margin;
  let hi = Math.log10(Math.max(...best)) + margin;
  if (variant !== 'noClip') { lo = Math.max(lo, Math.log10(range.low)); hi = Math.min(hi, Math.log10(range.high)); }
  return { low: 10 ** lo, high: 10 ** hi };
}

export const NARROW_HINTS: Record<Exclude<NarrowVariant, 'right'>, string> = {
  keepsDiverged: 'a diverged trial (valAcc null) has no accuracy: leave it out before you pick the best',
  worst: 'you took the trials with the LOWEST accuracy: sort by valAcc, highest first',
  noClip: 'the new range went past the old one: cut it back, low = max(new low, old low), high = min(new high, old high)',
  linearMargin: 'the margin is in decades: widen on the log scale, log10(min) − margin and log10(max) + margin (10^−margin times the low bound)',
  first: 'pick the best trials by validation accuracy, not the first ones in the list',
};

/** The cases of the narrowRange check. */
export const NARROW_DESIGNS: readonly { name: string; trials: RangeTrial[]; range: { low: number; high: number }; top: number; margin: number }[] = [
  {
    name: '8 learning rates in [1e-6, 1e-3] (one diverged), top 3, margin 0.5 decades',
    range: { low: 1e-6, high: 1e-3 }, top: 3, margin: 0.5,
    trials: [
      { value: 2e-6, valAcc: 0.18 }, { value: 9e-4, valAcc: null }, { value: 3e-5, valAcc: 0.36 }, { value: 1.5e-5, valAcc: 0.31 },
      { value: 5e-6, valAcc: 0.22 }, { value: 7e-5, valAcc: 0.41 }, { value: 1.2e-6, valAcc: 0.12 }, { value: 4e-4, valAcc: 0.27 },
    ],
  },
  {
    name: 'the best trial at the high edge, [1e-5, 1e5], top 2, margin 1: the new range stops at the old high 1e5',
    range: { low: 1e-5, high: 1e5 }, top: 2, margin: 1,
    trials: [
      { value: 3e4, valAcc: 0.35 }, { value: 2e-3, valAcc: 0.2 }, { value: 5e2, valAcc: 0.3 }, { value: 1e-4, valAcc: 0.1 }, { value: 2e4, valAcc: 0.15 },
    ],
  },
  {
    name: 'edge case: fewer finished trials (2) than top (4); two diverged trials far outside them',
    range: { low: 1e-6, high: 1e-3 }, top: 4, margin: 0.25,
    trials: [{ value: 2e-5, valAcc: 0.3 }, { value: 3e-4, valAcc: null }, { value: 6e-5, valAcc: 0.33 }, { value: 4e-6, valAcc: null }],
  },
  {
    name: 'edge case: top 1, margin 0.5: one decade around the single best trial',
    range: { low: 1e-5, high: 1e5 }, top: 1, margin: 0.5,
    trials: [{ value: 1e3, valAcc: 0.25 }, { value: 1e-2, valAcc: 0.2 }, { value: 3, valAcc: 0.4 }],
  },
];

function readRange(what: string, out: unknown): { low: number; high: number } {
  const o = out as { low?: unknown; high?: unknown };
  if (out === null || typeof out !== 'object' || typeof o.low !== 'number' || typeof o.high !== 'number') {
    throw new ReturnError(`${what} must return { low, high } (two numbers), got ${out === undefined ? 'undefined (did you forget to return?)' : describe(out)}`);
  }
  return { low: o.low, high: o.high };
}

type NarrowDesign = (typeof NARROW_DESIGNS)[number];

/**
 * A random instance of the rule for a grading run: a range [10^a, 10^b] (a in −7…0, 1 to 8 decades
 * wide), 3 to 10 trials log-uniform in it with distinct accuracies, about one in five diverged (at
 * least one finished), top 1 to 4, margin 0.1 to 1 decade. With it a table of the designed cases'
 * answers cannot pass.
 */
function randomNarrowDesign(seed: number): NarrowDesign {
  const r = mulberry32(seed);
  const a = -7 + Math.floor(r() * 8);
  const b = a + 1 + Math.floor(r() * 8);
  const n = 3 + Math.floor(r() * 8);
  const trials: RangeTrial[] = Array.from({ length: n }, () => ({ value: 10 ** (a + r() * (b - a)), valAcc: r() < 0.2 ? null : Math.round(1000 * (0.1 + 0.5 * r())) / 1000 }));
  if (trials.every((t) => t.valAcc === null)) trials[0].valAcc = 0.5;
  const accs = trials.map((t) => t.valAcc).filter((v) => v !== null);
  if (new Set(accs).size < accs.length) trials.forEach((t, i) => { if (t.valAcc !== null) t.valAcc = 0.1 + 0.001 * i + 0.3 * r(); });
  const top = 1 + Math.floor(r() * 4);
  const margin = Math.round(100 * (0.1 + 0.9 * r())) / 100;
  return { name: `${n} random trials in [1e${a}, 1e${b}], top ${top}, margin ${margin}`, range: { low: 10 ** a, high: 10 ** b }, top, margin, trials };
}

async function judgeNarrow(fn: unknown, ctx: CaseContext, d: NarrowDesign): Promise<CaseOutcome> {
  const trials = d.trials.map((t) => ({ ...t }));
  const what = `narrowRange(${trials.length} trials, [${d.range.low}, ${d.range.high}], ${d.top}, ${d.margin})`;
  const got = await ctx.call('narrowRange', fn, [trials, { ...d.range }, d.top, d.margin], (out) => readRange(what, out));
  const logs = (r: { low: number; high: number }) => [Math.log10(r.low), Math.log10(r.high)];
  const want = narrowRange64(d.trials, d.range, d.top, d.margin);
  const err = relError(logs(got), logs(want));
  const message = `you return [${fmt(got.low)}, ${fmt(got.high)}], expected [${fmt(want.low)}, ${fmt(want.high)}]`;
  if (Number.isFinite(err) && err <= NARROW_TOL) return { passed: true, relError: err, tolerance: NARROW_TOL, message: `[${fmt(got.low)}, ${fmt(got.high)}] matches` };
  const mistakes: Mistake[] = (Object.keys(NARROW_HINTS) as Exclude<NarrowVariant, 'right'>[])
    .map((v) => ({ hint: NARROW_HINTS[v], expected: logs(narrowRange64(d.trials, d.range, d.top, d.margin, v)) }));
  const valid = Number.isFinite(err) && got.low > 0 && got.high > 0;
  const hint = valid ? diagnose(logs(got), mistakes, NARROW_TOL) : got.low <= 0 ? NARROW_HINTS.linearMargin : undefined;
  return { passed: false, relError: Number.isFinite(err) ? err : null, tolerance: NARROW_TOL, message, hint };
}

/** A designed case; in a grading run (runSeed ≠ 0) it also asks one random instance drawn from ctx.seed(seed). */
function narrowCase(d: NarrowDesign, seed: number): CheckCase {
  return {
    name: d.name,
    async run([fn], ctx) {
      const designed = await judgeNarrow(fn, ctx, d);
      if (!designed.passed || ctx.runSeed === 0) return designed;
      const extra = randomNarrowDesign(ctx.seed(seed));
      const outcome = await judgeNarrow(fn, ctx, extra);
      return outcome.passed ? { ...designed, message: `${designed.message}; a random instance (${extra.name}) matches too` }
        : { ...outcome, message: `a random instance, ${extra.name}: ${outcome.message}` };
    },
  };
}

/** Homework 06, exercise 2: the coarse-to-fine rule for one hyperparameter. */
export const NARROW_EXERCISE: Exercise = {
  name: 'narrowRange', homework: 'hw06-hyperparameter-search', lesson: '06', title: 'Coarse to fine: narrowing a range', points: 10,
  functions: ['narrowRange'],
  signature: 'function narrowRange(trials: { value: number; valAcc: number | null }[], range: { low: number; high: number }, top: number, margin: number): { low: number; high: number }',
  cases: NARROW_DESIGNS.map((d, i) => narrowCase(d, 621 + i)),
};

/** Homework 06's exercises in notebook order (lesson.ts lists them; the registry reads them from there). */
export const HOMEWORK_06: readonly Exercise[] = [LOG_UNIFORM_EXERCISE, NARROW_EXERCISE];
