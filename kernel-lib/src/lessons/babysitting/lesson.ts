/** Lesson 05 as data for the registry (lessons/registry.ts). */
import type { LessonDefinition } from '../../core/lesson';
import { LR_CHECK_COMMAND, OVERFIT_COMMAND, SANITY_COMMAND } from './cli';
import { HOMEWORK_05 } from './homework';
import { MONITOR_COMMANDS } from './cliMonitor';
import { MONITOR_EXPERIMENTS, MONITOR_SHOW } from './monitorLesson';
import { showInitialLoss, showLrCheck, showOverfitTiny, showSanityChecks } from './figures';
import { initialLoss, INITIAL_LOSS_OPTIONS, lrCheck, LR_CHECK_OPTIONS, overfitTiny, OVERFIT_OPTIONS, sanityChecks, SANITY_OPTIONS } from './sanity';

export const BABYSITTING_LESSON: LessonDefinition = {
  id: 'babysitting', number: '05', namespace: 'babysitting', title: 'Babysitting the learning process',
  summary: 'the lecture\'s two-layer net on CIFAR-10 checked before a long run: the initial loss is ln 10 (reg 0) and rises with reg 1e3, 20 images are memorised, a tiny learning rate barely moves the loss while a huge one gives NaN and stops the run at once, a large one passes 3 × its first loss; monitoring while training: loss-curve shapes, the train/validation gap, the update/weight ratio per layer, first-layer weights as images (`nnlab sanity-checks`, `nnlab overfit-tiny`, `nnlab lr-check`, `nnlab monitor`)',
  notebook: '05-babysitting.ipynb', homework: 'hw05-babysitting.ipynb',
  exercises: HOMEWORK_05,
  commands: { 'sanity-checks': SANITY_COMMAND, 'overfit-tiny': OVERFIT_COMMAND, 'lr-check': LR_CHECK_COMMAND, ...MONITOR_COMMANDS },
  experiments: {
    initialLoss: { run: initialLoss, options: INITIAL_LOSS_OPTIONS },
    overfitTiny: { run: overfitTiny, options: OVERFIT_OPTIONS },
    lrCheck: { run: lrCheck, options: LR_CHECK_OPTIONS },
    sanityChecks: { run: sanityChecks, options: SANITY_OPTIONS },
    ...MONITOR_EXPERIMENTS,
  },
  show: {
    babysittingInitialLoss: showInitialLoss, babysittingOverfitTiny: showOverfitTiny, babysittingLrCheck: showLrCheck, babysittingSanityChecks: showSanityChecks,
    ...MONITOR_SHOW,
  },
};
