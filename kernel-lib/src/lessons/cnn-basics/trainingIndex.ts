/**
 * The public names of lesson 11's training part (`nn.cnn.cifarCnn`, ...): the lesson's index.ts
 * re-exports them with `export * from './trainingIndex';`.
 *
 * - experiments: `mlpVsCnn` (the lecture's MNIST MLP vs a small CNN with fewer weights),
 *   `cifarCnn` (the lecture's CIFAR-10 CNN with flips and crops: curves, confusion matrix,
 *   misclassified images, first-layer filters); the small MNIST CNN `mnistCnnModel`;
 * - helpers: `fitLayers` (a tf.layers model through THE loop), `predictClasses`, `confusionMatrix`,
 *   `parameterCounts`, `learnedFilter`;
 * - figures: `mlpVsCnnFigure`, `showMlpVsCnn`, `cifarCurvesFigure`, `confusionFigure`, `showConfusion`,
 *   `learnedFiltersHtml`, `showLearnedFilters`, `misclassifiedHtml`, `showMisclassified`, `showCifarCnn`;
 * - homework 11's checks and their references: `HOMEWORK_11`, `convVariant`, `makeConvCase`, `SIZE_MISTAKES`.
 */
export { mlpVsCnn, mnistCnnModel, MLP_VS_CNN_DEFAULTS, MLP_VS_CNN_MODELS, MLP_VS_CNN_QUICK, MNIST_CNN_PARAMETERS } from './mlpVsCnn';
export type { MlpVsCnnOptions, MlpVsCnnRecord, MlpVsCnnRun, TrainingSource } from './mlpVsCnn';
export { cifarCnn, confusionMatrix, CIFAR_CNN_DEFAULTS, CIFAR_CNN_QUICK } from './cifarCnn';
export type { CifarCnnOptions, CifarCnnRecord, Misclassified } from './cifarCnn';
export { accuracy, calibrateBatchNorm, drawSplits, fitLayers, parameterCounts, predictClasses } from './fit';
export type { DrawnSplits, FitEpoch, FitOptions, FitResult } from './fit';
export {
  cifarCnnRows, cifarCnnText, cifarCurvesFigure, confusionFigure, learnedFilter, learnedFiltersHtml, misclassifiedHtml, mlpVsCnnFigure, mlpVsCnnRows,
  showCifarCnn, showConfusion, showLearnedFilters, showMisclassified, showMlpVsCnn,
} from './figuresTraining';
export type { NamedKernel } from './figuresTraining';
export { CONV_DESIGNS, CONV_FORWARD, CONV_OUTPUT_SIZE, convHint, convVariant, HINTS_11, HOMEWORK_11, makeConvCase, SIZE_EXAMPLES, SIZE_MISTAKES, sizeGrid } from './homework';
export type { ConvCase, ConvVariant } from './homework';
