/**
 * `nn.transfer`: lesson 10, transfer learning. Take a CNN pretrained on a source task (the model
 * zoo), build the lecture's four strategies on it ((a) scratch, (b) a linear classifier on frozen
 * features, (c) fine-tune the top layers, (d) fine-tune everything) and the advice for small,
 * very different data ((e) an ensemble of linear classifiers on three depths), train and score them, and
 * measure the lecture's 2 × 2 table (small/large × similar/very different target data), linear
 * classifiers on features from each depth, and a learning curve.
 *
 * @example
 * const base = await nn.transfer.loadPretrained('mnist-0-4-cnn');
 * const r = await nn.transfer.table({ seed: 1 });
 * nn.transfer.showTable(r);
 */

// the strategies: model surgery on a pretrained tf.LayersModel
export {
  STRATEGIES, STRATEGY_LABELS, ENSEMBLE_LAYERS, buildBaseCnn, reinitialize, weightLayers, setTrainable, weightSnapshot, withNewHead,
  transferModel as model, linearProbe, disposeModel,
} from './strategies';
export type { TransferStrategy, TransferModel, TransferModelOptions } from './strategies';

// training and scoring
export { trainClassifier, accuracy, crossEntropy } from './train';
export type { TrainClassifierOptions, TrainSummary } from './train';

// the tasks and the model zoo
export { TASK_NAMES, TASKS, loadTask } from './tasks';
export type { TransferTaskName, TransferTask, TaskData } from './tasks';
export { MODEL_ZOO, loadPretrained, zooMetadata, pretrain } from './zoo';
export type { ZooEntry, ZooMetadata, LoadPretrainedOptions } from './zoo';

// the experiments, their figures and show functions
export { table, ADVICE, TABLE_DEFAULTS, TABLE_QUICK } from './table';
export type { TableOptions, TableConfig, TableCell, TableRecord } from './table';
export { depth, DEPTH_DEFAULTS, DEPTH_QUICK } from './depth';
export type { DepthOptions, DepthConfig, DepthRecord } from './depth';
export { curve, CURVE_DEFAULTS, CURVE_QUICK } from './curve';
export type { CurveOptions, CurveConfig, CurveRecord } from './curve';
export type { TransferSources, TransferRunOptions } from './plan';
export { tableFigure, showTable, depthFigure, showDepth, curveFigure, showCurve, showAdvice } from './figures';
