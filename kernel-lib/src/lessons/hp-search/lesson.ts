/** Lesson 06 as data for the registry (lessons/registry.ts). */
import type { LessonDefinition } from '../../core/lesson';
import { HP_SEARCH_COMMAND } from './cli';
import { CROSS_VALIDATE_COMMAND, RANDOM_VS_GRID_COMMAND } from './cliExperiments';
import { crossValidation, CROSS_VALIDATION_OPTIONS } from './crossValidation';
import { showSearch } from './figures';
import { showCrossValidation, showRandomVsGrid } from './figuresExperiments';
import { HOMEWORK_06 } from './homework';
import { randomVsGrid, RANDOM_VS_GRID_OPTIONS } from './randomVsGrid';
import { hpSearch, SEARCH_OPTIONS } from './search';

export const HP_SEARCH_LESSON: LessonDefinition = {
  id: 'hp-search', number: '06', namespace: 'hpSearch', title: 'Hyperparameter search',
  summary: 'random vs grid search (Bergstra & Bengio): distinct values of the important hyperparameter and the best found; k-fold cross-validation vs one validation split on CIFAR-10: the variance of the estimate; coarse-to-fine random search over the learning rate and the regularisation strength, sampled log-uniformly (lr = 10^U(−6, −3), reg = 10^U(−5, 5)), for the two-layer net on CIFAR-10: a reproducible, resumable search in a pool of worker processes, the results sorted by validation accuracy, a scatter over (lr, reg) and a warning when the best value sits at the edge of its range (`nnlab random-vs-grid`, `nnlab cross-validate`, `nnlab hp-search`)',
  notebook: '06-hyperparameter-search.ipynb', homework: 'hw06-hyperparameter-search.ipynb',
  commands: { 'random-vs-grid': RANDOM_VS_GRID_COMMAND, 'cross-validate': CROSS_VALIDATE_COMMAND, 'hp-search': HP_SEARCH_COMMAND },
  exercises: HOMEWORK_06,
  experiments: {
    randomVsGrid: { run: randomVsGrid, options: RANDOM_VS_GRID_OPTIONS },
    crossValidation: { run: crossValidation, options: CROSS_VALIDATION_OPTIONS },
    hpSearch: { run: hpSearch, options: SEARCH_OPTIONS },
  },
  show: { hpSearchRandomVsGrid: showRandomVsGrid, hpSearchCrossValidation: showCrossValidation, hpSearch: showSearch },
};
