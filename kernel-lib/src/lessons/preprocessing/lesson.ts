/** Lesson 02 as data for the registry (lessons/registry.ts). Minimal: the homework's exercises; the lesson's experiments merge in here. */
import type { LessonDefinition } from '../../core/lesson';
import { HOMEWORK_02 } from './homework';

export const PREPROCESSING_LESSON: LessonDefinition = {
  id: 'preprocessing', number: '02', namespace: 'preprocessing', title: 'Data preprocessing',
  summary: 'zero-centring, normalising by the std, PCA and whitening of a 2-D point cloud; per-channel normalisation of images fitted on the training set',
  notebook: '02-preprocessing.ipynb', homework: 'hw02-preprocessing.ipynb',
  commands: {},
  exercises: HOMEWORK_02,
  experiments: {},
  show: {},
};
