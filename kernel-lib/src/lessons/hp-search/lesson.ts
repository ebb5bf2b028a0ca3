/** Lesson 06 as data for the registry (lessons/registry.ts). */
import type { LessonDefinition } from '../../core/lesson';
import { HP_SEARCH_COMMAND } from './cli';
import { showSearch } from './figures';
import { HOMEWORK_06 } from './homework';
import { hpSearch, SEARCH_OPTIONS } from './search';
// LEAD: the other helper's imports go here (from randomVsGrid.ts, crossValidation.ts, figuresExperiments.ts, cliExperiments.ts).

export const HP_SEARCH_LESSON: LessonDefinition = {
  id: 'hp-search', number: '06', namespace: 'hpSearch', title: 'Hyperparameter search',
  summary: 'coarse-to-fine random search over the learning rate and the regularisation strength, sampled log-uniformly (lr = 10^U(−6, −3), reg = 10^U(−5, 5)), for the two-layer net on CIFAR-10: a reproducible, resumable search in a pool of worker processes, the results sorted by validation accuracy, a scatter over (lr, reg) and a warning when the best value sits at the edge of its range (`nnlab hp-search`)',
  notebook: '06-hyperparameter-search.ipynb', homework: 'hw06-hyperparameter-search.ipynb',
  commands: {
    'hp-search': HP_SEARCH_COMMAND,
    // LEAD: ...the commands of cliExperiments.ts
  },
  exercises: HOMEWORK_06,
  experiments: {
    hpSearch: { run: hpSearch, options: SEARCH_OPTIONS },
    // LEAD: randomVsGrid, crossValidation
  },
  show: {
    hpSearch: showSearch,
    // LEAD: the show functions of figuresExperiments.ts
  },
};
