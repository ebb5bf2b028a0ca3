/**
 * `nn.hpSearch`: lesson 06, hyperparameter search. MINIMAL VERSION from the experiments helper
 * (the lead merges these exports into the full namespace).
 *
 * - experiments: `randomVsGrid` (grid vs random search on an objective where one hyperparameter
 *   matters: Bergstra & Bengio), `crossValidation` (k-fold vs one validation split on CIFAR-10:
 *   the variance of the estimate);
 * - figures: `randomVsGridFigure`, `randomVsGridRepeatsFigure`, `showRandomVsGrid`,
 *   `crossValidationFigure`, `showCrossValidation`.
 *
 * @example
 * const r = await nn.hpSearch.randomVsGrid({ trials: 9 });
 * nn.hpSearch.showRandomVsGrid(r);
 * const cv = await nn.hpSearch.crossValidation({ folds: 5 });
 * nn.hpSearch.showCrossValidation(cv);
 */
export { gridPoints, objective, randomPoints, randomVsGrid, RANDOM_PEAK_RANGE, RANDOM_VS_GRID_DEFAULTS, SEARCH_METHODS } from './randomVsGrid';
export type { Objective, RandomVsGridConfig, RandomVsGridOptions, RandomVsGridRecord, RepeatSummary, SearchMethod, SearchRun, TrialPoint } from './randomVsGrid';
export {
  crossValidation, CROSS_VALIDATION_DEFAULTS, CROSS_VALIDATION_QUICK, foldEstimate, foldIndices, settingLabel,
} from './crossValidation';
export type {
  CrossValidationConfig, CrossValidationOptions, CrossValidationRecord, HeldOutRun, HpSetting, KFoldRun, SettingEstimates, Spread,
} from './crossValidation';
export {
  crossValidationFigure, crossValidationRows, randomVsGridFigure, randomVsGridRepeatsFigure, randomVsGridRows, showCrossValidation, showRandomVsGrid,
} from './figuresExperiments';
