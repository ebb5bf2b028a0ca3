/** Lesson 09 as data for the registry (lessons/registry.ts). */
import type { LessonDefinition } from '../../core/lesson';
import { DROPOUT_COMMANDS } from './cli';
import { DROPOUT_TEST_MODE, DROPOUT_TRAIN_MODE } from './homework';
import { showEnsemble, showExpectation, showOverfit, showTfLayersKind } from './figures';
import { expectation, EXPECTATION_OPTIONS } from './expectation';
import { ensemble, ENSEMBLE_OPTIONS } from './ensemble';
import { tfLayersKind, TF_LAYERS_KIND_OPTIONS } from './tfLayersKind';
import { overfit, OVERFIT_OPTIONS } from './overfit';
import { neuronExpectation, NEURON_OPTIONS } from './exact';

export const DROPOUT_LESSON: LessonDefinition = {
  id: 'dropout', number: '09', namespace: 'dropout', title: 'Dropout vs inverted dropout',
  notebook: '09-dropout.ipynb', homework: 'hw09-dropout.ipynb',
  summary: 'dropout masks, vanilla vs inverted dropout, the expectation argument on the lecture\'s neuron, where E[train] = test holds exactly and where it is an approximation (Monte Carlo with standard errors, all 2^16 masks enumerated), dropout as an ensemble, which kind `tf.layers.dropout` is, the MNIST MLP 784-512-512-512-10 with and without dropout',
  commands: DROPOUT_COMMANDS,
  exercises: [DROPOUT_TRAIN_MODE, DROPOUT_TEST_MODE],
  // by public name (nn.dropout.<name>); the records keep their `experiment` strings
  experiments: {
    expectation: { run: expectation, options: EXPECTATION_OPTIONS },
    ensemble: { run: ensemble, options: ENSEMBLE_OPTIONS },
    tfLayersKind: { run: tfLayersKind, options: TF_LAYERS_KIND_OPTIONS },
    overfit: { run: (options) => overfit(options), options: OVERFIT_OPTIONS },
    neuronExpectation: { run: neuronExpectation, options: NEURON_OPTIONS },
  },
  show: {
    dropoutExpectation: showExpectation, dropoutEnsemble: showEnsemble, tfDropoutKind: showTfLayersKind,
    dropoutOverfit: showOverfit,
  },
};
