/** Lesson 04 as data for the registry (lessons/registry.ts). */
import type { LessonDefinition } from '../../core/lesson';
import { BATCHNORM_COMMANDS } from './cli';
import { BATCH_NORM_TEST_MODE, BATCH_NORM_TRAIN_MODE } from './homework';
import { showBatchNormFold, showBatchNormIdentity, showBatchNormRunning, showBatchNormStats, showNormComparison } from './figures';
import { showBatchNormLearningRates, showBatchNormModeBug, showBatchNormRescue } from './trainingFigures';

export const BATCH_NORM_LESSON: LessonDefinition = {
  id: 'batch-norm', number: '04', namespace: 'batchNorm', title: 'Batch normalization',
  summary: 'batch normalization in training and test mode: the algorithm step by step, γ and β, running averages, the mode bug, folding into the layer before, spatial BN, rescue from a bad init, larger learning rates, layer and group norm',
  notebook: '04-batchnorm.ipynb', homework: 'hw04-batchnorm.ipynb',
  commands: BATCHNORM_COMMANDS,
  exercises: [BATCH_NORM_TRAIN_MODE, BATCH_NORM_TEST_MODE],
  // nn.show(record) by record.experiment: the same functions as nn.batchNorm.show<Experiment>
  experiments: {},
  show: {
    batchNormStats: showBatchNormStats, batchNormIdentity: showBatchNormIdentity, batchNormRunning: showBatchNormRunning,
    batchNormFold: showBatchNormFold, batchNormModeBug: showBatchNormModeBug, batchNormRescue: showBatchNormRescue,
    batchNormLearningRates: showBatchNormLearningRates, normComparison: showNormComparison,
  },
};
