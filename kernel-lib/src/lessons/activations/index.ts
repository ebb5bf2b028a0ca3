/**
 * `nn.activations`: lesson 01, activation functions. Every function of the lecture with its
 * derivative, as data (`ACTIVATION_FUNCTIONS`) and as functions over tensors; the saturation
 * experiment; the table of values and derivatives.
 *
 * - math: `sigmoid`, `tanh`, `relu`, `leakyRelu`, `prelu`, `elu`, `selu`, `maxout`, `swish`,
 *   `gelu`, each with its `…Grad` (and `…Backward` where a parameter is learned);
 * - experiments: `saturation`, `functionsTable`, `zigzag` (positive vs zero-centred inputs),
 *   `depthStats` (activation statistics across depth with matching inits), `deadRelu` (dead units on MNIST),
 *   `race` (every activation trains the same net on MNIST);
 * - figures: `familyFigure` (functions and derivatives side by side, from `functionsTable(CURVES)`),
 *   `saturationFigure`, `showSaturation`, `showFunctionsTable`, `zigzagFigure`, `showZigzag`,
 *   `depthStatsFigure`, `showDepthStats`, `deadReluFigure`, `showDeadRelu`, `raceFigure`, `showRace`.
 *
 * @example
 * const r = await nn.activations.saturation();
 * nn.activations.showSaturation(r);
 */
export {
  ACTIVATION_FAMILIES, ACTIVATION_FUNCTION_NAMES, ACTIVATION_FUNCTIONS, activationFunction, elu, eluGrad, gelu, geluGrad,
  leakyRelu, leakyReluGrad, maxout, maxoutBackward, prelu, preluBackward, preluGrad, relu, reluGrad, selu, SELU_ALPHA,
  SELU_LAMBDA, seluGrad, sigmoid, sigmoidGrad, swish, swishBackward, swishGrad, tanh, tanhGrad,
} from './functions';
export type { ActivationFamily, ActivationFunction, ActivationFunctionName, MaxoutGrads } from './functions';
export { saturation, SATURATION_DEFAULTS } from './saturation';
export type { ChainRow, LocalGradients, SaturationConfig, SaturationOptions, SaturationRecord } from './saturation';
export { CURVES, functionsTable, TABLE_DEFAULTS } from './table';
export type { FunctionsTableRecord, TableConfig, TableOptions, TableRow } from './table';
export { zigzag, ZIGZAG_DEFAULTS, ZIGZAG_INPUTS } from './zigzag';
export type { Quadrant, ZigzagConfig, ZigzagInputs, ZigzagOptions, ZigzagRecord, ZigzagRun } from './zigzag';
export { depthStats, DEPTH_ACTIVATIONS, DEPTH_DEFAULTS, DEPTH_QUICK, MATCHING_INIT } from './depthStats';
export type { DepthActivation, DepthLayer, DepthRun, DepthStatsConfig, DepthStatsOptions, DepthStatsRecord } from './depthStats';
export { deadRelu, DEAD_ACTIVATIONS, DEAD_DEFAULTS, DEAD_QUICK } from './deadRelu';
export type { DeadActivation, DeadReluConfig, DeadReluOptions, DeadReluRecord, DeadRun, DeadSetup } from './deadRelu';
export { race, RACE_ACTIVATIONS, RACE_DEFAULTS, RACE_ENTRANTS, RACE_QUICK } from './race';
export type { RaceActivation, RaceConfig, RaceOptions, RaceRecord, RaceRun } from './race';
export {
  deadReluFigure, depthStatsFigure, familyFigure, saturationFigure, raceFigure, showDeadRelu, showDepthStats, showFunctionsTable, showRace, showSaturation, showZigzag, zigzagFigure,
} from './figures';
