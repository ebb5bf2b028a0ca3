/** Lesson 10 as data for the registry (lessons/registry.ts). */
import type { LessonDefinition } from '../../core/lesson';
import { TRANSFER_COMMANDS } from './cli';
import { FREEZE_AND_FINE_TUNE } from './homework';
import { showCurve, showDepth, showTable } from './figures';

export const TRANSFER_LESSON: LessonDefinition = {
  id: 'transfer', number: '10', namespace: 'transfer', title: 'Transfer learning',
  notebook: '10-transfer-learning.ipynb', homework: 'hw10-transfer-learning.ipynb',
  summary: 'transfer learning measured: a model zoo (`nn.transfer.loadPretrained` from a local folder or a URL, cached; `nn.data.saveModel`), training from scratch vs a linear classifier on frozen features vs fine-tuning the top layers vs fine-tuning everything vs an ensemble of linear classifiers on three depths, the lecture\'s 2 × 2 table (small/large × similar/different target data) with every strategy\'s accuracy in every cell, linear classifiers on features from different depths, and a learning curve',
  commands: TRANSFER_COMMANDS,
  exercises: [FREEZE_AND_FINE_TUNE],
  // by record.experiment (the names the records have always carried)
  experiments: {},
  show: { transferTable: showTable, transferDepth: showDepth, transferCurve: showCurve },
};
