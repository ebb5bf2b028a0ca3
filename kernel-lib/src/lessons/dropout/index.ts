/**
 * `nn.dropout`: lesson 09, dropout vs inverted dropout. p is always the KEEP probability.
 *
 * - the math (pure functions over tensors): mask, forward / backward / disposeCache, vanilla, inverted;
 * - the lecture's network with a dropout point after every hidden layer: netParams64, netTensors,
 *   netForward, netPredict, netBackward, netForward64 (its float64 twin), disposeNet, disposeNetCache,
 *   netParameterCount; the exact expectations: neuronExpectation, exactExpectation;
 * - the experiments, each `async (options) => record` with a `progress` option, its defaults and
 *   its show function: expectation, ensemble, tfLayersKind, overfit.
 *
 * Internals (option resolvers, the MLP trainer, row builders, the Monte-Carlo accumulators) are
 * not exported: tests import them by path.
 *
 * @example
 * const r = await nn.dropout.expectation({ p: 0.5, seed: 1 });
 * nn.dropout.showExpectation(r);
 */

// the math
export { SCHEMES, mask, forward, backward, disposeCache, vanilla, inverted } from './dropout';
export type { DropoutScheme, DropoutOptions, DropoutCache } from './dropout';

// the lecture's network
export {
  NET_ACTIVATIONS, netParams64, netTensors, disposeNet, netForward, netPredict, netBackward, disposeNetCache, netForward64,
  netParameterCount,
} from './net';
export type { NetActivation, NetLayer, NetLayer64, NetOptions, NetCache, Net64Options, Net64Values } from './net';
export { EXPECTATION_CASES, EXPECTATION_PROBES, neuronExpectation, exactExpectation } from './exact';
export type { ExpectationCase, ExpectationProbe, NeuronExpectation } from './exact';

// the experiments
export { expectation, EXPECTATION_DEFAULTS } from './expectation';
export type { ExpectationOptions, ExpectationConfig, ExpectationRecord, ExpectationCaseRecord, ProbeStats } from './expectation';
export { ensemble, ENSEMBLE_DEFAULTS } from './ensemble';
export type { EnsembleOptions, EnsembleConfig, EnsembleRecord } from './ensemble';
export { tfLayersKind, TF_LAYERS_KIND_DEFAULTS } from './tfLayersKind';
export type { TfLayersKindOptions, TfLayersKindConfig, TfLayersKindRecord } from './tfLayersKind';
export { overfit, OVERFIT_DEFAULTS, OVERFIT_LARGE, OVERFIT_QUICK } from './overfit';
export type { OverfitOptions, OverfitConfig, OverfitRecord, OverfitRun, OverfitEpoch, OverfitSource } from './overfit';
export { MNIST_MLP_SIZES } from './mlp';

// figures: record -> figure spec, and show (figure and table)
export {
  neuronFigure, showNeuron, expectationFigure, showExpectation, ensembleFigure, showEnsemble, showTfLayersKind, overfitFigure,
  showOverfit,
} from './figures';
