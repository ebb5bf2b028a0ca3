/**
 * `nnlab batchnorm` and `nnlab batchnorm-fold`: lesson 04's experiments from the terminal, with the
 * same options and the same records as the notebook (`--json` prints the record). They run with
 * progress off (`progress: false`): the output is the record or its table, nothing else.
 */
import { optionValue } from '../../core/args';
import { Command, out } from '../../core/command';
import type { Field } from '../../core/options';
import { useDevice } from '../../engine/device';
import { BatchNormMode, batchNormStats, BATCH_NORM_MODES, BATCH_NORM_STATS_OPTIONS, BatchNormStatsOptions, resolveBatchNormStatsOptions } from './stats';
import { batchNormFold, BATCH_NORM_FOLD_OPTIONS, BatchNormFoldOptions, resolveBatchNormFoldOptions } from './fold';
import { batchNormDiscrepancyText, batchNormFoldRows, batchNormStatsRows } from './figures';
import { tableText, toTable } from '../../show/table';

const S = BATCH_NORM_STATS_OPTIONS.fields;
/** `nnlab batchnorm` option -> the declared stats option it sets (its kind and range are checked while parsing). */
const STATS_VALUE_OPTIONS: Record<string, readonly [string, Field]> = {
  batch: ['batchSize', S.batchSize], features: ['features', S.features], warmup: ['warmupSteps', S.warmupSteps],
  momentum: ['momentum', S.momentum], eps: ['eps', S.eps], seed: ['seed', S.seed],
};

const F = BATCH_NORM_FOLD_OPTIONS.fields;
/** `nnlab batchnorm-fold` option -> the declared fold option it sets. */
const FOLD_VALUE_OPTIONS: Record<string, readonly [string, Field]> = {
  batch: ['batchSize', F.batchSize], warmup: ['warmupSteps', F.warmupSteps], momentum: ['momentum', F.momentum], eps: ['eps', F.eps], seed: ['seed', F.seed],
};

/** The experiment options the command line asks for (each value already checked by parseArgs). */
function valueOptions(command: string, table: Record<string, readonly [string, Field]>, options: Record<string, string>): Record<string, unknown> {
  const o: Record<string, unknown> = {};
  for (const [flag, [key, field]] of Object.entries(table)) {
    if (options[flag] !== undefined) o[key] = optionValue(command, flag, options[flag], field);
  }
  return o;
}

/** The spec entries of a table of value options: each flag with its declared field. */
const specOf = (table: Record<string, readonly [string, Field]>) => Object.fromEntries(Object.entries(table).map(([flag, [, field]]) => [flag, field]));
/** Experiment option -> the flag that sets it, for errors in the command line's words. */
const flagsOf = (table: Record<string, readonly [string, Field]>) => Object.fromEntries(Object.entries(table).map(([flag, [key]]) => [key, flag]));

export const BATCHNORM_COMMANDS: Record<string, Command> = {
  batchnorm: {
    summary: 'lesson 04: per-feature statistics before and after batch norm, train vs test mode',
    usage: `nnlab batchnorm [--mode train|test|both] [--batch 256] [--features 4] [--warmup 100] [--seed N] [--json]

Draws a 256 x 4 batch from N(5, 3²), fills the running statistics with 100 training-mode
steps (momentum 0.9, eps 1e-5), then prints each feature's mean and std before batch norm and
after it in training mode (batch statistics) and test mode (running statistics), and how far
the two modes' outputs are apart.
  --mode        train, test or both (default both)
  --batch, --features   the batch's rows and features (default 256 x 4)
  --warmup      training-mode steps before the measurement (default 100)
  --momentum, --eps     batch norm's constants (default 0.9, 1e-5)
  --seed        master seed (default 0)
  --json        print the record as JSON`,
    spec: { flags: ['json'], options: { mode: [...BATCH_NORM_MODES], ...specOf(STATS_VALUE_OPTIONS) } },
    flags: flagsOf(STATS_VALUE_OPTIONS),
    async run(a) {
      const options = { mode: (a.options.mode ?? 'both') as BatchNormMode, ...valueOptions('batchnorm', STATS_VALUE_OPTIONS, a.options) } as BatchNormStatsOptions;
      resolveBatchNormStatsOptions(options); // memory and work fail here, before a backend starts
      await useDevice(undefined, { print: false });
      const record = await batchNormStats({ ...options, progress: false });
      if (a.flags.has('json')) {
        out(JSON.stringify(record, null, 2));
        return 0;
      }
      const o = record.options;
      out(`batch norm of a ${o.batchSize} x ${o.features} batch of N(${o.inputMean}, ${o.inputStd}²), after ${o.warmupSteps} ` +
        `training steps (momentum ${o.momentum}, eps ${o.eps}, seed ${o.seed}, backend ${record.backend})`);
      out(tableText(toTable(batchNormStatsRows(record))));
      const line = batchNormDiscrepancyText(record);
      if (line) out(line);
      return 0;
    },
  },
  'batchnorm-fold': {
    summary: 'lesson 04: max difference between a folded layer and layer + test-mode batch norm',
    usage: `nnlab batchnorm-fold [--batch 32] [--warmup 20] [--seed N] [--json]

Folds test-mode batch norm into the dense layer (and the conv layer) before it, W' = W * scale,
b' = scale * b + shift, and prints the max absolute difference between the folded and the
unfolded outputs (float32 rounding only).
  --batch       rows of the batch (default 32)
  --warmup      training-mode steps that fill the running statistics (default 20)
  --momentum, --eps     batch norm's constants (default 0.9, 1e-5)
  --seed        master seed (default 0)
  --json        print the record as JSON`,
    spec: { flags: ['json'], options: specOf(FOLD_VALUE_OPTIONS) },
    flags: flagsOf(FOLD_VALUE_OPTIONS),
    async run(a) {
      const options = valueOptions('batchnorm-fold', FOLD_VALUE_OPTIONS, a.options) as BatchNormFoldOptions;
      resolveBatchNormFoldOptions(options); // memory and work fail here, before a backend starts
      await useDevice(undefined, { print: false });
      const record = await batchNormFold({ ...options, progress: false });
      if (a.flags.has('json')) {
        out(JSON.stringify(record, null, 2));
        return 0;
      }
      out(`folded vs unfolded, test mode (eps ${record.options.eps}, seed ${record.options.seed}, backend ${record.backend})`);
      out(tableText(toTable(batchNormFoldRows(record))));
      return 0;
    },
  },
};
