/** Golden cases of the regularization lesson, part 1: penalties, ensembles, batch-norm noise (see ../golden.ts). */
import type { GoldenCase } from '../golden';
import { regularize } from '../../src/lessons/regularization/penalties';
import { ensemble, snapshotEnsemble } from '../../src/lessons/regularization/ensemble';
import { bnNoise } from '../../src/lessons/regularization/bnNoise';

export const CASES: GoldenCase[] = [
  // lesson 08: regularization
  { id: 'regularizationRegularize', call: "regularization.regularize({penalties: ['l2', 'l1'], lambdas: [1e-3, 10], trainSize: 100, valSize: 100, testSize: 100, steps: 10, batchSize: 25, bins: 11, seed: 1})",
    run: () => regularize({ penalties: ['l2', 'l1'], lambdas: [1e-3, 10], trainSize: 100, valSize: 100, testSize: 100, steps: 10, batchSize: 25, bins: 11, seed: 1 }) },
  { id: 'regularizationEnsemble', call: 'regularization.ensemble({members: 2, trainSize: 200, testSize: 100, steps: 10, batchSize: 50, seed: 1})',
    run: () => ensemble({ members: 2, trainSize: 200, testSize: 100, steps: 10, batchSize: 50, seed: 1 }) },
  { id: 'regularizationSnapshotEnsemble', call: 'regularization.snapshotEnsemble({cycles: 2, trainSize: 200, testSize: 100, steps: 10, batchSize: 50, seed: 1})',
    run: () => snapshotEnsemble({ cycles: 2, trainSize: 200, testSize: 100, steps: 10, batchSize: 50, seed: 1 }) },
  { id: 'regularizationBnNoise', call: 'regularization.bnNoise({trainSize: 32, valSize: 32, epochs: 1, batchSizes: [8, 32], seeds: 1, hiddenSize: 8, seed: 1})',
    run: () => bnNoise({ trainSize: 32, valSize: 32, epochs: 1, batchSizes: [8, 32], seeds: 1, hiddenSize: 8, seed: 1 }) },
];
