/**
 * TEMPORARY (partner clone copy-b): a minimal lesson 11 definition so the training part compiles
 * and runs alone. The owner's lesson.ts replaces this file at merge; it spreads the same three
 * exports (TRAINING_EXPERIMENTS, TRAINING_SHOW, TRAINING_COMMANDS) and HOMEWORK_11.
 */
import type { LessonDefinition } from '../../core/lesson';
import { HOMEWORK_11 } from './homework';
import { TRAINING_COMMANDS, TRAINING_EXPERIMENTS, TRAINING_SHOW } from './trainingLesson';

export const CNN_BASICS_LESSON: LessonDefinition = {
  id: 'cnn-basics', number: '11', namespace: 'cnn', title: 'CNN basics',
  summary: 'convolution by hand, output sizes, pooling, receptive fields; an MLP vs a small CNN on MNIST and the lecture\'s CIFAR-10 CNN trained with flips and crops: learned filters, confusion matrix, misclassified images (`nnlab cifar-cnn`)',
  notebook: '11-cnn-basics.ipynb', homework: 'hw11-cnn-basics.ipynb',
  exercises: HOMEWORK_11,
  commands: { ...TRAINING_COMMANDS },
  experiments: { ...TRAINING_EXPERIMENTS },
  show: { ...TRAINING_SHOW },
};
