/**
 * What the training experiments of lesson 04 share (modeBug, rescue, learningRates): their common
 * options, the cs231n spiral data (3 interleaved arms, 2-D; not linearly separable) with held-out
 * test points from another seed, quick presets, and one training run that reports progress in the
 * one shape ({done, total, phase, metrics: {loss, step}}) counted over the whole experiment.
 */
import * as tf from '@tensorflow/tfjs';
import { checkInt } from '../../core/errors';
import { withQuickPreset } from '../../core/config';
import { Field, float32Bytes, int, MemoryNeed, seed } from '../../core/options';
import { seedStream } from '../../core/rng';
import { spiral, PointSet } from '../../data/synthetic';
import type { ExperimentProgress } from '../../show/progress';
import { BATCH_NORM_LIMITS, checkWork, count, epsField, givenOf, momentumField } from './batches';
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

export interface CommonTrainingConfig {
  pointsPerClass: number; classes: number; steps: number; batchSize: number; momentum: number; eps: number; seed: number;
}

/**
 * The options a training experiment runs with: in quick mode (NNLAB_QUICK=1) its `QUICK` preset
 * under the caller's options, which always win; otherwise the caller's options as they are.
 * Anything but an object is passed on as it is, for the declared options to reject.
 */
export function quickOptions<T extends object>(options: T, preset: Partial<T>): T {
  if (typeof options !== 'object' || options === null || Array.isArray(options)) return options;
  return withQuickPreset(options, preset) as T;
}

/** Most spiral points per class a training experiment takes. */
export const MAX_POINTS_PER_CLASS = 100_000;

/** The declared shared options (core/options.ts) with `defaults`, in the record's key order. */
export function commonFields(defaults: CommonTrainingConfig) {
  return {
    pointsPerClass: count(2, MAX_POINTS_PER_CLASS, defaults.pointsPerClass),
    classes: count(2, 255, defaults.classes),
    steps: count(1, BATCH_NORM_LIMITS.steps, defaults.steps),
    batchSize: count(2, BATCH_NORM_LIMITS.batchSize, defaults.batchSize),
    momentum: momentumField(defaults.momentum),
    eps: epsField(defaults.eps),
    seed: seed(),
  };
}

/** A hidden layer width of the lesson's nets. */
export const widthField = (): Field<number> => int({ min: 1, max: BATCH_NORM_LIMITS.width });

/**
 * The rules every training experiment shares: a batch fits in the training set, and `runs` runs
 * of `steps` steps through a net of `widths` stay within the work limit (forward multiply-adds).
 */
export function commonRules(name: string, c: CommonTrainingConfig, widths: readonly number[], runs: number, given: Record<string, unknown>): void {
  const n = c.pointsPerClass * c.classes;
  checkInt('batchSize', c.batchSize, { min: 2, max: n });
  const weights = netWeights(widths, c.classes);
  const evaluations = 8 * n * weights; // the test set in every mode, and the activation statistics at init
  checkWork(name, runs * (c.steps * c.batchSize * weights + evaluations), givenOf(given, ['steps', 'width', 'widths', 'depth', 'pointsPerClass']),
    `${runs} run${runs === 1 ? '' : 's'} of ${c.steps} steps on batches of ${c.batchSize} through a net of ${weights} weights, and the test set`);
}

/** Weights of the 2 -> widths -> classes net. */
export function netWeights(widths: readonly number[], classes: number): number {
  const dims = [2, ...widths, classes];
  return dims.slice(1).reduce((s, d, i) => s + dims[i] * d, 0);
}

/**
 * What one training run of the lesson's net holds at its peak: the weights with their gradients
 * and optimizer state (4 copies), the activations of a batch and of the whole test set (about 6
 * copies of each layer's output) and the two spirals. `widthOption` is what the caller calls the
 * sizes ("width", "widths").
 */
export function trainingMemory(c: CommonTrainingConfig, widths: readonly number[], widthOption: string): MemoryNeed[] {
  const n = c.pointsPerClass * c.classes;
  const units = widths.reduce((s, w) => s + w, 0) + c.classes;
  const weights = netWeights(widths, c.classes);
  return [
    { bytes: float32Bytes(4 * weights), argument: widthOption, what: `a net of ${weights} weights, with gradients and optimizer state` },
    { bytes: float32Bytes(6 * (n + c.batchSize) * units) + 8 * 2 * n * (c.classes + 3), argument: 'pointsPerClass',
      what: `the activations of ${n} test points and a batch of ${c.batchSize} over ${units} units` },
  ];
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
