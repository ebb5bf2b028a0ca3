/** Lesson 03 as data for the registry (lessons/registry.ts). */
import type { LessonDefinition } from '../../core/lesson';
import { INIT_STATS_COMMAND } from './cli';
import { HE_INIT, XAVIER_INIT } from './homework';
import { INIT_EXPERIMENT, LAYER_STDS } from './homeworkStats';
import { stats, STATS_OPTIONS } from './stats';
import { grid, GRID_OPTIONS } from './grid';
import { training, TRAINING_OPTIONS } from './training';
import { showGrid, showStats, showTraining } from './figures';

export const WEIGHT_INIT_LESSON: LessonDefinition = {
  id: 'weight-init', number: '03', namespace: 'weightInit', title: 'Weight initialization',
  summary: 'the activation statistics experiment: per-layer mean, std and histograms of a deep net under W = 0, small, large, Xavier, Glorot and He inits with tanh and ReLU (the lecture\'s setups A and B), the gradients on the backward pass, loss curves of the same MLP under each init, which init for which activation (`nnlab init-stats`)',
  notebook: '03-weight-init.ipynb', homework: 'hw03-weight-init.ipynb',
  commands: { 'init-stats': INIT_STATS_COMMAND },
  exercises: [XAVIER_INIT, HE_INIT, LAYER_STDS, INIT_EXPERIMENT],
  // keyed by record.experiment, which keeps its pre-namespace name
  experiments: {
    stats: { run: stats, options: STATS_OPTIONS },
    grid: { run: grid, options: GRID_OPTIONS },
    training: { run: training, options: TRAINING_OPTIONS },
  },
  show: { initStats: showStats, initStatsGrid: showGrid, initTraining: showTraining },
};
