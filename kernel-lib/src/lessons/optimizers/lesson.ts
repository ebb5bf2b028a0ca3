/** Lesson 07 as data for the registry (lessons/registry.ts). Helper B's minimal version: helper A's replaces it at merge. */
import type { LessonDefinition } from '../../core/lesson';
import { HOMEWORK_07 } from './homework';
import { TRAINING_COMMANDS, TRAINING_EXPERIMENTS, TRAINING_SHOW } from './trainingLesson';

export const OPTIMIZERS_LESSON: LessonDefinition = {
  id: 'optimizers', number: '07', namespace: 'optimizers', title: 'Optimizers',
  summary: 'update rules beyond SGD (momentum, Nesterov, AdaGrad, RMSProp, Adam), the lecture\'s two-layer net trained with each, learning-rate schedules, averaging the weights (`nnlab compare-optimizers`, `nnlab schedule`)',
  notebook: '07-optimizers.ipynb', homework: 'hw07-optimizers.ipynb',
  exercises: HOMEWORK_07,
  commands: { ...TRAINING_COMMANDS },
  experiments: { ...TRAINING_EXPERIMENTS },
  show: { ...TRAINING_SHOW },
};
