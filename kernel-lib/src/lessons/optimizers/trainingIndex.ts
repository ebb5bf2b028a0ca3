/**
 * The public names of lesson 07's training part (`nn.optimizers.compareOptimizers`, ...): the
 * lesson's index.ts re-exports them with `export * from './trainingIndex';`.
 *
 * - experiments: `compareOptimizers` (the two-layer net under each optimizer), `scheduleCurves`
 *   (every schedule's values), `decayRun` (constant rate vs decay), `emaRun` (raw vs averaged weights),
 *   and the run they share, `optimizerRun`;
 * - figures: `compareFigure`, `scheduleCurvesFigure`, `decayFigure`, `emaFigure`, their `show…`, `optimizerColour`;
 * - CLI: `nnlab schedule`, `nnlab compare-optimizers`.
 */
export {
  COMPARE_DEFAULTS, COMPARE_LRS, COMPARE_OPTIONS, COMPARE_QUICK, compareOptimizers, optimizerRun, tailMean, trainingSplits,
} from './compare';
export type {
  CompareOptimizersConfig, CompareOptimizersOptions, CompareOptimizersRecord, CompareRun, OptimizerEpoch, OptimizerRunOptions, OptimizerRunResult, TrainingSource,
} from './compare';
export {
  DECAY_DEFAULTS, DECAY_OPTIONS, DECAY_QUICK, decayRun, SCHEDULE_CURVES_OPTIONS, SCHEDULE_KINDS, SCHEDULE_LABELS, scheduleCurves, scheduleSpec,
} from './scheduleRun';
export type { DecayRunConfig, DecayRunOptions, DecayRunPart, DecayRunRecord, ScheduleCurve, ScheduleCurvesConfig, ScheduleCurvesRecord, ScheduleShown } from './scheduleRun';
export { EMA_DEFAULTS, EMA_OPTIONS, EMA_QUICK, emaRun } from './ema';
export type { EmaRunConfig, EmaRunOptions, EmaRunRecord, EmaSeries } from './ema';
export {
  compareFigure, compareRows, compareText, decayFigure, decayRows, decayText, emaFigure, emaRows, emaText, optimizerColour,
  scheduleCurvesFigure, scheduleRows, showCompareOptimizers, showDecayRun, showEma, showScheduleCurves,
} from './figuresTraining';
export { COMPARE_COMMAND, runCompareOptimizers, runSchedule, SCHEDULE_CLI_KINDS, SCHEDULE_COMMAND } from './cliTraining';
