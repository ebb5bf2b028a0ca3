/**
 * What the no-training experiments of lesson 04 share: a seeded Gaussian batch, the training-mode
 * warm-up that fills the running statistics, reading a tensor back once, and the declared options
 * every experiment of the lesson uses (core/options.ts): sizes with their limits, momentum, eps,
 * the input distribution, and a check of the total work, so that a run that would take many
 * minutes is refused before it starts.
 */
import * as tf from '@tensorflow/tfjs';
import { ArgumentError } from '../../core/errors';
import { Field, int, number } from '../../core/options';
import { BatchNormParams, BatchNormState, batchNormForwardUnchecked, batchNormState, checkEps, checkMomentum, EPS_MAX, disposeBatchNormState } from './batchNorm';

/** Most rows of a batch, features of a row, steps of a run, ... the lesson's experiments take (memory and work are checked too). */
export const BATCH_NORM_LIMITS = {
  batchSize: 1_000_000, features: 100_000, steps: 10_000, channels: 4096, imageSize: 1024, filterSize: 64,
  depth: 100, width: 4096, momenta: 20, lrs: 20, lr: 1e6, inputMagnitude: 1e6,
} as const;

/** Batch norm's running-average momentum: a number in [0, 1), the weight of the old running value. */
export function momentumField(defaultValue: number): Field<number> {
  return { kind: 'probability', min: 0, max: 1, default: defaultValue, check: checkMomentum };
}

/** An element of a list of momenta: in [0, 1). */
export const MOMENTUM_ELEMENT: Field<number> = {
  kind: 'probability', min: 0, max: 1,
  check(name, v) {
    if (typeof v !== 'number' || !(v >= 0 && v < 1)) throw new ArgumentError(name, v, 'a number in [0, 1)');
    return v;
  },
};

/** Batch norm's eps: a finite number > 0 (at most {@link EPS_MAX}). */
export function epsField(defaultValue: number): Field<number> {
  return { kind: 'number', min: 0, max: EPS_MAX, default: defaultValue, check: checkEps };
}

/** The mean of a Gaussian input. */
export const inputMeanField = (d: number): Field<number> => number({ min: -BATCH_NORM_LIMITS.inputMagnitude, max: BATCH_NORM_LIMITS.inputMagnitude, default: d });
/** The std of a Gaussian input. */
export const inputStdField = (d: number): Field<number> => number({ min: 0, max: BATCH_NORM_LIMITS.inputMagnitude, default: d });
/** A count in [min, max]. */
export const count = (min: number, max: number, d: number): Field<number> => int({ min, max, default: d });

/** The first of `candidates` the caller gave, else the first: the option an error about sizes names. */
export function givenOf(given: Record<string, unknown>, candidates: readonly string[]): string {
  return candidates.find((k) => k in given) ?? candidates[0];
}

/**
 * Most forward-pass multiply-adds (or values normalised) one run may do: a few minutes of work on
 * the wasm backend, dozens of times the lesson's defaults; an experiment over it is refused before it starts.
 */
export const WORK_LIMIT = 1e11;

/**
 * Throws an ArgumentError naming `argument` when `work` (multiply-adds) is over {@link WORK_LIMIT}:
 * "steps is too large: batchNorm.running would do about 8e+11 multiply-adds (...), over the limit of 1e+11 ...".
 */
export function checkWork(name: string, work: number, argument: string, what: string): void {
  if (work <= WORK_LIMIT) return;
  throw new ArgumentError(argument, undefined, 'small enough to run in about a minute',
    `${argument} is too large: ${name} would do about ${work.toExponential(1)} multiply-adds (${what}), ` +
    `over the limit of ${WORK_LIMIT.toExponential(0)} (minutes of work); use fewer steps or smaller sizes`);
}

/** A batch x ~ N(mean, std²), [batchSize, features], from one sub-seed. */
export function gaussianBatch(batchSize: number, features: number, mean: number, std: number, seed: number): tf.Tensor2D {
  return tf.randomNormal([batchSize, features], mean, std, 'float32', seed);
}

/** Reads a tensor back once and disposes it. */
export async function readAndDispose(t: tf.Tensor): Promise<Float32Array> {
  const v = (await t.data()) as Float32Array;
  t.dispose();
  return v;
}

/** What a warm-up reports: `onStep(t)` after every step; `onStats(t, mean, variance)` reads the running statistics back (costs a sync). */
export interface WarmUpHooks {
  onStep?: (t: number) => void;
  onStats?: (t: number, mean: Float32Array, variance: Float32Array) => void;
}

/**
 * Runs `steps` training-mode forward passes on fresh batches (sub-seeds from `seedOf(t)`) from a
 * state of running mean 0 and variance 1, and returns the final state (owned by the caller).
 */
export async function warmUp(o: { steps: number; batchSize: number; features: number; inputMean: number; inputStd: number;
  momentum: number; eps: number }, params: BatchNormParams, seedOf: (t: number) => number, hooks: WarmUpHooks = {}): Promise<BatchNormState> {
  let state = batchNormState(o.features);
  for (let t = 1; t <= o.steps; t++) {
    const x = gaussianBatch(o.batchSize, o.features, o.inputMean, o.inputStd, seedOf(t));
    const { y, state: next } = batchNormForwardUnchecked(x, params, state, { training: true, momentum: o.momentum, eps: o.eps });
    tf.dispose([x, y]);
    disposeBatchNormState(state);
    state = next;
    if (hooks.onStats) hooks.onStats(t, (await state.runningMean.data()) as Float32Array, (await state.runningVar.data()) as Float32Array);
    hooks.onStep?.(t);
  }
  return state;
}
