/**
 * Lesson 05 as data for the registry (lessons/registry.ts). A minimal stand-in written with the
 * homework: the lead's lesson.ts (experiments, commands, figures) replaces it; keep `exercises`.
 */
import type { LessonDefinition } from '../../core/lesson';
import { HOMEWORK_05 } from './homework';

export const BABYSITTING_LESSON: LessonDefinition = {
  id: 'babysitting', number: '05', namespace: null, title: 'Babysitting the learning process',
  summary: 'the sanity checks of a training run (initial loss ln 10, overfitting a tiny subset, learning rates too small and too large) and what the loss curve, the train/validation gap, the update/weight ratio and the first-layer weights say while it trains',
  notebook: '05-babysitting.ipynb', homework: 'hw05-babysitting.ipynb',
  commands: {}, exercises: HOMEWORK_05, experiments: {}, show: {},
};
