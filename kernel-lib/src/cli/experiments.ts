/**
 * Experiment commands of the lessons: each lesson's experiments run headless here too
 * (`nnlab <experiment> [--option value ...] [--json]`), with the same options object and the same
 * plain record as in the notebook. Each lesson declares its commands in its lesson.ts; the
 * registry (lessons/registry.ts) collects them.
 */
import type { Command } from '../core/command';
import { lessonCommands } from '../lessons/registry';

export const EXPERIMENT_COMMANDS: Record<string, Command> = lessonCommands();
