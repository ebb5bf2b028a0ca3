/** Lesson 01 as data for the registry (lessons/registry.ts). */
import type { LessonDefinition } from '../../core/lesson';
import { ACTIVATIONS_COMMAND, DEAD_RELU_COMMAND, DEPTH_STATS_COMMAND, RACE_COMMAND, ZIGZAG_COMMAND } from './cli';
import { HOMEWORK_01 } from './homework';
import { deadRelu, DEAD_OPTIONS } from './deadRelu';
import { depthStats, DEPTH_OPTIONS } from './depthStats';
import { zigzag, ZIGZAG_OPTIONS } from './zigzag';
import { showDeadRelu, showDepthStats, showFunctionsTable, showRace, showSaturation, showZigzag } from './figures';
import { race, RACE_OPTIONS } from './race';
import { saturation, SATURATION_OPTIONS } from './saturation';
import { functionsTable, TABLE_OPTIONS } from './table';

export const ACTIVATIONS_LESSON: LessonDefinition = {
  id: 'activations', number: '01', namespace: 'activations', title: 'Activation functions',
  summary: 'sigmoid, tanh, ReLU, Leaky ReLU, PReLU, ELU, SELU, Maxout, Swish and GELU with their derivatives; saturation: the local gradient at x = -10, 0, 10 and the vanishing product through a chain of saturated sigmoids; the zig-zag of all-positive inputs; activation statistics across depth with each matching init (SELU self-normalising); dead ReLUs on MNIST; a training race of every activation on one net and seed (`nnlab activations`, `nnlab zigzag`, `nnlab depth-stats`, `nnlab dead-relu`, `nnlab activation-race`)',
  notebook: '01-activations.ipynb', homework: 'hw01-activations.ipynb',
  commands: { activations: ACTIVATIONS_COMMAND, zigzag: ZIGZAG_COMMAND, 'depth-stats': DEPTH_STATS_COMMAND, 'dead-relu': DEAD_RELU_COMMAND, 'activation-race': RACE_COMMAND },
  exercises: HOMEWORK_01,
  experiments: {
    saturation: { run: saturation, options: SATURATION_OPTIONS },
    functionsTable: { run: functionsTable, options: TABLE_OPTIONS },
    zigzag: { run: zigzag, options: ZIGZAG_OPTIONS },
    depthStats: { run: depthStats, options: DEPTH_OPTIONS },
    deadRelu: { run: deadRelu, options: DEAD_OPTIONS },
    race: { run: race, options: RACE_OPTIONS },
  },
  show: { activationSaturation: showSaturation, activationsTable: showFunctionsTable, activationZigzag: showZigzag, activationDepthStats: showDepthStats, activationDeadRelu: showDeadRelu, activationRace: showRace },
};
