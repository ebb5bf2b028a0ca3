/**
 * `nn.batchNorm`: lesson 04, batch normalization, as one namespace.
 *
 * - the math (pure functions over tensors; explicit state, `training` always given):
 *   forward, train, test, params, state, disposeState, moments, affine, foldInto, DEFAULTS,
 *   TFJS_DEFAULTS; and past batch norm: layerNorm, instanceNorm, groupNorm;
 * - the experiments, each `async (options) => record` with `<NAME>_DEFAULTS` (and `<NAME>_QUICK`
 *   where quick mode shrinks it) and an optional `progress` option: stats, identity, running,
 *   fold, modeBug, rescue, learningRates, normComparison;
 * - their display: `show<Experiment>(record)` (figure and table) and `<experiment>Figure(record)`
 *   (a pure figure spec); `nn.show(record)` dispatches to the same functions;
 * - for stepping through the algorithm: featureStats, showTensors.
 *
 * Internals (option resolvers, the lesson's net, row builders) are not exported: tests import
 * them by path.
 *
 * @example
 * const r = await nn.batchNorm.rescue({ seed: 5 });
 * nn.batchNorm.showRescue(r);
 */

// the math
export {
  batchNormForward as forward, batchNormTrain as train, batchNormTest as test, batchNormParams as params,
  batchNormState as state, disposeBatchNormState as disposeState, batchMoments as moments, batchNormAffine as affine,
  foldBatchNorm as foldInto, BATCH_NORM_DEFAULTS as DEFAULTS, TFJS_BATCH_NORM_DEFAULTS as TFJS_DEFAULTS,
} from './batchNorm';
export type {
  BatchNormParams as Params, BatchNormState as State, BatchNormConfig as Config, BatchNormHyper as Hyper,
  BatchNormResult as ForwardResult, FoldableLayer,
} from './batchNorm';
export { groupNorm, instanceNorm, layerNorm } from './norms';
export { featureStats } from '../../core/stats';
export type { FeatureStats } from '../../core/stats';
export { showTensors } from '../../show/tensors';

// the experiments
export { batchNormStats as stats, BATCH_NORM_STATS_DEFAULTS as STATS_DEFAULTS } from './stats';
export type { BatchNormStatsOptions as StatsOptions, BatchNormStatsRecord as StatsRecord, BatchNormMode as StatsMode } from './stats';
export { batchNormIdentity as identity, BATCH_NORM_IDENTITY_DEFAULTS as IDENTITY_DEFAULTS } from './identity';
export type { BatchNormIdentityOptions as IdentityOptions, BatchNormIdentityRecord as IdentityRecord } from './identity';
export { batchNormRunning as running, BATCH_NORM_RUNNING_DEFAULTS as RUNNING_DEFAULTS } from './running';
export type { BatchNormRunningOptions as RunningOptions, BatchNormRunningRecord as RunningRecord } from './running';
export { batchNormFold as fold, BATCH_NORM_FOLD_DEFAULTS as FOLD_DEFAULTS } from './fold';
export type { BatchNormFoldOptions as FoldOptions, BatchNormFoldRecord as FoldRecord } from './fold';
export { batchNormModeBug as modeBug, BATCH_NORM_MODE_BUG_DEFAULTS as MODE_BUG_DEFAULTS, BATCH_NORM_MODE_BUG_QUICK as MODE_BUG_QUICK } from './modeBug';
export type { BatchNormModeBugOptions as ModeBugOptions, BatchNormModeBugRecord as ModeBugRecord } from './modeBug';
export { batchNormRescue as rescue, BATCH_NORM_RESCUE_DEFAULTS as RESCUE_DEFAULTS, BATCH_NORM_RESCUE_QUICK as RESCUE_QUICK } from './rescue';
export type { BatchNormRescueOptions as RescueOptions, BatchNormRescueRecord as RescueRecord } from './rescue';
export {
  batchNormLearningRates as learningRates, BATCH_NORM_LEARNING_RATES_DEFAULTS as LEARNING_RATES_DEFAULTS,
  BATCH_NORM_LEARNING_RATES_QUICK as LEARNING_RATES_QUICK,
} from './learningRates';
export type { BatchNormLearningRatesOptions as LearningRatesOptions, BatchNormLearningRatesRecord as LearningRatesRecord } from './learningRates';
export { normComparison, NORM_COMPARISON_DEFAULTS } from './normComparison';
export type { NormComparisonOptions, NormComparisonRecord } from './normComparison';

// their display
export {
  batchNormStatsFigure as statsFigure, showBatchNormStats as showStats, showBatchNormIdentity as showIdentity,
  batchNormRunningFigure as runningFigure, showBatchNormRunning as showRunning, showBatchNormFold as showFold,
  normComparisonFigure, showNormComparison,
} from './figures';
export {
  batchNormModeBugFigure as modeBugFigure, showBatchNormModeBug as showModeBug, batchNormRescueFigure as rescueFigure,
  showBatchNormRescue as showRescue, batchNormLearningRatesFigure as learningRatesFigure, showBatchNormLearningRates as showLearningRates,
} from './trainingFigures';
