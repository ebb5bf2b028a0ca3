/**
 * Lesson 06 as data for the registry (lessons/registry.ts). MINIMAL VERSION from the experiments
 * helper: only randomVsGrid and crossValidation; the lead merges these lines into the full lesson.
 */
import type { LessonDefinition } from '../../core/lesson';
import { CROSS_VALIDATE_COMMAND, RANDOM_VS_GRID_COMMAND } from './cliExperiments';
import { crossValidation, CROSS_VALIDATION_OPTIONS } from './crossValidation';
import { showCrossValidation, showRandomVsGrid } from './figuresExperiments';
import { randomVsGrid, RANDOM_VS_GRID_OPTIONS } from './randomVsGrid';

export const HP_SEARCH_LESSON: LessonDefinition = {
  id: 'hp-search', number: '06', namespace: 'hpSearch', title: 'Hyperparameter search',
  summary: 'random vs grid search (Bergstra & Bengio): distinct values of the important hyperparameter and the best found; k-fold cross-validation vs one validation split on CIFAR-10: the variance of the estimate (`nnlab random-vs-grid`, `nnlab cross-validate`)',
  notebook: '06-hyperparameter-search.ipynb', homework: null,
  commands: { 'random-vs-grid': RANDOM_VS_GRID_COMMAND, 'cross-validate': CROSS_VALIDATE_COMMAND },
  exercises: [],
  experiments: {
    randomVsGrid: { run: randomVsGrid, options: RANDOM_VS_GRID_OPTIONS },
    crossValidation: { run: crossValidation, options: CROSS_VALIDATION_OPTIONS },
  },
  show: { hpSearchRandomVsGrid: showRandomVsGrid, hpSearchCrossValidation: showCrossValidation },
};
