/**
 * `nn.hpSearch`: lesson 06, hyperparameter search. Why random search beats grid search, how much
 * one validation split can be trusted, and coarse-to-fine random search over the learning rate
 * and the regularisation strength of the lecture's two-layer net on CIFAR-10, as a real tool
 * (reproducible trials, a resumable JSON-lines results file, a pool of worker processes).
 *
 * - experiments: `randomVsGrid` (grid vs random search on an objective where one hyperparameter
 *   matters: Bergstra & Bengio), `crossValidation` (k-fold vs one validation split on CIFAR-10:
 *   the variance of the estimate), `hpSearch` (one stage of the coarse-to-fine search);
 * - search spaces: `COARSE_SPACE`, `checkSpace`, `logUniform`, `sampleTrial`, `sampleTrials`,
 *   `narrow` (the coarse-to-fine rule), `atEdge` (the lecture's "why should this worry us?");
 * - the search's parts: `runTrial`, `loadTrialData`, `runPool` (the worker processes),
 *   `readResults` (trials by index, a half-written last line reported), `isFailure`;
 * - figures: `randomVsGridFigure`, `randomVsGridRepeatsFigure`, `showRandomVsGrid`,
 *   `crossValidationFigure`, `showCrossValidation`, `searchScatterFigure`, `searchFigure`,
 *   `searchRows`, `searchText`, `showSearch`;
 * - homework 06: the checks `logUniform` and `narrowRange` (nn.check).
 *
 * @example
 * const r = await nn.hpSearch.randomVsGrid({ trials: 9 });
 * nn.hpSearch.showRandomVsGrid(r);
 * const cv = await nn.hpSearch.crossValidation({ folds: 5 });
 * nn.hpSearch.showCrossValidation(cv);
 * const coarse = await nn.hpSearch.hpSearch({ stage: 'coarse', trials: 8, epochs: 1, out: 'coarse.jsonl' });
 * nn.hpSearch.showSearch(coarse);
 * const fine = await nn.hpSearch.hpSearch({ stage: 'fine', from: coarse, trials: 8, epochs: 3 });
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
export { atEdge, checkSpace, COARSE_SPACE, logUniform, narrow, NARROW_DEFAULTS, sampleTrial, sampleTrials } from './space';
export type { EdgeFlag, NarrowRule, ParamRange, ScoredTrial, SearchSpace, TrialSpec } from './space';
export { isFailure, readResults } from './results';
export type { ResultsFile, ResultsHeader, TrialFailure, TrialLine, TrialResult } from './results';
export { loadTrialData, runTrial, STOP_IF_LOSS_ABOVE } from './trial';
export type { TrialData, TrialSetup } from './trial';
export { runPool } from './pool';
export type { PoolOptions } from './pool';
export { hpSearch, SEARCH_DEFAULTS, SEARCH_QUICK, SEARCH_STAGES } from './search';
export type { HpSearchOptions, HpSearchRecord, RecordedTrial, SearchRow, SearchStage } from './search';
export { searchFigure, searchRows, searchScatterFigure, searchText, showSearch } from './figures';
