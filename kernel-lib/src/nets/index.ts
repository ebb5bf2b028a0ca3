/**
 * `nn.nets`: the explicit-weights building blocks the lessons share: the lecture's weight inits
 * (zeros, small, large, Xavier, Glorot, He) with their fan-in / fan-out, activations and their
 * derivatives, dense layers with a forward and a backward pass, the update rules of lesson 07 (SGD,
 * both momentum forms, Nesterov, AdaGrad, RMSProp, Adam, AdamW; `createOptimizer`; float64
 * references `step64`), learning-rate schedules (`makeSchedule`) and THE training loop every lesson
 * uses (`train`, with a `schedule` option); symmetric eigen-decompositions for PCA and whitening
 * (`symmetricEigen`, `topEigen`).
 */
export { INITS, INIT_SCALES, initStd, initValues, initWeights, fanIn, fanOut, zeros, small, large, xavier, glorot, he } from './init';
export type { InitName } from './init';
export {
  ACTIVATIONS, LEAKY_RELU_ALPHA, SELU_ALPHA, SELU_LAMBDA, activate, activationGrad, denseForward, denseBackward,
} from './layers';
export type { ActivationName, DenseCache } from './layers';
export { train, epochBatches, stepsPerEpoch } from './train';
export type { TrainNet, TrainAt, TrainOptions, TrainResult, TrainEpoch } from './train';
export {
  OPTIMIZERS, OPTIMIZER_DEFAULTS, OPTIMIZER_LABELS, optimizerConfig, updateRule, stateTensors, createOptimizer,
  sgd, momentum, sgdMomentum, nesterov, adagrad, rmsprop, adam, adamw, applyUpdate,
} from './optim';
export type { UpdateRule, OptimizerName, OptimizerConfig, Optimizer, AdamConfig, AdamState } from './optim';
export { step64 } from './optim64';
export type { State64 } from './optim64';
export {
  SCHEDULES, makeSchedule, scheduleValues, constantLr, stepDecay, expDecay, invDecay, invSqrtDecay, cosineDecay, linearDecay, sgdrSchedule, withWarmup,
} from './schedules';
export type { ScheduleKind, ScheduleSpec } from './schedules';
export { softmaxLoss, crossEntropy, accuracyOf } from './losses';
export { initTwoLayer, disposeTwoLayer, twoLayerScores, twoLayerLoss, twoLayerSgdStep, TWO_LAYER_PARAMS, TWO_LAYER_STD } from './twoLayer';
export type { TwoLayerParams, TwoLayerLoss } from './twoLayer';
export { trainTwoLayer } from './twoLayerTrain';
export type { TwoLayerData, TwoLayerEpoch, TwoLayerRun, TwoLayerRunOptions } from './twoLayerTrain';
export { symmetricEigen, topEigen } from './linalg';
export type { SymmetricEigen, TopEigen } from './linalg';
export { createSmallCnn, CIFAR_MEAN, CIFAR_STD } from './smallCnn';
export { mlpModel, cnnModel, MLP_PARAMETERS, CIFAR_CNN_PARAMETERS, CIFAR_CNN_TRAINABLE, StepDropout, stepDropout } from './models';
export type { CnnWidths } from './models';
export type { SmallCnn, SmallCnnOptions } from './smallCnn';
export { array64, randn64, sizeOf, index64, at64, checkArray64, fromTensor64, toTensor64, maxAbsDiff64 } from './array64';
export type { Array64 } from './array64';
export {
  convOutputSize, tfjsPadding, conv2d64, conv2dBackward64, flipKernel64, maxPool64, maxPoolBackward64, avgPool64,
} from './conv64';
export type { ConvOutputSize, TfjsPadding, Pad64, Conv64Options, Pool64Options, MaxPool64 } from './conv64';
