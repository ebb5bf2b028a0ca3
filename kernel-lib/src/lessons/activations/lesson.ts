/** Lesson 01 as data for the registry (lessons/registry.ts). */
import type { LessonDefinition } from '../../core/lesson';
import { ACTIVATIONS_COMMAND } from './cli';
import { HOMEWORK_01 } from './homework';
import { showFunctionsTable, showSaturation } from './figures';
import { saturation, SATURATION_OPTIONS } from './saturation';
import { functionsTable, TABLE_OPTIONS } from './table';

export const ACTIVATIONS_LESSON: LessonDefinition = {
  id: 'activations', number: '01', namespace: 'activations', title: 'Activation functions',
  summary: 'sigmoid, tanh, ReLU, Leaky ReLU, PReLU, ELU, SELU, Maxout, Swish and GELU with their derivatives; saturation: the local gradient at x = -10, 0, 10 and the vanishing product through a chain of saturated sigmoids (`nnlab activations`)',
  notebook: '01-activations.ipynb', homework: 'hw01-activations.ipynb',
  commands: { activations: ACTIVATIONS_COMMAND },
  exercises: HOMEWORK_01,
  experiments: {
    saturation: { run: saturation, options: SATURATION_OPTIONS },
    functionsTable: { run: functionsTable, options: TABLE_OPTIONS },
  },
  show: { activationSaturation: showSaturation, activationsTable: showFunctionsTable },
};
