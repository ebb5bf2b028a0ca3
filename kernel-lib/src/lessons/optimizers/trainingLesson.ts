/**
 * Lesson 07's training part as registry data, for the lesson's lesson.ts to spread in:
 * `commands: { ...TRAINING_COMMANDS }`, `experiments: { ...TRAINING_EXPERIMENTS }`,
 * `show: { ...TRAINING_SHOW }`.
 */
import type { Command } from '../../core/command';
import { COMPARE_COMMAND, SCHEDULE_COMMAND } from './cliTraining';
import { compareOptimizers, COMPARE_OPTIONS } from './compare';
import { emaRun, EMA_OPTIONS } from './ema';
import { showCompareOptimizers, showDecayRun, showEma, showScheduleCurves } from './figuresTraining';
import { decayRun, DECAY_OPTIONS, scheduleCurves, SCHEDULE_CURVES_OPTIONS } from './scheduleRun';

/** The CLI commands of the training part. */
export const TRAINING_COMMANDS: Readonly<Record<string, Command>> = { schedule: SCHEDULE_COMMAND, 'compare-optimizers': COMPARE_COMMAND };

/** The experiments with their declared options (test/properties.test.ts feeds them bad values). */
export const TRAINING_EXPERIMENTS = {
  compareOptimizers: { run: compareOptimizers, options: COMPARE_OPTIONS },
  scheduleCurves: { run: scheduleCurves, options: SCHEDULE_CURVES_OPTIONS },
  decayRun: { run: decayRun, options: DECAY_OPTIONS },
  emaRun: { run: emaRun, options: EMA_OPTIONS },
} as const;

/** Which show function draws which record (`nn.show(record)`). */
export const TRAINING_SHOW = {
  optimizersCompare: showCompareOptimizers, optimizersScheduleCurves: showScheduleCurves, optimizersDecay: showDecayRun, optimizersEma: showEma,
} as const;
