/**
 * Experiment commands of the lessons: each lesson's experiments run headless here too
 * (`nnlab <experiment> [--option value ...] [--json]`), with the same options object and the same
 * plain record as in the notebook. Each lesson adds its commands to EXPERIMENT_COMMANDS.
 */
import type { Command } from './command';

export const EXPERIMENT_COMMANDS: Record<string, Command> = {};
