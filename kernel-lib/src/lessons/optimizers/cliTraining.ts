/**
 * `nnlab schedule` and `nnlab compare-optimizers`: lesson 07's training part from the terminal,
 * with the same options and plain records as `nn.optimizers.scheduleCurves` / `compareOptimizers`.
 */
import { optionValues, ParsedArgs } from '../../core/args';
import { Command, out } from '../../core/command';
import { int, number, oneOf } from '../../core/options';
import { runOnDevice } from '../../engine/device';
import { tableText, toTable } from '../../show/table';
import { compareOptimizers, COMPARE_OPTIONS, CompareOptimizersOptions } from './compare';
import { compareText } from './figuresTraining';
import { SCHEDULE_KINDS, SCHEDULE_LABELS, scheduleSpec } from './scheduleRun';
import { scheduleValues } from '../../nets/schedules';

/** The kinds `nnlab schedule --kind` takes (constant is left out: nothing to see). */
export const SCHEDULE_CLI_KINDS = SCHEDULE_KINDS.filter((k) => k !== 'constant');

const SCHEDULE_FIELDS = {
  kind: oneOf(SCHEDULE_CLI_KINDS, { default: 'cosine' }),
  steps: int({ min: 10, max: 10_000_000, default: 100 }),
  lr0: number({ min: 1e-12, max: 10, default: 1e-3 }),
} as const;

/**
 * `nnlab schedule`: one schedule's spec and its values at a few steps (text), or the spec and every
 * value (`--json`). Pure arithmetic: no device.
 *
 * @example
 * nn.optimizers.runSchedule({ flags: new Set<string>(), options: { kind: 'step', steps: '30' }, positionals: [], help: false })
 */
export function runSchedule(a: ParsedArgs): string {
  const v = optionValues('schedule', a, SCHEDULE_FIELDS) as { kind?: typeof SCHEDULE_CLI_KINDS[number]; steps?: number; lr0?: number };
  const kind = v.kind ?? 'cosine';
  const steps = v.steps ?? 100;
  const spec = scheduleSpec(kind, v.lr0 ?? 1e-3, steps);
  const values = scheduleValues(spec, steps);
  if (a.flags.has('json')) return JSON.stringify({ kind, steps, spec, values }, null, 2);
  const at = [...new Set([0, 1, Math.floor(steps / 10), Math.floor(steps / 4), Math.floor(steps / 2), Math.floor((3 * steps) / 4), steps - 1])];
  const rows = at.map((t) => ({ step: t, lr: Number(values[t].toPrecision(4)) }));
  const min = Math.min(...values);
  const max = Math.max(...values);
  return `${SCHEDULE_LABELS[kind]}: ${JSON.stringify(spec)}\n` + tableText(toTable(rows), { title: `lr over ${steps} steps: max ${Number(max.toPrecision(4))}, min ${Number(min.toPrecision(4))}` });
}

export const SCHEDULE_COMMAND: Command = {
  summary: 'lesson 07: a learning-rate schedule\'s values over N steps (step, exp, 1/t, cosine, linear, warmup, SGDR)',
  usage: `nnlab schedule [--kind step|exp|inv|invsqrt|cosine|linear|sgdr|warmup] [--steps 100] [--lr0 1e-3] [--json]

Prints a learning-rate schedule as the training loop hands it to the optimizer, lr(t) for
t = 0 .. steps − 1, at a few steps:
  step      ×0.1 at steps/3 and 2·steps/3          exp     lr0·e^(−k·t), lr0/100 at the end
  inv       lr0/(1 + k·t) (1/t), lr0/10 at the end invsqrt lr0/√(1 + k·t), lr0/10 at the end
  cosine    half a cosine from lr0 to 0            linear  a straight line from lr0 to 0
  sgdr      cosine cycles of steps/7, 2·steps/7, 4·steps/7, each restarting at lr0
  warmup    a linear warmup over the first steps/10 (lr0·(t + 1)/w), then cosine to 0
  --json    the spec and every value as JSON`,
  spec: { flags: ['json'], options: { kind: null, steps: null, lr0: null } },
  run: async (a) => { out(runSchedule(a)); return 0; },
};

const COMPARE_CLI_FIELDS = {
  optimizers: COMPARE_OPTIONS.fields.optimizers, lrs: COMPARE_OPTIONS.fields.lrs, epochs: COMPARE_OPTIONS.fields.epochs,
  'train-size': COMPARE_OPTIONS.fields.trainSize, seed: COMPARE_OPTIONS.fields.seed,
} as const;

/**
 * Runs the comparison for parsed arguments, without choosing a device; returns its text or JSON.
 *
 * @example
 * const args = { flags: new Set(['json']), options: { optimizers: 'sgd,adam', epochs: '1' }, positionals: [], help: false };
 * JSON.parse(await nn.optimizers.runCompareOptimizers(args)).runs.length   // 2
 */
export async function runCompareOptimizers(a: ParsedArgs): Promise<string> {
  const { 'train-size': trainSize, ...rest } = optionValues('compare-optimizers', a, COMPARE_CLI_FIELDS);
  const r = await compareOptimizers({ ...rest, ...(trainSize === undefined ? {} : { trainSize }), progress: false } as CompareOptimizersOptions);
  return a.flags.has('json') ? JSON.stringify({ ...r, ms: r.meta.ms }, null, 2) : compareText(r);
}

export const COMPARE_COMMAND: Command = {
  summary: 'lesson 07: the two-layer net on CIFAR-10 trained with each optimizer (same init, same batches)',
  usage: `nnlab compare-optimizers [--optimizers sgd,momentum,adam] [--lrs 1e-3,5e-4,3e-4] [--epochs 4] [--train-size 5000] [--seed 0] [--json]

Trains the lecture's two-layer net (3072 → 50 → 10) on CIFAR-10 rows once per optimizer, with one
seed, one init and one batch order, and prints each run's final loss (mean of the last 10 batches)
and validation accuracy.
  --optimizers LIST   any of sgd, momentum, nesterov, adagrad, rmsprop, adam, adam-nobias, adamw
                      (default sgd,momentum,nesterov,adagrad,rmsprop,adam)
  --lrs LIST          one learning rate per optimizer (default: nn.optimizers.COMPARE_LRS: SGD 1e-3,
                      momentum / Nesterov 5e-4, AdaGrad 1e-3, RMSProp 1e-4, Adam 5e-4)
  --epochs N          epochs of 25 batches of 200 (default 4)
  --train-size N      training rows (default 5000; 1000 validation rows)
  --seed S            seed of the data, the init and the batch order (default 0)
  --json              print the record as JSON (with "ms", the wall time)
Sizes shrink with NNLAB_QUICK=1. The backend is picked as in a notebook (NNLAB_DEVICE=cpu|gpu, else auto).`,
  spec: { flags: ['json'], options: { optimizers: null, lrs: null, epochs: null, 'train-size': null, seed: null } },
  run: runOnDevice(runCompareOptimizers),
};
