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
import * as net from 'net';
import * as tf from '@tensorflow/tfjs';
import * as path from 'path';
import { CheckResult, checkResultText, collectTensors, ReturnError, runExercise } from '../core/exercise';
import { describe, firstLine } from '../core/errors';
import { decodeFrame, encodeFrame, FrameReader, tapeUse } from '../core/wire';
import { EXERCISES, exercise } from './registry';

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

/** A message between the judge and a kernel (core/wire.ts frames). */
export type JudgeMessage =
  | { type: 'hello'; token: string; exercise: string; defined: boolean[] }
  | { type: 'call'; id: number; fn: number; args: unknown[] }
  | { type: 'reply'; id: number; ok: true; value: unknown; leaked: number; disposed: number[]; tapes: number[] }
  | { type: 'reply'; id: number; ok: false; error: { name: string; message: string }; leaked: number; disposed: number[]; tapes: number[] }
  | { type: 'done'; text: string }
  | { type: 'bye'; strayErrors: string[] };

/**
 * The grader's own cell calls this in the submission's kernel: it connects to `nnlab grade`'s judge
 * (a trusted process outside the kernel, homework/judge.ts) at `socket`, and from then on only
 * calls the student's functions with the inputs the judge sends and sends back what they return.
 * The judge draws the cases, compares and scores; nothing in this kernel can change a score except
 * what the functions return. Prints the check's report when the judge is done.
 *
 * @example
 * // the cell the grader appends to a submission (socket and token are new for every grading run)
 * const heInit = (shape: number[], seed: number) => nn.tf.randomNormal(shape, 0, Math.sqrt(2 / shape[0]), 'float32', seed);
 * await nn.homework.serveJudge('/tmp/nnlab-boxes-x/box-0/run/j.sock', 'run-7f3a9c', 'heInit', [heInit]);
 */
export async function serveJudge(socket: string, token: string, name: string, fns: readonly unknown[]): Promise<void> {
  const e = exercise(name);
  const functions = e.wireFunctions ?? {};
  await tf.ready();   // a notebook that never touched a tensor still gets a backend for the arguments
  const conn = net.createConnection(socket);
  const reader = new FrameReader();
  const queue: Buffer[] = [];
  let wake: (() => void) | null = null;
  let closed: Error | null = null;
  conn.on('data', (chunk: Buffer) => {
    try {
      queue.push(...reader.push(chunk));
    } catch (err) {
      closed = err as Error;
      conn.destroy();
    }
    wake?.();
  });
  conn.on('error', (err) => { closed = err; wake?.(); });
  conn.on('close', () => { closed ??= new Error('the judge closed the connection'); wake?.(); });
  const next = async (): Promise<Buffer> => {
    for (;;) {
      if (queue.length) return queue.shift() as Buffer;
      if (closed) throw closed;
      await new Promise<void>((resolve) => { wake = resolve; });
      wake = null;
    }
  };
  const send = (m: JudgeMessage) => new Promise<void>((resolve, reject) => {
    let frame: Buffer;
    try {
      frame = encodeFrame(m, functions);
    } catch (err) {
      reject(err);
      return;
    }
    conn.write(frame, (err) => (err ? reject(err) : resolve()));
  });
  await new Promise<void>((resolve, reject) => { conn.once('connect', resolve); conn.once('error', reject); });
  await send({ type: 'hello', token, exercise: name, defined: e.functions.map((_, i) => typeof fns[i] === 'function') });
  const restore = disableSolutions(name);
  try {
    for (;;) {
      const m = await decodeFrame(await next(), functions) as JudgeMessage;
      if (m.type === 'done') {
        console.log(m.text);
        const stray = ((globalThis as Record<symbol, unknown>)[Symbol.for('nnlab.grade.strayErrors')] as string[] | undefined) ?? [];
        await send({ type: 'bye', strayErrors: stray.slice(0, 20) });
        break;
      }
      if (m.type !== 'call') continue;
      const fnName = e.functions[m.fn] ?? '?';
      const { reply, cleanUp } = await callForJudge(m, fns[m.fn], fnName);
      try {
        await send(reply);
      } catch (err) {
        if (!reply.ok || closed) throw err;
        // what the function returned cannot cross: the student's case fails, saying where in the value
        const message = `${fnName} returned a value that cannot be graded: ${firstLine(err).replace(/^the value\.value/, 'the result')}`;
        const { value: _unsendable, ...rest } = reply;
        void _unsendable;
        await send({ ...rest, ok: false, error: { name: 'ReturnError', message } });
      } finally {
        cleanUp();
      }
    }
  } finally {
    restore();
    conn.end();
  }
}

/** Calls the student's function with the judge's arguments; the reply holds what it returned, or the error it threw. */
async function callForJudge(m: { id: number; args: unknown[] }, fn: unknown, fnName: string): Promise<{ reply: JudgeMessage & { type: 'reply' }; cleanUp: () => void }> {
  const argTensors = collectTensors(m.args);
  const before = tf.memory().numTensors;
  let out: unknown;
  let error: { name: string; message: string } | null = null;
  try {
    if (typeof fn !== 'function') throw new ReturnError(`${fnName} is not a function (got ${describe(fn)})`);
    out = await (asStudentCode(fn) as (...a: unknown[]) => unknown)(...m.args);
  } catch (err) {
    error = { name: err instanceof Error ? err.name : 'Error', message: firstLine(err) };
  }
  // the caller's bookkeeping, as CaseContext.call does: returned tensors are the caller's, the rest leaked
  let returned: tf.Tensor[] = [];
  try {
    returned = collectTensors(out).filter((t) => !argTensors.includes(t));
  } catch (err) {
    // reading the returned value threw (a getter, a proxy): the student's case fails with that
    error ??= { name: 'ReturnError', message: `${fnName} returned a value that cannot be graded: ${firstLine(err)}` };
  }
  const leaked = Math.max(0, tf.memory().numTensors - before - returned.filter((t) => !t.isDisposed).length);
  const common = { type: 'reply' as const, id: m.id, leaked, tapes: tapeUse(m.args), disposed: argTensors.flatMap((t, i) => (t.isDisposed ? [i] : [])) };
  const reply = error ? { ...common, ok: false as const, error } : { ...common, ok: true as const, value: out };
  const cleanUp = () => {
    for (const t of [...returned, ...argTensors]) if (!t.isDisposed) t.dispose();
    for (const v of [out, ...m.args]) if (v instanceof tf.LayersModel) { try { v.dispose(); } catch { /* shares layers with another */ } }
  };
  return { reply, cleanUp };
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

/**
 * While `nnlab grade` runs a submission of `homework` (bin/nnlab-kernel.js calls this when the kernel
 * starts, before any of the student's cells): the library functions that solve its exercises are
 * replaced for the whole run, so a reference the student's code takes early is the guarded one too.
 * Outside the graded calls (the notebook's own cells) they work as usual.
 */
export function lockDown(homework: string): void {
  disableSolutions(...EXERCISES.filter((e) => e.homework === homework).map((e) => e.name));
}

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
function disableSolutions(...exercises: string[]): () => void {
  const undo: (() => void)[] = [];
  // each function once, naming every exercise that asks for it
  const asked = new Map<string, { module: string; f: string; shownAs: string; by: string[] }>();
  for (const name of exercises) {
    for (const { module, names, shownAs } of LIBRARY_SOLUTIONS[name] ?? []) {
      for (const f of names) {
        const key = `${module}#${f}`;
        if (!asked.has(key)) asked.set(key, { module, f, shownAs, by: [] });
        asked.get(key)!.by.push(name);
      }
    }
  }
  for (const { module, f, shownAs, by } of asked.values()) {
    let exports: Record<string, unknown> | undefined;
    try {
      exports = require.cache[require.resolve(path.join(__dirname, module))]?.exports as Record<string, unknown> | undefined;
    } catch {
      exports = undefined;   // not built beside this file: nothing to disable
    }
    if (!exports) continue;
    const original = exports[f];
    if (typeof original !== 'function') continue;
    const target = exports;
    const why = `${by.join(' and ')} ask${by.length > 1 ? '' : 's'} you to write it yourself`;
    target[f] = function (this: unknown, ...args: unknown[]) {
      if (studentDepth > 0) throw new Error(`${shownAs}.${f} is not available in homework: ${why}`);
      return (original as (...a: unknown[]) => unknown).apply(this, args);
    };
    undo.push(() => { target[f] = original; });
  }
  return () => undo.forEach((u) => u());
}
