/**
 * STUB (lesson 11's training part, replaced by the partner's file at merge): the commands,
 * experiments and figures of the training half, spread into lesson.ts.
 */
import type { Command } from '../../core/command';
import type { Experiment } from '../../core/lesson';

export const TRAINING_COMMANDS: Record<string, Command> = {};
export const TRAINING_EXPERIMENTS: Record<string, Experiment> = {};
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export const TRAINING_SHOW: Record<string, (record: any) => void> = {};
