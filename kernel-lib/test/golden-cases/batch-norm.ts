/**
 * Golden cases of the batch-norm lesson (see ../golden.ts). `call` names the public call
 * (nn.batchNorm.stats); `run` the source function, named like the record's `experiment` (batchNormStats).
 */
import type { GoldenCase } from '../golden';
import { batchNormStats } from '../../src/lessons/batch-norm/stats';
import { batchNormIdentity } from '../../src/lessons/batch-norm/identity';
import { batchNormRunning } from '../../src/lessons/batch-norm/running';
import { batchNormFold } from '../../src/lessons/batch-norm/fold';
import { BATCH_NORM_MODE_BUG_QUICK, batchNormModeBug } from '../../src/lessons/batch-norm/modeBug';
import { BATCH_NORM_RESCUE_QUICK, batchNormRescue } from '../../src/lessons/batch-norm/rescue';
import { BATCH_NORM_LEARNING_RATES_QUICK, batchNormLearningRates } from '../../src/lessons/batch-norm/learningRates';
import { normComparison } from '../../src/lessons/batch-norm/normComparison';

export const CASES: GoldenCase[] = [
  // lesson 04: batch normalization
  { id: 'batchNormStats', call: 'batchNorm.stats({seed: 1})', run: () => batchNormStats({ seed: 1 }) },
  { id: 'cli-batchnorm', call: "nnlab batchnorm: batchNorm.stats({mode: 'both'}) (seed 0)", run: () => batchNormStats({ mode: 'both' }) },
  { id: 'batchNormIdentity', call: 'batchNorm.identity({seed: 1})', run: () => batchNormIdentity({ seed: 1 }) },
  { id: 'batchNormRunning', call: 'batchNorm.running({seed: 1})', run: () => batchNormRunning({ seed: 1 }) },
  { id: 'batchNormFold', call: 'batchNorm.fold({seed: 1})', run: () => batchNormFold({ seed: 1 }) },
  { id: 'cli-batchnorm-fold', call: 'nnlab batchnorm-fold: batchNorm.fold({}) (seed 0)', run: () => batchNormFold({}) },
  { id: 'batchNormModeBug', call: 'batchNorm.modeBug({...MODE_BUG_QUICK (steps: 100), seed: 1})',
    run: () => batchNormModeBug({ ...BATCH_NORM_MODE_BUG_QUICK, seed: 1 }) },
  { id: 'batchNormRescue', call: 'batchNorm.rescue({...RESCUE_QUICK (depth: 5, steps: 80), seed: 1})',
    run: () => batchNormRescue({ ...BATCH_NORM_RESCUE_QUICK, seed: 1 }) },
  { id: 'batchNormLearningRates', call: 'batchNorm.learningRates({...LEARNING_RATES_QUICK (lrs: [0.01, 0.3, 3], depth: 4, steps: 60), seed: 1})',
    run: () => batchNormLearningRates({ ...BATCH_NORM_LEARNING_RATES_QUICK, seed: 1 }) },
  { id: 'normComparison', call: 'batchNorm.normComparison({seed: 1})', run: () => normComparison({ seed: 1 }) },
];
