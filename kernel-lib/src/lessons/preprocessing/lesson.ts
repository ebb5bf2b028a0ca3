/** Lesson 02 as data for the registry (lessons/registry.ts). */
import type { LessonDefinition } from '../../core/lesson';
import { channelStats, CHANNEL_OPTIONS } from './channelStats';
import { PREPROCESS_COMMAND, WHITEN_COMMAND } from './cli';
import { cloud, CLOUD_OPTIONS } from './cloud';
import { showChannelStats, showCloud } from './figures';
import { sensitivity, SENSITIVITY_OPTIONS, zeroMean, ZERO_MEAN_OPTIONS } from './centering';
import { PCA_COMMAND, ZERO_MEAN_COMMAND } from './cliCentering';
import { showPcaCifar, showSensitivity, showZeroMean } from './figuresCentering';
import { pcaCifar, PCA_OPTIONS } from './pca';
import { HOMEWORK_02 } from './homework';

export const PREPROCESSING_LESSON: LessonDefinition = {
  id: 'preprocessing', number: '02', namespace: 'preprocessing', title: 'Data preprocessing',
  summary: 'a correlated 2-D cloud zero-centred, normalised, decorrelated by PCA and whitened (covariance → I); CIFAR-10\'s mean image (AlexNet), channel means (VGG) and channel means and stds (ResNet), fitted on training images only and applied to validation and test images, beside the published numbers; why zero-mean inputs matter: one linear classifier on raw vs centred pixels and the loss\'s sensitivity far from the origin; PCA of CIFAR-10: variance kept and reconstructions (`nnlab whiten`, `nnlab preprocess`, `nnlab zero-mean`, `nnlab pca`)',
  notebook: '02-preprocessing.ipynb', homework: 'hw02-preprocessing.ipynb',
  commands: { whiten: WHITEN_COMMAND, preprocess: PREPROCESS_COMMAND, 'zero-mean': ZERO_MEAN_COMMAND, pca: PCA_COMMAND },
  exercises: HOMEWORK_02,
  experiments: {
    cloud: { run: cloud, options: CLOUD_OPTIONS },
    channelStats: { run: channelStats, options: CHANNEL_OPTIONS },
    zeroMean: { run: zeroMean, options: ZERO_MEAN_OPTIONS },
    sensitivity: { run: sensitivity, options: SENSITIVITY_OPTIONS },
    pcaCifar: { run: pcaCifar, options: PCA_OPTIONS },
  },
  show: {
    preprocessingCloud: showCloud, preprocessingChannelStats: showChannelStats,
    preprocessingZeroMean: showZeroMean, preprocessingSensitivity: showSensitivity, preprocessingPca: showPcaCifar,
  },
};
