/**
 * STUB (the partner's gates part replaces this file at merge): lesson 12's gates part as registry
 * data, for lesson.ts to spread in.
 */
import type { Command } from '../../core/command';
import type { Experiment } from '../../core/lesson';

export const GATES_COMMANDS: Record<string, Command> = {};
export const GATES_EXPERIMENTS: Record<string, Experiment> = {};
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export const GATES_SHOW: Record<string, (record: any) => void> = {};
