/**
 * TEMPORARY (helper d's clone): lesson 12 as data for the registry, with the gates part only. The
 * owner's lesson.ts replaces this file at merge; it spreads GATES_EXPERIMENTS, GATES_SHOW,
 * GATES_COMMANDS and HOMEWORK_12 the same way.
 */
import type { LessonDefinition } from '../../core/lesson';
import { GATES_COMMANDS, GATES_EXPERIMENTS, GATES_SHOW } from './gatesLesson';
import { HOMEWORK_12 } from './homework';

export const LOSSES_LESSON: LessonDefinition = {
  id: 'losses', number: '12', namespace: 'losses', title: 'Loss functions and gradient checking',
  summary: 'a computational-graph API of gates in float64 (add, multiply, max, affine, ReLU, sigmoid, tanh, softmax cross-entropy, hinge, batch norm, dropout, conv, max pool), the lecture\'s circuits with their values and gradients, every gate checked against centred differences in float64 and the float32 contrast (`nnlab gradcheck`)',
  notebook: '12-losses-gradcheck.ipynb', homework: 'hw12-losses-gradcheck.ipynb',
  exercises: HOMEWORK_12,
  commands: { ...GATES_COMMANDS },
  experiments: { ...GATES_EXPERIMENTS },
  show: { ...GATES_SHOW },
};
