/** Golden cases of the dropout lesson (see ../golden.ts). The ids (file names) keep the old experiment names. */
import type { GoldenCase } from '../golden';
import { expectation } from '../../src/lessons/dropout/expectation';
import { ensemble } from '../../src/lessons/dropout/ensemble';
import { tfLayersKind } from '../../src/lessons/dropout/tfLayersKind';
import { overfit, OVERFIT_QUICK } from '../../src/lessons/dropout/overfit';

export const CASES: GoldenCase[] = [
  // lesson 09: dropout
  { id: 'dropoutExpectation', call: 'dropout.expectation({samples: 2000, seed: 1})', run: () => expectation({ samples: 2000, seed: 1 }) },
  { id: 'cli-dropout', call: 'nnlab dropout: dropout.expectation({}) (20,000 masks, seed 0)', run: () => expectation({}) },
  { id: 'dropoutEnsemble', call: 'dropout.ensemble({ks: [1, 2, 4, ..., 256], repeats: 4, seed: 1})',
    run: () => ensemble({ ks: [1, 2, 4, 8, 16, 32, 64, 128, 256], repeats: 4, seed: 1 }) },
  { id: 'tfDropoutKind', call: 'dropout.tfLayersKind({seed: 1})', run: () => tfLayersKind({ seed: 1 }) },
  { id: 'dropoutOverfit', call: 'dropout.overfit({sizes: [784, 32, 32, 32, 10], trainSize: 300, valSize: 100, epochs: 2, batchSize: 50, ps: [1, 0.5], seed: 1}) (MNIST)',
    run: () => overfit({ sizes: [784, 32, 32, 32, 10], trainSize: 300, valSize: 100, epochs: 2, batchSize: 50, ps: [1, 0.5], seed: 1 }) },
  { id: 'cli-dropout-overfit-quick', call: 'nnlab dropout-overfit --quick: dropout.overfit(OVERFIT_QUICK) (1,000 / 500 MNIST images, 3 epochs, seed 0)',
    run: () => overfit({ ...OVERFIT_QUICK }) },
];
