/**
 * `nn.weightInit`: lesson 03, weight initialization. The lecture's experiment pushes unit-Gaussian
 * data through a deep net under each init (zeros, small, large, Xavier, Glorot, He; the inits
 * themselves are `nn.nets`) and reads every layer's activation and gradient statistics.
 *
 * - math: `stdFactorPerLayer`, `verdict` (with `VERDICT_THRESHOLDS`), `SATURATION`;
 * - experiments: `stats` (one init, one activation), `grid` (every init x activation of a setup),
 *   `training` (what each init does to training); the lecture's setups `SETUP_A`, `SETUP_B`;
 * - figures: `statsFigure`, `histogramsFigure`, `gradientsFigure`, `gradientsComparisonFigure`,
 *   `gridFigure`, `trainingFigure`; `showStats`, `showGrid`, `showTraining` draw a record's
 *   figures and table (`nn.show(record)` does the same).
 *
 * @example
 * const r = await nn.weightInit.stats({ ...nn.weightInit.SETUP_A, init: 'he', activation: 'relu' });
 * nn.weightInit.showStats(r);
 * nn.weightInit.verdict(r); // 'healthy'
 */
export { SATURATION, stdFactorPerLayer, verdict, VERDICT_THRESHOLDS } from './math';
export type { SaturationRule, ValueStats, Verdict } from './math';
export { SETUP_A, SETUP_B, stats, STATS_DEFAULTS, statsInputs } from './stats';
export type { GradientStats, LayerStats, StatsConfig, StatsOptions, StatsRecord } from './stats';
export { grid, GRID_DEFAULTS } from './grid';
export type { GridOptions, GridRecord } from './grid';
export { training, TRAINING_DEFAULTS, TRAINING_QUICK } from './training';
export type { TrainingConfig, TrainingCurve, TrainingOptions, TrainingRecord } from './training';
export {
  gradientsComparisonFigure, gradientsFigure, gridFigure, histogramsFigure, showGrid, showStats, showTraining, statsFigure,
  trainingFigure,
} from './figures';
