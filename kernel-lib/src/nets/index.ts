/**
 * `nn.nets`: the explicit-weights building blocks the lessons share: the lecture's weight inits
 * (zeros, small, large, Xavier, Glorot, He) with their fan-in / fan-out, activations and their
 * derivatives, dense layers with a forward and a backward pass, the update rules (SGD, momentum)
 * and THE training loop every lesson uses (`train`); symmetric eigen-decompositions for PCA and whitening
 * (`symmetricEigen`, `topEigen`).
 */
export { INITS, INIT_SCALES, initStd, initValues, initWeights, fanIn, fanOut, zeros, small, large, xavier, glorot, he } from './init';
export type { InitName } from './init';
export {
  ACTIVATIONS, LEAKY_RELU_ALPHA, SELU_ALPHA, SELU_LAMBDA, activate, activationGrad, denseForward, denseBackward,
} from './layers';
export type { ActivationName, DenseCache } from './layers';
export { train, epochBatches, stepsPerEpoch } from './train';
export type { TrainNet, TrainOptions, TrainResult, TrainEpoch } from './train';
export { sgd, sgdMomentum, applyUpdate } from './optim';
export type { UpdateRule } from './optim';
export { softmaxLoss, crossEntropy, accuracyOf } from './losses';
export { initTwoLayer, disposeTwoLayer, twoLayerScores, twoLayerLoss, twoLayerSgdStep, TWO_LAYER_PARAMS, TWO_LAYER_STD } from './twoLayer';
export type { TwoLayerParams, TwoLayerLoss } from './twoLayer';
export { trainTwoLayer } from './twoLayerTrain';
export type { TwoLayerData, TwoLayerEpoch, TwoLayerRun, TwoLayerRunOptions } from './twoLayerTrain';
export { symmetricEigen, topEigen } from './linalg';
export type { SymmetricEigen, TopEigen } from './linalg';
