/** Golden cases of the hyperparameter-search lesson (see ../golden.ts). */
import type { GoldenCase } from '../golden';
import { hpSearch } from '../../src/lessons/hp-search/search';

export const CASES: GoldenCase[] = [
  // lesson 06: hyperparameter search (CIFAR-10; in this process, so the golden backend runs the trials)
  { id: 'hpSearchCoarse', call: 'hpSearch.hpSearch({trials: 3, train: 300, val: 60, epochs: 1, batchSize: 100, jobs: 0, seed: 1}) (CIFAR-10)',
    run: () => hpSearch({ trials: 3, train: 300, val: 60, epochs: 1, batchSize: 100, jobs: 0, seed: 1, progress: false }) },
];
