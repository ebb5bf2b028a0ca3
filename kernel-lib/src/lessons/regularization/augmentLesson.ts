/**
 * Stub of lesson 08's augmentation part (helper D delivers the real file): its commands,
 * experiments and figures as registry data, spread into lesson.ts.
 */
import type { Command } from '../../core/command';
import type { Experiment } from '../../core/lesson';

/** `nnlab` commands of the augmentation part. */
export const AUGMENT_COMMANDS: Readonly<Record<string, Command>> = {};
/** Experiments of the augmentation part, with their declared options. */
export const AUGMENT_EXPERIMENTS: Readonly<Record<string, Experiment>> = {};
/** Which show function draws which record. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export const AUGMENT_SHOW: Readonly<Record<string, (record: any) => void>> = {};
