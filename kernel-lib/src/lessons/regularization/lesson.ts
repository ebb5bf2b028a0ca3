/** Lesson 08 as data for the registry (lessons/registry.ts). */
import type { LessonDefinition } from '../../core/lesson';
import { AUGMENT_COMMANDS, AUGMENT_EXPERIMENTS, AUGMENT_SHOW } from './augmentLesson';
import { bnNoise, BN_NOISE_OPTIONS } from './bnNoise';
import { BN_NOISE_COMMAND, ENSEMBLE_COMMAND, REGULARIZE_COMMAND } from './cli';
import { ensemble, ENSEMBLE_OPTIONS, snapshotEnsemble, SNAPSHOT_OPTIONS } from './ensemble';
import { showBnNoise, showEnsemble, showRegularize, showSnapshotEnsemble } from './figures';
import { HOMEWORK_08 } from './homework';
import { regularize, REGULARIZE_OPTIONS } from './penalties';

export const REGULARIZATION_LESSON: LessonDefinition = {
  id: 'regularization', number: '08', namespace: 'regularization', title: 'Regularization: penalties, augmentation and ensembles',
  summary: 'L2, L1 and elastic-net penalties swept over λ on a two-layer net that overfits 500 CIFAR-10 rows (λ chosen on validation, the test rows read once; L1 pushes weights to zero, L2 keeps them small), data augmentation as seeded tfjs ops on whole batches (flip, crop and scale, colour jitter, translation, rotation, cutout; test-time averaging) shown on real images, timed, and its effect on a small CNN\'s train/val gap, ensembles of independently trained nets and snapshot ensembles of one cyclic run vs one model, batch norm\'s batch noise as a regulariser, a pointer to dropout (`nnlab regularize`, `nnlab augment`, `nnlab ensemble`, `nnlab bn-noise`)',
  notebook: '08-regularization.ipynb', homework: 'hw08-regularization.ipynb',
  exercises: HOMEWORK_08,
  commands: { regularize: REGULARIZE_COMMAND, ensemble: ENSEMBLE_COMMAND, 'bn-noise': BN_NOISE_COMMAND, ...AUGMENT_COMMANDS },
  experiments: {
    regularize: { run: regularize, options: REGULARIZE_OPTIONS },
    ensemble: { run: ensemble, options: ENSEMBLE_OPTIONS },
    snapshotEnsemble: { run: snapshotEnsemble, options: SNAPSHOT_OPTIONS },
    bnNoise: { run: bnNoise, options: BN_NOISE_OPTIONS },
    ...AUGMENT_EXPERIMENTS,
  },
  show: {
    regularizationRegularize: showRegularize, regularizationEnsemble: showEnsemble,
    regularizationSnapshotEnsemble: showSnapshotEnsemble, regularizationBnNoise: showBnNoise,
    ...AUGMENT_SHOW,
  },
};
