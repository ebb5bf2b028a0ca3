/**
 * Lesson 05's monitoring experiments as registry data, for the lesson's lesson.ts to spread in:
 * `experiments: { ...MONITOR_EXPERIMENTS }`, `show: { ...MONITOR_SHOW }` (and `commands:
 * { ...MONITOR_COMMANDS }` from cliMonitor.ts).
 */
import { showLossShapes, showTemplates, showTrainValGap, showUpdateRatios } from './figuresMonitor';
import { GAP_OPTIONS, lossShapes, LOSS_SHAPES_OPTIONS, trainValGap } from './monitor';
import { RATIO_OPTIONS, updateRatios } from './monitorRatios';
import { templates, TEMPLATES_OPTIONS } from './templates';

/** The experiments with their declared options (test/properties.test.ts feeds them bad values). */
export const MONITOR_EXPERIMENTS = {
  lossShapes: { run: lossShapes, options: LOSS_SHAPES_OPTIONS },
  trainValGap: { run: trainValGap, options: GAP_OPTIONS },
  updateRatios: { run: updateRatios, options: RATIO_OPTIONS },
  templates: { run: templates, options: TEMPLATES_OPTIONS },
} as const;

/** Which show function draws which record (`nn.show(record)`). */
export const MONITOR_SHOW = {
  babysittingLossShapes: showLossShapes, babysittingTrainValGap: showTrainValGap,
  babysittingUpdateRatios: showUpdateRatios, babysittingTemplates: showTemplates,
} as const;
