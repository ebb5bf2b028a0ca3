/** Lesson 11 as data for the registry (lessons/registry.ts). */
import type { LessonDefinition } from '../../core/lesson';
import { HOMEWORK_11 } from './homework';
import { TRAINING_COMMANDS, TRAINING_EXPERIMENTS, TRAINING_SHOW } from './trainingLesson';

export const CNN_BASICS_LESSON: LessonDefinition = {
  id: 'cnn-basics', number: '11', namespace: 'cnn', title: 'CNN basics',
  summary: 'convolution by hand on a 6×6 integer image (window, products, running sum; stride, padding, channels; checked against tf.conv2d), classic filters on a real image, output sizes and parameter counts per layer checked against tf.layers, pooling, the receptive field computed and measured by gradient',
  notebook: '11-cnn-basics.ipynb', homework: 'hw11-cnn-basics.ipynb',
  exercises: HOMEWORK_11,
  commands: { ...TRAINING_COMMANDS },
  experiments: { ...TRAINING_EXPERIMENTS },
  show: { ...TRAINING_SHOW },
};
