/** Lesson 04 as data for the registry (lessons/registry.ts). */
import type { LessonDefinition } from '../../core/lesson';
import { BATCHNORM_COMMANDS } from './cli';
import { BATCH_NORM_TEST_MODE, BATCH_NORM_TRAIN_MODE } from './homework';
import { showBatchNormFold, showBatchNormIdentity, showBatchNormRunning, showBatchNormStats, showNormComparison } from './figures';
import { batchNormStats, BATCH_NORM_STATS_OPTIONS } from './stats';
import { batchNormIdentity, BATCH_NORM_IDENTITY_OPTIONS } from './identity';
import { batchNormRunning, BATCH_NORM_RUNNING_OPTIONS } from './running';
import { batchNormFold, BATCH_NORM_FOLD_OPTIONS } from './fold';
import { batchNormModeBug, BATCH_NORM_MODE_BUG_OPTIONS } from './modeBug';
import { batchNormRescue, BATCH_NORM_RESCUE_OPTIONS } from './rescue';
import { batchNormLearningRates, BATCH_NORM_LEARNING_RATES_OPTIONS } from './learningRates';
import { normComparison, NORM_COMPARISON_OPTIONS } from './normComparison';
import { showBatchNormLearningRates, showBatchNormModeBug, showBatchNormRescue } from './trainingFigures';

export const BATCH_NORM_LESSON: LessonDefinition = {
  id: 'batch-norm', number: '04', namespace: 'batchNorm', title: 'Batch normalization',
  summary: 'batch normalization in training and test mode: the algorithm step by step, γ and β, running averages, the mode bug, folding into the layer before, spatial BN, rescue from a bad init, larger learning rates, layer and group norm',
  notebook: '04-batchnorm.ipynb', homework: 'hw04-batchnorm.ipynb',
  commands: BATCHNORM_COMMANDS,
  exercises: [BATCH_NORM_TRAIN_MODE, BATCH_NORM_TEST_MODE],
  // nn.show(record) by record.experiment: the same functions as nn.batchNorm.show<Experiment>
  experiments: {
    stats: { run: batchNormStats, options: BATCH_NORM_STATS_OPTIONS },
    identity: { run: batchNormIdentity, options: BATCH_NORM_IDENTITY_OPTIONS },
    running: { run: batchNormRunning, options: BATCH_NORM_RUNNING_OPTIONS },
    fold: { run: batchNormFold, options: BATCH_NORM_FOLD_OPTIONS },
    modeBug: { run: batchNormModeBug, options: BATCH_NORM_MODE_BUG_OPTIONS },
    rescue: { run: batchNormRescue, options: BATCH_NORM_RESCUE_OPTIONS },
    learningRates: { run: batchNormLearningRates, options: BATCH_NORM_LEARNING_RATES_OPTIONS },
    normComparison: { run: normComparison, options: NORM_COMPARISON_OPTIONS },
  },
  show: {
    batchNormStats: showBatchNormStats, batchNormIdentity: showBatchNormIdentity, batchNormRunning: showBatchNormRunning,
    batchNormFold: showBatchNormFold, batchNormModeBug: showBatchNormModeBug, batchNormRescue: showBatchNormRescue,
    batchNormLearningRates: showBatchNormLearningRates, normComparison: showNormComparison,
  },
};
