/** Lesson 02 as data for the registry (lessons/registry.ts). */
import type { LessonDefinition } from '../../core/lesson';
import { channelStats, CHANNEL_OPTIONS } from './channelStats';
import { PREPROCESS_COMMAND, WHITEN_COMMAND } from './cli';
import { cloud, CLOUD_OPTIONS } from './cloud';
import { showChannelStats, showCloud } from './figures';
import { HOMEWORK_02 } from './homework';

export const PREPROCESSING_LESSON: LessonDefinition = {
  id: 'preprocessing', number: '02', namespace: 'preprocessing', title: 'Data preprocessing',
  summary: 'a correlated 2-D cloud zero-centred, normalised, decorrelated by PCA and whitened (covariance → I); CIFAR-10\'s mean image (AlexNet), channel means (VGG) and channel means and stds (ResNet), fitted on training images only and applied to validation and test images, beside the published numbers (`nnlab whiten`, `nnlab preprocess`)',
  notebook: '02-preprocessing.ipynb', homework: 'hw02-preprocessing.ipynb',
  commands: { whiten: WHITEN_COMMAND, preprocess: PREPROCESS_COMMAND },
  exercises: HOMEWORK_02,
  experiments: {
    cloud: { run: cloud, options: CLOUD_OPTIONS },
    channelStats: { run: channelStats, options: CHANNEL_OPTIONS },
  },
  show: { preprocessingCloud: showCloud, preprocessingChannelStats: showChannelStats },
};
