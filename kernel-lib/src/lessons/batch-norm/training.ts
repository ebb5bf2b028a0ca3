/**
 * What the training experiments of lesson 04 share (modeBug, rescue, learningRates): their common
 * options, the cs231n spiral data (3 interleaved arms, 2-D; not linearly separable) with held-out
 * test points from another seed, quick presets, and one training run that reports progress in the
 * one shape ({done, total, phase, metrics: {loss, step}}) counted over the whole experiment.
 */
import * as tf from '@tensorflow/tfjs';
import { ArgumentError, checkInt } from '../../core/errors';
import { withQuickPreset } from '../../core/config';
import { checkSeed, seedStream } from '../../core/rng';
import { spiral, PointSet } from '../../data/synthetic';
import type { ExperimentProgress } from '../../show/progress';
import { checkBatchNormHyper } from './batchNorm';
import { checkOptions } from './batches';
import { accuracyOf, BatchNormNet, batchNormNetPredict, BatchNormNetTrainOptions, trainBatchNormNet } from './net';

/** Options every training experiment shares. */
export interface CommonTrainingOptions {
  /** Spiral points per class, for training and again for testing. */
  pointsPerClass?: number;
  classes?: number;
  steps?: number;
  batchSize?: number;
  /** Batch norm's running-average momentum (not an optimizer momentum: the optimizers are plain SGD and Adam). */
  momentum?: number;
  eps?: number;
  seed?: number;
}

export const COMMON_KEYS = ['pointsPerClass', 'classes', 'steps', 'batchSize', 'momentum', 'eps', 'seed'] as const;

export interface CommonTrainingConfig {
  pointsPerClass: number; classes: number; steps: number; batchSize: number; momentum: number; eps: number; seed: number;
}

/**
 * The options a training experiment runs with: in quick mode (NNLAB_QUICK=1) its `QUICK` preset
 * under the caller's options, which always win; otherwise the caller's options as they are.
 */
export function quickOptions<T extends object>(options: T, preset: Partial<T>): T {
  if (typeof options !== 'object' || options === null) throw new ArgumentError('options', options, 'an object');
  return withQuickPreset(options, preset) as T;
}

/** Checks the shared options (the unknown-key check names `name`) and fills in `defaults`. */
export function resolveCommon(name: string, options: object, defaults: CommonTrainingConfig & object, keys: readonly string[]):
  CommonTrainingConfig & Record<string, unknown> {
  checkOptions(name, options, keys);
  const o = { ...defaults, ...options } as CommonTrainingConfig & Record<string, unknown>;
  const pointsPerClass = checkInt('pointsPerClass', o.pointsPerClass, { min: 2 });
  const classes = checkInt('classes', o.classes, { min: 2, max: 255 });
  const { momentum, eps } = checkBatchNormHyper({ momentum: o.momentum, eps: o.eps });
  return {
    ...o, pointsPerClass, classes,
    steps: checkInt('steps', o.steps, { min: 1 }),
    batchSize: checkInt('batchSize', o.batchSize, { min: 2, max: pointsPerClass * classes }),
    momentum, eps, seed: checkSeed('seed', o.seed),
  };
}

/** The shared part of a resolved config, in the record's key order. */
export function pickCommon(o: CommonTrainingConfig): CommonTrainingConfig {
  const { pointsPerClass, classes, steps, batchSize, momentum, eps, seed } = o;
  return { pointsPerClass, classes, steps, batchSize, momentum, eps, seed };
}

export function checkWidths(widths: unknown): number[] {
  if (!Array.isArray(widths) || widths.length === 0) throw new ArgumentError('widths', widths, 'a non-empty array of layer widths');
  return widths.map((w, i) => checkInt(`widths[${i}]`, w, { min: 1 }));
}

/** Training and test spirals of the experiment (sub-seeds "train" and "test"). */
export function spirals(o: CommonTrainingConfig): { train: PointSet; test: PointSet } {
  const seeds = seedStream(o.seed);
  return {
    train: spiral({ pointsPerClass: o.pointsPerClass, classes: o.classes, seed: seeds.derive('train') }),
    test: spiral({ pointsPerClass: o.pointsPerClass, classes: o.classes, seed: seeds.derive('test') }),
  };
}

/** Losses as JSON: non-finite values become null. */
export function jsonLosses(losses: readonly number[]): (number | null)[] {
  return losses.map((v) => (Number.isFinite(v) ? v : null));
}

/** Where one training run sits in the experiment's progress: its phase (the run's name), the units done before it, and the total. */
export interface RunProgress { bar: ExperimentProgress; phase: string; before: number; total: number }

/**
 * Trains `net` in place (`trainBatchNormNet`) and reports every step as
 * {done: before + step, total, phase, metrics: {loss, step}}; a run that diverged and stopped early
 * still ends at before + steps. Returns the loss of every step.
 */
export async function trainRun(net: BatchNormNet, train: PointSet, options: Omit<BatchNormNetTrainOptions, 'progress' | 'phase' | 'progressOffset' | 'progressTotal'>,
  run: RunProgress): Promise<number[]> {
  const { bar, phase, before, total } = run;
  const losses = await trainBatchNormNet(net, train, { ...options, progress: (e) => bar.report(e), phase, progressOffset: before, progressTotal: total });
  if (!losses.every(Number.isFinite)) bar.report({ done: before + options.steps, total, phase, metrics: { step: options.steps } });
  return losses;
}

/** Test-set accuracy in test mode, or null when training diverged. */
export async function testAccuracy(net: BatchNormNet, test: PointSet, losses: readonly number[], eps: number): Promise<number | null> {
  if (!losses.every(Number.isFinite)) return null;
  const X = tf.tensor2d(test.X, [test.n, test.dims]);
  const p = await batchNormNetPredict(net, X, { training: false, eps });
  X.dispose();
  return accuracyOf(p.classes, test.y);
}
