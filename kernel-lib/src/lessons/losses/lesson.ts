/** Lesson 12 as data for the registry (lessons/registry.ts). */
import type { LessonDefinition } from '../../core/lesson';
import { GRAD_H_COMMAND, LOSSES_COMMAND } from './cli';
import { showGradErrorVsH, showKinks, showLossShapes, showMseVsCe } from './figures';
import { GATES_COMMANDS, GATES_EXPERIMENTS, GATES_SHOW } from './gatesLesson';
import { gradErrorVsH, GRAD_H_OPTIONS, kinks, KINKS_OPTIONS } from './gradNumerics';
import { HOMEWORK_12 } from './homework';
import { lossShapes, LOSS_SHAPES_OPTIONS } from './lossShapes';
import { mseVsCe, MSE_VS_CE_OPTIONS } from './mseVsCe';

export const LOSSES_LESSON: LessonDefinition = {
  id: 'losses', number: '12', namespace: 'losses', title: 'Loss functions and gradient checking',
  summary: 'multiclass hinge with L2, softmax cross-entropy (the max trick), logistic and squared error as float64 functions with their gradients, plotted against the correct class\'s score, on the worked cat/car/frog example and with their sanity values at initialisation; why squared error on softmax outputs trains poorly (its gradient vanishes when the net is confidently wrong: measured, and the same net trained both ways); a computational-graph API of thirteen float64 gates (add, multiply, max, affine, ReLU, sigmoid, tanh, softmax cross-entropy, hinge, batch norm, inverted dropout, conv, max pool) each with forward and backward, the lecture\'s circuits drawn with their values and gradients (add distributes, multiply swaps, max routes), every gate checked against centred differences; numerical vs analytic gradients: the relative error, error against h in float64 and float32 (best h near ∛ε, float32 tolerances), kinks as false alarms (`nnlab losses`, `nnlab grad-h`, `nnlab gradcheck`)',
  notebook: '12-losses-gradcheck.ipynb', homework: 'hw12-losses-gradcheck.ipynb',
  exercises: HOMEWORK_12,
  commands: { losses: LOSSES_COMMAND, 'grad-h': GRAD_H_COMMAND, ...GATES_COMMANDS },
  experiments: {
    lossShapes: { run: lossShapes, options: LOSS_SHAPES_OPTIONS },
    mseVsCe: { run: mseVsCe, options: MSE_VS_CE_OPTIONS },
    gradErrorVsH: { run: gradErrorVsH, options: GRAD_H_OPTIONS },
    kinks: { run: kinks, options: KINKS_OPTIONS },
    ...GATES_EXPERIMENTS,
  },
  show: {
    lossesLossShapes: showLossShapes, lossesMseVsCe: showMseVsCe, lossesGradErrorVsH: showGradErrorVsH, lossesKinks: showKinks,
    ...GATES_SHOW,
  },
};
