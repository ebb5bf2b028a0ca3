/**
 * The machinery behind `nn.check.<exercise>(studentFn)`: an exercise is a list of seeded cases, each
 * of which calls the student's function, compares what comes back with the library's reference
 * (cs231n's relative error, max |a - b| / max(|a| + |b|)) and, on a failure that matches a known
 * mistake, says which one.
 *
 * Checks must survive students: an exception, a wrong return type or a wrong shape fails that one
 * case with the message; every case runs in its own tensor scope, so tensors the student's code
 * leaks are counted, reported and then freed, and never pile up into later checks.
 *
 * @example
 * const result = await nn.homework.runCheck('xavierInit', xavierInit);
 * result.score   // 10 when every case passes
 */
import * as tf from '@tensorflow/tfjs';
import { relError } from './stats';
import { mulberry32 } from './rng';

export { relError };
import { describe, firstLine } from './errors';

/** What one case found. */
export interface CaseOutcome {
  passed: boolean;
  /** cs231n relative error of the numbers compared (null when the case compares no numbers). */
  relError?: number | null;
  /** The largest relative error that passes. */
  tolerance?: number | null;
  /** What was checked and, on failure, what was wrong, in one or two sentences with the numbers. */
  message: string;
  /** A targeted hint when the failure matches a known mistake. */
  hint?: string;
}

/** One seeded case of an exercise. `fns` are the student's functions, in the exercise's `functions` order. */
export interface CheckCase {
  name: string;
  run(fns: readonly unknown[], ctx: CaseContext): CaseOutcome | Promise<CaseOutcome>;
}

/**
 * One graded exercise. Adding one to the pack is one module exporting an `Exercise` plus one
 * entry in `EXERCISES` (registry.ts).
 */
export interface Exercise {
  /** The check's name: `nn.check.<name>(...)`. */
  name: string;
  /** The homework notebook it belongs to (its `metadata.nnlab.homework`), e.g. "hw03-weight-init". */
  homework: string;
  /** The lesson it practises ("03"). */
  lesson: string;
  title: string;
  points: number;
  /** The names of the notebook functions the check takes, in order (the grader passes them by these names). */
  functions: readonly string[];
  /** The expected signature, shown when a function is missing. */
  signature: string;
  cases: readonly CheckCase[];
  /**
   * Functions the cases pass to the student's function as arguments (weight-init's `initExperiment`
   * gets the library's initializers), by name: when the student's code runs in another process
   * (`nnlab grade`), they cross by name and the same table on the other side gives them back.
   */
  wireFunctions?: Readonly<Record<string, (...args: never[]) => unknown>>;
}

/** A case as reported. */
export interface CaseResult extends CaseOutcome {
  name: string;
  relError: number | null;
  tolerance: number | null;
}

/** The result of one check: plain JSON. */
export interface CheckResult {
  exercise: string;
  homework: string;
  title: string;
  points: number;
  /** points × passed cases / cases, rounded to 0.1. */
  score: number;
  passed: boolean;
  cases: CaseResult[];
  /** The distinct hints of the failed cases. */
  hints: string[];
  /** Tensors the student's code left allocated over all cases (freed by the check). */
  leaked: number;
  /** Set when the check could not run at all (a missing function). */
  error: string | null;
  ms: number;
}

/** True when `actual` matches `expected` within `tol` (NaN never matches). */
export function close(actual: ArrayLike<number>, expected: ArrayLike<number>, tol: number): boolean {
  if (actual.length !== expected.length) return false;
  const e = relError(actual, expected);
  return Number.isFinite(e) && e <= tol;
}

/** A known mistake: the numbers it would produce and what to tell a student who produced them. */
export interface Mistake { hint: string; expected: ArrayLike<number> }

/** The hint of the first mistake whose numbers `actual` matches within `tol`, else undefined. */
export function diagnose(actual: ArrayLike<number>, mistakes: readonly Mistake[], tol: number): string | undefined {
  return mistakes.find((m) => close(actual, m.expected, tol))?.hint;
}

/** An error in what the student's function returned (wrong type or shape): fails the case with its message. */
export class ReturnError extends Error {
  readonly hint: string | undefined;
  constructor(message: string, hint?: string) {
    super(message);
    this.name = 'ReturnError';
    this.hint = hint;
  }
}

/**
 * Calls the student's functions for one case and keeps the books: tensors the student's code
 * leaves behind are counted (the case's tensor scope frees them afterwards).
 */
export class CaseContext {
  leaked = 0;
  /**
   * The grading run's seed: 0 for `nn.check` and `runCheck` (the same cases every time, the numbers a
   * student sees), a fresh random number for every `nnlab grade` run (its cases are new each time,
   * so outputs copied from an earlier run or hard-coded do not pass).
   */
  readonly runSeed: number;

  constructor(runSeed = 0) {
    this.runSeed = runSeed;
  }

  /**
   * The seed a case uses where it would use `base`: `base` itself when runSeed is 0, else a number
   * mixed from both (a non-negative int32, different for every run and every base).
   */
  seed(base: number): number {
    if (this.runSeed === 0) return base;
    let h = (Math.imul(base | 0, 0x9e3779b1) ^ Math.imul(this.runSeed | 0, 0x85ebca6b)) >>> 0;
    h = Math.imul(h ^ (h >>> 16), 0x7feb352d) >>> 0;
    h = Math.imul(h ^ (h >>> 15), 0x846ca68b) >>> 0;
    return (h ^ (h >>> 16)) & 0x7fffffff;
  }

  /**
   * The seeds of a reproducibility case's calls: [a, a, b] when runSeed is 0 (the calls `nn.check`
   * always made); in a grading run six calls over three fresh seeds in a run-dependent order, so
   * outputs replayed call by call from another run do not follow the pattern of equal and different seeds.
   */
  seedPattern(a: number, b: number): number[] {
    if (this.runSeed === 0) return [a, a, b];
    const seeds = [this.seed(a), this.seed(b), this.seed(a + b)];
    const random = mulberry32(this.seed(31 * a + b));
    for (;;) {
      const order = Array.from({ length: 6 }, () => Math.floor(random() * 3));
      if (new Set(order).size === 3) return order.map((k) => seeds[k]);
    }
  }

  /**
   * Calls `fn(...args)` (awaiting a promise), hands the result to `read` (which turns it into plain
   * numbers and may throw a {@link ReturnError}), then disposes the tensors it returned (not the
   * arguments) and counts what else the call left allocated.
   */
  async call<T>(name: string, fn: unknown, args: readonly unknown[], read: (out: unknown) => T): Promise<T> {
    if (typeof fn !== 'function') throw new ReturnError(`${name} is not a function (got ${describe(fn)})`);
    const remote = (fn as { [REMOTE_CALL]?: RemoteCall })[REMOTE_CALL];
    if (remote) {
      // the student's function runs in another process (nnlab grade's judge): only its output comes back
      const r = await remote(args);
      this.leaked += r.leaked;
      const value = read(r.value);
      for (const t of collectTensors(r.value)) if (!t.isDisposed) t.dispose();
      return value;
    }
    const before = tf.memory().numTensors;
    const out = await (fn as (...a: unknown[]) => unknown)(...args);
    const value = read(out);
    const argTensors = new Set(collectTensors(args));
    for (const t of collectTensors(out)) if (!argTensors.has(t) && !t.isDisposed) t.dispose();
    this.leaked += Math.max(0, tf.memory().numTensors - before);
    return value;
  }
}

/**
 * What a function stands for when the student's code runs in another process (homework/judge.ts):
 * called with a case's arguments, it resolves to what the student's function returned there, decoded
 * (tensors as new tensors of this process), and the number of tensors the call left allocated there.
 * Arguments the student's function disposed there are disposed here too.
 */
export type RemoteCall = (args: readonly unknown[]) => Promise<{ value: unknown; leaked: number }>;
/** The property of a function that runs remotely: its {@link RemoteCall}. */
export const REMOTE_CALL: unique symbol = Symbol.for('nnlab.remoteCall');

/** Options of {@link runExercise}. */
export interface RunExerciseOptions {
  /** The run's seed ({@link CaseContext.seed}); 0 (default) gives the same cases every time. */
  runSeed?: number;
}

/**
 * Every tensor inside a returned value: the value itself, or inside arrays and plain objects (a few
 * levels deep). Class instances (a tf.LayersModel, say) are not walked: their tensors are theirs.
 */
export function collectTensors(value: unknown, depth = 0): tf.Tensor[] {
  if (value instanceof tf.Tensor) return [value];
  if (depth > 3 || value === null || typeof value !== 'object') return [];
  if (!Array.isArray(value) && Object.getPrototypeOf(value) !== Object.prototype && Object.getPrototypeOf(value) !== null) return [];
  const items = Array.isArray(value) ? value : Object.values(value as Record<string, unknown>);
  return items.flatMap((v) => collectTensors(v, depth + 1));
}

/** Reads a returned tensor as float64 numbers, checking that it is a tensor of `shape` (null: any shape). */
export function readTensor(what: string, value: unknown, shape: readonly number[] | null): Float64Array {
  if (!(value instanceof tf.Tensor)) {
    const kind = Array.isArray(value) ? 'an array' : value === undefined ? 'undefined (did you forget to return?)' : describe(value);
    throw new ReturnError(`${what} must be a tf.Tensor, got ${kind}`);
  }
  if (value.isDisposed) throw new ReturnError(`${what} is a disposed tensor (it was freed before it was returned: return it from tf.tidy instead)`);
  if (shape && (value.shape.length !== shape.length || value.shape.some((d: number, i: number) => d !== shape[i]))) {
    throw new ReturnError(`${what} has shape [${value.shape.join(', ')}], expected [${shape.join(', ')}]`);
  }
  return Float64Array.from(value.dataSync());
}

/** Reads a returned list of numbers (an array, typed array or 1-D tensor) of length `n`. */
export function readNumbers(what: string, value: unknown, n: number): Float64Array {
  let values: ArrayLike<unknown>;
  if (value instanceof tf.Tensor) values = value.dataSync();
  else if (Array.isArray(value) || ArrayBuffer.isView(value)) values = value as unknown as ArrayLike<unknown>;
  else throw new ReturnError(`${what} must be an array of numbers, got ${value === undefined ? 'undefined (did you forget to return?)' : describe(value)}`);
  if (values.length !== n) throw new ReturnError(`${what} has ${values.length} numbers, expected ${n}`);
  const out = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    if (typeof values[i] !== 'number') throw new ReturnError(`${what}[${i}] must be a number, got ${describe(values[i])}`);
    out[i] = values[i] as number;
  }
  return out;
}

/** The first thing a failed case says when the student's code threw. */
export function thrownOutcome(err: unknown): CaseOutcome {
  const text = firstLine(err);
  if (err instanceof ReturnError) return { passed: false, message: text, hint: err.hint };
  if (/not implemented yet/.test(text)) {
    return { passed: false, message: 'raised "not implemented yet"', hint: 'replace the stub: write your code where the cell says YOUR CODE HERE, then run the cell again' };
  }
  const name = err instanceof Error ? err.name : 'Error';
  return { passed: false, message: `your function raised ${name}: ${text}` };
}

/** Runs every case of `exercise` against the student's functions; never throws. */
export async function runExercise(exercise: Exercise, fns: readonly unknown[], options: RunExerciseOptions = {}): Promise<CheckResult> {
  const started = Date.now();
  await tf.ready(); // a notebook that never called nn.useDevice still gets a backend
  const base = { exercise: exercise.name, homework: exercise.homework, title: exercise.title, points: exercise.points };
  const missing = exercise.functions.filter((_, i) => typeof fns[i] !== 'function');
  if (missing.length > 0) {
    const error = `the notebook defines no function ${missing.join(', ')} (expected ${exercise.signature})`;
    const cases = exercise.cases.map((c) => ({ name: c.name, passed: false, relError: null, tolerance: null, message: 'not run' }));
    return { ...base, score: 0, passed: false, cases, hints: [`define ${exercise.signature} in the exercise cell and run that cell first`], leaked: 0, error, ms: Date.now() - started };
  }
  const cases: CaseResult[] = [];
  let leaked = 0;
  for (const c of exercise.cases) {
    const ctx = new CaseContext(options.runSeed ?? 0);
    let outcome: CaseOutcome;
    tf.engine().startScope();
    try {
      outcome = await c.run(fns, ctx);
    } catch (err) {
      outcome = thrownOutcome(err);
    } finally {
      tf.engine().endScope();
    }
    leaked += ctx.leaked;
    cases.push({ name: c.name, ...outcome, relError: outcome.relError ?? null, tolerance: outcome.tolerance ?? null });
  }
  const passedCases = cases.filter((c) => c.passed).length;
  const hints = [...new Set(cases.filter((c) => !c.passed && c.hint).map((c) => c.hint as string))];
  const score = Math.round((10 * exercise.points * passedCases) / cases.length) / 10;
  return { ...base, score, passed: passedCases === cases.length, cases, hints, leaked, error: null, ms: Date.now() - started };
}

/**
 * The result as text lines, cs231n style: one line per case with its relative error, then the hints.
 *
 * @example
 * // a first attempt with a fixed std
 * const heInit = (shape: number[], seed: number) => tf.randomNormal(shape, 0, 0.05, 'float32', seed);
 * const result = await nn.homework.runCheck('heInit', heInit);
 * console.log(nn.homework.checkResultText(result));
 * // FAIL heInit: 1/6 cases, 1.7 / 10 points
 * //   FAIL dense [500, 300]: std = sqrt(2/fanIn) = 0.06325: std 0.05016 vs 0.06325, ...
 * //   ...
 * //   hint: that is Glorot's std sqrt(2 / (fanIn + fanOut)); ...
 */
export function checkResultText(r: CheckResult): string {
  const head = `${r.passed ? 'PASS' : 'FAIL'} ${r.exercise}: ${r.cases.filter((c) => c.passed).length}/${r.cases.length} cases, ${r.score} / ${r.points} points`;
  const lines = [head];
  if (r.error) lines.push(`  error: ${r.error}`);
  for (const c of r.cases) {
    const err = c.relError === null ? '' : `  (relative error ${formatError(c.relError)}${c.tolerance === null ? '' : `, tolerance ${formatError(c.tolerance)}`})`;
    lines.push(`  ${c.passed ? 'ok  ' : 'FAIL'} ${c.name}: ${c.message}${err}`);
  }
  for (const h of r.hints) lines.push(`  hint: ${h}`);
  if (r.leaked > 0) lines.push(`  note: your code left ${r.leaked} tensor(s) allocated over the cases (freed by the check); wrap tensor code in tf.tidy`);
  return lines.join('\n');
}

function formatError(e: number): string {
  return Number.isFinite(e) ? e.toExponential(1) : String(e);
}

/** Formats a number for messages: 4 significant digits. */
/** The index where |a - b| is largest (NaN first): where a check's message points. */
export function worstIndex(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let best = 0;
  let worst = -1;
  for (let i = 0; i < a.length; i++) {
    const d = Math.abs(a[i] - b[i]);
    if (Number.isNaN(d)) return i;
    if (d > worst) { worst = d; best = i; }
  }
  return best;
}

export function fmt(x: number): string {
  return Number.isFinite(x) ? Number(x.toPrecision(4)).toString() : String(x);
}
