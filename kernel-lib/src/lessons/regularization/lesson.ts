/** Lesson 08 as data for the registry (lessons/registry.ts). Minimal version of helper D's clone: the lead keeps helper C's. */
import type { LessonDefinition } from '../../core/lesson';
import { AUGMENT_COMMANDS, AUGMENT_EXPERIMENTS, AUGMENT_SHOW } from './augmentLesson';
import { HOMEWORK_08 } from './homework';

export const REGULARIZATION_LESSON: LessonDefinition = {
  id: 'regularization', number: '08', namespace: 'regularization', title: 'Regularization',
  summary: 'data augmentation as tfjs ops on a batch (flip, crop, colour jitter, translation, rotation, cutout), what it costs per batch, and the small CNN trained with and without it: the train/validation gap (`nnlab augment`)',
  notebook: '08-regularization.ipynb', homework: 'hw08-regularization.ipynb',
  exercises: HOMEWORK_08,
  commands: { ...AUGMENT_COMMANDS },
  experiments: { ...AUGMENT_EXPERIMENTS },
  show: { ...AUGMENT_SHOW },
};
