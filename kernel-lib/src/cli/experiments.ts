/**
 * Experiment commands of the lessons: each lesson's experiments run headless here too
 * (`nnlab <experiment> [--option value ...] [--json]`), with the same options object and the same
 * plain record as in the notebook. Each lesson adds its commands to EXPERIMENT_COMMANDS.
 */
import type { Command } from './command';
import { DROPOUT_COMMANDS } from './dropout';
import { INIT_STATS_COMMAND } from './initStats';
import { BATCHNORM_COMMANDS } from './batchNorm';
import { TRANSFER_COMMANDS } from './transfer';

export const EXPERIMENT_COMMANDS: Record<string, Command> = {
  ...DROPOUT_COMMANDS,
  'init-stats': INIT_STATS_COMMAND,
  ...BATCHNORM_COMMANDS,
  ...TRANSFER_COMMANDS,
};
