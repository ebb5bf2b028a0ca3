/**
 * `nn.hpSearch`: lesson 06, hyperparameter search. Coarse-to-fine random search over the learning
 * rate and the regularisation strength of the lecture's two-layer net on CIFAR-10: log-uniform
 * sampling, the narrowing rule, the edge warning, and the search as a tool (reproducible trials,
 * a resumable JSON-lines results file, a pool of worker processes).
 *
 * - search spaces: `COARSE_SPACE`, `checkSpace`, `logUniform`, `sampleTrial`, `sampleTrials`,
 *   `narrow` (the coarse-to-fine rule), `atEdge` (the lecture's "why should this worry us?");
 * - the search: `hpSearch` (one stage), `runTrial`, `loadTrialData`, `runPool` (the worker processes);
 * - the results file: `readResults` (trials by index, a half-written last line reported), `isFailure`;
 * - figures: `searchScatterFigure`, `searchFigure`, `searchRows`, `searchText`, `showSearch`;
 * - homework 06: the checks `logUniformSample` and `narrowRange` (nn.check).
 *
 * @example
 * const coarse = await nn.hpSearch.hpSearch({ stage: 'coarse', trials: 8, epochs: 1, out: 'coarse.jsonl' });
 * nn.hpSearch.showSearch(coarse);
 * const fine = await nn.hpSearch.hpSearch({ stage: 'fine', from: coarse, trials: 8, epochs: 3 });
 */
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
// LEAD: the other helper's exports go here (randomVsGrid, crossValidation, figuresExperiments).
