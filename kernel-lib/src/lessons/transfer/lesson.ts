/** Lesson 10 as data for the registry (lessons/registry.ts). */
import type { LessonDefinition } from '../../core/lesson';
import { TRANSFER_COMMANDS } from './cli';
import { FREEZE_AND_FINE_TUNE } from './homework';
import { showCurve, showDepth, showTable } from './figures';
import { table, TABLE_OPTIONS } from './table';
import { depth, DEPTH_OPTIONS } from './depth';
import { curve, CURVE_OPTIONS } from './curve';
import { trainClassifier, TRAIN_OPTIONS } from './train';
import { LOAD_OPTIONS, loadPretrained, MODEL_ZOO } from './zoo';
import { MODEL_OPTIONS, transferModel } from './strategies';

/** The functions below check their options before their other arguments: the generated test feeds them options alone. */
const NO_MODEL = undefined as never;
/** `nn.transfer.model`'s required options, for the generated test: each bad value it feeds replaces one of them. */
const withRequired = (options: unknown): unknown => (typeof options === 'object' && options !== null && !Array.isArray(options)
  ? { strategy: 'linear', classes: 5, seed: 0, ...options } : options);

export const TRANSFER_LESSON: LessonDefinition = {
  id: 'transfer', number: '10', namespace: 'transfer', title: 'Transfer learning',
  notebook: '10-transfer-learning.ipynb', homework: 'hw10-transfer-learning.ipynb',
  summary: 'transfer learning measured: a model zoo (`nn.transfer.loadPretrained` from a local folder or a URL, cached; `nn.data.saveModel`), training from scratch vs a linear classifier on frozen features vs fine-tuning the top layers vs fine-tuning everything vs an ensemble of linear classifiers on three depths, the lecture\'s 2 × 2 table (small/large × similar/different target data) with every strategy\'s accuracy in every cell, linear classifiers on features from different depths, and a learning curve',
  commands: TRANSFER_COMMANDS,
  exercises: [FREEZE_AND_FINE_TUNE],
  // by record.experiment (the names the records have always carried)
  experiments: {
    table: { run: table, options: TABLE_OPTIONS },
    depth: { run: depth, options: DEPTH_OPTIONS },
    curve: { run: curve, options: CURVE_OPTIONS },
    trainClassifier: { run: (options) => trainClassifier(NO_MODEL, NO_MODEL, options), options: TRAIN_OPTIONS },
    loadPretrained: { run: (options) => loadPretrained(Object.keys(MODEL_ZOO)[0], options), options: LOAD_OPTIONS },
    model: { run: (options) => transferModel(NO_MODEL, withRequired(options) as never), options: MODEL_OPTIONS },
  },
  show: { transferTable: showTable, transferDepth: showDepth, transferCurve: showCurve },
};
