/** Lesson 11 as data for the registry (lessons/registry.ts). The training half is spread in from trainingLesson.ts. */
import type { LessonDefinition } from '../../core/lesson';
import { BY_HAND_OPTIONS, convByHand } from './byHand';
import { CNN_COMMANDS } from './cli';
import { showClassicFilters, showConvByHand, showConvSizes, showPooling, showReceptiveField } from './figures';
import { classicFilters, FILTERS_OPTIONS } from './filters';
import { HOMEWORK_11 } from './homework';
import { pooling, POOLING_OPTIONS } from './pooling';
import { receptiveField, RF_OPTIONS } from './receptiveField';
import { convSizes, SIZES_OPTIONS } from './sizes';
import { TRAINING_COMMANDS, TRAINING_EXPERIMENTS, TRAINING_SHOW } from './trainingLesson';

export const CNN_BASICS_LESSON: LessonDefinition = {
  id: 'cnn-basics', number: '11', namespace: 'cnn', title: 'CNN basics',
  summary: 'convolution by hand on a 6×6 integer image (the window, the products and the running sum of one output cell; stride, zero padding, 2 channels in and out, the flipped kernel; checked against tf.conv2d), classic filters (Sobel, sharpen, box blur) on a real CIFAR-10 image, the output size ⌊(W − F + 2P)/S⌋ + 1 with the lecture\'s examples and a per-layer table of shapes and parameters checked against tf.layers (the lecture\'s CIFAR-10 CNN: 1,345,066), dense vs conv parameters, max and average pooling, the receptive field computed by its recurrence and measured by gradient; the lecture\'s MNIST MLP (932,362 weights) vs a small CNN, and the lecture\'s CIFAR-10 CNN trained on the wasm floor with flips and crops: learning curves, learned first-layer filters next to the classic ones, a confusion matrix and misclassified images',
  notebook: '11-cnn-basics.ipynb', homework: 'hw11-cnn-basics.ipynb',
  exercises: HOMEWORK_11,
  commands: { ...CNN_COMMANDS, ...TRAINING_COMMANDS },
  experiments: {
    convByHand: { run: convByHand, options: BY_HAND_OPTIONS },
    classicFilters: { run: classicFilters, options: FILTERS_OPTIONS },
    convSizes: { run: convSizes, options: SIZES_OPTIONS },
    pooling: { run: pooling, options: POOLING_OPTIONS },
    receptiveField: { run: receptiveField, options: RF_OPTIONS },
    ...TRAINING_EXPERIMENTS,
  },
  show: {
    cnnConvByHand: showConvByHand, cnnClassicFilters: showClassicFilters, cnnConvSizes: showConvSizes, cnnPooling: showPooling, cnnReceptiveField: showReceptiveField,
    ...TRAINING_SHOW,
  },
};
