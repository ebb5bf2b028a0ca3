/**
 * What the no-training experiments of lesson 04 share: a seeded Gaussian batch, the training-mode
 * warm-up that fills the running statistics, reading a tensor back once, and the options check
 * (`progress` is split off before it, so it is accepted but never recorded).
 */
import * as tf from '@tensorflow/tfjs';
import { ArgumentError, checkKnownKeys } from '../../core/errors';
import { BatchNormParams, BatchNormState, batchNormForward, batchNormState, disposeBatchNormState } from './batchNorm';

/** Throws unless `options` is an object whose keys are all `known` (or `progress`); errors name the call. */
export function checkOptions(name: string, options: unknown, known: readonly string[]): void {
  if (typeof options !== 'object' || options === null) throw new ArgumentError('options', options, 'an object');
  checkKnownKeys(name, options, [...known, 'progress']);
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
    const { y, state: next } = batchNormForward(x, params, state, { training: true, momentum: o.momentum, eps: o.eps });
    tf.dispose([x, y]);
    disposeBatchNormState(state);
    state = next;
    if (hooks.onStats) hooks.onStats(t, (await state.runningMean.data()) as Float32Array, (await state.runningVar.data()) as Float32Array);
    hooks.onStep?.(t);
  }
  return state;
}
