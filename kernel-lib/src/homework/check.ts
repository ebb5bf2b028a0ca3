/**
 * `nn.check.<exercise>(studentFn)`: what a homework check cell calls. It runs the exercise's seeded
 * cases against the student's function and prints one line per case with its relative error, then
 * the hints; it never throws, so a student's bug is a failed check, not a failed cell.
 * `nn.homework.runCheck(name, ...fns)` does the same silently and returns the result (tests, the grader).
 *
 * The grader does not trust the check cells of a submission: it appends its own cells that call
 * {@link gradeInKernel}, which publishes each result with a per-run nonce as a display_data output
 * of MIME type {@link GRADE_MIME} that `nnlab grade` reads back.
 *
 * @example
 * await nn.check.xavierInit(xavierInit);
 */
import { publish } from '../show/kernel';
import * as path from 'path';
import { CheckResult, checkResultText, runExercise } from '../core/exercise';
import { EXERCISES, exercise } from './registry';

/** The MIME type of the grader's machine-readable results. */
export const GRADE_MIME = 'application/vnd.nnlab.grade+json';

/**
 * Runs one exercise's check against the student's functions; never throws; prints nothing.
 *
 * @example
 * // the library's own initializer passes its exercise's check
 * const result = await nn.homework.runCheck('xavierInit', nn.nets.xavier);   // prints nothing
 * console.log(result.passed, `${result.score} / ${result.points}`, result.leaked);   // true '10 / 10' 0
 */
export function runCheck(name: string, ...fns: unknown[]): Promise<CheckResult> {
  return runExercise(exercise(name), fns);
}

/** One function per exercise: runs the check and prints the report (PASS/FAIL, relative errors, hints). */
export type Checks = Readonly<Record<string, (...fns: unknown[]) => Promise<void>>>;

export const check: Checks = Object.freeze(Object.fromEntries(EXERCISES.map((e) => [e.name, async (...fns: unknown[]) => {
  const result = await runExercise(e, fns);
  console.log(checkResultText(result));
}])));

/**
 * The grader's own cell calls this: runs the check and publishes `{nonce, result, strayErrors}` as
 * GRADE_MIME (plus a text line); strayErrors are the errors the nnlab kernel caught outside any cell
 * while grading (a throw in a timer, a rejection nobody awaited). Outside a kernel it prints the JSON instead.
 *
 * @example
 * // the cell the grader appends to a submission (the nonce is new for every grading run)
 * await nn.homework.gradeInKernel('heInit', 'run-7f3a9c', [nn.nets.he]);   // a display_data output of type nn.homework.GRADE_MIME
 */
export async function gradeInKernel(name: string, nonce: string, fns: readonly unknown[]): Promise<void> {
  const restore = disableSolutions(name);
  let result: CheckResult;
  try {
    result = await runExercise(exercise(name), fns.map(asStudentCode));
  } finally {
    restore();
  }
  // errors the nnlab kernel caught outside any cell while grading (bin/nnlab-kernel.js), for the notes
  const strayErrors = ((globalThis as Record<symbol, unknown>)[Symbol.for('nnlab.grade.strayErrors')] as string[] | undefined) ?? [];
  const payload = { nonce, result, strayErrors: strayErrors.slice(0, 20) };
  if (!publish({ [GRADE_MIME]: payload, 'text/plain': checkResultText(result) })) console.log(JSON.stringify(payload));
}

/**
 * Library functions that solve an exercise, by the compiled module (relative to this folder) that
 * defines them: while the grader checks the exercise, the student's functions get a "not available
 * in homework" error from them (the check's own reference still uses them).
 */
const LIBRARY_SOLUTIONS: Readonly<Record<string, readonly { module: string; names: readonly string[]; shownAs: string }[]>> = {
  xavierInit: [{ module: '../nets/init', names: ['xavier', 'glorot', 'he', 'initWeights', 'initValues'], shownAs: 'nn.nets' }],
  heInit: [{ module: '../nets/init', names: ['xavier', 'glorot', 'he', 'initWeights', 'initValues'], shownAs: 'nn.nets' }],
};

/** How deep the student's functions are on the stack now (their synchronous part). */
let studentDepth = 0;

/** `fn` marked as the student's code while it runs (functions only; anything else as is). */
function asStudentCode(fn: unknown): unknown {
  if (typeof fn !== 'function') return fn;
  return function (this: unknown, ...args: unknown[]) {
    studentDepth++;
    try {
      return (fn as (...a: unknown[]) => unknown).apply(this, args);
    } finally {
      studentDepth--;
    }
  };
}

/**
 * Replaces the exports that solve exercise `name` with ones that throw "not available in homework"
 * when the student's code calls them; returns the function that puts them back.
 */
function disableSolutions(name: string): () => void {
  const undo: (() => void)[] = [];
  for (const { module, names, shownAs } of LIBRARY_SOLUTIONS[name] ?? []) {
    let exports: Record<string, unknown> | undefined;
    try {
      exports = require.cache[require.resolve(path.join(__dirname, module))]?.exports as Record<string, unknown> | undefined;
    } catch {
      exports = undefined;   // not built beside this file: nothing to disable
    }
    if (!exports) continue;
    for (const f of names) {
      const original = exports[f];
      if (typeof original !== 'function') continue;
      const target = exports;
      target[f] = function (this: unknown, ...args: unknown[]) {
        if (studentDepth > 0) throw new Error(`${shownAs}.${f} is not available in homework: ${name} asks you to write it yourself`);
        return (original as (...a: unknown[]) => unknown).apply(this, args);
      };
      undo.push(() => { target[f] = original; });
    }
  }
  return () => undo.forEach((u) => u());
}
