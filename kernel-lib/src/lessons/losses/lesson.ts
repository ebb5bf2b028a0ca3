/** Lesson 12 as data for the registry (lessons/registry.ts). */
import type { LessonDefinition } from '../../core/lesson';
import { GATES_COMMANDS, GATES_EXPERIMENTS, GATES_SHOW } from './gatesLesson';
import { HOMEWORK_12 } from './homework';

export const LOSSES_LESSON: LessonDefinition = {
  id: 'losses', number: '12', namespace: 'losses', title: 'Loss functions and gradient checking',
  summary: 'multiclass hinge, softmax cross-entropy (the max trick), logistic and squared error as float64 functions with their gradients; a computational graph of gates with forward and backward passes; numerical vs analytic gradients',
  notebook: '12-losses-gradcheck.ipynb', homework: 'hw12-losses-gradcheck.ipynb',
  exercises: HOMEWORK_12,
  commands: { ...GATES_COMMANDS },
  experiments: { ...GATES_EXPERIMENTS },
  show: { ...GATES_SHOW },
};
