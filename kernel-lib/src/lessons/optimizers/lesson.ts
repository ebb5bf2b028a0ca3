/** Lesson 07 as data for the registry (lessons/registry.ts). */
import type { LessonDefinition } from '../../core/lesson';
import { OPTIMIZER_RACE_COMMAND, SECOND_ORDER_COMMAND } from './cli';
import { showOptimizerRace, showSecondOrder } from './figures';
import { HOMEWORK_07 } from './homework';
import { optimizerRace, RACE_OPTIONS } from './race';
import { secondOrder, SECOND_ORDER_OPTIONS } from './secondOrder';
import { TRAINING_COMMANDS, TRAINING_EXPERIMENTS, TRAINING_SHOW } from './trainingLesson';

export const OPTIMIZERS_LESSON: LessonDefinition = {
  id: 'optimizers', number: '07', namespace: 'optimizers', title: 'Optimizers and learning-rate schedules',
  summary: 'the update rules of SGD, momentum (both forms), Nesterov, AdaGrad, RMSProp and Adam (with and without bias correction) as code; a race on 2-D surfaces: SGD zig-zags in an ill-conditioned bowl and stalls at a saddle that momentum leaves, a local minimum, noisy gradients; Newton\'s one step on a quadratic and L-BFGS against Adam, and why an N-parameter net has no N² Hessian; the lecture\'s two-layer net on CIFAR-10 under each optimizer, learning-rate schedules (step, exponential, 1/t, cosine, linear, warmup, SGDR) through the training loop, and an average of the weights (EMA) against the raw ones (`nnlab optimizer-race`, `nnlab second-order`, `nnlab compare-optimizers`, `nnlab schedule`)',
  notebook: '07-optimizers.ipynb', homework: 'hw07-optimizers.ipynb',
  commands: { 'optimizer-race': OPTIMIZER_RACE_COMMAND, 'second-order': SECOND_ORDER_COMMAND, ...TRAINING_COMMANDS },
  exercises: HOMEWORK_07,
  experiments: {
    optimizerRace: { run: optimizerRace, options: RACE_OPTIONS },
    secondOrder: { run: secondOrder, options: SECOND_ORDER_OPTIONS },
    ...TRAINING_EXPERIMENTS,
  },
  show: { optimizersRace: showOptimizerRace, optimizersSecondOrder: showSecondOrder, ...TRAINING_SHOW },
};
