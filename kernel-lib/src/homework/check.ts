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
import { decodeFrame, encodeFrame, FrameChannel, tapeUse } from '../core/wire';
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
  await new Promise<void>((resolve, reject) => { conn.once('connect', resolve); conn.once('error', reject); });
  const channel = new FrameChannel(conn, 'the judge');
  const next = async (): Promise<Buffer> => {
    const frame = await channel.next();
    if (!frame) throw new Error(channel.closed ?? 'the judge closed the connection');
    return frame;
  };
  const send = (m: JudgeMessage) => channel.send(encodeFrame(m, functions));
  await send({ type: 'hello', token, exercise: name, defined: e.functions.map((_, i) => typeof fns[i] === 'function') });
  const { restore } = disableSolutions(name);
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
        if (!reply.ok || channel.closed) throw err;
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
 * A set of library functions that solve an exercise: the compiled module (relative to this folder)
 * that defines them, their export names there (`obj.method` for a method of an exported object, as
 * the gates of nn.losses.GATES), and how the student reaches them: `shownAs` plus the name, or the
 * name in `as` where the namespace renames it (nn.batchNorm.forward is batchNormForward). Modules
 * that no `nn.` namespace re-exports (the homework checks' own references, reachable only as
 * require('nnlab/dist/...')) are shown by that path.
 */
interface LibrarySolution { module: string; names: readonly string[]; shownAs: string; as?: Readonly<Record<string, string>> }

// the sets shared by several exercises
const ACTIVATIONS = (names: string[]): LibrarySolution[] => [
  { module: '../lessons/activations/functions', names, shownAs: 'nn.activations' },
  // the kernels the lesson's functions (and its ACTIVATION_FUNCTIONS table, nn.nets.activate) call
  { module: '../nets/activations', names: names.filter((n) => !n.startsWith('prelu')), shownAs: 'nn.activations' },
];
/** nn.nets.activationGrad(out, name) times dout is the backward pass of relu, leakyRelu (α 0.01), elu (α 1), selu. */
const ACTIVATION_GRAD: LibrarySolution = { module: '../nets/layers', names: ['activationGrad'], shownAs: 'nn.nets' };
const INIT: LibrarySolution[] = [{ module: '../nets/init', names: ['xavier', 'glorot', 'he', 'initWeights', 'initValues', 'initStd'], shownAs: 'nn.nets' }];
const CHANNEL_STATS: LibrarySolution = { module: '../lessons/preprocessing/channelStats', names: ['fitStats', 'applyStats'], shownAs: 'nn.preprocessing' };
const PREPROCESSING_REFS = (names: string[]): LibrarySolution => ({ module: '../lessons/preprocessing/homework', names, shownAs: 'nnlab/dist/lessons/preprocessing/homework' });
const BATCH_NORM: LibrarySolution[] = [
  { module: '../lessons/batch-norm/batchNorm', names: ['batchNormForward', 'batchNormTrain', 'batchNormTest', 'batchNormAffine'], shownAs: 'nn.batchNorm',
    as: { batchNormForward: 'forward', batchNormTrain: 'train', batchNormTest: 'test', batchNormAffine: 'affine' } },
  { module: '../lessons/batch-norm/batchNorm', names: ['batchNormForwardUnchecked'], shownAs: 'nnlab/dist/lessons/batch-norm/batchNorm' },
  { module: '../lessons/losses/gates', names: ['batchNormGate.forward'], shownAs: 'nn.losses', as: { 'batchNormGate.forward': 'GATES.batchNorm.forward' } },
];
const TWO_LAYER: LibrarySolution[] = [
  { module: '../nets/twoLayer', names: ['twoLayerLoss'], shownAs: 'nn.nets' },
  { module: '../lessons/babysitting/homework', names: ['twoLayer64'], shownAs: 'nnlab/dist/lessons/babysitting/homework' },
];
const OPTIMIZERS = (rule: string, trajectory: string): LibrarySolution[] => [
  { module: '../nets/optim64', names: ['step64'], shownAs: 'nn.nets' },
  { module: '../nets/optim', names: [...(rule === 'momentum' ? ['momentum', 'sgdMomentum', 'nesterov'] : [rule]), 'updateRule'], shownAs: 'nn.nets' },
  { module: '../lessons/optimizers/homework', names: [trajectory], shownAs: 'nnlab/dist/lessons/optimizers/homework' },
];
const AUGMENT = (names: string[], ref: string): LibrarySolution[] => [
  { module: '../nets/augment', names: [...names, 'augment'], shownAs: 'nn.regularization' },
  { module: '../lessons/regularization/homework', names: [ref], shownAs: 'nnlab/dist/lessons/regularization/homework' },
];
const DROPOUT: LibrarySolution[] = [
  { module: '../lessons/dropout/dropout', names: ['inverted', 'vanilla', 'forward', 'mask'], shownAs: 'nn.dropout' },
  { module: '../lessons/dropout/dropout', names: ['dropoutStep'], shownAs: 'nnlab/dist/lessons/dropout/dropout' },
  { module: '../lessons/losses/gates', names: ['dropoutMask64', 'dropoutGate.forward'], shownAs: 'nn.losses', as: { 'dropoutGate.forward': 'GATES.dropout.forward' } },
  { module: '../nets/models', names: ['stepDropout'], shownAs: 'nn.nets' },
];
const LOSSES_REFS = (names: string[]): LibrarySolution => ({ module: '../lessons/losses/homework', names, shownAs: 'nnlab/dist/lessons/losses/homework' });

/**
 * The library functions that solve each exercise, by exercise name: while the grader checks a
 * homework, the student's functions get a "not available in homework" error from any of its
 * exercises' functions (the judge's reference runs in its own process and is not affected).
 * Listed are the functions that ARE the answer, directly or with trivial glue; building blocks
 * a student legitimately uses (tf ops, nn.seedStream, nn.preprocessing.eigh, nn.nets.randn64,
 * nn.numericalGradient, ...) are not. The lock holds for every graded function of the homework,
 * so none of its instructor solutions may call one of these inside a graded function
 * (test/grade-library-solutions.test.ts grades them).
 *
 * No library function solves: layerStds and initExperiment (hw03: the weight-init lesson's
 * experiments draw their own inputs; its forward-pass reference is private to the check).
 */
const LIBRARY_SOLUTIONS: Readonly<Record<string, readonly LibrarySolution[]>> = {
  // hw01
  leakyReluForward: [...ACTIVATIONS(['leakyRelu', 'prelu'])],
  leakyReluBackward: [...ACTIVATIONS(['leakyReluGrad', 'preluGrad', 'preluBackward']), ACTIVATION_GRAD],
  eluForward: [...ACTIVATIONS(['elu'])],
  eluBackward: [...ACTIVATIONS(['eluGrad']), ACTIVATION_GRAD],
  seluForward: [...ACTIVATIONS(['selu'])],
  seluBackward: [...ACTIVATIONS(['seluGrad']), ACTIVATION_GRAD],
  deadUnitFraction: [{ module: '../lessons/activations/homeworkDead', names: ['deadFraction64'], shownAs: 'nnlab/dist/lessons/activations/homeworkDead' }],
  // hw02
  fitChannelStats: [CHANNEL_STATS, PREPROCESSING_REFS(['channelStats64'])],
  normalize: [CHANNEL_STATS, PREPROCESSING_REFS(['normalize64'])],
  preprocess: [CHANNEL_STATS, PREPROCESSING_REFS(['preprocess64', 'normalize64', 'channelStats64'])],
  whiten: [
    { module: '../lessons/preprocessing/whitening', names: ['whiten'], shownAs: 'nn.preprocessing' },
    { module: '../lessons/preprocessing/homeworkWhiten', names: ['whiten64'], shownAs: 'nnlab/dist/lessons/preprocessing/homeworkWhiten' },
  ],
  // hw03
  xavierInit: INIT,
  heInit: INIT,
  // hw04
  batchNormTrainMode: BATCH_NORM,
  batchNormTestMode: BATCH_NORM,
  // hw05
  twoLayerLoss64: TWO_LAYER,
  twoLayerLossTf: TWO_LAYER,
  // hw06
  logUniform: [
    { module: '../lessons/hp-search/space', names: ['logUniform'], shownAs: 'nn.hpSearch' },
    { module: '../lessons/hp-search/space', names: ['sampleRange'], shownAs: 'nnlab/dist/lessons/hp-search/space' },
    { module: '../lessons/hp-search/homework', names: ['logUniform64'], shownAs: 'nnlab/dist/lessons/hp-search/homework' },
  ],
  narrowRange: [
    { module: '../lessons/hp-search/space', names: ['narrow'], shownAs: 'nn.hpSearch' },
    { module: '../lessons/hp-search/homework', names: ['narrowRange64'], shownAs: 'nnlab/dist/lessons/hp-search/homework' },
  ],
  // hw07
  momentumStep: OPTIMIZERS('momentum', 'momentumTrajectory'),
  rmspropStep: OPTIMIZERS('rmsprop', 'rmspropTrajectory'),
  adamStep: OPTIMIZERS('adam', 'adamTrajectory'),
  // hw08
  linearLossL2: [
    { module: '../lessons/regularization/penalty', names: ['penalty64', 'penaltyTerm'], shownAs: 'nn.regularization' },
    { module: '../lessons/losses/losses64', names: ['l2Penalty64'], shownAs: 'nn.losses' },
    { module: '../lessons/regularization/homework', names: ['linearL2Variant'], shownAs: 'nnlab/dist/lessons/regularization/homework' },
  ],
  flipBatch: AUGMENT(['randomFlip', 'flipWhere'], 'mirrorImage64'),
  cropBatch: AUGMENT(['randomCrop', 'randomTranslate', 'shiftImages'], 'shiftImage64'),
  // hw09
  dropoutTrainMode: DROPOUT,
  dropoutTestMode: DROPOUT,
  // hw10
  prepareFineTune: [{ module: '../lessons/transfer/strategies', names: ['withNewHead', 'linearProbe', 'transferModel'], shownAs: 'nn.transfer', as: { transferModel: 'model' } }],
  // hw11
  // (nn.cnn.layerTable, convSizes, ... call it: locked with it); tfjsPadding(W + 2P, F, S, 'valid').size is the answer too
  convOutputSize: [{ module: '../nets/conv64', names: ['convOutputSize', 'tfjsPadding'], shownAs: 'nn.nets' }],
  convForward: [
    { module: '../nets/conv64', names: ['conv2d64'], shownAs: 'nn.nets' },
    { module: '../lessons/cnn-basics/homework', names: ['convVariant'], shownAs: 'nn.cnn' },
    { module: '../lessons/cnn-basics/byHand', names: ['tfConv'], shownAs: 'nnlab/dist/lessons/cnn-basics/byHand' },
    { module: '../lessons/losses/gates', names: ['convGate.forward'], shownAs: 'nn.losses', as: { 'convGate.forward': 'GATES.conv.forward' } },
  ],
  // hw12
  affineBackward: [
    LOSSES_REFS(['affineBackwardRef']),
    { module: '../nets/layers', names: ['denseBackward'], shownAs: 'nn.nets' },
    { module: '../lessons/losses/gates', names: ['affineGate.backward'], shownAs: 'nn.losses', as: { 'affineGate.backward': 'GATES.affine.backward' } },
  ],
  reluBackward: [
    LOSSES_REFS(['reluBackwardRef']), ACTIVATION_GRAD,
    { module: '../nets/layers', names: ['denseBackward'], shownAs: 'nn.nets' },
    { module: '../lessons/losses/gates', names: ['reluGate.backward'], shownAs: 'nn.losses', as: { 'reluGate.backward': 'GATES.relu.backward' } },
  ],
  softmaxLoss: [
    LOSSES_REFS(['softmaxBackwardRef']),
    { module: '../lessons/losses/losses64', names: ['softmaxCrossEntropy64'], shownAs: 'nn.losses' },
    // lossExample: one row's cross-entropy and its gradient (nn.losses.scoreGradients calls it: locked with it)
    { module: '../lessons/losses/lossShapes', names: ['softmaxBackwardRow', 'lossExample'], shownAs: 'nn.losses' },
    { module: '../nets/losses', names: ['softmaxLoss'], shownAs: 'nn.nets' },
    { module: '../lessons/losses/gates', names: ['softmaxCrossEntropyGate.forward', 'softmaxCrossEntropyGate.backward'], shownAs: 'nn.losses',
      as: { 'softmaxCrossEntropyGate.forward': 'GATES.softmaxCrossEntropy.forward', 'softmaxCrossEntropyGate.backward': 'GATES.softmaxCrossEntropy.backward' } },
  ],
};

/**
 * While `nnlab grade` runs a submission of `homework` (bin/nnlab-kernel.js calls this when the kernel
 * starts, before any of the student's cells): the library functions that solve its exercises are
 * replaced for the whole run, so a reference the student's code takes early is the guarded one too.
 * Outside the graded calls (the notebook's own cells) they work as usual. Returns the names locked
 * (as the student sees them) and the listed ones that were not found (a stale table).
 *
 * @example
 * lockDown('hw03-weight-init').locked   // ['nn.nets.xavier', 'nn.nets.glorot', 'nn.nets.he', ...]
 */
export function lockDown(homework: string): { locked: string[]; missing: string[] } {
  const { locked, missing } = disableSolutions(...EXERCISES.filter((e) => e.homework === homework).map((e) => e.name));
  return { locked, missing };
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
 * Replaces the exports that solve the `exercises` with ones that throw "not available in homework"
 * when the student's code calls them; returns what it locked, what it could not find, and the
 * function that puts them back.
 */
function disableSolutions(...exercises: string[]): { locked: string[]; missing: string[]; restore: () => void } {
  const undo: (() => void)[] = [];
  const locked: string[] = [];
  const missing: string[] = [];
  // each function once, naming every exercise that asks for it
  const asked = new Map<string, { module: string; f: string; shown: string; by: string[] }>();
  for (const name of exercises) {
    for (const { module, names, shownAs, as } of LIBRARY_SOLUTIONS[name] ?? []) {
      for (const f of names) {
        const key = `${module}#${f}`;
        if (!asked.has(key)) asked.set(key, { module, f, shown: `${shownAs}.${as?.[f] ?? f}`, by: [] });
        asked.get(key)!.by.push(name);
      }
    }
  }
  for (const { module, f, shown, by } of asked.values()) {
    // loaded now if the kernel has not yet (no module does I/O when imported): one the student's
    // code requires later is this same module object, already locked
    let exports: Record<string, unknown> | undefined;
    try {
      exports = require(path.join(__dirname, module)) as Record<string, unknown>;
    } catch {
      exports = undefined;   // not built beside this file: nothing to disable
    }
    if (!exports) { missing.push(`${shown} (${module} not found)`); continue; }
    // `obj.method`: the method of an exported object (the object is shared, so every way to it is locked)
    const dot = f.lastIndexOf('.');
    const owner = dot < 0 ? exports : exports[f.slice(0, dot)];
    const key = f.slice(dot + 1);
    const target = owner as Record<string, unknown> | null | undefined;
    const original = target !== null && typeof target === 'object' ? target[key] : undefined;
    if (!target || typeof original !== 'function') { missing.push(`${shown} (${module} has no function ${f})`); continue; }
    const why = `${by.join(' and ')} ask${by.length > 1 ? '' : 's'} you to write it yourself`;
    target[key] = function (this: unknown, ...args: unknown[]) {
      if (studentDepth > 0) throw new Error(`${shown} is not available in homework: ${why}`);
      return (original as (...a: unknown[]) => unknown).apply(this, args);
    };
    undo.push(() => { target[key] = original; });
    locked.push(shown);
  }
  return { locked, missing, restore: () => undo.forEach((u) => u()) };
}
