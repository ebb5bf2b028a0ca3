/**
 * One trial of a hyperparameter search: the lecture's two-layer net trained with the trial's
 * learning rate and regularisation strength (nets/twoLayerTrain, THE training loop), stopped early
 * when its loss passes 3 × its initial value (`stopIfLossAbove: 3`). The same function runs in a
 * worker process (worker.ts) and in the notebook's own process (`jobs: 0`).
 *
 * @example
 * const data = await nn.hpSearch.loadTrialData({ train: 500, val: 100, seed: 0 });
 * const spec = nn.hpSearch.sampleTrial(nn.hpSearch.COARSE_SPACE, 0, 0);
 * const r = await nn.hpSearch.runTrial({ epochs: 1, batchSize: 100, hiddenSize: 50 }, spec, data);
 * r.valAcc   // the validation accuracy after one epoch (null had it diverged)
 */
import { flatSplits, FlatSplits } from '../../data/splits';
import { trainTwoLayer } from '../../nets/twoLayerTrain';
import { seedStream } from '../../core/rng';
import type { TrialSpec } from './space';
import type { TrialResult } from './results';

/** The lecture's rule for a search: stop a run whose loss passes 3 × its initial value. */
export const STOP_IF_LOSS_ABOVE = 3;

/** What every trial of a search shares (the rest comes from the trial's own spec). */
export interface TrialSetup { epochs: number; batchSize: number; hiddenSize: number }

/** The splits every trial trains and validates on: the same seeded draw in every process. */
export interface TrialData { train: { X: Float32Array; y: Int32Array }; val: { X: Float32Array; y: Int32Array } }

/**
 * Loads the search's CIFAR-10 splits (`nn.data.flatSplits`, channel means of the train part
 * subtracted): `train` and `val` images drawn from the official training split with a sub-seed
 * of the search seed, so every worker reads the same data.
 *
 * @example
 * const data = await nn.hpSearch.loadTrialData({ train: 500, val: 100, seed: 0 });
 * data.train.y.length   // 500
 */
export async function loadTrialData(o: { train: number; val: number; seed: number }): Promise<TrialData> {
  const splits: FlatSplits = await flatSplits({ train: o.train, val: o.val, test: 0, seed: seedStream(o.seed).derive('data'), center: 'channel-mean' });
  return { train: { X: splits.train.X, y: splits.train.y }, val: { X: splits.val.X, y: splits.val.y } };
}

/**
 * Test-only fault injection: NNLAB_HPSEARCH_FAULT="throw:3,exit:5" makes trial 3 throw and
 * trial 5 end its process (in a worker; in-process it throws), so the tests can show that a
 * failing trial is recorded while the rest of the search finishes.
 */
export function injectedFault(trial: number, env: Record<string, string | undefined> = process.env): 'throw' | 'exit' | null {
  for (const part of (env.NNLAB_HPSEARCH_FAULT ?? '').split(',')) {
    const [kind, at] = part.split(':');
    if ((kind === 'throw' || kind === 'exit') && Number(at) === trial) return kind;
  }
  return null;
}

/**
 * Trains one trial and says how it went. A diverging run is a normal result (`diverged` set,
 * accuracies null); only a bug or a dead process is a failure.
 *
 * @example
 * const data = await nn.hpSearch.loadTrialData({ train: 500, val: 100, seed: 0 });
 * const r = await nn.hpSearch.runTrial({ epochs: 1, batchSize: 100, hiddenSize: 50 }, { trial: 0, config: { lr: 1e-2, reg: 0 }, seed: 1 }, data);
 * r.diverged?.reason   // 'above': lr 1e-2 blows the loss past 3 × its first value
 */
export async function runTrial(setup: TrialSetup, spec: TrialSpec, data: TrialData): Promise<TrialResult> {
  const fault = injectedFault(spec.trial);
  if (fault === 'exit' && typeof process.send === 'function') process.exit(70);
  if (fault !== null) throw new Error(`injected fault in trial ${spec.trial} (NNLAB_HPSEARCH_FAULT)`);
  const started = Date.now();
  const run = await trainTwoLayer({
    train: data.train, val: data.val, classes: 10, hiddenSize: setup.hiddenSize, reg: spec.config.reg, lr: spec.config.lr,
    batchSize: setup.batchSize, epochs: setup.epochs, seed: spec.seed, stopIfLossAbove: STOP_IF_LOSS_ABOVE,
  });
  const last = run.epochs[run.epochs.length - 1];
  const diverged = run.diverged === null ? null : { step: run.diverged.step, loss: finiteOrNull(run.diverged.loss), reason: run.diverged.reason };
  return {
    trial: spec.trial, config: spec.config, seed: spec.seed,
    valAcc: diverged || !last ? null : last.valAcc ?? null,
    trainAcc: diverged || !last ? null : last.trainAcc,
    diverged, initialLoss: finiteOrNull(run.initialLoss), finalLoss: last && last.epoch > 0 ? finiteOrNull(last.loss) : null,
    epochs: last ? last.epoch : 0, ms: Date.now() - started,
  };
}

function finiteOrNull(v: number | null | undefined): number | null {
  return typeof v === 'number' && Number.isFinite(v) ? v : null;
}
