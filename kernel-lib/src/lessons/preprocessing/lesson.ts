/**
 * Lesson 02 as data for the registry (lessons/registry.ts). Part C's entries (zero-mean inputs,
 * the sensitivity picture, PCA on CIFAR-10); the lesson's other parts add theirs here.
 */
import type { LessonDefinition } from '../../core/lesson';
import { sensitivity, SENSITIVITY_OPTIONS, zeroMean, ZERO_MEAN_OPTIONS } from './centering';
import { PCA_COMMAND, ZERO_MEAN_COMMAND } from './cliCentering';
import { showPcaCifar, showSensitivity, showZeroMean } from './figuresCentering';
import { pcaCifar, PCA_OPTIONS } from './pca';

export const PREPROCESSING_LESSON: LessonDefinition = {
  id: 'preprocessing', number: '02', namespace: 'preprocessing', title: 'Data preprocessing',
  summary: 'why zero-mean inputs matter: one linear classifier on raw vs centred CIFAR-10 pixels (the zig-zag of all-positive inputs, measured in the weight gradients) and the loss\'s sensitivity to a tiny weight change far from the origin; PCA of CIFAR-10: variance kept and reconstructions at k components (`nnlab zero-mean`, `nnlab pca`)',
  notebook: '02-preprocessing.ipynb', homework: null,
  commands: { 'zero-mean': ZERO_MEAN_COMMAND, pca: PCA_COMMAND },
  exercises: [],
  experiments: {
    zeroMean: { run: zeroMean, options: ZERO_MEAN_OPTIONS },
    sensitivity: { run: sensitivity, options: SENSITIVITY_OPTIONS },
    pcaCifar: { run: pcaCifar, options: PCA_OPTIONS },
  },
  show: { preprocessingZeroMean: showZeroMean, preprocessingSensitivity: showSensitivity, preprocessingPca: showPcaCifar },
};
