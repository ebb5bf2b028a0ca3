/** Golden cases of lesson 06's random-vs-grid and cross-validation experiments (see ../golden.ts). */
import type { GoldenCase } from '../golden';
import { randomVsGrid } from '../../src/lessons/hp-search/randomVsGrid';
import { crossValidation } from '../../src/lessons/hp-search/crossValidation';

export const CASES: GoldenCase[] = [
  // lesson 06: hyperparameter search
  { id: 'hpSearchRandomVsGrid', call: 'hpSearch.randomVsGrid({trials: 9, repeats: 50, seed: 1})', run: () => randomVsGrid({ trials: 9, repeats: 50, seed: 1 }) },
  { id: 'cli-random-vs-grid-16', call: 'nnlab random-vs-grid --trials 16: hpSearch.randomVsGrid({trials: 16}) (200 repeats, seed 0)', run: () => randomVsGrid({ trials: 16 }) },
  {
    id: 'hpSearchCrossValidation', call: 'hpSearch.crossValidation({poolSize: 100, folds: 4, splits: 2, shuffles: 2, epochs: 2, batchSize: 25, testSize: 50}) (CIFAR-10)',
    run: () => crossValidation({ poolSize: 100, folds: 4, splits: 2, shuffles: 2, epochs: 2, batchSize: 25, testSize: 50 }),
  },
];
