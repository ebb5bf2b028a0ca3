/**
 * `nnlab batchnorm` and `nnlab batchnorm-fold`: lesson 04's experiments from the terminal, with the
 * same options and the same records as the notebook (`--json` prints the record). They run with
 * progress off (`progress: false`): the output is the record or its table, nothing else.
 */
import { numberOption } from '../../core/args';
import { Command, out } from '../../core/command';
import { useDevice } from '../../engine/device';
import { BatchNormMode, batchNormStats, BATCH_NORM_MODES } from './stats';
import { batchNormFold } from './fold';
import { batchNormDiscrepancyText, batchNormFoldRows, batchNormStatsRows } from './figures';
import { tableText, toTable } from '../../show/table';

export const BATCHNORM_COMMANDS: Record<string, Command> = {
  batchnorm: {
    summary: 'lesson 04: per-feature statistics before and after batch norm, train vs test mode',
    usage: `nnlab batchnorm [--mode train|test|both] [--seed N] [--json]

Draws a 256 x 4 batch from N(5, 3²), fills the running statistics with 100 training-mode
steps (momentum 0.9, eps 1e-5), then prints each feature's mean and std before batch norm and
after it in training mode (batch statistics) and test mode (running statistics), and how far
the two modes' outputs are apart.
  --mode    train, test or both (default both)
  --seed    master seed (default 0)
  --json    print the record as JSON`,
    spec: { flags: ['json'], options: { mode: [...BATCH_NORM_MODES], seed: null } },
    async run(a) {
      const seed = numberOption(a.options.seed, 'batchnorm', 'seed', 'whole');
      await useDevice(undefined, { print: false });
      const record = await batchNormStats({ mode: (a.options.mode ?? 'both') as BatchNormMode, ...(seed === undefined ? {} : { seed }), progress: false });
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
    usage: `nnlab batchnorm-fold [--seed N] [--json]

Folds test-mode batch norm into the dense layer (and the conv layer) before it, W' = W * scale,
b' = scale * b + shift, and prints the max absolute difference between the folded and the
unfolded outputs (float32 rounding only).
  --seed    master seed (default 0)
  --json    print the record as JSON`,
    spec: { flags: ['json'], options: { seed: null } },
    async run(a) {
      const seed = numberOption(a.options.seed, 'batchnorm-fold', 'seed', 'whole');
      await useDevice(undefined, { print: false });
      const record = await batchNormFold({ ...(seed === undefined ? {} : { seed }), progress: false });
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
