/**
 * THE training loop every lesson uses: mini-batch descent over a dataset of `count` examples,
 * reshuffled every epoch (seeded), for a number of epochs or of steps. The loop owns the batch
 * order, epochs, divergence handling, per-epoch evaluation and progress; the net owns one step
 * (forward, loss, backward, update: `net.step(batch)`), so a lesson can show every part of its
 * step in the open (explicit weights, hand-written backward passes, tf.layers models alike).
 *
 * Batch order of epoch e (0-based): `shuffle([0..count-1], order(e))`, cut into batches of
 * `batchSize` (the short last one dropped with `dropLast`). `order` gives one Random per epoch,
 * e.g. `seedStream(seed).random` through a closure, so two runs with one seed see one order.
 *
 * @example
 * const seeds = nn.seedStream(1);
 * const result = await nn.nets.train({ step: (batch) => batch.length }, { count: 100 },
 *   { epochs: 2, batchSize: 32, order: () => seeds.random() });
 * result.losses.length   // 8: two epochs of four batches (the last one short)
 */
import * as tf from '@tensorflow/tfjs';
import { ArgumentError, checkInt, checkNumber } from '../core/errors';
import type { ProgressCallback } from '../core/progress';
import { Random, shuffle } from '../core/rng';

/** What the loop trains: one optimisation step on the examples at `batch` (indices into the data). */
export interface TrainNet {
  /**
   * Forward, loss, backward and update on one mini-batch. Returns the mini-batch loss (a number,
   * or a scalar tensor the loop reads and disposes), or nothing when the loss is not recorded.
   */
  step(batch: Int32Array, at: TrainAt): number | tf.Scalar | void | Promise<number | tf.Scalar | void>;
  /** The weights by name, as they are now; needed for the `updateRatios` metric. */
  params?(): Record<string, tf.Tensor>;
}

/** Where a step is: its number (1-based), its epoch (1-based) and, with a `schedule`, its learning rate. */
export interface TrainAt { step: number; epoch: number; lr?: number }

export interface TrainOptions {
  batchSize: number;
  /** Passes over the data; give this or `steps`. */
  epochs?: number;
  /** Total steps, reshuffling at each epoch's start as often as needed; give this or `epochs`. */
  steps?: number;
  /** The Random that shuffles epoch `e` (0-based); null keeps the data order. */
  order: ((epoch: number) => Random) | null;
  /** Drop a short last batch (default false). */
  dropLast?: boolean;
  /** A non-finite loss: 'stop' ends training (the result says so), 'throw' is an error (default), 'continue'. */
  onDiverge?: 'stop' | 'throw' | 'continue';
  /**
   * Stop when a step's loss exceeds this multiple of the first step's loss (the lecture's rule
   * of thumb for a search: a run whose loss passes 3 times its initial value is exploding). The
   * result's `diverged` says so with reason 'above'. Default: no such rule.
   */
  stopIfLossAbove?: number;
  /**
   * Metrics after each complete epoch (epoch 1, 2, ...), and before training (epoch 0) with
   * `evaluateFirst`; reported as progress with `epoch` and the epoch's `meanLoss` (steps report
   * `loss` and `step`).
   */
  evaluate?: (epoch: number, meanLoss: number | null) => Record<string, number> | Promise<Record<string, number>>;
  evaluateFirst?: boolean;
  /**
   * The learning rate as a function of the steps taken before this one (t = 0, 1, ...; see
   * `nets/schedules`: `makeSchedule(spec)`). The loop hands each step its rate in `at.lr` and
   * logs it in `result.lrs`; the net's step applies it.
   */
  schedule?: (t: number) => number;
  /**
   * Log the lecture's health metric at every step: for each of `net.params()`,
   * ‖W_after − W_before‖ / ‖W_before‖ (Frobenius norms; ≈ 1e-3 is healthy). In `result.updateRatios`.
   */
  updateRatios?: boolean;
  /** Progress per step (and per evaluation) in the one shape; `done` counts from `progressOffset`. */
  progress?: ProgressCallback;
  /** The phase named in progress events (the run's name). */
  phase?: string;
  /** Steps done before this run and in all, when several runs share one progress bar. */
  progressOffset?: number;
  progressTotal?: number;
}

/** One epoch's summary: the mean training loss of its steps (weighted by batch size) and its metrics. */
export interface TrainEpoch { epoch: number; loss: number | null; metrics: Record<string, number> }

export interface TrainResult {
  /** The loss of every step that returned one, in order. */
  losses: number[];
  /** Epoch 0 (with `evaluateFirst`) and every completed epoch. */
  epochs: TrainEpoch[];
  steps: number;
  /** The step (1-based) where training stopped on a bad loss (`diverged.step`); else null. */
  divergedAt: number | null;
  /**
   * Why training stopped early, or null: the step (1-based), the loss there, and the reason:
   * 'nan' or 'inf' (the loss is not a number, or infinite), 'above' (over `stopIfLossAbove` times
   * the first loss).
   */
  diverged: { step: number; loss: number; reason: 'nan' | 'inf' | 'above'; threshold?: number } | null;
  /** With a `schedule`: the learning rate of every step, in order. */
  lrs?: number[];
  /** With `updateRatios`: per parameter name, ‖update‖ / ‖weights‖ of every step, in order. */
  updateRatios?: Record<string, number[]>;
}

/**
 * Steps per epoch for `count` examples.
 *
 * @example
 * nn.nets.stepsPerEpoch(100, 32)         // 4: the last batch has 4 examples
 * nn.nets.stepsPerEpoch(100, 32, true)   // 3: the short last batch dropped
 */
export function stepsPerEpoch(count: number, batchSize: number, dropLast = false): number {
  return dropLast ? Math.floor(count / batchSize) : Math.ceil(count / batchSize);
}

/**
 * The batches of one epoch: a shuffle of 0..count-1 (or the data order), cut into `batchSize` pieces.
 *
 * @example
 * const batches = nn.nets.epochBatches(10, 4, nn.seedStream(1).random());
 * batches.map((b) => b.length)           // [4, 4, 2]
 * nn.nets.epochBatches(10, 4, null)[0]   // Int32Array [0, 1, 2, 3]: the data order
 */
export function epochBatches(count: number, batchSize: number, random: Random | null, dropLast = false): Int32Array[] {
  const all = Array.from({ length: count }, (_, i) => i);
  const order = random === null ? all : shuffle(all, random);
  return Array.from({ length: stepsPerEpoch(count, batchSize, dropLast) }, (_, k) => Int32Array.from(order.slice(k * batchSize, (k + 1) * batchSize)));
}

/**
 * Trains `net` on `data.count` examples; see the module comment. Yields to the event loop after each step.
 *
 * @example
 * // logistic regression on two blobs, one tf optimizer step per mini-batch
 * const pts = nn.data.blobs({ pointsPerClass: 50, classes: 2, seed: 1 });
 * const X = tf.tensor2d(pts.X, [pts.n, pts.dims]);
 * const y = tf.tensor2d(pts.y, [pts.n, 1], 'float32');
 * const w = tf.variable(tf.zeros([2, 1]));
 * const b = tf.variable(tf.zeros([1]));
 * const optimizer = tf.train.sgd(0.1);
 * const seeds = nn.seedStream(1);
 * const result = await nn.nets.train({
 *   step: (batch) => optimizer.minimize(() => tf.tidy(() => {
 *     const idx = tf.tensor1d(batch, 'int32');
 *     return tf.losses.sigmoidCrossEntropy(y.gather(idx), X.gather(idx).matMul(w).add(b)) as nn.tf.Scalar;
 *   }), true) ?? undefined,
 * }, { count: pts.n }, { epochs: 3, batchSize: 20, order: () => seeds.random() });
 * result.losses.length   // 15: 3 epochs of 5 batches
 * result.epochs.map((e) => e.loss)   // the mean loss of each epoch, going down
 */
export async function train(net: TrainNet, data: { count: number }, options: TrainOptions): Promise<TrainResult> {
  const count = checkInt('data.count', data.count, { min: 1 });
  const batchSize = checkInt('batchSize', options.batchSize, options.dropLast ? { min: 1, max: count } : { min: 1 });
  if ((options.epochs === undefined) === (options.steps === undefined)) {
    throw new ArgumentError('train options', { epochs: options.epochs, steps: options.steps }, 'exactly one of epochs and steps');
  }
  const perEpoch = stepsPerEpoch(count, batchSize, options.dropLast);
  const totalSteps = options.steps !== undefined ? checkInt('steps', options.steps, { min: 1 }) : checkInt('epochs', options.epochs, { min: 1 }) * perEpoch;
  const onDiverge = options.onDiverge ?? 'throw';
  const above = options.stopIfLossAbove === undefined ? null : checkNumber('stopIfLossAbove', options.stopIfLossAbove, { min: 1, max: 1e12 });
  let threshold: number | null = null;
  const offset = options.progressOffset ?? 0;
  const total = options.progressTotal ?? totalSteps;
  const phase = options.phase ?? 'train';
  const result: TrainResult = { losses: [], epochs: [], steps: 0, divergedAt: null, diverged: null };
  const ratios = options.updateRatios ? startRatios(net, result) : null;
  if (options.schedule !== undefined && typeof options.schedule !== 'function') throw new ArgumentError('schedule', options.schedule, 'a function of the step t = 0, 1, ... (nn.nets.makeSchedule)');
  if (options.schedule) result.lrs = [];
  const evaluate = async (epoch: number, loss: number | null) => {
    const metrics = options.evaluate ? await options.evaluate(epoch, loss) : {};
    result.epochs.push({ epoch, loss, metrics });
    if (options.evaluate) options.progress?.({ done: offset + result.steps, total, phase, metrics: { ...(loss === null ? {} : { meanLoss: loss }), ...metrics, epoch } });
  };
  if (options.evaluateFirst) await evaluate(0, null);
  for (let epoch = 1; result.steps < totalSteps; epoch++) {
    let lossSum = 0;
    let examples = 0;
    for (const batch of epochBatches(count, batchSize, options.order ? options.order(epoch - 1) : null, options.dropLast)) {
      if (result.steps >= totalSteps) break;
      let lr: number | undefined;
      if (options.schedule) {
        lr = options.schedule(result.steps);
        if (typeof lr !== 'number' || !Number.isFinite(lr) || lr < 0) throw new ArgumentError(`schedule(${result.steps})`, lr, 'a finite learning rate >= 0');
        result.lrs!.push(lr);
      }
      const before = ratios?.snapshot();
      let stepped;
      try {
        stepped = await net.step(batch, lr === undefined ? { step: result.steps + 1, epoch } : { step: result.steps + 1, epoch, lr });
      } catch (err) {
        if (before) tf.dispose(before.map(([, w]) => w));
        throw err;
      }
      if (before) ratios!.record(before);
      const loss = await readLoss(stepped);
      result.steps += 1;
      if (loss !== null) {
        result.losses.push(loss);
        lossSum += loss * batch.length;
        examples += batch.length;
        options.progress?.({ done: offset + result.steps, total, phase, metrics: lr === undefined ? { loss, step: result.steps } : { loss, step: result.steps, lr } });
        if (!Number.isFinite(loss) && onDiverge !== 'continue') {
          if (onDiverge === 'throw') throw new Error(`train: the loss became ${loss} at step ${result.steps} (learning rate too large?)`);
          result.divergedAt = result.steps;
          result.diverged = { step: result.steps, loss, reason: Number.isNaN(loss) ? 'nan' : 'inf' };
          return result;
        }
        if (above !== null && Number.isFinite(loss)) {
          if (threshold === null) threshold = above * loss;
          else if (loss > threshold) {
            result.divergedAt = result.steps;
            result.diverged = { step: result.steps, loss, reason: 'above', threshold };
            return result;
          }
        }
      }
      await new Promise((resolve) => setImmediate(resolve));
    }
    if (result.steps % perEpoch === 0) await evaluate(epoch, examples > 0 ? lossSum / examples : null);
  }
  return result;
}

/** The update-ratio log: a snapshot of the weights before a step, the ratios after it. */
function startRatios(net: TrainNet, result: TrainResult) {
  if (typeof net.params !== 'function') throw new ArgumentError('updateRatios', true, 'a net with params(): the weights by name, to measure their updates');
  const log: Record<string, number[]> = {};
  result.updateRatios = log;
  return {
    snapshot: () => Object.entries(net.params!()).map(([name, w]) => [name, tf.clone(w)] as const),
    record(before: (readonly [string, tf.Tensor])[]) {
      const now = net.params!();
      const values = tf.tidy(() => before.map(([name, w]) => {
        const after = now[name];
        if (!after) throw new ArgumentError('net.params()', Object.keys(now), `the same names after a step as before (${name} is gone)`);
        return tf.div(tf.norm(tf.sub(after, w)), tf.norm(w));
      }));
      const read = values.map((v) => v.dataSync()[0]);
      tf.dispose([...values, ...before.map(([, w]) => w)]);
      before.forEach(([name], i) => (log[name] ??= []).push(read[i]));
    },
  };
}

async function readLoss(value: number | tf.Scalar | void): Promise<number | null> {
  if (value === undefined) return null;
  if (typeof value === 'number') return value;
  const loss = (await value.data())[0];
  value.dispose();
  return loss;
}
